"""What compare shows: a nominal outcome as shares per category, one share-observed row per
set of outcomes observed in the same futures."""

import numpy as np
import pandas as pd
import pytest

from accord.analysis.compare import compare_scalars
from accord.analysis.formatting import compare_text
from accord.analysis.intervals import difference_interval


def _tables(seed=0, n=400):
    rng = np.random.default_rng(seed)

    def one(p_ceasefire):
        ceasefire = rng.random(n) < p_ceasefire
        month = np.where(ceasefire, rng.integers(0, 100, n), np.nan)
        return pd.DataFrame(
            {
                "experiment": np.arange(n),
                "ceasefire_month": month,
                "terms_territory": np.where(ceasefire, rng.uniform(0, 100, n), np.nan),
                "peace_holds_5y_given_ceasefire": np.where(ceasefire, rng.random(n), np.nan),
                "war_end_month": np.where(rng.random(n) < 0.8, rng.integers(0, 100, n), np.nan),
                "war_end_type": rng.choice([0.0, 1.0, 2.0, 4.0], n, p=[0.2, 0.4, 0.3, 0.1]),
            }
        )

    return one(0.4), one(0.3)


def test_a_nominal_outcome_is_compared_as_shares_per_category_never_as_a_mean():
    a, b = _tables()
    table = compare_scalars(a, b, outcomes=["war_end_type"])
    assert "mean" not in set(table["statistic"])
    # every code seen in either run, by its label (3, collapse, is seen in neither)
    assert list(table["statistic"]) == [
        "share: ongoing",
        "share: ceasefire",
        "share: decision",
        "share: freeze",
    ]
    for code, row in zip((0.0, 1.0, 2.0, 4.0), table.itertuples(), strict=True):
        share_a, share_b = (a["war_end_type"] == code).mean(), (b["war_end_type"] == code).mean()
        assert row.mean_a == pytest.approx(share_a) and row.mean_b == pytest.approx(share_b)
        d = difference_interval(
            (a["war_end_type"] == code) * 1.0, (b["war_end_type"] == code) * 1.0, paired=False
        )
        assert (row.difference, row.ci_low, row.ci_high) == pytest.approx((d.value, d.low, d.high))
    assert sum(table["mean_a"]) == pytest.approx(1.0)
    shown = compare_text(table)
    assert all(text.endswith("%") for text in shown["A"])  # shares, formatted as such


def test_the_share_observed_row_appears_once_for_outcomes_observed_alike():
    a, b = _tables(1)
    table = compare_scalars(a, b)
    shares = table[table["statistic"] == "share observed"]
    # ceasefire_month, the terms and the conditional durability are observed exactly when
    # there is a ceasefire: one row, under the first; war_end_month is observed otherwise.
    assert list(shares["outcome"]) == ["ceasefire_month", "war_end_month"]
    means = table[table["statistic"] == "mean where observed"]["outcome"]
    assert list(means) == [
        "ceasefire_month",
        "terms_territory",
        "peace_holds_5y_given_ceasefire",
        "war_end_month",
    ]
    first = shares.iloc[0]
    assert first["mean_a"] == pytest.approx(a["ceasefire_month"].notna().mean())
    # an outcome observed in other futures keeps its own row
    b.loc[0, "terms_territory"] = np.nan if b["terms_territory"].notna()[0] else 50.0
    again = compare_scalars(a, b)
    assert "terms_territory" in set(again[again["statistic"] == "share observed"]["outcome"])
