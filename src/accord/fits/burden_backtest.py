"""Rolling-origin backtest of the allies' share of GDP (issue 20).

For every origin year T, every method is trained on the panel rows with ``year <= T`` only
(the panel is cut before anything is estimated, so no later figure can reach a forecast made
at T) and forecasts each ally's share of GDP (SIPRI, per cent) 1, 2 and 3 years ahead.
Methods:

* ``persistence``: the share of T.
* ``drift_own``: the share of T plus h times the ally's mean annual change of share over the
  training years ``DRIFT_YEARS`` up to T.
* ``drift_pooled``: the same with the mean change over all allies.
* ``model``: the estimated demand equation (``accord.fits.burden_demand``), re-estimated on
  years <= T and iterated with its own forecasts as lags. Its covariates are forecast as of T
  (the honest score): Russia's and US spending stay at T (random walk), each ally's GDP grows
  at its own mean real growth of the ``DRIFT_YEARS`` training years.
* ``joint_product``: the Cobb-Douglas joint-product game calibrated on T (publicness
  ``JOINT_PRODUCT_THETA``), solved with the same forecast GDP and US spending.
* ``adjust_2pct``: candidate specification, pooled partial adjustment of the share toward
  the ally's own recent mean and, in years after the Wales pledge (2015 on), toward the 2 %
  guideline (see docs/models/burden-demand.md).
* ``onset_frontline``: candidate specification, pooled change of share after a crisis onset
  known at T (2014, 2022), separately for frontline allies.

Errors are forecast minus observed share, percentage points; MAE and RMSE per horizon over
all (origin, ally) pairs that have an observation at T + h.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from accord.fits import burden_demand as fitmod
from accord.models import burden_demand as demand
from accord.spec.errors import ScenarioError

#: Training years used for the drifts and the GDP growth forecast. Judgement: ten years is
#: long enough to average out a business cycle and short enough to follow the post-Cold-War
#: trend; it is fixed before looking at any score.
DRIFT_YEARS = 10
#: Fewest training years of the demand equation (judgement: 5 slopes on about 30 allies x 7
#: years is ~200 ally-years; origin 2000 is then the first the issue asks for).
MIN_TRAIN_YEARS = 7
#: The default origins and horizons (issue 20).
ORIGINS = tuple(range(2000, 2022))
SHOCK_ORIGINS = (2014, 2015, 2022, 2023)
HORIZONS = (1, 2, 3)
#: Year from which the Wales guideline (2 % of GDP, pledged September 2014) is in force for
#: the ``adjust_2pct`` candidate. Source: Wales Summit Declaration, 5 September 2014, para 14.
WALES_FIRST_YEAR = 2015
GUIDELINE_PCT = 2.0
BASELINES = ("persistence", "drift_own", "drift_pooled")
#: Candidates added for issue 20 (docs/models/burden-demand.md): the long share panel
#: 1950..T, the US spill-in apart from the other allies', common shocks (year effects) and
#: partial pooling (a hierarchical model, statsmodels MixedLM).
#: Then (issue 20's last candidates): crisis onsets across the long share panel x frontline
#: status or x distance to Moscow, and spatial spill-ins with inverse-distance weights between
#: capitals (George & Sandler 2018), of last year's changes and of levels.
ONSET_SPATIAL = ("onset_long_frontline", "onset_long_distance", "spatial_spill", "spatial_level")
SHARE_CANDIDATES = ("long_panel", "us_spill", "year_effects", "hierarchical", *ONSET_SPATIAL)
METHODS = (
    "model",
    *BASELINES,
    "joint_product",
    "adjust_2pct",
    "onset_frontline",
    *SHARE_CANDIDATES,
)
CANDIDATES = ("model", "joint_product", "adjust_2pct", "onset_frontline", *SHARE_CANDIDATES)
#: The second target (issue 20): each ally's log real spending (constant 2023 US$). The
#: baselines are those of the target itself (log spending of T, plus h times the ally's own or
#: the pooled mean annual log change of the ``DRIFT_YEARS`` years to T); every share method's
#: spending is its share x the GDP forecast as of T; ``persistence_share`` is the share held
#: at T with GDP at its own growth (what the faces' real change rests on).
LOG_REAL_METHODS = (*METHODS, "persistence_share")
#: Prefix of the log-real-spending forecast columns of :func:`forecast_origin`.
LOG_REAL = "log_real_"
#: First year of the long share panel (SIPRI shares of GDP start in 1949; one lag and one
#: lagged change need two earlier years).
LONG_FIRST_YEAR = 1951
#: Crisis onsets in the 1993-2024 sample: Russia's annexation of Crimea (2014) and the full
#: invasion of Ukraine (2022). A year is "after an onset" when it is the onset year or up to
#: ONSET_YEARS later; an onset after the origin is unknown to the forecast (no look-ahead).
ONSETS = (2014, 2022)
ONSET_YEARS = 3
#: Crisis onsets across the long panel 1949-2024 (issue 20): the Korean War (1950), the
#: Soviet invasion of Afghanistan and the end of detente (December 1979, 1980), Crimea (2014)
#: and the full invasion (2022); the same window of ``ONSET_YEARS`` after each.
LONG_ONSETS = (1950, 1979, 1980, 2014, 2022)
#: First year of the onset regressions on the long panel (the change of 1950 needs 1949).
LONG_ONSET_FIRST_YEAR = 1950
EARTH_RADIUS_KM = 6371.0

#: Publicness used by the calibrated joint-product reference: the middle of the shipped
#: scenario's theta ~ U(0.25, 1) (ukraine-2025/burden.yaml).
JOINT_PRODUCT_THETA = 0.625


def _panel() -> pd.DataFrame:
    from accord.data.alliance import defence_panel

    panel, _ = defence_panel()
    return panel


def _check_origin(origin: int, panel: pd.DataFrame, *, scored: bool = True) -> None:
    first = fitmod.FIRST_YEAR + MIN_TRAIN_YEARS - 1
    last = int(panel["year"].max()) - int(scored)
    if not first <= origin <= last:
        raise ScenarioError(
            None,
            "the origin is outside the data",
            field="origin",
            expected=f"{first}-{last}",
            found=origin,
        )


def _drifts(train: pd.DataFrame, origin: int) -> pd.Series:
    recent = train[train["year"] > origin - DRIFT_YEARS - 1].sort_values(["country", "year"])
    change = recent.groupby("country")["share_pct"].diff()
    consecutive = recent.groupby("country")["year"].diff() == 1
    return change.where(consecutive).groupby(recent["country"]).mean()


def _growth(train: pd.DataFrame, origin: int) -> pd.Series:
    recent = train[train["year"] > origin - DRIFT_YEARS - 1].sort_values(["country", "year"])
    change = np.log(recent["gdp"]).groupby(recent["country"]).diff()
    consecutive = recent.groupby("country")["year"].diff() == 1
    return change.where(consecutive).groupby(recent["country"]).mean().fillna(0.0)


def _model_paths(
    train: pd.DataFrame,
    origin: int,
    allies: list[str],
    growth: pd.Series,
    horizons: int,
    theta: float,
) -> dict[str, np.ndarray]:
    """Share-of-GDP paths [horizons, allies] of the demand model and the joint-product game."""
    from accord.data.alliance import FRONTLINE
    from accord.models.burden import calibrate_alpha, nash_equilibrium

    share = fitmod.US_SHARE_FOR_EUROPE.value
    regression = fitmod.prepare(train, share)
    regression = regression[regression["year"] >= fitmod.FIRST_YEAR]
    est = fitmod.estimate_on(regression, share)
    fitted = [a for a in allies if a in est.intercepts]
    names = [*fitted, "United States"]
    now = train[train["year"] == origin].set_index("country").reindex(names)
    spending = now["spending"].to_numpy(float)
    gdp0 = now["gdp"].to_numpy(float)
    russia = float(train.loc[train["year"] == origin, "russia"].iloc[0])
    g = growth.reindex(names).fillna(0.0).to_numpy(float)
    frontline = np.isin(names, FRONTLINE).astype(float)
    weight = fitmod.spill_weights(names, share)
    coef = est.point()
    intercept = np.array([[*(est.intercepts[a] for a in fitted), 0.0]])
    fixed = np.full((1, len(names)), np.nan)
    fixed[0, -1] = spending[-1]
    alpha = calibrate_alpha(spending[None, :], gdp0[None, :], theta)
    previous = spending[None, :]
    model = np.full((horizons, len(allies)), np.nan)
    joint = np.full((horizons, len(allies)), np.nan)
    index = [allies.index(a) for a in fitted]
    for h in range(1, horizons + 1):
        gdp = gdp0 * np.exp(h * g)
        forecast = demand.one_year(
            coef,
            intercept,
            previous,
            np.log(gdp)[None, :],
            np.log(russia),
            frontline,
            weight,
            fixed=fixed,
        )
        game = nash_equilibrium(gdp[None, :], alpha, theta, fixed=fixed)
        model[h - 1, index] = 100 * forecast[0, :-1] / gdp[:-1]
        joint[h - 1, index] = 100 * game[0, :-1] / gdp[:-1]
        previous = forecast
    return {"model": model, "joint_product": joint}


def _adjust_fit(train: pd.DataFrame, origin: int) -> tuple[float, float]:
    """Pooled OLS of the change of share on the gap to the ally's recent mean and, from
    2015, the gap to 2 %: returns (lambda, kappa); kappa is 0 when no training year has the
    guideline in force (it cannot be identified)."""
    frame = train[train["country"] != "United States"].sort_values(["country", "year"]).copy()
    frame["lag"] = frame.groupby("country")["share_pct"].shift(1)
    frame = frame[frame.groupby("country")["year"].diff() == 1]
    frame = frame[frame["year"] >= fitmod.FIRST_YEAR]
    means = train[train["year"] > origin - DRIFT_YEARS].groupby("country")["share_pct"].mean()
    frame["mean_gap"] = frame["country"].map(means) - frame["lag"]
    frame["guide_gap"] = (frame["year"] >= WALES_FIRST_YEAR) * (GUIDELINE_PCT - frame["lag"]).clip(
        lower=0.0
    )
    frame = frame.dropna(subset=["lag", "mean_gap"])
    y = (frame["share_pct"] - frame["lag"]).to_numpy(float)
    if frame["guide_gap"].abs().sum() == 0:
        x = frame[["mean_gap"]].to_numpy(float)
        lam = float(np.linalg.lstsq(x, y, rcond=None)[0][0])
        return lam, 0.0
    x = frame[["mean_gap", "guide_gap"]].to_numpy(float)
    lam, kappa = np.linalg.lstsq(x, y, rcond=None)[0]
    return float(lam), float(kappa)


def capital_distances() -> pd.DataFrame:
    """Great-circle distances (km) between the capitals of the shipped ``capitals`` table
    (index and columns: country; haversine on a sphere of ``EARTH_RADIUS_KM``)."""
    from accord.data import load

    f = load("capitals").frame
    lat = np.radians(f["lat"].to_numpy(float))
    lon = np.radians(f["lon"].to_numpy(float))
    a = (
        np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
        + np.cos(lat[:, None])
        * np.cos(lat[None, :])
        * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    names = f["country"].tolist()
    return pd.DataFrame(km, index=names, columns=names)


def _inverse_distance(names: list[str]) -> np.ndarray:
    """Inverse-distance weights between ``names`` (zero diagonal, not normalised)."""
    km = capital_distances()
    missing = sorted(set(names) - set(km.index))
    if missing:
        raise ScenarioError(
            "capitals",
            "an ally has no capital in the table",
            field="country",
            found=", ".join(missing),
        )
    d = km.loc[names, names].to_numpy(float)
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, 1.0 / d, 0.0)
    return w


def _weighted_others(w: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Row-normalised weighted mean of the others' ``values`` (NaN ignored; NaN where no
    other has a value)."""
    seen = np.isfinite(values)
    num = w @ np.where(seen, values, 0.0)
    den = w @ seen.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _onset(years: np.ndarray, origin: int, onsets: Iterable[int] = ONSETS) -> np.ndarray:
    known = [o for o in onsets if o <= origin]
    out = np.zeros(len(years))
    for o in known:
        out = np.maximum(out, ((years >= o) & (years <= o + ONSET_YEARS)).astype(float))
    return out


