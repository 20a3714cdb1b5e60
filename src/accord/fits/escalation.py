"""Escalation between Russia and NATO states: base rates of militarized disputes, by era.

**What an event is.** An *escalation event* is a militarized interstate dispute (COW MID 5.0,
Palmer et al. 2022) in which Russia/USSR and at least one NATO member state (a member when the
dispute began) are on opposite sides, counted once per dispute, at one of two levels:

* ``use_of_force``: Russia's or the NATO state's hostility level in the dispute is 4 or 5 (COW:
  4 = use of force, e.g. a blockade, seizure, clash or attack; 5 = war);
* ``fatal``: Russia or the NATO state suffered at least one military fatality in the dispute
  (participant fatality level >= 1).

MID's hostility and fatality levels belong to a state's whole participation in a dispute, not to
one pair of states, so in a multilateral dispute the force may have been used against a third
party; a fatal event is almost always also a use-of-force event. Counts are by the year the
dispute began.

**Eras.** Cold War 1949-1991 (43 years from NATO's founding), post-Cold War 1992-2013 (22
years), and 2014, the first year of Russia's war in Ukraine (Crimea, Donbas), which is as far as
MID 5.0 goes: the full-scale war from 2022 is not in the data. Wartime within 1992-2013: the
years in which Russia fought a war as a primary party, i.e. a UCDP conflict-year of intensity 2
(>= 1,000 battle deaths) with the Government of Russia on side A: the Chechen wars, 1995, 1996,
1999, 2000, 2002, 2004 (UCDP Conflict Termination v3-2021, conflict 401, in the shared data's
``ucdp_conflict_termination_v3_2021.csv``), against the other 16 years.

**Model.** Events in an era are Poisson with a constant yearly rate; with the Jeffreys prior
Gamma(1/2, 0) the posterior is Gamma(k + 1/2, T) for k events in T years (Gelman et al. 2013,
*Bayesian Data Analysis*, sect. 2.6), reported as its median and 2.5-97.5 % quantiles; the exact
(Garwood 1936) confidence interval is given beside it. Rate ratios between eras and the share of
use-of-force events that are fatal (Beta(f + 1/2, k - f + 1/2)) come from 200,000 posterior
draws with a fixed seed.

**What the rate does not cover.** A war between Russia and NATO: no such war is in the sample,
so nothing here estimates its probability; the events are incidents, clashes and shoot-downs
below that level. Nor the years after 2014, nor disputes with NATO partners (Ukraine, Georgia),
nor states before they joined NATO.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from accord.fits import DataSample, Estimate, FitResult

#: Years Russia fought a war as a primary party, 1992-2013 (UCDP intensity 2, conflict 401).
RUSSIA_AT_WAR_1992_2013 = (1995, 1996, 1999, 2000, 2002, 2004)
#: Era name -> the years (of dispute start) it covers.
ERAS: dict[str, tuple[int, ...]] = {
    "cold_war": tuple(range(1949, 1992)),
    "post_cold_war": tuple(range(1992, 2014)),
    "war_in_ukraine_2014": (2014,),
    "russia_at_war_1992_2013": RUSSIA_AT_WAR_1992_2013,
    "russia_not_at_war_1992_2013": tuple(
        y for y in range(1992, 2014) if y not in RUSSIA_AT_WAR_1992_2013
    ),
}
LEVELS = ("use_of_force", "fatal")
JEFFREYS = (0.5, 0.0)  # Gamma(shape, rate) prior on a Poisson rate
DRAWS = 200_000
DRAW_SEED = 20_250_302


def disputes(frame=None):
    """One row per dispute between Russia/USSR and NATO members (members at its start).

    Returns a pandas DataFrame ``dispnum, year, use_of_force, fatal, fatality_unknown,
    nato_states`` (booleans for the two event levels).
    """
    if frame is None:
        from accord.data import load

        frame = load("mid_russia_nato").frame
    members = frame.loc[frame["nato_member_at_dispute_start"] == 1].copy()
    highest = np.maximum(members["rus_hostlev"], members["nato_hostlev"])
    members["use_of_force"] = highest >= 4
    members["display_or_more"] = highest >= 3
    members["fatal"] = (members["rus_fatality"].fillna(0) >= 1) | (
        members["nato_fatality"].fillna(0) >= 1
    )
    members["fatality_unknown"] = members["rus_fatality"].isna() | members["nato_fatality"].isna()
    grouped = members.groupby("dispnum")
    out = grouped.agg(
        year=("dispute_start_year", "first"),
        use_of_force=("use_of_force", "any"),
        fatal=("fatal", "any"),
        fatality_unknown=("fatality_unknown", "any"),
        display_or_more=("display_or_more", "any"),
    )
    out["nato_states"] = grouped["stabb_nato"].agg(lambda s: " ".join(sorted(set(s))))
    return out.reset_index()


def era_counts(table=None) -> dict[str, dict[str, int]]:
    """Events per era and level, with the era's length in years (``years``)."""
    table = disputes() if table is None else table
    counts = {}
    for era, years in ERAS.items():
        rows = table[table["year"].isin(years)]
        counts[era] = {
            "years": len(years),
            "disputes": len(rows),
            **{level: int(rows[level].sum()) for level in LEVELS},
            "fatality_unknown": int(rows["fatality_unknown"].sum()),
        }
    return counts


