"""Estimated demand for defence: allies' reaction functions and their equilibrium.

The demand model of Murdoch & Sandler (1984) and Sandler & Murdoch (1990), in the
log-linear, partial-adjustment form of the panel literature (e.g. George & Sandler 2018):

    ln m_it = a_i + rho ln m_i,t-1 + beta ln y_it + gamma ln S_it
              + (delta + delta_F F_i) ln R_t + e_it,
    S_it = sum_{j != i} w_j m_jt,

with ``m`` defence spending, ``y`` income (GDP), ``S`` the spill-in from the allies'
spending (``w_j`` = 1, except the share of US spending that protects Europe), ``R`` the
threat (Russia's spending) and ``F_i`` frontline status. Read as ally i's reaction function
to the others' spending, the system's fixed point is the Nash-Cournot equilibrium; the
steady state (``m_it = m_i,t-1``), where it is stable, is the long-run equilibrium

    ln m_i = [a_i + beta ln y_i + gamma ln S_i + (delta + delta_F F_i) ln R] / (1 - rho).

:func:`solve` finds the fixed point of ``x_i = max(floor_i, c_i + k ln S_i(exp x))`` for a
batch of coefficient draws by semismooth Newton steps (the allies' Jacobian is diagonal plus
rank one, solved in O(N) by Sherman-Morrison; backtracking on the residual; only the draws not
yet converged are iterated): quadratic convergence, checked to 1e-10 in
log spending; draws where it does not converge come back NaN, and :func:`steady_state` also
returns NaN for a fixed point that the yearly dynamics would not reach (:func:`stable`: a
spill-in complementarity strong enough to explode), instead of an arbitrary number.
Everything is pure numpy with a leading batch axis.

References
----------
Murdoch, J. C. & Sandler, T. (1984). Complementarity, free riding, and the military
    expenditures of NATO allies. J. Public Econ. 25, 83-101.
Sandler, T. & Murdoch, J. C. (1990). Nash-Cournot or Lindahl behavior? An empirical test
    for the NATO allies. Q. J. Econ. 105(4), 875-894.
George, J. & Sandler, T. (2018). Demand for military spending in NATO, 1968-2015: a spatial
    panel approach. Eur. J. Political Economy 53, 222-236.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

TOLERANCE = 1e-10
MAX_STEPS = 60


@dataclass(frozen=True)
class Coefficients:
    """Slopes of the demand equation, one value per draw (arrays of shape [B])."""

    lag: Array
    income: Array
    spill_in: Array
    threat: Array
    threat_frontline: Array

    @classmethod
    def from_matrix(cls, draws: ArrayLike) -> Coefficients:
        """From a [B, 5] array ordered lag, income, spill_in, threat, threat_frontline."""
        d = np.atleast_2d(np.asarray(draws, dtype=float))
        return cls(*(d[:, k] for k in range(5)))

    @property
    def size(self) -> int:
        return int(self.lag.shape[0])


def spill_in(spending: ArrayLike, weight: ArrayLike) -> Array:
    """S_i = sum_{j != i} w_j m_j for each ally (NaN spending counts as absent)."""
    m = np.nan_to_num(np.asarray(spending, dtype=float))
    weighted = m * np.asarray(weight, dtype=float)
    return np.asarray(weighted.sum(axis=-1, keepdims=True) - weighted)


def threat_pressure(coef: Coefficients, frontline: ArrayLike) -> Array:
    """delta + delta_F F_i per draw and ally: [B, N], the elasticity to the threat."""
    f = np.asarray(frontline, dtype=float)
    return np.asarray(coef.threat[:, None] + coef.threat_frontline[:, None] * f)


def threat_term(coef: Coefficients, log_threat: ArrayLike, frontline: ArrayLike) -> Array:
    """(delta + delta_F F_i) ln R_i per draw and ally: [B, N]."""
    return np.asarray(threat_pressure(coef, frontline) * np.asarray(log_threat, dtype=float))


def _rows(value: ArrayLike | None, size: int, n: int, missing: float) -> Array:
    """``value`` as [B, N] rows (a view where it broadcasts), ``missing`` everywhere if None."""
    if value is None:
        return np.full((size, n), missing)
    return np.broadcast_to(np.asarray(value, dtype=float), (size, n))


def solve(
    constant: ArrayLike,
    slope: ArrayLike,
    weight: ArrayLike,
    *,
    fixed: ArrayLike | None = None,
    log_floor: ArrayLike | None = None,
    start: ArrayLike | None = None,
    engine: str = "numpy",
) -> Array:
    """Fixed point x_i = max(log_floor_i, c_i + k ln S_i(exp x)) of the reaction functions.

    Parameters
    ----------
    constant : array [B, N]
        c_i: everything in ally i's (log) reaction function but the spill-in term.
    slope : array [B]
        k: the spill-in elasticity of the reaction (gamma, or gamma / (1 - rho) in the
        steady state).
    weight : array [N] or [B, N]
        w_j: how much of ally j's spending reaches the others.
    fixed : array [B, N], optional
        Exogenous spending (levels); NaN where the ally reacts. A fixed ally keeps its value.
    log_floor : array [B, N], optional
        ln of a minimum spending (a binding pledge); -inf where there is none.
    start : array [B, N], optional
        Starting log spending (default: the constants).
    engine : {"numpy", "numba", "auto"}
        numpy (the reference), the compiled kernel of :mod:`burden_demand_kernel` (the same
        steps one draw at a time; equal to rounding), or numba when it is installed.

    Returns
    -------
    array [B, N]
        Equilibrium spending (levels). Draws whose iteration does not converge (no finite
        equilibrium) are NaN.
    """
    c = np.asarray(constant, dtype=float)
    size, n = c.shape
    k = np.broadcast_to(np.asarray(slope, dtype=float), (size,))[:, None]
    w = np.broadcast_to(np.asarray(weight, dtype=float), (size, n))
    fx = _rows(fixed, size, n, np.nan)
    is_fixed = ~np.isnan(fx)
    lf = _rows(log_floor, size, n, -np.inf)
    with np.errstate(divide="ignore"):
        log_fixed = np.where(is_fixed, np.log(np.where(is_fixed, np.maximum(fx, 0.0), 1.0)), 0.0)
    x = np.where(is_fixed, log_fixed, c if start is None else np.asarray(start, dtype=float))
    x = np.where(is_fixed, x, np.maximum(x, lf))
    if _use_kernel(engine):
        from accord.models.burden_demand_kernel import solve_draws

        out = np.empty((size, n))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            solve_draws(
                np.ascontiguousarray(c),
                np.ascontiguousarray(k[:, 0]),
                np.ascontiguousarray(w),
                np.ascontiguousarray(fx),
                np.ascontiguousarray(lf),
                np.ascontiguousarray(x),
                out,
                TOLERANCE,
                MAX_STEPS,
            )
        return out
    eye = np.eye(n)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _newton(x, c, k, w, fx, is_fixed, lf, eye)


def _use_kernel(engine: str) -> bool:
    """Whether ``engine`` asks for the compiled kernel (``auto``: when numba is installed)."""
    if engine not in ("numpy", "numba", "auto"):
        raise ValueError(f"engine must be numpy, numba or auto, got {engine!r}")
    # "numba" without numba installed fails on the kernel's import, with numba's own message.
    return engine == "numba" or (engine == "auto" and importlib.util.find_spec("numba") is not None)


def _newton(
    x: Array,
    c: Array,
    k: Array,
    w: Array,
    fx: Array,
    is_fixed: NDArray[np.bool_],
    lf: Array,
    eye: Array,
) -> Array:
    """Semismooth Newton on the draws not yet converged; each step solved in O(N).

    The Jacobian of the residual on a reacting row is ``I - k D`` with
    ``D_ij = w_j m_j / S_i`` (j != i, j free), and an identity row where the floor binds or
    the ally is fixed. With ``u_j = w_j m_j`` (0 for a fixed ally) and ``a_i = 1 / S_i`` on
    the reacting rows (0 elsewhere), ``D = a u' - diag(a u)``, so the Jacobian is
    ``diag(1 + k a u) - (k a) u'``: diagonal plus rank one, solved by Sherman-Morrison
    (:func:`diagonal_plus_rank_one_solve`). Every draw's path is its own (a converged draw
    leaves the batch), so a draw's result does not depend on its batch. ``eye`` is unused
    (kept for the signature).
    """
    del eye
    # Draws with non-finite inputs (e.g. a draw that already failed last year) stay NaN.
    free_x = np.where(is_fixed, 0.0, x)
    bad: NDArray[np.bool_] = np.asarray(
        ~(np.isfinite(np.where(is_fixed, 0.0, c)).all(axis=1) & np.isfinite(free_x).all(axis=1))
    )
    x = np.where(bad[:, None] & ~is_fixed, 0.0, x)
    fixed_level = np.where(is_fixed, fx, 0.0)
    r, level, s = _residual(x, c, k, w, fixed_level, is_fixed, lf)
    norm = np.where(bad, 0.0, _max_abs(r))
    todo = np.flatnonzero(norm >= TOLERANCE)
    for _ in range(MAX_STEPS):
        if todo.size == 0:
            break
        # The unconverged draws' slices (a copy each step: the batch shrinks fast).
        xs, rs, ls, ss, ns = x[todo], r[todo], level[todo], s[todo], norm[todo]
        cs, ks, ws, fls, fxs, lfs = (
            c[todo],
            k[todo],
            w[todo],
            fixed_level[todo],
            is_fixed[todo],
            lf[todo],
        )
        u = ws * np.where(fxs, 0.0, ls)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 / ss  # NaN off the reacting rows
        p = np.where(np.isfinite(a), ks * a, 0.0)
        step = -diagonal_plus_rank_one_solve(1.0 + p * u, p, u, np.nan_to_num(rs))
        step = np.where(np.isfinite(step), step, 0.0)  # a singular Jacobian: stay put
        t = np.ones((todo.size, 1))
        for _ in range(20):  # backtracking: accept a step that lowers the residual
            trial = np.where(fxs, xs, xs + t * step)
            r_new, level_new, s_new = _residual(trial, cs, ks, ws, fls, fxs, lfs)
            new_norm = _max_abs(r_new)
            ok = new_norm < ns
            if np.all(ok):
                break
            t = np.where(ok[:, None], t, 0.5 * t)
        x[todo], r[todo], level[todo], s[todo] = trial, r_new, level_new, s_new
        norm[todo] = new_norm
        todo = todo[new_norm >= TOLERANCE]
    norm = _max_abs(r)
    out = np.where(is_fixed, fx, np.exp(x))
    out[(norm >= 1e-8) | bad] = np.nan
    return np.asarray(out)


def _residual(
    values: Array,
    c: Array,
    k: Array,
    w: Array,
    fixed_level: Array,
    is_fixed: NDArray[np.bool_],
    lf: Array,
) -> tuple[Array, Array, Array]:
    """Residual x - max(floor, c + k ln S), levels, and S on the reacting rows (NaN off)."""
    level = np.where(is_fixed, fixed_level, np.exp(values))
    s = spill_in(level, w)
    target = c + k * np.log(s)
    active = target > lf
    r = np.where(is_fixed, 0.0, values - np.maximum(lf, target))
    return r, level, np.where(active & ~is_fixed, s, np.nan)


def _max_abs(r: Array) -> Array:
    """Largest |r_i| per draw, NaN counting as infinite."""
    return np.asarray(np.max(np.abs(np.nan_to_num(r, nan=np.inf)), axis=1))


def diagonal_plus_rank_one_solve(
    diagonal: ArrayLike, left: ArrayLike, right: ArrayLike, rhs: ArrayLike
) -> Array:
    """Solve ``(diag(d) - l r') z = b`` for a batch ([B, N] each) by Sherman-Morrison, O(N).

    ``z = b/d + (l/d) (r' (b/d)) / (1 - r' (l/d))``. Draws whose matrix is singular (a zero
    diagonal entry or ``r' (l/d) = 1``) come back non-finite.
    """
    d = np.asarray(diagonal, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b_d = np.asarray(rhs, dtype=float) / d
        l_d = np.asarray(left, dtype=float) / d
        rt = np.asarray(right, dtype=float)
        denominator = 1.0 - np.einsum("bi,bi->b", rt, l_d)
        factor = np.einsum("bi,bi->b", rt, b_d) / denominator
        return np.asarray(b_d + l_d * factor[:, None])


def steady_state(
    coef: Coefficients,
    intercept: ArrayLike,
    log_income: ArrayLike,
    log_threat: ArrayLike,
    frontline: ArrayLike,
    weight: ArrayLike,
    *,
    fixed: ArrayLike | None = None,
    floor: ArrayLike | None = None,
    start: ArrayLike | None = None,
) -> Array:
    """Long-run Nash equilibrium spending [B, N] of the estimated reaction functions.

    ``intercept`` is a_i [B, N]; ``log_threat`` ln R (scalar, [N] or [B, N]: a threat rise
    for some allies only shifts their entry); ``floor`` minimum spending in levels.
    """
    keep = 1.0 - coef.lag[:, None]
    rhs = (
        np.asarray(intercept, dtype=float)
        + coef.income[:, None] * np.asarray(log_income)
        + threat_term(coef, log_threat, frontline)
    )
    with np.errstate(divide="ignore"):
        lf = None if floor is None else np.log(np.asarray(floor, dtype=float))
    level = solve(
        rhs / keep, coef.spill_in / keep[:, 0], weight, fixed=fixed, log_floor=lf, start=start
    )
    level[~stable(coef, level, weight, fixed=fixed)] = np.nan
    return level


def stable(
    coef: Coefficients, level: ArrayLike, weight: ArrayLike, *, fixed: ArrayLike | None = None
) -> NDArray[np.bool_]:
    """Whether a steady state [B, N] is stable under the yearly dynamics (per draw).

    Linearised, ``(I - gamma D) dx_t = rho dx_{t-1}`` with ``D_ij = w_j m_j / S_i`` over
    the reacting allies, so the steady state attracts the path iff the spectral radius of
    ``rho (I - gamma D)^-1`` is below 1. An unstable fixed point is not an equilibrium the
    allies would reach (a spill-in complementarity that explodes): reported as NaN.
    """
    m = np.asarray(level, dtype=float)
    size, n = m.shape
    ok = np.isfinite(m).all(axis=1)
    free: NDArray[np.bool_] = np.isnan(_rows(fixed, size, n, np.nan))
    safe = np.where(ok[:, None], m, 1.0)
    w: Array = np.broadcast_to(np.asarray(weight, dtype=float), (size, n))
    s = spill_in(safe, w)
    d = (w * safe * free)[:, None, :] / s[:, :, None] * (1.0 - np.eye(n)) * free[:, :, None]
    jac = np.eye(n) - coef.spill_in[:, None, None] * d
    with np.errstate(invalid="ignore", over="ignore"):
        radius = np.max(
            np.abs(np.linalg.eigvals(coef.lag[:, None, None] * np.linalg.inv(jac))), axis=1
        )
    return np.asarray(ok & (radius < 1.0))


def one_year(
    coef: Coefficients,
    intercept: ArrayLike,
    previous: ArrayLike,
    log_income: ArrayLike,
    log_threat: ArrayLike,
    frontline: ArrayLike,
    weight: ArrayLike,
    *,
    fixed: ArrayLike | None = None,
    floor: ArrayLike | None = None,
    engine: str = "numpy",
) -> Array:
    """Spending [B, N] one year on: this year's reaction functions solved jointly, given
    last year's spending ``previous`` (levels) and this year's exogenous variables; a
    ``floor`` (levels) binds where the reaction would fall below it (``engine``: see
    :func:`solve`)."""
    with np.errstate(divide="ignore"):  # a fixed ally at zero (the US cut to nothing)
        log_previous = np.log(np.asarray(previous, dtype=float))
        lf = None if floor is None else np.log(np.asarray(floor, dtype=float))
    rhs = (
        np.asarray(intercept, dtype=float)
        + coef.lag[:, None] * log_previous
        + coef.income[:, None] * np.asarray(log_income)
        + threat_term(coef, log_threat, frontline)
    )
    return solve(
        rhs, coef.spill_in, weight, fixed=fixed, log_floor=lf, start=log_previous, engine=engine
    )


def path(
    coef: Coefficients,
    intercept: ArrayLike,
    start: ArrayLike,
    log_income: ArrayLike,
    growth: ArrayLike,
    frontline: ArrayLike,
    weight: ArrayLike,
    years: int,
    *,
    fixed: ArrayLike | None = None,
    floor: ArrayLike | None = None,
    engine: str = "numpy",
) -> Array:
    """Spending [B, N] after ``years`` steps of :func:`one_year` from ``start`` (levels),
    the threat's log rising by ``growth`` [B] a year (year t: ``t * growth``).

    With the compiled kernel (``engine``: see :func:`solve`) the years run in one call,
    each starting from the last year's solution in logs with its levels and spill-ins
    reused (:func:`accord.models.burden_demand_kernel.solve_path`); with numpy, the
    year loop of :func:`one_year`. Equal to rounding (both converge to 1e-10 in logs).
    """
    g = np.asarray(growth, dtype=float)
    if not _use_kernel(engine):
        new = np.asarray(start, dtype=float)
        for year in range(1, years + 1):
            new = one_year(
                coef,
                intercept,
                new,
                log_income,
                year * g[:, None],
                frontline,
                weight,
                fixed=fixed,
                floor=floor,
                engine="numpy",
            )
        return new
    from accord.models.burden_demand_kernel import solve_path

    a = np.asarray(intercept, dtype=float)
    size, n = a.shape
    with np.errstate(divide="ignore"):
        x0 = _rows(np.log(np.asarray(start, dtype=float)), size, n, np.nan)  # start's own shape
        lf = np.log(_rows(floor, size, n, 0.0))  # -inf where there is no floor
    fx = _rows(fixed, size, n, np.nan)
    income = np.broadcast_to(coef.income[:, None] * np.asarray(log_income), (size, n))
    pressure = np.broadcast_to(threat_pressure(coef, frontline), (size, n))
    out = np.empty((size, n))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solve_path(
            np.ascontiguousarray(a),
            np.ascontiguousarray(coef.lag),
            np.ascontiguousarray(income),
            np.ascontiguousarray(coef.spill_in),
            np.ascontiguousarray(pressure),
            np.ascontiguousarray(np.broadcast_to(g, (size,))),
            np.ascontiguousarray(np.broadcast_to(np.asarray(weight, dtype=float), (size, n))),
            np.ascontiguousarray(fx),
            np.ascontiguousarray(lf),
            np.ascontiguousarray(x0),
            int(years),
            out,
            TOLERANCE,
            MAX_STEPS,
        )
    return out


def recentre(
    coef: Coefficients,
    observed: ArrayLike,
    log_income: ArrayLike,
    log_threat: ArrayLike,
    frontline: ArrayLike,
    weight: ArrayLike,
) -> Array:
    """Intercepts a_i [B, N] that make the observed year the long-run equilibrium.

    The slopes stay as estimated; only the allies' levels are set by the base year (as the
    calibrated model sets its weights), so a counterfactual moves away from the observed
    year by exactly what the estimated reaction functions say.
    """
    m = np.asarray(observed, dtype=float)
    x = np.log(m)
    s = spill_in(m, weight)
    return np.asarray(
        (1.0 - coef.lag[:, None]) * x
        - coef.income[:, None] * np.asarray(log_income, dtype=float)
        - coef.spill_in[:, None] * np.log(s)
        - threat_term(coef, log_threat, frontline)
    )
