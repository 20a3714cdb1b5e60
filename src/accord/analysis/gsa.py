"""Global sensitivity of a scalar outcome to the uncertainties, from given data.

The methods work on any sample of the inputs (a Latin hypercube run as stored), so they need
no new run:

* ``delta``: the moment-independent delta index with first-order Sobol indices estimated on
  the same sample (Borgonovo 2007, *Reliab. Eng. Syst. Saf.* 92: 771-784; Plischke,
  Borgonovo & Smith 2013, *EJOR* 226: 536-550), SALib's ``delta.analyze``.
* ``pawn``: the CDF-based PAWN index, here the median over conditioning slices of the
  Kolmogorov-Smirnov distance (Pianosi & Wagener 2015, *Env. Modelling & Software* 67: 1-11;
  the given-data form of Pianosi & Wagener 2018), SALib's ``pawn.analyze``. SALib gives no
  interval for PAWN; ``PAWN_conf`` is from a percentile bootstrap over experiments here.
* ``rbd-fast``: first-order indices by random balance designs FAST on given data (Tarantola,
  Gatelli & Mara 2006, *Reliab. Eng. Syst. Saf.* 91: 717-727; Plischke 2010), SALib's
  ``rbd_fast.analyze``.

Inputs: only numeric uncertainty columns that vary are analysed. Levers and categorical
("choice") uncertainties are not inputs of these estimators (they assume a continuous
input distribution). By default they are pooled: their variation stays in the outcome and
is not attributed, and they are listed under ``excluded``. With ``by_levers=True`` the
analysis is repeated within each lever combination (the stated method for levers), so the
indices answer "given this policy, which uncertainties matter".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

GIVEN_DATA_METHODS = ("delta", "pawn", "rbd-fast")
#: Fewest experiments for a given-data estimate. Judgement: delta's kernel density and
#: PAWN's 10 slices each need tens of points per slice; below ~100 the intervals are as
#: wide as the indices.
MIN_EXPERIMENTS = 100


#: Seconds per experiment x input x (replicate + 1), measured on the project's 2-core
#: machine under load (Ishigami, 4,000 rows, 20 replicates: delta 77 s, PAWN 6.8 s,
#: RBD-FAST 0.15 s); used by :func:`estimate_seconds` to refuse long jobs without --force.
SECONDS_PER_UNIT = {"delta": 3.1e-4, "pawn": 2.7e-5, "rbd-fast": 1.0e-6}


def estimate_seconds(method: str, n: int, inputs: int, n_boot: int, groups: int = 1) -> float:
    """Rough wall-clock seconds of :func:`sensitivity_table` (a factor of two either way)."""
    return SECONDS_PER_UNIT.get(method, 3.1e-4) * n * inputs * (n_boot + 1) * max(groups, 1)


def numeric_inputs(design: pd.DataFrame, candidates: Sequence[str]) -> tuple[list[str], list[str]]:
    """(analysed, excluded): numeric varying columns among ``candidates``, and the others."""
    used, excluded = [], []
    for name in candidates:
        if name not in design:
            continue
        column = design[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if numeric and column.nunique(dropna=True) > 1 and not column.isna().any():
            used.append(name)
        else:
            excluded.append(name)
    return used, excluded


def _problem(x: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    bounds = [[float(lo), float(hi)] for lo, hi in zip(x.min(axis=0), x.max(axis=0), strict=True)]
    return {"num_vars": len(names), "names": list(names), "bounds": bounds}


def given_data_indices(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    method: str,
    n_boot: int = 100,
    level: float = 0.95,
    seed: int = 0,
    tick: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Indices of ``method`` for each column of ``x[n, d]`` on outcome ``y[n]``, one dict per
    input with SALib's fields and their ``*_conf`` half-widths (``level`` intervals).

    ``tick(k)`` is called as work is done, :func:`work_units` in all: delta is estimated one
    input at a time (its index of an input reads only that column; SALib reseeds each call,
    so every input gets the same bootstrap resamples of the experiments), PAWN one bootstrap
    replicate at a time, RBD-FAST in one call."""
    from SALib.analyze import delta, pawn, rbd_fast

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if y.size < MIN_EXPERIMENTS:
        raise ValueError(
            f"{y.size} experiments with a value; at least {MIN_EXPERIMENTS} are needed"
        )
    if np.std(y) == 0:
        raise ValueError("the outcome is constant; no input explains it")
    tick = tick or (lambda _: None)
    problem = _problem(x, names)
    if method == "delta":
        fields: tuple[str, ...] = ("delta", "delta_conf", "S1", "S1_conf")
        parts: dict[str, list[float]] = {f: [] for f in fields}
        for i, name in enumerate(names):
            _seed_global(seed)
            one = delta.analyze(
                _problem(x[:, [i]], [name]),
                x[:, [i]],
                y,
                num_resamples=n_boot,
                conf_level=level,
                seed=seed,
                print_to_console=False,
            )
            one = dict(one)
            if "delta" not in one:  # SALib >= 1.5 names the classic estimator delta_raw
                one["delta"], one["delta_conf"] = one["delta_raw"], one["delta_raw_conf"]
            for f in fields:
                parts[f].append(float(np.asarray(one[f])[0]))
            tick(1)
        result = parts
    elif method == "rbd-fast":
        result = rbd_fast.analyze(
            problem, x, y, num_resamples=n_boot, conf_level=level, seed=seed, print_to_console=False
        )
        fields = ("S1", "S1_conf")
        tick(1)
    elif method == "pawn":
        _seed_global(seed)
        result = dict(pawn.analyze(problem, x, y, S=10, seed=seed, print_to_console=False))
        rng = np.random.default_rng(seed)
        boots = []
        for _ in range(n_boot):
            rows = rng.integers(0, y.size, y.size)
            again = pawn.analyze(problem, x[rows], y[rows], S=10, seed=seed, print_to_console=False)
            boots.append(np.asarray(again["median"], dtype=float))
            tick(1)
        from accord.analysis.intervals import z_value

        spread = np.std(np.asarray(boots), axis=0, ddof=1)
        result["PAWN"] = result["median"]
        result["PAWN_conf"] = z_value(level) * spread
        fields = ("PAWN", "PAWN_conf", "minimum", "mean", "maximum", "CV")
    else:
        raise ValueError(f"unknown method {method!r}; use one of {GIVEN_DATA_METHODS}")
    return [
        {"name": name, **{f: float(np.asarray(result[f])[i]) for f in fields}}
        for i, name in enumerate(names)
    ]


