"""Calibration of the coupled engine to the record of wars, by history matching.

``accord calibrate SCENARIO`` runs a Latin-hypercube design over the engine's calibrated
uncertainties (:data:`CANDIDATES` that the scenario declares), each point with many futures
of the other uncertainties (the scenario's own ranges, the chosen variant's levers), through
accord's own experiments machinery (:func:`accord.experiments.runner.run_experiments`: the
same designs, executors and run store as ``accord run``). A point is kept when every simulated
target lies inside its observed interval, with a margin of two Monte Carlo standard errors,
so that noise alone does not carry a point in (history matching: Craig, Goldstein, Seheult &
Smith 1997; Vernon, Goldstein & Bower 2010, "Galaxy formation: a Bayesian uncertainty
analysis", *Bayesian Analysis* 5(4), with the implausibility cut replaced by the interval
itself). A second wave samples the box of the first wave's accepted points.

Targets (:func:`observed_targets`), counts of the shipped data with Clopper-Pearson intervals,
none an output of a fit that also drives the engine (issue 22):

* the COW long-war life-table hazards: of the wars at war at 3 years, the share that ended
  within the next year (months 0-12 of the run: the war is 3 years old at the start), and of
  those at war at 4 years, the share ended by 6 (months 12-36);
* the decisive and freeze shares of ended UCDP war-intensity interstate episodes;
* the first-year failure of fresh ceasefires (Fortna's civil-war truces with Minsk I and II)
  and the months 12-60 failure of UCDP ceasefire agreements that held a year;
* held out (``"held_out": true``, reported, never used for acceptance): the decisive share of
  the COW wars that reached 2 years.

The result (``calibration.json``) lists the targets (``name``, ``observed`` ``{value, low,
high, count, n}``, ``simulated``: the value over the accepted points' futures pooled,
``held_out``), the accepted sample and ``accepted_share_of_prior_box`` (wave 1's share).
``accord run`` applies a scenario's shipped calibration (:func:`apply`): each experiment
takes one accepted point, chosen by its own uniform, so the calibrated parameters keep their
joint distribution and results stay independent of chunking.
"""

from __future__ import annotations

import functools
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from accord.experiments.rng import DEFAULT_SEED, STREAM_KEYS, child_seed
from accord.spec.errors import ScenarioError
from accord.spec.jsonout import dumps

if TYPE_CHECKING:
    from accord.experiments.executors import ExecutorName

FILE_NAME = "calibration.json"
REPORT_NAME = "calibration.md"
#: Uncertainties the calibration may narrow, in order (issue 22: at least four): the monthly
#: chance of closing a deal, the weight of the record's hazard of ends without agreement, the
#: split of those ends into freezes, a fresh ceasefire's first-year failure and the 5-year
#: renewal of a ceasefire that held its first year; and (only where the engine reads it:
#: civil-war durability evidence) the interstate shift of the renewal hazard.
CANDIDATES: tuple[str, ...] = (
    "talks_probability",
    "war_end_hazard_scale",
    "freeze_share",
    "ceasefire_first_year_failure",
    "durability_p_recur_5y",
    "log_hr_interstate",
)
#: The experiments' own stream for picking an accepted point (apart from the engine's draws).
PICK_STREAM = STREAM_KEYS["calibration_pick"]  # "cali"
MARGIN_SE = 1.0
#: The record's long-war life-table windows the engine can be held to, with the window of
#: the simulation they map to: the war under way is 3 years old at the scenario's start
#: (2022-02-24 to 2025-03-01), so months 0-12 are its fourth year, months 12-36 years 5-6.
HAZARD_TARGETS: tuple[tuple[str, float, float, int, int], ...] = (
    ("hazard_year_1", 3.0, 1.0, 0, 12),
    ("hazard_years_2_3", 4.0, 2.0, 12, 36),
)
DECISIVE: tuple[str, ...] = ("decision", "collapse")
FREEZE: tuple[str, ...] = ("freeze",)
#: The target held out of acceptance and reported against its interval.
HELD_OUT = "decisive_share_cow_long_wars"


def _target(
    name: str,
    description: str,
    counts: tuple[int, int],
    value: float,
    low: float,
    high: float,
    source: str,
    held_out: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "observed": {"value": value, "low": low, "high": high, "count": counts[0], "n": counts[1]},
        "source": source,
        "held_out": held_out,
    }


