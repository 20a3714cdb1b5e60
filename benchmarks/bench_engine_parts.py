"""Where the engine's time goes, per experiment-month (issue 21). Prints; asserts nothing.

    python benchmarks/bench_engine_parts.py            # 5,000, 20,000 and 100,000 experiments
    python benchmarks/bench_engine_parts.py --quick    # 2,000 and 5,000
    python benchmarks/bench_engine_parts.py --engine numba   # the fused month loop only
    python benchmarks/bench_engine_parts.py --defence-model persistence

``--defence-model`` (estimated, persistence or joint-product; default estimated) overrides
the scenario's ``defence_model`` (the shipped flagship says ``chosen``, which the rolling
backtest's verdict table resolves to persistence, where the burden path costs nothing).

In one process, one core, the flagship (``ukraine-2025``, 120 months), chunks of at most
20,000 experiments through ``simulate_chunk``. The engine's functions are wrapped with
timers (looked up by name at call time, so the engine itself is unchanged):

* **draws**: the per-experiment random streams (``experiment_draws``);
* **burden path**: the estimated defence path (``_estimated_defence``: ten yearly solves of
  the allies' reaction functions), inside **inputs** (``prepare_inputs``, everything else
  that is drawn or derived once per experiment);
* **month loop**: the monthly ``step`` calls (engine ``numpy``, the reference), or the fused
  kernel's calls (engine ``numba``, ``month_loop``, one per block of ``DRAW_BLOCK``
  experiments: its series writes are inside it);
* **series writes**: the rest of the engine's ``_simulate`` (with ``numpy``, the strided
  ``table[i, :, month]`` copies; with either, the scalars; with ``numba``, the blocks' deals);
* **tables**: ``simulate_chunk`` outside ``_simulate`` (the pandas frames).

The first row, "(cold)", is the first full chunk of the process: the memory it touches is
fresh to the process, which on a VM with free page reporting costs far more than memory freed
a moment before (docs/simulation.md, "Memory of the first chunk"); the later rows reuse it.

``--engine`` picks the month loop (``numpy``, ``numba`` or ``both``, the default: one row
each, side by side). Each part is printed as ns per experiment-month, wall time and the
process's cpu time (``time.process_time``: the machine is shared, so wall time counts other
jobs' load), and the whole as experiments per second (wall).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict

from accord.scenario import load_scenario
from accord.simulation import compile_spec, engine, simulate_chunk, variant_design

CHUNK = 20_000
TIMED = (
    "experiment_draws",
    "prepare_inputs",
    "_estimated_defence",
    "step",
    "month_loop",
    "_simulate",
)
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def instrument(spent: dict[tuple[str, str], float]) -> None:
    """Wrap the engine's parts with timers adding to ``spent[(name, clock)]``."""
    for name in TIMED:
        inner = getattr(engine, name)

        def timed(*args, __inner=inner, __name=name, **kwargs):
            start = {clock: read() for clock, read in CLOCKS.items()}
            try:
                return __inner(*args, **kwargs)
            finally:
                for clock, read in CLOCKS.items():
                    spent[__name, clock] += read() - start[clock]

        setattr(engine, name, timed)


def measure(compiled, spec, n: int, spent, engine_name: str) -> dict[str, dict[str, float]]:
    """``{clock: {part: seconds}}`` of ``n`` experiments with the month loop ``engine_name``."""
    design = variant_design(spec, "baseline", n, seed=3, method="mc")
    with_engine(engine_name)
    spent.clear()
    start = {clock: read() for clock, read in CLOCKS.items()}
    for first in range(0, n, CHUNK):
        simulate_chunk(design.iloc[first : first + CHUNK], 1, spec=compiled)
    out = {}
    for clock, read in CLOCKS.items():
        whole = read() - start[clock]
        burden = spent["_estimated_defence", clock]
        loop = spent["step", clock] + spent["month_loop", clock]
        out[clock] = {
            "draws": spent["experiment_draws", clock],
            "burden path": burden,
            "other inputs": spent["prepare_inputs", clock] - burden,
            "month loop": loop,
            "series writes": spent["_simulate", clock]
            - spent["experiment_draws", clock]
            - spent["prepare_inputs", clock]
            - loop,
            "tables": whole - spent["_simulate", clock],
            "whole": whole,
        }
    return out


def with_engine(name: str) -> None:
    """Run the month loop with ``name`` (through the engine's environment variable)."""
    os.environ[engine.ENGINE_VARIABLE] = name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 only")
    parser.add_argument(
        "--defence-model",
        choices=("estimated", "persistence", "joint-product"),
        default="estimated",
        help="the allies' defence model (overrides the scenario's; default estimated)",
    )
    parser.add_argument(
        "--engine",
        choices=("numpy", "numba", "both"),
        default="both",
        help="the month loop: the numpy step (reference), the fused numba kernel, or both",
    )
    args = parser.parse_args()
    engines = ("numpy", "numba") if args.engine == "both" else (args.engine,)
    scenario = load_scenario("ukraine-2025")
    spec = scenario.simulation.model_copy(update={"defence_model": args.defence_model})
    compiled = compile_spec(spec, scenario, seed=1)
    months = compiled.horizon_months
    estimated = compiled.demand_pool is not None
    print(
        f"flagship, {months} months, burden model: "
        f"{'estimated (burden-demand fit)' if estimated else 'calibrated'}; chunks of {CHUNK:,}"
    )
    spent: dict[tuple[str, str], float] = defaultdict(float)
    instrument(spent)
    for name in engines:  # warm-up: imports, the kernel's compilation or cache load
        with_engine(name)
        simulate_chunk(variant_design(spec, "baseline", 200, seed=3, method="mc"), 1, spec=compiled)
    sizes = (2_000, 5_000) if args.quick else (5_000, 20_000, 100_000)
    # The first run of a full chunk grows the process's memory (fresh pages, each faulted in
    # on first touch); later chunks reuse it. That one-time cost is printed as its own "cold"
    # row, so that the sizes below compare the steady state.
    cold = min(CHUNK, max(sizes))
    names = [
        "draws",
        "burden path",
        "other inputs",
        "month loop",
        "series writes",
        "tables",
        "whole",
    ]
    print("\nns per experiment-month, wall / cpu")
    print("| experiments | month loop engine | " + " | ".join(names) + " | exp/s |")
    print("|---" * (len(names) + 3) + "|")
    rows = [(cold, f"{cold:,} (cold)"), *((n, f"{n:,}") for n in sizes)]
    for n, label in rows:
        for name in engines:
            parts = measure(compiled, spec, n, spent, name)
            cells = [
                f"{parts['wall'][k] / (n * months) * 1e9:,.0f} / "
                f"{parts['cpu'][k] / (n * months) * 1e9:,.0f}"
                for k in names
            ]
            rate = n / parts["wall"]["whole"]
            print(f"| {label} | {name} | " + " | ".join(cells) + f" | {rate:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
