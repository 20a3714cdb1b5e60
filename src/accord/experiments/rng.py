"""Random numbers per experiment, independent of chunking and executor.

Experiment ``i`` of a run with seed ``s`` draws from its own generator, seeded by
``SeedSequence(s, spawn_key=(i,))``: the stream ``SeedSequence(s).spawn(n)[i]`` would be
(O'Neill 2015, "PCG"; numpy's ``SeedSequence`` design). A result therefore depends only on
``(s, i)``: not on which chunk, process or machine computes it.

Further independent streams of the same experiment (``stream=k >= 1``) use the spawn key
``(i, k)``. The design (the sampling of uncertainties) uses the key ``(DESIGN_STREAM_TAG, 0)``,
which no experiment stream uses (stream 0 has a one-word key, other streams ``k >= 1``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

DESIGN_STREAM_TAG = 0x64657369  # "desi"

ShapeLike = int | Sequence[int]


def experiment_rng(seed: int, experiment_id: int, stream: int = 0) -> np.random.Generator:
    """Generator of one experiment: PCG64 seeded by ``SeedSequence(seed, spawn_key=key)``.

    ``key`` is ``(experiment_id,)`` for ``stream=0`` and ``(experiment_id, stream)`` otherwise.
    """
    if stream < 0 or experiment_id < 0:
        raise ValueError("experiment ids and streams must be >= 0")
    key = (int(experiment_id),) if stream == 0 else (int(experiment_id), int(stream))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=key)))


def experiment_rngs(
    seed: int, experiment_ids: Iterable[int], stream: int = 0
) -> list[np.random.Generator]:
    """One generator per experiment id, see :func:`experiment_rng`."""
    return [experiment_rng(seed, int(i), stream) for i in _ids(experiment_ids)]


def design_rng(seed: int) -> np.random.Generator:
    """Generator used to sample a design from ``seed`` (distinct from every experiment's)."""
    sequence = np.random.SeedSequence(int(seed), spawn_key=(DESIGN_STREAM_TAG, 0))
    return np.random.Generator(np.random.PCG64(sequence))


def _ids(experiment_ids: Iterable[int]) -> np.ndarray:
    if not isinstance(experiment_ids, np.ndarray):
        experiment_ids = list(experiment_ids)
    return np.asarray(experiment_ids, dtype=np.int64).ravel()


def _as_shape(shape: ShapeLike) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer):
        return (int(shape),)
    return tuple(int(size) for size in shape)


def experiment_draws(
    seed: int,
    experiment_ids: Iterable[int],
    requests: Sequence[tuple[str, ShapeLike]],
    stream: int = 0,
) -> list[np.ndarray]:
    """Several blocks of draws per experiment, in a fixed order from each experiment's stream.

    Parameters
    ----------
    seed
        Run seed.
    experiment_ids
        Ids of the experiments of the batch (length ``B``).
    requests
        ``[(kind, shape), ...]`` with kind ``"uniform"`` (on [0, 1)) or ``"normal"`` (standard).
    stream
        Which independent stream of each experiment to use.

    Returns
    -------
    list of ndarray
        One array of shape ``(B, *shape)`` per request. Row ``b`` depends only on
        ``(seed, experiment_ids[b], stream)``.
    """
    ids = _ids(experiment_ids)
    outputs = [np.empty((ids.size, *_as_shape(shape)), dtype=np.float64) for _, shape in requests]
    flats = [out.reshape(ids.size, -1) for out in outputs]
    kinds = [kind for kind, _ in requests]
    for kind in kinds:
        if kind not in ("uniform", "normal"):
            raise ValueError(f"unknown kind of draw {kind!r}: expected 'uniform' or 'normal'")
    for row, experiment_id in enumerate(ids):  # one generator per experiment; draws are bulk
        generator = experiment_rng(seed, int(experiment_id), stream)
        for kind, flat in zip(kinds, flats, strict=True):
            if kind == "uniform":
                generator.random(out=flat[row])
            else:
                generator.standard_normal(out=flat[row])
    return outputs


def experiment_uniforms(
    seed: int, experiment_ids: Iterable[int], shape: ShapeLike = (), stream: int = 0
) -> np.ndarray:
    """Uniforms on [0, 1), shape ``(B, *shape)``; row ``b`` from experiment ``ids[b]``'s stream."""
    return experiment_draws(seed, experiment_ids, [("uniform", shape)], stream)[0]


def experiment_normals(
    seed: int, experiment_ids: Iterable[int], shape: ShapeLike = (), stream: int = 0
) -> np.ndarray:
    """Standard normals, shape ``(B, *shape)``; row ``b`` from experiment ``ids[b]``'s stream.

    Draws from the same stream as :func:`experiment_uniforms` with the same ``stream``; use a
    different ``stream`` (or :func:`experiment_draws`) when a model needs both.
    """
    return experiment_draws(seed, experiment_ids, [("normal", shape)], stream)[0]