def _onset_fit(train: pd.DataFrame, origin: int) -> np.ndarray:
    """Pooled OLS of the change of share on a constant, the after-onset indicator and that
    indicator x frontline, years 1993..origin; slopes 0 where not identified."""
    frame = train[train["country"] != "United States"].sort_values(["country", "year"]).copy()
    frame["change"] = frame.groupby("country")["share_pct"].diff()
    frame = frame[
        (frame.groupby("country")["year"].diff() == 1) & (frame["year"] >= fitmod.FIRST_YEAR)
    ].dropna(subset=["change"])
    after = _onset(frame["year"].to_numpy(), origin)
    x = np.column_stack([np.ones(len(frame)), after, after * frame["frontline"].to_numpy()])
    y = frame["change"].to_numpy(float)
    keep = [0] + [k for k in (1, 2) if x[:, k].any()]
    beta = np.zeros(3)
    beta[keep] = np.linalg.lstsq(x[:, keep], y, rcond=None)[0]
    return beta


def _long_shares(panel: pd.DataFrame) -> pd.DataFrame:
    """Shares of GDP (country, year, share_pct) 1949.. : SIPRI's before the panel's first
    year, the panel's own from then (so a change of the panel reaches this too)."""
    from accord.data import load
    from accord.data.alliance import SIPRI_US

    first = int(panel["year"].min())
    f = load("sipri_panel").frame
    f = f[(f["nato_member_2024"] == 1) & (f["year"] < first)].dropna(subset=["milex_share_gdp_pct"])
    f = f[f["milex_share_gdp_pct"] > 0]
    early = pd.DataFrame(
        {
            "country": f["country"].replace({SIPRI_US: "United States"}),
            "year": f["year"].astype(int),
            "share_pct": f["milex_share_gdp_pct"],
        }
    )
    return pd.concat([early, panel[["country", "year", "share_pct"]]], ignore_index=True)


