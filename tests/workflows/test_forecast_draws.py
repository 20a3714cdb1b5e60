"""The forecast library: chunking does not change results; round statistics are right."""

from __future__ import annotations

import numpy as np
import pytest

from accord.scenario import load_scenario
from accord.workflows import forecast_draws as forecast_module
from accord.workflows.forecast_draws import round_statistics, run_forecast


def test_chunk_size_does_not_change_the_forecast(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario("ukraine-2025")
    whole = run_forecast(scenario, ("compromise", "median"), draws=250, seed=11)
    monkeypatch.setattr(forecast_module, "CHUNK", 7)
    chunked = run_forecast(scenario, ("compromise", "median"), draws=250, seed=11)
    for name in ("compromise", "median"):
        np.testing.assert_array_equal(whole.models[name].draws, chunked.models[name].draws)


def test_progress_reports_every_draw() -> None:
    seen: list[tuple[str, int]] = []
    run_forecast(
        load_scenario("bdm-1994-emissions"),
        ("compromise",),
        draws=2500,
        seed=1,
        progress=lambda model, done: seen.append((model, done)),
    )
    assert seen[-1] == ("compromise", 2500)


def test_round_statistics_by_hand() -> None:
    history = np.array([[[0.0], [10.0], [100.0]], [[20.0], [20.0], [20.0]]])  # [R+1=2, N=3, K=1]
    capability = np.array([1.0, 1.0, 2.0])
    salience = np.array([[1.0], [0.5], [0.5]])
    median, mean = round_statistics(history, capability, salience)
    # weights 1, 0.5, 1: total 2.5, half 1.25 -> cumulative 1, 1.5 -> median 10
    assert median[0, 0] == 10.0
    assert mean[0, 0] == pytest.approx((0 + 5 + 100) / 2.5)
    assert median[1, 0] == mean[1, 0] == 20.0


def test_central_forecast_equals_a_single_draw_run() -> None:
    scenario = load_scenario("bdm-1994-emissions")
    result = run_forecast(scenario, ("compromise",), draws=1)
    assert result.models["compromise"].central[0] == pytest.approx(7.38996, abs=1e-5)
    np.testing.assert_array_equal(
        result.models["compromise"].draws[0], result.models["compromise"].central
    )


@pytest.mark.parametrize(
    "values",
    [
        [60.9, 75.6, 52.0, 54.1],
        [0.0, -0.0, 100.0, 1e-310],
        [-3.5, 1e300, -1e-300, 33.333333333333336],
    ],
)
@pytest.mark.parametrize("q", [(0.05, 0.5, 0.95), (0.0, 1.0), (0.25,), [0.5, 0.123]])
def test_one_draw_quantiles_are_numpys(values, q) -> None:
    """One draw skips np.quantile (issue 21): the same numbers, bit for bit (sign of zero
    included), as np.quantile gives."""
    from accord.workflows.forecast_draws import Forecast, ModelForecast

    draws = np.array([values])
    result = Forecast(
        scenario=None,  # type: ignore[arg-type]  # quantiles reads only the draws
        n_draws=1,
        seed=None,
        models={"m": ModelForecast(model="m", draws=draws, central=draws[0])},
    )
    got = result.quantiles("m", q)
    want = np.asarray(np.quantile(draws, q, axis=0))
    assert got.shape == want.shape and got.dtype == want.dtype
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize(
    ("target", "models"),
    [
        ("ukraine-2025", ("compromise", "median", "nash", "eum")),
        ("tests/validation/data/ktab_smp/dummyData_3Dim.csv", ("smp", "compromise", "eum")),
    ],
)
def test_one_draw_reuses_the_central_outcome(target, models, monkeypatch) -> None:
    """A one-draw forecast takes its draw's outcome from the central scenario (issue 21):
    every array and field is the one playing the draw again gives, bit for bit."""
    from pathlib import Path

    if target.endswith(".csv"):
        target = str(Path(__file__).resolve().parents[2] / target)
    scenario = load_scenario(target)
    reused = run_forecast(scenario, models, draws=1)
    monkeypatch.setattr(forecast_module, "_RERUN_ONE_DRAW", True)
    played = run_forecast(scenario, models, draws=1)
    assert list(reused.models) == list(played.models) == list(models)
    for name in models:
        a, b = reused.models[name], played.models[name]
        for field in a.__dataclass_fields__:
            x, y = getattr(a, field), getattr(b, field)
            if isinstance(x, np.ndarray):
                assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), (name, field)
            else:
                assert x == y, (name, field)
    assert reused.rows() == played.rows()
