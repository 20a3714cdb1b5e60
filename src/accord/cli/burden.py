"""CLI commands: ``accord burden`` -- who pays for Europe's defence and Ukraine's aid.

Subcommands ``equilibrium`` (alliance defence spending under counterfactual levers),
``aid`` (aid to Ukraine if US aid stops) and ``exploitation`` (Olson & Zeckhauser's rank
test). Each prints the provenance of its data and takes ``--format table|json|csv`` and
``--figure PATH`` (PNG). Bad input prints one line and exits with code 2.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.formats import Format
from accord.errors import ScenarioError

if TYPE_CHECKING:
    from accord.scenario.burden import BurdenResult


burden_app = typer.Typer(
    name="burden",
    help="Burden-sharing: allies' defence spending, aid to Ukraine, the exploitation test.",
    no_args_is_help=True,
)

SPEC_HELP = ("A BurdenSpec YAML file, or a scenario YAML with a burden: section "
             "(default: the shipped ukraine-2025).")


def register(app: typer.Typer) -> None:
    """Add ``accord burden`` and its subcommands to app."""
    app.add_typer(burden_app, name="burden")


def _guarded(action: Callable[[], None]) -> None:
    """Run action; a ScenarioError becomes one line on stderr and exit code 2."""
    try:
        action()
    except ScenarioError as error:
        typer.echo(f"error: {error}", err=True)
        # SystemExit (not typer.Exit) so the code survives `app(standalone_mode=False)`.
        raise SystemExit(2) from None


def _parse_range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.replace(":", ",").split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise ScenarioError(None, "give the range as LOW,HIGH", field="theta-range",
                            expected="two numbers like 0.5,1.0", found=text) from None
    if not 0 <= low <= high <= 1:
        raise ScenarioError(None, "theta range must satisfy 0 <= low <= high <= 1",
                            field="theta-range", found=text)
    return low, high


SpecOption = Annotated[Path | None, typer.Option("--spec", help=SPEC_HELP)]
DrawsOption = Annotated[
    int | None, typer.Option("--draws", min=1, help="Draws of the uncertain inputs.")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the draws.")]
ThetaOption = Annotated[str | None, typer.Option("--theta-range", help="LOW,HIGH in [0, 1].")]
FormatOption = Annotated[Format, typer.Option("--format", "-f")]


@burden_app.command("equilibrium")
def equilibrium(
    spec_path: SpecOption = None,
    us_cut: Annotated[float | None, typer.Option(
        "--us-cut", help="Fraction by which the US cuts its spending.")] = None,
    us_spill_in_cut: Annotated[float | None, typer.Option(
        "--us-spill-in-cut", help="Fraction by which US spending stops protecting allies.")] = None,
    threat: Annotated[float | None, typer.Option(
        "--threat", help="Threat rise, all allies (each would spend this fraction more).")] = None,
    threat_frontline: Annotated[float | None, typer.Option(
        "--threat-frontline", help="Threat rise for the allies nearest Russia only.")] = None,
    floor: Annotated[float | None, typer.Option(
        "--floor", help="Spending floor, % of GDP (e.g. 2, 3.5, 5).")] = None,
    leave: Annotated[list[str] | None, typer.Option(
        "--leave", help="An ally that leaves (repeatable).")] = None,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    year: Annotated[int | None, typer.Option(
        "--year", help="Base year to calibrate on (2014-2024).")] = None,
    theta_range: ThetaOption = None,
    output_format: FormatOption = Format.table,
    figure: Annotated[Path | None, typer.Option(
        "--figure", help="PNG: burden share vs GDP share, change per ally.")] = None,
) -> None:
    """Allies' defence spending in the Nash equilibrium under counterfactual levers."""

    def action() -> None:
        from accord.scenario.burden import Settings, load_burden_spec, run_equilibrium

        spec = load_burden_spec(spec_path)
        settings = Settings.from_spec(
            spec, us_cut=us_cut, us_spill_in_cut=us_spill_in_cut, threat_all=threat,
            threat_frontline=threat_frontline, floor_pct_gdp=floor,
            leave=tuple(leave) if leave else None, draws=draws, seed=seed, year=year,
            theta=_parse_range(theta_range),
        )
        result = run_equilibrium(spec, settings)
        _emit(result, output_format, "Allies' defence spending", _EQUILIBRIUM_COLUMNS)
        if figure is not None:
            _figure_equilibrium(result, figure)

    _guarded(action)