def _seed_global(seed: int) -> None:
    """Seed numpy's global generator before a SALib estimator that draws from it: delta, PAWN
    and Sobol seed it themselves only when ``seed`` is truthy (``if seed:``), so seed 0 would
    give a different answer each call. RBD-FAST and Morris take a Generator and need not."""
    np.random.seed(seed)


def work_units(method: str, inputs: int, n_boot: int) -> int:
    """The ``tick`` count of :func:`given_data_indices` for one set of experiments."""
    return {"delta": inputs, "pawn": n_boot}.get(method, 1)


def _rank_key(method: str) -> str:
    return {"delta": "delta", "pawn": "PAWN"}.get(method, "S1")


def sensitivity_table(
    design: pd.DataFrame,
    outcome: pd.Series | np.ndarray,
    *,
    uncertainties: Sequence[str],
    levers: Sequence[str] = (),
    method: str = "delta",
    by_levers: bool = False,
    labels: Mapping[str, str] | None = None,
    n_boot: int = 100,
    seed: int = 0,
    tick: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """One result per lever combination (a single pooled one unless ``by_levers``):
    ``{"levers": {...}, "n": n, "indices": [...], "excluded": [...]}``, indices ranked
    highest first, each with its ``label``."""
    used, excluded = numeric_inputs(design, uncertainties)
    excluded += [lever for lever in levers if lever in design]
    if not used:
        raise ValueError("no numeric uncertainty varies in this run")
    y = np.asarray(outcome, dtype=float)
    groups: list[tuple[dict[str, Any], np.ndarray]]
    present = [lever for lever in levers if lever in design]
    if by_levers and present:
        groups = []
        for key, index in design.groupby(present, sort=True, dropna=False).indices.items():
            values = key if isinstance(key, tuple) else (key,)
            groups.append(
                (dict(zip(present, [_plain(v) for v in values], strict=True)), np.asarray(index))
            )
    else:
        groups = [({}, np.arange(len(design)))]
    labels = labels or {}
    results = []
    x_all = design[used].to_numpy(dtype=float)
    rank = _rank_key(method)
    for setting, rows in groups:
        indices = given_data_indices(
            x_all[rows], y[rows], used, method=method, n_boot=n_boot, seed=seed, tick=tick
        )
        for entry in indices:
            entry["label"] = labels.get(entry["name"]) or entry["name"]
        indices.sort(key=lambda e: -e[rank] if np.isfinite(e[rank]) else np.inf)
        results.append(
            {
                "levers": setting,
                "n": int(np.sum(~np.isnan(y[rows]))),
                "indices": indices,
                "excluded": sorted(excluded),
            }
        )
    return results


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# ------------------------------------------------------------ designed (Sobol, Morris)
#
# SALib is used for the designs and estimators (rather than ``scipy.stats.sobol_indices``)
# because one library then gives Saltelli's sample with second-order terms (the interaction
# view), Morris' elementary effects and the given-data methods above, with the same
# ``problem`` dictionary and bootstrap intervals; scipy offers first and total order only.

DESIGNED_METHODS = ("sobol", "morris")


def designed_sample(
    method: str,
    bounds: Sequence[tuple[float, float]],
    n: int,
    *,
    seed: int = 0,
    second_order: bool = True,
) -> np.ndarray:
    """A Saltelli sample (``n (2d + 2)`` rows with second order, ``n (d + 2)`` without;
    Saltelli 2002, Saltelli et al. 2010) or a Morris sample (``n (d + 1)`` rows, 4 levels;
    Morris 1991, Campolongo et al. 2007) over ``bounds``."""
    problem = {
        "num_vars": len(bounds),
        "names": [f"x{i}" for i in range(len(bounds))],
        "bounds": [list(map(float, b)) for b in bounds],
    }
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=4, seed=seed)
    raise ValueError(f"unknown design {method!r}; use one of {DESIGNED_METHODS}")


