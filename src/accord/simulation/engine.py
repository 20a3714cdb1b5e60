"""The coupled monthly engine: compile a scenario's simulation section, run chunks of experiments.

:func:`compile_spec` turns a :class:`~accord.scenario.simulation.SimulationSpec` (and the
scenario's negotiation) into plain arrays once per run; :func:`simulate_chunk` runs one chunk
of the design through the months and returns a :class:`~accord.experiments.spec.ChunkResult`.
Randomness comes only from each experiment's own stream
(:func:`accord.experiments.rng.experiment_draws`), so results depend on neither chunk size nor
executor. See ``docs/simulation.md`` for the model and its assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

import numpy as np
import pandas as pd

from accord.experiments.rng import STREAM_KEYS, experiment_draws
from accord.experiments.spec import ChunkResult
from accord.models import burden, burden_demand, durability, opinion, war
from accord.scenario.simulation import ADAPTIVE_LEVER, SimulationSpec
from accord.simulation.adaptive import AdaptiveRules
from accord.simulation.pages import small_pages
from accord.simulation.state import Inputs, State
from accord.simulation.step import EUROPE, US, step
from accord.spec import outcomes
from accord.spec.errors import ScenarioError
from accord.spec.outcomes import scalar_names

GROUPS = ("US", "Europe", "Other")
TERMS_POOL_SIZE = 256
TERMS_STREAM = STREAM_KEYS["terms"]  # "term": the terms pool's own stream of the run seed
DEMAND_POOL_SIZE = 256
DEMAND_STREAM = STREAM_KEYS["demand"]  # "demd": the pool of demand-coefficient draws
GUARANTEE_STRENGTH = {"none": 0.0, "bilateral": 0.5, "collective": 1.0}
US_AID_POLICIES = {"continue": 0, "wind_down": 1, "stop": 2}
#: Optional lever: US aid per month while the US gives (default: the donors' recent aid).
US_AID_LEVEL = "us_aid_eur_bn_per_month"

#: Uncertainties the engine reads (each must be declared by the scenario).
PARAMETERS: tuple[str, ...] = (
    "aid_publicness",
    "aid_effectiveness",
    "aid_delivery_lag_months",
    "aid_after_ceasefire_share",
    "support_adjustment_rate",
    "support_cost_sensitivity",
    "support_progress_sensitivity",
    "aid_threshold",
    "aid_cut_width",
    "support_noise_sd",
    "ukraine_own_spending_factor",
    "russia_spending_growth_pct",
    "decisiveness",
    "max_drift",
    "drift_start",
    "front_volatility",
    "prior_sd",
    "optimism_ukraine",
    "optimism_russia",
    "belief_memory",
    "cost_ukraine",
    "cost_russia",
    "decision_horizon_months",
    "guarantee_effect",
    "force_effect",
    "force_scale_thousand",
    "renewal_cost",
    "russia_rearmament_years",
    "talks_probability",
    "talks_boost_us_russia",
    "sidelining_penalty",
    "sanctions_relief_value",
    # Durability (interstate fit) and escalation (MID fit): docs/models/durability.md, escalation.md
    "durability_shape",
    "durability_p_recur_5y",
    "log_hr_guarantee",
    "log_hr_force_tripwire",
    "log_hr_us_backstop",
    "escalation_base_rate",
    "escalation_war_effect",
    "escalation_force_effect",
    "escalation_force_scale_thousand",
    "escalation_backstop_deterrence",
    "escalation_fatal_share",
    "defence_publicness",
    "us_spill_in_backseat",
    "defence_adjustment_rate",
    "us_wind_down_months",
    # How a war ends besides a negotiated ceasefire (accord.models.war; fitted duration hazard).
    "war_end_hazard_scale",
    "duration_shape",
    "duration_scale_months",
    "freeze_share",
    "collapse_share",
    "end_dominance_effect",
    "end_strain_effect",
    "p_recur_5y_after_decision",
    "p_recur_5y_after_freeze",
)
#: Read instead of the interstate durability fit when ``durability_evidence: civil_war``
#: (Fortna's civil-war ceasefires shifted by ``log_hr_interstate``; the force as peacekeepers).
CIVIL_WAR_PARAMETERS: tuple[str, ...] = (
    "civil_war_shape",
    "civil_war_scale_months",
    "log_hr_interstate",
    "log_hr_peacekeepers",
)
#: Read when the scenario declares them (older scenarios run without): the chance that a
#: freshly signed ceasefire fails within its first 12 months (issue 22: the UCDP-fitted
#: renewal hazard holds only for ceasefires that already held a year).
OPTIONAL_PARAMETERS: tuple[str, ...] = ("ceasefire_first_year_failure",)
#: Choice uncertainties the engine reads (not numbers).
CHOICES: tuple[str, ...] = ("credible_commitment_required",)
#: Levers the engine reads.
LEVERS: tuple[str, ...] = (
    "us_aid_policy",
    "us_aid_change_month",
    "europe_aid_step_up",
    "us_security_role",
    "talks_format",
    "sanctions_relief",
    "security_guarantee",
    "reassurance_force_k",
    "us_backstop",
    "defence_floor_pct",
)
#: Monthly series the engine writes (the one list, with units, is accord.spec.outcomes.SERIES).
SERIES: tuple[str, ...] = tuple(outcomes.SERIES)


@dataclass(frozen=True)
class CompiledSimulation:
    """A simulation section resolved to arrays, ready to run (picklable, immutable)."""

    name: str
    horizon_months: int
    front_start: float
    usd_per_eur: float
    russia_monthly_usd_bn: float
    ukraine_monthly_usd_bn: float
    support_start_us: float
    support_start_europe: float
    donor_aid: np.ndarray  # [D] EUR bn/month
    donor_income: np.ndarray  # [D] EUR bn/month (GDP / 12)
    donor_group: np.ndarray  # [D] 0 US, 1 Europe, 2 Other
    ally_defence: np.ndarray  # [A] US$ bn/year
    ally_gdp: np.ndarray  # [A]
    ally_group: np.ndarray  # [A]
    issue_ids: tuple[str, ...]
    front_shift: np.ndarray  # [K]
    war_elapsed_start: float  # months from the war's start to the scenario's start
    terms_pool: dict[str, np.ndarray]  # talks format -> [P, K]
    defaults: dict[str, Any]
    spec: SimulationSpec = field(repr=False)
    durability_evidence: str = "interstate"
    demand_pool: np.ndarray | None = None  # [P, 5] coefficient draws of the demand fit
    ally_frontline: np.ndarray | None = None  # [A] 1.0 for frontline allies
    us_share_for_europe: float = 1.0
    #: The allies' defence model resolved (issue 20): estimated, persistence or joint-product.
    defence_model: str = "joint-product"

    @property
    def outcome_names(self) -> list[str]:
        return scalar_names(self.issue_ids)


def _group_codes(groups: list[str]) -> np.ndarray:
    return np.array([GROUPS.index(g) for g in groups], dtype=np.int64)


def compile_spec(
    spec: SimulationSpec, scenario: Any = None, *, seed: int = 0, source: str = "simulation"
) -> CompiledSimulation:
    """Resolve a simulation section (and its scenario) to arrays.

    Parameters
    ----------
    spec
        The scenario's simulation section.
    scenario
        The loaded :class:`~accord.scenario.schema.Scenario` whose actors' positions give the
        settlement terms (``None``: terms are the middle of each scale, 50).
    seed
        Run seed; the pool of bargaining forecasts uses its own stream of it.
    source
        File name for error messages.

    Returns
    -------
    CompiledSimulation

    Notes
    -----
    Settlement terms are computed once per run, not per month: ``TERMS_POOL_SIZE`` joint draws
    of the scenario's capabilities, positions and saliences go through the bargaining model
    (``spec.terms_model``, compromise by default: Achen 2006), once with every actor and once
    with the sidelined actors' capability scaled by ``spec.sidelined_weight`` (a US-Russia
    format). Each experiment picks one draw with its own uniform, so chunking cannot change it.
    """
    declared = {u.name for u in spec.uncertainties}
    required = (
        PARAMETERS
        + CHOICES
        + (CIVIL_WAR_PARAMETERS if spec.durability_evidence == "civil_war" else ())
    )
    missing = [name for name in required if name not in declared]
    if missing:
        raise ScenarioError(
            source,
            "uncertainties missing",
            field="uncertainties",
            expected=f"every engine parameter {missing}",
            found=sorted(declared),
        )
    lever_names = {lever.name for lever in spec.levers}
    missing = [name for name in LEVERS if name not in lever_names]
    if missing:
        raise ScenarioError(
            source,
            "levers missing",
            field="levers",
            expected=f"the engine's levers {missing}",
            found=sorted(lever_names),
        )
    for option_map, name in (
        (US_AID_POLICIES, "us_aid_policy"),
        (GUARANTEE_STRENGTH, "security_guarantee"),
    ):
        lever = next(lever for lever in spec.levers if lever.name == name)
        bad = [o for o in lever.options if o not in option_map]
        if bad:
            raise ScenarioError(
                source,
                f"unknown options of lever '{name}'",
                field="levers",
                expected=", ".join(sorted(option_map)),
                found=bad,
            )
    defaults: dict[str, Any] = {}
    for uncertainty in spec.uncertainties:
        if uncertainty.distribution == "choice":
            # A choice has a non-empty 'values' (validated); its type says "or None".
            defaults[uncertainty.name] = uncertainty.values[0]  # type: ignore[index]
        elif uncertainty.mode is not None:
            defaults[uncertainty.name] = uncertainty.mode
        else:
            # Without a mode the uncertainty has both bounds (validated); typed "or None".
            defaults[uncertainty.name] = 0.5 * (uncertainty.low + uncertainty.high)  # type: ignore[operator]
    for lever in spec.levers:
        defaults[lever.name] = lever.default

    issue_ids = tuple(issue.id for issue in spec.issues)
    terms_pool = _terms_pool(spec, scenario, seed, source)
    defence_model = _defence_model(spec, source)
    demand = _demand_pool(spec, seed, source) if defence_model == "estimated" else {}
    return CompiledSimulation(
        name=getattr(scenario, "name", "simulation"),
        horizon_months=spec.horizon_months,
        front_start=spec.front_start_pct.point,
        usd_per_eur=spec.usd_per_eur.point,
        russia_monthly_usd_bn=spec.russia.monthly_military_spending_usd_bn.point,
        ukraine_monthly_usd_bn=spec.ukraine.monthly_military_spending_usd_bn.point,
        support_start_us=spec.support_start["US"].point if "US" in spec.support_start else 60.0,
        support_start_europe=(
            spec.support_start["Europe"].point if "Europe" in spec.support_start else 60.0
        ),
        donor_aid=np.array([d.monthly_aid_eur_bn.value for d in spec.donors]),
        donor_income=np.array([d.gdp_eur_bn.point / 12.0 for d in spec.donors]),
        donor_group=_group_codes([d.group for d in spec.donors]),
        ally_defence=np.array([a.defence_usd_bn.value for a in spec.allies]),
        ally_gdp=np.array([a.gdp_usd_bn.value for a in spec.allies]),
        ally_group=_group_codes([a.group for a in spec.allies]),
        issue_ids=issue_ids,
        front_shift=np.array([issue.front_shift.value for issue in spec.issues]),
        war_elapsed_start=_months_between(spec.war_start, spec.start),
        terms_pool=terms_pool,
        defaults=defaults,
        spec=spec,
        durability_evidence=spec.durability_evidence,
        defence_model=defence_model,
        **demand,
    )


def _defence_model(spec: SimulationSpec, source: str) -> str:
    """The allies' defence model: the scenario's ``defence_model``, ``chosen`` read from the
    rolling backtest's verdict table, unset as before issue 20."""
    model = spec.defence_model
    if model is None:
        return "estimated" if spec.defence_demand is not None else "joint-product"
    if model == "chosen":
        from accord.fits.burden_backtest import chosen_face_model

        model = cast(Any, chosen_face_model())  # one of the four, the verdict table's
    if model == "estimated" and spec.defence_demand is None:
        raise ScenarioError(
            source,
            "the estimated defence model needs defence_demand",
            field="defence_model",
            expected="a defence_demand section",
            found=spec.defence_model,
        )
    return model


