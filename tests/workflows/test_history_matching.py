"""The shipped calibration of ukraine-2025 holds on a fresh run; the calibration workflow.

The targets are the record's, with exact binomial intervals: the COW long-war life-table
hazards, UCDP's war-intensity end-type shares, the first-year failure of fresh truces (Fortna,
Minsk) and the later failure of UCDP ceasefire agreements; the COW long wars' decisive share is
held out. A fresh run of the baseline with the shipped calibration must put every used
target's simulated value inside its observed interval.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from accord.scenario import load_scenario
from accord.simulation import compile_spec, simulate_chunk, variant_design
from accord.workflows import history_matching as calibration


@pytest.fixture(scope="module")
def flagship():
    return load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def shipped(flagship):
    path = calibration.shipped_path(flagship)
    assert path is not None and path.name == "calibration.json"
    return calibration.load(path)


def test_shipped_calibration_has_the_contract_shape(shipped):
    names = {t["name"] for t in shipped["targets"]}
    assert names == {t["name"] for t in calibration.observed_targets()}
    for target in shipped["targets"]:
        if not target["held_out"]:
            assert target["observed"]["low"] <= target["simulated"] <= target["observed"]["high"], (
                target["name"]
            )
    assert shipped["status"] == "calibrated" and shipped["accepted"]
    declared = {p["name"] for p in shipped["parameters"]}
    assert all(set(point) == declared for point in shipped["accepted"])


def test_shipped_calibration_frees_four_parameters_and_accepts_little(shipped):
    """Issue 22: at least 4 free parameters, less than 15 % of the prior box accepted, one
    record target held out of acceptance."""
    assert len(shipped["parameters"]) >= 4
    assert shipped["accepted_share_of_prior_box"] < 0.15
    held = [t for t in shipped["targets"] if t["held_out"]]
    assert [t["name"] for t in held] == [calibration.HELD_OUT]
    assert isinstance(held[0]["inside"], bool) and "simulated" in held[0]


def test_targets_come_from_the_record_not_from_the_fits():
    targets = {t["name"]: t for t in calibration.observed_targets()}
    for target in targets.values():
        observed = target["observed"]
        assert observed["value"] == pytest.approx(observed["count"] / observed["n"])
        assert "fit" not in target["source"].lower(), target["name"]
    assert (
        targets["hazard_year_1"]["observed"]["count"],
        targets["hazard_year_1"]["observed"]["n"],
    ) == (2, 11)  # COW: reached 3 years


@pytest.mark.parametrize(
    "observed, message",
    [
        ({"value": 0.5, "low": 0.1, "high": 0.4, "count": 1, "n": 2}, "excludes its own value"),
        ({"value": 0.0, "low": 0.0, "high": 1.0, "count": 0, "n": 0}, "empty sample"),
    ],
)
def test_a_bad_target_is_one_error_line(observed, message):
    from accord.spec.errors import ScenarioError

    with pytest.raises(ScenarioError, match=message) as error:
        calibration.check_target({"name": "t", "observed": observed})
    assert "\n" not in str(error.value)


def test_the_same_seed_gives_the_same_accepted_set(flagship, tmp_path):
    runs = [
        calibration.calibrate(
            flagship,
            out_dir=tmp_path / name,
            points=6,
            replicates=20,
            waves=1,
            seed=11,
            progress=False,
        )["evaluated"]
        for name in ("a", "b")
    ]
    assert runs[0] == runs[1]


@pytest.mark.slow
def test_shipped_targets_are_the_records(shipped):
    observed = {t["name"]: t["observed"] for t in calibration.observed_targets()}
    for target in shipped["targets"]:
        assert target["observed"]["low"] == pytest.approx(observed[target["name"]]["low"])
        assert target["observed"]["high"] == pytest.approx(observed[target["name"]]["high"])


def test_a_fresh_run_with_the_shipped_calibration_meets_every_target(flagship, shipped):
    spec = flagship.simulation
    seed = 424242  # not the calibration's seed: a fresh sample of futures
    design = variant_design(spec, "baseline", 3000, seed=seed)
    design = calibration.apply(design, shipped, seed)
    compiled = compile_spec(spec, flagship, seed=seed)
    scalars = simulate_chunk(design, seed, spec=compiled).scalars
    simulated = calibration.simulated_targets(scalars, spec.horizon_months)
    for target in shipped["targets"]:
        if target["held_out"]:
            continue
        value, count = simulated[target["name"]]
        assert count > 100, target["name"]
        assert target["observed"]["low"] <= value <= target["observed"]["high"], (
            target["name"],
            value,
            target["observed"],
        )


def test_apply_gives_each_experiment_its_own_accepted_point(shipped):
    design = pd.DataFrame({"experiment": np.arange(500)})
    whole = calibration.apply(design, shipped, 7)
    parts = pd.concat(
        [calibration.apply(design.iloc[i : i + 37], shipped, 7) for i in range(0, 500, 37)]
    )
    pd.testing.assert_frame_equal(whole, parts)
    accepted = {tuple(sorted(p.items())) for p in shipped["accepted"]}
    names = sorted(shipped["accepted"][0])
    rows = {tuple(zip(names, row, strict=True)) for row in whole[names].to_numpy()}
    assert rows <= accepted


@pytest.mark.slow
def test_calibrate_writes_targets_and_the_accepted_region(flagship, tmp_path):
    result = calibration.calibrate(
        flagship, out_dir=tmp_path / "cal", points=4, replicates=20, waves=1, seed=3, progress=False
    )
    written = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert written["targets"][0].keys() >= {"name", "observed", "simulated"}
    assert written["targets"][0]["observed"].keys() >= {"low", "high"}
    assert len(written["evaluated"]) == 4
    assert (tmp_path / "cal" / "calibration.md").read_text().startswith("# Calibration")
    assert result["status"] in ("calibrated", "no accepted point", "pooled value outside")


def test_describe_says_which_parameters_a_run_used(shipped):
    assert calibration.describe(None, None).startswith("uncalibrated")
    assert calibration.describe(shipped, None).startswith("calibrated")


@pytest.mark.slow
def test_run_says_whether_it_used_the_calibration(tmp_path):
    import subprocess
    import sys

    from accord.store.runs import Run

    for flag, expected in (([], "calibrated ("), (["--uncalibrated"], "uncalibrated")):
        out = tmp_path / ("plain" if flag else "calibrated")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "accord",
                "run",
                "ukraine-2025",
                "-v",
                "baseline",
                "-n",
                "8",
                "--no-report",
                "--out",
                str(out),
                *flag,
            ],
            check=True,
            capture_output=True,
        )
        assert Run(out / "baseline").meta["calibration"].startswith(expected)


@pytest.mark.slow
def test_the_public_api_and_the_cli_calibrate(tmp_path):
    import subprocess
    import sys

    import accord

    result = accord.calibrate(
        "ukraine-2025", tmp_path / "api", points=4, replicates=20, waves=1, seed=5
    )
    assert all(np.isfinite(t["simulated"]) for t in result["targets"])
    with pytest.raises(accord.ScenarioError):
        accord.calibrate("ukraine-2025", tmp_path / "bad", points=0)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "calibrate",
            "no-such-scenario",
            "--out",
            str(tmp_path / "cli"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert not (tmp_path / "cli").exists()
