"""Reference tables shaped for the burden-sharing model: allies, aid donors, and the
size/burden pairs of the exploitation test. Each result carries the provenance of the
tables it was built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from accord.data import load
from accord.spec.errors import ScenarioError

AGGREGATE_ROWS = ("NATO Europe and Canada", "NATO Total")
NORTH_AMERICA = ("United States", "Canada")
Measure = Literal["const2015", "current"]

# The 14 armed NATO members of 1964 (Iceland excluded), as named by SIPRI.
NATO_1964_SIPRI = (
    "United States of America",
    "Germany",
    "United Kingdom",
    "France",
    "Italy",
    "Canada",
    "Netherlands",
    "Belgium",
    "Denmark",
    "Türkiye",
    "Norway",
    "Greece",
    "Portugal",
    "Luxembourg",
)


@dataclass(frozen=True)
class Alliance:
    """One year of NATO spending: allies, GDP (income) and defence spending, US$ million."""

    year: int
    names: tuple[str, ...]
    income: np.ndarray
    spending: np.ndarray
    is_estimate: bool
    measure: str
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def index(self, name: str) -> int:
        return self.names.index(name)


@dataclass(frozen=True)
class Donors:
    """Aid to Ukraine per donor (Kiel), with income (GDP 2021) implied by Kiel's share."""

    names: tuple[str, ...]
    groups: tuple[str, ...]
    income: np.ndarray
    aid: np.ndarray
    excluded: tuple[str, ...]
    measure: str
    provenance: list[dict[str, Any]] = field(default_factory=list)


def alliance(year: int, measure: Measure = "const2015") -> Alliance:
    """The 32 allies of the NATO 2024 edition in ``year`` (aggregate rows dropped).

    ``measure`` "const2015" uses constant-2015 spending and GDP (their ratio is NATO's
    Table 3 share of real GDP); "current" uses current prices and exchange rates. Iceland,
    without armed forces, spends 0.
    """
    table = load("nato_defence_expenditure")
    frame = table.frame
    rows = frame[(frame["year"] == year) & ~frame["country"].isin(AGGREGATE_ROWS)]
    if rows.empty:
        years = sorted(int(y) for y in frame["year"].unique())
        raise ScenarioError(
            table.provenance["file"],
            "no NATO data for this year",
            field="year",
            expected=f"one of {years}",
            found=year,
        )
    spend_col, gdp_col = f"def_exp_musd_{measure}", f"gdp_musd_{measure}"
    return Alliance(
        year=int(year),
        names=tuple(rows["country"]),
        income=rows[gdp_col].to_numpy(float),
        spending=rows[spend_col].fillna(0.0).to_numpy(float),
        is_estimate=bool(rows["is_estimate"].astype(bool).any()),
        measure=measure,
        provenance=[_provenance(table.provenance)],
    )


