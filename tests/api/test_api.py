"""The public API (accord.load, forecast, simulate, open, burden, fit, runs): what a notebook
user calls, end to end, with small sizes."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import accord
from accord.spec.errors import ScenarioError

KTAB_3DIM = (
    Path(__file__).resolve().parents[1]
    / "validation"
    / "data"
    / "ktab_smp"
    / ("dummyData_3Dim.csv")
)


def test_import_accord_is_light() -> None:
    code = (
        "import accord, sys; heavy = ('numpy', 'pandas', 'scipy', 'matplotlib', 'numba', "
        "'duckdb', 'pydantic'); print([m for m in heavy if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_load_returns_a_scenario_and_passes_one_through() -> None:
    scenario = accord.load("ukraine-2025")
    assert isinstance(scenario, accord.Scenario)
    assert scenario.name == "ukraine-2025"
    assert accord.load(scenario) is scenario
    with pytest.raises(ScenarioError, match="no such scenario"):
        accord.load("no-such-scenario")


def test_forecast_table_dict_and_figure_without_pyplot() -> None:
    code = f"""
import sys, json, matplotlib
backend = matplotlib.get_backend()
import accord
result = accord.forecast({str(KTAB_3DIM)!r}, models="smp,compromise", draws=3, seed=2)
again = accord.forecast({str(KTAB_3DIM)!r}, models=["median"])  # callable twice
fig = result.figure()
from matplotlib.figure import Figure
print(json.dumps({{"figure": isinstance(fig, Figure), "pyplot": "matplotlib.pyplot" in
    sys.modules, "backend": matplotlib.get_backend() == backend,
    "table": len(result.table()), "columns": {{"model", "issue", "central", "p5", "p95"}} <=
    set(result.table().columns), "models": list(result.to_dict()["models"]),
    "again": list(again.to_dict()["models"])}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert out == {
        "figure": True,
        "pyplot": False,
        "backend": True,
        "table": 6,
        "columns": True,
        "models": ["smp", "compromise"],
        "again": ["median"],
    }


def test_forecast_same_seed_same_bits_and_json_is_valid() -> None:
    one = accord.forecast("ukraine-2025", models="compromise", draws=50, seed=11)
    two = accord.forecast("ukraine-2025", models=("compromise",), draws=50, seed=11)
    np.testing.assert_array_equal(one.models["compromise"].draws, two.models["compromise"].draws)
    json.dumps(one.to_dict(), allow_nan=False)
    assert isinstance(one.table(), pd.DataFrame)


@pytest.mark.parametrize("seed", [-1, 2**63, True, 1.5, "7"])
def test_a_bad_seed_is_refused_by_every_door(seed: object) -> None:
    with pytest.raises(ScenarioError, match="seed"):
        accord.forecast("ukraine-2025", models="median", seed=seed)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="seed"):
        accord.simulate("ukraine-2025", experiments=2, seed=seed)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="seed"):
        accord.burden("aid", seed=seed, draws=2)  # type: ignore[arg-type]


def test_seed_bounds_are_inclusive_of_zero_and_2_63_minus_1() -> None:
    assert accord.check_seed(0) == 0
    assert accord.check_seed(2**63 - 1) == 2**63 - 1
    assert accord.check_seed(np.int64(5)) == 5


def test_unknown_model_and_bad_draws_are_scenario_errors() -> None:
    with pytest.raises(ScenarioError, match="unknown model"):
        accord.forecast("ukraine-2025", models="oracle")
    with pytest.raises(ScenarioError, match="draws"):
        accord.forecast("ukraine-2025", models="median", draws=0)


def test_simulate_without_out_leaves_the_cwd_alone_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    study = accord.simulate(
        "ukraine-2025", variants=["baseline", "normalization"], experiments=8, seed=1
    )
    scalars = study.scalars()
    assert scalars.shape[0] == 16
    assert list(scalars.columns[:2]) == ["variant", "experiment"]
    assert study.variants == ["baseline", "normalization"]
    assert len(study.series("baseline")) == 8 * 120
    assert {"variant", "experiment"} <= set(study.design().columns)
    folder = study.directory
    assert folder is not None and folder.is_dir() and not folder.is_relative_to(tmp_path)
    assert list(tmp_path.iterdir()) == []
    del study
    gc.collect()
    assert not folder.exists()


@pytest.mark.slow
def test_simulate_with_out_then_open_runs_query_compare_discover_report(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    out.mkdir()
    study = accord.simulate(
        "ukraine-2025",
        variants=["baseline", "normalization"],
        experiments=40,
        seed=3,
        out=out / "ukraine-2025",
    )
    reopened = accord.open(out / "ukraine-2025")
    assert reopened.variants == ["baseline", "normalization"]
    pd.testing.assert_frame_equal(study.scalars(), reopened.scalars())
    single = accord.open(out / "ukraine-2025" / "baseline")
    pd.testing.assert_frame_equal(single.scalars(), study.scalars("baseline"))

    counts = reopened.query("SELECT count(*) AS n FROM scalars")
    assert counts.to_dict("list") == {"variant": ["baseline", "normalization"], "n": [40, 40]}
    table = reopened.compare("baseline", "normalization", bootstrap=200)
    assert {"outcome", "difference", "ci_low", "ci_high"} <= set(table.columns)
    boxes = reopened.discover("ceasefire_reached", "baseline")
    assert len(boxes.trajectory) >= 1
    with pytest.raises(ScenarioError, match="threshold"):
        reopened.discover("front_end", "baseline")
    assert len(reopened.discover("front_end", "baseline", threshold=50.0).trajectory) >= 1

    entries = {entry["name"]: entry for entry in reopened.outcomes()}
    assert entries["aid_total_us"]["unit"] == "EUR bn"
    assert study.run("baseline").meta["seed"] == 3
    assert study.run("baseline").meta["scenario_hash"] == accord.load("ukraine-2025").hash()

    report = reopened.report(tmp_path / "report.html")
    assert "normalization" in report.read_text(encoding="utf-8")

    listed = accord.runs(out)
    assert sorted(listed["variant"]) == ["baseline", "normalization"]
    assert set(listed["status"]) == {"complete"}


def test_resuming_after_the_scenario_changed_is_refused(tmp_path: Path) -> None:
    source = Path(accord.load("ukraine-2025").origin or "").parent
    copy = tmp_path / "scenario"
    copy.mkdir()
    for item in source.iterdir():
        if item.is_file():
            (copy / item.name).write_bytes(item.read_bytes())
    out = tmp_path / "out"
    accord.simulate(copy, "baseline", experiments=4, seed=1, out=out)
    text = (copy / "scenario.yaml").read_text(encoding="utf-8")
    (copy / "scenario.yaml").write_text(
        text.replace("title: '", "title: 'Changed: ", 1), encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match="scenario has changed since this run was started"):
        accord.simulate(copy, "baseline", experiments=4, seed=1, out=out)


def test_burden_analyses_through_the_api() -> None:
    from matplotlib.figure import Figure

    eq = accord.burden("equilibrium", "ukraine-2025", us_cut=0.5, draws=50, seed=7)
    us = eq.table().set_index("ally").loc["United States"]
    assert us["change_pct"] == pytest.approx(-50.0)
    assert isinstance(eq.figure(), Figure)
    aid = accord.burden("aid", us_aid_stop=1.0, draws=30, seed=1)
    assert aid.settings["us_aid_stop"] == 1.0
    assert isinstance(aid.figure(), Figure)
    test = accord.burden("exploitation", year=2024, sources=("nato",))
    assert list(test.table()["year"]) == [2024]
    json.dumps(eq.to_dict(), allow_nan=False)
    with pytest.raises(ScenarioError, match="unknown lever"):
        accord.burden("equilibrium", us_cutt=0.5)
    with pytest.raises(ScenarioError, match="unknown analysis"):
        accord.burden("nonsense")


def test_fit_wraps_the_fits_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord import fits

    with pytest.raises(ScenarioError, match="unknown fit"):
        accord.fit("no-such-fit")
    monkeypatch.setitem(fits.FITS, "toy", "accord_toy_fit:fit")
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent))
    result = accord.fit("toy", value=2.5)
    assert isinstance(result, accord.FitResult)
    assert result.estimate("slope").value == 2.5
