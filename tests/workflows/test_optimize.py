"""accord.workflows.optimize on the flagship at a tiny budget."""

from __future__ import annotations

import numpy as np
import pytest

from accord.spec.errors import ScenarioError
from accord.workflows.optimize import optimize


def test_optimize_returns_non_dominated_policies_with_robustness() -> None:
    result = optimize("ukraine-2025", ["max:peace_holds_5y", "min:aid_total_europe"],
                      futures=6, population=8, generations=2, seed=3)
    assert result["pareto"] and len(result["hypervolume"]) == 2
    means = np.array([[-p["peace_holds_5y"]["mean"], p["aid_total_europe"]["mean"]]
                      for p in result["pareto"]])
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
    assert str(caught.value) == ("<input>: field '--objectives': no objectives "
                                 "(expected e.g. max:peace_holds_5y,min:aid_total_europe)")
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
        "pass --force to run it anyway (expected at most 10 min and 4 GiB)")
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
    result = optimize("ukraine-2025", OBJECTIVES, futures=2, population=4, generations=2,
                      seed=5, log=lines.append)
    assert len(lines) == 2
    for k, line in enumerate(lines, start=1):
        assert line.startswith(f"optimize: generation {k} of 2, ")
        assert " evaluations, hypervolume " in line and ", ETA " in line
    assert f"{result['evaluations']} evaluations" in lines[-1]
    assert f"hypervolume {result['hypervolume'][-1]:.4g}" in lines[-1]


def test_cli_bad_input_is_one_line_and_exit_2() -> None:
    from typer.testing import CliRunner

    from accord.cli import app

    for args in (["--population", "1"], ["--generations", "0"], ["--futures", "0"],
                 ["--population", "1000", "--generations", "100"]):
        result = CliRunner().invoke(app, ["optimize", "ukraine-2025", "--objectives",
                                          "max:peace_holds_5y", *args])
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), lines
        assert result.stdout == ""
