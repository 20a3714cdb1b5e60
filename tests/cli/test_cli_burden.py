"""`accord burden`: the United States stepping back by 50 % and 100 %, aid, the exploitation
test, figures, output formats, and one-line errors with exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, ["burden", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by(rows: list[dict], key: str) -> dict[str, dict]:
    return {row[key]: row for row in rows}


@pytest.mark.parametrize("cut", [0.5, 1.0])
def test_us_steps_back(cut: float, tmp_path: Path) -> None:
    figure = tmp_path / "eq.png"
    out = _json(
        [
            "equilibrium",
            "--model",
            "joint-product",
            "--us-cut",
            str(cut),
            "--draws",
            "200",
            "--seed",
            "7",
            "--figure",
            str(figure),
        ]
    )
    allies = _by(out["rows"], "ally")
    totals = _by(out["totals"], "group")
    assert len(allies) == 32
    us = allies["United States"]
    assert us["change_pct"] == pytest.approx(-100 * cut)
    assert us["change_pct_p05"] == pytest.approx(-100 * cut)
    # Europe spends more, but replaces less than all of what the US cut (free riding).
    europe = totals["Europe and Canada"]
    assert europe["change_pct_p05"] > 0
    assert 0 < europe["change_musd"] < -totals["United States"]["change_musd"]
    assert europe["pct_gdp"] > europe["base_pct_gdp"]
    for row in allies.values():
        assert {"gap_to_2_pct_pp", "gap_to_3.5_pct_pp", "gap_to_5_pct_pp"} <= set(row)
        if row["ally"] != "United States" and row["base_spending_musd"] > 0:
            assert row["pct_gdp_p05"] <= row["pct_gdp"] <= row["pct_gdp_p95"]
            assert row["change_pct"] > 0
    assert out["settings"]["us_cut"] == cut
    assert out["provenance"][0]["verification"] == "primary-copy"
    assert figure.read_bytes().startswith(PNG)


def test_other_levers_run_and_floors_bind() -> None:
    out = _json(
        [
            "equilibrium",
            "--floor",
            "3.5",
            "--threat-frontline",
            "0.25",
            "--threat",
            "0.1",
            "--us-spill-in-cut",
            "0.5",
            "--leave",
            "Hungary",
            "--draws",
            "50",
            "--year",
            "2023",
            "--theta-range",
            "0.4,0.9",
            "--model",
            "joint-product",
        ]
    )
    allies = _by(out["rows"], "ally")
    assert allies["Hungary"]["status"] == "left" and allies["Hungary"]["pct_gdp"] is None
    spenders = [r for name, r in allies.items() if name not in ("Hungary", "Iceland")]
    assert all(r["pct_gdp_p05"] >= 3.5 - 1e-9 for r in spenders)
    assert out["settings"]["theta_range"] == [0.4, 0.9] and out["settings"]["year"] == 2023


def test_table_and_csv_formats() -> None:
    table = runner.invoke(app, ["burden", "equilibrium", "--us-cut", "1", "--draws", "50"])
    assert table.exit_code == 0, table.output
    assert "primary-copy" in table.stdout and "Europe and Canada" in table.stdout
    csv = runner.invoke(app, ["burden", "equilibrium", "--draws", "50", "--format", "csv"])
    frame = pd.read_csv(io.StringIO(csv.stdout))
    # The chosen model (default): 30 European allies and Canada, the US is given;
    # Iceland, without armed forces, is not in the game.
    assert len(frame) == 31 and {"ally", "pct_gdp", "burden_share_pct"} <= set(frame.columns)
    # No lever: the base year is the equilibrium.
    assert frame["change_pct"].abs().max() < 1e-6


@pytest.mark.parametrize("stop", [0.5, 1.0])
def test_aid_when_us_aid_stops(stop: float, tmp_path: Path) -> None:
    figure = tmp_path / "aid.png"
    out = _json(["aid", "--us-aid-stop", str(stop), "--draws", "200", "--figure", str(figure)])
    donors = _by(out["rows"], "donor")
    summary = _by(out["totals"], "group")["US loss replaced by others"]
    assert donors["United States"]["change_eur_bn"] < 0
    if stop == 1.0:
        assert donors["United States"]["aid_eur_bn"] == 0
    assert 0 < summary["replaced_pct_p05"] <= summary["replaced_pct"]
    assert summary["replaced_pct"] <= summary["replaced_pct_p95"] < 100
    assert summary["gap_eur_bn"] > 0
    assert donors["Germany"]["change_eur_bn"] > 0
    assert figure.read_bytes().startswith(PNG)


def test_exploitation_command(tmp_path: Path) -> None:
    csv = runner.invoke(app, ["burden", "exploitation", "--year", "1964", "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    row = pd.read_csv(io.StringIO(csv.stdout)).iloc[0]
    assert row["n"] == 14 and round(row["spearman_rho"], 3) == 0.609
    figure = tmp_path / "trend.png"
    out = runner.invoke(app, ["burden", "exploitation", "--figure", str(figure)])
    assert out.exit_code == 0 and "published+computed" in out.stdout
    assert figure.read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["equilibrium", "--us-cut", "1.5"], "us_cut"),
        (["equilibrium", "--leave", "Narnia"], "Narnia"),
        (["equilibrium", "--theta-range", "0.9,0.1"], "theta"),
        (["equilibrium", "--theta-range", "abc"], "LOW,HIGH"),
        (["equilibrium", "--year", "1990", "--model", "joint-product"], "no NATO data"),
        (["equilibrium", "--year", "1980"], "no SIPRI data"),
        (["equilibrium", "--model", "calibrated"], "unknown equilibrium model"),
        (["equilibrium", "--theta-range", "0.2,0.5"], "joint-product"),
        (["equilibrium", "--model", "joint-product", "--horizon", "5"], "horizon"),
        (["backtest", "--train-until", "2024"], "train-until"),
        (["equilibrium", "--horizon", "1000"], "horizon"),
        (["backtest", "--train-until", "1990"], "train-until"),
        (["aid", "--us-aid-stop", "-1"], "us_aid_stop"),
        (["exploitation", "--source", "cow"], "unknown data source"),
        (["exploitation", "--year", "1980"], "no data for this year"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["burden", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0]


@pytest.mark.parametrize("command", ["equilibrium", "aid"])
def test_zero_draws_is_refused(command: str) -> None:
    """0 draws is an error, not "use the default" (it once fell through ``draws or default``)."""
    from accord.scenario.burden import load_burden_spec
    from accord.spec.errors import ScenarioError
    from accord.workflows.burden import Settings, run_aid

    result = runner.invoke(app, ["burden", command, "--draws", "0"])
    assert result.exit_code == 2 and "--draws" in result.stderr
    spec = load_burden_spec()
    with pytest.raises(ScenarioError, match="draw"):
        if command == "aid":
            run_aid(spec, draws=0)
        else:
            Settings.from_spec(spec, draws=0)


def test_bad_spec_file_names_file_and_line(tmp_path: Path) -> None:
    from accord.scenario.burden import default_spec_path

    text = default_spec_path().read_text(encoding="utf-8")
    bad = tmp_path / "burden.yaml"
    bad.write_text(text.replace("  low: 0.25\n", "  low: 1.5\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["burden", "equilibrium", "--spec", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.stderr and "theta" in result.stderr
    typo = tmp_path / "typo.yaml"
    typo.write_text(text.replace("draws: 2000", "drawz: 2000"), encoding="utf-8")
    result = runner.invoke(app, ["burden", "aid", "--spec", str(typo)])
    line = text.splitlines().index("draws: 2000") + 1
    assert result.exit_code == 2 and f"{typo}:{line}" in result.stderr and "drawz" in result.stderr


def test_shipped_spec_is_the_scenarios_burden_section() -> None:
    from accord.scenario import load_scenario
    from accord.scenario.burden import BurdenSpec, load_burden_spec

    spec = load_burden_spec()
    assert isinstance(load_scenario("ukraine-2025").burden, BurdenSpec)
    assert load_scenario("ukraine-2025").burden == spec
    assert spec.levers.floor_pct_gdp.options == (2.0, 3.5, 5.0)
    assert spec.targets_pct_gdp.values == (2.0, 3.5, 5.0)
    for lever in spec.levers.model_dump().values():
        assert len(lever["source"]) > 10
    assert all(
        len(x) > 10
        for x in (
            spec.theta.source,
            spec.spending_noise_sd.source,
            spec.aid.theta.source,
            spec.aid.noise_sd.source,
            spec.frontline.source,
            spec.base_year_source,
        )
    )


def test_the_default_equilibrium_is_the_verdict_tables_choice() -> None:
    """Issue 20: the default model is the one the rolling backtest's verdict table marks,
    and the JSON says which, why, and what the data can tell."""
    from accord.fits.burden_backtest import chosen_face_model

    out = _json(["equilibrium", "--us-cut", "0.5", "--draws", "40"])
    assert out["settings"]["model"] == out["model_used"] == chosen_face_model()
    assert "rolling backtest" in out["backtest"] and out["what_the_data_can_tell"]
    assert out["chosen_by"].startswith("burden_verdict")


def test_estimated_equilibrium_on_request() -> None:
    """Issue 13: the estimated demand model, asked for; a US cut moves Europe as the
    estimated reaction functions say."""
    out = _json(["equilibrium", "--model", "estimated", "--us-cut", "0.5", "--draws", "100"])
    assert out["settings"]["model"] == "estimated" and out["settings"]["horizon"] == 10
    assert out["settings"]["us_share_for_europe"] == 0.2
    totals = _by(out["totals"], "group")
    assert totals["United States"]["change_pct"] == pytest.approx(-50)
    europe = totals["European allies"]
    assert europe["pct_gdp_p05"] <= europe["pct_gdp"] <= europe["pct_gdp_p95"]
    assert any("burden-demand" in note for note in out["notes"])


def test_backtest_json_keys() -> None:
    out = _json(["backtest", "--train-until", "2019"])
    assert {"model_mae", "persistence_mae", "joint_product_mae", "n_allies", "years"} <= set(out)
    assert out["years"] == [2020, 2021, 2022, 2023, 2024] and out["n_allies"] == 30
    table = runner.invoke(app, ["burden", "backtest", "--train-until", "2019"])
    assert table.exit_code == 0 and "persistence" in table.stdout


def test_aid_reports_the_2025_check() -> None:
    out = _json(["aid", "--draws", "100"])
    check = _by(out["check_2025"], "measure")
    assert set(check) == {"total", "military"}
    assert check["total"]["observed_europe_replaced_pct"] == pytest.approx(64.87, abs=0.01)
    table = runner.invoke(app, ["burden", "aid", "--draws", "50"])
    assert "Tested on 2025" in table.stdout


def test_1964_figure_is_labelled_as_computed_from_sipri() -> None:
    out = _json(["exploitation", "--year", "1964"])
    row = out["rows"][0]
    assert "SIPRI" in row["data"] and "not Olson & Zeckhauser" in row["data"]
    assert any("0.609" in note and "not Olson" in note for note in out["notes"])


def test_gaps_to_the_targets_per_ally_and_group() -> None:
    """Issue 20: gaps to 2, 3.5 and 5 % of GDP, the shortfall that closes them, and what the
    data can tell."""
    out = _json(["gaps"])
    assert out["year"] == 2024 and out["targets_pct_gdp"] == [2.0, 3.5, 5.0]
    allies = _by(out["allies"], "ally")
    assert "Iceland" not in allies and len(allies) == 31
    for row in allies.values():
        for t in (2, 3.5, 5):
            gap = row[f"gap_to_{t:g}_pp"]
            assert gap == pytest.approx(t - row["pct_gdp"], abs=2e-3)
            # the printed share is rounded to 0.001 pp: that much of GDP, plus 0.1 US$ m
            assert row[f"shortfall_to_{t:g}_musd"] == pytest.approx(
                max(gap, 0) * row["gdp_musd"] / 100, abs=0.1 + 1e-5 * row["gdp_musd"]
            )
    groups = _by(out["groups"], "group")
    europe = groups["European allies"]
    members = [r for name, r in allies.items() if name not in ("United States", "Canada")]
    assert europe["allies"] == len(members) == 29
    assert europe["shortfall_to_5_musd"] == pytest.approx(
        sum(r["shortfall_to_5_musd"] for r in members), abs=0.5
    )
    assert europe["below_3.5"] == sum(r["gap_to_3.5_pp"] > 0 for r in members)
    assert europe["pct_gdp"] == pytest.approx(
        100 * sum(r["spending_musd"] for r in members) / sum(r["gdp_musd"] for r in members),
        abs=1e-3,
    )
    assert out["what_the_data_can_tell"].startswith("What the data can tell")
    assert out["model_used"] in out["backtest"]
    table = runner.invoke(app, ["burden", "gaps", "--year", "2014"])
    assert table.exit_code == 0 and "European allies" in table.stdout
    bad = runner.invoke(app, ["burden", "gaps", "--year", "1980"])
    assert bad.exit_code == 2 and "no SIPRI data" in bad.output
