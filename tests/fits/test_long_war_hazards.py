"""Nonparametric long-war hazards and end-type shares, checked against the data directly."""

import numpy as np
import pytest
from scipy.stats import binomtest

from accord.fits.war_duration import (
    clopper_pearson,
    cow_wars,
    long_war_end_types,
    long_war_hazards,
    long_war_log_scores,
)


def test_clopper_pearson_matches_scipy_binomtest():
    for k, n in ((0, 5), (2, 11), (7, 9), (9, 9)):
        ci = binomtest(k, n).proportion_ci(method="exact")
        assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-9)


@pytest.mark.parametrize("k, n", [(0, 0), (3, 2), (-1, 4)])
def test_clopper_pearson_refuses_empty_or_impossible_samples(k, n):
    with pytest.raises(ValueError):
        clopper_pearson(k, n)


def test_cow_life_table_counts_the_record():
    wars = cow_wars()
    years = wars["duration_years"].to_numpy()
    rows = long_war_hazards(years, wars["ended"])
    for row in rows:
        start, stop = row["reached_years"], row["reached_years"] + row["window_years"]
        assert row["n"] == int((years >= start).sum())
        assert row["ended"] == int(((years >= start) & (years < stop)).sum())
        assert row["low"] <= row["rate"] <= row["high"]


def test_censored_wars_leave_the_window():
    rows = long_war_hazards([2.5, 3.5, 5.0, 2.2], [1, 0, 1, 0])
    first = rows[0]  # reached 2 years: 2.5 ended, 3.5 and 5.0 survived, 2.2 censored inside
    assert (first["n"], first["ended"], first["censored_in_window"]) == (3, 1, 1)
    assert rows[2]["n"] == 1  # at 4 years only the 5.0 war, which ended before 6


def test_empty_window_has_no_rate():
    rows = long_war_hazards([0.5, 1.0], [1, 1])
    assert all(row["n"] == 0 and row["rate"] is None for row in rows)


def test_end_type_shares_add_up():
    shares = long_war_end_types()
    for sample in shares.values():
        assert sum(item["count"] for item in sample.values()) == next(iter(sample.values()))["n"]
        assert np.isclose(sum(item["share"] for item in sample.values()), 1.0)


def test_held_out_log_score_scores_only_long_wars_and_picks_the_best():
    wars = cow_wars()
    result = long_war_log_scores(wars, reached=6.0)
    assert result["held_out_wars"] == int((wars["duration_years"] >= 6.0).sum())
    scores = result["log_score"]
    assert len(scores) == 4 and all(v < 0 for v in scores.values())
    assert scores[result["chosen"]] == max(scores.values())


def test_held_out_log_score_refuses_a_sample_without_long_wars():
    wars = cow_wars()
    with pytest.raises(ValueError, match="no war reached"):
        long_war_log_scores(wars[wars["duration_years"] < 1.0])
