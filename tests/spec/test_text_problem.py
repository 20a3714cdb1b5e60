"""``text_problem``'s regular-expression fast path against the character loop it skips.

The fast path (issue 21: the loop was 9 ms of the flagship's load) must return None exactly
when the loop finds nothing, and otherwise the loop's own message.
"""

from __future__ import annotations

import random

import pytest

from accord.spec.base import text_problem


def _reference(text: str, *, one_line: bool = False) -> str | None:
    """``text_problem`` as it was before the fast path."""
    for index, char in enumerate(text):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return f"lone surrogate U+{code:04X} at character {index + 1}"
        if char in "\t\n\r":
            if one_line and char != "\t":
                return f"line break at character {index + 1}"
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return f"control character U+{code:04X} at character {index + 1}"
    return None


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