def _months_between(first: Any, last: Any) -> float:
    """Months from date ``first`` to date ``last`` (0 if ``first`` is None)."""
    if first is None:
        return 0.0
    return (last - first).days / (365.25 / 12.0)


def _demand_pool(spec: SimulationSpec, seed: int, source: str) -> dict[str, Any]:
    """Draws N(b, V) of the estimated demand slopes (scenario ``defence_demand``), own stream.

    Only draws whose base-year equilibrium is stable under the yearly dynamics are kept
    (:func:`accord.models.burden_demand.stable`; the estimate's rho < 1): an experiment
    picks draw ``experiment % DEMAND_POOL_SIZE``, so chunking cannot change it.
    """
    dd = spec.defence_demand
    if dd is None:
        return {}
    ids = [a.id for a in spec.allies]
    unknown = [a for a in dd.frontline if a not in ids]
    if unknown:
        raise ScenarioError(
            source,
            "frontline allies not among the allies",
            field="defence_demand.frontline",
            expected=f"ids among {ids}",
            found=unknown,
        )
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(DEMAND_STREAM,)))
    )
    mean = np.asarray(dd.coefficients, dtype=float)
    cov = np.asarray(dd.covariance, dtype=float)
    spending = np.array([a.defence_usd_bn.value for a in spec.allies])
    present = spending > 0
    weight = np.where([a.group == "US" for a in spec.allies], dd.us_share_for_europe.point, 1.0)
    fixed = np.where([a.group == "US" for a in spec.allies], spending, np.nan)[present]
    kept: list[np.ndarray] = []
    for _ in range(20):
        draws = rng.multivariate_normal(mean, cov, DEMAND_POOL_SIZE)
        draws = draws[draws[:, 0] < 0.999]
        coef = burden_demand.Coefficients.from_matrix(draws)
        base = np.broadcast_to(spending[present], (len(draws), int(present.sum())))
        ok = burden_demand.stable(coef, base, weight[present], fixed=fixed[None, :])
        kept.extend(draws[ok])
        if len(kept) >= DEMAND_POOL_SIZE:
            break
    if len(kept) < DEMAND_POOL_SIZE:
        raise ScenarioError(
            source,
            "the demand estimates give no stable equilibrium",
            field="defence_demand.coefficients",
            found=list(mean),
        )
    return {
        "demand_pool": np.asarray(kept[:DEMAND_POOL_SIZE]),
        "ally_frontline": np.isin(ids, dd.frontline).astype(float),
        "us_share_for_europe": dd.us_share_for_europe.value,
    }


