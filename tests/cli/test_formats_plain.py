"""The table printer's plain path (no rich, issue 21) prints what rich prints, off a terminal.

Generated tables (headers, cells, numbers, a title, a caption and notes of random words, the
terminal 20 to 140 columns wide) are printed twice: through :func:`plain_table` and through
rich (``plain_table`` switched off). Tables the plain path does not take are printed by rich
both times; the shapes below are drawn so that most are taken, and a test checks the plain
path is taken on the forecast's own shape.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cli import formats

RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")

word = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
prose = st.lists(word, min_size=1, max_size=30).map(" ".join)
value = st.one_of(prose, st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))


def _printed(capsys, plain: bool, **table) -> str:
    kept = formats.plain_table
    if not plain:
        formats.plain_table = lambda *a, **k: None
    try:
        formats.print_table(**table)
    finally:
        formats.plain_table = kept
    return capsys.readouterr().out


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text("abcdefgh_", min_size=1, max_size=10), min_size=1, max_size=4, unique=True
    ),
    cells=st.lists(st.lists(value, min_size=4, max_size=4), min_size=1, max_size=5),
    title=st.one_of(st.none(), prose),
    caption=st.one_of(st.none(), prose),
    notes=st.lists(prose, max_size=3),
    columns=st.integers(20, 140),
)
def test_plain_table_prints_what_rich_prints(
    names, cells, title, caption, notes, columns, capsys, monkeypatch
) -> None:
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", str(columns))
    rows = [dict(zip(names, line, strict=False)) for line in cells]
    table = dict(table=rows, names=names, title=title, caption=caption, notes=notes)
    assert _printed(capsys, True, **table) == _printed(capsys, False, **table)


def test_plain_path_taken_for_a_forecast_shaped_table(monkeypatch) -> None:
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    texts = [["Territory", "60.9"], ["Sanctions relief for Russia", "54.1"]]
    rows = [{"issue": a, "compromise": b} for a, b in texts]
    note = "Territory (0-100 points): 0 = Russia withdraws to Ukraine's 1991 borders, " * 2
    out = formats.plain_table(
        rows, ["issue", "compromise"], texts, title="A title", caption="c", notes=[note.strip()]
    )
    assert out is not None and out.count("\n") == 1 + 6 + 1 + 2  # title, table, caption, note


@pytest.mark.parametrize(
    "texts",
    [[["Kyiv \u2014 Kiev", "1"]], [["wide \u4e2d\u6587", "1"]], [["tab\there", "1"]]],
)
def test_plain_path_refuses_what_it_cannot_lay_out(texts, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    rows = [{"a": t[0], "b": t[1]} for t in texts]
    assert formats.plain_table(rows, ["a", "b"], texts) is None


def test_plain_path_refuses_forced_colour(monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert formats.plain_table([{"a": "x"}], ["a"], [["x"]]) is None
