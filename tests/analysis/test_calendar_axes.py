"""Time axes in calendar months (issue 23: "every face shows dates")."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from accord.analysis.formatting import calendar_axis, month_label
from accord.analysis.summary import fan_bands, is_binary
from accord.dashboard import figures


def test_month_label_counts_calendar_months_from_the_start():
    assert month_label("2025-03-01", 0) == "Mar 2025"
    assert month_label(date(2025, 3, 1), 10) == "Jan 2026"  # across a year end
    assert month_label(date(2025, 1, 31), 1) == "Feb 2025"  # day clamped, not March
    assert month_label(None, 7) == "month 7"


def _tick_texts(axes) -> list[str]:
    axes.figure.canvas.draw()
    return [t.get_text() for t in axes.get_xticklabels() if t.get_text()]


def test_calendar_axis_labels_ticks_as_dates_and_falls_back_to_months():
    axes = Figure().subplots()
    axes.plot(np.arange(24), np.zeros(24))
    calendar_axis(axes, "2025-03-01")
    texts = _tick_texts(axes)
    assert texts and all(t[:3].isalpha() and t[-4:].isdigit() for t in texts), texts
    assert "Mar 2025" in texts
    plain = Figure().subplots()
    calendar_axis(plain, None)
    assert plain.get_xlabel() == "month from start"


def _series(values: np.ndarray) -> pd.DataFrame:
    n, months = values.shape
    return pd.DataFrame(
        {
            "experiment": np.repeat(np.arange(n), months),
            "month": np.tile(np.arange(months), n),
            "at_war": values.ravel(),
        }
    )


def test_a_yes_no_series_is_drawn_as_the_share_of_futures():
    rng = np.random.default_rng(3)
    values = (rng.random((50, 12)) < np.linspace(0.9, 0.2, 12)).astype(float)
    series = _series(values)
    assert is_binary(series["at_war"]) and not is_binary(series["at_war"] * 0.5)
    bands = {"baseline": fan_bands(series, "at_war")}
    figure = figures.fan(bands, "at war", "2025-03-01", binary=True)
    (axes,) = figure.axes
    (line,) = axes.get_lines()
    assert np.allclose(line.get_ydata(), values.mean(axis=0))  # the share, not a quantile
    assert not axes.collections  # no filled bands
    assert "Mar 2025" in _tick_texts(axes)


def test_a_month_outcome_is_drawn_on_the_calendar():
    values = {"baseline": np.array([0.0, 3.0, 14.0, np.nan])}
    figure = figures.distribution(values, "ceasefire", count_nan=True, start="2025-03-01")
    for axes in figure.axes:
        texts = _tick_texts(axes)
        assert texts and all(t[-4:].isdigit() for t in texts), texts


def test_a_run_s_recorded_start_is_its_calendar():
    from accord.dashboard import data

    assert data.scenario_start({"start": "2030-01-01"}) == date(2030, 1, 1)
    assert data.scenario_start({"start": "not a date", "scenario": "nowhere"}) is None
