"""War duration fitted on the record of inter-state wars (``accord fit war-duration``).

Two samples:

* **COW inter-state wars** (Sarkees & Wayman 2010, *Resort to War*; COW Inter-State War Data
  v4.0): the 95 wars of 1816-2007, one row per war (``cow_interstate_war_durations.csv``),
  duration from the first participant's entry to the last participant's exit. Every war ended,
  so nothing is censored.
* **UCDP interstate conflict episodes** (Kreutz 2010, UCDP Conflict Termination v3-2021): the
  72 interstate episodes of 1946-2020 (``ucdp_conflict_termination_v3_2021.csv``), episodes
  still active at the end of 2020 censored there. UCDP counts a conflict from 25 battle deaths
  a year, COW a war from 1,000: the UCDP sample holds many short low-intensity episodes.

Models (chosen because they are the standard ones for war duration: Bennett & Stam 1996,
"The duration of interstate wars, 1816-1985", APSR 90; Slantchev 2004, "How initiators end
their wars", AJPS 48; Box-Steffensmeier & Jones 2004, *Event History Modeling*, ch. 3 and 5):

* parametric accelerated-failure-time survival models, Weibull and log-logistic
  (maximum likelihood with scipy, lifelines' parametrisation), the better one by AIC; the
  Weibull ``S(t) = exp(-(t / lambda)^rho)``, the log-logistic ``S(t) = 1 / (1 + (t / alpha)^beta)``,
  with ``log lambda`` (``log alpha``) linear in the covariates;
* a discrete-time hazard: a logit on war-years, ``P(end in year j | at war at its start) =
  logistic(b0 + b1 log j + x'b)`` (Beck, Katz & Tucker 1998, AJPS 42), ``statsmodels`` GLM.

Covariates that also exist for Russia-Ukraine: elapsed time (the models' own time axis),
battle-death intensity (log battle deaths per month of war), major-power participation (COW
State System list), territorial stakes (UCDP incompatibility; COW codes no stakes), and the
capability ratio of the two sides (COW NMC v7 CINC; the shipped NMC extract covers NATO
members, Russia and Ukraine only, so the ratio is computable for the 19 wars all of whose
participants are in it: a separate small fit).

What the simulation uses: :func:`conditional_end_probabilities` of the chosen model for a war
that has lasted three years with Russia-Ukraine's covariates (the calibration targets), and
the model's monthly hazard (:func:`accord.models.war.duration_end_probability`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from accord.fits import DataSample, Estimate, FitResult

DAYS_PER_YEAR = 365.25
MONTHS_PER_YEAR = 12.0
#: COW major powers in UCDP's side names (COW State System 2016: US, UK, France, Russia/USSR,
#: China; Germany, Italy and Japan were majors only before 1946, where UCDP does not reach).
UCDP_MAJOR_POWERS = ("United States", "United Kingdom", "France", "Russia", "China")
#: The covariates of the main COW model.
COW_COVARIATES = ("log_deaths_per_month", "major_power")
UCDP_COVARIATES = ("territorial", "war_intensity", "major_power")
#: Russia-Ukraine's covariates (the profile the simulation and calibration use).
RUSSIA_UKRAINE = {
    "log_deaths_per_month": float(np.log(100_000 / 12.0)),
    "major_power": 1.0,
    "territorial": 1.0,
    "war_intensity": 1.0,
}
RUSSIA_UKRAINE_SOURCES = {
    "log_deaths_per_month": "analyst judgement: public estimates of the two sides' combined "
    "battle deaths are of the order of 100,000 a year since 2022 (widely reported, range "
    "about 50,000-250,000; not in the shipped data): log(100,000 / 12)",
    "major_power": "COW State System: Russia is a major power",
    "territorial": "the war is over territory (UCDP incompatibility 1)",
    "war_intensity": "more than 1,000 battle deaths a year (UCDP intensity level 2)",
}
#: Elapsed years of the war at the scenario start (24 Feb 2022 to 1 Mar 2025) and the
#: windows of the calibration targets, in years after that.
ELAPSED_YEARS = 3.0
WINDOWS = (("year_1", 0.0, 1.0), ("years_2_3", 1.0, 3.0), ("years_4_10", 3.0, 10.0))
OUT_OF_SAMPLE_SPLIT = 1990


# --------------------------------------------------------------------------------- samples


def cow_wars() -> pd.DataFrame:
    """The 95 COW inter-state wars, one row each, with durations and covariates.

    Columns: ``war``, ``start_year``, ``end_year``, ``duration_years`` (days / 365.25),
    ``ended`` (1), ``battle_deaths``, ``log_deaths_per_month`` (log of battle deaths per
    month of war, the duration floored at one month), ``major_power`` (0/1).
    """
    from accord.data import load

    frame = load("cow_war_durations").frame
    months = np.maximum(frame["duration_days"] / (DAYS_PER_YEAR / MONTHS_PER_YEAR), 1.0)
    deaths = frame["battle_deaths_total"].astype(float)
    return pd.DataFrame(
        {
            "war": frame["war_name"],
            "war_num": frame["war_num"],
            "start_year": frame["start_year"].astype(int),
            "end_year": frame["end_year"].astype(int),
            "duration_years": frame["duration_days"] / DAYS_PER_YEAR,
            "ended": 1,
            "battle_deaths": deaths,
            "log_deaths_per_month": np.log(np.maximum(deaths, 1.0) / months),
            "major_power": frame["major_power_involved"].astype(float),
        }
    )


def ucdp_episodes() -> pd.DataFrame:
    """UCDP interstate conflict episodes 1946-2020, one row each.

    An episode is a ``conflictep_id`` with its own start date (the shipped copy gives a 2020
    restart after a gap the previous episode's id; the start date tells them apart). Columns:
    ``conflict_id``, ``start``, ``end`` (the end date, or 2020-12-31 if ongoing),
    ``duration_years`` (end - start + 1 day), ``ended`` (0/1), ``outcome`` (UCDP code, NaN if
    ongoing), ``territorial`` (incompatibility 1 or 3), ``war_intensity`` (1,000+ battle deaths
    in some year), ``major_power`` (a COW major power on either side), ``start_year``.
    """
    from accord.data import load

    rows = load("ucdp_termination").frame
    rows = rows[rows["type_of_conflict2"] == 2].copy()
    rows["sides"] = rows["side_a"].fillna("") + ", " + rows["side_b"].fillna("")
    grouped = rows.sort_values("year").groupby(["conflictep_id", "start_date2"], sort=False)
    episodes = grouped.agg(
        conflict_id=("conflict_id", "first"),
        end=("ependdate", "last"),
        ended=("confterm", "max"),
        outcome=("outcome", "max"),
        incompatibility=("incompatibility", "max"),
        intensity=("intensity_level", "max"),
        sides=("sides", lambda s: " ".join(s)),
    ).reset_index()
    episodes["start"] = pd.to_datetime(episodes["start_date2"])
    censor = pd.Timestamp("2020-12-31")
    ended = episodes["ended"].astype(int) == 1
    end = pd.to_datetime(episodes["end"].where(ended), errors="coerce").fillna(censor)
    episodes["end"] = end
    episodes["ended"] = ended.astype(int)
    episodes["outcome"] = episodes["outcome"].where(ended)
    episodes["duration_years"] = ((end - episodes["start"]).dt.days + 1) / DAYS_PER_YEAR
    episodes["territorial"] = episodes["incompatibility"].isin([1, 3]).astype(float)
    episodes["war_intensity"] = (episodes["intensity"] == 2).astype(float)
    episodes["major_power"] = episodes["sides"].apply(
        lambda text: float(any(f"Government of {m}" in text for m in UCDP_MAJOR_POWERS))
    )
    episodes["start_year"] = episodes["start"].dt.year
    columns = [
        "conflictep_id",
        "conflict_id",
        "start",
        "end",
        "start_year",
        "duration_years",
        "ended",
        "outcome",
        "territorial",
        "war_intensity",
        "major_power",
    ]
    return episodes[columns].sort_values(["start", "conflict_id"]).reset_index(drop=True)


def ceasefire_recurrence(years: float = 5.0) -> dict[str, Any]:
    """How many UCDP interstate episodes that ended in a ceasefire recurred within ``years``.

    A ceasefire episode (UCDP outcome 2) recurred when a later episode of the same conflict
    starts within ``years`` of its end. Returns ``failures``, ``n`` and the Clopper-Pearson
    95 % interval of the rate (Clopper & Pearson 1934) as ``rate``, ``low``, ``high``.
    """
    from scipy.stats import beta

    episodes = ucdp_episodes()
    ceasefires = episodes[episodes["outcome"] == 2]
    failures = 0
    for _, row in ceasefires.iterrows():
        later = episodes[
            (episodes["conflict_id"] == row["conflict_id"]) & (episodes["start"] > row["end"])
        ]
        gap_years = (later["start"].min() - row["end"]).days / DAYS_PER_YEAR if len(later) else None
        failures += int(gap_years is not None and gap_years <= years)
    n = len(ceasefires)
    low = 0.0 if failures == 0 else float(beta.ppf(0.025, failures, n - failures + 1))
    high = 1.0 if failures == n else float(beta.ppf(0.975, failures + 1, n - failures))
    return {
        "failures": failures,
        "n": n,
        "rate": failures / n,
        "low": low,
        "high": high,
        "years": years,
    }


def record_facts(wars: pd.DataFrame | None = None) -> dict[str, Any]:
    """The data's own facts: number of wars, median duration, the wars that reached 3 years."""
    wars = cow_wars() if wars is None else wars
    years = wars["duration_years"].to_numpy()
    reached = years >= ELAPSED_YEARS
    return {
        "wars": int(len(wars)),
        "median_duration_months": float(np.median(years) * MONTHS_PER_YEAR),
        "reached_3_years": int(reached.sum()),
        "ended_within_next_year": int((reached & (years < ELAPSED_YEARS + 1.0)).sum()),
        "ended_within_10_years_of_start": int((reached & (years <= 10.0 + 1e-9)).sum()),
        "longest_years": float(years.max()),
    }


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson 1934) interval of ``k`` successes in ``n`` trials.

    Refuses ``n < 1`` or ``k`` outside ``0..n`` (an empty sample has no rate).
    """
    from scipy.stats import beta

    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"Clopper-Pearson needs 0 <= k <= n and n >= 1, got k={k}, n={n}")
    tail = (1.0 - level) / 2.0
    low = 0.0 if k == 0 else float(beta.ppf(tail, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1.0 - tail, k + 1, n - k))
    return low, high


#: Life-table windows of the long-war hazards: (reached ``t`` years, ended before ``t + w``).
LONG_WAR_WINDOWS = ((2.0, 1.0), (3.0, 1.0), (4.0, 2.0))


def long_war_hazards(durations, ended) -> list[dict[str, Any]]:
    """Nonparametric (life-table) hazards of long wars with exact binomial intervals.

    For each ``(t, w)`` in :data:`LONG_WAR_WINDOWS`: of the wars still fought at ``t`` years
    whose fate over ``[t, t + w)`` is known (ended in it, or observed past ``t + w``), the
    share that ended before ``t + w``. A war censored inside the window is dropped from that
    window (the Kaplan-Meier step for a window holding no censoring is the same number).
    """
    years = np.asarray(durations, dtype=float)
    done = np.asarray(ended, dtype=int) == 1
    rows = []
    for start, width in LONG_WAR_WINDOWS:
        at_risk = years >= start
        ended_in = at_risk & done & (years < start + width)
        known = ended_in | (years >= start + width)
        n, k = int(known.sum()), int(ended_in.sum())
        row: dict[str, Any] = {
            "reached_years": start,
            "window_years": width,
            "n": n,
            "ended": k,
            "censored_in_window": int((at_risk & ~known).sum()),
        }
        if n:
            low, high = clopper_pearson(k, n)
            row.update(rate=k / n, low=low, high=high)
        else:
            row.update(rate=None, low=None, high=None)
        rows.append(row)
    return rows


#: How a war ended, in the engine's three classes. COW: a winner side (decisive) or none.
#: UCDP outcome codes: 3/4 victory and 6 actor ceases to exist (decisive), 1 peace agreement
#: and 2 ceasefire (settled), 5 low activity (freeze).
UCDP_END_CLASSES = {"decisive": (3, 4, 6), "settled": (1, 2), "freeze": (5,)}


def _shares(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    n = sum(counts.values())
    out = {}
    for name, k in counts.items():
        low, high = clopper_pearson(k, n)
        out[name] = {"count": k, "n": n, "share": k / n, "low": low, "high": high}
    return out


def long_war_end_types(
    wars: pd.DataFrame | None = None, episodes: pd.DataFrame | None = None
) -> dict[str, Any]:
    """End-type shares with Clopper-Pearson intervals: COW wars of 2+ years, UCDP war episodes.

    COW (wars that reached 2 years): decisive = a side won (``winner_side`` given), otherwise
    no winner (compromise, stalemate or transformed). UCDP (ended interstate episodes with a
    year of 1,000+ battle deaths): :data:`UCDP_END_CLASSES`.
    """
    from accord.data import load

    wars = cow_wars() if wars is None else wars
    episodes = ucdp_episodes() if episodes is None else episodes
    raw = load("cow_war_durations").frame.set_index("war_num")
    long = wars[wars["duration_years"] >= 2.0]
    winner = raw.loc[long["war_num"], "winner_side"].notna().to_numpy()
    cow = _shares({"decisive": int(winner.sum()), "no_winner": int((~winner).sum())})
    war_eps = episodes[(episodes["war_intensity"] == 1) & (episodes["ended"] == 1)]
    codes = war_eps["outcome"].astype(int)
    ucdp = _shares(
        {name: int(codes.isin(values).sum()) for name, values in UCDP_END_CLASSES.items()}
    )
    return {"cow_wars_reaching_2_years": cow, "ucdp_war_intensity_episodes": ucdp}


# ---------------------------------------------------------------------------------- models


@dataclass(frozen=True)
class SurvivalModel:
    """A fitted AFT model in plain numbers (no lifelines object needed to use it).

    ``family`` is ``weibull`` or ``loglogistic``; ``coef`` holds the scale coefficients
    (``Intercept`` first) and the log shape last, ``covariance`` their covariance matrix.
    Time in years.
    """

    family: str
    covariates: tuple[str, ...]
    coef: np.ndarray
    covariance: np.ndarray
    aic: float
    log_likelihood: float
    n: int

    def scale_and_shape(self, profile: dict[str, float], coef: np.ndarray | None = None):
        """``(scale_years, shape)`` for a covariate profile (arrays if ``coef`` is [S, P])."""
        coef = self.coef if coef is None else coef
        x = np.array([1.0] + [profile[name] for name in self.covariates])
        log_scale = np.asarray(coef)[..., :-1] @ x
        return np.exp(log_scale), np.exp(np.asarray(coef)[..., -1])

    def survival(self, years, profile: dict[str, float], coef: np.ndarray | None = None):
        """``S(t)`` at ``years`` (broadcast against the parameter draws)."""
        scale, shape = self.scale_and_shape(profile, coef)
        return survival(self.family, np.asarray(years, float), scale, shape)

    def draws(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` parameter draws from the estimates' asymptotic normal distribution."""
        rng = np.random.default_rng(seed)
        return rng.multivariate_normal(self.coef, self.covariance, size=n, method="svd")


