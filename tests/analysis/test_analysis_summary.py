"""Summaries against hand computations on tiny data, plus invariants."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.summary import (
    bootstrap_mean_difference,
    bootstrap_means,
    ecdf,
    fan_bands,
    headline,
    headline_table,
    nan_quantiles_along_rows,
    outcome_label,
    probability_ceasefire_within,
    quantile_summary,
)


def test_probability_ceasefire_within_counts_nan_as_no():
    # Month indices count from 0: "within 12 months" is months 0-11, so 12 is the 13th month.
    months = [1, 12, 13, np.nan, 60]
    assert probability_ceasefire_within(months, 12) == pytest.approx(1 / 5)
    assert probability_ceasefire_within(months, 24) == pytest.approx(3 / 5)
    assert probability_ceasefire_within(months, 60) == pytest.approx(3 / 5)
    assert probability_ceasefire_within(months, 61) == pytest.approx(4 / 5)
    assert math.isnan(probability_ceasefire_within([], 12))


def test_within_12_months_is_months_0_to_11_by_hand():
    # One future per month index 0..23 and one without a ceasefire: exactly 12 of the 25 have
    # their ceasefire in the first 12 months (indices 0-11), 24 in the first 24.
    months = [*range(24), np.nan]
    assert probability_ceasefire_within(months, 12) == pytest.approx(12 / 25)
    assert probability_ceasefire_within(months, 24) == pytest.approx(24 / 25)
    assert probability_ceasefire_within([0.0], 1) == 1.0  # the start month is the first month
    assert probability_ceasefire_within([12.0], 12) == 0.0


@given(
    st.lists(st.one_of(st.floats(0, 200), st.just(float("nan"))), min_size=1, max_size=30),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_probability_is_a_monotone_probability(months, m1, m2):
    low, high = sorted((m1, m2))
    p_low = probability_ceasefire_within(months, low)
    p_high = probability_ceasefire_within(months, high)
    assert 0.0 <= p_low <= p_high <= 1.0


def test_quantile_summary_by_hand():
    summary = quantile_summary([4.0, 1.0, np.nan, 3.0, 2.0])
    # sorted valid values 1,2,3,4; linear interpolation at position q * (n - 1)
    assert summary["n"] == 4
    assert summary["q50"] == pytest.approx(2.5)
    assert summary["q05"] == pytest.approx(1 + 0.05 * 3)
    assert summary["q95"] == pytest.approx(1 + 0.95 * 3)
    assert summary["mean"] == pytest.approx(2.5)
    empty = quantile_summary([np.nan])
    assert empty["n"] == 0 and math.isnan(empty["q50"])


def test_ecdf_with_and_without_nan_in_denominator():
    xs, ys = ecdf([3.0, np.nan, 1.0, 2.0])
    np.testing.assert_array_equal(xs, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(ys, [1 / 3, 2 / 3, 1.0])
    xs, ys = ecdf([3.0, np.nan, 1.0, 2.0], count_nan=True)
    np.testing.assert_allclose(ys, [0.25, 0.5, 0.75])


def tiny_scalars():
    return pd.DataFrame(
        {
            "experiment": [0, 1, 2, 3],
            "ceasefire_month": [6.0, 12.0, np.nan, 40.0],
            "peace_holds_5y": [0.5, 1.0, np.nan, 0.3],
            "terms_territory": [10.0, 20.0, np.nan, 30.0],
            "aid_total_europe": [100.0, 200.0, 300.0, 400.0],
            "aid_total_us": [0.0, 50.0, 50.0, 100.0],
            "escalation_use_of_force_events": [0, 2, 0, 1],
        }
    )


def test_headline_by_hand():
    rows = {row.key: row for row in headline(tiny_scalars())}
    # ceasefires in month indices 6, 12 (the 13th month) and 40 of 4 futures
    assert rows["p_ceasefire_12"].value == pytest.approx(1 / 4)
    assert rows["p_ceasefire_24"].value == pytest.approx(2 / 4)
    assert rows["p_ceasefire_60"].value == pytest.approx(3 / 4)
    assert rows["ceasefire_month"].value == pytest.approx(12.0)  # median of 6, 12, 40
    assert rows["peace_holds_5y"].value == pytest.approx((0.5 + 1.0 + 0.0 + 0.3) / 4)
    assert rows["terms_territory"].value == pytest.approx(20.0)
    assert rows["terms_territory"].low == pytest.approx(10 + 0.05 * 20)
    assert rows["aid_total_europe"].value == pytest.approx(250.0)
    assert rows["escalation_use_of_force_events"].value == pytest.approx(3 / 4)  # mean
    assert rows["p_escalation"].value == pytest.approx(2 / 4)
    keys = [row.key for row in headline(tiny_scalars())]
    assert keys.index("aid_total_us") < keys.index("aid_total_europe")


def test_headline_skips_missing_columns():
    rows = headline(pd.DataFrame({"experiment": [0, 1], "months_of_peace": [1.0, 2.0]}))
    assert rows == []


def test_headline_table_long_format():
    table = headline_table({"a": tiny_scalars(), "b": tiny_scalars().iloc[:2]})
    assert set(table["variant"]) == {"a", "b"}
    b12 = table[(table["variant"] == "b") & (table["key"] == "p_ceasefire_12")]["value"]
    assert b12.iloc[0] == pytest.approx(0.5)


def test_fan_bands_by_hand_with_shuffled_rows_and_missing_cells():
    series = pd.DataFrame(
        {
            "experiment": [0, 1, 2, 0, 1, 2],
            "month": [0, 0, 0, 1, 1, 1],
            "front": [10.0, 30.0, 20.0, 5.0, np.nan, 15.0],
        }
    ).sample(frac=1.0, random_state=3)
    bands = fan_bands(series, "front", quantiles=(0.25, 0.5))
    assert list(bands.index) == [0, 1]
    assert bands.loc[0, "q50"] == pytest.approx(20.0)
    assert bands.loc[0, "q25"] == pytest.approx(15.0)  # 10 + 0.25 * 2 * 10
    assert bands.loc[1, "q50"] == pytest.approx(10.0)  # median of 5, 15 (NaN ignored)
    assert bands.loc[1, "mean"] == pytest.approx(10.0)


def test_bootstrap_difference_by_hand_and_constant_samples():
    result = bootstrap_mean_difference(np.full(5, 3.0), np.full(7, 1.0), n_boot=50, seed=1)
    row = result.iloc[0]
    assert row["difference"] == pytest.approx(2.0)
    assert row["low"] == pytest.approx(2.0) and row["high"] == pytest.approx(2.0)


def test_bootstrap_interval_matches_normal_theory():
    # For a mean difference of independent samples the bootstrap standard error approaches
    # sqrt(var_a / n_a + var_b / n_b) (Efron & Tibshirani 1993, ch. 5).
    rng = np.random.default_rng(7)
    a = rng.normal(1.0, 2.0, 3000)
    b = rng.normal(0.0, 1.0, 2000)
    result = bootstrap_mean_difference(a, b, n_boot=2000, seed=2).iloc[0]
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    width = result["high"] - result["low"]
    assert width == pytest.approx(2 * 1.959964 * se, rel=0.1)
    assert result["difference"] == pytest.approx(a.mean() - b.mean())
    assert result["low"] < result["difference"] < result["high"]


def test_bootstrap_means_ignores_nan_per_column():
    values = np.array([[1.0, np.nan], [3.0, 4.0], [5.0, np.nan]])
    boot = bootstrap_means(values, 200, np.random.default_rng(0))
    assert boot.shape == (200, 2)
    finite = boot[:, 1][~np.isnan(boot[:, 1])]
    np.testing.assert_allclose(finite, 4.0)  # the only valid value
    assert np.all((boot[:, 0] >= 1.0) & (boot[:, 0] <= 5.0))


def test_outcome_labels_for_prefixed_columns():
    assert outcome_label("terms_territory")[0].endswith("territory")
    assert "US" in outcome_label("aid_total_us")[0]
    assert outcome_label("aid_total_europe")[1] == "EUR bn"


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 40), st.integers(0, 1000), st.floats(0, 0.6))
def test_sort_based_quantiles_equal_numpy_nanquantile(rows, cols, seed, nan_share):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, cols))
    values[rng.uniform(size=values.shape) < nan_share] = np.nan
    quantiles = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
    ours = nan_quantiles_along_rows(values, quantiles)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(values, quantiles, axis=1)
    np.testing.assert_allclose(ours, expected, equal_nan=True)


def test_fan_bands_same_for_sorted_grid_and_shuffled_rows():
    rng = np.random.default_rng(2)
    series = pd.DataFrame(
        {
            "experiment": np.repeat([3, 7, 9, 11], 5),
            "month": np.tile(np.arange(1, 6), 4),
            "support_us": rng.uniform(0, 100, 20),
        }
    )
    grid = fan_bands(series, "support_us")
    shuffled = fan_bands(series.sample(frac=1.0, random_state=1), "support_us")
    pd.testing.assert_frame_equal(grid, shuffled)
    np.testing.assert_allclose(grid["q50"], series.groupby("month")["support_us"].median())


def test_ceasefire_by_and_war_ends_by_sit_side_by_side():
    frame = pd.DataFrame(
        {
            "experiment": [0, 1, 2, 3],
            "ceasefire_month": [3.0, None, None, 30.0],
            "war_end_month": [3.0, 5.0, None, 30.0],
        }
    )
    rows = {row.key: row for row in headline(frame)}
    assert rows["p_ceasefire_12"].value == pytest.approx(1 / 4)
    assert rows["p_war_ends_12"].value == pytest.approx(2 / 4)
    assert rows["p_ceasefire_12"].label.startswith("P(ceasefire by month 12)")
    assert "any end" in rows["p_war_ends_12"].label


def test_ended_share_counts_only_ended_futures():
    from accord.analysis import war_end

    frame = pd.DataFrame({"war_end_type": [0, 1, 2, 3, 4, 2]})
    assert war_end.ended_share(frame, ("decision", "collapse")) == (pytest.approx(3 / 5), 5)
    assert war_end.ended_share(pd.DataFrame({"war_end_type": [0.0]}), ("freeze",))[1] == 0
