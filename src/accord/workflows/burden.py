"""Burden-sharing analyses: allies' defence spending in equilibrium under counterfactual
levers, aid to Ukraine if US aid stops, and Olson & Zeckhauser's exploitation test.

``burden(analysis, scenario, ...)`` is the door (:func:`accord.burden`); ``run_equilibrium``,
``run_aid`` and ``run_exploitation`` turn the scenario's ``burden:`` section
(:class:`~accord.scenario.burden.BurdenSpec`) and lever settings into tables with uncertainty
bands and provenance; :meth:`BurdenResult.figure` draws them. The CLI only formats.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from accord.scenario.burden import BurdenSpec
from accord.scenario.schema import Scenario
from accord.spec.errors import ScenarioError
from accord.spec.jsonout import finite
from accord.workflows.burden_tables import ally_groups, ally_table, band, group_totals
from accord.workflows.seeds import DEFAULT_SEED, resolve_seed

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ANALYSES = ("equilibrium", "aid", "exploitation", "backtest")
#: Models of ``burden("equilibrium")``: ``chosen`` (default) is the one the shipped verdict
#: table of the rolling backtest marks (issue 20; persistence while no specification beats it),
#: or explicitly the estimated demand model (issue 13), persistence, or the calibrated
#: joint-product game.
MODELS = ("chosen", "estimated", "persistence", "joint-product")
#: What the 1964 exploitation row is (issue 13): computed from SIPRI, not Olson & Zeckhauser.
OZ1964_LABEL = (
    "SIPRI 1964 figures, computed by accord: a stand-in, not Olson & Zeckhauser's own table"
)
EXPLOITATION_SOURCES = ("nato", "sipri14", "oz1964")
DEFAULT_SCENARIO = "ukraine-2025"


def burden(
    analysis: str = "equilibrium",
    scenario: str | os.PathLike[str] | Scenario | None = None,
    *,
    draws: int | None = None,
    seed: int | None = None,
    rng: Any = None,
    theta: tuple[float, float] | None = None,
    year: int | None = None,
    sources: tuple[str, ...] | None = None,
    model: str = "chosen",
    horizon: int | None = None,
    train_until: int | None = None,
    **levers: Any,
) -> BurdenResult:
    """Run one burden-sharing analysis.

    Parameters
    ----------
    analysis
        ``"equilibrium"`` (allies' defence spending under the levers ``us_cut``,
        ``us_spill_in_cut``, ``threat_all``, ``threat_frontline``, ``floor_pct_gdp``,
        ``leave``), ``"aid"`` (lever ``us_aid_stop``) or ``"exploitation"`` (Olson &
        Zeckhauser's rank test on ``sources`` for ``year``, no scenario needed).
    scenario
        A shipped name, a scenario YAML or directory with a ``burden:`` section, a bare
        burden YAML, or a loaded Scenario; default the shipped ukraine-2025.
    draws, seed, rng, theta
        Draws of the uncertain inputs (default: the spec's), their seed (``0 <= seed <
        2**63``, default :data:`~accord.experiments.rng.DEFAULT_SEED`; or ``rng``, numpy SPEC
        7: an int or a ``numpy.random.Generator`` drawing a root seed, not both) and a range
        for the publicness theta replacing the spec's. Draw ``i`` depends only on
        ``(seed, i)``.
    year
        Base year (equilibrium) or the one year to test (exploitation).
    model
        Equilibrium model: ``"chosen"`` (default: the one the rolling backtest's verdict table
        marks, ``accord.fits.burden_backtest.chosen_face_model``), ``"estimated"`` (the
        demand model of ``accord fit burden-demand``, its reaction functions solved jointly),
        ``"persistence"`` (no reaction: the best baseline's counterfactual) or
        ``"joint-product"`` (the Cobb-Douglas game calibrated exactly on the base year).
    horizon
        Estimated model: years of adjustment reported (default 10; 0 = long run).
    train_until
        ``"backtest"``: the last training year; the years after it are forecast.

    Returns
    -------
    BurdenResult
        ``.table()``, ``.to_dict()``, ``.figure()``, and the ``totals`` and ``provenance``.
    """
    seed = resolve_seed(seed, rng)
    if draws is not None and (isinstance(draws, bool) or not isinstance(draws, int) or draws < 1):
        raise ScenarioError(None, "need at least one draw", field="draws", found=draws)
    if analysis == "exploitation":
        chosen = tuple(sources or EXPLOITATION_SOURCES)
        for name in chosen:
            if name not in EXPLOITATION_SOURCES:
                raise ScenarioError(
                    None,
                    "unknown data source",
                    field="source",
                    expected="nato, sipri14 or oz1964",
                    found=name,
                )
        if levers:
            raise ScenarioError(
                None, "the exploitation test takes no levers", field="levers", found=sorted(levers)
            )
        return run_exploitation(year, cast("tuple[ExploitationSource, ...]", chosen))  # checked
    if analysis not in ANALYSES:
        raise ScenarioError(
            None, "unknown analysis", field="analysis", expected=", ".join(ANALYSES), found=analysis
        )
    if analysis == "backtest":
        if train_until is None or levers:
            raise ScenarioError(
                None,
                "the backtest takes --train-until and no levers",
                field="train-until",
                found=train_until,
            )
        return run_backtest(train_until)
    spec = burden_spec(scenario)
    if analysis == "aid":
        unknown = sorted(set(levers) - {"us_aid_stop"})
        if unknown:
            raise ScenarioError(
                None, "unknown lever of the aid game", field=unknown[0], expected="us_aid_stop"
            )
        from accord.workflows.burden_aid_donor import with_donor_fit

        aid: BurdenResult = with_donor_fit(
            run_aid(
                spec, us_aid_stop=levers.get("us_aid_stop"), draws=draws, seed=seed, theta=theta
            )
        )
        return aid
    known = {
        "us_cut",
        "us_spill_in_cut",
        "threat_all",
        "threat_frontline",
        "floor_pct_gdp",
        "leave",
    }
    unknown = sorted(set(levers) - known)
    if unknown:
        raise ScenarioError(
            None,
            "unknown lever of the equilibrium",
            field=unknown[0],
            expected=", ".join(sorted(known)),
        )
    if isinstance(levers.get("leave"), str):
        levers["leave"] = (levers["leave"],)
    elif levers.get("leave") is not None:
        levers["leave"] = tuple(levers["leave"])
    if model not in MODELS:
        raise ScenarioError(
            None,
            "unknown equilibrium model",
            field="model",
            expected=", ".join(MODELS),
            found=model,
        )
    settings = Settings.from_spec(spec, draws=draws, seed=seed, year=year, theta=theta, **levers)
    from accord.workflows import burden_runs

    if model == "chosen":
        from accord.workflows.burden_forecast import chosen_model

        model = chosen_model()
    if model == "joint-product":
        if horizon is not None:
            raise ScenarioError(
                None,
                "the joint-product game has no horizon (it is static)",
                field="horizon",
                found=horizon,
            )
        labelled: BurdenResult = burden_runs.label_joint_product(run_equilibrium(spec, settings))
        return labelled
    if theta is not None:
        raise ScenarioError(
            None,
            "theta belongs to the joint-product game",
            field="theta-range",
            expected="--model joint-product with --theta-range",
            found=theta,
        )
    result = run_estimated_equilibrium(spec, settings, horizon, model=model)
    verdict: BurdenResult = burden_runs.with_verdict(result, spec, settings, horizon)
    return verdict


def burden_spec(scenario: str | os.PathLike[str] | Scenario | None = None) -> BurdenSpec:
    """The ``burden:`` section of a scenario (a shipped name, a path, or a loaded Scenario),
    or of a bare burden YAML; default the shipped ukraine-2025."""
    from accord.scenario.burden import load_burden_spec
    from accord.scenario.loader import resolve

    if scenario is None:
        scenario = DEFAULT_SCENARIO
    if isinstance(scenario, Scenario):
        if scenario.burden is None:
            raise ScenarioError(
                scenario.origin or scenario.name,
                "the scenario has no burden section",
                field="burden",
            )
        return scenario.burden
    path = resolve(Path(scenario) if isinstance(scenario, os.PathLike) else scenario)
    if path.suffix.lower() == ".csv":
        raise ScenarioError(
            str(path),
            "a KTAB CSV has no burden section",
            field="burden",
            expected="a scenario YAML with a 'burden:' section",
        )
    return load_burden_spec(path)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: finite(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


@dataclass(frozen=True)
class Settings:
    """Lever values for one run (the spec's defaults, overridden from the CLI)."""

    us_cut: float = 0.0
    us_spill_in_cut: float = 0.0
    threat_all: float = 0.0
    threat_frontline: float = 0.0
    floor_pct_gdp: float | None = None
    leave: tuple[str, ...] = ()
    year: int | None = None
    theta: tuple[float, float] | None = None
    draws: int | None = None
    seed: int = DEFAULT_SEED

    @classmethod
    def from_spec(cls, spec: BurdenSpec, **overrides: Any) -> Settings:
        lv = spec.levers
        values: dict[str, Any] = {
            "us_cut": lv.us_cut.default,
            "us_spill_in_cut": lv.us_spill_in_cut.default,
            "threat_all": lv.threat_all.default,
            "threat_frontline": lv.threat_frontline.default,
            "floor_pct_gdp": lv.floor_pct_gdp.default,
            "leave": lv.leave.default,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        for name in ("us_cut", "us_spill_in_cut"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ScenarioError(
                    None,
                    "a fraction must lie in [0, 1]",
                    field=name,
                    expected="a number in [0, 1]",
                    found=value,
                )
        for name in ("threat_all", "threat_frontline"):
            # A NaN passes `< 0`; a rise of 1e308 overflows the demand model.
            if not 0 <= getattr(self, name) <= MAX_THREAT_RISE:
                raise ScenarioError(
                    None,
                    "a threat rise is a relative increase >= 0",
                    field=name,
                    expected=f"a number in [0, {MAX_THREAT_RISE:g}]",
                    found=getattr(self, name),
                )
        if self.floor_pct_gdp is not None and not 0 <= self.floor_pct_gdp <= 100:
            raise ScenarioError(
                None,
                "floor is a share of GDP in %",
                field="floor",
                expected="a number in [0, 100]",
                found=self.floor_pct_gdp,
            )
        if self.theta is not None and not 0 <= self.theta[0] <= self.theta[1] <= 1:
            raise ScenarioError(
                None,
                "theta range must satisfy 0 <= low <= high <= 1",
                field="theta_range",
                found=list(self.theta),
            )
        _check_draws(self.draws)


@dataclass(frozen=True)
class BurdenResult:
    """Per-actor table, group totals, the settings used and the provenance of the data."""

    per_actor: pd.DataFrame
    totals: pd.DataFrame
    settings: dict[str, Any]
    provenance: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    analysis: str = ""
    #: Top-level figures of the analysis (backtest: model_mae, persistence_mae, ...).
    summary: dict[str, Any] = field(default_factory=dict)
    #: Further named tables (aid: the 2025 check).
    sections: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """The per-ally (per-donor, per-year) table."""
        return self.per_actor

    def _repr_html_(self) -> str:
        from accord.htmlrepr import html_block

        tables = [("", self.per_actor)]
        if not self.totals.empty:
            tables.append(("totals", self.totals))
        return html_block(f"Burden: {self.analysis or 'result'}", tables)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: settings, totals, rows, notes, provenance (NaN -> None)."""
        payload: dict[str, Any] = {"analysis": self.analysis, **self.summary}
        payload.update(
            {
                "settings": self.settings,
                "totals": _records(self.totals),
                "rows": _records(self.per_actor),
            }
        )
        payload.update({name: _records(frame) for name, frame in self.sections.items()})
        payload.update({"notes": self.notes, "provenance": self.provenance})
        return payload

    def figure(self) -> Figure:
        """The analysis' figure, a ``matplotlib.figure.Figure`` made without pyplot."""
        draw = {
            "equilibrium": _figure_equilibrium,
            "aid": _figure_aid,
            "exploitation": _figure_exploitation,
        }.get(self.analysis)
        if draw is None:
            raise ScenarioError(
                None, "no figure for this result", field="analysis", found=self.analysis
            )
        return draw(self)


#: Largest threat rise accepted: +10,000 % (a relative rise; 1e308 overflows the model).
MAX_THREAT_RISE = 100.0
#: Most draws of a burden run, as in the spec (each draw holds a few arrays per ally).
MAX_DRAWS = 1_000_000


def _check_draws(draws: int | None) -> None:
    if draws is not None and not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError(
            None,
            "draws out of range",
            field="draws",
            expected=f"an integer in [1, {MAX_DRAWS}]",
            found=draws,
        )


def _per_draw(
    seed: int, purpose: str, low: float, high: float, n_draws: int, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Theta ~ U(low, high) ``[D]`` and standard normals ``[D, n]``, draw ``i`` from its own
    stream ``SeedSequence(seed, spawn_key=(i, STREAM_KEYS[purpose]))``: the first k draws of
    n are a k-draw run's (:mod:`accord.experiments.rng`)."""
    from accord.experiments.rng import STREAM_KEYS, experiment_draws

    unit, normal = experiment_draws(
        seed, np.arange(n_draws), [("uniform", ()), ("normal", (n,))], stream=STREAM_KEYS[purpose]
    )
    theta = low + (high - low) * unit if high > low else np.full(n_draws, low)
    return theta, normal


def _check_names(names: list[str] | tuple[str, ...], known: tuple[str, ...], what: str) -> None:
    for name in names:
        if name not in known:
            raise ScenarioError(
                None,
                f"unknown ally in {what}",
                field=what,
                expected=f"one of {list(known)}",
                found=name,
            )


def run_equilibrium(spec: BurdenSpec, settings: Settings) -> BurdenResult:
    """Allies' defence spending in the counterfactual equilibrium, with 5-95 % bands.

    Per draw: theta ~ U(theta range); observed spending times exp(N(0, sd)) (measurement
    and vintage noise); the preference weights are calibrated so that this is the
    equilibrium (Sandler 1977 joint-product model), then the levers change the game.
    """
    from accord.data.alliance import alliance
    from accord.models.burden import counterfactual

    year = settings.year or spec.base_year
    data = alliance(year, spec.measure)
    names = data.names
    _check_names(settings.leave, names, "leave")
    _check_names(spec.frontline.allies, names, "frontline")
    if "United States" in settings.leave and (settings.us_cut or settings.us_spill_in_cut):
        raise ScenarioError(None, "the United States cannot both leave and cut", field="leave")
    n_draws = spec.draws if settings.draws is None else settings.draws
    low, high = settings.theta or spec.theta.bounds
    n = len(names)
    theta, normal = _per_draw(settings.seed, "burden_draw", low, high, n_draws, n)
    noise = np.exp(spec.spending_noise_sd.point * normal)
    income = np.broadcast_to(data.income, (n_draws, n))
    observed = data.spending * noise

    us = names.index("United States")
    frontline = np.isin(names, spec.frontline.allies)
    threat = settings.threat_all + settings.threat_frontline * frontline
    spill = np.ones(n)
    spill[us] = 1.0 - settings.us_spill_in_cut
    fixed = np.full((n_draws, n), np.nan)
    # An ally that spent nothing (Iceland: no armed forces) keeps spending nothing: the
    # calibration only bounds its preference weight from below.
    fixed[:, data.spending <= 0] = 0.0
    if settings.us_cut > 0:
        fixed[:, us] = observed[:, us] * (1.0 - settings.us_cut)
    floor = None
    if settings.floor_pct_gdp is not None:
        floor = np.minimum(income * settings.floor_pct_gdp / 100.0, income)
    present = ~np.isin(names, settings.leave)

    new = counterfactual(
        income,
        observed,
        theta,
        threat_rise=threat,
        spill_in=spill,
        floor=floor,
        fixed=fixed,
        present=present,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(observed > 0, 100.0 * (new / observed - 1.0), np.nan)
    status = [
        "left" if not p else ("frontline" if f else "")
        for p, f in zip(present, frontline, strict=True)
    ]
    per_ally = ally_table(
        names,
        status,
        data.income,
        data.spending,
        new,
        change_pct,
        present,
        spec.targets_pct_gdp.values,
    )
    rows = group_totals(
        ally_groups(names, present), data.spending, data.income, new, base_draws=observed
    )
    notes = [
        f"base year {year}{' (NATO estimate)' if data.is_estimate else ''}; "
        f"{spec.measure} US$ million; theta ~ U({low:g}, {high:g}); {n_draws} draws; "
        f"bands are 5-95 % over draws",
        f"frontline allies: {', '.join(spec.frontline.allies)} ({spec.frontline.source})",
    ]
    used = {
        "year": year,
        "us_cut": settings.us_cut,
        "us_spill_in_cut": settings.us_spill_in_cut,
        "threat_all": settings.threat_all,
        "threat_frontline": settings.threat_frontline,
        "floor_pct_gdp": settings.floor_pct_gdp,
        "leave": list(settings.leave),
        "theta_range": [low, high],
        "draws": n_draws,
        "seed": settings.seed,
    }
    return BurdenResult(per_ally, pd.DataFrame(rows), used, data.provenance, notes, "equilibrium")


def run_aid(
    spec: BurdenSpec,
    *,
    us_aid_stop: float | None = None,
    draws: int | None = None,
    seed: int = DEFAULT_SEED,
    theta: tuple[float, float] | None = None,
) -> BurdenResult:
    """Aid to Ukraine as the same game among donors, calibrated on Kiel allocations.

    The US's aid falls by the fraction ``us_aid_stop`` (fixed, not a best response); the
    other donors re-optimise. Reported: each donor's new aid with bands, how much of the
    US's lost aid the others replace, and the gap that remains.
    """
    from accord.data.alliance import donors
    from accord.models.burden import counterfactual

    stop = spec.aid.us_aid_stop.default if us_aid_stop is None else us_aid_stop
    if not 0 <= stop <= 1:
        raise ScenarioError(
            None,
            "a fraction must lie in [0, 1]",
            field="us_aid_stop",
            expected="a number in [0, 1]",
            found=stop,
        )
    low, high = theta or spec.aid.theta.bounds
    if not 0 <= low <= high <= 1:
        raise ScenarioError(
            None,
            "theta range must satisfy 0 <= low <= high <= 1",
            field="theta_range",
            found=[low, high],
        )
    data = donors(spec.aid.measure, spec.aid.donor_groups)
    if "United States" not in data.names:
        raise ScenarioError(
            None,
            "the aid game needs the United States among the donors",
            field="aid.donor_groups",
            found=list(spec.aid.donor_groups),
        )
    n_draws = spec.draws if draws is None else draws
    _check_draws(n_draws)
    n = len(data.names)
    th, normal = _per_draw(seed, "aid_draw", low, high, n_draws, n)
    observed = data.aid * np.exp(spec.aid.noise_sd.point * normal)
    income = np.broadcast_to(data.income, (n_draws, n))
    us = data.names.index("United States")
    fixed = np.full((n_draws, n), np.nan)
    fixed[:, us] = observed[:, us] * (1.0 - stop)
    new = counterfactual(income, observed, th, fixed=fixed)
    us_loss = observed[:, us] - new[:, us]
    groups_arr = np.array(data.groups)

    table: dict[str, Any] = {
        "donor": list(data.names),
        "group": list(data.groups),
        "gdp2021_eur_bn": data.income,
        "base_aid_eur_bn": data.aid,
        "base_pct_gdp": 100 * data.aid / data.income,
    }
    table.update(band(new, "aid_eur_bn"))
    table.update(band(new - observed, "change_eur_bn"))
    with np.errstate(divide="ignore", invalid="ignore"):
        carried = np.where(us_loss[:, None] > 0, 100 * (new - observed) / us_loss[:, None], np.nan)
    carried[:, us] = np.nan
    table.update(band(carried, "share_of_us_loss_pct"))
    per_donor = pd.DataFrame(table)

    rows = []
    for group in ("US", "Europe", "Other", "All"):
        mask = groups_arr == group if group != "All" else np.ones(n, bool)
        if not mask.any():
            continue
        base, after = observed[:, mask].sum(1), new[:, mask].sum(1)
        row: dict[str, Any] = {"group": group, "base_aid_eur_bn": float(data.aid[mask].sum())}
        for key, values in (("aid_eur_bn", after), ("change_eur_bn", after - base)):
            row.update(band(values, key))
        rows.append(row)
    others = np.arange(n) != us
    replaced = (new[:, others] - observed[:, others]).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        replaced_pct = 100 * replaced / us_loss
    gap = us_loss - replaced
    summary = {"group": "US loss replaced by others"}
    for key, values in (
        ("us_loss_eur_bn", us_loss),
        ("replaced_eur_bn", replaced),
        ("replaced_pct", replaced_pct),
        ("gap_eur_bn", gap),
    ):
        summary.update(band(values, key))
    rows.append(summary)
    notes = [
        f"Kiel R28 {spec.aid.measure} allocations, EUR bn cumulative since Jan 2022; income = "
        f"GDP 2021 implied by Kiel's share column; theta ~ U({low:g}, {high:g}); "
        f"{n_draws} draws; bands 5-95 %",
        f"excluded (GDP share printed as 0 or no aid): {', '.join(data.excluded) or 'none'}",
    ]
    used = {
        "us_aid_stop": stop,
        "theta_range": [low, high],
        "draws": n_draws,
        "seed": seed,
        "measure": spec.aid.measure,
        "donor_groups": list(spec.aid.donor_groups),
    }
    from accord.workflows.burden_runs import aid_check

    check = aid_check(draws=n_draws, seed=seed)
    c = check.per_actor.set_index("measure")
    notes.append(
        "tested on 2025 (Kiel R28 by year): Europe replaced "
        f"{c.loc['total', 'observed_europe_replaced_pct']:.1f} % of the US drop in total aid "
        f"and {c.loc['military', 'observed_europe_replaced_pct']:.1f} % in military aid; the "
        "game fitted on 2022-2024 predicts "
        f"{c.loc['total', 'fitted_europe_replaced_pct']:.0f} % (publicness fitted at "
        f"{c.loc['total', 'fitted_theta_2022_2024']:.2f}), with theta ~ U(0.5, 1) "
        f"{c.loc['total', 'calibrated_europe_replaced_pct']:.0f} % "
        f"[{c.loc['total', 'calibrated_europe_replaced_pct_p05']:.0f}, "
        f"{c.loc['total', 'calibrated_europe_replaced_pct_p95']:.0f}] (table check_2025)"
    )
    notes.extend(check.notes)
    provenance = list(data.provenance)
    provenance += [p for p in check.provenance if p["name"] not in {q["name"] for q in provenance}]
    return BurdenResult(
        per_donor,
        pd.DataFrame(rows),
        used,
        provenance,
        notes,
        "aid",
        sections={"check_2025": check.per_actor},
    )


def run_estimated_equilibrium(
    spec: BurdenSpec, settings: Settings, horizon: int | None = None, *, model: str = "estimated"
) -> BurdenResult:
    """Allies' defence spending under the levers, from the estimated demand model.

    See :func:`accord.workflows.burden_runs.equilibrium`: the base year (SIPRI, default 2024) is
    the equilibrium, the slopes are drawn from the ``burden-demand`` fit, the reaction
    functions are solved jointly year by year for ``horizon`` years (default 10; 0 = long
    run). Frontline allies and targets come from the scenario's burden section.
    """
    from accord.data.alliance import FRONTLINE, alliance
    from accord.workflows import burden_runs

    _check_names(spec.frontline.allies, alliance(spec.base_year).names, "frontline")
    if tuple(sorted(spec.frontline.allies)) != tuple(sorted(FRONTLINE)):
        raise ScenarioError(
            None,
            "the estimated model's frontline is fixed by its fit",
            field="frontline",
            expected=", ".join(FRONTLINE),
            found=list(spec.frontline.allies),
        )
    run = burden_runs.equilibrium_from(spec, settings, horizon, model=model)
    return BurdenResult(
        run.per_actor, run.totals, run.settings, run.provenance, run.notes, "equilibrium"
    )


def run_backtest(train_until: int) -> BurdenResult:
    """Out-of-sample test of the estimated model (:func:`accord.workflows.burden_runs.backtest`).

    ``summary`` holds ``model_mae``, ``persistence_mae``, ``joint_product_mae`` (share of
    GDP, percentage points), ``n_allies`` and ``years``; ``totals`` the errors by year;
    the rows every ally-year's forecasts.
    """
    from accord.workflows import burden_runs

    run = burden_runs.backtest(train_until)
    return BurdenResult(
        run.per_actor,
        run.totals,
        run.settings,
        run.provenance,
        run.notes,
        "backtest",
        summary=run.summary,
    )


ExploitationSource = Literal["nato", "sipri14", "oz1964"]


_SOURCE_LABELS = {"nato": "NATO 2024 edition", "sipri14": "SIPRI 2014-2024", "oz1964": OZ1964_LABEL}


def run_exploitation(
    year: int | None = None,
    sources: tuple[ExploitationSource, ...] = ("nato", "sipri14", "oz1964"),
) -> BurdenResult:
    """Olson & Zeckhauser's exploitation test per year and data source, next to the values
    recorded in ``burden_sharing_rank_correlations.csv`` where it has them."""
    from accord.data import load
    from accord.data.alliance import size_and_burden
    from accord.models.burden import exploitation_test

    recorded = load("rank_correlations")
    rec = recorded.frame[recorded.frame["kind"] == "computed"]
    rows, provenance = [], []
    for source in sources:
        frame, prov = size_and_burden(source)
        provenance.append(prov)
        years = sorted(frame["year"].unique()) if year is None else [year]
        for y in years:
            part = frame[frame["year"] == y]
            if len(part) < 3:
                continue
            test = exploitation_test(part["gdp"], part["burden"])
            match = rec[(rec["year"] == y) & (rec["n_allies"] == test.n)]
            rows.append(
                {
                    "year": int(y),
                    "source": source,
                    "data": _SOURCE_LABELS[source],
                    **test.as_dict(),
                    "recorded_rho": float(match["rho"].iloc[0]) if len(match) else np.nan,
                }
            )
    if not rows:
        raise ScenarioError(
            None, "no data for this year", field="year", expected="1964 or 2014-2024", found=year
        )
    provenance.append(
        {k: recorded.provenance[k] for k in ("name", "file", "source", "verification", "notes")}
    )
    notes = [
        "positive rho = the large carry a larger share of their income "
        "(Olson & Zeckhauser 1966); p-values two-sided (scipy.stats)"
    ]
    if "oz1964" in sources:
        notes.append(f"1964 (oz1964, rho 0.609): {OZ1964_LABEL}")
    table = pd.DataFrame(rows).sort_values(["source", "year"]).reset_index(drop=True)
    return BurdenResult(
        table,
        pd.DataFrame(),
        {"year": year, "sources": list(sources)},
        provenance,
        notes,
        "exploitation",
    )


# ---------------------------------------------------------------------------------------
# Figures (matplotlib.figure.Figure: no pyplot, the backend is left alone)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _figure_equilibrium(result: BurdenResult) -> Figure:
    frame = result.per_actor
    t = frame[(frame["status"] != "left") & (frame["base_spending_musd"] > 0)]
    fig = _figure(13, 6.5)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.scatter(t["gdp_share_pct"], t["base_burden_share_pct"], label="base year", marker="o")
    ax1.errorbar(
        t["gdp_share_pct"],
        t["burden_share_pct"],
        yerr=[
            t["burden_share_pct"] - t["burden_share_pct_p05"],
            t["burden_share_pct_p95"] - t["burden_share_pct"],
        ],
        fmt="s",
        label="counterfactual (5-95 %)",
        alpha=0.8,
    )
    top = max(t["gdp_share_pct"].max(), t["burden_share_pct_p95"].max()) * 1.2
    ax1.plot([0.01, top], [0.01, top], "k--", lw=0.8, label="burden share = GDP share")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("GDP share of the alliance (%)")
    ax1.set_ylabel("share of alliance defence spending (%)")
    ax1.set_title("Burden share vs GDP share")
    ax1.legend(fontsize=8)
    t2 = t.dropna(subset=["change_pct"]).sort_values("change_pct")
    ax2.barh(
        t2["ally"],
        t2["change_pct"],
        xerr=[t2["change_pct"] - t2["change_pct_p05"], t2["change_pct_p95"] - t2["change_pct"]],
        color=["tab:red" if v < 0 else "tab:blue" for v in t2["change_pct"]],
    )
    ax2.axvline(0, color="k", lw=0.8)
    ax2.set_xlabel("change in defence spending vs base year (%, median and 5-95 %)")
    ax2.set_title("Counterfactual change per ally")
    ax2.tick_params(axis="y", labelsize=7)
    s = result.settings
    fig.suptitle(
        f"Burden-sharing equilibrium, base {s['year']}: US cut {s['us_cut']:g}, "
        f"US spill-in cut {s['us_spill_in_cut']:g}, threat {s['threat_all']:g}/"
        f"{s['threat_frontline']:g}, floor {s['floor_pct_gdp']}, leave {s['leave']}"
    )
    return fig


def _figure_aid(result: BurdenResult) -> Figure:
    totals = result.totals.set_index("group")
    summary = totals.loc["US loss replaced by others"]
    groups = [g for g in ("US", "Europe", "Other") if g in totals.index]
    fig = _figure(13, 6)
    ax1, ax2 = fig.subplots(1, 2)
    base = [totals.loc[g, "base_aid_eur_bn"] for g in groups]
    new = [totals.loc[g, "aid_eur_bn"] for g in groups]
    err = [
        [totals.loc[g, "aid_eur_bn"] - totals.loc[g, "aid_eur_bn_p05"] for g in groups],
        [totals.loc[g, "aid_eur_bn_p95"] - totals.loc[g, "aid_eur_bn"] for g in groups],
    ]
    x = range(len(groups))
    ax1.bar([i - 0.2 for i in x], base, width=0.4, label="Kiel R28 allocations")
    ax1.bar([i + 0.2 for i in x], new, width=0.4, yerr=err, label="equilibrium if US aid stops")
    ax1.set_xticks(list(x), groups)
    ax1.set_ylabel("EUR bn (cumulative since Jan 2022)")
    ax1.set_title(
        f"Aid gap: US loss {summary['us_loss_eur_bn']:.0f}, replaced "
        f"{summary['replaced_pct']:.0f} % [{summary['replaced_pct_p05']:.0f}-"
        f"{summary['replaced_pct_p95']:.0f}], gap {summary['gap_eur_bn']:.1f} bn",
        fontsize=10,
    )
    ax1.legend(fontsize=8)
    d = result.per_actor.dropna(subset=["share_of_us_loss_pct"])
    d = d.sort_values("change_eur_bn").tail(15)
    ax2.barh(
        d["donor"],
        d["change_eur_bn"],
        xerr=[
            d["change_eur_bn"] - d["change_eur_bn_p05"],
            d["change_eur_bn_p95"] - d["change_eur_bn"],
        ],
    )
    ax2.set_xlabel("added aid in equilibrium, EUR bn (median, 5-95 %)")
    ax2.set_title("Who carries it (top 15 donors)")
    ax2.tick_params(axis="y", labelsize=8)
    return fig


def _figure_exploitation(result: BurdenResult) -> Figure:
    t = result.per_actor
    fig = _figure(9, 5)
    ax = fig.subplots()
    labels = {
        "nato": "31 allies (NATO 2024 edition)",
        "sipri14": "14 members of 1964 (SIPRI)",
        "oz1964": "14 members, 1964 (SIPRI stand-in, not O&Z's table)",
    }
    for source, part in t.groupby("source"):
        ax.plot(part["year"], part["spearman_rho"], "o-", label=f"Spearman, {labels[source]}")
        ax.plot(part["year"], part["kendall_tau"], "x:", label=f"Kendall, {labels[source]}")
    from accord.data import load

    recorded = load("rank_correlations").frame
    for kind, marker in (("computed", "o"), ("published", "s")):
        rec = recorded[recorded["kind"] == kind]
        ax.scatter(
            rec["year"],
            rec["rho"],
            s=90,
            marker=marker,
            facecolors="none",
            edgecolors="k",
            label=f"recorded ({kind}) in burden_sharing_rank_correlations.csv",
        )
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("rank correlation of GDP with defence spending / GDP")
    ax.set_title("Olson-Zeckhauser exploitation test over the years")
    ax.legend(fontsize=7)
    return fig


def check_burden_spec(spec: BurdenSpec) -> None:
    """Refuse now what a burden run of ``spec`` would refuse later (``accord validate``).

    Runs each game once at the spec's default levers with two draws (that checks the base
    year's data, the frontline allies and the donors) and checks every ally the ``leave``
    lever may name.
    """
    from accord.data.alliance import alliance

    run_equilibrium(spec, Settings.from_spec(spec, draws=2))
    run_aid(spec, draws=2)
    names = alliance(spec.base_year, spec.measure).names
    _check_names(spec.levers.leave.options, names, "levers.leave.options")
