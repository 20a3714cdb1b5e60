"""The base of every spec read from a file: frozen, closed, strict about numbers and text.

pydantic's lax mode reads ``true`` as 1.0 and ``"50"`` as 50.0; a scenario file that says
either has a typo, not a number, so :class:`SpecModel` refuses both wherever a number is
expected. It also refuses numbers beyond :data:`MAX_MAGNITUDE` (see below), blank sources,
and text that cannot be shown safely (:func:`text_problem`).

This module sits below everything else (it imports only pydantic), so that the experiment
specs, the scenario schema and the simulation and burden sections share one set of rules.
"""

from __future__ import annotations

import math
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

#: Largest magnitude accepted for any number in a scenario file. Why 1e12: the models
#: multiply at most four inputs (capability x salience x squared distance) and sum them over
#: at most MAX_ACTORS actors, and the engine compounds monthly rates over at most 600 months;
#: with inputs below 1e12 every such intermediate stays far below float64's 1.8e308, while
#: the largest real figure in a scenario (a GDP in US$ bn, about 3e4) is eight orders of
#: magnitude below the bound.
MAX_MAGNITUDE = 1e12

#: Fields that name or title a thing: one line of text, no line breaks.
ONE_LINE_FIELDS = frozenset({"id", "name", "title", "actor", "issue"})


#: Every character :func:`text_problem` may refuse (it then names the first one).
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ONE_LINE_SUSPECT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(text: str, *, one_line: bool = False) -> str | None:
    """Why ``text`` cannot be shown as data, or None when it can.

    Refused: lone surrogates (they cannot be encoded, printing them crashes), C0 control
    characters other than tab and line breaks, DEL and C1 controls (ANSI escape sequences
    start with ESC or CSI and would drive the terminal), and line breaks in one-line fields.
    """
    if (_ONE_LINE_SUSPECT if one_line else _SUSPECT).search(text) is None:
        return None  # the common case, without a Python loop over the characters
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


def number_problem(value: Any) -> str | None:
    """Why ``value`` is not an acceptable number, or None."""
    if isinstance(value, bool):
        return f"not a number: found a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"not a number: found text {value[:40]!r} (write numbers without quotes)"
    if _beyond_bound(value):
        shown = (
            f"{value:g}"
            if isinstance(value, float)
            else f"an integer of {len(str(abs(value)))} digits"
        )
        return (
            f"number too large: {shown} is above accord's bound of {MAX_MAGNITUDE:g} "
            "in magnitude (the models would overflow)"
        )
    return None


def _beyond_bound(value: Any) -> bool:
    """A finite number beyond MAX_MAGNITUDE (integers compared exactly: a 400-digit integer
    cannot even be converted to a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False  # NaN and infinity: pydantic's allow_inf_nan=False names them
    return abs(value) > MAX_MAGNITUDE


def _numeric(annotation: Any) -> bool:
    """Whether a field's type is a number (or an optional number, or a tuple of numbers)."""
    if annotation in (float, int):
        return True
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if origin in (typing.Union, types.UnionType, tuple, list):
        return bool(args) and all(_numeric(a) for a in args)
    return False


def _holds_models(annotation: Any) -> bool:
    """Whether a field's type contains spec models (which check their own values, with a
    more precise location than the parent could give)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(a) for a in typing.get_args(annotation))


def _too_large(value: Any) -> bool:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _beyond_bound(value)
    if isinstance(value, list | tuple):
        return any(_too_large(v) for v in value)
    if isinstance(value, dict):
        return any(_too_large(v) for v in value.values())
    return False


def _texts(value: Any) -> typing.Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


#: (model class, field name) -> (a number field, a field holding spec models): a field's
#: type is fixed once its class is built, and reading it for every value was a quarter of
#: the flagship's validation time.
_FIELD_KINDS: dict[tuple[type, str], tuple[bool, bool]] = {}


def _field_kind(cls: type[BaseModel], name: str) -> tuple[bool, bool]:
    kind = _FIELD_KINDS.get((cls, name))
    if kind is None:
        field = cls.model_fields.get(name)
        kind = (False, False)
        if field is not None:
            kind = (_numeric(field.annotation), _holds_models(field.annotation))
        _FIELD_KINDS[(cls, name)] = kind
    return kind


class SpecModel(BaseModel):
    """Frozen, no unknown keys, no NaN or infinity, strict numbers, safe text."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_input(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        numeric, holds_models = _field_kind(cls, name)
        if numeric:
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                problem = number_problem(item)
                if problem:
                    raise ValueError(problem)
        if holds_models:
            return value
        if _too_large(value):
            raise ValueError(
                f"number too large: above accord's bound of {MAX_MAGNITUDE:g} "
                "in magnitude (the models would overflow)"
            )
        for text in _texts(value):
            problem = text_problem(text, one_line=name in ONE_LINE_FIELDS)
            if problem:
                raise ValueError(f"text not allowed: {problem}")
        if (name == "source" or name.endswith("_source")) and isinstance(value, str):
            if not value.strip():
                raise ValueError("a source must say where the number comes from, found blank")
        return value
