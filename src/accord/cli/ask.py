"""CLI commands: ``accord ask RUN (--question FILE | --event EXPR)`` and
``accord score QUESTIONS RUN`` -- dated questions answered over all futures, and scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli.formats import Format
from accord.spec.errors import ScenarioError


def register(app: typer.Typer) -> None:
    """Add ``accord ask`` and ``accord score``."""
    app.command("ask")(ask)
    app.command("score")(score)
    app.command("update")(update)


def _pct(value: float | None) -> str:
    from accord.analysis.formatting import probability

    return probability(value)


def ask(
    run: Annotated[Path, typer.Argument(help="A run directory or a directory of runs.")],
    question: Annotated[
        Path | None, typer.Option("--question", "-q", help="A question file (YAML).")
    ] = None,
    event: Annotated[
        str | None,
        typer.Option("--event", help="An event, e.g. 'ceasefire_month before 2026-01-01'."),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="Variant (default: baseline).")] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Probabilities per bin over ALL futures, with 95% Wilson intervals."""
    from accord.workflows.questions import ask as ask_run

    answer = ask_run(run, event=event, question=question, variant=variant).to_dict()
    if output_format is Format.json:
        from accord.spec.jsonout import dumps

        typer.echo(dumps(answer, indent=2))
        return
    typer.echo(f"{answer['event']}  ({answer['n_futures']} futures)")
    condition = answer["condition"]
    if condition is not None:
        typer.echo(
            f"given: {condition['event']}: p = {_pct(condition['p'])} "
            f"[{_pct(condition['low'])}, {_pct(condition['high'])}], "
            f"{condition['n']} futures; shares below are among these"
        )
    for row in answer["bins"]:
        typer.echo(
            f"  {row['bin']:<32} {_pct(row['p']):>7}  [{_pct(row['low'])}, {_pct(row['high'])}]"
        )


def score(
    questions: Annotated[Path, typer.Argument(help="A question file or a directory of them.")],
    run: Annotated[Path, typer.Argument(help="A run directory or a directory of runs.")],
    variant: Annotated[str | None, typer.Option(help="Variant (default: baseline).")] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            help="Append accord's answers to open questions to this ledger (JSON "
            "lines) and score its resolved entries.",
        ),
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Multi-bin Brier and log scores of accord and of each crowd forecast."""
    from accord.workflows.questions import ledger as ledger_run
    from accord.workflows.questions import score as score_run

    result = score_run(questions, run, variant=variant)
    if ledger is not None:
        result["ledger"] = ledger_run(questions, run, ledger, variant=variant)
    if output_format is Format.json:
        from accord.spec.jsonout import dumps

        typer.echo(dumps(result, indent=2))
        return
    typer.echo(f"{'question':<34} {'forecaster':<28} {'date':<10} {'brier':>6} {'log':>6}")
    for row in result["questions"]:
        a = row["accord"]
        typer.echo(f"{row['id']:<34} {'accord':<28} {'':<10} {a['brier']:6.3f} {a['log']:6.3f}")
        for crowd in row["crowd"]:
            typer.echo(
                f"{'':<34} {crowd['source']:<28} {crowd['date']:<10} "
                f"{crowd['brier']:6.3f} {crowd['log']:6.3f}"
            )
        typer.echo(f"{'':<34} resolved: {row['resolved_bin']}")
    typer.echo(
        "mean Brier (lower is better): "
        + ", ".join(
            f"{source} {value:.3f}"
            for source, value in result["mean_brier"].items()
            if value is not None
        )
    )
    if "ledger" in result:
        book = result["ledger"]
        typer.echo(
            f"ledger {book['ledger']}: recorded {len(book['recorded'])} new answer(s)"
            + "".join(
                f"; {e['id']} (recorded {e['recorded']}) Brier {e['brier']:.3f}"
                for e in book["scored"]
            )
        )


def update(
    run: Annotated[Path, typer.Argument(help="A run directory or a directory of runs.")],
    observed: Annotated[Path, typer.Option("--observed", help="An observations file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="A new directory for the updated run.")],
    variant: Annotated[str | None, typer.Option(help="Variant (default: baseline).")] = None,
    rerun: Annotated[
        bool,
        typer.Option(
            "--rerun",
            help="Run the kept futures' parameter rows afresh (drawn with replacement) "
            "and condition the fresh futures again.",
        ),
    ] = False,
    experiments: Annotated[
        int | None,
        typer.Option(help="With --rerun: fresh futures to run (default: as many as the run has)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="With --rerun: seed (default: a child of the run's seed).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --rerun: run even when over the cap.")
    ] = False,
    output_format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Keep the futures that agree with every observation (rejection) as a new run."""
    from accord.workflows.questions import update as update_run

    if not rerun and (experiments is not None or seed is not None or force):
        raise ScenarioError(None, "--experiments, --seed and --force need --rerun", field="--rerun")
    summary = update_run(
        run,
        observed,
        out,
        variant=variant,
        rerun=rerun,
        experiments=experiments,
        seed=seed,
        progress=output_format is not Format.json,
        force=force,
        log=lambda line: typer.echo(line, err=True),
    )
    if output_format is Format.json:
        from accord.spec.jsonout import dumps

        typer.echo(dumps(summary, indent=2))
    else:
        line = (
            f"{summary['run']}: as of {summary['as_of']}, kept "
            f"{round(summary['share_kept'] * summary['n_futures'])} of "
            f"{summary['n_futures']} futures"
        )
        if "rerun" in summary:
            fresh = summary["rerun"]
            line += (
                f"; rerun of {fresh['n_experiments']} fresh futures (seed {fresh['seed']})"
                f" kept {fresh['ess']}"
            )
        typer.echo(f"{line} (ESS {summary['ess']})")
    if summary["warning"]:
        typer.echo(f"warning: {summary['warning']}", err=True)
