"""Compiled (numba) engine of KTAB's SMP for deterministic state transitions.

The same model as the numpy engine in ``smp.py``, written as loops in KTAB's own order of
operations (so sums and products round as KTAB's do), compiled with numba. It pays from
the smallest scenario up: a 13-actor turn costs microseconds here against about a
millisecond of numpy call overhead (see ``benchmarks/bench_smp.py``). The kernel releases
the GIL; ``smp`` runs chunks of a batch of draws in parallel threads. Option names are
coded as integers in the order of the tuples in ``smp_rules`` / ``smp``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# codes (index in the tuples of smp_rules / smp)
PROPORTIONAL = 2
MIN_COALITION = 1e-8
MIN_CHALLENGE = 1e-10
MIN_GAIN = 1e-5
POS_TOL = 1e-3


@njit(cache=True)
def _vote(rule, w, u1, u2):
    du = u1 - u2
    if rule == 2:
        return w * du
    if rule == 4:
        return w * (du * du * du)
    if rule == 3:
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    r_bin = du / 1e-8
    r_bin = 1.0 if r_bin > 1.0 else r_bin
    r_bin = -1.0 if r_bin < -1.0 else r_bin
    if rule == 0:
        return w * r_bin
    if rule == 1:
        return w * ((1 - 0.2) * du + 0.2 * r_bin)
    if du < 0.0:
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@njit(cache=True)
def _victory(model, s1, s2):
    """Returns (p1, p2) as KTAB's ``Model::vProb``."""
    if model == 4:
        thresh = 1.10
        if s1 >= thresh * s2:
            x1, x2 = 1.0, 1e-6
        elif s2 >= thresh * s1:
            x1, x2 = 1e-6, 1.0
        else:
            r12 = s1 / (s1 + s2)
            p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
            x1, x2 = p12, 1 - p12
    elif model == 0:
        x1, x2 = s1, s2
    elif model == 1:
        x1, x2 = s1 * s1, s2 * s2
    elif model == 2:
        x1, x2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
    else:
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        x1, x2 = q1 * q1, q2 * q2
    return x1 / (x1 + x2), x2 / (x1 + x2)


@njit(cache=True)
def _bs_util(d, r):
    if d <= 1:
        return (1 - d) * (1 + d * r)
    return (1 - d) * (1 + r)


@njit(cache=True)
def _coalitions(rule, w, u):
    """``u[a, m]`` utilities -> ``c[m1, m2]`` (KTAB ``Model::coalitions``)."""
    n_act, n_opt = u.shape
    c = np.empty((n_opt, n_opt))
    for i in range(n_opt):
        for j in range(i):
            cij = MIN_COALITION
            cji = MIN_COALITION
            for k in range(n_act):
                v = _vote(rule, w[k], u[k, i], u[k, j])
                if v > 0:
                    cij = cij + v
                if v < 0:
                    cji = cji - v
            c[i, j] = cij
            c[j, i] = cji
        c[i, i] = MIN_COALITION
    return c


@njit(cache=True)
def _pce(model, victory, c):
    """Win probability of each option from coalition strengths (KTAB ``probCE2``)."""
    n = c.shape[0]
    pv = np.empty((n, n))
    for i in range(n):
        for j in range(i):
            p1, p2 = _victory(victory, c[i, j], c[j, i])
            pv[i, j] = p1
            pv[j, i] = p2
        pv[i, i] = 0.5
    p = np.empty(n)
    if model == 0:
        total = 0.0
        for i in range(n):
            pi = 1.0
            for j in range(n):
                pi = pi * pv[i, j]
            p[i] = pi
        for i in range(n):
            total = total + p[i]
        for i in range(n):
            p[i] = p[i] / total
        return p
    for i in range(n):
        p[i] = 1.0 / n
    q = np.empty(n)
    if model == 2:
        tol = 1e-6
        change = 1.0
        it = 0
        while tol < change:
            change = 0.0
            for i in range(n):
                pi = 0.0
                for j in range(n):
                    pi = pi + pv[i, j] * (p[i] + p[j])
                q[i] = pi / n
                d = abs(q[i] - p[i])
                change = d if d > change else change
            for i in range(n):
                p[i] = (p[i] + q[i]) / 2.0
            it += 1
            if it >= 1000:
                raise RuntimeError("Markov PCE did not converge")
        return p
    # markov incentive
    inc = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            inc[i, j] = c[i, j] * pv[i, j] + (1e-10 if i == j else 0.0)
    chl = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(n):
                s = s + inc[k, j]
            chl[i, j] = inc[i, j] / s
    ct = np.empty((n, n))
    change = 1.0
    it = 0
    while 1e-8 < change:
        for i in range(n):
            for j in range(n):
                ct[i, j] = p[i] * chl[j, i]
        change = 0.0
        for i in range(n):
            qi = 0.0
            for j in range(n):
                qi = qi + pv[i, j] * (ct[i, j] + ct[j, i])
            q[i] = qi
            d = abs(q[i] - p[i])
            change = d if d > change else change
        for i in range(n):
            p[i] = (p[i] + q[i]) / 2.0
        it += 1
        if it >= 1000:
            raise RuntimeError("Markov PCE did not converge")
    return p


