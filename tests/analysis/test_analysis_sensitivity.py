"""Levers' effects and importance measures against hand computations."""

import math

import numpy as np
import pandas as pd
import pytest

from accord.analysis.sensitivity import (
    feature_importance,
    lever_effects,
    standardised_regression,
)


def test_lever_effects_by_hand():
    scalars = pd.DataFrame(
        {
            "force": ["none", "small", "none", "large", "small", "large"],
            "peace": [0.1, 0.4, 0.3, 0.9, np.nan, 0.7],
            "aid": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    effects = lever_effects(
        scalars,
        ["force", "absent_lever"],
        ["peace", "aid", "absent"],
        options={"force": ["none", "small", "large"]},
        n_boot=200,
    )
    assert set(effects["option"]) == {"small", "large"}
    assert set(effects["reference"]) == {"none"}
    by = effects.set_index(["option", "outcome"])
    # none: peace mean 0.2, aid mean 2; small: peace 0.4 (NaN ignored), aid 3.5; large: 0.8, 5
    assert by.loc[("small", "peace"), "difference"] == pytest.approx(0.2)
    assert by.loc[("large", "peace"), "difference"] == pytest.approx(0.6)
    assert by.loc[("small", "aid"), "difference"] == pytest.approx(1.5)
    assert by.loc[("large", "aid"), "difference"] == pytest.approx(3.0)
    assert by.loc[("small", "aid"), "n_option"] == 2
    for row in effects.itertuples():
        assert row.low <= row.difference + 1e-12 <= row.high + 2e-12


def test_lever_effects_reference_option_and_constant_lever():
    scalars = pd.DataFrame(
        {"backstop": [True, False, True, False], "x": [1.0, 0.0, 3.0, 2.0], "fixed": ["a"] * 4}
    )
    effects = lever_effects(
        scalars, ["backstop", "fixed"], ["x"], reference={"backstop": True}, n_boot=50
    )
    assert list(effects["lever"]) == ["backstop"]  # a constant lever has no effect to show
    row = effects.iloc[0]
    assert row["reference"] == True  # noqa: E712 (numpy bool)
    assert row["difference"] == pytest.approx(1.0 - 2.0)


def test_standardised_regression_coefficients_exact():
    # Orthogonal, standardised inputs and no noise: SRC_j = b_j sd(x_j) / sd(y) with
    # sd(y) = sqrt(2^2 + 1^2) (Saltelli et al. 2008, eq. 1.5).
    x0 = np.array([1.0, -1.0, 1.0, -1.0])
    x1 = np.array([1.0, 1.0, -1.0, -1.0])
    y = 2.0 * x0 + 1.0 * x1 + 5.0
    coefficients, r2 = standardised_regression(np.column_stack([x0, x1]), y)
    np.testing.assert_allclose(coefficients, [2 / math.sqrt(5), 1 / math.sqrt(5)])
    assert r2 == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["extra_trees", "regression"])
def test_feature_importance_ranks_the_driver_first(method):
    rng = np.random.default_rng(0)
    n = 1500
    inputs = pd.DataFrame(
        {
            "noise_a": rng.uniform(size=n),
            "driver": rng.uniform(size=n),
            "lever": rng.choice(["off", "on"], n),
            "noise_b": rng.normal(size=n),
            "constant": np.ones(n),
        }
    )
    y = 4.0 * inputs["driver"] + 1.0 * (inputs["lever"] == "on") + rng.normal(0, 0.1, n)
    y[::50] = np.nan
    result = feature_importance(inputs, y, method=method, n_trees=30)
    assert list(result["input"][:2]) == ["driver", "lever"]
    assert result.set_index("input").loc["constant", "importance"] == 0.0
    assert (result["method"] == method).all()
    if method == "extra_trees":
        assert result["importance"].sum() == pytest.approx(1.0)
    else:
        assert result["r2"].iloc[0] > 0.9


def test_feature_importance_of_a_constant_outcome_is_none():
    inputs = pd.DataFrame({"a": np.arange(50.0)})
    result = feature_importance(inputs, np.ones(50))
    assert (result["method"] == "none").all() and (result["importance"] == 0).all()


def test_feature_importance_rejects_unknown_method():
    inputs = pd.DataFrame({"a": np.arange(50.0)})
    with pytest.raises(ValueError, match="unknown method"):
        feature_importance(inputs, np.arange(50.0), method="magic")


def test_lever_options_declared_as_strings_match_numeric_columns():
    # Scenario files list options as text; the design may hold numbers or booleans.
    scalars = pd.DataFrame(
        {
            "force_k": [0.0, 10.0, 0.0, 10.0, 25.0, 25.0],
            "backstop": [True, False, True, False, True, False],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    effects = lever_effects(
        scalars,
        ["force_k", "backstop"],
        ["x"],
        options={"force_k": ["25", "0", "10"], "backstop": ["False", "True"]},
        reference={"force_k": "0", "backstop": "False"},
        n_boot=20,
    )
    force = effects[effects["lever"] == "force_k"].set_index("option")
    assert list(force.index) == [25.0, 10.0]  # declared order, reference left out
    assert force.loc[25.0, "difference"] == pytest.approx(5.5 - 2.0)
    assert force.loc[10.0, "difference"] == pytest.approx(3.0 - 2.0)
    backstop = effects[effects["lever"] == "backstop"].iloc[0]
    assert backstop["reference"] == False  # noqa: E712
    assert backstop["difference"] == pytest.approx(3.0 - 4.0)
