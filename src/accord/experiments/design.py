"""Experimental designs: uncertainties sampled, levers crossed.

A design is a table with one row per experiment: column ``experiment`` (0..n_total-1), one
column per uncertainty and one per lever. Uncertainties are sampled on the unit hypercube,
by Latin hypercube (McKay, Beckman & Conover 1979; ``scipy.stats.qmc.LatinHypercube``) or
plain Monte Carlo, and mapped to values through each distribution's inverse CDF (see
:class:`accord.experiments.spec.Uncertainty`). Each design point is then crossed with every
combination of lever options (full factorial), or levers are held at their defaults or at
the values a variant fixes. Rows are ordered point-major: experiment ``p * C + c`` is design
point ``p`` with lever combination ``c`` (of ``C``), so the same uncertainty values meet
every policy (common random numbers across levers).

The same seed gives the same design, bit for bit.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from accord.experiments.rng import design_rng
from accord.experiments.spec import Lever, Uncertainty
from accord.spec.sourced import triangular_ppf

#: Rows per base point of the designs for variance-based and screening analysis (SALib):
#: Saltelli's sample with second-order terms, N (2d + 2); Morris trajectories, N (d + 1).
DESIGN_ROWS = {"sobol": lambda d: 2 * d + 2, "morris": lambda d: d + 1}


def unit_sample(
    n: int, dimensions: int, *, method: Literal["lhs", "mc", "sobol", "morris"], seed: int
) -> np.ndarray:
    """Points in the unit hypercube, shape ``(n, dimensions)``, from the design stream of seed.

    ``"sobol"`` and ``"morris"`` give ``n * DESIGN_ROWS[method](dimensions)`` rows: the
    Saltelli sample (second order) or Morris trajectories (4 levels) of SALib, for
    :mod:`accord.analysis.gsa`."""
    if n < 1:
        raise ValueError(f"the number of design points must be >= 1, got {n}")
    generator = design_rng(seed)
    if dimensions == 0:
        return np.empty((n, 0))
    if method == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=dimensions, rng=generator).random(n)
    if method == "mc":
        return generator.random((n, dimensions))
    if method in DESIGN_ROWS:
        # SALib's samplers (the same library as the estimators in accord.analysis.gsa).
        from SALib.sample import morris, sobol

        sub_seed = int(generator.integers(0, 2**31 - 1))
        problem = {
            "num_vars": dimensions,
            "names": [f"x{i}" for i in range(dimensions)],
            "bounds": [[0.0, 1.0]] * dimensions,
        }
        if method == "sobol":
            unit = sobol.sample(problem, n, calc_second_order=True, seed=sub_seed)
        else:
            unit = morris.sample(problem, n, num_levels=4, seed=sub_seed)
        return np.clip(unit, 0.0, np.nextafter(1.0, 0.0))
    raise ValueError(f"unknown design method {method!r}: expected 'lhs', 'mc', 'sobol' or 'morris'")


def inverse_cdf(uncertainty: Uncertainty, unit: np.ndarray) -> np.ndarray:
    """Map uniforms on [0, 1) to values of ``uncertainty`` by its inverse CDF.

    See :class:`~accord.experiments.spec.Uncertainty` for each distribution's parameters.
    For ``choice``, returns an object array of the chosen ``values``.
    """
    unit = np.asarray(unit, dtype=np.float64)
    if uncertainty.distribution == "choice":
        assert uncertainty.values is not None
        options = np.empty(len(uncertainty.values), dtype=object)
        options[:] = list(uncertainty.values)
        index = np.minimum((unit * len(options)).astype(np.int64), len(options) - 1)
        return options[index]
    if uncertainty.distribution == "constant":  # pinned: the column is drawn, then ignored
        return np.full(unit.shape, uncertainty.point)
    assert uncertainty.low is not None and uncertainty.high is not None
    low, high = uncertainty.low, uncertainty.high
    if uncertainty.distribution == "uniform":
        return low + unit * (high - low)

    if uncertainty.distribution == "triangular":
        mode = uncertainty.mode if uncertainty.mode is not None else (low + high) / 2
        return triangular_ppf(unit, low, mode, high)

    from scipy import stats

    if uncertainty.distribution == "normal":
        mean = uncertainty.mode if uncertainty.mode is not None else (low + high) / 2
        spread = (high - low) / 4
        a, b = (low - mean) / spread, (high - mean) / spread
        values = stats.truncnorm.ppf(unit, a, b, loc=mean, scale=spread)
        return np.clip(values, low, high)
    if uncertainty.distribution == "lognormal":
        log_low, log_high = np.log(low), np.log(high)
        log_median = (
            np.log(uncertainty.mode) if uncertainty.mode is not None else (log_low + log_high) / 2
        )
        spread = (log_high - log_low) / 4
        a, b = (log_low - log_median) / spread, (log_high - log_median) / spread
        values = np.exp(stats.truncnorm.ppf(unit, a, b, loc=log_median, scale=spread))
        return np.clip(values, low, high)
    raise ValueError(f"unknown distribution {uncertainty.distribution!r}")


def lever_combinations(
    levers: Sequence[Lever],
    *,
    full_factorial: bool = True,
    fixed_levers: Mapping[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """The lever settings a design crosses with each point, one tuple per combination.

    A lever named in ``fixed_levers`` takes that value (which must be one of its options);
    the others take every option (``full_factorial``) or their default.
    """
    fixed = dict(fixed_levers or {})
    names = {lever.name for lever in levers}
    unknown = sorted(set(fixed) - names)
    if unknown:
        raise ValueError(f"fixed_levers names unknown levers {unknown}; levers are {sorted(names)}")
    choices: list[tuple[Any, ...]] = []
    for lever in levers:
        if lever.name in fixed:
            if fixed[lever.name] not in lever.options:
                raise ValueError(
                    f"lever '{lever.name}': fixed value {fixed[lever.name]!r} is not one of "
                    f"{lever.options}"
                )
            choices.append((fixed[lever.name],))
        elif full_factorial:
            choices.append(tuple(lever.options))
        else:
            choices.append((lever.default,))
    return list(itertools.product(*choices))


def make_design(
    uncertainties: Sequence[Uncertainty],
    levers: Sequence[Lever],
    n: int,
    *,
    method: Literal["lhs", "mc", "sobol", "morris"] = "lhs",
    seed: int,
    full_factorial_levers: bool = True,
    fixed_levers: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Sample ``n`` points of the uncertainties and cross them with the levers.

    Parameters
    ----------
    uncertainties, levers
        The specification (names must be distinct).
    n
        Number of design points (samples of the uncertainties).
    method
        ``"lhs"`` (Latin hypercube, scrambled within strata) or ``"mc"`` (independent uniforms).
    seed
        Run seed; the design uses its own stream of it (see :mod:`accord.experiments.rng`).
    full_factorial_levers
        Cross each point with every combination of lever options; otherwise levers take
        their defaults.
    fixed_levers
        ``{lever name: value}`` held fixed (e.g. by a variant).

    Returns
    -------
    pandas.DataFrame
        ``n * C`` rows (``C`` lever combinations): ``experiment``, then uncertainties, then
        levers. ``attrs`` records the method, seed, n and the names of uncertainties and levers.
    """
    names = [u.name for u in uncertainties] + [lever.name for lever in levers]
    if len(set(names)) != len(names) or "experiment" in names:
        raise ValueError(
            f"uncertainty and lever names must be distinct and not 'experiment': {names}"
        )
    combinations = lever_combinations(
        levers, full_factorial=full_factorial_levers, fixed_levers=fixed_levers
    )
    unit = unit_sample(n, len(uncertainties), method=method, seed=seed)
    n_base, n = n, unit.shape[0]  # a Sobol or Morris design has several rows per base point
    n_combinations = len(combinations)
    columns: dict[str, Any] = {"experiment": np.arange(n * n_combinations, dtype=np.int64)}
    for column, uncertainty in enumerate(uncertainties):
        columns[uncertainty.name] = np.repeat(
            inverse_cdf(uncertainty, unit[:, column]), n_combinations
        )
    for position, lever in enumerate(levers):
        settings = np.empty(n_combinations, dtype=object)
        settings[:] = [combination[position] for combination in combinations]
        columns[lever.name] = pd.Series(np.tile(settings, n)).infer_objects().to_numpy()
    design = pd.DataFrame(columns)
    for uncertainty in uncertainties:
        if uncertainty.distribution == "choice":
            design[uncertainty.name] = design[uncertainty.name].infer_objects()
    design.attrs.update(
        {
            "method": method,
            "seed": int(seed),
            "n_points": int(n),
            "n_base_points": int(n_base),
            "n_lever_combinations": n_combinations,
            "uncertainties": [u.name for u in uncertainties],
            "levers": [lever.name for lever in levers],
            "fixed_levers": {k: _plain(v) for k, v in dict(fixed_levers or {}).items()},
            "full_factorial_levers": bool(full_factorial_levers),
        }
    )
    return design


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def design_fingerprint(design: pd.DataFrame) -> str:
    """SHA-256 of a design's column names, dtypes and values (row order included)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in design.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(design, index=False).to_numpy().tobytes())
    return digest.hexdigest()
