"""CLI command: ``accord run`` -- the coupled simulation of a scenario's variants, and a report.

Parses and prints only: the work is :func:`accord.workflows.simulate.simulate`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from accord.experiments.executors import EXECUTORS
from accord.spec.limits import DEFAULT_SEED

# The members come from EXECUTORS at import time, which mypy cannot follow.
Executor = StrEnum("Executor", {name: name for name in EXECUTORS})  # type: ignore[misc]


def register(app: typer.Typer) -> None:
    """Add ``accord run``."""
    app.command("run")(run)


def run(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML, directory or shipped name (e.g. ukraine-2025).")
    ],
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant", "-v", help="Variant to run (repeatable; default: every variant)."
        ),
    ] = None,
    experiments: Annotated[
        int,
        typer.Option(
            "--experiments",
            "-n",
            min=1,
            help="Design points per variant (a variant that crosses levers multiplies them).",
        ),
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Run seed, 0 <= seed < 2**63.")
    ] = DEFAULT_SEED,
    executor: Annotated[Executor, typer.Option("--executor", "-e")] = Executor["inprocess"],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of an existing dask scheduler (tcp://host:port) for "
            "--executor dask; without it a local cluster is started.",
        ),
    ] = None,
    chunk_size: Annotated[
        int | None,
        typer.Option("--chunk-size", min=1, help="Experiments per chunk (default: automatic)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output directory (default: runs/<scenario>)."),
    ] = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write report.html.")
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace earlier runs of a variant made with other settings "
            "(otherwise they are refused; the same settings resume).",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Run even when the estimate is over the cap (docs/scenario-format.md, Limits).",
        ),
    ] = False,
    design: Annotated[
        str,
        typer.Option(
            "--design",
            help="lhs (default), mc, or sobol / morris for `accord sensitivity "
            "--method sobol|morris` (SALib; -n is then the base sample: N (2d+2) or N (d+1) "
            "experiments; the calibration is not applied).",
        ),
    ] = "lhs",
    uncalibrated: Annotated[
        bool,
        typer.Option(
            "--uncalibrated",
            help="Ignore the scenario's shipped calibration (calibration.json "
            "beside it) and sample its own ranges, for comparison.",
        ),
    ] = False,
) -> None:
    """Run the coupled simulation for each variant, then write an HTML report side by side."""
    from accord.safeio import ensure_directory
    from accord.workflows.scenarios import load
    from accord.workflows.seeds import check_seed
    from accord.workflows.simulate import simulate

    check_seed(seed)
    loaded = load(scenario)
    if out is None:  # runs/<scenario> in the working directory (`runs` is accord's own)
        out = ensure_directory(Path("runs"), field="--out") / loaded.name
    simulate(
        loaded,
        variant or None,
        experiments=experiments,
        seed=seed,
        executor=executor.value,
        scheduler=scheduler,
        chunk_size=chunk_size,
        out=out,
        overwrite=overwrite,
        progress=True,
        report=None if no_report else "report.html",
        log=lambda line: typer.echo(line, err=True),
        force=force,
        calibrated=not uncalibrated,
        design=design,
    )
