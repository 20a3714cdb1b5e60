"""``text_problem``'s regular-expression fast path against the character loop it skips.

The fast path (issue 21: the loop was 9 ms of the flagship's load) must return None exactly
when the loop finds nothing, and otherwise the loop's own message.
"""

from __future__ import annotations

import random
import re

import pytest

from accord.spec import base
from accord.spec.base import text_problem

_ALWAYS = re.compile("")  # matches every text: the fast path never answers


def _reference(text: str, *, one_line: bool = False) -> str | None:
    """``text_problem`` by its character loop alone (the fast path switched off)."""
    saved = base._SUSPECT, base._ONE_LINE_SUSPECT
    base._SUSPECT = base._ONE_LINE_SUSPECT = _ALWAYS
    try:
        return text_problem(text, one_line=one_line)
    finally:
        base._SUSPECT, base._ONE_LINE_SUSPECT = saved


# Every code point up to U+3000 (controls, Latin, Cyrillic...), every surrogate, and a
# sample of the rest of the planes.
CODES = [
    *range(0x3000),
    *range(0xD700, 0xE100),
    *random.Random(21).sample(range(0x3000, 0x110000), 20_000),
]


@pytest.mark.parametrize("one_line", [False, True])
def test_each_character_alone_and_after_text(one_line: bool) -> None:
    refused = 0
    for code in CODES:
        for text in (chr(code), f"Kyiv {chr(code)} 2025"):
            expected = _reference(text, one_line=one_line)
            assert text_problem(text, one_line=one_line) == expected, hex(code)
            refused += expected is not None
    assert refused > 0  # the refusals were exercised, not only the fast path


def test_first_problem_is_named() -> None:
    text = "ok\tfine\nthen \x1b[31m and \ud800"
    assert text_problem(text) == _reference(text) == "control character U+001B at character 14"
    assert text_problem(text, one_line=True) == "line break at character 8"
    assert text_problem("") is None
