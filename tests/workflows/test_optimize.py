"""accord.workflows.optimize on the flagship at a tiny budget."""

from __future__ import annotations

import numpy as np
import pytest

from accord.spec.errors import ScenarioError
from accord.workflows.optimize import optimize


def test_optimize_returns_non_dominated_policies_with_robustness() -> None:
    result = optimize(
        "ukraine-2025",
        ["max:peace_holds_5y", "min:aid_total_europe"],
        futures=6,
        population=8,
        generations=2,
        seed=3,
    )
    assert result["pareto"] and len(result["hypervolume"]) == 2
    means = np.array(
        [[-p["peace_holds_5y"]["mean"], p["aid_total_europe"]["mean"]] for p in result["pareto"]]
    )
    for i, row in enumerate(means):  # no policy of the set dominates another
        others = np.delete(means, i, axis=0)
        assert not np.any(np.all(others <= row, axis=1) & np.any(others < row, axis=1))
    for policy in result["pareto"]:
        m = policy["peace_holds_5y"]
        assert m["p10"] <= m["mean"] <= m["p90"] and m["max_regret"] >= 0


def test_bad_objectives_are_one_line_errors() -> None:
    with pytest.raises(ScenarioError, match="objective"):
        optimize("ukraine-2025", [])
    with pytest.raises(ScenarioError, match="objective"):
        optimize("ukraine-2025", ["up:peace_holds_5y"])
    with pytest.raises(ScenarioError, match="unknown outcome"):
        optimize("ukraine-2025", ["max:no_such"], futures=2, population=4, generations=1)


OBJECTIVES = ["max:peace_holds_5y", "min:aid_total_europe"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": 1}, "<input>: field '--population': must be a whole number >= 2"),
        ({"generations": 0}, "<input>: field '--generations': must be a whole number >= 1"),
        ({"futures": 0}, "<input>: field '--futures': must be a whole number >= 1"),
    ],
)
def test_bad_numbers_are_refused_with_one_line(kwargs: dict, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        optimize("ukraine-2025", OBJECTIVES, **kwargs)
    assert str(caught.value).splitlines() == [message]


def test_empty_and_unknown_objectives_have_exact_messages() -> None:
    with pytest.raises(ScenarioError) as caught:
        optimize("ukraine-2025", [])
    assert str(caught.value) == (
        "<input>: field '--objectives': no objectives "
        "(expected e.g. max:peace_holds_5y,min:aid_total_europe)"
    )
    with pytest.raises(ScenarioError) as caught:
        optimize("ukraine-2025", ["max:no_such"], futures=2, population=2, generations=1)
    text = str(caught.value)
    assert text.startswith("ukraine-2025: field '--objectives': unknown outcome (expected one of")
    assert "'peace_holds_5y'" in text and text.endswith("found 'no_such')")


def test_a_search_over_the_cap_is_refused_unless_forced(monkeypatch) -> None:
    from accord.simulation.cost import estimate_optimization
    from accord.workflows.scenarios import load

    spec = load("ukraine-2025").simulation
    cost = estimate_optimization(spec, 1000, 100, 20)
    assert cost.over_cap
    lines: list[str] = []
    with pytest.raises(ScenarioError) as caught:
        optimize("ukraine-2025", OBJECTIVES, population=1000, generations=100, log=lines.append)
    assert str(caught.value) == (
        f"<input>: field '--population': job too large: {cost.text()}; "
        "pass --force to run it anyway (expected at most 10 min and 4 GiB)"
    )
    assert lines == []  # refused before anything ran
    # force=True passes the cap: the search starts (stopped at its first simulation here).
    import accord.simulation as simulation

    def stop(*args, **kwargs):
        raise RuntimeError("simulation reached")

    monkeypatch.setattr(simulation, "simulate_chunk", stop)
    with pytest.raises(RuntimeError, match="simulation reached"):
        optimize("ukraine-2025", OBJECTIVES, population=1000, generations=100, force=True)


def test_the_estimate_grows_with_population_generations_and_futures() -> None:
    from accord.simulation.cost import estimate_optimization
    from accord.workflows.scenarios import load

    spec = load("ukraine-2025").simulation
    small = estimate_optimization(spec, 4, 2, 3)
    assert "4 candidates x 2 generation(s) x 3 futures = 24 experiments" in small.text()
    for bigger in ((8, 2, 3), (4, 4, 3), (4, 2, 6)):
        assert estimate_optimization(spec, *bigger).seconds > small.seconds


def test_progress_is_one_line_per_generation() -> None:
    lines: list[str] = []
    result = optimize(
        "ukraine-2025", OBJECTIVES, futures=2, population=4, generations=2, seed=5, log=lines.append
    )
    assert len(lines) == 2
    for k, line in enumerate(lines, start=1):
        assert line.startswith(f"optimize: generation {k} of 2, ")
        assert " evaluations, hypervolume " in line and ", ETA " in line
    assert f"{result['evaluations']} evaluations" in lines[-1]
    assert f"hypervolume {result['hypervolume'][-1]:.4g}" in lines[-1]


def test_cli_bad_input_is_one_line_and_exit_2() -> None:
    from typer.testing import CliRunner

    from accord.cli import app

    for args in (
        ["--population", "1"],
        ["--generations", "0"],
        ["--futures", "0"],
        ["--population", "1000", "--generations", "100"],
    ):
        result = CliRunner().invoke(
            app, ["optimize", "ukraine-2025", "--objectives", "max:peace_holds_5y", *args]
        )
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), lines
        assert result.stdout == ""


