"""Fitted models: every estimate accord uses that comes from data, in one shape.

Each fit is a module of this package with a function ``fit(**options) -> FitResult``,
registered by name in :data:`FITS`. ``accord fit NAME`` (and :func:`accord.fit`) runs one and
prints it; every fit prints the same JSON shape::

    {"model": ..., "description": ..., "method": ..., "library": ...,
     "data": {"source": ..., "n": ..., "years": [first, last], ...},
     "estimates": [{"name": ..., "value": ..., "low": ..., "high": ..., "unit": ...}, ...],
     "statistics": {...}, "notes": [...]}

``low`` and ``high`` bound the interval named in ``interval`` (a 95 % confidence or credible
interval unless the fit says otherwise). A fit names its data (the shipped file it reads) and
is tested out of sample in ``tests/validation/``.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import asdict, dataclass, field
from typing import Any

from accord.spec.errors import ScenarioError
from accord.spec.jsonout import finite

#: name -> "module:function". Modules are imported only when their fit runs (they import
#: statsmodels or scipy.stats, which are slow to import).
FITS: dict[str, str] = {
    "durability": "accord.fits.durability:fit",
    "burden-demand": "accord.fits.burden_demand:fit",
    "escalation": "accord.fits.escalation:fit",
    "opinion": "accord.fits.opinion:fit",
    "war-duration": "accord.fits.war_duration:fit",
}


@dataclass(frozen=True)
class Estimate:
    """One fitted number with its interval."""

    name: str
    value: float
    low: float | None = None
    high: float | None = None
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class DataSample:
    """What a fit was estimated on."""

    source: str
    n: int
    years: tuple[int, int] | None = None
    description: str = ""


@dataclass(frozen=True)
class FitResult:
    """A fitted model: its estimates with intervals, its sample and its fit statistics."""

    model: str
    description: str
    method: str
    library: str
    data: DataSample
    estimates: tuple[Estimate, ...]
    interval: str = "95 % confidence interval"
    statistics: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    samples: tuple[DataSample, ...] = ()

    def estimate(self, name: str) -> Estimate:
        """The estimate called ``name``."""
        for item in self.estimates:
            if item.name == name:
                return item
        raise KeyError(name)

    def table(self) -> Any:
        """The estimates as a pandas table: name, value, low, high, unit, note."""
        import pandas as pd

        return pd.DataFrame(
            [asdict(item) for item in self.estimates],
            columns=["name", "value", "low", "high", "unit", "note"],
        )

    def _repr_html_(self) -> str:
        from accord.htmlrepr import html_block

        years = f", {self.data.years[0]}-{self.data.years[1]}" if self.data.years else ""
        sample = f"{self.data.source}: n = {self.data.n}{years}"
        return html_block(
            f"Fit {self.model}: {self.description}",
            [(f"{self.method} ({self.interval})", self.table())],
            [sample],
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (non-finite numbers become None, so the JSON is always valid)."""
        return finite(asdict(self))


def register(name: str, target: str) -> None:
    """Register a fit ``name`` implemented by ``"module:function"``."""
    FITS[name] = target


def names() -> tuple[str, ...]:
    """The registered fits, sorted."""
    return tuple(sorted(FITS))


def run_fit(name: str, **options: Any) -> FitResult:
    """Run the fit called ``name`` and return its result."""
    if name not in FITS:
        raise ScenarioError(
            None,
            "unknown fit",
            field="model",
            expected="one of " + ", ".join(names()),
            found=name,
        )
    module_name, function = FITS[name].split(":")
    module = importlib.import_module(module_name)
    target = getattr(module, function)
    _check_options(name, target, options)
    result: FitResult = target(**options)
    return result


def _check_options(name: str, target: Any, options: dict[str, Any]) -> None:
    """Refuse (ScenarioError, one line) an option the fit does not take, or a value whose
    type differs from the option's default (a bool for a bool, a number for a number...)."""
    parameters = inspect.signature(target).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return  # the fit checks its own options
    for key, value in options.items():
        if key not in parameters:
            raise ScenarioError(
                None,
                f"unknown option of fit '{name}'",
                field=key,
                expected="one of " + (", ".join(parameters) or "no options"),
                found=key,
            )
        default = parameters[key].default
        if default is inspect.Parameter.empty or default is None:
            continue
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            ok = ok and (isinstance(default, float) or isinstance(value, int))
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ScenarioError(
                None,
                f"bad option of fit '{name}'",
                field=key,
                expected=type(default).__name__,
                found=value,
            )
