"""The one error type a user sees for bad input."""

from __future__ import annotations

#: Longest text of a found value (and of the message) echoed in an error: a 200 KB value
#: must not become a 200 KB error line.
MAX_ECHO = 120
MAX_MESSAGE = 400


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def printable(text: str) -> str:
    """``text`` safe for one terminal line: control characters, line breaks and lone
    surrogates (which cannot be encoded) are shown as escapes, never sent raw."""
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


class ScenarioError(ValueError):
    """A bad scenario or data file.

    The message names the file, the line (when known), the field, what was expected and
    what was found, in one line, so the CLI can print it as is and exit with code 2.
    """

    def __init__(
        self,
        file: str | None,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
        found: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.expected = expected
        self.found = found
        self.detail = message
        where = file or "<input>"
        if line is not None:
            where += f":{line}"
        parts = [shorten(where, MAX_MESSAGE)]
        if field:
            parts.append(f"field '{shorten(field)}'")
        text = f"{': '.join(parts)}: {shorten(message, MAX_MESSAGE)}"
        if expected is not None:
            text += f" (expected {shorten(expected, MAX_MESSAGE)}"
            text += f", found {shorten(repr(found))})" if found is not None else ")"
        super().__init__(printable(text))
