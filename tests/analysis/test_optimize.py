"""accord.workflows.optimize on the flagship at a tiny budget."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import ScenarioError
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
