"""The ``simulation`` section of a scenario: what the coupled monthly engine needs.

A :class:`SimulationSpec` holds the belligerents' capacities, the donors and their aid,
the allies' defence spending, the negotiated issues whose terms the engine reports, the
uncertainties and levers of the experiments and the named variants. Every number is a
:class:`~accord.spec.sourced.SourcedNumber` with a ``source`` (an article title and
sentence, a dataset row) or "analyst judgement: <reason>", and a range.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from accord.experiments.spec import Lever, Uncertainty
from accord.spec.base import SpecModel
from accord.spec.sourced import SourcedNumber


class Belligerent(SpecModel):
    """A warring side and its own monthly military spending (US$ bn, before aid)."""

    id: Literal["russia", "ukraine"]
    name: str
    monthly_military_spending_usd_bn: SourcedNumber


class Donor(SpecModel):
    """A donor of aid to Ukraine (Kiel Ukraine Support Tracker)."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    name: str
    group: Literal["US", "Europe", "Other"]
    monthly_aid_eur_bn: SourcedNumber
    gdp_eur_bn: SourcedNumber


class Ally(SpecModel):
    """A NATO ally's defence spending and GDP (US$ bn, current prices)."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    name: str
    group: Literal["US", "Europe", "Other"]
    defence_usd_bn: SourcedNumber
    gdp_usd_bn: SourcedNumber


class NegotiatedIssue(SpecModel):
    """A negotiated issue whose settlement terms the engine reports.

    ``id`` must be an issue of the scenario. ``front_shift`` is how many points the terms move
    per percentage point of territory Ukraine holds above (or below) the start line.
    """

    id: str = Field(min_length=1)
    name: str
    front_shift: SourcedNumber


class Variant(SpecModel):
    """A named setting of the levers (and overrides of uncertainties).

    ``levers`` maps a lever name to one option (held fixed) or a list of options (crossed).
    ``uncertainties`` maps an uncertainty name to fields that replace its own
    (``low``, ``high``, ``mode``, ``distribution``, ``values``, ``source``).
    """

    description: str
    levers: dict[str, Any] = Field(default_factory=dict)
    uncertainties: dict[str, dict[str, Any]] = Field(default_factory=dict)
    source: str = Field(min_length=3)


#: Signals an adaptive rule may watch: a monthly series of the engine, or the front's change
#: since the start (percentage points of territory; negative when Ukraine loses ground).
ADAPTIVE_SIGNALS = (
    "aid_us",
    "aid_europe",
    "front",
    "front_change",
    "support_us",
    "support_europe",
    "at_war",
)
#: The optional lever whose options name the adaptive rule in force ("none": no rule).
ADAPTIVE_LEVER = "adaptive_rule"


class AdaptiveRule(SpecModel):
    """A lever that acts when a signpost crosses a trigger (issue 25, point 3).

    Each month the engine observes ``signal`` (after the month's step); when it has been
    ``below`` (or ``above``) ``threshold`` for ``months`` consecutive months the rule fires,
    and from the next month on Europe's planned aid is ``europe_aid_factor`` times what the
    aid game gives (the rule stays in force: a commitment, not a month-by-month reaction).
    ``source`` says where the threshold and the factor come from (or "analyst judgement:
    <reason>"). Applied by :mod:`accord.simulation.adaptive`.
    """

    description: str
    signal: Literal[
        "aid_us", "aid_europe", "front", "front_change", "support_us", "support_europe", "at_war"
    ]
    when: Literal["below", "above"]
    threshold: float
    months: int = Field(default=1, ge=1, le=600)
    europe_aid_factor: float = Field(gt=0.0, le=10.0)
    source: str = Field(min_length=3)


class DefenceDemand(SpecModel):
    """The estimated demand for defence that drives the allies' spending in the engine.

    Slopes (lag, income, spill_in, threat, threat_frontline) and their covariance as printed
    by ``accord fit burden-demand`` (``fit`` names it; a test checks they match), the share
    of US spending that protects Europe, and the allies (ids) with frontline status.
    """

    fit: str = Field(min_length=3)
    coefficients: tuple[float, float, float, float, float]
    covariance: tuple[tuple[float, float, float, float, float], ...] = Field(
        min_length=5, max_length=5
    )
    us_share_for_europe: SourcedNumber
    frontline: tuple[str, ...] = ()
    source: str = Field(min_length=3)


class SimulationSpec(SpecModel):
    """Everything the coupled engine reads from a scenario (see ``docs/simulation.md``)."""

    start: date
    #: When the war under way at ``start`` began (its age drives the war-duration hazard).
    war_start: date | None = None
    horizon_months: int = Field(default=120, ge=1, le=600)
    front_start_pct: SourcedNumber
    usd_per_eur: SourcedNumber
    belligerents: tuple[Belligerent, ...] = Field(min_length=2, max_length=2)
    donors: tuple[Donor, ...] = Field(min_length=1)
    allies: tuple[Ally, ...] = Field(min_length=2)
    issues: tuple[NegotiatedIssue, ...] = ()
    terms_model: str = "compromise"
    #: Which fitted durability model the engine uses: "interstate" (accord fit durability, UCDP
    #: interstate terminations; the default) or "civil_war" (Fortna's civil-war ceasefires, the
    #: documented alternative; needs the civil_war_* and log_hr_interstate/peacekeepers ranges).
    durability_evidence: Literal["interstate", "civil_war"] = "interstate"
    sidelined_actors: tuple[str, ...] = ()
    sidelined_weight: SourcedNumber | None = None
    support_start: dict[str, SourcedNumber] = Field(default_factory=dict)
    uncertainties: tuple[Uncertainty, ...] = ()
    levers: tuple[Lever, ...] = ()
    variants: dict[str, Variant] = Field(default_factory=dict)
    #: Estimated demand for defence (issue 13); without it the engine calibrates the
    #: joint-product game to the allies' spending instead.
    defence_demand: DefenceDemand | None = None
    #: Which model gives the allies' defence (issue 20): ``chosen`` reads the rolling
    #: backtest's verdict table (``accord.fits.burden_backtest.chosen_face_model``; persistence
    #: while no specification beats it out of sample), or explicitly ``estimated`` (needs
    #: ``defence_demand``), ``persistence`` (each ally keeps its spending, floors bind) or
    #: ``joint-product``; unset: the estimated model with ``defence_demand``, else the game.
    defence_model: Literal["chosen", "estimated", "persistence", "joint-product"] | None = None
    #: The aid game: "donors" calibrates the joint-product game among every donor;
    #: "europe_group" lets Europe (one player) best respond to the US's and the other
    #: donors' aid, the form fitted and tested on Kiel's yearly allocations (issue 13).
    aid_game: Literal["donors", "europe_group"] = "donors"
    #: Adaptive levers (signpost and trigger), chosen by the optional lever ``adaptive_rule``
    #: whose options are ``none`` and rule names (accord.simulation.adaptive).
    adaptive_rules: dict[str, AdaptiveRule] = Field(default_factory=dict)
    #: What a thousand European troops of the reassurance force cost a year once deployed
    #: (EUR bn); with the aid it makes ``europe_cost_total`` (none: the force is free).
    force_cost_eur_bn_per_thousand_year: SourcedNumber | None = None

    @field_validator("donors", "allies", "issues")
    @classmethod
    def _unique_ids(cls, items: tuple[Any, ...], info: ValidationInfo) -> tuple[Any, ...]:
        # Checked per field (not only in _consistent) so that the error names the list's line.
        ids = [item.id for item in items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            label = {"donors": "donor", "allies": "ally"}.get(info.field_name or "", "issue")
            raise ValueError(f"duplicate {label} names: {duplicates}")
        return items

    @model_validator(mode="after")
    def _consistent(self) -> SimulationSpec:
        if sorted(b.id for b in self.belligerents) != ["russia", "ukraine"]:
            raise ValueError("belligerents must be exactly 'russia' and 'ukraine'")
        for label, ids in (
            ("donor", [d.id for d in self.donors]),
            ("ally", [a.id for a in self.allies]),
            ("issue", [i.id for i in self.issues]),
            (
                "uncertainty/lever",
                [u.name for u in self.uncertainties] + [lever.name for lever in self.levers],
            ),
        ):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label} names: {duplicates}")
        if sum(a.group == "US" for a in self.allies) != 1:
            raise ValueError("allies must include exactly one ally of group 'US'")
        levers = {lever.name: lever for lever in self.levers}
        uncertainties = {u.name for u in self.uncertainties}
        if ADAPTIVE_LEVER in levers:
            unknown = [
                o
                for o in levers[ADAPTIVE_LEVER].options
                if o != "none" and o not in self.adaptive_rules
            ]
            if unknown:
                raise ValueError(
                    f"lever '{ADAPTIVE_LEVER}': options {unknown} are neither "
                    f"'none' nor adaptive rules {sorted(self.adaptive_rules)}"
                )
        for name, variant in self.variants.items():
            for lever_name, setting in variant.levers.items():
                if lever_name not in levers:
                    raise ValueError(f"variant '{name}': unknown lever '{lever_name}'")
                options = setting if isinstance(setting, list) else [setting]
                bad = [o for o in options if o not in levers[lever_name].options]
                if bad or not options:
                    raise ValueError(
                        f"variant '{name}': lever '{lever_name}' option(s) {bad} not in "
                        f"{list(levers[lever_name].options)}"
                    )
            unknown = sorted(set(variant.uncertainties) - uncertainties)
            if unknown:
                raise ValueError(f"variant '{name}': unknown uncertainties {unknown}")
        return self

    @property
    def russia(self) -> Belligerent:
        return next(b for b in self.belligerents if b.id == "russia")

    @property
    def ukraine(self) -> Belligerent:
        return next(b for b in self.belligerents if b.id == "ukraine")

    def variant_inputs(self, variant: str | None) -> tuple[list[Uncertainty], list[Lever]]:
        """Uncertainties and levers of a variant, ready for ``make_design``.

        Levers the variant fixes get that single option; levers it gives a list for are
        crossed over that list; the others keep only their default. ``variant=None`` returns
        the spec's own uncertainties and levers unchanged (every lever crossed).
        """
        if variant is None:
            return list(self.uncertainties), list(self.levers)
        if variant not in self.variants:
            raise KeyError(variant)
        chosen = self.variants[variant]
        uncertainties = []
        for uncertainty in self.uncertainties:
            override = chosen.uncertainties.get(uncertainty.name)
            if override:
                data = uncertainty.model_dump()
                data.update(override)
                uncertainty = Uncertainty.model_validate(data)
            uncertainties.append(uncertainty)
        levers = []
        for lever in self.levers:
            setting = chosen.levers.get(lever.name, lever.default)
            options = tuple(setting) if isinstance(setting, list) else (setting,)
            levers.append(lever.model_copy(update={"options": options, "default": options[0]}))
        return uncertainties, levers
