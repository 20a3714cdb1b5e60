"""Durability of interstate peace: the risk that an interstate war resumes after it stops.

Data: the UCDP Conflict Termination Dataset v3-2021 at the dyad level, interstate subset (Kreutz
2010), 68 dyad episodes that ended 1946-2020, and the UCDP Peace Agreement Dataset v22.1,
interstate subset (Pettersson, Högbladh & Öberg 2019) for the provisions of the agreements that
ended them. An episode's *peace spell* runs from its end date (``ependdate``) to the start of
the same dyad's next active episode (``start_date2`` of episode + 1: the war resumed) or to the
end of the data, 2020-12-31 (censored). This is UCDP's own notion of recurrence (a new episode
of the same dyad); a war between the same states coded as another conflict is not counted.

How it stopped (UCDP ``outcome``): 1 peace agreement, 2 ceasefire agreement, 3/4 victory (either
side), 5 low activity (fighting fell below 25 battle deaths a year without agreement or victory).
Provisions (from the agreements of the same dyad signed from one year before the episode's end
to two years after it, and before the war resumed): ``third_party`` = an agreement names a third
party that signed, witnessed or brokered it (``pa_3rd`` / ``c_3rd``; UCDP has no separate
guarantee code, so this is the closest the data come to a third-party guarantee); ``peacekeeping``
= an agreement provides for a peacekeeping force (``pko``). The agreement data start in 1975, so
before 1975 both are 0 ("not recorded" and "none" are pooled; stated in the notes).

Model: Weibull proportional hazards in months (Kalbfleisch & Prentice 2002, sect. 2.2.2),
``h(t | x) = k t^(k-1) exp(b0 + x'b)``, with the reference case a war that ended in *low
activity* with neither provision, so ``exp(b_j)`` is the hazard ratio of ending by ceasefire
agreement, peace agreement or victory against a war that just petered out. With 68 spells and
about 20 recurrences the sample is small, so the model is Bayesian with stated, weakly
informative priors (Gelman et al. 2013, *Bayesian Data Analysis*, ch. 13 for the Laplace
approximation; Gelman et al. 2008 for weakly informative priors on regression coefficients):

    b_j ~ Normal(0, 1)            log hazard ratios: 95 % of prior mass on HR 0.14-7.1
    b0  ~ Normal(log(1/120), 3)   baseline: a ten-year mean spell, +-3 on the log scale
    log k ~ Normal(0, 1)          shape: 95 % of prior mass on k 0.14-7.1

fitted by the posterior mode (MAP, Newton trust region with exact derivatives, reusing the
likelihood of :mod:`accord.models.durability`) with the Laplace (normal) approximation around it
for the log hazard ratios and the shape. Derived quantities (scale, 5-year recurrence) are
summarised from 20,000 draws of a random-walk Metropolis sampler of the exact posterior (proposal:
the Laplace covariance scaled by 2.38^2 / d, Gelman, Roberts & Gilks 1996; fixed seed), because
the Laplace normal overstates the upper tail of the recurrence probability (0.29 vs 0.21).
A provision seen once (peacekeeping: one agreement) is identified by little more than its prior,
and the interval says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.fits import DataSample, Estimate, FitResult
from accord.models.durability import DAYS_PER_MONTH, SpellData, log_likelihood, score_and_hessian
from accord.spec.limits import DEFAULT_SEED

if TYPE_CHECKING:  # pandas is imported where it is used (a light import of accord.fits)
    import pandas as pd

#: UCDP ``outcome`` code -> how the episode stopped.
ENDINGS: dict[int, str] = {
    1: "peace_agreement",
    2: "ceasefire_agreement",
    3: "victory",
    4: "victory",
    5: "low_activity",
}
ENDING_ORDER = ("ceasefire_agreement", "peace_agreement", "victory", "low_activity")
REFERENCE_ENDING = "low_activity"
PROVISIONS = ("third_party", "peacekeeping")
#: Covariates of the model, in parameter order (after the intercept).
COVARIATES: tuple[str, ...] = ("ceasefire_agreement", "peace_agreement", "victory", *PROVISIONS)
OBSERVATION_END = "2020-12-31"
#: Spells are followed for ten years (the flagship's 120-month horizon), then censored: the
#: engine asks whether peace holds within its horizon, and recurrences decades later (China-India
#: 1967 -> 2020) would otherwise set the Weibull shape for the first years.
FOLLOW_UP_MONTHS = 120.0
#: Agreements of the dyad signed this many days before / after an episode's end count as its own.
AGREEMENT_WINDOW_DAYS = (-365, 730)
PRIOR_LOG_HR_SD = 1.0
PRIOR_INTERCEPT = (float(np.log(1.0 / 120.0)), 3.0)
PRIOR_LOG_SHAPE = (0.0, 1.0)
DRAWS = 20_000
DRAW_SEED = DEFAULT_SEED  # fixed: the same draws on every run
Z95 = 1.959963984540054


def interstate_episodes(
    terminations: pd.DataFrame | None = None, agreements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per interstate dyad episode that ended 1946-2020, with its peace spell.

    Parameters
    ----------
    terminations, agreements : pandas.DataFrame, optional
        The UCDP dyadic termination (interstate) and peace-agreement (interstate) tables;
        default: the shipped copies (``accord.data.load``).

    Returns
    -------
    pandas.DataFrame
        ``dyad_id, dyadepisode, conflict_id, sides, end_date, end_year, ending, next_start,
        recurred, months, recurred_within_5y, third_party, peacekeeping, agreements`` where
        ``months`` is the spell length (to the next episode, or censored at 2020-12-31).
    """
    import pandas as pd

    from accord.data import load

    if terminations is None:
        terminations = load("ucdp_termination_interstate_dyads").frame
    if agreements is None:
        agreements = load("ucdp_peace_agreements_interstate").frame
    rows = terminations.loc[terminations["dyadterm"] == 1].copy()
    starts = terminations.groupby(["dyad_id", "dyadepisode"])["start_date2"].first().reset_index()
    starts["dyadepisode"] -= 1  # the next episode's start, keyed by the previous episode
    rows = rows.merge(
        starts.rename(columns={"start_date2": "next_start"}),
        on=["dyad_id", "dyadepisode"],
        how="left",
    )
    end = pd.to_datetime(rows["ependdate"])
    next_start = pd.to_datetime(rows["next_start"])
    stop = next_start.fillna(pd.Timestamp(OBSERVATION_END))
    agreement_dates = pd.to_datetime(agreements["pa_date"])
    named = agreements["pa_3rd"].notna() | agreements["c_3rd"].notna()
    third, keeping, ids = [], [], []
    for dyad, ended, resumed in zip(rows["dyad_id"], end, stop, strict=True):
        offset = (agreement_dates - ended).dt.days
        own = (
            (agreements["dyad_id"] == dyad)
            & (offset >= AGREEMENT_WINDOW_DAYS[0])
            & (offset <= AGREEMENT_WINDOW_DAYS[1])
            & (agreement_dates < resumed)
        )
        third.append(int((own & named).any()))
        keeping.append(int((own & (agreements["pko"] == 1)).any()))
        ids.append(" ".join(str(int(i)) for i in agreements.loc[own, "paid"]))
    months = (stop - end).dt.days.to_numpy(float) / DAYS_PER_MONTH
    recurred = next_start.notna().to_numpy()
    return pd.DataFrame(
        {
            "dyad_id": rows["dyad_id"].astype(int),
            "dyadepisode": rows["dyadepisode"].astype(int),
            "conflict_id": rows["conflict_id"].astype(int),
            "sides": rows["side_a"].astype(str) + " vs " + rows["side_b"].astype(str),
            "end_date": end.dt.date.astype(str),
            "end_year": end.dt.year,
            "ending": rows["outcome"].astype(int).map(ENDINGS),
            "next_start": rows["next_start"],
            "recurred": recurred,
            "months": months,
            "recurred_within_5y": recurred & (months <= 60.0),
            "third_party": third,
            "peacekeeping": keeping,
            "agreements": ids,
        }
    )