def rate_interval(events: int, years: float, level: float = 0.95) -> tuple[float, float, float]:
    """Posterior median and equal-tailed interval of a Poisson rate (Jeffreys prior)."""
    from scipy.stats import gamma

    shape, scale = events + JEFFREYS[0], 1.0 / (years + JEFFREYS[1])
    tail = (1.0 - level) / 2.0
    low, median, high = gamma.ppf([tail, 0.5, 1.0 - tail], shape, scale=scale)
    return float(median), float(low), float(high)


def garwood_interval(events: int, years: float, level: float = 0.95) -> tuple[float, float]:
    """Exact Poisson confidence interval of a rate (Garwood 1936), via the chi-square."""
    from scipy.stats import chi2

    tail = (1.0 - level) / 2.0
    low = 0.0 if events == 0 else chi2.ppf(tail, 2 * events) / 2.0
    high = chi2.ppf(1.0 - tail, 2 * events + 2) / 2.0
    return float(low / years), float(high / years)


def rate_draws(events: int, years: float, rng: np.random.Generator, n: int = DRAWS) -> np.ndarray:
    """Posterior draws of a yearly rate (Gamma(k + 1/2, T))."""
    return rng.gamma(events + JEFFREYS[0], 1.0 / (years + JEFFREYS[1]), size=n)


def _quantiles(name: str, values: np.ndarray, unit: str, note: str) -> Estimate:
    low, median, high = np.quantile(values, [0.025, 0.5, 0.975])
    return Estimate(name, float(median), float(low), float(high), unit, note)


def split_sample_check(table=None, level: str = "use_of_force") -> dict[str, object]:
    """Out of sample: the 1992-2002 rate predicts the 2003-2013 count (Gamma-Poisson predictive).

    Returns the observed count, the predictive 95 % interval and whether it covers the count.
    """
    from scipy.stats import nbinom

    table = disputes() if table is None else table
    train = table[(table["year"] >= 1992) & (table["year"] <= 2002)]
    test = table[(table["year"] >= 2003) & (table["year"] <= 2013)]
    k, t_train, t_test = int(train[level].sum()), 11.0, 11.0
    # Gamma(k + 1/2, t_train) posterior -> negative binomial predictive for t_test years.
    shape, p = k + JEFFREYS[0], t_train / (t_train + t_test)
    low, high = nbinom.ppf([0.025, 0.975], shape, p)
    observed = int(test[level].sum())
    return {
        "train": "1992-2002",
        "test": "2003-2013",
        "train_events": k,
        "observed": observed,
        "predictive_95": [int(low), int(high)],
        "covered": bool(low <= observed <= high),
    }


INCIDENTS_FILE = "russia_nato_incidents_2015_2025.csv"
#: The shipped incident record (kept outside ``data/tables``: built for accord, not a copy).
INCIDENTS_PATH = Path(__file__).resolve().parents[1] / "data" / "incidents" / INCIDENTS_FILE
INCIDENT_COLUMNS = (
    "date",
    "nato_state",
    "description",
    "hostility_level",
    "fatal",
    "dispute",
    "source_url",
    "source_date",
)
INCIDENT_YEARS = (2015, 2025)
#: The levels of the 2015-2025 check: column of :func:`disputes` -> what it counts.
CHECK_LEVELS = {
    "display_or_more": "MID hostility level 3-5 (display of force or more)",
    "use_of_force": "MID hostility level 4-5 (use of force)",
    "fatal": "a Russian or NATO-state death",
}
PREDICTIVE_LEVEL = 0.95


def _refuse(path, message: str, line: int, field: str, found) -> None:
    from accord.spec.errors import ScenarioError

    raise ScenarioError(str(path), message, line=line, field=field, found=found)


