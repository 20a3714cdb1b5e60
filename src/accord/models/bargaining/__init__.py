"""Bargaining models: where a multi-actor negotiation settles, issue by issue.

Every model shares one interface (see ``base``)::

    model(capability[B, N], position[B, N, K], salience[B, N, K], *,
          status_quo[B, K] | None = None, **options) -> BargainingResult

``MODELS`` maps each model's name to its function. The expected utility model (``eum``) and
KTAB's spatial model of politics (``smp``) are imported on first use, so that this package
imports quickly and a problem in one of them names that model instead of breaking the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from accord.models.bargaining.base import BargainingResult, as_batch, weighted_median
from accord.models.bargaining.compromise import compromise
from accord.models.bargaining.median import median
from accord.models.bargaining.nash import nash
from accord.models.bargaining.scoring import absolute_error, crps, hit_rate

Model = Callable[..., BargainingResult]

MODEL_NAMES: tuple[str, ...] = ("compromise", "median", "nash", "eum", "smp")

# name -> (module, function); the module is imported the first time the model is asked for.
_LOCATIONS: dict[str, tuple[str, str]] = {
    "compromise": ("accord.models.bargaining.compromise", "compromise"),
    "median": ("accord.models.bargaining.median", "median"),
    "nash": ("accord.models.bargaining.nash", "nash"),
    "eum": ("accord.models.bargaining.eum", "eum"),
    "smp": ("accord.models.bargaining.smp", "smp"),
}


def get_model(name: str) -> Model:
    """Return the bargaining model called ``name`` (one of ``MODEL_NAMES``).

    Raises
    ------
    KeyError
        For a name that is not a model; the message lists the known names.
    ImportError
        When the model's module cannot be imported; the original error is chained, never
        hidden.
    """
    if name not in _LOCATIONS:
        known = ", ".join(MODEL_NAMES)
        raise KeyError(f"unknown bargaining model {name!r}; known models: {known}")
    module_name, function_name = _LOCATIONS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(
            f"bargaining model {name!r} could not be imported from {module_name}: {error}"
        ) from error
    return getattr(module, function_name)


class _ModelRegistry(Mapping[str, Model]):
    """Read-only ``name -> function`` mapping that imports each model on first access."""

    def __getitem__(self, name: str) -> Model:
        return get_model(name)

    def __iter__(self) -> Iterator[str]:
        return iter(MODEL_NAMES)

    def __len__(self) -> int:
        return len(MODEL_NAMES)

    def __contains__(self, name: Any) -> bool:
        return name in _LOCATIONS

    def __repr__(self) -> str:
        return f"MODELS({', '.join(MODEL_NAMES)})"


MODELS: Mapping[str, Model] = _ModelRegistry()

__all__ = [
    "MODELS",
    "MODEL_NAMES",
    "BargainingResult",
    "Model",
    "absolute_error",
    "as_batch",
    "compromise",
    "crps",
    "get_model",
    "hit_rate",
    "median",
    "nash",
    "weighted_median",
]