def observed_targets() -> list[dict[str, Any]]:
    """The record's targets with exact binomial intervals (none from the engine's own fits).

    Long-war life-table hazards of the COW wars (:func:`accord.fits.war_duration.
    long_war_hazards`), the end-type shares of UCDP's war-intensity interstate episodes
    (:func:`accord.fits.war_duration.long_war_end_types`), a fresh ceasefire's first-year
    failure from data that keeps short truces (:func:`accord.fits.durability.
    first_year_ceasefire_failure`) and the later failure of UCDP's ceasefire agreements that
    held a year; held out: the decisive share of the COW wars that reached 2 years.
    """
    from accord.fits import durability, war_duration

    wars = war_duration.cow_wars()
    life = {
        (row["reached_years"], row["window_years"]): row
        for row in war_duration.long_war_hazards(wars["duration_years"], wars["ended"])
    }
    rows = []
    for name, reached, width, start, stop in HAZARD_TARGETS:
        row = life[(reached, width)]
        rows.append(
            _target(
                name,
                f"P(war ends in months {start}-{stop} of the run | at war at month {start}): "
                f"the war's years {reached:g}-{reached + width:g}",
                (row["ended"], row["n"]),
                row["rate"],
                row["low"],
                row["high"],
                f"COW inter-state wars 1816-2007 (cow_interstate_war_durations.csv), life table: "
                f"{row['ended']} of the {row['n']} wars still fought at {reached:g} years ended "
                f"before {reached + width:g} (Clopper-Pearson 95 %)",
            )
        )
    shares = war_duration.long_war_end_types()
    ucdp = shares["ucdp_war_intensity_episodes"]
    for name, kind, label in (
        ("decisive_share", "decisive", "decision or collapse"),
        ("freeze_share_of_ends", "freeze", "freeze"),
    ):
        cell = ucdp[kind]
        rows.append(
            _target(
                name,
                f"share of ended wars (first end, 10-year horizon) that ended by {label}",
                (cell["count"], cell["n"]),
                cell["share"],
                cell["low"],
                cell["high"],
                "UCDP Conflict Termination v3-2021, ended interstate episodes with a "
                f"war-intensity year (1,000+ battle deaths): {cell['count']} of {cell['n']} "
                "ended by "
                f"{'victory (outcomes 3, 4, 6)' if kind == 'decisive' else 'low activity (5)'} "
                "(Clopper-Pearson 95 %)",
            )
        )
    first = durability.first_year_ceasefire_failure()
    rows.append(
        _target(
            "ceasefire_failure_first_year",
            "share of fresh ceasefires followed by renewed war within 12 months",
            (first["failed"], first["n"]),
            first["rate"],
            first["low"],
            first["high"],
            f"Fortna's civil-war ceasefires (fortna_civilwar_ceasefires.csv), truces: "
            f"{first['fortna_truces']['failed']} of {first['fortna_truces']['n']} failed within "
            "365 days of the ceasefire date; with Minsk I (failed) and Minsk II (held its first "
            f"year): {first['failed']} of {first['n']} (Clopper-Pearson 95 %)",
        )
    )
    later = durability.two_stage_hazards(durability.interstate_episodes(), None)
    cell = later["record"]["ceasefire_agreement"]["years_2_5_given_first_year"]
    rows.append(
        _target(
            "ceasefire_failure_years_2_5",
            "share of ceasefires that held 12 months and were followed by renewed war by month 60",
            (cell["recurred"], cell["n"]),
            cell["rate"],
            cell["low"],
            cell["high"],
            f"UCDP Conflict Termination v3-2021, interstate episodes ended by a ceasefire "
            f"agreement: {cell['recurred']} of {cell['n']} recurred in months 12-60 (all had held "
            "12 months: UCDP codes an end only after a year below 25 deaths; Clopper-Pearson 95 %)",
        )
    )
    cow = shares["cow_wars_reaching_2_years"]["decisive"]
    rows.append(
        _target(
            HELD_OUT,
            "share of ended wars (first end) that ended by decision or collapse, "
            "against the long COW wars (held out: not used for acceptance)",
            (cow["count"], cow["n"]),
            cow["share"],
            cow["low"],
            cow["high"],
            f"COW inter-state wars that reached 2 years: {cow['count']} of {cow['n']} had a "
            "winner (Clopper-Pearson 95 %)",
            held_out=True,
        )
    )
    for target in rows:
        check_target(target)
    return rows


