"""Positive vote sums behind the EUM's probability of success (Scholz et al. 2011, eq. 31).

``positive_votes(...)[g, a, b] = sum_k max(0, c_k s_k ((|x_k - x_b|/R)^r_k - (|x_k - x_a|/R)^r_k))``
for every ordered pair of actors ``(a, b)`` of every game ``g``: the weight of the voters who
prefer ``a`` to ``b``. It costs ``O(N^3)`` per game, the bulk of an EUM round for large ``N``,
so it has a compiled kernel (numba, the optional ``speed`` extra; imported lazily, compiled
once and cached on disk) and a numpy version with the same order of summation. Both are
exact sums; a prefix-sum shortcut (``O(N^2 log N)``) was tried and dropped because its
cancellation loses relative precision when a pair's votes are tiny next to the others'.
The kernel is serial: parallelism comes from the experiment executors, one process per core.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Literal

import numpy as np

Engine = Literal["auto", "numba", "numpy"]

#: Below this much work (games x actors^3) ``engine="auto"`` runs numpy unless numba is
#: already loaded: importing numba (and scipy.linalg with it) and loading the cached kernel
#: take about 0.8 s, far more than numpy needs for such a game (a 10-actor game: well under
#: a millisecond a round). The same rule as the SMP's (``smp.NUMPY_WORK_LIMIT``).
NUMPY_WORK_LIMIT = 150_000


def positive_votes(
    position: np.ndarray,
    weight: np.ndarray,
    exponent: np.ndarray,
    scale: np.ndarray,
    engine: Engine = "auto",
) -> np.ndarray:
    """Weight of the voters preferring ``a`` to ``b``, ``[G, a, b]`` (see the module docstring).

    Parameters
    ----------
    position, weight, exponent : ndarray [G, N]
        Positions, vote weights ``c s`` and each voter's risk exponent ``r``.
    scale : ndarray [G]
        The range ``R`` dividing distances.
    engine : {"auto", "numba", "numpy"}
        ``"auto"`` uses numba when it is installed, except for a small batch (games x
        actors^3 below ``NUMPY_WORK_LIMIT``) while numba is not loaded yet.
    """
    args = tuple(np.ascontiguousarray(a, dtype=float) for a in (position, weight, exponent, scale))
    n_games, n_actors = args[0].shape
    kernel = _numba_kernel() if wants_numba(engine, n_games * n_actors**3) else None
    if kernel is None:
        if engine == "numba":
            raise ImportError("numba is not installed (pip install 'accord[speed]')")
        return _positive_votes_numpy(*args)
    return kernel(*args)


def wants_numba(engine: Engine, work: int) -> bool:
    """Whether ``engine`` asks for compiled code on this much work (games x actors^3).

    ``"numba"`` always; ``"auto"`` unless the work is below ``NUMPY_WORK_LIMIT`` while numba
    is not loaded yet; ``"numpy"`` never.
    """
    if engine not in ("auto", "numba", "numpy"):
        raise ValueError(f"engine must be 'auto', 'numba' or 'numpy', got {engine!r}")
    if engine != "auto":
        return engine == "numba"
    return work >= NUMPY_WORK_LIMIT or "numba" in sys.modules


def _positive_votes_numpy(
    position: np.ndarray, weight: np.ndarray, exponent: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    n_games, n_actors = position.shape
    total = np.zeros((n_games, n_actors, n_actors))
    for k in range(n_actors):  # voters; every game and pair at once
        felt = (np.abs(position[:, k : k + 1] - position) / scale[:, None]) ** exponent[
            :, k : k + 1
        ]
        vote = weight[:, k, None, None] * (felt[:, None, :] - felt[:, :, None])
        total += np.maximum(vote, 0.0)
    return total


def _positive_votes_loops(
    position: np.ndarray, weight: np.ndarray, exponent: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Plain loops, compiled by numba; sums over voters in the order of the numpy version."""
    n_games, n_actors = position.shape
    total = np.zeros((n_games, n_actors, n_actors))
    felt = np.empty((n_actors, n_actors))  # [voter, actor]
    for g in range(n_games):
        for k in range(n_actors):
            for a in range(n_actors):
                distance = abs(position[g, k] - position[g, a]) / scale[g]
                felt[k, a] = distance ** exponent[g, k]
        for a in range(n_actors):
            row = total[g, a]
            for k in range(n_actors):
                w = weight[g, k]
                base = felt[k, a]
                for b in range(n_actors):  # independent sums over b: vectorises
                    row[b] += max(w * (felt[k, b] - base), 0.0)
    return total


@cache
def _numba_kernel() -> Callable[..., np.ndarray] | None:
    """Compile the kernel on first use (cached on disk); ``None`` without numba."""
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True)(_positive_votes_loops)
