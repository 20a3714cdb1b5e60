"""Start-up and per-command wall times of the `accord` command line, next to KTAB's.

Each command runs as a fresh process (``python -m accord ...``) ``--repeat`` times in an empty
temporary directory; the median and the fastest wall time are printed. KTAB's recorded time is
the run time ``smpc`` itself reported for the same input (``../shared/validation/ktab_smp/
ktab_smpc_runs_summary.csv``, Debian 12, g++ 12.2, 2 cores): it excludes KTAB's own process
start-up, and KTAB records no start-up or ``--help`` time. "x numpy" is the median over that
of ``python -c 'import numpy'`` (the floor of any numpy program).

    python benchmarks/bench_startup.py            # 7 repeats
    python benchmarks/bench_startup.py --quick    # 3 repeats
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
SHARED_SUMMARY = ROOT.parent / "shared" / "validation" / "ktab_smp" / "ktab_smpc_runs_summary.csv"

COMMANDS: dict[str, list[str]] = {
    "python -c pass (interpreter only)": ["-c", "pass"],
    "python -c 'import numpy'": ["-c", "import numpy"],
    "python -c 'import accord'": ["-c", "import accord"],
    "accord --help": ["-m", "accord", "--help"],
    "accord forecast dummyData_3Dim.csv --model smp --format json": [
        "-m",
        "accord",
        "forecast",
        str(KTAB / "dummyData_3Dim.csv"),
        "--model",
        "smp",
        "--format",
        "json",
    ],
    "accord forecast SOE-Pol-Comp.csv --model smp --format json": [
        "-m",
        "accord",
        "forecast",
        str(KTAB / "SOE-Pol-Comp.csv"),
        "--model",
        "smp",
        "--format",
        "json",
    ],
    "accord validate ukraine-2025": ["-m", "accord", "validate", "ukraine-2025"],
    "accord forecast ukraine-2025 --model compromise --format json": [
        "-m",
        "accord",
        "forecast",
        "ukraine-2025",
        "--model",
        "compromise",
        "--format",
        "json",
    ],
    "accord forecast ukraine-2025 --model compromise": [
        "-m",
        "accord",
        "forecast",
        "ukraine-2025",
        "--model",
        "compromise",
    ],
}
KTAB_FILES = {"dummyData_3Dim.csv": "dummyData_3Dim.csv", "SOE-Pol-Comp.csv": "SOE-Pol-Comp.csv"}


def ktab_times() -> dict[str, float]:
    """smpc's reported run time per input file, if the shared summary is present."""
    if not SHARED_SUMMARY.is_file():
        return {}
    with SHARED_SUMMARY.open(newline="") as handle:
        return {
            row["scenario_file"]: float(row["elapsed_s_reported_by_smpc"])
            for row in csv.DictReader(handle)
        }


def wall_times(arguments: list[str], repeat: int, folder: Path) -> list[float]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *arguments],
            cwd=folder,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    recorded = ktab_times()
    print(f"{'command':<66} {'median s':>9} {'best s':>8} {'x numpy':>8} {'KTAB smpc s':>12}")
    numpy_median = None
    with tempfile.TemporaryDirectory() as folder:
        for label, arguments in COMMANDS.items():
            wall_times(arguments, 1, Path(folder))  # warm the OS and numba caches
            times = wall_times(arguments, repeat, Path(folder))
            ktab = next((recorded.get(f) for name, f in KTAB_FILES.items() if name in label), None)
            shown = f"{ktab:.3f}" if ktab is not None else "-"
            median = statistics.median(times)
            if "import numpy" in label:
                numpy_median = median
            ratio = f"{median / numpy_median:.1f}" if numpy_median else "-"
            print(f"{label:<66} {median:>9.3f} {min(times):>8.3f} {ratio:>8} {shown:>12}")
            if list(Path(folder).iterdir()):
                raise SystemExit(f"{label} left files in its working directory")
    if not recorded:
        print("KTAB times: ../shared/validation/ktab_smp/ktab_smpc_runs_summary.csv not found")
    else:
        print("KTAB: smpc's own reported run time (no process start-up; no --help time recorded)")


if __name__ == "__main__":
    main()
