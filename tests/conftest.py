"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Figures are drawn off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests draw the same examples on every run ("ci", the default), so that a CI run
# can be reproduced and never fails by the luck of the draw. `HYPOTHESIS_PROFILE=explore`
# draws fresh random examples on each run: use it (repeatedly) when changing a model.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test under each YAML event parser accord's reader can use (issue 21): libyaml's
    (the default when PyYAML is built with it) and PyYAML's own (the fallback without it)."""
    import yaml

    from accord.scenario import yamlsafe

    if request.param == "pure-python":
        monkeypatch.setattr(yamlsafe, "_EVENT_LOADER", yaml.SafeLoader)
    else:
        assert yamlsafe._EVENT_LOADER is yaml.CSafeLoader
    return str(request.param)