def designed_indices(
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    bounds: Sequence[tuple[float, float]],
    second_order: bool = True,
    n_boot: int = 100,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, Any]:
    """Indices on the output of :func:`designed_sample`: ``{"indices": [...],
    "interactions": [...]}``; Sobol gives ``S1, S1_conf, ST, ST_conf`` per input and
    ``S2, S2_conf`` per pair, Morris ``mu, mu_star, mu_star_conf, sigma``."""
    problem = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [list(map(float, b)) for b in bounds],
    }
    y = np.asarray(y, dtype=float)
    if np.isnan(y).any():
        raise ValueError(
            "the outcome is missing in some experiments; a Sobol or Morris "
            "estimate needs every design point"
        )
    if method == "sobol":
        from SALib.analyze import sobol

        _seed_global(seed)
        r = sobol.analyze(
            problem,
            y,
            calc_second_order=second_order,
            num_resamples=n_boot,
            conf_level=level,
            seed=seed,
            print_to_console=False,
        )
        indices = [
            {
                "name": nm,
                "S1": float(r["S1"][i]),
                "S1_conf": float(r["S1_conf"][i]),
                "ST": float(r["ST"][i]),
                "ST_conf": float(r["ST_conf"][i]),
            }
            for i, nm in enumerate(names)
        ]
        pairs = []
        if second_order:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    pairs.append(
                        {
                            "names": [names[i], names[j]],
                            "S2": float(r["S2"][i, j]),
                            "S2_conf": float(r["S2_conf"][i, j]),
                        }
                    )
        return {"indices": indices, "interactions": pairs}
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(
            problem,
            np.asarray(x, dtype=float),
            y,
            num_resamples=n_boot,
            conf_level=level,
            num_levels=4,
            seed=seed,
            print_to_console=False,
        )
        indices = [
            {
                "name": nm,
                "mu": float(r["mu"][i]),
                "mu_star": float(r["mu_star"][i]),
                "mu_star_conf": float(r["mu_star_conf"][i]),
                "sigma": float(r["sigma"][i]),
            }
            for i, nm in enumerate(names)
        ]
        return {"indices": indices, "interactions": []}
    raise ValueError(f"unknown method {method!r}; use one of {DESIGNED_METHODS}")
