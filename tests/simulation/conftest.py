"""Shared fixtures of the simulation tests: the shipped scenario, compiled once per session."""

from __future__ import annotations

import pytest

from accord.scenario import load_scenario
from accord.simulation import compile_spec


@pytest.fixture(scope="session")
def flagship():
    return load_scenario("ukraine-2025")


@pytest.fixture(scope="session")
def spec(flagship):
    return flagship.simulation


@pytest.fixture(scope="session")
def compiled(flagship, spec):
    return compile_spec(spec, flagship, seed=7)
