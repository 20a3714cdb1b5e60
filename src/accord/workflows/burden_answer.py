"""The one burden answer every face prints (issue 20, "one answer everywhere").

`accord burden equilibrium`, the report's burden rows and the dashboard's Burden page all
read an equilibrium ``BurdenResult`` (``accord.workflows.burden.burden``) through
:func:`answer_of`: the model used and the data vintage, its rolling-backtest score, Europe's
total with its gaps to 2, 3.5 and 5 % of GDP, each ally's gaps, and the sentence on what the
data can and cannot tell. The report and the dashboard print :func:`answer_lines`.
"""

from __future__ import annotations

from typing import Any

#: The US cut of the headline question (issue 20: "if the US steps back, who pays?"; the CLI
#: example `accord burden equilibrium --us-cut 0.5`, the dashboard slider's start).
HEADLINE_US_CUT = 0.5
#: The European aggregate every face prints: all allies but the US and Canada.
EUROPE = "European allies"


def answer_of(result: Any) -> dict[str, Any]:
    """The one burden answer every face prints, from an equilibrium ``BurdenResult`` (what
    `accord burden equilibrium` computes): the model used and the data vintage, its backtest
    score, Europe's total with its gaps to each target, each ally's gaps, and the sentence
    on what the data can and cannot tell."""
    summary = result.summary
    settings = result.settings
    targets = [
        float(c[len("gap_to_") : -len("_pct_pp")])
        for c in result.per_actor.columns
        if c.startswith("gap_to_") and c.endswith("_pct_pp")
    ]
    europe = result.totals.set_index("group").loc[EUROPE]
    source = result.provenance[0] if result.provenance else {}
    citation = str(source.get("source", "")).split("Citation: ")[-1]
    allies = [
        {
            "ally": row["ally"],
            "pct_gdp": float(row["pct_gdp"]),
            **{f"gap_to_{t:g}_pp": float(row[f"gap_to_{t:g}_pct_pp"]) for t in targets},
        }
        for _, row in result.per_actor.iterrows()
    ]
    return {
        "us_cut": float(settings["us_cut"]),
        "model_used": summary["model_used"],
        "chosen_method": summary["chosen_method"],
        "backtest": summary["backtest"],
        "vintage": f"{source.get('name', '?')} ({citation}), base year {settings['year']}",
        "targets_pct_gdp": targets,
        "europe": {
            "group": EUROPE,
            "base_pct_gdp": float(europe["base_pct_gdp"]),
            "pct_gdp": float(europe["pct_gdp"]),
            "low": float(europe["pct_gdp_p05"]),
            "high": float(europe["pct_gdp_p95"]),
            "change_pct": float(europe["change_pct"]),
            **{f"gap_to_{t:g}_pp": t - float(europe["pct_gdp"]) for t in targets},
        },
        "allies": allies,
        "what_the_data_can_tell": summary["what_the_data_can_tell"],
    }


def answer(
    us_cut: float = HEADLINE_US_CUT, *, draws: int | None = None, seed: int | None = None
) -> dict[str, Any]:
    """:func:`answer_of` the equilibrium `accord burden equilibrium --us-cut US_CUT` gives
    (same defaults: the shipped scenario's draws and seed, the verdict table's model)."""
    from accord.workflows.burden import burden

    return answer_of(burden("equilibrium", us_cut=us_cut, draws=draws, seed=seed))


def answer_lines(found: dict[str, Any]) -> list[str]:
    """The answer as the lines the report and the dashboard print (same text in both)."""
    e = found["europe"]
    targets = found["targets_pct_gdp"]
    slash = " / ".join(f"{t:g}" for t in targets)
    gaps = " / ".join(f"{e[f'gap_to_{t:g}_pp']:+.2f}" for t in targets)
    return [
        f"{EUROPE} after a {100 * found['us_cut']:g} % US cut: {e['pct_gdp']:.2f} % of GDP "
        f"(5-95 %: {e['low']:.2f} to {e['high']:.2f}; {e['base_pct_gdp']:.2f} before, "
        f"change {e['change_pct']:+.1f} %); model used: {found['model_used']}",
        f"gap to {slash} % of GDP: {gaps} pp (negative: above it)",
        f"backtest: {found['backtest']}",
        f"data: {found['vintage']}",
        found["what_the_data_can_tell"],
    ]


def ally_gaps_line(found: dict[str, Any]) -> str:
    """Each ally's gap to every target in one line (pp, negative: above it)."""
    targets = found["targets_pct_gdp"]
    return "; ".join(
        f"{a['ally']} " + "/".join(f"{a[f'gap_to_{t:g}_pp']:+.2f}" for t in targets)
        for a in found["allies"]
    )
