"""CLI command: ``accord run`` -- the coupled simulation of a scenario's variants, and a report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

#: Experiments whose monthly series go into the report's fan charts (the scalars use all).
REPORT_SERIES_EXPERIMENTS = 2000


class Executor(StrEnum):
    inprocess = "inprocess"
    processes = "processes"
    dask = "dask"


def register(app: typer.Typer) -> None:
    """Add ``accord run``."""
    app.command("run")(run)


def run(
    scenario: Annotated[str, typer.Argument(
        help="Scenario YAML, directory or shipped name (e.g. ukraine-2025).")],
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", "-v", help="Variant to run (repeatable; default: every variant).")] = None,
    experiments: Annotated[int, typer.Option(
        "--experiments", "-n", min=1,
        help="Design points per variant (a variant that crosses levers multiplies them).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Run seed.")] = 20250301,
    executor: Annotated[Executor, typer.Option("--executor", "-e")] = Executor.inprocess,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", min=1, help="Experiments per chunk (default: automatic).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output directory (default: runs/<scenario>).")] = None,
    no_report: Annotated[bool, typer.Option(
        "--no-report", help="Do not write report.html.")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace earlier runs of a variant made with other settings "
        "(otherwise they are refused; the same settings resume).")] = False,
) -> None:
    """Run the coupled simulation for each variant, then write an HTML report side by side."""
    from accord.errors import ScenarioError

    try:
        _run(scenario, variant or [], experiments, seed, executor.value, chunk_size, out, no_report,
             overwrite)
    except ScenarioError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _run(scenario_name: str, variants: list[str], experiments: int, seed: int, executor: str,
         chunk_size: int | None, out: Path | None, no_report: bool, overwrite: bool) -> None:
    import functools

    from accord.errors import ScenarioError
    from accord.experiments.runner import run_experiments
    from accord.scenario import load_scenario
    from accord.simulation import compile_spec, simulate_chunk, variant_design
    from accord.store import writer_lock

    scenario = load_scenario(scenario_name)
    spec = scenario.simulation
    origin = scenario.origin or scenario_name
    if spec is None:
        raise ScenarioError(origin, "the scenario has no simulation section", field="simulation",
                            expected="a 'simulation:' mapping or file name")
    chosen = variants or list(spec.variants)
    if not chosen:
        raise ScenarioError(origin, "the simulation section defines no variants",
                            field="simulation.variants")
    unknown = [name for name in chosen if name not in spec.variants]
    if unknown:
        raise ScenarioError(origin, "unknown variant", field="--variant",
                            expected=f"one of {sorted(spec.variants)}", found=unknown[0])
    compiled = compile_spec(spec, scenario, seed=seed, source=origin)
    simulate = functools.partial(simulate_chunk, spec=compiled)
    out_dir = _output_directory(out, scenario.name)
    stored = []
    # One `accord run` per output directory at a time: a second one stops at once.
    with writer_lock(out_dir, what="run"):
        for name in chosen:
            design = variant_design(spec, name, experiments, seed=seed)
            typer.echo(f"{name}: {len(design)} experiments x {spec.horizon_months} months",
                       err=True)
            meta = {"scenario": scenario.name, "variant": name, "scenario_hash": scenario.hash(),
                    "description": spec.variants[name].description}
            try:
                stored.append(run_experiments(
                    simulate, design, seed=seed, out_dir=out_dir,
                    executor=executor,  # type: ignore[arg-type]
                    chunk_size=chunk_size, meta=meta, progress=True, run_id=name,
                    overwrite=overwrite))
            except ScenarioError:
                raise
            except ValueError as error:
                raise ScenarioError(str(out_dir / name), str(error)) from None
            typer.echo(f"{name}: results in {out_dir / name}", err=True)
        if not no_report:
            path = write_report(scenario, spec, chosen, stored, out_dir / "report.html")
            typer.echo(f"report: {path}")


def _output_directory(out: Path | None, scenario_name: str) -> Path:
    """The output directory, created if missing (its parent must exist; nothing else is
    created), refused with one line if it is a file or cannot be written. Without ``--out``,
    ``runs/<scenario>`` in the working directory (``runs`` is accord's own, created too)."""
    from accord.safeio import ensure_directory

    if out is None:
        return ensure_directory(ensure_directory(Path("runs"), field="--out") / scenario_name,
                                field="--out")
    return ensure_directory(out, field="--out")


def write_report(scenario, spec, variants, stored, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Build the side-by-side HTML report of stored runs (one per variant)."""
    from accord.report import ReportRun, build_report
    from accord.simulation.provenance import scenario_info

    runs = []
    for name, stored_run in zip(variants, stored, strict=True):
        scalars = stored_run.scalars().merge(stored_run.design(), on="experiment", how="left")
        series = stored_run.query(
            f"SELECT * FROM series WHERE experiment < {REPORT_SERIES_EXPERIMENTS} "
            "ORDER BY experiment, month")
        runs.append(ReportRun(variant=name, scalars=scalars, series=series,
                              meta=dict(stored_run.meta)))
    title = f"{scenario.name}: coupled simulation, {len(variants)} variant(s)"
    return build_report(runs, path, title=title, scenario_info=scenario_info(scenario, spec))
