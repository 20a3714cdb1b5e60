"""One seed discipline (issue 19, point 4; docs/experiments.md, "Randomness").

- child streams come from ``SeedSequence`` spawn keys, never from arithmetic on the seed, so
  distinct seeds give unrelated streams (``seed + wave`` made seed 1 wave 1 = seed 2 wave 0);
- draw ``i`` of a forecast, a burden sample or a Monte Carlo design depends only on
  ``(seed, i)``: the first k draws do not depend on the total;
- one default seed and one range check in ``src/``;
- ``rng=`` (numpy SPEC 7) is accepted where ``seed=`` is.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import accord
from accord.experiments import rng as rng_module
from accord.experiments.rng import (
    DEFAULT_SEED,
    STREAM_KEYS,
    check_seed,
    child_seed,
    experiment_uniforms,
    stream_rng,
)
from accord.spec.errors import ScenarioError
from accord.workflows.seeds import resolve_seed

SRC = Path(__file__).resolve().parents[2] / "src" / "accord"
LIMITS_FILE = SRC / "spec" / "limits.py"  # the one default seed and range check


def test_stream_keys_are_distinct_and_out_of_reach_of_experiment_ids() -> None:
    keys = list(STREAM_KEYS.values())
    assert len(set(keys)) == len(keys)
    # An experiment's stream 0 key is (id,): no run of fewer than 2**30 experiments reaches
    # a tag, and every tag fits one 32-bit word of a spawn key.
    assert all(2**30 <= key < 2**32 for key in keys)


def test_child_seed_is_the_spawn_keys_state_not_arithmetic() -> None:
    for seed, wave in ((1, 1), (2, 0), (DEFAULT_SEED, 2)):
        key = (STREAM_KEYS["calibration_points"], wave)
        word = np.random.SeedSequence(seed, spawn_key=key).generate_state(1, np.uint64)[0]
        assert child_seed(seed, "calibration_points", wave) == int(word) >> 1
    # seed + wave gave 1 + 1 == 2 + 0: the same stream for two runs. Spawn keys do not.
    assert child_seed(1, "calibration_points", 1) != child_seed(2, "calibration_points", 0)
    assert child_seed(1, "calibration_points", 1) != child_seed(1, "calibration_futures", 1)
    assert 0 <= child_seed(7, "optimize", bits=31) < 2**31


def test_distinct_seeds_and_waves_give_independent_streams() -> None:
    n = 20_000
    streams = {
        (seed, wave): stream_rng(seed, "calibration_futures", wave).random(n)
        for seed in (1, 2, 3)
        for wave in (0, 1, 2)
    }
    values = list(streams.values())
    for i, a in enumerate(values):
        for b in values[i + 1 :]:
            assert not np.array_equal(a, b)
            # Independent uniforms: correlation ~ N(0, 1/n); 5 / sqrt(n) is a 5-sigma bound.
            assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(n)


def test_unknown_stream_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stream"):
        stream_rng(1, "no-such-purpose")


def test_forecast_draws_are_prefix_stable() -> None:
    from accord.scenario import load_scenario
    from accord.workflows.forecast_draws import run_forecast, sample_draws

    scenario = load_scenario("ukraine-2025")
    many = sample_draws(scenario, 1000, 5)
    few = sample_draws(scenario, 100, 5)
    for whole, prefix in zip(many, few, strict=True):
        np.testing.assert_array_equal(whole[:100], prefix)
    other = sample_draws(scenario, 100, 6)
    assert not np.array_equal(other[1], few[1])
    long = run_forecast(scenario, ("compromise",), draws=1000, seed=5)
    short = run_forecast(scenario, ("compromise",), draws=100, seed=5)
    np.testing.assert_array_equal(
        long.models["compromise"].draws[:100], short.models["compromise"].draws
    )


def test_burden_draws_are_prefix_stable() -> None:
    from accord.workflows.burden import _per_draw

    theta, normal = _per_draw(3, "burden_draw", 0.2, 0.9, 500, 31)
    theta_k, normal_k = _per_draw(3, "burden_draw", 0.2, 0.9, 40, 31)
    np.testing.assert_array_equal(theta[:40], theta_k)
    np.testing.assert_array_equal(normal[:40], normal_k)
    assert 0.2 <= theta.min() and theta.max() < 0.9
    aid_theta, _ = _per_draw(3, "aid_draw", 0.2, 0.9, 40, 31)
    assert not np.array_equal(aid_theta, theta_k)  # each game its own stream key


def test_estimated_burden_coefficients_are_prefix_stable() -> None:
    from accord.fits.burden_demand import DemandEstimate

    cov = np.diag([0.1, 0.2, 0.3, 0.4, 0.5]) + 0.01
    estimate = DemandEstimate(
        params=np.arange(5.0),
        cov=cov,
        intercepts={},
        nobs=1,
        years=(2000, 2001),
        allies=(),
        phi=1.0,
    )
    many, few = estimate.draws(300, 4), estimate.draws(30, 4)
    for name in ("lag", "income", "spill_in", "threat", "threat_frontline"):
        np.testing.assert_array_equal(getattr(many, name)[:30], getattr(few, name))


def test_experiment_streams_and_mc_designs_are_prefix_stable() -> None:
    from accord.experiments.design import make_design
    from accord.experiments.spec import Uncertainty

    np.testing.assert_array_equal(
        experiment_uniforms(9, np.arange(1000), (3,))[:100],
        experiment_uniforms(9, np.arange(100), (3,)),
    )
    uncertainty = [Uncertainty(name="x", low=0.0, high=2.0, source="test")]
    whole = make_design(uncertainty, [], 400, method="mc", seed=9)
    part = make_design(uncertainty, [], 40, method="mc", seed=9)
    np.testing.assert_array_equal(whole["x"].to_numpy()[:40], part["x"].to_numpy())


def test_rng_generator_int_and_precedence() -> None:
    drawn = np.random.default_rng(11).integers(0, 2**63)
    assert resolve_seed(rng=np.random.default_rng(11)) == drawn
    assert resolve_seed(rng=42) == resolve_seed(seed=42) == 42
    assert resolve_seed() == DEFAULT_SEED
    with pytest.raises(ScenarioError, match="not both"):
        resolve_seed(seed=1, rng=2)
    with pytest.raises(ScenarioError, match="rng"):
        resolve_seed(rng=np.random.PCG64(1))
    with pytest.raises(ScenarioError, match="out of range"):
        resolve_seed(rng=-1)


def test_the_verbs_accept_rng() -> None:
    seed = int(np.random.default_rng(3).integers(0, 2**63))
    by_rng = accord.forecast("ukraine-2025", "compromise", draws=20, rng=np.random.default_rng(3))
    by_seed = accord.forecast("ukraine-2025", "compromise", draws=20, seed=seed)
    assert by_rng.seed == seed
    np.testing.assert_array_equal(
        by_rng.models["compromise"].draws, by_seed.models["compromise"].draws
    )
    by_int = accord.forecast("ukraine-2025", "compromise", draws=5, rng=8)
    np.testing.assert_array_equal(
        by_int.models["compromise"].draws,
        accord.forecast("ukraine-2025", "compromise", draws=5, seed=8).models["compromise"].draws,
    )
    burden_rng = accord.burden("aid", draws=30, rng=np.random.default_rng(3))
    burden_seed = accord.burden("aid", draws=30, seed=seed)
    assert burden_rng.to_dict() == burden_seed.to_dict()
    with pytest.raises(ScenarioError, match="not both"):
        accord.simulate("ukraine-2025", experiments=2, seed=1, rng=1)


def _source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _is_seed_limit(node: ast.AST) -> bool:
    """``2**63`` (or ``2**63 - 1``) written in code, or a name standing for it."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return (
            isinstance(node.left, ast.Constant)
            and node.left.value == 2
            and isinstance(node.right, ast.Constant)
            and node.right.value == 63
        )
    if isinstance(node, ast.BinOp):
        return _is_seed_limit(node.left) or _is_seed_limit(node.right)
    return isinstance(node, ast.Name) and node.id in ("SEED_LIMIT", "MAX_SEED")


