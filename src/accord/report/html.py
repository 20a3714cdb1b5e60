"""Self-contained HTML report of one or more runs (variants) of a scenario.

The report is one HTML file: inline CSS, figures embedded as base64 PNG ``data:`` URIs, no
scripts, fonts or links to the network, so it opens anywhere offline. Text is rendered by
jinja2 with autoescaping. The file is written to a temporary name in the target directory and
renamed, so a reader never sees half a report.

How to read it: ``docs/report.md``.
"""

from __future__ import annotations

import base64
import math
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from accord.analysis.formatting import fmt
from accord.analysis.summary import (
    fan_bands_many,
    headline_table,
    is_binary,
    outcome_label,
    terms_columns,
)
from accord.safeio import atomic_write_bytes, ensure_directory
from accord.spec.outcomes import DERIVED, NAN_MEANS_NEVER, SERIES, is_outcome, with_derived
from accord.spec.progress import Progress

#: Monthly series shown as fan charts, in order.
FAN_VARIABLES = list(SERIES)
#: Derived per experiment (:func:`accord.spec.outcomes.with_derived`) for effects, comparisons
#: and discovery. NAN_MEANS_NEVER (outcomes whose NaN means "did not happen within the
#: horizon") also comes from the registry.
DERIVED_OUTCOMES = tuple(DERIVED)
#: Outcomes with a levers' effect figure (besides terms_*); the table lists every outcome.
LEVER_FIGURE_OUTCOMES = [
    "ceasefire_reached",
    "peace_holds_5y",
    "months_of_peace",
    "aid_total_europe",
    "escalation_use_of_force_events",
]
#: Outcomes whose drivers are ranked by feature importance.
IMPORTANCE_OUTCOMES = [
    "ceasefire_reached",
    "peace_holds_5y",
    "aid_total_europe",
    "escalation_use_of_force_events",
]
#: PRIM box shown: the densest with at least this coverage and at most this many restrictions.
PRIM_MIN_COVERAGE = 0.5
PRIM_MAX_RESTRICTED = 3
#: Bootstrap replicates of the box's stability check (judgement: enough to tell a restriction
#: found every time from one found half the time; each is a PRIM fit, about a second at 20,000).
PRIM_REPLICATES = 20
#: Bootstrap replicates of the sensitivity indices' intervals (judgement: the interval's
#: half-width is stable to about 10 % from 30 replicates; SALib's default is 100).
SENSITIVITY_REPLICATES = 30
#: Minimum experiments for PRIM and feature importance.
MIN_EXPERIMENTS_DISCOVERY = 200
NON_INPUT_COLUMNS = {"experiment", "variant", "seed"}


@dataclass(frozen=True)
class ReportRun:
    """One run (variant) to report.

    Attributes
    ----------
    variant : str
        Name of the variant (e.g. "baseline").
    scalars : DataFrame
        One row per experiment: ``experiment``, the design's uncertainty and lever columns,
        and the scalar outcomes of the engine (contract 5).
    series : DataFrame
        Long table: ``experiment``, ``month`` and one column per monthly variable.
    meta : dict
        Run metadata (seed, n, code_version, scenario_hash, created, ...).
    path : path, optional
        The run's folder in the store: the summaries (headline, comparisons, levers' effects,
        the answers) are kept there and read back while the run is unchanged
        (:mod:`accord.store.summaries`); without it they are computed every time.
    """

    variant: str
    scalars: pd.DataFrame
    series: pd.DataFrame
    meta: dict = field(default_factory=dict)
    path: str | os.PathLike[str] | None = None


_is_outcome = is_outcome


_label = outcome_label


def _png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _range_text(spec: dict) -> str:
    if spec.get("range") is not None:
        r = spec["range"]
        if isinstance(r, (list, tuple)) and len(r) == 2:
            return f"{fmt(r[0])} – {fmt(r[1])}"
        return str(r)
    if spec.get("low") is not None and spec.get("high") is not None:
        return f"{fmt(spec['low'])} – {fmt(spec['high'])}"
    if spec.get("values"):
        return ", ".join(str(v) for v in spec["values"])
    return ""


