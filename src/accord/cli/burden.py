"""CLI commands: ``accord burden`` -- who pays for Europe's defence and Ukraine's aid.

Subcommands ``equilibrium`` (alliance defence spending under counterfactual levers, from the
estimated demand model or the calibrated joint-product game), ``aid`` (aid to Ukraine if US
aid stops, with the 2025 check), ``backtest`` (the estimated model out of sample) and
``exploitation`` (Olson & Zeckhauser's rank test). Each takes a scenario (a shipped name or
a path, default ukraine-2025) like the other commands, prints the provenance of its data
and takes ``--format table|json|csv`` and ``--figure PATH`` (png, svg or pdf by the
suffix). The work is :func:`accord.burden`; this module parses and prints only. Bad input
prints one line and exits with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.formats import Format, FormatOption, emit
from accord.spec.errors import ScenarioError
from accord.spec.limits import DEFAULT_SEED

if TYPE_CHECKING:
    from accord.workflows.burden import BurdenResult


burden_app = typer.Typer(
    name="burden",
    help="Burden-sharing: allies' defence spending, aid to Ukraine, the exploitation test.",
    no_args_is_help=True,
)

SCENARIO_HELP = (
    "Scenario with a burden: section: a shipped name, a YAML file or directory "
    "(default: ukraine-2025)."
)


def register(app: typer.Typer) -> None:
    """Add ``accord burden`` and its subcommands to app."""
    app.add_typer(burden_app, name="burden")


def _parse_range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.replace(":", ",").split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise ScenarioError(
            None,
            "give the range as LOW,HIGH",
            field="theta-range",
            expected="two numbers like 0.5,1.0",
            found=text,
        ) from None
    if not 0 <= low <= high <= 1:
        raise ScenarioError(
            None, "theta range must satisfy 0 <= low <= high <= 1", field="theta-range", found=text
        )
    return low, high


ScenarioArgument = Annotated[str | None, typer.Argument(help=SCENARIO_HELP, show_default=False)]
# The old spelling (--spec FILE), kept hidden so that existing scripts keep working.
SpecOption = Annotated[Path | None, typer.Option("--spec", hidden=True)]
DrawsOption = Annotated[
    int | None, typer.Option("--draws", min=1, help="Draws of the uncertain inputs.")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the draws, 0 <= seed < 2**63.")]
ThetaOption = Annotated[str | None, typer.Option("--theta-range", help="LOW,HIGH in [0, 1].")]


FigureOption = Annotated[
    Path | None,
    typer.Option(
        "--figure", help="Also write the figure to this file (.png, .svg or .pdf by the suffix)."
    ),
]


def _check_figure(figure: Path | None) -> None:
    """Refuse a bad figure target before the analysis runs (not after)."""
    if figure is not None:
        from accord.safeio import check_target, figure_format

        figure_format(figure)
        check_target(figure, field="figure")


def _write_figure(result: BurdenResult, figure: Path | None) -> None:
    if figure is not None:
        from accord.safeio import save_figure

        sys.stdout.flush()
        typer.echo(f"figure: {save_figure(result.figure(), figure)}", err=True)


def _scenario(scenario: str | None, spec_path: Path | None) -> str | Path | None:
    if scenario is not None and spec_path is not None:
        raise ScenarioError(
            None,
            "give the scenario once",
            field="--spec",
            expected="a SCENARIO argument or --spec, not both",
        )
    return spec_path if spec_path is not None else scenario


@burden_app.command("equilibrium")
def equilibrium(
    scenario: ScenarioArgument = None,
    us_cut: Annotated[
        float | None, typer.Option("--us-cut", help="Fraction by which the US cuts its spending.")
    ] = None,
    us_spill_in_cut: Annotated[
        float | None,
        typer.Option(
            "--us-spill-in-cut", help="Fraction by which US spending stops protecting allies."
        ),
    ] = None,
    threat: Annotated[
        float | None,
        typer.Option(
            "--threat", help="Threat rise, all allies (each would spend this fraction more)."
        ),
    ] = None,
    threat_frontline: Annotated[
        float | None,
        typer.Option("--threat-frontline", help="Threat rise for the allies nearest Russia only."),
    ] = None,
    floor: Annotated[
        float | None, typer.Option("--floor", help="Spending floor, % of GDP (e.g. 2, 3.5, 5).")
    ] = None,
    leave: Annotated[
        list[str] | None, typer.Option("--leave", help="An ally that leaves (repeatable).")
    ] = None,
    draws: DrawsOption = None,
    seed: SeedOption = DEFAULT_SEED,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Base year (estimated: 1993-2024, joint-product: 2014-2024)."),
    ] = None,
    theta_range: Annotated[
        str | None,
        typer.Option("--theta-range", help="LOW,HIGH in [0, 1] (--model joint-product only)."),
    ] = None,
    output_format: FormatOption = Format.table,
    figure: FigureOption = None,
    spec_path: SpecOption = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="chosen (default: the model the rolling backtest's verdict table "
            "marks; persistence while none beats it), estimated (the fitted demand model), "
            "persistence, or joint-product (the Cobb-Douglas game calibrated on the base "
            "year).",
        ),
    ] = "chosen",
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            min=0,
            help="Estimated model: years of adjustment (default 10; 0 = long run).",
        ),
    ] = None,
) -> None:
    """Allies' defence spending in the Nash equilibrium under counterfactual levers."""
    from accord.workflows.burden import burden
    from accord.workflows.seeds import check_seed

    check_seed(seed)
    _check_figure(figure)
    result = burden(
        "equilibrium",
        _scenario(scenario, spec_path),
        us_cut=us_cut,
        us_spill_in_cut=us_spill_in_cut,
        threat_all=threat,
        threat_frontline=threat_frontline,
        floor_pct_gdp=floor,
        leave=tuple(leave) if leave else None,
        draws=draws,
        seed=seed,
        year=year,
        theta=_parse_range(theta_range),
        model=model,
        horizon=horizon,
    )
    _emit(result, output_format, "Allies' defence spending", _EQUILIBRIUM_COLUMNS)
    _write_figure(result, figure)


