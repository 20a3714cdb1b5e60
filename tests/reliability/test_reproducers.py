"""The reliability reproducers (issue 9, ``../shared/reliability/``), one test each.

Each bad input must end in one line naming file, line and field, exit code 2 and nothing
written; each valid one in the correct result. The small reproducers are copied into
``repro/``; the large ones (R06's sibling R25, R23, R24) and the ones built on the shipped
flagship scenario (R08, R21, R22) are generated here, so they follow the shipped files.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from reliability_harness import Outcome, invoke

from accord.scenario import shipped_path

REPRO = Path(__file__).parent / "repro"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty working directory: whatever a command writes shows up here."""
    path = tmp_path / "work"
    path.mkdir()
    return path


def refused(outcome: Outcome, *, file: str, line: int | None, field: str, words: str) -> str:
    """Assert the one-line error contract and return the line."""
    assert outcome.code == 2, outcome.stderr + outcome.stdout
    assert "Traceback" not in outcome.stderr
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert outcome.stderr.strip().count("\n") == 0, outcome.stderr
    message = outcome.error_lines[0]
    where = f"{file}:{line}:" if line is not None else f"{file}"
    assert where in message, message
    assert f"field '{field}" in message, message
    assert words in message, message
    assert outcome.written == [], outcome.written
    assert len(message) < 1200, len(message)
    return message


# --- YAML values, nesting, aliases ------------------------------------------------------


@pytest.mark.usefixtures("yaml_parser")  # libyaml and PyYAML (tests/conftest.py)
@pytest.mark.parametrize(
    ("name", "line", "field", "words"),
    [
        ("R01-date-feb30.yaml", 4, "scenario.date", "bad value for a date"),
        ("R02-int-tag-abc.yaml", 16, "actors[1].capability.value", "bad value for an integer"),
        ("R03-bool-tag-maybe.yaml", 16, "actors[1].capability.value", "bad value for a boolean"),
        ("R04-timestamp-tag.yaml", 16, "actors[1].capability.value", "bad value for a date"),
        ("R05-float-tag.yaml", 16, "actors[1].capability.value", "bad value for a number"),
        ("R07-recursive-alias.yaml", 1, "a[0]", "recursive alias"),
        ("R11-lone-surrogate-title.yaml", 3, "scenario.title", "lone surrogate U+D800"),
        ("R12-ansi-in-issue-name.yaml", 6, "issues[0].name", "control character U+001B"),
        ("R13-huge-scale-figure-crash.yaml", 9, "issues[0].scale_min", "number too large"),
        ("R16-bool-as-capability.yaml", 16, "actors[1].capability.value", "found a boolean"),
        ("R17-origin-key-accepted.yaml", 33, "origin", "unknown key"),
        ("R18-whitespace-source.yaml", 16, "actors[1].capability.source", "found blank"),
        ("R19-all-salience-zero.yaml", 5, "issues[0]", "salience is 0"),
    ],
)
def test_bad_scenario_file_gives_one_line(
    work: Path, name: str, line: int, field: str, words: str
) -> None:
    path = REPRO / name
    for command in (["validate"], ["forecast", "--draws", "3"]):
        outcome = invoke([*command, str(path)], work)
        message = refused(outcome, file=name, line=line, field=field, words=words)
        assert "\x1b" not in message and "\ud800" not in message


@pytest.mark.usefixtures("yaml_parser")
def test_r06_deep_nesting_is_refused_without_recursion_error(work: Path) -> None:
    outcome = invoke(["validate", str(REPRO / "R06-deep-nesting-5000.yaml")], work)
    message = refused(
        outcome,
        file="R06-deep-nesting-5000.yaml",
        line=20,
        field="x[0][0]",
        words="nested too deeply",
    )
    assert "at most 64 levels" in message


@pytest.mark.usefixtures("yaml_parser")
def test_r16_quoted_number_is_text_not_a_number(work: Path, tmp_path: Path) -> None:
    text = (REPRO / "R16-bool-as-capability.yaml").read_text().replace("value: true", 'value: "50"')
    path = tmp_path / "quoted.yaml"
    path.write_text(text)
    refused(
        invoke(["validate", str(path)], work),
        file="quoted.yaml",
        line=16,
        field="actors[1].capability.value",
        words="found text '50'",
    )


@pytest.mark.usefixtures("yaml_parser")
def test_yaml12_exponent_without_sign_is_a_number(tmp_path: Path) -> None:
    from accord.scenario import load_scenario

    text = (REPRO / "R16-bool-as-capability.yaml").read_text().replace("value: true", "value: 5e1")
    path = tmp_path / "exponent.yaml"
    path.write_text(text)
    assert load_scenario(path).actors[1].capability.value == 50.0


# --- Text is data -----------------------------------------------------------------------