def load_incidents(path=None):
    """The sourced Russia-NATO incidents of 2015-2025, coded to MID hostility levels.

    Refuses (:class:`accord.spec.errors.ScenarioError`, one line naming file, line and
    field) a row without a date in 2015-2025, without an ``http(s)`` source URL or the
    date (``YYYY-MM`` or ``YYYY-MM-DD``) of the source page, with a hostility level outside
    3-5, a fatal flag other than 0/1 or no dispute label. Returns a DataFrame with ``year``,
    ``display_or_more`` (always true: every row is level 3+), ``use_of_force`` (level 4+)
    and ``fatal`` (bool) added.
    """
    import csv

    import pandas as pd

    from accord.spec.errors import ScenarioError

    path = Path(path) if path else INCIDENTS_PATH
    if not path.is_file():
        raise ScenarioError(str(path), "incident file not found")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in INCIDENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ScenarioError(str(path), "missing column", line=1, field=missing[0])
        rows = []
        for line, row in enumerate(reader, start=2):
            row = {key: (value or "").strip() for key, value in row.items() if key}
            date = pd.to_datetime(row["date"], format="%Y-%m-%d", errors="coerce")
            if pd.isna(date) or not INCIDENT_YEARS[0] <= date.year <= INCIDENT_YEARS[1]:
                _refuse(path, "needs a date YYYY-MM-DD in 2015-2025", line, "date", row["date"])
            if not row["source_url"].startswith(("http://", "https://")):
                _refuse(path, "needs a public source URL", line, "source_url", row["source_url"])
            page = row["source_date"]
            if pd.isna(pd.to_datetime(page, format="%Y-%m-%d", errors="coerce")) and pd.isna(
                pd.to_datetime(page, format="%Y-%m", errors="coerce")
            ):
                _refuse(path, "needs the source page's date", line, "source_date", page)
            if row["hostility_level"] not in ("3", "4", "5"):
                _refuse(
                    path,
                    "MID hostility level must be 3, 4 or 5",
                    line,
                    "hostility_level",
                    row["hostility_level"],
                )
            if row["fatal"] not in ("0", "1"):
                _refuse(path, "fatal must be 0 or 1", line, "fatal", row["fatal"])
            if not row["dispute"]:
                _refuse(path, "needs a dispute label", line, "dispute", row["dispute"])
            rows.append(
                {
                    **row,
                    "date": date,
                    "year": int(date.year),
                    "hostility_level": int(row["hostility_level"]),
                    "fatal": row["fatal"] == "1",
                }
            )
    if not rows:
        raise ScenarioError(str(path), "no incidents: an empty sample has no count")
    frame = pd.DataFrame(rows)
    frame["display_or_more"] = frame["hostility_level"] >= 3
    frame["use_of_force"] = frame["hostility_level"] >= 4
    return frame


def incident_disputes(incidents):
    """The incidents grouped into disputes (``dispute`` label), as MID counts them.

    A dispute's year is that of its first incident, its levels the highest of its
    incidents (``any`` for each level flag).
    """
    grouped = incidents.groupby("dispute", sort=True)
    out = grouped.agg(
        year=("year", "min"),
        incidents=("date", "size"),
        **{level: (level, "any") for level in CHECK_LEVELS},
    )
    return out.reset_index()


def predictive_interval(
    events: int, years_fitted: float, years_ahead: float, level: float = PREDICTIVE_LEVEL
) -> tuple[int, int]:
    """Equal-tailed predictive interval of the count in ``years_ahead`` years.

    With k events in T years and the Jeffreys prior the rate is Gamma(k + 1/2, T); the
    count in S further years is then negative binomial with r = k + 1/2 and success
    probability p = T / (T + S) (Gelman et al. 2013, sect. 2.6).
    """
    from scipy.stats import nbinom

    tail = (1.0 - level) / 2.0
    shape, p = events + JEFFREYS[0], years_fitted / (years_fitted + years_ahead)
    low, high = nbinom.ppf([tail, 1.0 - tail], shape, p)
    return int(low), int(high)


#: The years of 2015-2025 at war in the engine's sense (the full-scale war from 2022), in
#: which the engine multiplies the base rate by the 2014 ratio: base x ratio is the 2014 rate.
WAR_YEARS_2015_2025 = (2022, 2023, 2024, 2025)
WAR_ERA = "war_in_ukraine_2014"


