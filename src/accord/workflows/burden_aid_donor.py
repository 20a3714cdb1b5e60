"""Donor-level aid reaction function (issue 20, item 5), fitted on Kiel R27 monthly data.

Each European donor's quarterly allocation relative to its own mean, a_iq / mean_i, is
regressed on the US allocation relative to its mean, u_q / mean_US, with donor fixed effects
and errors clustered by donor (statsmodels OLS): a_iq / mean_i = c_i + b u_q / mean_US + e.
If the US stops (u from its mean to 0) donor i changes by -b mean_i, so Europe replaces
-b sum_i mean_i / mean_US of the US stop. Fitted on Feb 2022 - Dec 2024 only (no 2025 figure);
compared with Kiel R28's observed 2025 replacement (``burden_runs.aid_check``).
Quarters, not months: monthly allocations are lumpy announcements (judgement).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: Last month used in the fit: December 2024, so no month of the 2025 test year enters
#: (the file's January 2025 is dropped).
LAST_MONTH = "2024-12"


def fit(measure: str = "total") -> dict[str, Any]:
    """Predicted European replacement of the US stop (value, 95 % interval) vs observed."""
    import statsmodels.formula.api as smf
    from scipy import stats

    from accord.data import load
    from accord.workflows.burden_runs import aid_check

    table = load("kiel_r27_monthly")
    f = table.frame
    f = f[f["year_month"] <= LAST_MONTH]  # the test year 2025 stays out of the fit
    if measure == "military":
        f = f[f["aid_type"] == "Military"]
    groups = load("kiel_by_donor").frame.set_index("donor")["group"]
    quarter = pd.PeriodIndex(f["year_month"], freq="M").asfreq("Q").astype(str)
    q = f.assign(q=quarter).groupby(["donor", "q"])["allocation_eur_m"].sum().reset_index()
    us = q[q["donor"] == "United States"].set_index("q")["allocation_eur_m"]
    europe = q[q["donor"].map(groups) == "Europe"].copy()
    mean = europe.groupby("donor")["allocation_eur_m"].transform("mean")
    europe = europe[mean > 0].assign(a=lambda d: d["allocation_eur_m"] / mean[mean > 0])
    europe["u"] = europe["q"].map(us) / us.mean()
    result = smf.ols("a ~ u + C(donor)", europe).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(europe["donor"])[0]}
    )
    b, se = float(result.params["u"]), float(result.bse["u"])
    scale = europe.groupby("donor")["allocation_eur_m"].mean().sum() / us.mean()
    z = stats.norm.ppf(0.975)
    observed = (
        aid_check(draws=10)
        .per_actor.set_index("measure")
        .loc[measure, "observed_europe_replaced_pct"]
    )
    return {
        "measure": measure,
        "predicted_replacement_pct": {
            "value": round(-100 * b * scale, 2),
            "low": round(-100 * (b + z * se) * scale, 2),
            "high": round(-100 * (b - z * se) * scale, 2),
        },
        "observed_replacement_pct": round(float(observed), 2),
        "slope_b": round(b, 4),
        "slope_se": round(se, 4),
        "last_month": str(europe["q"].max()),
        "donors": int(europe["donor"].nunique()),
        "quarters": int(europe["q"].nunique()),
        "method": "donor fixed effects OLS (statsmodels), quarterly allocations relative to "
        "each donor's mean on the US's, clustered by donor; Kiel R27 Feb 2022 - Dec "
        "2024; observed: Kiel R28 2024->2025 (aid_check)",
        "note": (
            "the slope is not distinguishable from zero at 95 %: in 2022-2024 the "
            "donors' allocations co-move with the US's (common shocks, joint "
            "packages), so the fit cannot predict the 2025 replacement"
            if abs(b) <= z * se
            else "donors move with the US (complements): the fit predicts no replacement"
            if b > 0
            else "donors substitute for the US"
        ),
        "source": table.provenance["source"],
    }


def theta_range(measure: str = "total") -> dict[str, float]:
    """The aid game's publicness implied by the donor fit: the theta whose predicted European
    replacement of a US stop equals the fit's value, low and high (bounded to [0, 1]).

    The game is the one the engine plays (Europe one player best responding to the US and
    the other donors, Cobb-Douglas, ``burden_runs._aid_predict``), calibrated on Kiel's
    2022-2024 mean allocations; the US goes from its 2024 level to 0, the other donors stay
    at 2024. No 2025 figure enters (the fit stops in December 2024).
    """
    import numpy as np
    from scipy.optimize import brentq

    from accord.workflows.burden_runs import _aid_predict, _aid_years

    predicted = fit(measure)["predicted_replacement_pct"]
    wide, income, _ = _aid_years(measure)
    base = wide.loc[[2022, 2023, 2024]].to_numpy(float).mean(axis=0)
    us, other = float(wide.loc[2024, "US"]), float(wide.loc[2024, "Other"])
    levels = np.array([[us, other], [0.0, other]])

    def replaced(theta: float) -> float:
        p = _aid_predict(theta, base, income, levels)
        return float(100 * (p[1, 1] - p[0, 1]) / us)

    top = replaced(1.0)

    def invert(pct: float) -> float:
        if pct <= 0:
            return 0.0
        if pct >= top:
            return 1.0
        return float(brentq(lambda t: replaced(t) - pct, 0.0, 1.0, xtol=1e-9))

    return {key: round(invert(predicted[key]), 3) for key in ("value", "low", "high")}


def with_donor_fit(result: Any) -> Any:
    """The aid game's result (a ``BurdenResult``) with the donor-level fit beside it:
    ``predicted_replacement_pct`` (value, low, high), ``observed_replacement_pct`` and
    ``method`` for the total measure, and both measures under ``donor_fit``."""
    import dataclasses

    fits = {measure: fit(measure) for measure in ("total", "military")}
    total = fits["total"]
    summary = {
        key: total[key]
        for key in ("predicted_replacement_pct", "observed_replacement_pct", "method")
    }
    summary["donor_fit"] = {
        m: {k: f[k] for k in ("predicted_replacement_pct", "observed_replacement_pct", "note")}
        for m, f in fits.items()
    }
    p = total["predicted_replacement_pct"]
    note = (
        f"donor-level fit (accord burden aid-reaction, Kiel R27 Feb 2022 - Dec 2024): "
        f"Europe replaces {p['value']:+.1f} % of a US stop (95 %: {p['low']:+.1f} to "
        f"{p['high']:+.1f}); observed 2025 (Kiel R28) {total['observed_replacement_pct']:.1f}"
        f" %: {total['note']}"
    )
    return dataclasses.replace(
        result, summary={**result.summary, **summary}, notes=[*result.notes, note]
    )
