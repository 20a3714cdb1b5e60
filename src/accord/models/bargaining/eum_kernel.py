"""Compiled (numba) EUM round: Scholz et al.'s steps 2-11 fused into one pass per game.

The same round as ``eum_round.play_round`` (the numpy reference, which documents the model and
its equations), written as loops over one game at a time so that the dyad arrays ``[N, N]``
stay in the cache and no ``[G, N, N]`` temporaries are made: the weighted median, the
risk-neutral votes and the risk exponents, the votes with those exponents, both expected
utilities of every dyad and each actor's best offer. Every element is computed with the
operations of the numpy reference in the same order; what can differ (in the last bits) is
``pow`` (numba calls libm, numpy its own SIMD routines) and the order of the two sums numpy
takes pairwise (each actor's danger and the ``"all_pairs"`` vote total), so results agree
with the reference to rounding (``tests/models/test_eum_kernel.py``). Offers are compared
with the reference's tolerances (``EU_TIE``; positions within ``1e-12`` of the range), so
rounding decides no choice.

Imported only when ``eum`` plays a game big enough to pay for loading numba (see
``eum_votes.NUMPY_WORK_LIMIT``). Options are passed as flags: ``dyad_norm`` (``"dyad"``
probability norm), ``capitulation`` and ``least_move`` (``compromise_choice="least_move"``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from accord.models.bargaining.eum_round import EU_TIE


@njit(cache=True)
def _weighted_median(x, w):
    """Lower weighted median, as ``base.weighted_median`` (stable sort, sequential cumsum)."""
    order = np.argsort(x, kind="mergesort")
    total = 0.0
    for i in range(x.shape[0]):
        total += w[order[i]]
    half = 0.5 * total
    threshold = half - 1e-12 * abs(half)
    cumulative = 0.0
    for i in range(x.shape[0]):
        cumulative += w[order[i]]
        if cumulative >= threshold:
            return x[order[i]]
    return x[order[0]]  # as numpy's argmax of an all-False mask


@njit(cache=True)
def _votes(x, w, r, scale, risk_neutral, felt, num):
    """``num[a, b] = sum_k max(0, w_k (felt[k, b] - felt[k, a]))``, voters in order.

    As ``eum_votes._positive_votes_loops``; ``risk_neutral`` stands for ``r = 1`` (the
    distance itself, which is what ``d ** 1.0`` gives).
    """
    n = x.shape[0]
    for k in range(n):
        for a in range(n):
            distance = abs(x[k] - x[a]) / scale
            felt[k, a] = distance if risk_neutral else distance ** r[k]
    for a in range(n):
        row = num[a]
        row[:] = 0.0
        for k in range(n):
            wk = w[k]
            base = felt[k, a]
            voter = felt[k]
            for b in range(n):
                row[b] += max(wk * (voter[b] - base), 0.0)


@njit(cache=True)
def _probabilities(num, dyad_norm, prob):
    """``P[a, b]`` from the positive votes (``eum_round.win_probabilities``)."""
    n = num.shape[0]
    if dyad_norm:
        for a in range(n):
            for b in range(n):
                denominator = num[a, b] + num[b, a]
                prob[a, b] = num[a, b] / denominator if denominator > 0 else 0.0
        return
    total = 0.0
    for a in range(n):
        for b in range(n):
            total += num[a, b]
    denominator = 2.0 * total
    for a in range(n):
        for b in range(n):
            prob[a, b] = num[a, b] / denominator if denominator > 0 else 0.0


@njit(cache=True)
def _power(base, exponent, risk_neutral):
    return base if risk_neutral else base**exponent


@njit(cache=True)
def _no_change(distance, to_median, exponent, risk_neutral, q, t):
    """``(1 - Q) (T U_b + (1 - T) U_w)`` (``eum_round._no_change_utility``)."""
    if q == 1.0:
        return 0.0
    shift = 0.25 * min(to_median + distance, 2.0)
    u_better = 2.0 - 4.0 * _power(0.5 - shift, exponent, risk_neutral)
    u_worse = 2.0 - 4.0 * _power(0.5 + shift, exponent, risk_neutral)
    return (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)


@njit(cache=True)
def _utilities(x, s, prob, median, r, risk_neutral, scale, q, t, icj, jci):
    """``E(U_ij)`` and ``E(U_ji)`` seen by ``i`` (``eum_round.dyad_utilities``)."""
    n = x.shape[0]
    median_scaled = median / scale
    for i in range(n):
        xi = x[i] / scale
        ri = r[i]
        to_median_i = abs(xi - median_scaled)
        u_status_quo = 2.0 - 4.0 * _power(0.5, ri, risk_neutral)
        for j in range(n):
            xj = x[j] / scale
            distance = min(abs(xi - xj), 1.0)
            u_success = 2.0 - 4.0 * _power(0.5 - 0.5 * distance, ri, risk_neutral)
            u_failure = 2.0 - 4.0 * _power(0.5 + 0.5 * distance, ri, risk_neutral)
            p = prob[i, j]
            icj[i, j] = (
                s[j] * (p * u_success + (1.0 - p) * u_failure)
                + (1.0 - s[j]) * u_success
                - q * u_status_quo
                - _no_change(distance, to_median_i, ri, risk_neutral, q, t)
            )
            p = prob[j, i]
            to_median_j = abs(xj - median_scaled)
            jci[i, j] = (
                s[i] * (p * u_success + (1.0 - p) * u_failure)
                + (1.0 - s[i]) * u_success
                - q * u_status_quo
                - _no_change(distance, to_median_j, ri, risk_neutral, q, t)
            )


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
def _offer(kind, x, i, icj, jci, tolerance, capitulation, least_move):
    """Actor ``i``'s chosen offer of one kind (0 capitulation, 1 compromise, 2 conflict), or NaN.

    As ``eum_round._pick`` on the masks of ``eum_round.new_positions``: least cost, then the
    rival's highest expected utility, then the lowest target.
    """
    n = x.shape[0]
    xi = x[i]
    best = np.inf
    best_rival = -np.inf
    for pass_ in range(3):  # 0: least cost; 1: best rival utility; 2: lowest target
        rival = -np.inf
        value = np.inf
        for j in range(n):
            xj = x[j]
            a = icj[i, j]
            b = jci[i, j]
            if not abs(xj - xi) > tolerance:
                continue
            if kind == 2:
                allowed = a > EU_TIE and b > a + EU_TIE
            else:
                upper_hand_j = a < -EU_TIE and b > EU_TIE
                if kind == 1:
                    allowed = upper_hand_j and b > -a + EU_TIE
                else:
                    allowed = capitulation and upper_hand_j and -a > b + EU_TIE
            if not allowed:
                continue
            target = xj
            if kind == 1:
                ratio = min(max(abs(a / b), 0.0), 1.0)
                target = min(max(xi + (xj - xi) * ratio, min(xi, xj)), max(xi, xj))
                if least_move:
                    cost = abs(target - xi)
                else:
                    weights = abs(a) + abs(b)
                    cost = (abs(a) * xi + abs(b) * xj) / (weights if weights > 0 else 1.0)
            else:
                cost = abs(xj - xi)
            if pass_ == 0:
                best = min(best, cost)
            elif cost <= best + tolerance:
                if pass_ == 1:
                    rival = max(rival, b)
                elif b >= best_rival - EU_TIE:
                    value = min(value, target)
        if pass_ == 0 and best == np.inf:
            return np.nan
        if pass_ == 1:
            best_rival = rival
    return value


@njit(cache=True)
def _game_round(x, s, w, scale, q, t, dyad_norm, capitulation, least_move, out, scratch):
    """One game's positions after one round (``eum_round.play_round``) into ``out``."""
    felt, num, prob, icj, jci = scratch[0], scratch[1], scratch[2], scratch[3], scratch[4]
    n = x.shape[0]
    median = _weighted_median(x, w)
    r = np.ones(n)
    _votes(x, w, r, scale, True, felt, num)
    _probabilities(num, dyad_norm, prob)
    _utilities(x, s, prob, median, r, True, scale, q, t, icj, jci)
    _risk_exponents(jci, r)
    _votes(x, w, r, scale, False, felt, num)
    _probabilities(num, dyad_norm, prob)
    _utilities(x, s, prob, median, r, False, scale, q, t, icj, jci)
    tolerance = 1e-12 * scale
    for i in range(n):
        position = x[i]
        for kind in range(3):  # later kinds take precedence
            offer = _offer(kind, x, i, icj, jci, tolerance, capitulation, least_move)
            if not np.isnan(offer):
                position = offer
        out[i] = position


@njit(cache=True, nogil=True)
def play_rounds(position, salience, weight, scale, q, t, dyad_norm, capitulation, least_move):
    """Positions ``[G, N]`` after one round of every game (``eum_round.play_round``)."""
    n_games, n = position.shape
    out = np.empty((n_games, n))
    scratch = np.empty((5, n, n))
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
        )
    return out
