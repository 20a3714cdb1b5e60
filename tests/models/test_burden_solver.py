"""The burden-demand solver's O(N) Newton step against the dense reference it replaced.

The reference below is the solver as it was before issue 21: a batched
``numpy.linalg.solve`` on the dense Jacobian, every draw iterated until the slowest
converged. The new one solves the diagonal-plus-rank-one Jacobian by Sherman-Morrison and
iterates only the draws not yet converged; both stop at a residual below 1e-10 in logs.
The compiled kernel (``engine="numba"``, models/burden_demand_kernel.py) takes the same
steps one draw at a time and is checked against the same reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models import burden_demand as demand


def _reference_newton(x, c, k, w, fx, is_fixed, lf, eye):
    size = x.shape[0]

    def residual(values):
        level = np.where(is_fixed, np.where(is_fixed, fx, 0.0), np.exp(values))
        s = demand.spill_in(level, w)
        target = c + k * np.log(s)
        active = target > lf
        r = np.where(is_fixed, 0.0, values - np.maximum(lf, target))
        return r, level, np.where(active & ~is_fixed, s, np.nan)

    free_x = np.where(is_fixed, 0.0, x)
    bad = ~(np.isfinite(np.where(is_fixed, 0.0, c)).all(axis=1) & np.isfinite(free_x).all(axis=1))
    x = np.where(bad[:, None] & ~is_fixed, 0.0, x)
    r, level, s = residual(x)
    for _ in range(demand.MAX_STEPS):
        norm = np.where(bad, 0.0, np.max(np.abs(np.nan_to_num(r, nan=np.inf)), axis=1))
        if np.all(norm < demand.TOLERANCE):
            break
        d = (w * np.where(is_fixed, 0.0, level))[:, None, :] / s[:, :, None]
        d = np.nan_to_num(d) * (1.0 - eye)
        jac = eye - k[:, :, None] * d
        step = -np.linalg.solve(jac, np.nan_to_num(r)[..., None])[..., 0]
        step = np.where((norm < demand.TOLERANCE)[:, None], 0.0, step)
        t = np.ones((size, 1))
        for _ in range(20):
            trial = np.where(is_fixed, x, x + t * step)
            r_new, level_new, s_new = residual(trial)
            new_norm = np.max(np.abs(np.nan_to_num(r_new, nan=np.inf)), axis=1)
            ok = (new_norm < norm) | (norm < demand.TOLERANCE) | bad
            if np.all(ok):
                break
            t = np.where(ok[:, None], t, 0.5 * t)
        x, r, level, s = trial, r_new, level_new, s_new
    norm = np.max(np.abs(np.nan_to_num(r, nan=np.inf)), axis=1)
    out = np.where(is_fixed, fx, np.exp(x))
    out[(norm >= 1e-8) | bad] = np.nan
    return out


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), size=st.integers(1, 30))
def test_sherman_morrison_equals_dense_solve(seed: int, n: int, size: int) -> None:
    """(diag(d) - l r') z = b: the O(N) solve matches numpy.linalg.solve on random systems."""
    rng = np.random.default_rng(seed)
    d = rng.uniform(0.5, 2.0, (size, n)) * rng.choice([-1.0, 1.0], (size, n))
    left = rng.normal(0, 1, (size, n)) / np.sqrt(n)
    right = rng.normal(0, 1, (size, n)) / np.sqrt(n)
    b = rng.normal(0, 1, (size, n))
    dense = np.eye(n)[None] * d[:, None, :] - left[:, :, None] * right[:, None, :]
    cond = np.linalg.cond(dense)
    keep = cond < 1e8  # a near-singular draw says nothing about either method
    z = demand.diagonal_plus_rank_one_solve(d, left, right, b)
    want = np.linalg.solve(dense, b[..., None])[..., 0]
    assert np.allclose(
        z[keep],
        want[keep],
        rtol=1e-10 * cond[keep, None].max(initial=1.0),
        atol=1e-12 * cond[keep, None].max(initial=1.0),
    )


def test_singular_system_comes_back_non_finite() -> None:
    """A singular matrix (r' l/d = 1, or a zero diagonal) gives non-finite z, not a number."""
    d = np.ones((2, 3))
    d[1, 0] = 0.0
    left = np.array([[1.0, 0.0, 0.0], [0.1, 0.1, 0.1]])
    right = np.array([[1.0, 0.0, 0.0], [0.1, 0.1, 0.1]])
    z = demand.diagonal_plus_rank_one_solve(d, left, right, np.ones((2, 3)))
    assert not np.isfinite(z).all(axis=1).any()


def _system(seed: int, size: int, n: int, floors: bool, fixed: bool):
    rng = np.random.default_rng(seed)
    c = rng.normal(3.0, 1.0, (size, n))
    k = rng.uniform(-0.6, 0.6, size)
    w = np.where(np.arange(n) == 0, rng.uniform(0.1, 1.0), 1.0)
    fx = np.full((size, n), np.nan)
    if fixed:
        fx[:, 0] = rng.lognormal(4.0, 0.5, size)
        fx[rng.random(size) < 0.2, 0] = 0.0  # the US cut to nothing
    lf = np.full((size, n), -np.inf)
    if floors:
        lf = np.where(rng.random((size, n)) < 0.4, rng.normal(3.0, 1.0, (size, n)), -np.inf)
    c[rng.random(size) < 0.05, -1] = np.nan  # a draw that failed last year
    return c, k, w, fx, lf


ENGINES = ["numpy", "numba"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("floors", [False, True])
@pytest.mark.parametrize("fixed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_equilibrium_equals_dense_reference(
    seed: int, floors: bool, fixed: bool, engine: str
) -> None:
    """The new solver's equilibrium (numpy or compiled) equals the dense reference's on
    random systems: the same draws fail (NaN), and the others agree to 1e-9 relative (both
    converge to 1e-10 in logs); floors, a fixed ally at zero and NaN inputs included."""
    size, n = 400, 31
    c, k, w, fx, lf = _system(seed, size, n, floors, fixed)
    new = demand.solve(c, k, w, fixed=fx, log_floor=lf, engine=engine)
    is_fixed = ~np.isnan(fx)
    with np.errstate(divide="ignore"):
        log_fixed = np.where(is_fixed, np.log(np.where(is_fixed, np.maximum(fx, 0.0), 1.0)), 0.0)
    x = np.where(is_fixed, log_fixed, c)
    x = np.where(is_fixed, x, np.maximum(x, lf))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        old = _reference_newton(
            x, c, k[:, None], np.broadcast_to(w, (size, n)), fx, is_fixed, lf, np.eye(n)
        )
    assert np.array_equal(np.isnan(new), np.isnan(old))
    assert np.isfinite(new).all(axis=1).sum() > size // 2  # the comparison is not vacuous
    assert np.allclose(new, old, rtol=1e-9, atol=0.0, equal_nan=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_draw_does_not_depend_on_its_batch(engine: str) -> None:
    """Each draw's result is the same alone as in a batch (the batch shrinks as draws
    converge, so a slow draw must not change the others)."""
    c, k, w, fx, lf = _system(7, 60, 12, True, True)
    batch = demand.solve(c, k, w, fixed=fx, log_floor=lf, engine=engine)
    for i in range(0, 60, 7):
        alone = demand.solve(
            c[i : i + 1],
            k[i : i + 1],
            w,
            fixed=fx[i : i + 1],
            log_floor=lf[i : i + 1],
            engine=engine,
        )
        assert np.array_equal(alone[0], batch[i], equal_nan=True)


@pytest.fixture(scope="module")
def estimated():
    """The flagship with the estimated defence model asked for explicitly."""
    from accord.scenario import load_scenario
    from accord.simulation import compile_spec

    flagship = load_scenario("ukraine-2025")
    spec = flagship.simulation.model_copy(update={"defence_model": "estimated"})
    return flagship, compile_spec(spec, flagship, seed=5)


def test_engine_path_equals_the_dense_reference(estimated, monkeypatch) -> None:
    """The engine's whole burden path (ten yearly solves, recentred intercepts, floors, a
    backseat US, Russia's growth) is the same with the dense reference solver as with the
    compiled kernel the engine uses and with the O(N) numpy solver: same NaN draws, values
    to 1e-9 relative."""
    from accord.simulation import engine, variant_design

    flagship, compiled = estimated
    design = variant_design(flagship.simulation, "baseline", 300, seed=4, method="mc")
    design = design.assign(
        us_security_role=np.where(np.arange(300) % 2 == 0, "backseat", "full"),
        defence_floor_pct=np.tile([0.0, 2.0, 3.5, 5.0], 75),
    )
    calls: list[str] = []
    use_kernel = demand._use_kernel
    monkeypatch.setattr(demand, "_use_kernel", lambda e: calls.append(e) or use_kernel(e))
    new = engine.prepare_inputs(compiled, design).europe_defence_target
    assert calls and set(calls) == {"auto"}  # the engine asks for the kernel
    monkeypatch.setattr(demand, "_use_kernel", lambda e: False)
    numpy_path = engine.prepare_inputs(compiled, design).europe_defence_target
    monkeypatch.setattr(demand, "_newton", _reference_newton)
    old = engine.prepare_inputs(compiled, design).europe_defence_target
    assert np.isfinite(new).all()
    for got in (new, numpy_path):
        assert np.array_equal(np.isnan(got), np.isnan(old))
        assert np.allclose(got, old, rtol=1e-9, atol=0.0)
    # The comparison is not vacuous: the levers and Russia's growth move the targets.
    assert np.ptp(new) > 1e-3 * np.mean(new)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 31),
    floors=st.booleans(),
    engine=st.sampled_from(ENGINES),
)
def test_equilibrium_invariants(seed: int, n: int, floors: bool, engine: str) -> None:
    """On well-posed systems (|k| < 0.5): every draw converges; its result is the fixed
    point x = max(floor, c + k ln S) to 1e-9; a fixed ally keeps its value; no reacting
    ally is below its floor; relabelling the allies relabels the result."""
    size = 25
    c, k, w, fx, lf = _system(seed, size, n, floors, True)
    c = np.nan_to_num(c, nan=3.0)
    k = 0.8 * k  # |k| < 0.5: a contraction in logs
    fx[:, 0] = np.maximum(fx[:, 0], 1.0)  # a US at zero leaves S = 0 for a lone ally
    m = demand.solve(c, k, w, fixed=fx, log_floor=lf, engine=engine)
    assert np.isfinite(m).all()
    assert np.array_equal(m[:, 0], fx[:, 0])
    s = demand.spill_in(m, w)
    x = np.log(m)
    target = np.maximum(lf, c + k[:, None] * np.log(s))
    assert np.allclose(x[:, 1:], target[:, 1:], rtol=0.0, atol=1e-9)
    assert np.all(x[:, 1:] >= lf[:, 1:] - 1e-12)
    order = np.r_[0, 1 + np.random.default_rng(seed).permutation(n - 1)]
    moved = demand.solve(
        c[:, order], k, w[order], fixed=fx[:, order], log_floor=lf[:, order], engine=engine
    )
    assert np.allclose(moved, m[:, order], rtol=1e-9, atol=0.0)


def test_unknown_engine_is_refused() -> None:
    c, k, w, fx, lf = _system(1, 3, 4, False, False)
    with pytest.raises(ValueError, match="engine must be"):
        demand.solve(c, k, w, engine="fortran")


def _path_inputs(seed: int, size: int, n: int, floors: bool):
    """A yearly path's inputs: stable slopes (rho / (1 - gamma) < 1), intercepts recentred
    on the start and shaken, the US fixed (sometimes at zero), optional floors above the
    start, some NaN intercepts (a draw that fails)."""
    rng = np.random.default_rng(seed)
    coef = demand.Coefficients.from_matrix(
        np.column_stack(
            [
                rng.uniform(0.3, 0.8, size),
                rng.uniform(-0.2, 0.8, size),
                rng.uniform(-0.5, 0.15, size),
                rng.uniform(-0.1, 0.3, size),
                rng.uniform(0.0, 0.4, size),
            ]
        )
    )
    start = rng.lognormal(2.0, 1.5, (size, n))
    fixed = np.full((size, n), np.nan)
    fixed[:, 0] = start[:, 0]
    fixed[rng.random(size) < 0.1, 0] = 0.0
    weight = np.where(np.arange(n) == 0, rng.uniform(0.1, 1.0, (size, 1)), 1.0)
    frontline = (rng.random(n) < 0.2).astype(float)
    log_income = rng.normal(5.0, 1.0, n)
    intercept = demand.recentre(coef, start, log_income, 0.0, frontline, weight)
    intercept = intercept + rng.normal(0.0, 0.1, (size, n))
    intercept[rng.random(size) < 0.05, -1] = np.nan
    floor = np.where(rng.random((size, n)) < 0.3, 1.2 * start, 0.0) if floors else None
    growth = rng.uniform(-0.05, 0.1, size)
    return coef, intercept, start, log_income, growth, frontline, weight, fixed, floor


@pytest.mark.parametrize("floors", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_fused_path_equals_the_yearly_solves(seed: int, floors: bool, monkeypatch) -> None:
    """The compiled path (all years in one call, each year starting from the last year's
    logs and reusing its levels) equals the numpy year loop of one_year and the same loop
    with the dense reference solver: the same draws fail (NaN), the others agree to 1e-9
    relative; floors, a fixed ally at zero, NaN intercepts and failing draws included."""
    coef, a, m0, ly, g, f, w, fx, floor = _path_inputs(seed, 300, 31, floors)
    args = (coef, a, m0, ly, g, f, w, 10)
    fused = demand.path(*args, fixed=fx, floor=floor, engine="numba")
    loop = demand.path(*args, fixed=fx, floor=floor, engine="numpy")
    monkeypatch.setattr(demand, "_newton", _reference_newton)
    dense = demand.path(*args, fixed=fx, floor=floor, engine="numpy")
    for want in (loop, dense):
        assert np.array_equal(np.isnan(fused), np.isnan(want))
        assert np.allclose(fused, want, rtol=1e-9, atol=0.0, equal_nan=True)
    ok = np.isfinite(fused).all(axis=1)
    assert 200 <= ok.sum() < 300  # some draws fail (NaN intercepts), most converge
    assert np.median(np.abs(np.log(fused[ok, 1:] / m0[ok, 1:]))) > 0.05  # the years moved them


def test_fused_path_of_one_year_solves_the_year() -> None:
    """One year of the compiled path solves that year's reaction functions more tightly than
    the tolerance (its last, refining Newton step: 1e-12 where the check is 1e-10), and the
    draws that fail are those :func:`one_year` fails."""
    coef, a, m0, ly, g, f, w, fx, floor = _path_inputs(11, 200, 31, True)
    fused = demand.path(coef, a, m0, ly, g, f, w, 1, fixed=fx, floor=floor, engine="numba")
    once = demand.one_year(coef, a, m0, ly, g[:, None], f, w, fixed=fx, floor=floor, engine="numba")
    ok = np.isfinite(once).all(axis=1)
    assert ok.sum() > 100
    assert np.array_equal(np.isnan(fused), np.isnan(once))
    c = (
        a
        + coef.lag[:, None] * np.log(m0)
        + coef.income[:, None] * ly
        + demand.threat_term(coef, g[:, None], f)
    )
    with np.errstate(divide="ignore"):
        target = np.maximum(
            np.log(floor), c + coef.spill_in[:, None] * np.log(demand.spill_in(fused, w))
        )
    residual = np.abs(np.log(fused[ok, 1:]) - target[ok, 1:])
    assert residual.max() < 1e-12
    assert np.allclose(fused, once, rtol=1e-9, atol=0.0, equal_nan=True)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(1e-6, 1.0))
def test_taylor_levels_equal_exp_and_log(seed: int, scale: float) -> None:
    """The kernel's levels and spill-ins after a small move, by the Taylor series of expm1
    and log1p, equal those from exp and log to 1e-14 (relative levels, absolute logs); a
    move beyond NEAR is refused (the kernel then uses exp and log)."""
    from accord.models import burden_demand_kernel as kernel

    rng = np.random.default_rng(seed)
    n = 31
    w = np.where(np.arange(n) == 0, 0.5, 1.0)
    fx = np.full(n, np.nan)
    fx[0] = 800.0
    free = np.isnan(fx)
    wk = np.zeros((2, kernel.ROWS, n))
    wk[0, kernel.X] = rng.normal(2.0, 2.0, n)
    kernel._levels(wk, 0, w, fx, free)
    step = np.zeros((4, n))
    step[0] = rng.uniform(-1.0, 1.0, n) * kernel.NEAR * scale
    wk[1, kernel.X] = np.where(free, wk[0, kernel.X] + step[0], wk[0, kernel.X])
    assert kernel._levels_near(wk, 0, 1, 1.0, step, w, free)
    near = wk[1].copy()
    kernel._levels(wk, 1, w, fx, free)
    rows = [kernel.LEVEL, kernel.SPILL]
    assert np.allclose(near[rows], wk[1][rows], rtol=1e-14, atol=0.0)
    assert np.allclose(near[kernel.LOG_SPILL], wk[1][kernel.LOG_SPILL], rtol=0.0, atol=1e-14)
    step[0, 3] = 1.5 * kernel.NEAR
    assert not kernel._levels_near(wk, 0, 1, 1.0, step, w, free)


@pytest.mark.parametrize("engine", ENGINES)
def test_draws_without_an_equilibrium_come_back_nan(engine: str) -> None:
    """A draw whose Newton steps diverge (a spill-in slope of 2.5: no equilibrium, the
    levels overflow) is NaN in the compiled kernel as in numpy, for the path and for one
    year, with finite inputs; the other draws are finite. The NaN markers of failed draws
    survive the kernel's fast-math flags (``burden_demand_kernel.FASTMATH``: no "nnan" or
    "ninf", which would let the compiler drop them)."""
    coef, a, m0, ly, g, f, w, fx, floor = _path_inputs(5, 200, 31, False)
    a = np.nan_to_num(a, nan=0.0)  # finite inputs: only failures to converge
    bad = np.arange(200) % 10 == 3
    spill = np.where(bad, 2.5, coef.spill_in)
    coef = demand.Coefficients(coef.lag, coef.income, spill, coef.threat, coef.threat_frontline)
    with np.errstate(all="ignore"):
        out = demand.path(coef, a, m0, ly, g, f, w, 10, fixed=fx, engine=engine)
        once = demand.solve(a, spill, w, fixed=fx, engine=engine)
    for got in (out, once):
        failed = np.isnan(got).any(axis=1)
        assert np.isnan(got[failed]).all()  # a failed draw is NaN for every ally
        assert np.isfinite(got[~failed]).all()
        assert not failed[~bad].any()
        assert failed[bad].sum() >= 0.8 * bad.sum()
