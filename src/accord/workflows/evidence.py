"""The evidence behind the engine's durability and escalation inputs, for reports.

:func:`report_evidence` returns plain rows: each fitted effect with its interval next to the
data it came from (``accord fit durability``, ``accord fit escalation``), and the flagship
answers recorded before the engine used these fits, so a report can set its own answers beside
them.
"""

from __future__ import annotations

from typing import Any

#: The flagship's answers before the engine used the interstate and MID fits: main at 2b3752e,
#: ``ukraine-2025``, 2,000 design points per variant, seed 20250301 (docs/models/durability.md
#: and docs/models/escalation.md). Escalation events were then undefined judgement-range events.
BEFORE: dict[str, dict[str, float]] = {
    "baseline": {"peace_holds_5y": 0.761, "escalation_events_per_10y": 1.20},
    "coalition-of-the-willing": {"peace_holds_5y": 0.856, "escalation_events_per_10y": 2.91},
}
BEFORE_SOURCE = (
    "recorded before this change: ukraine-2025 on main 2b3752e, 2,000 design "
    "points per variant, seed 20250301; 'escalation events' were then undefined"
)


def _interval(estimate: Any, digits: int = 3) -> str:
    return f"{estimate.value:.{digits}g} ({estimate.low:.{digits}g} to {estimate.high:.{digits}g})"


def durability_rows() -> list[dict[str, str]]:
    """Fitted durability effects (95 % intervals) beside the UCDP episodes behind each."""
    from accord.fits import durability

    result = durability.fit(checks=False)
    episodes = durability.interstate_episodes()
    by_ending = result.statistics["by_ending"]
    rows = []
    for ending in durability.ENDING_ORDER:
        counts = by_ending[ending]
        data = (
            f"{counts['episodes']} interstate episodes ended by {ending.replace('_', ' ')}; "
            f"{counts['recurred_within_5y']} of {counts['followed_5y']} followed for 5 years "
            f"resumed within 5 years (model: {counts['model_implied_within_5y']:g})"
        )
        rows.append(
            {
                "effect": f"P(war resumes within 5 years), {ending.replace('_', ' ')}",
                "estimate": _interval(result.estimate(f"p_recur_5y_{ending}"), 2),
                "data": data,
            }
        )
        if ending != durability.REFERENCE_ENDING:
            rows.append(
                {
                    "effect": f"log hazard ratio, {ending.replace('_', ' ')} vs low activity",
                    "estimate": _interval(result.estimate(f"log_hr_{ending}"), 2),
                    "data": f"{counts['episodes']} vs {by_ending['low_activity']['episodes']}"
                    " episodes",
                }
            )
    for provision in durability.PROVISIONS:
        has = episodes[episodes[provision] == 1]
        rows.append(
            {
                "effect": f"log hazard ratio, {provision.replace('_', ' ')} recorded",
                "estimate": _interval(result.estimate(f"log_hr_{provision}"), 2),
                "data": f"{len(has)} episode(s) with it ({', '.join(has['end_date'])}); "
                f"{int(has['recurred'].sum())} resumed",
            }
        )
    return rows


def escalation_rows() -> list[dict[str, str]]:
    """Fitted Russia-NATO dispute rates and ratios (95 % intervals) beside the MID counts."""
    from accord.fits import escalation

    result = escalation.fit()
    counts = result.statistics["counts_by_era"]
    rows = []
    for level in escalation.LEVELS:
        for era, c in counts.items():
            rows.append(
                {
                    "effect": f"{level.replace('_', ' ')} disputes per year, "
                    f"{era.replace('_', ' ')}",
                    "estimate": _interval(result.estimate(f"rate_{level}_{era}"), 2),
                    "data": f"{c[level]} dispute(s) in {c['years']} year(s)",
                }
            )
    for name, data in (
        (
            "log_rr_use_of_force_war_in_ukraine_2014_vs_post_cold_war",
            "2014 (1 year) against 1992-2013 (22 years): the engine's war effect",
        ),
        (
            "log_rr_use_of_force_cold_war_vs_post_cold_war",
            "1949-1991 against 1992-2013: the engine's force effect, by analogy",
        ),
        ("fatal_share_of_use_of_force", "fatal among use-of-force disputes, 1949-2014"),
    ):
        rows.append(
            {
                "effect": name.replace("_", " "),
                "estimate": _interval(result.estimate(name), 2),
                "data": data,
            }
        )
    return rows


#: European allies' defence, % of GDP at the horizon's end (median), before the engine used
#: the estimated demand model (issue 13): main at 03c946b, ukraine-2025, 400 design points
#: per variant, seed 1 (docs/models/burden.md, "What moved in the coupled simulation").
BEFORE_DEFENCE: dict[str, float] = {
    "baseline": 2.07,
    "us-2024-pace": 2.07,
    "europe-steps-up": 3.46,
    "normalization": 3.46,
    "coalition-of-the-willing": 2.07,
}


BEFORE_DEFENCE_SOURCE = (
    "European defence before: the calibrated joint-product game, "
    "ukraine-2025 on main 03c946b, 400 design points per variant, seed 1"
)