def _changes(shares: pd.DataFrame, origin: int, first: int) -> pd.DataFrame:
    """Ally-years first..origin (no US) with the share's change, its lag, the lagged change
    and the gap of the lag to the ally's mean share of the ``DRIFT_YEARS`` years to T."""
    frame = shares[(shares["country"] != "United States") & (shares["year"] <= origin)]
    frame = frame.sort_values(["country", "year"]).copy()
    by = frame.groupby("country")
    consecutive = by["year"].diff() == 1
    frame["lag"] = by["share_pct"].shift(1).where(consecutive)
    frame["change"] = frame["share_pct"] - frame["lag"]
    frame["lag_change"] = frame.groupby("country")["change"].shift(1).where(consecutive)
    means = frame[frame["year"] > origin - DRIFT_YEARS].groupby("country")["share_pct"].mean()
    frame["mean"] = frame["country"].map(means)
    frame["gap"] = frame["mean"] - frame["lag"]
    return frame[frame["year"] >= first]


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(x, y, rcond=None)[0]


def _share_paths(
    panel: pd.DataFrame, origin: int, allies: list[str], base: np.ndarray, horizons: int
) -> dict[str, np.ndarray]:
    """Share paths [horizons, allies] of the share-change candidates, each fitted on years
    <= ``origin`` only and iterated from the share of T.

    * ``long_panel``: pooled OLS of the change on a constant, the gap to the ally's mean and
      the lagged change, on the long share panel 1951..T.
    * ``us_spill``: pooled OLS on 1994..T of the change on a constant, the gap and last
      year's log change of US spending and, apart, of the other allies' total spending; in
      the forecast the year-T changes enter at h = 1 and zero after (spending held at T,
      the demand model's covariate forecast).
    * ``year_effects``: the gap plus a common effect per year (OLS with year dummies,
      1994..T); the forecast carries the year-T effect forward (a common shock persists).
    * ``hierarchical``: change on the gap with a random intercept and slope per ally
      (statsmodels MixedLM, REML), 1994..T; each ally forecast with its own predicted
      intercept and slope (partial pooling toward the pooled ones).
    """
    import warnings

    import statsmodels.api as sm

    train = panel[panel["year"] <= origin]
    shares = _long_shares(train)
    means = (
        train[train["year"] > origin - DRIFT_YEARS]
        .groupby("country")["share_pct"]
        .mean()
        .reindex(allies)
        .to_numpy(float)
    )
    paths = {m: np.full((horizons, len(allies)), np.nan) for m in SHARE_CANDIDATES}

    # long panel
    long = _changes(shares, origin, LONG_FIRST_YEAR).dropna(subset=["change", "gap", "lag_change"])
    b = _ols(
        np.column_stack([np.ones(len(long)), long["gap"], long["lag_change"]]),
        long["change"].to_numpy(float),
    )
    now = _changes(shares, origin, origin).set_index("country")
    last_change = now["change"].reindex(allies).fillna(0.0).to_numpy(float)
    level, previous = base.copy(), last_change
    for h in range(horizons):
        step = b[0] + b[1] * (means - level) + b[2] * previous
        level, previous = level + step, step
        paths["long_panel"][h] = level

    # US spill-in apart from the other allies' spending
    recent = _changes(train[["country", "year", "share_pct"]], origin, fitmod.FIRST_YEAR + 1)
    spend = train.pivot_table(index="year", columns="country", values="spending")
    us = np.log(spend["United States"]).diff()
    others = np.log(spend.drop(columns="United States").sum(axis=1, min_count=1)).diff()
    recent = recent.assign(
        us=recent["year"].map(us.shift(1)), others=recent["year"].map(others.shift(1))
    )
    fit_rows = recent.dropna(subset=["change", "gap", "us", "others"])
    b = _ols(
        np.column_stack(
            [np.ones(len(fit_rows)), fit_rows["gap"], fit_rows["us"], fit_rows["others"]]
        ),
        fit_rows["change"].to_numpy(float),
    )
    level = base.copy()
    for h in range(horizons):
        shock = (b[2] * us.get(origin, 0.0) + b[3] * others.get(origin, 0.0)) if h == 0 else 0.0
        level = level + b[0] + b[1] * (means - level) + shock
        paths["us_spill"][h] = level

    # year effects (common shocks)
    rows = recent.dropna(subset=["change", "gap"])
    years = sorted(rows["year"].unique())
    dummies = (rows["year"].to_numpy()[:, None] == np.array(years)[None, :]).astype(float)
    b = _ols(np.column_stack([rows["gap"], dummies]), rows["change"].to_numpy(float))
    effect = b[1 + years.index(max(years))]
    level = base.copy()
    for h in range(horizons):
        level = level + b[0] * (means - level) + effect
        paths["year_effects"][h] = level

    # partial pooling across allies
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.MixedLM(
            rows["change"].to_numpy(float),
            np.column_stack([np.ones(len(rows)), rows["gap"]]),
            groups=rows["country"].to_numpy(),
            exog_re=np.column_stack([np.ones(len(rows)), rows["gap"]]),
        )
        result = model.fit(reml=True, method="lbfgs")
    fe = np.asarray(result.fe_params)
    re = result.random_effects
    own = np.array([np.asarray(re.get(a, np.zeros(2))) for a in allies]).reshape(len(allies), 2)
    level = base.copy()
    for h in range(horizons):
        level = level + (fe[0] + own[:, 0]) + (fe[1] + own[:, 1]) * (means - level)
        paths["hierarchical"][h] = level

    _onset_spatial_paths(panel, origin, allies, base, means, shares, paths)
    return paths


