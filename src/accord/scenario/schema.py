"""The scenario schema: frozen pydantic models.

A scenario is a negotiation (issues, actors, and each actor's position and salience on
each issue) plus optional sections that other parts of accord read (``burden``,
``simulation``). Every judgement carries a ``source``: an article of the corpus with the
sentence it rests on, a dataset row, or "analyst judgement: <reason>".

Uncertain numbers are :class:`~accord.spec.sourced.SourcedNumber` objects: a
fixed ``value``, or a range with a ``uniform`` or ``triangular`` distribution (``value`` is
then the mode; for a uniform range it is optional and defaults to the midpoint).
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
from pydantic import Field, field_validator, model_validator

from accord.scenario.burden import BurdenSpec
from accord.scenario.simulation import SimulationSpec
from accord.spec.base import SpecModel
from accord.spec.limits import MAX_ACTORS, MAX_ISSUES
from accord.spec.sourced import SourcedNumber, triangular_ppf

#: What a capability, position, salience or status quo may be: drawn by :meth:`Scenario.sample`.
SCENARIO_DISTRIBUTIONS = ("constant", "uniform", "triangular")


def _samplable(quantity: SourcedNumber, what: str) -> SourcedNumber:
    if quantity.kind not in SCENARIO_DISTRIBUTIONS:
        raise ValueError(
            f"{what}: a {quantity.kind} distribution is not supported here "
            f"(use one of {', '.join(SCENARIO_DISTRIBUTIONS)})"
        )
    return quantity


class Source(SpecModel):
    """A document a scenario cites (e.g. an article of the corpus)."""

    id: str = Field(min_length=1)
    title: str
    file: str | None = None
    url: str | None = None
    date: dt.date | None = None


class Metadata(SpecModel):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    description: str = ""
    date: dt.date | None = None
    sources: tuple[Source, ...] = ()


class Issue(SpecModel):
    """One negotiated dimension. Positions lie on [scale_min, scale_max] (0-100 by default)."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    low_means: str = Field(description="What the low end of the scale means")
    high_means: str = Field(description="What the high end of the scale means")
    scale_min: float = 0.0
    scale_max: float = 100.0
    unit: str = "points"
    status_quo: SourcedNumber | None = None
    keywords: tuple[str, ...] = Field(
        default=(),
        description="Words (or word stems) by which a sentence speaks to this issue; a quote "
        "cited for a stance on the issue must contain one (accord.scenario.citations)",
    )

    @model_validator(mode="after")
    def _scale(self) -> Issue:
        if self.scale_max <= self.scale_min:
            raise ValueError("'scale_max' must be above 'scale_min'")
        if self.status_quo is not None:
            _samplable(self.status_quo, "status_quo")
            _within(self.status_quo, self.scale_min, self.scale_max, "status_quo")
        return self


class Actor(SpecModel):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    capability: SourcedNumber
    group: str | None = None
    aliases: tuple[str, ...] = Field(
        default=(),
        description="Other names by which the sources refer to the actor (short names, "
        "capitals, leaders, officials); a quote cited for its stance must name one of them "
        "or the actor's name (accord.scenario.citations)",
    )

    @field_validator("capability")
    @classmethod
    def _non_negative(cls, capability: SourcedNumber) -> SourcedNumber:
        _samplable(capability, "capability")
        if min(capability.bounds + (capability.point,)) < 0:
            raise ValueError("capability must be >= 0")
        return capability


class Stance(SpecModel):
    """One actor's position and salience on one issue."""

    actor: str
    issue: str
    position: SourcedNumber
    salience: SourcedNumber

    @field_validator("salience")
    @classmethod
    def _salience_range(cls, salience: SourcedNumber) -> SourcedNumber:
        _samplable(salience, "salience")
        _within(salience, 0.0, 1.0, "salience")
        return salience

    @field_validator("position")
    @classmethod
    def _position_drawable(cls, position: SourcedNumber) -> SourcedNumber:
        return _samplable(position, "position")


