"""Compiled (numba) EUM round: Scholz et al.'s steps 2-11 fused into one pass per game.

The same round as ``eum_round.play_round`` (the numpy reference, which documents the model and
its equations), written as loops over one game at a time so that the dyad arrays ``[N, N]``
stay in the cache and no ``[G, N, N]`` temporaries are made: the weighted median, the
risk-neutral votes and the risk exponents, the votes with those exponents, both expected
utilities of every dyad and each actor's best offer. Three things make it faster than a
transcription and differ from the reference in the last bits: the vote sums are differences
of prefix sums over the voters in position order (``O(N^2)`` instead of ``O(N^3)``; see
``_votes``), powers are ``exp(r log b)`` with the logs of symmetric bases taken once per pair
(see ``_power``), and sums run in sequence where numpy sums pairwise. Each expected utility
keeps an absolute error of a few ``eps``; offers are compared with the reference's
tolerances (``EU_TIE``; positions within ``1e-12`` of the range), so rounding decides no
choice, and one round agrees with the reference to ``1e-12`` of the position range
(measured: about ``1e-14``; ``tests/models/test_eum_kernel.py``).

Imported only when ``eum`` plays a game big enough to pay for loading numba (see
``eum_votes.NUMPY_WORK_LIMIT``). Options are passed as flags: ``dyad_norm`` (``"dyad"``
probability norm), ``capitulation`` and ``least_move`` (``compromise_choice="least_move"``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from accord.models.bargaining.eum_round import EU_TIE
from accord.models.vecmath import exp, log


@njit(cache=True)
def _weighted_median(x, w):
    """Lower weighted median of positions ``x`` in ascending order (``base.weighted_median``,
    whose stable sort gives this order, and its sequential cumsum)."""
    total = 0.0
    for i in range(x.shape[0]):
        total += w[i]
    half = 0.5 * total
    threshold = half - 1e-12 * abs(half)
    cumulative = 0.0
    for i in range(x.shape[0]):
        cumulative += w[i]
        if cumulative >= threshold:
            return x[i]
    return x[0]  # as numpy's argmax of an all-False mask


@njit(cache=True, error_model="numpy")
def _votes(x, w, r, scale, splits, felt, prefix, num):
    """``num[a, b] = sum_k max(0, w_k (felt[k, b] - felt[k, a]))`` in ``O(N^2)``.

    ``felt[k, j] = (|x_k - x_j| / R)^r_k``; the actors (voters too) come in the order of their
    positions. Since a voter's felt distance grows with the distance, the voters preferring
    ``a`` to ``b`` (``x_a < x_b``) are those left of a split point (a prefix of the sorted
    voters), and those preferring ``b`` the rest: both sums are differences of prefix sums
    ``prefix[p, j] = sum_{k < p} w_k felt[k, j]``, the split found by a walk that only moves
    right as ``b`` moves right (``splits`` from ``_vote_splits``, by the voters' distances).
    ``r=None`` stands for ``r = 1`` (``d ** 1.0 = d``).

    Precision: a difference of prefix sums has an absolute error of a few ``eps sum_k w_k``
    where the reference (``eum_votes``, ``O(N^3)``) has a few ``eps w_k`` per vote. The
    probability only enters the expected utilities as ``P (U_s - U_f)``, and ``U_s - U_f``
    shrinks with the distance as the votes do, so the utilities keep an absolute error of a
    few ``eps`` either way, far below the tie tolerance ``EU_TIE``. A voter whose felt
    distances to ``a`` and ``b`` are equal but for a rounding may fall on either side of the
    split: its vote is a few ``eps w_k`` too.
    """
    n = x.shape[0]
    for k in range(n):  # the distance (r = 1), or its log for j >= k, then mirrored
        xk = x[k]
        for j in range(0 if r is None else k, n):
            distance = abs(xk - x[j]) / scale
            felt[k, j] = distance if r is None else log(distance)
    if r is not None:  # d ** r_k as in _power, in a pass of its own (see _utilities)
        _mirror(felt)
        for k in range(n):
            rk = r[k]
            for j in range(n):
                felt[k, j] = exp(rk * felt[k, j])
    prefix[0, :] = 0.0
    for k in range(n):
        wk = w[k]
        for j in range(n):
            prefix[k + 1, j] = prefix[k, j] + wk * felt[k, j]
    for a in range(n):
        num[a, a] = 0.0
        row = splits[a]
        for b in range(a + 1, n):
            split = row[b]
            tied = x[b] == x[a]  # no voter prefers either
            for_a = prefix[split, b] - prefix[split, a]
            for_b = (prefix[n, a] - prefix[split, a]) - (prefix[n, b] - prefix[split, b])
            num[a, b] = 0.0 if tied else max(for_a, 0.0)
            num[b, a] = 0.0 if tied else max(for_b, 0.0)


@njit(cache=True)
def _vote_splits(x, splits):
    """``splits[a, b]`` for ``b > a`` (positions ``x`` in ascending order): the first voter
    not nearer ``x_a`` than ``x_b``, so that voters ``0..split-1`` prefer ``a`` (``_votes``).
    It depends on the positions only, so both passes of a round share it. Four walks (four
    ``a``) interleaved, one ``_split_step`` each; row ``a`` has a spare last slot."""
    n = x.shape[0]
    for a0 in range(0, n, 4):
        a1, a2, a3 = min(a0 + 1, n - 1), min(a0 + 2, n - 1), min(a0 + 3, n - 1)
        v0, v1, v2, v3 = a0, a1, a2, a3  # voters 0..v-1 prefer a (those at or left of x_a do)
        b0, b1, b2, b3 = a0 + 1, min(a0 + 2, n), min(a0 + 3, n), min(a0 + 4, n)
        walking = True
        while walking:
            v0, b0, w0 = _split_step(x, x[a0], v0, b0, splits[a0])
            v1, b1, w1 = _split_step(x, x[a1], v1, b1, splits[a1])
            v2, b2, w2 = _split_step(x, x[a2], v2, b2, splits[a2])
            v3, b3, w3 = _split_step(x, x[a3], v3, b3, splits[a3])
            walking = w0 | w1 | w2 | w3


@njit(cache=True, inline="always")
def _split_step(x, xa, voter, b, splits):
    """One branch-free step of the walk that finds, for one ``a`` and every ``b > a``, the
    first voter not nearer ``x_a`` than ``x_b`` (``_votes``): it moves either the voter
    right, past one nearer ``x_a``, or (recording the split of ``b``) to the next ``b``.

    Nearer by positions, ``|x_k - x_b| > |x_k - x_a|``, which is monotone in ``k`` in floating
    point too (rounded differences are monotone), where felt's order may disagree by a
    rounding for a voter at the midpoint, whose vote is then a few ``eps w_k``. A walk of
    "while the voter prefers a" per ``b`` mispredicts its exit nearly every time; four walks
    interleaved hide each one's latency (0.13 ms a pass at N = 160 before, 0.08 after).
    Returns the voter, the ``b`` and whether it was still walking (``b < n``); a finished walk
    records into the spare last slot of ``splits``.
    """
    n = x.shape[0]
    walking = b < n
    k = min(voter, n - 1)
    nearer_a = walking & (voter < n) & (abs(x[k] - x[min(b, n - 1)]) > abs(x[k] - xa))
    splits[b] = voter
    return voter + nearer_a, b + (walking & (not nearer_a)), walking


@njit(cache=True)
def _mirror(a):
    """``a[j, i] = a[i, j]`` for ``j > i``: the upper triangle copied to the lower, row by
    row (writes along rows, reads down columns: 4 us at N = 160, tiles of 8 x 8 take 13)."""
    n = a.shape[0]
    for j in range(n):
        for i in range(j):
            a[j, i] = a[i, j]


@njit(cache=True)
def _transpose(a, out):
    """``out = a.T`` for square ``a``, written row by row (11 us at N = 160; 22 in tiles)."""
    n = a.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = a[j, i]


@njit(cache=True, error_model="numpy")
def _probabilities(num, dyad_norm, prob, prob_t):
    """``P[a, b]`` from the positive votes (``eum_round.win_probabilities``), and its
    transpose ``prob_t[a, b] = P[b, a]``."""
    n = num.shape[0]
    if dyad_norm:
        for a in range(n):
            for b in range(n):
                denominator = num[a, b] + num[b, a]
                prob[a, b] = num[a, b] / denominator if denominator > 0 else 0.0
                prob_t[a, b] = num[b, a] / denominator if denominator > 0 else 0.0
        return
    column = np.zeros(n)  # the sums by column first: a loop along rows that vectorises
    for a in range(n):
        for b in range(n):
            column[b] += num[a, b]
    total = 0.0
    for b in range(n):
        total += column[b]
    denominator = 2.0 * total
    for a in range(n):
        for b in range(n):
            prob[a, b] = num[a, b] / denominator if denominator > 0 else 0.0
    _transpose(prob, prob_t)


@njit(cache=True, error_model="numpy", inline="always")
def _power(base, exponent, r):
    """``base ** exponent`` for ``base`` in [0, 1] and ``exponent`` in [0.5, 2], or ``base``
    when ``r`` is ``None`` (the risk-neutral pass, ``r = 1``).

    As ``exp(exponent log(base))``: libm's ``exp`` and ``log`` cost about 4 ns each here, its
    ``pow`` 14-18 ns, and the round computes three powers per dyad. The relative error grows
    to about ``|exponent log(base)| eps`` (``2e-15`` at ``base = 1e-3``; ``pow`` is within one
    ulp), far below what decides an offer (``EU_TIE``). ``log(0) = -inf`` gives ``0``, as
    ``pow`` does. ``None`` is a type to numba, so the branch is pruned at compile time (a flag
    tested inside the loops would not do: LLVM computes the speculatable power anyway).
    """
    if r is None:
        return base
    return exp(exponent * log(base))


@njit(cache=True, error_model="numpy")
def _no_change(distance, to_median, exponent, r, q, t):
    """``(1 - Q) (T U_b + (1 - T) U_w)`` (``eum_round._no_change_utility``)."""
    shift = 0.25 * min(to_median + distance, 2.0)
    u_better = 2.0 - 4.0 * _power(0.5 - shift, exponent, r)
    u_worse = 2.0 - 4.0 * _power(0.5 + shift, exponent, r)
    return (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)


@njit(cache=True, error_model="numpy")
def _utilities(x, s, prob, prob_t, median, r, scale, q, t, icj, jci, u_success, u_failure):
    """``E(U_ij)`` and ``E(U_ji)`` seen by ``i`` (``eum_round.dyad_utilities``).

    ``r=None`` stands for ``r = 1`` (``viewer_exponent=None``), ``t=None`` for ``q = 1`` (no
    no-change term); both prune their branch at compile time. ``prob_t`` is ``prob``
    transposed, so that every loop runs along rows. With the exponents, the utilities of
    success and failure (eqs. 15-16, powers of ``0.5 -+ 0.5 d_ij`` as in ``_power``) are
    taken first into the scratch ``u_success``, ``u_failure``, in passes of one function
    each, which LLVM vectorises (a loop of both ``log`` and ``exp`` it leaves scalar).
    """
    n = x.shape[0]
    median_scaled = median / scale
    if r is not None:
        for i in range(n):  # the logs are symmetric: taken for j >= i, then mirrored
            xi = x[i] / scale
            for j in range(i, n):
                distance = min(abs(xi - x[j] / scale), 1.0)
                u_success[i, j] = log(0.5 - 0.5 * distance)
                u_failure[i, j] = log(0.5 + 0.5 * distance)
        _mirror(u_success)
        _mirror(u_failure)
        for i in range(n):
            ri = r[i]
            for j in range(n):
                u_success[i, j] = 2.0 - 4.0 * exp(ri * u_success[i, j])
                u_failure[i, j] = 2.0 - 4.0 * exp(ri * u_failure[i, j])
    for i in range(n):
        xi = x[i] / scale
        ri = 1.0 if r is None else r[i]
        to_median_i = abs(xi - median_scaled)
        u_status_quo = 2.0 - 4.0 * _power(0.5, ri, r)
        si = s[i]
        for j in range(n):
            xj = x[j] / scale
            distance = min(abs(xi - xj), 1.0)
            if r is None:
                success = 2.0 - 4.0 * (0.5 - 0.5 * distance)
                failure = 2.0 - 4.0 * (0.5 + 0.5 * distance)
            else:
                success, failure = u_success[i, j], u_failure[i, j]
            p = prob[i, j]
            icj[i, j] = (
                s[j] * (p * success + (1.0 - p) * failure)
                + (1.0 - s[j]) * success
                - q * u_status_quo
            )
            p = prob_t[i, j]
            jci[i, j] = (
                si * (p * success + (1.0 - p) * failure) + (1.0 - si) * success - q * u_status_quo
            )
            if t is not None:
                icj[i, j] -= _no_change(distance, to_median_i, ri, r, q, t)
                to_median_j = abs(xj - median_scaled)
                jci[i, j] -= _no_change(distance, to_median_j, ri, r, q, t)


@njit(cache=True)
def _risk_exponents(jci, r):
    """``r_i`` from each actor's danger ``sum_{j != i} E(U_ji)`` (``eum_round.risk_exponents``)."""
    n = jci.shape[0]
    danger = np.empty(n)
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += jci[i, j]
        danger[i] = total
    high = danger.max()
    low = danger.min()
    span = high - low
    spread = span > EU_TIE * max(1.0, abs(high) + abs(low))
    for i in range(n):
        big_r = (2.0 * danger[i] - high - low) / span if spread else 0.0
        r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


@njit(cache=True)
def _best_offer(x, i, icj, jci, tolerance, capitulation, least_move, kinds, costs, targets, pick):
    """Where actor ``i`` moves (``eum_round.new_positions`` with ``_pick``).

    A dyad makes at most one kind of offer to ``i`` (0 capitulation, 1 compromise, 2 conflict:
    their conditions exclude each other). Per kind, the offer of least cost, then of the
    rival's highest expected utility, then the lowest target; a later kind takes precedence.
    ``pick`` is a scratch ``[3, 3]`` (no allocation per actor).
    """
    n = x.shape[0]
    xi = x[i]
    best, rival, value = pick[0], pick[1], pick[2]
    best[:] = np.inf
    for j in range(n):
        xj = x[j]
        a = icj[i, j]
        b = jci[i, j]
        kind = -1
        if abs(xj - xi) > tolerance:
            if a > EU_TIE and b > a + EU_TIE:
                kind = 2
            elif a < -EU_TIE and b > EU_TIE:
                if b > -a + EU_TIE:
                    kind = 1
                elif capitulation and -a > b + EU_TIE:
                    kind = 0
        kinds[j] = kind
        if kind < 0:
            continue
        target = xj
        cost = abs(xj - xi)
        if kind == 1:
            ratio = min(max(abs(a / b), 0.0), 1.0)
            target = min(max(xi + (xj - xi) * ratio, min(xi, xj)), max(xi, xj))
            if least_move:
                cost = abs(target - xi)
            else:
                weights = abs(a) + abs(b)
                cost = (abs(a) * xi + abs(b) * xj) / (weights if weights > 0 else 1.0)
        costs[j] = cost
        targets[j] = target
        best[kind] = min(best[kind], cost)
    rival[:] = -np.inf
    for j in range(n):
        kind = kinds[j]
        if kind >= 0 and costs[j] <= best[kind] + tolerance:
            rival[kind] = max(rival[kind], jci[i, j])
    value[:] = np.inf
    for j in range(n):
        kind = kinds[j]
        if kind >= 0 and costs[j] <= best[kind] + tolerance and jci[i, j] >= rival[kind] - EU_TIE:
            value[kind] = min(value[kind], targets[j])
    for kind in (2, 1, 0):
        if best[kind] < np.inf:
            return value[kind]
    return xi


@njit(cache=True)
def _expected_utilities(x, s, w, median, scale, q, t, dyad_norm, scratch, prefix, splits):
    """Both passes of the round: the risk-neutral one for the risk exponents, then the one
    with them, whose utilities are left in ``scratch[4]`` (``icj``) and ``scratch[5]``
    (``jci``). ``t=None`` stands for ``q = 1`` (see ``_utilities``)."""
    felt, num, prob, prob_t = scratch[0], scratch[1], scratch[2], scratch[3]
    icj, jci = scratch[4], scratch[5]
    n = x.shape[0]
    r = np.empty(n)
    _vote_splits(x, splits)
    _votes(x, w, None, scale, splits, felt, prefix, num)
    _probabilities(num, dyad_norm, prob, prob_t)
    _utilities(x, s, prob, prob_t, median, None, scale, q, t, icj, jci, felt, num)
    _risk_exponents(jci, r)
    _votes(x, w, r, scale, splits, felt, prefix, num)
    _probabilities(num, dyad_norm, prob, prob_t)
    _utilities(x, s, prob, prob_t, median, r, scale, q, t, icj, jci, felt, num)


@njit(cache=True)
def _game_round(
    x, s, w, scale, q, t, dyad_norm, capitulation, least_move, out, scratch, prefix, splits
):
    """One game's positions after one round (``eum_round.play_round``) into ``out``.

    The actors are taken in the order of their positions (the round does not depend on the
    order of the actors; only sums round differently), so that the votes need no indirection.
    """
    n = x.shape[0]
    order = np.argsort(x, kind="mergesort")
    xs, ss, ws = x[order], s[order], w[order]
    median = _weighted_median(xs, ws)
    if q == 1.0:  # two calls, so that t is None or a float at compile time (not Optional)
        _expected_utilities(xs, ss, ws, median, scale, q, None, dyad_norm, scratch, prefix, splits)
    else:
        _expected_utilities(xs, ss, ws, median, scale, q, t, dyad_norm, scratch, prefix, splits)
    icj, jci = scratch[4], scratch[5]
    tolerance = 1e-12 * scale
    kinds = np.empty(n, dtype=np.int64)
    costs, targets, pick = np.empty(n), np.empty(n), np.empty((3, 3))
    for i in range(n):
        out[order[i]] = _best_offer(
            xs, i, icj, jci, tolerance, capitulation, least_move, kinds, costs, targets, pick
        )


@njit(cache=True, nogil=True)
def play_rounds(position, salience, weight, scale, q, t, dyad_norm, capitulation, least_move):
    """Positions ``[G, N]`` after one round of every game (``eum_round.play_round``)."""
    n_games, n = position.shape
    out = np.empty((n_games, n))
    scratch = np.empty((6, n, n))
    prefix = np.empty((n + 1, n))
    splits = np.empty((n, n + 1), dtype=np.int64)
    for g in range(n_games):
        _game_round(
            position[g],
            salience[g],
            weight[g],
            scale[g],
            q,
            t,
            dyad_norm,
            capitulation,
            least_move,
            out[g],
            scratch,
            prefix,
            splits,
        )
    return out
