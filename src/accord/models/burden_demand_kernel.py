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


@njit(cache=True)
def _clean(value):
    """numpy.nan_to_num of one value: NaN -> 0, +-inf -> +-largest float."""
    if math.isnan(value):
        return 0.0
    if math.isinf(value):
        return BIG if value > 0 else -BIG
    return value


@njit(cache=True)
def _residual(x, c, k, w, fx, lf, free, level, s, r):
    """Fills level, s (spill-in on the reacting rows, NaN off them) and r; returns max |r|."""
    n = x.size
    total = 0.0
    for i in range(n):
        level[i] = math.exp(x[i]) if free[i] else fx[i]
        total += w[i] * _clean(level[i])
    norm = 0.0
    for i in range(n):
        spill = total - w[i] * _clean(level[i])
        if not free[i]:
            r[i] = 0.0
            s[i] = np.nan
            continue
        target = c[i] + k * np.log(spill)
        if target > lf[i]:
            r[i] = x[i] - target
            s[i] = spill
        else:
            r[i] = x[i] - (lf[i] if not math.isnan(target) else np.nan)
            s[i] = np.nan
        size = abs(r[i]) if not math.isnan(r[i]) else np.inf
        norm = max(norm, size)
    return norm


@njit(cache=True)
def solve_draws(c, k, w, fx, lf, start, out, tolerance, max_steps):
    """Equilibrium levels ``out`` [B, N] (see the module docstring).

    ``c``, ``w``, ``fx`` (NaN where the ally reacts), ``lf`` (ln floor, -inf for none) and
    ``start`` (starting logs) are [B, N]; ``k`` is [B]; ``tolerance`` and ``max_steps`` are
    the numpy solver's (passed in: this module imports nothing of accord).
    """
    size, n = c.shape
    x = np.empty(n)
    trial = np.empty(n)
    step = np.empty(n)
    free = np.empty(n, dtype=np.bool_)
    level = np.empty(n)
    s = np.empty(n)
    r = np.empty(n)
    level_new = np.empty(n)
    s_new = np.empty(n)
    r_new = np.empty(n)
    for b in range(size):
        bad = False
        for i in range(n):
            free[i] = math.isnan(fx[b, i])
            if free[i]:
                x[i] = max(start[b, i], lf[b, i]) if not math.isnan(start[b, i]) else np.nan
                if not (math.isfinite(c[b, i]) and math.isfinite(x[i])):
                    bad = True
            else:
                x[i] = np.log(max(fx[b, i], 0.0))
        if bad:
            out[b, :] = np.nan
            continue
        kb = k[b]
        norm = _residual(x, c[b], kb, w[b], fx[b], lf[b], free, level, s, r)
        for _ in range(max_steps):
            if norm < tolerance:
                break
            # Sherman-Morrison on diag(1 + p u) - p u', p_i = k / S_i on the reacting rows.
            dot_l = 0.0
            dot_b = 0.0
            for i in range(n):
                u = w[b, i] * level[i] if free[i] else 0.0
                a = 1.0 / s[i] if not math.isnan(s[i]) else np.nan
                p = kb * a if math.isfinite(a) else 0.0
                d = 1.0 + p * u
                b_d = _clean(r[i]) / d
                l_d = p / d
                trial[i] = l_d  # scratch: l/d
                step[i] = b_d  # scratch: b/d
                dot_l += u * l_d
                dot_b += u * b_d
            factor = dot_b / (1.0 - dot_l)
            for i in range(n):
                z = -(step[i] + trial[i] * factor)
                step[i] = z if math.isfinite(z) else 0.0
            t = 1.0
            new_norm = np.inf
            for _ in range(BACKTRACKS):
                for i in range(n):
                    trial[i] = x[i] + t * step[i] if free[i] else x[i]
                new_norm = _residual(
                    trial, c[b], kb, w[b], fx[b], lf[b], free, level_new, s_new, r_new
                )
                if new_norm < norm:
                    break
                t *= 0.5
            x, trial = trial, x
            level, level_new = level_new, level
            s, s_new = s_new, s
            r, r_new = r_new, r
            norm = new_norm
        if not norm < 1e-8:
            out[b, :] = np.nan
            continue
        for i in range(n):
            out[b, i] = math.exp(x[i]) if free[i] else fx[b, i]
