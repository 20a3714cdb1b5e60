"""One bargaining round of the expected utility model, vectorised over games.

Helper of :mod:`accord.models.bargaining.eum`; see there for the model, its references and
the choices made where the sources are ambiguous. A *game* is one (draw, issue) pair: every
array here has a leading axis ``G`` of independent one-dimensional games, then actors ``N``
(and a second actor axis for dyads: ``[G, i, j]``).

Equation numbers are those of Scholz, Calbert & Smith (2011), "Unravelling Bueno de
Mesquita's group decision model", J. Theoretical Politics 23(4) (ICAART 2011 version
pp. 18-30), Appendix steps 3-11.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from accord.models.bargaining.base import weighted_median
from accord.models.bargaining.eum_votes import Engine, positive_votes

ProbabilityNorm = Literal["all_pairs", "dyad"]
CompromiseChoice = Literal["scholz_code", "least_move"]

# Expected utilities are differences of utilities in [-2, 2]; differences below this are
# treated as ties, so that the result does not depend on the order in which sums are taken.
EU_TIE = 1e-12


def win_probabilities(
    position: np.ndarray,
    weight: np.ndarray,
    risk_exponent: np.ndarray | None,
    scale: np.ndarray,
    norm: ProbabilityNorm,
    engine: Engine = "auto",
) -> np.ndarray:
    """Probability ``P[g, a, b]`` that actor ``a`` prevails over ``b`` (Scholz eq. 30-31).

    Voter ``k`` backs ``a`` against ``b`` with
    ``v_k = c_k s_k ((|x_k - x_b| / R)^r_k - (|x_k - x_a| / R)^r_k)`` when ``v_k > 0``. The
    numerator sums the positive votes. ``norm="dyad"`` divides by ``sum_k |v_k|`` for the same
    pair (the printed equation, ``P_ab + P_ba = 1``); ``norm="all_pairs"`` divides by the sum of
    ``|v_k|`` over every voter and every ordered pair of actors, which is what Scholz et al.'s
    program did according to the replication of J. McKibben (see the module ``eum``). Since
    ``|v_k(a, b)| = max(0, v_k(a, b)) + max(0, v_k(b, a))`` both denominators follow from the
    numerators. ``risk_exponent=None`` means ``r = 1`` for every voter. ``engine`` is that of
    ``eum_votes.positive_votes``.
    """
    exponent = np.ones_like(position) if risk_exponent is None else risk_exponent
    numerator = positive_votes(position, weight, exponent, scale, engine)
    if norm == "dyad":
        denominator = numerator + np.swapaxes(numerator, 1, 2)
    else:
        denominator = np.broadcast_to(
            2.0 * numerator.sum(axis=(1, 2))[:, None, None], numerator.shape
        )
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def _power(base: np.ndarray, exponent: np.ndarray | None) -> np.ndarray:
    """``base ** exponent``; ``exponent=None`` stands for 1 (the risk-neutral pass)."""
    return base if exponent is None else base**exponent


def challenge_utility(
    win_probability: np.ndarray,
    target_salience: np.ndarray,
    u_success: np.ndarray,
    u_failure: np.ndarray,
    u_status_quo: np.ndarray,
    u_no_change: np.ndarray | float,
    q: float,
) -> np.ndarray:
    """Expected utility of a challenge, ``E(U_ab)`` (Scholz eqs. 5-7).

    The target resists with probability equal to its salience; without a challenge the
    status quo holds with probability ``q``; ``u_no_change`` is the better/worse term.
    """
    return (
        target_salience * (win_probability * u_success + (1.0 - win_probability) * u_failure)
        + (1.0 - target_salience) * u_success
        - q * u_status_quo
        - u_no_change
    )


def _no_change_utility(
    distance: np.ndarray,
    challenger_to_median: np.ndarray,
    exponent: np.ndarray | None,
    q: float,
    t: float,
) -> np.ndarray | float:
    """``(1 - Q) (T U_b + (1 - T) U_w)`` with eqs. 22-23; 0 when ``Q = 1``."""
    if q == 1.0:
        return 0.0
    shift = 0.25 * np.minimum(challenger_to_median + distance, 2.0)
    u_better = 2.0 - 4.0 * _power(0.5 - shift, exponent)  # eq. 22
    u_worse = 2.0 - 4.0 * _power(0.5 + shift, exponent)  # eq. 23
    return (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)


def dyad_utilities(
    position: np.ndarray,
    salience: np.ndarray,
    win_probability: np.ndarray,
    median: np.ndarray,
    viewer_exponent: np.ndarray | None,
    scale: np.ndarray,
    q: float,
    t: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``(E(U_ij), E(U_ji))`` as seen by actor ``i``, both ``[G, i, j]``.

    Both are computed with the viewer ``i``'s risk exponent ``r_i`` (Scholz et al.'s program as
    reproduced by McKibben: "the actor's risk aversion is always used"), so the utilities of
    success, failure and status quo (eqs. 15, 16, 24) are the same for both directions.
    ``viewer_exponent=None`` means ``r = 1`` for all.
    """
    scaled = position / scale[:, None]
    distance = np.minimum(np.abs(scaled[:, :, None] - scaled[:, None, :]), 1.0)
    to_median = np.abs(scaled - median[:, None] / scale[:, None])
    r = None if viewer_exponent is None else viewer_exponent[:, :, None]
    u_success = 2.0 - 4.0 * _power(0.5 - 0.5 * distance, r)  # eq. 15
    u_failure = 2.0 - 4.0 * _power(0.5 + 0.5 * distance, r)  # eq. 16
    u_status_quo = 2.0 - 4.0 * _power(np.full_like(distance[:, :, :1], 0.5), r)  # eq. 24
    i_challenges_j = challenge_utility(
        win_probability,
        salience[:, None, :],
        u_success,
        u_failure,
        u_status_quo,
        _no_change_utility(distance, to_median[:, :, None], r, q, t),
        q,
    )
    j_challenges_i = challenge_utility(
        np.swapaxes(win_probability, 1, 2),
        salience[:, :, None],
        u_success,
        u_failure,
        u_status_quo,
        _no_change_utility(distance, to_median[:, None, :], r, q, t),
        q,
    )
    return i_challenges_j, j_challenges_i


