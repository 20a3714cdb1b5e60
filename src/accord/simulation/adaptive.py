"""Adaptive levers: rules with a signpost and a trigger, evaluated month by month.

A scenario declares rules under ``adaptive_rules`` (:class:`accord.scenario.simulation.
AdaptiveRule`) and the optional lever ``adaptive_rule`` picks one per experiment (``none``:
no rule). After each month's step the engine hands the month's series to
:meth:`AdaptiveRules.observe`; a rule *fires* in the first month its signal has been below
(or above) the threshold for ``months`` consecutive months, and from the next month on
:meth:`AdaptiveRules.inputs` scales Europe's planned aid (with and without the US) by the
rule's ``europe_aid_factor``. Observing after the step and acting from the next month is the
signpost's lag: a government sees a month's figures before it decides.

The rule is latched (once fired it stays in force). Experiments whose rule never fires run
exactly as without a rule: the inputs are then the engine's own arrays, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from accord.scenario.simulation import ADAPTIVE_LEVER, AdaptiveRule
from accord.simulation.state import Inputs

EUROPE = 1  # the group column of Europe in the aid arrays (accord.simulation.step)


@dataclass
class AdaptiveRules:
    """The rules of a chunk: per experiment its rule's signal, threshold and factor.

    Attributes
    ----------
    signal : list[str]
        The distinct signals watched (one entry per rule in use).
    which : int [B]
        Index into the rules in use, -1 where the experiment has no rule.
    """

    rules: list[AdaptiveRule]
    which: np.ndarray
    front_start: float
    run: np.ndarray = field(init=False)  # consecutive months the condition has held
    fired_month: np.ndarray = field(init=False)  # month the rule fired, NaN before

    def __post_init__(self) -> None:
        self.run = np.zeros(self.which.shape[0], dtype=np.int64)
        self.fired_month = np.full(self.which.shape[0], np.nan)

    @classmethod
    def from_design(
        cls, rules: dict[str, AdaptiveRule], design: pd.DataFrame, default: Any, front_start: float
    ) -> AdaptiveRules | None:
        """The rules the design's ``adaptive_rule`` column picks (``None`` when none is)."""
        if ADAPTIVE_LEVER in design.columns:
            chosen = design[ADAPTIVE_LEVER].astype(str).to_numpy()
        else:
            chosen = np.full(len(design), str(default if default is not None else "none"))
        names = sorted({c for c in chosen if c != "none"})
        if not names:
            return None
        unknown = [n for n in names if n not in rules]
        if unknown:
            from accord.spec.errors import ScenarioError

            raise ScenarioError(
                "design",
                f"unknown option of lever '{ADAPTIVE_LEVER}'",
                expected=", ".join(["none", *sorted(rules)]),
                found=unknown[0],
            )
        which = np.array([names.index(c) if c != "none" else -1 for c in chosen], dtype=np.int64)
        return cls([rules[n] for n in names], which, float(front_start))

    def signal(self, rule: AdaptiveRule, values: dict[str, np.ndarray]) -> np.ndarray:
        """``[B]`` the rule's signal this month from the step's series."""
        if rule.signal == "front_change":
            return np.asarray(values["front"], dtype=float) - self.front_start
        return np.asarray(values[rule.signal], dtype=float)

    def observe(self, values: dict[str, np.ndarray], month: int) -> None:
        """Update the consecutive-month counts with ``month``'s series; fire the rules due."""
        holds = np.zeros(self.which.shape[0], dtype=bool)
        need = np.ones(self.which.shape[0], dtype=np.int64)
        for k, rule in enumerate(self.rules):
            mine = self.which == k
            if not mine.any():
                continue
            signal = self.signal(rule, values)
            met = signal < rule.threshold if rule.when == "below" else signal > rule.threshold
            holds |= mine & met
            need[mine] = rule.months
        self.run = np.where(holds, self.run + 1, 0)
        due = np.isnan(self.fired_month) & (self.which >= 0) & (self.run >= need)
        self.fired_month = np.where(due, float(month), self.fired_month)

    def factor(self) -> np.ndarray:
        """``[B]`` the factor on Europe's planned aid now (1 where no rule has fired)."""
        factors = np.array([rule.europe_aid_factor for rule in self.rules] + [1.0])
        fired = ~np.isnan(self.fired_month)
        return np.where(fired, factors[self.which], 1.0)

    def inputs(self, inputs: Inputs) -> Inputs:
        """The month's inputs: Europe's planned aid scaled where a rule is in force."""
        fired = ~np.isnan(self.fired_month)
        if not fired.any():
            return inputs
        scale = np.ones_like(inputs.aid_with_us)
        scale[:, EUROPE] = self.factor()
        return replace(
            inputs,
            aid_with_us=inputs.aid_with_us * scale,
            aid_without_us=inputs.aid_without_us * scale,
        )
