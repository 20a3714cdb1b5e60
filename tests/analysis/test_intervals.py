"""The one interval method: closed forms against independent implementations, pairing, and
agreement of the report's summary and comparison with ``accord compare`` row by row."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from accord.analysis.compare import compare_scalars
from accord.analysis.formatting import interval_text, signed_points
from accord.analysis.intervals import (
    difference_interval,
    mean_interval,
    share_interval,
    tables_are_paired,
)
from accord.analysis.narrative import findings
from accord.analysis.summary import bootstrap_means


def test_wilson_matches_statsmodels():
    for successes, n in ((0, 20), (3, 50), (45, 50), (700, 1000)):
        values = np.r_[np.ones(successes), np.zeros(n - successes)]
        got = share_interval(values)
        low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
        assert (got.low, got.high) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))
        assert got.value == successes / n and got.n == n


def test_independent_shares_use_newcombe_as_statsmodels():
    a = np.r_[np.ones(60), np.zeros(40)]
    b = np.r_[np.ones(45), np.zeros(75)]
    got = difference_interval(a, b, paired=False)
    low, high = confint_proportions_2indep(60, 100, 45, 120, method="newcomb", compare="diff")
    assert got.method == "newcombe"
    assert (got.low, got.high) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_mean_interval_is_the_normal_interval():
    x = np.random.default_rng(2).normal(3.0, 2.0, 400)
    got = mean_interval(x)
    half = 1.959964 * x.std(ddof=1) / 20
    assert got.low == pytest.approx(x.mean() - half) and got.high == pytest.approx(x.mean() + half)


def test_paired_difference_removes_common_noise_and_independent_does_not():
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 5, 1000)
    a, b = noise + 1.0 + rng.normal(0, 0.1, 1000), noise
    paired = difference_interval(a, b, paired=True)
    d = a - b
    half = 1.959964 * d.std(ddof=1) / math.sqrt(1000)
    assert paired.low == pytest.approx(d.mean() - half)
    independent = difference_interval(a, b, paired=False)
    assert (independent.high - independent.low) > 20 * (paired.high - paired.low)


def test_paired_mean_where_observed_agrees_with_the_paired_bootstrap():
    rng = np.random.default_rng(8)
    n = 3000
    base = rng.gamma(3.0, 4.0, n)
    a = np.where(rng.uniform(size=n) < 0.6, base + 1.0, np.nan)
    b = np.where(rng.uniform(size=n) < 0.5, base, np.nan)
    got = difference_interval(a, b, paired=True)
    # Paired percentile bootstrap of the same statistic (rows resampled jointly).
    boot = bootstrap_means(np.c_[a, b], 3000, np.random.default_rng(1))
    low, high = np.quantile(boot[:, 0] - boot[:, 1], [0.025, 0.975])
    width = high - low
    assert got.low == pytest.approx(low, abs=0.1 * width)
    assert got.high == pytest.approx(high, abs=0.1 * width)


def test_degenerate_intervals_are_said_as_such():
    same = mean_interval(np.full(50, 0.91))
    assert same.degenerate
    assert interval_text(same, "amount") == "0.91 (in every future alike)"
    always = share_interval(np.ones(30))
    assert not always.degenerate  # Wilson: 30 of 30 still leaves room below 100 %
    zero = difference_interval(np.ones(40), np.ones(40), paired=True)
    assert zero.degenerate and not zero.excludes_zero


def _paired_tables(n=800):
    rng = np.random.default_rng(11)
    u = rng.uniform(size=n)
    month_a = np.where(u < 0.5, np.floor(40 * u), np.nan)
    month_b = np.where(u < 0.52 + 0.02 * rng.uniform(size=n) - 0.01, np.floor(40 * u) + 1, np.nan)
    tables = []
    for months, shift in ((month_a, 0.0), (month_b, 5.0)):
        holds = np.where(np.isnan(months), 0.0, (u < 0.3 + shift / 100).astype(float))
        tables.append(
            pd.DataFrame(
                {
                    "experiment": np.arange(n),
                    "u": u,
                    "ceasefire_month": months,
                    "ceasefire_reached": (~np.isnan(months)).astype(float),
                    "peace_holds_5y": holds,
                    "aid_total_europe": 100 + 50 * u + shift + rng.normal(0, 1, n),
                }
            )
        )
    return tables


def test_report_summary_and_comparison_agree_with_compare_on_every_row():
    from accord.report.html import ReportRun, _comparison_section, variants_paired

    base, other = _paired_tables()
    meta = {"seed": 3, "design": {"uncertainties": ["u"]}}
    runs = [
        ReportRun("baseline", base, pd.DataFrame(), meta),
        ReportRun("other", other, pd.DataFrame(), meta),
    ]
    scalars = {"baseline": base, "other": other}
    paired = variants_paired(runs, scalars, {"baseline": (["u"], []), "other": (["u"], [])})
    assert paired == {"other": True}
    assert tables_are_paired(other, base, meta_a=meta, meta_b=meta)

    outcomes = ["ceasefire_reached", "peace_holds_5y", "aid_total_europe"]
    compared = compare_scalars(other, base, outcomes=outcomes, paired=True).set_index("outcome")
    section = _comparison_section(scalars, paired)
    rows = {row["outcome"]: row["cells"][0] for row in section["rows"]}
    assert set(rows) == set(outcomes)
    for outcome, cell in rows.items():
        expected = compared.loc[outcome]
        assert cell["difference"] == pytest.approx(expected["difference"], abs=1e-12)
        assert cell["low"] == pytest.approx(expected["ci_low"], abs=1e-12)
        assert cell["high"] == pytest.approx(expected["ci_high"], abs=1e-12)

    text = {f.topic: f.sentence for f in findings(scalars, paired=paired)}["variants"]
    for outcome in ("ceasefire_reached", "peace_holds_5y"):
        row = compared.loc[outcome]
        assert (
            f"{signed_points(row['difference'])} ({signed_points(row['ci_low'])} … "
            f"{signed_points(row['ci_high'])})"
        ) in text
    # The share observed of ceasefire_month is the same quantity as ceasefire_reached.
    share = compare_scalars(other, base, outcomes=["ceasefire_month"], paired=True)
    share = share.set_index("statistic").loc["share observed"]
    assert share["ci_low"] == pytest.approx(compared.loc["ceasefire_reached", "ci_low"])
