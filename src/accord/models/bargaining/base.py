"""The one interface every bargaining model shares.

Array conventions (DESIGN.md): a leading batch axis ``B`` of draws, then actors ``N``,
then issues ``K``; positions on 0-100, salience in [0, 1], capability >= 0.

Every model is a pure function::

    model(capability[B, N], position[B, N, K], salience[B, N, K], *,
          status_quo[B, K] | None = None, **options) -> BargainingResult

Static models return ``history=None``. Round-based models (EUM, SMP) return the positions
of every actor after every round, round 0 being the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BargainingResult:
    """What a bargaining model returns.

    Attributes
    ----------
    forecast : ndarray [B, K]
        The predicted outcome per draw and issue (0-100 scale of the issue).
    history : ndarray [B, R + 1, N, K] or None
        Round-based models: every actor's position after each round; ``history[:, 0]`` is
        the input. A draw that stopped early repeats its last state up to ``R``.
    rounds : ndarray [B] of int or None
        Round-based models: the number of rounds each draw actually ran (``<= R``).
    stopping_round, stopped_because, cycle_length : ndarray [B, K] or None
        Models with a stopping rule (EUM): per draw and issue, the round at which the game
        stopped, why (``"stable"``, ``"cycle"``, ``"max_rounds"``) and the period of the
        repeat (1 stable, 0 not stopped).
    """

    forecast: np.ndarray
    history: np.ndarray | None = None
    rounds: np.ndarray | None = None
    stopping_round: np.ndarray | None = None
    stopped_because: np.ndarray | None = None
    cycle_length: np.ndarray | None = None


def as_batch(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check shapes and return float64 arrays ``c[B, N]``, ``x[B, N, K]``, ``s[B, N, K]``."""
    c = np.asarray(capability, dtype=float)
    x = np.asarray(position, dtype=float)
    s = np.asarray(salience, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"position must have shape [B, N, K], got {x.shape}")
    if s.shape != x.shape:
        raise ValueError(f"salience shape {s.shape} differs from position shape {x.shape}")
    if c.shape != x.shape[:2]:
        raise ValueError(f"capability shape {c.shape} does not match [B, N] = {x.shape[:2]}")
    return c, x, s


def weighted_median(values: np.ndarray, weights: np.ndarray, axis: int = -2) -> np.ndarray:
    """Lower weighted median of ``values`` along ``axis`` (vectorised).

    The smallest value whose cumulative weight reaches half the total weight: the
    Condorcet winner of a one-dimensional vote with weights ``weights`` and
    symmetric single-peaked preferences.
    """
    v = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    w = np.moveaxis(np.broadcast_to(np.asarray(weights, dtype=float), values.shape), axis, -1)
    order = np.argsort(v, axis=-1, kind="stable")
    v_sorted = np.take_along_axis(v, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    half = 0.5 * cum[..., -1:]
    idx = np.argmax(cum >= half - 1e-12 * np.abs(half), axis=-1)[..., None]
    return np.take_along_axis(v_sorted, idx, axis=-1)[..., 0]