def survival(family: str, years, scale, shape):
    """Survival of the Weibull (``exp(-(t/scale)^shape)``) or log-logistic AFT model."""
    z = np.power(np.maximum(np.asarray(years, float), 0.0) / scale, shape)
    if family == "weibull":
        return np.exp(-z)
    return 1.0 / (1.0 + z)


def fit_aft(frame: pd.DataFrame, covariates: tuple[str, ...], family: str) -> SurvivalModel:
    """Fit a Weibull or log-logistic AFT model by maximum likelihood (time in years).

    ``log scale = X b`` (``Intercept`` first), ``shape = exp(g)``; right-censored wars
    (``ended == 0``) contribute ``log S(t)``, ended ones ``log f(t)``. The same
    parametrisation as lifelines' ``WeibullAFTFitter`` / ``LogLogisticAFTFitter``, fitted with
    scipy (BFGS on the analytic gradient); the covariance is the inverse of the observed
    information (central differences of the analytic gradient). Written here rather than
    taken from lifelines because lifelines pins pandas below 3 (see docs/models/war.md).
    """
    from scipy.optimize import minimize

    data = frame[["duration_years", "ended", *covariates]].astype(float)
    years = data["duration_years"].to_numpy(float)
    ended = data["ended"].to_numpy(float)
    if np.any(years <= 0) or not np.all(np.isfinite(years)):
        raise ValueError("durations must be positive and finite")
    x = np.column_stack([np.ones(len(data)), data[list(covariates)].to_numpy(float)])
    log_t = np.log(years)

    def negative_log_likelihood(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, log_shape = theta[:-1], theta[-1]
        shape = np.exp(log_shape)
        u = shape * (log_t - x @ beta)  # log z, z = (t / scale) ^ shape
        z = np.exp(np.minimum(u, 700.0))
        if family == "weibull":
            # log f = log shape - log t + u - z ; log S = -z
            ll = ended * (log_shape - log_t + u) - z
            d_u = ended - z  # d ll / d u
        else:
            # log f = log shape - log t + u - 2 log(1 + z) ; log S = -log(1 + z)
            log1pz = np.logaddexp(0.0, u)
            ll = ended * (log_shape - log_t + u) - (1.0 + ended) * log1pz
            d_u = ended - (1.0 + ended) * np.exp(u - log1pz)
        grad_beta = -(shape * d_u) @ x  # d u / d beta = -shape x
        grad_shape = np.sum(ended + d_u * u)  # d u / d log_shape = u
        return -float(ll.sum()), -np.append(grad_beta, grad_shape)

    start = np.zeros(x.shape[1] + 1)
    start[0] = float(np.mean(log_t))
    result = minimize(
        negative_log_likelihood,
        start,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-8, "maxiter": 2000},
    )
    theta = result.x
    step = 1e-5 * np.maximum(1.0, np.abs(theta))
    hessian = np.empty((len(theta), len(theta)))
    for j in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[j] += step[j]
        down[j] -= step[j]
        hessian[:, j] = (negative_log_likelihood(up)[1] - negative_log_likelihood(down)[1]) / (
            2 * step[j]
        )
    covariance = np.linalg.inv((hessian + hessian.T) / 2)
    log_likelihood = -float(result.fun)
    return SurvivalModel(
        family,
        tuple(covariates),
        theta,
        covariance,
        2.0 * len(theta) - 2.0 * log_likelihood,
        log_likelihood,
        int(len(data)),
    )