def predictive_interval_sum(
    parts: list[tuple[float, float, float]], level: float = PREDICTIVE_LEVEL
) -> tuple[int, int]:
    """Equal-tailed interval of a sum of independent negative-binomial predictive counts.

    Each part is ``(events, years_fitted, years_ahead)`` as in :func:`predictive_interval`;
    the pmf of the sum is the exact convolution of the parts' pmfs (each cut where its upper
    tail is below 1e-12).
    """
    from scipy.stats import nbinom

    tail = (1.0 - level) / 2.0
    total = np.ones(1)
    for events, fitted, ahead in parts:
        shape, p = events + JEFFREYS[0], fitted / (fitted + ahead)
        top = int(nbinom.isf(1e-12, shape, p)) + 1
        total = np.convolve(total, nbinom.pmf(np.arange(top + 1), shape, p))
    cdf = np.cumsum(total)
    low, high = np.searchsorted(cdf, [tail, 1.0 - tail - 1e-12])
    return int(low), int(high)


def incidents_check(
    table=None, incidents=None, level: str = "use_of_force", era: str = "post_cold_war"
) -> dict[str, object]:
    """Out of sample: the MID rate of ``era`` (all before 2015) predicts the 2015-2025 count.

    The negative-binomial (Gamma-Poisson) 95 % predictive interval for the 11 years,
    against the disputes of the sourced incident file (incidents grouped as MID groups
    them); the incidents and their count by year are reported beside it. The file holds
    only incidents we could source, so its counts are lower bounds of the true ones.
    """
    table = disputes() if table is None else table
    incidents = load_incidents() if incidents is None else incidents
    if level not in CHECK_LEVELS:
        raise ValueError(f"level {level!r} is not one of {sorted(CHECK_LEVELS)}")
    years = ERAS[era]
    if max(years) >= INCIDENT_YEARS[0]:
        raise ValueError(f"era {era!r} reaches the test years")
    train = table[table["year"].isin(years)]
    k = int(train[level].sum())
    t_train, t_test = float(len(years)), float(INCIDENT_YEARS[1] - INCIDENT_YEARS[0] + 1)
    low, high = predictive_interval(k, t_train, t_test)
    grouped = incident_disputes(incidents)
    observed = int(grouped[level].sum())
    rows = incidents[incidents[level]]
    by_year = {int(y): int(n) for y, n in rows.groupby("year").size().items()}
    verdict = "below" if observed < low else "above" if observed > high else "inside"
    # The engine's own rates: the base rate in peace years, the 2014 rate in war years.
    k_war, t_war = int(table[table["year"].isin(ERAS[WAR_ERA])][level].sum()), len(ERAS[WAR_ERA])
    n_war = float(len(WAR_YEARS_2015_2025))
    war_low, war_high = predictive_interval_sum(
        [(k, t_train, t_test - n_war), (k_war, float(t_war), n_war)]
    )
    war_verdict = "below" if observed < war_low else "above" if observed > war_high else "inside"
    return {
        "level": level,
        "counts": CHECK_LEVELS[level],
        "train": f"MID {min(years)}-{max(years)}",
        "train_events": k,
        "train_years": int(t_train),
        "test": f"{INCIDENT_YEARS[0]}-{INCIDENT_YEARS[1]}",
        "predictive": "negative binomial (Gamma-Poisson, Jeffreys prior)",
        "predictive_95": [low, high],
        "observed_disputes_at_least": observed,
        "observed_incidents_at_least": int(len(rows)),
        "incidents_by_year": by_year,
        "observed_below_interval": observed < low,
        "observed_above_interval": observed > high,
        "verdict": verdict,
        "with_war_multiplier": {
            "war_years": list(WAR_YEARS_2015_2025),
            "war_rate_from": f"MID {min(ERAS[WAR_ERA])} ({k_war} in {t_war} year)",
            "predictive_95": [war_low, war_high],
            "verdict": war_verdict,
        },
    }


def check_line(check: dict) -> str:
    """One printed line of the 2015-2025 check."""
    low, high = check["predictive_95"]
    war = check["with_war_multiplier"]
    return (
        f"{check['observed_disputes_at_least']} sourced disputes "
        f"({check['observed_incidents_at_least']} incidents) of {check['counts']} in "
        f"{check['test']}, against {low}-{high} (95 % {check['predictive']} predictive "
        f"from {check['train_events']} in {check['train_years']} years, {check['train']}): "
        f"{check['verdict']}; with the engine's war multiplier in "
        f"{war['war_years'][0]}-{war['war_years'][-1]}: {war['predictive_95'][0]}-"
        f"{war['predictive_95'][1]}, {war['verdict']}"
    )