def risk_exponents(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    median: np.ndarray,
    scale: np.ndarray,
    norm: ProbabilityNorm,
    q: float,
    t: float,
    engine: Engine = "auto",
) -> np.ndarray:
    """Risk exponent ``r_i`` from each actor's exposure to challenges (Scholz eqs. 32-34, 33).

    With every ``r = 1``, actor ``i``'s danger is ``sum_{j != i} E(U_ji)``, the utility the
    others expect from challenging it. ``R_i = (2 danger_i - max - min) / (max - min)`` in
    [-1, 1] and ``r_i = (1 - R_i / 3) / (1 + R_i / 3)`` in [0.5, 2]: the most threatened actor
    becomes the most risk averse (``r = 0.5``). When all dangers are equal ``R_i = 0``.
    """
    probability = win_probabilities(position, weight, None, scale, norm, engine)
    _, j_challenges_i = dyad_utilities(position, salience, probability, median, None, scale, q, t)
    n_actors = position.shape[1]
    others = ~np.eye(n_actors, dtype=bool)
    danger = np.where(others, j_challenges_i, 0.0).sum(axis=2)
    high = danger.max(axis=1, keepdims=True)
    low = danger.min(axis=1, keepdims=True)
    span = high - low
    spread = span > EU_TIE * np.maximum(1.0, np.abs(high) + np.abs(low))
    big_r = np.where(spread, (2.0 * danger - high - low) / np.where(spread, span, 1.0), 0.0)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def _pick(
    allowed: np.ndarray,
    cost: np.ndarray,
    rival_utility: np.ndarray,
    target: np.ndarray,
    tolerance: np.ndarray,
) -> np.ndarray:
    """Per row, the ``target`` of the allowed offer of least cost.

    Ties in cost go to the rival with the highest expected utility (BDM: "concede to the actor
    with highest expected utility"), remaining ties to the lowest target, so that the choice
    never depends on the order of the actors. Rows without an allowed offer give NaN.
    """
    cost = np.where(allowed, cost, np.inf)
    best = cost.min(axis=2, keepdims=True)
    chosen = allowed & (cost <= best + tolerance)
    rival = np.where(chosen, rival_utility, -np.inf)
    chosen &= rival >= rival.max(axis=2, keepdims=True) - EU_TIE
    value = np.where(chosen, target, np.inf).min(axis=2)
    return np.where(np.isfinite(value), value, np.nan)


