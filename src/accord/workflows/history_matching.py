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

Targets (:func:`observed_targets`):

* the hazard of the war ending in year 1, years 2-3 and years 4-10 after the scenario's
  start, for a war that has lasted three years, from the war-duration fit
  (:func:`accord.fits.war_duration.combined_targets`, COW inter-state wars);
* the share of ceasefires that fail within five years, from the UCDP interstate record
  (:func:`accord.fits.war_duration.ceasefire_recurrence`: 1 of 15, exact binomial interval).

The result (``calibration.json``) lists the targets (``name``, ``observed`` ``{low, high}``,
``simulated``: the value over the accepted points' futures pooled) and the accepted sample.
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
#: Uncertainties the calibration may narrow, in order: the weight of the record's hazard of
#: ends without agreement, the monthly chance of closing a deal, and (only where the engine
#: reads it: civil-war durability evidence) the interstate shift of the renewal hazard. The
#: interstate durability fit's own parameters are left as that fit drew them.
CANDIDATES: tuple[str, ...] = ("war_end_hazard_scale", "talks_probability", "log_hr_interstate")
#: The experiments' own stream for picking an accepted point (apart from the engine's draws).
PICK_STREAM = STREAM_KEYS["calibration_pick"]  # "cali"
MARGIN_SE = 1.0
CEASEFIRE_YEARS = 5.0


def observed_targets() -> list[dict[str, Any]]:
    """The record's targets with their intervals (from the fitted war-duration models)."""
    from accord.fits import war_duration

    fits = war_duration.fit_models()
    rows = []
    for name, values in fits.targets.items():
        rows.append({
            "name": f"hazard_{name}",
            "description": f"P(war ends in {name.replace('_', ' ')} after the start | at war "
                           "at the window's start), war at war for 3 years at the start",
            "observed": {"value": values["value"], "low": values["low"],
                         "high": values["high"]},
            "source": "accord fit war-duration: Weibull and log-logistic AFT on the 95 COW "
                      "inter-state wars, Russia-Ukraine covariates (Akaike-weighted value, "
                      "interval spanning both families' 95 % intervals)",
        })
    rows.append(ceasefire_failure_target())
    return rows


def ceasefire_failure_target() -> dict[str, Any]:
    """The 5-year ceasefire failure target: the durability fit's, else the UCDP record's.

    ``accord fit durability`` (interstate ceasefire agreements, UCDP) gives the 5-year
    recurrence of a ceasefire agreement with its interval; without that fit, the raw record:
    interstate episodes that ended in a ceasefire and recurred within five years, with the
    exact binomial interval.
    """
    from accord.fits import FITS, run_fit, war_duration

    target: dict[str, Any] = {"name": "ceasefire_failure_5y",
              "description": "share of ceasefires followed by renewed war within 5 years"}
    if "durability" in FITS:
        estimate = run_fit("durability").estimate("p_recur_5y_ceasefire_agreement")
        target["observed"] = {"value": estimate.value, "low": estimate.low,
                              "high": estimate.high}
        target["source"] = ("accord fit durability: p_recur_5y_ceasefire_agreement (UCDP "
                            "interstate terminations and agreements), 95 % interval")
        return target
    record = war_duration.ceasefire_recurrence(CEASEFIRE_YEARS)
    target["observed"] = {"value": record["rate"], "low": record["low"], "high": record["high"]}
    target["source"] = (f"UCDP Conflict Termination v3-2021, interstate episodes ended by a "
                        f"ceasefire: {record['failures']} of {record['n']} recurred within 5 "
                        "years (Clopper-Pearson 95 % interval)")
    return target


def simulated_targets(scalars: pd.DataFrame, horizon: int) -> dict[str, tuple[float, int]]:
    """Each target's simulated value and the number of futures it rests on."""
    from accord.analysis import war_end

    months = scalars["war_end_month"].to_numpy(dtype=float)
    out: dict[str, tuple[float, int]] = {}
    for name, start, stop in war_end.WINDOWS:
        if stop <= horizon:
            at_risk = int((np.isnan(months) | (months >= start)).sum())
            out[f"hazard_{name}"] = (war_end.window_hazard(months, start, stop), at_risk)
    out["ceasefire_failure_5y"] = war_end.ceasefire_failure_rate(scalars, horizon,
                                                                 CEASEFIRE_YEARS)
    return out


def _inside(value: float, count: int, observed: dict[str, float], margin_se: float) -> bool:
    if not math.isfinite(value) or count == 0:
        return False
    se = math.sqrt(max(value * (1.0 - value), 0.25 / count) / count)
    return observed["low"] + margin_se * se <= value <= observed["high"] - margin_se * se


def calibrate(scenario: Any, *, out_dir: str | os.PathLike[str], variant: str = "baseline",
              points: int = 48, replicates: int = 150, waves: int = 2, seed: int = DEFAULT_SEED,
              executor: ExecutorName = "inprocess", chunk_size: int | None = None,
              progress: bool = True) -> dict[str, Any]:
    """History-match the scenario's engine to :func:`observed_targets`; write the results.

    Returns the calibration (also written to ``out_dir/calibration.json``, with a Markdown
    report ``out_dir/calibration.md``; the runs go to ``out_dir/runs``).
    """
    from accord.experiments.design import make_design
    from accord.experiments.runner import run_experiments
    from accord.safeio import ensure_directory
    from accord.simulation import compile_spec, simulate_chunk, variant_design
    from accord.simulation.engine import CIVIL_WAR_PARAMETERS, PARAMETERS

    spec = scenario.simulation
    origin = scenario.origin or scenario.name
    if spec is None:
        raise ScenarioError(origin, "the scenario has no simulation section", field="simulation")
    if variant not in spec.variants:
        raise ScenarioError(origin, "unknown variant", field="--variant",
                            expected=f"one of {sorted(spec.variants)}", found=variant)
    uncertainties, _ = spec.variant_inputs(variant)
    compiled = compile_spec(spec, scenario, seed=seed, source=origin)
    read = set(compiled.defaults) & (set(PARAMETERS) | (
        set(CIVIL_WAR_PARAMETERS) if spec.durability_evidence == "civil_war" else set()))
    calibrated = [u for u in uncertainties if u.name in CANDIDATES and u.name in read]
    if not calibrated:
        raise ScenarioError(origin, "no calibrated uncertainty declared", field="uncertainties",
                            expected=f"some of {list(CANDIDATES)}")
    out = Path(out_dir)
    ensure_directory(out)
    targets = observed_targets()
    simulate = functools.partial(simulate_chunk, spec=compiled)
    horizon = spec.horizon_months
    names = [u.name for u in calibrated]
    box = {u.name: (u.low, u.high) for u in calibrated}
    evaluated = []
    for wave in range(1, waves + 1):
        wave_uncertainties = [u.model_copy(update={"distribution": "uniform", "mode": None,
                                                   "low": box[u.name][0],
                                                   "high": box[u.name][1]})
                              for u in calibrated]
        point_design = make_design(wave_uncertainties, [], points, method="lhs",
                                   seed=child_seed(seed, "calibration_points", wave))
        design = variant_design(spec, variant, points * replicates,
                                seed=child_seed(seed, "calibration_futures", wave),
                                method="lhs")
        design["calibration_point"] = np.repeat(np.arange(points), replicates)
        for name in names:
            design[name] = np.repeat(point_design[name].to_numpy(float), replicates)
        meta = {"scenario": scenario.name, "variant": variant, "calibration_wave": wave,
                "scenario_hash": scenario.hash()}
        stored = run_experiments(simulate, design, seed=seed, out_dir=out / "runs",
                                 executor=executor, chunk_size=chunk_size,
                                 meta=meta, progress=progress, run_id=f"wave-{wave}",
                                 overwrite=True)
        scalars = stored.scalars().merge(design[["experiment", "calibration_point"]],
                                         on="experiment")
        for point, group in scalars.groupby("calibration_point"):
            sims = simulated_targets(group, horizon)
            inside = all(_inside(*sims[t["name"]], t["observed"], MARGIN_SE) for t in targets)
            evaluated.append({
                "wave": wave, "point": int(point), "accepted": inside,
                **{name: float(point_design[name].iloc[int(point)]) for name in names},
                **{f"simulated_{t['name']}": sims[t["name"]][0] for t in targets},
            })
        kept = [row for row in evaluated if row["wave"] == wave and row["accepted"]]
        if len(kept) >= 2 and wave < waves:
            box = {name: (min(r[name] for r in kept), max(r[name] for r in kept))
                   for name in names}
    final_wave = max(row["wave"] for row in evaluated)
    accepted = [row for row in evaluated if row["accepted"]]
    # The calibrated model's values: over the accepted points' futures (without any, over
    # every point of the last wave, i.e. the prior box, so the file still says where it lies).
    pooled = _pooled(out, accepted or [r for r in evaluated if r["wave"] == final_wave],
                     horizon)
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
        "parameters": [{"name": u.name, "prior_low": u.low, "prior_high": u.high,
                        "prior_distribution": u.distribution,
                        "accepted_low": min((r[u.name] for r in accepted), default=None),
                        "accepted_high": max((r[u.name] for r in accepted), default=None)}
                       for u in calibrated],
        "targets": targets,
        "accepted": [{name: row[name] for name in names} for row in accepted],
        "evaluated": evaluated,
        "status": ("calibrated" if accepted and all(t["inside"] for t in targets)
                   else "no accepted point" if not accepted else "pooled value outside"),
    }
    write(result, out)
    return result


