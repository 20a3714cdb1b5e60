"""Alliance burden-sharing: Nash equilibrium of the joint-product public-good game.

Ally ``i`` with income ``y_i`` (GDP) spends ``m_i`` on a good that also protects its allies
(defence, or aid to Ukraine). It enjoys

    Q_i = m_i + theta * sum_{j != i} s_j m_j,
    U_i = (y_i - m_i)^(1 - a_i) * Q_i^(a_i),

where ``theta`` in [0, 1] is the publicness of allied spending (theta = 1: Olson &
Zeckhauser 1966, pure public good; theta < 1: the joint-product model of Sandler 1977 and
Murdoch & Sandler 1984) and ``s_j`` in [0, 1] (``spill_in``, default 1) scales how much of
ally ``j``'s spending reaches the others (the lever "the US's spill-in to Europe is cut"
lowers ``s_US``). The best response, with a floor ``f_i`` (a spending target that binds),
is (Cobb-Douglas first-order condition; Bergstrom, Blume & Varian 1986, eq. 3 for theta=1)

    m_i = max(f_i, a_i y_i - (1 - a_i) theta X_i),   X_i = sum_{j != i} s_j m_j.

Exact equilibrium (aggregative game, Cornes & Hartley 2007). Write ``S = sum_j s_j m_j``, so
``X_i = S - s_i m_i``. For a given ``S`` ally ``i``'s consistent choice is the
"replacement function"

    r_i(S) = max(f_i, p_i - q_i S),
    p_i = a_i y_i / (1 - (1 - a_i) theta s_i),   q_i = (1 - a_i) theta / (1 - (1 - a_i) theta s_i),

and the equilibrium is the unique root of ``g(S) = S - sum_i s_i r_i(S)``: ``g`` is
piecewise linear and strictly increasing, with a kink where ally ``i`` switches from its
interior choice to its floor, at ``S = (p_i - f_i) / q_i``. Sorting the kinks per draw and
evaluating ``g`` at each with cumulative sums finds the segment holding the root, where
the interior conditions are linear and solved in closed form. This is Bergstrom-Blume-
Varian's contributor set (the allies not at their floor) found by a vectorised monotone
search; no iteration, exact up to floating point. Cost: one sort of N per draw.

References
----------
Olson, M. & Zeckhauser, R. (1966). An economic theory of alliances. Rev. Econ. Stat. 48(3).
Sandler, T. (1977). Impurity of defense: an application to the economics of alliances.
    Kyklos 30(3).
Murdoch, J. C. & Sandler, T. (1984). Complementarity, free riding, and the military
    expenditures of NATO allies. J. Public Econ. 25.
Bergstrom, T., Blume, L. & Varian, H. (1986). On the private provision of public goods.
    J. Public Econ. 29, 25-49.
Cornes, R. & Hartley, R. (2007). Aggregative public good games. J. Public Econ. Theory 9(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

_TINY = 1e-12


def _lead_theta(theta: ArrayLike, lead: tuple[int, ...]) -> Array:
    """theta as an array of shape lead + (1,), from a scalar or an array of shape lead."""
    t = np.asarray(theta, dtype=float)
    return np.broadcast_to(t, lead)[..., None] if t.ndim <= len(lead) else t


def _spill(spill_in: ArrayLike | None, shape: tuple[int, ...]) -> Array:
    if spill_in is None:
        return np.ones(shape)
    return np.broadcast_to(np.asarray(spill_in, dtype=float), shape)


def security(spending: ArrayLike, theta: ArrayLike, spill_in: ArrayLike | None = None) -> Array:
    """Security each ally enjoys, Q_i = m_i + theta * sum_{j != i} s_j m_j (Sandler 1977)."""
    m = np.asarray(spending, dtype=float)
    s = _spill(spill_in, m.shape)
    t = _lead_theta(theta, m.shape[:-1])
    weighted = s * m
    others = weighted.sum(axis=-1, keepdims=True) - weighted
    return np.asarray(m + t * others)


def utility(
    spending: ArrayLike,
    income: ArrayLike,
    alpha: ArrayLike,
    theta: ArrayLike,
    spill_in: ArrayLike | None = None,
) -> Array:
    """U_i = (y_i - m_i)^(1-a_i) Q_i^(a_i), the Cobb-Douglas utility of each ally."""
    m = np.asarray(spending, dtype=float)
    a = np.asarray(alpha, dtype=float)
    q = security(m, theta, spill_in)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.exp((1 - a) * np.log(np.asarray(income) - m) + a * np.log(q)))


def best_response(
    income: ArrayLike,
    alpha: ArrayLike,
    theta: ArrayLike,
    others: ArrayLike,
    floor: ArrayLike | None = None,
) -> Array:
    """m_i = max(f_i, a_i y_i - (1 - a_i) theta X_i), X_i the spill-weighted allied spending.

    Olson & Zeckhauser (1966); Cobb-Douglas form as in Bergstrom, Blume & Varian (1986).
    """
    y = np.asarray(income, dtype=float)
    a = np.asarray(alpha, dtype=float)
    t = _lead_theta(theta, y.shape[:-1])
    f = np.zeros_like(y) if floor is None else np.asarray(floor, dtype=float)
    return np.asarray(np.maximum(f, a * y - (1 - a) * t * np.asarray(others, dtype=float)))


def nash_equilibrium(
    income: ArrayLike,
    alpha: ArrayLike,
    theta: ArrayLike,
    *,
    spill_in: ArrayLike | None = None,
    floor: ArrayLike | None = None,
    fixed: ArrayLike | None = None,
) -> Array:
    """Exact Nash equilibrium spending of the joint-product public-good game, per draw.

    Parameters
    ----------
    income : array [B, N] (or [..., N])
        Each ally's income y_i (GDP), > 0.
    alpha : array [B, N]
        Cobb-Douglas weight a_i in [0, 1] on security (see :func:`calibrate_alpha`).
    theta : float or array [B]
        Publicness of allies' spending, in [0, 1].
    spill_in : array [B, N] or [N], optional
        s_j in [0, 1]: the share of ally j's spending that reaches the others (default 1).
    floor : array [B, N], optional
        Minimum spending f_i >= 0 (e.g. 2 % of GDP); default 0.
    fixed : array [B, N], optional
        Exogenous spending; NaN where the ally chooses freely. A fixed ally does not best
        respond (e.g. "the US cuts its spending by half").

    Returns
    -------
    array [B, N]
        Equilibrium spending m_i. The unique equilibrium of the aggregative game
        (Cornes & Hartley 2007), found by sorting the allies' floor kinks (see module
        docstring); pure case theta = 1 as Bergstrom, Blume & Varian (1986).
    """
    y = np.asarray(income, dtype=float)
    a = np.broadcast_to(np.asarray(alpha, dtype=float), y.shape)
    shape = y.shape
    t = _lead_theta(theta, shape[:-1])
    s = _spill(spill_in, shape)
    f = np.zeros(shape) if floor is None else np.broadcast_to(np.asarray(floor, float), shape)
    if np.any(f > y):
        raise ValueError("a floor exceeds its ally's income")

    den = np.maximum(1.0 - (1.0 - a) * t * s, _TINY)
    p = a * y / den
    q = (1.0 - a) * t / den
    if fixed is not None:
        fx = np.broadcast_to(np.asarray(fixed, dtype=float), shape)
        is_fixed = ~np.isnan(fx)
        p = np.where(is_fixed, fx, p)
        q = np.where(is_fixed, 0.0, q)
        f = np.where(is_fixed, fx, f)
    responsive = q > 0
    # Value at the floor; an ally with q = 0 ignores the others: constant max(f, p).
    floor_value = np.where(responsive, f, np.maximum(f, p))
    with np.errstate(divide="ignore", invalid="ignore"):
        kink = np.where(responsive, (p - f) / np.where(responsive, q, 1.0), -np.inf)

    # Sort each draw's kinks; prefix sums over the sorted allies.
    order = np.argsort(kink, axis=-1)

    def gather(values: Array) -> Array:
        return np.take_along_axis(np.asarray(values), order, axis=-1)

    kink_sorted = gather(kink)
    zero = np.zeros(shape[:-1] + (1,))

    def prefix(values: Array) -> Array:
        return np.concatenate([zero, np.cumsum(gather(values), axis=-1)], axis=-1)

    cum_f = prefix(s * floor_value)
    cum_p = prefix(np.where(responsive, s * p, 0.0))
    cum_q = prefix(s * q)
    total_p, total_q = cum_p[..., -1:], cum_q[..., -1:]

    # g at each kink, with the allies up to and including it at their floor.
    finite = np.isfinite(kink_sorted)
    kink_safe = np.where(finite, kink_sorted, 0.0)
    interior_p = total_p - cum_p[..., 1:]
    interior_q = total_q - cum_q[..., 1:]
    g = kink_safe - cum_f[..., 1:] - interior_p + interior_q * kink_safe
    g = np.where(finite, g, kink_sorted)
    at_floor = np.sum(g < 0, axis=-1, keepdims=True)
    f_k = np.take_along_axis(cum_f, at_floor, axis=-1)
    p_k = total_p - np.take_along_axis(cum_p, at_floor, axis=-1)
    q_k = total_q - np.take_along_axis(cum_q, at_floor, axis=-1)
    aggregate = (f_k + p_k) / (1.0 + q_k)
    return np.asarray(np.where(responsive, np.maximum(f, p - q * aggregate), floor_value))


def calibrate_alpha(
    spending: ArrayLike,
    income: ArrayLike,
    theta: ArrayLike,
    *,
    spill_in: ArrayLike | None = None,
) -> Array:
    """Preference weights that make observed spending a Nash equilibrium.

    a_i = (m_i + theta X_i) / (y_i + theta X_i), X_i = sum_{j != i} s_j m_j: the
    first-order condition of the best response solved for a_i (MODELS.md section 2).
    An ally that spends nothing gets the smallest a_i at which zero is its best response.

    Parameters
    ----------
    spending, income : array [..., N]
    theta : float or array [...]
    spill_in : array, optional
    """
    m = np.asarray(spending, dtype=float)
    y = np.asarray(income, dtype=float)
    s = _spill(spill_in, m.shape)
    t = _lead_theta(theta, m.shape[:-1])
    weighted = s * m
    others = weighted.sum(axis=-1, keepdims=True) - weighted
    return np.asarray((m + t * others) / (y + t * others))


def calibrate_alpha_with_threat(
    spending: ArrayLike,
    income: ArrayLike,
    theta: ArrayLike,
    rise: ArrayLike,
    *,
    spill_in: ArrayLike | None = None,
) -> Array:
    """Preference weights after a threat rise, as a shift of each ally's demand.

    A threat rise ``r_i`` means: with the allies' spending held at the observed year, ally
    ``i`` would now spend ``(1 + r_i) m_i``. The weight solves the first-order condition
    for that spending, a_i = ((1 + r_i) m_i + theta X_i) / (y_i + theta X_i), the
    calibration formula with the shifted demand (threat as a shifter of the demand for
    defence, Murdoch & Sandler 1984; a modelling choice stated in docs/models/burden.md).
    With ``r = 0`` this is :func:`calibrate_alpha`; allies that spent nothing stay at 0.
    """
    m = np.asarray(spending, dtype=float)
    y = np.asarray(income, dtype=float)
    s = _spill(spill_in, m.shape)
    t = _lead_theta(theta, m.shape[:-1])
    weighted = s * m
    others = weighted.sum(axis=-1, keepdims=True) - weighted
    shifted = (1.0 + np.asarray(rise, dtype=float)) * m
    return np.asarray(np.minimum((shifted + t * others) / (y + t * others), 1.0))


def counterfactual(
    income: ArrayLike,
    observed: ArrayLike,
    theta: ArrayLike,
    *,
    threat_rise: ArrayLike | None = None,
    spill_in: ArrayLike | None = None,
    floor: ArrayLike | None = None,
    fixed: ArrayLike | None = None,
    present: ArrayLike | None = None,
) -> Array:
    """Calibrate on an observed year, change the game, return the new equilibrium.

    Calibration uses the baseline game (all allies, full spill-in, no floor), so the
    observed year is the baseline equilibrium exactly. Then the threat shifts the
    preference weights (:func:`calibrate_alpha_with_threat`), allies with ``present``
    False leave (their column is NaN in the result), spill-ins, floors and fixed spending
    apply.

    Parameters
    ----------
    income, observed : array [B, N]
    theta : float or array [B]
    threat_rise : array [B, N] or [N], optional
    spill_in, floor, fixed : arrays [B, N] or [N], optional (as :func:`nash_equilibrium`)
    present : bool array [N], optional
    """
    y = np.asarray(income, dtype=float)
    m0 = np.asarray(observed, dtype=float)
    rise: ArrayLike = 0.0
    if threat_rise is not None:
        rise = np.broadcast_to(np.asarray(threat_rise, float), y.shape)
    alpha = calibrate_alpha_with_threat(m0, y, theta, rise)
    keep = np.ones(y.shape[-1], bool) if present is None else np.asarray(present, bool)

    def pick(x: ArrayLike | None) -> Array | None:
        return None if x is None else np.broadcast_to(np.asarray(x, float), y.shape)[..., keep]

    result = np.full(y.shape, np.nan)
    result[..., keep] = nash_equilibrium(
        y[..., keep],
        alpha[..., keep],
        theta,
        spill_in=pick(spill_in),
        floor=pick(floor),
        fixed=pick(fixed),
    )
    return result


@dataclass(frozen=True)
class RankCorrelation:
    """Olson & Zeckhauser's exploitation test: rank correlation of size and burden."""

    n: int
    spearman_rho: float
    spearman_p: float
    kendall_tau: float
    kendall_p: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "spearman_rho": self.spearman_rho,
            "spearman_p": self.spearman_p,
            "kendall_tau": self.kendall_tau,
            "kendall_p": self.kendall_p,
        }


def exploitation_test(gdp: ArrayLike, burden: ArrayLike) -> RankCorrelation:
    """Spearman and Kendall rank correlation of GDP with spending/GDP, with p-values.

    A positive correlation is Olson & Zeckhauser's (1966, Table 1 and section III)
    "exploitation of the great by the small": large allies carry a larger share of their
    income. Pairs with a missing value are dropped. Uses scipy.stats (two-sided p-values;
    Kendall's tau-b).
    """
    from scipy import stats

    x = np.asarray(gdp, dtype=float)
    b = np.asarray(burden, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(b))
    x, b = x[ok], b[ok]
    rho = stats.spearmanr(x, b)
    tau = stats.kendalltau(x, b)
    return RankCorrelation(
        n=int(ok.sum()),
        spearman_rho=float(rho.statistic),
        spearman_p=float(rho.pvalue),
        kendall_tau=float(tau.statistic),
        kendall_p=float(tau.pvalue),
    )
