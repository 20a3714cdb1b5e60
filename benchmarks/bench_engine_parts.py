"""Where the engine's time goes, per experiment-month (issue 21). Prints; asserts nothing.

    python benchmarks/bench_engine_parts.py            # 5,000, 20,000 and 100,000 experiments
    python benchmarks/bench_engine_parts.py --quick    # 2,000 and 5,000
    python benchmarks/bench_engine_parts.py --defence-model persistence --cpu

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
* **month loop**: the monthly ``step`` calls;
* **series writes**: the rest of ``simulate_arrays`` (the strided ``series[name][:, month]``
  copies, the scalars);
* **tables**: ``simulate_chunk`` outside ``simulate_arrays`` (the pandas frames).

Each part is printed as ns per experiment-month (its wall time / (experiments x months)),
and the whole as experiments per second. ``--cpu`` times every part in cpu time
(``time.process_time``) instead of wall time: on a shared, loaded machine wall time
includes waiting for a core.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from accord.scenario import load_scenario
from accord.simulation import compile_spec, engine, simulate_chunk, variant_design

CHUNK = 20_000
TIMED = ("experiment_draws", "prepare_inputs", "_estimated_defence", "step", "simulate_arrays")


def instrument(spent: dict[str, float], clock) -> None:
    """Wrap the engine's parts with timers (``clock``) adding to ``spent``."""
    for name in TIMED:
        inner = getattr(engine, name)

        def timed(*args, __inner=inner, __name=name, **kwargs):
            start = clock()
            try:
                return __inner(*args, **kwargs)
            finally:
                spent[__name] += clock() - start

        setattr(engine, name, timed)


def measure(compiled, spec, n: int, spent: dict[str, float], clock) -> dict[str, float]:
    design = variant_design(spec, "baseline", n, seed=3, method="mc")
    spent.clear()
    start = clock()
    for first in range(0, n, CHUNK):
        simulate_chunk(design.iloc[first : first + CHUNK], 1, spec=compiled)
    whole = clock() - start
    burden = spent["_estimated_defence"]
    parts = {
        "draws": spent["experiment_draws"],
        "burden path": burden,
        "other inputs": spent["prepare_inputs"] - burden,
        "month loop": spent["step"],
        "series writes": spent["simulate_arrays"]
        - spent["experiment_draws"]
        - spent["prepare_inputs"]
        - spent["step"],
        "tables": whole - spent["simulate_arrays"],
    }
    parts["whole"] = whole
    return parts


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
        "--cpu", action="store_true", help="time the parts in cpu time (time.process_time)"
    )
    args = parser.parse_args()
    scenario = load_scenario("ukraine-2025")
    spec = scenario.simulation.model_copy(update={"defence_model": args.defence_model})
    compiled = compile_spec(spec, scenario, seed=1)
    months = compiled.horizon_months
    print(
        f"flagship, {months} months, defence model: {compiled.defence_model}; chunks of {CHUNK:,}"
    )
    spent: dict[str, float] = defaultdict(float)
    clock = time.process_time if args.cpu else time.perf_counter
    instrument(spent, clock)
    simulate_chunk(variant_design(spec, "baseline", 200, seed=3, method="mc"), 1, spec=compiled)
    sizes = (2_000, 5_000) if args.quick else (5_000, 20_000, 100_000)
    names = [
        "draws",
        "burden path",
        "other inputs",
        "month loop",
        "series writes",
        "tables",
        "whole",
    ]
    print(f"\nns per experiment-month ({'cpu' if args.cpu else 'wall'} time)")
    print("| experiments | " + " | ".join(names) + " | exp/s |")
    print("|---" * (len(names) + 2) + "|")
    for n in sizes:
        parts = measure(compiled, spec, n, spent, clock)
        cells = [f"{parts[k] / (n * months) * 1e9:,.0f}" for k in names]
        print(f"| {n:,} | " + " | ".join(cells) + f" | {n / parts['whole']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
