"""The estimated burden path's pool of solved paths: repeated inputs are read, not re-solved.

``engine._estimated_defence`` solves each distinct (draw, Russia's growth, US spill-in,
floors) row once; the tests check that the rows read from it are bit for bit those a full
solve gives, and that only the distinct rows are solved.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.simulation import engine, variant_design


@pytest.fixture(scope="module")
def estimated(flagship, spec):
    return engine.compile_spec(
        spec.model_copy(update={"defence_model": "estimated"}), flagship, seed=7
    )


@pytest.fixture(scope="module")
def distinct(spec):
    """Twelve experiments, every defence input distinct (a Monte Carlo design)."""
    design = variant_design(spec, "baseline", 12, seed=5, method="mc")
    return design.assign(
        us_security_role=np.where(np.arange(12) % 3 == 0, "backseat", "full"),
        defence_floor_pct=np.tile([0.0, 2.0, 3.5, 5.0], 3),
    )


@pytest.fixture(scope="module")
def want(estimated, distinct):
    return engine.prepare_inputs(estimated, distinct).europe_defence_target


def _solved_rows(monkeypatch) -> list[int]:
    sizes: list[int] = []
    inner = engine._estimated_path

    def counted(compiled, pick, *args):
        sizes.append(int(pick.size))
        return inner(compiled, pick, *args)

    monkeypatch.setattr(engine, "_estimated_path", counted)
    return sizes


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(repeats=st.lists(st.integers(0, 11), min_size=1, max_size=40))
def test_repeated_rows_read_the_solved_path(
    estimated, distinct, want, monkeypatch, repeats
) -> None:
    """Any sequence of the distinct experiments, repeated and shuffled, gets bit for bit the
    targets of the distinct design, and only its distinct rows are solved (at least two)."""
    sizes = _solved_rows(monkeypatch)
    design = distinct.iloc[repeats].reset_index(drop=True)
    got = engine.prepare_inputs(estimated, design).europe_defence_target
    assert np.array_equal(got, want[repeats])
    unique = len(set(repeats))
    if len(repeats) == 1:  # a one-row chunk is computed as two identical rows
        assert sizes == [2]
    else:
        assert sizes == [max(unique, 2)] if unique < len(repeats) else [unique]


def test_a_lever_outside_the_path_shares_it(estimated, distinct, monkeypatch) -> None:
    """Rows differing only in levers the path does not read (talks, aid policy) are one row
    for the path; rows differing in a floor are two."""
    sizes = _solved_rows(monkeypatch)
    base = distinct.iloc[[0]]
    rows = base.loc[base.index.repeat(3)].reset_index(drop=True)
    rows = rows.assign(talks_format=["us_russia", "inclusive", "us_russia"])
    rows.loc[2, "defence_floor_pct"] = 5.0 if rows.loc[0, "defence_floor_pct"] != 5.0 else 2.0
    targets = engine.prepare_inputs(estimated, rows).europe_defence_target
    assert sizes == [2]
    assert targets[0] == targets[1] != targets[2]
