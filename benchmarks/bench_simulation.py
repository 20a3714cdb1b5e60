"""Benchmark of the coupled simulation (issues 5 and 21). Prints tables; asserts nothing.

    python benchmarks/bench_simulation.py           # engine, executors, 5k-1M streamed, scaling
    python benchmarks/bench_simulation.py --quick   # under a minute: 5k and 20k streamed
    python benchmarks/bench_simulation.py --sizes 100000,1000000 --defence-model estimated

Targets (issue 21): 100,000 experiments x 120 months of the flagship in < 15 s; 1,000,000
streamed to the run store in < 3 min with < 2 GiB peak. The streamed cases (5k, 20k, 100k,
1M; ``--sizes``) each run in a fresh child process: the design is drawn there, then
``run_experiments`` with the process pool (chunks of 5,000) writes a run store in a
temporary directory, which is deleted afterwards. Peak memory is the largest total resident
set of the child and all its workers (psutil, sampled ten times a second; pages the workers
share are counted once per process, so it errs high); cpu time is the sum of user + system
time of the same processes (their last sample), printed beside wall time because the
machine is shared. ``--defence-model`` overrides the scenario's defence model (the shipped
``chosen`` = persistence).
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from accord.experiments.runner import run_experiments
from accord.scenario import load_scenario
from accord.scenario.simulation import SimulationSpec
from accord.simulation import compile_spec, simulate_chunk, variant_design

MONTHS = 120


class PeakMemory:
    """Samples the resident memory of a process tree (psutil), 10 Hz: this process and its
    descendants, or only the descendants (``children_only``); also their cpu time."""

    def __init__(self, children_only: bool = False) -> None:
        self.peak = 0.0
        self.children_only = children_only
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def cpu(self) -> float:
        """User + system seconds of the sampled processes (each at its last sample)."""
        return sum(self._cpu.values())

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        start = 0.0 if self.children_only else sum(me.cpu_times()[:2])
        while not self._stop.is_set():
            total = 0
            tree = me.children(recursive=True)
            for process in tree if self.children_only else [me, *tree]:
                try:
                    with process.oneshot():
                        total += process.memory_info().rss
                        used = sum(process.cpu_times()[:2])
                    self._cpu[process.pid] = used - (start if process.pid == me.pid else 0.0)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _row(label: str, n: int, seconds: float, cpu: float, extra: str = "") -> str:
    rate = n / seconds
    return (
        f"| {label:<44} | {n:>9,} | {seconds:>8.2f} | {cpu:>8.2f} | {rate:>10,.0f} | "
        f"{rate * MONTHS / 1e6:>8.2f} | {extra:<22} |"
    )


HEADER = (
    "| case                                         | experiments | seconds | cpu s    |"
    " exp/s      | M exp-months/s | note                   |\n|"
    + "|".join("-" * width for width in (46, 11, 10, 10, 12, 10, 24))
    + "|"
)


def _defence(spec: SimulationSpec, model: str | None) -> SimulationSpec:
    return spec if model is None else spec.model_copy(update={"defence_model": model})


def engine_only(compiled, spec, sizes) -> list[str]:
    rows = []
    for n in sizes:
        design = variant_design(spec, "baseline", n, seed=1, method="mc")
        start, cpu = time.perf_counter(), time.process_time()
        simulate_chunk(design, 1, spec=compiled)
        rows.append(
            _row(
                "engine only, one chunk, in-process",
                n,
                time.perf_counter() - start,
                time.process_time() - cpu,
            )
        )
    return rows


def stored_run(compiled, spec, n, executor, chunk_size, out: Path, label: str) -> dict:
    """``run_experiments`` of ``n`` experiments into ``out``: wall, cpu and peak memory of
    this process and its workers; the run directory is removed afterwards."""
    design = variant_design(spec, "baseline", n, seed=2, method="mc")
    simulate = functools.partial(simulate_chunk, spec=compiled)
    with PeakMemory() as memory:
        start = time.perf_counter()
        run_experiments(
            simulate,
            design,
            seed=2,
            out_dir=out,
            executor=executor,
            chunk_size=chunk_size,
            meta={"scenario": "bench", "variant": label},
            progress=False,
            run_id=f"{label}-{n}",
            overwrite=True,
        )
        seconds = time.perf_counter() - start
    shutil.rmtree(out / f"{label}-{n}", ignore_errors=True)
    return {"seconds": seconds, "cpu": memory.cpu, "peak_mib": memory.peak}


def executor_row(compiled, spec, n, executor, chunk_size, out: Path) -> str:
    got = stored_run(compiled, spec, n, executor, chunk_size, out, executor)
    return _row(
        f"run_experiments, {executor}, chunk {chunk_size}",
        n,
        got["seconds"],
        got["cpu"],
        f"peak RSS {got['peak_mib']:,.0f} MiB",
    )


def streamed(n: int, defence_model: str | None, out: Path) -> str:
    """One streamed case in a fresh child process (see the module docstring): the child's
    run time, cpu and peak memory (itself and its workers, during the run)."""
    command = [sys.executable, __file__, "--child", str(n), "--out", str(out)]
    if defence_model is not None:
        command += ["--defence-model", defence_model]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return f"| {n:,}: failed ({done.stderr.strip().splitlines()[-1:]})"
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return (
        _row(
            f"streamed, processes, chunk {CHUNK}",
            n,
            got["seconds"],
            got["cpu"],
            f"peak RSS {got['peak_mib']:,.0f} MiB",
        )
        + f" child process {wall:.1f} s in all"
    )


CHUNK = 5_000


def child(n: int, defence_model: str | None, out: Path) -> None:
    """The child side of :func:`streamed`: prints the run's wall time as JSON."""
    scenario = load_scenario("ukraine-2025")
    spec = _defence(scenario.simulation, defence_model)
    compiled = compile_spec(spec, scenario, seed=1)
    got = stored_run(compiled, spec, n, "processes", CHUNK, out, "streamed")
    print(json.dumps(got))


