"""Settlement forecasts: run bargaining models on a scenario, with uncertainty.

This is the library behind ``accord forecast``: it samples the scenario's uncertain
positions, saliences and capabilities, runs each requested model on the whole batch of
draws at once (in chunks, for a progress bar), and summarises the forecast distribution
per model and issue. For round-based models (EUM, SMP) it also keeps the trajectory of
the *central* scenario (every quantity at its central value): the rounds, each with the
weighted median and the capability-and-salience weighted mean of the actors' positions,
and every actor's position. The central trajectory is reported rather than one random
draw's because it is reproducible and is what an analyst reads as "the" story.

The EUM stops each issue at its own round (``accord.models.bargaining.eum``, stopping rule
``no_gain``); ``rounds`` is then a maximum (``stop=False`` plays exactly ``rounds``). Each
issue reports the forecast at its stopping round, why it stopped, and the spread (lowest and
highest weighted median) of the forecast over rounds 1 to the stopping round, so that a
reader sees how much the number depends on when bargaining ends.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.models.bargaining import MODEL_NAMES
from accord.models.bargaining.base import BargainingResult, weighted_median
from accord.scenario.schema import Scenario
from accord.spec.limits import Estimate

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ROUND_MODELS = ("eum", "smp")
#: Every bargaining model (the one list lives in accord.models.bargaining).
DEFAULT_MODELS = MODEL_NAMES
CHUNK = 1000
#: Requested as a model name, "all" means every model of DEFAULT_MODELS that applies.
ALL = "all"

# Seconds per draw and unit of work, calibrated on the project's 2-core machine (one core
# busy; docs/scenario-format.md, "Limits"): EUM costs ~N^2 K per round; SMP ~N^4 K per turn
# (every pair of actors bargains and every actor judges each proposal against the others:
# measured 0.06 s per draw at N=60, K=3; 0.7 s at N=120, K=3; 21 s at N=300, K=1, 69 turns).
_SECONDS_EUM = 2e-7
_SECONDS_SMP = 4e-11
_SMP_TYPICAL_TURNS = 60
_SECONDS_STATIC = 2e-8


def why_not(scenario: Scenario, model: str) -> str | None:
    """Why ``model`` does not apply to ``scenario``, or None when it does.

    * nash needs the disagreement point: a status quo on every issue.
    * smp works on KTAB's 0-100 scale: every issue's scale must lie within [0, 100].
    """
    if model == "nash":
        missing = [issue.id for issue in scenario.issues if issue.status_quo is None]
        if missing:
            return (
                f"needs a status quo on every issue (the disagreement point); "
                f"issue '{missing[0]}' has none"
            )
    if model == "smp":
        outside = [i.id for i in scenario.issues if i.scale_min < 0 or i.scale_max > 100]
        if outside:
            return f"works on KTAB's 0-100 scale; issue '{outside[0]}' has a scale beyond it"
    return None


def choose_models(
    scenario: Scenario, requested: Sequence[str]
) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    """The models to run and the ones skipped (``[{model, reason}]``).

    ``"all"`` stands for every model of :data:`DEFAULT_MODELS` that applies to the scenario;
    the others are skipped with the reason. A model named explicitly that does not apply is
    an error (ScenarioError naming the model and the reason).
    """
    from accord.spec.errors import ScenarioError

    chosen: list[str] = []
    skipped: list[dict[str, str]] = []
    for name in requested:
        if name == ALL:
            for model in DEFAULT_MODELS:
                reason = why_not(scenario, model)
                if reason is None:
                    chosen.append(model)
                elif model not in [s["model"] for s in skipped]:
                    skipped.append({"model": model, "reason": reason})
            continue
        if name not in DEFAULT_MODELS:
            raise ScenarioError(
                None,
                "unknown model",
                field="model",
                expected=", ".join(DEFAULT_MODELS + (ALL,)),
                found=name,
            )
        reason = why_not(scenario, name)
        if reason is not None:
            raise ScenarioError(
                scenario.origin,
                f"model '{name}' does not apply: {reason}",
                field="model",
                expected="a model that applies, or all",
            )
        chosen.append(name)
    chosen = list(dict.fromkeys(chosen))
    skipped = [s for s in skipped if s["model"] not in chosen]
    return tuple(chosen), tuple(skipped)


def estimate(
    scenario: Scenario, models: Sequence[str], draws: int, rounds: int | None = None
) -> Estimate:
    """Rough time and peak memory of a forecast (see :mod:`accord.spec.limits`)."""
    n, k = len(scenario.actors), len(scenario.issues)
    runs = draws + 1  # the central scenario is run once more
    batch = min(draws, CHUNK)
    seconds = 0.0
    peak = 0.0
    for model in models:
        if model == "eum":
            seconds += _SECONDS_EUM * runs * n * n * k * min(rounds or 100, 30)
            peak = max(peak, 8.0 * 8 * batch * n * n * k)
        elif model == "smp":
            turns = min(rounds or _SMP_TYPICAL_TURNS, _SMP_TYPICAL_TURNS)
            seconds += _SECONDS_SMP * runs * n**4 * k * turns
            peak = max(peak, 8.0 * batch * ((rounds or 100) + 1) * n * k)
        else:
            seconds += _SECONDS_STATIC * runs * n * k
    # Sampled inputs (capability, position, salience and their temporaries) and the draws'
    # forecasts of every model.
    inputs = 8.0 * draws * n * (2 * k + 1) * 3 + 8.0 * draws * k * len(models)
    return Estimate(
        f"forecast of {draws} draws x {n} actors x {k} issues, models {', '.join(models)}",
        seconds,
        inputs + peak,
    )


@dataclass(frozen=True)
class ModelForecast:
    """One model's forecast on a scenario.

    ``draws[B, K]`` holds the forecast of every draw (B = 1 without uncertainty);
    ``central[K]`` the forecast of the central scenario; for round-based models
    ``history[R + 1, N, K]``, ``median[R + 1, K]`` and ``mean[R + 1, K]`` describe the
    central scenario's rounds and ``rounds_run`` how many rounds it took. Models with a
    stopping rule (EUM) add, per issue of the central scenario, ``stopping_round[K]``,
    ``stopped_because[K]`` and ``cycle_length[K]``, and ``draws_stopped[K]``, the share of
    draws that stopped before the maximum number of rounds.
    """

    model: str
    draws: np.ndarray
    central: np.ndarray
    history: np.ndarray | None = None
    median: np.ndarray | None = None
    mean: np.ndarray | None = None
    rounds_run: int | None = None
    stopping_round: np.ndarray | None = None
    stopped_because: tuple[str, ...] | None = None
    cycle_length: np.ndarray | None = None
    draws_stopped: np.ndarray | None = None

    def spread_over_rounds(self, k: int) -> tuple[float, float] | None:
        """Lowest and highest forecast (weighted median) of issue ``k`` over rounds 1 to its
        stopping round (round 0 when none was played); None for static models."""
        if self.median is None:
            return None
        last = self.rounds_run if self.stopping_round is None else int(self.stopping_round[k])
        assert last is not None
        values = self.median[min(1, last) : last + 1, k]
        return float(values.min()), float(values.max())


@dataclass(frozen=True, repr=False)
class Forecast:
    scenario: Scenario
    n_draws: int
    seed: int | None
    models: dict[str, ModelForecast] = field(default_factory=dict)
    #: Models that ``all`` left out because they do not apply: ``{model, reason}`` each.
    skipped: tuple[dict[str, str], ...] = ()

    def __repr__(self) -> str:
        """One line: scenario, issues, models, draws (never the whole scenario)."""
        k = len(self.scenario.issues)
        draws = f"{self.n_draws} draw{'s' if self.n_draws != 1 else ''}"
        seed = f", seed {self.seed}" if self.n_draws > 1 and self.seed is not None else ""
        return (
            f"Forecast({self.scenario.name}: {k} issue{'s' if k != 1 else ''}, "
            f"models {', '.join(self.models) or 'none'}; {draws}{seed})"
        )

    def _repr_html_(self) -> str:
        from accord.htmlrepr import html_block

        frame = self.table()
        if not frame.empty:
            frame = frame.dropna(axis=1, how="all")
            if self.n_draws == 1:  # one draw: the quantiles all equal the central value
                frame = frame.drop(columns=["median", "p5", "p95", "mean"], errors="ignore")
        notes = [f"skipped {s['model']}: {s['reason']}" for s in self.skipped]
        return html_block(
            f"{self.scenario.scenario.title}: settlement forecast", [(repr(self), frame)], notes
        )

    def quantiles(self, model: str, q: Sequence[float] = (0.05, 0.5, 0.95)) -> np.ndarray:
        """Quantiles of the forecast over draws, ``[len(q), K]``."""
        draws = self.models[model].draws
        one = draws.shape[0] == 1 and draws.dtype == np.float64 and np.ndim(q) == 1
        if one and np.isfinite(draws).all():
            # One draw: every quantile is that draw (as np.quantile gives it, bit for bit:
            # tests/workflows), without np.quantile, whose np.unique imports numpy.ma
            # (about 0.008 s of a static forecast, issue 21).
            return np.repeat(draws, len(q), axis=0)
        return np.asarray(np.quantile(draws, q, axis=0))

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per model and issue (for tables and CSV)."""
        rows = []
        for name, result in self.models.items():
            p5, p50, p95 = self.quantiles(name)
            for k, issue in enumerate(self.scenario.issues):
                rows.append(
                    {
                        "model": name,
                        "issue": issue.id,
                        "central": float(result.central[k]),
                        "median": float(p50[k]),
                        "p5": float(p5[k]),
                        "p95": float(p95[k]),
                        "mean": float(result.draws[:, k].mean()),
                        "draws": self.n_draws,
                        "rounds": result.rounds_run,
                        "stopping_round": None
                        if result.stopping_round is None
                        else int(result.stopping_round[k]),
                        "stopped_because": None
                        if result.stopped_because is None
                        else result.stopped_because[k],
                    }
                )
        return rows

    def table(self) -> pd.DataFrame:
        """The forecast as a pandas table: one row per model and issue (see :meth:`rows`)."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def figure(self) -> Figure:
        """The forecast figure, a ``matplotlib.figure.Figure`` made without pyplot (a
        notebook's backend is left alone); save it with ``accord.safeio.save_figure``."""
        return forecast_figure(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``accord forecast --format json``."""
        actors = self.scenario.actor_ids
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "draws": self.n_draws,
            "seed": self.seed,
            "issues": [
                {
                    "id": i.id,
                    "name": i.name,
                    "low_means": i.low_means,
                    "high_means": i.high_means,
                    "scale": [i.scale_min, i.scale_max],
                }
                for i in self.scenario.issues
            ],
            "models": {},
            "skipped": [dict(s) for s in self.skipped],
        }
        for name, result in self.models.items():
            p5, p50, p95 = self.quantiles(name)
            issues = {}
            for k, issue in enumerate(self.scenario.issues):
                entry: dict[str, Any] = {
                    "forecast": finite_or_none(result.central[k]),
                    "distribution": {
                        "median": finite_or_none(p50[k]),
                        "p5": finite_or_none(p5[k]),
                        "p95": finite_or_none(p95[k]),
                        "mean": finite_or_none(result.draws[:, k].mean()),
                    },
                }
                if result.history is not None:
                    assert result.median is not None and result.mean is not None
                    entry["rounds"] = [
                        {
                            "round": r,
                            "median": finite_or_none(result.median[r, k]),
                            "mean": finite_or_none(result.mean[r, k]),
                            "positions": {
                                a: finite_or_none(result.history[r, n, k])
                                for n, a in enumerate(actors)
                            },
                        }
                        for r in range(result.history.shape[0])
                    ]
                if result.stopping_round is not None:
                    entry.update(_stopping_entry(result, k))
                issues[issue.id] = entry
            out["models"][name] = {"issues": issues}
            if result.rounds_run is not None:
                out["models"][name]["rounds_run"] = result.rounds_run
        return out


def _stopping_entry(result: ModelForecast, k: int) -> dict[str, Any]:
    """The stopping fields of one issue in the JSON document (EUM)."""
    assert result.stopping_round is not None and result.stopped_because is not None
    assert result.cycle_length is not None and result.draws_stopped is not None
    spread = result.spread_over_rounds(k)
    assert spread is not None
    return {
        "stopping_round": int(result.stopping_round[k]),
        "stopped_because": result.stopped_because[k],
        "cycle_length": int(result.cycle_length[k]),
        "spread_over_rounds": {
            "min": spread[0],
            "max": spread[1],
            "rounds": [min(1, int(result.stopping_round[k])), int(result.stopping_round[k])],
        },
        "share_of_draws_stopped": float(result.draws_stopped[k]),
    }


#: What each reason of ``stopped_because`` means, for tables and reports.
STOP_REASONS = {
    "stable": "no position moved",
    "no_gain": "the forecast did not move: no actor gains from another round",
    "cycle": "the positions repeat an earlier round's: the model cycles",
    "max_rounds": "did not stop: the forecast depends on the number of rounds",
}


def finite_or_none(value: Any) -> float | None:
    """A float for JSON: None (null) for NaN or infinity, which JSON cannot hold."""
    number = float(value)
    return number if np.isfinite(number) else None


def model_options(
    scenario: Scenario, model: str, rounds: int | None, stop: bool = True
) -> dict[str, Any]:
    """Keyword options a model takes from the scenario and the user; ``stop=False`` plays
    every one of the EUM's ``rounds`` (its stopping rule off, ``stopping="none"``)."""
    options: dict[str, Any] = {}
    if model == "eum":
        low, high = scenario.scale()
        options["position_range"] = high - low  # utilities are distances over the issue's scale
        if rounds is not None:
            options["rounds"] = rounds
        if not stop:
            options["stopping"] = "none"
    elif model == "smp" and rounds is not None:
        options["max_turns"] = rounds
    return options


def sample_draws(
    scenario: Scenario, draws: int, seed: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The uncertain inputs of ``draws`` draws; draw ``i`` from its own stream of ``seed``.

    Draw ``i``'s uniforms come from ``SeedSequence(seed, spawn_key=(i, FORECAST_DRAW))``
    (:mod:`accord.experiments.rng`), so it depends only on ``(seed, i)``: the first ``k``
    draws of an ``n``-draw forecast are the ``k`` draws of a ``k``-draw one.
    """
    from accord.experiments.rng import DEFAULT_SEED, STREAM_KEYS, check_seed, experiment_uniforms

    root = check_seed(DEFAULT_SEED if seed is None else seed)
    u = experiment_uniforms(
        root, np.arange(draws), (scenario.n_quantities,), stream=STREAM_KEYS["forecast_draw"]
    )
    return scenario.sample_uniforms(u)


#: True plays a one-draw forecast's draw again instead of reusing the central outcome (the
#: reference path, for the equivalence test).
_RERUN_ONE_DRAW = False


def run_forecast(
    scenario: Scenario,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    draws: int = 1,
    seed: int | None = None,
    rounds: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    stop: bool = True,
) -> Forecast:
    """Forecast the settlement of ``scenario`` with each of ``models``.

    Parameters
    ----------
    models : model names, or "all" for every model that applies (:func:`choose_models`;
        the skipped ones are listed in ``Forecast.skipped`` with the reason).
    draws : number of joint draws of the uncertain inputs; 1 means the central scenario only.
    seed : seed of the draws (:func:`sample_draws`; None: the default seed); same seed, same
        bits, and the first k draws of n are a k-draw forecast's.
    rounds : maximum rounds (EUM, which stops each issue by its stopping rule) or maximum
        turns (SMP); the model's default when None.
    progress : called as ``progress(model, n_draws_done)`` after each chunk.
    stop : False turns the EUM's stopping rule off: every issue plays all ``rounds`` (Scholz
        et al.'s fixed-rounds Table 2); the forecast is the last round's and no stopping
        round is reported. Other models ignore it.
    """
    from accord.models.bargaining import get_model

    if draws < 1:
        raise ValueError("draws must be >= 1")
    models, skipped = choose_models(scenario, models)
    central_inputs = scenario.point()
    if draws == 1:
        inputs = central_inputs
    else:
        inputs = sample_draws(scenario, draws, seed)
    status_quo = scenario.status_quo()
    results = {}
    for name in models:
        fn = get_model(name)
        options = model_options(scenario, name, rounds, stop)
        sq = None if status_quo is None else status_quo[None, :]
        central = fn(*central_inputs, status_quo=sq, **options)
        chunks, stopped = [], []
        for start in range(0, draws, CHUNK):
            if draws == 1 and not _RERUN_ONE_DRAW:
                # The one draw is the central scenario, and the models are deterministic
                # functions of their inputs: its outcome is central's, not played again
                # (issue 21; tests/workflows compare it with playing it again).
                outcome = central
            else:
                part = tuple(a[start : start + CHUNK] for a in inputs)
                sq_part = None if sq is None else np.broadcast_to(sq, (len(part[0]), sq.shape[1]))
                outcome = fn(*part, status_quo=sq_part, **options)
            chunks.append(outcome.forecast)
            if outcome.stopped_because is not None and stop:
                stopped.append(outcome.stopped_because != "max_rounds")
            if progress is not None:
                progress(name, min(start + CHUNK, draws))
        share = np.concatenate(stopped).mean(axis=0) if stopped else None
        results[name] = _model_forecast(
            name, central, np.concatenate(chunks), central_inputs, share, stopped=stop
        )
    return Forecast(scenario=scenario, n_draws=draws, seed=seed, models=results, skipped=skipped)


def _model_forecast(
    name: str,
    central: BargainingResult,
    draws: np.ndarray,
    inputs: tuple[np.ndarray, np.ndarray, np.ndarray],
    draws_stopped: np.ndarray | None = None,
    *,
    stopped: bool = True,
) -> ModelForecast:
    if central.history is None:
        return ModelForecast(name, draws, central.forecast[0])
    capability, _, salience = inputs
    history = central.history[0]
    rounds_run = int(central.rounds[0]) if central.rounds is not None else history.shape[0] - 1
    history = history[: rounds_run + 1]
    median, mean = round_statistics(history, capability[0], salience[0])
    stopping: dict[str, Any] = {}
    if central.stopping_round is not None and stopped:  # not with the rule off (stop=False)
        assert central.stopped_because is not None and central.cycle_length is not None
        stopping = {
            "stopping_round": central.stopping_round[0],
            "stopped_because": tuple(str(v) for v in central.stopped_because[0]),
            "cycle_length": central.cycle_length[0],
            "draws_stopped": draws_stopped,
        }
    return ModelForecast(
        name, draws, central.forecast[0], history, median, mean, rounds_run, **stopping
    )


def round_statistics(
    history: np.ndarray, capability: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted median and c*s weighted mean of positions per round, ``[R + 1, K]`` each.

    ``history[R + 1, N, K]``; weights ``capability[N] * salience[N, K]``.
    """
    weight = capability[:, None] * salience
    weights = np.broadcast_to(weight, history.shape)
    median = weighted_median(history, weights, axis=1)
    total = weight.sum(axis=0)
    mean = (history * weight).sum(axis=1) / np.where(total > 0, total, 1.0)
    return median, mean


# ------------------------------------------------------------------------------- figure
# (here, not in a module of its own: a figure module would import Forecast, a cycle)


def forecast_figure(forecast: Forecast) -> Figure:
    """A matplotlib Figure (no pyplot, the backend untouched): one row per issue; left the
    forecast distribution of each model, right (when a round-based model ran) every actor's
    position over rounds."""
    from matplotlib.figure import Figure

    scenario = forecast.scenario
    round_models = [m for m, r in forecast.models.items() if r.history is not None]
    issues = scenario.issues
    columns = 1 + len(round_models)
    fig = Figure(figsize=(6 + 5 * len(round_models), 1.0 + 2.4 * len(issues)))
    axes = fig.subplots(len(issues), columns, squeeze=False)
    names = list(forecast.models)
    for k, issue in enumerate(issues):
        ax = axes[k, 0]
        data = [forecast.models[m].draws[:, k] for m in names]
        if forecast.n_draws > 1:
            ax.boxplot(data, orientation="horizontal", whis=(5, 95), showfliers=False)
        ax.scatter(
            [forecast.models[m].central[k] for m in names],
            range(1, len(names) + 1),
            marker="D",
            color="black",
            zorder=3,
            label="central scenario",
        )
        ax.set_yticks(range(1, len(names) + 1), names)
        ax.set_xlim(issue.scale_min, issue.scale_max)
        ax.set_title(f"{issue.name}", fontsize=10)
        label = (
            f"{issue.scale_min:g} = {issue.low_means}; "
            f"{issue.scale_max:g} = {issue.high_means} ({issue.unit})"
        )
        ax.set_xlabel(textwrap.fill(label, 90), fontsize=7)
        if k == 0:
            ax.legend(fontsize=7, loc="best")
        for j, model in enumerate(round_models, start=1):
            _plot_rounds(axes[k, j], forecast, model, k)
    title = f"{scenario.scenario.title}: settlement forecast"
    if forecast.n_draws > 1:
        title += f" ({forecast.n_draws} draws, boxes 25-75 %, whiskers 5-95 %)"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def _plot_rounds(ax: Axes, forecast: Forecast, model: str, k: int) -> None:
    result = forecast.models[model]
    assert result.history is not None and result.median is not None and result.mean is not None
    last = result.history.shape[0] - 1
    if result.stopping_round is not None:
        last = int(result.stopping_round[k])  # later rounds only repeat the stopping state
    rounds = range(last + 1)
    for n, actor in enumerate(forecast.scenario.actor_ids):
        ax.plot(rounds, result.history[: last + 1, n, k], lw=0.8, alpha=0.6)
        if forecast.scenario.actors and len(forecast.scenario.actors) <= 16:
            ax.annotate(actor, (rounds[-1], result.history[last, n, k]), fontsize=6)
    ax.plot(rounds, result.median[: last + 1, k], color="black", lw=2, label="weighted median")
    ax.plot(rounds, result.mean[: last + 1, k], color="black", lw=2, ls="--", label="weighted mean")
    if result.stopped_because is not None:
        ax.axvline(last, color="grey", lw=1, ls=":", label=f"stops: {result.stopped_because[k]}")
    issue = forecast.scenario.issues[k]
    ax.set_ylim(issue.scale_min, issue.scale_max)
    step = "turn" if model == "smp" else "round"  # KTAB counts turns
    ax.set_xlabel(step)
    ax.set_title(f"{model.upper()}: positions over {step}s", fontsize=10)
    ax.legend(fontsize=7, loc="best")