def _terms_pool(
    spec: SimulationSpec, scenario: Any, seed: int, source: str
) -> dict[str, np.ndarray]:
    k = len(spec.issues)
    if scenario is None or k == 0:
        neutral = np.full((1, k), 50.0)
        return {"inclusive": neutral, "us_russia": neutral}
    scenario_issues = list(scenario.issue_ids)
    unknown = [issue.id for issue in spec.issues if issue.id not in scenario_issues]
    if unknown:
        raise ScenarioError(
            source,
            "negotiated issues not in the scenario",
            field="issues",
            expected=f"ids among {scenario_issues}",
            found=unknown,
        )
    from accord.models.bargaining import MODELS

    if spec.terms_model not in MODELS:
        raise ScenarioError(
            source,
            "unknown bargaining model",
            field="terms_model",
            expected=", ".join(sorted(MODELS)),
            found=spec.terms_model,
        )
    model = MODELS[spec.terms_model]
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(TERMS_STREAM,)))
    )
    capability, position, salience = scenario.sample(TERMS_POOL_SIZE, rng)
    status_quo = scenario.status_quo()
    if status_quo is not None:
        status_quo = np.broadcast_to(status_quo, (TERMS_POOL_SIZE, status_quo.shape[0]))
    columns = [scenario_issues.index(issue.id) for issue in spec.issues]
    sidelined = np.isin(np.array(scenario.actor_ids), np.array(spec.sidelined_actors or ["-"]))
    weight = spec.sidelined_weight.point if spec.sidelined_weight is not None else 1.0
    pools = {}
    for name, scale in (("inclusive", 1.0), ("us_russia", weight)):
        scaled = capability * np.where(sidelined, scale, 1.0)
        result = model(scaled, position, salience, status_quo=status_quo)
        pools[name] = np.asarray(result.forecast, dtype=float)[:, columns]
    return pools


def variant_design(
    spec: SimulationSpec, variant: str | None, n: int, *, seed: int, method: str = "lhs"
) -> pd.DataFrame:
    """The design of one variant: ``n`` points of the uncertainties x the variant's levers."""
    from accord.experiments.design import make_design

    uncertainties, levers = spec.variant_inputs(variant)
    # The method is the user's string: make_design refuses a name it does not know.
    return make_design(uncertainties, levers, n, method=method, seed=seed)  # type: ignore[arg-type]


def _column(design: pd.DataFrame, name: str, default: Any) -> np.ndarray:
    if name in design.columns:
        return design[name].to_numpy()
    return np.full(len(design), default, dtype=object if isinstance(default, str) else None)


def _codes(values: np.ndarray, mapping: dict[str, int] | dict[str, float], name: str) -> np.ndarray:
    """Map a lever column to numbers with one lookup per distinct value (not per row)."""
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    try:
        table = np.array([mapping[u] for u in uniques], dtype=float)
    except KeyError as error:
        raise ScenarioError(
            "design",
            f"unknown option of lever '{name}'",
            expected=", ".join(sorted(mapping)),
            found=str(error),
        ) from None
    return table[inverse.ravel()]


def _flag(values: np.ndarray, true_value: str) -> np.ndarray:
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    truthy = (true_value, "True", "true", "1", "1.0")
    return np.array([u in truthy for u in uniques])[inverse.ravel()]


def us_aid_level(compiled: CompiledSimulation, design: pd.DataFrame) -> np.ndarray:
    """``[B]`` US aid per month (EUR bn) the experiments give while the US gives at all.

    The optional lever ``us_aid_eur_bn_per_month`` (e.g. the 2024 pace as a counterfactual);
    without it, the US donors' own recent aid (the status quo the game is calibrated on).
    """
    recent = float(compiled.donor_aid[compiled.donor_group == US].sum())
    default = compiled.defaults.get(US_AID_LEVEL, recent)
    return np.asarray(_column(design, US_AID_LEVEL, default), dtype=float)


def _us_shares(compiled: CompiledSimulation) -> np.ndarray:
    """``[D]`` each US donor's share of the US's recent aid (equal shares if it is zero)."""
    is_us = compiled.donor_group == US
    recent = compiled.donor_aid[is_us].sum()
    shares = (
        compiled.donor_aid / recent
        if recent > 0
        else np.full(is_us.shape, 1.0 / max(int(is_us.sum()), 1))
    )
    return np.where(is_us, shares, 0.0)