def scaled_spec(spec: SimulationSpec, factor: int) -> SimulationSpec:
    """The flagship with every donor and ally repeated ``factor`` times (scaling only)."""
    data = spec.model_dump()
    data["donors"] = [dict(d, id=f"{d['id']}_{k}") for k in range(factor) for d in data["donors"]]
    allies = [a for a in data["allies"] if a["group"] != "US"]
    us = [a for a in data["allies"] if a["group"] == "US"]
    data["allies"] = us + [dict(a, id=f"{a['id']}_{k}") for k in range(factor) for a in allies]
    return SimulationSpec.model_validate(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under a minute (smoke test)")
    parser.add_argument(
        "--sizes",
        help="streamed cases, comma-separated (default 5000,20000,100000,1000000; "
        "--quick: 5000,20000)",
    )
    parser.add_argument(
        "--defence-model",
        choices=("estimated", "persistence", "joint-product"),
        help="override the scenario's defence model (default: the scenario's, chosen)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.defence_model, args.out)
        return
    scenario = load_scenario("ukraine-2025")
    spec = _defence(scenario.simulation, args.defence_model)
    compiled = compile_spec(spec, scenario, seed=1)
    print(
        f"flagship: {len(spec.donors)} donors, {len(spec.allies)} allies, "
        f"{len(scenario.actors)} negotiating actors, {MONTHS} months, "
        f"defence model {compiled.defence_model}"
    )
    print(HEADER)
    sizes = [1_000, 5_000] if args.quick else [1_000, 10_000, 50_000]
    for row in engine_only(compiled, spec, sizes):
        print(row, flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        n_exec = 5_000 if args.quick else 20_000
        executors = ("inprocess",) if args.quick else ("inprocess", "processes", "dask")
        for executor in executors:
            try:
                print(executor_row(compiled, spec, n_exec, executor, CHUNK, workdir), flush=True)
            except Exception as error:  # dask may be missing: report, go on
                print(f"| {executor}: failed ({error.__class__.__name__}: {error})")
        default = "5000,20000" if args.quick else "5000,20000,100000,1000000"
        print("\nexperiments per second, streamed (each case a fresh child process)")
        print(HEADER)
        for n in (int(size) for size in (args.sizes or default).split(",")):
            print(streamed(n, args.defence_model, workdir), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    n_scale = 2_000 if args.quick else 10_000
    print(f"\nscaling with donors and allies (engine only, {n_scale:,} experiments, one chunk)")
    print(HEADER)
    for factor in (1, 2) if args.quick else (1, 2, 4, 8):
        bigger = scaled_spec(spec, factor)
        compiled_big = compile_spec(bigger, scenario, seed=1)
        design = variant_design(bigger, "baseline", n_scale, seed=1, method="mc")
        start, cpu = time.perf_counter(), time.process_time()
        simulate_chunk(design, 1, spec=compiled_big)
        print(
            _row(
                f"{len(bigger.donors)} donors, {len(bigger.allies)} allies",
                n_scale,
                time.perf_counter() - start,
                time.process_time() - cpu,
            ),
            flush=True,
        )

    print("\nscaling with negotiating actors (compile: terms pool of 256 draws, compromise)")
    for factor in (1, 4) if args.quick else (1, 4, 16):
        start = time.perf_counter()
        data = scenario.model_dump()
        actors = [
            dict(a, id=f"{a['id']}{k}" if k else a["id"])
            for k in range(factor)
            for a in data["actors"]
        ]
        stances = [
            dict(s, actor=f"{s['actor']}{k}" if k else s["actor"])
            for k in range(factor)
            for s in data["stances"]
        ]
        bigger = type(scenario).model_validate(
            dict(data, actors=actors, stances=stances, simulation=spec)
        )
        compile_spec(spec, bigger, seed=1)
        print(f"  {len(actors):>4} actors: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
