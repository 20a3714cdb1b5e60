"""Russia-NATO incidents 2015-2025: the loader refuses bad rows; the check uses MID before 2015."""

import pytest
from scipy.stats import nbinom

from accord.fits.escalation import (
    ERAS,
    INCIDENT_COLUMNS,
    JEFFREYS,
    disputes,
    incidents_check,
    load_incidents,
)
from accord.spec.errors import ScenarioError

GOOD = ("2025-09-10", "POL", "drones", "4", "0", "https://example.org/a")


def _write(tmp_path, *rows):
    path = tmp_path / "incidents.csv"
    lines = [",".join(INCIDENT_COLUMNS)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_rows_are_dated_and_sourced():
    frame = load_incidents()
    assert len(frame) >= 1
    assert frame["source_url"].str.startswith("https://").all()
    assert frame["year"].between(2015, 2025).all()


@pytest.mark.parametrize(
    "index, value, field",
    [
        (0, "", "date"),
        (0, "2014-12-31", "date"),
        (5, "", "source_url"),
        (3, "2", "hostility_level"),
        (4, "yes", "fatal"),
    ],
)
def test_loader_refuses_a_bad_row_in_one_line(tmp_path, index, value, field):
    row = list(GOOD)
    row[index] = value
    with pytest.raises(ScenarioError) as error:
        load_incidents(_write(tmp_path, GOOD, tuple(row)))
    message = str(error.value)
    assert "\n" not in message and ":3" in message and field in message


def test_loader_refuses_an_empty_file(tmp_path):
    with pytest.raises(ScenarioError):
        load_incidents(_write(tmp_path))


def test_check_uses_only_mid_years_before_2015(tmp_path):
    table = disputes()
    incidents = load_incidents(_write(tmp_path, GOOD, GOOD))
    result = incidents_check(table, incidents)
    years = ERAS["post_cold_war"]
    k = int(table[table["year"].isin(years)]["use_of_force"].sum())
    low, high = nbinom.ppf([0.025, 0.975], k + JEFFREYS[0], len(years) / (len(years) + 11))
    assert result["train_events"] == k and result["predictive_95"] == [int(low), int(high)]
    assert result["observed_at_least"] == 2


def test_check_refuses_a_training_era_that_reaches_the_test_years(monkeypatch, tmp_path):
    import accord.fits.escalation as escalation

    monkeypatch.setitem(escalation.ERAS, "leaky", (2013, 2014, 2015))
    with pytest.raises(ValueError, match="reaches the test years"):
        incidents_check(disputes(), load_incidents(_write(tmp_path, GOOD)), era="leaky")
