"""Ceasefire durability: a Weibull proportional-hazards model of renewed war.

After a ceasefire the hazard of renewed war at time ``t`` (months since the ceasefire) is

    h(t | x) = k t^(k-1) exp(b0 + x'b),        H(t | x) = t^k exp(b0 + x'b),

the Weibull proportional-hazards model (Kalbfleisch & Prentice 2002, sect. 2.2.2 and 3.2), used
by Fortna (2003, "Scraps of paper? Agreements and the durability of peace", International
Organization 57; 2004, *Peace Time*; 2004, "Does peacekeeping keep peace?", International
Studies Quarterly 48; 2008, *Does Peacekeeping Work?*) for the duration of peace after wars.

It is fitted by maximum likelihood on Fortna's civil-war ceasefire file (the Stata
``pk&pkept_old.dta`` as converted in ``fortna_civilwar_ceasefires.csv``). That file is in
counting-process form: one ceasefire may span several rows ``(_t0, _t]`` (days since the
ceasefire) because covariates such as peacekeeper presence change over time; the later rows
start at ``_t0 > 0``. Each row therefore contributes the conditional (left-truncated)
likelihood

    l_i = d_i [log k + (k-1) log t_i + eta_i] - exp(eta_i) (t_i^k - t0_i^k),

so a ceasefire's rows together give exactly its full-spell likelihood.

Parameterisation used by the simulation: the baseline survival of a reference case is
``S0(t) = exp(-(t / scale)^shape)`` and a settlement's features multiply the hazard by
``exp(log_hazard_ratio)``, so ``S(t) = S0(t)^exp(log_hazard_ratio)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from accord.models.war import parameter, power

DAYS_PER_MONTH = 365.25 / 12.0

#: Covariates of the default fit. ``pk_dum``: peacekeepers present (time-varying);
#: ``victory``: the war ended in a decisive military victory; ``treaty``: a formal agreement;
#: ``wartype``: Fortna's binary war-type code; ``logdead``: log battle deaths;
#: ``log_wardur``: log of the war's duration in years (derived from ``wardur``).
DEFAULT_COVARIATES: tuple[str, ...] = (
    "pk_dum",
    "victory",
    "treaty",
    "wartype",
    "logdead",
    "log_wardur",
)

#: What the literature reports, shown next to our fit.
PUBLISHED_FINDING = (
    "Fortna (2004 ISQ; 2008): peacekeepers substantially reduce the risk that war resumes; "
    "secondary sources put the reduction at 50-75 % (hazard ratio about 0.25-0.5). Raw shares "
    "in the post-1989 subset (Gelman, Hill & Vehtari 2020, ch. 1): 56 % of ceasefires with "
    "peacekeepers held to the end of 2004 vs 34 % without."
)


@dataclass(frozen=True)
class DurabilityParameters:
    """Durability parameters: defaults and their sources (the ranges the experiments draw from
    are the scenario's uncertainties, which carry the fit's 95 % intervals).

    The fitted values are those of :func:`fit_weibull_ph` on Fortna's data with the default
    covariates; prefer ``WeibullPHFit.sample`` for joint draws. The reference
    case is a civil-war ceasefire with the controls at their sample means and no peacekeepers.
    """

    shape: float = parameter(
        0.534,
        "Weibull PH fit on Fortna's civil-war ceasefires (95 % CI); < 1: risk falls with time",
        "Weibull shape k",
    )
    scale_months: float = parameter(
        224.9,
        "Weibull PH fit (reference case; 2.5-97.5 % of the asymptotic-normal draws)",
        "Weibull scale of the reference case's survival, months",
    )
    log_hr_peacekeepers: float = parameter(
        -0.596,
        "Weibull PH fit, pk_dum (HR 0.55, 95 % CI 0.31-0.99); Fortna 2004, 2008",
        "log hazard ratio of peacekeepers / a reassurance force",
    )
    log_hr_treaty: float = parameter(
        -0.951,
        "Weibull PH fit, treaty (HR 0.39, 95 % CI 0.21-0.70); Fortna 2003 (agreement strength)",
        "log hazard ratio of a formal agreement",
    )
    log_hr_guarantees: float = parameter(
        -0.3,
        "analyst judgement: third-party guarantees are not in the civil-war data; Fortna 2003 "
        "finds strong agreement mechanisms lower the risk, their separate effects are less sure",
        "log hazard ratio of third-party security guarantees",
    )
    log_hr_interstate: float = parameter(
        -0.5,
        "analyst judgement: Fortna 2003 finds interstate ceasefires held better than the "
        "civil-war cases of this fit; the range is wide because the fit may not carry over",
        "log hazard ratio shift for an interstate war (Russia-Ukraine) against the civil-war fit",
    )


DEFAULTS = DurabilityParameters()


@dataclass(frozen=True)
class SpellData:
    """Counting-process survival data (numpy only), times in months."""

    start: np.ndarray  # [M] months since ceasefire at which the row starts (t0)
    stop: np.ndarray  # [M] months at which the row ends (t)
    failed: np.ndarray  # [M] 1.0 if war resumed at ``stop``
    design: np.ndarray  # [M, P] covariates (without the intercept)
    covariates: tuple[str, ...]
    spell_id: np.ndarray  # [M] ceasefire identifier


def prepare_spells(frame, covariates: Sequence[str] = DEFAULT_COVARIATES) -> SpellData:
    """Turn Fortna's ceasefire frame into counting-process arrays.

    Rows outside the survival set (``_st != 1``) and rows with a missing covariate are dropped
    (complete-case analysis). ``log_wardur`` is derived as ``log(wardur)`` (years) when asked
    for. Times are converted from days to months (365.25 / 12 days).
    """
    frame = getattr(frame, "frame", frame)  # accept an accord.data.Table too
    data = frame.loc[frame["_st"] == 1].copy()
    if "log_wardur" in covariates and "log_wardur" not in data:
        data["log_wardur"] = np.log(data["wardur"].astype(float))
    needed = ["_t0", "_t", "_d", "id", *covariates]
    data = data.dropna(subset=needed)
    return SpellData(
        start=data["_t0"].to_numpy(float) / DAYS_PER_MONTH,
        stop=data["_t"].to_numpy(float) / DAYS_PER_MONTH,
        failed=data["_d"].to_numpy(float),
        design=data[list(covariates)].to_numpy(float),
        covariates=tuple(covariates),
        spell_id=data["id"].to_numpy(),
    )


def _power_terms(time: np.ndarray, shape: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """t^k, t^k log t, t^k (log t)^2 with the t = 0 limits (all zero for k > 0)."""
    positive = time > 0
    log_time = np.log(np.where(positive, time, 1.0))
    power = np.where(positive, time**shape, 0.0)
    return power, power * log_time, power * log_time**2


def log_likelihood(params: np.ndarray, spells: SpellData) -> float:
    """Weibull PH log-likelihood with left truncation.

    ``params = [b0, b_1..b_P, log k]``; see the module docstring for the formula.
    """
    intercept_and_coef, log_shape = params[:-1], params[-1]
    shape = np.exp(log_shape)
    eta = intercept_and_coef[0] + spells.design @ intercept_and_coef[1:]
    stop_power = _power_terms(spells.stop, shape)[0]
    start_power = _power_terms(spells.start, shape)[0]
    event_term = spells.failed * (log_shape + (shape - 1.0) * np.log(spells.stop) + eta)
    return float(np.sum(event_term - np.exp(eta) * (stop_power - start_power)))


def score_and_hessian(params: np.ndarray, spells: SpellData) -> tuple[np.ndarray, np.ndarray]:
    """Exact gradient and Hessian of :func:`log_likelihood` in ``params``."""
    intercept_and_coef, log_shape = params[:-1], params[-1]
    shape = np.exp(log_shape)
    design = np.column_stack([np.ones(len(spells.stop)), spells.design])
    eta = design @ intercept_and_coef
    risk = np.exp(eta)
    p1, p1l, p1ll = _power_terms(spells.stop, shape)
    p0, p0l, p0ll = _power_terms(spells.start, shape)
    exposure = p1 - p0  # t^k - t0^k
    exposure_log = p1l - p0l  # d(exposure)/dk
    exposure_log2 = p1ll - p0ll  # d2(exposure)/dk2
    log_stop = np.log(spells.stop)

    d_eta = spells.failed - risk * exposure
    d_logk = np.sum(spells.failed * (1.0 + shape * log_stop) - risk * shape * exposure_log)
    gradient = np.append(design.T @ d_eta, d_logk)

    n_params = design.shape[1] + 1
    hessian = np.empty((n_params, n_params))
    hessian[:-1, :-1] = -(design * (risk * exposure)[:, None]).T @ design
    cross = -(design * (risk * shape * exposure_log)[:, None]).sum(axis=0)
    hessian[:-1, -1] = cross
    hessian[-1, :-1] = cross
    hessian[-1, -1] = np.sum(
        spells.failed * shape * log_stop - risk * (shape * exposure_log + shape**2 * exposure_log2)
    )
    return gradient, hessian


@dataclass(frozen=True)
class WeibullPHFit:
    """Maximum-likelihood Weibull PH fit.

    Attributes
    ----------
    params : ndarray [P+2]
        ``[b0, b_1..b_P, log shape]``.
    cov : ndarray [P+2, P+2]
        Inverse observed information at the optimum.
    covariates : tuple of str
    log_likelihood : float
    n_rows, n_spells, n_failures : int
    reference : ndarray [P]
        Covariate profile of the reference case whose survival ``scale`` describes: sample
        means of the controls, with ``pk_dum`` set to 0.
    """

    params: np.ndarray
    cov: np.ndarray
    covariates: tuple[str, ...]
    log_likelihood: float
    n_rows: int
    n_spells: int
    n_failures: int
    reference: np.ndarray = field(repr=False)
    converged: bool = True

    @property
    def coef(self) -> np.ndarray:
        """Log hazard ratios of the covariates, [P]."""
        return self.params[1:-1]

    @property
    def shape(self) -> float:
        """Weibull shape k (< 1: the risk of renewal falls with time at peace)."""
        return float(np.exp(self.params[-1]))

    def scale_at(self, profile: np.ndarray | None = None) -> float:
        """Weibull scale (months) of the baseline survival at a covariate profile."""
        profile = self.reference if profile is None else np.asarray(profile, float)
        eta = self.params[0] + profile @ self.coef
        return float(np.exp(-eta / self.shape))

    def profile(self, **values: float) -> np.ndarray:
        """Covariate profile: the reference case with the named covariates overridden."""
        out = self.reference.copy()
        for name, value in values.items():
            out[self.covariates.index(name)] = value
        return out

    @property
    def scale(self) -> float:
        """Scale (months) of the reference case (controls at their means, no peacekeepers)."""
        return self.scale_at()

    def hazard_ratios(self):
        """Hazard ratios with Wald 95 % intervals (pandas DataFrame)."""
        import pandas as pd
        from scipy.stats import norm

        se = np.sqrt(np.diag(self.cov))[1:-1]
        z = self.coef / se
        return pd.DataFrame(
            {
                "covariate": list(self.covariates),
                "log_hr": self.coef,
                "se": se,
                "hazard_ratio": np.exp(self.coef),
                "ci_low": np.exp(self.coef - 1.959963984540054 * se),
                "ci_high": np.exp(self.coef + 1.959963984540054 * se),
                "p_value": 2.0 * norm.sf(np.abs(z)),
            }
        )

    def sample(self, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Parameter draws from the asymptotic normal N(params, cov).

        Returns a dict of arrays [n]: ``shape``, ``scale`` (reference case, months), and
        ``log_hr_<covariate>`` for each covariate. These enter the simulation as uncertainties.
        """
        draws = rng.multivariate_normal(self.params, self.cov, size=n)
        shape = np.exp(draws[:, -1])
        eta = draws[:, 0] + draws[:, 1:-1] @ self.reference
        out = {"shape": shape, "scale": np.exp(-eta / shape)}
        for j, name in enumerate(self.covariates):
            out[f"log_hr_{name}"] = draws[:, 1 + j]
        return out

    def survival(self, months: np.ndarray, profile: np.ndarray) -> np.ndarray:
        """S(t | x) for profiles [M, P] at months [M]."""
        eta = self.params[0] + np.asarray(profile, float) @ self.coef
        return np.exp(-np.exp(eta) * np.asarray(months, float) ** self.shape)


