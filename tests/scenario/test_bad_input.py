"""Bad scenario files: one ScenarioError naming file, line and field; exit code 2 in the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.scenario import load_scenario
from accord.spec.errors import ScenarioError

# Every case under libyaml's parser and under PyYAML's own (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("yaml_parser")

GOOD = """\
scenario:
  name: tiny
  title: Tiny
issues:
  - id: land
    name: Land
    low_means: none
    high_means: all
actors:
  - id: A
    name: Alpha
    capability: {value: 1, source: judgement}
  - id: B
    name: Beta
    capability: {value: 2, source: judgement}
stances:
  - actor: A
    issue: land
    position: {value: 10, source: judgement}
    salience: {value: 0.5, source: judgement}
  - actor: B
    issue: land
    position: {value: 90, low: 80, high: 100, source: judgement}
    salience: {value: 0.5, source: judgement}
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_good_file_loads(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.actor_ids == ["A", "B"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("name: Alpha", "name: Alpha\n    colour: red", 12, "actors[0].colour", "unknown key"),
        ("{value: 1, source", "{value: one, source", 12, "actors[0].capability.value", "number"),
        ("{value: 1, source", "{value: .nan, source", 12, "actors[0].capability.value", "finite"),
        ("{value: 1, source", "{value: .inf, source", 12, "actors[0].capability.value", "finite"),
        ("{value: 1, source", "{value: -1, source", 12, "actors[0].capability", ">= 0"),
        ("{value: 10, source", "{value: 130, source", 19, "position", "outside"),
        (
            "salience: {value: 0.5, source: judgement}\n  - actor: B",
            "salience: {value: 1.5, source: judgement}\n  - actor: B",
            20,
            "stances[0].salience",
            "outside",
        ),
        ("  - actor: B\n", "  - actor: Z\n", 21, "actor", "unknown actor"),
        (
            "    issue: land\n    position: {value: 90",
            "    issue: sea\n    position: {value: 90",
            22,
            "issue",
            "unknown issue",
        ),
        ("  - id: B\n", "  - id: A\n", 13, "actors[1].id", "duplicate id"),
        ("  title: Tiny\n", "", 2, "scenario.title", "missing"),
        ("low: 80, high: 100", "low: 95, high: 100", 23, "stances[1].position", "outside"),
    ],
)
def test_bad_field_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    error = error_of(path)
    text = str(error)
    assert str(path) in text
    assert error.line == line, text
    assert field in text, text
    assert words in text, text
    assert "\n" not in text


def test_malformed_yaml(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, GOOD.replace("name: Beta", "name: [Beta")))
    assert "malformed YAML" in str(error) and error.line is not None


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in str(error_of(write(tmp_path, "  \n")))


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    assert "mapping" in str(error_of(write(tmp_path, "- 1\n- 2\n")))


def test_python_object_tag_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("name: Alpha", "name: !!python/object/apply:os.system ['echo hacked']")
    error = error_of(write(tmp_path, text))
    assert "tag" in str(error) or "malformed" in str(error)


def test_yaml_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += (
            f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, "
            f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        )
    error = error_of(write(tmp_path, bomb))
    assert "too many values" in str(error)


def test_file_over_10_mb_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "#" * (10 * 1024 * 1024 + 10) + "\n")
    assert "too large" in str(error_of(path))


def test_duplicate_key(tmp_path: Path) -> None:
    error = error_of(
        write(tmp_path, GOOD.replace("  title: Tiny\n", "  title: Tiny\n  title: Two\n"))
    )
    assert "duplicate key" in str(error) and error.line == 4


def test_missing_stance_pair(tmp_path: Path) -> None:
    text = GOOD.split("  - actor: B")[0]
    assert "no stance for actor 'B'" in str(error_of(write(tmp_path, text)))


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    assert "UTF-8" in str(error_of(path))


POSITIONS_YAML = GOOD.split("stances:")[0] + "positions_csv: positions.csv\n"


@pytest.mark.parametrize(
    ("csv_text", "line", "words"),
    [
        (
            "actor,issue,position,salience,source\nA,land,10,0.5,src\nZ,land,90,0.5,src\n",
            3,
            "unknown actor",
        ),
        (
            "actor,issue,position,salience,source\nA,land,10,0.5,src\nB,sea,90,0.5,src\n",
            3,
            "unknown issue",
        ),
        (
            "actor,issue,position,salience,source\nA,land,ten,0.5,src\nB,land,90,0.5,src\n",
            2,
            "not a number",
        ),
        (
            "actor,issue,position,salience,source\nA,land,nan,0.5,src\nB,land,90,0.5,src\n",
            2,
            "finite",
        ),
        (
            "actor,issue,position,salience,source\nA,land,10,2,src\nB,land,90,0.5,src\n",
            2,
            "outside",
        ),
        (
            "actor,issue,position,salience,source\nA,land,10,0.5,src\nA,land,90,0.5,src\n",
            3,
            "duplicate stance",
        ),
        ("actor,issue,position,source\nA,land,10,src\n", 1, "missing column"),
    ],
)
def test_bad_positions_csv(tmp_path: Path, csv_text: str, line: int, words: str) -> None:
    write(tmp_path, csv_text, "positions.csv")
    error = error_of(write(tmp_path, POSITIONS_YAML))
    assert "positions.csv" in str(error) and error.line == line and words in str(error), error


def test_good_positions_csv(tmp_path: Path) -> None:
    write(
        tmp_path,
        "actor,issue,position,salience,source,position_low,position_high\n"
        "A,land,10,0.5,src,,\nB,land,90,0.5,src,80,100\n",
        "positions.csv",
    )
    scenario = load_scenario(write(tmp_path, POSITIONS_YAML))
    assert scenario.stance_table()[("B", "land")].position.bounds == (80, 100)


def test_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("{value: 1, source", "{value: .nan, source"))
    for command in (["validate", str(path)], ["forecast", str(path)]):
        result = CliRunner().invoke(app, command, standalone_mode=False)
        # Every command turns a ScenarioError into one line and exit 2 (accord.cli.fail).
        assert isinstance(result.exception, SystemExit) and result.exception.code == 2
        assert result.output.startswith("error: ") and result.output.count("\n") == 1
        assert f"{path}:12" in result.output
    import subprocess
    import sys

    from accord.cli import main

    done = subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "validate", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"{path}:12" in done.stderr
    del main
