"""Building blocks of KTAB's Spatial Model of Politics, vectorised over any leading axes.

Each function transcribes one rule of KTAB 1.4 (KAPSARC; MIT-licensed
C++ at ``lsyaseen/KTAB``, ``KTAB/kmodel`` and ``examples/smp``) into numpy: the vote of an
actor between two options, the probability that one coalition beats another, the
probability of each option winning ("probabilistic Condorcet election", PCE), the
normalised risk attitude inferred from those probabilities, and the curved utility of a
weighted distance. The names of the choices are the lower-case forms of KTAB's enum names.
"""

from __future__ import annotations

import numpy as np

VOTING_RULES = ("binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect")
VICTORY_PROBS = ("linear", "square", "quartic", "octic", "binary")
PCE_MODELS = ("conditional", "markov_incentive", "markov_uniform")
BIG_R_RANGES = ("min", "mid", "max")
BIG_R_ADJUSTS = ("full", "two_thirds", "half", "one_third", "none")
THIRD_PARTY_COMMITS = ("full_commit", "semi_commit", "no_commit")

MIN_COALITION = 1e-8  # KTAB Model::coalitions: every coalition starts at this strength


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def vote(rule: str, weight: np.ndarray, u_first: np.ndarray, u_second: np.ndarray) -> np.ndarray:
    """Vote of an actor of ``weight`` for the first option over the second (KTAB ``Model::vote``).

    Positive favours the first option. The response to the utility difference ``du`` is
    proportional (``w du``), binary (``w clip(du / 1e-8, -1, 1)``), cubic (``w du^3``), or a
    mix (``prop_bin`` 0.8/0.2, ``prop_cubic`` 0.5/0.5); ``asym_prospect`` weighs gains by 2/3.
    KTAB refuses a weight <= 0; here a zero weight simply casts a zero vote.
    """
    du = u_first - u_second
    if rule == "proportional":
        return weight * du
    if rule == "cubic":
        return weight * (du * du * du)
    if rule == "prop_cubic":
        half = 0.5
        return weight * ((1 - half) * du + half * (du * du * du))
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "binary":
        return weight * binary
    if rule == "prop_bin":
        share = 0.2
        return weight * ((1 - share) * du + share * binary)
    if rule == "asym_prospect":
        return np.where(du < 0.0, weight * du, np.where(du > 0.0, (2.0 * weight * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def _strength(model: str, s: np.ndarray) -> np.ndarray:
    if model == "linear":
        return s
    if model == "square":
        return s * s
    if model == "quartic":
        return (s * s) * (s * s)
    if model == "octic":
        q = (s * s) * (s * s)
        return q * q
    raise ValueError(f"unknown victory-probability model {model!r}")


def victory_probability(model: str, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Probability that a coalition of strength ``s1`` beats one of ``s2`` (KTAB ``vProb``).

    ``linear``: s1 / (s1 + s2); ``square``, ``quartic``, ``octic``: the same on powers of the
    strengths; ``binary``: certain victory from a 10 % advantage, linear in between.
    """
    if model == "binary":
        thresh = 1.10
        min_x = 1e-6
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, min_x, p12))
        x2 = np.where(s1 >= thresh * s2, min_x, np.where(s2 >= thresh * s1, 1.0, 1 - p12))
    else:
        x1 = _strength(model, s1)
        x2 = _strength(model, s2)
    return x1 / (x1 + x2)


def pairwise_victory(model: str, coalition: np.ndarray) -> np.ndarray:
    """Square matrix ``p[..., i, j]`` = P(option i beats option j) from coalition strengths.

    The diagonal is 1/2 as in KTAB.
    """
    p = victory_probability(model, coalition, np.swapaxes(coalition, -1, -2))
    n = coalition.shape[-1]
    idx = np.arange(n)
    p[..., idx, idx] = 0.5
    return p


def coalition_strengths(rule: str, weight: np.ndarray, utility: np.ndarray) -> np.ndarray:
    """KTAB ``Model::coalitions`` for voters of ``weight[..., A]`` over options.

    ``utility[..., A, M]`` is the utility to voter a of option m. Returns ``c[..., M, M]``:
    c[i, j] = 1e-8 + the sum of the positive votes for i over j (the diagonal is 1e-8).
    KTAB scans only the lower-left pairs (i > j), so the vote v_k(i over j) alone decides
    both strengths: its positive part goes to c[i, j] and its negative part to c[j, i]. For
    the asymmetric voting rule this favours the option with the smaller index (docs).
    """
    u = np.moveaxis(utility, -2, 0)  # [A, ..., M]
    w = np.moveaxis(weight, -1, 0)[..., None, None]
    votes = vote(rule, w, u[..., :, None], u[..., None, :])  # [A, ..., M, M]
    for_first = sequential_sum(np.maximum(votes, 0.0), 0, MIN_COALITION)
    for_second = sequential_sum(np.maximum(-votes, 0.0), 0, MIN_COALITION)
    m = for_first.shape[-1]
    lower = np.tril(np.ones((m, m), dtype=bool), -1)
    c = np.where(lower, for_first, np.swapaxes(for_second, -1, -2))
    idx = np.arange(m)
    c[..., idx, idx] = MIN_COALITION
    return c


def pce(
    model: str,
    victory: str,
    coalition: np.ndarray,
    valid: np.ndarray | None = None,
) -> np.ndarray:
    """Probability of each option winning (KTAB ``Model::probCE2``), ``[..., M]``.

    ``conditional``: P(i) proportional to the product over j of P(i beats j) (one-step
    conditional probability); ``markov_uniform`` / ``markov_incentive``: the stationary
    distribution of KTAB's challenge Markov chain, iterated with KTAB's stopping tolerance
    problem by problem. ``valid[..., M]`` restricts each problem to a subset of the options
    (invalid ones get probability 0), so that problems of different sizes share one array.
    """
    pv = pairwise_victory(victory, coalition)
    if valid is None:
        valid = np.ones(coalition.shape[:-1], dtype=bool)
    pair_ok = valid[..., :, None] & valid[..., None, :]
    if model == "conditional":
        p = np.multiply.reduce(np.where(valid[..., None, :], pv, 1.0), axis=-1)
        p = np.where(valid, p, 0.0)
        return p / sequential_sum(p)[..., None]
    n_valid = valid.sum(axis=-1, keepdims=True).astype(float)
    p = np.where(valid, 1.0 / n_valid, 0.0)
    if model == "markov_uniform":
        pv_m = np.where(pair_ok, pv, 0.0)
        tol = 1e-6
        return _iterate(
            lambda p: (pv_m * (p[..., :, None] + p[..., None, :])).sum(-1) / n_valid, p, tol
        )
    if model == "markov_incentive":
        n = coalition.shape[-1]
        eye = np.eye(n, dtype=bool)
        incentive = np.where(pair_ok, coalition * pv + np.where(eye, 1e-10, 0.0), 0.0)
        challenge = incentive / np.where(valid[..., None, :], incentive.sum(-2, keepdims=True), 1.0)
        pv_m = np.where(pair_ok, pv, 0.0)

        def update(p: np.ndarray) -> np.ndarray:
            ct = p[..., :, None] * np.swapaxes(challenge, -1, -2)  # ct[i, j] = p_i P[j -> i]
            return (pv_m * (ct + np.swapaxes(ct, -1, -2))).sum(-1)

        return _iterate(update, p, 1e-8)
    raise ValueError(f"unknown PCE model {model!r}")


def _iterate(update, p: np.ndarray, tol: float) -> np.ndarray:
    """KTAB's damped fixed-point iteration p <- (p + q) / 2, until max |q - p| <= tol."""
    active = np.ones(p.shape[:-1], dtype=bool)
    for _ in range(1000):
        q = update(p)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active = active & (change > tol)
        if not active.any():
            return p
    raise RuntimeError("Markov PCE did not converge in 1000 iterations (as KTAB, give up)")


def big_r_from_prob(p: np.ndarray, big_r_range: str) -> np.ndarray:
    """Normalised risk attitude from win probabilities (KTAB ``Model::bigRfromProb``).

    The actor whose position is most likely to win is the most risk-averse (R = +1), the
    least likely the most risk-acceptant (R = 0, -1/2 or -1 for ``min``, ``mid``, ``max``).
    Where every probability is equal KTAB divides 0 by 0; here R = 0 (risk neutral).
    """
    p_min = p.min(axis=-1, keepdims=True)
    p_max = p.max(axis=-1, keepdims=True)
    span = p_max - p_min
    safe = np.where(span > 0, span, 1.0)
    if big_r_range == "min":
        r = (p - p_min) / safe
    elif big_r_range == "mid":
        r = (3 * p - (p_max + 2 * p_min)) / (2 * safe)
    elif big_r_range == "max":
        r = (2 * p - (p_max + p_min)) / safe
    else:
        raise ValueError(f"unknown big-R range {big_r_range!r}")
    return np.where(span > 0, r, 0.0)


def estimated_risk(r_h: np.ndarray, r_i: np.ndarray, adjust: str) -> np.ndarray:
    """h's estimate of i's risk attitude (KTAB ``Model::estNRA``): anchored on h's own."""
    if adjust == "full":
        return r_i + 0.0 * r_h
    if adjust == "two_thirds":
        return (r_h + (2.0 * r_i)) / 3.0
    if adjust == "half":
        return (r_h + r_i) / 2
    if adjust == "one_third":
        return ((2.0 * r_h) + r_i) / 3.0
    if adjust == "none":
        return r_h + 0.0 * r_i
    raise ValueError(f"unknown big-R adjustment {adjust!r}")


def curved_utility(distance: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """KTAB ``SMPModel::bsUtil``: (1 - d)(1 + d R) for d <= 1, (1 - d)(1 + R) beyond."""
    return np.where(
        distance <= 1, (1 - distance) * (1 + distance * risk), (1 - distance) * (1 + risk)
    )


def weighted_distance(
    diff: np.ndarray, salience: np.ndarray, salience_sq_sum: np.ndarray
) -> np.ndarray:
    """KTAB ``SMPModel::bvDiff``: sqrt(sum_k (d_k s_k)^2 / sum_k s_k^2), summed in k order.

    ``diff[..., K]`` and ``salience[..., K]`` broadcast; ``salience_sq_sum`` is the
    denominator (already summed).
    """
    acc = None
    for k in range(diff.shape[-1]):
        ds = diff[..., k] * salience[..., k]
        acc = ds * ds if acc is None else acc + ds * ds
    return np.sqrt(acc / salience_sq_sum)


def sequential_sum(
    values: np.ndarray, axis: int = -1, start: np.ndarray | float | None = None
) -> np.ndarray:
    """Sum along ``axis`` strictly left to right, after ``start`` if given (KTAB's loops).

    numpy's own sum along the contiguous axis adds pairwise, which rounds differently; a
    reduction along the leading axis of a C-ordered array adds one slice at a time.
    """
    v = np.moveaxis(values, axis, 0)
    if start is not None:
        first = np.broadcast_to(np.asarray(start, dtype=float), v.shape[1:])[None]
        v = np.concatenate([first, v], axis=0)
    return np.add.reduce(np.ascontiguousarray(v), axis=0)


def ordered_sum(values: np.ndarray) -> np.ndarray:
    """Sum over the last axis, left to right (as KTAB's loops), for short axes."""
    acc = values[..., 0] * 1.0
    for k in range(1, values.shape[-1]):
        acc = acc + values[..., k]
    return acc
