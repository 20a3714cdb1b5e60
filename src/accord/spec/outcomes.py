"""The outcome registry: every scalar outcome and monthly series of the engine, with its label,
unit and kind, in one place.

The engine takes its list of series from here, each run records the entries of its outcomes
in ``meta.json`` (``outcomes``), and the report and the dashboard read labels and units from
there. Units are the engine's: aid in EUR (the Kiel tracker's currency), defence spending in
US$ (NATO's and the scenario's ``*_usd_bn`` figures).

Kinds: ``month`` (a month number from the start, NaN = did not happen within the horizon),
``duration`` (months), ``probability``, ``indicator`` (0/1 per experiment, a share when
averaged), ``position`` (0-100 on an issue's scale), ``amount`` (money), ``percent``,
``count``, ``category`` (a code whose labels the unit lists).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Outcome:
    """One outcome: its column name, a label for people, its unit and its kind."""

    name: str
    label: str
    unit: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _table(*rows: tuple[str, str, str, str]) -> dict[str, Outcome]:
    return {row[0]: Outcome(*row) for row in rows}


#: Scalar outcomes of each experiment (``terms_<issue>`` and ``aid_total_<group>`` are
#: described by :func:`describe` from their suffix).
SCALARS: dict[str, Outcome] = _table(
    ("ceasefire_month", "Month of ceasefire", "months from start", "month"),
    ("war_renewed_month", "Month war resumes", "months from start", "month"),
    ("months_of_peace", "Months of peace", "months", "duration"),
    # Defined for every future (0 without a ceasefire): its mean is a share of all futures.
    (
        "peace_holds_5y",
        "P(peace holds 5 years), all futures (0 without a ceasefire)",
        "probability",
        "probability",
    ),
    (
        "peace_holds_5y_given_ceasefire",
        "P(peace holds 5 years | ceasefire)",
        "probability",
        "probability",
    ),
    ("war_end_month", "Month the war first ends (any way)", "months from start", "month"),
    (
        "war_end_type",
        "How the war first ends",
        "code: 0 ongoing, 1 ceasefire, 2 decision, "
        "3 collapse, 4 freeze (accord.models.war.WAR_END_TYPES)",
        "category",
    ),
    ("aid_total_us", "Aid to Ukraine from the US, whole horizon", "EUR bn", "amount"),
    ("aid_total_europe", "Aid to Ukraine from Europe, whole horizon", "EUR bn", "amount"),
    ("aid_total_other", "Aid to Ukraine from other donors, whole horizon", "EUR bn", "amount"),
    (
        "europe_cost_total",
        "Europe's cost of its Ukraine policy: aid plus the reassurance force, whole horizon",
        "EUR bn",
        "amount",
    ),
    ("europe_defence_pct_gdp_end", "European defence spending at end", "% of GDP", "percent"),
    (
        "escalation_use_of_force_events",
        "Russia-NATO use-of-force disputes (COW MID hostility >= 4; not a Russia-NATO war)",
        "events over horizon",
        "count",
    ),
    (
        "escalation_fatal_events",
        "Russia-NATO fatal disputes (a Russian or NATO-state soldier killed)",
        "events over horizon",
        "count",
    ),
    (
        "front_end",
        "Front at the end of the horizon",
        "% of pre-2014 territory held by Ukraine",
        "percent",
    ),
)

#: Monthly series of each experiment, in the engine's order (the one list of series).
SERIES: dict[str, Outcome] = _table(
    ("at_war", "Share of futures at war", "share", "indicator"),
    ("front", "Front: Ukrainian control of pre-2014 territory", "%", "percent"),
    ("aid_us", "US aid to Ukraine", "EUR bn per month", "amount"),
    ("aid_europe", "European aid to Ukraine", "EUR bn per month", "amount"),
    ("support_us", "US public support for aid", "%", "percent"),
    ("support_europe", "European public support for aid", "%", "percent"),
    (
        "escalation_risk",
        "Monthly probability of a Russia-NATO use-of-force dispute",
        "probability per month",
        "probability",
    ),
    ("europe_defence_spending", "European defence spending", "US$ bn per year", "amount"),
)

#: Outcomes derived per experiment from the scalars (see :func:`with_derived`).
DERIVED: dict[str, Outcome] = _table(
    ("ceasefire_reached", "Ceasefire within the horizon", "share of futures", "indicator"),
)

REGISTRY: dict[str, Outcome] = {**SCALARS, **SERIES, **DERIVED}

#: Outcomes where NaN means "did not happen within the horizon" (kind ``month``): a figure of
#: their distribution keeps the experiments without a value in its denominator.
NAN_MEANS_NEVER: frozenset[str] = frozenset(
    name for name, entry in REGISTRY.items() if entry.kind == "month"
)

#: The scalar after which the engine puts one ``terms_<issue>`` column per issue.
_TERMS_AFTER = "war_end_type"


def scalar_names(issue_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Names of the engine's scalar outcomes, in column order (contract 5): the registry's
    :data:`SCALARS` in their order, with ``terms_<issue>`` after ``war_end_type``."""
    names = list(SCALARS)
    cut = names.index(_TERMS_AFTER) + 1
    return names[:cut] + [f"terms_{issue}" for issue in issue_ids] + names[cut:]


def outcome(name: str) -> Outcome:
    """The registry entry of ``name``; ``terms_<issue>`` and ``aid_total_<donor>`` are made
    from their suffix, an unknown name gets its own name as label and no unit."""
    if name in REGISTRY:
        return REGISTRY[name]
    if name.startswith("terms_"):
        return Outcome(name, f"Settlement terms: {name[6:]}", "position 0-100", "position")
    if name.startswith("aid_total_"):
        donor = name[10:]
        donor = donor.upper() if len(donor) <= 3 else donor.replace("_", " ").title()
        return Outcome(name, f"Aid to Ukraine from {donor}, whole horizon", "EUR bn", "amount")
    return Outcome(name, name.replace("_", " "), "", "")


def describe(name: str) -> dict[str, str]:
    """``{"name", "label", "unit", "kind"}`` of an outcome (as stored in a run's meta)."""
    return outcome(name).to_dict()


def is_outcome(name: str) -> bool:
    """True for a known outcome or series (or a ``terms_``/``aid_total_`` column)."""
    return name in REGISTRY or name.startswith(("terms_", "aid_total_"))


def with_derived(scalars: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``scalars`` with the derived outcome ``ceasefire_reached`` (0/1) added.

    ``peace_holds_5y`` is defined for every future (0 without a ceasefire); runs made before
    that had NaN there, which is read as 0 here."""
    out = scalars.copy()
    if "ceasefire_month" in out:
        out["ceasefire_reached"] = out["ceasefire_month"].notna().astype(float)
    if "peace_holds_5y" in out:
        out["peace_holds_5y"] = out["peace_holds_5y"].astype(float).fillna(0.0)
    return out
