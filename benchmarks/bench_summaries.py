"""Summaries once per run (issue 24, point 2): the Overview, Compare and ``accord compare``.

Run from the repository root::

    python benchmarks/bench_summaries.py                          # 20,000 experiments, 5 variants
    python benchmarks/bench_summaries.py --runs /tmp/study        # an existing study
    python benchmarks/bench_summaries.py --baseline 9a18a4f       # also the code of a revision

Without ``--runs`` it makes a study in a temporary folder (``accord run ukraine-2025
--experiments N`` with the first ``--variants`` variants, ``--no-report``) and removes it at the
end. Each measurement runs in a fresh process, as a dashboard's first visit after its start
or a command does:

- Overview: open the chosen runs (``accord.dashboard.data.open_run_data``: the metadata, the
  tables on first use; ``load_run`` in code without it), then the answers
  (``data.sentences``), the headline table (``data.headline``) and, where the code has them, the
  figures per headline question (``data.headline_figures``);
- Compare: read the first and the second run and compare them (``data.compare``);
- ``accord compare A B``: the whole command, wall time.

"computed" is with no summary kept beside the runs (their ``summaries/`` folders removed
first, also those of a ``--runs`` study; the code computes and keeps them), "kept" a second
fresh process that reads them back.
``--baseline REV`` exports ``src/`` of that revision (``git archive``) to a temporary folder and
measures the same steps with it (code that keeps nothing: computed every time). Goals: Overview
< 2 s, Compare < 3 s, ``accord compare`` < 5 s. It prints a Markdown table and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"overview": 2.0, "compare": 3.0, "accord compare": 5.0}


def child(step: str, folders: list[str]) -> None:
    """One measurement in this (fresh) process; prints JSON timings."""
    from accord.dashboard import data

    started = time.perf_counter()
    parts: dict[str, float] = {}

    def timed(name: str, function, *args):
        begin = time.perf_counter()
        value = function(*args)
        parts[name] = time.perf_counter() - begin
        return value

    # The pages open a run by its metadata and read its tables on first use, where the code
    # can (open_run_data); older code reads them at once (load_run).
    opener = getattr(data, "open_run_data", data.load_run)
    if step == "overview":
        runs = timed("read", lambda: [opener(Path(f), Path(f).name) for f in folders])
        timed("sentences", data.sentences, runs)
        timed("headline", data.headline, runs)
        if hasattr(data, "headline_figures"):
            timed("figures", data.headline_figures, runs)
    else:
        runs = timed("read", lambda: [opener(Path(f), Path(f).name) for f in folders[:2]])
        timed("compare", data.compare, runs[0], runs[1])
    parts["total"] = time.perf_counter() - started
    print(json.dumps(parts))


def measure(step: str, folders: list[Path], source: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    if step == "accord compare":
        begin = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "accord", "compare", str(folders[0]), str(folders[1])],
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - begin
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        return {"total": wall}
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, *map(str, folders)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def forget(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder / "summaries", ignore_errors=True)


def variant_names(source: Path) -> list[str]:
    """The variants of ukraine-2025 in the scenario's order (the first is the reference)."""
    sys.path.insert(0, str(source))
    import accord

    return list(accord.load("ukraine-2025").simulation.variants)


def make_study(out: Path, experiments: int, variants: int, source: Path) -> list[Path]:
    names = variant_names(source)[:variants]
    command = [sys.executable, "-m", "accord", "run", "ukraine-2025", "-n", str(experiments)]
    command += [arg for name in names for arg in ("--variant", name)]
    command += ["--out", str(out), "--no-report", "--executor", "processes", "--force"]
    subprocess.run(command, env={**os.environ, "PYTHONPATH": str(source)}, check=True)
    return [out / name for name in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=Path, help="a study folder (one sub-folder per variant)")
    parser.add_argument("--experiments", type=int, default=20_000)
    parser.add_argument("--variants", type=int, default=5)
    parser.add_argument("--baseline", help="also measure the code of this git revision")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return 0

    source = ROOT / "src"
    temporary = Path(tempfile.mkdtemp(prefix="accord-bench-summaries-"))
    try:
        if args.runs:
            found = {p.name: p for p in args.runs.iterdir() if (p / "meta.json").is_file()}
            order = [n for n in variant_names(source) if n in found]
            folders = [found[n] for n in order + sorted(set(found) - set(order))]
            folders = folders[: args.variants]
        else:
            folders = make_study(temporary / "study", args.experiments, args.variants, source)
        sizes = [json.loads((f / "meta.json").read_text())["n_experiments"] for f in folders]
        print(f"study: {len(folders)} variants, {', '.join(f'{n:,}' for n in sizes)} experiments")
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 shared cores)")
        codes = []
        if args.baseline:
            exported = temporary / "baseline"
            exported.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.baseline, "src"],
                capture_output=True,
                check=True,
            )
            subprocess.run(["tar", "-x", "-C", str(exported)], input=archive.stdout, check=True)
            codes.append((f"before ({args.baseline})", exported / "src"))
        codes.append(("after", source))
        rows = []
        for label, code in codes:
            for step in ("overview", "compare", "accord compare"):
                forget(folders)
                computed = measure(step, folders, code)
                kept = measure(step, folders, code) if label == "after" else None
                rows.append((label, step, computed, kept))
        _print(rows)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return 0


def _print(rows) -> None:
    """Plain lines (they go into benchmarks/README.md as they are)."""

    def parts(found) -> str:
        if not found:
            return "-"
        return ", ".join(f"{k} {v:.2f}" for k, v in found.items() if k != "total") or "-"

    print("seconds, each in a fresh process")
    print("| code | step | computed | kept | goal | parts, computed | parts, kept |")
    print("|---|---|---:|---:|---|---|---|")
    for label, step, computed, kept in rows:
        goal = GOALS[step]
        verdict = "met" if (kept or computed)["total"] < goal else "missed"
        shown_kept = f"{kept['total']:.2f}" if kept else "-"
        print(
            f"| {label} | {step} | {computed['total']:.2f} | {shown_kept} | < {goal:g} s: "
            f"{verdict} | {parts(computed)} | {parts(kept)} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