def _group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``[B, 3]`` sums of ``values[B, D]`` over the donors of each group."""
    return np.stack([values[:, groups == g].sum(axis=1) for g in range(len(GROUPS))], axis=1)


def prepare_inputs(compiled: CompiledSimulation, design: pd.DataFrame) -> Inputs:
    """Per-experiment inputs of a chunk: parameters, aid and defence equilibria, levers.

    A one-row chunk is computed as two identical rows and cut back: numpy sums the actor axis
    of a ``[1, N]`` array in another order than of a ``[B > 1, N]`` array (pairwise vs
    sequential), which would make a result depend on the chunk size in the last bit.
    """
    if len(design) == 1:
        doubled = _prepare_inputs(compiled, pd.concat([design, design], ignore_index=True))
        return _first_row(doubled)
    return _prepare_inputs(compiled, design)


def _first_row(inputs: Inputs) -> Inputs:
    changes: dict[str, Any] = {"params": {k: v[:1] for k, v in inputs.params.items()}}
    for item in fields(inputs):
        value = getattr(inputs, item.name)
        if item.name not in (
            "params",
            "aid_baseline_group",
            "europe_gdp",
            "terms_front_shift",
            "territory_index",
            "front_start",
            "war_elapsed_start",
        ):
            changes[item.name] = value[:1]
    return replace(inputs, **changes)


def _prepare_inputs(compiled: CompiledSimulation, design: pd.DataFrame) -> Inputs:
    size = len(design)
    civil_war = compiled.durability_evidence == "civil_war"
    params = {
        name: np.asarray(_column(design, name, compiled.defaults[name]), dtype=float)
        for name in PARAMETERS + (CIVIL_WAR_PARAMETERS if civil_war else ())
    }
    params.update(
        {
            name: np.asarray(_column(design, name, compiled.defaults[name]), dtype=float)
            for name in OPTIONAL_PARAMETERS
            if name in compiled.defaults
        }
    )
    lever = {name: _column(design, name, compiled.defaults[name]) for name in LEVERS}

    # Aid among donors: the burden game calibrated on recent Kiel levels (accord.models.burden).
    aid0 = np.broadcast_to(compiled.donor_aid, (size, compiled.donor_aid.size))
    income = np.broadcast_to(compiled.donor_income, aid0.shape)
    theta = params["aid_publicness"]
    alpha = burden.calibrate_alpha(aid0, income, theta)
    is_us = compiled.donor_group == US
    step_up = np.asarray(lever["europe_aid_step_up"], dtype=float)
    floor = np.where(compiled.donor_group == EUROPE, step_up[:, None] * aid0, 0.0)
    floor = np.minimum(floor, 0.99 * income)
    fixed_on = np.where(
        is_us, us_aid_level(compiled, design)[:, None] * _us_shares(compiled), np.nan
    )
    fixed_off = np.where(is_us, 0.0, np.nan)
    aid_baseline_group = _group_sums(compiled.donor_aid[None, :], compiled.donor_group)[0]
    if compiled.spec.aid_game == "europe_group":
        aid_with_us, aid_without_us = _europe_group_aid(
            compiled, theta, step_up, us_aid_level(compiled, design)
        )
    else:
        with_us = burden.nash_equilibrium(income, alpha, theta, floor=floor, fixed=fixed_on)
        without_us = burden.nash_equilibrium(income, alpha, theta, floor=floor, fixed=fixed_off)
        # Group sums row by row (a BLAS matmul could round differently with the batch size).
        aid_with_us = _group_sums(with_us, compiled.donor_group)
        aid_without_us = _group_sums(without_us, compiled.donor_group)

    # European defence: allies' game with the US's spending fixed and its spill-in to Europe
    # cut under a backseat role; an optional floor (% of GDP) binds for European allies.
    defence0 = np.broadcast_to(compiled.ally_defence, (size, compiled.ally_defence.size))
    gdp = np.broadcast_to(compiled.ally_gdp, defence0.shape)
    ally_is_us = compiled.ally_group == US
    ally_is_europe = compiled.ally_group == EUROPE
    backseat = _flag(np.asarray(lever["us_security_role"]), "backseat")
    us_spill = np.where(backseat, params["us_spill_in_backseat"], 1.0)
    floor_pct = np.asarray(lever["defence_floor_pct"], dtype=float)
    floor_d = np.where(ally_is_europe, floor_pct[:, None] / 100.0 * gdp, 0.0)
    if compiled.defence_model == "persistence":
        # The rolling backtest's choice (issue 20): no ally reacts to the US role; floors bind.
        defence = np.where(ally_is_us, defence0, np.maximum(defence0, floor_d))
    elif compiled.demand_pool is not None:
        defence = _estimated_defence(compiled, design, params, us_spill, floor_d)
    else:
        theta_d = params["defence_publicness"]
        alpha_d = burden.calibrate_alpha(defence0, gdp, theta_d)
        spill = np.where(ally_is_us, us_spill[:, None], 1.0)
        defence = burden.nash_equilibrium(
            gdp,
            alpha_d,
            theta_d,
            spill_in=spill,
            floor=floor_d,
            fixed=np.where(ally_is_us, defence0, np.nan),
        )
    europe_target = defence[:, ally_is_europe].sum(axis=1)
    europe_gdp = float(compiled.ally_gdp[ally_is_europe].sum())

    # Support baselines so that the start is a steady state at recent aid (opinion model).
    start_us = np.full(size, compiled.support_start_us)
    start_europe = np.full(size, compiled.support_start_europe)
    baseline_us = start_us + params["support_cost_sensitivity"] * aid_baseline_group[US]
    baseline_europe = start_europe + params["support_cost_sensitivity"] * aid_baseline_group[EUROPE]
    tiny = 1e-9
    mult_us = np.maximum(
        opinion.aid_multiplier(start_us, params["aid_threshold"], params["aid_cut_width"]), tiny
    )
    mult_europe = np.maximum(
        opinion.aid_multiplier(start_europe, params["aid_threshold"], params["aid_cut_width"]), tiny
    )

    # Capacities: Russia's effective capacity is calibrated so that the drift at the start,
    # with recent aid delivered, equals ``drift_start`` (war.front_drift = max * (2p - 1)).
    own_u = compiled.ukraine_monthly_usd_bn * params["ukraine_own_spending_factor"]
    start_u = own_u + aid_baseline_group.sum() * compiled.usd_per_eur * params["aid_effectiveness"]
    share0 = 0.5 * (1.0 + np.clip(params["drift_start"] / params["max_drift"], -0.99, 0.99))
    russia_start = start_u * ((1.0 - share0) / share0) ** (1.0 / params["decisiveness"])

    guarantee = _codes(
        np.asarray(lever["security_guarantee"]), GUARANTEE_STRENGTH, "security_guarantee"
    )
    force = np.asarray(lever["reassurance_force_k"], dtype=float)
    backstop = _flag(np.asarray(lever["us_backstop"]), "True")
    shape, scale, log_hr = ceasefire_hazard(params, guarantee, force, backstop, civil_war)
    return Inputs(
        params=params,
        aid_with_us=aid_with_us,
        aid_without_us=aid_without_us,
        aid_baseline_group=aid_baseline_group,
        support_baseline_us=baseline_us,
        support_baseline_europe=baseline_europe,
        multiplier_start_us=mult_us,
        multiplier_start_europe=mult_europe,
        capacity_ukraine_own=own_u,
        capacity_russia_start=russia_start,
        europe_defence_target=europe_target,
        europe_gdp=europe_gdp,
        us_aid_policy=_codes(np.asarray(lever["us_aid_policy"]), US_AID_POLICIES, "us_aid_policy"),
        us_aid_change_month=np.asarray(lever["us_aid_change_month"], dtype=float),
        guarantee_strength=guarantee,
        reassurance_force_k=force,
        us_backstop=backstop,
        us_russia_talks=_flag(np.asarray(lever["talks_format"]), "us_russia"),
        sanctions_relief=_flag(np.asarray(lever["sanctions_relief"]), "offered"),
        ceasefire_log_hr=log_hr,
        ceasefire_shape=shape,
        ceasefire_scale=scale,
        credible_commitment_required=_flag(
            np.asarray(
                _column(
                    design,
                    "credible_commitment_required",
                    compiled.defaults["credible_commitment_required"],
                )
            ),
            "True",
        ),
        capacity_ukraine_start=start_u,
        dominance_start=np.abs(2.0 * share0 - 1.0),
        # After an end without agreement (no guarantees, no force): the durability fit's
        # recurrence after a victory (decision, collapse) or low activity (freeze).
        decision_log_hr=_relative_log_hr(params["p_recur_5y_after_decision"], params, civil_war),
        freeze_log_hr=_relative_log_hr(params["p_recur_5y_after_freeze"], params, civil_war),
        base_terms=np.full((size, len(compiled.issue_ids)), 50.0),
        terms_front_shift=compiled.front_shift,
        territory_index=(
            compiled.issue_ids.index("territory") if "territory" in compiled.issue_ids else -1
        ),
        front_start=compiled.front_start,
        war_elapsed_start=compiled.war_elapsed_start,
    )


def _relative_log_hr(
    p_recur_5y: np.ndarray, params: dict[str, np.ndarray], civil_war: bool
) -> np.ndarray:
    """Log hazard ratio, against the reference ceasefire, of a 5-year recurrence probability.

    Weibull PH with a common shape: ``-log S(60)`` scales with the hazard ratio, so the ratio
    is ``log(-log(1 - p)) - log(-log(1 - p_ref))`` with ``p_ref`` the reference ceasefire
    agreement's ``durability_p_recur_5y``. With civil-war evidence the interstate shift
    ``log_hr_interstate`` stands for every end (the civil-war fit has no end types).
    """
    if civil_war:
        return params["log_hr_interstate"]
    return np.log(-np.log1p(-p_recur_5y)) - np.log(-np.log1p(-params["durability_p_recur_5y"]))


def ceasefire_hazard(
    params: dict[str, np.ndarray],
    guarantee: np.ndarray,
    force: np.ndarray,
    backstop: np.ndarray,
    civil_war: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weibull shape, scale (months) and log hazard ratio of a Russia-Ukraine ceasefire, [B].

    Interstate evidence (default; ``accord fit durability``): the baseline is an interstate war
    that stopped by ceasefire agreement, with the fit's 5-year recurrence and shape; security
    guarantees enter as the fit's third-party effect times their strength, the European force
    as a tripwire (reaching its full effect at ``force_scale_thousand``) and a US backstop
    behind a deployed force as its own judgement term -- not as UN peacekeeping. Civil-war
    evidence (``durability_evidence: civil_war``): Fortna's reference case shifted by
    ``log_hr_interstate``, the force as peacekeepers.
    """
    presence = np.minimum(force / params["force_scale_thousand"], 1.0)
    extras = params["log_hr_guarantee"] * guarantee + params["log_hr_us_backstop"] * (
        backstop & (force > 0)
    )
    if civil_war:
        log_hr = params["log_hr_interstate"] + params["log_hr_peacekeepers"] * presence + extras
        return params["civil_war_shape"], params["civil_war_scale_months"], log_hr
    log_hr = params["log_hr_force_tripwire"] * presence + extras
    # The fit's 5-year recurrence is drawn directly (it is what the data pin down); the scale
    # follows from it and the shape: S(60) = exp(-(60 / scale)^k) = 1 - p.
    shape = params["durability_shape"]
    scale = 60.0 / (-np.log1p(-params["durability_p_recur_5y"])) ** (1.0 / shape)
    return shape, scale, log_hr