def test_one_range_check_and_one_default_seed_in_src() -> None:
    checks, defaults, arithmetic = [], [], []
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        where = path.relative_to(SRC)
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                _is_seed_limit(side) for side in (node.left, *node.comparators)
            ):
                checks.append(f"{where}:{node.lineno}")
            if isinstance(node, ast.keyword) and node.arg == "max" and _is_seed_limit(node.value):
                checks.append(f"{where}:{node.lineno}")  # typer.Option(max=2**63 - 1)
            if (
                isinstance(node, ast.Constant)
                and node.value == DEFAULT_SEED
                and type(node.value) is int
            ):
                defaults.append(f"{where}:{node.lineno}")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mult | ast.Mod):
                names = [
                    side.id if isinstance(side, ast.Name) else side.attr
                    for side in (node.left, node.right)
                    if isinstance(side, ast.Name | ast.Attribute)
                ]
                if any("seed" in name.lower() for name in names):  # seed + k, self.seed * k
                    arithmetic.append(f"{where}:{node.lineno}")
    limits_file = str(LIMITS_FILE.relative_to(SRC))
    assert [c.split(":")[0] for c in checks] == [limits_file], checks
    assert [d.split(":")[0] for d in defaults] == [limits_file], defaults
    assert arithmetic == [], arithmetic


def test_check_seed_is_the_door_everywhere() -> None:
    assert accord.check_seed is check_seed
    assert rng_module.check_seed(5) == 5
    for bad in (-1, 2**63, 1.5, True, "3"):
        with pytest.raises(ScenarioError):
            check_seed(bad)
