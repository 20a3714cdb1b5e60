"""PRIM finds planted boxes; trajectory invariants (Friedman & Fisher 1999)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.discovery import prim


def planted(n=6000, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    inputs = pd.DataFrame(rng.uniform(size=(n, 5)), columns=[f"u{i}" for i in range(5)])
    inputs["force"] = rng.choice(["none", "small", "large"], n)
    inputs["years"] = rng.integers(1, 6, n)  # a discrete numeric lever
    inside = (inputs["u0"] > 0.6) & (inputs["u3"] < 0.3) & (inputs["force"] != "small")
    y = inside.to_numpy().astype(float)
    if noise:
        flip = rng.uniform(size=n) < noise
        y[flip] = 1.0 - y[flip]
    return inputs, y, inside.to_numpy()


def noisy_game(seed, n=400):
    """Two numeric inputs and one categorical; the case rate rises with ``a`` only."""
    rng = np.random.default_rng(seed)
    inputs = pd.DataFrame(
        {"a": rng.uniform(size=n), "b": rng.normal(size=n), "c": rng.choice(["x", "y", "z"], n)}
    )
    y = (rng.uniform(size=n) < 0.2 + 0.6 * inputs["a"]).astype(float)
    return inputs, y


def test_prim_recovers_a_planted_box():
    inputs, y, inside = planted()
    result = prim(inputs, y, alpha=0.05)
    box = result.box(len(result.trajectory) - 1)
    assert box.density == pytest.approx(1.0)
    assert set(box.restricted().index) == {"u0", "u3", "force"}
    limits = box.limits
    assert 0.6 <= limits.loc["u0", "low"] < 0.65
    assert 0.25 < limits.loc["u3", "high"] <= 0.3
    assert limits.loc["force", "kept"] == "large, none"
    assert box.coverage > 0.8
    assert result.base_density == pytest.approx(inside.mean())


def test_prim_with_noise_selects_a_box_on_the_planted_inputs():
    inputs, y, _ = planted(noise=0.03, seed=1)
    result = prim(inputs, y)
    box = result.select(min_coverage=0.5)
    assert {"u0", "u3", "force"} <= set(box.restricted().index)
    assert box.density > 0.8 and box.coverage >= 0.5


def test_prim_on_probabilities_and_discrete_numeric_input():
    rng = np.random.default_rng(4)
    n = 4000
    inputs = pd.DataFrame({"years": rng.integers(1, 6, n), "u": rng.uniform(size=n)})
    y = np.where(inputs["years"] >= 4, 0.9, 0.1)
    # years >= 4 holds 0.4 * 0.9 of the total 0.4 * 0.9 + 0.6 * 0.1: coverage 0.857
    box = prim(inputs, y).select(min_coverage=0.8)
    assert list(box.restricted().index) == ["years"]
    assert box.limits.loc["years", "low"] == 4
    assert box.density == pytest.approx(0.9)
    assert box.coverage == pytest.approx(0.36 / 0.42, abs=0.02)


def test_prim_without_signal_keeps_the_whole_space():
    inputs = pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0)[::-1]})
    result = prim(inputs, np.ones(100))
    assert len(result.trajectory) == 1
    assert result.select().restricted().empty


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.03, 0.2), st.floats(0.02, 0.3))
def test_trajectory_invariants(seed, alpha, min_support):
    inputs, y = noisy_game(seed)
    traj = prim(inputs, y, alpha=alpha, min_support=min_support).trajectory
    assert traj["coverage"].iloc[0] == pytest.approx(1.0)
    assert np.all(np.diff(traj["n_in"]) < 0)  # every peel removes points
    assert np.all(np.diff(traj["density"]) > 0)  # and raises the mean of y
    assert np.all(np.diff(traj["coverage"]) <= 1e-12)
    assert traj["support"].iloc[-1] >= min_support - 1.0 / len(y)
    assert np.all((traj["density"] >= 0) & (traj["density"] <= 1))


def test_rejects_bad_alpha():
    with pytest.raises(ValueError):
        prim(pd.DataFrame({"a": [1.0, 2.0]}), [0, 1], alpha=1.5)


def test_select_caps_the_number_of_restricted_inputs():
    inputs, y, _ = planted(noise=0.03, seed=2)
    result = prim(inputs, y)
    for cap in (0, 1, 2):
        box = result.select(min_coverage=0.3, max_restricted=cap)
        assert len(box.restricted()) <= cap
    assert result.select(max_restricted=0).step == 0


def test_pasting_recovers_edges_a_coarse_peel_overshot():
    inputs, y, inside = planted(seed=3)
    result = prim(inputs, y, alpha=0.2)  # coarse peels cut past the planted edges
    step = len(result.trajectory) - 1
    peeled, pasted = result.box(step), result.paste(step, alpha=0.01)
    assert pasted.density == pytest.approx(1.0) and peeled.density == pytest.approx(1.0)
    assert pasted.pasted > 0 and pasted.coverage > peeled.coverage
    assert pasted.coverage > 0.95
    limits = pasted.limits
    assert 0.6 <= limits.loc["u0", "low"] < 0.61
    assert 0.29 < limits.loc["u3", "high"] <= 0.3
    assert limits.loc["force", "kept"] == "large, none"
    assert set(pasted.restricted().index) == {"u0", "u3", "force"}


def test_pasting_adds_back_a_dropped_option():
    rng = np.random.default_rng(5)
    n = 3000
    inputs = pd.DataFrame({"u": rng.uniform(size=n), "lever": rng.choice(["a", "b", "c"], n)})
    # Above u = 0.5 every future is a case; below, a and b are cases 40 % of the time and c
    # never: overall c looks worst, so the greedy first peel drops it, though inside the
    # final box (u > 0.5) it is as good as a and b.
    high = inputs["u"].to_numpy() > 0.5
    y = np.where(high, 1.0, (rng.uniform(size=n) < 0.4) & (inputs["lever"] != "c"))
    result = prim(inputs, y, alpha=0.05)
    step = len(result.trajectory) - 1
    peeled, pasted = result.box(step), result.paste(step)
    assert peeled.limits.loc["lever", "kept"] == "a, b"
    assert pasted.limits.loc["lever", "kept"] == "a, b, c"
    assert pasted.density == pytest.approx(1.0)
    assert list(pasted.restricted().index) == ["u"]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 0.3), st.floats(0.005, 0.1))
def test_pasting_never_lowers_density_and_only_grows_the_box(seed, alpha, paste_alpha):
    inputs, y = noisy_game(seed)
    result = prim(inputs, y, alpha=alpha)
    for step in range(len(result.trajectory)):
        peeled, pasted = result.box(step), result.paste(step, alpha=paste_alpha)
        assert pasted.density >= peeled.density - 1e-12
        assert pasted.n_in >= peeled.n_in and pasted.coverage >= peeled.coverage - 1e-12
        for name in ("a", "b"):
            assert pasted.limits.loc[name, "low"] <= peeled.limits.loc[name, "low"]
            assert pasted.limits.loc[name, "high"] >= peeled.limits.loc[name, "high"]
        assert set(peeled.limits.loc["c", "kept"].split(", ")) <= set(
            pasted.limits.loc["c", "kept"].split(", ")
        )
        assert len(pasted.restricted()) <= len(peeled.restricted())


def test_paste_rejects_bad_alpha():
    inputs, y, _ = planted(n=200)
    with pytest.raises(ValueError):
        prim(inputs, y).paste(0, alpha=0.0)