def check_target(target: dict[str, Any], origin: str = "calibration targets") -> None:
    """Refuse a target with an empty sample or an interval that excludes its own value."""
    observed = target["observed"]
    if not observed.get("n"):
        raise ScenarioError(
            origin,
            "empty sample",
            field=f"{target['name']}.observed.n",
            expected="at least one case",
            found=observed.get("n"),
        )
    if not observed["low"] <= observed["value"] <= observed["high"]:
        raise ScenarioError(
            origin,
            "the interval excludes its own value",
            field=f"{target['name']}.observed",
            expected="low <= value <= high",
            found=f"{observed['value']} outside {observed['low']}-{observed['high']}",
        )


def simulated_targets(scalars: pd.DataFrame, horizon: int) -> dict[str, tuple[float, int]]:
    """Each target's simulated value and the number of futures it rests on."""
    from accord.analysis import war_end

    months = scalars["war_end_month"].to_numpy(dtype=float)
    out: dict[str, tuple[float, int]] = {}
    for name, _, _, start, stop in HAZARD_TARGETS:
        if stop <= horizon:
            at_risk = int((np.isnan(months) | (months >= start)).sum())
            out[name] = (war_end.window_hazard(months, start, stop), at_risk)
    out["decisive_share"] = war_end.ended_share(scalars, DECISIVE)
    out[HELD_OUT] = out["decisive_share"]
    out["freeze_share_of_ends"] = war_end.ended_share(scalars, FREEZE)
    out["ceasefire_failure_first_year"] = war_end.ceasefire_failure_rate(scalars, horizon, 1.0)
    out["ceasefire_failure_years_2_5"] = war_end.ceasefire_later_failure_rate(scalars, horizon)
    return out


def _inside(value: float, count: int, observed: dict[str, float], margin_se: float) -> bool:
    if not math.isfinite(value) or count == 0:
        return False
    se = math.sqrt(max(value * (1.0 - value), 0.25 / count) / count)
    return observed["low"] + margin_se * se <= value <= observed["high"] - margin_se * se


