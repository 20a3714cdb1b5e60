"""Reading KTAB ``smpc --csv`` files, and refusing bad ones with file, line and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.scenario.ktab import read_ktab_csv
from accord.spec.errors import ScenarioError

DATA = Path(__file__).parents[1] / "validation" / "data" / "ktab_smp"
GOOD = """Test scen,"A description, with a comma",3,2,
Actor,Description,Power,Pos A,Sal A,Pos B,Sal B,
X, First ,  10.0, 30, 20.5, 40, 30,
Y,Second,20,0,0,100,50,
"Z",Third,0,100,100,0,0, ,
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scen.csv"
    path.write_text(text)
    return path


def test_reads_ktab_example_files() -> None:
    table = read_ktab_csv(DATA / "SOE-Pol-Comp.csv")
    assert table.name == "China Policy/Competitive; scen 2"
    assert len(table.actor_ids) == 13 and table.actor_ids[0] == "XJ"
    assert table.actor_names[0] == "Xi Jinping"
    assert table.dimension_names == ("Policy Position", "Competitive Position")
    assert table.capability[0] == 100.0 and table.position[1, 1] == 65.0
    assert table.salience[0, 1] == 48.0  # KTAB's 0-100 scale, as in the file
    c, x, s = table.model_inputs()
    assert c.shape == (1, 13) and x.shape == s.shape == (1, 13, 2)
    assert s[0, 0, 1] == 48.0 / 100.0
    for name in ["dummyData_3Dim.csv", "SOE-Policy.csv", "dummyData-a160.csv"]:
        t = read_ktab_csv(DATA / name)
        assert t.position.shape == t.salience.shape == (len(t.actor_ids), len(t.dimension_names))


def test_tolerates_trailing_commas_quotes_and_spaces(tmp_path: Path) -> None:
    table = read_ktab_csv(_write(tmp_path, GOOD))
    assert table.description == "A description, with a comma"
    assert table.actor_ids == ("X", "Y", "Z") and table.actor_names[0] == "First"
    np.testing.assert_array_equal(table.capability, [10.0, 20.0, 0.0])
    np.testing.assert_array_equal(table.salience[:, 0], [20.5, 0.0, 100.0])


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (GOOD.replace(",3,2,", ",three,2,"), 1, "nActors"),
        (GOOD.replace(",3,2,", ",3,0,"), 1, "nDims"),
        (GOOD.replace(",3,2,", ",4,2,"), 6, "nActors"),
        (GOOD.replace("  10.0", " ten"), 3, "Power"),
        (GOOD.replace("  10.0", " -1"), 3, "Power"),
        (GOOD.replace(" 30, 20.5", " nan, 20.5"), 3, "Pos A"),
        (GOOD.replace(" 30, 20.5", " 30, 101"), 3, "Sal A"),
        (GOOD.replace("100,50", "100.5,50"), 4, "Pos B"),
        (GOOD.replace("100,50", "100,inf"), 4, "Sal B"),
        (GOOD.replace("0,100,50", "0,100,"), 4, None),
        (GOOD.replace(",3,2,", ",2,2,"), 5, "nActors"),
    ],
)
def test_bad_input_names_file_line_and_field(tmp_path: Path, text: str, line, field) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        read_ktab_csv(path)
    assert err.value.file == str(path)
    if line is not None:
        assert err.value.line == line
    if field is not None:
        assert err.value.field == field
    assert str(path) in str(err.value)


def test_total_salience_above_100_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        read_ktab_csv(_write(tmp_path, GOOD.replace(" 40, 30,", " 40, 80,")))
    assert err.value.line == 3 and "total salience" in str(err.value)


@pytest.mark.parametrize("text", ["", "\n\n", "name,desc,3,2,\n"])
def test_empty_or_truncated_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(ScenarioError):
        read_ktab_csv(_write(tmp_path, text))


def test_missing_file_and_duplicate_actor(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        read_ktab_csv(tmp_path / "absent.csv")
    with pytest.raises(ScenarioError) as err:
        read_ktab_csv(_write(tmp_path, GOOD.replace("Y,Second", "X,Second")))
    assert err.value.field == "Actor"
