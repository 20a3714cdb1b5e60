"""A run started from the dashboard, in its own process: ``python -m accord.dashboard.worker JOB``.

``JOB`` is the ``dashboard-job.json`` that :func:`accord.dashboard.data.start_run` wrote after
checking the form. The run goes through the ordinary store into the job's folder, so the page
reads its progress from the complete chunks and a reload loses nothing. On an error the worker
writes ``dashboard-job.failed`` and the last line of its log is shown on the page.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any


def custom_scenario(job: dict[str, Any]) -> Any:
    """The job's scenario with the variant's levers overridden by the form's settings."""
    from accord.scenario import load_scenario

    scenario = load_scenario(job["scenario"])
    spec = scenario.simulation
    variant = spec.variants[job["variant"]]
    options = {lever.name: lever.options for lever in spec.levers}
    chosen = dict(variant.levers)
    for lever, text in job["levers"].items():
        chosen[lever] = next(o for o in options[lever] if str(o) == text)
    if chosen == dict(variant.levers):
        return scenario
    changed = variant.model_copy(update={
        "levers": chosen,
        "description": variant.description + " Levers set in the dashboard: "
        + ", ".join(f"{k}={v}" for k, v in job["levers"].items()) + ".",
    })
    variants = {**spec.variants, job["variant"]: changed}
    return scenario.model_copy(update={"simulation": spec.model_copy(
        update={"variants": variants})})


def run_job(job: dict[str, Any]) -> None:
    """Run one variant of the job's scenario into the job's folder."""
    import functools

    from accord.experiments.runner import run_experiments
    from accord.simulation import compile_spec, simulate_chunk, variant_design

    scenario = custom_scenario(job)
    spec = scenario.simulation
    name, seed = job["variant"], int(job["seed"])
    compiled = compile_spec(spec, scenario, seed=seed, source=scenario.origin or scenario.name)
    design = variant_design(spec, name, int(job["experiments"]), seed=seed)
    meta = {"scenario": scenario.name, "variant": name, "scenario_hash": scenario.hash(),
            "description": spec.variants[name].description}
    # Small chunks so that the page's progress moves.
    chunk = max(25, min(1000, len(design) // 8 or 1))
    run_experiments(functools.partial(simulate_chunk, spec=compiled), design, seed=seed,
                    out_dir=Path(job["out"]), chunk_size=chunk, meta=meta, progress=False,
                    run_id=name)


def main(argv: list[str]) -> int:
    job_file = Path(argv[0])
    try:
        run_job(json.loads(job_file.read_text()))
    except Exception as error:  # reported on the page, in one line
        traceback.print_exc()
        print(f"error: {error}", flush=True)
        from accord.safeio import atomic_write_text

        atomic_write_text(job_file.parent / "dashboard-job.failed", str(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