def new_positions(
    position: np.ndarray,
    i_challenges_j: np.ndarray,
    j_challenges_i: np.ndarray,
    scale: np.ndarray,
    capitulation: bool,
    compromise_choice: CompromiseChoice,
) -> np.ndarray:
    """Each actor ``i`` takes its best offer (Scholz section 6, eqs. 35-36; Appendix step 11).

    With ``a = E(U_ij)`` and ``b = E(U_ji)`` as seen by ``i`` and ``x_i != x_j``:

    * conflict, ``b > a > 0``: ``i`` expects to lose and moves to ``x_j``;
    * compromise, ``a < 0 < b`` and ``b > |a|``: ``i`` moves to ``x_i + (x_j - x_i) |a / b|``;
    * capitulation, ``a < 0 < b`` and ``|a| > b``: ``i`` moves to ``x_j`` (only if
      ``capitulation``);
    * otherwise (stalemate, or ``i`` has the upper hand): no offer to ``i``.

    Offers are taken in the order conflict, compromise, capitulation; within a kind, the one
    that moves ``i`` least, except that compromises are ranked by
    ``(|a| x_i + |b| x_j) / (|a| + |b|)`` (smallest first) under
    ``compromise_choice="scholz_code"``. All moves are simultaneous.
    """
    a, b = i_challenges_j, j_challenges_i
    x_i = position[:, :, None]
    x_j = position[:, None, :]
    tolerance = (1e-12 * scale)[:, None, None]
    distinct = np.abs(x_j - x_i) > tolerance
    move = np.abs(x_j - x_i)

    conflict = distinct & (a > EU_TIE) & (b > a + EU_TIE)
    upper_hand_j = distinct & (a < -EU_TIE) & (b > EU_TIE)
    compromise = upper_hand_j & (b > -a + EU_TIE)
    capitulate = upper_hand_j & (-a > b + EU_TIE) if capitulation else np.zeros_like(conflict)

    safe_b = np.where(compromise, b, 1.0)
    ratio = np.clip(np.abs(a / safe_b), 0.0, 1.0)
    compromise_target = np.clip(
        x_i + (x_j - x_i) * ratio, np.minimum(x_i, x_j), np.maximum(x_i, x_j)
    )
    if compromise_choice == "scholz_code":
        weights = np.abs(a) + np.abs(b)
        compromise_cost = (np.abs(a) * x_i + np.abs(b) * x_j) / np.where(weights > 0, weights, 1)
    else:
        compromise_cost = np.abs(compromise_target - x_i)
    targets = np.broadcast_to(x_j, a.shape)

    result = position.copy()
    for allowed, cost, target in (
        (capitulate, move, targets),
        (compromise, compromise_cost, compromise_target),
        (conflict, move, targets),
    ):  # later kinds take precedence
        offer = _pick(allowed, cost, b, target, tolerance)
        result = np.where(np.isnan(offer), result, offer)
    return result


def play_round(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    scale: np.ndarray,
    *,
    q: float,
    t: float,
    norm: ProbabilityNorm,
    capitulation: bool,
    compromise_choice: CompromiseChoice,
    engine: Engine = "auto",
) -> np.ndarray:
    """Positions ``[G, N]`` after one round (Scholz Appendix steps 2-11).

    The numpy reference of the compiled round (``eum_kernel.play_rounds``); ``engine`` is that
    of the vote sums (``eum_votes.positive_votes``).
    """
    median = weighted_median(position, weight, axis=-1)
    exponent = risk_exponents(position, salience, weight, median, scale, norm, q, t, engine)
    probability = win_probabilities(position, weight, exponent, scale, norm, engine)
    i_challenges_j, j_challenges_i = dyad_utilities(
        position, salience, probability, median, exponent, scale, q, t
    )
    return new_positions(
        position, i_challenges_j, j_challenges_i, scale, capitulation, compromise_choice
    )
