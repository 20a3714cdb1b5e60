"""Simulating a scenario: its variants through the coupled monthly engine into a run store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from accord.spec.errors import ScenarioError
from accord.workflows.forecast import check_count, check_path
from accord.workflows.seeds import resolve_seed

if TYPE_CHECKING:
    from accord.experiments.executors import ExecutorName
    from accord.scenario.schema import Scenario
    from accord.scenario.simulation import SimulationSpec
    from accord.simulation.engine import CompiledSimulation
    from accord.workflows.study import Study


def check_executor(executor: str, scheduler: str | None) -> ExecutorName:
    """The executor name (one of ``accord.experiments.executors.EXECUTORS``)."""
    from accord.experiments.executors import EXECUTORS

    if executor not in EXECUTORS:
        raise ScenarioError(
            None,
            "unknown executor",
            field="executor",
            expected=f"one of {', '.join(EXECUTORS)}",
            found=executor,
        )
    if scheduler is not None and executor != "dask":
        raise ScenarioError(
            None,
            "a scheduler address is for the dask executor",
            field="scheduler",
            expected="--executor dask",
            found=executor,
        )
    if scheduler is not None:
        check_scheduler(scheduler)
    return cast("ExecutorName", executor)  # one of EXECUTORS, checked above


#: Seconds to wait for a dask scheduler to accept a connection. Judgement: a scheduler on
#: the local network answers in milliseconds; dask's own 30 s default looks like a hang.
SCHEDULER_CONNECT_SECONDS = 5.0


def check_scheduler(address: object) -> None:
    """Refuse a dask scheduler address that is malformed or does not accept a connection
    (one line, before anything is written); ``tcp://host:port`` or ``host:port``."""
    import socket
    from urllib.parse import urlsplit

    if not isinstance(address, str) or not address.strip():
        raise ScenarioError(
            None,
            "must be a scheduler address",
            field="scheduler",
            expected="tcp://host:port",
            found=address,
        )
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if parts.scheme != "tcp" or not host or port is None:
        raise ScenarioError(
            None,
            "must be a scheduler address",
            field="scheduler",
            expected="tcp://host:port",
            found=address,
        )
    try:
        with socket.create_connection((host, port), timeout=SCHEDULER_CONNECT_SECONDS):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScenarioError(
            None,
            f"cannot reach the dask scheduler: {reason}",
            field="scheduler",
            expected="the address of a running scheduler",
            found=address,
        ) from None