def fit_best(
    frame: pd.DataFrame, covariates: tuple[str, ...]
) -> tuple[SurvivalModel, dict[str, SurvivalModel]]:
    """Both AFT families; the one with the lower AIC first."""
    models = {family: fit_aft(frame, covariates, family) for family in ("weibull", "loglogistic")}
    best = min(models.values(), key=lambda m: m.aic)
    return best, models


def long_war_log_scores(frame: pd.DataFrame | None = None, reached: float = 2.0) -> dict[str, Any]:
    """Leave-one-out log score of each parametric candidate on the long-war subsample.

    For each war that reached ``reached`` years, every candidate (Weibull or log-logistic,
    with or without :data:`COW_COVARIATES`) is fitted on all other wars and scored on the
    held-out war's year of ending: ``log[(S(a) - S(a + 1)) / S(reached)]`` with ``a`` the
    whole years it lasted. Higher is better; the best candidate is ``chosen``. Refuses a
    sample with no war that reached ``reached`` years.
    """
    frame = cow_wars() if frame is None else frame
    years = frame["duration_years"].to_numpy(float)
    long_index = np.flatnonzero(years >= reached)
    if not len(long_index):
        raise ValueError(f"no war reached {reached:g} years: nothing to score")
    candidates = {
        f"{family}{'' if covs else ' (no covariates)'}": (family, covs)
        for family in ("weibull", "loglogistic")
        for covs in (COW_COVARIATES, ())
    }
    scores = {name: 0.0 for name in candidates}
    for i in long_index:
        train = frame.drop(frame.index[i])
        row = frame.iloc[i]
        start = np.floor(years[i])
        for name, (family, covs) in candidates.items():
            model = fit_aft(train, covs, family)
            profile = {c: float(row[c]) for c in covs}
            s_reached, s_a, s_b = model.survival(np.array([reached, start, start + 1.0]), profile)
            scores[name] += float(np.log(max(s_a - s_b, 1e-300) / s_reached))
    chosen = max(scores, key=scores.__getitem__)
    return {
        "held_out_wars": int(len(long_index)),
        "reached_years": reached,
        "log_score": {k: round(v, 3) for k, v in scores.items()},
        "chosen": chosen,
    }


