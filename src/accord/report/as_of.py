"""The report's "as of" section: the shipped questions answered as of the seed date and as of
the latest observations, the scorecard of the resolved ones, and their reliability diagram.

The numbers come from :func:`accord.workflows.questions.as_of_answers`; this module only
formats them (with the faces' one formatter) and draws the diagram.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.analysis.formatting import fmt

#: Probability bins of the reliability diagram (judgement: five, because the shipped questions
#: give a few dozen (probability, outcome) pairs; finer bins would hold one or two each).
RELIABILITY_BINS = 5


def reliability_table(
    points: list[tuple[float, float]], bins: int = RELIABILITY_BINS
) -> list[dict[str, float]]:
    """Per probability bin with at least one forecast: mean forecast, observed frequency, n."""
    if not points:
        return []
    forecast, outcome = np.asarray(points, dtype=float).T
    index = np.minimum((forecast * bins).astype(int), bins - 1)
    rows = []
    for k in range(bins):
        inside = index == k
        if inside.any():
            rows.append(
                {
                    "forecast": float(forecast[inside].mean()),
                    "observed": float(outcome[inside].mean()),
                    "n": int(inside.sum()),
                }
            )
    return rows


def reliability_figure(rows: list[dict[str, float]]) -> bytes:
    from accord.report.figures import _new_figure, colour, to_png

    figure, (ax,) = _new_figure(4.6, 4.2)
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1.0, label="perfect")
    ax.plot(
        [r["forecast"] for r in rows],
        [r["observed"] for r in rows],
        marker="o",
        color=colour(0),
        linewidth=1.5,
        label="accord",
    )
    for r in rows:
        ax.annotate(
            f"n={r['n']}",
            (r["forecast"], r["observed"]),
            fontsize=7,
            textcoords="offset points",
            xytext=(4, -10),
        )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("accord's probability of a bin")
    ax.set_ylabel("share of those bins that happened")
    ax.set_title("Reliability on the resolved questions", fontweight="bold")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return to_png(figure)


def as_of_section(answers: dict[str, Any] | None, figure: Any) -> dict[str, Any] | None:
    """Template data; ``figure(key, png_bytes) -> src`` stores a figure (the report context)."""
    if not answers:
        return None
    rows = [
        {
            "title": r["title"],
            "bin": r["bin"],
            "seed_date": fmt(r["seed_date"], "probability"),
            "as_of": fmt(r["as_of"], "probability") if r["as_of"] is not None else "-",
            "condition": r["condition"],
            "resolved": {True: "happened", False: "", None: "open"}[r["resolved"]],
        }
        for r in answers["rows"]
    ]
    card = answers["scores"]
    sources = list(card["mean_brier"])
    scores = []
    for entry in card["questions"]:
        crowd = {c["source"]: fmt(c["brier"], "") for c in entry["crowd"]}
        scores.append(
            {
                "id": entry["id"],
                "resolved": entry["resolved_bin"],
                "accord": fmt(entry["accord"]["brier"], ""),
                "crowd": [crowd.get(s, "-") for s in sources[1:]],
                "hindsight": entry.get("hindsight", False),
            }
        )
    means = [
        fmt(card["mean_brier"][s], "") if card["mean_brier"][s] is not None else "-"
        for s in sources
    ]
    table = reliability_table([tuple(p) for p in answers["reliability"]])
    src = figure("reliability", reliability_figure(table)) if table else None
    return {
        "variant": answers["variant"],
        "seed_date": answers["seed_date"],
        "as_of": answers["as_of"],
        "n_futures": answers["n_futures"],
        "ess": answers["ess"],
        "note": answers["note"],
        "observations": answers["observations"],
        "rows": rows,
        "sources": sources,
        "scores": scores,
        "means": means,
        "reliability": table,
        "src": src,
    }