@burden_app.command("aid")
def aid(
    scenario: ScenarioArgument = None,
    us_aid_stop: Annotated[
        float | None,
        typer.Option(
            "--us-aid-stop", help="Fraction of US aid that stops (default from the spec: 1)."
        ),
    ] = None,
    draws: DrawsOption = None,
    seed: SeedOption = DEFAULT_SEED,
    theta_range: ThetaOption = None,
    output_format: FormatOption = Format.table,
    figure: FigureOption = None,
    spec_path: SpecOption = None,
) -> None:
    """Aid to Ukraine among donors (Kiel): how much of a US stop the others replace."""
    from accord.workflows.burden import burden
    from accord.workflows.seeds import check_seed

    check_seed(seed)
    _check_figure(figure)
    result = burden(
        "aid",
        _scenario(scenario, spec_path),
        us_aid_stop=us_aid_stop,
        draws=draws,
        seed=seed,
        theta=_parse_range(theta_range),
    )
    _emit(result, output_format, "Aid to Ukraine by donor", _AID_COLUMNS)
    _write_figure(result, figure)


@burden_app.command("backtest")
def backtest(
    train_until: Annotated[
        int | None,
        typer.Option(
            "--train-until", help="Last year of the estimation sample; later years are forecast."
        ),
    ] = None,
    rolling: Annotated[
        bool,
        typer.Option(
            "--rolling", help="Every origin 2000-2021 (and the shock origins), h = 1, 2, 3."
        ),
    ] = False,
    output_format: FormatOption = Format.table,
    write_verdict: Annotated[
        Path | None,
        typer.Option(
            "--write-verdict",
            help="With --rolling: also write the verdict table (which model "
            "every face and the engine use) to this CSV file.",
        ),
    ] = None,
) -> None:
    """The estimated model out of sample: MAE of each ally's share of GDP vs persistence and
    the calibrated joint-product model."""
    from accord.workflows.burden import burden

    if write_verdict is not None and not rolling:
        raise ScenarioError(None, "--write-verdict needs --rolling", field="write-verdict")
    if rolling:
        _rolling(output_format, write_verdict)
        return
    if train_until is None:
        raise ScenarioError(None, "give --train-until YEAR or --rolling", field="train-until")
    result = burden("backtest", train_until=train_until)
    if output_format is Format.table:
        from rich.console import Console

        s = result.summary
        console = Console()
        console.print(
            f"trained until {s['train_until']}; forecast {s['years'][0]}-{s['years'][-1]}, "
            f"{s['n_allies']} allies; mean absolute error, share of GDP (pp): estimated "
            f"model {s['model_mae']:.3f}, persistence {s['persistence_mae']:.3f}, "
            f"joint-product {s['joint_product_mae']:.3f}"
            + ("" if s["model_beats_persistence"] else " (the model does not beat persistence)"),
            highlight=False,
            markup=False,
        )
        errors = result.per_actor.groupby("ally")[
            ["model_error_pp", "persistence_error_pp", "joint_product_error_pp"]
        ].mean()
        by_ally = errors.reset_index()
        _print_tables(
            result.__class__(
                by_ally, result.totals, result.settings, result.provenance, result.notes
            ),
            "Mean absolute error by ally (pp)",
            None,
        )
    else:
        _emit(result, output_format, "Backtest", None)


