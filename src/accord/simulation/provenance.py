"""What a report shows about a simulation's inputs: every number with its range and source."""

from __future__ import annotations

from typing import Any

from accord.scenario.simulation import SimulationSpec
from accord.spec.sourced import SourcedNumber


def _value(figure: SourcedNumber) -> str:
    unit = f" {figure.unit}" if figure.unit else ""
    low, high = figure.bounds
    span = f" [{low:g}, {high:g}]" if high > low else ""
    return f"{figure.point:g}{span}{unit}"


def provenance_rows(spec: SimulationSpec) -> list[dict[str, str]]:
    """Rows ``item, value, source`` for every sourced number of the simulation section."""
    rows = [
        {
            "item": "front at start (% held by Ukraine)",
            "value": _value(spec.front_start_pct),
            "source": spec.front_start_pct.source,
        },
        {
            "item": "US$ per EUR",
            "value": _value(spec.usd_per_eur),
            "source": spec.usd_per_eur.source,
        },
    ]
    for belligerent in spec.belligerents:
        figure = belligerent.monthly_military_spending_usd_bn
        rows.append(
            {
                "item": f"{belligerent.name}: military spending",
                "value": _value(figure),
                "source": figure.source,
            }
        )
    for group, figure in spec.support_start.items():
        rows.append(
            {
                "item": f"support for aid at start, {group}",
                "value": _value(figure),
                "source": figure.source,
            }
        )
    for issue in spec.issues:
        rows.append(
            {
                "item": f"terms shift per front point: {issue.name}",
                "value": _value(issue.front_shift),
                "source": issue.front_shift.source,
            }
        )
    if spec.sidelined_weight is not None:
        rows.append(
            {
                "item": "weight of sidelined actors in US-Russia talks",
                "value": _value(spec.sidelined_weight),
                "source": spec.sidelined_weight.source,
            }
        )
    for donor in spec.donors:
        rows.append(
            {
                "item": f"aid per month: {donor.name} ({donor.group})",
                "value": _value(donor.monthly_aid_eur_bn),
                "source": donor.monthly_aid_eur_bn.source,
            }
        )
    for ally in spec.allies:
        rows.append(
            {
                "item": f"defence spending 2024: {ally.name}",
                "value": _value(ally.defence_usd_bn),
                "source": ally.defence_usd_bn.source,
            }
        )
    return rows


def scenario_info(scenario: Any, spec: SimulationSpec) -> dict[str, Any]:
    """The ``scenario_info`` mapping for :func:`accord.report.build_report`."""
    uncertainties = []
    for u in spec.uncertainties:
        if u.distribution == "choice":
            span = ", ".join(map(str, u.values or ()))
        elif u.distribution == "constant":
            span = f"{u.point:g} (constant)"
        else:
            span = f"{u.low:g} to {u.high:g}"
            if u.mode is not None:
                span += f" (mode {u.mode:g})"
        uncertainties.append(
            {
                "name": u.name,
                "distribution": u.distribution,
                "range": span,
                "description": u.description,
                "source": u.source,
            }
        )
    levers = [
        {
            "name": lever.name,
            "options": [str(option) for option in lever.options],
            "default": str(lever.default),
            "description": lever.description,
            "source": lever.source,
        }
        for lever in spec.levers
    ]
    notes = [
        f"{name}: {variant.description} (source: {variant.source})"
        for name, variant in spec.variants.items()
    ]
    metadata = getattr(scenario, "scenario", None)
    return {
        "name": getattr(scenario, "name", "simulation"),
        "description": getattr(metadata, "description", ""),
        "start": spec.start.isoformat(),
        "horizon_months": spec.horizon_months,
        "provenance": provenance_rows(spec),
        "uncertainties": uncertainties,
        "levers": levers,
        "notes": notes,
    }