@njit(cache=True)
def _big_r(p, rng):
    n = p.shape[0]
    p_min, p_max = 1.0, 0.0
    for i in range(n):
        p_min = p[i] if p[i] < p_min else p_min
        p_max = p[i] if p[i] > p_max else p_max
    r = np.zeros(n)
    if not p_max > p_min:
        return r
    for i in range(n):
        if rng == 0:
            r[i] = (p[i] - p_min) / (p_max - p_min)
        elif rng == 1:
            r[i] = (3 * p[i] - (p_max + 2 * p_min)) / (2 * (p_max - p_min))
        else:
            r[i] = (2 * p[i] - (p_max + p_min)) / (p_max - p_min)
    return r


@njit(cache=True)
def _est_risk(rh, ri, adjust):
    if adjust == 0:
        return ri
    if adjust == 1:
        return (rh + (2.0 * ri)) / 3.0
    if adjust == 2:
        return (rh + ri) / 2
    if adjust == 3:
        return ((2.0 * rh) + ri) / 3.0
    return rh


@njit(cache=True)
def _distance(x, i, p, s, ssq):
    """bvDiff between actor i's position and point p, with i's saliences."""
    acc = 0.0
    for k in range(p.shape[0]):
        ds = (x[i, k] - p[k]) * s[i, k]
        acc = acc + ds * ds
    return np.sqrt(acc / ssq[i])


@njit(cache=True)
def _assess(x, s, ssq, cap, codes):
    n = x.shape[0]
    dist = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            dist[i, j] = _distance(x, i, x[j], s, ssq)
    neutral = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            neutral[i, j] = _bs_util(dist[i, j], 0.0)
    c = _coalitions(codes[1], cap, neutral)
    p = _pce(codes[2], codes[0], c)
    risk = _big_r(p, codes[4])
    est = np.empty((n, n))
    for h in range(n):
        for i in range(n):
            est[h, i] = _est_risk(risk[h], risk[i], codes[5])
    return dist, risk, est


@njit(cache=True)
def _principal_votes(rule, w_i, w_j, uii, uij, uji, ujj):
    """Starting strengths (i's side, j's side) of a contest from the two principals' votes."""
    c_i = _vote(rule, w_i, uii, uij)
    c_j = _vote(rule, w_j, uji, ujj)
    chij = MIN_CHALLENGE
    chji = MIN_CHALLENGE
    if c_i > 0.0:
        chij = chij + c_i
    if c_i < 0.0:
        chji = chji - c_i
    if c_j > 0.0:
        chij = chij + c_j
    if c_j < 0.0:
        chji = chji - c_j
    return chij, chji


@njit(cache=True)
def _third_party_vote(rule, w_m, uni, unj, unn, base_i, base_j, commit):
    """Third party m's vote in the contest i vs j, given the principals' strengths."""
    v = _vote(rule, w_m, uni, unj)
    cni = base_i + v if v > 0 else base_i
    cnj = base_j - v if v < 0 else base_j
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    if commit == 0:
        a1, a2, a3, a4 = uni + uni + uni, unj + unj + unj, uni + uni + uni, unj + unj + unj
    elif commit == 1:
        a1, a2, a3, a4 = uni + uni + unn, unj + unj + unj, uni + uni + uni, unj + unj + unn
    else:
        a1, a2, a3, a4 = uni + uni + unn, unj + unj + unn, uni + uni + unn, unj + unj + unn
    return _vote(rule, w_m, (pin * a1) + (pjn * a2), (pin * a3) + (pjn * a4))


