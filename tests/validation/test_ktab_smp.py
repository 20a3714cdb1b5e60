"""KTAB's SMP reproduced: position histories, turn counts and win probabilities of smpc.

Reference outputs: ``smpc --csv`` of KTAB (lsyaseen/KTAB, commit 3b5b063) with its default
seed and CSV-run parameters, as parsed in ``../shared/validation/ktab_smp/`` (copied to
``data/ktab_smp``). KTAB prints positions with one decimal and probabilities with four.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.models.bargaining.smp import smp, win_probabilities
from accord.models.bargaining.smp_prng import KTAB_DEFAULT_SEED, KtabPrng
from accord.scenario.ktab import read_ktab_csv

DATA = Path(__file__).parent / "data" / "ktab_smp"
HISTORY = pd.read_csv(DATA / "ktab_smpc_position_history.csv")
WIN_PROB = pd.read_csv(DATA / "ktab_smpc_win_prob_history.csv")
SUMMARY = pd.read_csv(DATA / "ktab_smpc_runs_summary.csv").set_index("scenario_file")
WITH_HISTORY = ["SOE-Pol-Comp.csv", "dummyData_3Dim.csv"]


def _run(name: str, engine: str):
    table = read_ktab_csv(DATA / name)
    return table, smp(*table.model_inputs(), engine=engine)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
@pytest.mark.parametrize("name", WITH_HISTORY)
def test_position_history_every_turn_actor_and_dimension(name: str, engine: str) -> None:
    table, result = _run(name, engine)
    n_states = int(SUMMARY.loc[name, "n_states"])
    assert result.rounds.tolist() == [n_states - 1]
    assert result.history.shape == (1, n_states, len(table.actor_ids), len(table.dimension_names))
    ref = HISTORY[HISTORY.scenario_file == name]
    assert len(ref) == n_states * len(table.actor_ids) * len(table.dimension_names)
    actor = ref.actor.map(table.actor_ids.index).to_numpy()
    dim = ref.dimension.map(table.dimension_names.index).to_numpy()
    ours = result.history[0, ref.turn.to_numpy(), actor, dim]
    assert np.abs(ours - ref.position.to_numpy()).max() <= 0.05 + 1e-9


@pytest.mark.parametrize("name", WITH_HISTORY)
def test_win_probabilities_every_turn(name: str) -> None:
    table, result = _run(name, "numba")
    c, _, s = table.model_inputs()
    states = result.history[0] / 100.0
    t = states.shape[0]
    win = win_probabilities(states, capability=np.repeat(c, t, 0), salience=np.repeat(s, t, 0))
    ref = WIN_PROB[WIN_PROB.scenario_file == name]
    assert len(ref) == t * len(table.actor_ids)
    ours = win.actor_probability[ref.turn.to_numpy(), ref.actor.map(table.actor_ids.index)]
    assert np.abs(ours - ref.win_prob.to_numpy()).max() <= 0.00005 + 1e-9
    np.testing.assert_allclose(win.unique_probability.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(SUMMARY.index))
def test_every_ktab_input_runs_with_ktab_turn_count(name: str) -> None:
    table, result = _run(name, "auto")
    assert result.rounds.tolist() == [int(SUMMARY.loc[name, "n_states"]) - 1]
    assert np.isfinite(result.history).all() and np.isfinite(result.forecast).all()
    low, high = table.position.min(axis=0), table.position.max(axis=0)
    assert (result.forecast[0] >= low - 1e-9).all() and (result.forecast[0] <= high + 1e-9).all()


def test_prng_is_mt19937_64_and_ktab_default_seed() -> None:
    # C++11 [rand.predef]: the 10000th output of a default-constructed mt19937_64
    gen = KtabPrng(5489)
    for _ in range(9999):
        gen.raw()
    assert int(gen.raw()[0]) == 9981545732273789042
    assert KTAB_DEFAULT_SEED == 15455440707583219804  # KBase::dSeed = 0xD67CC16FE69C185C
    u = KtabPrng(KTAB_DEFAULT_SEED, size=3).uniform()
    assert u.shape == (3,) and np.all(u == u[0]) and 0.0 <= u[0] <= 1.0
