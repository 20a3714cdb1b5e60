"""``accord.workflows.optimize``: NSGA-II over a scenario's levers, each candidate evaluated
on one fixed set of sampled futures (common random numbers), with robustness metrics."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from accord.spec.errors import ScenarioError


def optimize(scenario: Any, objectives: Sequence[str], *, variant: str | None = None,
             futures: int = 20, population: int = 12, generations: int = 3,
             seed: int | None = None, rng: Any = None, force: bool = False,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``objectives``: ``"max:peace_holds_5y"`` or ``"min:aid_total_europe"`` (mean over
    the futures is what NSGA-II sees; the Pareto set carries every robustness metric).

    Bad input (an empty objective set, a malformed or unknown objective, ``population < 2``,
    ``generations < 1``, ``futures < 1``) is one ScenarioError before any simulation. The
    estimate (:func:`accord.simulation.cost.estimate_optimization`, ``population x
    generations x futures`` experiments) is refused over the cap of :mod:`accord.spec.limits`
    unless ``force``; ``log(line)`` gets a long search's estimate and one line per generation
    (evaluations so far, hypervolume, time left).

    ``seed`` (default :data:`~accord.experiments.rng.DEFAULT_SEED`) or ``rng`` (numpy SPEC 7,
    :func:`accord.workflows.seeds.resolve_seed`) seeds the futures; NSGA-II gets its own
    31-bit child seed (``optimize`` in :data:`~accord.experiments.rng.STREAM_KEYS`)."""
    from accord.analysis.robust import nsga2, robustness
    from accord.experiments.design import make_design
    from accord.simulation import simulate_chunk
    from accord.simulation.cost import estimate_optimization
    from accord.simulation.engine import compile_spec
    from accord.spec.limits import ANNOUNCE_SECONDS
    from accord.workflows.scenarios import load

    if not objectives:
        raise ScenarioError(None, "no objectives", field="--objectives",
                            expected="e.g. max:peace_holds_5y,min:aid_total_europe")
    parsed = []
    for text in objectives:
        sense, _, name = text.partition(":")
        if sense not in ("min", "max") or not name:
            raise ScenarioError(None, "bad objective", field="--objectives",
                                expected="min:OUTCOME or max:OUTCOME", found=text)
        parsed.append((sense, name))
    from accord.experiments.rng import child_seed
    from accord.workflows.forecast import check_count
    from accord.workflows.seeds import resolve_seed

    population = check_count(population, "--population", minimum=2)
    generations = check_count(generations, "--generations")
    futures = check_count(futures, "--futures")
    seed = resolve_seed(seed, rng, field="--seed")
    loaded = load(scenario)
    spec = loaded.simulation
    if spec is None:
        raise ScenarioError(loaded.name, "the scenario has no simulation section")
    uncertainties, levers = spec.variant_inputs(variant)
    levers = [lever for lever in levers if len(lever.options) > 1]
    if not levers:
        raise ScenarioError(loaded.name, "no lever with several options to search")
    cost = estimate_optimization(spec, population, generations, futures)
    cost.check(force=force, field="--population")
    if log is not None and cost.seconds > ANNOUNCE_SECONDS:
        log(cost.text())
    compiled = compile_spec(spec, loaded, seed=seed, source=loaded.origin or loaded.name)
    base = make_design(uncertainties, [], futures, seed=seed)  # the fixed futures
    evaluated: dict[tuple[int, ...], np.ndarray] = {}
    # The outcome names, from one future of the first candidate, before the search starts.
    probe = base.iloc[:1].copy()
    for lever in levers:
        probe[lever.name] = [lever.options[0]]
    known = [c for c in simulate_chunk(probe, seed, spec=compiled).scalars.columns
             if c != "experiment"]
    missing = [n for _, n in parsed if n not in known]
    if missing:
        raise ScenarioError(loaded.name, "unknown outcome", field="--objectives",
                            expected=f"one of {known}", found=missing[0])

    def outcomes(codes: tuple[int, ...]) -> np.ndarray:
        if codes not in evaluated:
            design = base.copy()
            for lever, code in zip(levers, codes, strict=True):
                design[lever.name] = [lever.options[code]] * len(design)
            scalars = simulate_chunk(design, seed, spec=compiled).scalars
            evaluated[codes] = np.column_stack(
                [scalars[n].to_numpy(dtype=float) for _, n in parsed])
        return evaluated[codes]

    def evaluate(x: np.ndarray) -> np.ndarray:
        rows = []
        for point in x:
            values = np.nanmean(outcomes(tuple(int(v) for v in point)), axis=0)
            rows.append([-v if s == "max" else v for (s, _), v in zip(parsed, values,
                                                                      strict=True)])
        return np.asarray(rows)

    bounds = [(-0.49, len(lever.options) - 0.51) for lever in levers]
    started = time.perf_counter()

    def progress(generation: int, hypervolume: float) -> None:
        if log is None:
            return
        elapsed = time.perf_counter() - started
        left = elapsed / generation * (generations - generation)
        log(f"optimize: generation {generation} of {generations}, {len(evaluated)} "
            f"evaluations, hypervolume {hypervolume:.4g}, ETA {left:.0f} s")

    result = nsga2(evaluate, bounds, len(parsed), population=population,
                   generations=generations, seed=child_seed(seed, "optimize", bits=31),
                   integer=[True] * len(levers),
                   progress=progress)
    candidates = sorted(evaluated)
    policies = []
    for code in {tuple(int(v) for v in row) for row in result["x"]}:
        policy: dict[str, Any] = {"levers": {lv.name: lv.options[c]
                                             for lv, c in zip(levers, code, strict=True)}}
        for j, (sense, name) in enumerate(parsed):
            table = np.array([evaluated[c][:, j] for c in candidates])
            metrics = robustness(table, minimize=sense == "min")
            i = candidates.index(code)
            policy[name] = {k: float(v[i]) for k, v in metrics.items()}
        policies.append(policy)
    return {"objectives": list(objectives), "futures": futures, "evaluations": len(evaluated),
            "pareto": policies, "hypervolume": [float(h) for h in result["hypervolume"]]}
