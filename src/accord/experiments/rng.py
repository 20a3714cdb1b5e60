"""Random numbers per experiment, independent of chunking and executor.

Experiment ``i`` of a run with seed ``s`` draws from its own generator, seeded by
``SeedSequence(s, spawn_key=(i,))``: the stream ``SeedSequence(s).spawn(n)[i]`` would be
(O'Neill 2015, "PCG"; numpy's ``SeedSequence`` design). A result therefore depends only on
``(s, i)``: not on which chunk, process or machine computes it.

Further independent streams of the same experiment (``stream=k >= 1``) use the spawn key
``(i, k)``. The design (the sampling of uncertainties) uses the key ``(DESIGN_STREAM_TAG, 0)``,
which no experiment stream uses (stream 0 has a one-word key, other streams ``k >= 1``).

The seed discipline (docs/experiments.md, "Randomness"):

- one default seed (:data:`DEFAULT_SEED`) and one range check (:func:`check_seed`), used by
  every command and API verb (defined in :mod:`accord.spec.limits`, which every layer may
  import, and re-exported here);
- every purpose that draws from a seed has its own named key in :data:`STREAM_KEYS`; a child
  stream is ``SeedSequence(seed, spawn_key=(key, index...))`` (:func:`stream_rng`,
  :func:`child_seed`), never ``seed + k``: ``seed + 1`` would make run ``s`` wave 1 the
  same stream as run ``s + 1`` wave 0;
- draw ``i`` of a forecast or a burden sample depends only on ``(seed, i)`` (a spawn key per
  draw), so the first ``k`` draws of ``n`` are the ``k`` draws of a ``k``-draw run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from accord.spec.limits import DEFAULT_SEED, SEED_LIMIT, check_seed

__all__ = [
    "DEFAULT_SEED",
    "SEED_LIMIT",
    "STREAM_KEYS",
    "check_seed",
    "child_seed",
    "seed_from",
    "stream_rng",
    "stream_sequence",
    "experiment_rng",
    "experiment_rngs",
    "design_rng",
    "experiment_draws",
    "experiment_uniforms",
    "experiment_normals",
]


def _tag(name: str) -> int:
    """A stream key from four ASCII letters (as the keys' hex values read)."""
    return int.from_bytes(name.encode("ascii"), "big")


#: The registry of stream keys: one per purpose that draws from a run's seed. A key is the
#: first word of a spawn key, ``SeedSequence(seed, spawn_key=(key, ...))``; experiment
#: streams use the experiment id instead (below 2**32 in practice; the tags are chosen among
#: values no run of fewer than 1.6e9 experiments reaches).
STREAM_KEYS: dict[str, int] = {
    "design": _tag("desi"),  # the sampling of uncertainties (make_design)
    "terms": _tag("term"),  # the engine's pool of bargaining terms
    "demand": _tag("demd"),  # the engine's pool of demand-coefficient draws
    "calibration_pick": _tag("cali"),  # which accepted point each experiment uses
    "calibration_points": _tag("calp"),  # per wave: the Latin hypercube of parameter points
    "calibration_futures": _tag("calf"),  # per wave: the futures simulated at each point
    "forecast_draw": _tag("fcst"),  # per draw: the uncertain inputs of a forecast
    "burden_draw": _tag("burd"),  # per draw: theta and spending noise (burden game)
    "aid_draw": _tag("aidd"),  # per draw: theta and aid noise (aid game)
    "optimize": _tag("opti"),  # the optimiser's (pymoo's) own seed
    "rerun": _tag("reru"),  # accord update --rerun: its seed and its resampling
    "api_root": _tag("root"),  # reserved: a root seed drawn from a Generator
}

DESIGN_STREAM_TAG = STREAM_KEYS["design"]  # "desi"

# Constants of numpy's SeedSequence (numpy/random/bit_generator.pyx, after O'Neill's
# seed_seq_fe) and of PCG64 (the 128-bit LCG multiplier), used to seed many experiments at
# once, bit for bit as ``PCG64(SeedSequence(seed, spawn_key=key))`` would.
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715
_MASK32 = 0xFFFFFFFF
_MASK128 = (1 << 128) - 1
_PCG64_MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341
_POOL_SIZE = 4

ShapeLike = int | Sequence[int]


def _key(purpose: str) -> int:
    try:
        return STREAM_KEYS[purpose]
    except KeyError:
        raise ValueError(
            f"unknown stream {purpose!r}: expected one of {sorted(STREAM_KEYS)}"
        ) from None


def stream_sequence(seed: int, purpose: str, *index: int) -> np.random.SeedSequence:
    """``SeedSequence(seed, spawn_key=(STREAM_KEYS[purpose], *index))``."""
    return np.random.SeedSequence(int(seed), spawn_key=(_key(purpose), *map(int, index)))


def stream_rng(seed: int, purpose: str, *index: int) -> np.random.Generator:
    """Generator (PCG64) of one purpose's stream of ``seed``, e.g. ``("calibration", wave)``."""
    return np.random.Generator(np.random.PCG64(stream_sequence(seed, purpose, *index)))


def child_seed(seed: int, purpose: str, *index: int, bits: int = 63) -> int:
    """An integer seed in ``[0, 2**bits)`` for a function that takes an int (not a Generator).

    It is the first word of :func:`stream_sequence`'s state, not arithmetic on ``seed``:
    distinct ``(seed, purpose, index)`` give unrelated seeds.
    """
    if not 1 <= bits <= 64:
        raise ValueError("bits must lie in [1, 64]")
    word = int(stream_sequence(seed, purpose, *index).generate_state(1, np.uint64)[0])
    return word >> (64 - bits)


def seed_from(rng: np.random.Generator) -> int:
    """A root seed drawn from a Generator (numpy SPEC 7's ``rng=``): one draw, then recorded."""
    return int(rng.integers(0, SEED_LIMIT))


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


def _uint32_words(value: int) -> list[int]:
    """Little-endian 32-bit words of a non-negative int (0 -> [0]), as SeedSequence does."""
    words = []
    while True:
        words.append(value & _MASK32)
        value >>= 32
        if value == 0:
            return words


def _pcg64_states(seed: int, ids: np.ndarray, stream: int) -> list[tuple[int, int]]:
    """(state, inc) of ``PCG64(SeedSequence(seed, spawn_key=key))`` for every id, vectorised.

    Transcribes ``SeedSequence.mix_entropy`` / ``generate_state(4, uint64)`` and PCG64's
    seeding (``pcg_setseq_128_srandom_r``: state 0, inc = 2 * seq + 1, step, add the initial
    state, step) over a batch; the tests check it against numpy bit for bit.
    """
    run_words = _uint32_words(int(seed))
    run_words += [0] * (_POOL_SIZE - len(run_words))
    size = ids.size
    columns = [np.full(size, word, dtype=np.uint32) for word in run_words]
    columns.append(ids.astype(np.uint32))
    if stream:
        columns.append(np.full(size, stream, dtype=np.uint32))
    shift = np.uint32(16)
    hash_const = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal hash_const
        value = value ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_A) & _MASK32
        value = value * np.uint32(hash_const)
        return value ^ (value >> shift)

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.uint32(_MIX_MULT_L) * x - np.uint32(_MIX_MULT_R) * y
        return np.asarray(result ^ (result >> shift), dtype=np.uint32)

    pool = [hashmix(columns[i]) for i in range(_POOL_SIZE)]
    for source in range(_POOL_SIZE):
        for target in range(_POOL_SIZE):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    for source in range(_POOL_SIZE, len(columns)):
        for target in range(_POOL_SIZE):
            pool[target] = mix(pool[target], hashmix(columns[source]))
    hash_const = _INIT_B
    words = []
    for index in range(8):
        value = pool[index % _POOL_SIZE] ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_B) & _MASK32
        value = value * np.uint32(hash_const)
        words.append((value ^ (value >> shift)).astype(np.uint64))
    halves = [(words[2 * k] | (words[2 * k + 1] << np.uint64(32))).tolist() for k in range(4)]
    states = []
    for high_state, low_state, high_seq, low_seq in zip(*halves, strict=True):
        initial = (high_state << 64) | low_state
        increment = ((((high_seq << 64) | low_seq) << 1) | 1) & _MASK128
        state = ((increment + initial) * _PCG64_MULTIPLIER + increment) & _MASK128
        states.append((state, increment))
    return states


def _generators(seed: int, ids: np.ndarray, stream: int) -> Iterator[np.random.Generator]:
    """Each experiment's generator in turn (one PCG64 re-seeded in place when possible)."""
    if ids.size == 0:
        return
    if seed < 0 or stream < 0 or ids.min() < 0:
        raise ValueError("seeds, experiment ids and streams must be >= 0")
    if ids.max() > _MASK32 or stream > _MASK32:
        for experiment_id in ids:  # multi-word spawn keys: let numpy do it
            yield experiment_rng(seed, int(experiment_id), stream)
        return
    bit_generator = np.random.PCG64(0)
    generator = np.random.Generator(bit_generator)
    for state, increment in _pcg64_states(seed, ids, stream):
        bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": state, "inc": increment},
            "has_uint32": 0,
            "uinteger": 0,
        }
        yield generator


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
    generators = _generators(int(seed), ids, int(stream))
    for row, generator in enumerate(generators):  # one stream per experiment; draws are bulk
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
