"""Benchmark of the coupled simulation (issue 5, point 8). Prints tables; asserts nothing.

    python benchmarks/bench_simulation.py            # engine, executors, 100k run, scaling
    python benchmarks/bench_simulation.py --million  # also 1,000,000 experiments streamed

Targets: 100,000 experiments x 120 months of the flagship in under 60 s on 2 cores with the
default models; 1,000,000 experiments streamed to the run store with peak memory < 2 GiB.
Peak memory is the largest total resident set of the benchmark and all its worker processes,
sampled ten times a second (psutil).
"""

from __future__ import annotations

import argparse
import functools
import shutil
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
    """Samples the resident memory of this process and all its descendants (psutil), 10 Hz."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
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


def _row(label: str, n: int, seconds: float, extra: str = "") -> str:
    rate = n / seconds
    return (
        f"| {label:<44} | {n:>9,} | {seconds:>8.2f} | {rate:>10,.0f} | "
        f"{rate * MONTHS / 1e6:>8.2f} | {extra:<22} |"
    )


HEADER = (
    "| case                                         | experiments | seconds | exp/s      |"
    " M exp-months/s | note                   |\n|"
    + "-" * 46
    + "|"
    + "-" * 11
    + "|"
    + "-" * 10
    + "|"
    + "-" * 12
    + "|"
    + "-" * 10
    + "|"
    + "-" * 24
    + "|"
)


def engine_only(compiled, spec, sizes) -> list[str]:
    rows = []
    for n in sizes:
        design = variant_design(spec, "baseline", n, seed=1, method="mc")
        start = time.perf_counter()
        simulate_chunk(design, 1, spec=compiled)
        rows.append(_row("engine only, one chunk, in-process", n, time.perf_counter() - start))
    return rows


def stored_run(compiled, spec, n, executor, chunk_size, out: Path, label: str) -> str:
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
    return _row(
        f"run_experiments, {executor}, chunk {chunk_size}",
        n,
        seconds,
        f"peak RSS {memory.peak:,.0f} MiB",
    )


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
    parser.add_argument("--million", action="store_true", help="also stream 1,000,000")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    args = parser.parse_args()
    scenario = load_scenario("ukraine-2025")
    spec = scenario.simulation
    compiled = compile_spec(spec, scenario, seed=1)
    print(
        f"flagship: {len(spec.donors)} donors, {len(spec.allies)} allies, "
        f"{len(scenario.actors)} negotiating actors, {MONTHS} months"
    )
    print(HEADER)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
    for row in engine_only(compiled, spec, sizes):
        print(row, flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        n_exec = 5_000 if args.quick else 20_000
        for executor in ("inprocess", "processes", "dask"):
            try:
                print(
                    stored_run(compiled, spec, n_exec, executor, 5_000, workdir, executor),
                    flush=True,
                )
            except Exception as error:  # dask may be missing: report, go on
                print(f"| {executor}: failed ({error.__class__.__name__}: {error})")
        headline = 10_000 if args.quick else 100_000
        print(
            stored_run(compiled, spec, headline, "processes", 5_000, workdir, "headline"),
            flush=True,
        )
        if args.million:
            print(
                stored_run(compiled, spec, 1_000_000, "processes", 5_000, workdir, "million"),
                flush=True,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print("\nscaling with donors and allies (engine only, 10,000 experiments, one chunk)")
    print(HEADER)
    for factor in (1, 2, 4, 8):
        bigger = scaled_spec(spec, factor)
        compiled_big = compile_spec(bigger, scenario, seed=1)
        design = variant_design(bigger, "baseline", 10_000, seed=1, method="mc")
        start = time.perf_counter()
        simulate_chunk(design, 1, spec=compiled_big)
        print(
            _row(
                f"{len(bigger.donors)} donors, {len(bigger.allies)} allies",
                10_000,
                time.perf_counter() - start,
            ),
            flush=True,
        )

    print("\nscaling with negotiating actors (compile: terms pool of 256 draws, compromise)")
    for factor in (1, 4, 16):
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
