"""A Study: the stored runs of a scenario's variants, read as pandas, queried, compared,
searched for the conditions of an outcome (PRIM) and reported."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from accord.spec.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from accord.analysis.discovery import PrimResult
    from accord.store.runs import Run

#: Experiments whose monthly series go into the report's fan charts (the scalars use all).
REPORT_SERIES_EXPERIMENTS = 2000


class Study:
    """Runs of one scenario, one per variant (``{variant: Run}``), in the order given.

    Tables of several variants are stacked with a ``variant`` column first. A Study made by
    :func:`accord.simulate` without ``out`` keeps its runs in a temporary directory that is
    deleted when the Study is garbage-collected (or when the interpreter exits).
    """

    #: The variants that were already complete before the ``simulate`` call that returned
    #: this Study (nothing was run for them), with their meta.json's time before the call.
    complete_before: Mapping[str, float] = {}  # noqa: RUF012 -- read-only; set per Study

    def __init__(
        self,
        runs: Mapping[str, Run],
        *,
        scenario: Any = None,
        directory: str | os.PathLike[str] | None = None,
        temporary: bool = False,
    ) -> None:
        if not runs:
            raise ScenarioError(str(directory) if directory else None, "no runs to study")
        self.runs: dict[str, Run] = dict(runs)
        self.scenario = scenario
        self.directory = Path(directory) if directory is not None else None
        self.temporary = temporary
        self._finalizer: Any = None
        if temporary and self.directory is not None:
            import shutil
            import weakref

            self._finalizer = weakref.finalize(
                self, shutil.rmtree, str(self.directory), ignore_errors=True
            )

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{name}: {run.meta.get('n_experiments')}" for name, run in self.runs.items()
        )
        where = "temporary" if self.temporary else str(self.directory)
        return f"Study({sizes}; {where})"

    def _repr_html_(self) -> str:
        import pandas as pd

        from accord.htmlrepr import html_block

        frame = pd.DataFrame(
            [
                {"variant": name, "experiments": run.meta.get("n_experiments")}
                for name, run in self.runs.items()
            ]
        )
        where = "a temporary directory" if self.temporary else str(self.directory)
        return html_block(f"Study of {len(self.runs)} variant(s) in {where}", [("", frame)])

    @property
    def variants(self) -> list[str]:
        """The variants, in order."""
        return list(self.runs)

    def run(self, variant: str | None = None) -> Run:
        """The stored run of ``variant`` (the only one when the Study holds one)."""
        if variant is None:
            if len(self.runs) == 1:
                return next(iter(self.runs.values()))
            raise ScenarioError(
                None,
                "this study holds several variants; name one",
                field="variant",
                expected=f"one of {self.variants}",
            )
        if variant not in self.runs:
            raise ScenarioError(
                None,
                "unknown variant",
                field="variant",
                expected=f"one of {self.variants}",
                found=variant,
            )
        return self.runs[variant]

    def _stack(self, variant: str | None, read: Any) -> pd.DataFrame:
        import pandas as pd

        names = [variant] if variant is not None else self.variants
        frames = []
        for name in names:
            frame = read(self.run(name))
            frame.insert(0, "variant", name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def scalars(self, variant: str | None = None) -> pd.DataFrame:
        """Scalar outcomes: ``variant``, ``experiment``, then one column per outcome."""
        return self._stack(variant, lambda run: run.scalars())

    def series(self, variant: str | None = None) -> pd.DataFrame:
        """Monthly series, long: ``variant``, ``experiment``, ``month``, one column a series."""
        return self._stack(variant, lambda run: run.series())

    def design(self, variant: str | None = None) -> pd.DataFrame:
        """The designs: ``variant``, ``experiment``, the uncertainties and levers."""
        return self._stack(variant, lambda run: run.design())

    def outcomes(self) -> list[dict[str, str]]:
        """The outcome registry entries recorded with the runs (name, label, unit, kind)."""
        from accord.spec.outcomes import describe

        first = next(iter(self.runs.values()))
        recorded = first.meta.get("outcomes")
        if recorded:
            return list(recorded)
        return [describe(name) for name in first.scalars().columns if name != "experiment"]

    def query(self, sql: str, variant: str | None = None) -> pd.DataFrame:
        """SQL (DuckDB) over the views ``scalars``, ``series`` and ``design`` of each run;
        with several variants the query runs on each and the results are stacked with a
        ``variant`` column."""
        return self._stack(variant, lambda run: run.query(sql))

    def compare(
        self,
        a: str,
        b: str,
        *,
        outcomes: Sequence[str] | None = None,
        bootstrap: int = 2000,
        seed: int | None = None,
        rng: Any = None,
        paired: bool | Literal["auto"] = "auto",
    ) -> pd.DataFrame:
        """Differences ``a - b`` of the mean of each scalar outcome, with bootstrap 95 %
        intervals (:func:`accord.analysis.compare.compare_runs`); the bootstrap's ``seed``
        or ``rng`` as in :func:`accord.workflows.seeds.resolve_seed`."""
        from accord.analysis.compare import compare_runs
        from accord.workflows.seeds import resolve_seed

        return compare_runs(
            self.run(a),
            self.run(b),
            outcomes=list(outcomes) if outcomes else None,
            n_bootstrap=bootstrap,
            seed=resolve_seed(seed, rng),
            paired=paired,
        )

    def discover(
        self,
        outcome: str,
        variant: str | None = None,
        *,
        threshold: float | None = None,
        above: bool = True,
        alpha: float = 0.05,
        min_support: float = 0.05,
    ) -> PrimResult:
        """Scenario discovery (PRIM, Friedman & Fisher 1999): boxes of the uncertainties and
        levers where ``outcome`` is high.

        Parameters
        ----------
        outcome
            A scalar outcome or the derived ``ceasefire_reached``.
            A 0/1 or probability outcome is the target as is; any other needs ``threshold``.
        threshold, above
            The case of interest is ``outcome >= threshold`` (``above``) or ``<=``.
        alpha, min_support
            Peeling share and smallest box (see :func:`accord.analysis.discovery.prim`).
        """
        import numpy as np

        from accord.analysis.discovery import prim
        from accord.spec.outcomes import with_derived

        run = self.run(variant)
        design = run.design()
        scalars = with_derived(run.scalars())
        if outcome not in scalars.columns:
            raise ScenarioError(
                str(run.path),
                "unknown outcome",
                field="outcome",
                expected=f"one of {[c for c in scalars.columns][1:]}",
                found=outcome,
            )
        table = design.merge(scalars[["experiment", outcome]], on="experiment", how="inner")
        values = table[outcome].to_numpy(dtype=float)
        if threshold is not None:
            target = np.where(
                np.isnan(values), 0.0, (values >= threshold) if above else (values <= threshold)
            )
        else:
            finite = values[~np.isnan(values)]
            if finite.size and (finite.min() < 0 or finite.max() > 1):
                raise ScenarioError(
                    str(run.path),
                    "not a probability: give a threshold",
                    field="threshold",
                    found=outcome,
                )
            target = values
        inputs = table.drop(columns=["experiment", outcome])
        return prim(inputs, target, alpha=alpha, min_support=min_support)

    def as_of_answers(self) -> dict[str, Any] | None:
        """The scenario's shipped questions as of the seed date and as of its shipped
        observations (:func:`accord.analysis.questions.as_of_answers`), on the baseline
        variant; ``None`` without a scenario that ships them."""
        from accord.analysis.questions import as_of_answers

        origin = getattr(self.scenario, "origin", None)
        if not origin:
            return None
        variant = "baseline" if "baseline" in self.variants else self.variants[0]
        run = self.run(variant)
        simulation = self.scenario.simulation
        return as_of_answers(
            Path(origin).parent,
            run.scalars(),
            simulation.start,
            int(simulation.horizon_months),
            series=run.series,
            variant=variant,
        )

    def report(
        self, path: str | os.PathLike[str], *, title: str | None = None, progress: bool = False
    ) -> Path:
        """Write the side-by-side HTML report of the variants to ``path`` (``progress``: say on
        stderr which section is done, with an ETA)."""
        from accord.report import ReportRun, build_report

        reports = []
        for name, run in self.runs.items():
            scalars = run.scalars().merge(run.design(), on="experiment", how="left")
            series = run.query(
                f"SELECT * FROM series WHERE experiment < {REPORT_SERIES_EXPERIMENTS} "
                "ORDER BY experiment, month"
            )
            reports.append(
                ReportRun(
                    variant=name,
                    scalars=scalars,
                    series=series,
                    meta=dict(run.meta),
                    path=run.path,  # its summaries are kept there (accord.store.summaries)
                )
            )
        info = None
        spec = getattr(self.scenario, "simulation", None)
        if spec is not None:
            from accord.simulation.provenance import scenario_info

            info = scenario_info(self.scenario, spec)
            # The fitted evidence behind durability and escalation, for the report's section.
            from accord.workflows.evidence import report_evidence

            info["evidence"] = report_evidence()
            info["as_of"] = self.as_of_answers()
        name = getattr(self.scenario, "name", None) or next(iter(self.runs.values())).meta.get(
            "scenario", "runs"
        )
        title = title or f"{name}: coupled simulation, {len(reports)} variant(s)"
        return build_report(reports, path, title=title, scenario_info=info, progress=progress)


def open_study(path: str | os.PathLike[str]) -> Study:
    """A Study of stored runs: a run directory (holding ``meta.json``) or a directory of runs
    (as ``accord run --out`` writes, one sub-directory per variant)."""
    from accord.store.runs import META_FILE, open_run

    folder = Path(path)
    if (folder / META_FILE).is_file():
        run = open_run(folder)
        runs = {str(run.meta.get("variant") or run.run_id): run}
        directory = folder.parent
    elif folder.is_dir():
        runs = {}
        for child in sorted(folder.iterdir()):
            if (child / META_FILE).is_file():
                run = open_run(child)
                runs[str(run.meta.get("variant") or run.run_id)] = run
        directory = folder
        if not runs:
            raise ScenarioError(
                str(folder),
                "holds no accord runs",
                expected="a run directory or a directory of runs",
            )
    else:
        raise ScenarioError(str(folder), "no such run directory")
    scenario = None
    names = {run.meta.get("scenario") for run in runs.values()}
    if len(names) == 1:
        name = names.pop()
        try:
            from accord.workflows.scenarios import load

            candidate = load(str(name)) if name else None
            hashes = {run.meta.get("scenario_hash") for run in runs.values()}
            if candidate is not None and hashes == {candidate.hash()}:
                scenario = candidate
        except ScenarioError:
            scenario = None  # not shipped or changed since: the report shows the runs only
    return Study(runs, scenario=scenario, directory=directory)


def list_runs(directory: str | os.PathLike[str] = "runs") -> pd.DataFrame:
    """The runs recorded in the catalogue of ``directory`` (``catalogue.duckdb``, written by
    every run) and of its sub-directories, one row per run, oldest first."""
    import pandas as pd

    from accord.store.runs import CATALOGUE_COLUMNS, CATALOGUE_FILE, read_catalogue

    folder = Path(directory)
    if not folder.is_dir():
        raise ScenarioError(str(folder), "no such directory of runs")
    folders = [folder] + sorted(
        child for child in folder.iterdir() if child.is_dir() and (child / CATALOGUE_FILE).is_file()
    )
    frames = [read_catalogue(f) for f in folders if (f / CATALOGUE_FILE).is_file()]
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return pd.DataFrame(columns=list(CATALOGUE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["created", "run_id"], kind="stable").reset_index(drop=True)
