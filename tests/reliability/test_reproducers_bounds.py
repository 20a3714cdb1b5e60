"""Reproducers R26 and R29 and the small ones of issue 18 (points 5 and 6).

Each bad input ends in one line naming file, line and field, exit code 2 and nothing written
(``../shared/reliability/README.md``). R27 and R28 are the dashboard's (tests/dashboard).
"""

from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import pytest
from reliability_harness import Outcome, invoke

import accord
from accord.scenario import shipped_path
from accord.spec.errors import ScenarioError

TOY_DIR = Path(__file__).resolve().parents[1] / "experiments"  # the toy model of tests/store
if str(TOY_DIR) not in sys.path:
    sys.path.insert(0, str(TOY_DIR))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def one_line(outcome: Outcome) -> str:
    assert outcome.code == 2, outcome.stderr + outcome.stdout
    assert "Traceback" not in outcome.stderr
    assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("error: "), outcome.stderr
    assert outcome.written == [], outcome.written
    return outcome.stderr.removeprefix("error: ").rstrip("\n")


def flagship_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "flagship"
    shutil.copytree(shipped_path("ukraine-2025").parent, folder)
    return folder


# --- R26: calibrate is estimated and capped -----------------------------------------------

R26_MESSAGE = (
    "<input>: field 'replicates': job too large: calibration of 5 wave(s) x 10000 points x "
    "100000 futures = 5000000000 experiments x 120 months (about 9765625 MB on disk): "
    "estimated {duration} and {memory} GiB of memory; pass --force to run it anyway "
    "(expected at most 10 min and 4 GiB)"
)


def _r26_expected() -> str:
    from accord.simulation.cost import estimate_calibration
    from accord.spec.limits import _duration
    from accord.workflows.scenarios import load

    cost = estimate_calibration(load("ukraine-2025").simulation, "baseline", 10000, 100000, 5)
    return R26_MESSAGE.format(
        duration=_duration(cost.seconds), memory=f"{cost.bytes / 1024**3:.1f}"
    )


def test_r26_calibrate_is_refused_with_its_estimate_in_one_line(work: Path) -> None:
    outcome = invoke(
        [
            "calibrate",
            "ukraine-2025",
            "--replicates",
            "100000",
            "--points",
            "10000",
            "--waves",
            "5",
            "-o",
            "r26-cal-out",
        ],
        work,
    )
    assert one_line(outcome) == _r26_expected()


def test_r26_the_api_raises_the_same_line(tmp_path: Path) -> None:
    out = tmp_path / "r26-out"
    with pytest.raises(ScenarioError) as raised:
        accord.calibrate("ukraine-2025", out, points=10000, replicates=100000, waves=5)
    assert str(raised.value) == _r26_expected()
    assert not out.exists()


def test_calibrate_estimate_follows_the_run_estimate() -> None:
    from accord.simulation.cost import estimate_calibration, estimate_run
    from accord.workflows.scenarios import load

    spec = load("ukraine-2025").simulation
    wave = estimate_run(spec, ["baseline"], 48 * 150)
    cost = estimate_calibration(spec, "baseline", 48, 150, 2)
    assert cost.seconds == 2 * wave.seconds and cost.bytes == wave.bytes
    assert not cost.over_cap  # the default calibration runs without --force


def test_calibrate_with_force_passes_the_cap(monkeypatch, tmp_path: Path) -> None:
    from accord.workflows import history_matching as calibration

    called = {}
    monkeypatch.setattr(calibration, "calibrate", lambda *a, **k: called.setdefault("k", k))
    accord.calibrate(
        "ukraine-2025", tmp_path / "o", points=10000, replicates=100000, waves=5, force=True
    )
    assert called["k"]["replicates"] == 100000


def test_calibrate_to_an_empty_out_is_refused(work: Path) -> None:
    outcome = invoke(["calibrate", "ukraine-2025", "-o", ""], work)
    assert one_line(outcome) == (
        "<input>: field '--out': must not be empty (expected a folder name)"
    )
    with pytest.raises(ScenarioError, match="field 'out': must not be empty"):
        accord.calibrate("ukraine-2025", "")


# --- R29: query bounds (tests/store/test_query_bounds.py has the rest) ----------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

    from accord.experiments import make_design, run_experiments

    out_dir = tmp_path_factory.mktemp("r29")
    design = make_design(UNCERTAINTIES, LEVERS, 5, seed=4)
    return run_experiments(
        toy_simulate,
        design,
        seed=4,
        out_dir=out_dir,
        run_id="r",
        meta={"scenario": "toy", "variant": "base"},
        progress=False,
    ).path


@pytest.mark.parametrize(
    "sql",
    [
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r",
        "SELECT count(*) FROM range(1000000000000) a",
    ],
)
def test_r29_runaway_queries_stop_at_the_timeout(work: Path, small_run: Path, sql: str) -> None:
    outcome = invoke(["query", str(small_run), sql, "--timeout", "1"], work)
    assert one_line(outcome) == (
        f"{small_run}: field 'timeout': query stopped after 1 s "
        "(expected a query that ends in time, or a larger --timeout)"
    )


def test_r29_three_million_rows_in_a_table_are_cut(work: Path, small_run: Path) -> None:
    outcome = invoke(["query", str(small_run), "SELECT * FROM range(3000000)"], work)
    assert outcome.code == 0
    assert outcome.stderr == (
        "note: only the first 1000 rows are shown (--limit); use "
        "--format csv or json for every row\n"
    )
    assert outcome.written == []


