"""Dated questions about a run: parsing, evaluation over all futures, and scoring.

A question is a YAML file (see ``docs/questions.md``) with an ``event`` and, for events that
are not yes/no, ``bins`` that cover every future. Months of a run count from the scenario's
``start`` (month 0 is the month of ``start``); a future's month ``m`` is *before* a date ``D``
when the whole month ends on or before ``D``: ``start + (m + 1) months <= D``. A month outcome
that is NaN did not happen within the horizon (never), so it is never "before" anything:
every share here is over ALL futures unless the event names a condition, and then the
condition and its probability are stated.

Event expressions::

    ceasefire_month before 2026-01-01          # yes / no
    war_end_type in {ceasefire, freeze} by 2027-01-01
    peace lasts 90 days given ceasefire       # conditional on a ceasefire observed for 90 days
    front_end above 75                        # NaN counts as "no"
    ceasefire_month                           # with bins of date ranges (question files)
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from accord.spec.base import SpecModel
from accord.spec.errors import ScenarioError

#: Labels of the ``war_end_type`` codes (accord.models.war.WAR_END_TYPES order).
END_TYPES: tuple[str, ...] = ("ongoing", "ceasefire", "decision", "collapse", "freeze")
#: The month outcome that dates each category outcome ("... by DATE").
CATEGORY_MONTH = {"war_end_type": "war_end_month"}
#: The 95% normal quantile of the Wilson intervals.
Z95 = 1.959963984540054
#: Floor on a probability in the log score (judgement: a forecast of exactly 0 for what
#: happened would score infinity; 0.001 is below any published crowd figure we ship).
LOG_FLOOR = 1e-3
#: Tolerance on a crowd forecast's probabilities summing to 1 (published figures are rounded
#: to whole percents, so three bins can sum to 0.99 or 1.01).
SUM_TOLERANCE = 0.011
YES_NO = ("yes", "no")


# ----------------------------------------------------------------------------- calendar


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months (day clamped to the month's last)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    day = start.day
    while True:
        try:
            return date(year, month + 1, day)
        except ValueError:
            day -= 1


def month_date(start: date, month: float) -> date | None:
    """The first day of run month ``month`` (None for NaN: never)."""
    if month is None or (isinstance(month, float) and math.isnan(month)):
        return None
    return add_months(start, int(month))


def months_before(start: date, when: date) -> int:
    """Number of whole run months that end on or before ``when``: month ``m`` is before
    ``when`` exactly when ``m < months_before(start, when)``."""
    count = (when.year - start.year) * 12 + when.month - start.month
    if when.day < start.day:
        count -= 1
    return count


# ----------------------------------------------------------------------------- schema


class Bin(SpecModel):
    """One bin: a date range (month outcomes), a value range, a set of categories, or never."""

    bin: str
    start: date | float | None = Field(default=None, alias="from")
    before: date | float | None = None
    categories: list[str] | None = Field(default=None, alias="in")
    never: bool = False


class Crowd(SpecModel):
    source: str
    date: date
    url: str | None = None
    probs: dict[str, float]


class Resolution(SpecModel):
    bin: str
    source: str
    date: date
    url: str | None = None


class Question(SpecModel):
    """A dated question, as read from its file."""

    id: str
    title: str
    url: str | None = None
    opened: date
    closes: date
    event: str
    bins: list[Bin] | None = None
    crowd: list[Crowd] = []
    resolution: Resolution | None = None
    note: str | None = None


@dataclass(frozen=True)
class LoadedQuestion:
    question: Question
    file: str
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, compare=False)

    def error(self, message: str, path: tuple[Any, ...], **extra: Any) -> ScenarioError:
        from accord.scenario.yamlsafe import dotted, line_of

        return ScenarioError(
            self.file, message, line=line_of(self.lines, path), field=dotted(path), **extra
        )


def _normalise(data: Any) -> Any:
    """YAML 1.1 reads bare ``yes``/``no`` as booleans; a question means the labels."""
    if isinstance(data, dict):
        for crowd in data.get("crowd") or []:
            if isinstance(crowd, dict) and isinstance(crowd.get("probs"), dict):
                crowd["probs"] = {_label(k): v for k, v in crowd["probs"].items()}
        if isinstance(data.get("resolution"), dict):
            data["resolution"]["bin"] = _label(data["resolution"].get("bin"))
    return data


def _label(value: Any) -> Any:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def load_question(path: str | os.PathLike[str]) -> LoadedQuestion:
    """Read and validate one question file (checks that need no run)."""
    from accord.scenario.loader import _validate
    from accord.scenario.yamlsafe import load_yaml

    path = Path(path)
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError(str(path), "a question file holds a mapping", line=1)
    question = _validate(Question, _normalise(data), str(path), lines)
    loaded = LoadedQuestion(question, str(path), lines)
    _check_static(loaded)
    return loaded


def load_questions(path: str | os.PathLike[str]) -> list[LoadedQuestion]:
    """One question file, or every ``*.yaml`` in a directory (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
        if not files:
            raise ScenarioError(str(path), "holds no question files", expected="*.yaml")
        questions = [load_question(p) for p in files]
        seen: dict[str, str] = {}
        for q in questions:
            if q.question.id in seen:
                raise q.error("duplicate question id", ("id",), found=q.question.id)
            seen[q.question.id] = q.file
        return questions
    return [load_question(path)]


def _check_static(loaded: LoadedQuestion) -> None:
    q = loaded.question
    if q.closes < q.opened:
        raise loaded.error("closes before it opens", ("closes",), found=str(q.closes))
    labels = bin_labels(loaded)
    if len(set(labels)) != len(labels):
        raise loaded.error("duplicate bin label", ("bins",))
    for i, crowd in enumerate(q.crowd):
        if set(crowd.probs) != set(labels):
            raise loaded.error(
                "crowd probabilities must name each bin once",
                ("crowd", i, "probs"),
                expected=f"{labels}",
                found=sorted(crowd.probs),
            )
        if any(p < 0 or p > 1 for p in crowd.probs.values()):
            raise loaded.error("a probability lies outside 0..1", ("crowd", i, "probs"))
        total = sum(crowd.probs.values())
        if abs(total - 1) > SUM_TOLERANCE:
            raise loaded.error(
                "crowd probabilities do not sum to 1",
                ("crowd", i, "probs"),
                expected="a sum of 1",
                found=round(total, 6),
            )
    if q.resolution is not None and q.resolution.bin not in labels:
        raise loaded.error(
            "resolution names no bin",
            ("resolution", "bin"),
            expected=f"one of {labels}",
            found=q.resolution.bin,
        )


def bin_labels(loaded: LoadedQuestion) -> list[str]:
    q = loaded.question
    if q.bins is None:
        return list(YES_NO)
    return [b.bin for b in q.bins]


# ----------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Answer:
    """Probabilities per bin over all futures (or over those meeting ``condition``)."""

    event: str
    n_futures: int
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    n_scored: int
    condition: dict[str, Any] | None
    #: Per future: True where a yes/no event is yes (None for binned events).
    yes: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def probs(self) -> dict[str, float]:
        n = self.n_scored
        return {
            label: (c / n if n else float("nan"))
            for label, c in zip(self.labels, self.counts, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        bins = []
        for label, count in zip(self.labels, self.counts, strict=True):
            low, high = wilson(count, self.n_scored)
            bins.append(
                {
                    "bin": label,
                    "p": count / self.n_scored if self.n_scored else None,
                    "low": low,
                    "high": high,
                }
            )
        return {
            "event": self.event,
            "n_futures": self.n_futures,
            "condition": self.condition,
            "bins": bins,
        }


def wilson(count: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """The Wilson score interval of a binomial share ``count / n`` (95% by default)."""
    if n <= 0:
        return None, None
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


_DATE = r"(\d{4}-\d{2}-\d{2})"
_NAME = r"([a-z_][a-z0-9_]*)"
_BEFORE = re.compile(rf"^{_NAME}\s+before\s+{_DATE}$")
_IN = re.compile(rf"^{_NAME}\s+in\s+\{{([^}}]*)\}}(?:\s+by\s+{_DATE})?$")
_LASTS = re.compile(r"^peace\s+lasts\s+(\d+)\s+days\s+given\s+ceasefire$")
_ABOVE = re.compile(rf"^{_NAME}\s+(above|below)\s+([-+]?\d+(?:\.\d+)?)$")
_AT = re.compile(rf"^{_NAME}\s+(above|below)\s+([-+]?\d+(?:\.\d+)?)\s+at\s+{_DATE}$")
_BARE = re.compile(rf"^{_NAME}$")


class _Where:
    """Where an event came from, for error messages."""

    def __init__(self, loaded: LoadedQuestion | None) -> None:
        self.loaded = loaded

    def error(
        self, message: str, path: tuple[Any, ...] = ("event",), **extra: Any
    ) -> ScenarioError:
        if self.loaded is not None:
            return self.loaded.error(message, path, **extra)
        return ScenarioError(None, message, field="--event", **extra)


def _parse_date(text: str, where: _Where) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise where.error("not a calendar date", expected="YYYY-MM-DD", found=text) from None


def _column(scalars: Any, name: str, where: _Where) -> np.ndarray:
    if name not in scalars.columns or name == "experiment":
        known = sorted(c for c in scalars.columns if c != "experiment")
        raise where.error("unknown outcome", expected=f"one of {known}", found=name)
    return scalars[name].to_numpy(dtype=float)


def _check_date(when: date, start: date, where: _Where, path: tuple[Any, ...] = ("event",)) -> None:
    if when < start:
        raise where.error(
            "date before the run's start",
            path,
            expected=f"on or after {start.isoformat()}",
            found=when.isoformat(),
        )


def evaluate(
    scalars: Any,
    start: date,
    horizon: int,
    *,
    event: str,
    loaded: LoadedQuestion | None = None,
    series: Any = None,
) -> Answer:
    """Answer ``event`` on a run's ``scalars`` whose month 0 is ``start``. ``series`` is a
    callable returning the run's monthly series, read only by "SERIES above X at DATE"."""
    where = _Where(loaded)
    text = " ".join(event.split())
    n = len(scalars)
    condition_mask: np.ndarray | None = None
    condition: dict[str, Any] | None = None
    bins = loaded.question.bins if loaded is not None else None
    binary = True
    if match := _BEFORE.match(text):
        name, when = match.group(1), _parse_date(match.group(2), where)
        _check_date(when, start, where)
        months = _column(scalars, name, where)
        yes = ~np.isnan(months) & (months < months_before(start, when))
    elif match := _IN.match(text):
        name = match.group(1)
        values = _column(scalars, name, where)
        wanted = [w.strip() for w in match.group(2).split(",") if w.strip()]
        codes = _codes(name, wanted, where)
        yes = np.isin(values, codes)
        if match.group(3):
            when = _parse_date(match.group(3), where)
            _check_date(when, start, where)
            month_name = CATEGORY_MONTH.get(name)
            if month_name is None:
                raise where.error(
                    "'by DATE' needs an outcome with a dated month",
                    expected=f"one of {sorted(CATEGORY_MONTH)}",
                    found=name,
                )
            months = _column(scalars, month_name, where)
            yes &= ~np.isnan(months) & (months < months_before(start, when))
    elif match := _LASTS.match(text):
        days = int(match.group(1))
        cease = _column(scalars, "ceasefire_month", where)
        renewed = _column(scalars, "war_renewed_month", where)
        end = add_months(start, horizon)
        # Observed long enough: the ceasefire began at least `days` before the horizon ends.
        starts = [month_date(start, m) for m in cease]
        observable = np.array([s is not None and s + timedelta(days=days) <= end for s in starts])
        lasted = np.array(
            [
                s is not None and (r is None or (r - s).days >= days)
                for s, r in zip(starts, (month_date(start, m) for m in renewed), strict=True)
            ]
        )
        condition_mask = observable
        yes = lasted
        condition = {
            "event": f"a ceasefire begins at least {days} days before the horizon "
            f"ends ({end.isoformat()})"
        }
    elif match := _AT.match(text):
        name, side, threshold = match.group(1), match.group(2), float(match.group(3))
        when = _parse_date(match.group(4), where)
        _check_date(when, start, where)
        month = months_before(start, when)
        if month >= horizon:
            raise where.error(
                "date after the run's horizon",
                expected=f"before {add_months(start, horizon).isoformat()}",
                found=when.isoformat(),
            )
        values = _series_at(scalars, series, name, month, where)
        with np.errstate(invalid="ignore"):
            yes = (values > threshold) if side == "above" else (values < threshold)
        yes &= ~np.isnan(values)
    elif match := _ABOVE.match(text):
        name, side, threshold = match.group(1), match.group(2), float(match.group(3))
        values = _column(scalars, name, where)
        with np.errstate(invalid="ignore"):
            yes = (values > threshold) if side == "above" else (values < threshold)
        yes &= ~np.isnan(values)
    elif (match := _BARE.match(text)) and bins is not None:
        binary = False
        values = _column(scalars, match.group(1), where)
        index = _bin_index(match.group(1), values, bins, start, horizon, where)
    else:
        raise where.error(
            "cannot read the event",
            found=event,
            expected=(
                "'OUTCOME before DATE', 'OUTCOME in {A, B} by DATE', 'peace lasts N days given "
                "ceasefire', 'OUTCOME above X' or, with bins, 'OUTCOME'"
            ),
        )
    if binary:
        if bins is not None and sorted(b.bin for b in bins) != sorted(YES_NO):
            raise where.error("a yes/no event takes no bins (or exactly 'yes' and 'no')", ("bins",))
        index = np.where(yes, 0, 1)
        labels: tuple[str, ...] = YES_NO
    else:
        labels = tuple(b.bin for b in bins or [])
    scored = np.ones(n, dtype=bool) if condition_mask is None else condition_mask
    if condition is not None:
        k = int(scored.sum())
        low, high = wilson(k, n)
        condition.update({"p": k / n if n else None, "low": low, "high": high, "n": k})
        if k == 0:
            raise where.error("no future meets the event's condition", found=condition["event"])
    counts = tuple(int(np.sum(index[scored] == i)) for i in range(len(labels)))
    return Answer(
        text,
        n,
        labels,
        counts,
        int(scored.sum()),
        condition,
        yes=np.asarray(yes, dtype=bool) if binary else None,
    )


def _series_at(scalars: Any, series: Any, name: str, month: int, where: _Where) -> np.ndarray:
    """Per future (in ``scalars`` order): the monthly series ``name`` in month ``month``
    (NaN where a future has no row for that month)."""
    if series is None:
        raise where.error("a series event needs the run's monthly series", found=name)
    table = series()
    reserved = {"experiment", "month", "variant"}
    if name not in table.columns or name in reserved:
        known = sorted(c for c in table.columns if c not in reserved)
        raise where.error("unknown series", expected=f"one of {known}", found=name)
    rows = table[table["month"] == month].set_index("experiment")[name]
    return rows.reindex(scalars["experiment"].to_numpy()).to_numpy(dtype=float)


def _codes(name: str, wanted: list[str], where: _Where) -> list[int]:
    if name != "war_end_type":
        raise where.error(
            "'in {...}' needs a category outcome", expected="war_end_type", found=name
        )
    codes = []
    for label in wanted:
        if label not in END_TYPES:
            raise where.error("unknown category", expected=f"one of {list(END_TYPES)}", found=label)
        codes.append(END_TYPES.index(label))
    return codes


def _bin_index(
    name: str, values: np.ndarray, bins: list[Bin], start: date, horizon: int, where: _Where
) -> np.ndarray:
    """Each future's bin; bins must cover every future exactly once."""
    is_month = name.endswith("_month")
    index = np.full(values.shape, -1)
    missing = np.isnan(values)
    never_bins = [i for i, b in enumerate(bins) if b.never]
    ranges = [(i, b) for i, b in enumerate(bins) if not b.never]
    for i, b in ranges:
        if b.categories is not None:
            raise where.error("'in' bins are not supported for this outcome", ("bins", i))
        low, high = b.start, b.before
        for key, bound in (("from", low), ("before", high)):
            if bound is None:
                continue
            if is_month != isinstance(bound, date):
                raise where.error(
                    "bin bound of the wrong kind",
                    ("bins", i, key),
                    expected="a date" if is_month else "a number",
                    found=str(bound),
                )
            if isinstance(bound, date):
                _check_date(bound, start, where, ("bins", i, key))
    # Ordered, contiguous, open at both ends.
    order = sorted(ranges, key=lambda item: (item[1].start is not None, _key(item[1].start, start)))
    previous: Any = "open"
    for position, (i, b) in enumerate(order):
        if position == 0 and b.start is not None and not (is_month and b.start == start):
            raise where.error(
                "bins do not cover futures below the first bin",
                ("bins", i),
                expected="the first bin without 'from'",
            )
        if position > 0 and b.start != previous:
            raise where.error(
                "bins do not cover: a gap or overlap between bins",
                ("bins", i, "from"),
                expected=str(previous),
                found=str(b.start),
            )
        previous = b.before
    if order and previous is not None:
        raise where.error(
            "bins do not cover futures above the last bin",
            ("bins", order[-1][0]),
            expected="the last bin without 'before'",
        )
    if len(never_bins) > 1:
        raise where.error("more than one 'never' bin", ("bins", never_bins[1]))
    for i, b in ranges:
        lo = -np.inf if b.start is None else _key(b.start, start)
        hi = np.inf if b.before is None else _key(b.before, start)
        inside = ~missing & (values >= lo) & (values < hi)
        index[inside] = i
        if is_month and b.before is None and not never_bins:
            index[missing] = i  # "not before X" includes never (a value has no such bin)
    if never_bins:
        index[missing] = never_bins[0]
    uncovered = int(np.sum(index < 0))
    if uncovered:
        raise where.error(
            "bins do not cover every future",
            ("bins",),
            found=f"{uncovered} futures in no bin (no value: add a 'never' bin)",
        )
    return index


def _key(bound: date | float | None, start: date) -> float:
    if bound is None:
        return -np.inf
    if isinstance(bound, date):
        return float(months_before(start, bound))
    return float(bound)


# ----------------------------------------------------------------------------- scoring


def brier(probs: dict[str, float], resolved: str) -> float:
    """Multi-bin Brier score: sum over bins of (p - outcome)^2; 0 is perfect, 2 the worst."""
    return float(sum((p - (1.0 if label == resolved else 0.0)) ** 2 for label, p in probs.items()))


def log_score(probs: dict[str, float], resolved: str) -> float:
    """Log loss: -ln p(resolved bin), p floored at LOG_FLOOR; 0 is perfect, lower is better."""
    return float(-math.log(max(probs[resolved], LOG_FLOOR)))


# ----------------------------------------------------------------------------- observations


class Observation(SpecModel):
    """A dated fact: a yes/no ``event`` of the run and what was ``observed``, or the sum of a
    monthly ``series`` over [``from``, ``before``) with a bound (``below``/``above``) or a
    ``value`` and its ``tolerance``."""

    id: str
    event: str | None = None
    observed: str | None = None
    series: str | None = None
    start: date | None = Field(default=None, alias="from")
    before: date | None = None
    below: float | None = None
    above: float | None = None
    value: float | None = None
    tolerance: float | None = None
    source: str
    date: date
    url: str | None = None


class Observations(SpecModel):
    as_of: date
    observations: list[Observation]


def load_observations(path: str | os.PathLike[str]) -> tuple[Observations, LoadedQuestion]:
    """Read an observations file; the second value carries its file and lines for errors."""
    from accord.scenario.loader import _validate
    from accord.scenario.yamlsafe import load_yaml

    path = Path(path)
    data, lines = load_yaml(path)
    if isinstance(data, dict):
        for item in data.get("observations") or []:
            if isinstance(item, dict):
                item["observed"] = _label(item.get("observed"))
    observations = _validate(Observations, data, str(path), lines)
    where = LoadedQuestion(
        Question(
            id="observations", title="observations", opened=date.min, closes=date.max, event="-"
        ),
        str(path),
        lines,
    )
    if not observations.observations:
        raise where.error("no observations", ("observations",))
    for i, item in enumerate(observations.observations):
        if item.series is not None:
            if item.event is not None or item.start is None or item.before is None:
                raise where.error(
                    "a series observation needs from and before, no event", ("observations", i)
                )
            bounds = [
                item.below is not None,
                item.above is not None,
                item.value is not None and item.tolerance is not None,
            ]
            if sum(bounds) != 1 or (item.value is None) != (item.tolerance is None):
                raise where.error(
                    "a series observation needs one of below, above, or value with tolerance",
                    ("observations", i),
                )
            if item.tolerance is not None and item.tolerance < 0:
                raise where.error("tolerance below 0", ("observations", i, "tolerance"))
            continue
        if item.event is None:
            raise where.error("an observation needs an event or a series", ("observations", i))
        if item.observed not in YES_NO:
            raise where.error(
                "an observation is yes or no",
                ("observations", i, "observed"),
                expected="yes or no",
                found=item.observed,
            )
    return observations, where


def condition_on(
    scalars: Any,
    start: date,
    horizon: int,
    observations: Observations,
    where: LoadedQuestion,
    series: Any = None,
) -> np.ndarray:
    """The mask of futures that agree with every observation (rejection). ``series`` is a
    callable returning the run's monthly series (read only when an observation needs it)."""
    keep = np.ones(len(scalars), dtype=bool)
    table = None
    for i, item in enumerate(observations.observations):
        located = LoadedQuestion(
            where.question,
            where.file,
            {k[2:] if k[:2] == ("observations", i) else ("_",): v for k, v in where.lines.items()},
        )
        if item.series is not None:
            if table is None:
                table = series()
            keep &= _series_agrees(scalars, table, start, item, located)
        else:
            answer_index = _yes_mask(scalars, start, horizon, str(item.event), located, series)
            keep &= answer_index if item.observed == "yes" else ~answer_index
        if not keep.any():
            raise where.error(
                "no future satisfies the observations (ESS 0)", ("observations", i), found=item.id
            )
    return keep


def _yes_mask(
    scalars: Any, start: date, horizon: int, event: str, located: LoadedQuestion, series: Any = None
) -> np.ndarray:
    text = " ".join(event.split())
    if _LASTS.match(text) or _BARE.match(text):
        raise located.error(
            "an observation needs an unconditional yes/no event", ("event",), found=event
        )
    base = LoadedQuestion(
        Question(id="o", title="o", opened=start, closes=start, event=text),
        located.file,
        located.lines,
    )
    answer = evaluate(scalars, start, horizon, event=text, loaded=base, series=series)
    assert answer.yes is not None
    return answer.yes


def _series_agrees(
    scalars: Any, table: Any, start: date, item: Observation, located: LoadedQuestion
) -> np.ndarray:
    """Per future (in ``scalars`` order): does the window's sum of the series agree?"""
    name = str(item.series)
    if name not in table.columns or name in {"experiment", "month", "variant"}:
        known = sorted(c for c in table.columns if c not in {"experiment", "month", "variant"})
        raise located.error("unknown series", ("series",), expected=f"one of {known}", found=name)
    assert item.start is not None and item.before is not None
    for key, when in (("from", item.start), ("before", item.before)):
        if when < start:
            raise located.error(
                "date before the run's start",
                (key,),
                expected=f"on or after {start.isoformat()}",
                found=when.isoformat(),
            )
    lo, hi = months_before(start, item.start), months_before(start, item.before)
    window = table[(table["month"] >= lo) & (table["month"] < hi)]
    sums = window.groupby("experiment")[name].sum()
    values = sums.reindex(scalars["experiment"].to_numpy(), fill_value=0.0).to_numpy(float)
    if item.below is not None:
        return values < item.below
    if item.above is not None:
        return values > item.above
    assert item.value is not None and item.tolerance is not None
    return np.abs(values - item.value) <= item.tolerance


# ------------------------------------------------------------------------- scores, as of


def score_questions(
    loaded_all: list[LoadedQuestion],
    scalars: Any,
    start: date,
    horizon: int,
    *,
    series: Any = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Scores of accord (the run's ``scalars``) and of each crowd forecast on every resolved
    question; ``as_of`` (a run updated on observations) marks the questions that closed by
    then as hindsight, left out of accord's mean."""
    rows: list[dict[str, Any]] = []
    totals: dict[str, list[float]] = {"accord": []}
    for loaded in loaded_all:
        q = loaded.question
        answer = evaluate(scalars, start, horizon, event=q.event, loaded=loaded, series=series)
        if q.resolution is None:
            continue
        resolved = q.resolution.bin
        probs = answer.probs
        entry: dict[str, Any] = {
            "id": q.id,
            "accord": {
                "probs": probs,
                "brier": brier(probs, resolved),
                "log": log_score(probs, resolved),
            },
            "crowd": [],
            "resolved_bin": resolved,
        }
        if answer.condition is not None:
            entry["condition"] = answer.condition
        if as_of is not None and q.closes <= date.fromisoformat(str(as_of)):
            # The run was conditioned on what happened by then: its score says nothing.
            entry["hindsight"] = True
        else:
            totals["accord"].append(entry["accord"]["brier"])
        for crowd in q.crowd:
            b = brier(crowd.probs, resolved)
            entry["crowd"].append(
                {
                    "source": crowd.source,
                    "date": crowd.date.isoformat(),
                    "brier": b,
                    "log": log_score(crowd.probs, resolved),
                }
            )
            totals.setdefault(crowd.source, []).append(b)
        rows.append(entry)
    mean = {source: (sum(v) / len(v) if v else None) for source, v in totals.items()}
    return {"questions": rows, "mean_brier": mean}


def as_of_answers(
    folder: str | os.PathLike[str],
    scalars: Any,
    start: date,
    horizon: int,
    *,
    series: Any = None,
    variant: str | None = None,
) -> dict[str, Any] | None:
    """The questions in ``folder/questions`` answered as of the seed date (all futures) and as
    of the date of ``folder/observations.yaml`` (the futures that agree with it, by
    rejection, as ``accord update`` keeps them), with the scorecard of the resolved questions
    and the points of a reliability diagram: for the report.

    ``None`` when ``folder`` holds no observations file and questions folder. When no future
    agrees with the observations, the "as of" answers are absent and ``note`` says why.
    """
    observed, questions = Path(folder) / "observations.yaml", Path(folder) / "questions"
    if not observed.is_file() or not questions.is_dir():
        return None
    observations, where = load_observations(observed)
    note = None
    keep: np.ndarray | None
    try:
        keep = condition_on(scalars, start, horizon, observations, where, series=series)
    except ScenarioError as error:
        keep, note = None, str(error)
    loaded_all = load_questions(questions)
    rows = []
    for loaded in loaded_all:
        q = loaded.question
        then = evaluate(scalars, start, horizon, event=q.event, loaded=loaded, series=series)
        now = (
            evaluate(scalars[keep], start, horizon, event=q.event, loaded=loaded, series=series)
            if keep is not None
            else None
        )
        for label, p in then.probs.items():
            rows.append(
                {
                    "id": q.id,
                    "title": q.title,
                    "bin": label,
                    "seed_date": p,
                    "as_of": now.probs[label] if now is not None else None,
                    "condition": then.condition is not None,
                    "resolved": (q.resolution.bin == label) if q.resolution else None,
                }
            )
    card = score_questions(loaded_all, scalars, start, horizon, series=series)
    points = [
        (p, 1.0 if label == entry["resolved_bin"] else 0.0)
        for entry in card["questions"]
        for label, p in entry["accord"]["probs"].items()
    ]
    return {
        "variant": variant,
        "seed_date": start.isoformat(),
        "as_of": observations.as_of.isoformat(),
        "n_futures": len(scalars),
        "ess": int(keep.sum()) if keep is not None else 0,
        "note": note,
        "observations": [o.id for o in observations.observations],
        "rows": rows,
        "scores": card,
        "reliability": points,
    }
