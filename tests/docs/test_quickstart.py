"""docs/quickstart.md is a notebook: its ``python`` blocks run in order, in one namespace, and
leave the working directory as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "quickstart.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks() -> list[str]:
    return BLOCK.findall(QUICKSTART.read_text(encoding="utf-8"))


def test_the_quickstart_has_code() -> None:
    assert len(blocks()) >= 8


@pytest.mark.slow
def test_the_quickstart_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "quickstart"}
    for number, code in enumerate(blocks(), start=1):
        exec(compile(code, f"{QUICKSTART.name} block {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "ukraine-2025" in printed and "refused:" in printed and "seed" in printed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_issue_snippet_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    import accord

    s = accord.simulate("ukraine-2025", experiments=500, seed=1)
    rows, columns = s.scalars().shape
    assert rows == sum(len(s.design(v)) for v in s.variants) and rows >= 500 * len(s.variants)
    assert columns > 10
    assert list(tmp_path.iterdir()) == []
