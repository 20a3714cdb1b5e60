"""The scenario's ``burden:`` section and the burden-sharing runs it drives.

``BurdenSpec`` (frozen pydantic) holds the base year, the uncertain publicness theta, the
measurement noise, the spending targets, the list of frontline allies, and the levers
(US spending cut, US spill-in cut, threat rise for all / for the frontline, a spending
floor, an ally leaving, US aid stopping) with their defaults; every number carries a
``source``. The runs that use it (``run_equilibrium``, ``run_aid``, ``run_exploitation``)
live in the application layer, :mod:`accord.workflows.burden`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from accord.spec.base import SpecModel
from accord.spec.errors import ScenarioError
from accord.spec.sourced import SourcedNumber


class FractionLever(SpecModel):
    """A lever in [0, 1] (or a relative rise >= 0) with a default and the options to explore."""

    default: float = Field(ge=0)
    options: tuple[float, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class FloorLever(SpecModel):
    default: float | None = Field(default=None, ge=0, le=100)
    options: tuple[float, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class LeaveLever(SpecModel):
    default: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class AllyList(SpecModel):
    allies: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=3)

    @field_validator("allies")
    @classmethod
    def _distinct(cls, allies: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for name in allies:
            if name in seen:
                raise ValueError(f"ally {name!r} is listed twice")
            seen.add(name)
        return allies


class Targets(SpecModel):
    values: tuple[float, ...] = Field(min_length=1)
    source: str = Field(min_length=3)


class Levers(SpecModel):
    us_cut: FractionLever
    us_spill_in_cut: FractionLever
    threat_all: FractionLever
    threat_frontline: FractionLever
    floor_pct_gdp: FloorLever
    leave: LeaveLever

    @model_validator(mode="after")
    def _fractions(self) -> Levers:
        for name in ("us_cut", "us_spill_in_cut"):
            lever = getattr(self, name)
            if not all(0 <= v <= 1 for v in (lever.default, *lever.options)):
                raise ValueError(f"{name}: a fraction must lie in [0, 1]")
        return self


class AidSpec(SpecModel):
    """The aid-to-Ukraine game among donors (Kiel allocations)."""

    measure: Literal["total", "military"] = "total"
    donor_groups: tuple[Literal["US", "Europe", "Other"], ...] = ("US", "Europe", "Other")
    theta: SourcedNumber
    noise_sd: SourcedNumber
    us_aid_stop: FractionLever


class BurdenSpec(SpecModel):
    """The ``burden:`` section of a scenario (see docs/models/burden.md)."""

    base_year: int = Field(ge=2014, le=2024)
    base_year_source: str = Field(min_length=3)
    measure: Literal["const2015", "current"] = "const2015"
    theta: SourcedNumber
    spending_noise_sd: SourcedNumber
    draws: int = Field(default=2000, ge=1, le=1_000_000)
    targets_pct_gdp: Targets
    frontline: AllyList
    levers: Levers
    aid: AidSpec

    @model_validator(mode="after")
    def _theta_in_unit(self) -> BurdenSpec:
        for name, r in (("theta", self.theta), ("aid.theta", self.aid.theta)):
            if not 0 <= r.bounds[0] <= r.bounds[1] <= 1:
                raise ValueError(f"{name} must lie in [0, 1]")
        return self


def default_spec_path() -> Path:
    """The shipped ukraine-2025 burden section."""
    return Path(str(resources.files("accord.scenarios") / "ukraine-2025" / "burden.yaml"))


def load_burden_spec(path: str | Path | None = None) -> BurdenSpec:
    """Read a YAML file holding a ``BurdenSpec``; errors name file, line and field."""
    from accord.scenario.yamlsafe import beside, dotted, line_of, load_yaml

    file = Path(path) if path is not None else default_spec_path()
    data, lines = load_yaml(file)
    if isinstance(data, dict) and isinstance(data.get("burden"), str):
        return load_burden_spec(beside(file, data["burden"], "burden", lines))
    if isinstance(data, dict) and isinstance(data.get("burden"), dict):
        data = data["burden"]
        lines = {k[1:]: v for k, v in lines.items() if k[:1] == ("burden",)}
    try:
        return BurdenSpec.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        found = first.get("input")
        if isinstance(found, dict | list):
            found = None
        raise ScenarioError(
            str(file), message, line=line_of(lines, loc), field=dotted(loc), found=found
        ) from None
