"""Compiled (numba) Newton solve of the allies' reaction functions, one draw at a time.

The same algorithm as :func:`accord.models.burden_demand._newton` (semismooth Newton on
``x_i = max(floor_i, c_i + k ln S_i(exp x))``, the diagonal-plus-rank-one Jacobian solved by
Sherman-Morrison, backtracking on the largest residual, 1e-10 in logs, NaN for a draw that
does not converge or has non-finite inputs), written as loops over one draw's allies so that
nothing of size [B, N] is allocated per step. Sums run in index order, where numpy sums
pairwise, and exp/log are libm's rather than numpy's, so results agree with the numpy solver
to rounding (tests/models/test_burden_solver.py checks 1e-9 relative), not bit for bit; each
draw is still independent of its batch. numba is an optional dependency (the ``speed``
extra): :func:`accord.models.burden_demand.solve` falls back to numpy without it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

BACKTRACKS = 20
BIG = np.finfo(np.float64).max


@njit(cache=True, error_model="numpy")
def _clean(value):
    """numpy.nan_to_num of one value: NaN -> 0, +-inf -> +-largest float."""
    if math.isnan(value):
        return 0.0
    if math.isinf(value):
        return BIG if value > 0 else -BIG
    return value


# Rows of a work block: the point (logs), its levels, spill-ins, their logs, the spill-in on
# the reacting rows (NaN off them) and the residual.
X, LEVEL, SPILL, LOG_SPILL, S, R = 0, 1, 2, 3, 4, 5


@njit(cache=True, error_model="numpy")
def _levels(wk, o, w, fx, free):
    """Fills block ``o``'s levels (exp x, or the fixed value), spill-ins and their logs."""
    n = w.size
    total = 0.0
    for i in range(n):
        level = math.exp(wk[o, X, i]) if free[i] else fx[i]
        wk[o, LEVEL, i] = level
        total += w[i] * _clean(level)
    for i in range(n):
        spill = total - w[i] * _clean(wk[o, LEVEL, i])
        wk[o, SPILL, i] = spill
        wk[o, LOG_SPILL, i] = np.log(spill) if free[i] else 0.0


@njit(cache=True, error_model="numpy")
def _target(wk, o, c, k, lf, free):
    """Fills block ``o``'s S and R rows from its spill-ins and the constants c; returns max |r|."""
    norm = 0.0
    for i in range(c.size):
        if not free[i]:
            wk[o, R, i] = 0.0
            wk[o, S, i] = np.nan
            continue
        x = wk[o, X, i]
        target = c[i] + k * wk[o, LOG_SPILL, i]
        if target > lf[i]:
            r = x - target
            wk[o, S, i] = wk[o, SPILL, i]
        else:
            r = x - (lf[i] if not math.isnan(target) else np.nan)
            wk[o, S, i] = np.nan
        wk[o, R, i] = r
        size = abs(r) if not math.isnan(r) else np.inf
        norm = max(norm, size)
    return norm


@njit(cache=True, error_model="numpy")
def _residual(wk, o, c, k, w, fx, lf, free):
    """The residual at block ``o``'s point (all its rows filled); returns max |r|."""
    _levels(wk, o, w, fx, free)
    return _target(wk, o, c, k, lf, free)


@njit(cache=True, error_model="numpy")
def _newton(wk, o, c, k, w, fx, lf, free, step, norm, tolerance, max_steps):
    """Newton steps from block ``o``'s point (its rows filled, ``norm`` its max |r|) until
    max |r| is below ``tolerance``. ``wk`` is [2, 6, N] (the other block: the trial point),
    ``step`` [2, N] scratch. Returns the last max |r| and the block holding the point."""
    n = c.size
    for _ in range(max_steps):
        if norm < tolerance:
            break
        # Sherman-Morrison on diag(1 + p u) - p u', p_i = k / S_i on the reacting rows:
        # with d_i = 1 + p_i u_i, l_i / d_i = k / (S_i + k u_i), b_i / d_i = b_i S_i / (...).
        dot_l = 0.0
        dot_b = 0.0
        for i in range(n):
            u = w[i] * wk[o, LEVEL, i] if free[i] else 0.0
            s = wk[o, S, i]
            b = _clean(wk[o, R, i])
            if math.isfinite(s) and s != 0.0:
                inv = 1.0 / (s + k * u)
                l_d = k * inv
                b_d = b * s * inv
            else:
                l_d = 0.0
                b_d = b
            step[1, i] = l_d
            step[0, i] = b_d
            dot_l += u * l_d
            dot_b += u * b_d
        factor = dot_b / (1.0 - dot_l)
        for i in range(n):
            z = -(step[0, i] + step[1, i] * factor)
            step[0, i] = z if math.isfinite(z) else 0.0
        t = 1.0
        new_norm = np.inf
        q = 1 - o
        for _ in range(BACKTRACKS):
            for i in range(n):
                x = wk[o, X, i]
                wk[q, X, i] = x + t * step[0, i] if free[i] else x
            new_norm = _residual(wk, q, c, k, w, fx, lf, free)
            if new_norm < norm:
                break
            t *= 0.5
        o = q
        norm = new_norm
    return norm, o


