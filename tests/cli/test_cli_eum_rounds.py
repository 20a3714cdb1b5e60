"""`accord forecast --model eum --rounds 8 --no-stop` reproduces Scholz et al. (2011) Table 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.spec.errors import ScenarioError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))
from test_bdm_1994 import published, replication  # noqa: E402

runner = CliRunner()
ARGS = ["forecast", "bdm-1994-emissions", "--model", "eum", "--rounds", "8"]


def rounds_of(doc: dict) -> tuple[np.ndarray, np.ndarray]:
    entry = doc["models"]["eum"]["issues"]["emissions"]
    return (
        np.array([r["median"] for r in entry["rounds"]]),
        np.array([r["mean"] for r in entry["rounds"]]),
    )


def test_no_stop_reproduces_scholz_table_2_from_the_cli() -> None:
    result = runner.invoke(app, [*ARGS, "--no-stop", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    median, mean = rounds_of(doc)
    assert len(median) == 9  # rounds 0-8, none cut by the stopping rule
    assert "stopping_round" not in doc["models"]["eum"]["issues"]["emissions"]
    # The same criteria as tests/validation/test_bdm_1994.py, from the reference file.
    target_median = published("median_voter_position")
    target_mean = published("mean_voter_position")
    assert list(target_median.index) == list(range(1, 9))
    assert np.all(np.abs(mean[1:] - target_mean.to_numpy()) <= 0.1)
    assert np.sum(np.abs(median[1:] - target_median.to_numpy()) <= 0.1) >= 7
    reference = replication().loc[0:8]
    np.testing.assert_allclose(median, reference["median_position"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(mean, reference["mean_position"].to_numpy(), atol=1e-9)


def test_default_still_stops_at_round_4() -> None:
    result = runner.invoke(app, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["models"]["eum"]["issues"]["emissions"]
    assert entry["stopping_round"] == 4
    assert len(entry["rounds"]) == 5


def test_table_prints_every_round_without_stopping() -> None:
    result = runner.invoke(app, [*ARGS, "--no-stop"])
    assert result.exit_code == 0, result.output
    expected = " ".join(f"{v:.1f}" for v in replication().loc[1:8, "median_position"])
    assert f"rounds 1-8: median {expected}" in result.stdout
    assert "stopped by round" not in result.stdout


def test_api_rounds_and_stop() -> None:
    fixed = accord.forecast("bdm-1994-emissions", models="eum", rounds=8, stop=False)
    model = fixed.models["eum"]
    assert model.rounds_run == 8 and model.stopping_round is None
    np.testing.assert_allclose(
        model.median[1:, 0], replication().loc[1:8, "median_position"].to_numpy(), atol=1e-9
    )
    stopped = accord.forecast("bdm-1994-emissions", models="eum", rounds=8)
    assert int(stopped.models["eum"].stopping_round[0]) == 4
    with pytest.raises(ScenarioError, match="stop"):
        accord.forecast("bdm-1994-emissions", models="eum", stop="no")  # type: ignore[arg-type]


def test_no_stop_with_draws_and_every_model() -> None:
    result = runner.invoke(
        app,
        [
            "forecast",
            "bdm-1994-emissions",
            "--rounds",
            "3",
            "--no-stop",
            "--draws",
            "5",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["models"]["eum"]["rounds_run"] == 3
    assert "share_of_draws_stopped" not in doc["models"]["eum"]["issues"]["emissions"]
