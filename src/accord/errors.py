"""The one error type a user sees for bad input."""

from __future__ import annotations


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
        parts = [where]
        if field:
            parts.append(f"field '{field}'")
        text = f"{': '.join(parts)}: {message}"
        if expected is not None:
            text += f" (expected {expected}"
            text += f", found {found!r})" if found is not None else ")"
        super().__init__(text)
