"""Compiled (numba) Newton solve of the allies' reaction functions, one draw at a time.

:func:`solve_draws` takes the steps of :func:`accord.models.burden_demand._newton`
(semismooth Newton on ``x_i = max(floor_i, c_i + k ln S_i(exp x))``, the
diagonal-plus-rank-one Jacobian solved by Sherman-Morrison, backtracking on the largest
residual, 1e-10 in logs, NaN for a draw that does not converge or has non-finite inputs),
written as loops over one draw's allies so that nothing of size [B, N] is allocated per
step. Sums run in index order, where numpy sums pairwise, and exp/log are libm's rather than
numpy's, so results agree with the numpy solver to rounding (tests/models/
test_burden_solver.py checks 1e-9 relative), not bit for bit; each draw is still independent
of its batch.

:func:`solve_path` runs a draw's whole yearly path in one call (issue 21): each year starts
from last year's solution, whose levels, spill-ins and Jacobian are known, so only the
constants change; its steps add Chebyshev's third-order term (O(N), no exp or log), so most
years converge in one step; the levels and spill-ins after a move below ``NEAR`` come from
the Taylor series of expm1 and log1p instead of exp and log; and one Newton step from the
last residual refines each year's solution (to about the tolerance squared). The same
convergence check (1e-10 in logs) and failures (NaN); equal to the year loop of the numpy
or dense solvers to their own accuracy (checked to 1e-9 relative).

The kernels are compiled with LLVM's fast-math flags ``FASTMATH`` (reassociation, fused
multiply-add, no signed zeros, reciprocals; never "nnan" or "ninf", which would let the
compiler drop the NaN markers of failed draws), and the expm1 series is one multiply-add per
term: the chains of dependent operations the path waits on are shorter (about 1.4x faster).
So the last bits depend on the order LLVM picks and on whether the CPU has FMA (numba
compiles for the host, and its cache is per machine): results differ from the unfused
arithmetic at the 1e-14 level, far inside the 1e-9 relative tolerance to which the solvers
agree anyway (each stops anywhere below 1e-10 in logs); a draw is still independent of its
batch, and results are the same run to run on one machine.

numba is an optional dependency (the ``speed`` extra): :func:`accord.models.burden_demand.solve`
and :func:`~accord.models.burden_demand.path` fall back to numpy without it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

BACKTRACKS = 20
BIG = np.finfo(np.float64).max

#: LLVM's fast-math flags the kernels are compiled with: reassociation, fused multiply-add
#: (contraction), no signed zeros, reciprocals for divisions. Not "nnan" or "ninf" (nor
#: ``fastmath=True``, which has them): a draw that fails is marked NaN, and those flags let
#: the compiler assume no value is NaN or infinite, which drops the markers.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _clean(value):
    """numpy.nan_to_num of one value: NaN -> 0, +-inf -> +-largest float."""
    if math.isnan(value):
        return 0.0
    if math.isinf(value):
        return BIG if value > 0 else -BIG
    return value


# Rows of a work block: the point (logs), its levels, spill-ins, their logs, the spill-in on
# the reacting rows (NaN off them), the residual, and the Jacobian's factors (:func:`_factor`).
X, LEVEL, SPILL, LOG_SPILL, S, R, U, LD, SD, IS = range(10)
ROWS = 10


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
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


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _target(wk, o, c, k, lf, free):
    """Fills block ``o``'s S and R rows from its spill-ins and the constants c; returns max |r|
    and whether the reacting rows changed (a floor started or stopped binding)."""
    norm = 0.0
    changed = False
    for i in range(c.size):
        was = math.isnan(wk[o, S, i])
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
        changed = changed or was != math.isnan(wk[o, S, i])
        wk[o, R, i] = r
        size = abs(r) if not math.isnan(r) else np.inf
        norm = max(norm, size)
    return norm, changed


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _residual(wk, o, c, k, w, fx, lf, free):
    """The residual at block ``o``'s point (all its rows filled); returns max |r|."""
    _levels(wk, o, w, fx, free)
    return _target(wk, o, c, k, lf, free)[0]