def test_r10_markup_in_a_name_is_printed_as_text(work: Path) -> None:
    outcome = invoke(
        ["forecast", str(REPRO / "R10-markup-in-issue-name.yaml"), "--figure", "none"], work
    )
    assert outcome.code == 0, outcome.stderr
    assert "Terr[/bold]itory [/x]" in outcome.stdout


# --- Sections and files -----------------------------------------------------------------


def flagship_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped flagship scenario's folder."""
    folder = tmp_path / "flagship"
    shutil.copytree(shipped_path("ukraine-2025").parent, folder)
    return folder


def line_of_text(path: Path, text: str, start: int = 0) -> int:
    """The line where ``text`` (a key at the start of a line, after indentation) is."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > start and line.strip() == text)


def value_line(path: Path, key: str, start: int = 0) -> int:
    """A block value (list or mapping) starts on the line after its key: errors name it."""
    return line_of_text(path, key, start) + 1


def test_r08_error_inside_the_simulation_section(work: Path, tmp_path: Path) -> None:
    folder = flagship_copy(tmp_path)
    sim = folder / "simulation.yaml"
    data = yaml.safe_load(sim.read_text())
    data["donors"].append(dict(data["donors"][0]))
    sim.write_text(yaml.safe_dump(data, sort_keys=False))
    line = value_line(sim, "donors:")
    for command in (
        ["validate", str(folder)],
        ["run", str(folder), "-n", "2", "--no-report", "--out", "out"],
    ):
        refused(
            invoke(command, work),
            file="simulation.yaml",
            line=line,
            field="donors",
            words="duplicate donor names",
        )


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_r09_a_section_outside_the_scenario_folder_is_refused(
    work: Path, tmp_path: Path, how: str
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    folder = tmp_path / "scenario"
    folder.mkdir()
    target = {"absolute": str(secret), "dotdot": "../secret.yaml", "symlink": "link.yaml"}[how]
    if how == "symlink":
        (folder / "link.yaml").symlink_to(secret)
    text = (REPRO / "R17-origin-key-accepted.yaml").read_text()
    text = text.replace("origin: /etc/passwd", f"burden: {target}")
    (folder / "scenario.yaml").write_text(text)
    for command in (
        ["validate", str(folder)],
        ["burden", "aid", "--spec", str(folder / "scenario.yaml")],
    ):
        message = refused(
            invoke(command, work),
            file="scenario.yaml",
            line=33,
            field="burden",
            words="file outside the scenario's folder",
        )
        assert "hunter2" not in message


def test_r20_duplicated_csv_column(work: Path) -> None:
    refused(
        invoke(["validate", str(REPRO / "R20-dup-csv-column")], work),
        file="positions.csv",
        line=1,
        field="position",
        words="duplicate column",
    )


def test_r21_bad_variant_override_is_found_by_validate(work: Path, tmp_path: Path) -> None:
    folder = flagship_copy(tmp_path)
    sim = folder / "simulation.yaml"
    data = yaml.safe_load(sim.read_text())
    variant = next(iter(data["variants"]))
    uncertainty = next(u for u in data["uncertainties"] if u.get("distribution") != "choice")
    data["variants"][variant]["uncertainties"] = {uncertainty["name"]: {"low": 2.0, "high": 1.0}}
    sim.write_text(yaml.safe_dump(data, sort_keys=False))
    start = line_of_text(sim, f"{variant}:", line_of_text(sim, "variants:"))
    line = value_line(sim, f"{uncertainty['name']}:", start)
    refused(
        invoke(["validate", str(folder)], work),
        file="simulation.yaml",
        line=line,
        field=f"variants.{variant}.uncertainties.{uncertainty['name']}",
        words="low must be < high",
    )


def test_r22_validate_rejects_what_run_rejects(work: Path, tmp_path: Path) -> None:
    from accord.simulation import PARAMETERS

    folder = flagship_copy(tmp_path)
    sim = folder / "simulation.yaml"
    data = yaml.safe_load(sim.read_text())
    removed = next(u for u in data["uncertainties"] if u["name"] in PARAMETERS)
    data["uncertainties"].remove(removed)
    sim.write_text(yaml.safe_dump(data, sort_keys=False))
    line = value_line(sim, "uncertainties:")
    validate = refused(
        invoke(["validate", str(folder)], work),
        file="simulation.yaml",
        line=line,
        field="uncertainties",
        words="uncertainties missing",
    )
    assert removed["name"] in validate
    run = invoke(["run", str(folder), "-n", "2", "--no-report", "--out", "out"], work)
    assert run.code == 2 and "uncertainties missing" in run.stderr and run.written == []


def test_the_shipped_scenarios_validate_with_their_sections_compiled(work: Path) -> None:
    for name in ("ukraine-2025", "bdm-1994-emissions"):
        outcome = invoke(["validate", name], work)
        assert outcome.code == 0 and outcome.stdout.startswith("ok:"), outcome.stderr


# --- KTAB files, extreme numbers, --model all, JSON -------------------------------------


def test_r14_capability_1e308_is_refused(work: Path) -> None:
    outcome = invoke(
        ["forecast", str(REPRO / "R14-ktab-capability-1e308.csv"), "--format", "json"], work
    )
    refused(
        outcome,
        file="R14-ktab-capability-1e308.csv",
        line=3,
        field="Power",
        words="number out of range",
    )
    assert outcome.stdout == ""


def compromise_by_hand(path: Path) -> np.ndarray:
    """Achen's compromise (capability x salience weighted mean), read straight from the CSV."""
    rows = [[c.strip() for c in row] for row in csv.reader(path.read_text().splitlines())]
    actors = [r for r in rows[2:] if any(r)]
    k = int(rows[0][3])
    c = np.array([float(r[2]) for r in actors])
    x = np.array([[float(r[3 + 2 * d]) for d in range(k)] for r in actors])
    s = np.array([[float(r[4 + 2 * d]) for d in range(k)] for r in actors])
    weight = c[:, None] * s
    return (weight * x).sum(axis=0) / weight.sum(axis=0)