def _pooled(out: Path, accepted: list[dict[str, Any]], horizon: int
            ) -> dict[str, tuple[float, int]]:
    """Targets over the futures of every accepted point, all waves pooled."""
    from accord.store.runs import Run

    frames = []
    for wave in sorted({row["wave"] for row in accepted}):
        points = [row["point"] for row in accepted if row["wave"] == wave]
        stored = Run(out / "runs" / f"wave-{wave}")
        design = stored.design()
        scalars = stored.scalars().merge(design[["experiment", "calibration_point"]],
                                         on="experiment")
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
    lines = [f"# Calibration of {result['scenario']} ({result['variant']})", "",
             f"Status: **{result['status']}**. Method: {result['method']}.", "",
             "| target | observed low | observed high | simulated | inside |",
             "|---|---|---|---|---|"]
    for t in result["targets"]:
        sim = t.get("simulated")
        lines.append(f"| {t['name']} | {t['observed']['low']:.3f} | "
                     f"{t['observed']['high']:.3f} | "
                     f"{'–' if sim is None or not math.isfinite(sim) else f'{sim:.3f}'} | "
                     f"{'yes' if t.get('inside') else 'no'} |")
    lines += ["", f"Accepted points: {len(result['accepted'])} of "
                  f"{len(result['evaluated'])} evaluated.", "",
              "| parameter | prior | accepted range |", "|---|---|---|"]
    for p in result["parameters"]:
        accepted = ("–" if p["accepted_low"] is None
                    else f"{p['accepted_low']:.4g} – {p['accepted_high']:.4g}")
        lines.append(f"| {p['name']} | {p['prior_distribution']} {p['prior_low']:.4g} – "
                     f"{p['prior_high']:.4g} | {accepted} |")
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
        raise ScenarioError(str(file), "calibration has no accepted parameter sample",
                            field="accepted", expected="a non-empty list")
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
    return (f"calibrated ({path.name if path else FILE_NAME}: {len(calibration['accepted'])} "
            f"accepted points of {names}, status {calibration.get('status')})")
