"""Scenario discovery with PRIM (Patient Rule Induction Method), peeling phase.

Friedman, J. H. & Fisher, N. I. (1999), "Bump hunting in high-dimensional data", *Statistics and
Computing* 9(2): 123-143, section 2 (top-down peeling). Used for scenario discovery as in Bryant,
B. P. & Lempert, R. J. (2010), "Thinking inside the box", *Technological Forecasting and Social
Change* 77(1): 34-49 (coverage and density).

Starting from the box that holds every experiment, each step considers, for every input, peeling
off the ``alpha`` share of the points in the box with the lowest values, or the highest; it
takes the peel that leaves the highest mean of the target ``y`` in the box (Friedman & Fisher
1999, eq. 6 with the "mean" criterion), and stops when no peel raises the mean or the box would
hold fewer than ``min_support`` of all experiments. Inputs with ties (discrete levers) peel a
whole value at a time. Non-numeric inputs (strings, booleans, categories) peel one option at a
time (Friedman & Fisher 1999, sec. 8).

Pasting (Friedman & Fisher 1999, sec. 2.2), :meth:`PrimResult.paste`, then grows a chosen box
back: peeling removes ``alpha`` of the points at a time, so a box's edges can overshoot. Each
pasting step adds, on one edge of one restricted input, the ``alpha`` share of the box's count
nearest to that edge among the points that lie in the box on every other input (or one dropped
option of a non-numeric input), choosing the paste with the highest mean of ``y``. It stops
when every paste would lower the mean. A paste that keeps the mean is taken (it raises coverage
at the same density; implementations differ here, and scenario discovery values coverage).

``y`` may be binary (the case of interest) or a probability per experiment; coverage is then
the share of the total ``y`` inside the box and density the mean ``y`` inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PrimBox:
    """One box of a peeling trajectory.

    ``limits`` has one row per input (index = input name) with ``low``, ``high`` (in the input's
    units; None for non-numeric inputs, whose kept options are listed in ``kept``) and
    ``restricted`` (the box cuts this input).
    """

    step: int
    coverage: float
    density: float
    support: float
    n_in: int
    limits: pd.DataFrame
    pasted: int = 0  #: pasting steps applied after peeling (see PrimResult.paste)

    def restricted(self) -> pd.DataFrame:
        """Only the inputs the box restricts."""
        return self.limits[self.limits["restricted"]]


@dataclass(frozen=True)
class PrimResult:
    """A whole peeling trajectory.

    ``trajectory`` has one row per step (0 = all experiments): ``coverage``, ``density``,
    ``support``, ``n_in``, ``n_restricted``. ``base_density`` is the mean of ``y`` overall.
    """

    trajectory: pd.DataFrame
    base_density: float
    names: list[str]
    _lows: np.ndarray = field(repr=False)
    _highs: np.ndarray = field(repr=False)
    _kept: list[dict[int, frozenset]] = field(repr=False)
    _global_low: np.ndarray = field(repr=False)
    _global_high: np.ndarray = field(repr=False)
    _categories: dict[str, np.ndarray] = field(repr=False)
    _x: np.ndarray = field(repr=False)
    _y: np.ndarray = field(repr=False)

    def box(self, step: int) -> PrimBox:
        """The box after ``step`` peels."""
        row = self.trajectory.iloc[step]
        return self._box(step, self._lows[step], self._highs[step], self._kept[step],
                         float(row["coverage"]), float(row["density"]), float(row["support"]),
                         int(row["n_in"]))

    def paste(self, step: int, alpha: float = 0.01) -> PrimBox:
        """The box after ``step`` peels, grown back by pasting (see the module docstring).

        ``alpha`` is the share of the box's count added by one paste (smaller than the peeling
        ``alpha``: Friedman & Fisher 1999 sec. 2.2 paste in finer steps than they peel).
        """
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha}")
        x, y = self._x, self._y
        low, high = self._lows[step].copy(), self._highs[step].copy()
        kept = dict(self._kept[step])
        pasted = 0
        while True:
            inside_on = _inside_per_input(x, low, high, kept)
            inside = inside_on.all(axis=1)
            n_in, sum_in = int(inside.sum()), float(y[inside].sum())
            if n_in == 0:
                break
            outside_count = (~inside_on).sum(axis=1)
            best: tuple[float, int] | None = None
            best_move: tuple[int, Any] = (-1, None)
            for d in range(x.shape[1]):
                # Points outside the box on input d only.
                near = (outside_count == 1) & ~inside_on[:, d]
                if not near.any():
                    continue
                for move, added in _pastes(x[:, d], near, low[d], high[d], kept.get(d),
                                           max(1, int(np.ceil(alpha * n_in)))):
                    n_add = int(added.sum())
                    mean = (sum_in + float(y[added].sum())) / (n_in + n_add)
                    if best is None or (mean, n_add) > best:
                        best, best_move = (mean, n_add), (d, move)
            if best is None or best[0] < sum_in / n_in - 1e-12:  # every paste lowers the mean
                break
            d, move = best_move
            if isinstance(move, frozenset):
                kept[d] = kept[d] | move
            elif move[0] == "low":
                low[d] = move[1]
            else:
                high[d] = move[1]
            pasted += 1
        # The loop only stops right after computing ``inside`` for the final limits.
        stats = _record(y, np.asarray(inside), float(y.sum()), 0)
        return self._box(step, low, high, kept, stats["coverage"], stats["density"],
                         stats["support"], stats["n_in"], pasted)

    def _box(self, step: int, low: np.ndarray, high: np.ndarray, kept: dict[int, frozenset],
             coverage: float, density: float, support: float, n_in: int,
             pasted: int = 0) -> PrimBox:
        kept_text: list[str] = []
        low_out: list[object] = []
        high_out: list[object] = []
        restricted = (low > self._global_low) | (high < self._global_high)
        for d, name in enumerate(self.names):
            if name in self._categories:
                codes = sorted(kept[d])
                options = [self._categories[name][c] for c in codes]
                kept_text.append(", ".join(str(o) for o in options))
                low_out.append(None)
                high_out.append(None)
                restricted[d] = kept[d] != self._kept[0][d]
            else:
                kept_text.append("")
                low_out.append(float(low[d]))
                high_out.append(float(high[d]))
        limits = pd.DataFrame(
            {
                "low": low_out,
                "high": high_out,
                "kept": kept_text,
                "restricted": restricted,
            },
            index=pd.Index(self.names, name="input"),
        )
        return PrimBox(step, coverage, density, support, n_in, limits, pasted)

    def select(self, min_coverage: float = 0.5, max_restricted: int | None = None) -> PrimBox:
        """The densest box with coverage >= ``min_coverage`` (ties: fewer peels).

        ``max_restricted`` caps how many inputs the box may restrict: boxes that restrict few
        inputs are the interpretable ones (Bryant & Lempert 2010, sec. 3) and overfit less.
        Falls back to the whole space when no box qualifies.
        """
        traj = self.trajectory
        eligible = traj[traj["coverage"] >= min_coverage]
        if max_restricted is not None:
            eligible = eligible[eligible["n_restricted"] <= max_restricted]
        if eligible.empty:
            return self.box(0)
        return self.box(int(eligible["density"].idxmax()))


def _encode(inputs: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    columns = []
    categories: dict[str, np.ndarray] = {}
    for name in inputs.columns:
        col = inputs[name]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            columns.append(col.to_numpy(dtype=float))
        else:
            codes, uniques = pd.factorize(col, sort=True)
            columns.append(codes.astype(float))
            categories[str(name)] = np.asarray(uniques, dtype=object)
    x = np.column_stack(columns) if columns else np.empty((len(inputs), 0))
    return x, categories


def prim(
    inputs: pd.DataFrame,
    y: np.ndarray | pd.Series,
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
) -> PrimResult:
    """Peel boxes in ``inputs`` toward high values of ``y`` (Friedman & Fisher 1999, sec. 2).

    Parameters
    ----------
    inputs : DataFrame [B, D]
        One column per uncertainty or lever; rows with NaN inputs are dropped.
    y : array [B]
        Target: 0/1 (case of interest) or a value in [0, 1]; NaN is treated as 0.
    alpha : float
        Share of the points in the box peeled at each step (0.05-0.10 in the paper).
    min_support : float
        Smallest share of all experiments a box may hold (the paper's beta_0).

    Returns
    -------
    PrimResult
        Trajectory of boxes; use :meth:`PrimResult.select` to pick one.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    x, categories = _encode(inputs)
    target = np.nan_to_num(np.asarray(y, dtype=float), nan=0.0)
    keep = ~np.isnan(x).any(axis=1)
    x, target = x[keep], target[keep]
    n_total = target.size
    total_y = target.sum()
    min_count = max(1, int(np.ceil(min_support * n_total)))
    global_low = x.min(axis=0) if n_total else np.zeros(x.shape[1])
    global_high = x.max(axis=0) if n_total else np.zeros(x.shape[1])

    is_categorical = np.array([name in categories for name in map(str, inputs.columns)],
                              dtype=bool)
    numeric_dims = np.flatnonzero(~is_categorical)
    categorical_dims = np.flatnonzero(is_categorical)
    inside = np.ones(n_total, dtype=bool)
    lows, highs = [global_low.copy()], [global_high.copy()]
    kept = [{int(d): frozenset(np.unique(x[:, d]).astype(int).tolist())
             for d in categorical_dims}]
    records = [_record(target, inside, total_y, 0)]
    while x.shape[1] and n_total:
        xin, yin = x[inside], target[inside]
        removed, candidates = _candidate_peels(xin, numeric_dims, categorical_dims, alpha)
        m = yin.size
        n_removed = removed.sum(axis=0)
        n_left = m - n_removed
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_left = (yin.sum() - yin @ removed) / n_left
        allowed = (n_removed > 0) & (n_left >= min_count)
        mean_left = np.where(allowed, mean_left, -np.inf)
        if mean_left.size == 0:
            break
        best = int(np.argmax(mean_left))
        if not np.isfinite(mean_left[best]) or mean_left[best] <= yin.mean():
            break
        d, side = candidates[best]
        peeled = removed[:, best]
        new_inside = inside.copy()
        new_inside[np.flatnonzero(inside)[peeled]] = False
        inside = new_inside
        low, high, kept_now = lows[-1].copy(), highs[-1].copy(), dict(kept[-1])
        remaining = xin[~peeled, d]
        if side == "low":
            low[d] = remaining.min()
        elif side == "high":
            high[d] = remaining.max()
        else:
            kept_now[d] = kept_now[d] - {int(side)}
        lows.append(low)
        highs.append(high)
        kept.append(kept_now)
        n_restricted = _n_restricted(low, high, global_low, global_high, kept_now, kept[0])
        records.append(_record(target, inside, total_y, n_restricted))

    trajectory = pd.DataFrame.from_records(records)
    trajectory.index.name = "step"
    return PrimResult(
        trajectory=trajectory,
        base_density=float(target.mean()) if n_total else float("nan"),
        names=[str(c) for c in inputs.columns],
        _lows=np.array(lows),
        _highs=np.array(highs),
        _kept=kept,
        _global_low=global_low,
        _global_high=global_high,
        _categories=categories,
        _x=x,
        _y=target,
    )


def _candidate_peels(
    xin: np.ndarray, numeric_dims: np.ndarray, categorical_dims: np.ndarray, alpha: float
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Masks ``removed[m, C]`` of every candidate peel and their ``(dimension, side)``.

    Numeric inputs: the ``alpha`` lowest or highest points (a whole tied value when the
    quantile cut removes nothing). Categorical inputs: one option at a time (Friedman & Fisher
    1999, sec. 8).
    """
    blocks: list[np.ndarray] = []
    candidates: list[tuple[int, str]] = []
    if numeric_dims.size:
        xn = xin[:, numeric_dims]
        q_low, q_high = np.quantile(xn, [alpha, 1.0 - alpha], axis=0)
        remove_low = xn < q_low
        remove_high = xn > q_high
        empty_low = ~remove_low.any(axis=0)
        empty_high = ~remove_high.any(axis=0)
        remove_low[:, empty_low] = xn[:, empty_low] <= q_low[empty_low]
        remove_high[:, empty_high] = xn[:, empty_high] >= q_high[empty_high]
        blocks += [remove_low, remove_high]
        candidates += [(int(d), "low") for d in numeric_dims]
        candidates += [(int(d), "high") for d in numeric_dims]
    for d in categorical_dims:
        present = np.unique(xin[:, d])
        if present.size < 2:
            continue
        blocks.append(xin[:, d][:, None] == present[None, :])
        candidates += [(int(d), str(int(code))) for code in present]
    if not blocks:
        return np.zeros((xin.shape[0], 0), dtype=bool), []
    return np.concatenate(blocks, axis=1), candidates


def _inside_per_input(
    x: np.ndarray, low: np.ndarray, high: np.ndarray, kept: dict[int, frozenset]
) -> np.ndarray:
    """``inside[n, D]``: point n lies within the box's limits on input d."""
    inside = (x >= low) & (x <= high)
    for d, options in kept.items():
        inside[:, d] = np.isin(x[:, d], list(options))
    return inside


def _pastes(
    values: np.ndarray, near: np.ndarray, low: float, high: float, kept: frozenset | None,
    count: int,
) -> Iterator[tuple[Any, np.ndarray]]:
    """Candidate pastes on one input: ``(move, added mask)``.

    ``near`` marks the points outside the box on this input only. Numeric input: the ``count``
    such points nearest below ``low`` (move ``("low", new low)``) and above ``high``, with
    whole tied values. Non-numeric input: each dropped option (move: the option's code set).
    """
    if kept is not None:
        for code in np.unique(values[near]):
            yield frozenset({int(code)}), near & (values == code)
        return
    below = values[near & (values < low)]
    if below.size:
        new_low = np.sort(below)[::-1][min(count, below.size) - 1]
        yield ("low", float(new_low)), near & (values >= new_low) & (values < low)
    above = values[near & (values > high)]
    if above.size:
        new_high = np.sort(above)[min(count, above.size) - 1]
        yield ("high", float(new_high)), near & (values <= new_high) & (values > high)


def _n_restricted(
    low: np.ndarray,
    high: np.ndarray,
    global_low: np.ndarray,
    global_high: np.ndarray,
    kept: dict[int, frozenset],
    kept_all: dict[int, frozenset],
) -> int:
    cut = (low > global_low) | (high < global_high)
    for d, options in kept.items():
        cut[d] = options != kept_all[d]
    return int(cut.sum())


def _record(target: np.ndarray, inside: np.ndarray, total_y: float, n_restricted: int) -> dict:
    n_in = int(inside.sum())
    y_in = target[inside]
    return {
        "coverage": float(y_in.sum() / total_y) if total_y > 0 else float("nan"),
        "density": float(y_in.mean()) if n_in else float("nan"),
        "support": n_in / target.size if target.size else float("nan"),
        "n_in": n_in,
        "n_restricted": n_restricted,
    }