def _names(items: Iterable[Any]) -> list[str]:
    names = []
    for item in items or []:
        name = item.get("name") if isinstance(item, dict) else getattr(item, "name", item)
        if name is not None:
            names.append(str(name))
    return names


def _infer_inputs(scalars: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Uncertainty and lever columns when the scenario does not list them."""
    uncertainties, levers = [], []
    for name in scalars.columns:
        if name in NON_INPUT_COLUMNS or _is_outcome(name):
            continue
        column = scalars[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if numeric and column.nunique() > 10:
            uncertainties.append(name)
        else:
            levers.append(name)
    return uncertainties, levers


@dataclass
class _Context:
    """Everything computed for the template, plus collected notes of what was skipped."""

    skipped: list[str] = field(default_factory=list)
    figure_files: dict[str, bytes] = field(default_factory=dict)
    steps: Any = None  # the report's Progress: each figure made is news for the line

    def figure(self, key: str, data: bytes) -> str:
        self.figure_files[key] = data
        if self.steps is not None:
            self.steps.update(self.steps.completed, f"{len(self.figure_files)} figures ({key})")
        return _png(data)


def build_report(
    runs: Sequence[ReportRun],
    out_path: str | os.PathLike[str],
    *,
    title: str,
    scenario_info: dict | None = None,
    n_boot: int = 500,
    seed: int = 0,
    figures_dir: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> Path:
    """Write the HTML report of ``runs`` to ``out_path`` and return the path.

    Parameters
    ----------
    runs : list of ReportRun
        One per variant, shown side by side in the given order (the first is the reference of
        the variant comparison).
    out_path : path
        Target file; written atomically (temporary name in the same directory, then renamed).
    title : str
        Report title.
    scenario_info : dict
        ``name``, ``description``, ``provenance`` (list of dicts: item, value, source),
        ``uncertainties`` and ``levers`` (lists of dicts with name, range/options, source...),
        ``notes`` (str or list of str). Missing keys are shown as absent.
    n_boot, seed : int
        Bootstrap replicates and seed for the intervals of levers' effects and comparisons.
    figures_dir : path, optional
        Also write every figure there as a PNG (for inspection or reuse in other documents).
    progress : bool
        Say on stderr which section is done, with an ETA (:mod:`accord.spec.progress`).
    """
    if not runs:
        raise ValueError("build_report needs at least one run")
    variants = [run.variant for run in runs]
    if len(set(variants)) != len(variants):
        raise ValueError(f"variant names must be unique, got {variants}")
    started = time.perf_counter()
    info = dict(scenario_info or {})
    ctx = _Context()
    scalars = {run.variant: with_derived(run.scalars) for run in runs}

    declared_uncertainties = _names(info.get("uncertainties", []))
    declared_levers = _names(info.get("levers", []))
    inputs: dict[str, tuple[list[str], list[str]]] = {}
    for variant, table in scalars.items():
        if declared_uncertainties or declared_levers:
            unc = [c for c in declared_uncertainties if c in table]
            lev = [c for c in declared_levers if c in table]
        else:
            unc, lev = _infer_inputs(table)
        inputs[variant] = (unc, lev)

    paired = variants_paired(runs, scalars, inputs)
    folders = {run.variant: run.path for run in runs}
    from accord.report.as_of import as_of_section
    from accord.report.evidence import evidence_section

    context: dict[str, Any] = {
        "title": title,
        "generated": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "variants": variants,
        "metadata": _metadata(runs),
        "scenario": _scenario_section(info),
        "headline": _headline_section(scalars, folders),
    }
    labels = _input_labels(info)
    start = info.get("start")
    # (key, what the progress line calls it, how it is made), in the order they are made.
    sections = (
        ("war_end", "war end", lambda: _war_end_section(runs, scalars, ctx)),
        ("distributions", "distributions", lambda: _distribution_section(scalars, ctx, start)),
        ("fans", "over time", lambda: _fan_section(runs, ctx, start)),
        ("comparison", "comparison", lambda: _comparison_section(scalars, paired, folders)),
        (
            "levers",
            "levers",
            lambda: _lever_section(scalars, inputs, info, n_boot, seed, ctx, folders),
        ),
        ("importance", "sensitivity", lambda: _importance_section(scalars, inputs, labels, ctx)),
        ("prim", "scenario discovery", lambda: _prim_section(scalars, inputs, ctx, labels)),
        (
            "summary",
            "summary",
            lambda: _summary_section(
                scalars, context["levers"]["effects"], n_boot, seed, paired, folders
            ),
        ),
        # Durability and escalation evidence (partial template evidence.html.j2).
        (
            "evidence",
            "evidence",
            lambda: evidence_section(info.get("evidence"), scalars, info.get("horizon_months")),
        ),
        ("as_of", "as of", lambda: as_of_section(info.get("as_of"), ctx.figure)),
    )
    steps = Progress("report", len(sections) + 1, unit="sections", enabled=progress).start()
    ctx.steps = steps
    try:
        for key, what, make in sections:
            context[key] = make()
            steps.advance(1, f"{what} done, {len(ctx.figure_files)} figures")
        html = _render(context, ctx, started)
        steps.advance(1, "page rendered")
    finally:
        steps.close()
    return _write(html, out_path, figures_dir, ctx)


def _render(context: dict[str, Any], ctx: _Context, started: float) -> str:
    context["skipped"] = ctx.skipped
    context["elapsed"] = f"{time.perf_counter() - started:.1f}"
    return _environment().get_template("report.html.j2").render(**context)


def _write(
    html: str,
    out_path: str | os.PathLike[str],
    figures_dir: str | os.PathLike[str] | None,
    ctx: _Context,
) -> Path:
    out = Path(out_path)
    # Through accord.safeio: no folder created, a non-regular target refused, atomic.
    atomic_write_bytes(out, html.encode("utf-8"), field="report")
    if figures_dir is not None:
        target = Path(figures_dir)
        ensure_directory(target, field="figures_dir")
        for key, data in ctx.figure_files.items():
            atomic_write_bytes(target / f"{key}.png", data, field="figures_dir")
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = fmt
    return env


def _metadata(runs: Sequence[ReportRun]) -> list[dict[str, str]]:
    rows = []
    for run in runs:
        meta = run.meta or {}
        months = run.series["month"].nunique() if "month" in run.series else 0
        rows.append(
            {
                "variant": run.variant,
                "experiments": f"{len(run.scalars):,}",
                "months": str(months),
                "seed": str(meta.get("seed", "–")),
                "code_version": str(meta.get("code_version", "–")),
                "scenario_hash": str(meta.get("scenario_hash", "–"))[:16],
                "created": str(meta.get("created", "–")),
            }
        )
    return rows


def _scenario_section(info: dict) -> dict[str, Any]:
    notes = info.get("notes") or []
    if isinstance(notes, str):
        notes = [notes]
    uncertainties = []
    for spec in info.get("uncertainties") or []:
        spec = spec if isinstance(spec, dict) else {"name": str(spec)}
        uncertainties.append(
            {
                "name": spec.get("name", ""),
                "distribution": spec.get("distribution", ""),
                "range": _range_text(spec),
                "source": spec.get("source", ""),
            }
        )
    levers = []
    for spec in info.get("levers") or []:
        spec = spec if isinstance(spec, dict) else {"name": str(spec)}
        options = spec.get("options") or []
        levers.append(
            {
                "name": spec.get("name", ""),
                "options": ", ".join(str(o) for o in options),
                "default": str(spec.get("default", "")),
                "description": spec.get("description", ""),
                "source": spec.get("source", ""),
            }
        )
    provenance = [
        {
            "item": str(row.get("item", "")),
            "value": str(row.get("value", "")),
            "source": str(row.get("source", "")),
        }
        for row in info.get("provenance") or []
    ]
    return {
        "name": info.get("name", ""),
        "description": info.get("description", ""),
        "provenance": provenance,
        "uncertainties": uncertainties,
        "levers": levers,
        "notes": notes,
    }


def variants_paired(
    runs: Sequence[ReportRun],
    scalars: dict[str, pd.DataFrame],
    inputs: dict[str, tuple[list[str], list[str]]],
) -> dict[str, bool]:
    """Per variant, whether it shares its futures with the first (common random numbers)."""
    from accord.analysis.intervals import tables_are_paired

    reference = runs[0]
    out = {}
    for run in runs[1:]:
        names = [c for c in inputs[run.variant][0] if c in inputs[reference.variant][0]]
        out[run.variant] = tables_are_paired(
            scalars[run.variant],
            scalars[reference.variant],
            uncertainties=names or None,
            meta_a=run.meta,
            meta_b=reference.meta,
        )
    return out


def _summary_section(
    scalars: dict[str, pd.DataFrame],
    effects: pd.DataFrame | None,
    n_boot: int,
    seed: int,
    paired: dict[str, bool] | None = None,
    folders: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """The answers first: one sentence per question of the corpus (accord.analysis.narrative),
    kept beside the first run for these runs."""
    from accord.analysis.narrative import findings

    def compute() -> list[dict[str, str]]:
        return [
            {"topic": f.topic, "title": f.title, "sentence": f.sentence}
            for f in findings(
                scalars, effects=effects, n_boot=n_boot, seed=seed, paired=paired or {}
            )
        ]

    return _kept(
        [(folders or {}).get(v) for v in scalars],
        "report-summary",
        {"variants": list(scalars), "n_boot": n_boot, "seed": seed, "paired": paired or {}},
        compute,
    )


def _kept(folders: list[Any], name: str, parameters: dict, compute: Any) -> Any:
    """``compute()`` (JSON), kept beside the runs ``folders`` while they are unchanged
    (:mod:`accord.store.summaries`); computed every time when a run has no folder."""
    if not folders or any(folder is None for folder in folders):
        return compute()
    from accord.store.summaries import cached_value

    return cached_value(folders, name, parameters, compute)


def _headline_section(
    scalars: dict[str, pd.DataFrame], folders: dict[str, Any] | None = None
) -> dict[str, Any]:
    from accord.analysis.summary import cached_frame, headline_intervals

    frames = []
    for variant, one in scalars.items():
        frame = cached_frame(
            [(folders or {}).get(variant)],
            "headline",
            {},
            partial(headline_intervals, one),
        )
        # The report's table gives ranges of futures only (the shares' intervals are in the
        # answers above it).
        frame.loc[frame["interval"] == "95 %", ["low", "high"]] = float("nan")
        frames.append(frame.drop(columns="interval").assign(variant=variant))
    table = pd.concat(frames, ignore_index=True) if frames else headline_table(scalars)
    rows = []
    for key in dict.fromkeys(table["key"]):
        sub = table[table["key"] == key]
        first = sub.iloc[0]
        cells = []
        for variant in scalars:
            match = sub[sub["variant"] == variant]
            if match.empty:
                cells.append({"value": "–", "range": ""})
                continue
            row = match.iloc[0]
            has_range = not (math.isnan(row["low"]) or math.isnan(row["high"]))
            cells.append(
                {
                    "value": fmt(row["value"], row["unit"]),
                    "range": f"{fmt(row['low'], row['unit'])} – {fmt(row['high'], row['unit'])}"
                    if has_range
                    else "",
                }
            )
        rows.append({"label": first["label"], "unit": first["unit"], "cells": cells})
    return {"rows": rows}


def _war_end_section(
    runs: Sequence[ReportRun], scalars: dict[str, pd.DataFrame], ctx: _Context
) -> dict[str, Any]:
    """How futures end (accord.analysis.war_end): shares by end type, hazards, last month."""
    from accord.analysis import war_end
    from accord.report import figures

    with_ends = {v: t for v, t in scalars.items() if "war_end_type" in t}
    if not with_ends:
        return {"rows": [], "src": "", "calibration": ""}
    shares = {v: war_end.end_type_shares(t) for v, t in scalars.items() if v in with_ends}
    hazards = {v: war_end.window_hazards(t) for v, t in with_ends.items()}
    last = {run.variant: war_end.at_war_last_month(run.series) for run in runs}
    targets: dict[str, Any] = {}
    for run in runs:
        for item in (run.meta or {}).get("calibration_targets", []) or []:
            targets.setdefault(item["name"], item["observed"])
    rows = []
    for kind in war_end.END_TYPES:
        rows.append(
            {
                "label": f"war first ends in a {kind} (share of all futures)"
                if kind != "ongoing"
                else "war never ends within the horizon",
                "cells": [fmt(shares[v][kind], "share") if v in shares else "–" for v in scalars],
            }
        )
    for name, start, stop in war_end.WINDOWS:
        observed = targets.get(f"hazard_{name}")
        record = (
            f" (record {fmt(observed['low'], 'share')} – {fmt(observed['high'], 'share')})"
            if observed
            else ""
        )
        rows.append(
            {
                "label": f"war ends (any end) in months {start}-{stop - 1} | at war at "
                f"month {start}{record}",
                "cells": [
                    fmt(hazards[v].get(name, float("nan")), "share") if v in hazards else "–"
                    for v in scalars
                ],
            }
        )
    rows.append(
        {
            "label": "at war in the last month (monthly series' futures)",
            "cells": [fmt(last.get(v, float("nan")), "share") for v in scalars],
        }
    )
    used = sorted({str((run.meta or {}).get("calibration", "")) for run in runs} - {""})
    return {
        "rows": rows,
        "src": ctx.figure("war_end", figures.war_end_figure(shares)),
        "calibration": "; ".join(used),
    }


def _distribution_outcomes(scalars: dict[str, pd.DataFrame]) -> list[str]:
    present = set().union(*(set(t.columns) for t in scalars.values()))
    ordered = [
        "ceasefire_month",
        "war_renewed_month",
        "months_of_peace",
        "peace_holds_5y",
        "peace_holds_5y_given_ceasefire",
    ]
    ordered += sorted({c for c in present if c.startswith("terms_")})
    ordered += sorted(
        {c for c in present if c.startswith("aid_total_")},
        key=lambda c: (c not in ("aid_total_us", "aid_total_europe"), c),
    )
    ordered += [
        "europe_defence_pct_gdp_end",
        "escalation_use_of_force_events",
        "escalation_fatal_events",
        "front_end",
    ]
    return ordered


def _distribution_section(
    scalars: dict[str, pd.DataFrame], ctx: _Context, start: Any = None
) -> list[dict]:
    from accord.report import figures

    present = set().union(*(set(t.columns) for t in scalars.values()))
    items = []
    for name in _distribution_outcomes(scalars):
        if name not in present:
            ctx.skipped.append(f"Outcome distribution of {name}: column not in the results.")
            continue
        values = {v: t[name].to_numpy(dtype=float) for v, t in scalars.items() if name in t}
        if all(np.isnan(x).all() for x in values.values()):
            ctx.skipped.append(f"Outcome distribution of {name}: no experiment has a value.")
            continue
        data = figures.distribution_figure(
            values, name, count_nan=name in NAN_MEANS_NEVER, start=start
        )
        label, unit = _label(name)
        note = (
            "Experiments without a value (the event did not happen within the horizon) "
            "stay in the denominator."
            if name in NAN_MEANS_NEVER
            else ""
        )
        items.append(
            {
                "name": name,
                "label": label,
                "unit": unit,
                "note": note,
                "src": ctx.figure(f"dist_{name}", data),
            }
        )
    return items


def _fan_section(runs: Sequence[ReportRun], ctx: _Context, start: Any = None) -> list[dict]:
    from accord.report import figures

    bands_by_run = {
        run.variant: fan_bands_many(run.series, [v for v in FAN_VARIABLES if v in run.series])
        for run in runs
        if len(run.series)
    }
    items = []
    for name in FAN_VARIABLES:
        bands = {variant: b[name] for variant, b in bands_by_run.items() if name in b}
        if not bands:
            ctx.skipped.append(f"Fan chart of {name}: series not in the results.")
            continue
        binary = all(is_binary(run.series[name]) for run in runs if name in run.series)
        if binary:
            data = figures.share_figure({v: b["mean"] for v, b in bands.items()}, name, start)
        else:
            data = figures.fan_chart_figure(bands, name, start)
        label, unit = _label(name)
        items.append(
            {
                "name": name,
                "label": label,
                "unit": unit,
                "binary": binary,
                "src": ctx.figure(f"fan_{name}", data),
            }
        )
    return items


def _key_outcomes(table: pd.DataFrame) -> list[str]:
    names = ["ceasefire_reached", "peace_holds_5y", "months_of_peace"]
    names += terms_columns(table)
    names += [
        c
        for c in (
            "aid_total_us",
            "aid_total_europe",
            "europe_defence_pct_gdp_end",
            "escalation_use_of_force_events",
        )
    ]
    return [n for n in names if n in table]


def _comparison_section(
    scalars: dict[str, pd.DataFrame],
    paired: dict[str, bool] | None = None,
    folders: dict[str, Any] | None = None,
) -> dict:
    """Differences from the reference variant: the intervals of ``accord compare`` (each
    variant's kept beside it for the reference as it is)."""
    paired = paired or {}
    folders = folders or {}
    variants = list(scalars)
    if len(variants) < 2:
        return {"reference": variants[0], "rows": [], "others": []}
    reference = variants[0]
    ref_table = scalars[reference]
    others = variants[1:]
    outcomes = [o for o in _key_outcomes(ref_table) if any(o in scalars[v] for v in others)]
    cells: dict[str, list[dict[str, Any]]] = {o: [] for o in outcomes}
    for variant in others:
        table, pair = scalars[variant], bool(paired.get(variant, False))
        found = _kept(
            [folders.get(variant), folders.get(reference)],
            "report-comparison",
            {"outcomes": outcomes, "paired": pair},
            lambda table=table, pair=pair: _difference_cells(table, ref_table, outcomes, pair),
        )
        for o, cell in zip(outcomes, found, strict=True):
            cells[o].append(cell)
    rows = [
        {"label": _label(o)[0], "unit": _label(o)[1], "cells": cells[o], "outcome": o}
        for o in outcomes
    ]
    return {"reference": reference, "others": others, "rows": rows, "paired": paired}


def _difference_cells(
    table: pd.DataFrame, reference: pd.DataFrame, outcomes: list[str], paired: bool
) -> list[dict[str, Any]]:
    """One cell per outcome: ``table`` − ``reference`` with its interval, as shown."""
    from accord.analysis.narrative import variant_difference

    cells: list[dict[str, Any]] = []
    for o in outcomes:
        if o not in table:
            cells.append({"value": "–", "range": "", "sign": ""})
            continue
        d = variant_difference(table, reference, o, paired=paired)
        unit = "pp" if _label(o)[1] in ("probability", "share of futures") else ""
        scale = 100.0 if unit == "pp" else 1.0
        significant = d.excludes_zero
        cells.append(
            {
                "value": _signed(d.value * scale, unit),
                "range": (
                    "the same in every future"
                    if d.degenerate
                    else f"{_signed(d.low * scale, unit)} … {_signed(d.high * scale, unit)}"
                ),
                "sign": "pos"
                if significant and d.value > 0
                else "neg"
                if significant and d.value < 0
                else "",
                "low": d.low,
                "high": d.high,
                "difference": d.value,
            }
        )
    return cells


def _signed(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    text = fmt(abs(value), unit)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{text}{' ' + unit if unit else ''}"


def _lever_options(info: dict) -> tuple[dict[str, Sequence], dict[str, object]]:
    options: dict[str, Sequence] = {}
    defaults: dict[str, object] = {}
    for spec in info.get("levers") or []:
        if isinstance(spec, dict) and spec.get("name"):
            if spec.get("options"):
                options[spec["name"]] = list(spec["options"])
            if spec.get("default") is not None:
                defaults[spec["name"]] = spec["default"]
    return options, defaults


def _lever_section(
    scalars: dict[str, pd.DataFrame],
    inputs: dict,
    info: dict,
    n_boot: int,
    seed: int,
    ctx: _Context,
    folders: dict[str, Any] | None = None,
) -> dict:
    from accord.analysis.sensitivity import lever_effects
    from accord.analysis.summary import cached_frame
    from accord.report import figures

    options, defaults = _lever_options(info)
    frames = []
    for variant, table in scalars.items():
        levers = [lev for lev in inputs[variant][1] if table[lev].nunique() > 1]
        if not levers:
            ctx.skipped.append(f"Levers' effects for {variant}: no lever varies in this run.")
            continue
        keys = _key_outcomes(table)
        effects = cached_frame(
            [(folders or {}).get(variant)],
            "report-lever-effects",
            {
                "levers": levers,
                "outcomes": keys,
                "reference": defaults,
                "options": options,
                "n_boot": n_boot,
                "seed": seed,
            },
            partial(
                lever_effects,
                table,
                levers,
                keys,
                reference=defaults,
                options=options,
                n_boot=n_boot,
                seed=seed,
            ),
        )
        effects.insert(0, "variant", variant)
        frames.append(effects)
    if not frames:
        return {"figures": [], "rows": [], "effects": None}
    effects = pd.concat(frames, ignore_index=True)
    items = []
    for outcome in dict.fromkeys(effects["outcome"]):
        if outcome not in LEVER_FIGURE_OUTCOMES and not outcome.startswith("terms_"):
            continue  # in the table only
        label, unit = _label(outcome)
        data = figures.lever_effect_figure(effects, outcome)
        items.append({"label": label, "unit": unit, "src": ctx.figure(f"lever_{outcome}", data)})
    rows = [
        {
            "variant": r.variant,
            "lever": r.lever,
            "option": str(r.option),
            "reference": str(r.reference),
            "outcome": _label(r.outcome)[0],
            "n": f"{r.n_option:,} / {r.n_reference:,}",
            "difference": fmt(r.difference),
            "interval": f"{fmt(r.low)} … {fmt(r.high)}",
            "unit": _label(r.outcome)[1],
        }
        for r in effects.itertuples()
    ]
    return {"figures": items, "rows": rows, "effects": effects}


def _importance_section(
    scalars: dict[str, pd.DataFrame], inputs: dict, labels: dict[str, str], ctx: _Context
) -> list[dict]:
    """RBD-FAST first-order indices with bootstrap intervals (accord.analysis.gsa) for each key
    outcome, on the reference variant: given data, so no new run, and fast enough for a
    report (about 3 s at 20,000 experiments and 60 inputs); the other variants differ in
    levers, which these estimators do not rank."""
    from accord.analysis.gsa import MIN_EXPERIMENTS, sensitivity_table
    from accord.report import figures

    variant, table = next(iter(scalars.items()))
    uncertainties, levers = inputs[variant]
    items = []
    for outcome in IMPORTANCE_OUTCOMES:
        values = table[outcome] if outcome in table else None
        if values is None or values.notna().sum() < MIN_EXPERIMENTS or values.std() == 0:
            ctx.skipped.append(
                f"Sensitivity of {outcome} in {variant}: outcome missing, constant, or fewer "
                f"than {MIN_EXPERIMENTS} experiments with a value."
            )
            continue
        try:
            (result,) = sensitivity_table(
                table,
                values,
                uncertainties=uncertainties,
                levers=levers,
                method="rbd-fast",
                labels=labels,
                n_boot=SENSITIVITY_REPLICATES,
            )
        except ValueError as error:  # no numeric uncertainty varies
            ctx.skipped.append(f"Sensitivity of {outcome} in {variant}: {error}.")
            continue
        figure = figures.ranked_indices(result["indices"], outcome)
        items.append(
            {
                "label": _label(outcome)[0],
                "variant": variant,
                "excluded": len(result["excluded"]),
                "src": ctx.figure(f"importance_{outcome}", figures.to_png(figure)),
            }
        )
    return items


def _input_labels(info: dict) -> dict[str, str]:
    """Each declared input's description (its name where it has none), for figures."""
    return {
        str(item["name"]): str(item.get("description") or item["name"])
        for item in [*info.get("uncertainties", []), *info.get("levers", [])]
        if isinstance(item, dict) and "name" in item
    }


def _box_checks(
    result: Any, inputs: pd.DataFrame, y: np.ndarray, box: Any, labels: dict, variant: str, ctx: Any
) -> dict[str, Any]:
    """Quasi-p values, bootstrap stability and the CART cross-check of the chosen (peeled) box,
    and the box-limits figure (issue 25, point 4)."""
    from accord.analysis.discovery import box_limits_figure, check_box
    from accord.report import figures

    checks = check_box(
        result,
        inputs,
        y,
        box.step,
        replicates=PRIM_REPLICATES,
        max_restricted=PRIM_MAX_RESTRICTED,
        labels=labels,
    )
    quasi_p = checks.table.set_index("input")["quasi_p"].dropna()
    figure = box_limits_figure(box, inputs, labels=labels, quasi_p=quasi_p)
    return {
        "checks": checks.shown(labels),
        "check_warnings": list(checks.warnings),
        "replicates": checks.replicates,
        "cart_density": fmt(checks.cart_density, "probability"),
        "cart_coverage": fmt(checks.cart_coverage, "probability"),
        "limits_src": ctx.figure(f"prim_limits_{variant}", figures.to_png(figure)),
    }


def _prim_section(
    scalars: dict[str, pd.DataFrame], inputs: dict, ctx: _Context, labels: dict[str, str]
) -> list[dict]:
    from accord.analysis.discovery import prim
    from accord.report import figures

    target = "peace_holds_5y"
    items: list[dict[str, Any]] = []
    for variant, table in scalars.items():
        columns = [c for c in inputs[variant][0] + inputs[variant][1] if table[c].nunique() > 1]
        if target not in table or not columns:
            ctx.skipped.append(
                f"PRIM for {variant}: no 'peace_holds_5y' outcome or no varying input."
            )
            continue
        if len(table) < MIN_EXPERIMENTS_DISCOVERY:
            ctx.skipped.append(
                f"PRIM for {variant}: fewer than {MIN_EXPERIMENTS_DISCOVERY} experiments."
            )
            continue
        y = table[target].to_numpy(dtype=float)
        if y.sum() <= 0:
            ctx.skipped.append(f"PRIM for {variant}: peace never holds 5 years.")
            continue
        result = prim(table[columns], y)
        peeled = result.select(min_coverage=PRIM_MIN_COVERAGE, max_restricted=PRIM_MAX_RESTRICTED)
        box = result.paste(peeled.step)  # pasting only widens limits: never more restrictions
        limits = []
        for name, row in box.restricted().iterrows():
            if row["kept"]:
                text = f"one of: {row['kept']}"
            else:
                text = f"{fmt(row['low'])} – {fmt(row['high'])}"
            limits.append({"input": name, "limits": text})
        data = figures.prim_trajectory_figure(
            result.trajectory, box.step, "peace_holds_5y", pasted=(box.coverage, box.density)
        )
        checks: dict[str, Any] = {}
        if not items:  # the reference variant only: the bootstrap refits PRIM many times
            checks = _box_checks(result, table[columns], y, peeled, labels, variant, ctx)
        items.append(
            {
                **checks,
                "variant": variant,
                "base_density": fmt(result.base_density, "probability"),
                "coverage": fmt(box.coverage, "probability"),
                "density": fmt(box.density, "probability"),
                "support": fmt(box.support, "probability"),
                "n_in": f"{box.n_in:,}",
                "pasted": box.pasted,
                "peeled_coverage": fmt(peeled.coverage, "probability"),
                "peeled_density": fmt(peeled.density, "probability"),
                "limits": limits,
                "src": ctx.figure(f"prim_{variant}", data),
            }
        )
    return items
