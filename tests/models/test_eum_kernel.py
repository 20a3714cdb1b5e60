"""The compiled EUM round (``eum_kernel``) against the numpy reference (``eum_round``).

Not bit for bit, and why: the kernel takes powers as ``exp(r log b)`` where numpy calls its
own ``pow`` (a relative difference up to about ``|r log b| eps``), it sums each actor's
danger and the ``"all_pairs"`` vote total in sequence where numpy sums pairwise (over groups
of actors at one position), and it takes the vote sums as differences of prefix sums
(``O(N U)`` for ``U`` distinct positions) where the reference sums every vote (``O(N^3)``).
Each expected utility then differs by a few ``eps``; offers are compared with the tie
tolerance ``EU_TIE = 1e-12``, so no choice flips and one round's positions agree to
``1e-12`` of the position range (measured: about ``1e-14``). Over many rounds the model
itself amplifies such differences (a compromise moves by ``|a / b|``), so whole games are
compared over a few rounds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_eum import VARIANTS, games  # options where the paper and Scholz's program differ

from accord.models.bargaining import eum_kernel as kernel  # numba: installed by make test
from accord.models.bargaining.eum import eum
from accord.models.bargaining.eum_round import play_round

#: Positions after one round agree to this share of the position range (see the docstring).
ROUND_TOLERANCE = 1e-12


def both_rounds(x, s, w, scale, options):
    """One round from the same positions by the kernel and by the numpy reference."""
    norm = options.get("probability_norm", "all_pairs")
    choice = options.get("compromise_choice", "scholz_code")
    q, t = options.get("q", 1.0), options.get("t", 1.0)
    capitulation = options.get("capitulation", True)
    fused = kernel.play_rounds(x, s, w, scale, q, t, norm == "dyad", capitulation,
                               choice == "least_move")  # fmt: skip
    reference = play_round(x, s, w, scale, q=q, t=t, norm=norm, capitulation=capitulation,
                           compromise_choice=choice, engine="numpy")  # fmt: skip
    return fused, reference


@st.composite
def round_inputs(draw: st.DrawFn):
    """The first issue of ``test_eum.games``: positions on a coarse grid half of the time."""
    capability, position, salience = draw(games())
    x, s = position[:, :, 0], salience[:, :, 0]
    scale = np.ptp(x, axis=1)
    return x, s, capability * s, np.where(scale > 0, scale, 1.0)


@settings(max_examples=80, deadline=None)
@given(round_inputs(), st.sampled_from(VARIANTS))
def test_one_round_equals_the_reference(inputs, options) -> None:
    x, s, w, scale = inputs
    fused, reference = both_rounds(x, s, w, scale, options)
    np.testing.assert_allclose(fused, reference, rtol=0, atol=ROUND_TOLERANCE * scale.max())


@pytest.mark.parametrize("n_actors", [2, 5, 20, 60, 160])
@pytest.mark.parametrize("options", VARIANTS)
def test_one_round_of_random_games_equals_the_reference(n_actors, options) -> None:
    rng = np.random.default_rng(n_actors)
    n_games = max(1, 200 // n_actors)
    x = rng.uniform(0, 100, (n_games, n_actors))
    x[::2, : n_actors // 2] = np.round(x[::2, : n_actors // 2], -1)  # some tied positions
    s = rng.uniform(0.1, 1, (n_games, n_actors))
    w = rng.uniform(0.1, 1, (n_games, n_actors)) * s
    scale = np.ptp(x, axis=1)
    fused, reference = both_rounds(x, s, w, scale, options)
    assert np.any(fused != x)  # the round moved someone
    np.testing.assert_allclose(fused, reference, rtol=0, atol=ROUND_TOLERANCE * 100)


@pytest.mark.parametrize("options", VARIANTS)
def test_one_round_of_collapsed_games_equals_the_reference(options) -> None:
    """From the positions of played games, where many actors share a position (groups of
    every size, their members with different saliences and exponents)."""
    rng = np.random.default_rng(7)
    n_games, n_actors = 3, 80
    c = rng.uniform(0.1, 1, (n_games, n_actors))
    x0 = rng.uniform(0, 100, (n_games, n_actors, 1))
    s = rng.uniform(0.1, 1, (n_games, n_actors, 1))
    played = eum(c, x0, s, rounds=6, stopping="none", engine="numba", **options)
    x = played.history[:, -1, :, 0]
    assert all(len(np.unique(row)) < 0.8 * n_actors for row in x)  # collapsed
    scale = np.ptp(x0[:, :, 0], axis=1)
    fused, reference = both_rounds(x, s[:, :, 0], c * s[:, :, 0], scale, options)
    np.testing.assert_allclose(fused, reference, rtol=0, atol=ROUND_TOLERANCE * 100)


@pytest.mark.parametrize("n_actors", [3, 10, 40])
@pytest.mark.parametrize("stopping", ["no_gain", "repeat", "none"])
def test_whole_games_equal_the_reference(n_actors, stopping) -> None:
    rng = np.random.default_rng(100 + n_actors)
    n_draws = 4000 // n_actors**2 + 2
    c = rng.uniform(0.1, 1, (n_draws, n_actors))
    x = rng.uniform(0, 100, (n_draws, n_actors, 2))
    x[:, :, 1] = np.round(x[:, :, 1], -1)  # the second issue on a coarse grid: ties
    s = rng.uniform(0.1, 1, (n_draws, n_actors, 2))
    fused = eum(c, x, s, rounds=4, stopping=stopping, engine="numba")
    reference = eum(c, x, s, rounds=4, stopping=stopping, engine="numpy")
    np.testing.assert_allclose(fused.history, reference.history, rtol=0, atol=1e-12 * 100)
    np.testing.assert_allclose(fused.forecast, reference.forecast, rtol=0, atol=1e-12 * 100)
    np.testing.assert_array_equal(fused.stopping_round, reference.stopping_round)
    np.testing.assert_array_equal(fused.stopped_because, reference.stopped_because)
    np.testing.assert_array_equal(fused.cycle_length, reference.cycle_length)


def test_edge_games_equal_the_reference() -> None:
    """One actor, all at one position, zero weights, two coincident blocs."""
    x = np.array([[50.0, 50.0, 50.0, 50.0], [0.0, 0.0, 100.0, 100.0], [10.0, 20.0, 30.0, 40.0]])
    s = np.array([[0.5, 0.5, 0.5, 0.5], [1.0, 0.2, 1.0, 0.2], [0.0, 0.0, 0.0, 0.0]])
    w = s * np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 0.5, 1.0, 0.5], [1.0, 1.0, 1.0, 1.0]])
    scale = np.array([1.0, 100.0, 30.0])
    for options in VARIANTS:
        fused, reference = both_rounds(x, s, w, scale, options)
        np.testing.assert_allclose(fused, reference, rtol=0, atol=1e-12 * 100)
        lone = both_rounds(x[:1, :1], s[:1, :1], w[:1, :1], scale[:1], options)
        np.testing.assert_array_equal(lone[0], x[:1, :1])
        np.testing.assert_array_equal(lone[1], x[:1, :1])
    np.testing.assert_array_equal(both_rounds(x, s, w, scale, {})[0][0], x[0])


def test_votes_equal_the_direct_sums() -> None:
    """The prefix-sum votes of groups against the O(N^3) sums of ``eum_votes`` over actors,
    ties included."""
    from accord.models.bargaining.eum_votes import positive_votes

    rng = np.random.default_rng(3)
    n = 50
    x = np.sort(np.round(rng.uniform(0, 100, n), 0))  # in order, many tied positions
    w = rng.uniform(0, 1, n)
    r = rng.uniform(0.5, 2, n)
    scale = float(np.ptp(x))
    distinct = np.empty(n)
    group, start = np.empty(n, dtype=np.int64), np.empty(n + 1, dtype=np.int64)
    m = kernel._groups(x, group, start, distinct)
    assert m == len(np.unique(x)) < n
    np.testing.assert_array_equal(distinct[:m][group], x)
    base, prefix, num = np.empty((m, m)), np.empty((m + 1, m)), np.empty((m, m))
    splits = np.empty((m, m + 1), dtype=np.int64)
    kernel._vote_splits(distinct[:m], splits)
    kernel._votes(distinct[:m], start, w, r, scale, splits, base, prefix, num)
    votes = num[group][:, group]  # every actor takes its group's votes
    direct = positive_votes(x[None], w[None], r[None], np.array([scale]), engine="numba")[0]
    # Differences of prefix sums: absolute error a few eps times the total weight.
    np.testing.assert_allclose(votes, direct, rtol=0, atol=8 * n * np.finfo(float).eps * w.sum())
    assert np.all(votes >= 0)
    assert np.all(votes[x[:, None] == x[None, :]] == 0)  # tied actors: no voter prefers either


def test_unknown_engine_is_rejected() -> None:
    with pytest.raises(ValueError, match="engine"):
        eum(np.ones((1, 2)), np.zeros((1, 2, 1)), np.ones((1, 2, 1)), engine="fortran")