@burden_app.command("aid")
def aid(
    spec_path: SpecOption = None,
    us_aid_stop: Annotated[float | None, typer.Option(
        "--us-aid-stop", help="Fraction of US aid that stops (default from the spec: 1).")] = None,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    theta_range: ThetaOption = None,
    output_format: FormatOption = Format.table,
    figure: Annotated[Path | None, typer.Option("--figure", help="PNG: the aid gap.")] = None,
) -> None:
    """Aid to Ukraine among donors (Kiel): how much of a US stop the others replace."""

    def action() -> None:
        from accord.scenario.burden import load_burden_spec, run_aid

        spec = load_burden_spec(spec_path)
        result = run_aid(spec, us_aid_stop=us_aid_stop, draws=draws, seed=seed,
                         theta=_parse_range(theta_range))
        _emit(result, output_format, "Aid to Ukraine by donor", _AID_COLUMNS)
        if figure is not None:
            _figure_aid(result, figure)

    _guarded(action)


@burden_app.command("exploitation")
def exploitation(
    year: Annotated[int | None, typer.Option(
        "--year", help="One year; default all years.")] = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="nato (31 allies), sipri14 (1964 members), oz1964 (repeatable).")] = None,
    output_format: FormatOption = Format.table,
    figure: Annotated[Path | None, typer.Option(
        "--figure", help="PNG: rank correlation by year.")] = None,
) -> None:
    """Olson & Zeckhauser's exploitation test: rank correlation of GDP and burden."""

    def action() -> None:
        from accord.scenario.burden import run_exploitation

        sources = tuple(source) if source else ("nato", "sipri14", "oz1964")
        for name in sources:
            if name not in ("nato", "sipri14", "oz1964"):
                raise ScenarioError(None, "unknown data source", field="source",
                                    expected="nato, sipri14 or oz1964", found=name)
        result = run_exploitation(year, sources)  # type: ignore[arg-type]
        _emit(result, output_format, "Exploitation test", None)
        if figure is not None:
            _figure_exploitation(result, figure)

    _guarded(action)


# ---------------------------------------------------------------------------------------
# Output

_EQUILIBRIUM_COLUMNS = (
    "ally", "status", "base_pct_gdp", "pct_gdp", "pct_gdp_p05", "pct_gdp_p95", "change_pct",
    "base_burden_share_pct", "burden_share_pct", "gdp_share_pct",
)
_AID_COLUMNS = (
    "donor", "group", "base_aid_eur_bn", "aid_eur_bn", "aid_eur_bn_p05", "aid_eur_bn_p95",
    "share_of_us_loss_pct",
)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _emit(result: BurdenResult, output_format: Format, title: str,
          columns: tuple[str, ...] | None) -> None:
    if output_format is Format.json:
        payload = {
            "settings": result.settings,
            "totals": _records(result.totals),
            "rows": _records(result.per_actor),
            "notes": result.notes,
            "provenance": result.provenance,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif output_format is Format.csv:
        result.per_actor.to_csv(sys.stdout, index=False, float_format="%.6g")
    else:
        _print_tables(result, title, columns)


def _print_tables(result: BurdenResult, title: str, columns: tuple[str, ...] | None) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)

    def show(frame: Any, heading: str, cols: tuple[str, ...] | None) -> None:
        if frame.empty:
            return
        cols = cols or tuple(frame.columns)
        cols = cols + tuple(c for c in frame.columns if c.startswith("gap_to_") and c not in cols)
        table = Table(title=heading, show_lines=False)
        for col in cols:
            numeric = pd.api.types.is_numeric_dtype(frame[col])
            table.add_column(col, justify="right" if numeric else "left")
        for row in frame[list(cols)].itertuples(index=False):
            table.add_row(*(_fmt(v) for v in row))
        console.print(table)

    if not result.totals.empty:
        totals_cols = tuple(c for c in result.totals.columns if not c.endswith(("_p05", "_p95"))
                            or c.startswith(("replaced_pct", "gap_eur", "pct_gdp")))
        show(result.totals, "Totals (median; bands 5-95 %)", totals_cols)
    banded = any(str(c).endswith("_p05") for c in result.per_actor.columns)
    show(result.per_actor, f"{title} (median and 5-95 % band)" if banded else title, columns)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    for p in result.provenance:
        console.print(f"data: {p['name']} [{p['verification']}] {p['source']}",
                      highlight=False, markup=False)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:,.2f}"
    return str(value)


