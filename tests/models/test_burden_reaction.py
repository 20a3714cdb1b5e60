"""accord.models.burden_demand: the estimated reaction functions' equilibrium."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models import burden_demand as demand

SETTINGS = settings(max_examples=60, deadline=None)


def _coef(
    lag: float, income: float, spill: float, threat: float, front: float, size: int = 1
) -> demand.Coefficients:
    return demand.Coefficients.from_matrix(np.tile([lag, income, spill, threat, front], (size, 1)))


def _game(seed: int, n: int = 6) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    spending = rng.lognormal(8, 1, n)
    return {
        "spending": spending,
        "gdp": spending * rng.uniform(30, 80, n),
        "frontline": (np.arange(n) < 2).astype(float),
        "weight": np.append(np.ones(n - 1), 0.2),
    }


@SETTINGS
@given(seed=st.integers(0, 10_000), lag=st.floats(0.0, 0.9), spill=st.floats(-0.4, 0.4))
def test_solution_satisfies_every_reaction_function(seed: int, lag: float, spill: float) -> None:
    """At the solution each ally's spending is its reaction to the others' (the fixed point
    holds to 1e-9 in logs); the base year is reproduced exactly after recentring."""
    g = _game(seed)
    coef = _coef(lag, 0.4, spill * (1 - lag), 0.05, 0.1)
    intercept = demand.recentre(
        coef, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    base = demand.steady_state(
        coef, intercept, np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    assert np.allclose(base, g["spending"], rtol=1e-9)
    new = demand.steady_state(
        coef, intercept, np.log(g["gdp"] * 1.1), np.log(6e4), g["frontline"], g["weight"]
    )
    keep = 1 - lag
    target = (
        intercept
        + 0.4 * np.log(g["gdp"] * 1.1)
        + demand.threat_term(coef, np.log(6e4), g["frontline"])
        + coef.spill_in[:, None] * np.log(demand.spill_in(new, g["weight"]))
    ) / keep
    assert np.allclose(np.log(new), target, atol=1e-9)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    threat=st.floats(-0.3, 0.3).filter(lambda v: abs(v) > 1e-3),
    spill=st.floats(-0.5, 0.5),
    rise=st.floats(0.05, 1.0),
)
def test_threat_moves_spending_with_the_sign_of_its_coefficient(
    seed: int, threat: float, spill: float, rise: float
) -> None:
    """A uniform threat rise moves every ally in the sign of the estimated threat
    elasticity, whatever the spill-in (|gamma| / (1 - rho) < 1): the equilibrium feedback
    scales the direct effect by 1 / (1 - k s) > 0 in the symmetric direction."""
    g = _game(seed)
    coef = _coef(0.5, 0.4, spill * 0.5, threat, 0.0)
    intercept = demand.recentre(
        coef, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    fixed = np.full((1, g["spending"].size), np.nan)
    fixed[0, -1] = g["spending"][-1]
    new = demand.steady_state(
        coef,
        intercept,
        np.log(g["gdp"]),
        np.log(5e4 * (1 + rise)),
        g["frontline"],
        g["weight"],
        fixed=fixed,
    )
    change = np.log(new[0, :-1] / g["spending"][:-1])
    # Symmetric part: the spending-weighted change has the sign of the coefficient.
    assert np.sign(np.average(change, weights=g["spending"][:-1])) == np.sign(threat)
    if spill == 0:
        assert np.all(np.sign(change) == np.sign(threat))


def test_without_spill_in_each_ally_follows_its_own_threat_coefficient() -> None:
    """gamma = 0: frontline allies move with delta + delta_F, the others with delta."""
    g = _game(3)
    coef = _coef(0.6, 0.4, 0.0, -0.05, 0.15)
    intercept = demand.recentre(
        coef, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    new = demand.steady_state(
        coef, intercept, np.log(g["gdp"]), np.log(1e5), g["frontline"], g["weight"]
    )
    change = np.log(new[0] / g["spending"])
    expected = (-0.05 + 0.15 * g["frontline"]) * np.log(2) / 0.4
    assert np.allclose(change, expected)


def test_floor_binds_and_fixed_ally_keeps_its_value() -> None:
    g = _game(5)
    coef = _coef(0.5, 0.4, -0.1, 0.0, 0.0)
    intercept = demand.recentre(
        coef, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    floor = 0.03 * g["gdp"][None]
    fixed = np.full((1, 6), np.nan)
    fixed[0, -1] = 0.0
    new = demand.steady_state(
        coef,
        intercept,
        np.log(g["gdp"]),
        np.log(5e4),
        g["frontline"],
        g["weight"],
        floor=floor,
        fixed=fixed,
    )
    assert new[0, -1] == 0.0
    assert np.all(new[0, :-1] >= floor[0, :-1] * (1 - 1e-12))


def test_unstable_steady_state_is_nan_not_a_number() -> None:
    """A spill-in complementarity far above one (k = gamma / (1 - rho) = 5) makes the fixed
    point repel the yearly dynamics: no equilibrium the allies reach, so NaN; the same game
    with a small complementarity is stable and finite."""
    g = _game(2)
    coef = _coef(0.9, 0.4, 0.5, 0.0, 0.0)  # k = 0.5 / 0.1 = 5
    intercept = demand.recentre(
        coef, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    new = demand.steady_state(
        coef, intercept, np.log(g["gdp"] * 1.5), np.log(5e4), g["frontline"], g["weight"]
    )
    assert np.all(np.isnan(new))
    calm = _coef(0.9, 0.4, 0.02, 0.0, 0.0)
    intercept = demand.recentre(
        calm, g["spending"][None], np.log(g["gdp"]), np.log(5e4), g["frontline"], g["weight"]
    )
    new = demand.steady_state(
        calm, intercept, np.log(g["gdp"] * 1.5), np.log(5e4), g["frontline"], g["weight"]
    )
    assert np.all(np.isfinite(new))
    assert demand.stable(calm, new, g["weight"]).all()
