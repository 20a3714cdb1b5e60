"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Figures are drawn off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    return REPO
