"""The one type for "a sourced, uncertain number": :class:`SourcedNumber`.

Every number a scenario gives -- an actor's capability, a position, a figure of the coupled
engine, a parameter of the burden game, an uncertainty of the experiments -- is a
``SourcedNumber``: a central ``value``, an optional plausible range ``[low, high]``, how it is
distributed over that range when it is drawn, where it comes from (``source``: an article, a
dataset row, or "analyst judgement: <reason>") and its ``unit``.

Forms (YAML)::

    {value: 3.2, source: ...}                          # constant
    {constant: 3.2, source: ...}                       # the same, said explicitly (pins it)
    {low: 1, high: 5, source: ...}                     # uniform, value = midpoint
    {value: 2, low: 1, high: 5, source: ...}           # triangular with mode 2
    {low: 1, high: 5, distribution: normal, ...}       # also lognormal (value = median)

After validation ``distribution`` and ``value`` are always filled in (``value`` is the mode of
a triangular, the mean of a normal, the median of a lognormal, the midpoint of a uniform), so
``.value`` is always the central value. Every section uses this name (the older aliases
``Quantity``, ``Figure``, ``Sourced`` and ``SourcedRange`` are gone);
:class:`accord.experiments.spec.Uncertainty` is a ``SourcedNumber`` with a name.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from accord.spec.base import SpecModel

Distribution = Literal["constant", "uniform", "triangular", "normal", "lognormal", "choice"]
#: The distributions of a number (``choice`` is for named uncertainties with ``values``).
NUMERIC = ("constant", "uniform", "triangular", "normal", "lognormal")


class SourcedNumber(SpecModel):
    """A number with its source: a central value, a plausible range and a distribution
    (strict numbers and safe text, as every spec: :class:`accord.spec.base.SpecModel`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    value: float | None = None
    low: float | None = None
    high: float | None = None
    distribution: Distribution | None = None
    source: str = Field(min_length=3)
    unit: str = ""

    @model_validator(mode="before")
    @classmethod
    def _spellings(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "mode" in data:  # the experiments' word for the central value
            mode = data.pop("mode")
            if data.get("value") is not None and mode is not None and data["value"] != mode:
                raise ValueError("give 'value' or 'mode', not both")
            data["value"] = data.get("value") if mode is None else mode
        if "constant" in data:
            if data.get("value") is not None:
                raise ValueError("give 'constant' or 'value', not both")
            data["value"] = data.pop("constant")
            data.setdefault("distribution", "constant")
        if data.get("distribution") == "fixed":  # the scenario's older word
            data["distribution"] = "constant"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> SourcedNumber:
        kind = self.distribution
        if kind == "choice":
            if not getattr(self, "values", None):
                raise ValueError("a choice needs a non-empty 'values'")
            if self.low is not None or self.high is not None or self.value is not None:
                raise ValueError("a choice takes 'values', not 'value', 'low' or 'high'")
            return self
        has_range = self.low is not None or self.high is not None
        if has_range and (self.low is None or self.high is None):
            raise ValueError("give both 'low' and 'high' for a range")
        for label, number in (("value", self.value), ("low", self.low), ("high", self.high)):
            if number is not None and not math.isfinite(number):
                raise ValueError(f"'{label}' must be finite, got {number}")
        if not has_range:
            if self.value is None:
                raise ValueError("give 'value', or 'low' and 'high'")
            if kind not in (None, "constant"):
                raise ValueError(f"a {kind} distribution needs 'low' and 'high'")
            self._fill("constant", self.value)
            return self
        assert self.low is not None and self.high is not None
        if self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is above 'high' ({self.high})")
        if self.value is not None and not self.low <= self.value <= self.high:
            raise ValueError(f"'value' {self.value} lies outside [{self.low}, {self.high}]")
        if kind == "lognormal" and self.low <= 0:
            raise ValueError(f"lognormal needs low > 0, got {self.low}")
        if kind is None:
            kind = "triangular" if self.value is not None else "uniform"
        if kind == "constant":
            if self.value is None:
                raise ValueError("a constant needs its 'value'")
        elif self.value is None:
            middle = (
                math.sqrt(self.low * self.high)
                if kind == "lognormal"
                else 0.5 * (self.low + self.high)
            )
            self._fill(kind, middle)
            return self
        self._fill(kind, self.value)
        return self

    def _fill(self, kind: str, value: float) -> None:
        object.__setattr__(self, "distribution", kind)
        object.__setattr__(self, "value", float(value))

    @property
    def kind(self) -> str:
        """The distribution (``constant`` for a number without a range)."""
        return str(self.distribution)

    @property
    def point(self) -> float:
        """The central value (the constant, the mode, the mean, the median or the midpoint)."""
        assert self.value is not None, "a choice has no central number"
        return self.value

    @property
    def mode(self) -> float | None:
        """The central value under the experiments' name for it."""
        return self.value

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``, or ``(value, value)`` for a number without a range."""
        if self.low is None or self.high is None:
            return (self.point, self.point)
        return (self.low, self.high)

    @property
    def is_constant(self) -> bool:
        """True for a number that is not drawn (no range, or pinned with ``constant``)."""
        return self.distribution == "constant"


def triangular_ppf(unit: Any, low: Any, mode: Any, high: Any) -> np.ndarray:
    """The inverse CDF of the triangular distribution on ``[low, high]`` with mode ``mode``
    (arrays broadcast; the one triangular inverse CDF, used by the designs,
    :func:`accord.experiments.design.inverse_cdf`, and by
    :meth:`accord.scenario.schema.Scenario.sample`). A range of width 0 gives ``low``.

    With ``c = (mode - low) / (high - low)``: ``x = sqrt(c u)`` below ``u = c``, else
    ``1 - sqrt((1 - c)(1 - u))``, and the value is ``low + (high - low) x`` (as
    ``scipy.stats.triang.ppf``)."""
    unit = np.asarray(unit, dtype=np.float64)
    low, mode, high = (np.asarray(v, dtype=np.float64) for v in (low, mode, high))
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(width > 0, (mode - low) / np.where(width > 0, width, 1.0), 0.0)
        x = np.where(unit < c, np.sqrt(c * unit), 1.0 - np.sqrt((1.0 - c) * (1.0 - unit)))
    return np.asarray(x * width + low)