def test_batched_evaluation_keeps_common_random_numbers() -> None:
    # The futures repeated in one chunk (same experiment ids) give each candidate the same
    # results as simulating it alone.
    import pandas as pd

    from accord.experiments.design import make_design
    from accord.simulation import compile_spec, simulate_chunk
    from accord.workflows.scenarios import load

    loaded = load("ukraine-2025")
    spec = loaded.simulation
    compiled = compile_spec(spec, loaded, seed=9)
    base = make_design(spec.uncertainties, [], 4, seed=9)
    alone = []
    for force in (0, 50):
        design = base.copy()
        design["reassurance_force_k"] = force
        alone.append(simulate_chunk(design, 9, spec=compiled).scalars)
    both = pd.concat([base, base], ignore_index=True)
    both["reassurance_force_k"] = [0] * 4 + [50] * 4
    together = simulate_chunk(both, 9, spec=compiled).scalars
    for k in range(2):
        np.testing.assert_array_equal(
            together["europe_cost_total"].to_numpy()[4 * k : 4 * k + 4],
            alone[k]["europe_cost_total"].to_numpy(),
        )


def test_the_archive_pareto_set_on_a_synthetic_two_objective_problem(monkeypatch) -> None:
    """On a lever grid whose front is known (cost = a, benefit = sqrt(a) for b = 0, worse for
    b > 0), the search returns the whole front of distinct policies, not one."""
    from accord.analysis.robust import non_dominated, nsga2

    options = 8

    def evaluate(x: np.ndarray) -> np.ndarray:
        a, b = x[:, 0], x[:, 1]
        return np.column_stack([a, -(np.sqrt(a) - b)])

    seen: dict[tuple[int, int], np.ndarray] = {}

    def recording(x: np.ndarray) -> np.ndarray:
        f = evaluate(x)
        for point, row in zip(x, f, strict=True):
            seen[tuple(int(v) for v in point)] = row
        return f

    result = nsga2(
        recording,
        [(-0.49, options - 0.51)] * 2,
        2,
        population=16,
        generations=10,
        seed=2,
        integer=[True, True],
    )
    assert np.all(result["x"] == np.round(result["x"]))  # integer points only
    keys = sorted(seen)
    front = {keys[i] for i in non_dominated(np.array([seen[k] for k in keys]))}
    assert front == {(a, 0) for a in range(options)}  # the true front: 8 policies


@pytest.mark.slow
def test_the_flagship_pareto_set_has_at_least_five_distinct_policies() -> None:
    # Europe's cost with the force's cost: the levers that buy peace now cost something (with
    # aid alone, one policy was cheapest and most peaceful: a front of one point, checked by
    # enumerating every lever combination). The default population and generations.
    result = optimize(
        "ukraine-2025", ["max:peace_holds_5y", "min:europe_cost_total"], futures=10, seed=4
    )
    pareto = result["pareto"]
    assert len(pareto) >= 5, [
        (p["peace_holds_5y"]["mean"], p["europe_cost_total"]["mean"]) for p in pareto
    ]
    points = np.array(
        [[-p["peace_holds_5y"]["mean"], p["europe_cost_total"]["mean"]] for p in pareto]
    )
    assert len(np.unique(points, axis=0)) == len(pareto)  # distinct outcomes, not copies
    for i, row in enumerate(points):
        others = np.delete(points, i, axis=0)
        assert not np.any(np.all(others <= row, axis=1) & np.any(others < row, axis=1))
    levers = [tuple(sorted(p["levers"].items())) for p in pareto]
    assert len(set(levers)) == len(levers)


