"""CLI command: ``accord calibrate`` -- history-match a scenario's engine to the war record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli.formats import Format, FormatOption, emit
from accord.spec.limits import DEFAULT_SEED


def register(app: typer.Typer) -> None:
    """Add ``accord calibrate``."""
    app.command("calibrate")(calibrate)


def calibrate(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML, directory or shipped name (e.g. ukraine-2025).")
    ],
    out: Annotated[
        str | None,
        typer.Option(
            "--out", "-o", help="Output directory (default: runs/<scenario>-calibration)."
        ),
    ] = None,
    variant: Annotated[str, typer.Option("--variant", "-v")] = "baseline",
    points: Annotated[
        int, typer.Option("--points", min=4, max=10_000, help="Parameter points per wave.")
    ] = 200,
    replicates: Annotated[
        int, typer.Option("--replicates", min=10, max=100_000, help="Futures per parameter point.")
    ] = 150,
    waves: Annotated[int, typer.Option("--waves", min=1, max=5)] = 2,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Seed, 0 <= seed < 2**63.")
    ] = DEFAULT_SEED,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Calibrate even when the estimate is over the cap "
            "(docs/scenario-format.md, Limits).",
        ),
    ] = False,
    output_format: FormatOption = Format.table,
) -> None:
    """Calibrate the engine's uncertain parameters to the record (writes calibration.json)."""
    from accord.analysis.formatting import percent
    from accord.safeio import ensure_directory
    from accord.spec.errors import ScenarioError
    from accord.workflows import history_matching as calibration
    from accord.workflows.calibrate import calibrate as run_calibration
    from accord.workflows.calibrate import estimate_calibration_or_refuse
    from accord.workflows.forecast import check_path
    from accord.workflows.scenarios import load
    from accord.workflows.seeds import check_seed

    try:
        check_seed(seed, field="--seed")  # before runs/ is made
        if out is not None:
            check_path(out, "--out")  # -o "" would mean the working directory
        loaded = load(scenario)
        if out is None:
            # the estimate is checked before runs/ is created
            estimate_calibration_or_refuse(loaded, variant, points, replicates, waves, force)
            out_dir = ensure_directory(Path("runs"), field="--out") / f"{loaded.name}-calibration"
        else:
            out_dir = Path(out)
        result = run_calibration(
            loaded,
            out_dir,
            variant=variant,
            points=points,
            replicates=replicates,
            waves=waves,
            seed=seed,
            progress=True,
            force=force,
            log=lambda line: typer.echo(line, err=True),
        )
    except ScenarioError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    rows = [
        {
            "name": target["name"],
            "observed_low": target["observed"]["low"],
            "observed_high": target["observed"]["high"],
            "simulated": target["simulated"],
            "inside": bool(target["inside"]),
            "held_out": bool(target.get("held_out", False)),  # not used for acceptance
        }
        for target in result["targets"]
    ]
    notes = []
    share = result.get("accepted_share_of_prior_box")
    if share is not None:
        notes.append(
            f"{len(result['parameters'])} free parameters; share of the prior box "
            f"accepted (wave 1): {percent(share)}"
        )
    notes.append(
        f"{result['status']}: {len(result['accepted'])} accepted points; "
        f"{out_dir / calibration.FILE_NAME}"
    )
    emit(
        rows,
        output_format,
        title="Calibration targets: observed range and simulated value",
        document=result,
        notes=notes,
    )
    if result["status"] != "calibrated":
        raise typer.Exit(1)
