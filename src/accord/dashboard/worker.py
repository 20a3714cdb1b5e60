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
    import accord

    scenario = accord.load(job["scenario"])
    spec = scenario.simulation
    variant = spec.variants[job["variant"]]
    options = {lever.name: lever.options for lever in spec.levers}
    chosen = dict(variant.levers)
    for lever, text in job["levers"].items():
        chosen[lever] = next(o for o in options[lever] if str(o) == text)
    if chosen == dict(variant.levers):
        return scenario
    changed = variant.model_copy(
        update={
            "levers": chosen,
            "description": variant.description
            + " Levers set in the dashboard: "
            + ", ".join(f"{k}={v}" for k, v in job["levers"].items())
            + ".",
        }
    )
    variants = {**spec.variants, job["variant"]: changed}
    return scenario.model_copy(
        update={"simulation": spec.model_copy(update={"variants": variants})}
    )


def run_job(job: dict[str, Any]) -> None:
    """Run one variant of the job's scenario into the job's folder (``accord.simulate``)."""
    import accord

    experiments = int(job["experiments"])
    # Small chunks so that the page's progress moves.
    chunk = max(25, min(1000, experiments // 8 or 1))
    accord.simulate(
        custom_scenario(job),
        job["variant"],
        experiments=experiments,
        seed=int(job["seed"]),
        chunk_size=chunk,
        out=job["out"],
    )


def lifeline(parent: int) -> None:
    """End this worker when the dashboard that started it is gone (even after a SIGKILL)."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="dashboard-lifeline").start()


def main(argv: list[str]) -> int:
    job_file = Path(argv[0])
    if len(argv) > 1 and argv[1] == "--end-with-parent":
        import os

        lifeline(os.getppid())
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