def simulate(
    scenario: str | os.PathLike[str] | Scenario,
    variants: str | Iterable[str] | None = None,
    *,
    experiments: int = 1000,
    seed: int | None = None,
    rng: Any = None,
    executor: str = "inprocess",
    scheduler: str | None = None,
    chunk_size: int | None = None,
    out: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    progress: bool = False,
    report: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] | None = None,
    force: bool = False,
    calibrated: bool = True,
    design: str = "lhs",
) -> Study:
    """Run the coupled simulation of a scenario's variants; return a :class:`Study`.

    Parameters
    ----------
    scenario
        A shipped name, a YAML file or directory, or a loaded Scenario with a simulation section.
    variants
        Variant names (one, or a list); ``None`` = every variant of the scenario.
    experiments
        Design points per variant (a variant that crosses levers multiplies them).
    seed, rng
        Run seed, ``0 <= seed < 2**63`` (default :data:`~accord.experiments.rng.DEFAULT_SEED`);
        recorded with the scenario hash in each run's identity.
        Or ``rng`` (numpy SPEC 7): an int (the seed) or a ``numpy.random.Generator`` (one
        root seed is drawn from it); not both (:func:`accord.workflows.seeds.resolve_seed`).
    executor, scheduler
        ``"inprocess"``, ``"processes"`` or ``"dask"``; with dask, ``scheduler`` is the address
        of an existing cluster's scheduler (``tcp://host:port``), else a local cluster is
        started for the run.
    chunk_size
        Experiments per chunk (default: automatic).
    out
        Directory of the runs (one sub-directory per variant); created if missing, but not its
        parent. ``None``: a temporary directory, deleted with the Study; nothing is written in
        the current directory. One process writes into ``out`` at a time (a second one stops
        with one line naming the first).
    overwrite
        Replace a stored run made with other settings (else refused; the same settings resume).
    progress, log
        A progress bar on a terminal; ``log(message)`` for one line per variant.
    force
        Run even when the estimate (:func:`accord.simulation.cost.estimate_run`) is over the
        cap of :mod:`accord.spec.limits`; a long run's estimate goes to ``log`` before it starts.
        Also write the report again when every run was already complete and the report is
        newer than each (else ``log`` says "already complete" and the report is left as is).
    report
        Also write the HTML report of the variants, at this name inside ``out`` (or at this
        path if it has a folder), while ``out`` is still locked.
    calibrated
        Use the scenario's shipped calibration (``calibration.json`` beside it, written by
        ``accord calibrate``) where there is one; ``False`` samples the scenario's own ranges.
        Each run's metadata and the report say which.

    Raises
    ------
    ScenarioError
        Bad input (seed, counts, executor, variant, scenario), or a stored run of another
        scenario, seed or design in ``out`` -- all checked before anything is written.
    """
    from accord.safeio import ensure_directory
    from accord.simulation import compile_spec
    from accord.simulation.cost import estimate_run
    from accord.spec.limits import ANNOUNCE_SECONDS
    from accord.store.runs import writer_lock
    from accord.workflows.scenarios import load

    seed = resolve_seed(seed, rng)
    if out is not None:
        out = check_path(out, "out")
    experiments = check_count(experiments, "experiments")
    if chunk_size is not None:
        chunk_size = check_count(chunk_size, "chunk_size")
    executor = check_executor(executor, scheduler)
    loaded = load(scenario)
    spec = loaded.simulation
    origin = loaded.origin or loaded.name
    if spec is None:
        raise ScenarioError(
            origin,
            "the scenario has no simulation section",
            field="simulation",
            expected="a 'simulation:' mapping or file name",
        )
    chosen = _variants(spec, variants, origin)
    from accord.experiments.design import DESIGN_ROWS

    if design not in ("lhs", "mc", *DESIGN_ROWS):
        raise ScenarioError(
            origin,
            "unknown design",
            field="--design",
            expected=f"one of {['lhs', 'mc', *DESIGN_ROWS]}",
            found=design,
        )
    points = experiments
    if design in DESIGN_ROWS:  # rows per base point grow with the number of uncertainties
        width = max(len(spec.variant_inputs(name)[0]) for name in chosen)
        points = experiments * DESIGN_ROWS[design](width)
        calibrated = False  # a calibration resamples rows and would break the design
    cost = estimate_run(spec, chosen, points)
    cost.check(force=force, field="experiments")
    if log is not None and cost.seconds > ANNOUNCE_SECONDS:
        log(cost.text())
    # Everything that can refuse the input runs before the output directory is touched.
    compiled = compile_spec(spec, loaded, seed=seed, source=origin)
    calibration = _calibration(loaded, calibrated)
    temporary = out is None
    if out is None:
        import tempfile

        out_dir = Path(tempfile.mkdtemp(prefix="accord-study-"))
    else:
        out_dir = ensure_directory(out, field="out")
    try:
        # One writer per output directory for the whole run, report included.
        with writer_lock(out_dir, what="run"):
            study = _run_variants(
                loaded,
                compiled,
                chosen,
                out_dir,
                temporary,
                seed=seed,
                experiments=experiments,
                executor=executor,
                scheduler=scheduler,
                chunk_size=chunk_size,
                overwrite=overwrite,
                progress=progress,
                log=log,
                calibration=calibration,
                design=design,
            )
            if report is not None:
                target = Path(report)
                target = target if str(target.parent) != "." else out_dir / target
                if not force and _report_up_to_date(target, study):
                    if log is not None:
                        log(f"report: already complete, {target} (--force writes it again)")
                else:
                    if log is not None:
                        log(f"report: writing {target}")
                    path = study.report(target, progress=progress)
                    if log is not None:
                        log(f"report: {path}")
    except BaseException:
        if temporary:
            import shutil

            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return study