def test_r15_model_all_skips_nash_and_says_why(work: Path) -> None:
    path = REPRO / "R15-ktab-any-default-forecast.csv"
    outcome = invoke(["forecast", str(path), "--format", "json", "--figure", "none"], work)
    assert outcome.code == 0, outcome.stderr
    document = json.loads(outcome.stdout, parse_constant=lambda c: pytest.fail(c))
    assert list(document["models"]) == ["compromise", "median", "eum", "smp"]
    assert [s["model"] for s in document["skipped"]] == ["nash"]
    assert "status quo" in document["skipped"][0]["reason"]
    forecast = [
        document["models"]["compromise"]["issues"][i]["forecast"]
        for i in ("Pstn1", "Pstn2", "Pstn3")
    ]
    np.testing.assert_allclose(forecast, compromise_by_hand(path), rtol=1e-12)
    table = invoke(["forecast", str(path), "--figure", "none"], work)
    assert table.code == 0 and "skipped nash" in table.stdout


def test_r15_nash_named_explicitly_is_an_error(work: Path) -> None:
    refused(
        invoke(
            ["forecast", str(REPRO / "R15-ktab-any-default-forecast.csv"), "--model", "nash"], work
        ),
        file="R15-ktab-any-default-forecast.csv",
        line=None,
        field="model",
        words="model 'nash' does not apply",
    )


