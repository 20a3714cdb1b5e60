"""Robustness of policies over a fixed set of futures, and a many-objective search.

* :func:`robustness`: for outcomes ``values[policy, future]`` (one objective), the mean, the
  10th and 90th percentiles, the satisficing share (futures meeting a threshold; Starr 1963,
  as a domain criterion in Lempert & Collins 2007) and the regret against the best policy in
  each future (Savage 1951; the maximum and 90th percentile over futures).
* :func:`nsga2`: NSGA-II (Deb et al. 2002, *IEEE Trans. Evol. Comp.* 6: 182-197) through
  pymoo, with the hypervolume of the non-dominated set by generation (Zitzler & Thiele 1999).
  pymoo is used rather than platypus: it is maintained, vectorises the evaluation of a whole
  population (one call per generation, which the batched engine needs), handles mixed
  integer variables by rounding repair, and ships the hypervolume indicator.
* :func:`non_dominated`: the indices of the non-dominated rows of an objective table (the
  Pareto set of everything a search evaluated: its archive).

Integer variables are rounded by a *repair* applied to every sampled and mated candidate,
before duplicates are eliminated, so a population holds distinct integer points. (Rounding
only inside the evaluation let the population fill with continuous copies of one integer
policy: on the flagship at population 8, the search ended with one distinct policy.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def robustness(
    values: np.ndarray, *, minimize: bool = True, threshold: float | None = None
) -> dict[str, np.ndarray]:
    """Robustness metrics of each policy (rows) over futures (columns) for one objective."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[1] == 0:
        raise ValueError("values must be [policies, futures] with at least one future")
    best = np.nanmin(v, axis=0) if minimize else np.nanmax(v, axis=0)
    regret = (v - best) if minimize else (best - v)
    out = {
        "mean": np.nanmean(v, axis=1),
        "p10": np.nanquantile(v, 0.1, axis=1),
        "p90": np.nanquantile(v, 0.9, axis=1),
        "max_regret": np.nanmax(regret, axis=1),
        "p90_regret": np.nanquantile(regret, 0.9, axis=1),
    }
    if threshold is not None:
        ok = v <= threshold if minimize else v >= threshold
        out["satisficing"] = np.mean(ok, axis=1)
    return out


def nsga2(
    evaluate: Callable[[np.ndarray], np.ndarray],
    bounds: Sequence[tuple[float, float]],
    n_objectives: int,
    *,
    population: int = 40,
    generations: int = 20,
    seed: int = 0,
    reference: Sequence[float] | None = None,
    integer: Sequence[bool] | None = None,
    progress: Callable[[int, float], None] | None = None,
    n_constraints: int = 0,
) -> dict[str, Any]:
    """Minimise ``evaluate(x[pop, d]) -> f[pop, m]`` over the box ``bounds``.

    With ``n_constraints > 0``, ``evaluate`` returns ``(f, g)`` with ``g[pop, c] <= 0`` where
    feasible (pymoo's inequality constraints: constraint domination, Deb 2000).

    Returns ``{"x", "f", "hypervolume"}``: the final non-dominated set and the hypervolume of
    the non-dominated set after each generation, against ``reference`` (default: the worst
    value of each objective in the first generation, plus 10 %, a judgement so the initial
    front has a positive volume)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.core.repair import Repair
    from pymoo.indicators.hv import HV
    from pymoo.optimize import minimize

    lows = np.array([b[0] for b in bounds], dtype=float)
    highs = np.array([b[1] for b in bounds], dtype=float)
    if np.any(highs <= lows):
        raise ValueError("every bound must have low < high")
    if n_objectives < 1:
        raise ValueError("at least one objective is needed")
    rounded = np.asarray(integer if integer is not None else [False] * len(bounds), bool)

    class _Problem(Problem):
        def __init__(self) -> None:
            super().__init__(
                n_var=len(bounds), n_obj=n_objectives, n_ieq_constr=n_constraints, xl=lows, xu=highs
            )

        def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            x = np.where(rounded, np.round(x), x)
            values = evaluate(x)
            if n_constraints:
                values, violations = values
                out["G"] = np.asarray(violations, dtype=float)
            out["F"] = np.asarray(values, dtype=float)

    class _Round(Repair):
        def _do(self, problem: Any, x: np.ndarray, **kwargs: Any) -> np.ndarray:
            return np.clip(np.where(rounded, np.round(x), x), lows, highs)

    history: list[float] = []
    state: dict[str, Any] = {}

    def callback(algorithm: Any) -> None:
        front = algorithm.opt.get("F")
        if n_constraints:
            front = front[np.asarray(algorithm.opt.get("CV"), dtype=float)[:, 0] <= 0]
        if "ref" not in state:
            worst = algorithm.pop.get("F").max(axis=0)
            state["ref"] = (
                np.asarray(reference, dtype=float)
                if reference is not None
                else worst + 0.1 * np.abs(worst) + 1e-12
            )
        history.append(float(HV(ref_point=state["ref"])(front)) if len(front) else 0.0)
        if progress is not None:
            progress(algorithm.n_gen, history[-1])

    algorithm = NSGA2(pop_size=population, repair=_Round(), eliminate_duplicates=True)
    result = minimize(
        _Problem(), algorithm, ("n_gen", generations), seed=seed, callback=callback, verbose=False
    )
    if result.X is None:  # no feasible candidate
        return {
            "x": np.empty((0, len(bounds))),
            "f": np.empty((0, n_objectives)),
            "hypervolume": np.asarray(history),
        }
    x = np.where(rounded, np.round(result.X), result.X)
    return {"x": np.atleast_2d(x), "f": np.atleast_2d(result.F), "hypervolume": np.asarray(history)}


def non_dominated(f: np.ndarray) -> np.ndarray:
    """Indices of the rows of ``f[n, m]`` (minimised) that no other row dominates.

    Rows equal in every objective do not dominate each other: distinct policies with the same
    outcomes are all kept."""
    f = np.asarray(f, dtype=float)
    keep = []
    for i, row in enumerate(f):
        better_or_equal = np.all(f <= row, axis=1)
        strictly = np.any(f < row, axis=1)
        if not np.any(better_or_equal & strictly):
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)