def fit_weibull_ph(frame, covariates: Sequence[str] = DEFAULT_COVARIATES) -> WeibullPHFit:
    """Fit the Weibull PH model by maximum likelihood (Newton trust region, exact derivatives).

    Parameters
    ----------
    frame : pandas.DataFrame or accord.data.Table
        Fortna's ceasefire file (columns ``_st, _t0, _t, _d, id`` and the covariates).
    covariates : sequence of str
        Column names; ``log_wardur`` is derived from ``wardur`` if asked for.

    Returns
    -------
    WeibullPHFit
        Standard errors from the inverse observed information (Hessian at the optimum).
    """
    from scipy.optimize import minimize

    spells = prepare_spells(frame, covariates)
    n_cov = spells.design.shape[1]
    failure_rate = spells.failed.sum() / np.sum(spells.stop - spells.start)
    start = np.zeros(n_cov + 2)
    start[0] = np.log(failure_rate)

    def objective(p):
        return -log_likelihood(p, spells)

    def gradient(p):
        return -score_and_hessian(p, spells)[0]

    def hessian(p):
        return -score_and_hessian(p, spells)[1]

    result = minimize(objective, start, jac=gradient, hess=hessian, method="trust-exact")
    _, hess = score_and_hessian(result.x, spells)
    reference = spells.design.mean(axis=0)
    if "pk_dum" in spells.covariates:
        reference[spells.covariates.index("pk_dum")] = 0.0
    return WeibullPHFit(
        params=result.x,
        cov=np.linalg.inv(-hess),
        covariates=spells.covariates,
        log_likelihood=-float(result.fun),
        n_rows=len(spells.stop),
        n_spells=len(np.unique(spells.spell_id)),
        n_failures=int(spells.failed.sum()),
        reference=reference,
        converged=bool(result.success),
    )


