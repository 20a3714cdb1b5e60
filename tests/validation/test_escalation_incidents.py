"""Russia-NATO incidents 2015-2025: the loader refuses bad rows; the check uses MID before 2015.

Held out: the check fits the MID rates on 1992-2013 only (MID 5.0 ends in 2014) and predicts
the count of 2015-2025, which it never sees while fitting.
"""

import math

import pytest
from typer.testing import CliRunner

import accord.fits.escalation as escalation
from accord.cli import app
from accord.fits.escalation import (
    CHECK_LEVELS,
    ERAS,
    INCIDENT_COLUMNS,
    disputes,
    incident_disputes,
    incidents_check,
    load_incidents,
    predictive_interval,
    predictive_interval_sum,
)
from accord.spec.errors import ScenarioError

COLUMN = {name: i for i, name in enumerate(INCIDENT_COLUMNS)}
GOOD = ("2025-09-10", "POL", "drones", "4", "0", "POL-2025", "https://example.org/a", "2025-09")


def _row(**changes):
    row = list(GOOD)
    for name, value in changes.items():
        row[COLUMN[name]] = value
    return tuple(row)


def _write(tmp_path, *rows):
    path = tmp_path / "incidents.csv"
    lines = [",".join(INCIDENT_COLUMNS)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_rows_are_dated_sourced_and_coded():
    frame = load_incidents()
    assert len(frame) >= 15
    assert frame["source_url"].str.match(r"https?://\w").all()
    assert frame["year"].between(2015, 2025).all()
    assert frame["hostility_level"].between(3, 5).all()
    assert not frame.duplicated(["date", "nato_state"]).any()
    # A dispute groups incidents of one NATO state within 2015-2025.
    assert (frame.groupby("dispute")["nato_state"].nunique() == 1).all()


# --- the predictive interval, by hand --------------------------------------------------


def _nb_interval_by_recurrence(events, years_fitted, years_ahead, level=0.95):
    """The negative-binomial quantiles from its pmf, P(n+1) = P(n) (n + r)/(n + 1) (1 - p)."""
    r, p = events + 0.5, years_fitted / (years_fitted + years_ahead)
    tail = (1 - level) / 2
    pmf, cdf, n, low = p**r, 0.0, 0, None
    while True:
        cdf += pmf
        if low is None and cdf >= tail:
            low = n
        if cdf >= 1 - tail:
            return low, n
        pmf *= (n + r) / (n + 1) * (1 - p)
        n += 1


def test_predictive_interval_on_a_toy_rate_by_hand():
    # No event in 1 year, predicting 1 year: r = 1/2, p = 1/2. P(0) = sqrt(1/2) = 0.7071,
    # P(1) = 0.1768 (cdf 0.8839), P(2) = 0.0663 (0.9502), P(3) = 0.0276 (0.9778 >= 0.975).
    assert math.isclose(0.5**0.5 * (1 + 0.25 + 0.09375), 0.9502, abs_tol=1e-4)
    assert predictive_interval(0, 1.0, 1.0) == (0, 3)


@pytest.mark.parametrize(
    "events, fitted, ahead", [(0, 1.0, 1.0), (2, 22.0, 11.0), (9, 22.0, 11.0), (31, 43.0, 11.0)]
)
def test_predictive_interval_matches_the_pmf_recurrence(events, fitted, ahead):
    assert predictive_interval(events, fitted, ahead) == _nb_interval_by_recurrence(
        events, fitted, ahead
    )


@pytest.mark.parametrize("events, fitted, ahead", [(0, 1.0, 1.0), (9, 22.0, 11.0)])
def test_a_sum_of_one_part_is_the_negative_binomial(events, fitted, ahead):
    assert predictive_interval_sum([(events, fitted, ahead)]) == predictive_interval(
        events, fitted, ahead
    )


def test_a_sum_of_parts_with_one_p_is_the_negative_binomial_of_the_summed_shape():
    # NB(r1, p) + NB(r2, p) = NB(r1 + r2, p); r = k + 1/2, so r1 + r2 = (k1 + k2 + 1/2) + 1/2.
    parts = [(3, 22.0, 7.0), (6, 22.0, 7.0)]
    assert predictive_interval_sum(parts) == _nb_interval_by_recurrence(9.5, 22.0, 7.0)


def test_the_war_variant_uses_the_2014_rate_in_the_war_years(tmp_path):
    table = disputes()
    result = incidents_check(table, load_incidents(_write(tmp_path, GOOD)))
    war = result["with_war_multiplier"]
    k = int(table[table["year"].isin(ERAS["post_cold_war"])]["use_of_force"].sum())
    k14 = int(table[table["year"] == 2014]["use_of_force"].sum())
    assert war["war_years"] == [2022, 2023, 2024, 2025]
    assert war["predictive_95"] == list(predictive_interval_sum([(k, 22, 7), (k14, 1, 4)]))


def test_check_uses_only_mid_years_before_2015_and_counts_disputes(tmp_path):
    table = disputes()
    second = _row(date="2025-09-19", dispute="POL-2025")
    other = _row(date="2025-10-01", dispute="POL-2025b", hostility_level="3")
    incidents = load_incidents(_write(tmp_path, GOOD, second, other))
    result = incidents_check(table, incidents)
    years = ERAS["post_cold_war"]
    k = int(table[table["year"].isin(years)]["use_of_force"].sum())
    assert result["train_events"] == k and result["train_years"] == len(years)
    assert result["predictive_95"] == list(_nb_interval_by_recurrence(k, len(years), 11))
    # Two level-4 incidents in one dispute count once; the level-3 dispute is not force.
    assert result["observed_incidents_at_least"] == 2
    assert result["observed_disputes_at_least"] == 1
    assert result["incidents_by_year"] == {2025: 2}
    display = incidents_check(table, incidents, "display_or_more")
    assert display["observed_disputes_at_least"] == 2


def test_a_dispute_takes_its_highest_level(tmp_path):
    rows = (_row(hostility_level="3"), _row(date="2025-09-11", hostility_level="4", fatal="1"))
    grouped = incident_disputes(load_incidents(_write(tmp_path, *rows)))
    assert len(grouped) == 1
    assert grouped.loc[0, "use_of_force"] and grouped.loc[0, "fatal"]
    assert grouped.loc[0, "incidents"] == 2 and grouped.loc[0, "year"] == 2025


def test_the_verdict_follows_the_interval(tmp_path, monkeypatch):
    monkeypatch.setattr(escalation, "predictive_interval", lambda *a, **k: (2, 4))
    one = incidents_check(disputes(), load_incidents(_write(tmp_path, GOOD)))
    assert one["verdict"] == "below" and one["observed_below_interval"]


def test_check_refuses_a_training_era_that_reaches_the_test_years(monkeypatch, tmp_path):
    monkeypatch.setitem(escalation.ERAS, "leaky", (2013, 2014, 2015))
    with pytest.raises(ValueError, match="reaches the test years"):
        incidents_check(disputes(), load_incidents(_write(tmp_path, GOOD)), era="leaky")


def test_the_fit_prints_one_check_per_level():
    stats = escalation.fit().statistics
    for level in CHECK_LEVELS:
        check = stats["out_of_sample_2015_2025"][level]
        assert check["train"] == "MID 1992-2013" and check["test"] == "2015-2025"
        line = stats[f"check_2015_2025_{level}"]
        assert "negative binomial" in line and check["verdict"] in line


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("date", ""),
        ("date", "2014-12-31"),
        ("date", "10 Sep 2025"),
        ("source_url", ""),
        ("source_url", "example.org/page"),
        ("source_date", ""),
        ("hostility_level", "2"),
        ("hostility_level", "6"),
        ("hostility_level", "4.5"),
        ("fatal", "yes"),
        ("dispute", ""),
    ],
)
def test_loader_refuses_a_bad_row_in_one_line(tmp_path, field, value):
    path = _write(tmp_path, GOOD, _row(**{field: value}))
    with pytest.raises(ScenarioError) as error:
        load_incidents(path)
    message = str(error.value)
    assert "\n" not in message and f"{path}:3" in message and field in message


def test_loader_refuses_an_empty_file_and_a_missing_column(tmp_path):
    with pytest.raises(ScenarioError, match="no incidents"):
        load_incidents(_write(tmp_path))
    path = tmp_path / "short.csv"
    path.write_text("date,nato_state\n2025-09-10,POL\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing column"):
        load_incidents(path)


def test_cli_fit_escalation_exits_2_with_one_line_on_a_bad_row(tmp_path, monkeypatch):
    path = _write(tmp_path, GOOD, _row(hostility_level="7"))
    monkeypatch.setattr(escalation, "INCIDENTS_PATH", path)
    result = CliRunner().invoke(app, ["fit", "escalation"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:3" in lines[0] and "hostility_level" in lines[0]
