"""Nash bargaining solution with capability weights and salience-scaled utilities.

Nash (1950), "The bargaining problem", Econometrica 18; asymmetric form (Harsanyi & Selten
1972): the outcome ``y`` maximises ``sum_i c_i log(U_i(y) - U_i(d))`` over the points that
every participating actor prefers to the reference point ``d``. Applied to EU legislative
bargaining by Achen (2006, in *The European Union Decides*) and Schneider, Finke & Bailer
(2010), "Bargaining power in the European Union", Political Studies 58, 85-103, with
``U_i(y) = -s_i |y - x_i|`` or ``U_i(y) = -s_i (y - x_i)^2``.

The solution is exact. On each issue write ``y = d + sign t`` with ``t >= 0`` and
``u_i = sign (x_i - d) > 0`` for the participants. Then ``U_i(y) - U_i(d)`` is
``s_i min(t, 2 u_i - t)`` (linear) or ``s_i t (2 u_i - t)`` (quadratic), positive exactly on
``0 < t < 2 u_i``; the feasible set is ``(0, 2 m)`` with ``m = min_i u_i``. The objective is
strictly concave there, increasing up to ``m`` (its derivative at ``m`` is ``>= 0`` in both
cases), so the maximiser is the unique point of ``[m, 2 m)`` where the (right) derivative
changes sign. The derivative is monotone, so bisection on its sign brackets the maximiser to
machine precision; in the linear case the maximiser may sit on a kink ``t = u_j``, and the
breakpoint next to the bracket is taken when its objective is at least as high.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from accord.models.bargaining.base import BargainingResult, as_batch
from accord.models.bargaining.compromise import _require_actors, _status_quo

Utility = Literal["linear", "quadratic"]
Opposition = Literal["outvoted", "veto"]
BargainingPower = Literal["capability", "capability_salience"]

_MAX_BISECTIONS = 200


def nash(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
    utility: Utility = "linear",
    opposition: Opposition = "outvoted",
    bargaining_power: BargainingPower = "capability",
) -> BargainingResult:
    """Forecast each issue as the weighted Nash bargaining solution over the status quo.

    Maximises ``sum_i c_i log(U_i(y) - U_i(d))`` (Nash 1950; Schneider, Finke & Bailer 2010,
    eq. 1; Achen 2006), ``d`` the issue's status quo.

    Parameters
    ----------
    capability : ndarray [B, N]
        Capability ``c_i >= 0``: the exponent (bargaining power) of actor ``i``.
    position : ndarray [B, N, K]
        Ideal points ``x_ik`` (0-100).
    salience : ndarray [B, N, K]
        Salience ``s_ik`` in [0, 1], the slope of ``U_i``.
    status_quo : ndarray [B, K] or [K]
        The reference (disagreement) point ``d``: required. The compromise or median point
        is not a sensible default, since actors on both sides of it would gain nothing.
    utility : {"linear", "quadratic"}
        ``U_i(y) = -s_i |y - x_i|`` or ``-s_i (y - x_i)^2``.
    opposition : {"outvoted", "veto"}
        What the actors who cannot gain from a move do (see Notes).
    bargaining_power : {"capability", "capability_salience"}
        The exponent of actor ``i``: ``c_i`` (default, as in the formula above) or
        ``c_i s_ik`` (salience also as bargaining power, a variant of Schneider et al.).

    Returns
    -------
    BargainingResult
        ``forecast[B, K]``; ``history`` and ``rounds`` are None.

    Notes
    -----
    In one dimension an agreement ``y != d`` lies on one side of ``d``; every actor on the
    other side of ``d``, or at ``d``, or with ``c_i s_ik = 0``, loses or gains nothing from
    it. Those actors cannot gain over ``d`` and drop out of the product. Choices:

    * ``opposition="outvoted"`` (default): the agreement moves towards the side holding more
      than half of the ``c s`` weight (the side of the Condorcet position, the vote used by
      ``median``); the actors on the other side or at ``d`` are outvoted and drop out. If
      neither side holds a majority (to a relative rounding margin of 1e-12), the forecast
      is ``d``.
    * ``opposition="veto"``: every actor can veto (unanimity), so the forecast is ``d``
      unless all weighted actors lie on the same side of it.

    Because ``log(s_i g) = log s_i + log g``, salience rescales ``U_i`` without moving the
    solution: with the default exponent it matters only through who takes part and which
    side wins. Every participant gains at the solution, so it lies in ``(d, 2 x_min - d)``
    (moving right; ``x_min`` the nearest participant's ideal point), at or beyond ``x_min``
    and never beyond the farthest participant.
    """
    c, x, s = as_batch(capability, position, salience)
    _require_actors(x)
    if status_quo is None:
        raise ValueError("nash needs status_quo: the reference point d of every issue")
    if utility not in ("linear", "quadratic"):
        raise ValueError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
    if opposition not in ("outvoted", "veto"):
        raise ValueError(f"opposition must be 'outvoted' or 'veto', got {opposition!r}")
    if bargaining_power not in ("capability", "capability_salience"):
        raise ValueError(f"unknown bargaining_power {bargaining_power!r}")
    d = _status_quo(status_quo, (x.shape[0], x.shape[2]))

    vote_weight = c[:, :, None] * s
    delta = x - d[:, None, :]
    direction = _direction(vote_weight, delta, opposition)

    exponent = c[:, :, None] * (s if bargaining_power == "capability_salience" else 1.0)
    gain = direction[:, None, :] * delta
    taking_part = (vote_weight > 0) & (exponent > 0) & (gain > 0)
    # Actors outside the product get zero exponent and an infinitely distant ideal point.
    e = np.where(taking_part, exponent, 0.0)
    u = np.where(taking_part, gain, np.inf)
    nearest = u.min(axis=1)
    moving = (direction != 0) & np.isfinite(nearest)
    nearest = np.where(moving, nearest, 1.0)

    t, kink = _maximise(e, u, nearest, utility)
    y = d + direction * t
    # A solution on a kink is an actor's ideal point: return that position exactly.
    at_kink = kink >= 0
    kink_position = np.take_along_axis(x, np.maximum(kink, 0)[:, None, :], axis=1)[:, 0]
    y = np.where(at_kink, kink_position, y)
    # The solution lies in the participants' hull; clip the rounding of d + t back into it.
    y = np.clip(
        y,
        np.where(taking_part, x, np.inf).min(axis=1),
        np.where(taking_part, x, -np.inf).max(axis=1),
    )
    forecast = np.where(moving, y, d)
    return BargainingResult(forecast=forecast)


def _direction(weight: np.ndarray, delta: np.ndarray, opposition: Opposition) -> np.ndarray:
    """+1, -1 or 0 per issue: the side of ``d`` the agreement moves to, if any."""
    right = (weight * (delta > 0)).sum(axis=1)
    left = (weight * (delta < 0)).sum(axis=1)
    not_right = (weight * (delta <= 0)).sum(axis=1)
    not_left = (weight * (delta >= 0)).sum(axis=1)
    if opposition == "outvoted":
        # A majority must exceed rounding noise, so that actor order cannot flip a tie.
        noise = 1e-12 * weight.sum(axis=1)
        to_right, to_left = right - not_right > noise, left - not_left > noise
    else:
        to_right = (right > 0) & (not_right == 0)
        to_left = (left > 0) & (not_left == 0)
    return to_right.astype(float) - to_left.astype(float)


def _derivative(e: np.ndarray, u: np.ndarray, t: np.ndarray, utility: Utility) -> np.ndarray:
    """Right derivative of the objective in ``t`` (``t[B, K]``, ``m <= t < 2 m``)."""
    tt = t[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if utility == "quadratic":
            towards = e.sum(axis=1) / t
            beyond = np.where(e > 0, e / (2.0 * u - tt), 0.0).sum(axis=1)
        else:
            ahead = u > tt
            towards = np.where(ahead, e, 0.0).sum(axis=1) / t
            beyond = np.where(ahead | (e == 0), 0.0, e / (2.0 * u - tt)).sum(axis=1)
    return towards - beyond


def _objective(e: np.ndarray, u: np.ndarray, t: np.ndarray, utility: Utility) -> np.ndarray:
    """``sum_i e_i log g_i(t)`` without the constant ``sum_i e_i log s_i``; -inf if infeasible."""
    tt = t[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if utility == "quadratic":
            g = tt * (2.0 * u - tt)
        else:
            g = np.minimum(tt, 2.0 * u - tt)
        terms = np.where(e > 0, e * np.log(np.where(g > 0, g, 0.0)), 0.0)
    return terms.sum(axis=1)


def _maximise(
    e: np.ndarray, u: np.ndarray, nearest: np.ndarray, utility: Utility
) -> tuple[np.ndarray, np.ndarray]:
    """The maximiser ``t`` in ``[m, 2 m)`` of the concave objective, per issue.

    Returns ``t[B, K]`` and, where the maximiser is the kink ``t = u_j`` of the linear
    objective, the actor index ``j`` (else -1).
    """
    lo = nearest.copy()
    hi = 2.0 * nearest
    eps = np.finfo(float).eps
    for _ in range(_MAX_BISECTIONS):
        if not np.any(hi - lo > 4 * eps * hi):
            break
        mid = 0.5 * (lo + hi)
        rising = _derivative(e, u, mid, utility) > 0
        lo = np.where(rising, mid, lo)
        hi = np.where(rising, hi, mid)
    no_kink = np.full(lo.shape, -1)
    if utility == "quadratic":
        return lo, no_kink
    # The linear objective has kinks at the u_j: take the breakpoint next to the bracket
    # when it is at least as good (exact kink solutions, e.g. t = m).
    distance = np.abs(u - lo[:, None, :])
    closest = np.argmin(distance, axis=1)
    nearest_kink = np.take_along_axis(u, closest[:, None, :], axis=1)[:, 0]
    gap = np.take_along_axis(distance, closest[:, None, :], axis=1)[:, 0]
    kink_ok = np.isfinite(nearest_kink) & (gap <= hi - lo + 4 * eps * hi)
    kink = np.where(kink_ok, nearest_kink, lo)
    better = kink_ok & (_objective(e, u, kink, utility) >= _objective(e, u, lo, utility))
    return np.where(better, kink, lo), np.where(better, closest, no_kink)
