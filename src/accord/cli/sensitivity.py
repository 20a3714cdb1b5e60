"""CLI command: ``accord sensitivity RUN`` -- given-data global sensitivity of a stored run.

Parses and prints only: the work is :func:`accord.workflows.sensitivity.sensitivity`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from accord.cli.formats import Format, FormatOption, emit
from accord.spec.limits import DEFAULT_SEED


class Method(StrEnum):
    delta = "delta"
    pawn = "pawn"
    rbd_fast = "rbd-fast"
    sobol = "sobol"
    morris = "morris"


def register(app: typer.Typer) -> None:
    """Add ``accord sensitivity``."""
    app.command("sensitivity")(sensitivity)
    app.command("optimize")(optimize)


def sensitivity(
    run: Annotated[
        Path,
        typer.Argument(help="A stored run (directory with meta.json) or an --out of accord run."),
    ],
    method: Annotated[Method, typer.Option("--method")] = Method.delta,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="Scalar outcome (default: the run's first).")
    ] = None,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Variant, when RUN holds several.")
    ] = None,
    by_levers: Annotated[
        bool, typer.Option("--by-levers", help="Analyse within each lever combination.")
    ] = False,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap replicates for the intervals.")
    ] = 100,
    seed: Annotated[int, typer.Option("--seed", "-s")] = DEFAULT_SEED,
    output_format: FormatOption = Format.table,
    force: Annotated[
        bool, typer.Option("--force", help="Run even when the estimate is over the cap.")
    ] = False,
) -> None:
    """Rank the uncertainties by a given-data sensitivity index (SALib), with intervals."""
    from accord.workflows.sensitivity import sensitivity as compute

    result = compute(
        run,
        method=method.value,
        outcome=outcome,
        variant=variant,
        by_levers=by_levers,
        bootstrap=bootstrap,
        seed=seed,
        force=force,
        log=lambda line: typer.echo(line, err=True),
        progress=True,
    )
    blocks = result.get("by_levers") or [{"levers": {}, "indices": result["indices"]}]
    rows = []
    for block in blocks:
        levers = ", ".join(f"{k}={v}" for k, v in block["levers"].items())
        for entry in block["indices"]:
            # the label (the scenario's description) first: what people read
            rows.append(({"levers": levers} if block["levers"] else {}) | _label_first(entry))
    notes = [
        f"S2 {pair['names'][0]} x {pair['names'][1]}: {pair['S2']:.3f} +/- {pair['S2_conf']:.3f}"
        for pair in (result.get("interactions") or [])[:10]
    ]
    notes.append(f"note: {result['note']}; excluded: {', '.join(result['excluded']) or 'none'}")
    emit(
        rows,
        output_format,
        title=f"{result['method']} sensitivity of {result['outcome']} "
        f"({result['variant']}, {result['n']} experiments)",
        document=result,
        notes=notes,
    )


def _label_first(entry: dict) -> dict:
    return {key: entry[key] for key in ("label", "name") if key in entry} | entry


def optimize(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML, directory or shipped name.")],
    objectives: Annotated[
        str,
        typer.Option(
            "--objectives",
            help="Comma-separated min:OUTCOME / max:OUTCOME, e.g. "
            "max:peace_holds_5y,min:aid_total_europe.",
        ),
    ],
    variant: Annotated[str | None, typer.Option("--variant", "-v")] = None,
    constraints: Annotated[
        str,
        typer.Option(
            "--constraints",
            help="Comma-separated bounds on outcome means, e.g. "
            "europe_cost_total<=400,peace_holds_5y>=0.5.",
        ),
    ] = "",
    save_variants: Annotated[
        Path | None,
        typer.Option(
            "--save-variants",
            help="Write the Pareto policies as variants pareto-1, ... of a "
            "copy of the scenario in this (new) directory, for accord run.",
        ),
    ] = None,
    futures: Annotated[int, typer.Option("--futures", help="Sampled futures (>= 1).")] = 20,
    population: Annotated[int, typer.Option("--population", help="Candidates (>= 2).")] = 40,
    generations: Annotated[int, typer.Option("--generations", help="Generations (>= 1).")] = 8,
    seed: Annotated[int, typer.Option("--seed", "-s")] = DEFAULT_SEED,
    force: Annotated[
        bool, typer.Option("--force", help="Run even when the estimate is over the cap.")
    ] = False,
    output_format: FormatOption = Format.json,
) -> None:
    """NSGA-II over the levers on one fixed set of futures; prints the Pareto set (JSON by
    default; --format table or csv: one row per Pareto policy)."""
    from accord.workflows.optimize import optimize as search
    from accord.workflows.optimize import save_variants as write_variants

    result = search(
        scenario,
        [o.strip() for o in objectives.split(",") if o.strip()],
        variant=variant,
        futures=futures,
        population=population,
        generations=generations,
        seed=seed,
        force=force,
        constraints=[c.strip() for c in constraints.split(",") if c.strip()],
        log=lambda line: typer.echo(line, err=True),
    )
    if save_variants is not None:
        names = write_variants(result, scenario, save_variants)
        result["saved_variants"] = {"directory": str(save_variants), "variants": names}
        typer.echo(
            f"saved {len(names)} variants to {save_variants}: accord run "
            f"{save_variants} --variant {names[0]}",
            err=True,
        )
    emit(
        _pareto_rows(result),
        output_format,
        title=f"Pareto set: {len(result.get('pareto') or [])} policies, "
        f"{result.get('evaluations')} evaluations",
        document=result,
    )


def _pareto_rows(result: dict) -> list[dict]:
    """One row per Pareto policy: its levers, the number of equivalent policies, then each
    outcome's robustness metrics as ``OUTCOME_METRIC`` (e.g. ``peace_holds_5y_mean``)."""
    rows = []
    for policy in result.get("pareto") or []:
        row: dict = dict(policy.get("levers") or {})
        row["equivalent"] = len(policy.get("equivalent") or [])
        for name, metrics in policy.items():
            if name not in ("levers", "equivalent") and isinstance(metrics, dict):
                row |= {f"{name}_{metric}": value for metric, value in metrics.items()}
        rows.append(row)
    return rows
