"""Calibrating a scenario's engine to the record of wars (``accord.calibrate``)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from accord.workflows.forecast import check_count
from accord.workflows.seeds import check_seed

if TYPE_CHECKING:
    from accord.scenario.schema import Scenario


def calibrate(
    scenario: str | os.PathLike[str] | Scenario,
    out: str | os.PathLike[str],
    *,
    variant: str = "baseline",
    points: int = 48,
    replicates: int = 150,
    waves: int = 2,
    seed: int = 20250301,
    executor: str = "inprocess",
    progress: bool = False,
) -> dict[str, Any]:
    """History-match a scenario's engine to the war record; write ``calibration.json`` in ``out``.

    See :mod:`accord.calibration` for the method and the targets. Returns the calibration
    (``targets`` with ``observed`` and ``simulated``, ``accepted`` sample, ``status``).

    Raises
    ------
    ScenarioError
        Bad scenario, variant, counts, seed or output directory.
    """
    from accord.calibration import calibrate as history_match
    from accord.workflows.scenarios import load
    from accord.workflows.simulate import check_executor

    loaded = load(scenario)
    return history_match(loaded, out_dir=out, variant=variant,
                         points=check_count(points, "points"),
                         replicates=check_count(replicates, "replicates"),
                         waves=check_count(waves, "waves"), seed=check_seed(seed),
                         executor=check_executor(executor, None), progress=progress)
