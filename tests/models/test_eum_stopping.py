"""The EUM's stopping rules: what each reason means, and that --rounds is only a maximum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_eum import games

from accord.models.bargaining.base import weighted_median
from accord.models.bargaining.eum import eum

RULES = ["no_gain", "repeat"]


@settings(max_examples=40, deadline=None)
@given(games(), st.sampled_from(RULES), st.integers(1, 8))
def test_a_stopped_game_is_the_same_with_more_rounds(game, rule, rounds) -> None:
    short = eum(*game, rounds=rounds, stopping=rule)
    long = eum(*game, rounds=rounds + 12, stopping=rule)
    stopped = short.stopped_because != "max_rounds"
    np.testing.assert_array_equal(short.forecast[stopped], long.forecast[stopped])
    np.testing.assert_array_equal(short.stopping_round[stopped], long.stopping_round[stopped])
    np.testing.assert_array_equal(short.stopped_because[stopped], long.stopped_because[stopped])
    # and a game that had not stopped plays on from the same rounds
    assert np.all(long.stopping_round >= short.stopping_round)


@settings(max_examples=40, deadline=None)
@given(games(), st.sampled_from(RULES))
def test_each_reason_holds_at_its_round_and_not_before(game, rule) -> None:
    capability, position, salience = game
    rounds = 12
    fixed = eum(capability, position, salience, rounds=rounds, stopping="none").history
    result = eum(capability, position, salience, rounds=rounds, stopping=rule)
    scale = np.ptp(position, axis=1)  # [B, K]
    tolerance = 1e-9 * np.where(scale > 0, scale, 1.0)
    weight = capability[:, :, None] * salience
    n_draws, _, n_issues = position.shape
    for b in range(n_draws):
        for k in range(n_issues):
            stop, why = result.stopping_round[b, k], result.stopped_because[b, k]
            period = result.cycle_length[b, k]
            path = fixed[b, :, :, k]
            median = weighted_median(path, np.broadcast_to(weight[b, :, k], path.shape), axis=1)
            # the stopping rule does not change the rounds before it stops
            np.testing.assert_array_equal(result.history[b, : stop + 1, :, k], path[: stop + 1])
            assert np.all(result.history[b, stop:, :, k] == path[stop])
            assert result.forecast[b, k] == median[stop]

            tol = tolerance[b, k]
            repeats = [_repeat_period(path, t, tol) for t in range(stop + 1)]
            no_gain = [
                t > 0 and rule == "no_gain" and abs(median[t] - median[t - 1]) <= tol
                for t in range(stop + 1)
            ]
            for t in range(1, stop):
                assert repeats[t] == 0 and not no_gain[t]
            if why == "max_rounds":
                assert stop == rounds and period == 0
                assert repeats[stop] == 0 and not no_gain[stop]
            elif why == "stable":
                assert period == 1 == repeats[stop]
            elif why == "cycle":
                assert period == repeats[stop] > 1
            else:
                assert why == "no_gain" and rule == "no_gain"
                assert period == repeats[stop] == 0 and no_gain[stop]


def _repeat_period(path: np.ndarray, t: int, tolerance: float) -> int:
    """How many rounds back ``path[t]`` repeats an earlier state, 0 if none (by hand)."""
    for back in range(1, t + 1):
        if np.all(np.abs(path[t - back] - path[t]) <= tolerance):
            return back
    return 0


def test_nothing_moves_stops_at_round_one_as_stable() -> None:
    position = np.full((2, 4, 3), 40.0)
    result = eum(np.ones((2, 4)), position, np.full((2, 4, 3), 0.7), rounds=20)
    assert np.all(result.stopping_round == 1) and np.all(result.stopped_because == "stable")
    assert np.all(result.rounds == 1) and result.history.shape[1] == 21


def test_fixed_rounds_never_stop() -> None:
    position = np.full((1, 3, 1), 40.0)
    result = eum(np.ones((1, 3)), position, np.full((1, 3, 1), 0.7), rounds=6, stopping="none")
    assert result.stopping_round[0, 0] == 6 and result.stopped_because[0, 0] == "max_rounds"


def test_bad_stopping_options_are_rejected() -> None:
    c, x, s = np.ones((1, 2)), np.array([[[0.0], [10.0]]]), np.ones((1, 2, 1))
    with pytest.raises(ValueError, match="stopping"):
        eum(c, x, s, stopping="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="stop_tolerance"):
        eum(c, x, s, stop_tolerance=-1.0)