def _onset_spatial_paths(
    panel: pd.DataFrame,
    origin: int,
    allies: list[str],
    base: np.ndarray,
    means: np.ndarray,
    shares: pd.DataFrame,
    paths: dict[str, np.ndarray],
) -> None:
    """Fill the :data:`ONSET_SPATIAL` paths (fitted on years <= ``origin`` only).

    * ``onset_long_frontline`` / ``onset_long_distance``: pooled OLS on the long share panel
      1950..T of the change of share on a constant, the gap to the ally's mean of the
      ``DRIFT_YEARS`` years to T, an "onset year or up to ``ONSET_YEARS`` after" indicator
      (:data:`LONG_ONSETS` known at T) and that indicator x frontline (``FRONTLINE``) or x
      distance of the capital to Moscow (1,000 km).
    * ``spatial_spill``: pooled OLS on 1994..T of the change on a constant, the gap and the
      inverse-distance weighted mean of the other allies' (US included) changes of the year
      before; forecast jointly, the US share held at T.
    * ``spatial_level``: the same with the weighted mean of the others' shares of the year
      before minus the ally's own (convergence toward the neighbours).
    """
    from accord.data.alliance import FRONTLINE

    horizons = paths["spatial_spill"].shape[0]
    km = capital_distances()
    moscow = km["Russia"] / 1000.0
    long = _changes(shares, origin, LONG_ONSET_FIRST_YEAR).dropna(subset=["change", "gap"])
    after = _onset(long["year"].to_numpy(), origin, LONG_ONSETS)
    exposure = {
        "onset_long_frontline": (
            long["country"].isin(FRONTLINE).to_numpy(float),
            np.isin(allies, FRONTLINE).astype(float),
        ),
        "onset_long_distance": (
            long["country"].map(moscow).to_numpy(float),
            pd.Series(allies).map(moscow).to_numpy(float),
        ),
    }
    for name, (x_fit, x_now) in exposure.items():
        x = np.column_stack([np.ones(len(long)), long["gap"], after, after * x_fit])
        b = _ols(x, long["change"].to_numpy(float))
        level = base.copy()
        for h in range(horizons):
            on = float(_onset(np.array([origin + h + 1]), origin, LONG_ONSETS)[0])
            level = level + b[0] + b[1] * (means - level) + on * (b[2] + b[3] * x_now)
            paths[name][h] = level

    train = panel[(panel["year"] <= origin) & (panel["year"] >= fitmod.FIRST_YEAR - 1)]
    wide = train.pivot_table(index="year", columns="country", values="share_pct").sort_index()
    names = list(wide.columns)
    w = _inverse_distance(names)
    change = wide.diff().where(wide.index.to_series().diff().eq(1), axis=0)
    spill = pd.DataFrame(
        [_weighted_others(w, row) for row in change.to_numpy(float)],
        index=wide.index,
        columns=names,
    ).shift(1)
    level_gap = pd.DataFrame(
        [_weighted_others(w, row) - row for row in wide.to_numpy(float)],
        index=wide.index,
        columns=names,
    ).shift(1)
    recent = _changes(train[["country", "year", "share_pct"]], origin, fitmod.FIRST_YEAR + 1)
    stacked = {
        "spatial_spill": spill.stack().rename("x"),
        "spatial_level": level_gap.stack().rename("x"),
    }
    col = {a: names.index(a) for a in allies}
    us = names.index("United States")
    for name, x_series in stacked.items():
        rows = recent.join(x_series, on=["year", "country"]).dropna(subset=["change", "gap", "x"])
        b = _ols(
            np.column_stack([np.ones(len(rows)), rows["gap"], rows["x"]]),
            rows["change"].to_numpy(float),
        )
        state = wide.loc[origin].to_numpy(float).copy()  # every country's share at T
        last = change.loc[origin].to_numpy(float).copy()  # and its change into T
        level = base.copy()
        for h in range(horizons):
            if name == "spatial_spill":
                x_now = _weighted_others(w, last)
            else:
                x_now = _weighted_others(w, state) - state
            x_allies = np.nan_to_num(np.array([x_now[col[a]] for a in allies]))
            step = b[0] + b[1] * (means - level) + b[2] * x_allies
            level = level + step
            paths[name][h] = level
            last = np.full(len(names), np.nan)
            for k, a in enumerate(allies):
                state[col[a]] = level[k]
                last[col[a]] = step[k]
            last[us] = 0.0  # the US share held at T


