"""Comparison of two runs: means, differences, bootstrap intervals, missing values, pairing."""

import numpy as np
import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

from accord.analysis.compare import compare_runs, compare_scalars
from accord.experiments import make_design, run_experiments
from accord.spec.errors import ScenarioError


def _table(**columns):
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"experiment": np.arange(n), **columns})


def test_means_and_interval_match_the_normal_theory_for_a_difference_of_means():
    rng = np.random.default_rng(0)
    a = _table(x=rng.normal(1.0, 2.0, 800))
    b = _table(x=rng.normal(0.0, 1.0, 600))
    (row,) = compare_scalars(a, b, n_bootstrap=4000, seed=1).to_dict("records")
    assert row["statistic"] == "mean" and (row["n_a"], row["n_b"]) == (800, 600)
    assert row["mean_a"] == pytest.approx(a["x"].mean(), rel=1e-12)
    assert row["mean_b"] == pytest.approx(b["x"].mean(), rel=1e-12)
    assert row["difference"] == pytest.approx(a["x"].mean() - b["x"].mean(), rel=1e-12)
    # Welch standard error (sample sd, divisor n): the bootstrap percentile interval of a
    # difference of means is asymptotically the normal interval +-1.96 se (Efron & Tibshirani
    # 1993, ch. 13); with 4000 replicates its ends carry a Monte Carlo error of a few %.
    se = np.sqrt(a["x"].var(ddof=0) / 800 + b["x"].var(ddof=0) / 600)
    assert row["ci_low"] == pytest.approx(row["difference"] - 1.96 * se, abs=0.1 * 1.96 * se)
    assert row["ci_high"] == pytest.approx(row["difference"] + 1.96 * se, abs=0.1 * 1.96 * se)


def test_missing_values_give_a_mean_where_observed_and_a_share_observed():
    a = _table(ceasefire_month=np.array([3.0, np.nan, 5.0, np.nan]), peace=np.array([1, 0, 1, 1]))
    b = _table(
        ceasefire_month=np.array([np.nan, np.nan, 10.0, np.nan]), peace=np.array([0, 0, 1, 0])
    )
    table = compare_scalars(a, b, n_bootstrap=500).set_index(["outcome", "statistic"])
    observed = table.loc[("ceasefire_month", "mean where observed")]
    assert (observed["mean_a"], observed["mean_b"], observed["difference"]) == (4.0, 10.0, -6.0)
    share = table.loc[("ceasefire_month", "share observed")]
    assert (share["mean_a"], share["mean_b"], share["difference"]) == (0.5, 0.25, 0.25)
    assert share["ci_low"] <= 0.25 <= share["ci_high"]
    probability = table.loc[("peace", "probability")]
    assert (probability["mean_a"], probability["mean_b"]) == (0.75, 0.25)


def test_pairing_removes_the_noise_common_to_both_runs():
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 5, 300)
    a, b = _table(x=noise + 2.0), _table(x=noise)
    paired = compare_scalars(a, b, paired=True, n_bootstrap=500).iloc[0]
    assert paired["ci_low"] == pytest.approx(2.0) and paired["ci_high"] == pytest.approx(2.0)
    independent = compare_scalars(a, b, paired=False, n_bootstrap=500).iloc[0]
    assert independent["ci_high"] - independent["ci_low"] > 1.0
    with pytest.raises(ValueError):
        compare_scalars(a, b.iloc[:-1], paired=True)


def test_same_seed_same_interval_and_unknown_outcomes():
    rng = np.random.default_rng(4)
    a, b = _table(x=rng.random(50)), _table(x=rng.random(60))
    pd.testing.assert_frame_equal(compare_scalars(a, b, seed=9), compare_scalars(a, b, seed=9))
    with pytest.raises(ScenarioError, match="unknown outcome"):
        compare_scalars(a, b, outcomes=["y"])


def test_runs_of_one_design_and_seed_are_compared_paired(tmp_path):
    def run(force, seed):
        design = make_design(UNCERTAINTIES, LEVERS, 40, seed=seed, fixed_levers={"force": force})
        return run_experiments(
            toy_simulate,
            design,
            seed=seed,
            out_dir=tmp_path,
            meta={"scenario": "toy", "variant": f"f{force}-s{seed}"},
            progress=False,
        )

    pushed, base, other_seed = run(0.2, 1), run(0.0, 1), run(0.0, 2)
    table = compare_runs(pushed, base, n_bootstrap=300)
    assert table.attrs["paired"]
    end = table.set_index("outcome").loc["end_value"]
    # the lever adds 0.2 per month to the same random walk: +2.4 after 12 months, exactly
    assert end["difference"] == pytest.approx(2.4)
    assert end["ci_low"] == pytest.approx(2.4) and end["ci_high"] == pytest.approx(2.4)
    assert not compare_runs(pushed, other_seed, n_bootstrap=300).attrs["paired"]
    assert not compare_runs(pushed, base, n_bootstrap=300, paired=False).attrs["paired"]
