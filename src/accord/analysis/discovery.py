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

Checks of a box (issue 25, point 4): :func:`quasi_p_values` (one-sided binomial test of each
restriction, Bryant & Lempert 2010 sec. 4), :func:`bootstrap_stability` (how often PRIM on
resampled experiments restricts each input, and where), :func:`cart_box` (the densest leaf of
a scikit-learn decision tree, Breiman et al. 1984, the cross-check Lempert et al. 2008 used),
:func:`box_limits_figure` (restricted against full range, with units) and a warning below a
minimum sample (:data:`MIN_PER_INPUT` experiments per input).
"""

from __future__ import annotations

import warnings as _warnings
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
    #: Warnings about the fit (e.g. too few experiments for the number of inputs).
    warnings: tuple[str, ...] = ()

    def box(self, step: int) -> PrimBox:
        """The box after ``step`` peels."""
        row = self.trajectory.iloc[step]
        return self._box(
            step,
            self._lows[step],
            self._highs[step],
            self._kept[step],
            float(row["coverage"]),
            float(row["density"]),
            float(row["support"]),
            int(row["n_in"]),
        )

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
                for move, added in _pastes(
                    x[:, d], near, low[d], high[d], kept.get(d), max(1, int(np.ceil(alpha * n_in)))
                ):
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
        return self._box(
            step,
            low,
            high,
            kept,
            stats["coverage"],
            stats["density"],
            stats["support"],
            stats["n_in"],
            pasted,
        )

    def _box(
        self,
        step: int,
        low: np.ndarray,
        high: np.ndarray,
        kept: dict[int, frozenset],
        coverage: float,
        density: float,
        support: float,
        n_in: int,
        pasted: int = 0,
    ) -> PrimBox:
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


#: Experiments per input below which PRIM's boxes are flagged (analyst judgement: with fewer
#: than ten points per dimension, peels of 5 % remove a handful of points and chance boxes
#: restrict many inputs; on 60 experiments and 9 inputs PRIM restricted all of them).
MIN_PER_INPUT = 10


def sample_warnings(n: int, inputs: int) -> tuple[str, ...]:
    """The minimum-sample warning of a PRIM fit on ``n`` experiments and ``inputs`` inputs."""
    need = MIN_PER_INPUT * inputs
    if inputs and n < need:
        return (
            f"PRIM on {n} experiments and {inputs} inputs: fewer than {MIN_PER_INPUT} per "
            f"input ({need}); boxes may restrict inputs by chance (check quasi-p values "
            "and bootstrap stability)",
        )
    return ()


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

    is_categorical = np.array([name in categories for name in map(str, inputs.columns)], dtype=bool)
    numeric_dims = np.flatnonzero(~is_categorical)
    categorical_dims = np.flatnonzero(is_categorical)
    inside = np.ones(n_total, dtype=bool)
    lows, highs = [global_low.copy()], [global_high.copy()]
    kept = [{int(d): frozenset(np.unique(x[:, d]).astype(int).tolist()) for d in categorical_dims}]
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
    notes = sample_warnings(n_total, x.shape[1])
    for note in notes:
        _warnings.warn(note, UserWarning, stacklevel=2)
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
        warnings=notes,
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
    values: np.ndarray,
    near: np.ndarray,
    low: float,
    high: float,
    kept: frozenset | None,
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


def _inside(
    x: np.ndarray, low: np.ndarray, high: np.ndarray, kept: dict[int, frozenset]
) -> np.ndarray:
    return np.asarray(_inside_per_input(x, low, high, kept).all(axis=1))


def quasi_p_values(result: PrimResult, step: int) -> pd.Series:
    """One-sided binomial quasi-p value of each restriction of box ``step``.

    For a restricted input, the box without that restriction (every other limit kept) holds
    ``n`` experiments with density ``p``; the box holds ``m`` of them with ``k`` cases. The
    quasi-p value is ``P(Binomial(m, p) >= k)``: how likely the restriction would raise the
    density this much by chance (Bryant & Lempert 2010, sec. 4; "quasi" because the box was
    chosen on the same data). For a probability ``y``, ``k`` is its sum rounded. Index: the
    restricted inputs."""
    from scipy.stats import binom

    box = result.box(step)
    x, y = result._x, result._y
    low, high = result._lows[step], result._highs[step]
    kept = result._kept[step]
    inside = _inside(x, low, high, kept)
    m, k = int(inside.sum()), int(round(float(y[inside].sum())))
    values = {}
    for name in box.restricted().index:
        d = result.names.index(name)
        low_r, high_r, kept_r = low.copy(), high.copy(), dict(kept)
        if d in kept_r:
            kept_r[d] = result._kept[0][d]
        else:
            low_r[d], high_r[d] = result._global_low[d], result._global_high[d]
        relaxed = _inside(x, low_r, high_r, kept_r)
        p = float(y[relaxed].mean()) if relaxed.any() else 0.0
        values[name] = float(binom.sf(k - 1, m, min(max(p, 0.0), 1.0))) if m else 1.0
    return pd.Series(values, name="quasi_p", dtype=float)


def bootstrap_stability(
    inputs: pd.DataFrame,
    y: np.ndarray | pd.Series,
    *,
    replicates: int = 50,
    seed: int = 0,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
    max_restricted: int | None = None,
) -> pd.DataFrame:
    """PRIM on ``replicates`` resamples (with replacement) of the experiments, the box chosen
    by :meth:`PrimResult.select` each time.

    One row per input: ``share_restricted`` (replicates whose box restricts it), and for
    numeric inputs the median and 5-95 % range of the box's ``low`` and ``high`` over the
    replicates that restrict it; plus the replicates' mean ``coverage`` and ``density`` in
    ``attrs``. A restriction found in few replicates is not a stable finding."""
    if replicates < 1:
        raise ValueError(f"replicates must be >= 1, got {replicates}")
    rng = np.random.default_rng(seed)
    target = np.asarray(y, dtype=float)
    n = len(inputs)
    rows: dict[str, list[tuple[float, float]]] = {str(c): [] for c in inputs.columns}
    counts = dict.fromkeys(rows, 0)
    stats = []
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", UserWarning)
        for _ in range(replicates):
            pick = rng.integers(0, n, n)
            fit = prim(
                inputs.iloc[pick].reset_index(drop=True),
                target[pick],
                alpha=alpha,
                min_support=min_support,
            )
            box = fit.select(min_coverage=min_coverage, max_restricted=max_restricted)
            stats.append((box.coverage, box.density))
            for name, limit in box.restricted().iterrows():
                counts[str(name)] += 1
                rows[str(name)].append((limit["low"], limit["high"]))
    out = []
    for name in rows:
        entry: dict[str, Any] = {"input": name, "share_restricted": counts[name] / replicates}
        values = np.array(
            [v for v in rows[name] if v[0] is not None and not pd.isna(v[0])], dtype=float
        ).reshape(-1, 2)
        for j, side in enumerate(("low", "high")):
            column = values[:, j]
            has = column.size > 0
            entry[f"{side}_median"] = float(np.median(column)) if has else float("nan")
            entry[f"{side}_p05"] = float(np.quantile(column, 0.05)) if has else float("nan")
            entry[f"{side}_p95"] = float(np.quantile(column, 0.95)) if has else float("nan")
        out.append(entry)
    table = pd.DataFrame(out).set_index("input")
    table.attrs["coverage"] = float(np.mean([c for c, _ in stats]))
    table.attrs["density"] = float(np.mean([d for _, d in stats]))
    return table


def cart_box(
    inputs: pd.DataFrame,
    y: np.ndarray | pd.Series,
    *,
    max_depth: int = 3,
    min_leaf: float = 0.05,
    seed: int = 0,
) -> dict[str, Any]:
    """The densest leaf of a regression tree on ``y`` (scikit-learn, CART: Breiman et al.
    1984) as a box: ``{"limits": DataFrame low/high/kept per restricted input, "coverage",
    "density", "n_in"}``. Non-numeric inputs are one-hot encoded; a leaf's kept options are
    those its path allows. ``min_leaf`` is the smallest leaf as a share of the experiments
    (as PRIM's ``min_support``)."""
    from sklearn.tree import DecisionTreeRegressor

    target = np.nan_to_num(np.asarray(y, dtype=float), nan=0.0)
    columns: list[np.ndarray] = []
    features: list[tuple[str, Any]] = []  # (input, None) numeric or (input, option)
    for name in inputs.columns:
        col = inputs[name]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            columns.append(col.to_numpy(dtype=float))
            features.append((str(name), None))
        else:
            for option in sorted(col.astype(str).unique()):
                columns.append((col.astype(str) == option).to_numpy(dtype=float))
                features.append((str(name), option))
    x = np.column_stack(columns)
    tree = DecisionTreeRegressor(
        max_depth=max_depth,
        random_state=seed,
        min_samples_leaf=max(1, int(np.ceil(min_leaf * len(x)))),
    )
    tree.fit(x, target)
    leaves = tree.apply(x)
    best = max(
        np.unique(leaves), key=lambda leaf: (target[leaves == leaf].mean(), (leaves == leaf).sum())
    )
    # Walk from the root to the best leaf, collecting the conditions.
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child != -1:
                parent[child] = (node, side)
    limits: dict[str, dict[str, Any]] = {}
    node = int(best)
    while node in parent:
        up, side = parent[node]
        name, option = features[t.feature[up]]
        threshold = float(t.threshold[up])
        entry = limits.setdefault(name, {"low": None, "high": None, "kept": None, "dropped": set()})
        if option is None:
            if side == "le":
                entry["high"] = (
                    threshold if entry["high"] is None else min(entry["high"], threshold)
                )
            else:
                entry["low"] = threshold if entry["low"] is None else max(entry["low"], threshold)
        elif side == "gt":  # the option itself
            entry["kept"] = option
        else:
            entry["dropped"].add(option)
        node = up
    rows = []
    for name, entry in limits.items():
        kept = entry["kept"]
        if kept is None and entry["dropped"]:
            options = sorted(inputs[name].astype(str).unique())
            kept = ", ".join(o for o in options if o not in entry["dropped"])
        rows.append({"input": name, "low": entry["low"], "high": entry["high"], "kept": kept or ""})
    inside = leaves == best
    total = target.sum()
    return {
        "limits": pd.DataFrame(rows, columns=["input", "low", "high", "kept"]).set_index("input"),
        "coverage": float(target[inside].sum() / total) if total else float("nan"),
        "density": float(target[inside].mean()),
        "n_in": int(inside.sum()),
    }


def box_limits_figure(
    box: PrimBox,
    inputs: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    quasi_p: pd.Series | None = None,
) -> Any:
    """The box-limits figure: for each restricted input, its full range (grey) and the box's
    range (colour) on a common 0-1 scale, labelled with the input's name or ``labels[name]``
    (description and unit), the limits in the input's units, and the quasi-p value if given.
    Non-numeric inputs show the kept options. Returns a matplotlib Figure."""
    from matplotlib.figure import Figure

    restricted = box.restricted()
    # A bare Figure, not pyplot: no global backend or figure registry (the dashboard's threads).
    fig = Figure(figsize=(7.5, 0.6 * max(len(restricted), 1) + 1.2))
    ax = fig.subplots()
    for row, (name, limit) in enumerate(restricted.iterrows()):
        label = (labels or {}).get(str(name), str(name))
        ax.barh(row, 1.0, color="0.85", height=0.5)
        col = inputs[name]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if limit["low"] is None or pd.isna(limit["low"]) or not numeric:
            text = f"kept: {limit['kept']}"
            ax.barh(row, 1.0, color="tab:blue", height=0.25)
        else:
            lo, hi = float(col.min()), float(col.max())
            span = hi - lo if hi > lo else 1.0
            a, b = (limit["low"] - lo) / span, (limit["high"] - lo) / span
            ax.barh(row, b - a, left=a, color="tab:blue", height=0.25)
            text = f"{limit['low']:.3g} to {limit['high']:.3g} (of {lo:.3g} to {hi:.3g})"
        if quasi_p is not None and name in quasi_p.index:
            text += f"; quasi-p {quasi_p[name]:.2g}"
        ax.text(1.02, row, text, va="center", fontsize=8)
        ax.text(-0.02, row, label, va="center", ha="right", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_xlabel("share of the input's full range")
    ax.set_title(
        f"box: coverage {box.coverage:.2f}, density {box.density:.2f}, {box.n_in} experiments",
        fontsize=9,
    )
    fig.subplots_adjust(left=0.35, right=0.62)
    return fig


@dataclass(frozen=True)
class BoxChecks:
    """The checks of one PRIM box (:func:`check_box`), as the report and the dashboard show them.

    ``table`` has one row per input the box restricts: ``input``, ``box`` (its limits as text),
    ``quasi_p``, ``share_restricted`` (bootstrap replicates whose box restricts it) and ``cart``
    (the CART leaf's limits on it, or "not used"). ``cart`` also lists the inputs only the tree
    uses (``box`` "not restricted"). ``warnings`` are the minimum-sample warnings and a line per
    restriction that looks like chance (quasi-p above :data:`CHANCE_P` or found in fewer than
    :data:`STABLE_SHARE` of the replicates)."""

    table: pd.DataFrame
    warnings: tuple[str, ...]
    replicates: int
    cart_coverage: float
    cart_density: float

    def shown(self, labels: dict[str, str] | None = None) -> list[dict[str, str]]:
        """``table`` as the faces print it: inputs by ``labels``, quasi-p to two digits
        (blank where the box does not restrict the input), stability as a share."""
        from accord.analysis.formatting import fmt

        said = labels or {}
        return [
            {
                "input": said.get(row.input, row.input),
                "box": row.box,
                "quasi_p": "" if pd.isna(row.quasi_p) else f"{row.quasi_p:.2g}",
                "stability": fmt(row.share_restricted, "probability"),
                "cart": row.cart,
            }
            for row in self.table.itertuples()
        ]


#: A restriction whose quasi-p value is above this is reported as possibly chance (the 5 %
#: level of Bryant & Lempert 2010's illustration; judgement, as theirs).
CHANCE_P = 0.05
#: A restriction found in fewer than this share of bootstrap replicates is reported as unstable
#: (judgement: half the replicates, a coin's chance).
STABLE_SHARE = 0.5


def _limit_text(low: Any, high: Any, kept: Any) -> str:
    if kept:
        return f"one of {kept}"
    low_text = "" if low is None or pd.isna(low) else f"{low:.3g}"
    high_text = "" if high is None or pd.isna(high) else f"{high:.3g}"
    if low_text and high_text:
        return f"{low_text} to {high_text}"
    return f"at least {low_text}" if low_text else f"at most {high_text}"


def check_box(
    result: PrimResult,
    inputs: pd.DataFrame,
    y: np.ndarray | pd.Series,
    step: int,
    *,
    replicates: int = 20,
    seed: int = 0,
    max_restricted: int | None = None,
    labels: dict[str, str] | None = None,
) -> BoxChecks:
    """Quasi-p values, bootstrap stability and the CART cross-check of box ``step`` of
    ``result`` (PRIM on ``inputs`` and ``y``), with the warnings an analyst must see.

    The bootstrap chooses each replicate's box with the same rule the box was chosen by
    (coverage at least the box's own, at most ``max_restricted`` restrictions). The warnings
    name each input by ``labels[name]`` where given."""
    box = result.box(step)
    quasi_p = quasi_p_values(result, step)
    stability = bootstrap_stability(
        inputs,
        y,
        replicates=replicates,
        seed=seed,
        min_coverage=min(box.coverage, 1.0),
        max_restricted=max_restricted,
    )
    leaf = cart_box(inputs, y, seed=seed)
    tree = leaf["limits"]
    rows = []
    notes = list(result.warnings)
    for name, limit in box.restricted().iterrows():
        in_tree = name in tree.index
        share = float(stability.loc[name, "share_restricted"])
        p = float(quasi_p.get(name, float("nan")))
        rows.append(
            {
                "input": str(name),
                "box": _limit_text(limit["low"], limit["high"], limit["kept"]),
                "quasi_p": p,
                "share_restricted": share,
                "cart": _limit_text(*tree.loc[name, ["low", "high", "kept"]])
                if in_tree
                else "not used",
            }
        )
        said = (labels or {}).get(str(name), str(name))
        if p > CHANCE_P:
            notes.append(f"{said}: quasi-p {p:.2g} > {CHANCE_P}: the restriction may be chance")
        if share < STABLE_SHARE:
            notes.append(
                f"{said}: restricted in only {share:.0%} of {replicates} bootstrap replicates"
            )
    for name in tree.index.difference(box.restricted().index):
        limit = tree.loc[name]
        rows.append(
            {
                "input": str(name),
                "box": "not restricted",
                "quasi_p": float("nan"),
                "share_restricted": float(stability.loc[name, "share_restricted"]),
                "cart": _limit_text(limit["low"], limit["high"], limit["kept"]),
            }
        )
    columns = ["input", "box", "quasi_p", "share_restricted", "cart"]
    return BoxChecks(
        table=pd.DataFrame(rows, columns=columns),
        warnings=tuple(notes),
        replicates=replicates,
        cart_coverage=float(leaf["coverage"]),
        cart_density=float(leaf["density"]),
    )
