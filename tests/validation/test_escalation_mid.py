"""Validation of the Russia-NATO escalation rates (``accord fit escalation``) on COW MID 5.0.

Reference counts: the research pass's data README (``shared/data/README.md``, table "Disputes
per decade of dispute start") for ``mid_russia_nato_dyads.csv``: 174 disputes in all, 82 with an
opposing state already a NATO member (12, 25, 9, 12, 8, 8, 8 by decade from the 1950s to
2010-14), of which 11 fatal at the dispute level (4, 3, 1, 1, 1, 1, 0).
"""

import numpy as np
import pytest
from scipy.stats import chi2, poisson

from accord.data import load
from accord.fits import FITS, run_fit
from accord.fits import escalation as es


@pytest.fixture(scope="module")
def frame():
    return load("mid_russia_nato").frame


@pytest.fixture(scope="module")
def result():
    return es.fit()


def test_readme_counts(frame):
    assert frame["dispnum"].nunique() == 174
    members = frame[frame["nato_member_at_dispute_start"] == 1].drop_duplicates("dispnum")
    assert len(members) == 82
    decade = np.minimum(members["dispute_start_year"] // 10 * 10, 2010)
    assert decade.value_counts().sort_index().tolist() == [12, 25, 9, 12, 8, 8, 8]
    fatal = members[members["dispute_fatality"] >= 1]
    assert (
        np.minimum(fatal["dispute_start_year"] // 10 * 10, 2010)
        .value_counts()
        .sort_index()
        .tolist()
    ) == [4, 3, 1, 1, 1, 1]


def test_era_counts_by_a_second_route(frame):
    """Counts by set arithmetic on the dyad rows, not by the fit's group-by."""
    members = frame[frame["nato_member_at_dispute_start"] == 1]
    force = set(
        members.loc[(members["rus_hostlev"] >= 4) | (members["nato_hostlev"] >= 4), "dispnum"]
    )
    fatal = set(
        members.loc[(members["rus_fatality"] >= 1) | (members["nato_fatality"] >= 1), "dispnum"]
    )
    year = members.groupby("dispnum")["dispute_start_year"].first()
    counts = es.era_counts()
    for era, years in es.ERAS.items():
        in_era = set(year[year.isin(years)].index)
        assert counts[era]["disputes"] == len(in_era)
        assert counts[era]["use_of_force"] == len(in_era & force)
        assert counts[era]["fatal"] == len(in_era & fatal)
    assert [counts["cold_war"][k] for k in ("years", "use_of_force", "fatal")] == [43, 31, 6]
    assert [counts["post_cold_war"][k] for k in ("years", "use_of_force", "fatal")] == [22, 9, 2]
    assert [counts["war_in_ukraine_2014"][k] for k in ("years", "use_of_force", "fatal")] == [
        1,
        1,
        0,
    ]
    assert fatal <= force  # every fatal dispute is also a use-of-force dispute


def test_rates_are_the_jeffreys_posterior(result):
    """Gamma(k + 1/2, T) quantiles equal chi-square quantiles chi2(2k + 1) / 2T."""
    counts = es.era_counts()
    for level in es.LEVELS:
        for era, c in counts.items():
            k, t = c[level], c["years"]
            estimate = result.estimate(f"rate_{level}_{era}")
            expected = chi2.ppf([0.025, 0.5, 0.975], 2 * k + 1) / (2 * t)
            assert np.allclose([estimate.low, estimate.value, estimate.high], expected)


def test_garwood_interval_known_values():
    # Zero events: the upper limit is -log(0.025) = 3.689 events (Garwood 1936; Ulm 1990).
    assert es.garwood_interval(0, 1.0) == (0.0, pytest.approx(3.6889, abs=1e-4))
    # One event: 0.0253-5.5716 (standard tables of exact Poisson limits).
    low, high = es.garwood_interval(1, 1.0)
    assert (low, high) == (pytest.approx(0.0253, abs=1e-4), pytest.approx(5.5716, abs=1e-4))


def test_intervals_recover_a_known_rate_in_simulated_data():
    rng = np.random.default_rng(3)
    rate, years = 0.4, 22.0
    counts = rng.poisson(rate * years, size=4000)
    covered = [
        es.rate_interval(int(k), years)[1] <= rate <= es.rate_interval(int(k), years)[2]
        for k in counts
    ]
    # Jeffreys intervals have close to nominal frequentist coverage (Brown, Cai & DasGupta).
    assert 0.93 <= np.mean(covered) <= 0.98


def test_out_of_sample_predictive_is_the_gamma_poisson_mixture(result):
    check = result.statistics["out_of_sample"]
    assert check["covered"]
    rng = np.random.default_rng(5)
    rates = rng.gamma(check["train_events"] + 0.5, 1.0 / 11.0, size=200_000)
    simulated = poisson.rvs(rates * 11.0, random_state=rng)
    low, high = np.quantile(simulated, [0.025, 0.975])
    assert abs(low - check["predictive_95"][0]) <= 1 and abs(high - check["predictive_95"][1]) <= 1


def test_rate_ratios_and_fatal_share(result):
    cold = result.estimate("log_rr_use_of_force_cold_war_vs_post_cold_war")
    assert cold.low < np.log((31 / 43) / (9 / 22)) < cold.high
    share = result.estimate("fatal_share_of_use_of_force")
    assert share.low < 8 / 41 < share.high
    assert result.statistics["fatal_not_use_of_force"] == 0


def test_registered_and_json_shaped():
    assert FITS["escalation"] == "accord.fits.escalation:fit"
    shaped = run_fit("escalation").to_dict()
    assert {"model", "data", "estimates"} <= set(shaped)
    assert shaped["data"]["n"] == 82
    assert any("war" in note and "not in the sample" in note for note in shaped["notes"])
