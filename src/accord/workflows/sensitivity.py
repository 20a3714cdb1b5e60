"""``accord sensitivity``: given-data global sensitivity of a stored run's scalar outcome
(:mod:`accord.analysis.gsa`), with labels from the scenario's descriptions."""

from __future__ import annotations

import os
from typing import Any, Literal, cast

from accord.spec.errors import ScenarioError

#: The default outcome: P(peace holds 5 years), defined in every experiment.
DEFAULT_OUTCOME = "peace_holds_5y"


def _inputs(study: Any, design_columns: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """Uncertainty and lever names and labels, from the scenario when it is known."""
    spec = getattr(study.scenario, "simulation", None)
    labels: dict[str, str] = {}
    uncertainties: list[str] = []
    levers: list[str] = []
    if spec is not None:
        for item in getattr(spec, "uncertainties", None) or []:
            uncertainties.append(item.name)
            if getattr(item, "description", ""):
                labels[item.name] = item.description
        for item in getattr(spec, "levers", None) or []:
            levers.append(item.name)
            if getattr(item, "description", ""):
                labels[item.name] = item.description
    if not uncertainties:  # scenario not known: every numeric column with many values
        import pandas as pd

        frame = study.design()
        for name in design_columns:
            column = frame[name]
            if pd.api.types.is_numeric_dtype(column) and column.nunique() > 10:
                uncertainties.append(name)
            else:
                levers.append(name)
    return uncertainties, levers, labels


def sensitivity(
    run: str | os.PathLike[str],
    *,
    method: str = "delta",
    outcome: str | None = None,
    variant: str | None = None,
    by_levers: bool = False,
    bootstrap: int = 100,
    seed: int | None = None,
    rng: Any = None,
    force: bool = False,
    log: Any = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Indices of the uncertainties for ``outcome`` in the stored run (or run directory)
    ``run``: ``{"outcome", "method", "variant", "n", "indices": [...], "excluded": [...],
    "note"}``; with ``by_levers`` also ``"by_levers": [...]`` one entry per combination.

    ``seed`` (default :data:`~accord.experiments.rng.DEFAULT_SEED`) or ``rng`` (numpy SPEC 7,
    :func:`accord.workflows.seeds.resolve_seed`, not both) seeds the bootstrap. ``progress``
    shows :class:`~accord.spec.progress.Progress` on stderr (the CLI's)."""
    from accord.analysis.gsa import DESIGNED_METHODS, GIVEN_DATA_METHODS, sensitivity_table
    from accord.spec.outcomes import describe
    from accord.workflows.seeds import resolve_seed
    from accord.workflows.study import open_study

    seed = resolve_seed(seed, rng)
    if method not in GIVEN_DATA_METHODS + DESIGNED_METHODS:
        raise ScenarioError(
            None,
            "unknown sensitivity method",
            field="--method",
            expected=f"one of {list(GIVEN_DATA_METHODS + DESIGNED_METHODS)}",
            found=method,
        )
    if bootstrap < 2:
        raise ScenarioError(
            None,
            "too few bootstrap replicates",
            field="--bootstrap",
            expected=">= 2",
            found=str(bootstrap),
        )
    study = open_study(run)
    chosen = study.run(variant)
    scalars = chosen.scalars()
    import pandas as pd

    names = [
        c
        for c in scalars.columns
        if c != "experiment" and pd.api.types.is_numeric_dtype(scalars[c])
    ]
    if outcome is None:  # the flagship's headline outcome, else the most complete one
        outcome = (
            DEFAULT_OUTCOME
            if DEFAULT_OUTCOME in names
            else (max(names, key=lambda c: int(scalars[c].notna().sum())) if names else None)
        )
    if outcome is None or outcome not in names:
        raise ScenarioError(
            str(chosen.path),
            "unknown outcome",
            field="--outcome",
            expected=f"one of {names}",
            found=str(outcome),
        )
    if method in DESIGNED_METHODS:
        return _designed(chosen, scalars, outcome, method, study, bootstrap, seed)
    design = chosen.design()
    table = design.merge(scalars[["experiment", outcome]], on="experiment", how="inner")
    columns = [c for c in design.columns if c != "experiment"]
    uncertainties, levers, labels = _inputs(_One(study, chosen), columns)
    from accord.analysis.gsa import estimate_seconds, numeric_inputs, work_units
    from accord.spec.limits import ANNOUNCE_SECONDS, Estimate
    from accord.spec.progress import Progress

    used, _ = numeric_inputs(table, uncertainties)
    present = [lever for lever in levers if lever in table]
    groups = int(table.groupby(present).ngroups) if by_levers and present else 1
    estimate = Estimate(
        f"{method} sensitivity of {outcome}",
        estimate_seconds(method, len(table), len(used), bootstrap),
        0.0,
    )
    estimate.check(force=force, field="--bootstrap")
    if log is not None and estimate.seconds > ANNOUNCE_SECONDS:
        log(f"{estimate.text()} ({groups} lever combination(s))")
    steps = Progress(
        f"{method} sensitivity",
        groups * work_units(method, len(used), bootstrap),
        unit="inputs" if method == "delta" else "steps",
        enabled=progress,
    ).start()
    try:
        results = sensitivity_table(
            table,
            table[outcome],
            uncertainties=uncertainties,
            levers=levers,
            method=method,
            by_levers=by_levers,
            labels=labels,
            n_boot=bootstrap,
            seed=seed,
            tick=steps.advance,
        )
    except ValueError as error:
        raise ScenarioError(str(chosen.path), str(error), field="--outcome") from None
    finally:
        steps.close()
    pooled = results[0] if not by_levers else None
    try:
        entry = describe(outcome)
    except Exception:  # an outcome outside the registry: its column name is its label
        entry = {"label": outcome, "unit": ""}
    out: dict[str, Any] = {
        "outcome": outcome,
        "outcome_label": entry.get("label", outcome),
        "unit": entry.get("unit", ""),
        "method": method,
        "variant": str(chosen.meta.get("variant") or chosen.run_id),
        "n": int(table[outcome].notna().sum()),
        "indices": pooled["indices"] if pooled else [],
        "excluded": results[0]["excluded"],
        "note": (
            "levers and categorical uncertainties are not inputs of the given-data "
            "estimators; "
            + (
                "indices are computed within each lever combination"
                if by_levers
                else "they are pooled (their variation stays in the outcome, unattributed)"
            )
        ),
        "bootstrap": bootstrap,
        "seed": seed,
    }
    if by_levers:
        out["by_levers"] = results
    return out


class _One:
    """A study view of one run, for :func:`_inputs`."""

    def __init__(self, study: Any, run: Any) -> None:
        self.scenario = study.scenario
        self._run = run

    def design(self) -> Any:
        return self._run.design()


def _designed(
    run: Any, scalars: Any, outcome: str, method: str, study: Any, bootstrap: int, seed: int
) -> dict[str, Any]:
    """Sobol or Morris indices of a run made with ``accord run --design sobol|morris``,
    one block per lever combination (the design is crossed with each)."""
    import numpy as np

    from accord.analysis.gsa import designed_indices
    from accord.experiments.design import unit_sample

    info = run.meta.get("design") or {}
    if info.get("method") != method:
        raise ScenarioError(
            str(run.path),
            f"the run was not made with --design {method}",
            field="--method",
            expected=f"a run of accord run --design {method}",
            found=str(info.get("method")),
        )
    names = list(info.get("uncertainties") or [])
    combos = int(info.get("n_lever_combinations") or 1)
    n_rows = int(info.get("n_points") or 0)
    values = scalars.sort_values("experiment")[outcome].to_numpy(dtype=float)
    if len(values) != n_rows * combos:
        raise ScenarioError(
            str(run.path),
            f"the run holds {len(values)} of "
            f"{n_rows * combos} experiments; a designed estimate needs all",
        )
    designed = cast(Literal["sobol", "morris"], method)  # one of DESIGNED_METHODS (checked)
    unit = unit_sample(
        int(info.get("n_base_points") or 0),
        len(names),
        method=designed,
        seed=int(run.meta.get("seed", 0)),
    )
    _, levers, labels = _inputs(_One(study, run), names)
    design = run.design()
    lever_names = list(info.get("levers") or [])
    blocks = []
    for c in range(combos):
        y = values[c::combos]
        setting = {lever: _plain(design[lever].iloc[c]) for lever in lever_names if lever in design}
        try:
            out = designed_indices(
                method,
                unit,
                y,
                names,
                bounds=[(0.0, 1.0)] * len(names),
                n_boot=bootstrap,
                seed=seed,
            )
        except ValueError as error:
            raise ScenarioError(str(run.path), str(error), field="--outcome") from None
        key = "ST" if method == "sobol" else "mu_star"
        for entry in out["indices"]:
            entry["label"] = labels.get(entry["name"]) or entry["name"]
        out["indices"].sort(key=lambda e: -e[key] if np.isfinite(e[key]) else np.inf)
        out["interactions"].sort(key=lambda e: -e["S2"] if np.isfinite(e["S2"]) else np.inf)
        blocks.append({"levers": setting, "n": len(y), **out})
    return {
        "outcome": outcome,
        "method": method,
        "variant": str(run.meta.get("variant") or run.run_id),
        "n": len(values),
        "indices": blocks[0]["indices"],
        "interactions": blocks[0]["interactions"],
        "excluded": [],
        "by_levers": blocks if combos > 1 else None,
        "note": "indices on the unit-cube coordinates of every uncertainty (a choice "
        "uncertainty through its inverse CDF); with crossed levers, one block "
        "per lever combination (indices holds the first)",
        "bootstrap": bootstrap,
        "seed": seed,
    }


def _plain(value: Any) -> Any:
    import numpy as np

    return value.item() if isinstance(value, np.generic) else value