#: The largest move in logs (and relative change of a spill-in) evaluated by Taylor series
#: instead of exp and log (:func:`_levels_near`): 1/16, where the series' remainders,
#: d**11 / 11! and r**14 / 14, are below 1e-18 (a Newton step of a year is usually smaller).
NEAR = 2.0**-4
INVERSES = np.array([0.0] + [1.0 / j for j in range(1, 14)])  # 1/j, log1p's terms
FACTORIALS = np.array([1.0 / math.factorial(j) for j in range(11)])  # 1/j!, expm1's terms


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _levels_near(wk, o, q, t, step, w, free):
    """Fills block ``q``'s levels, spill-ins and their logs from block ``o``'s, ``q``'s point
    being ``o``'s moved by ``t step[0]``, by the Taylor series of expm1 and log1p (no exp or
    log). Returns False, leaving them unfinished, if a move or a spill-in's relative change
    exceeds NEAR or is not finite (the caller then evaluates them in full). ``step[1]``:
    scratch. The loops have no branch (every ally is computed, fixed ones by selects, and
    the checks are and-ed), so that LLVM vectorises them along the allies."""
    n = w.size
    total = 0.0
    ok = True
    for i in range(n):
        level = wk[o, LEVEL, i]
        d = t * step[0, i] if free[i] else 0.0
        ok = ok & (abs(d) <= NEAR)
        e = FACTORIALS[10]
        for j in range(9, 0, -1):  # Horner: one multiply-add per term
            e = FACTORIALS[j] + d * e
        e = d * e  # expm1(d) to d**10 / 10!
        g = w[i] * level * e if free[i] else 0.0
        wk[q, LEVEL, i] = level + level * e if free[i] else level
        step[1, i] = g
        total += g
    if not ok:
        return False
    for i in range(n):
        change = total - step[1, i]
        spill = wk[o, SPILL, i]
        wk[q, SPILL, i] = spill + change
        r = change / spill if free[i] else 0.0
        ok = ok & (abs(r) <= NEAR)
        log1p = INVERSES[13]
        for j in range(12, 0, -1):
            log1p = INVERSES[j] - r * log1p
        log1p = r * log1p  # log1p(r) to r**13 / 13
        wk[q, LOG_SPILL, i] = wk[o, LOG_SPILL, i] + log1p if free[i] else 0.0
    return ok


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _factor(wk, o, k, w, free):
    """Fills block ``o``'s Jacobian factors; returns u' (l / d).

    J = diag(1 + p u) - p u' with u_j = w_j m_j (0 for a fixed ally) and p_i = k / S_i on
    the reacting rows (0 elsewhere). With d_i = 1 + p_i u_i: LD = l_i / d_i = k / (S_i + k u_i),
    SD = 1 / d_i = S_i / (S_i + k u_i), IS = 1 / S_i (1, 0 and 0 off the reacting rows).
    """
    dot_l = 0.0
    for i in range(w.size):
        u = w[i] * wk[o, LEVEL, i] if free[i] else 0.0
        s = wk[o, S, i]
        wk[o, U, i] = u
        if math.isfinite(s) and s != 0.0:
            inv = 1.0 / (s + k * u)
            wk[o, LD, i] = k * inv
            wk[o, SD, i] = s * inv
            wk[o, IS, i] = 1.0 / s
        else:
            wk[o, LD, i] = 0.0
            wk[o, SD, i] = 1.0
            wk[o, IS, i] = 0.0
        dot_l += u * wk[o, LD, i]
    return dot_l


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _jacobian_solve(wk, o, dot_l, step):
    """z = J^-1 b by Sherman-Morrison, z = b/d + (l/d) u'(b/d) / (1 - u'(l/d)), with block
    ``o``'s factors: b in ``step[2]``, z into ``step[0]``."""
    n = step.shape[1]
    dot_b = 0.0
    for i in range(n):
        b_d = step[2, i] * wk[o, SD, i]
        step[0, i] = b_d
        dot_b += wk[o, U, i] * b_d
    factor = dot_b / (1.0 - dot_l)
    for i in range(n):
        step[0, i] = step[0, i] + wk[o, LD, i] * factor


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _newton_step(wk, o, dot_l, step):
    """The Newton step -J^-1 r at block ``o``'s point into ``step[0]`` (0 where not finite:
    a singular Jacobian stays put)."""
    n = step.shape[1]
    for i in range(n):
        step[2, i] = _clean(wk[o, R, i])
    _jacobian_solve(wk, o, dot_l, step)
    for i in range(n):
        z = -step[0, i]
        step[0, i] = z if math.isfinite(z) else 0.0


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _chebyshev(wk, o, k, dot_l, step):
    """Adds to the Newton step d (``step[0]``) the third-order term -J^-1 F''[d, d] / 2
    (Chebyshev's method), where on a reacting row F_i = x_i - c_i - k ln S_i gives
    F''_i[d, d] = -k (sum_j u_j d_j^2 / S_i - (sum_j u_j d_j / S_i)^2), j != i: O(N), no
    exp or log. Keeps d alone if the term is not finite (``step[3]``: scratch)."""
    n = step.shape[1]
    total_sq = 0.0
    total = 0.0
    for i in range(n):
        d = step[0, i]
        step[3, i] = d
        u = wk[o, U, i]
        total_sq += u * d * d
        total += u * d
    for i in range(n):
        u = wk[o, U, i]
        d = step[3, i]
        mean_sq = (total_sq - u * d * d) * wk[o, IS, i]
        mean = (total - u * d) * wk[o, IS, i]
        step[2, i] = 0.5 * k * (mean_sq - mean * mean)
    _jacobian_solve(wk, o, dot_l, step)
    finite = True
    for i in range(n):
        finite = finite and math.isfinite(step[0, i])
    for i in range(n):
        step[0, i] = step[3, i] + step[0, i] if finite else step[3, i]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _newton(wk, o, c, k, w, fx, lf, free, step, norm, tolerance, max_steps, chebyshev, dot_l, near):
    """Newton steps from block ``o``'s point (its rows filled, ``norm`` its max |r|) until
    max |r| is below ``tolerance``, with Chebyshev's third-order term if ``chebyshev``.
    ``wk`` is [2, ROWS, N] (the other block: the trial point), ``step`` [4, N] scratch;
    ``dot_l``: the point's :func:`_factor` if its factors are filled, else NaN. Returns the
    last max |r|, the block holding the point and its ``dot_l`` (NaN: not factored)."""
    n = c.size
    for _ in range(max_steps):
        if norm < tolerance:
            break
        if math.isnan(dot_l):
            dot_l = _factor(wk, o, k, w, free)
        _newton_step(wk, o, dot_l, step)
        if chebyshev:
            _chebyshev(wk, o, k, dot_l, step)
        t = 1.0
        new_norm = np.inf
        q = 1 - o
        for _ in range(BACKTRACKS):
            for i in range(n):
                x = wk[o, X, i]
                wk[q, X, i] = x + t * step[0, i] if free[i] else x
            if near and _levels_near(wk, o, q, t, step, w, free):
                new_norm = _target(wk, q, c, k, lf, free)[0]
            else:
                new_norm = _residual(wk, q, c, k, w, fx, lf, free)
            if new_norm < norm:
                break
            t *= 0.5
        o = q
        norm = new_norm
        dot_l = np.nan
    return norm, o, dot_l


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
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


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _finish(wk, o, fx, free, norm, row):
    """Writes the levels of block ``o``'s point into ``row`` (NaN unless max |r| < 1e-8)."""
    for i in range(row.size):
        if not norm < 1e-8:
            row[i] = np.nan
        else:
            row[i] = math.exp(wk[o, X, i]) if free[i] else fx[i]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def solve_draws(c, k, w, fx, lf, start, out, tolerance, max_steps):
    """Equilibrium levels ``out`` [B, N] (see the module docstring).

    ``c``, ``w``, ``fx`` (NaN where the ally reacts), ``lf`` (ln floor, -inf for none) and
    ``start`` (starting logs) are [B, N]; ``k`` is [B]; ``tolerance`` and ``max_steps`` are
    the numpy solver's (passed in: this module imports nothing of accord).
    """
    size, n = c.shape
    free = np.empty(n, dtype=np.bool_)
    wk = np.empty((2, ROWS, n))
    step = np.empty((4, n))
    for b in range(size):
        if _start(wk, start[b], c[b], fx[b], lf[b], free):
            out[b, :] = np.nan
            continue
        norm = _residual(wk, 0, c[b], k[b], w[b], fx[b], lf[b], free)
        norm, o, _ = _newton(
            wk,
            0,
            c[b],
            k[b],
            w[b],
            fx[b],
            lf[b],
            free,
            step,
            norm,
            tolerance,
            max_steps,
            False,
            np.nan,
            False,
        )
        _finish(wk, o, fx[b], free, norm, out[b])


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
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
    x = np.empty(n)  # the solution, refined by a Newton step from the last residual
    free = np.empty(n, dtype=np.bool_)
    wk = np.empty((2, ROWS, n))
    step = np.empty((4, n))
    for b in range(size):
        kb = k[b]
        wb, fxb, lfb = w[b], fx[b], lf[b]
        norm = 0.0
        o = 0
        dot_l = np.nan
        for year in range(1, years + 1):
            lr = year * growth[b]
            for i in range(n):
                previous = start[b, i] if year == 1 else x[i]
                c[i] = intercept[b, i] + lag[b] * previous + income[b, i] + pressure[b, i] * lr
            if year == 1:
                if _start(wk, start[b], c, fxb, lfb, free):
                    norm = np.nan
                    break
                norm = _residual(wk, 0, c, kb, wb, fxb, lfb, free)
                dot_l = np.nan
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
                    norm = _residual(wk, o, c, kb, wb, fxb, lfb, free)
                    dot_l = np.nan
                else:  # the levels are last year's: only the targets move
                    norm, changed = _target(wk, o, c, kb, lfb, free)
                    if changed:  # the Jacobian's reacting rows too
                        dot_l = np.nan
            norm, o, dot_l = _newton(
                wk,
                o,
                c,
                kb,
                wb,
                fxb,
                lfb,
                free,
                step,
                norm,
                tolerance,
                max_steps,
                True,
                dot_l,
                True,
            )
            if not norm < 1e-8:
                break
            # One more Newton step from the residual just computed (no exp or log): the
            # solution to about the square of the tolerance. The next year starts from the
            # point whose levels (and Jacobian factors) are known.
            if math.isnan(dot_l):
                dot_l = _factor(wk, o, kb, wb, free)
            _newton_step(wk, o, dot_l, step)
            for i in range(n):
                x[i] = wk[o, X, i] + step[0, i] if free[i] else wk[o, X, i]
        if norm < 1e-8:
            wk[o, X, :] = x
        _finish(wk, o, fxb, free, norm, out[b])
