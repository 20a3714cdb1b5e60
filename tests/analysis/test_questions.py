"""Dated questions: calendar, events over all futures (NULL/NaN semantics), bins, scores,
and one-line errors for bad question files."""

from __future__ import annotations

import math
import textwrap
from datetime import date

import numpy as np
import pandas as pd
import pytest

from accord.analysis import questions as qa
from accord.spec.errors import ScenarioError

START = date(2025, 3, 1)
HORIZON = 120


def _scalars(**columns):
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"experiment": np.arange(n), **columns})


def _question(tmp_path, body: str, name: str = "q.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


# ------------------------------------------------------------------ calendar


def test_months_before_counts_whole_months_from_the_start():
    assert qa.months_before(START, date(2026, 1, 1)) == 10  # Mar..Dec 2025
    assert qa.months_before(START, date(2025, 3, 1)) == 0
    assert qa.months_before(START, date(2025, 3, 31)) == 0  # March has not ended
    assert qa.month_date(START, 9.0) == date(2025, 12, 1)
    assert qa.month_date(START, float("nan")) is None


# ------------------------------------------------------------------ NULL / NaN semantics


def test_a_never_month_counts_as_not_before_and_the_share_is_over_all_futures():
    # 10 futures: 2 ceasefires in 2025 (months 3, 9), one in 2026 (month 10), 7 never (NaN)
    months = [3.0, 9.0, 10.0] + [math.nan] * 7
    answer = qa.evaluate(
        _scalars(ceasefire_month=months), START, HORIZON, event="ceasefire_month before 2026-01-01"
    )
    assert answer.n_futures == 10
    assert answer.probs == {"yes": 0.2, "no": 0.8}  # not 2/3, the share among ceasefires
    assert answer.condition is None


def test_above_counts_a_missing_value_as_no():
    answer = qa.evaluate(
        _scalars(terms_territory=[80.0, 60.0, math.nan, math.nan]),
        START,
        HORIZON,
        event="terms_territory above 70",
    )
    assert answer.probs == {"yes": 0.25, "no": 0.75}


def test_category_by_date_needs_both_the_type_and_the_month():
    scalars = _scalars(
        war_end_type=[1.0, 4.0, 4.0, 2.0, 0.0], war_end_month=[2.0, 30.0, 5.0, 1.0, math.nan]
    )
    answer = qa.evaluate(
        scalars, START, HORIZON, event="war_end_type in {ceasefire, freeze} by 2026-01-01"
    )
    assert answer.counts == (2, 3)  # months 2 and 5 only


def test_a_conditional_event_states_its_condition_and_its_probability():
    # ceasefires at months 0, 12 (renewed at 13: 31 days), 24 (renewed at 30), 119 (too late
    # to observe 90 days before the horizon ends), and one future without a ceasefire.
    scalars = _scalars(
        ceasefire_month=[0.0, 12.0, 24.0, 119.0, math.nan],
        war_renewed_month=[math.nan, 13.0, 30.0, math.nan, math.nan],
    )
    answer = qa.evaluate(scalars, START, HORIZON, event="peace lasts 90 days given ceasefire")
    assert answer.condition is not None
    assert answer.condition["p"] == pytest.approx(3 / 5)
    assert answer.condition["n"] == 3
    assert answer.probs == {"yes": pytest.approx(2 / 3), "no": pytest.approx(1 / 3)}
    low, high = answer.condition["low"], answer.condition["high"]
    assert low < 0.6 < high


def test_wilson_interval_matches_the_formula_by_hand():
    # 3 of 10, z = 1.96: centre (0.3 + 0.19208) / 1.38416, half 1.96 * sqrt(0.021 + 0.009604)
    # / 1.38416
    low, high = qa.wilson(3, 10, z=1.96)
    centre = (0.3 + 1.96**2 / 20) / (1 + 1.96**2 / 10)
    half = 1.96 * math.sqrt(0.3 * 0.7 / 10 + 1.96**2 / 400) / (1 + 1.96**2 / 10)
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert low == pytest.approx(0.1078, abs=1e-4)
    assert high == pytest.approx(0.6032, abs=1e-4)


# ------------------------------------------------------------------ bins

QUARTERS = """\
    id: q
    title: When?
    opened: 2025-03-01
    closes: 2026-01-01
    event: ceasefire_month
    bins:
      - {bin: early, before: 2025-07-01}
      - {bin: late 2025, from: 2025-07-01, before: 2026-01-01}
      - {bin: later, from: 2026-01-01}
"""


def test_date_bins_put_a_never_future_in_the_open_last_bin(tmp_path):
    loaded = qa.load_question(_question(tmp_path, QUARTERS))
    scalars = _scalars(ceasefire_month=[0.0, 3.0, 4.0, 9.0, 10.0, math.nan])
    answer = qa.evaluate(scalars, START, HORIZON, event="ceasefire_month", loaded=loaded)
    # months 0-3 are Mar-Jun (early), 4-9 Jul-Dec, 10 and never: later
    assert answer.counts == (2, 2, 2)


def test_a_never_bin_takes_the_futures_without_a_ceasefire(tmp_path):
    body = QUARTERS + "      - {bin: never, never: true}\n"
    loaded = qa.load_question(_question(tmp_path, body))
    scalars = _scalars(ceasefire_month=[0.0, 10.0, math.nan, math.nan])
    answer = qa.evaluate(scalars, START, HORIZON, event="ceasefire_month", loaded=loaded)
    assert answer.counts == (1, 0, 1, 2)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("before: 2026-01-01}", "before: 2025-12-01}"), "gap or overlap"),
        (
            (
                "{bin: later, from: 2026-01-01}",
                "{bin: later, from: 2026-01-01, before: 2027-01-01}",
            ),
            "above the last bin",
        ),
        (
            (
                "{bin: early, before: 2025-07-01}",
                "{bin: early, from: 2025-05-01, before: 2025-07-01}",
            ),
            "below the first bin",
        ),
    ],
)
def test_bins_that_do_not_cover_are_refused_in_one_line(tmp_path, edit, message):
    loaded = qa.load_question(_question(tmp_path, QUARTERS.replace(*edit)))
    with pytest.raises(ScenarioError, match=message) as info:
        qa.evaluate(
            _scalars(ceasefire_month=[1.0]), START, HORIZON, event="ceasefire_month", loaded=loaded
        )
    text = str(info.value)
    assert "\n" not in text and "q.yaml:" in text and "field 'bins" in text


