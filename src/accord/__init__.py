"""accord: an exploratory-modelling workbench for the transatlantic security system
around the war in Ukraine (burden-sharing, bargaining, war termination, ceasefire
durability, public support), vectorised over batches of uncertain futures.

The public API (see ``docs/api.md``)::

    import accord
    scenario = accord.load("ukraine-2025")
    forecast = accord.forecast(scenario, models="smp", draws=200, seed=1)
    study = accord.simulate("ukraine-2025", experiments=500, seed=1)
    study.scalars(); study.compare("baseline", "us-exit"); study.report("report.html")
    study = accord.open("runs/ukraine-2025")
    result = accord.burden("equilibrium", us_cut=0.5, draws=200)
    result = accord.fit("durability")
    calibration = accord.calibrate("ukraine-2025", "runs/calibration")

Everything is imported on first use, so ``import accord`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from accord.spec.errors import ScenarioError
from accord.threads import configure_numba_cache
from accord.version import __version__

configure_numba_cache()  # a writable cache for numba's compiled kernels (before numba loads)

# name -> (module, attribute), imported on first access (PEP 562).
_LAZY: dict[str, tuple[str, str]] = {
    "load": ("accord.workflows.scenarios", "load"),
    "forecast": ("accord.workflows.forecast", "forecast"),
    "simulate": ("accord.workflows.simulate", "simulate"),
    "open": ("accord.workflows.study", "open_study"),
    "burden": ("accord.workflows.burden", "burden"),
    "fit": ("accord.workflows.fit", "fit"),
    "calibrate": ("accord.workflows.calibrate", "calibrate"),
    "runs": ("accord.workflows.study", "list_runs"),
    "ask": ("accord.workflows.questions", "ask"),
    "score": ("accord.workflows.questions", "score"),
    "check_seed": ("accord.workflows.seeds", "check_seed"),
    "Study": ("accord.workflows.study", "Study"),
    "Forecast": ("accord.workflows.forecast_draws", "Forecast"),
    "BurdenResult": ("accord.workflows.burden", "BurdenResult"),
    "FitResult": ("accord.fits", "FitResult"),
    "Scenario": ("accord.scenario.schema", "Scenario"),
}

__all__ = ["ScenarioError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    return getattr(module, attribute)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