def donors(
    measure: Literal["total", "military"] = "total",
    groups: tuple[str, ...] = ("US", "Europe", "Other"),
) -> Donors:
    """Kiel Release 28 allocations (EUR bn, cumulative since Jan 2022) of each donor.

    Income is GDP 2021 implied by Kiel's own column: total allocation / (share of GDP
    / 100). Donors whose share is printed as 0.0 (GDP not recoverable) or whose aid of
    this kind is zero are excluded and listed. The EU institutions are a donor in Kiel's
    table, with the EU's GDP as income (a modelling choice: their budget comes from the
    member states, so the income double counts; only the calibrated weight depends on it).
    """
    table = load("kiel_by_donor")
    frame = table.frame[table.frame["group"].isin(groups)]
    share = frame["r28_total_alloc_pct_gdp2021"].to_numpy(float)
    total = frame["r28_total_alloc_eur_bn"].to_numpy(float)
    aid = frame[f"r28_{measure}_alloc_eur_bn"].to_numpy(float)
    ok = (share > 0) & (aid > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        income = total / (share / 100.0)
    names = frame["donor"].to_numpy()
    return Donors(
        names=tuple(names[ok]),
        groups=tuple(frame["group"].to_numpy()[ok]),
        income=income[ok],
        aid=aid[ok],
        excluded=tuple(names[~ok]),
        measure=measure,
        provenance=[_provenance(table.provenance)],
    )


#: Allies with a land border with Russia (incl. Kaliningrad) or Belarus: the frontline
#: status in the demand model (the same list as the shipped scenario's ``frontline``).
FRONTLINE = ("Norway", "Finland", "Estonia", "Latvia", "Lithuania", "Poland")
SIPRI_US = "United States of America"


def defence_panel(first_year: int = 1992) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The allies' defence panel from SIPRI: spending, real GDP and Russia's spending.

    One row per ally-year from ``first_year`` (constant-price figures start in 1988; Russia's
    in 1992) with columns ``country`` (NATO's name, e.g. "United States"), ``year``,
    ``spending`` (US$ m, constant 2023 prices), ``gdp`` (US$ m, implied: spending / share of
    GDP, so deflated with SIPRI's deflator), ``share_pct`` (SIPRI share of GDP), ``russia``
    (Russia's spending, same unit) and ``frontline`` (1 for :data:`FRONTLINE`). Iceland
    (no armed forces) and ally-years without both figures are dropped.
    """
    table = load("sipri_panel")
    f = table.frame
    f = f[f["year"] >= first_year]
    russia = f[f["country"] == "Russia"].set_index("year")["milex_musd_const2023"]
    allies = f[(f["nato_member_2024"] == 1)].copy()
    allies = allies.dropna(subset=["milex_musd_const2023", "milex_share_gdp_pct"])
    allies = allies[allies["milex_share_gdp_pct"] > 0]
    names = allies["country"].replace({SIPRI_US: "United States"})
    out = pd.DataFrame(
        {
            "country": names.to_numpy(),
            "year": allies["year"].astype(int).to_numpy(),
            "spending": allies["milex_musd_const2023"].to_numpy(float),
            "gdp": (
                allies["milex_musd_const2023"] / (allies["milex_share_gdp_pct"] / 100.0)
            ).to_numpy(float),
            "share_pct": allies["milex_share_gdp_pct"].to_numpy(float),
        }
    )
    out["russia"] = out["year"].map(russia).astype(float)
    out["frontline"] = out["country"].isin(FRONTLINE).astype(float)
    out = out.dropna(subset=["russia"]).sort_values(["country", "year"]).reset_index(drop=True)
    return out, _provenance(table.provenance)


def size_and_burden(
    source: Literal["nato", "sipri14", "oz1964"],
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Long table (year, country, gdp, burden) for the exploitation test.

    - "nato": 31 allies of the 2024 edition (Iceland, no armed forces, drops out for want
      of spending), burden = Table 3 share of real GDP, size = Table 5 GDP current US$.
    - "sipri14": the 14 armed 1964 members in SIPRI 2014-2024, burden = SIPRI share of
      GDP, size = implied GDP = current milex / share.
    - "oz1964": the SIPRI 1964 check table (same definitions).
    """
    if source == "nato":
        table = load("nato_defence_expenditure")
        f = table.frame[~table.frame["country"].isin(AGGREGATE_ROWS)]
        out = pd.DataFrame(
            {
                "year": f["year"],
                "country": f["country"],
                "gdp": f["gdp_musd_current"],
                "burden": f["def_exp_pct_gdp"],
            }
        )
    elif source == "sipri14":
        table = load("sipri_milex")
        f = table.frame[table.frame["country"].isin(NATO_1964_SIPRI)]
        out = pd.DataFrame(
            {
                "year": f["year"],
                "country": f["country"],
                "gdp": f["milex_musd_current"] / f["milex_share_gdp_pct"],
                "burden": f["milex_share_gdp_pct"],
            }
        )
    elif source == "oz1964":
        table = load("oz_1964")
        f = table.frame
        out = pd.DataFrame(
            {
                "year": f["year"],
                "country": f["country"],
                "gdp": f["implied_gdp_musd_current"],
                "burden": f["sipri_milex_share_gdp_pct"],
            }
        )
    else:
        raise ScenarioError(
            None,
            "unknown data source for the exploitation test",
            field="source",
            expected="nato, sipri14 or oz1964",
            found=source,
        )
    out = out.dropna().astype({"year": int}).reset_index(drop=True)
    return out, _provenance(table.provenance)


def _provenance(p: dict[str, Any]) -> dict[str, Any]:
    return {k: p[k] for k in ("name", "file", "source", "verification", "notes")}
