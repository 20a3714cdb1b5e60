"""``accord fit opinion``: the registered wrapper states the model's own fit, unchanged."""

import json
import os
import subprocess
import sys

import pytest

from accord.data import load
from accord.fits import FITS, run_fit
from accord.models import opinion as op


@pytest.fixture(scope="module")
def result():
    return run_fit("opinion")


def test_estimates_are_the_model_fit(result):
    model = op.fit_default()
    assert FITS["opinion"] == "accord.fits.opinion:fit"
    names = [e.name for e in result.estimates]
    assert names == ["adjustment_rate", "baseline_US", "baseline_Europe"]
    for estimate in result.estimates:
        assert estimate.value == model.params[estimate.name]
        assert (estimate.low, estimate.high) == model.ci[estimate.name]
    assert result.data.n == model.n == 13


def test_out_of_sample_statistics_are_the_leave_one_out(result):
    loo = op.leave_one_out(load("public_opinion").frame, load("kiel_by_year_group").frame)
    assert result.statistics["loo_rmse_model"] == round(loo["model_rmse"], 3)
    assert result.statistics["loo_rmse_model"] < result.statistics["loo_rmse_constant_mean"]


def test_cost_term_when_asked():
    with_cost = run_fit("opinion", fit_cost=True)
    cost = with_cost.estimate("cost_sensitivity")
    assert cost.low < 0.0 < cost.high  # not identified: the interval spans zero


@pytest.mark.slow
@pytest.mark.parametrize("name", ["opinion", "durability", "escalation"])
def test_cli_json(name):
    done = subprocess.run(
        [sys.executable, "-m", "accord", "fit", name, "--format", "json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    shaped = json.loads(done.stdout)
    assert shaped["model"] == name
    assert {"source", "n", "years"} <= set(shaped["data"])
    assert all({"name", "value", "low", "high", "unit"} <= set(e) for e in shaped["estimates"])
