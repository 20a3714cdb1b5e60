"""The forecast figure: distributions per issue and model, and positions over rounds."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from accord.workflows.forecast_draws import Forecast


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


def plot_forecast(forecast: Forecast, path: str | Path) -> Path:
    """Write the forecast figure to ``path`` in the format its suffix names (png, svg, pdf),
    through :func:`accord.safeio.save_figure` (refuses non-regular targets, creates no folder)."""
    from accord.safeio import save_figure

    return save_figure(forecast_figure(forecast), path)


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
