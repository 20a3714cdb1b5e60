"""Small commands do not import the heavy libraries they do not use (issue 21).

Each case runs in a fresh interpreter (the test process has imported everything already)
and reports which of the heavy modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("pandas", "numba", "scipy", "lifelines", "matplotlib")


def _loaded(code: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    probe = (
        f"import sys\n{code}\n"
        f"import json; print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _command(*args: str) -> str:
    """Code that runs ``accord ARGS`` in process, its output swallowed, and fails on a
    non-zero exit code."""
    return (
        "import contextlib, io\n"
        f"sys.argv = ['accord', *{list(args)!r}]\n"
        "from accord.cli import main\n"
        "try:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )


def test_static_forecast_imports_no_pandas_or_numba() -> None:
    loaded = _loaded(_command("forecast", "ukraine-2025", "--model", "compromise"))
    assert "pandas" not in loaded and "numba" not in loaded, loaded


#: What a one-draw forecast printed off a terminal does not need (issue 21, session 9):
#: numpy.ma (np.quantile's np.unique imports it; one draw's quantiles are the draw), the
#: SMP's thread pool, and rich (accord.cli.formats.plain_table prints what rich would).
LIGHT = ("numpy.ma", "concurrent.futures", "rich")
#: Settings that make rich print colours off a terminal (then rich prints the table).
NO_FORCED_TERMINAL = (
    "import os\n"
    "for name in ('FORCE_COLOR', 'TTY_COMPATIBLE', 'TTY_INTERACTIVE', 'JUPYTER_COLUMNS'):\n"
    "    os.environ.pop(name, None)\n"
)


def test_one_draw_forecasts_import_no_numpy_ma_thread_pool_nor_rich() -> None:
    ktab = SRC.parent / "tests" / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"
    for command in (
        _command("forecast", "ukraine-2025", "--model", "compromise"),
        _command("forecast", str(ktab), "--model", "smp"),
    ):
        assert _loaded(NO_FORCED_TERMINAL + command, LIGHT) == [], command


def test_ktab_forecast_reads_no_yaml() -> None:
    """A KTAB CSV is not YAML: PyYAML is imported by the first YAML read, not before."""
    ktab = SRC.parent / "tests" / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"
    assert _loaded(_command("forecast", str(ktab), "--model", "smp"), ("yaml",)) == []
    assert _loaded(_command("forecast", "ukraine-2025", "--model", "compromise"), ("yaml",)) == [
        "yaml"
    ]


def test_help_imports_no_heavy_library_nor_numpy() -> None:
    """``accord --help`` registers every command: the command modules import their
    libraries (numpy included) inside the commands, not at module level."""
    loaded = _loaded(_command("--help"), (*HEAVY, "numpy", "multiprocessing"))
    assert loaded == [], loaded


def test_small_ktab_smp_forecast_imports_no_numba_scipy_or_pandas() -> None:
    """A 7-actor KTAB file through the SMP plays in numpy (issue 21's 0.4 s goal)."""
    ktab = SRC.parent / "tests" / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"
    loaded = _loaded(_command("forecast", str(ktab), "--model", "smp"))
    assert loaded == [], loaded


def test_scenario_levers_import_no_pandas() -> None:
    """The scenario schema's levers and uncertainties (accord.experiments.spec) alone."""
    assert "pandas" not in _loaded("import accord.experiments.spec, accord.scenario")


def test_no_fit_needs_lifelines() -> None:
    """lifelines (which pins pandas below 3) is not used: fitting the war-duration models
    imports scipy's optimiser, never lifelines."""
    loaded = _loaded(
        "import accord.fits.war_duration as wd\nwd.fit_aft(wd.cow_wars(), (), 'weibull')\n"
    )
    assert "lifelines" not in loaded and "scipy" in loaded


def test_small_eum_game_imports_no_numba() -> None:
    """A 10-actor, one-draw EUM game plays in numpy, as a small SMP game does."""
    code = (
        "import numpy as np\n"
        "from accord.models.bargaining.eum import eum\n"
        "rng = np.random.default_rng(0)\n"
        "eum(rng.uniform(0.1, 1, (1, 10)), rng.uniform(0, 100, (1, 10, 1)),\n"
        "    rng.uniform(0.1, 1, (1, 10, 1)))\n"
    )
    assert "numba" not in _loaded(code)
