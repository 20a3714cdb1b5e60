"""Checks of a PRIM box: quasi-p values, bootstrap stability, CART, the figure, the
minimum-sample warning (accord.analysis.discovery)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from accord.analysis.discovery import (
    MIN_PER_INPUT,
    bootstrap_stability,
    box_limits_figure,
    cart_box,
    prim,
    quasi_p_values,
)


def planted(n=2000, seed=0, noise=0.1):
    rng = np.random.default_rng(seed)
    inputs = pd.DataFrame(rng.uniform(size=(n, 4)), columns=[f"u{i}" for i in range(4)])
    inputs["force"] = rng.choice(["none", "small", "large"], n)
    inside = (inputs["u0"] > 0.6) & (inputs["u1"] < 0.5)
    y = inside.to_numpy().astype(float)
    flip = rng.uniform(size=n) < noise
    y[flip] = 1.0 - y[flip]
    return inputs, y


def test_quasi_p_values_are_tiny_for_planted_restrictions_and_large_for_noise() -> None:
    inputs, y = planted()
    result = prim(inputs, y, alpha=0.05)
    step = len(result.trajectory) - 1
    q = quasi_p_values(result, step)
    assert set(q.index) == set(result.box(step).restricted().index)
    assert q["u0"] < 1e-6 and q["u1"] < 1e-6
    # By hand for u0: the box without its u0 limit, then the binomial tail.
    from scipy.stats import binom

    box = result.box(step)
    limits = box.limits
    inside = np.ones(len(inputs), bool)
    for name, limit in box.restricted().iterrows():
        if name != "u0" and not pd.isna(limit["low"]):
            inside &= inputs[name].between(limit["low"], limit["high"]).to_numpy()
        elif name != "u0":
            inside &= inputs[name].isin(limit["kept"].split(", ")).to_numpy()
    p = y[inside].mean()
    in_box = (
        inside & inputs["u0"].between(limits.loc["u0", "low"], limits.loc["u0", "high"]).to_numpy()
    )
    assert q["u0"] == pytest.approx(binom.sf(int(y[in_box].sum()) - 1, int(in_box.sum()), p))
    # On pure noise, the first peel's restriction is not significant.
    rng = np.random.default_rng(1)
    noise = pd.DataFrame(rng.uniform(size=(400, 3)), columns=["a", "b", "c"])
    fit = prim(noise, (rng.uniform(size=400) < 0.3).astype(float))
    if len(fit.trajectory) > 1:
        assert quasi_p_values(fit, 1).min() > 0.001


def test_bootstrap_stability_finds_the_planted_inputs_every_time() -> None:
    inputs, y = planted(n=1500, noise=0.05)
    inputs = inputs.drop(columns="force")
    table = bootstrap_stability(
        inputs, y, replicates=12, seed=3, min_coverage=0.6, max_restricted=3
    )
    assert table.loc["u0", "share_restricted"] == 1.0
    assert table.loc["u1", "share_restricted"] == 1.0
    assert table.loc["u0", "low_p05"] <= table.loc["u0", "low_median"] <= table.loc["u0", "low_p95"]
    assert abs(table.loc["u0", "low_median"] - 0.6) < 0.05
    assert abs(table.loc["u1", "high_median"] - 0.5) < 0.05
    assert table.loc["u3", "share_restricted"] < table.loc["u0", "share_restricted"]
    assert 0 < table.attrs["coverage"] <= 1 and 0 < table.attrs["density"] <= 1


def test_cart_cross_check_finds_the_same_box() -> None:
    inputs, y = planted(noise=0.0)
    leaf = cart_box(inputs, y, max_depth=3)
    assert leaf["density"] == pytest.approx(1.0)
    limits = leaf["limits"]
    assert limits.loc["u0", "low"] == pytest.approx(0.6, abs=0.01)
    assert limits.loc["u1", "high"] == pytest.approx(0.5, abs=0.01)
    truth = ((inputs["u0"] > 0.6) & (inputs["u1"] < 0.5)).sum()
    # A pure leaf inside the planted box holding nearly all of it (a tree may cut a sliver
    # of the box into a neighbouring leaf at its last level).
    assert leaf["n_in"] <= truth and leaf["coverage"] > 0.99


def test_cart_keeps_options_of_a_categorical_input() -> None:
    rng = np.random.default_rng(4)
    inputs = pd.DataFrame({"a": rng.uniform(size=900), "c": rng.choice(["x", "y", "z"], 900)})
    y = ((inputs["c"] == "y") & (inputs["a"] > 0.3)).to_numpy().astype(float)
    leaf = cart_box(inputs, y, max_depth=3)
    assert leaf["limits"].loc["c", "kept"] == "y" and leaf["density"] == 1.0


def test_minimum_sample_warning() -> None:
    rng = np.random.default_rng(2)
    small = pd.DataFrame(rng.uniform(size=(60, 9)), columns=[f"x{i}" for i in range(9)])
    with pytest.warns(UserWarning, match="fewer than 10 per input"):
        result = prim(small, (rng.uniform(size=60) < 0.3).astype(float))
    assert result.warnings and "60 experiments and 9 inputs" in result.warnings[0]
    big = pd.DataFrame(rng.uniform(size=(MIN_PER_INPUT * 2, 2)), columns=["a", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert prim(big, (big["a"] > 0.5).astype(float).to_numpy()).warnings == ()


def test_box_limits_figure_labels_restrictions_with_units(tmp_path) -> None:
    inputs, y = planted()
    result = prim(inputs, y)
    step = len(result.trajectory) - 1
    q = quasi_p_values(result, step)
    fig = box_limits_figure(result.box(step), inputs, labels={"u0": "u0 (EUR bn)"}, quasi_p=q)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "u0 (EUR bn)" in texts
    assert any("quasi-p" in t for t in texts)
    assert len(fig.axes[0].patches) == 2 * len(result.box(step).restricted())
    fig.savefig(tmp_path / "box.png")
    assert (tmp_path / "box.png").stat().st_size > 0


def test_check_box_confirms_a_planted_box_and_flags_a_chance_one() -> None:
    from accord.analysis.discovery import check_box

    inputs, y = planted(n=1500)
    result = prim(inputs, y, alpha=0.05)
    step = len(result.trajectory) - 1
    checks = check_box(result, inputs, y, step, replicates=8)
    table = checks.table.set_index("input")
    assert set(table.index[table["box"] != "not restricted"]) == set(
        result.box(step).restricted().index
    )
    planted_rows = table.loc[["u0", "u1"]]
    assert (planted_rows["quasi_p"] < 1e-6).all()
    assert (planted_rows["share_restricted"] == 1.0).all()
    # The tree finds the same cuts: u0 above 0.6, u1 below 0.5 (its leaf may cut more).
    u0, u1 = table.loc["u0", "cart"], table.loc["u1", "cart"]
    assert float(u0.replace("at least ", "").split(" to ")[0]) == pytest.approx(0.6, abs=0.03)
    assert float(u1.replace("at most ", "").split(" to ")[-1]) == pytest.approx(0.5, abs=0.03)
    assert not [w for w in checks.warnings if w.startswith(("u0", "u1"))]

    rng = np.random.default_rng(5)
    noise = rng.uniform(size=len(inputs)) < 0.3  # y unrelated to every input
    fit = prim(inputs, noise.astype(float), alpha=0.05)
    step = int(fit.trajectory["density"].idxmax())
    noisy = check_box(fit, inputs, noise.astype(float), step, replicates=8)
    assert noisy.warnings, "a box peeled on noise must carry a warning"