def burden_rows() -> list[dict[str, str]]:
    """The estimated demand model, its backtest and the 2025 aid check, beside their data."""
    from accord.fits import burden_demand
    from accord.workflows import burden_runs

    fit = burden_demand.fit(draws=1000)
    years = fit.data.years
    assert years is not None, "the demand fit records the years of its panel"
    data = f"SIPRI panel, {fit.data.n} ally-years {years[0]}-{years[1]}"
    rows = [
        {"effect": e.note or e.name, "estimate": _interval(e, 2), "data": data}
        for e in fit.estimates
        if e.low is not None
        and e.name in ("lag", "income", "spill_in", "threat", "threat_frontline", "long_run_income")
    ]
    test = burden_runs.backtest(2019).summary
    rows.append(
        {
            "effect": "backtest, mean absolute error of share of GDP (pp), 2020-2024",
            "estimate": f"{test['model_mae']:.3f}",
            "data": f"persistence {test['persistence_mae']:.3f}, calibrated joint-product "
            f"{test['joint_product_mae']:.3f}; {test['n_allies']} allies, trained "
            "on 1993-2019",
        }
    )
    from accord.fits.burden_backtest import chosen_face_model, verdict_line
    from accord.workflows.burden_aid_donor import fit as donor_fit
    from accord.workflows.burden_aid_donor import theta_range

    rows.insert(
        0,
        {
            "effect": "model used for the allies' defence (engine, equilibrium, report)",
            "estimate": chosen_face_model(),
            "data": f"burden_verdict table: {verdict_line()}",
        },
    )
    rows[1:1] = answer_rows()
    donor = donor_fit("total")
    p = donor["predicted_replacement_pct"]
    theta = theta_range("total")
    rows.append(
        {
            "effect": "European replacement of a US aid stop, donor-level fit (total; "
            "the engine's aid theta)",
            "estimate": f"{p['value']:.1f} % ({p['low']:.1f} to {p['high']:.1f}); theta "
            f"{theta['low']:g}-{theta['high']:g}",
            "data": f"Kiel R27 by donor and month, Feb 2022 - Dec 2024; observed 2025 "
            f"{donor['observed_replacement_pct']:.1f} % (Kiel R28): out of "
            f"sample the fit misses",
        }
    )
    check = burden_runs.aid_check(draws=500).per_actor.set_index("measure")
    for measure in ("total", "military"):
        c = check.loc[measure]
        rows.append(
            {
                "effect": f"European replacement of the 2025 US aid stop, {measure}",
                "estimate": f"{c['fitted_europe_replaced_pct']:.0f} % (fitted on 2022-24); "
                f"{c['calibrated_europe_replaced_pct']:.0f} % (theta 0.5-1)",
                "data": f"observed {c['observed_europe_replaced_pct']:.1f} % (Kiel R28: US "
                f"{c['us_before_eur_bn']:.1f} -> {c['us_after_eur_bn']:.1f} bn, "
                f"Europe {c['europe_before_eur_bn']:.1f} -> "
                f"{c['europe_after_eur_bn']:.1f} bn)",
            }
        )
    return rows


def answer_rows() -> list[dict[str, str]]:
    """The answer of `accord burden equilibrium --us-cut 0.5` (``burden_answer``, the same
    lines the dashboard's Burden page prints): Europe's total with the model used, its gaps,
    the backtest score, the data vintage, each ally's gaps and what the data can tell."""
    from accord.workflows.burden_answer import HEADLINE_US_CUT, ally_gaps_line, answer, answer_lines

    found = answer(HEADLINE_US_CUT)
    total, gaps, backtest, vintage, sentence = answer_lines(found)
    slash = " / ".join(f"{t:g}" for t in found["targets_pct_gdp"])
    return [
        {"effect": "the answer: European allies' defence", "estimate": total, "data": vintage},
        {"effect": f"European allies' gap to {slash} % of GDP", "estimate": gaps, "data": backtest},
        {
            "effect": f"each ally's gap to {slash} % of GDP (pp)",
            "estimate": ally_gaps_line(found),
            "data": vintage,
        },
        {"effect": "what the data can and cannot tell", "estimate": sentence, "data": backtest},
    ]


def burden_model_note() -> str:
    """Why European defence does not move where a variant's name promises it (issue 20)."""
    from accord.fits.burden_backtest import chosen_face_model

    if chosen_face_model() != "persistence":
        return ""
    return (
        "European defence in every variant comes from persistence, the rolling backtest's "
        "choice (no specification forecasts the allies' shares better out of sample): a "
        "backseat US moves no ally, so a variant such as europe-steps-up, whose name "
        "promises a rise, changes European defence only where a floor "
        "(defence_floor_pct) binds; its step-up is in aid"
    )


def report_evidence() -> dict[str, Any]:
    """Rows for a report's evidence section (a few seconds: no leave-one-out checks)."""
    return {
        "durability": durability_rows(),
        "escalation": escalation_rows(),
        "before": BEFORE,
        "before_source": BEFORE_SOURCE,
        "burden": burden_rows(),
        "before_defence": BEFORE_DEFENCE,
        "burden_model_note": burden_model_note(),
        "before_defence_source": BEFORE_DEFENCE_SOURCE,
    }
