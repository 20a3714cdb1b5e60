"""``accord.workflows.optimize``: NSGA-II over a scenario's levers, each candidate evaluated
on one fixed set of sampled futures (common random numbers), with robustness metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import ScenarioError


def optimize(scenario: Any, objectives: Sequence[str], *, variant: str | None = None,
             futures: int = 20, population: int = 12, generations: int = 3,
             seed: int = 20250301) -> dict[str, Any]:
    """``objectives``: ``"max:peace_holds_5y"`` or ``"min:aid_total_europe"`` (mean over
    the futures is what NSGA-II sees; the Pareto set carries every robustness metric)."""
    from accord.analysis.robust import nsga2, robustness
    from accord.experiments.design import make_design
    from accord.simulation import simulate_chunk
    from accord.simulation.engine import compile_spec
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
    loaded = load(scenario)
    spec = loaded.simulation
    if spec is None:
        raise ScenarioError(loaded.name, "the scenario has no simulation section")
    uncertainties, levers = spec.variant_inputs(variant)
    levers = [lever for lever in levers if len(lever.options) > 1]
    if not levers:
        raise ScenarioError(loaded.name, "no lever with several options to search")
    compiled = compile_spec(spec, loaded, seed=seed, source=loaded.origin or loaded.name)
    base = make_design(uncertainties, [], futures, seed=seed)  # the fixed futures
    evaluated: dict[tuple[int, ...], np.ndarray] = {}

    def outcomes(codes: tuple[int, ...]) -> np.ndarray:
        if codes not in evaluated:
            design = base.copy()
            for lever, code in zip(levers, codes, strict=True):
                design[lever.name] = [lever.options[code]] * len(design)
            scalars = simulate_chunk(design, seed, spec=compiled).scalars
            missing = [n for _, n in parsed if n not in scalars]
            if missing:
                raise ScenarioError(loaded.name, "unknown outcome", field="--objectives",
                                    expected=f"one of {list(scalars.columns[1:])}",
                                    found=missing[0])
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
    result = nsga2(evaluate, bounds, len(parsed), population=population,
                   generations=generations, seed=seed % 2**31, integer=[True] * len(levers))
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
