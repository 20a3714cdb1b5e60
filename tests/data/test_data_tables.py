"""accord.data: every shipped table loads with its provenance; bad files fail with file:line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.data import VERIFICATION_LABELS, list_tables, load, table_path
from accord.data.alliance import alliance, donors, size_and_burden
from accord.spec.errors import ScenarioError

EXPECTED_TABLES = {
    "nato_defence_expenditure",
    "nato_2025_headlines",
    "sipri_milex",
    "oz_1964",
    "rank_correlations",
    "kiel_by_donor",
    "kiel_us_vs_europe",
    "kiel_by_year_group",
    "cow_nmc",
    "fortna_ceasefires",
    "fortna_descriptives",
    "public_opinion",
    "sipri_panel",
    "kiel_r27_monthly",
}
# Interstate durability and Russia-NATO escalation (accord.fits.durability, .escalation).
EXPECTED_TABLES |= {
    "ucdp_termination_interstate_dyads",
    "ucdp_peace_agreements_interstate",
    "mid_russia_nato",
}
# The war-duration fit's tables (accord fit war-duration).
EXPECTED_TABLES |= {"cow_war_durations", "cow_wars", "ucdp_termination", "cow_nmc_long"}
# The rolling backtest's verdict: which burden model every face and the engine use (issue 20).
EXPECTED_TABLES |= {"burden_verdict"}
# Built for accord, kept in data/incidents (not a research-pass copy): the escalation check.
EXPECTED_TABLES |= {"russia_nato_incidents"}
OUTSIDE_TABLES = {"../incidents/russia_nato_incidents_2015_2025.csv"}
# Capitals for the spatial spill-in and the distance to Moscow (burden backtest, issue 20).
EXPECTED_TABLES |= {"capitals"}


def test_every_capital_has_a_source_and_every_ally_a_capital() -> None:
    from accord.data.alliance import defence_panel

    frame = load("capitals").frame
    assert frame["source_url"].str.startswith("https://").all()
    assert frame["lat"].between(-90, 90).all() and frame["lon"].between(-180, 180).all()
    allies = set(defence_panel()[0]["country"])
    assert allies | {"Russia"} <= set(frame["country"])


def test_every_table_loads_with_provenance() -> None:
    names = {entry["name"] for entry in list_tables()}
    assert names == EXPECTED_TABLES
    for name in names:
        table = load(name)
        assert len(table.frame) > 0
        p = table.provenance
        assert p["verification"] in VERIFICATION_LABELS
        assert len(p["source"]) > 20 and p["notes"]
        assert name in table.provenance_line()


def test_every_packaged_csv_is_registered() -> None:
    folder = table_path("oz_1964").parent
    files = {path.name for path in folder.glob("*.csv")}
    registered = {entry["file"] for entry in list_tables()}
    assert files == registered - OUTSIDE_TABLES
    for file in OUTSIDE_TABLES & registered:
        assert (folder / file).resolve().is_file(), file


def test_row_counts_match_the_files() -> None:
    # 32 allies + 2 aggregate rows, 11 years; 206 Fortna spells; 14 countries of 1964.
    assert len(load("nato_defence_expenditure").frame) == 34 * 11
    assert load("fortna_ceasefires").frame.shape == (206, 268)
    assert len(load("oz_1964").frame) == 14


def test_unverified_figures_stay_marked() -> None:
    headlines = load("nato_2025_headlines")
    assert headlines.provenance["verification"] == "unverified"
    assert headlines.frame["unverified"].all()
    nato = load("nato_defence_expenditure").frame
    assert set(nato.loc[nato["year"] >= 2023, "is_estimate"]) == {1}
    assert set(nato.loc[nato["year"] <= 2022, "is_estimate"]) == {0}
    assert "verification" in load("public_opinion").frame.columns
    assert set(load("rank_correlations").frame["kind"]) == {"published", "computed"}


def test_comment_lines_are_kept_as_provenance() -> None:
    comments = load("rank_correlations").provenance["comments"]
    assert any("Olson & Zeckhauser" in line for line in comments)
    assert load("nato_defence_expenditure").provenance["comments"] == []


def test_aliases_and_unknown_names() -> None:
    assert load("fortna_civilwar_ceasefires").provenance["name"] == "fortna_ceasefires"
    with pytest.raises(ScenarioError, match="no such data table"):
        load("nato_spending")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="data file not found") as info:
        load("oz_1964", path=tmp_path / "nope.csv")
    assert info.value.file == str(tmp_path / "nope.csv")


def test_malformed_row_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "# a comment\nyear,n_allies,rho,kind\n1964,14,0.609,computed\n"
        "2014,31,0.226,computed,extra\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="malformed CSV") as info:
        load("rank_correlations", path=bad)
    assert info.value.line == 4


def test_non_number_names_its_line_after_comments(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "# one\n# two\nyear,n_allies,rho,kind\n1964,14,0.609,computed\n\n2014,31,zero,computed\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load("rank_correlations", path=bad)
    assert (info.value.line, info.value.field, info.value.found) == (6, "rho", "zero")


def test_missing_column_and_empty_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("country,year\nItaly,1964\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing column") as info:
        load("oz_1964", path=bad)
    assert info.value.line == 1
    empty = tmp_path / "empty.csv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="empty"):
        load("oz_1964", path=empty)


def test_alliance_reproduces_nato_shares() -> None:
    data = alliance(2024)
    assert len(data.names) == 32 and data.is_estimate
    assert data.spending[data.index("Iceland")] == 0.0
    table = load("nato_defence_expenditure").frame
    rows = table[(table["year"] == 2024) & table["country"].isin(data.names)]
    share = rows.set_index("country")["def_exp_pct_gdp"].reindex(list(data.names))
    ok = share.notna().to_numpy()
    # The data README: const-2015 spending / GDP reproduces Table 3 to < 0.014 pp.
    np.testing.assert_array_less(
        np.abs(100 * data.spending / data.income - share.to_numpy())[ok], 0.014
    )
    with pytest.raises(ScenarioError, match="no NATO data"):
        alliance(2030)


def test_donor_sums_match_the_group_file() -> None:
    data = donors()
    assert set(data.excluded) == {"India", "China"}
    groups = load("kiel_us_vs_europe").frame.set_index("group")["r28_total_alloc_eur_bn"]
    for group in ("US", "Europe"):
        total = data.aid[np.array(data.groups) == group].sum()
        assert abs(total - groups[group]) <= 0.005 + 1e-9  # group file printed to 2 decimals
    # Implied GDP: Germany's 2021 GDP was about EUR 3.6 trillion.
    germany = data.income[data.names.index("Germany")]
    assert 3400 < germany < 3800


def test_size_and_burden_sources() -> None:
    nato, prov = size_and_burden("nato")
    assert prov["verification"] == "primary-copy"
    assert nato.groupby("year").size().eq(31).all()
    sipri, _ = size_and_burden("sipri14")
    assert sipri.groupby("year").size().eq(14).all()
    assert isinstance(size_and_burden("oz1964")[0], pd.DataFrame)


def test_defence_panel_for_the_demand_fit() -> None:
    """SIPRI panel shaped for the demand fit: 30 allies + the US (Iceland has no armed
    forces), 1992-2024, GDP implied by SIPRI's own share, Russia's spending every year."""
    from accord.data.alliance import FRONTLINE, defence_panel

    panel, provenance = defence_panel()
    assert provenance["name"] == "sipri_panel"
    assert panel["country"].nunique() == 31 and "Iceland" not in set(panel["country"])
    assert (panel["year"].min(), panel["year"].max()) == (1992, 2024)
    share = 100 * panel["spending"] / panel["gdp"]
    assert np.allclose(share, panel["share_pct"])
    assert panel["russia"].notna().all()
    assert set(panel.loc[panel["frontline"] == 1, "country"]) == set(FRONTLINE)