def test_a_bin_date_before_the_start_is_refused(tmp_path):
    body = QUARTERS.replace(
        "- {bin: early, before: 2025-07-01}", "- {bin: early, before: 2025-01-01}"
    )
    loaded = qa.load_question(_question(tmp_path, body))
    with pytest.raises(ScenarioError, match="before the run's start"):
        qa.evaluate(
            _scalars(ceasefire_month=[1.0]), START, HORIZON, event="ceasefire_month", loaded=loaded
        )


def test_an_unknown_outcome_and_an_unreadable_event_are_refused():
    scalars = _scalars(ceasefire_month=[1.0])
    with pytest.raises(ScenarioError, match="unknown outcome.*found 'truce_month'"):
        qa.evaluate(scalars, START, HORIZON, event="truce_month before 2026-01-01")
    with pytest.raises(ScenarioError, match="cannot read the event"):
        qa.evaluate(scalars, START, HORIZON, event="ceasefire_month soonish")
    with pytest.raises(ScenarioError, match="unknown category"):
        qa.evaluate(
            _scalars(war_end_type=[1.0], war_end_month=[1.0]),
            START,
            HORIZON,
            event="war_end_type in {truce}",
        )


# ------------------------------------------------------------------ question files

BINARY = """\
    id: b
    title: Before 2026?
    opened: 2025-03-01
    closes: 2026-01-01
    event: ceasefire_month before 2026-01-01
    crowd:
      - {source: X, date: 2025-05-01, probs: {yes: 0.3, no: 0.7}}
    resolution: {bin: no, source: news, date: 2026-01-01}
"""


def test_bare_yes_and_no_in_yaml_are_the_labels(tmp_path):
    loaded = qa.load_question(_question(tmp_path, BINARY))
    assert loaded.question.crowd[0].probs == {"yes": 0.3, "no": 0.7}
    assert loaded.question.resolution.bin == "no"


@pytest.mark.parametrize(
    ("edit", "message", "line"),
    [
        (("no: 0.7", "no: 0.6"), "do not sum to 1", 7),
        (("{yes: 0.3, no: 0.7}", "{yes: 0.3, maybe: 0.7}"), "name each bin once", 7),
        (("bin: no,", "bin: later,"), "resolution names no bin", 8),
        (("opened: 2025-03-01", "opened: 2025-02-30"), "date", 3),
        (("title: Before 2026?\n    ", ""), "field 'title': required key is missing", None),
    ],
)
def test_a_bad_question_file_gives_one_line_naming_file_line_and_field(
    tmp_path, edit, message, line
):
    path = _question(tmp_path, BINARY.replace(*edit))
    with pytest.raises(ScenarioError, match=message) as info:
        qa.load_question(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(str(path) + (f":{line}" if line else ""))


# ------------------------------------------------------------------ scores


def test_multi_bin_brier_and_log_scores_by_hand():
    probs = {"a": 0.5, "b": 0.3, "c": 0.2}
    # resolved b: (0.5)^2 + (0.7)^2 + (0.2)^2 = 0.25 + 0.49 + 0.04
    assert qa.brier(probs, "b") == pytest.approx(0.78)
    assert qa.log_score(probs, "b") == pytest.approx(-math.log(0.3))
    # binary yes/no at 0.2 yes, resolved no: 0.2^2 + 0.2^2
    assert qa.brier({"yes": 0.2, "no": 0.8}, "no") == pytest.approx(0.08)
    assert qa.brier({"yes": 0.0, "no": 1.0}, "no") == 0.0
    # a zero for what happened is floored, not infinite
    assert qa.log_score({"yes": 0.0, "no": 1.0}, "yes") == pytest.approx(-math.log(qa.LOG_FLOOR))


def test_value_bins_cover_with_numbers_and_a_never_bin(tmp_path):
    body = """\
    id: v
    title: Territory terms?
    opened: 2025-03-01
    closes: 2030-01-01
    event: terms_territory
    bins:
      - {bin: low, before: 50}
      - {bin: high, from: 50}
      - {bin: no terms, never: true}
    """
    loaded = qa.load_question(_question(tmp_path, body))
    scalars = _scalars(terms_territory=[10.0, 50.0, 70.0, math.nan])
    answer = qa.evaluate(scalars, START, HORIZON, event="terms_territory", loaded=loaded)
    assert answer.counts == (1, 2, 1)
    without_never = qa.load_question(
        _question(tmp_path, body.replace("      - {bin: no terms, never: true}\n", ""), "w.yaml")
    )
    with pytest.raises(ScenarioError, match="do not cover every future"):
        qa.evaluate(scalars, START, HORIZON, event="terms_territory", loaded=without_never)
