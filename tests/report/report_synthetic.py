"""Synthetic runs with the columns of contracts 5 and 6, for report tests and the benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd

UNCERTAINTIES = [
    {
        "name": "russia_resolve",
        "distribution": "uniform",
        "low": 0.0,
        "high": 1.0,
        "source": "analyst judgement (test)",
    },
    {
        "name": "aid_elasticity",
        "distribution": "triangular",
        "low": 0.2,
        "high": 1.5,
        "source": "test",
    },
    {
        "name": "peacekeeper_hazard_ratio",
        "distribution": "uniform",
        "low": 0.25,
        "high": 0.8,
        "source": "Fortna 2008 (test)",
    },
]
LEVERS = [
    {
        "name": "reassurance_force",
        "options": ["none", "small", "large"],
        "default": "none",
        "source": "corpus (test)",
        "description": "European force after a ceasefire",
    },
    {
        "name": "us_backstop",
        "options": [False, True],
        "default": False,
        "source": "test",
        "description": "US air and intelligence backstop",
    },
]


def scenario_info() -> dict:
    return {
        "name": "synthetic-<test>",
        "description": "Synthetic data & <b>no</b> model behind it.",
        "provenance": [
            {"item": "US aid 2024", "value": "EUR 41 bn", "source": "Kiel tracker, row 12"},
            {"item": "Russian resolve", "value": "0-1", "source": "analyst judgement"},
        ],
        "uncertainties": UNCERTAINTIES,
        "levers": LEVERS,
        "notes": ["Numbers are random; this only exercises the report."],
    }


def make_scalars(n: int, rng: np.random.Generator, *, shift: float = 0.0) -> pd.DataFrame:
    """Scalars with a plausible dependence on the inputs."""
    resolve = rng.uniform(0, 1, n)
    elasticity = rng.triangular(0.2, 0.7, 1.5, n)
    hazard = rng.uniform(0.25, 0.8, n)
    force = rng.choice(["none", "small", "large"], n)
    backstop = rng.choice([False, True], n)
    force_level = pd.Series(force).map({"none": 0.0, "small": 1.0, "large": 2.0}).to_numpy()
    month = rng.exponential(20 + 60 * resolve - 10 * shift, n).round() + 1
    month[month > 120] = np.nan
    holds = 1.0 / (1.0 + np.exp(-(-1.0 + 0.8 * force_level + 0.7 * backstop - 2 * hazard)))
    holds = np.where(np.isnan(month), np.nan, holds)
    renewed = np.where(rng.uniform(size=n) > np.nan_to_num(holds), month + 30, np.nan)
    renewed[renewed > 120] = np.nan
    peace = np.where(np.isnan(month), 0, np.where(np.isnan(renewed), 120, renewed) - month)
    return pd.DataFrame(
        {
            "experiment": np.arange(n),
            "russia_resolve": resolve,
            "aid_elasticity": elasticity,
            "peacekeeper_hazard_ratio": hazard,
            "reassurance_force": force,
            "us_backstop": backstop,
            "ceasefire_month": month,
            "war_renewed_month": renewed,
            "months_of_peace": np.nan_to_num(peace),
            "peace_holds_5y": np.nan_to_num(holds, nan=0.0),
            "peace_holds_5y_given_ceasefire": holds,
            "terms_territory": np.where(np.isnan(month), np.nan, rng.normal(40 + 10 * shift, 8, n)),
            "terms_security_guarantees": np.where(np.isnan(month), np.nan, rng.uniform(20, 90, n)),
            "aid_total_us": rng.gamma(4, 10 * (1 - 0.3 * shift), n),
            "aid_total_europe": rng.gamma(6, 12 * elasticity, n),
            "aid_total_nordic": rng.gamma(3, 4, n),
            "europe_defence_pct_gdp_end": rng.normal(2.2 + 0.3 * shift, 0.3, n),
            "escalation_use_of_force_events": rng.poisson(0.1 + 0.2 * force_level, n),
        }
    )


def make_series(scalars: pd.DataFrame, months: int, rng: np.random.Generator) -> pd.DataFrame:
    """Long monthly series consistent with the scalars' ceasefire months."""
    n = len(scalars)
    t = np.arange(months)
    cease = np.nan_to_num(scalars["ceasefire_month"].to_numpy(), nan=np.inf)
    at_war = (t[None, :] < cease[:, None]).astype(float)
    walk = np.cumsum(rng.normal(0, 0.2, (n, months)), axis=1) * at_war
    frame = pd.DataFrame(
        {
            "experiment": np.repeat(scalars["experiment"].to_numpy(), months),
            "month": np.tile(t, n),
            "at_war": at_war.ravel(),
            "front": (80 + walk).ravel(),
            "aid_us": np.abs(3.0 + rng.normal(0, 0.5, (n, months)) - 0.01 * t).ravel(),
            "aid_europe": np.abs(4.0 + rng.normal(0, 0.5, (n, months)) + 0.01 * t).ravel(),
            "support_us": np.clip(
                45 + np.cumsum(rng.normal(0, 0.5, (n, months)), axis=1), 0, 100
            ).ravel(),
            "support_europe": np.clip(
                60 + np.cumsum(rng.normal(0, 0.5, (n, months)), axis=1), 0, 100
            ).ravel(),
            "escalation_risk": (0.002 + 0.003 * at_war * rng.uniform(size=(n, 1))).ravel(),
        }
    )
    return frame


def make_run(variant: str, n: int, months: int, seed: int, *, shift: float = 0.0):
    from accord.report import ReportRun

    rng = np.random.default_rng(seed)
    scalars = make_scalars(n, rng, shift=shift)
    series = make_series(scalars, months, rng)
    meta = {
        "seed": seed,
        "n": n,
        "code_version": "0.1.0+test",
        "scenario_hash": "ab" * 32,
        "created": "2026-11-22T04:00:00Z",
        "variant": variant,
    }
    return ReportRun(variant, scalars, series, meta)
