"""Calibrating a scenario's engine to the record of wars (``accord.calibrate``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from accord.spec.errors import ScenarioError
from accord.workflows.forecast import check_count, check_path
from accord.workflows.seeds import resolve_seed

if TYPE_CHECKING:
    from accord.scenario.schema import Scenario


def calibrate(
    scenario: str | os.PathLike[str] | Scenario,
    out: str | os.PathLike[str],
    *,
    variant: str = "baseline",
    points: int = 200,
    replicates: int = 150,
    waves: int = 2,
    seed: int | None = None,
    rng: Any = None,
    executor: str = "inprocess",
    progress: bool = False,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """History-match a scenario's engine to the war record; write ``calibration.json`` in ``out``.

    See :mod:`accord.workflows.history_matching` for the method and the targets. Returns the
    calibration
    (``targets`` with ``observed`` and ``simulated``, ``accepted`` sample, ``status``).

    A calibration whose estimate
    (:func:`accord.simulation.cost.estimate_calibration`) is over the cap of
    :mod:`accord.spec.limits` is refused unless ``force``; ``log(message)`` receives the estimate
    of a long one before it starts.

    ``seed`` (default :data:`~accord.experiments.rng.DEFAULT_SEED`) or ``rng`` (numpy SPEC 7:
    an int, or a ``numpy.random.Generator`` drawing a root seed; not both): each wave's
    points and futures use their own spawn key of it (``calibration_points``,
    ``calibration_futures`` in :data:`~accord.experiments.rng.STREAM_KEYS`).

    Raises
    ------
    ScenarioError
        Bad scenario, variant, counts, seed or output directory, or a job over the cap --
        all checked before anything is written.
    """
    from accord.workflows.history_matching import calibrate as history_match
    from accord.workflows.scenarios import load
    from accord.workflows.simulate import check_executor

    out = check_path(out, "out")
    if not isinstance(variant, str):
        raise ScenarioError(
            None,
            "wrong type",
            field="variant",
            expected="a variant name",
            found=type(variant).__name__,
        )
    points = check_count(points, "points")
    replicates = check_count(replicates, "replicates")
    waves = check_count(waves, "waves")
    seed = resolve_seed(seed, rng)
    executor = check_executor(executor, None)
    loaded = load(scenario)
    estimate_calibration_or_refuse(loaded, variant, points, replicates, waves, force, log)
    return history_match(
        loaded,
        out_dir=out,
        variant=variant,
        points=points,
        replicates=replicates,
        waves=waves,
        seed=seed,
        executor=executor,
        progress=progress,
    )


def estimate_calibration_or_refuse(
    loaded: Scenario,
    variant: str,
    points: int,
    replicates: int,
    waves: int,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> None:
    """Refuse a calibration over the cap of :mod:`accord.spec.limits` unless ``force`` (the
    mechanism of ``run`` and ``forecast``); give a long one's estimate to ``log``."""
    from accord.simulation.cost import estimate_calibration
    from accord.spec.limits import ANNOUNCE_SECONDS

    spec = loaded.simulation
    if spec is None or variant not in spec.variants:
        return  # the calibration itself names what is wrong
    cost = estimate_calibration(spec, variant, points, replicates, waves)
    cost.check(force=force, field="replicates")
    if log is not None and cost.seconds > ANNOUNCE_SECONDS:
        log(cost.text())