def _europe_group_aid(
    compiled: CompiledSimulation, theta: np.ndarray, step_up: np.ndarray, us_level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Group aid [B, 3] with US aid at ``us_level`` [B] and without: Europe best responds.

    The aid game as fitted and tested on Kiel's yearly allocations (accord burden aid):
    Europe, one player, has its Cobb-Douglas weight calibrated on the scenario's recent aid
    and best responds to the US's and the other donors' aid with publicness ``theta``
    (``aid_publicness``), at least ``step_up`` x its recent aid; the US and the other donors
    are exogenous.
    """
    size = us_level.shape[0]
    base = _group_sums(compiled.donor_aid[None, :], compiled.donor_group)[0]
    income = _group_sums(compiled.donor_income[None, :], compiled.donor_group)[0]
    incomes = np.broadcast_to(income, (size, 3))
    alpha = burden.calibrate_alpha(np.broadcast_to(base, (size, 3)), incomes, theta)
    floor = np.zeros((size, 3))
    floor[:, EUROPE] = np.minimum(step_up * base[EUROPE], 0.99 * income[EUROPE])
    outcomes = []
    for us_aid in (us_level, np.zeros(size)):
        fixed = np.full((size, 3), np.nan)
        fixed[:, US] = us_aid
        fixed[:, 2] = base[2]
        outcomes.append(burden.nash_equilibrium(incomes, alpha, theta, floor=floor, fixed=fixed))
    return outcomes[0], outcomes[1]


def _estimated_defence(
    compiled: CompiledSimulation,
    design: pd.DataFrame,
    params: dict[str, np.ndarray],
    us_spill: np.ndarray,
    floor: np.ndarray,
) -> np.ndarray:
    """Allies' defence spending [B, A] at the horizon's end from the estimated dynamics.

    Each experiment's slopes are a stable draw of the ``burden-demand`` fit; the scenario's
    spending is the base equilibrium (intercepts recentred); then the US's share protecting
    Europe is scaled by its role (``us_spill_in_backseat``), European floors bind, and Russia's
    spending (the threat) grows at ``russia_spending_growth_pct`` a year. The reaction
    functions are solved jointly year by year over the horizon (each year's own lag), as in
    ``accord burden equilibrium``; the engine's monthly adjustment then moves toward it. US
    spending stays exogenous; allies without armed forces keep zero.

    The path depends on nothing else: the draw (``experiment % DEMAND_POOL_SIZE``), Russia's
    growth, the US spill-in and the floors. Experiments whose four agree are solved once
    (identical rows deduplicated with ``np.unique(return_inverse=True)``), and the others
    read that solution: exact, since each draw's solve is independent of its batch
    (:func:`accord.models.burden_demand.solve`). In a Monte Carlo design Russia's growth is
    continuous, so rows rarely repeat; they do when it is pinned (a point design, a sweep of
    other levers), where the pool has at most ``DEMAND_POOL_SIZE`` x roles x floors paths.
    (Distinct growths make every row distinct: then the rows are solved without the sort.)
    No cache across calls: each chunk solves its own rows (a cross-chunk cache would be
    keyed by rows that a Monte Carlo design never repeats, and hold memory in every worker).
    """
    pool = compiled.demand_pool
    assert pool is not None and compiled.ally_frontline is not None
    size = len(design)
    ids = (
        design["experiment"].to_numpy(dtype=np.int64)
        if "experiment" in design.columns
        else np.arange(size)
    )
    spending = compiled.ally_defence
    present = spending > 0
    pick = ids % pool.shape[0]
    growth_pct = np.broadcast_to(np.asarray(params["russia_spending_growth_pct"], float), (size,))
    spill = np.broadcast_to(np.asarray(us_spill, dtype=float), (size,))
    floor_p = np.asarray(floor, dtype=float)[:, present]
    if size > 1 and np.unique(growth_pct).size == size:  # distinct growths: distinct rows
        return _present(_estimated_path(compiled, pick, growth_pct, spill, floor_p), present)
    keys = np.column_stack([pick.astype(float), growth_pct, spill, floor_p])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    if first.size == size:  # no repeats: solve the rows as they are
        new = _estimated_path(compiled, pick, growth_pct, spill, floor_p)
    else:
        # The solved rows keep their order in the chunk (first occurrence), and at least two
        # of them are solved together (numpy sums a [1, N] row in another order).
        rows = np.sort(first)
        rows = rows if rows.size > 1 else np.repeat(rows, 2)
        solved = _estimated_path(compiled, pick[rows], growth_pct[rows], spill[rows], floor_p[rows])
        slot = np.empty(size, dtype=np.int64)
        slot[rows] = np.arange(rows.size)
        new = solved[slot[first[np.asarray(inverse).reshape(-1)]]]
    return _present(new, present)


def _present(new: np.ndarray, present: np.ndarray) -> np.ndarray:
    """[B, A] spending from the allies with armed forces' [B, A present] (zero elsewhere)."""
    out = np.zeros((new.shape[0], present.size))
    out[:, present] = new
    return out


def _estimated_path(
    compiled: CompiledSimulation,
    pick: np.ndarray,
    growth_pct: np.ndarray,
    us_spill: np.ndarray,
    floor: np.ndarray,
) -> np.ndarray:
    """The yearly path's last year [B, A present] for pool draws ``pick`` (see above)."""
    pool = compiled.demand_pool
    assert pool is not None and compiled.ally_frontline is not None
    size = pick.size
    coef = burden_demand.Coefficients.from_matrix(pool[pick])
    spending, gdp = compiled.ally_defence, compiled.ally_gdp
    present = spending > 0
    is_us = (compiled.ally_group == US)[present]
    m0 = np.broadcast_to(spending[present], (size, int(present.sum())))
    log_gdp = np.log(gdp[present])
    frontline = compiled.ally_frontline[present]
    weight = np.where(is_us, compiled.us_share_for_europe, 1.0)
    # Recentred on the base year's one row (every draw's observed year is the same): its
    # logs and spill-ins once, not per draw.
    intercept = burden_demand.recentre(coef, m0[:1], log_gdp, 0.0, frontline, weight)
    growth = np.log1p(growth_pct / 100.0)
    weight_new = np.where(is_us[None, :], compiled.us_share_for_europe * us_spill[:, None], 1.0)
    fixed = np.where(is_us[None, :], m0, np.nan)
    new = burden_demand.path(
        coef,
        intercept,
        m0[:1],  # the same start for every draw
        log_gdp,
        growth,
        frontline,
        weight_new,
        int(np.ceil(compiled.horizon_months / 12.0)),
        fixed=fixed,
        floor=floor,
        engine="auto",  # the compiled kernel, all years in one call, when numba is installed
    )
    return np.asarray(new)


def initial_state(compiled: CompiledSimulation, inputs: Inputs) -> State:
    """The batch at the scenario's start: at war on the start line, recent aid delivered."""
    p = inputs.params
    size = p["drift_start"].shape[0]
    belief_u, belief_r, precision = war.initial_beliefs(
        p["drift_start"], p["optimism_ukraine"], p["optimism_russia"], p["prior_sd"]
    )
    nan = np.full(size, np.nan)
    zero = np.zeros(size)
    front = np.full(size, compiled.front_start)
    ally_is_europe = compiled.ally_group == EUROPE
    return State(
        at_war=np.ones(size, dtype=bool),
        front=front,
        front_trend=front.copy(),
        belief_ukraine=belief_u,
        belief_russia=belief_r,
        belief_precision=precision,
        support_us=np.full(size, compiled.support_start_us),
        support_europe=np.full(size, compiled.support_start_europe),
        delivered_aid=np.full(size, inputs.aid_baseline_group.sum()),
        europe_defence=np.full(size, compiled.ally_defence[ally_is_europe].sum()),
        months_at_peace_now=zero,
        log_hazard_ratio=zero,
        peace_by_ceasefire=np.zeros(size, dtype=bool),
        ceasefire_month=nan,
        war_renewed_month=nan.copy(),
        front_at_ceasefire=nan.copy(),
        war_started_month=np.full(size, -inputs.war_elapsed_start),
        war_end_month=nan.copy(),
        war_end_type=zero.copy(),
        terms_at_ceasefire=np.full(inputs.base_terms.shape, np.nan),
        months_of_peace=zero.copy(),
        escalation_use_of_force_events=zero.copy(),
        escalation_fatal_events=zero.copy(),
        aid_us_total=zero.copy(),
        aid_europe_total=zero.copy(),
        aid_other_total=zero.copy(),
    )


def force_cost(compiled: CompiledSimulation, inputs: Inputs, state: State) -> np.ndarray:
    """``[B]`` EUR bn the European reassurance force costs over the horizon: its size times
    the months from the first ceasefire (when it deploys, as in the step) to the horizon's end
    times ``force_cost_eur_bn_per_thousand_year / 12`` (0 without that figure)."""
    figure = compiled.spec.force_cost_eur_bn_per_thousand_year
    if figure is None:
        return np.zeros_like(state.aid_europe_total)
    months = np.where(
        np.isnan(state.ceasefire_month), 0.0, compiled.horizon_months - state.ceasefire_month
    )
    return inputs.reassurance_force_k * months * figure.value / 12.0


#: Environment variable that picks the month loop's engine when ``engine="auto"``.
ENGINE_VARIABLE = "ACCORD_ENGINE"
ENGINES = ("auto", "numba", "numpy")


def month_loop_engine(engine: str = "auto") -> str:
    """The engine of the month loop: ``"numba"`` (the fused kernel) or ``"numpy"`` (the step).

    ``auto`` reads ``ACCORD_ENGINE`` (``numba``, ``numpy`` or unset/``auto``), then takes the
    fused kernel of :mod:`accord.simulation.kernel` whenever numba is installed (the extra
    ``speed``), whatever the size of the chunk, so a run's results never depend on which
    chunks came first; ``numpy`` is the reference :func:`accord.simulation.step.step`.
    ``numba`` without numba installed raises ImportError. See docs/simulation.md, "Engines".
    """
    import os

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "auto":
        chosen = os.environ.get(ENGINE_VARIABLE, "auto").strip().lower() or "auto"
        if chosen not in ENGINES:
            raise ValueError(
                f"{ENGINE_VARIABLE} must be one of {', '.join(ENGINES)}, not {chosen!r}"
            )
        engine = chosen
    if engine == "numpy":
        return "numpy"
    try:
        import numba  # noqa: F401
    except ImportError:
        if engine == "numba":
            raise
        return "numpy"
    return "numba"


#: Experiments the fused month loop draws and runs at a time: their draws (56 bytes per
#: experiment-month, 6.9 MB) are allocated once per block size and reused while they are warm,
#: where a whole chunk's (134 MB at 20,000) would be fresh memory, expensive to touch the first
#: time in a process (:mod:`accord.simulation.pages`). Per-experiment streams make results
#: independent of it (tests/simulation/test_kernel.py runs it at 7).
DRAW_BLOCK = 1024


def _draws(
    seed: int, ids: np.ndarray, months: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Normals [B, T, 3], uniforms [B, T, 3], the deal's pick [B, 1] and end uniforms [B, T, 1]
    of experiments ``ids``, in this order from each experiment's stream."""
    normals, uniforms, pick, end_uniforms = experiment_draws(
        seed,
        ids,
        [
            ("normal", (months, 3)),
            ("uniform", (months, 3)),
            ("uniform", (1,)),
            ("uniform", (months, 1)),
        ],
    )
    return normals, uniforms, pick, end_uniforms


def _base_terms(
    compiled: CompiledSimulation, us_russia: np.ndarray, pick: np.ndarray
) -> np.ndarray:
    """The deal on the table [B, K]: one bargaining forecast per experiment (its own uniform
    ``pick``), from the US-Russia pool where the talks are bilateral; shifted with the front
    each month in the step, the same terms decide acceptance and are reported."""
    pool_in, pool_us = compiled.terms_pool["inclusive"], compiled.terms_pool["us_russia"]
    index = np.minimum((pick[:, 0] * pool_in.shape[0]).astype(np.int64), pool_in.shape[0] - 1)
    return np.where(us_russia[:, None], pool_us[index], pool_in[index])


def simulate_arrays(
    compiled: CompiledSimulation, design: pd.DataFrame, seed: int, *, engine: str = "auto"
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Run a chunk; return scalars ``{name: [B]}`` and series ``{name: [B, T]}``.

    ``engine`` picks the month loop (:func:`month_loop_engine`): the fused numba kernel or
    the numpy step (the reference); both read the same per-experiment draws.
    """
    scalars, table = _simulate(compiled, design, seed, month_loop_engine(engine))
    return scalars, {name: table[i] for i, name in enumerate(SERIES)}


def _simulate(
    compiled: CompiledSimulation, design: pd.DataFrame, seed: int, engine: str
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`simulate_arrays` with the series as one ``[len(SERIES), B, T]`` float32 array."""
    ids = design["experiment"].to_numpy(dtype=np.int64)
    inputs = prepare_inputs(compiled, design)
    state = initial_state(compiled, inputs)
    rules = AdaptiveRules.from_design(
        compiled.spec.adaptive_rules,
        design,
        compiled.defaults.get(ADAPTIVE_LEVER),
        compiled.front_start,
    )
    if engine == "numba":
        state, table = fused_loop(compiled, inputs, state, seed, ids, rules)
    else:
        normals, uniforms, pick, end_uniforms = _draws(seed, ids, compiled.horizon_months)
        inputs = replace(inputs, base_terms=_base_terms(compiled, inputs.us_russia_talks, pick))
        state, table = run_months(compiled, inputs, state, (normals, uniforms, end_uniforms), rules)
    return _scalars(compiled, inputs, state), table


def run_months(
    compiled: CompiledSimulation,
    inputs: Inputs,
    state: State,
    draws: tuple[np.ndarray, np.ndarray, np.ndarray],
    rules: AdaptiveRules | None,
) -> tuple[State, np.ndarray]:
    """Every month of a chunk in the reference, one :func:`~accord.simulation.step.step` per
    month over the batch: the final state and the series ``[len(SERIES), B, T]`` float32.

    ``draws`` are the chunk's normals ``[B, T, 3]``, uniforms ``[B, T, 3]`` and end uniforms
    ``[B, T, 1]``.
    """
    normals, uniforms, end_uniforms = draws
    months = compiled.horizon_months
    table = small_pages((len(SERIES), state.size, months), np.float32)  # as the kernel's
    for month in range(months):
        month_inputs = inputs if rules is None else rules.inputs(inputs)
        state, values = step(
            state,
            month_inputs,
            month,
            normals[:, month],
            uniforms[:, month],
            usd_per_eur=compiled.usd_per_eur,
            end_uniform=end_uniforms[:, month, 0],
        )
        if rules is not None:
            rules.observe(values, month)
        for i, name in enumerate(SERIES):
            table[i, :, month] = values[name]
    return state, table


def fused_loop(
    compiled: CompiledSimulation,
    inputs: Inputs,
    state: State,
    seed: int,
    ids: np.ndarray,
    rules: AdaptiveRules | None,
) -> tuple[State, np.ndarray]:
    """Every month of a chunk in the compiled kernel (:mod:`accord.simulation.kernel`), its
    experiments drawn and run ``DRAW_BLOCK`` at a time: the final state and the series
    ``[len(SERIES), B, T]`` float32 (each experiment's months contiguous, on small pages).
    The deal on the table (the chunk's ``base_terms``) is filled block by block from the
    blocks' draws."""
    from accord.simulation import kernel

    chunk = kernel.Chunk(
        inputs, state.as_dict(), rules, compiled.horizon_months, compiled.usd_per_eur
    )
    for first in range(0, ids.size, DRAW_BLOCK):
        rows = slice(first, first + DRAW_BLOCK)
        normals, uniforms, pick, end_uniforms = _draws(seed, ids[rows], compiled.horizon_months)
        chunk.base_terms[rows] = _base_terms(compiled, inputs.us_russia_talks[rows], pick)
        month_loop(chunk, first, normals, uniforms, end_uniforms)
    final, table = chunk.result()
    return State(**final), table


def month_loop(chunk: Any, first: int, *draws: np.ndarray) -> None:
    """The kernel over one block of experiments (its own name, for the benchmark's timer)."""
    chunk.run(first, *draws)


def _scalars(compiled: CompiledSimulation, inputs: Inputs, state: State) -> dict[str, np.ndarray]:
    """The scalar outcomes of a chunk from its final state."""
    holds = durability.p_holds(
        60.0, inputs.ceasefire_log_hr, inputs.ceasefire_shape, inputs.ceasefire_scale
    )
    reached = ~np.isnan(state.ceasefire_month)
    scalars: dict[str, np.ndarray] = {
        "ceasefire_month": state.ceasefire_month,
        "war_renewed_month": state.war_renewed_month,
        "months_of_peace": state.months_of_peace,
        # Defined for every future: P(a ceasefire is reached within the horizon and holds
        # five years), 0 without one, so its mean is a share of all futures. The conditional
        # value has its own name, NaN without a ceasefire (docs/simulation.md, "Outcomes").
        "peace_holds_5y": np.where(reached, holds, 0.0),
        "peace_holds_5y_given_ceasefire": np.where(reached, holds, np.nan),
        "war_end_month": state.war_end_month,
        "war_end_type": state.war_end_type,
    }
    for k, issue in enumerate(compiled.issue_ids):
        scalars[f"terms_{issue}"] = state.terms_at_ceasefire[:, k]
    scalars["aid_total_us"] = state.aid_us_total
    scalars["aid_total_europe"] = state.aid_europe_total
    scalars["aid_total_other"] = state.aid_other_total
    scalars["europe_cost_total"] = state.aid_europe_total + force_cost(compiled, inputs, state)
    scalars["europe_defence_pct_gdp_end"] = 100.0 * state.europe_defence / inputs.europe_gdp
    scalars["escalation_use_of_force_events"] = state.escalation_use_of_force_events
    scalars["escalation_fatal_events"] = state.escalation_fatal_events
    scalars["front_end"] = state.front
    return scalars


def simulate_chunk(
    design_chunk: pd.DataFrame, seed: int, *, spec: CompiledSimulation | SimulationSpec
) -> ChunkResult:
    """Simulate one chunk of a design (the function given to ``run_experiments``).

    Parameters
    ----------
    design_chunk
        Rows of the design: ``experiment`` and one column per uncertainty and lever (missing
        columns take the uncertainty's central value or the lever's default).
    seed
        Run seed.
    spec
        The compiled simulation (or a bare section, compiled here without a scenario).

    Returns
    -------
    ChunkResult
        ``scalars``: one row per experiment (``experiment`` first, then
        :func:`accord.spec.outcomes.scalar_names`); ``series``: long table ``experiment,
        month`` and the monthly series (float32; ``at_war`` as 0/1).
    """
    compiled = spec if isinstance(spec, CompiledSimulation) else compile_spec(spec)
    design_chunk = design_chunk.reset_index(drop=True)
    scalars, table = _simulate(compiled, design_chunk, seed, month_loop_engine())
    ids = design_chunk["experiment"].to_numpy(dtype=np.int64)
    months = compiled.horizon_months
    scalar_frame = pd.DataFrame({"experiment": ids, **scalars})
    return ChunkResult(scalars=scalar_frame, series=series_frame(ids, months, table))


def series_frame(ids: np.ndarray, months: int, table: np.ndarray) -> pd.DataFrame:
    """The long table ``experiment, month`` and the series from ``table`` [S, B, T] float32.

    The series' block is ``table`` itself, seen as [S, B x T] (pandas keeps a frame's columns
    of one dtype as one [columns, rows] array): no copy, so no fresh memory to touch.
    """
    keys = pd.DataFrame(
        {
            "experiment": np.repeat(ids, months),
            "month": np.tile(np.arange(months, dtype=np.int16), ids.size),
        }
    )
    values = pd.DataFrame(table.reshape(len(SERIES), -1).T, columns=list(SERIES), copy=False)
    return pd.concat([keys, values], axis=1)