def forecast_origin(
    panel: pd.DataFrame, origin: int, *, horizons: int = 3, theta: float | None = None
) -> pd.DataFrame:
    """Every method's forecast made at ``origin`` from ``panel`` rows with year <= origin.

    Rows (ally, origin, h, year, <method>...) for every ally observed at the origin; the
    observed share is not joined here (that is the scoring's job).
    """

    _check_origin(origin, panel, scored=False)
    train = panel[panel["year"] <= origin]
    at = train[(train["year"] == origin) & (train["country"] != "United States")]
    allies = sorted(at["country"])
    base = at.set_index("country")["share_pct"].reindex(allies).to_numpy(float)
    drifts = _drifts(train, origin)
    own = drifts.reindex(allies).fillna(0.0).to_numpy(float)
    pooled = float(drifts.drop("United States", errors="ignore").mean())
    growth = _growth(train, origin)
    paths = _model_paths(
        train, origin, allies, growth, horizons, JOINT_PRODUCT_THETA if theta is None else theta
    )
    lam, kappa = _adjust_fit(train, origin)
    means = (
        train[train["year"] > origin - DRIFT_YEARS]
        .groupby("country")["share_pct"]
        .mean()
        .reindex(allies)
        .to_numpy(float)
    )
    gdp0 = at.set_index("country")["gdp"].reindex(allies).to_numpy(float)
    g = growth.reindex(allies).fillna(0.0).to_numpy(float)
    beta = _onset_fit(train, origin)
    front = at.set_index("country")["frontline"].reindex(allies).to_numpy(float)
    shares = _share_paths(panel, origin, allies, base, horizons)
    level = base.copy()
    onset_level = base.copy()
    rows = []
    for h in range(1, horizons + 1):
        year = origin + h
        guide = (GUIDELINE_PCT - level).clip(min=0.0) if year >= WALES_FIRST_YEAR else 0.0
        level = level + lam * (means - level) + kappa * guide
        after = float(_onset(np.array([year]), origin)[0])
        onset_level = onset_level + beta[0] + after * (beta[1] + beta[2] * front)
        for k, ally in enumerate(allies):
            rows.append(
                {
                    "ally": ally,
                    "origin": origin,
                    "h": h,
                    "year": year,
                    "persistence": base[k],
                    "drift_own": base[k] + h * own[k],
                    "drift_pooled": base[k] + h * pooled,
                    "model": paths["model"][h - 1, k],
                    "joint_product": paths["joint_product"][h - 1, k],
                    "adjust_2pct": level[k],
                    "onset_frontline": onset_level[k],
                    **{m: shares[m][h - 1, k] for m in SHARE_CANDIDATES},
                    "gdp_base": gdp0[k],
                    "gdp_forecast": gdp0[k] * np.exp(h * g[k]),
                }
            )
    return _with_log_real(pd.DataFrame(rows), train, origin)