def ktab_file(path: Path, actors: int, rng: np.random.Generator) -> Path:
    lines = [f"big,desc,{actors},1,", "Actor,Description,Power,P,S,"]
    for n in range(actors):
        lines.append(
            f"A{n:07d}, d, {rng.uniform(1, 100):.2f}, {rng.uniform(0, 100):.2f}, "
            f"{rng.uniform(1, 100):.2f}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_r23_100k_actors_is_refused_at_line_1(work: Path, tmp_path: Path) -> None:
    path = ktab_file(tmp_path / "R23-ktab-100k-actors.csv", 100_000, np.random.default_rng(1))
    refused(
        invoke(["forecast", str(path)], work),
        file="R23-ktab-100k-actors.csv",
        line=1,
        field="nActors",
        words="above accord's limit",
    )


def test_r23_files_over_the_size_limit_are_refused(work: Path, tmp_path: Path) -> None:
    from accord.spec.limits import MAX_FILE_BYTES

    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    refused_big = invoke(["validate", str(big)], work)
    assert refused_big.code == 2 and "file too large" in refused_big.stderr
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("x,y,2,1,\n" + " " * MAX_FILE_BYTES)
    refused_csv = invoke(["validate", str(csv_path)], work)
    assert refused_csv.code == 2 and "file too large" in refused_csv.stderr


def test_r24_a_long_smp_job_is_estimated_and_capped(work: Path, tmp_path: Path) -> None:
    from accord.scenario import load_scenario
    from accord.spec.limits import ANNOUNCE_SECONDS, MAX_JOB_SECONDS
    from accord.workflows.forecast_draws import estimate

    path = ktab_file(tmp_path / "R24-ktab-300-actors.csv", 300, np.random.default_rng(2))
    scenario = load_scenario(path)
    one = estimate(scenario, ("smp",), 1)
    assert ANNOUNCE_SECONDS < one.seconds < MAX_JOB_SECONDS  # announced, allowed
    hundred = estimate(scenario, ("smp",), 100)
    assert hundred.seconds > MAX_JOB_SECONDS
    outcome = invoke(["forecast", str(path), "--model", "smp", "--draws", "100"], work)
    message = refused(outcome, file="<input>", line=None, field="draws", words="job too large")
    assert "--force" in message and "estimated" in message
    cheap = invoke(["forecast", str(path), "--model", "compromise", "--figure", "none"], work)
    assert cheap.code == 0, cheap.stderr


def test_huge_draws_are_capped_before_any_memory_is_taken(work: Path) -> None:
    outcome = invoke(
        ["forecast", "ukraine-2025", "--model", "compromise", "--draws", "100000000"], work
    )
    refused(outcome, file="<input>", line=None, field="draws", words="GiB of memory")


def test_huge_runs_are_capped_before_anything_is_written(work: Path) -> None:
    outcome = invoke(["run", "ukraine-2025", "-n", "100000000", "--out", "out"], work)
    refused(outcome, file="<input>", line=None, field="experiments", words="job too large")


def test_r25_long_values_are_cut_in_error_messages(work: Path, tmp_path: Path) -> None:
    text = (REPRO / "R10-markup-in-issue-name.yaml").read_text()
    long_id = "x" * 200_000
    lines = text.splitlines()
    lines[25] = f"    issue: {long_id}"
    path = tmp_path / "R25-long-string-error.yaml"
    path.write_text("\n".join(lines) + "\n")
    message = refused(
        invoke(["validate", str(path)], work),
        file=path.name,
        line=26,
        field="issue",
        words="unknown issue",
    )
    assert "(200002 characters)" in message  # the repr of the value, quotes included


@pytest.mark.slow
def test_output_never_fails_on_encoding(tmp_path: Path) -> None:
    """A name the terminal cannot encode is printed escaped, not as a UnicodeEncodeError."""
    import os
    import subprocess
    import sys

    text = (REPRO / "R10-markup-in-issue-name.yaml").read_text()
    path = tmp_path / "cyrillic.yaml"
    path.write_text(text.replace("Terr[/bold]itory [/x]", "Територія"), encoding="utf-8")
    import accord

    # The accord under test (an absolute path: the command runs in another folder).
    source = str(Path(accord.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": source}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "forecast",
            str(path),
            "--model",
            "compromise",
            "--figure",
            "none",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "\\u0422" in done.stdout  # Т, escaped


def test_an_integer_too_large_for_a_float_is_refused_in_one_line(
    work: Path, tmp_path: Path
) -> None:
    text = (
        (REPRO / "R16-bool-as-capability.yaml")
        .read_text()
        .replace("value: true", "value: " + "9" * 400)
    )
    path = tmp_path / "huge-int.yaml"
    path.write_text(text)
    refused(
        invoke(["validate", str(path)], work),
        file="huge-int.yaml",
        line=16,
        field="actors[1].capability.value",
        words="an integer of 400 digits",
    )


def test_validate_checks_the_burden_section_as_a_burden_run_would(
    work: Path, tmp_path: Path
) -> None:
    folder = flagship_copy(tmp_path)
    burden = folder / "burden.yaml"
    data = yaml.safe_load(burden.read_text())
    data["frontline"]["allies"] = ["Narnia", *data["frontline"]["allies"]]
    burden.write_text(yaml.safe_dump(data, sort_keys=False))
    line = line_of_text(burden, "frontline:") + 1
    refused(
        invoke(["validate", str(folder)], work),
        file="burden.yaml",
        line=line,
        field="frontline",
        words="unknown ally in frontline",
    )
    run = invoke(["burden", "equilibrium", "--spec", str(burden)], work)
    assert run.code == 2 and "unknown ally in frontline" in run.stderr


@pytest.mark.parametrize("name", ["scenario.csv", "scenario.yaml"])
def test_a_fifo_as_input_is_refused_without_blocking(work: Path, tmp_path: Path, name: str) -> None:
    import os

    fifo = tmp_path / name
    os.mkfifo(fifo)
    outcome = invoke(["validate", str(fifo)], work)
    assert outcome.code == 2 and len(outcome.error_lines) == 1, outcome.stderr


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (["equilibrium", "--threat", "1e308"], "threat_all", "a number in [0, 100]"),
        (["equilibrium", "--threat-frontline", "nan"], "threat_frontline", "found nan"),
        (["equilibrium", "--draws", "100000000"], "draws", "an integer in [1, 1000000]"),
        (["aid", "--draws", "100000000"], "draws", "an integer in [1, 1000000]"),
    ],
)
def test_burden_options_beyond_what_the_model_holds_are_refused(
    work: Path, args: list[str], field: str, words: str
) -> None:
    refused(
        invoke(["burden", *args, "--format", "json"], work),
        file="<input>",
        line=None,
        field=field,
        words=words,
    )
