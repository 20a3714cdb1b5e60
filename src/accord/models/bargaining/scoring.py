"""Scores of forecasts against observed outcomes.

Point forecasts: absolute error and hit rate within a band (Thomson et al. 2006, *The
European Union Decides*, score models by the mean absolute error on the 0-100 scale).
Distribution forecasts, given as samples: the continuous ranked probability score in its
energy form, ``CRPS(F, y) = E|X - y| - E|X - X'| / 2`` (Gneiting & Raftery 2007, JASA 102,
eq. 21), lower is better, in the units of the scale.
"""

from __future__ import annotations

import numpy as np


def absolute_error(forecast: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """``|forecast - observed|`` elementwise (numpy broadcasting)."""
    return np.abs(np.asarray(forecast, dtype=float) - np.asarray(observed, dtype=float))


def hit_rate(
    forecast: np.ndarray,
    observed: np.ndarray,
    *,
    within: float = 10.0,
    axis: int | tuple[int, ...] | None = None,
) -> np.ndarray | float:
    """Share of forecasts within ``within`` points of the outcome (``|error| <= within``).

    Parameters
    ----------
    forecast, observed : array_like
        Broadcastable arrays on the same scale.
    within : float
        Half-width of the band; 10 points on the 0-100 scale by default.
    axis : int or tuple of int, optional
        Axes to average over; all by default.
    """
    if within < 0:
        raise ValueError(f"within must be >= 0, got {within}")
    hits = absolute_error(forecast, observed) <= within
    return hits.mean(axis=axis)


def crps(samples: np.ndarray, observed: np.ndarray, *, fair: bool = False) -> np.ndarray:
    """Continuous ranked probability score of a sample forecast, per issue.

    ``CRPS = mean_b |X_b - y| - (1 / (2 B^2)) sum_{b, b'} |X_b - X_b'|`` (Gneiting & Raftery
    2007, eq. 21, with the empirical distribution of the samples), which equals the integral
    ``int (F_B(z) - 1{z >= y})^2 dz`` of the samples' empirical CDF ``F_B``. The pair sum is
    computed from the sorted samples, ``sum_{b,b'} |X_b - X_b'| = 2 sum_i (2 i - B - 1) X_(i)``,
    in O(B log B).

    Parameters
    ----------
    samples : ndarray [B, ...]
        Draws of the forecast distribution along axis 0 (e.g. ``[B, K]``).
    observed : ndarray broadcastable to ``samples.shape[1:]`` (e.g. ``[K]``)
        The outcomes.
    fair : bool
        If True, divide the pair sum by ``2 B (B - 1)`` instead of ``2 B^2``: the unbiased
        estimate of the CRPS of the distribution the samples come from (Ferro 2014, QJRMS 140).

    Returns
    -------
    ndarray of shape ``samples.shape[1:]``
    """
    x = np.asarray(samples, dtype=float)
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError("samples needs a non-empty leading axis of draws")
    y = np.broadcast_to(np.asarray(observed, dtype=float), x.shape[1:])
    n = x.shape[0]
    if fair and n < 2:
        raise ValueError("the fair CRPS needs at least two samples")
    to_outcome = np.abs(x - y).mean(axis=0)
    ordered = np.sort(x, axis=0)
    rank_weight = (2.0 * np.arange(1, n + 1) - n - 1).reshape((n,) + (1,) * (x.ndim - 1))
    pair_sum = 2.0 * (rank_weight * ordered).sum(axis=0)
    pairs = n * (n - 1) if fair else n * n
    return to_outcome - pair_sum / (2.0 * pairs)
