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


@njit(cache=True, error_model="numpy")
def _levels(x, w, fx, free, level, spill, log_spill):
    """Fills level (exp x, or the fixed value), spill-in S_i and ln S_i (on reacting rows)."""
    n = x.size
    total = 0.0
    for i in range(n):
        level[i] = math.exp(x[i]) if free[i] else fx[i]
        total += w[i] * _clean(level[i])
    for i in range(n):
        spill[i] = total - w[i] * _clean(level[i])
        log_spill[i] = np.log(spill[i]) if free[i] else 0.0


@njit(cache=True, error_model="numpy")
def _target(x, c, k, lf, free, log_spill, spill, s, r):
    """Fills s (spill-in on the reacting rows, NaN off them) and r; returns max |r|."""
    n = x.size
    norm = 0.0
    for i in range(n):
        if not free[i]:
            r[i] = 0.0
            s[i] = np.nan
            continue
        target = c[i] + k * log_spill[i]
        if target > lf[i]:
            r[i] = x[i] - target
            s[i] = spill[i]
        else:
            r[i] = x[i] - (lf[i] if not math.isnan(target) else np.nan)
            s[i] = np.nan
        size = abs(r[i]) if not math.isnan(r[i]) else np.inf
        norm = max(norm, size)
    return norm


@njit(cache=True, error_model="numpy")
def _residual(x, c, k, w, fx, lf, free, at):
    """The residual at x: fills ``at`` (rows level, spill, ln spill, s, r); returns max |r|."""
    _levels(x, w, fx, free, at[0], at[1], at[2])
    return _target(x, c, k, lf, free, at[2], at[1], at[3], at[4])


@njit(cache=True, error_model="numpy")
def _newton(x, c, k, w, fx, lf, free, at, trial, step, norm, tolerance, max_steps):
    """Newton steps from x (``at``: its residual rows, norm its max |r|) until max |r| is
    below ``tolerance``; x and ``at`` are updated in place (``trial``: [6, N] scratch, its
    last row the trial point; ``step``: [2, N] scratch). Returns the last max |r|."""
    n = x.size
    for _ in range(max_steps):
        if norm < tolerance:
            break
        level, s, r = at[0], at[3], at[4]
        # Sherman-Morrison on diag(1 + p u) - p u', p_i = k / S_i on the reacting rows.
        dot_l = 0.0
        dot_b = 0.0
        for i in range(n):
            u = w[i] * level[i] if free[i] else 0.0
            a = 1.0 / s[i] if not math.isnan(s[i]) else np.nan
            p = k * a if math.isfinite(a) else 0.0
            d = 1.0 + p * u
            b_d = _clean(r[i]) / d
            l_d = p / d
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
        point = trial[5]
        for _ in range(BACKTRACKS):
            for i in range(n):
                point[i] = x[i] + t * step[0, i] if free[i] else x[i]
            new_norm = _residual(point, c, k, w, fx, lf, free, trial)
            if new_norm < norm:
                break
            t *= 0.5
        x[:] = point
        at[:] = trial[:5]
        norm = new_norm
    return norm


@njit(cache=True, error_model="numpy")
def _start(x, start, c, fx, lf, free):
    """Starting logs x (the start clamped to the floor; fixed allies ln of their value);
    returns whether a reacting row's constant or start is not finite."""
    bad = False
    for i in range(x.size):
        free[i] = math.isnan(fx[i])
        if free[i]:
            x[i] = max(start[i], lf[i]) if not math.isnan(start[i]) else np.nan
            if not (math.isfinite(c[i]) and math.isfinite(x[i])):
                bad = True
        else:
            x[i] = np.log(max(fx[i], 0.0))
    return bad


@njit(cache=True, error_model="numpy")
def _finish(x, fx, free, norm, row):
    """Writes the levels of the solution x into ``row`` (NaN unless max |r| < 1e-8)."""
    for i in range(x.size):
        if not norm < 1e-8:
            row[i] = np.nan
        else:
            row[i] = math.exp(x[i]) if free[i] else fx[i]


@njit(cache=True, error_model="numpy")
def solve_draws(c, k, w, fx, lf, start, out, tolerance, max_steps):
    """Equilibrium levels ``out`` [B, N] (see the module docstring).

    ``c``, ``w``, ``fx`` (NaN where the ally reacts), ``lf`` (ln floor, -inf for none) and
    ``start`` (starting logs) are [B, N]; ``k`` is [B]; ``tolerance`` and ``max_steps`` are
    the numpy solver's (passed in: this module imports nothing of accord).
    """
    size, n = c.shape
    x = np.empty(n)
    free = np.empty(n, dtype=np.bool_)
    at = np.empty((5, n))
    trial = np.empty((6, n))
    step = np.empty((2, n))
    for b in range(size):
        if _start(x, start[b], c[b], fx[b], lf[b], free):
            out[b, :] = np.nan
            continue
        norm = _residual(x, c[b], k[b], w[b], fx[b], lf[b], free, at)
        norm = _newton(
            x, c[b], k[b], w[b], fx[b], lf[b], free, at, trial, step, norm, tolerance, max_steps
        )
        _finish(x, fx[b], free, norm, out[b])


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
    x = np.empty(n)
    c = np.empty(n)
    free = np.empty(n, dtype=np.bool_)
    at = np.empty((5, n))
    trial = np.empty((6, n))
    step = np.empty((2, n))
    for b in range(size):
        kb = k[b]
        norm = 0.0
        for year in range(1, years + 1):
            previous = start[b] if year == 1 else x
            lr = year * growth[b]
            for i in range(n):
                c[i] = intercept[b, i] + lag[b] * previous[i] + income[b, i] + pressure[b, i] * lr
            if year == 1:
                if _start(x, start[b], c, fx[b], lf[b], free):
                    norm = np.nan
                    break
                norm = _residual(x, c, kb, w[b], fx[b], lf[b], free, at)
            else:
                moved = False
                bad = False
                for i in range(n):
                    if free[i] and not math.isfinite(c[i]):
                        bad = True
                    if free[i] and not x[i] >= lf[b, i]:
                        moved = True
                        x[i] = max(x[i], lf[b, i])
                if bad:
                    norm = np.nan
                    break
                if moved:
                    norm = _residual(x, c, kb, w[b], fx[b], lf[b], free, at)
                else:  # the levels are last year's: only the targets move
                    norm = _target(x, c, kb, lf[b], free, at[2], at[1], at[3], at[4])
            norm = _newton(
                x, c, kb, w[b], fx[b], lf[b], free, at, trial, step, norm, tolerance, max_steps
            )
            if not norm < 1e-8:
                break
        _finish(x, fx[b], free, norm, out[b])