@njit(cache=True, error_model="numpy")
def _start(wk, start, c, fx, lf, free):
    """Block 0's point: the start clamped to the floor (fixed allies: ln of their value);
    returns whether a reacting row's constant or start is not finite."""
    bad = False
    for i in range(c.size):
        free[i] = math.isnan(fx[i])
        if free[i]:
            x = max(start[i], lf[i]) if not math.isnan(start[i]) else np.nan
            if not (math.isfinite(c[i]) and math.isfinite(x)):
                bad = True
        else:
            x = np.log(max(fx[i], 0.0))
        wk[0, X, i] = x
    return bad


@njit(cache=True, error_model="numpy")
def _finish(wk, o, fx, free, norm, row):
    """Writes the levels of block ``o``'s point into ``row`` (NaN unless max |r| < 1e-8)."""
    for i in range(row.size):
        if not norm < 1e-8:
            row[i] = np.nan
        else:
            row[i] = math.exp(wk[o, X, i]) if free[i] else fx[i]


@njit(cache=True, error_model="numpy")
def solve_draws(c, k, w, fx, lf, start, out, tolerance, max_steps):
    """Equilibrium levels ``out`` [B, N] (see the module docstring).

    ``c``, ``w``, ``fx`` (NaN where the ally reacts), ``lf`` (ln floor, -inf for none) and
    ``start`` (starting logs) are [B, N]; ``k`` is [B]; ``tolerance`` and ``max_steps`` are
    the numpy solver's (passed in: this module imports nothing of accord).
    """
    size, n = c.shape
    free = np.empty(n, dtype=np.bool_)
    wk = np.empty((2, 6, n))
    step = np.empty((2, n))
    for b in range(size):
        if _start(wk, start[b], c[b], fx[b], lf[b], free):
            out[b, :] = np.nan
            continue
        norm = _residual(wk, 0, c[b], k[b], w[b], fx[b], lf[b], free)
        norm, o = _newton(
            wk, 0, c[b], k[b], w[b], fx[b], lf[b], free, step, norm, tolerance, max_steps
        )
        _finish(wk, o, fx[b], free, norm, out[b])


@njit(cache=True, error_model="numpy")
def solve_path(
    intercept,
    lag,
    income,
    k,
    pressure,
    growth,
    w,
    fx,
    lf,
    start,
    years,
    out,
    tolerance,
    max_steps,
):
    """Levels ``out`` [B, N] after ``years`` yearly equilibria (see the module docstring).

    Year t's constants are ``intercept + lag x_{t-1} + income + pressure (t growth)`` (the
    order :func:`accord.models.burden_demand.one_year` adds them in), x_0 = ``start`` (logs);
    each year starts from the last year's solution, whose levels and spill-ins are reused
    (only the constants change), so a year costs its Newton steps only. ``intercept``,
    ``income`` (income slope x ln income), ``pressure`` (the threat slopes), ``w``, ``fx``,
    ``lf`` and ``start`` are [B, N]; ``lag``, ``k`` and ``growth`` are [B]. A draw that fails
    in a year (no convergence, non-finite inputs) is NaN.
    """
    size, n = intercept.shape
    c = np.empty(n)
    free = np.empty(n, dtype=np.bool_)
    wk = np.empty((2, 6, n))
    step = np.empty((2, n))
    for b in range(size):
        kb = k[b]
        norm = 0.0
        o = 0
        for year in range(1, years + 1):
            lr = year * growth[b]
            for i in range(n):
                previous = start[b, i] if year == 1 else wk[o, X, i]
                c[i] = intercept[b, i] + lag[b] * previous + income[b, i] + pressure[b, i] * lr
            if year == 1:
                if _start(wk, start[b], c, fx[b], lf[b], free):
                    norm = np.nan
                    break
                norm = _residual(wk, 0, c, kb, w[b], fx[b], lf[b], free)
            else:
                moved = False
                bad = False
                for i in range(n):
                    if free[i] and not math.isfinite(c[i]):
                        bad = True
                    if free[i] and not wk[o, X, i] >= lf[b, i]:
                        moved = True
                        wk[o, X, i] = max(wk[o, X, i], lf[b, i])
                if bad:
                    norm = np.nan
                    break
                if moved:
                    norm = _residual(wk, o, c, kb, w[b], fx[b], lf[b], free)
                else:  # the levels are last year's: only the targets move
                    norm = _target(wk, o, c, kb, lf[b], free)
            norm, o = _newton(
                wk, o, c, kb, w[b], fx[b], lf[b], free, step, norm, tolerance, max_steps
            )
            if not norm < 1e-8:
                break
        _finish(wk, o, fx[b], free, norm, out[b])