def test_r29_a_huge_list_meets_the_memory_limit(work: Path, small_run: Path, monkeypatch) -> None:
    from accord.store import runs as store

    monkeypatch.setattr(store, "query_memory_limit", lambda: 64 * 1024**2)
    outcome = invoke(["query", str(small_run), "SELECT list(range) FROM range(1000000000)"], work)
    message = one_line(outcome)
    assert message.startswith(f"{small_run}: query failed: Out of Memory Error"), message


# --- the small ones ------------------------------------------------------------------------


def test_validate_refuses_a_duplicated_frontline_ally_with_its_line(
    work: Path, tmp_path: Path
) -> None:
    folder = flagship_copy(tmp_path)
    burden = folder / "burden.yaml"
    lines = burden.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("allies: ["))
    lines[number - 1] = lines[number - 1].replace("]", ", Poland]")
    burden.write_text("\n".join(lines) + "\n")
    expected = f"{burden}:{number}: field 'frontline.allies': ally 'Poland' is listed twice"
    assert one_line(invoke(["validate", str(folder)], work)) == expected
    assert one_line(invoke(["burden", "equilibrium", str(folder)], work)) == expected


def test_a_section_linked_inside_the_scenario_folder_is_accepted(
    work: Path, tmp_path: Path
) -> None:
    folder = flagship_copy(tmp_path)
    (folder / "parts").mkdir()
    (folder / "burden.yaml").rename(folder / "parts" / "burden-v2.yaml")
    (folder / "burden.yaml").symlink_to(Path("parts") / "burden-v2.yaml")
    assert invoke(["validate", str(folder)], work).code == 0
    # a scenario.yaml that is itself a link: its real folder is its own
    elsewhere = tmp_path / "linked"
    elsewhere.mkdir()
    (elsewhere / "scenario.yaml").symlink_to(folder / "scenario.yaml")
    (elsewhere / "burden.yaml").symlink_to(folder / "burden.yaml")
    (elsewhere / "simulation.yaml").symlink_to(folder / "simulation.yaml")
    assert invoke(["validate", str(elsewhere)], work).code == 0
    # a link that leads out of both is still refused (R09)
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    (folder / "burden.yaml").unlink()
    (folder / "burden.yaml").symlink_to(secret)
    message = one_line(invoke(["validate", str(folder)], work))
    assert "field 'burden': file outside the scenario's folder" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda: accord.forecast(123),
            "<input>: field 'scenario': wrong type (expected a shipped name, a path or a "
            "loaded Scenario, found 'int')",
        ),
        (
            lambda: accord.forecast("ukraine-2025", bogus=1),
            "<input>: field 'bogus': unknown option (expected models, draws, seed, rng, rounds, "
            "stop, progress, force, log)",
        ),
        (
            lambda: accord.simulate(None, experiments=2),
            "<input>: field 'scenario': wrong type (expected a shipped name, a path or a "
            "loaded Scenario, found 'NoneType')",
        ),
        (
            lambda: accord.simulate("ukraine-2025", 5, experiments=2),
            "{origin}: field 'variant': wrong type (expected a variant name or a list of names, "
            "found 'int')",
        ),
        (
            lambda: accord.simulate("ukraine-2025", experiments=2, out=5),
            "<input>: field 'out': wrong type (expected a path, found 'int')",
        ),
        (
            lambda: accord.burden(123),
            "<input>: field 'analysis': unknown analysis (expected equilibrium, aid, exploitation, "
            "backtest, found 123)",
        ),
        (
            lambda: accord.calibrate(123, "x"),
            "<input>: field 'scenario': wrong type (expected a shipped name, a path or a "
            "loaded Scenario, found 'int')",
        ),
        (
            lambda: accord.calibrate("ukraine-2025", 5),
            "<input>: field 'out': wrong type (expected a path, found 'int')",
        ),
        (
            lambda: accord.calibrate("ukraine-2025", "x", variant=5),
            "<input>: field 'variant': wrong type (expected a variant name, found 'int')",
        ),
    ],
    ids=[
        "forecast-scenario",
        "forecast-option",
        "simulate-scenario",
        "simulate-variants",
        "simulate-out",
        "burden-analysis",
        "calibrate-scenario",
        "calibrate-out",
        "calibrate-variant",
    ],
)
def test_public_verbs_raise_scenario_error_for_bad_argument_types(
    call, expected, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as raised:
        call()
    origin = str(shipped_path("ukraine-2025"))
    assert str(raised.value) == expected.format(origin=origin)
    assert list(tmp_path.iterdir()) == []


def test_fit_of_a_bad_type_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="field 'model': unknown fit"):
        accord.fit(123)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the socket is


@pytest.mark.parametrize("address", ["closed", "nonsense::x"])
def test_an_unreachable_dask_scheduler_is_one_line(work: Path, address: str) -> None:
    if address == "closed":
        address = f"tcp://127.0.0.1:{_closed_port()}"
        expected = (
            f"<input>: field 'scheduler': cannot reach the dask scheduler: Connection "
            f"refused (expected the address of a running scheduler, found '{address}')"
        )
    else:
        expected = (
            "<input>: field 'scheduler': must be a scheduler address (expected "
            "tcp://host:port, found 'nonsense::x')"
        )
    outcome = invoke(
        [
            "run",
            "ukraine-2025",
            "-v",
            "baseline",
            "-n",
            "4",
            "--no-report",
            "-o",
            "out",
            "-e",
            "dask",
            "--scheduler",
            address,
        ],
        work,
    )
    assert one_line(outcome) == expected