def _rolling(output_format: Format, write_verdict: Path | None = None) -> None:

    from accord.workflows.burden_forecast import rolling_backtest, verdict_csv

    if write_verdict is not None:
        from accord.safeio import check_target

        check_target(write_verdict, field="write-verdict")
    result = rolling_backtest()
    if write_verdict is not None:
        from accord.safeio import atomic_write_text

        atomic_write_text(write_verdict, verdict_csv(result))
        typer.echo(f"verdict: {write_verdict}", err=True)
    rows = [
        {"target": target, "origins": origins, "h": row["h"], "n": row["n"]}
        | {f"{m}_mae": row["mae"][m] for m in block["horizons"][0]["mae"]}
        | {f"{m}_rmse": row["rmse"][m] for m in block["horizons"][0]["mae"]}
        for target, block in (
            ("share of GDP (pp)", result),
            ("log real spending (100 x log points)", result["log_real"]),
        )
        for key, origins in (("horizons", "all"), ("shock_horizons", "shock"))
        for row in block[key]
    ]
    emit(
        rows,
        output_format,
        title=f"Rolling backtest: MAE and RMSE of share of GDP and of log real spending; all "
        f"origins {result['origins'][0]}-{result['origins'][-1]}, shock origins "
        + ", ".join(str(o) for o in result["shock_origins"]),
        document=result,
        notes=[
            f"chosen: {result['model']}. {result['verdict']}",
            f"covariates: {result['covariates']}",
        ],
    )


@burden_app.command("forecast")
def forecast(
    year: Annotated[
        int, typer.Option("--year", help="Year to forecast (data end the year before).")
    ] = 2025,
    output_format: FormatOption = Format.table,
) -> None:
    """Each ally's share of GDP next year from data up to the year before only, by the method
    the rolling backtest chooses, with NATO's unverified headlines beside as a check."""

    from accord.workflows.burden_forecast import forecast as run

    result = run(year)
    e = result["europe_real_change_pct"]
    check = result["nato_2025_unverified_check"]
    notes = [
        f"European allies, real change: {e['value']:+.1f} % (5-95 %: {e['low']:+.1f} to "
        f"{e['high']:+.1f}); band: {result['band']}",
        "  by method (comparison; scores in `accord burden backtest --rolling`): "
        + ", ".join(
            f"{m} {v:+.1f} %" for m, v in result["europe_real_change_pct_by_method"].items()
        ),
        "check only, NATO 2025 edition as reported second-hand (UNVERIFIED; changes 2024->"
        "2025, pp of GDP, not levels): "
        + "; ".join(
            f"{r['ally']} NATO {r['nato_change_pp']:+.2f} vs forecast "
            f"{r['forecast_change_pp']:+.2f}"
            for r in check["rows"]
        ),
        f"caveat: {check['caveat']}",
    ]
    emit(
        result["allies"],
        output_format,
        title=f"{result['year']} from data to {result['trained_until']}; method "
        f"{result['method']} ({result['verdict']})",
        document=result,
        notes=notes,
    )


@burden_app.command("gaps")
def gaps(
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year of the SIPRI shares (default: the last year of data)."),
    ] = None,
    output_format: FormatOption = Format.table,
) -> None:
    """Each ally's and each group's gap to 2, 3.5 and 5 % of GDP, with the shortfall in US$."""

    from accord.workflows.burden_forecast import gaps as run

    result = run(year)
    heading = (
        f"{result['year']}: gap to each target, pp of GDP (negative: above it), and the "
        f"shortfall of the allies below it (US$ m); model used: {result['model_used']}"
    )
    notes = [result["what_the_data_can_tell"], f"backtest: {result['backtest']}"]
    if output_format is not Format.table:
        # one table: each row an ally or a group (kind), named in the column "name"
        rows = [
            {"kind": name, "name": row[name]} | {k: v for k, v in row.items() if k != name}
            for key, name in (("allies", "ally"), ("groups", "group"))
            for row in result[key]
        ]
        emit(rows, output_format, document=result)
        return
    emit(result["allies"], Format.table, title=heading)
    emit(result["groups"], Format.table, notes=notes)