def _with_log_real(frame: pd.DataFrame, train: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Add one ``log_real_<method>`` column per :data:`LOG_REAL_METHODS`: the forecast log
    real spending (US$ m, constant 2023) made at ``origin`` from ``train`` (years <= T)."""
    recent = train[train["year"] > origin - DRIFT_YEARS - 1].sort_values(["country", "year"])
    change = np.log(recent["spending"]).groupby(recent["country"]).diff()
    consecutive = recent.groupby("country")["year"].diff() == 1
    drift = change.where(consecutive).groupby(recent["country"]).mean()
    pooled = float(drift.drop("United States", errors="ignore").mean())
    at = train[train["year"] == origin].set_index("country")["spending"]
    base = np.log(frame["ally"].map(at).to_numpy(float))
    own = frame["ally"].map(drift).fillna(0.0).to_numpy(float)
    h = frame["h"].to_numpy(float)
    gdp = frame["gdp_forecast"].to_numpy(float)
    out = {
        f"{LOG_REAL}persistence": base,
        f"{LOG_REAL}drift_own": base + h * own,
        f"{LOG_REAL}drift_pooled": base + h * pooled,
    }
    for method in LOG_REAL_METHODS:
        if method in BASELINES:
            continue
        share = frame["persistence" if method == "persistence_share" else method]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{LOG_REAL}{method}"] = np.log(share.to_numpy(float) * gdp / 100)
    return frame.assign(**out)


def _scores(
    table: pd.DataFrame,
    horizons: Iterable[int],
    *,
    methods: Iterable[str] = METHODS,
    prefix: str = "",
    observed: str = "observed",
    scale: float = 1.0,
) -> list[dict[str, Any]]:
    """MAE and RMSE per horizon of every method (column ``prefix + method``) against the
    column ``observed``, errors times ``scale``."""
    out = []
    for h in horizons:
        part = table[table["h"] == h]
        if part.empty:
            continue
        mae, rmse = {}, {}
        for method in methods:
            err = scale * (part[prefix + method] - part[observed]).to_numpy(float)
            err = err[np.isfinite(err)]
            mae[method] = round(float(np.mean(np.abs(err))), 4)
            rmse[method] = round(float(np.sqrt(np.mean(err**2))), 4)
        out.append({"h": int(h), "n": int(len(part)), "mae": mae, "rmse": rmse})
    return out


def scored_tables(
    data: pd.DataFrame, origins: Iterable[int], hs: list[int]
) -> dict[int, pd.DataFrame]:
    """Forecasts per origin joined with the observed share (and spending, GDP) at T + h."""
    last = int(data["year"].max())
    origins = list(origins)
    for origin in origins:
        _check_origin(origin, data)
    observed = data.set_index(["country", "year"])
    tables = {}
    for origin in origins:
        frame = forecast_origin(data, origin, horizons=max(hs))
        frame = frame[frame["h"].isin(hs) & (frame["year"] <= last)]
        key = pd.MultiIndex.from_arrays([frame["ally"], frame["year"]])
        rows = observed.reindex(key)
        frame = frame.assign(
            observed=rows["share_pct"].to_numpy(float),
            observed_spending=rows["spending"].to_numpy(float),
            observed_log_real=np.log(rows["spending"].to_numpy(float)),
        )
        tables[origin] = frame.dropna(subset=["observed"])
    return tables


def rolling(
    origins: Iterable[int] = ORIGINS,
    *,
    shock_origins: Iterable[int] = SHOCK_ORIGINS,
    horizons: Iterable[int] = HORIZONS,
    panel: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The rolling backtest: scores per horizon over ``origins`` and over ``shock_origins``.

    ``model`` names the chosen method: the candidate with the lowest mean all-origins MAE
    over the horizons if it is no worse than the best baseline at every horizon, else the
    best baseline (and ``verdict`` says so).
    """
    data = _panel() if panel is None else panel
    origins, shocks, hs = list(origins), list(shock_origins), list(horizons)
    tables = scored_tables(data, sorted(set(origins) | set(shocks)), hs)
    every = pd.concat([tables[o] for o in origins], ignore_index=True)
    shock = pd.concat([tables[o] for o in shocks], ignore_index=True)
    horizons_all = _scores(every, hs)
    horizons_shock = _scores(shock, hs)
    chosen, verdict = choose(horizons_all)
    log_real = {
        key: _scores(
            frame,
            hs,
            methods=LOG_REAL_METHODS,
            prefix=LOG_REAL,
            observed="observed_log_real",
            scale=100.0,
        )
        for key, frame in (("horizons", every), ("shock_horizons", shock))
    }
    return {
        "horizons": horizons_all,
        "shock_horizons": horizons_shock,
        "origins": origins,
        "shock_origins": shocks,
        "model": chosen,
        "verdict": verdict,
        "unit": "share of GDP, percentage points (SIPRI)",
        "covariates": "forecast as of the origin: Russia's and US spending at the origin, "
        f"GDP at each ally's mean growth of the {DRIFT_YEARS} years to it",
        "log_real": {
            **log_real,
            "unit": "log real spending (constant 2023 US$), 100 x log points (about %)",
            "baselines": "persistence, drift_own, drift_pooled of log spending itself; the "
            "share methods' spending is their share x GDP forecast as of the origin; "
            "persistence_share: the share held at the origin, GDP at its own growth",
            "best": log_real_best(log_real["horizons"]),
        },
    }


def log_real_best(scores: list[dict[str, Any]]) -> dict[str, Any]:
    """Per horizon, the method with the lowest MAE of log real spending and the best
    baseline's (the second target is reported, not used to choose)."""
    out = {}
    for s in scores:
        best = min(s["mae"], key=s["mae"].__getitem__)
        base = min(BASELINES, key=s["mae"].__getitem__)
        out[str(s["h"])] = {"method": best, "best_baseline": base}
    return out


def choose(scores: list[dict[str, Any]]) -> tuple[str, str]:
    """The chosen specification and a one-line verdict, by the all-origins MAE."""
    candidates = CANDIDATES
    mean = {m: float(np.mean([s["mae"][m] for s in scores])) for m in METHODS}
    best_base = min(BASELINES, key=mean.__getitem__)
    best_cand = min(candidates, key=mean.__getitem__)
    beats = all(s["mae"][best_cand] <= min(s["mae"][b] for b in BASELINES) for s in scores)
    if beats:
        return best_cand, (
            f"{best_cand} is no worse than the best baseline at every horizon "
            f"(mean MAE {mean[best_cand]:.3f} vs {best_base} "
            f"{mean[best_base]:.3f} pp)"
        )
    return best_base, (
        f"no candidate beats the best baseline at every horizon: the best "
        f"baseline, {best_base} (mean MAE {mean[best_base]:.3f} pp), is used "
        f"by every face (forecast, equilibrium, report) and the engine; "
        f"best candidate {best_cand} {mean[best_cand]:.3f}, estimated demand "
        f"model {mean['model']:.3f}"
    )


# ---------------------------------------------------------------------------------------
# The verdict table: the one source of truth for "which model is used"

#: Name of the shipped verdict table (``accord.data.load``), written by
#: ``accord burden backtest --rolling --write-verdict`` from :func:`rolling`.
VERDICT_TABLE = "burden_verdict"
#: How each backtest method maps onto the counterfactual faces and the engine: a baseline
#: forecasts the same path with and without a lever, so its counterfactual is persistence.
FACE_MODEL = {
    "model": "estimated",
    "joint_product": "joint-product",
    "persistence": "persistence",
    "drift_own": "persistence",
    "drift_pooled": "persistence",
    "adjust_2pct": "persistence",
    "onset_frontline": "persistence",
    **dict.fromkeys(SHARE_CANDIDATES, "persistence"),
}


def verdict_frame(result: dict[str, Any]) -> pd.DataFrame:
    """One row per method: kind, all-origins and shock-origins MAE per horizon, and
    ``chosen`` (1 for the method :func:`choose` picks)."""
    rows = []
    for method in METHODS:
        row: dict[str, Any] = {
            "method": method,
            "kind": "baseline" if method in BASELINES else "candidate",
        }
        for key, prefix in (("horizons", "mae_h"), ("shock_horizons", "shock_mae_h")):
            for s in result[key]:
                row[f"{prefix}{s['h']}"] = s["mae"][method]
        row["chosen"] = int(method == result["model"])
        row["face_model"] = FACE_MODEL.get(method, "persistence")
        rows.append(row)
    return pd.DataFrame(rows)


def verdict_comments(result: dict[str, Any]) -> list[str]:
    """The ``#`` header lines of the verdict table (what produced it, on what data)."""
    return [
        f"burden_verdict: written by `accord burden backtest --rolling --write-verdict` "
        f"(accord.fits.burden_backtest.rolling) on sipri_panel; origins "
        f"{result['origins'][0]}-{result['origins'][-1]}, shock origins "
        f"{', '.join(str(o) for o in result['shock_origins'])}; MAE of share of GDP, pp",
        f"verdict: {result['verdict']}",
    ]


def verdict_csv(result: dict[str, Any]) -> str:
    """The verdict table as CSV text with its ``#`` header lines."""
    header = "".join(f"# {line}\n" for line in verdict_comments(result))
    return header + verdict_frame(result).to_csv(index=False, lineterminator="\n")


def shipped_verdict() -> pd.DataFrame:
    """The shipped verdict table (faces and engine read this, never a score of their own)."""
    from accord.data import load

    return load(VERDICT_TABLE).frame


def chosen_method(table: pd.DataFrame | None = None) -> str:
    """The backtest method the verdict table marks chosen (e.g. ``"persistence"``)."""
    frame = shipped_verdict() if table is None else table
    chosen = frame.loc[frame["chosen"] == 1, "method"]
    if len(chosen) != 1:
        raise ScenarioError(
            VERDICT_TABLE,
            "the verdict table must mark one method chosen",
            field="chosen",
            found=list(chosen),
        )
    return str(chosen.iloc[0])


def chosen_face_model(table: pd.DataFrame | None = None) -> str:
    """What the faces and the engine use: ``estimated``, ``joint-product`` or
    ``persistence`` (every baseline's counterfactual)."""
    frame = shipped_verdict() if table is None else table
    return str(frame.loc[frame["method"] == chosen_method(frame), "face_model"].iloc[0])


def verdict_line(table: pd.DataFrame | None = None) -> str:
    """One line: the chosen method and the all-origins MAE of the chosen, the estimated
    model and the calibrated game at h = 1/2/3 (the score printed beside every number)."""
    frame = (shipped_verdict() if table is None else table).set_index("method")
    chosen = chosen_method(frame.reset_index())
    hs = sorted(c for c in frame.columns if c.startswith("mae_h"))

    def score(method: str) -> str:
        return "/".join(f"{frame.loc[method, c]:.3f}" for c in hs)

    shown = dict.fromkeys([chosen, "model", "joint_product"])
    cells = ", ".join(f"{m} {score(m)}" for m in shown)
    return (
        f"rolling backtest (accord burden backtest --rolling), MAE of share of GDP (pp) "
        f"at h = 1/2/3: "
        f"{cells}; used: {chosen}"
        + (
            ""
            if frame.loc[chosen, "kind"] == "candidate"
            else " (a baseline: no specification beats it out of sample)"
        )
    )


#: Allies counted as "Europe" in the aggregate real change: every ally but the US and Canada.
NOT_EUROPE = ("United States", "Canada")


def forecast_year(
    year: int = 2025, *, panel: pd.DataFrame | None = None, origins: Iterable[int] = ORIGINS
) -> dict[str, Any]:
    """Each ally's share of GDP in ``year`` from data up to ``year - 1`` only.

    The method is the one the rolling backtest chooses (:func:`rolling`); the 5-95 % band
    adds the empirical 5 % and 95 % quantiles of that method's one-year-ahead errors over
    the backtest origins (all trained on data before their own origin). Europe's real
    change sums forecast spending (share x GDP at the ally's own mean growth) over the
    European allies; its band is from the same backtest errors of that aggregate.
    """
    data = _panel() if panel is None else panel
    origin = year - 1
    last = int(data["year"].max())
    if origin != last:
        raise ScenarioError(
            None,
            "the forecast year must be the year after the data end",
            field="year",
            expected=str(last + 1),
            found=year,
        )
    data = data[data["year"] <= origin]
    tables = scored_tables(data, list(origins), [1])
    scores = _scores(pd.concat(tables.values(), ignore_index=True), [1])
    method, verdict = choose(scores)
    errors = np.concatenate([(t[method] - t["observed"]).to_numpy(float) for t in tables.values()])
    lo_e, hi_e = np.quantile(errors[np.isfinite(errors)], [0.05, 0.95])
    agg_errors = []
    for t in tables.values():
        eu = t[~t["ally"].isin(NOT_EUROPE)]
        base_spend = (eu["persistence"] * eu["gdp_base"]).sum()
        hat = (eu[method] * eu["gdp_forecast"]).sum() / base_spend
        observed = 100 * eu["observed_spending"].sum() / base_spend
        agg_errors.append(100 * (hat - observed))
    agg_lo, agg_hi = np.quantile(agg_errors, [0.05, 0.95])
    frame = forecast_origin(data, origin, horizons=1)
    allies = []
    for row in frame.itertuples(index=False):
        central = float(getattr(row, method))
        allies.append(
            {
                "ally": row.ally,
                "pct_gdp_base": round(float(row.persistence), 4),
                "pct_gdp": round(central, 4),
                "low": round(float(central + lo_e), 4),
                "high": round(float(central + hi_e), 4),
                "real_change_pct": round(
                    100 * (central * row.gdp_forecast / (row.persistence * row.gdp_base) - 1), 3
                ),
            }
        )
    eu = frame[~frame["ally"].isin(NOT_EUROPE)].dropna(subset=list(METHODS))
    by_method = {
        m: round(
            float(
                100
                * (
                    (eu[m] * eu["gdp_forecast"]).sum() / (eu["persistence"] * eu["gdp_base"]).sum()
                    - 1
                )
            ),
            3,
        )
        for m in METHODS
    }
    change = by_method[method]
    return {
        "year": year,
        "trained_until": origin,
        "method": method,
        "verdict": verdict,
        "allies": allies,
        "europe_real_change_pct": {
            "value": round(float(change), 3),
            "low": round(float(change - agg_hi), 3),
            "high": round(float(change - agg_lo), 3),
        },
        "europe_real_change_pct_by_method": by_method,
        "band": "5-95 %: empirical quantiles of the method's 1-year-ahead backtest errors, "
        f"origins {min(tables)}-{max(tables)}",
    }


def nato_check(result: dict[str, Any]) -> dict[str, Any]:
    """NATO's 2025-edition headlines (unverified, second-hand) beside the forecast: changes
    2024 -> 2025 in pp of GDP for the allies with both years, never levels, never fitted."""
    from accord.data import load

    table = load("nato_2025_edition_headlines_unverified")
    f = table.frame.dropna(subset=["def_exp_pct_gdp"])
    f = f.assign(country=f["country"].replace({"Turkiye": "Türkiye"}))  # spelling only
    wide = f.pivot_table(index="country", columns="year", values="def_exp_pct_gdp")
    ours = {a["ally"]: a for a in result["allies"]}
    rows = []
    if {2024, 2025} <= set(wide.columns):
        for ally, row in wide[[2024, 2025]].dropna().iterrows():
            if ally in ours:
                a = ours[ally]
                rows.append(
                    {
                        "ally": ally,
                        "nato_change_pp": round(float(row[2025] - row[2024]), 3),
                        "forecast_change_pp": round(a["pct_gdp"] - a["pct_gdp_base"], 3),
                    }
                )
    return {
        "rows": rows,
        "caveat": table.provenance.get("notes", "unverified"),
        "source": table.provenance.get("source", ""),
    }