def design_matrix(episodes) -> np.ndarray:
    """Covariates ``[M, P]`` in :data:`COVARIATES` order (endings as dummies vs low activity)."""
    columns = [(episodes["ending"] == name).to_numpy(float) for name in COVARIATES[:3]]
    columns += [episodes[name].to_numpy(float) for name in PROVISIONS]
    return np.column_stack(columns)


def spells(episodes, follow_up_months: float = FOLLOW_UP_MONTHS) -> SpellData:
    """The episodes as survival data for :mod:`accord.models.durability`'s likelihood.

    Spells longer than ``follow_up_months`` are censored there (``inf``: full follow-up).
    """
    months = episodes["months"].to_numpy(float)
    return SpellData(
        start=np.zeros(len(episodes)),
        stop=np.minimum(months, follow_up_months),
        failed=(episodes["recurred"].to_numpy() & (months <= follow_up_months)).astype(float),
        design=design_matrix(episodes),
        covariates=COVARIATES,
        spell_id=np.arange(len(episodes)),
    )


def prior(n_covariates: int, log_hr_sd: float = PRIOR_LOG_HR_SD) -> tuple[np.ndarray, np.ndarray]:
    """Prior means and standard deviations of ``[b0, b_1..b_P, log k]`` (independent normals)."""
    mean = np.concatenate([[PRIOR_INTERCEPT[0]], np.zeros(n_covariates), [PRIOR_LOG_SHAPE[0]]])
    sd = np.concatenate(
        [[PRIOR_INTERCEPT[1]], np.full(n_covariates, log_hr_sd), [PRIOR_LOG_SHAPE[1]]]
    )
    return mean, sd


