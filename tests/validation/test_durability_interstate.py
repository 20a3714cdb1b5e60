"""Validation of the interstate durability fit (``accord fit durability``).

Reference counts: the research pass's data README (``shared/data/README.md``) gives the UCDP
dyadic interstate subset as 68 terminations (low activity 19, ceasefire 15, peace agreement 14,
victory B 11, victory A 9) and the interstate peace agreements as 32, one with a peacekeeping
provision (Eritrea-Ethiopia, June 2000). Issue 12: 1 of the 15 episodes that ended in a
ceasefire agreement recurred within 5 years.
"""

import hashlib

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.stats import norm, weibull_min

from accord.data import table_path
from accord.fits import FITS, run_fit
from accord.fits import durability as du

#: sha256 of the shipped copies, as listed in the research pass's data README.
README_SHA256 = {
    "ucdp_termination_interstate_dyads": (
        "ac3c406c515c99f821242908175465cb7635e592ca0d7aaa1a06fb80b7e85e9d"
    ),
    "ucdp_peace_agreements_interstate": (
        "0f5d0fcb222d29e7d8ee03f7460fad59e02f0c109d2945d6c4e71ef63651126d"
    ),
    "mid_russia_nato": "4c4b2fbb7da302a3e4934aa2d6bf35d78e0a3d58fe13a70217c5199593f8f67a",
}


@pytest.fixture(scope="module")
def episodes():
    return du.interstate_episodes()


@pytest.fixture(scope="module")
def result():
    return du.fit()


@pytest.mark.parametrize("name", sorted(README_SHA256))
def test_shipped_files_are_the_research_pass_files(name):
    assert hashlib.sha256(table_path(name).read_bytes()).hexdigest() == README_SHA256[name]


def test_the_data_own_counts(episodes):
    assert len(episodes) == 68
    assert episodes["ending"].value_counts().to_dict() == {
        "victory": 20,
        "low_activity": 19,
        "ceasefire_agreement": 15,
        "peace_agreement": 14,
    }
    ceasefires = episodes[episodes["ending"] == "ceasefire_agreement"]
    assert int(ceasefires["recurred_within_5y"].sum()) == 1
    recurred = ceasefires[ceasefires["recurred_within_5y"]]
    assert recurred["sides"].item() == "Government of Egypt vs Government of Israel"
    assert recurred["end_date"].item() == "1970-08-07"  # the War of Attrition ceasefire
    assert int(episodes["peacekeeping"].sum()) == 1
    assert episodes.loc[episodes["peacekeeping"] == 1, "end_date"].item() == "2000-06-18"
    assert int(episodes["recurred"].sum()) == 23


def test_counts_in_the_fit_statistics(result, episodes):
    by_ending = result.statistics["by_ending"]
    assert by_ending["ceasefire_agreement"]["episodes"] == 15
    assert by_ending["ceasefire_agreement"]["recurred_within_5y"] == 1
    for ending, counts in by_ending.items():
        rows = episodes["ending"] == ending
        assert counts["recurred_within_5y"] == int(episodes.loc[rows, "recurred_within_5y"].sum())


def _independent_log_posterior(params, episodes, follow_up=du.FOLLOW_UP_MONTHS):
    """Censored Weibull log-likelihood with scipy.stats + normal log-priors (not our formula)."""
    months = episodes["months"].to_numpy(float)
    event = episodes["recurred"].to_numpy() & (months <= follow_up)
    time = np.minimum(months, follow_up)
    x = np.column_stack(
        [
            (episodes["ending"] == e).to_numpy(float)
            for e in ("ceasefire_agreement", "peace_agreement", "victory")
        ]
        + [episodes["third_party"], episodes["peacekeeping"]]
    ).astype(float)
    shape = np.exp(params[-1])
    scale = np.exp(-(params[0] + x @ params[1:-1]) / shape)
    dist = weibull_min(shape, scale=scale)
    loglik = np.sum(np.where(event, dist.logpdf(time), dist.logsf(time)))
    logprior = (
        norm.logpdf(params[0], np.log(1 / 120), 3.0)
        + norm.logpdf(params[1:-1], 0.0, 1.0).sum()
        + norm.logpdf(params[-1], 0.0, 1.0)
    )
    return loglik + logprior


@pytest.mark.slow
def test_posterior_mode_agrees_with_an_independent_optimiser(episodes):
    posterior = du.fit_posterior(du.spells(episodes))
    other = minimize(
        lambda p: -_independent_log_posterior(p, episodes),
        posterior.mode + 0.3,
        method="Nelder-Mead",
        options={"maxiter": 40000, "maxfev": 40000, "xatol": 1e-8, "fatol": 1e-10},
    )
    assert np.all(np.abs(other.x - posterior.mode) < 0.01 * posterior.sd())
    # Same posterior up to the priors' normalising constants.
    constant = _independent_log_posterior(posterior.mode, episodes) - posterior.log_posterior
    shifted = _independent_log_posterior(posterior.mode + 0.1, episodes) - du.log_posterior(
        posterior.mode + 0.1, du.spells(episodes), *du.prior(len(du.COVARIATES))
    )
    assert np.isclose(constant, shifted, atol=1e-8)


