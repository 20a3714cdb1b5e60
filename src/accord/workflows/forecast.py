"""Forecasting a settlement: a scenario through the bargaining models, with uncertainty."""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from accord.spec.errors import ScenarioError
from accord.workflows.seeds import resolve_seed

if TYPE_CHECKING:
    from accord.scenario.schema import Scenario
    from accord.workflows.forecast_draws import Forecast


def model_names(models: str | Iterable[str] | None) -> tuple[str, ...]:
    """The models asked for: ``None`` or ``"all"`` = ``"all"`` (every model that applies to
    the scenario, :func:`accord.workflows.forecast_draws.choose_models`), else names (a list,
    or one string, comma-separated); unknown names raise ScenarioError."""
    from accord.models.bargaining import MODEL_NAMES

    items = [models] if models is None or isinstance(models, str) else list(models)
    names: list[str] = []
    for item in items:
        for name in ("all" if item is None else str(item)).split(","):
            name = name.strip().lower()
            if name == "all":
                names.append(name)  # run_forecast keeps the models that apply
            elif name in MODEL_NAMES:
                names.append(name)
            else:
                raise ScenarioError(
                    None,
                    f"unknown model {name!r}",
                    field="model",
                    expected=f"one of {', '.join(MODEL_NAMES)} or all",
                    found=name,
                )
    return tuple(dict.fromkeys(names))


def check_count(value: object, field: str, *, minimum: int = 1) -> int:
    """``value`` as an int ``>= minimum`` (not a bool), else ScenarioError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ScenarioError(None, f"must be a whole number >= {minimum}", field=field, found=value)
    return int(value)


def check_path(value: object, field: str) -> str | os.PathLike[str]:
    """``value`` if it is a non-empty path (a str or os.PathLike), else ScenarioError: an
    empty name would mean the working directory (``-o ""``)."""
    if not isinstance(value, str | os.PathLike):
        raise ScenarioError(
            None, "wrong type", field=field, expected="a path", found=type(value).__name__
        )
    if not str(os.fspath(value)).strip():
        raise ScenarioError(None, "must not be empty", field=field, expected="a folder name")
    return value


def forecast(
    scenario: str | os.PathLike[str] | Scenario,
    models: str | Iterable[str] | None = None,
    *,
    draws: int = 1,
    seed: int | None = None,
    rng: Any = None,
    rounds: int | None = None,
    stop: bool = True,
    progress: Callable[[str, int], None] | None = None,
    force: bool = False,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> Forecast:
    """Forecast where a negotiation settles, issue by issue, with each bargaining model.

    Parameters
    ----------
    scenario
        A shipped name, a YAML file or directory, a KTAB CSV, or a loaded Scenario.
    models
        ``None``/``"all"`` for every model, or names among compromise, median, nash, eum, smp.
    draws
        Joint draws of the uncertain inputs; 1 = the central scenario only.
    seed, rng
        Seed of the draws, ``0 <= seed < 2**63`` (default :data:`DEFAULT_SEED`); same seed,
        same bits. Or ``rng`` (numpy SPEC 7): an int (the seed) or a ``numpy.random.Generator``
        (a root seed is drawn from it); not both (:func:`accord.workflows.seeds.resolve_seed`).
        Draw ``i`` depends only on ``(seed, i)``: the first k draws of n are a k-draw forecast.
    rounds
        Rounds (EUM) or maximum turns (SMP); the model's default when None.
    stop
        True (default): the EUM stops each issue by its stopping rule, ``rounds`` being a
        maximum; False: it plays exactly ``rounds`` (Scholz et al.'s Table 2 plays 8).
    progress
        Called as ``progress(model, draws_done)`` after each chunk.
    force, log
        A forecast whose estimate (:func:`accord.workflows.forecast_draws.estimate`) is over
        the cap of :mod:`accord.spec.limits` is refused unless ``force``; ``log(message)``
        receives the estimate of a long one before it starts.
    options
        Passed on to :func:`accord.workflows.forecast_draws.run_forecast`.

    Returns
    -------
    Forecast
        With ``.table()`` (pandas), ``.to_dict()`` (JSON-ready) and ``.figure()``.
    """
    from accord.spec.limits import ANNOUNCE_SECONDS
    from accord.workflows.forecast_draws import choose_models, estimate, run_forecast
    from accord.workflows.scenarios import load

    if options:
        raise ScenarioError(
            None,
            "unknown option",
            field=sorted(options)[0],
            expected="models, draws, seed, rng, rounds, stop, progress, force, log",
        )
    seed = resolve_seed(seed, rng)
    draws = check_count(draws, "draws")
    if rounds is not None:
        rounds = check_count(rounds, "rounds")
    if not isinstance(stop, bool):
        raise ScenarioError(
            None, "wrong type", field="stop", expected="True or False", found=type(stop).__name__
        )
    names = model_names(models)
    loaded = load(scenario)
    chosen, _ = choose_models(loaded, names)
    cost = estimate(loaded, chosen, draws, rounds)
    cost.check(force=force, field="draws")
    if log is not None and cost.seconds > ANNOUNCE_SECONDS:
        log(cost.text())
    return run_forecast(
        loaded, names, draws=draws, seed=seed, rounds=rounds, progress=progress, stop=stop
    )
