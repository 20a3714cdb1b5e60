"""CLI command: ``accord forecast`` -- where a negotiation settles, issue by issue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from accord.cli.formats import Format, FormatOption, emit
from accord.spec.limits import DEFAULT_SEED


def register(app: typer.Typer) -> None:
    """Add ``accord forecast``."""
    app.command("forecast")(forecast)


def forecast(
    scenario: str = typer.Argument(..., help="Scenario YAML, directory, KTAB CSV or shipped name."),
    model: list[str] = typer.Option(
        ["all"],
        "--model",
        "-m",
        help="compromise, median, nash, eum, smp, or all (repeatable, or comma-separated).",
    ),
    rounds: int | None = typer.Option(
        None,
        "--rounds",
        "-r",
        min=1,
        help="Maximum rounds (EUM, default 100; each issue stops by the EUM's stopping rule) "
        "or maximum turns (SMP).",
    ),
    stop: bool = typer.Option(
        True,
        "--stop/--no-stop",
        help="--no-stop: the EUM plays exactly --rounds rounds, its stopping rule off "
        "(Scholz et al. 2011, Table 2: --rounds 8 --no-stop).",
    ),
    draws: int = typer.Option(
        1, "--draws", "-b", min=1, help="Draws of the uncertain inputs; 1 = central scenario only."
    ),
    seed: int = typer.Option(
        DEFAULT_SEED, "--seed", "-s", help="Seed of the draws, 0 <= seed < 2**63."
    ),
    output_format: FormatOption = Format.table,
    figure: Path | None = typer.Option(
        None,
        "--figure",
        help="Also write the figure to this file; the format follows the suffix "
        "(.png, .svg, .pdf). Without it no file is written.",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Run even when the estimate is over the cap (docs/scenario-format.md, Limits).",
    ),
) -> None:
    """Forecast the settlement of a scenario with bargaining models."""
    from accord.safeio import check_target, figure_format
    from accord.workflows.forecast import forecast as run_forecast
    from accord.workflows.seeds import check_seed

    check_seed(seed)
    if figure is not None and str(figure).lower() == "none":
        figure = None  # the old spelling of "no figure"
    if figure is not None:  # refused before the models run, not after
        figure_format(figure)
        check_target(figure, field="figure")
    result = _run_with_progress(run_forecast, scenario, model, draws, seed, rounds, force, stop)
    if output_format is Format.table:
        _print_table(result)
    else:
        emit(result.rows(), output_format, document=result.to_dict())
    if figure is not None:
        from accord.safeio import save_figure

        path = save_figure(result.figure(), figure)
        sys.stdout.flush()
        typer.echo(f"figure: {path}", err=True)


def _run_with_progress(run_forecast, scenario, models, draws, seed, rounds, force, stop=True):
    """The forecast with the progress of each model (:mod:`accord.spec.progress`, on stderr so
    that --format json/csv output stays clean): a bar on a terminal, lines off it."""
    from accord.spec.progress import Progress

    def log(message: str) -> None:
        typer.echo(message, err=True)

    shown: dict[str, Any] = {}

    def update(model: str, done: int) -> None:
        # One display per model that runs ("all" picks them once the scenario is loaded).
        if model not in shown:
            for previous in shown.values():
                previous.close()
            shown[model] = Progress(f"forecast {model}", draws, unit="draws").start()
        shown[model].update(done)

    try:
        return run_forecast(
            scenario,
            models,
            draws=draws,
            seed=seed,
            rounds=rounds,
            progress=update,
            force=force,
            log=log,
            stop=stop,
        )
    finally:
        for display in shown.values():
            display.close()


def _print_table(result) -> None:
    """Issues by models (median and 5-95 % over draws, or the central value), then what each
    issue's scale means and, for models with a stopping rule, when and why each issue stopped."""
    from accord.analysis.formatting import number

    scenario = result.scenario
    rows = {(r["model"], r["issue"]): r for r in result.rows()}
    table = []
    for issue in scenario.issues:
        line = {"issue": issue.name}
        for name in result.models:
            row = rows[(name, issue.id)]
            if result.n_draws > 1:
                # positions on the issue's scale, by the one formatter of every face
                line[name] = f"{number(row['median'])} [{number(row['p5'])}, {number(row['p95'])}]"
            else:
                line[name] = number(row["central"])
        table.append(line)
    notes = _stopping(result)
    notes += [
        f"{issue.name} ({issue.scale_min:g}-{issue.scale_max:g} {issue.unit}): "
        f"{issue.scale_min:g} = {issue.low_means}; {issue.scale_max:g} = {issue.high_means}"
        for issue in scenario.issues
    ]
    notes += [f"skipped {skipped['model']}: {skipped['reason']}" for skipped in result.skipped]
    emit(
        table,
        Format.table,
        title=f"{scenario.scenario.title}: settlement forecast",
        caption=_caption(result),
        columns=["issue", *result.models],
        notes=notes,
    )


def _stopping(result) -> list[str]:
    """One line per issue of a model with a stopping rule: round, reason, spread over rounds."""
    from accord.workflows.forecast_draws import STOP_REASONS

    lines = []
    for name, model in result.models.items():
        if model.stopping_round is None:
            if name == "eum" and model.median is not None:  # --no-stop: every round, as Table 2
                for k, issue in enumerate(result.scenario.issues):
                    medians = " ".join(f"{v:.1f}" for v in model.median[1:, k])
                    means = " ".join(f"{v:.1f}" for v in model.mean[1:, k])
                    lines.append(
                        f"{name} {issue.id}, rounds 1-{model.rounds_run}: median "
                        f"{medians}; mean {means}"
                    )
            continue
        for k, issue in enumerate(result.scenario.issues):
            low, high = model.spread_over_rounds(k)
            why = model.stopped_because[k]
            lines.append(
                f"{name} {issue.id}: forecast {model.central[k]:.1f} at round "
                f"{int(model.stopping_round[k])} ({why}: {STOP_REASONS[why]}); "
                f"range over rounds {low:.1f}-{high:.1f}"
            )
    return lines


def _caption(result) -> str:
    if result.n_draws > 1:
        text = f"median [5 %, 95 %] over {result.n_draws} draws, seed {result.seed}"
    else:
        text = "central scenario (every input at its central value)"
    rounds = [
        f"{m}: {r.rounds_run} rounds"
        if r.stopping_round is None
        else f"{m}: stopped by round {r.rounds_run} (per issue below)"
        for m, r in result.models.items()
        if r.rounds_run is not None
    ]
    return text + ("; " + ", ".join(rounds) if rounds else "")