class Scenario(SpecModel):
    """A whole scenario, as loaded and checked by :func:`accord.scenario.load_scenario`."""

    scenario: Metadata
    issues: tuple[Issue, ...] = Field(min_length=1, max_length=MAX_ISSUES)
    actors: tuple[Actor, ...] = Field(min_length=2, max_length=MAX_ACTORS)
    stances: tuple[Stance, ...] = ()
    burden: BurdenSpec | None = None
    simulation: SimulationSpec | None = None
    origin: str | None = Field(default=None, exclude=True)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def actor_ids(self) -> list[str]:
        return [actor.id for actor in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        return [issue.id for issue in self.issues]

    def stance_table(self) -> dict[tuple[str, str], Stance]:
        return {(stance.actor, stance.issue): stance for stance in self.stances}

    def status_quo(self) -> np.ndarray | None:
        """Status quo per issue ``[K]``, or None if any issue lacks one."""
        status_quo = [issue.status_quo for issue in self.issues]
        if any(quantity is None for quantity in status_quo):
            return None
        return np.array([quantity.point for quantity in status_quo if quantity is not None])

    def scale(self) -> tuple[np.ndarray, np.ndarray]:
        """Scale ends per issue ``([K], [K])``."""
        return (
            np.array([issue.scale_min for issue in self.issues]),
            np.array([issue.scale_max for issue in self.issues]),
        )

    def _quantities(self) -> tuple[list[SourcedNumber], list[SourcedNumber], list[SourcedNumber]]:
        table = self.stance_table()
        pairs = [(a.id, i.id) for a in self.actors for i in self.issues]
        capability = [actor.capability for actor in self.actors]
        return (
            capability,
            [table[pair].position for pair in pairs],
            [table[pair].salience for pair in pairs],
        )

    def point(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Central values: capability ``[1, N]``, position and salience ``[1, N, K]``."""
        return self._draw(1, None)

    def sample(
        self, draws: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draw ``draws`` joint samples of capability, position and salience.

        Every uncertain quantity is drawn independently from its range (one uniform per
        quantity and draw, turned into the distribution by its inverse CDF).
        """
        if draws < 1:
            raise ValueError("draws must be >= 1")
        return self._draw(draws, rng)

    @property
    def n_quantities(self) -> int:
        """How many quantities a draw has (capabilities, positions, saliences): ``Q``."""
        return sum(len(group) for group in self._quantities())

    def sample_uniforms(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Joint samples from uniforms ``u[draws, Q]`` on [0, 1): row ``i`` gives draw ``i``.

        Columns: the capabilities, then positions and saliences (actor-major), each turned
        into its distribution by its inverse CDF; with one stream per row, draw ``i`` depends
        only on its own row (``accord.workflows.forecast_draws``).
        """
        n, k = len(self.actors), len(self.issues)
        groups = self._quantities()
        u = np.asarray(u, dtype=float)
        if u.ndim != 2 or u.shape[1] != sum(len(group) for group in groups) or len(u) < 1:
            raise ValueError(f"uniforms must have shape (draws >= 1, {self.n_quantities})")
        arrays, start = [], 0
        for quantities, shape in zip(groups, ((n,), (n, k), (n, k)), strict=True):
            part = u[:, start : start + len(quantities)]
            start += len(quantities)
            arrays.append(_from_uniforms(quantities, part).reshape((len(u),) + shape))
        return arrays[0], arrays[1], arrays[2]

    def _draw(
        self, draws: int, rng: np.random.Generator | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, k = len(self.actors), len(self.issues)
        capability, position, salience = self._quantities()
        arrays = []
        for quantities, shape in ((capability, (n,)), (position, (n, k)), (salience, (n, k))):
            arrays.append(_draw_quantities(quantities, draws, rng).reshape((draws,) + shape))
        return arrays[0], arrays[1], arrays[2]

    def hash(self) -> str:
        """A digest of the resolved scenario: same content, same hash."""
        import hashlib

        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _draw_quantities(
    quantities: list[SourcedNumber], draws: int, rng: np.random.Generator | None
) -> np.ndarray:
    """``[draws, len(quantities)]`` samples; central values when ``rng`` is None."""
    point = np.array([q.point for q in quantities])
    if rng is None:
        return np.broadcast_to(point, (draws, len(quantities))).copy()
    return _from_uniforms(quantities, rng.random((draws, len(quantities))))


def _from_uniforms(quantities: list[SourcedNumber], u: np.ndarray) -> np.ndarray:
    """Uniforms ``u[draws, len(quantities)]`` through each quantity's inverse CDF."""
    point = np.array([q.point for q in quantities])
    low = np.array([q.bounds[0] for q in quantities])
    high = np.array([q.bounds[1] for q in quantities])
    triangular = np.array([q.kind == "triangular" for q in quantities])
    constant = np.array([q.kind == "constant" for q in quantities])
    uniform_draw = low + u * (high - low)
    triangle_draw = triangular_ppf(u, low, point, high)
    return np.where(constant, point, np.where(triangular, triangle_draw, uniform_draw))


def _within(quantity: SourcedNumber, lo: float, hi: float, what: str) -> None:
    for bound in (quantity.point,) + quantity.bounds:
        if not lo <= bound <= hi and not math.isclose(bound, lo) and not math.isclose(bound, hi):
            raise ValueError(f"{what} {bound} is outside [{lo:g}, {hi:g}]")
