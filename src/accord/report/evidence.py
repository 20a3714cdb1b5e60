"""Report section: the evidence behind durability and escalation, and how the answers moved.

:func:`evidence_section` turns ``scenario_info["evidence"]`` (built by
:func:`accord.workflows.evidence.report_evidence`) and the runs' scalars into the context of the
``evidence.html.j2`` partial: the fitted effects with their intervals beside the data they come
from, and, per variant, this run's P(peace holds 5 years) and escalation events per 10 years
beside the answers recorded before the engine used the fits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from accord.analysis.formatting import probability


def _mean(table: pd.DataFrame, column: str) -> float | None:
    if column not in table:
        return None
    values = table[column].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def evidence_section(
    evidence: dict[str, Any] | None,
    scalars: dict[str, pd.DataFrame],
    horizon_months: float | None = None,
) -> dict[str, Any] | None:
    """Context of the evidence partial, or ``None`` when no evidence was supplied."""
    if not evidence:
        return None
    per_10y = 120.0 / horizon_months if horizon_months else 1.0
    before = evidence.get("before", {})
    moved = []
    for variant, table in scalars.items():
        # The "before" figures are given a ceasefire: compare like with like.
        holds = _mean(
            table,
            "peace_holds_5y_given_ceasefire"
            if "peace_holds_5y_given_ceasefire" in table
            else "peace_holds_5y",
        )
        events = _mean(table, "escalation_use_of_force_events")
        fatal = _mean(table, "escalation_fatal_events")
        was = before.get(variant, {})
        defence = (
            None
            if "europe_defence_pct_gdp_end" not in table
            else float(np.nanmedian(table["europe_defence_pct_gdp_end"].to_numpy(float)))
        )
        moved.append(
            {
                "defence_before": _fmt(evidence.get("before_defence", {}).get(variant)),
                "defence_after": _fmt(defence),
                "variant": variant,
                "holds_before": probability(was.get("peace_holds_5y")),
                "holds_after": probability(holds),
                "events_before": _fmt(was.get("escalation_events_per_10y")),
                "events_after": _fmt(None if events is None else events * per_10y),
                "fatal_after": _fmt(None if fatal is None else fatal * per_10y),
            }
        )
    return {
        "durability": evidence.get("durability", []),
        "escalation": evidence.get("escalation", []),
        "burden": evidence.get("burden", []),
        "before_defence_source": evidence.get("before_defence_source", ""),
        "burden_model_note": evidence.get("burden_model_note", ""),
        "moved": moved,
        "before_source": evidence.get("before_source", ""),
    }


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"
