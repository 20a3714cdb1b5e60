"""Start-up and per-command wall times of the `accord` command line, next to KTAB's.

Each command runs as a fresh process (``python -m accord ...``) in an empty temporary
directory, ``--repeat`` times, the commands taking turns (round robin, so that a change in the
machine's load falls on all of them alike); the median and the fastest wall time and the median
cpu time (user + system of the child) are printed. "x numpy" is the median over that of
``python -c 'import numpy'`` (the floor of any numpy program); "goal" is issue 21's.

Bytecode: the children may write and read ``__pycache__`` (``PYTHONDONTWRITEBYTECODE`` is
removed from their environment, as an installed package has its ``.pyc`` files); the untimed
warm-up run of each command writes them. ``--no-bytecode`` keeps the caller's setting (with
``PYTHONDONTWRITEBYTECODE=1`` every module is compiled from source on every start, about
0.06 s more for the forecast).

KTAB's recorded time is the run time ``smpc`` itself reported for the same input
(``tests/validation/data/ktab_smp/ktab_smpc_runs_summary.csv``, KTAB's shipped ``-O0`` build,
Debian 12, g++ 12.2, 2 cores): it excludes KTAB's own process start-up, and KTAB records no
start-up or ``--help`` time. It is recorded, not re-measured (no KTAB build on this machine).

    python benchmarks/bench_startup.py            # 7 repeats
    python benchmarks/bench_startup.py --quick    # 3 repeats
    python benchmarks/bench_startup.py --only forecast   # commands whose label has "forecast"
    python benchmarks/bench_startup.py --baseline /tmp/old/src   # before/after, paired

``--baseline SRC`` runs every command also with ``PYTHONPATH=SRC`` (an older tree, e.g.
``git archive <rev> | tar -x -C /tmp/old``), alternating old and new run by run, so that
both see the same load; it prints both medians and their ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KTAB = ROOT / "tests" / "validation" / "data" / "ktab_smp"
SUMMARY = KTAB / "ktab_smpc_runs_summary.csv"


def _accord(*arguments: str) -> list[str]:
    return ["-m", "accord", *arguments]


COMMANDS: dict[str, list[str]] = {
    "python -c pass (interpreter only)": ["-c", "pass"],
    "python -c 'import numpy'": ["-c", "import numpy"],
    "python -c 'import accord'": ["-c", "import accord"],
    "accord --help": _accord("--help"),
    "accord forecast dummyData_3Dim.csv --model smp": _accord(
        "forecast", str(KTAB / "dummyData_3Dim.csv"), "--model", "smp"
    ),
    "accord forecast dummyData_3Dim.csv --model smp --format json": _accord(
        "forecast", str(KTAB / "dummyData_3Dim.csv"), "--model", "smp", "--format", "json"
    ),
    "accord forecast SOE-Pol-Comp.csv --model smp --format json": _accord(
        "forecast", str(KTAB / "SOE-Pol-Comp.csv"), "--model", "smp", "--format", "json"
    ),
    "accord validate ukraine-2025": _accord("validate", "ukraine-2025"),
    "accord forecast ukraine-2025 --model compromise --format json": _accord(
        "forecast", "ukraine-2025", "--model", "compromise", "--format", "json"
    ),
    "accord forecast ukraine-2025 --model compromise": _accord(
        "forecast", "ukraine-2025", "--model", "compromise"
    ),
    "accord fit war-duration": _accord("fit", "war-duration"),
}
#: Issue 21's goals, in seconds of wall time.
GOALS = {
    "accord forecast ukraine-2025 --model compromise": 0.5,
    "accord forecast dummyData_3Dim.csv --model smp": 0.4,
}
KTAB_FILES = ("dummyData_3Dim.csv", "SOE-Pol-Comp.csv")


def ktab_times() -> dict[str, float]:
    """smpc's reported run time per input file (the recorded summary shipped with the tests)."""
    if not SUMMARY.is_file():
        return {}
    with SUMMARY.open(newline="") as handle:
        return {
            row["scenario_file"]: float(row["elapsed_s_reported_by_smpc"])
            for row in csv.DictReader(handle)
        }


def child_environment(bytecode: bool, source: str | None = None) -> dict[str, str]:
    path = source if source is not None else os.pathsep.join(p for p in sys.path if p)
    env = os.environ | {"PYTHONPATH": path}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(arguments: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and cpu (user + system) seconds of one fresh process."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments],
        cwd=folder,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    parser.add_argument("--only", default=None, help="only the commands whose label has this")
    parser.add_argument("--baseline", default=None, help="an older tree's src folder")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is"
    )
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    commands = {
        label: arguments
        for label, arguments in COMMANDS.items()
        if args.only is None or args.only in label or "import numpy" in label
    }
    trees = {"now": child_environment(not args.no_bytecode)}
    if args.baseline is not None:
        trees["before"] = child_environment(not args.no_bytecode, args.baseline)
    walls = {(tree, label): [] for tree in trees for label in commands}
    cpus = {(tree, label): [] for tree in trees for label in commands}
    with tempfile.TemporaryDirectory() as folder:
        for env in trees.values():
            for arguments in commands.values():
                run_once(arguments, Path(folder), env)  # warm-up: OS, .pyc and numba caches
        for _ in range(repeat):
            for label, arguments in commands.items():
                for tree, env in trees.items():
                    wall, cpu = run_once(arguments, Path(folder), env)
                    walls[(tree, label)].append(wall)
                    cpus[(tree, label)].append(cpu)
        if list(Path(folder).iterdir()):
            raise SystemExit("a command left files in its working directory")
    numpy_median = statistics.median(walls[("now", "python -c 'import numpy'")])
    recorded = ktab_times()
    print(
        f"{'command':<62} {'median s':>8} {'best s':>7} {'cpu s':>6} {'x numpy':>7} "
        f"{'goal s':>6} {'KTAB smpc s':>11}"
        + (f" {'before s':>8} {'before cpu':>10} {'now/before':>10}" if len(trees) > 1 else "")
    )
    for label in commands:
        ktab = next((recorded.get(f) for f in KTAB_FILES if f in label), None)
        median = statistics.median(walls[("now", label)])
        goal = GOALS.get(label)
        line = (
            f"{label:<62} {median:>8.3f} {min(walls[('now', label)]):>7.3f} "
            f"{statistics.median(cpus[('now', label)]):>6.3f} {median / numpy_median:>7.1f} "
            f"{f'{goal:.1f}' if goal else '-':>6} {f'{ktab:.3f}' if ktab else '-':>11}"
        )
        if len(trees) > 1:
            before = statistics.median(walls[("before", label)])
            line += (
                f" {before:>8.3f} {statistics.median(cpus[('before', label)]):>10.3f}"
                f" {median / before:>10.2f}"
            )
        print(line)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    bytecode = "not written" if "PYTHONDONTWRITEBYTECODE" in trees["now"] else "written and read"
    print(f"{repeat} runs each, round robin; load average {load:.2f}; bytecode {bytecode}")
    print(
        "KTAB: smpc's own reported run time, shipped -O0 build (recorded, not re-measured; "
        "no process start-up; no --help time recorded)"
    )


if __name__ == "__main__":
    main()