def fit_default() -> WeibullPHFit:
    """Fit the default model on the packaged data (``accord.data.load("fortna_ceasefires")``)."""
    from accord.data import load

    return fit_weibull_ph(load("fortna_ceasefires").frame)


def p_holds(
    months: np.ndarray | float,
    log_hazard_ratio: np.ndarray | float,
    shape: np.ndarray | float,
    scale: np.ndarray | float,
) -> np.ndarray:
    """Probability that a ceasefire lasts ``months`` months: S0(t)^exp(log_hr).

    ``S0(t) = exp(-(t / scale)^shape)`` (Weibull PH; Kalbfleisch & Prentice 2002, eq. 2.2.8).
    All arguments broadcast over the batch axis.
    """
    months = np.asarray(months, float)
    return np.exp(-np.exp(log_hazard_ratio) * (months / scale) ** shape)


def monthly_renewal_probability(
    months_since_ceasefire: np.ndarray,
    log_hazard_ratio: np.ndarray,
    shape: np.ndarray,
    scale: np.ndarray,
) -> np.ndarray:
    """Probability that war resumes in the coming month, given peace has held so far.

    ``p = 1 - S(t + 1) / S(t) = 1 - exp(-exp(log_hr) [((t+1)/scale)^k - (t/scale)^k])`` with
    ``t = months_since_ceasefire`` (discrete months from the continuous Weibull PH model).

    Parameters
    ----------
    months_since_ceasefire, log_hazard_ratio, shape, scale : ndarray [B]
        Months at peace so far (>= 0); log hazard ratio of the settlement's features
        against the reference case; Weibull shape and scale (months).

    Returns
    -------
    ndarray [B] in [0, 1].
    """
    t = np.maximum(np.asarray(months_since_ceasefire, float), 0.0)
    increment = power((t + 1.0) / scale, shape) - power(t / scale, shape)
    return -np.expm1(-np.exp(log_hazard_ratio) * increment)


def first_year_monthly_probability(
    first_year_failure: np.ndarray, log_hazard_ratio: np.ndarray
) -> np.ndarray:
    """Monthly chance that a fresh ceasefire fails, in its first 12 months.

    A constant hazard over the first year whose 12-month failure probability is
    ``first_year_failure`` for the reference ceasefire, scaled by the hazard ratio of the
    ceasefire's features: ``p = 1 - exp(-exp(log_hr) H1 / 12)``, ``H1 = -log(1 - p1)``.
    The first stage of the two-stage durability model (docs/models/durability.md): records
    that keep short truces (Fortna 2008) fail far more often in year 1 than the UCDP
    terminations the Weibull is fitted on, which had already held a year.
    """
    p1 = np.clip(np.asarray(first_year_failure, float), 0.0, 1.0 - 1e-12)
    return -np.expm1(np.exp(np.asarray(log_hazard_ratio, float)) * np.log1p(-p1) / 12.0)
