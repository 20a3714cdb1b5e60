"""Validation of the war-duration fit (``accord fit war-duration``) on the COW and UCDP records.

The data's own facts are recomputed here from the participant-level COW file, independently of
the per-war file the fit reads: 95 wars; the median duration; of the wars that reached three
years, how many ended within the next year. The issue that asked for this fit states them:
11 wars reached 3 years; all but one ended within about 10 years of their start. The UCDP
record: 15 interstate episodes ended in a ceasefire, one recurred within five years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from accord.data import load
from accord.fits import FITS, run_fit
from accord.fits import war_duration as wd


@pytest.fixture(scope="module")
def fits():
    return wd.fit_models()


def _durations_from_participants() -> pd.Series:
    """Per-war span in days from the participant rows: first start to last end, both counted."""
    rows = load("cow_wars").frame
    starts = pd.to_datetime(rows["start_date1"])
    ends = pd.to_datetime(rows["end_date2"].fillna(rows["end_date1"]))
    frame = pd.DataFrame({"war": rows["WarNum"], "start": starts, "end": ends})
    spans = frame.groupby("war").agg(start=("start", "min"), end=("end", "max"))
    return (spans["end"] - spans["start"]).dt.days + 1


def test_record_facts_from_the_participant_file():
    days = _durations_from_participants()
    years = days / 365.25
    facts = wd.record_facts()
    assert len(days) == 95 == facts["wars"]
    assert facts["median_duration_months"] == pytest.approx(days.median() / (365.25 / 12))
    reached = years >= 3
    assert reached.sum() == 11 == facts["reached_3_years"]
    ended_next_year = (reached & (years < 4)).sum()
    assert ended_next_year == facts["ended_within_next_year"] == 2
    # "all 11 wars that reached 3 years ended within about 10 years": 10 within 10, the
    # longest (Vietnam, phase 2) after 10.2 years.
    assert (reached & (years <= 10)).sum() == 10
    assert years.max() == pytest.approx(10.23, abs=0.01)


def test_ucdp_interstate_episodes_and_outcomes():
    episodes = wd.ucdp_episodes()
    # Data README: 72 episodes, 69 ended by 2020; outcomes of the terminations.
    assert len(episodes) == 72
    assert episodes["ended"].sum() == 69
    counts = episodes["outcome"].value_counts().to_dict()
    assert counts == {5.0: 19, 2.0: 15, 1.0: 14, 4.0: 11, 3.0: 10}
    assert (episodes["duration_years"] > 0).all()


def test_ceasefire_recurrence_rate_and_its_interval():
    record = wd.ceasefire_recurrence()
    assert (record["failures"], record["n"]) == (1, 15)
    exact = binomtest(1, 15).proportion_ci(confidence_level=0.95, method="exact")
    assert record["low"] == pytest.approx(exact.low)
    assert record["high"] == pytest.approx(exact.high)


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined")  # S(t) = 0 at the end
def test_fitted_survival_lies_in_the_kaplan_meier_band(fits):
    from scipy import stats

    wars = fits.wars
    ended = wars["ended"].to_numpy(bool)
    years = wars["duration_years"].to_numpy(float)
    km = stats.ecdf(stats.CensoredData(uncensored=years[ended], right=years[~ended])).sf
    band = km.confidence_interval(0.95, method="log-log")
    times = np.unique(years[ended])[:-1]  # the band is open-ended after the last end
    low, high = band.low.evaluate(times), band.high.evaluate(times)
    for family in ("weibull", "loglogistic"):
        fitted = wd.fit_aft(wars, (), family).survival(times, {})
        inside = (fitted >= low - 1e-9) & (fitted <= high + 1e-9)
        # Pointwise 95 % bands: a parametric curve may leave them at a few of the times.
        assert inside.mean() >= 0.9, family


@pytest.mark.parametrize(
    ("family", "distribution"), [("weibull", "weibull_min"), ("loglogistic", "fisk")]
)
def test_the_aft_fit_without_covariates_is_scipys_censored_fit(fits, family, distribution):
    # An independent implementation: scipy.stats' maximum likelihood on censored data.
    from scipy import stats

    wars = fits.wars
    ended = wars["ended"].to_numpy(bool)
    years = wars["duration_years"].to_numpy(float)
    data = stats.CensoredData(uncensored=years[ended], right=years[~ended])
    shape, _, scale = getattr(stats, distribution).fit(data, floc=0)
    model = wd.fit_aft(wars, (), family)
    fitted_scale, fitted_shape = model.scale_and_shape({})
    assert fitted_scale == pytest.approx(scale, rel=1e-3)
    assert fitted_shape == pytest.approx(shape, rel=1e-3)


@pytest.mark.parametrize("family", ["weibull", "loglogistic"])
def test_the_aft_optimum_beats_every_nearby_point(fits, family):
    model = wd.fit_aft(fits.wars, wd.COW_COVARIATES, family)
    rng = np.random.default_rng(0)
    se = np.sqrt(np.diag(model.covariance))
    for _ in range(20):
        moved = model.coef + 0.1 * se * rng.standard_normal(len(se))
        assert _log_likelihood(fits.wars, model, moved) < model.log_likelihood


def _log_likelihood(frame, model, coef):
    ended = frame["ended"].to_numpy(float)
    years = frame["duration_years"].to_numpy(float)
    rows = [
        {c: float(v) for c, v in zip(model.covariates, values, strict=True)}
        for values in frame[list(model.covariates)].to_numpy(float)
    ]
    total = 0.0
    for t, e, profile in zip(years, ended, rows, strict=True):
        s = model.survival(t, profile, coef)
        h = 1e-6
        density = (model.survival(t - h, profile, coef) - model.survival(t + h, profile, coef)) / (
            2 * h
        )
        total += float(np.log(density) if e else np.log(s))
    return total


@pytest.mark.parametrize("family", ["weibull", "loglogistic"])
def test_recovers_known_parameters_from_simulated_wars(family):
    rng = np.random.default_rng(7)
    n = 3000
    major = rng.integers(0, 2, n).astype(float)
    intensity = rng.normal(7.0, 1.5, n)
    truth = np.array([-0.5, 0.1, 0.4, np.log(0.8)])  # intercept, intensity, major, log shape
    scale = np.exp(truth[0] + truth[1] * intensity + truth[2] * major)
    shape = np.exp(truth[3])
    u = rng.uniform(size=n)
    if family == "weibull":
        years = scale * (-np.log(u)) ** (1.0 / shape)
    else:
        years = scale * (1.0 / u - 1.0) ** (1.0 / shape)
    frame = pd.DataFrame(
        {
            "duration_years": years,
            "ended": 1,
            "log_deaths_per_month": intensity,
            "major_power": major,
        }
    )
    model = wd.fit_aft(frame, wd.COW_COVARIATES, family)
    se = np.sqrt(np.diag(model.covariance))
    assert np.all(np.abs(model.coef - truth) < 4 * se), (model.coef, truth, se)


def test_discrete_hazard_matches_the_yearly_end_shares(fits):
    # The logit with only log(year) reproduces the observed share ending in year 1.
    plain = wd.fit_discrete(fits.wars, ())
    years = wd.war_years(fits.wars, ())
    observed = years.loc[years["year"] == 1, "end"].mean()
    assert plain.probability(1.0, {}) == pytest.approx(observed, abs=0.03)


def test_targets_are_probabilities_with_intervals(fits):
    for values in fits.targets.values():
        assert 0.0 < values["low"] <= values["value"] <= values["high"] < 1.0


def test_targets_hold_the_records_year_one_share(fits):
    # Of the 11 wars that reached 3 years, 2 ended within the next year: the fitted year-1
    # hazard lies within that share's exact binomial interval.
    exact = binomtest(2, 11).proportion_ci(method="exact")
    assert exact.low <= fits.targets["year_1"]["value"] <= exact.high


def test_out_of_sample_scores_are_computed_on_the_post_1990_episodes():
    scores = wd.out_of_sample()
    assert scores["train_wars"] == int((wd.cow_wars()["end_year"] < 1990).sum())
    episodes = wd.ucdp_episodes()
    assert scores["all"]["episodes"] == int((episodes["start_year"] >= 1990).sum()) > 0
    for subset in ("all", "war_intensity"):
        for name in ("model", "baseline"):
            assert np.isfinite(scores[subset][name]["mae_log_years"])
            assert np.isfinite(scores[subset][name]["mean_negative_log_likelihood"])


def test_scores_by_hand():
    # One ended episode of 2 years under a Weibull with scale 1, shape 1 (exponential, rate 1):
    # median log 2; -log f(2) = 2; the log error |log(log 2) - log 2|.
    model = wd.SurvivalModel("weibull", (), np.array([0.0, 0.0]), np.eye(2), 0.0, 0.0, 1)
    frame = pd.DataFrame({"duration_years": [2.0], "ended": [1]})
    scores = wd._scores(model, frame)
    assert scores["mean_negative_log_likelihood"] == pytest.approx(2.0)
    assert scores["mae_log_years"] == pytest.approx(abs(np.log(np.log(2.0)) - np.log(2.0)))


@pytest.mark.slow
def test_registered_and_json_shape():
    assert FITS["war-duration"] == "accord.fits.war_duration:fit"
    result = run_fit("war-duration").to_dict()
    assert result["model"] == "war-duration"
    assert result["data"]["n"] == 95
    assert {"name", "value", "low", "high", "unit"} <= set(result["estimates"][0])
    assert result["statistics"]["record"]["reached_3_years"] == 11


def test_the_scenarios_duration_ranges_are_the_fit(fits):
    from accord.scenario import load_scenario

    declared = {u.name: u for u in load_scenario("ukraine-2025").simulation.uncertainties}
    model = fits.cow
    assert model.family == "loglogistic"
    se = np.sqrt(np.diag(model.covariance))
    shape = [np.exp(model.coef[-1] + z * se[-1]) for z in (0.0, -1.96, 1.96)]
    shape_range = declared["duration_shape"]
    assert [shape_range.mode, shape_range.low, shape_range.high] == pytest.approx(shape, abs=2e-3)
    x = np.array([1.0] + [wd.RUSSIA_UKRAINE[c] for c in model.covariates])
    log_scale = model.coef[:-1] @ x
    se_scale = np.sqrt(x @ model.covariance[:-1, :-1] @ x)
    scale = [12 * np.exp(log_scale + z * se_scale) for z in (0.0, -1.96, 1.96)]
    scale_range = declared["duration_scale_months"]
    assert [scale_range.mode, scale_range.low, scale_range.high] == pytest.approx(scale, abs=0.01)
