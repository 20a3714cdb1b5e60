"""The fused month loop (accord.simulation.kernel, numba) against the numpy step (the reference).

Both read the same per-experiment draws, so every discrete outcome (at war or not, how and
when the war ends, renewals, escalation counts) must be identical, and every number equal up
to the last bits: numpy on a CPU with AVX-512 computes ``exp``, ``log``, ``expm1``, ``log1p``
and ``pow`` with its own vectorised routines, which differ from the C library's (what numba
calls) by about one ulp, and 120 months of arithmetic carry that to about 1e-15 relative
(measured: 2e-15 at most on the designs below). Where numpy calls the C library, both paths
give identical bits. numba is installed with the ``speed`` extra (and in CI): these tests
require it.
"""

from __future__ import annotations

import math

import numba  # noqa: F401  (required: the fused engine is numba's)
import numpy as np
import pandas as pd
import pytest

from accord.models import war
from accord.simulation import compile_spec, engine, simulate_arrays, variant_design
from accord.simulation.engine import month_loop_engine

RTOL = 1e-12  # float64 results: a few ulps of difference carried over the months (docstring)
RTOL_FLOAT32 = 2.0**-23  # float32 series: a 1e-15 difference may round to the next float32
DISCRETE = (
    "ceasefire_month",
    "war_renewed_month",
    "months_of_peace",
    "war_end_month",
    "war_end_type",
    "escalation_use_of_force_events",
    "escalation_fatal_events",
)


