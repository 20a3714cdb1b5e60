"""``accord.workflows.optimize``: NSGA-II over a scenario's levers, each candidate evaluated
on one fixed set of sampled futures (common random numbers), with robustness metrics.

The Pareto set is the non-dominated set of *every* candidate the search evaluated (its
archive), not only of the last population: on a lever space of discrete options a small
population forgets non-dominated policies it has seen. Constraints (``--constraints
"aid_total_europe<=400,peace_holds_5y>=0.5"``) bound the mean over the futures of an outcome;
NSGA-II ranks infeasible candidates after feasible ones (Deb's constraint domination) and the
Pareto set holds feasible candidates only. :func:`save_variants` writes the chosen policies as
variants of a copy of the scenario, runnable by ``accord run``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.spec.errors import ScenarioError

_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*([-+0-9.eE]+)\s*$")


def parse_objectives(objectives: Sequence[str]) -> list[tuple[str, str]]:
    """``["max:peace_holds_5y", ...]`` -> ``[("max", "peace_holds_5y"), ...]`` (one-line errors)."""
    if not objectives:
        raise ScenarioError(
            None,
            "no objectives",
            field="--objectives",
            expected="e.g. max:peace_holds_5y,min:aid_total_europe",
        )
    parsed = []
    for text in objectives:
        sense, _, name = text.partition(":")
        if sense not in ("min", "max") or not name:
            raise ScenarioError(
                None,
                "bad objective",
                field="--objectives",
                expected="min:OUTCOME or max:OUTCOME",
                found=text,
            )
        parsed.append((sense, name))
    return parsed


def parse_constraints(constraints: Sequence[str]) -> list[tuple[str, str, float]]:
    """``["aid_total_europe<=400"]`` -> ``[("aid_total_europe", "<=", 400.0)]``.

    Each constraint bounds the mean of an outcome over the futures; a malformed one, or a
    non-finite bound, is one ScenarioError naming ``--constraints``."""
    parsed = []
    for text in constraints:
        match = _CONSTRAINT.match(text)
        bound = None
        if match:
            try:
                bound = float(match.group(3))
            except ValueError:
                bound = None
        if match is None or bound is None or not np.isfinite(bound):
            raise ScenarioError(
                None,
                "bad constraint",
                field="--constraints",
                expected="OUTCOME<=NUMBER or OUTCOME>=NUMBER",
                found=text,
            )
        parsed.append((match.group(1), match.group(2), bound))
    return parsed


def optimize(
    scenario: Any,
    objectives: Sequence[str],
    *,
    variant: str | None = None,
    constraints: Sequence[str] = (),
    futures: int = 20,
    population: int = 40,
    generations: int = 8,
    seed: int | None = None,
    rng: Any = None,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """``objectives``: ``"max:peace_holds_5y"`` or ``"min:aid_total_europe"`` (mean over
    the futures is what NSGA-II sees; the Pareto set carries every robustness metric).

    Bad input (an empty objective set, a malformed or unknown objective or constraint,
    ``population < 2``, ``generations < 1``, ``futures < 1``) is one ScenarioError before any
    simulation. The estimate (:func:`accord.simulation.cost.estimate_optimization`,
    ``population x generations x futures`` experiments) is refused over the cap of
    :mod:`accord.spec.limits` unless ``force``; ``log(line)`` gets a long search's estimate
    and one line per generation (evaluations so far, hypervolume, time left).

    Each generation's new candidates are simulated in one chunk (the futures repeated with
    their own experiment ids, so every candidate meets the same random numbers).

    ``seed`` (default :data:`~accord.experiments.rng.DEFAULT_SEED`) or ``rng`` (numpy SPEC 7,
    :func:`accord.workflows.seeds.resolve_seed`) seeds the futures; NSGA-II gets its own
    31-bit child seed (``optimize`` in :data:`~accord.experiments.rng.STREAM_KEYS`)."""
    import pandas as pd

    from accord.analysis.robust import non_dominated, nsga2, robustness
    from accord.experiments.design import make_design
    from accord.experiments.rng import child_seed
    from accord.simulation import simulate_chunk
    from accord.simulation.cost import estimate_optimization
    from accord.simulation.engine import compile_spec
    from accord.spec.limits import ANNOUNCE_SECONDS
    from accord.workflows.forecast import check_count
    from accord.workflows.scenarios import load
    from accord.workflows.seeds import resolve_seed

    parsed = parse_objectives(objectives)
    bounds_of = parse_constraints(constraints)
    population = check_count(population, "--population", minimum=2)
    generations = check_count(generations, "--generations")
    futures = check_count(futures, "--futures")
    seed = resolve_seed(seed, rng, field="--seed")
    loaded = load(scenario)
    spec = loaded.simulation
    if spec is None:
        raise ScenarioError(loaded.name, "the scenario has no simulation section")
    if variant is not None and variant not in spec.variants:
        raise ScenarioError(
            loaded.name,
            "unknown variant",
            field="--variant",
            expected=f"one of {sorted(spec.variants)}",
            found=variant,
        )
    uncertainties, all_levers = spec.variant_inputs(variant)
    fixed = {lever.name: lever.options[0] for lever in all_levers if len(lever.options) == 1}
    levers = [lever for lever in all_levers if len(lever.options) > 1]
    if not levers:
        raise ScenarioError(loaded.name, "no lever with several options to search")
    cost = estimate_optimization(spec, population, generations, futures)
    cost.check(force=force, field="--population")
    if log is not None and cost.seconds > ANNOUNCE_SECONDS:
        log(cost.text())
    compiled = compile_spec(spec, loaded, seed=seed, source=loaded.origin or loaded.name)
    base = make_design(uncertainties, [], futures, seed=seed)  # the fixed futures
    for name, option in fixed.items():
        base[name] = [option] * len(base)
    names = list(dict.fromkeys([n for _, n in parsed] + [n for n, _, _ in bounds_of]))
    # The outcome names, from one future of the first candidate, before the search starts.
    probe = base.iloc[:1].copy()
    for lever in levers:
        probe[lever.name] = [lever.options[0]]
    known = [
        c for c in simulate_chunk(probe, seed, spec=compiled).scalars.columns if c != "experiment"
    ]
    for field, wanted in (
        ("--objectives", [n for _, n in parsed]),
        ("--constraints", [n for n, _, _ in bounds_of]),
    ):
        missing = [n for n in wanted if n not in known]
        if missing:
            raise ScenarioError(
                loaded.name,
                "unknown outcome",
                field=field,
                expected=f"one of {known}",
                found=missing[0],
            )
    evaluated: dict[tuple[int, ...], np.ndarray] = {}  # codes -> [futures, len(names)]

    def simulate(new: list[tuple[int, ...]]) -> None:
        if not new:
            return
        design = pd.concat([base] * len(new), ignore_index=True)
        for j, lever in enumerate(levers):
            design[lever.name] = np.repeat(
                np.array([lever.options[c[j]] for c in new], dtype=object), futures
            )
        scalars = simulate_chunk(design, seed, spec=compiled).scalars
        table = np.column_stack([scalars[n].to_numpy(dtype=float) for n in names])
        for k, codes in enumerate(new):
            evaluated[codes] = table[k * futures : (k + 1) * futures]

    def mean_of(codes: tuple[int, ...]) -> np.ndarray:
        return np.asarray(np.nanmean(evaluated[codes], axis=0))

    def objective_row(codes: tuple[int, ...]) -> list[float]:
        means = mean_of(codes)
        return [-means[names.index(n)] if s == "max" else means[names.index(n)] for s, n in parsed]

    def violation_row(codes: tuple[int, ...]) -> list[float]:
        means = mean_of(codes)
        return [
            (means[names.index(n)] - b) if op == "<=" else (b - means[names.index(n)])
            for n, op, b in bounds_of
        ]

    def evaluate(x: np.ndarray) -> Any:
        points = [tuple(int(v) for v in point) for point in x]
        simulate(list(dict.fromkeys(p for p in points if p not in evaluated)))
        f = np.asarray([objective_row(p) for p in points])
        if not bounds_of:
            return f
        return f, np.asarray([violation_row(p) for p in points])

    bounds = [(-0.49, len(lever.options) - 0.51) for lever in levers]
    from accord.spec.progress import Progress

    # One line per generation, through ``log`` (accord.spec.progress: a line with an ETA).
    shown = Progress(
        "optimize", generations, unit="generation", enabled=log is not None, write=log, every=1
    ).start()

    def progress(generation: int, hypervolume: float) -> None:
        shown.update(generation, f"{len(evaluated)} evaluations, hypervolume {hypervolume:.4g}")

    result = nsga2(
        evaluate,
        bounds,
        len(parsed),
        population=population,
        generations=generations,
        seed=child_seed(seed, "optimize", bits=31),
        integer=[True] * len(levers),
        progress=progress,
        n_constraints=len(bounds_of),
    )
    candidates = sorted(evaluated)
    feasible = [c for c in candidates if not bounds_of or np.all(np.asarray(violation_row(c)) <= 0)]
    front = (
        [feasible[i] for i in non_dominated(np.array([objective_row(c) for c in feasible]))]
        if feasible
        else []
    )
    thresholds = {n: (op, b) for n, op, b in bounds_of}
    # Policies with the same outcomes in every future (a lever that does nothing where the
    # others are set, e.g. the month of a US change when the US continues) are one point of
    # the front: the first is shown, the others listed as equivalent.
    groups: list[list[tuple[int, ...]]] = []
    for code in front:
        same = next(
            (g for g in groups if np.array_equal(evaluated[g[0]], evaluated[code], equal_nan=True)),
            None,
        )
        if same is None:
            groups.append([code])
        else:
            same.append(code)

    def settings(code: tuple[int, ...]) -> dict[str, Any]:
        return {**fixed, **{lv.name: lv.options[c] for lv, c in zip(levers, code, strict=True)}}

    policies = []
    for group in groups:
        code = group[0]
        policy: dict[str, Any] = {
            "levers": settings(code),
            "equivalent": [settings(c) for c in group[1:]],
        }
        i = candidates.index(code)
        for j, name in enumerate(names):
            sense = next((s for s, n in parsed if n == name), None)
            minimize = sense == "min" if sense else thresholds[name][0] == "<="
            table = np.array([evaluated[c][:, j] for c in candidates])
            metrics = robustness(
                table,
                minimize=minimize,
                threshold=thresholds[name][1] if name in thresholds else None,
            )
            policy[name] = {k: float(v[i]) for k, v in metrics.items()}
        policies.append(policy)
    policies.sort(key=lambda p: [p[n]["mean"] for _, n in parsed])
    return {
        "scenario": loaded.name,
        "variant": variant,
        "objectives": list(objectives),
        "constraints": list(constraints),
        "futures": futures,
        "evaluations": len(evaluated),
        "feasible": len(feasible),
        "pareto": policies,
        "hypervolume": [float(h) for h in result["hypervolume"]],
    }


def save_variants(
    result: dict[str, Any], scenario: Any, directory: str | Path, *, prefix: str = "pareto"
) -> list[str]:
    """Write the Pareto policies of ``result`` as variants ``pareto-1``, ... of a copy of the
    scenario in ``directory`` (``accord run DIRECTORY --variant pareto-1`` runs one).

    The scenario's files are copied unchanged; the variants are inserted, as text, under
    ``variants:`` of the copy's ``simulation.yaml`` (its comments and layout are kept), and
    the copy is loaded again to check it. Returns the variant names."""
    import shutil

    import yaml

    from accord.safeio import atomic_write_text
    from accord.workflows.scenarios import load

    loaded = load(scenario)
    origin = Path(loaded.origin) if loaded.origin else None
    source_dir = origin.parent if origin is not None and origin.is_file() else origin
    if source_dir is None or not (source_dir / "simulation.yaml").is_file():
        raise ScenarioError(
            loaded.name, "no simulation.yaml to add variants to", field="--save-variants"
        )
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise ScenarioError(
            str(target),
            "directory exists and is not empty",
            field="--save-variants",
            expected="a new or empty directory",
        )
    if not result.get("pareto"):
        raise ScenarioError(loaded.name, "no Pareto policy to save", field="--save-variants")
    shutil.copytree(source_dir, target, dirs_exist_ok=True)
    path = target / "simulation.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    try:
        at = next(i for i, line in enumerate(lines) if line.rstrip() == "variants:")
    except StopIteration:
        raise ScenarioError(
            str(path), "no top-level 'variants:' section", field="--save-variants"
        ) from None
    names, entries = [], {}
    objectives = ", ".join(result["objectives"])
    for k, policy in enumerate(result["pareto"], start=1):
        name = f"{prefix}-{k}"
        names.append(name)
        means = "; ".join(
            f"{n} mean {policy[n]['mean']:.4g}" for n in policy if n not in ("levers", "equivalent")
        )
        entries[name] = {
            "description": (
                f"Pareto policy {k} of accord optimize ({objectives}; "
                f"{result['futures']} futures): {means}"
            ),
            "levers": {
                key: (value.item() if hasattr(value, "item") else value)
                for key, value in policy["levers"].items()
            },
            "source": (
                "analyst judgement: chosen by accord optimize (NSGA-II over the levers, "
                f"objectives {objectives}, constraints "
                f"{', '.join(result.get('constraints') or []) or 'none'})"
            ),
        }
    block = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    block = "".join(
        "  " + line if line.strip() else line for line in block.splitlines(keepends=True)
    )
    lines.insert(at + 1, block)
    atomic_write_text(path, "".join(lines))
    copy = load(target)
    variants = copy.simulation.variants if copy.simulation is not None else {}
    missing = [n for n in names if n not in variants]
    if missing:  # pragma: no cover - the insertion is checked, not expected to fail
        raise ScenarioError(str(path), "variants not found after writing", found=missing)
    return names