def calibrate(
    scenario: Any,
    *,
    out_dir: str | os.PathLike[str],
    variant: str = "baseline",
    points: int = 200,
    replicates: int = 150,
    waves: int = 2,
    seed: int = DEFAULT_SEED,
    executor: ExecutorName = "inprocess",
    chunk_size: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """History-match the scenario's engine to :func:`observed_targets`; write the results.

    Returns the calibration (also written to ``out_dir/calibration.json``, with a Markdown
    report ``out_dir/calibration.md``; the runs go to ``out_dir/runs``).
    """
    from accord.experiments.design import make_design
    from accord.experiments.runner import run_experiments
    from accord.safeio import ensure_directory
    from accord.simulation import compile_spec, simulate_chunk, variant_design
    from accord.simulation.engine import CIVIL_WAR_PARAMETERS, OPTIONAL_PARAMETERS, PARAMETERS

    spec = scenario.simulation
    origin = scenario.origin or scenario.name
    if spec is None:
        raise ScenarioError(origin, "the scenario has no simulation section", field="simulation")
    if variant not in spec.variants:
        raise ScenarioError(
            origin,
            "unknown variant",
            field="--variant",
            expected=f"one of {sorted(spec.variants)}",
            found=variant,
        )
    uncertainties, _ = spec.variant_inputs(variant)
    compiled = compile_spec(spec, scenario, seed=seed, source=origin)
    read = set(compiled.defaults) & (
        set(PARAMETERS)
        | set(OPTIONAL_PARAMETERS)
        | (set(CIVIL_WAR_PARAMETERS) if spec.durability_evidence == "civil_war" else set())
    )
    calibrated = [u for u in uncertainties if u.name in CANDIDATES and u.name in read]
    if not calibrated:
        raise ScenarioError(
            origin,
            "no calibrated uncertainty declared",
            field="uncertainties",
            expected=f"some of {list(CANDIDATES)}",
        )
    out = Path(out_dir)
    ensure_directory(out)
    targets = observed_targets()
    simulate = functools.partial(simulate_chunk, spec=compiled)
    horizon = spec.horizon_months
    names = [u.name for u in calibrated]
    box = {u.name: (u.low, u.high) for u in calibrated}
    evaluated = []
    for wave in range(1, waves + 1):
        wave_uncertainties = [
            u.model_copy(
                update={
                    "distribution": "uniform",
                    "mode": None,
                    "low": box[u.name][0],
                    "high": box[u.name][1],
                }
            )
            for u in calibrated
        ]
        point_design = make_design(
            wave_uncertainties,
            [],
            points,
            method="lhs",
            seed=child_seed(seed, "calibration_points", wave),
        )
        design = variant_design(
            spec,
            variant,
            points * replicates,
            seed=child_seed(seed, "calibration_futures", wave),
            method="lhs",
        )
        design["calibration_point"] = np.repeat(np.arange(points), replicates)
        for name in names:
            design[name] = np.repeat(point_design[name].to_numpy(float), replicates)
        meta = {
            "scenario": scenario.name,
            "variant": variant,
            "calibration_wave": wave,
            "scenario_hash": scenario.hash(),
        }
        stored = run_experiments(
            simulate,
            design,
            seed=seed,
            out_dir=out / "runs",
            executor=executor,
            chunk_size=chunk_size,
            meta=meta,
            progress=progress,
            run_id=f"wave-{wave}",
            overwrite=True,
        )
        scalars = stored.scalars().merge(
            design[["experiment", "calibration_point"]], on="experiment"
        )
        for point, group in scalars.groupby("calibration_point"):
            sims = simulated_targets(group, horizon)
            inside = all(
                _inside(*sims[t["name"]], t["observed"], MARGIN_SE)
                for t in targets
                if not t["held_out"]
            )
            evaluated.append(
                {
                    "wave": wave,
                    "point": int(point),
                    "accepted": inside,
                    **{name: float(point_design[name].iloc[int(point)]) for name in names},
                    **{f"simulated_{t['name']}": sims[t["name"]][0] for t in targets},
                }
            )
        kept = [row for row in evaluated if row["wave"] == wave and row["accepted"]]
        if len(kept) >= 2 and wave < waves:
            box = {name: (min(r[name] for r in kept), max(r[name] for r in kept)) for name in names}
    final_wave = max(row["wave"] for row in evaluated)
    accepted = [row for row in evaluated if row["accepted"]]
    # The calibrated model's values: over the accepted points' futures (without any, over
    # every point of the last wave, i.e. the prior box, so the file still says where it lies).
    pooled = _pooled(out, accepted or [r for r in evaluated if r["wave"] == final_wave], horizon)
    for target in targets:
        value = pooled.get(target["name"], (float("nan"), 0))[0]
        target["simulated"] = value
        target["inside"] = bool(target["observed"]["low"] <= value <= target["observed"]["high"])
    result = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash(),
        "variant": variant,
        "method": "history matching: Latin hypercube over the calibrated uncertainties, "
        f"{replicates} futures per point; a point is kept when every target's "
        f"simulated value lies inside the observed interval by {MARGIN_SE:g} Monte "
        f"Carlo standard errors; {waves} wave(s), the second over the box of the "
        "first's accepted points",
        "seed": seed,
        "points_per_wave": points,
        "replicates": replicates,
        "waves": final_wave,
        "parameters": [
            {
                "name": u.name,
                "prior_low": u.low,
                "prior_high": u.high,
                "prior_distribution": u.distribution,
                "accepted_low": min((r[u.name] for r in accepted), default=None),
                "accepted_high": max((r[u.name] for r in accepted), default=None),
            }
            for u in calibrated
        ],
        "targets": targets,
        # Wave 1 samples the prior box uniformly: its accepted share is the share of the box
        # the targets leave (the later waves sample inside the first's accepted box).
        "accepted_share_of_prior_box": (
            sum(r["accepted"] for r in evaluated if r["wave"] == 1)
            / max(1, sum(r["wave"] == 1 for r in evaluated))
        ),
        "accepted": [{name: row[name] for name in names} for row in accepted],
        "evaluated": evaluated,
        "status": (
            "calibrated"
            if accepted and all(t["inside"] for t in targets if not t["held_out"])
            else "no accepted point"
            if not accepted
            else "pooled value outside"
        ),
    }
    write(result, out)
    return result


def _pooled(
    out: Path, accepted: list[dict[str, Any]], horizon: int
) -> dict[str, tuple[float, int]]:
    """Targets over the futures of every accepted point, all waves pooled."""
    from accord.store.runs import Run

    frames = []
    for wave in sorted({row["wave"] for row in accepted}):
        points = [row["point"] for row in accepted if row["wave"] == wave]
        stored = Run(out / "runs" / f"wave-{wave}")
        design = stored.design()
        scalars = stored.scalars().merge(
            design[["experiment", "calibration_point"]], on="experiment"
        )
        frames.append(scalars[scalars["calibration_point"].isin(points)])
    if not frames:
        return {}
    return simulated_targets(pd.concat(frames, ignore_index=True), horizon)