def fit() -> FitResult:
    """Fit the Russia-NATO escalation base rates (``accord fit escalation``)."""
    table = disputes()
    counts = era_counts(table)
    rng = np.random.default_rng(DRAW_SEED)
    estimates: list[Estimate] = []
    draws: dict[tuple[str, str], np.ndarray] = {}
    for level in LEVELS:
        for era, c in counts.items():
            median, low, high = rate_interval(c[level], c["years"])
            estimates.append(
                Estimate(
                    f"rate_{level}_{era}",
                    median,
                    low,
                    high,
                    "events per year",
                    f"{c[level]} events in {c['years']} years",
                )
            )
            draws[(level, era)] = rate_draws(c[level], c["years"], rng)
    for level in LEVELS:
        base = draws[(level, "post_cold_war")]
        estimates.append(
            _quantiles(
                f"log_rr_{level}_war_in_ukraine_2014_vs_post_cold_war",
                np.log(draws[(level, "war_in_ukraine_2014")] / base),
                "log rate ratio",
                "Russia at war in Ukraine (2014) against 1992-2013",
            )
        )
        estimates.append(
            _quantiles(
                f"log_rr_{level}_cold_war_vs_post_cold_war",
                np.log(draws[(level, "cold_war")] / base),
                "log rate ratio",
                "blocs' forces in contact (Cold War) against 1992-2013",
            )
        )
        estimates.append(
            _quantiles(
                f"log_rr_{level}_russia_at_war_vs_not_1992_2013",
                np.log(
                    draws[(level, "russia_at_war_1992_2013")]
                    / draws[(level, "russia_not_at_war_1992_2013")]
                ),
                "log rate ratio",
                "years Russia fought the Chechen wars against its other years, 1992-2013",
            )
        )
    force_all = int(table["use_of_force"].sum())
    fatal_with_force = int((table["fatal"] & table["use_of_force"]).sum())
    share = rng.beta(fatal_with_force + 0.5, force_all - fatal_with_force + 0.5, size=DRAWS)
    estimates.append(
        _quantiles(
            "fatal_share_of_use_of_force",
            share,
            "probability",
            f"{fatal_with_force} of {force_all} use-of-force disputes 1949-2014 were fatal",
        )
    )
    incidents = load_incidents()
    checks = {level: incidents_check(table, incidents, level) for level in CHECK_LEVELS}
    statistics = {
        "counts_by_era": counts,
        "garwood_95_per_year": {
            f"{level}_{era}": [round(x, 4) for x in garwood_interval(c[level], c["years"])]
            for level in LEVELS
            for era, c in counts.items()
        },
        "disputes_1949_2014": len(table[(table["year"] >= 1949)]),
        "fatal_not_use_of_force": int((table["fatal"] & ~table["use_of_force"]).sum()),
        "out_of_sample": split_sample_check(table),
        "out_of_sample_2015_2025": checks,
        **{f"check_2015_2025_{level}": check_line(c) for level, c in checks.items()},
        "prior": "Jeffreys Gamma(1/2, 0) on each yearly rate; Beta(1/2, 1/2) on the fatal share",
    }
    return FitResult(
        model="escalation",
        description=(
            "Russia/USSR vs NATO-member militarized disputes per year: use of force "
            "(hostility level >= 4) and fatal (a Russian or NATO-state death), by era"
        ),
        method="Poisson rates with Jeffreys prior (Gamma posterior), Garwood exact intervals",
        library="numpy + scipy.stats",
        data=DataSample(
            source="mid_russia_nato_dyads.csv (COW MID 5.0)",
            n=len(table),
            years=(1949, 2014),
            description="disputes with Russia/USSR and a NATO member on opposite sides",
        ),
        estimates=tuple(estimates),
        interval="95 % credible interval (posterior quantiles)",
        statistics=statistics,
        notes=(
            "Not covered: a Russia-NATO war, which is not in the sample (none happened); years "
            "after 2014 (MID 5.0 ends in 2014, so the full-scale war from 2022 is not in the "
            "data); disputes with non-members such as Ukraine.",
            "2015-2025 is checked out of sample only (check_2015_2025_*): the sourced incident "
            "record (data/incidents, docs/data.md) is incomplete, so its counts are lower "
            "bounds; an observed count inside the interval does not confirm the rate, one above "
            "it would reject it.",
            "MID hostility and fatality levels are a state's levels in the whole dispute, not "
            "toward one opponent.",
            "The 2014 era is one year: its rate rests on 2 disputes and its interval is wide.",
        ),
    )
