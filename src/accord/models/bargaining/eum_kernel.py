"""Compiled (numba) EUM round: Scholz et al.'s steps 2-11 fused into one pass per game.

The same round as ``eum_round.play_round`` (the numpy reference, which documents the model and
its equations), written as loops over one game at a time so that the dyad arrays stay in
the cache and no ``[G, N, N]`` temporaries are made: the weighted median, the risk-neutral
votes and the risk exponents, the votes with those exponents, both expected utilities of
every dyad and each actor's best offer. Actors at the same position form a group (games
collapse onto shared positions: of 160 actors, about 109 distinct positions on average over
10 rounds), and what depends on a pair of positions only (the votes, the probabilities, the
logs of the distances) is computed once per pair of groups ``[U, U]``, what depends on the
actor ``i``'s exponent or salience and ``j``'s position once per actor and group ``[N, U]``;
only ``E(U_ij)``, which depends on ``j``'s salience, is per dyad, formed as the offers are
chosen (``_best_offer``). Three things make it faster than a transcription and differ from
the reference in the last bits: the vote sums are differences of prefix sums over the voters
in position order (``O(N U)`` instead of ``O(N^3)``; see ``_votes``), powers are
``exp(r log b)`` with the logs of symmetric bases taken once per pair of groups (see
``_power``), and sums run in sequence where numpy sums pairwise. Each expected utility
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


@njit(cache=True)
def _groups(x, group, start, distinct):
    """Actors at the same position form a group (``x`` in ascending order): ``group[i]`` is
    actor ``i``'s, ``distinct[u]`` group ``u``'s position and its actors are
    ``start[u]..start[u + 1] - 1``. Returns the number of groups."""
    n = x.shape[0]
    if n == 0:
        start[0] = 0
        return 0
    u = 0
    start[0] = 0
    for i in range(n):
        if i > 0 and x[i] != x[i - 1]:
            u += 1
            start[u] = i
        group[i] = u
        distinct[u] = x[i]
    start[u + 1] = n
    return u + 1


@njit(cache=True, error_model="numpy")
def _votes(x, start, w, r, scale, splits, base, prefix, num):
    """``num[a, b] = sum_k max(0, w_k (felt[k, b] - felt[k, a]))`` in ``O(N U)``, for the
    ``U`` distinct positions ``x`` (ascending) of the groups ``a``, ``b``.

    ``felt[k, u] = (|x_k - x_u| / R)^r_k``; the voters come in the order of their positions
    (group ``v`` holds voters ``start[v]..start[v + 1] - 1``). Since a voter's felt distance
    grows with the distance, the voters preferring ``a`` to ``b`` (``x_a < x_b``) are those
    left of a split point, and a split falls between groups (voters at one position vote
    alike): both sums are differences of prefix sums ``prefix[v, u] = sum_{k < start[v]}
    w_k felt[k, u]``, summed voter by voter in order, the split from ``_vote_splits`` (by the
    voters' distances). ``r=None`` stands for ``r = 1`` (``d ** 1.0 = d``). The distances
    and their logs depend on positions only: ``base`` ``[U, U]``.

    Precision: a difference of prefix sums has an absolute error of a few ``eps sum_k w_k``
    where the reference (``eum_votes``, ``O(N^3)``) has a few ``eps w_k`` per vote. The
    probability only enters the expected utilities as ``P (U_s - U_f)``, and ``U_s - U_f``
    shrinks with the distance as the votes do, so the utilities keep an absolute error of a
    few ``eps`` either way, far below the tie tolerance ``EU_TIE``. A voter whose felt
    distances to ``a`` and ``b`` are equal but for a rounding may fall on either side of the
    split: its vote is a few ``eps w_k`` too.
    """
    m = x.shape[0]
    felt = np.empty(m)
    for v in range(m):  # the distance (r = 1), or its log for u >= v, then mirrored
        xv = x[v]
        for u in range(0 if r is None else v, m):
            distance = abs(xv - x[u]) / scale
            base[v, u] = distance if r is None else log(distance)
    if r is not None:
        _mirror(base)
    prefix[0, :] = 0.0
    for v in range(m):
        row = prefix[v + 1]
        row[:] = prefix[v]
        distances = base[v]
        for k in range(start[v], start[v + 1]):
            wk = w[k]
            if r is None:
                for u in range(m):
                    row[u] += wk * distances[u]
            else:  # d ** r_k as in _power, in place (a loop LLVM vectorises)
                rk = r[k]
                felt[:] = distances
                for u in range(m):
                    felt[u] = exp(rk * felt[u])
                for u in range(m):
                    row[u] += wk * felt[u]
    for a in range(m):
        num[a, a] = 0.0
        row = splits[a]
        for b in range(a + 1, m):
            split = row[b]
            for_a = prefix[split, b] - prefix[split, a]
            for_b = (prefix[m, a] - prefix[split, a]) - (prefix[m, b] - prefix[split, b])
            num[a, b] = max(for_a, 0.0)
            num[b, a] = max(for_b, 0.0)


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
def _probabilities(num, size, dyad_norm, prob, prob_t):
    """``P[a, b]`` from the positive votes of groups (``eum_round.win_probabilities``), and
    its transpose ``prob_t[a, b] = P[b, a]``; ``size[u]`` is group ``u``'s number of actors,
    every one of which is a challenger and a target in the ``"all_pairs"`` total."""
    m = num.shape[0]
    if dyad_norm:
        for a in range(m):
            for b in range(m):
                denominator = num[a, b] + num[b, a]
                prob[a, b] = num[a, b] / denominator if denominator > 0 else 0.0
                prob_t[a, b] = num[b, a] / denominator if denominator > 0 else 0.0
        return
    column = np.zeros(m)  # the sums by column first: a loop along rows that vectorises
    for a in range(m):
        size_a = size[a]
        for b in range(m):
            column[b] += size_a * num[a, b]
    total = 0.0
    for b in range(m):
        total += size[b] * column[b]
    denominator = 2.0 * total
    for a in range(m):
        for b in range(m):
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
def _neutral_dangers(x, group, size, s, prob_t, median, q, t, jci, danger):
    """Each actor's danger ``sum_{j != i} E(U_ji)`` with every ``r = 1`` (the risk-neutral
    pass of ``eum_round.risk_exponents``), from ``jci[i, u] = E(U_ji)`` for ``j`` in group
    ``u`` (it depends on ``j``'s position only): ``sum_u (size_u - [u = g_i]) jci[i, u]``.
    ``x`` are the groups' positions divided by the range; ``t=None`` stands for ``q = 1``."""
    n = s.shape[0]
    m = x.shape[0]
    for i in range(n):
        gi = group[i]
        xi = x[gi]
        si = s[i]
        row = jci[i]
        for u in range(m):
            distance = min(abs(xi - x[u]), 1.0)
            success = 2.0 - 4.0 * (0.5 - 0.5 * distance)
            failure = 2.0 - 4.0 * (0.5 + 0.5 * distance)
            p = prob_t[gi, u]
            row[u] = si * (p * success + (1.0 - p) * failure) + (1.0 - si) * success
            if t is not None:  # u_status_quo = 2 - 4 * 0.5 = 0 when r = 1
                row[u] -= _no_change(distance, abs(x[u] - median), 1.0, None, q, t)
        total = 0.0
        for u in range(m):
            total += (size[u] - (1.0 if u == gi else 0.0)) * row[u]
        danger[i] = total


@njit(cache=True, error_model="numpy")
def _utilities(x, group, s, prob, prob_t, median, r, q, t, log_s, log_f, u_success, u_failure,
               resisted, jci, no_change):  # fmt: skip
    """What ``E(U_ij)`` and ``E(U_ji)`` seen by ``i`` (``eum_round.dyad_utilities``) are
    made of, per actor ``i`` and group ``u`` of ``j`` (``x``: the groups' positions divided
    by the range): ``u_success``, ``u_failure`` (eqs. 15-16, powers of ``0.5 -+ 0.5 d`` as in
    ``_power``, whose logs depend on positions only and are taken once per pair of groups
    into ``log_s``, ``log_f``), ``resisted = P U_s + (1 - P) U_f`` and
    ``jci[i, u] = E(U_ji)``; ``E(U_ij) = s_j resisted + (1 - s_j) U_s - Q U_sq - no_change``
    depends on ``j``'s salience (``_best_offer``). ``t=None`` stands for ``q = 1`` (no
    no-change term, ``no_change`` left unset); it prunes its branch at compile time.
    """
    n = s.shape[0]
    m = x.shape[0]
    for v in range(m):  # the logs are symmetric: taken for u >= v, then mirrored
        xv = x[v]
        for u in range(v, m):
            distance = min(abs(xv - x[u]), 1.0)
            log_s[v, u] = log(0.5 - 0.5 * distance)
            log_f[v, u] = log(0.5 + 0.5 * distance)
    _mirror(log_s)
    _mirror(log_f)
    for i in range(n):  # in place, a pass of one function each: loops LLVM vectorises
        ri = r[i]
        success, failure = u_success[i], u_failure[i]
        success[:] = log_s[group[i]]
        failure[:] = log_f[group[i]]
        for u in range(m):
            success[u] = 2.0 - 4.0 * exp(ri * success[u])
        for u in range(m):
            failure[u] = 2.0 - 4.0 * exp(ri * failure[u])
    for i in range(n):
        gi = group[i]
        xi = x[gi]
        ri = r[i]
        to_median_i = abs(xi - median)
        u_status_quo = 2.0 - 4.0 * _power(0.5, ri, r)
        si = s[i]
        for u in range(m):
            success, failure = u_success[i, u], u_failure[i, u]
            p = prob[gi, u]
            resisted[i, u] = p * success + (1.0 - p) * failure
            p = prob_t[gi, u]
            jci[i, u] = (
                si * (p * success + (1.0 - p) * failure) + (1.0 - si) * success - q * u_status_quo
            )
            if t is not None:
                distance = min(abs(xi - x[u]), 1.0)
                no_change[i, u] = _no_change(distance, to_median_i, ri, r, q, t)
                jci[i, u] -= _no_change(distance, abs(x[u] - median), ri, r, q, t)


@njit(cache=True)
def _risk_exponents(danger, r):
    """``r_i`` from each actor's danger (``eum_round.risk_exponents``)."""
    n = danger.shape[0]
    high = danger.max()
    low = danger.min()
    span = high - low
    spread = span > EU_TIE * max(1.0, abs(high) + abs(low))
    for i in range(n):
        big_r = (2.0 * danger[i] - high - low) / span if spread else 0.0
        r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


@njit(cache=True)
def _best_offer(x, group, i, s, utilities, q_status_quo, t, tolerance, capitulation, least_move,
                found, work):  # fmt: skip
    """Where actor ``i`` moves (``eum_round.new_positions`` with ``_pick``); ``x`` are the
    actors' positions, ``group`` their groups, ``utilities`` the ``u_success``, ``resisted``,
    ``jci`` and ``no_change`` of ``_utilities`` and ``q_status_quo = Q U_sq`` of actor ``i``.

    A dyad makes at most one kind of offer to ``i`` (capitulation, compromise, conflict: their
    conditions exclude each other) and a later kind takes precedence, so only the offers of
    the highest kind made are ranked (``_pick_offer``). ``E(U_ij)`` and ``E(U_ji)`` of every
    rival ``j`` are gathered first into ``work[0]``, ``work[1]``, so that the classification
    is a loop without branches, which LLVM vectorises (the kind of a dyad is a coin flip to
    the branch predictor): ``found[1, j]`` is 0 (no offer), 1 (capitulation), 2 (compromise)
    or 3 (conflict); the rivals of the highest kind made are listed in ``found[0]``.
    """
    n = s.shape[0]
    u_success, resisted, jci, no_change = utilities[0], utilities[1], utilities[2], utilities[3]
    i_challenges, j_challenges, kinds = work[0], work[1], found[1]
    row_success, row_resisted, row_jci, row_no_change = (
        u_success[i],
        resisted[i],
        jci[i],
        no_change[i],
    )
    for j in range(n):
        u = group[j]
        j_challenges[j] = row_jci[u]
        i_challenges[j] = s[j] * row_resisted[u] + (1.0 - s[j]) * row_success[u] - q_status_quo
        if t is not None:
            i_challenges[j] -= row_no_change[u]
    xi = x[i]
    top = 0
    for j in range(n):
        a, b = i_challenges[j], j_challenges[j]
        distinct = abs(x[j] - xi) > tolerance
        conflict = distinct & (a > EU_TIE) & (b > a + EU_TIE)
        upper_hand_j = distinct & (a < -EU_TIE) & (b > EU_TIE)
        compromise = upper_hand_j & (b > -a + EU_TIE)
        capitulate = upper_hand_j & capitulation & (-a > b + EU_TIE)
        kind = 3 * np.int64(conflict) + 2 * np.int64(compromise) + np.int64(capitulate)
        kinds[j] = kind
        top = max(top, kind)
    if top == 0:
        return xi
    rivals = found[0]
    count = 0
    for j in range(n):
        if kinds[j] == top:
            rivals[count] = j
            count += 1
    return _pick_offer(x, i, i_challenges, j_challenges, tolerance, least_move, rivals[:count],
                       top == 2, work[2], work[3])  # fmt: skip


@njit(cache=True)
def _pick_offer(x, i, i_challenges, j_challenges, tolerance, least_move, rivals, compromise,
                costs, targets):  # fmt: skip
    """Among the offers of one kind made by ``rivals`` to ``i``, the target of the one of least
    cost, then of the rival's highest expected utility, then the lowest target."""
    xi = x[i]
    best = np.inf
    for k in range(rivals.shape[0]):
        j = rivals[k]
        xj = x[j]
        target = xj
        cost = abs(xj - xi)
        if compromise:
            a, b = i_challenges[j], j_challenges[j]
            ratio = min(max(abs(a / b), 0.0), 1.0)
            target = min(max(xi + (xj - xi) * ratio, min(xi, xj)), max(xi, xj))
            if least_move:
                cost = abs(target - xi)
            else:
                weights = abs(a) + abs(b)
                cost = (abs(a) * xi + abs(b) * xj) / (weights if weights > 0 else 1.0)
        costs[k] = cost
        targets[k] = target
        best = min(best, cost)
    rival = -np.inf
    for k in range(rivals.shape[0]):
        if costs[k] <= best + tolerance:
            rival = max(rival, j_challenges[rivals[k]])
    value = np.inf
    for k in range(rivals.shape[0]):
        if costs[k] <= best + tolerance and j_challenges[rivals[k]] >= rival - EU_TIE:
            value = min(value, targets[k])
    return value


@njit(cache=True)
def _view(buffer, rows, columns):
    """The first ``rows x columns`` elements of a flat scratch ``buffer`` as a C array."""
    return buffer[: rows * columns].reshape((rows, columns))


@njit(cache=True)
def _expected_utilities(x, start, size, group, s, w, median, scale, q, t, dyad_norm, scratch,
                        splits, r, danger):  # fmt: skip
    """Both passes of the round for the groups at positions ``x``: the risk-neutral one for
    the risk exponents ``r``, then the one with them, whose utilities are left in the views
    ``scratch[5..8]`` (see ``_best_offer``). ``t=None`` stands for ``q = 1``."""
    m = x.shape[0]
    n = s.shape[0]
    base, num = _view(scratch[0], m, m), _view(scratch[1], m, m)
    prefix = _view(scratch[2], m + 1, m)
    prob, prob_t = _view(scratch[3], m, m), _view(scratch[4], m, m)
    u_success, resisted = _view(scratch[5], n, m), _view(scratch[6], n, m)
    jci, no_change = _view(scratch[7], n, m), _view(scratch[8], n, m)
    u_failure = _view(scratch[9], n, m)
    scaled = x / scale
    split = _view(splits, m, m + 1)
    _vote_splits(x, split)
    _votes(x, start, w, None, scale, split, base, prefix, num)
    _probabilities(num, size, dyad_norm, prob, prob_t)
    _neutral_dangers(scaled, group, size, s, prob_t, median / scale, q, t, jci, danger)
    _risk_exponents(danger, r)
    _votes(x, start, w, r, scale, split, base, prefix, num)
    _probabilities(num, size, dyad_norm, prob, prob_t)
    _utilities(scaled, group, s, prob, prob_t, median / scale, r, q, t, base, num, u_success,
               u_failure, resisted, jci, no_change)  # fmt: skip


@njit(cache=True)
def _game_round(
    x, s, w, scale, q, t, dyad_norm, capitulation, least_move, out, scratch, splits, work, index
):
    """One game's positions after one round (``eum_round.play_round``) into ``out``.

    The actors are taken in the order of their positions (the round does not depend on the
    order of the actors; only sums round differently), so that the votes need no indirection,
    and actors at the same position are grouped: what depends on a pair of positions (the
    votes, the probabilities, the logs of the distances) is computed once per pair of groups,
    what depends on an actor's exponent and the other's position once per actor and group.
    """
    n = x.shape[0]
    order = np.argsort(x, kind="mergesort")
    xs, ss, ws = x[order], s[order], w[order]
    median = _weighted_median(xs, ws)
    group, start = index[0], index[1]
    distinct, size, r, danger = work[0], work[1], work[2][:n], work[3][:n]
    m = _groups(xs, group, start, distinct)
    for u in range(m):
        size[u] = start[u + 1] - start[u]
    args = (distinct[:m], start, size[:m], group, ss, ws, median, scale, q)
    if q == 1.0:  # two calls, so that t is None or a float at compile time (not Optional)
        _expected_utilities(*args, None, dyad_norm, scratch, splits, r, danger)
    else:
        _expected_utilities(*args, t, dyad_norm, scratch, splits, r, danger)
    utilities = (
        _view(scratch[5], n, m),
        _view(scratch[6], n, m),
        _view(scratch[7], n, m),
        _view(scratch[8], n, m),
    )
    tolerance = 1e-12 * scale
    found, offers = index[2:4], work[4:8]
    for i in range(n):
        q_status_quo = q * (2.0 - 4.0 * _power(0.5, r[i], r))
        if q == 1.0:
            position = _best_offer(xs, group, i, ss, utilities, q_status_quo, None, tolerance,
                                   capitulation, least_move, found, offers)  # fmt: skip
        else:
            position = _best_offer(xs, group, i, ss, utilities, q_status_quo, t, tolerance,
                                   capitulation, least_move, found, offers)  # fmt: skip
        out[order[i]] = position


@njit(cache=True, nogil=True)
def play_rounds(position, salience, weight, scale, q, t, dyad_norm, capitulation, least_move):
    """Positions ``[G, N]`` after one round of every game (``eum_round.play_round``)."""
    n_games, n = position.shape
    out = np.empty((n_games, n))
    scratch = np.empty((10, (n + 1) * n))
    splits = np.empty(n * (n + 1), dtype=np.int64)
    work = np.empty((8, n + 1))
    index = np.empty((4, n + 1), dtype=np.int64)
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
            splits,
            work,
            index,
        )
    return out