@njit(cache=True)
def _challenge(h, k, i, j, dist, est, w, sal, rule, commit):
    """KTAB ``SMPState::probEduChlg(h, k, i, j)``: (P[i beats j], expected gain to k)."""
    n = dist.shape[0]
    uii = _bs_util(dist[i, i], est[h, i])
    uij = _bs_util(dist[i, j], est[h, i])
    uji = _bs_util(dist[j, i], est[h, j])
    ujj = _bs_util(dist[j, j], est[h, j])
    uki = _bs_util(dist[k, i], est[h, k])
    ukj = _bs_util(dist[k, j], est[h, k])
    chij, chji = _principal_votes(rule, w[i], w[j], uii, uij, uji, ujj)
    base_i = chij
    base_j = chji
    for m in range(n):
        if m == i or m == j:
            continue
        r = est[h, m]
        uni = _bs_util(dist[m, i], r)
        unj = _bs_util(dist[m, j], r)
        unn = _bs_util(dist[m, m], r)
        vk = _third_party_vote(rule, w[m], uni, unj, unn, base_i, base_j, commit)
        if vk > 0:
            chij = chij + vk
        if vk < 0:
            chji = chji - vk
    p_ij = chij / (chij + chji)
    p_ji = chji / (chij + chji)
    eu_sq = uki + ukj
    eu_vict = uki + uki
    eu_cntst = p_ij * eu_vict + p_ji * (ukj + ukj)
    eu_chlg = (1 - sal[j]) * eu_vict + sal[j] * eu_cntst
    return p_ij, eu_chlg - eu_sq


@njit(cache=True)
def _best_for(i, dist, dist_t, est, w, sal, rule, commit):
    """Actor i's most advantageous target (-1 if none) and P(i beats it), from i's view.

    ``_challenge(i, i, i, j)`` for every j, with what does not depend on j hoisted out of
    the loop (same operations, same order, hence the same numbers).
    """
    n = dist.shape[0]
    u_ni = np.empty(n)
    u_nn = np.empty(n)
    for m in range(n):
        u_ni[m] = _bs_util(dist[m, i], est[i, m])
        u_nn[m] = _bs_util(dist[m, m], est[i, m])
    best, target, p_win = -1.0, -1, 0.0
    uii = _bs_util(dist[i, i], est[i, i])
    for j in range(n):
        if j == i:
            continue
        uij = _bs_util(dist[i, j], est[i, i])
        uji = _bs_util(dist[j, i], est[i, j])
        ujj = _bs_util(dist[j, j], est[i, j])
        chij, chji = _principal_votes(rule, w[i], w[j], uii, uij, uji, ujj)
        base_i = chij
        base_j = chji
        col = dist_t[j]
        for m in range(n):
            if m == i or m == j:
                continue
            unj = _bs_util(col[m], est[i, m])
            vk = _third_party_vote(rule, w[m], u_ni[m], unj, u_nn[m], base_i, base_j, commit)
            if vk > 0:
                chij = chij + vk
            if vk < 0:
                chji = chji - vk
        p_ij = chij / (chij + chji)
        p_ji = chji / (chij + chji)
        eu_vict = uii + uii
        eu_cntst = p_ij * eu_vict + p_ji * (uij + uij)
        gain = ((1 - sal[j]) * eu_vict + sal[j] * eu_cntst) - (uii + uij)
        if MIN_GAIN < gain and best < gain:
            best, target, p_win = gain, j, p_ij
    return target, p_win


@njit(cache=True)
def _targets_serial(dist, est, w, sal, rule, commit):
    n = dist.shape[0]
    dist_t = np.ascontiguousarray(dist.T)
    target = np.full(n, -1)
    p_win = np.zeros(n)
    for i in range(n):
        target[i], p_win[i] = _best_for(i, dist, dist_t, est, w, sal, rule, commit)
    return target, p_win


