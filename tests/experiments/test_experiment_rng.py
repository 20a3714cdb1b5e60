"""Per-experiment randomness: keyed by (seed, experiment id), whatever the batch."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.experiments import (
    experiment_draws,
    experiment_normals,
    experiment_rngs,
    experiment_uniforms,
)
from accord.experiments.rng import design_rng


def test_rows_are_the_spawned_child_streams():
    # numpy's own spawning: child i of SeedSequence(seed) has spawn_key (i,)
    children = np.random.SeedSequence(42).spawn(5)
    expected = np.stack([np.random.default_rng(child).random((3, 2)) for child in children])
    assert np.array_equal(experiment_uniforms(42, range(5), (3, 2)), expected)
    normals = np.stack([np.random.default_rng(child).standard_normal(4) for child in children])
    assert np.array_equal(experiment_normals(42, np.arange(5), 4), normals)
    first = [rng.random() for rng in experiment_rngs(42, range(5))]
    assert first == [np.random.default_rng(child).random() for child in children]


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_chunking_does_not_change_the_draws(chunk_size):
    ids = np.arange(53)
    whole = experiment_normals(9, ids, (12,))
    parts = [
        experiment_normals(9, ids[i : i + chunk_size], (12,))
        for i in range(0, ids.size, chunk_size)
    ]
    assert np.array_equal(np.concatenate(parts), whole)


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(20))), st.integers(0, 2**32 - 1))
def test_order_of_ids_only_permutes_rows(order, seed):
    ids = np.array(order)
    base = experiment_uniforms(seed, np.arange(20), 3)
    assert np.array_equal(experiment_uniforms(seed, ids, 3), base[ids])


def test_scalar_shape_and_streams():
    draws = experiment_uniforms(1, [0, 1, 2])
    assert draws.shape == (3,)
    other = experiment_uniforms(1, [0, 1, 2], stream=1)
    assert not np.array_equal(draws, other)
    design_first = design_rng(1).random()
    assert design_first not in set(experiment_uniforms(1, range(1000)))


def test_draws_in_order_from_one_stream():
    uniforms, normals = experiment_draws(5, [3, 4], [("uniform", 2), ("normal", (2, 2))])
    for row, experiment in enumerate([3, 4]):
        rng = np.random.default_rng(np.random.SeedSequence(5, spawn_key=(experiment,)))
        assert np.array_equal(uniforms[row], rng.random(2))
        assert np.array_equal(normals[row], rng.standard_normal((2, 2)))
    with pytest.raises(ValueError):
        experiment_draws(5, [0], [("gamma", 1)])


def _reference(seed, experiment_id, stream, size):
    key = (experiment_id,) if stream == 0 else (experiment_id, stream)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key))).random(
        size
    )


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(st.integers(0, 2**32 - 1), st.integers(2**32, 2**200)),
    st.lists(
        st.one_of(st.integers(0, 2**32 - 1), st.integers(2**32, 2**40)), min_size=1, max_size=6
    ),
    st.integers(0, 3),
)
def test_batch_seeding_matches_numpy_bit_for_bit(seed, ids, stream):
    # experiment_draws seeds a whole batch at once (vectorised SeedSequence); it must give
    # exactly numpy's PCG64(SeedSequence(seed, spawn_key=...)) streams.
    (draws,) = experiment_draws(seed, ids, [("uniform", 5)], stream=stream)
    expected = np.stack([_reference(seed, i, stream, 5) for i in ids])
    assert np.array_equal(draws, expected)


def test_negative_ids_are_refused():
    with pytest.raises(ValueError):
        experiment_uniforms(1, [-1])