def _mixed_design(spec, n: int, seed: int) -> pd.DataFrame:
    """Every variant, then rows with every lever option drawn at random, hard aid cuts and
    the adaptive rules paired with the same futures without them."""
    rng = np.random.default_rng(seed)
    frames = [variant_design(spec, name, n, seed=seed, method="mc") for name in spec.variants]
    mixed = variant_design(spec, "baseline", 2 * n, seed=seed + 1, method="mc")
    for lever in spec.levers:
        mixed[lever.name] = pd.Series(
            [lever.options[i] for i in rng.integers(0, len(lever.options), len(mixed))],
            dtype=object,
        )
    mixed.loc[: n // 2, "aid_cut_width"] = 0.0  # the hard step of the aid multiplier
    frames.append(mixed)
    rules = variant_design(spec, "europe-backfills", n, seed=seed + 2, method="mc")
    for rule in ("none", *spec.adaptive_rules):
        frames.append(rules.assign(adaptive_rule=rule))
    design = pd.concat(frames, ignore_index=True)
    design["experiment"] = np.arange(len(design))
    return design


def _compare(compiled, design, seed):
    fused = simulate_arrays(compiled, design, seed, engine="numba")
    reference = simulate_arrays(compiled, design, seed, engine="numpy")
    for got, want in zip(fused, reference, strict=True):
        assert list(got) == list(want)
        for name in want:
            if name in DISCRETE or name == "at_war":
                np.testing.assert_array_equal(got[name], want[name], err_msg=name)
            else:
                rtol = RTOL_FLOAT32 if want[name].dtype == np.float32 else RTOL
                np.testing.assert_allclose(got[name], want[name], rtol=rtol, atol=0, err_msg=name)
    return reference


@pytest.mark.slow
def test_fused_equals_reference_on_the_flagship_and_every_branch(flagship, spec) -> None:
    compiled = compile_spec(spec, flagship, seed=7)
    design = _mixed_design(spec, 40, seed=3)
    scalars, series = _compare(compiled, design, 11)
    # The designs reach every branch of the month (else the comparison proves little).
    ends = set(np.unique(scalars["war_end_type"]).astype(int))
    assert {war.CEASEFIRE, war.DECISION, war.COLLAPSE, war.FREEZE} <= ends
    assert np.isfinite(scalars["war_renewed_month"]).any()  # war resumes after a ceasefire
    assert (scalars["escalation_fatal_events"] > 0).any()
    deployed = np.isfinite(scalars["ceasefire_month"]) & (
        design["reassurance_force_k"].astype(float).to_numpy() > 0
    )
    assert deployed.any()  # a force deployed with a ceasefire
    n_rules = len(spec.adaptive_rules) + 1
    aid_europe = series["aid_europe"][-n_rules * 40 :].reshape(n_rules, 40, -1)
    for k in range(1, n_rules):  # each rule fires somewhere: Europe's aid departs from "none"
        assert (aid_europe[k] != aid_europe[0]).any()


def test_fused_equals_reference_without_first_year_risk_or_territory(flagship, spec) -> None:
    """The other branches: no first-year failure hazard declared, no territory issue (the
    deal is the front itself), a one-row chunk."""
    uncertainties = [u for u in spec.uncertainties if u.name != "ceasefire_first_year_failure"]
    issues = [issue for issue in spec.issues if issue.id != "territory"]
    reduced = spec.model_copy(update={"uncertainties": uncertainties, "issues": issues})
    compiled = compile_spec(reduced, flagship, seed=5)
    assert "ceasefire_first_year_failure" not in compiled.defaults
    assert "territory" not in compiled.issue_ids
    design = variant_design(reduced, "coalition-of-the-willing", 60, seed=4, method="mc")
    design["experiment"] = np.arange(len(design))
    scalars, _ = _compare(compiled, design, 2)
    assert np.isfinite(scalars["war_renewed_month"]).any()
    _compare(compiled, design.iloc[:1], 2)


def test_blocks_of_draws_change_nothing(flagship, spec, monkeypatch) -> None:
    """The fused loop draws and runs ``DRAW_BLOCK`` experiments at a time: blocks of 7 (the
    last one short) give the bits of one block, and still match the reference."""
    compiled = compile_spec(spec, flagship, seed=5)
    design = variant_design(spec, "europe-backfills", 40, seed=6, method="mc")
    design["experiment"] = np.arange(100, 100 + len(design))
    whole = simulate_arrays(compiled, design, 3, engine="numba")
    monkeypatch.setattr(engine, "DRAW_BLOCK", 7)
    blocks = simulate_arrays(compiled, design, 3, engine="numba")
    for got, want in zip(blocks, whole, strict=True):
        assert list(got) == list(want)
        for name in want:
            np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    _compare(compiled, design, 3)


def test_the_long_table_wraps_the_series_without_a_copy(flagship, spec) -> None:
    """simulate_chunk's series frame: the kernel's [S, B, T] array is its float32 block, and
    it equals the frame built column by column (the construction before session 12)."""
    compiled = compile_spec(spec, flagship, seed=5)
    design = variant_design(spec, "baseline", 9, seed=6, method="mc")
    design["experiment"] = np.arange(50, 50 + len(design))
    _, table = engine._simulate(compiled, design, 3, "numba")
    frame = engine.simulate_chunk(design, 3, spec=compiled).series
    ids, months = design["experiment"].to_numpy(), compiled.horizon_months
    by_column = pd.DataFrame(
        {
            "experiment": np.repeat(ids, months),
            "month": np.tile(np.arange(months, dtype=np.int16), ids.size),
            **{name: table[i].ravel() for i, name in enumerate(engine.SERIES)},
        }
    )
    pd.testing.assert_frame_equal(frame, by_column, check_exact=True)
    wrapped = engine.series_frame(ids, months, table)
    for i, name in enumerate(engine.SERIES):
        assert np.shares_memory(wrapped[name].to_numpy(), table), name
        np.testing.assert_array_equal(wrapped[name].to_numpy(), table[i].ravel())


def test_the_engine_selector(monkeypatch) -> None:
    monkeypatch.delenv("ACCORD_ENGINE", raising=False)
    assert month_loop_engine() == "numba"  # numba installed: auto takes the fused kernel
    assert month_loop_engine("numpy") == "numpy"
    monkeypatch.setenv("ACCORD_ENGINE", "numpy")
    assert month_loop_engine() == "numpy"
    assert month_loop_engine("numba") == "numba"  # an explicit choice wins over the variable
    monkeypatch.setenv("ACCORD_ENGINE", "fast")
    with pytest.raises(ValueError, match="ACCORD_ENGINE"):
        month_loop_engine()
    with pytest.raises(ValueError, match="engine"):
        month_loop_engine("cuda")


def test_the_kernels_shortcuts_give_the_bits_of_the_full_formulas() -> None:
    """Where the kernel skips a transcendental call (accord.simulation.kernel), the full
    formula gives exactly the value it takes instead (else the fused path would drift from the
    reference): the capped aid share, the saturated logistic and the renewal test."""
    from accord.simulation import kernel

    rng = np.random.default_rng(21)
    starts = np.concatenate([rng.uniform(0.0, 1.0, 2000), 1.0 - 10.0 ** -rng.uniform(1, 8, 500)])
    for start in starts:
        z0 = kernel._capped_from(start)
        assert np.isfinite(z0)
        for z in (z0, np.nextafter(z0, np.inf), z0 + 1e-3, z0 + 5.0):
            assert min(1.0 / (1.0 + np.exp(-z)) / start, 1.0) == 1.0
        # Below the bound the share is computed (and is below 1 there, mostly).
        assert min(1.0 / (1.0 + np.exp(-(z0 - 1.0))) / start, 1.0) < 1.0
    assert kernel._capped_from(1.0) == np.inf and kernel._capped_from(0.0) == np.inf
    assert np.isinf(kernel._capped_from(np.nan))
    for z in np.linspace(kernel.SATURATED, 700.0, 5000):
        assert 1.0 / (1.0 + np.exp(-z)) == 1.0
    hazards = np.concatenate([10.0 ** rng.uniform(-12, 2, 20000), [1e-12 * (1 + 1e-15)]])
    hazards = hazards[hazards > 1e-12]
    assert np.all(-np.expm1(-hazards) < hazards)
    assert np.all([-math.expm1(-h) < h for h in hazards[:2000]])
    # The renewal hazard's increments over a spell stay below the kernel's bound.
    for _ in range(500):
        shape, scale = rng.uniform(0.1, 3.0), 10.0 ** rng.uniform(0, 3)
        t_last = float(rng.integers(0, 300))
        t = np.arange(t_last + 1.0)
        increments = war.power((t + 1.0) / scale, shape) - war.power(t / scale, shape)
        bound = kernel._increment_bound(t_last, shape, scale)
        assert increments.max() < bound <= increments.max() * (1 + 2e-6)
    assert np.isnan(kernel._increment_bound(10.0, 0.0, 5.0))
    assert np.isnan(kernel._increment_bound(np.nan, 1.0, 5.0))


def test_a_block_outside_its_chunk_is_refused(flagship, spec) -> None:
    """The kernel does not check its indices, so the Chunk does before calling it."""
    from accord.simulation import kernel

    compiled = compile_spec(spec, flagship, seed=5)
    design = variant_design(spec, "baseline", 3, seed=6, method="mc")
    design["experiment"] = np.arange(len(design))
    inputs = engine.prepare_inputs(compiled, design)
    state = engine.initial_state(compiled, inputs)
    chunk = kernel.Chunk(inputs, state.as_dict(), None, compiled.horizon_months, 1.1)
    size, months = len(design), compiled.horizon_months
    draws = engine._draws(5, np.arange(size), months)
    normals, uniforms, _, end_uniforms = draws
    chunk.run(0, normals, uniforms, end_uniforms)  # the whole chunk fits
    with pytest.raises(ValueError, match="do not fit"):
        chunk.run(1, normals, uniforms, end_uniforms)
    with pytest.raises(ValueError, match="do not fit"):
        chunk.run(-1, normals[:1], uniforms[:1], end_uniforms[:1])
    with pytest.raises(ValueError, match="do not fit"):
        chunk.run(0, normals[:, :-1], uniforms[:, :-1], end_uniforms[:, :-1])
