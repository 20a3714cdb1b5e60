"""CLI commands over stored runs: ``accord query`` (SQL) and ``accord compare`` (two runs).

Heavy libraries (pandas, duckdb) are imported inside the commands so ``accord --help`` stays
fast. A bad run directory, bad SQL or an unknown outcome prints one line and exits with 2
(see accord.cli).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from accord.cli.formats import Format, FormatOption, emit
from accord.spec.errors import ScenarioError
from accord.spec.limits import DEFAULT_SEED


def _warn_if_unsound(run: Any) -> None:
    """One line on stderr when a run is incomplete or damaged; the answer still follows,
    computed on the run's intact chunks (docs/experiments.md, "Damaged and incomplete runs")."""
    problem = run.health().problem()
    if problem:
        typer.echo(f"warning: {run.path}: {problem}", err=True)


def query(
    run_dir: Annotated[str, typer.Argument(help="Run directory (holds meta.json).")],
    sql: Annotated[str, typer.Argument(help="SQL over the views scalars, series and design.")],
    output_format: FormatOption = Format.table,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0.001,
            max=86_400.0,
            help="Stop the query (output included) after this many seconds.",
        ),
    ] = 60.0,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=1,
            max=1_000_000,
            help="Most rows printed in table format (csv and json stream every row).",
        ),
    ] = 1000,
) -> None:
    """Query a run with SQL (DuckDB): views `scalars`, `series` and `design`."""
    import contextlib

    from accord.store.runs import open_run

    stored = open_run(run_dir)
    _warn_if_unsound(stored)
    batches = stored.query_batches(sql, timeout=timeout)
    with contextlib.closing(batches):
        if output_format is Format.table:
            _table_upto(batches, limit)
        elif output_format is Format.csv:
            for index, batch in enumerate(batches):
                typer.echo(batch.to_csv(index=False, header=index == 0), nl=False)
        else:
            _json_stream(batches)


def _table_upto(batches: Any, limit: int) -> None:
    """At most ``limit`` rows as a table, and a note on stderr when there were more."""
    import pandas as pd

    kept, rows, cut = [], 0, False
    for batch in batches:
        if rows + len(batch) > limit:
            kept.append(batch.iloc[: limit - rows])
            cut = True
            break
        kept.append(batch)
        rows += len(batch)
    emit(pd.concat(kept, ignore_index=True), Format.table)
    if cut:
        typer.echo(
            f"note: only the first {limit} rows are shown (--limit); use --format "
            "csv or json for every row",
            err=True,
        )


def _json_stream(batches: Any) -> None:
    """The rows as one JSON array of records, written batch by batch (the same document as
    ``dumps(records, indent=2)``)."""
    from accord.spec.jsonout import dumps

    first = True
    typer.echo("[", nl=False)
    for batch in batches:
        for record in batch.to_dict(orient="records"):
            text = dumps(record, indent=2, default=str).replace("\n", "\n  ")
            typer.echo(("\n  " if first else ",\n  ") + text, nl=False)
            first = False
    typer.echo("]" if first else "\n]")


def compare(
    run_a: Annotated[str, typer.Argument(help="Run directory A.")],
    run_b: Annotated[str, typer.Argument(help="Run directory B.")],
    outcomes: Annotated[
        list[str] | None,
        typer.Option(
            "--outcomes",  # no short letter: -o is --out (tests/cli/test_cli_options.py)
            help="Outcomes to compare (repeat or comma-separate); default: all numeric scalars.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="Interval: closed (paired normal, Newcombe or Welch; the report's) "
            "or bootstrap (percentile).",
        ),
    ] = "closed",
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=100, help="Bootstrap replicates (--method bootstrap).")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = DEFAULT_SEED,
    paired: Annotated[
        bool | None,
        typer.Option(
            "--paired/--independent",
            help="Pair experiments (same design and seed) or treat the runs as independent; "
            "default: paired when the runs share their uncertainty draws.",
        ),
    ] = None,
    output_format: FormatOption = Format.table,
) -> None:
    """Differences A - B per scalar outcome, with 95 % intervals (those of the report)."""
    from accord.analysis.compare import compare_runs
    from accord.store.runs import open_run
    from accord.workflows.seeds import check_seed

    if method not in ("closed", "bootstrap"):
        raise ScenarioError(
            None,
            f"unknown interval method {method!r}",
            field="--method",
            expected="closed or bootstrap",
        )
    names = [name.strip() for item in outcomes or [] for name in item.split(",") if name.strip()]
    first, second = open_run(run_a), open_run(run_b)
    for stored in (first, second):
        _warn_if_unsound(stored)
    table = compare_runs(
        first,
        second,
        outcomes=names or None,
        n_bootstrap=bootstrap,
        seed=check_seed(seed),
        paired="auto" if paired is None else paired,
        method=method,  # type: ignore[arg-type]  # checked above
    )
    label = "paired" if table.attrs.get("paired") else "independent"
    how = (
        f"{bootstrap} {label} bootstrap replicates"
        if method == "bootstrap"
        else f"{label} closed-form"
    )
    title = f"A = {first.run_id}, B = {second.run_id}; difference A - B, {how} 95 % interval"
    if output_format is Format.table:
        from accord.analysis.formatting import compare_text

        table = compare_text(table)  # each value by its outcome's unit, as the report shows it
    emit(table, output_format, title=title)


def register(app: typer.Typer) -> None:
    """Add ``query`` and ``compare`` to ``app``."""
    app.command("query")(query)
    app.command("compare")(compare)