@njit(cache=True)
def _round4(v):
    return np.trunc(0.5 + (v * 10000.0)) / 10000.0


@njit(cache=True)
def _interpolate(ivb, x, s, i, j, p_i, p_j, out_i, out_j):
    for k in range(x.shape[1]):
        t_i, t_j = x[i, k], x[j, k]
        s_i, s_j = s[i, k], s[j, k]
        if ivb == 2:
            d_i = p_j - p_i if p_j > p_i else 0.0
            d_j = p_i - p_j if p_i > p_j else 0.0
            si2, sj2 = s_i * s_i, s_j * s_j
            dik = (d_i * sj2) / ((d_i * sj2) + 1e-6 + ((1 - d_i) * si2))
            djk = (d_j * si2) / ((d_j * si2) + 1e-6 + ((1 - d_j) * sj2))
            out_i[k] = t_i + dik * (t_j - t_i)
            out_j[k] = t_j + djk * (t_i - t_j)
            continue
        if ivb == 1:
            w_i = (s_i * s_i) * (p_i * p_i)
            w_j = (s_j * s_j) * (p_j * p_j)
        else:
            w_i = s_i * p_i
            w_j = s_j * p_j
        out_i[k] = _round4(((w_i + 1e-6) * t_i + w_j * t_j) / (w_i + 1e-6 + w_j))
        out_j[k] = _round4((w_i * t_i + (1e-6 + w_j) * t_j) / (w_i + 1e-6 + w_j))


@njit(cache=True)
def _turn(x, s, ssq, cap, sal, w, codes):
    """One KTAB turn (``SMPState::doBCN``) of one draw; returns the new positions."""
    n, n_dim = x.shape
    rule, commit, ivb, model = codes[1], codes[6], codes[7], codes[8]
    dist, risk, est = _assess(x, s, ssq, cap, codes)
    target, p_win = _targets_serial(dist, est, w, sal, rule, commit)
    per = 2 if model == 1 else 1
    n_q = per * n
    q_init = np.full(n_q, -1)
    q_rcvr = np.full(n_q, -1)
    pos_i = np.zeros((n_q, n_dim))
    pos_j = np.zeros((n_q, n_dim))
    jij_i = np.zeros(n_dim)
    jij_j = np.zeros(n_dim)
    for i in range(n):
        j = target[i]
        if j < 0:
            continue
        q = per * i
        q_init[q], q_rcvr[q] = i, j
        _interpolate(ivb, x, s, i, j, p_win[i], 1 - p_win[i], pos_i[q], pos_j[q])
        if model == 0:
            continue
        # KTAB takes probEduChlg's *gain* as j's probability (see docs)
        gain_j = _challenge(j, i, i, j, dist, est, w, sal, rule, commit)[1]
        _interpolate(ivb, x, s, i, j, gain_j, 1 - gain_j, jij_i, jij_j)
        if model == 1:
            q_init[q + 1], q_rcvr[q + 1] = i, j
            pos_i[q + 1] = jij_i
            pos_j[q + 1] = jij_j
        else:
            wi = cap[i] * sal[i]
            wj = cap[i] * sal[j]
            for k in range(n_dim):
                pos_i[q, k] = (wi * pos_i[q, k] + wj * jij_i[k]) / (wi + wj)
                pos_j[q, k] = (wi * pos_j[q, k] + wj * jij_j[k]) / (wi + wj)
    # utility to actor a of its own view of every position, and of every bargain's state
    own = np.empty((n, n))
    sq = np.empty(n)
    for a in range(n):
        r = est[a, a]
        tot = 0.0
        for m in range(n):
            own[a, m] = _bs_util(dist[a, m], r)
            tot = tot + own[a, m]
        sq[a] = tot / n
    util = np.zeros((n, n_q))
    for q in range(n_q):
        qi, qr = q_init[q], q_rcvr[q]
        if qi < 0:
            continue
        for a in range(n):
            u = 0.0
            u = u + _bs_util(_distance(x, a, pos_i[q], s, ssq), risk[a])
            u = u + _bs_util(_distance(x, a, pos_j[q], s, ssq), risk[a])
            for m in range(n):
                if m != qi and m != qr:
                    u = u + own[a, m]
            util[a, q] = u / n
    new = x.copy()
    chosen = np.empty(n_q + 1, dtype=np.int64)
    for k in range(n):
        nb = 1
        chosen[0] = -1
        for q in range(n_q):
            if q_init[q] == k or q_rcvr[q] == k:
                chosen[nb] = q
                nb += 1
        if nb == 1:
            continue
        u_opt = np.empty((n, nb))
        for a in range(n):
            u_opt[a, 0] = sq[a]
            for m in range(1, nb):
                u_opt[a, m] = util[a, chosen[m]]
        p = _pce(codes[2], codes[0], _coalitions(rule, cap, u_opt))
        best, best_p = 0, -1.0
        for m in range(nb):
            if best_p < abs(p[m]):
                best_p = abs(p[m])
                best = m
        if best == 0:
            continue
        q = chosen[best]
        src = pos_i[q] if q_init[q] == k else pos_j[q]
        for d in range(n_dim):
            new[k, d] = src[d]
    return new


