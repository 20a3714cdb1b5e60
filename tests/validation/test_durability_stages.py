"""Durability in two stages: first year, then years 2-5 given the first year held."""

import numpy as np

from accord.fits.durability import (
    COVARIATES,
    ENDING_ORDER,
    interstate_episodes,
    profile,
    recurrence_draws,
    two_stage_hazards,
)


def _draws():
    rng = np.random.default_rng(3)
    n = 400
    b0 = rng.normal(np.log(1 / 120), 0.3, n)
    hr = rng.normal(0.0, 0.3, (n, len(COVARIATES)))
    log_shape = rng.normal(np.log(0.7), 0.1, n)
    return np.column_stack([b0, hr, log_shape])


def test_record_stages_count_the_episodes():
    episodes = interstate_episodes()
    result = two_stage_hazards(episodes, _draws())
    months = episodes["months"].to_numpy(float)
    recurred = episodes["recurred"].to_numpy(bool)
    for ending in ENDING_ORDER:
        rows = (episodes["ending"] == ending).to_numpy()
        first = result["record"][ending]["first_year"]
        assert first["recurred"] == int((rows & recurred & (months <= 12)).sum())
        later = result["record"][ending]["years_2_5_given_first_year"]
        still = rows & (months >= 12) & ~(recurred & (months <= 12))
        assert later["n"] <= int(still.sum())
        for item in (first, later):
            if item["n"]:
                assert item["low"] <= item["rate"] <= item["high"]


def test_model_stages_compose_to_the_five_year_probability():
    draws = _draws()
    result = two_stage_hazards(interstate_episodes(), draws)
    for ending in ENDING_ORDER:
        p12 = recurrence_draws(draws, 12.0, profile(ending))
        p60 = recurrence_draws(draws, 60.0, profile(ending))
        later = 1 - (1 - p60) / (1 - p12)
        assert np.allclose(1 - (1 - p12) * (1 - later), p60)
        assert result["model"][ending]["first_year"][1] == np.quantile(p12, 0.5)
    assert "UCDP coded it ended" in result["labels"]["first_year"]


def test_provisions_with_few_treated_cases_are_reported_prior_only():
    from accord.fits.durability import MIN_TREATED, fit

    episodes = interstate_episodes()
    result = fit(checks=False)
    for name in ("third_party", "peacekeeping"):
        note = result.estimate(f"log_hr_{name}").note
        assert ("prior-only" in note) == (int(episodes[name].sum()) < MIN_TREATED)
    assert "two_stage" in result.statistics