def write(result: dict[str, Any], out_dir: str | Path) -> Path:
    """Write ``calibration.json`` and ``calibration.md`` into ``out_dir``."""
    from accord.safeio import atomic_write_text

    out = Path(out_dir)
    text = dumps(result, indent=1)
    atomic_write_text(out / FILE_NAME, text + "\n")
    atomic_write_text(out / REPORT_NAME, report_markdown(result))
    return out / FILE_NAME


def report_markdown(result: dict[str, Any]) -> str:
    """A short Markdown report of a calibration."""
    lines = [
        f"# Calibration of {result['scenario']} ({result['variant']})",
        "",
        f"Status: **{result['status']}**. Method: {result['method']}.",
        "",
        "| target | record | observed low | observed high | simulated | inside | use |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in result["targets"]:
        sim = t.get("simulated")
        record = (
            f"{t['observed']['count']} of {t['observed']['n']}" if t["observed"].get("n") else "–"
        )
        lines.append(
            f"| {t['name']} | {record} | {t['observed']['low']:.3f} | "
            f"{t['observed']['high']:.3f} | "
            f"{'–' if sim is None or not math.isfinite(sim) else f'{sim:.3f}'} | "
            f"{'yes' if t.get('inside') else 'no'} | "
            f"{'held out' if t.get('held_out') else 'acceptance'} |"
        )
    share = result.get("accepted_share_of_prior_box")
    lines += [
        "",
        f"Accepted points: {len(result['accepted'])} of "
        f"{len(result['evaluated'])} evaluated"
        + (
            ""
            if share is None
            else f"; share of the prior box accepted (wave 1): {100 * share:.1f} %"
        )
        + ".",
        "",
        "| parameter | prior | accepted range |",
        "|---|---|---|",
    ]
    for p in result["parameters"]:
        accepted = (
            "–"
            if p["accepted_low"] is None
            else f"{p['accepted_low']:.4g} – {p['accepted_high']:.4g}"
        )
        lines.append(
            f"| {p['name']} | {p['prior_distribution']} {p['prior_low']:.4g} – "
            f"{p['prior_high']:.4g} | {accepted} |"
        )
    lines += ["", "Sources of the targets:", ""]
    lines += [f"- {t['name']}: {t['source']}" for t in result["targets"]]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ using a calibration


def shipped_path(scenario: Any) -> Path | None:
    """The calibration file shipped beside a scenario's file, if there is one."""
    origin = getattr(scenario, "origin", None)
    if not origin:
        return None
    folder = Path(origin)
    folder = folder if folder.is_dir() else folder.parent
    path = folder / FILE_NAME
    return path if path.is_file() else None


def load(path: str | Path) -> dict[str, Any]:
    """Read a calibration file (one ScenarioError line if it is not one)."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScenarioError(str(file), f"not a calibration file ({error})") from None
    if not isinstance(data, dict) or not data.get("accepted"):
        raise ScenarioError(
            str(file),
            "calibration has no accepted parameter sample",
            field="accepted",
            expected="a non-empty list",
        )
    return data


def apply(design: pd.DataFrame, calibration: dict[str, Any], seed: int) -> pd.DataFrame:
    """Give each experiment one accepted point of the calibration (chosen by its own uniform)."""
    from accord.experiments.rng import experiment_uniforms

    accepted = pd.DataFrame(calibration["accepted"])
    ids = design["experiment"].to_numpy(dtype=np.int64)
    pick = experiment_uniforms(seed, ids, stream=PICK_STREAM)
    index = np.minimum((pick * len(accepted)).astype(np.int64), len(accepted) - 1)
    out = design.copy()
    for name in accepted.columns:
        out[name] = accepted[name].to_numpy(float)[index]
    return out


def describe(calibration: dict[str, Any] | None, path: Path | None) -> str:
    """One line for reports: which calibration a run used."""
    if calibration is None:
        return "uncalibrated (the scenario's own ranges)"
    names = ", ".join(p["name"] for p in calibration.get("parameters", []))
    return (
        f"calibrated ({path.name if path else FILE_NAME}: {len(calibration['accepted'])} "
        f"accepted points of {names}, status {calibration.get('status')})"
    )