@njit(cache=True)
def _win_forecast(x, s, ssq, cap, codes):
    """Expected final position under KTAB's win probabilities of the distinct positions."""
    n, n_dim = x.shape
    dist, risk, est = _assess(x, s, ssq, cap, codes)
    uniq = np.empty(n, dtype=np.int64)
    n_u = 0
    for i in range(n):
        found = False
        for m in range(n_u):
            acc = 0.0
            for k in range(n_dim):
                d = x[i, k] - x[uniq[m], k]
                acc = acc + d * d
            if np.sqrt(acc) < POS_TOL:
                found = True
                break
        if not found:
            uniq[n_u] = i
            n_u += 1
    u = np.empty((n, n_u))
    for i in range(n):
        for m in range(n_u):
            u[i, m] = _bs_util(dist[i, uniq[m]], est[i, i])
    p = _pce(codes[2], codes[0], _coalitions(PROPORTIONAL, cap, u))
    out = np.zeros(n_dim)
    for m in range(n_u):
        for k in range(n_dim):
            out[k] = out[k] + p[m] * x[uniq[m], k]
    return out


@njit(cache=True)
def _run_one(x0, sb, cap, codes, max_turns, hist):
    """Run one draw to its stop, writing ``hist[T + 1, N, K]``; returns (turns, forecast)."""
    n, n_dim = x0.shape
    ssq = np.empty(n)
    sal = np.empty(n)
    w = np.empty(n)
    for i in range(n):
        a2, a1 = 0.0, 0.0
        for k in range(n_dim):
            a2 = a2 + sb[i, k] * sb[i, k]
            a1 = a1 + sb[i, k]
        ssq[i] = a2 if a2 > 0 else 1.0
        sal[i] = a1
        w[i] = a1 * cap[i]
    x = x0.copy()
    hist[0] = x
    first = 0.0
    t = 0
    for t in range(1, max_turns + 1):
        new = _turn(x, sb, ssq, cap, sal, w, codes)
        moved = 0.0
        for i in range(n):
            acc = 0.0
            for k in range(n_dim):
                d = new[i, k] - x[i, k]
                acc = acc + d * d
            moved = moved + np.sqrt(acc)
        hist[t] = new
        x = new
        if t == 1:
            first = moved + 1e-4
        if t >= 2 and moved / first < 0.02:
            break
    for tt in range(t + 1, max_turns + 1):
        hist[tt] = x
    return t, _win_forecast(x, sb, ssq, cap, codes)


@njit(cache=True, nogil=True)
def run_draws(x0, s, cap, codes, max_turns):
    """Run every draw to its stop; ``x0`` on [0, 1]. Releases the GIL, so that chunks of
    draws can run in parallel threads.

    Returns ``history[B, max_turns + 1, N, K]`` (padded), ``rounds[B]`` and
    ``forecast[B, K]`` (on [0, 1]).
    """
    n_b, n, n_dim = x0.shape
    hist = np.empty((n_b, max_turns + 1, n, n_dim))
    rounds = np.zeros(n_b, dtype=np.int64)
    forecast = np.empty((n_b, n_dim))
    for b in range(n_b):
        rounds[b], forecast[b] = _run_one(x0[b], s[b], cap[b], codes, max_turns, hist[b])
    return hist, rounds, forecast