@burden_app.command("aid-reaction")
def aid_reaction(
    measure: Annotated[str, typer.Option("--measure", help="total or military.")] = "total",
    output_format: FormatOption = Format.table,
) -> None:
    """Donor-level aid reaction to US allocations (Kiel R27, 2022 - Jan 2025): predicted
    European replacement of the US stop vs Kiel R28's observed 2025 replacement."""

    from accord.workflows.burden_forecast import aid_reaction as run

    result = run(measure)
    p = result["predicted_replacement_pct"]
    row = {
        "measure": result["measure"],
        "predicted_replacement_pct": p["value"],
        "low": p["low"],
        "high": p["high"],
        "observed_replacement_pct": result["observed_replacement_pct"],
    } | {k: v for k, v in result.items() if k in ("slope_b", "slope_se", "donors", "quarters")}
    emit(
        [row],
        output_format,
        title="Predicted European replacement of the US aid stop vs observed 2025 (%)",
        document=result,
        notes=[f"note: {result['note']}", f"method: {result['method']}"],
    )


@burden_app.command("exploitation")
def exploitation(
    year: Annotated[int | None, typer.Option("--year", help="One year; default all years.")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", help="nato (31 allies), sipri14 (1964 members), oz1964 (repeatable)."
        ),
    ] = None,
    output_format: FormatOption = Format.table,
    figure: FigureOption = None,
) -> None:
    """Olson & Zeckhauser's exploitation test: rank correlation of GDP and burden."""
    from accord.workflows.burden import burden

    _check_figure(figure)
    result = burden("exploitation", year=year, sources=tuple(source) if source else None)
    _emit(result, output_format, "Exploitation test", None)
    _write_figure(result, figure)


# ---------------------------------------------------------------------------------------
# Output

_EQUILIBRIUM_COLUMNS = (
    "ally",
    "status",
    "base_pct_gdp",
    "pct_gdp",
    "pct_gdp_p05",
    "pct_gdp_p95",
    "change_pct",
    "base_burden_share_pct",
    "burden_share_pct",
    "gdp_share_pct",
)
_AID_COLUMNS = (
    "donor",
    "group",
    "base_aid_eur_bn",
    "aid_eur_bn",
    "aid_eur_bn_p05",
    "aid_eur_bn_p95",
    "share_of_us_loss_pct",
)


def _emit(
    result: BurdenResult, output_format: Format, title: str, columns: tuple[str, ...] | None
) -> None:
    if output_format is Format.json:
        payload = result.to_dict()
        del payload["analysis"]
        from accord.spec.jsonout import dumps

        typer.echo(dumps(payload, indent=2, ensure_ascii=False))
    elif output_format is Format.csv:
        emit(result.per_actor, Format.csv)  # numbers unrounded
    else:
        _print_tables(result, title, columns)


def _print_tables(result: BurdenResult, title: str, columns: tuple[str, ...] | None) -> None:
    from rich.console import Console

    console = Console()

    def show(frame: Any, heading: str, cols: tuple[str, ...] | None) -> None:
        if frame.empty:
            return
        cols = cols or tuple(frame.columns)
        cols = cols + tuple(c for c in frame.columns if c.startswith("gap_to_") and c not in cols)
        emit(frame[list(cols)], Format.table, title=heading)

    if not result.totals.empty:
        totals_cols = tuple(
            c
            for c in result.totals.columns
            if not c.endswith(("_p05", "_p95"))
            or c.startswith(("replaced_pct", "gap_eur", "pct_gdp"))
        )
        heading = (
            "Mean absolute error by year (pp)"
            if "model_error_pp" in result.totals
            else "Totals (median; bands 5-95 %)"
        )
        show(result.totals, heading, totals_cols)
    for name, frame in getattr(result, "sections", {}).items():
        show(
            frame.set_index(frame.columns[0]).T.reset_index(names="figure"),
            "Tested on 2025: European replacement of the US aid stop"
            if name == "check_2025"
            else name,
            None,
        )
    banded = any(str(c).endswith("_p05") for c in result.per_actor.columns)
    show(result.per_actor, f"{title} (median and 5-95 % band)" if banded else title, columns)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    for p in result.provenance:
        console.print(
            f"data: {p['name']} [{p['verification']}] {p['source']}", highlight=False, markup=False
        )