def war_years(frame: pd.DataFrame, covariates: tuple[str, ...]) -> pd.DataFrame:
    """Expand wars into war-years: one row per year at war, ``ended`` = 1 in the last one."""
    years_at_war = np.maximum(np.ceil(frame["duration_years"].to_numpy()), 1).astype(int)
    index = np.repeat(np.arange(len(frame)), years_at_war)
    year = np.concatenate([np.arange(1, k + 1) for k in years_at_war])
    last = np.concatenate([np.arange(1, k + 1) == k for k in years_at_war])
    ended = frame["ended"].to_numpy()[index]
    expanded = frame.iloc[index][list(covariates)].reset_index(drop=True)
    expanded.insert(0, "log_year", np.log(year))
    expanded["year"] = year
    expanded["end"] = (last & (ended == 1)).astype(float)
    return expanded


@dataclass(frozen=True)
class DiscreteHazard:
    """Logit of the yearly end probability on ``log(year)`` and covariates."""

    covariates: tuple[str, ...]
    coef: np.ndarray  # const, log_year, covariates...
    covariance: np.ndarray
    aic: float
    n_war_years: int

    def probability(self, year, profile: dict[str, float], coef: np.ndarray | None = None):
        coef = self.coef if coef is None else coef
        x_rest = np.array([profile[name] for name in self.covariates])
        coef = np.asarray(coef)
        eta = (
            coef[..., 0:1]
            + coef[..., 1:2] * np.log(np.asarray(year, float))
            + (coef[..., 2:] @ x_rest)[..., None]
        )
        return 1.0 / (1.0 + np.exp(-eta))