@pytest.mark.parametrize(
    "bad",
    [
        "cost",
        "europe_cost_total<",
        "europe_cost_total<=x",
        "europe_cost_total==3",
        "europe_cost_total<=inf",
    ],
)
def test_bad_constraints_are_one_line_errors(bad: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        optimize("ukraine-2025", OBJECTIVES, constraints=[bad])
    text = str(caught.value)
    assert text.splitlines() == [text] and "field '--constraints': bad constraint" in text
    with pytest.raises(ScenarioError, match="field '--constraints': unknown outcome"):
        optimize(
            "ukraine-2025",
            OBJECTIVES,
            constraints=["no_such<=1"],
            futures=2,
            population=2,
            generations=1,
        )


@pytest.mark.slow
def test_constraints_hold_for_every_pareto_policy() -> None:
    free = optimize(
        "ukraine-2025",
        ["max:peace_holds_5y", "min:europe_cost_total"],
        futures=4,
        population=12,
        generations=3,
        seed=6,
    )
    costs = sorted(p["europe_cost_total"]["mean"] for p in free["pareto"])
    assert len(costs) >= 2
    bound = 0.5 * (costs[0] + costs[-1])
    held = optimize(
        "ukraine-2025",
        ["max:peace_holds_5y", "min:europe_cost_total"],
        constraints=[f"europe_cost_total<={bound}", "peace_holds_5y>=0.1"],
        futures=4,
        population=12,
        generations=3,
        seed=6,
    )
    assert held["pareto"] and held["feasible"] <= held["evaluations"]
    for policy in held["pareto"]:
        assert policy["europe_cost_total"]["mean"] <= bound
        assert policy["peace_holds_5y"]["mean"] >= 0.1
        # The constraint is the satisficing threshold of its outcome.
        assert 0.0 <= policy["europe_cost_total"]["satisficing"] <= 1.0
    impossible = optimize(
        "ukraine-2025",
        OBJECTIVES,
        constraints=["peace_holds_5y>=1.5"],
        futures=2,
        population=4,
        generations=1,
        seed=6,
    )
    assert impossible["pareto"] == [] and impossible["feasible"] == 0


@pytest.mark.slow
def test_saved_variants_rerun_the_chosen_policies(tmp_path) -> None:
    from accord.experiments.design import make_design
    from accord.simulation import compile_spec, simulate_chunk
    from accord.workflows.optimize import save_variants
    from accord.workflows.scenarios import load

    result = optimize(
        "ukraine-2025",
        ["max:peace_holds_5y", "min:europe_cost_total"],
        futures=3,
        population=6,
        generations=2,
        seed=8,
    )
    names = save_variants(result, "ukraine-2025", tmp_path / "chosen")
    assert names == [f"pareto-{k}" for k in range(1, len(result["pareto"]) + 1)]
    copy = load(tmp_path / "chosen")
    original = load("ukraine-2025").simulation
    assert set(original.variants) < set(copy.simulation.variants)
    # The first saved variant, on the optimizer's futures, gives the reported mean.
    spec = copy.simulation
    uncertainties, levers = spec.variant_inputs("pareto-1")
    assert all(len(lever.options) == 1 for lever in levers)
    design = make_design(uncertainties, [], 3, seed=8)
    for lever in levers:
        design[lever.name] = [lever.options[0]] * len(design)
    scalars = simulate_chunk(design, 8, spec=compile_spec(spec, copy, seed=8)).scalars
    assert scalars["europe_cost_total"].mean() == pytest.approx(
        result["pareto"][0]["europe_cost_total"]["mean"], rel=1e-12
    )
    with pytest.raises(ScenarioError, match="not empty"):
        save_variants(result, "ukraine-2025", tmp_path / "chosen")


@pytest.mark.slow
def test_cli_constraints_and_save_variants(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    out = tmp_path / "variants"
    result = CliRunner().invoke(
        app,
        [
            "optimize",
            "ukraine-2025",
            "--objectives",
            "max:peace_holds_5y,min:europe_cost_total",
            "--constraints",
            "peace_holds_5y>=0.05",
            "--futures",
            "2",
            "--population",
            "4",
            "--generations",
            "1",
            "--save-variants",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["constraints"] == ["peace_holds_5y>=0.05"]
    assert data["saved_variants"]["variants"][0] == "pareto-1"
    assert (out / "simulation.yaml").is_file()
    bad = CliRunner().invoke(
        app,
        [
            "optimize",
            "ukraine-2025",
            "--objectives",
            "max:peace_holds_5y",
            "--constraints",
            "peace>>1",
        ],
    )
    assert bad.exit_code == 2 and bad.stderr.strip().count("\n") == 0
