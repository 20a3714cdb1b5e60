"""`accord forecast` end to end: flagship, BDM and every KTAB CSV; JSON shape; figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

KTAB_DATA = Path(__file__).resolve().parents[1] / "validation" / "data" / "ktab_smp"
KTAB_INPUTS = sorted(p for p in KTAB_DATA.glob("*.csv") if not p.name.startswith("ktab_smpc_"))
runner = CliRunner()


def forecast(*args: str) -> dict:
    result = runner.invoke(app, ["forecast", *args, "--format", "json", "--figure", "none"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.slow
def test_flagship_all_models_with_draws(tmp_path: Path) -> None:
    figure = tmp_path / "f.png"
    result = runner.invoke(
        app,
        [
            "forecast",
            "ukraine-2025",
            "--draws",
            "200",
            "--seed",
            "3",
            "--rounds",
            "4",
            "--figure",
            str(figure),
        ],
    )
    assert result.exit_code == 0, result.output
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for issue in ("Territory", "NATO membership", "Security guarantees", "Sanctions relief"):
        assert issue in result.stdout


def test_json_document_shape_for_round_models() -> None:
    doc = forecast("bdm-1994-emissions", "--model", "eum", "--rounds", "3")
    eum = doc["models"]["eum"]["issues"]["emissions"]
    assert [r["round"] for r in eum["rounds"]] == [0, 1, 2, 3]
    first = eum["rounds"][0]
    assert first["median"] == pytest.approx(7.0)
    assert first["mean"] == pytest.approx(7.38996, abs=1e-5)
    assert set(first["positions"]) == {
        "Netherlands",
        "Belgium",
        "Luxembourg",
        "Germany",
        "France",
        "Italy",
        "UK",
        "Ireland",
        "Denmark",
        "Greece",
    }
    assert 4.0 <= eum["forecast"] <= 10.0


def test_draws_give_a_distribution_and_same_seed_same_result() -> None:
    a = forecast("ukraine-2025", "--model", "compromise", "--draws", "300", "--seed", "5")
    b = forecast("ukraine-2025", "--model", "compromise", "--draws", "300", "--seed", "5")
    assert a == b
    territory = a["models"]["compromise"]["issues"]["territory"]["distribution"]
    assert territory["p5"] < territory["median"] < territory["p95"]


def test_csv_and_table_formats() -> None:
    result = runner.invoke(
        app,
        [
            "forecast",
            "bdm-1994-emissions",
            "-m",
            "compromise,median",
            "--format",
            "csv",
            "--figure",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("model,issue,central")
    assert len(lines) == 3


@pytest.mark.parametrize("path", KTAB_INPUTS, ids=lambda p: p.name)
def test_every_ktab_csv_runs(path: Path) -> None:
    doc = forecast(
        str(path), "--model", "compromise", "--model", "median", "--model", "eum", "--rounds", "2"
    )
    assert set(doc["models"]) == {"compromise", "median", "eum"}


@pytest.mark.parametrize("path", KTAB_INPUTS, ids=lambda p: p.name)
def test_smp_runs_on_every_ktab_csv(path: Path) -> None:
    doc = forecast(str(path), "--model", "smp")
    smp = doc["models"]["smp"]
    turns = smp["rounds_run"]
    assert turns >= 1
    for entry in smp["issues"].values():
        assert [r["round"] for r in entry["rounds"]] == list(range(turns + 1))
        assert len(entry["rounds"][0]["positions"]) == len(entry["rounds"][-1]["positions"]) > 1


def test_smp_json_reproduces_ktab_turn_count() -> None:
    doc = forecast(str(KTAB_DATA / "SOE-Pol-Comp.csv"), "--model", "smp")
    assert doc["models"]["smp"]["rounds_run"] == 27
    assert set(doc["models"]["smp"]["issues"]) == {"Policy_Position", "Competitive_Position"}


def test_unknown_model_is_a_usage_error() -> None:
    result = runner.invoke(app, ["forecast", "ukraine-2025", "--model", "oracle"])
    assert result.exit_code == 2
    assert "unknown model" in result.output


def test_eum_stops_each_issue_and_more_rounds_change_no_stopped_forecast() -> None:
    short = forecast("ukraine-2025", "--model", "eum", "--rounds", "20")
    long = forecast("ukraine-2025", "--model", "eum", "--rounds", "40")
    reasons = {"stable", "no_gain", "cycle", "max_rounds"}
    for issue, entry in short["models"]["eum"]["issues"].items():
        other = long["models"]["eum"]["issues"][issue]
        assert entry["stopped_because"] in reasons
        assert 1 <= entry["stopping_round"] <= 20
        spread = entry["spread_over_rounds"]
        assert spread["min"] <= entry["forecast"] <= spread["max"]
        medians = [r["median"] for r in entry["rounds"][1 : entry["stopping_round"] + 1]]
        assert (spread["min"], spread["max"]) == (min(medians), max(medians))
        assert entry["forecast"] == entry["rounds"][entry["stopping_round"]]["median"]
        if entry["stopped_because"] != "max_rounds":
            assert other["forecast"] == entry["forecast"]
            assert other["stopping_round"] == entry["stopping_round"]
    # every issue of the flagship stops within 20 rounds (so 20 and 40 agree everywhere)
    issues = short["models"]["eum"]["issues"].values()
    assert all(e["stopped_because"] != "max_rounds" for e in issues)
