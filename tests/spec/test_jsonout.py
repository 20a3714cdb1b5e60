"""JSON output is always valid JSON: non-finite numbers become null."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from accord.spec.jsonout import dumps, finite


def strict_loads(text: str):  # type: ignore[no-untyped-def]
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def test_non_finite_numbers_become_null_everywhere() -> None:
    value = {
        "a": math.nan,
        "b": [1.0, math.inf, {"c": -math.inf}],
        "d": (np.float64("nan"),),
        "e": np.float32(2.5),
        "f": np.int64(3),
        "g": "text",
    }
    assert strict_loads(dumps(value)) == {
        "a": None,
        "b": [1.0, None, {"c": None}],
        "d": [None],
        "e": 2.5,
        "f": 3,
        "g": "text",
    }


def test_finite_values_are_unchanged() -> None:
    value = {"x": [0.1, -2.0, 1e300], "y": None, "z": True}
    assert finite(value) == value
    assert strict_loads(dumps(value)) == value
