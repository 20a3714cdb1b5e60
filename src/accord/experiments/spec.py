"""Specifications of an experiment: uncertainties, levers and what a simulation returns.

An *uncertainty* is a quantity nobody controls and nobody knows, given as a range with a
distribution and a source; a *lever* is a policy choice with a finite set of options. Both
are frozen pydantic models, so a specification cannot change once written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, model_validator

from accord.spec.base import SpecModel
from accord.spec.sourced import Distribution, SourcedNumber

if TYPE_CHECKING:  # a scenario's levers need no pandas (issue 21: small commands)
    import pandas as pd


class Uncertainty(SourcedNumber):
    """An uncertain input, sampled by a design: a named :class:`~accord.spec.sourced.SourcedNumber`.

    Parameters
    ----------
    name
        Column name in the design table.
    distribution
        How the unit-interval sample is mapped to a value (inverse CDF):

        - ``uniform``: uniform on ``[low, high]``.
        - ``triangular``: triangular on ``[low, high]`` with peak at ``mode``
          (default: the midpoint).
        - ``normal``: normal with mean ``mode`` (default: the midpoint) and standard
          deviation ``(high - low) / 4``, truncated to ``[low, high]``; with the default
          mean, ``[low, high]`` is the central +-2 sd range (about 95 %) before truncation.
        - ``lognormal``: ``log(value)`` is normal with mean ``log(mode)`` (default: the
          geometric midpoint ``sqrt(low * high)``; ``mode`` is thus the *median*) and standard
          deviation ``(log(high) - log(low)) / 4``, truncated to ``[low, high]``; requires
          ``low > 0``.
        - ``constant``: pinned at ``value`` (write ``constant: 0.3``); the design still
          draws its column, so pinning one parameter leaves the others' draws unchanged.
        - ``choice``: one of ``values``, each equally likely.

        Without a distribution: uniform over a range (a ``mode`` is then only the central
        value), constant without a range.
    low, high
        Bounds of the range (finite, ``low <= high``); not used for ``choice``.
    mode (or value)
        Peak (triangular), mean (normal), median (lognormal) or the constant; in ``[low, high]``.
    values
        Options of a ``choice`` uncertainty (at least one).
    source
        Where the range comes from: an article, a dataset row, or "analyst judgement: <why>".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    distribution: Distribution | None = None
    values: tuple[Any, ...] | None = None
    source: str = Field(min_length=1)
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _default_distribution(cls, data: Any) -> Any:
        if isinstance(data, dict):
            low: Any = data.get("low")  # raw input: compared below only when both are numbers
            high: Any = data.get("high")
            numbers = all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)
            )
            if numbers and low >= high and data.get("distribution") not in ("constant", "choice"):
                raise ValueError(
                    f"uncertainty '{data.get('name')}': low must be < high, got "
                    f"low={low}, high={high} (pin a number with 'constant')"
                )
        # Without a distribution: uniform over a range, constant without one.
        if isinstance(data, dict) and data.get("distribution") is None:
            data = dict(data)
            ranged = data.get("low") is not None or data.get("high") is not None
            data["distribution"] = "uniform" if ranged else None
        return data

    @model_validator(mode="after")
    def _check(self) -> Uncertainty:
        if self.distribution != "choice":
            if self.values is not None:
                raise ValueError(f"uncertainty '{self.name}': 'values' is only for a choice")
            if self.distribution != "constant" and self.low == self.high:
                raise ValueError(
                    f"uncertainty '{self.name}': low must be < high, got low={self.low}, "
                    f"high={self.high} (pin a number with 'constant')"
                )
        return self


class Lever(SpecModel):
    """A policy choice with a finite set of options.

    Parameters
    ----------
    name
        Column name in the design table.
    options
        The options (numbers, strings or booleans), distinct, at least one.
    default
        The option used when levers are not crossed (must be one of ``options``).
    source
        Where the options come from (the article or judgement that puts them on the table).
    description
        What the lever means, in one sentence.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    options: tuple[Any, ...] = Field(min_length=1)
    default: Any = None
    source: str = Field(min_length=1)
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> Lever:
        if len(set(map(repr, self.options))) != len(self.options):
            raise ValueError(f"lever '{self.name}': options must be distinct, got {self.options}")
        for option in self.options:
            if isinstance(option, float) and not math.isfinite(option):
                raise ValueError(f"lever '{self.name}': option {option} is not finite")
        if self.default is None:
            object.__setattr__(self, "default", self.options[0])
        elif self.default not in self.options:
            raise ValueError(
                f"lever '{self.name}': default {self.default!r} is not one of {self.options}"
            )
        return self


@dataclass(frozen=True)
class ChunkResult:
    """What ``simulate(design_chunk, seed)`` returns for one chunk of experiments.

    Attributes
    ----------
    scalars
        One row per experiment; the first column is ``experiment``.
    series
        Long table: ``experiment``, ``month``, then one column per series variable.
    """

    scalars: pd.DataFrame
    series: pd.DataFrame
