"""``burden-demand``: the allies' demand for defence, estimated on the SIPRI panel.

Equation (Murdoch & Sandler 1984; Sandler & Murdoch 1990; log-linear partial adjustment as
in George & Sandler 2018), for every European ally and Canada, 1993-2024:

    ln m_it = a_i + rho ln m_i,t-1 + beta ln y_it + gamma ln S_it
              + delta ln R_t + delta_F F_i ln R_t + e_it,
    S_it = sum_{j != i, j not US} m_jt + phi m_US,t

``m`` SIPRI military expenditure (constant 2023 US$), ``y`` GDP implied by SIPRI's share of
GDP, ``S`` the spill-in from the allies, ``phi`` the share of US spending that protects
Europe (a sourced input, :data:`US_SHARE_FOR_EUROPE`), ``R`` Russia's spending, ``F``
frontline status (land border with Russia or Belarus). The United States is not in the
estimation sample: its budget answers to commitments across the world (about three quarters
outside Europe), so it is taken as exogenous, not as a reaction to Europe.

Estimator: within (fixed-effects) OLS with standard errors clustered by ally, from
``linearmodels.PanelOLS`` (docs/models/burden.md says why that library). The lag of the
dependent variable biases the within estimator by O(1/T) (Nickell 1981); with T about 30
years this is small next to the clustered standard errors, and it is stated, not corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.fits import DataSample, Estimate, FitResult
from accord.models.burden_demand import Coefficients

NAMES = ("lag", "income", "spill_in", "threat", "threat_frontline")
REGRESSORS = ("lm1", "ly", "lS", "lR", "FlR")
FIRST_YEAR = 1993  # Russia's spending starts in 1992; the lag takes one year


@dataclass(frozen=True)
class SourcedShare:
    value: float
    low: float
    high: float
    source: str


#: The share of US defence spending that protects Europe (the weight of US spending in the
#: European allies' spill-in). Not the whole budget.
US_SHARE_FOR_EUROPE = SourcedShare(
    value=0.20,
    low=0.06,
    high=0.25,
    source=(
        "central 0.20: US National Defense University estimate that European allies spend "
        "about twice what the US spends on European security (as cited by C. Bildt, 'The End "
        "of NATO?', Project Syndicate, July 2018; Europe ~US$250 bn then, US budget ~US$650 "
        "bn); high 0.25: same article, 'roughly three-quarters of US military spending is "
        "directed toward regions other than Europe'; low 0.06: direct US defence costs in "
        "Europe, about US$36 bn a year, 5.6 % of the budget (DoD overseas cost summary as "
        "reported secondhand). Analyst judgement: the central value, since the direct costs "
        "omit forces based in the US but earmarked for European contingencies."
    ),
)


@dataclass(frozen=True)
class DemandEstimate:
    """A fitted demand equation: slopes, their covariance and the allies' intercepts."""

    params: np.ndarray  # [5] in NAMES order
    cov: np.ndarray  # [5, 5] clustered by ally
    intercepts: dict[str, float]
    nobs: int
    years: tuple[int, int]
    allies: tuple[str, ...]
    phi: float
    statistics: dict[str, Any] = field(default_factory=dict)

    @property
    def std_errors(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def point(self) -> Coefficients:
        return Coefficients.from_matrix(self.params[None, :])

    def draws(self, n: int, seed: int = 0) -> Coefficients:
        """Coefficients drawn from their estimated sampling distribution, N(b, V)."""
        rng = np.random.default_rng(seed)
        return Coefficients.from_matrix(rng.multivariate_normal(self.params, self.cov, n))


def spill_weights(countries: list[str] | tuple[str, ...] | np.ndarray, phi: float) -> np.ndarray:
    """w_j: 1 for every ally, phi for the United States."""
    return np.where(np.asarray(countries) == "United States", phi, 1.0)


def prepare(panel: pd.DataFrame, phi: float) -> pd.DataFrame:
    """Regression variables from a panel (country, year, spending, gdp, russia, frontline).

    The spill-in of ally i in year t sums the other allies present that year, US spending
    weighted by ``phi``. Rows of the United States are dropped after the sums (exogenous).
    """
    frame = panel.sort_values(["country", "year"]).copy()
    frame["weighted"] = frame["spending"] * spill_weights(frame["country"].to_numpy(), phi)
    total = frame.groupby("year")["weighted"].transform("sum")
    frame["S"] = total - frame["weighted"]
    frame["lm"] = np.log(frame["spending"])
    frame["ly"] = np.log(frame["gdp"])
    frame["lS"] = np.log(frame["S"])
    frame["lR"] = np.log(frame["russia"])
    frame["FlR"] = frame["frontline"] * frame["lR"]
    previous = frame.groupby("country")["lm"].shift(1)
    consecutive = frame.groupby("country")["year"].diff() == 1
    frame["lm1"] = previous.where(consecutive)
    frame = frame[frame["country"] != "United States"]
    return frame.dropna(subset=["lm", "lm1", "ly", "lS", "lR"]).reset_index(drop=True)


def estimate_on(regression: pd.DataFrame, phi: float) -> DemandEstimate:
    """Within estimator with ally-clustered errors (linearmodels PanelOLS) on prepared data."""
    from linearmodels.panel import PanelOLS

    data = regression.set_index(["country", "year"])
    result = PanelOLS(data["lm"], data[list(REGRESSORS)], entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True
    )
    params = result.params.loc[list(REGRESSORS)].to_numpy(float)
    cov = result.cov.loc[list(REGRESSORS), list(REGRESSORS)].to_numpy(float)
    fitted = regression[list(REGRESSORS)].to_numpy(float) @ params
    intercepts = (regression["lm"] - fitted).groupby(regression["country"]).mean()
    stats = {
        "r2_within": float(result.rsquared_within),
        "clusters": int(regression["country"].nunique()),
        "f_poolability_p": float(result.f_pooled.pval),
        "residual_sd": float(np.sqrt(result.resid_ss / result.df_resid)),
    }
    years = (int(regression["year"].min()), int(regression["year"].max()))
    return DemandEstimate(
        params=params,
        cov=cov,
        intercepts=intercepts.to_dict(),
        nobs=int(result.nobs),
        years=years,
        allies=tuple(sorted(intercepts.index)),
        phi=phi,
        statistics=stats,
    )


def estimate(
    last_year: int | None = None, *, phi: float | None = None, first_year: int = FIRST_YEAR
) -> DemandEstimate:
    """Estimate the demand equation on the shipped SIPRI panel, years first..last."""
    _, regression, share, _ = _sample(last_year, phi, first_year)
    return estimate_on(regression, share)


def _sample(
    last_year: int | None, phi: float | None, first_year: int
) -> tuple[pd.DataFrame, pd.DataFrame, float, dict[str, Any]]:
    """The shipped panel up to ``last_year``, its regression sample from ``first_year``, the
    share phi used and the panel's provenance."""
    from accord.data.alliance import defence_panel

    share = US_SHARE_FOR_EUROPE.value if phi is None else phi
    panel, provenance = defence_panel()
    if last_year is not None:
        panel = panel[panel["year"] <= last_year]
    regression = prepare(panel, share)
    return panel, regression[regression["year"] >= first_year], share, provenance


def long_run(coef: Coefficients) -> dict[str, np.ndarray]:
    """Long-run elasticities (steady state): slope / (1 - rho)."""
    keep = 1.0 - coef.lag
    return {
        "income": coef.income / keep,
        "spill_in": coef.spill_in / keep,
        "threat": coef.threat / keep,
        "threat_frontline_total": (coef.threat + coef.threat_frontline) / keep,
    }


def implied_publicness(coef: Coefficients, panel_year: pd.DataFrame) -> np.ndarray:
    """theta implied by the long-run reaction, spending-weighted over the allies of a year.

    Nash-Cournot in the joint-product model, m_i = f(y_i + theta S_i) - theta S_i, gives
    dm/dS = theta (dm/dy - 1), so theta = -(dm/dS) / (1 - dm/dy) with dm/dS = gamma_LR m/S
    and dm/dy = beta_LR m/y (Sandler & Murdoch 1990's restriction on the spill-in
    coefficient). theta in (0, 1]: Nash with impure publicness; theta = 1: pure public good
    (Olson & Zeckhauser); theta <= 0: spill-ins are not substitutes (Lindahl-like matching).
    """
    lr = long_run(coef)
    m = panel_year["spending"].to_numpy(float)
    ratio_s = (m / panel_year["S"].to_numpy(float))[None, :]
    ratio_y = (m / panel_year["gdp"].to_numpy(float))[None, :]
    d_s = lr["spill_in"][:, None] * ratio_s
    d_y = lr["income"][:, None] * ratio_y
    theta = -d_s / (1.0 - d_y)
    return np.asarray((theta * m).sum(axis=1) / m.sum())


def spill_in_by_source(regression: pd.DataFrame) -> dict[str, float]:
    """Spill-in split by source: ln(European allies + Canada) and ln(US), same estimator.

    Nash-Cournot predicts negative coefficients on both (free riding); Lindahl / matching
    behaviour positive ones (Sandler & Murdoch 1990's comparison of the two hypotheses).
    """
    from linearmodels.panel import PanelOLS

    data = regression.copy()
    us = data["S"] - data["S_europe"]
    data["lE"] = np.log(data["S_europe"])
    data["lU"] = np.log(us)
    data = data.set_index(["country", "year"])
    columns = ["lm1", "ly", "lE", "lU", "lR", "FlR"]
    res = PanelOLS(data["lm"], data[columns], entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True
    )
    return {
        "europe": float(res.params["lE"]),
        "europe_se": float(res.std_errors["lE"]),
        "us": float(res.params["lU"]),
        "us_se": float(res.std_errors["lU"]),
    }


def spill_in_iv(regression: pd.DataFrame, panel: pd.DataFrame, phi: float) -> dict[str, float]:
    """The spill-in coefficient with the spill-in instrumented (two-stage least squares).

    Spill-ins are chosen at the same time as own spending (Sandler & Murdoch 1990 estimate
    by instrumental variables for that reason). Within-transformed data, linearmodels
    IV2SLS, errors clustered by ally; two instruments, each on its own: last year's spill-in
    and the other allies' GDP (phi-weighted like the spill-in).
    """
    from linearmodels.iv import IV2SLS

    p = panel.sort_values(["country", "year"]).copy()
    weight = spill_weights(p["country"].to_numpy(), phi)
    p["wy"] = p["gdp"] * weight
    p["lYo"] = np.log(p.groupby("year")["wy"].transform("sum") - p["wy"])
    p["ws"] = p["spending"] * weight
    s_total = p.groupby("year")["ws"].transform("sum") - p["ws"]
    p["lS1"] = np.log(s_total).groupby(p["country"]).shift(1)
    data = regression.merge(p[["country", "year", "lYo", "lS1"]], on=["country", "year"])
    data = data.dropna(subset=["lS1"])
    columns = ["lm", *REGRESSORS, "lYo", "lS1"]
    within = data[columns] - data.groupby("country")[columns].transform("mean")
    clusters = pd.Categorical(data["country"]).codes
    out: dict[str, float] = {}
    for name, instrument in (("lagged_spill_in", "lS1"), ("allies_gdp", "lYo")):
        res = IV2SLS(
            within["lm"], within[["lm1", "ly", "lR", "FlR"]], within[["lS"]], within[[instrument]]
        ).fit(cov_type="clustered", clusters=clusters)
        out[name] = float(res.params["lS"])
        out[f"{name}_se"] = float(res.std_errors["lS"])
    return out


def fit(
    last_year: int | None = None, phi: float | None = None, draws: int = 4000, seed: int = 0
) -> FitResult:
    """Estimate the demand equation; estimates with 95 % intervals and the Nash tests."""
    from scipy import stats

    panel, regression, share, provenance = _sample(last_year, phi, FIRST_YEAR)
    est = estimate_on(regression, share)
    z = stats.norm.ppf(0.975)
    units = ("", "elasticity", "elasticity", "elasticity", "elasticity")
    labels = {
        "lag": "rho: lagged ln spending (adjustment 1 - rho a year)",
        "income": "beta: income (GDP) elasticity, short run",
        "spill_in": "gamma: spill-in elasticity, short run",
        "threat": "delta: threat (Russia's spending) elasticity",
        "threat_frontline": "delta_F: extra threat elasticity of frontline allies",
    }
    estimates = [
        Estimate(name, float(b), float(b - z * se), float(b + z * se), unit, labels[name])
        for name, b, se, unit in zip(NAMES, est.params, est.std_errors, units, strict=True)
    ]
    coef = est.draws(draws, seed)
    lr = long_run(coef)
    point_lr = long_run(est.point())
    for key, note in (
        ("income", "long-run income elasticity beta / (1 - rho)"),
        ("spill_in", "long-run spill-in elasticity gamma / (1 - rho)"),
        ("threat", "long-run threat elasticity, not frontline"),
        ("threat_frontline_total", "long-run threat elasticity, frontline"),
    ):
        low, high = np.quantile(lr[key], [0.025, 0.975])
        estimates.append(
            Estimate(
                f"long_run_{key}",
                float(point_lr[key][0]),
                float(low),
                float(high),
                "elasticity",
                note,
            )
        )
    last = regression[regression["year"] == regression["year"].max()]
    theta_draws = implied_publicness(coef, last)
    theta_point = float(implied_publicness(est.point(), last)[0])
    low, high = np.quantile(theta_draws, [0.025, 0.975])
    estimates.append(
        Estimate(
            "implied_publicness",
            theta_point,
            float(low),
            float(high),
            "",
            "theta implied by Nash-Cournot, spending-weighted, last year",
        )
    )
    estimates.append(
        Estimate(
            "us_share_for_europe",
            share,
            None,
            None,
            "share",
            "input, not estimated: " + US_SHARE_FOR_EUROPE.source,
        )
    )

    gamma, gamma_se = est.params[2], est.std_errors[2]
    t_gamma = gamma / gamma_se
    panel_s = panel.copy()
    panel_s["w"] = panel_s["spending"] * (panel_s["country"] != "United States")
    europe_total = panel_s.groupby("year")["w"].transform("sum") - panel_s["w"]
    panel_s["S_europe"] = europe_total
    regression_s = regression.merge(
        panel_s[["country", "year", "S_europe"]], on=["country", "year"]
    )
    by_source = spill_in_by_source(regression_s)
    iv = spill_in_iv(regression, panel, share)
    statistics = dict(est.statistics)
    statistics.update(
        {
            "nash_test_spill_in_t": float(t_gamma),
            # One-sided p-values: H1 gamma < 0 (Nash free riding), H1 gamma > 0 (matching).
            "p_free_riding_gamma_below_0": float(stats.norm.cdf(t_gamma)),
            "p_matching_gamma_above_0": float(stats.norm.sf(t_gamma)),
            "pure_public_nash_theta_1_in_interval": bool(low <= 1.0 <= high),
            "share_of_draws_theta_in_0_1": float(np.mean((theta_draws > 0) & (theta_draws <= 1))),
            "spill_in_from_europe": round(by_source["europe"], 4),
            "spill_in_from_europe_se": round(by_source["europe_se"], 4),
            "spill_in_from_us": round(by_source["us"], 4),
            "spill_in_from_us_se": round(by_source["us_se"], 4),
            "spill_in_iv_lagged_spill_in": round(iv["lagged_spill_in"], 4),
            "spill_in_iv_lagged_spill_in_se": round(iv["lagged_spill_in_se"], 4),
            "spill_in_iv_allies_gdp": round(iv["allies_gdp"], 4),
            "spill_in_iv_allies_gdp_se": round(iv["allies_gdp_se"], 4),
        }
    )
    verdict = (
        "free riding (Nash-Cournot): gamma < 0"
        if gamma + z * gamma_se < 0
        else "matching (Lindahl-like): gamma > 0"
        if gamma - z * gamma_se > 0
        else "neither Nash free riding nor Lindahl matching is distinguishable from zero "
        "spill-in response at 95 %"
    )
    notes = (
        f"Nash-Cournot vs Lindahl on the pooled spill-in: {verdict}.",
        "Spill-in split by source (same estimator): European allies "
        f"{by_source['europe']:+.3f} (se {by_source['europe_se']:.3f}), US "
        f"{by_source['us']:+.3f} (se {by_source['us_se']:.3f}): Nash predicts both negative.",
        "Spill-in instrumented (2SLS, within): by last year's spill-in "
        f"{iv['lagged_spill_in']:+.3f} (se {iv['lagged_spill_in_se']:.3f}), by the allies' GDP "
        f"{iv['allies_gdp']:+.3f} (se {iv['allies_gdp_se']:.3f}): the sign is not robust.",
        "The United States is exogenous (not in the sample); Iceland has no armed forces.",
        "Within estimator with a lagged dependent variable: Nickell bias O(1/T), T ~ 30.",
        "SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex "
        "(fair-use subset; no SIPRI figures added).",
    )
    return FitResult(
        model="burden-demand",
        description="allies' demand for defence: income, spill-in, threat, lag (panel, FE)",
        method="within (fixed-effects) OLS, standard errors clustered by ally",
        library="linearmodels PanelOLS",
        data=DataSample(
            source=f"{provenance['file']} (SIPRI, constant 2023 US$)",
            n=est.nobs,
            years=est.years,
            description=f"{len(est.allies)} European allies and Canada",
        ),
        estimates=tuple(estimates),
        statistics=statistics,
        notes=notes,
    )
