"""Robustness metrics and the NSGA-II search (accord.analysis.robust)."""

from __future__ import annotations

import numpy as np

from accord.analysis.robust import nsga2, robustness


def zdt1(x: np.ndarray) -> np.ndarray:
    # Zitzler, Deb & Thiele (2000): Pareto front f2 = 1 - sqrt(f1), at x2..xn = 0.
    f1 = x[:, 0]
    g = 1 + 9 * x[:, 1:].mean(axis=1)
    return np.column_stack([f1, g * (1 - np.sqrt(f1 / g))])


def test_nsga2_approaches_the_known_zdt1_front() -> None:
    result = nsga2(
        zdt1, [(0.0, 1.0)] * 5, 2, population=40, generations=120, seed=1, reference=[1.1, 1.1]
    )
    f = result["f"]
    assert len(f) >= 5
    gap = f[:, 1] - (1 - np.sqrt(f[:, 0]))
    assert np.all(gap >= -1e-9)  # nothing beats the true front
    assert np.median(gap) < 0.05, np.median(gap)
    hv = result["hypervolume"]
    assert len(hv) == 120 and hv[-1] > hv[0]
    # The true front's hypervolume against (1.1, 1.1): the box minus the area under the
    # front, 1.21 - integral_0^1 (1 - sqrt(f1)) df1 = 1.21 - 1/3.
    true_hv = 1.21 - 1 / 3
    assert hv[-1] <= true_hv + 1e-6 and hv[-1] > 0.95 * true_hv, (hv[-1], true_hv)


def test_robustness_metrics_by_hand() -> None:
    values = np.array([[1.0, 4.0, 2.0], [2.0, 2.0, 2.0]])
    out = robustness(values, minimize=True, threshold=2.0)
    assert np.allclose(out["mean"], [7 / 3, 2.0])
    # Best per future: 1, 2, 2; regrets row 0: 0, 2, 0; row 1: 1, 0, 0.
    assert np.allclose(out["max_regret"], [2.0, 1.0])
    assert np.allclose(out["satisficing"], [2 / 3, 1.0])
    assert np.allclose(out["p10"], np.quantile(values, 0.1, axis=1))