def _run_variants(
    loaded: Scenario,
    compiled: Any,
    chosen: list[str],
    out_dir: Path,
    temporary: bool,
    *,
    seed: int,
    experiments: int,
    executor: ExecutorName,
    scheduler: str | None,
    chunk_size: int | None,
    overwrite: bool,
    progress: bool,
    log: Callable[[str], None] | None,
    calibration: tuple[dict[str, Any] | None, str] = (None, ""),
    design: str = "lhs",
) -> Study:
    import functools

    from accord.experiments.runner import run_experiments
    from accord.simulation import simulate_chunk, variant_design
    from accord.workflows.study import Study

    spec = compiled.spec
    if not overwrite:
        for name in chosen:
            refuse_changed_scenario(out_dir / name, loaded.hash())
    from accord.workflows import history_matching as calibration_module

    simulate_fn = functools.partial(simulate_chunk, spec=compiled)
    accepted, calibration_note = calibration
    if log is not None and calibration_note:
        log(f"parameters: {calibration_note}")
    runs = {}
    complete_before: dict[str, float] = {}
    for name in chosen:
        table = variant_design(spec, name, experiments, seed=seed, method=design)
        if accepted is not None:
            table = calibration_module.apply(table, accepted, seed)
        if log is not None:
            log(f"{name}: {len(table)} experiments x {spec.horizon_months} months")
        meta = {
            "scenario": loaded.name,
            "variant": name,
            "scenario_hash": loaded.hash(),
            "start": spec.start.isoformat(),  # the calendar of the faces' time axes
            "description": spec.variants[name].description,
            "outcomes": _outcome_entries(compiled),
            "calibration": calibration_note,
            "calibration_targets": [
                {"name": t["name"], "observed": t["observed"]}
                for t in (accepted or {}).get("targets", [])
            ],
        }
        if _already_complete(out_dir / name, meta, seed, len(table)):
            complete_before[name] = (out_dir / name / "meta.json").stat().st_mtime
            if log is not None:
                log(f"{name}: already complete ({len(table)} experiments), nothing to run")
        try:
            runs[name] = run_experiments(
                simulate_fn,
                table,
                seed=seed,
                out_dir=out_dir,
                executor=executor,
                chunk_size=chunk_size,
                meta=meta,
                progress=progress,
                run_id=name,
                overwrite=overwrite,
                dask_address=scheduler,
            )
        except ScenarioError:
            raise
        except ValueError as error:
            raise ScenarioError(str(out_dir / name), str(error)) from None
        if log is not None and not temporary:
            log(f"{name}: results in {out_dir / name}")
    study = Study(runs, scenario=loaded, directory=out_dir, temporary=temporary)
    study.complete_before = complete_before
    return study


def _already_complete(run_dir: Path, meta: dict[str, Any], seed: int, n: int) -> bool:
    """True if ``run_dir`` holds a complete run of this scenario, seed and size."""
    import json

    try:
        stored = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        stored.get("status") == "complete"
        and stored.get("seed") == seed
        and stored.get("n_experiments") == n
        and stored.get("scenario_hash") == meta["scenario_hash"]
    )


def _report_up_to_date(target: Path, study: Study) -> bool:
    """True if every run was complete before this call and ``target`` was written after
    each (the runner rewrites a complete run's meta.json, so its time before the call)."""
    stamps = study.complete_before
    if set(study.variants) - set(stamps):
        return False
    try:
        written = target.stat().st_mtime
    except OSError:
        return False
    return all(written >= stamp for stamp in stamps.values())


def _calibration(loaded: Scenario, calibrated: bool) -> tuple[dict[str, Any] | None, str]:
    """The scenario's shipped calibration (or None) and the line saying which was used."""
    from accord.workflows import history_matching as calibration_module

    path = calibration_module.shipped_path(loaded) if calibrated else None
    accepted = calibration_module.load(path) if path is not None else None
    return accepted, calibration_module.describe(accepted, path)


def _variants(spec: SimulationSpec, variants: str | Iterable[str] | None, origin: str) -> list[str]:
    defined = list(spec.variants)
    if isinstance(variants, str):
        variants = [variants]
    if variants is not None:
        if not isinstance(variants, Iterable):
            raise ScenarioError(
                origin,
                "wrong type",
                field="variant",
                expected="a variant name or a list of names",
                found=type(variants).__name__,
            )
        variants = list(variants)
        wrong = [name for name in variants if not isinstance(name, str)]
        if wrong:
            raise ScenarioError(
                origin,
                "wrong type",
                field="variant",
                expected="a variant name or a list of names",
                found=type(wrong[0]).__name__,
            )
    chosen = list(dict.fromkeys(variants or [])) or defined
    if not chosen:
        raise ScenarioError(
            origin, "the simulation section defines no variants", field="simulation.variants"
        )
    unknown = [name for name in chosen if name not in defined]
    if unknown:
        raise ScenarioError(
            origin,
            "unknown variant",
            field="variant",
            expected=f"one of {sorted(defined)}",
            found=unknown[0],
        )
    return chosen


def refuse_changed_scenario(run_dir: Path, scenario_hash: str) -> None:
    """Refuse to resume a stored run whose scenario has changed since it was started."""
    import json

    from accord.store.runs import META_FILE

    meta_file = run_dir / META_FILE
    if not meta_file.is_file():
        return
    try:
        stored = json.loads(meta_file.read_text()).get("scenario_hash")
    except (OSError, ValueError, AttributeError):
        return  # the store reports an unreadable run itself
    if stored is not None and stored != scenario_hash:
        raise ScenarioError(
            str(run_dir),
            f"the scenario has changed since this run was started (hash {stored}, now "
            f"{scenario_hash}); it will not be resumed: choose another output directory, "
            "or overwrite it",
        )


def _outcome_entries(compiled: CompiledSimulation) -> list[dict[str, str]]:
    from accord.spec.outcomes import describe

    return [describe(name) for name in compiled.outcome_names]
