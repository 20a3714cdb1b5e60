"""JSON output that is always valid JSON.

``json.dumps`` writes ``NaN`` and ``Infinity`` for non-finite floats by default, which is not
JSON (a strict parser refuses the document). Every JSON document accord prints goes through
:func:`dumps`: non-finite floats become ``null``, and ``allow_nan=False`` makes any that slip
through an error instead of invalid output.
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (also inside lists and dicts) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        try:
            return finite(value.item())
        except (TypeError, ValueError):
            return value
    return value


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` of ``value`` with non-finite numbers as null; never invalid JSON."""
    return json.dumps(finite(value), allow_nan=False, **options)