def log_posterior(params: np.ndarray, data: SpellData, mean: np.ndarray, sd: np.ndarray) -> float:
    """Log posterior up to a constant: Weibull PH log-likelihood + independent normal priors."""
    return log_likelihood(params, data) - 0.5 * float(np.sum(((params - mean) / sd) ** 2))


@dataclass(frozen=True)
class Posterior:
    """Posterior mode and Laplace covariance of ``[b0, b_1..b_P, log k]``."""

    mode: np.ndarray
    cov: np.ndarray
    covariates: tuple[str, ...]
    log_posterior: float
    log_likelihood: float
    converged: bool

    def sd(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def coefficient(self, name: str) -> tuple[float, float]:
        """Posterior mode and sd of the log hazard ratio ``name``."""
        j = 1 + self.covariates.index(name)
        return float(self.mode[j]), float(self.sd()[j])

    def laplace_draws(self, n: int = DRAWS, seed: int = DRAW_SEED) -> np.ndarray:
        """``[n, P+2]`` draws from the Laplace approximation (fixed seed: same numbers each run)."""
        rng = np.random.default_rng(seed)
        return rng.multivariate_normal(self.mode, self.cov, size=n, method="cholesky")


def metropolis(
    log_density,
    start: np.ndarray,
    proposal_cov: np.ndarray,
    n: int = DRAWS,
    *,
    burn_in: int = 2_000,
    seed: int = DRAW_SEED,
) -> np.ndarray:
    """Random-walk Metropolis draws ``[n, d]`` of ``log_density`` (Metropolis et al. 1953).

    Proposals ``x + L z`` with ``L L' = (2.38^2 / d) proposal_cov`` (Gelman, Roberts & Gilks
    1996); the first ``burn_in`` steps are dropped. Fixed seed: the same draws on every run.
    """
    rng = np.random.default_rng(seed)
    dims = start.size
    chol = np.linalg.cholesky(proposal_cov * 2.38**2 / dims)
    steps = rng.standard_normal((burn_in + n, dims)) @ chol.T
    thresholds = np.log(rng.random(burn_in + n))
    current, current_lp = start.astype(float).copy(), float(log_density(start))
    out = np.empty((n, dims))
    for i in range(burn_in + n):
        proposal = current + steps[i]
        proposal_lp = float(log_density(proposal))
        if thresholds[i] < proposal_lp - current_lp:
            current, current_lp = proposal, proposal_lp
        if i >= burn_in:
            out[i - burn_in] = current
    return out


def posterior_draws(
    data: SpellData, posterior: Posterior, n: int = DRAWS, log_hr_sd: float = PRIOR_LOG_HR_SD
) -> np.ndarray:
    """``[n, P+2]`` Metropolis draws of the exact posterior of ``[b0, b, log k]``."""
    mean, sd = prior(data.design.shape[1], log_hr_sd)
    return metropolis(lambda p: log_posterior(p, data, mean, sd), posterior.mode, posterior.cov, n)


def fit_posterior(data: SpellData, log_hr_sd: float = PRIOR_LOG_HR_SD) -> Posterior:
    """MAP of the Bayesian Weibull PH model and the Laplace covariance at the mode."""
    from scipy.optimize import minimize

    mean, sd = prior(data.design.shape[1], log_hr_sd)
    precision = 1.0 / sd**2

    def objective(p):
        return -log_posterior(p, data, mean, sd)

    def gradient(p):
        return -(score_and_hessian(p, data)[0] - (p - mean) * precision)

    def hessian(p):
        return -(score_and_hessian(p, data)[1] - np.diag(precision))

    result = minimize(objective, mean.copy(), jac=gradient, hess=hessian, method="trust-exact")
    return Posterior(
        mode=result.x,
        cov=np.linalg.inv(hessian(result.x)),
        covariates=data.covariates,
        log_posterior=-float(result.fun),
        log_likelihood=log_likelihood(result.x, data),
        converged=bool(result.success),
    )


def profile(
    ending: str = "ceasefire_agreement", third_party: float = 0.0, peacekeeping: float = 0.0
) -> np.ndarray:
    """Covariate vector ``[P]`` of an ending with the given provisions."""
    if ending not in ENDING_ORDER:
        raise ValueError(f"unknown ending {ending!r}: expected one of {ENDING_ORDER}")
    values = {name: float(name == ending) for name in COVARIATES[:3]}
    values.update(third_party=float(third_party), peacekeeping=float(peacekeeping))
    return np.array([values[name] for name in COVARIATES])


def recurrence_draws(draws: np.ndarray, months: float, x: np.ndarray) -> np.ndarray:
    """P(the war resumes within ``months``) per parameter draw, at covariates ``x`` [P] or [P, M].

    Returns ``[n]`` (or ``[n, M]`` for several covariate profiles).
    """
    eta = draws[:, 1:-1] @ np.asarray(x, float)
    column = (-1,) + (1,) * (eta.ndim - 1)
    eta = eta + draws[:, 0].reshape(column)
    shape = np.exp(draws[:, -1]).reshape(column)
    return -np.expm1(-np.exp(eta) * months**shape)


def scale_draws(draws: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Weibull scale (months) of the survival at ``x``: ``S(t) = exp(-(t/scale)^k)``."""
    shape = np.exp(draws[:, -1])
    return np.exp(-(draws[:, 0] + draws[:, 1:-1] @ x) / shape)


def _summary(name: str, values: np.ndarray, unit: str, note: str = "") -> Estimate:
    low, median, high = np.quantile(values, [0.025, 0.5, 0.975])
    return Estimate(name, float(median), float(low), float(high), unit, note)


def recurrence_probability(
    years: float = 5.0,
    ending: str = "ceasefire_agreement",
    *,
    third_party: bool = False,
    peacekeeping: bool = False,
    follow_up_months: float = FOLLOW_UP_MONTHS,
) -> Estimate:
    """Probability that an interstate war resumes within ``years`` of stopping, 95 % interval.

    The posterior median and 2.5-97.5 % quantiles over the Laplace draws of the interstate fit
    (e.g. ``recurrence_probability(5)`` for a war that stopped by ceasefire agreement, no
    provisions). This is the target the war-termination calibration uses.
    """
    data = spells(interstate_episodes(), follow_up_months)
    x = profile(ending, float(third_party), float(peacekeeping))
    values = recurrence_draws(posterior_draws(data, fit_posterior(data)), 12.0 * years, x)
    return _summary(f"p_recur_{years:g}y_{ending}", values, "probability")


#: Provisions with fewer treated episodes than this are reported as prior-only (issue 22).
MIN_TREATED = 10
#: What every recurrence figure conditions on.
CONDITIONING = (
    "UCDP codes a termination only after a calendar year below 25 battle deaths, so "
    "every episode here had already stayed below 25 deaths for the rest of its "
    "last year and the whole next one: the 'first year' is the first year after "
    "the last recorded fighting of an episode that was then coded ended, not the "
    "first year of a freshly signed ceasefire, which is riskier."
)
STAGE_LABELS = {
    "first_year": "P(recur within 12 months of the episode's end date | UCDP coded it ended)",
    "years_2_5_given_first_year": "P(recur in months 12-60 | no recurrence in the first 12 "
    "months, UCDP coded it ended)",
}


def two_stage_hazards(episodes, draws: np.ndarray | None) -> dict[str, Any]:
    """First-year and later recurrence, from the data (Clopper-Pearson) and the model.

    ``record``: per ending, recurrences within 12 months out of episodes followed 12 months
    (recurred, or at peace 12+ months), and recurrences in months 12-60 out of those still
    at peace at 12 months and followed to 60 (``draws=None``: the record only). ``model``:
    per ending, ``[low, median, high]``
    of ``P(T <= 12)`` and ``1 - S(60) / S(12)`` over the posterior draws.
    """
    from scipy.stats import binomtest

    def interval(k: int, n: int) -> dict[str, Any]:
        if n == 0:
            return {"recurred": 0, "n": 0, "rate": None, "low": None, "high": None}
        ci = binomtest(k, n).proportion_ci(method="exact")
        return {"recurred": k, "n": n, "rate": k / n, "low": ci.low, "high": ci.high}

    months = episodes["months"].to_numpy(float)
    recurred = episodes["recurred"].to_numpy(bool)
    record, model = {}, {}
    for ending in ENDING_ORDER:
        rows = (episodes["ending"] == ending).to_numpy()
        early = rows & recurred & (months <= 12.0)
        followed_12 = rows & (recurred | (months >= 12.0))
        survivors = rows & ~early & (months >= 12.0)
        late = survivors & recurred & (months <= 60.0)
        followed_60 = survivors & (recurred | (months >= 60.0))
        record[ending] = {
            "first_year": interval(int(early.sum()), int(followed_12.sum())),
            "years_2_5_given_first_year": interval(int(late.sum()), int(followed_60.sum())),
        }
        if draws is None:  # the record only
            continue
        x = profile(ending)
        p12 = recurrence_draws(draws, 12.0, x)
        p60 = recurrence_draws(draws, 60.0, x)
        later = 1.0 - (1.0 - p60) / (1.0 - p12)
        model[ending] = {
            "first_year": [float(v) for v in np.quantile(p12, [0.025, 0.5, 0.975])],
            "years_2_5_given_first_year": [
                float(v) for v in np.quantile(later, [0.025, 0.5, 0.975])
            ],
        }
    return {"record": record, "model": model, "labels": STAGE_LABELS}


def fit(
    log_hr_sd: float = PRIOR_LOG_HR_SD,
    follow_up_months: float = FOLLOW_UP_MONTHS,
    checks: bool = True,
) -> FitResult:
    """Fit the interstate durability model on the shipped UCDP files (``accord fit durability``).

    Returns
    -------
    FitResult
        Shape, scale of a ceasefire-agreement ending, log hazard ratios of each ending (vs low
        activity) and of the two provisions, and the 5-year recurrence probability of each
        ending, with 95 % credible intervals; statistics give the data's own counts next to what
        the model implies for the same episodes. ``checks=False`` skips the leave-one-out
        score and the full-follow-up sensitivity (the estimates are the same; for reports).
    """
    episodes = interstate_episodes()
    data = spells(episodes, follow_up_months)
    posterior = fit_posterior(data, log_hr_sd)
    draws = posterior_draws(data, posterior, log_hr_sd=log_hr_sd)
    sd = posterior.sd()
    estimates = [
        Estimate(
            "shape",
            float(np.exp(posterior.mode[-1])),
            float(np.exp(posterior.mode[-1] - Z95 * sd[-1])),
            float(np.exp(posterior.mode[-1] + Z95 * sd[-1])),
            "",
            "Weibull shape k (< 1: the risk of renewal falls with time at peace)",
        ),
        _summary(
            "scale_ceasefire_agreement_months",
            scale_draws(draws, profile()),
            "months",
            "Weibull scale of a ceasefire-agreement ending without provisions",
        ),
    ]
    for j, name in enumerate(COVARIATES):
        value, se = float(posterior.mode[1 + j]), float(sd[1 + j])
        against = "vs low activity" if j < 3 else "vs no such provision"
        estimates.append(
            Estimate(
                f"log_hr_{name}",
                value,
                value - Z95 * se,
                value + Z95 * se,
                "log hazard ratio",
                against,
            )
        )
    for ending in ENDING_ORDER:
        estimates.append(
            _summary(
                f"p_recur_5y_{ending}",
                recurrence_draws(draws, 60.0, profile(ending)),
                "probability",
                "P(recur within 60 months of the end date | UCDP coded it "
                "ended, i.e. a calendar year below 25 deaths followed); no "
                "recorded provisions",
            )
        )
    estimates.append(
        _summary(
            "p_recur_5y_ceasefire_agreement_third_party",
            recurrence_draws(draws, 60.0, profile(third_party=1.0)),
            "probability",
            "ceasefire agreement with a third party named; same conditioning as p_recur_5y_*",
        )
    )

    stages = two_stage_hazards(episodes, draws)
    for ending, item in stages["model"].items():
        for stage in ("first_year", "years_2_5_given_first_year"):
            low, value, high = item[stage]
            estimates.append(
                Estimate(
                    f"p_recur_{stage}_{ending}",
                    value,
                    low,
                    high,
                    "probability",
                    STAGE_LABELS[stage],
                )
            )
    fresh = first_year_ceasefire_failure()
    estimates.append(
        Estimate(
            "p_fail_first_year_fresh_truce",
            fresh["rate"],
            fresh["low"],
            fresh["high"],
            "probability",
            f"P(war resumes within 12 months of a freshly signed truce): {fresh['failed']} of "
            f"{fresh['n']} (Fortna's civil-war truces {fresh['fortna_truces']['failed']} of "
            f"{fresh['fortna_truces']['n']}, Minsk I failed, Minsk II held its first year); "
            "Clopper-Pearson 95 %, not the UCDP fit",
        )
    )
    for name, treated in (
        ("third_party", int(episodes["third_party"].sum())),
        ("peacekeeping", int(episodes["peacekeeping"].sum())),
    ):
        if treated < MIN_TREATED:
            estimates = [
                replace(e, note=f"prior-only: {treated} treated case(s), fewer than {MIN_TREATED}")
                if e.name == f"log_hr_{name}"
                else e
                for e in estimates
            ]

    counts = {}
    followed = episodes["recurred"] | (episodes["months"] >= 60.0)  # 5 years observed
    for ending in ENDING_ORDER:
        rows = (episodes["ending"] == ending).to_numpy()
        implied = recurrence_draws(draws[:2000], 60.0, data.design[rows].T).mean()
        counts[ending] = {
            "episodes": int(rows.sum()),
            "recurred_within_5y": int(episodes.loc[rows, "recurred_within_5y"].sum()),
            "followed_5y": int(followed[rows].sum()),
            "recurred_ever": int(episodes.loc[rows, "recurred"].sum()),
            "model_implied_within_5y": round(float(implied) * int(followed[rows].sum()), 2),
        }
    statistics = {
        "episodes": len(episodes),
        "recurrences": int(episodes["recurred"].sum()),
        "third_party_recorded": int(episodes["third_party"].sum()),
        "peacekeeping_recorded": int(episodes["peacekeeping"].sum()),
        "by_ending": counts,
        "priors": (f"log HR ~ N(0, {log_hr_sd:g}^2); b0 ~ N(log(1/120), 3^2); log shape ~ N(0, 1)"),
        "log_posterior_at_mode": round(posterior.log_posterior, 4),
        "log_likelihood_at_mode": round(posterior.log_likelihood, 4),
        "converged": posterior.converged,
        "follow_up_months": follow_up_months,
        "two_stage": stages,
        "first_year_fresh_truces": fresh,
        "conditioning": CONDITIONING,
    }
    if checks:
        statistics["loo_log_score"] = loo_log_score(data, log_hr_sd)
    if checks and np.isfinite(follow_up_months):
        # Sensitivity: every spell followed to 2020 (no ten-year censoring).
        full = fit_posterior(spells(episodes, np.inf), log_hr_sd)
        full_draws = posterior_draws(spells(episodes, np.inf), full, log_hr_sd=log_hr_sd)
        p5 = _summary("p", recurrence_draws(full_draws, 60.0, profile()), "")
        statistics["full_follow_up"] = {
            "shape": round(float(np.exp(full.mode[-1])), 3),
            "p_recur_5y_ceasefire_agreement": [
                round(p5.value, 3),
                round(p5.low or 0.0, 3),
                round(p5.high or 0.0, 3),
            ],
        }
    return FitResult(
        model="durability",
        description="risk that an interstate war resumes after it stops, by how it stopped",
        method=(
            "Bayesian Weibull proportional hazards (months), posterior mode + Laplace "
            "approximation; weakly informative normal priors"
        ),
        library="numpy + scipy.optimize (trust-exact, exact derivatives)",
        data=DataSample(
            source=(
                "ucdp_conflict_termination_dyadic_v3_2021_interstate.csv + "
                "ucdp_peace_agreements_v22_1_interstate.csv"
            ),
            n=len(episodes),
            years=(1946, 2020),
            description="interstate dyad episodes that ended 1946-2020, followed to 2020-12-31",
        ),
        estimates=tuple(estimates),
        interval="95 % credible interval (log HRs and shape: Laplace approximation; scale and "
        f"probabilities: {DRAWS:,} Metropolis draws, seed {DRAW_SEED})",
        statistics=statistics,
        notes=(
            "Recurrence = a new active episode of the same UCDP dyad; wars between the same "
            "states coded as another conflict are not counted.",
            "Provisions are recorded only from 1975 (UCDP peace agreements); earlier episodes "
            "count as having none. third_party = a third party signed, witnessed or brokered "
            "an agreement, not a coded guarantee.",
            "Peacekeeping is recorded for one episode (Eritrea-Ethiopia 2000): its estimate is "
            "essentially the prior. None of these missions was a party-aligned force.",
            "Civil-war alternative: Fortna's ceasefires (accord.models.durability.fit_default).",
        ),
    )


def loo_log_score(full: SpellData, log_hr_sd: float = PRIOR_LOG_HR_SD) -> dict[str, float]:
    """Leave-one-out predictive log score (plug-in at each held-out fit's mode), total.

    Compared with the same model without covariates: a positive difference means knowing how
    the war stopped predicts held-out spells better than the pooled rate.
    """
    scores = {}
    for label, columns in (("by_ending_and_provisions", slice(None)), ("pooled", slice(0, 0))):
        data = SpellData(
            full.start,
            full.stop,
            full.failed,
            full.design[:, columns],
            full.covariates[columns],
            full.spell_id,
        )
        total = 0.0
        for i in range(len(full.stop)):
            keep = np.arange(len(full.stop)) != i
            train = SpellData(
                data.start[keep],
                data.stop[keep],
                data.failed[keep],
                data.design[keep],
                data.covariates,
                data.spell_id[keep],
            )
            held = SpellData(
                data.start[~keep],
                data.stop[~keep],
                data.failed[~keep],
                data.design[~keep],
                data.covariates,
                data.spell_id[~keep],
            )
            total += log_likelihood(fit_posterior(train, log_hr_sd).mode, held)
        scores[label] = round(total, 3)
    scores["difference"] = round(scores["by_ending_and_provisions"] - scores["pooled"], 3)
    return scores


# ------------------------------------------------------ first-year failure of fresh truces

#: Minsk I and II, documented cases (UCDP codes Donbas as intrastate, and Fortna's data end
#: in the 1990s, so neither sample has them). ``failed_first_year``: war-level fighting
#: resumed within 12 months of the ceasefire's date.
MINSK_CASES: tuple[dict[str, Any], ...] = (
    {
        "case": "Minsk I (Minsk Protocol)",
        "ceasefire_date": "2014-09-05",
        "failed_first_year": True,
        "coding": "fighting resumed at war level by January 2015 (Donetsk airport, Debaltseve), "
        "which the Package of Measures of 12 February 2015 was signed to stop",
        "sources": "Protocol on the results of consultations of the Trilateral Contact Group, "
        "Minsk, 5 September 2014 (OSCE, https://www.osce.org/home/123257); UN "
        "Security Council resolution 2202 (17 February 2015), endorsing the Package "
        "of Measures (https://undocs.org/S/RES/2202(2015))",
    },
    {
        "case": "Minsk II (Package of Measures)",
        "ceasefire_date": "2015-02-15",
        "failed_first_year": False,
        "coding": "analyst judgement: the battle of Debaltseve went on until 18 February 2015, "
        "then the line held below war level, with daily violations, until Russia's "
        "full-scale invasion of 24 February 2022; the Debaltseve days are coded as the "
        "end of the war, not its renewal (coded failed, the rate rises by 1/47)",
        "sources": "Package of Measures for the Implementation of the Minsk Agreements, 12 "
        "February 2015 (OSCE, https://www.osce.org/cio/140156), ceasefire from 15 "
        "February 2015; UN Security Council resolution 2202 (17 February 2015)",
    },
)
#: Fortna's outcome code of a truce (a ceasefire without a political settlement).
FORTNA_TRUCE = 3


def first_year_ceasefire_failure() -> dict[str, Any]:
    """Share of fresh ceasefires that failed within 12 months, from data that keeps truces.

    Fortna's civil-war ceasefire spells (``fortna_ceasefires``: Fortna 2004, 2008), truces
    only (outcome 3; settlements and victories are other ends), each with ``cfdate`` and
    ``faildate``: failed when war resumed within 365 days, known when it did or the spell was
    followed 365 days; pooled with the two documented Minsk ceasefires
    (:data:`MINSK_CASES`). Clopper-Pearson 95 % interval. What it cannot support: these are
    civil-war truces (Fortna's interstate file is not available), and Minsk is two cases.
    """
    import pandas as pd
    from scipy.stats import beta

    from accord.data import load

    frame = load("fortna_ceasefires").frame
    truces = frame[pd.to_numeric(frame["outcome"], errors="coerce") == FORTNA_TRUCE]
    start = pd.to_datetime(truces["cfdate"])
    days_to_fail = (pd.to_datetime(truces["faildate"]) - start).dt.days
    failed = (pd.to_numeric(truces["failed"]) == 1) & (days_to_fail <= 365)
    followed = (pd.to_datetime(truces["t1"]) - start).dt.days >= 365
    known = failed | followed
    k_fortna, n_fortna = int(failed.sum()), int(known.sum())
    k = k_fortna + sum(case["failed_first_year"] for case in MINSK_CASES)
    n = n_fortna + len(MINSK_CASES)
    if n == 0:
        raise ValueError("no ceasefire followed for a year")
    low = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return {
        "failed": k,
        "n": n,
        "rate": k / n,
        "low": low,
        "high": high,
        "fortna_truces": {"failed": k_fortna, "n": n_fortna},
        "minsk": [dict(case) for case in MINSK_CASES],
    }
