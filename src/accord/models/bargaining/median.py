"""Weighted median / Condorcet position of a one-dimensional vote.

Black (1948), "On the rationale of group decision-making", J. Political Economy 56: with
single-peaked preferences the median voter's ideal point beats every other alternative in a
pairwise vote. Here actor ``i`` casts ``c_i s_i (|x_i - x_k| - |x_i - x_j|)`` votes for ``j``
over ``k`` (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, eq. 1 with ``r = 1``).
The votes summed over actors equal ``f(x_k) - f(x_j)`` with ``f(y) = sum_i c_i s_i |x_i - y|``,
so ``j`` beats every ``k`` exactly when ``x_j`` minimises ``f`` among the held positions,
and the minimisers of ``f`` are the ``c s``-weighted medians.
"""

from __future__ import annotations

import numpy as np

from accord.models.bargaining.base import BargainingResult, as_batch, weighted_median
from accord.models.bargaining.compromise import _require_actors, _status_quo


def median(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
) -> BargainingResult:
    """Forecast each issue as the held position that wins every pairwise vote.

    Parameters
    ----------
    capability : ndarray [B, N]
        Capability ``c_i >= 0``.
    position : ndarray [B, N, K]
        Positions ``x_ik`` (0-100).
    salience : ndarray [B, N, K]
        Salience ``s_ik`` in [0, 1].
    status_quo : ndarray [B, K], optional
        Used only where no actor carries weight on an issue.

    Returns
    -------
    BargainingResult
        ``forecast[B, K]``: the lower ``c s``-weighted median of the positions; ``history``
        and ``rounds`` are None.

    Notes
    -----
    Choices. When the weight below some held position is exactly half the total, several
    held positions tie in the pairwise vote (each beats or ties every other); the lowest of
    them is returned, as ``base.weighted_median`` and the EUM do. Where every weight
    ``c_i s_ik`` of an issue is zero all positions tie: the forecast is then the status quo
    when one is given, else the lower unweighted median of the positions.
    """
    c, x, s = as_batch(capability, position, salience)
    _require_actors(x)
    weight = c[:, :, None] * s
    total = weight.sum(axis=1)
    d = None if status_quo is None else _status_quo(status_quo, total.shape)
    forecast = weighted_median(x, weight, axis=1)
    if np.any(total <= 0):
        fallback = weighted_median(x, np.ones_like(x), axis=1) if d is None else d
        forecast = np.where(total > 0, forecast, fallback)
    return BargainingResult(forecast=forecast)
