"""The outcome registry (accord.spec.outcomes) drives the faces: the "NaN means never" set,
the dashboard's and report's lists, the engine's columns and how each outcome is formatted."""

from __future__ import annotations

import pytest

from accord.analysis.formatting import fmt, outcome_text, probability, unit_for
from accord.spec import outcomes


def test_nan_means_never_is_the_month_kind_and_every_face_uses_it() -> None:
    from accord.dashboard import app
    from accord.report import html

    assert {"ceasefire_month", "war_renewed_month", "war_end_month"} <= outcomes.NAN_MEANS_NEVER
    for name in outcomes.NAN_MEANS_NEVER:
        assert outcomes.outcome(name).kind == "month"
    assert "months_of_peace" not in outcomes.NAN_MEANS_NEVER  # a duration, 0 when no peace
    assert html.NAN_MEANS_NEVER is outcomes.NAN_MEANS_NEVER
    assert app.NAN_MEANS_NEVER is outcomes.NAN_MEANS_NEVER
    assert app.FAN_VARIABLES == html.FAN_VARIABLES == list(outcomes.SERIES)


def test_engine_columns_are_the_registry_scalars_with_terms_per_issue() -> None:
    from accord.simulation import scalar_names

    names = scalar_names(("territory", "security"))
    assert [n for n in names if not n.startswith("terms_")] == list(outcomes.SCALARS)
    assert [n for n in names if n.startswith("terms_")] == ["terms_territory", "terms_security"]
    assert len(names) == len(set(names)) == len(outcomes.SCALARS) + 2


@pytest.mark.parametrize("name", sorted(outcomes.REGISTRY))
def test_each_outcome_is_formatted_by_its_kind(name: str) -> None:
    entry = outcomes.outcome(name)
    value = 0.6183
    if entry.kind in ("probability", "indicator"):
        assert outcome_text(value, name) == probability(value) == "61.8 %"
    elif entry.kind in ("month", "duration"):
        assert outcome_text(12.4, name) == "12"
    else:
        assert outcome_text(value, name) == fmt(value, entry.unit)
    assert outcome_text(float("nan"), name) == "–"


def test_shares_of_comparisons_are_probabilities_whatever_the_outcome() -> None:
    assert unit_for("ceasefire_month", "share observed") == "probability"
    assert unit_for("ceasefire_month", "mean where observed") == "months from start"
    assert unit_for("terms_territory") == "position 0-100"