# ---------------------------------------------------------------------------------------
# Figures (matplotlib, Agg; written to a temporary name, then renamed)


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    typer.echo(f"figure: {path}", err=True)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure_equilibrium(result: BurdenResult, path: Path) -> None:
    plt = _pyplot()
    frame = result.per_actor
    t = frame[(frame["status"] != "left") & (frame["base_spending_musd"] > 0)]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 6.5))
    ax1.scatter(t["gdp_share_pct"], t["base_burden_share_pct"], label="base year", marker="o")
    ax1.errorbar(t["gdp_share_pct"], t["burden_share_pct"],
                 yerr=[t["burden_share_pct"] - t["burden_share_pct_p05"],
                       t["burden_share_pct_p95"] - t["burden_share_pct"]],
                 fmt="s", label="counterfactual (5-95 %)", alpha=0.8)
    top = max(t["gdp_share_pct"].max(), t["burden_share_pct_p95"].max()) * 1.2
    ax1.plot([0.01, top], [0.01, top], "k--", lw=0.8, label="burden share = GDP share")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("GDP share of the alliance (%)")
    ax1.set_ylabel("share of alliance defence spending (%)")
    ax1.set_title("Burden share vs GDP share")
    ax1.legend(fontsize=8)
    t2 = t.dropna(subset=["change_pct"]).sort_values("change_pct")
    ax2.barh(t2["ally"], t2["change_pct"],
             xerr=[t2["change_pct"] - t2["change_pct_p05"],
                   t2["change_pct_p95"] - t2["change_pct"]],
             color=["tab:red" if v < 0 else "tab:blue" for v in t2["change_pct"]])
    ax2.axvline(0, color="k", lw=0.8)
    ax2.set_xlabel("change in defence spending vs base year (%, median and 5-95 %)")
    ax2.set_title("Counterfactual change per ally")
    ax2.tick_params(axis="y", labelsize=7)
    s = result.settings
    fig.suptitle(f"Burden-sharing equilibrium, base {s['year']}: US cut {s['us_cut']:g}, "
                 f"US spill-in cut {s['us_spill_in_cut']:g}, threat {s['threat_all']:g}/"
                 f"{s['threat_frontline']:g}, floor {s['floor_pct_gdp']}, leave {s['leave']}")
    _save(fig, path)


def _figure_aid(result: BurdenResult, path: Path) -> None:
    plt = _pyplot()
    totals = result.totals.set_index("group")
    summary = totals.loc["US loss replaced by others"]
    groups = [g for g in ("US", "Europe", "Other") if g in totals.index]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 6))
    base = [totals.loc[g, "base_aid_eur_bn"] for g in groups]
    new = [totals.loc[g, "aid_eur_bn"] for g in groups]
    err = [[totals.loc[g, "aid_eur_bn"] - totals.loc[g, "aid_eur_bn_p05"] for g in groups],
           [totals.loc[g, "aid_eur_bn_p95"] - totals.loc[g, "aid_eur_bn"] for g in groups]]
    x = range(len(groups))
    ax1.bar([i - 0.2 for i in x], base, width=0.4, label="Kiel R28 allocations")
    ax1.bar([i + 0.2 for i in x], new, width=0.4, yerr=err, label="equilibrium if US aid stops")
    ax1.set_xticks(list(x), groups)
    ax1.set_ylabel("EUR bn (cumulative since Jan 2022)")
    ax1.set_title(f"Aid gap: US loss {summary['us_loss_eur_bn']:.0f}, replaced "
                  f"{summary['replaced_pct']:.0f} % [{summary['replaced_pct_p05']:.0f}-"
                  f"{summary['replaced_pct_p95']:.0f}], gap {summary['gap_eur_bn']:.1f} bn",
                  fontsize=10)
    ax1.legend(fontsize=8)
    d = result.per_actor.dropna(subset=["share_of_us_loss_pct"])
    d = d.sort_values("change_eur_bn").tail(15)
    ax2.barh(d["donor"], d["change_eur_bn"],
             xerr=[d["change_eur_bn"] - d["change_eur_bn_p05"],
                   d["change_eur_bn_p95"] - d["change_eur_bn"]])
    ax2.set_xlabel("added aid in equilibrium, EUR bn (median, 5-95 %)")
    ax2.set_title("Who carries it (top 15 donors)")
    ax2.tick_params(axis="y", labelsize=8)
    _save(fig, path)


def _figure_exploitation(result: BurdenResult, path: Path) -> None:
    plt = _pyplot()
    t = result.per_actor
    fig, ax = plt.subplots(figsize=(9, 5))
    labels = {"nato": "31 allies (NATO 2024 edition)", "sipri14": "14 members of 1964 (SIPRI)",
              "oz1964": "14 members, 1964 (SIPRI)"}
    for source, part in t.groupby("source"):
        ax.plot(part["year"], part["spearman_rho"], "o-", label=f"Spearman, {labels[source]}")
        ax.plot(part["year"], part["kendall_tau"], "x:", label=f"Kendall, {labels[source]}")
    from accord.data import load

    recorded = load("rank_correlations").frame
    for kind, marker in (("computed", "o"), ("published", "s")):
        rec = recorded[recorded["kind"] == kind]
        ax.scatter(rec["year"], rec["rho"], s=90, marker=marker, facecolors="none",
                   edgecolors="k",
                   label=f"recorded ({kind}) in burden_sharing_rank_correlations.csv")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("rank correlation of GDP with defence spending / GDP")
    ax.set_title("Olson-Zeckhauser exploitation test over the years")
    ax.legend(fontsize=7)
    _save(fig, path)
