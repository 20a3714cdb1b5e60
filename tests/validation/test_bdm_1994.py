"""BDM 1994 emission-standards case: the EUM against Scholz, Calbert & Smith (2011) Table 2.

Input: Bueno de Mesquita (1994) p. 78, as reprinted in Scholz et al. (2011) Table 1 (10 actors,
positions in years 4-10, salience 0-100). Targets: Scholz et al. Table 2 (median and
capability-salience weighted mean after rounds 1-8, Q = 1, printed to one decimal), and the
per-round output of the public replication jmckib/bdm-scholz-expected-utility-model @55f63e9,
run unchanged (``replication_runs.csv``; see the README beside the data).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.models.bargaining.eum import eum, round_summary

CASE = "bdm_1994_emissions"
# The numpy round (the reference) and the compiled one where numba is installed.
ENGINES = ["numpy", "numba"] if importlib.util.find_spec("numba") else ["numpy"]
FILES = ("actors.csv", "published_results.csv", "replication_runs.csv")


def data_dir() -> Path:
    """The copy in the repo, else ``shared/`` beside the repository root."""
    here = Path(__file__).resolve()
    candidates = [
        here.parent / "data" / CASE,
        here.parents[2].parent / "shared" / "validation" / CASE,
    ]
    for folder in candidates:
        if all((folder / name).is_file() for name in FILES):
            return folder
    raise FileNotFoundError(f"no {CASE} data in {candidates}")


def load_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    actors = pd.read_csv(data_dir() / "actors.csv")
    capability = actors["capability"].to_numpy(float)[None, :]
    position = actors["position_years"].to_numpy(float)[None, :, None]
    salience = (actors["salience_0_100"].to_numpy(float) / 100.0)[None, :, None]
    return capability, position, salience


def published(quantity: str) -> pd.Series:
    table = pd.read_csv(data_dir() / "published_results.csv")
    rows = table[
        (table["source"] == "Scholz_Calbert_Smith_2011_Table2") & (table["quantity"] == quantity)
    ]
    return rows.set_index(rows["round"].astype(int))["value"].sort_index()


def replication() -> pd.DataFrame:
    runs = pd.read_csv(data_dir() / "replication_runs.csv")
    rows = runs[runs["implementation"].str.startswith("jmckib")]
    return rows.set_index("round").sort_index()


def summary(**options: object) -> tuple[np.ndarray, np.ndarray]:
    capability, position, salience = load_case()
    result = eum(capability, position, salience, rounds=10, q=1.0, stopping="none", **options)
    median, mean = round_summary(capability, salience, result.history)
    return median[0, :, 0], mean[0, :, 0]


def test_round_zero_is_exact() -> None:
    median, mean = summary()
    table = pd.read_csv(data_dir() / "published_results.csv").set_index("quantity")["value"]
    assert median[0] == 7.0 == table["condorcet_median_round0"]
    assert mean[0] == pytest.approx(7.38996, abs=5e-6)
    assert mean[0] == pytest.approx(table["weighted_mean_round0"], rel=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("capitulation", [True, False])
def test_rounds_1_to_8_match_scholz_table_2(capitulation: bool, engine: str) -> None:
    median, mean = summary(capitulation=capitulation, engine=engine)
    target_median = published("median_voter_position")
    target_mean = published("mean_voter_position")
    assert list(target_median.index) == list(range(1, 9))
    mean_error = np.abs(mean[1:9] - target_mean.to_numpy())
    median_error = np.abs(median[1:9] - target_median.to_numpy())
    assert np.all(mean_error <= 0.1), mean_error
    assert np.sum(median_error <= 0.1) >= 7, median_error


@pytest.mark.parametrize("engine", ENGINES)
def test_matches_public_replication_round_by_round(engine: str) -> None:
    median, mean = summary(engine=engine)
    reference = replication()
    assert list(reference.index) == list(range(11))
    np.testing.assert_allclose(median, reference["median_position"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(mean, reference["mean_position"].to_numpy(), atol=1e-9)


def test_case_inside_a_batch_gives_the_same_rounds() -> None:
    capability, position, salience = load_case()
    rng = np.random.default_rng(7)
    n_actors = capability.shape[1]
    other_position = rng.uniform(4, 10, (2, n_actors, 1))
    batch_c = np.concatenate([rng.uniform(0, 1, (2, n_actors)), capability])
    batch_x = np.concatenate([other_position, position])
    batch_s = np.concatenate([rng.uniform(0, 1, (2, n_actors, 1)), salience])
    # A second issue in the same draw must not change the first.
    batch_x = np.concatenate([batch_x, batch_x[::-1]], axis=2)
    batch_s = np.concatenate([batch_s, batch_s[::-1]], axis=2)
    result = eum(batch_c, batch_x, batch_s, rounds=10, stopping="none")
    median, _ = round_summary(batch_c, batch_s, result.history)
    alone, _ = summary()
    np.testing.assert_allclose(median[2, :, 0], alone, atol=1e-9)


def bdm_outcomes() -> pd.Series:
    table = pd.read_csv(data_dir() / "published_results.csv")
    rows = table[table["source"].str.startswith("BDM_1994")]
    return rows.set_index("quantity")["value"]


def test_stopping_rule_on_the_bdm_case_against_bdm_and_the_outcome() -> None:
    """The default stopping rule (``no_gain``) against BDM's forecast and the actual outcome.

    The rule stops at the first round that leaves the forecast where it was: the validated
    path (Table 2) reaches its plateau (Scholz: 9.9 in rounds 2-5; ours 9.96 in rounds 3-5),
    so the game stops at round 4 with 9.96 years. BDM forecast 8.35 (9.05 "with prolonged
    negotiation"), the outcome was 8.83: the stopped forecast is 1.13 years from the outcome,
    nearer than the old fixed 10 rounds (7.0, 1.83 away) and within a year of BDM's own
    prolonged-negotiation figure, but further from the outcome than BDM's 8.35 (0.48).
    """
    capability, position, salience = load_case()
    median, _ = summary()  # the fixed-rounds path validated above
    outcomes = bdm_outcomes()
    actual = outcomes["actual_outcome"]
    for maximum in (10, 20, 40):
        stopped = eum(capability, position, salience, rounds=maximum, q=1.0)
        assert stopped.stopped_because[0, 0] == "no_gain"
        stop = int(stopped.stopping_round[0, 0])
        plateau = [t for t in range(1, 11) if median[t] == median[t - 1]]
        assert stop == plateau[0] == 4
        assert stopped.forecast[0, 0] == median[stop] == median[stop - 1]
        error = abs(stopped.forecast[0, 0] - actual)
        assert error < abs(median[10] - actual)  # nearer than the fixed 10 rounds (7.0)
        assert error > abs(outcomes["dominant_outcome_predicted"] - actual)  # BDM was nearer
        prolonged = outcomes["dominant_outcome_if_prolonged_negotiation"]
        assert abs(stopped.forecast[0, 0] - prolonged) < 1.0


def test_positions_of_the_bdm_case_never_repeat_within_100_rounds() -> None:
    """Scholz et al.: "in general the results do not stabilise". The strict rule (a repeated
    state) does not stop the BDM case within 100 rounds: its forecast there depends on the
    number of rounds, and its median over rounds 1-100 spans 7.0 to 9.96, a range that holds
    both BDM's forecast and the outcome."""
    capability, position, salience = load_case()
    strict = eum(capability, position, salience, rounds=100, q=1.0, stopping="repeat")
    assert strict.stopped_because[0, 0] == "max_rounds"
    median, _ = round_summary(capability, salience, strict.history)
    outcomes = bdm_outcomes()
    low, high = median[0, 1:, 0].min(), median[0, 1:, 0].max()
    assert low == 7.0 and high == pytest.approx(9.962, abs=1e-3)
    assert low < outcomes["dominant_outcome_predicted"] < outcomes["actual_outcome"] < high