def fit_discrete(frame: pd.DataFrame, covariates: tuple[str, ...]) -> DiscreteHazard:
    """Fit the discrete-time logit hazard with statsmodels (GLM, binomial family)."""
    import statsmodels.api as sm

    data = war_years(frame, covariates)
    exog = sm.add_constant(data[["log_year", *covariates]].astype(float))
    result = sm.GLM(data["end"], exog, family=sm.families.Binomial()).fit()
    return DiscreteHazard(
        tuple(covariates),
        result.params.to_numpy(float),
        np.asarray(result.cov_params(), float),
        float(result.aic),
        len(data),
    )


# ------------------------------------------------------------------------ derived quantities


def conditional_end_probabilities(
    model: SurvivalModel,
    profile: dict[str, float],
    *,
    elapsed: float = ELAPSED_YEARS,
    draws: int = 4000,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Hazard of the war ending in each window, for a war at war after ``elapsed`` years.

    For a window ``(a, b]`` years after the elapsed time: ``1 - S(elapsed + b) / S(elapsed + a)``,
    the probability that a war still going at the window's start ends within it. Point value
    at the estimates; 95 % interval from ``draws`` draws of the estimates' asymptotic normal
    distribution (parameter uncertainty only).
    """
    coef = model.draws(draws, seed)
    out = {}
    for name, start, stop in WINDOWS:

        def hazard(c, start=start, stop=stop):
            s0 = model.survival(elapsed + start, profile, c)
            s1 = model.survival(elapsed + stop, profile, c)
            return 1.0 - s1 / np.maximum(s0, 1e-300)

        values = hazard(coef)
        low, high = np.quantile(values, [0.025, 0.975])
        out[name] = {"value": float(hazard(None)), "low": float(low), "high": float(high)}
    return out


def combined_targets(
    models: dict[str, SurvivalModel], profile: dict[str, float]
) -> dict[str, dict[str, float]]:
    """Calibration targets from both AFT families: Akaike-weighted value, enveloping interval.

    The two families differ by less than 4 AIC points on the COW wars (Burnham & Anderson
    2002, sect. 2.6: both keep substantial support) but disagree most where the targets are,
    in the tail beyond three years (the log-logistic hazard falls with time, the Weibull's
    falls more slowly). So the value is the Akaike-weighted mean of the two and the interval
    runs from the lower to the higher of the two families' 95 % bounds: model uncertainty
    as well as parameter uncertainty.
    """
    aic = np.array([m.aic for m in models.values()])
    weights = np.exp(-0.5 * (aic - aic.min()))
    weights /= weights.sum()
    per_family = [conditional_end_probabilities(m, profile) for m in models.values()]
    out = {}
    for name, _, _ in WINDOWS:
        value = float(sum(w * t[name]["value"] for w, t in zip(weights, per_family, strict=True)))
        out[name] = {
            "value": value,
            "low": min(t[name]["low"] for t in per_family),
            "high": max(t[name]["high"] for t in per_family),
        }
    return out


def out_of_sample(split_year: int = OUT_OF_SAMPLE_SPLIT) -> dict[str, Any]:
    """Fit on COW wars ended before ``split_year``; predict UCDP interstate episodes after it.

    The covariate is the one defined the same way in both samples (major-power
    participation); the baseline is the same AFT family without covariates. Scores on the
    episodes that started in or after ``split_year``: mean absolute error of log duration
    (predicted median vs observed, ended episodes), and the mean negative log-likelihood per
    episode (censored episodes contribute ``-log S``). Reported for all such episodes and for
    those that reached war intensity (1,000+ battle deaths a year), the population COW counts.
    """
    wars = cow_wars()
    train = wars[wars["end_year"] < split_year]
    covariates = ("major_power",)
    model, _ = fit_best(train, covariates)
    baseline = fit_aft(train, (), model.family)
    episodes = ucdp_episodes()
    test = episodes[episodes["start_year"] >= split_year]
    subsets = {"all": test, "war_intensity": test[test["war_intensity"] == 1]}
    scores: dict[str, Any] = {
        "family": model.family,
        "train_wars": int(len(train)),
        "covariates": list(covariates),
    }
    for label, subset in subsets.items():
        row: dict[str, Any] = {"episodes": int(len(subset)), "ended": int(subset["ended"].sum())}
        for name, fitted in (("model", model), ("baseline", baseline)):
            row[name] = _scores(fitted, subset)
        scores[label] = row
    return scores


def _scores(model: SurvivalModel, episodes: pd.DataFrame) -> dict[str, float]:
    t = episodes["duration_years"].to_numpy(float)
    ended = episodes["ended"].to_numpy(int) == 1
    scale = np.empty(len(episodes))
    shape = 0.0
    for i, (_, row) in enumerate(episodes.iterrows()):
        profile = {name: float(row[name]) for name in model.covariates}
        scale[i], shape = model.scale_and_shape(profile)
    median = scale  # S(scale) = exp(-1) for Weibull; 1/2 for log-logistic
    if model.family == "weibull":
        median = scale * np.log(2.0) ** (1.0 / shape)
    z = (t / scale) ** shape
    if model.family == "weibull":
        log_s, log_f = -z, np.log(shape / t) + np.log(z) - z
    else:
        log_s = -np.log1p(z)
        log_f = np.log(shape / t) + np.log(z) - 2.0 * np.log1p(z)
    nll = -np.where(ended, log_f, log_s)
    mae = np.abs(np.log(median[ended]) - np.log(t[ended]))
    return {
        "mae_log_years": float(mae.mean()) if ended.any() else float("nan"),
        "mean_negative_log_likelihood": float(nll.mean()),
    }


def capability_ratio_fit() -> dict[str, Any]:
    """Weibull AFT on log capability ratio for the wars whose participants are all in NMC.

    Ratio = the stronger side's summed CINC over the weaker side's, in the war's start year
    (COW NMC v7). The shipped NMC extract covers NATO members, Russia and Ukraine only, so the
    sample is small; the estimate is reported, not used by the simulation.
    """
    from accord.data import load

    participants = load("cow_wars").frame
    nmc = load("cow_nmc_long").frame
    cinc = {
        (int(r.ccode), int(r.year)): float(r.cinc)
        for r in nmc[["ccode", "year", "cinc"]].dropna().itertuples()
    }
    wars = cow_wars().set_index("war_num")
    ratios = {}
    for war_num, group in participants.groupby("WarNum"):
        start = int(group["StartYear1"].min())
        keys = [(int(c), start) for c in group["ccode"]]
        if not all(key in cinc for key in keys):
            continue
        sides = group.assign(cinc=[cinc[k] for k in keys]).groupby("Side")["cinc"].sum()
        if len(sides) == 2 and sides.min() > 0:
            ratios[war_num] = float(np.log(sides.max() / sides.min()))
    frame = wars.loc[list(ratios)].assign(log_capability_ratio=pd.Series(ratios))
    model = fit_aft(frame.reset_index(), ("log_capability_ratio",), "weibull")
    se = float(np.sqrt(model.covariance[1, 1]))
    russia, ukraine = cinc.get((365, 2022)), cinc.get((369, 2022))
    return {
        "n": int(len(frame)),
        "coef": float(model.coef[1]),
        "low": float(model.coef[1] - 1.96 * se),
        "high": float(model.coef[1] + 1.96 * se),
        "russia_ukraine_2022": (float(np.log(russia / ukraine)) if russia and ukraine else None),
    }


# ------------------------------------------------------------------------------ the fit


@dataclass(frozen=True)
class WarDurationFits:
    """Everything the fit computes, for the simulation, calibration and the tests."""

    wars: pd.DataFrame
    episodes: pd.DataFrame
    cow: SurvivalModel
    cow_models: dict[str, SurvivalModel]
    cow_plain: SurvivalModel
    discrete: DiscreteHazard
    ucdp: SurvivalModel
    ucdp_models: dict[str, SurvivalModel]
    targets: dict[str, dict[str, float]]
    profile: dict[str, float]


def fit_models(profile: dict[str, float] | None = None) -> WarDurationFits:
    """Fit every model of this module once (COW AFT, discrete hazard, UCDP AFT, targets)."""
    profile = dict(RUSSIA_UKRAINE if profile is None else profile)
    wars = cow_wars()
    episodes = ucdp_episodes()
    cow, cow_models = fit_best(wars, COW_COVARIATES)
    plain = fit_aft(wars, (), cow.family)
    discrete = fit_discrete(wars, COW_COVARIATES)
    ucdp, ucdp_models = fit_best(episodes, UCDP_COVARIATES)
    targets = combined_targets(cow_models, profile)
    return WarDurationFits(
        wars, episodes, cow, cow_models, plain, discrete, ucdp, ucdp_models, targets, profile
    )


def _coef_estimates(model: SurvivalModel, prefix: str) -> list[Estimate]:
    names = ["intercept", *model.covariates]
    se = np.sqrt(np.diag(model.covariance))
    rows = []
    for i, name in enumerate(names):
        rows.append(
            Estimate(
                f"{prefix}: log time ratio, {name}",
                float(model.coef[i]),
                float(model.coef[i] - 1.96 * se[i]),
                float(model.coef[i] + 1.96 * se[i]),
                "log(years)",
            )
        )
    shape = model.coef[-1]
    rows.append(
        Estimate(
            f"{prefix}: shape",
            float(np.exp(shape)),
            float(np.exp(shape - 1.96 * se[-1])),
            float(np.exp(shape + 1.96 * se[-1])),
            "",
        )
    )
    return rows


def fit(profile: dict[str, float] | None = None) -> FitResult:
    """Fit the war-duration models (registered as ``war-duration`` in :data:`accord.fits.FITS`).

    ``profile``: a dict of covariate values replacing Russia-Ukraine's.
    """
    fits = fit_models(profile)
    facts = record_facts(fits.wars)
    recurrence = ceasefire_recurrence()
    oos = out_of_sample()
    capability = capability_ratio_fit()
    estimates = _coef_estimates(fits.cow, f"COW {fits.cow.family} AFT")
    se = np.sqrt(np.diag(fits.discrete.covariance))
    for i, name in enumerate(["intercept", "log_year", *fits.discrete.covariates]):
        estimates.append(
            Estimate(
                f"COW discrete-time logit: {name}",
                float(fits.discrete.coef[i]),
                float(fits.discrete.coef[i] - 1.96 * se[i]),
                float(fits.discrete.coef[i] + 1.96 * se[i]),
                "log odds",
            )
        )
    estimates += _coef_estimates(fits.ucdp, f"UCDP {fits.ucdp.family} AFT")
    estimates.append(
        Estimate(
            f"COW Weibull AFT (n = {capability['n']}): log capability ratio",
            capability["coef"],
            capability["low"],
            capability["high"],
            "log(years)",
            note="wars whose participants are all in NMC",
        )
    )
    for name, values in fits.targets.items():
        estimates.append(
            Estimate(
                f"P(war ends in {name.replace('_', ' ')} | at war after 3 years), Russia-Ukraine",
                values["value"],
                values["low"],
                values["high"],
                "probability",
            )
        )
    estimates.append(
        Estimate(
            "UCDP ceasefire episodes recurring within 5 years",
            recurrence["rate"],
            recurrence["low"],
            recurrence["high"],
            "share",
            note=f"{recurrence['failures']} of {recurrence['n']}, Clopper-Pearson",
        )
    )
    cow_hazards = long_war_hazards(fits.wars["duration_years"], fits.wars["ended"])
    war_eps = fits.episodes[fits.episodes["war_intensity"] == 1]
    ucdp_hazards = long_war_hazards(war_eps["duration_years"], war_eps["ended"])
    end_types = long_war_end_types(fits.wars, fits.episodes)
    for label, rows in (("COW wars", cow_hazards), ("UCDP war-intensity episodes", ucdp_hazards)):
        for row in rows:
            if row["n"]:
                start, stop = row["reached_years"], row["reached_years"] + row["window_years"]
                estimates.append(
                    Estimate(
                        f"{label}: P(ended before {stop:g} y | still at war at {start:g} y), "
                        "life table",
                        row["rate"],
                        row["low"],
                        row["high"],
                        "probability",
                        note=f"{row['ended']} of {row['n']}, Clopper-Pearson",
                    )
                )
    for sample, shares in end_types.items():
        for name, item in shares.items():
            estimates.append(
                Estimate(
                    f"End type '{name}' share, {sample.replace('_', ' ')}",
                    item["share"],
                    item["low"],
                    item["high"],
                    "share",
                    note=f"{item['count']} of {item['n']}, Clopper-Pearson",
                )
            )
    scores = long_war_log_scores(fits.wars)
    statistics = {
        "long_war_candidates_by_held_out_log_score": scores,
        "long_war_hazards_cow": cow_hazards,
        "long_war_hazards_ucdp_war_intensity": ucdp_hazards,
        "long_war_end_types": end_types,
        "covariates_informative": bool(fits.cow.aic < fits.cow_plain.aic),
        "family_chosen_by_aic": fits.cow.family,
        "aic_cow": {name: round(m.aic, 2) for name, m in fits.cow_models.items()},
        "aic_ucdp": {name: round(m.aic, 2) for name, m in fits.ucdp_models.items()},
        "aic_cow_without_covariates": round(fits.cow_plain.aic, 2),
        "aic_discrete": round(fits.discrete.aic, 2),
        "targets_value_and_interval": "Akaike-weighted value of the two AFT families; "
        "interval spans both families' 95 % intervals",
        "war_years": fits.discrete.n_war_years,
        "record": facts,
        "ucdp_episodes": int(len(fits.episodes)),
        "ucdp_ended": int(fits.episodes["ended"].sum()),
        "out_of_sample": oos,
        "russia_ukraine_profile": fits.profile,
        "russia_ukraine_log_capability_ratio_2022": capability["russia_ukraine_2022"],
    }
    notes = (
        "AFT coefficients are log time ratios: positive = longer wars.",
        f"Covariates: AIC {fits.cow.aic:.1f} with them, {fits.cow_plain.aic:.1f} without "
        "(out-of-sample scores under 'out_of_sample'); where they do not lower AIC they are "
        "uninformative and the long-war base rates (life table) are the ones to use.",
        "Parametric candidates for long wars are ranked by leave-one-out log score on the wars "
        "that reached 2 years (statistics 'long_war_candidates_by_held_out_log_score'), not by "
        "AIC on all wars, most of which lasted months.",
        "Long-war hazards and end-type shares are nonparametric counts of the record with "
        "exact (Clopper-Pearson) 95 % intervals; UCDP's war-intensity sample is small.",
        "Battle-death intensity is measured over the war's own length, so it is partly an "
        "outcome of the duration; read its coefficient as association.",
        "Targets: hazard of the war ending in each window after 3 years at war, with "
        "Russia-Ukraine's covariates: "
        + "; ".join(f"{k} = {v}" for k, v in RUSSIA_UKRAINE_SOURCES.items()),
    )
    return FitResult(
        model="war-duration",
        description="duration of inter-state wars (COW 1816-2007; UCDP interstate 1946-2020)",
        method="Weibull / log-logistic AFT by maximum likelihood, chosen by AIC; discrete-time "
        "logit hazard on war-years",
        library="scipy (AFT maximum likelihood), statsmodels (GLM logit)",
        data=DataSample(
            "cow_interstate_war_durations.csv (COW Inter-State War Data v4.0)",
            int(len(fits.wars)),
            (int(fits.wars["start_year"].min()), int(fits.wars["end_year"].max())),
            "95 wars, one row per war, none censored",
        ),
        estimates=tuple(estimates),
        statistics=statistics,
        notes=notes,
        samples=(
            DataSample(
                "ucdp_conflict_termination_v3_2021.csv (UCDP Conflict Termination "
                "v3-2021, interstate)",
                int(len(fits.episodes)),
                (1946, 2020),
                "episodes; ongoing ones censored at 2020-12-31",
            ),
        ),
    )
