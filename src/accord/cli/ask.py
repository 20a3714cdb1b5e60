"""CLI commands: ``accord ask RUN (--question FILE | --event EXPR)`` and
``accord score QUESTIONS RUN`` -- dated questions answered over all futures, and scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli.formats import Format, FormatOption, emit
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
    output_format: FormatOption = Format.table,
) -> None:
    """Probabilities per bin over ALL futures, with 95% Wilson intervals."""
    from accord.workflows.questions import ask as ask_run

    answer = ask_run(run, event=event, question=question, variant=variant).to_dict()
    condition = answer["condition"]
    given = (
        []
        if condition is None
        else [
            f"given: {condition['event']}: p = {_pct(condition['p'])} "
            f"[{_pct(condition['low'])}, {_pct(condition['high'])}], "
            f"{condition['n']} futures; shares above are among these"
        ]
    )
    emit(
        answer["bins"],
        output_format,
        title=f"{answer['event']}  ({answer['n_futures']} futures)",
        columns=("bin", "p", "low", "high"),
        units=dict.fromkeys(("p", "low", "high"), "probability"),
        document=answer,
        notes=given,
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
    output_format: FormatOption = Format.table,
) -> None:
    """Multi-bin Brier and log scores of accord and of each crowd forecast."""
    from accord.workflows.questions import ledger as ledger_run
    from accord.workflows.questions import score as score_run

    result = score_run(questions, run, variant=variant)
    if ledger is not None:
        result["ledger"] = ledger_run(questions, run, ledger, variant=variant)
    rows = []
    for row in result["questions"]:
        a = row["accord"]
        common = {"question": row["id"], "resolved": row["resolved_bin"]}
        rows.append(common | {"forecaster": "accord", "date": None} | _scores(a))
        for crowd in row["crowd"]:
            rows.append(
                common | {"forecaster": crowd["source"], "date": crowd["date"]} | _scores(crowd)
            )
    notes = [
        "mean Brier (lower is better): "
        + ", ".join(
            f"{source} {value:.3f}"
            for source, value in result["mean_brier"].items()
            if value is not None
        )
    ]
    if "ledger" in result:
        book = result["ledger"]
        notes.append(
            f"ledger {book['ledger']}: recorded {len(book['recorded'])} new answer(s)"
            + "".join(
                f"; {e['id']} (recorded {e['recorded']}) Brier {e['brier']:.3f}"
                for e in book["scored"]
            )
        )
    emit(
        rows,
        output_format,
        title="Multi-bin Brier and log scores",
        columns=("question", "forecaster", "date", "brier", "log", "resolved"),
        document=result,
        notes=notes,
    )


def _scores(entry: dict) -> dict:
    return {"brier": entry["brier"], "log": entry["log"]}


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
    output_format: FormatOption = Format.table,
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
        progress=True,  # on stderr: json and csv output stay clean
        force=force,
        log=lambda line: typer.echo(line, err=True),
    )
    line = (
        f"{summary['run']}: as of {summary['as_of']}, kept "
        f"{round(summary['share_kept'] * summary['n_futures'])} of "
        f"{summary['n_futures']} futures"
    )
    # One row of the summary's plain values (the warning goes to stderr below).
    row = {k: v for k, v in summary.items() if k != "warning" and not isinstance(v, (dict, list))}
    if "rerun" in summary:
        fresh = summary["rerun"]
        line += (
            f"; rerun of {fresh['n_experiments']} fresh futures (seed {fresh['seed']})"
            f" kept {fresh['ess']}"
        )
        row |= {f"rerun_{k}": v for k, v in fresh.items() if not isinstance(v, (dict, list))}
    emit(
        [row],
        output_format,
        title=f"{line} (ESS {summary['ess']})",
        units={"share_kept": "share"},
        document=summary,
    )
    if summary["warning"]:
        typer.echo(f"warning: {summary['warning']}", err=True)
