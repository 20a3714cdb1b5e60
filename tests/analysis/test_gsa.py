"""Given-data global sensitivity (accord.analysis.gsa, accord sensitivity)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import qmc

from accord.analysis.gsa import given_data_indices

# Ishigami & Homma (1990) with a = 7, b = 0.1 on [-pi, pi]^3; first-order indices from the
# closed-form variances (Saltelli et al. 2008, Primer, sec. 4.7 / Sobol' & Levitan 1999).
A, B = 7.0, 0.1
V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
V2 = A**2 / 8
V = V1 + V2 + B**2 * np.pi**8 * (1 / 18 - 1 / 50) + 0.0  # V13 = b^2 pi^8 (1/18 - 1/50)
ISHIGAMI_S1 = np.array([V1 / V, V2 / V, 0.0])


def ishigami(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    x = -np.pi + 2 * np.pi * qmc.LatinHypercube(d=3, rng=np.random.default_rng(seed)).random(n)
    y = np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])
    return x, y


def test_ishigami_closed_form_matches_the_published_indices() -> None:
    # Published: S1 = 0.314, 0.442, 0 (Saltelli et al. 2008, table 4.7 area).
    assert np.allclose(ISHIGAMI_S1, [0.314, 0.442, 0.0], atol=0.0006)


def test_rbd_fast_reproduces_ishigami_first_order_indices() -> None:
    x, y = ishigami(4000, seed=11)
    result = given_data_indices(x, y, ["x1", "x2", "x3"], method="rbd-fast", n_boot=50)
    s1 = np.array([entry["S1"] for entry in result])
    conf = np.array([entry["S1_conf"] for entry in result])
    # Within two interval half-widths (plus RBD-FAST's known small bias, Tarantola 2006).
    assert np.all(np.abs(s1 - ISHIGAMI_S1) <= 2 * conf + 0.01), (s1, conf)


def test_linear_model_closed_form() -> None:
    # y = x1 + 2 x2 with independent uniforms: S1 = a_i^2 / sum a^2 = 0.2, 0.8; x3 inert.
    rng = np.random.default_rng(5)
    x = rng.random((1500, 3))
    y = x[:, 0] + 2 * x[:, 1]
    expected = np.array([0.2, 0.8, 0.0])
    for method in ("rbd-fast", "delta"):
        result = given_data_indices(x, y, ["a", "b", "c"], method=method, n_boot=5, seed=1)
        s1 = np.array([entry["S1"] for entry in result])
        assert np.all(np.abs(s1 - expected) < 0.05), (method, s1)
    pawn = given_data_indices(x, y, ["a", "b", "c"], method="pawn", n_boot=5)
    ranked = [entry["name"] for entry in sorted(pawn, key=lambda e: -e["PAWN"])]
    assert ranked == ["b", "a", "c"]
    assert all(entry["PAWN_conf"] > 0 for entry in pawn)


def test_too_few_experiments_is_refused() -> None:
    x = np.random.default_rng(0).random((20, 2))
    with pytest.raises(ValueError, match="at least"):
        given_data_indices(x, x[:, 0], ["a", "b"], method="delta")


@pytest.fixture(scope="module")
def stored_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import accord

    out = tmp_path_factory.mktemp("runs") / "ukraine-2025"
    accord.simulate("ukraine-2025", variants=["baseline"], experiments=120, seed=3, out=out)
    return out


def test_cli_json_on_a_stored_run(stored_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from accord.cli import app

    with pytest.raises(SystemExit) as done:
        app(
            [
                "sensitivity",
                str(stored_run),
                "--method",
                "rbd-fast",
                "--format",
                "json",
                "--bootstrap",
                "10",
            ],
            standalone_mode=True,
        )
    assert done.value.code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"] == "rbd-fast" and result["outcome"]
    assert result["indices"], result
    for entry in result["indices"]:
        assert {"name", "label", "S1", "S1_conf"} <= set(entry)
    names = {entry["name"] for entry in result["indices"]}
    assert not names & set(result["excluded"])


def test_cli_unknown_outcome_is_one_line(
    stored_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from accord.cli import main

    argv = sys.argv
    sys.argv = ["accord", "sensitivity", str(stored_run), "--outcome", "no_such_thing"]
    try:
        with pytest.raises(SystemExit) as done:
            main()
    finally:
        sys.argv = argv
    assert done.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "no_such_thing" in err and "\n" not in err


# Total-order Ishigami indices from the closed form: ST1 = (V1 + V13)/V, ST2 = V2/V,
# ST3 = V13/V (published 0.558, 0.442, 0.244).
V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
ISHIGAMI_ST = np.array([(V1 + V13) / V, V2 / V, V13 / V])


def test_ishigami_total_order_closed_form_matches_the_published_values() -> None:
    assert np.allclose(ISHIGAMI_ST, [0.558, 0.442, 0.244], atol=0.0006)


def test_sobol_design_reproduces_ishigami_first_and_total_order() -> None:
    from accord.analysis.gsa import designed_indices, designed_sample

    bounds = [(-np.pi, np.pi)] * 3
    x = designed_sample("sobol", bounds, 2048, seed=2)
    y = np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])
    out = designed_indices("sobol", x, y, ["x1", "x2", "x3"], bounds=bounds, n_boot=100)
    s1 = np.array([e["S1"] for e in out["indices"]])
    st = np.array([e["ST"] for e in out["indices"]])
    s1c = np.array([e["S1_conf"] for e in out["indices"]])
    stc = np.array([e["ST_conf"] for e in out["indices"]])
    assert np.all(np.abs(s1 - ISHIGAMI_S1) <= 2 * s1c), (s1, s1c)
    assert np.all(np.abs(st - ISHIGAMI_ST) <= 2 * stc), (st, stc)
    # The only interaction is x1 x x3: S2_13 = V13 / V.
    s2 = {tuple(p["names"]): p for p in out["interactions"]}
    assert abs(s2[("x1", "x3")]["S2"] - V13 / V) <= 2 * s2[("x1", "x3")]["S2_conf"]


def test_morris_ranks_a_linear_model_by_its_coefficients() -> None:
    from accord.analysis.gsa import designed_indices, designed_sample

    bounds = [(0.0, 1.0)] * 3
    x = designed_sample("morris", bounds, 50, seed=4)
    y = x[:, 0] + 2 * x[:, 1]
    out = designed_indices("morris", x, y, ["a", "b", "c"], bounds=bounds, n_boot=20)
    mu_star = {e["name"]: e["mu_star"] for e in out["indices"]}
    # Elementary effects of a linear model are its coefficients, exactly.
    assert np.allclose([mu_star["a"], mu_star["b"], mu_star["c"]], [1.0, 2.0, 0.0])


def test_run_with_a_sobol_design_then_sobol_indices(tmp_path: Path) -> None:
    import accord
    from accord.experiments.design import inverse_cdf, unit_sample
    from accord.workflows.sensitivity import sensitivity

    out = tmp_path / "ukraine-2025"
    accord.simulate(
        "ukraine-2025", variants=["baseline"], experiments=2, seed=9, out=out, design="sobol"
    )
    run = accord.open(out).run("baseline")
    info = run.meta["design"]
    d = len(info["uncertainties"])
    assert run.meta["n_experiments"] == 2 * (2 * d + 2) * info["n_lever_combinations"]
    # The analysis regenerates the unit sample from the seed: it must be the run's design.
    spec = accord.load("ukraine-2025").simulation
    uncertainties, _ = spec.variant_inputs("baseline")
    unit = unit_sample(2, d, method="sobol", seed=9)
    design = run.design()
    numeric = [u for u in uncertainties if u.distribution not in ("choice", "constant")]
    for u in numeric[:5]:
        column = info["uncertainties"].index(u.name)
        expected = np.repeat(inverse_cdf(u, unit[:, column]), info["n_lever_combinations"])
        assert np.allclose(design[u.name].to_numpy(dtype=float), expected)
    result = sensitivity(out / "baseline", method="sobol", bootstrap=10)
    assert result["method"] == "sobol" and len(result["indices"]) == d
    assert {"S1", "S1_conf", "ST", "ST_conf", "label"} <= set(result["indices"][0])
    assert len(result["interactions"]) == d * (d - 1) // 2
    from accord.spec.errors import ScenarioError

    with pytest.raises(ScenarioError, match="morris"):
        sensitivity(out / "baseline", method="morris")


def test_delta_one_input_at_a_time_ticks_once_per_input_and_keeps_the_indices() -> None:
    """delta is estimated an input at a time (for progress): each input's index reads only its
    own column, so an input's result does not depend on the others passed with it."""
    rng = np.random.default_rng(4)
    x = rng.random((300, 3))
    y = 4 * x[:, 0] + np.sin(6 * x[:, 1]) + rng.normal(0, 0.1, 300)
    ticks: list[int] = []
    both = given_data_indices(x, y, ["a", "b", "c"], method="delta", n_boot=5, tick=ticks.append)
    alone = given_data_indices(x[:, [1]], y, ["b"], method="delta", n_boot=5)
    assert ticks == [1, 1, 1]
    assert both[1] == alone[0]
    assert both[0]["delta"] > both[2]["delta"]  # the driving input ranks above the idle one


def test_cli_prints_progress_lines_off_a_terminal(
    stored_run: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.cli import app

    monkeypatch.setenv("ACCORD_PROGRESS_SECONDS", "0")
    args = ["sensitivity", str(stored_run), "--method", "pawn", "--format", "json"]
    with pytest.raises(SystemExit) as done:
        app([*args, "--bootstrap", "3"], standalone_mode=True)
    assert done.value.code == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout stays the document
    lines = [line for line in captured.err.splitlines() if line.startswith("pawn sensitivity:")]
    assert lines and "3 of 3" in lines[-1] and "ETA" in lines[0]