def test_laplace_covariance_is_the_inverse_curvature(episodes):
    posterior = du.fit_posterior(du.spells(episodes))
    h, n = 1e-4, posterior.mode.size
    hess = np.empty((n, n))
    f = lambda p: _independent_log_posterior(p, episodes)  # noqa: E731
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            hess[i, j] = (
                f(posterior.mode + ei + ej)
                - f(posterior.mode + ei - ej)
                - f(posterior.mode - ei + ej)
                + f(posterior.mode - ei - ej)
            ) / (4 * h * h)
    assert np.allclose(np.linalg.inv(-hess), posterior.cov, rtol=1e-3, atol=1e-6)


def test_fitted_values(result):
    """The fitted figures reported in docs/models/durability.md."""
    e = {x.name: x for x in result.estimates}
    assert e["shape"].value == pytest.approx(0.981, abs=5e-4)
    assert e["log_hr_ceasefire_agreement"].value == pytest.approx(-0.767, abs=5e-4)
    assert (e["log_hr_ceasefire_agreement"].low, e["log_hr_ceasefire_agreement"].high) == (
        pytest.approx(-1.900, abs=5e-4),
        pytest.approx(0.365, abs=5e-4),
    )
    p5 = e["p_recur_5y_ceasefire_agreement"]
    assert (p5.value, p5.low, p5.high) == (
        pytest.approx(0.085, abs=5e-4),
        pytest.approx(0.026, abs=5e-4),
        pytest.approx(0.217, abs=5e-4),
    )
    # The observed share 1/15 lies inside the fitted interval; every ending's interval
    # overlaps the others' (small samples: the endings are not told apart).
    assert p5.low < 1 / 15 < p5.high
    assert e["p_recur_5y_low_activity"].low < p5.high


def test_model_implied_counts_match_the_data_within_sampling_error(result):
    for ending, counts in result.statistics["by_ending"].items():
        n, observed = counts["followed_5y"], counts["recurred_within_5y"]
        expected = counts["model_implied_within_5y"]
        p = expected / n
        assert abs(observed - expected) <= 2.0 * np.sqrt(n * p * (1 - p)) + 1.0, ending


def test_metropolis_recovers_a_known_normal():
    mean = np.array([1.0, -2.0])
    cov = np.array([[1.0, 0.6], [0.6, 2.0]])
    inverse = np.linalg.inv(cov)
    draws = du.metropolis(
        lambda x: -0.5 * (x - mean) @ inverse @ (x - mean), np.zeros(2), np.eye(2), 40_000
    )
    assert np.allclose(draws.mean(axis=0), mean, atol=0.1)
    assert np.allclose(np.cov(draws.T), cov, atol=0.15)


def test_sampler_agrees_with_laplace_on_the_log_hazard_ratios(episodes):
    data = du.spells(episodes)
    posterior = du.fit_posterior(data)
    draws = du.posterior_draws(data, posterior)
    assert np.all(np.abs(draws.mean(axis=0) - posterior.mode) < 0.25 * posterior.sd())
    assert np.allclose(draws.std(axis=0), posterior.sd(), rtol=0.15)


def test_recovers_known_parameters_from_simulated_data():
    rng = np.random.default_rng(7)
    n, shape, truth = 3000, 0.8, np.array([-4.5, -0.7, -0.3, 0.4, -0.5, 0.3])
    x = np.column_stack(
        [rng.multinomial(1, [0.25] * 4, size=n)[:, :3], rng.random(n) < 0.3, rng.random(n) < 0.2]
    ).astype(float)
    eta = truth[0] + x @ truth[1:]
    event_time = (rng.exponential(size=n) / np.exp(eta)) ** (1 / shape)
    censor = rng.uniform(12, 240, size=n)
    data = du.SpellData(
        np.zeros(n),
        np.minimum(event_time, censor),
        (event_time <= censor).astype(float),
        x,
        du.COVARIATES,
        np.arange(n),
    )
    posterior = du.fit_posterior(data)
    params = np.append(truth, np.log(shape))
    assert np.all(np.abs(posterior.mode - params) < 3.0 * posterior.sd())


def test_recurrence_probability_is_the_fit_output(result):
    estimate = du.recurrence_probability(5)
    fitted = result.estimate("p_recur_5y_ceasefire_agreement")
    assert (estimate.value, estimate.low, estimate.high) == (fitted.value, fitted.low, fitted.high)
    assert du.recurrence_probability(10).value > estimate.value
    assert 0.0 <= estimate.low <= estimate.value <= estimate.high <= 1.0


def test_registered_and_json_shaped():
    assert FITS["durability"] == "accord.fits.durability:fit"
    shaped = run_fit("durability").to_dict()
    assert {"model", "data", "estimates"} <= set(shaped)
    assert shaped["data"]["n"] == 68 and shaped["data"]["years"] == [1946, 2020]
    for item in shaped["estimates"]:
        assert item["low"] <= item["value"] <= item["high"]
