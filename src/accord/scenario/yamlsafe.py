"""Safe YAML reading that remembers the line of every value.

PyYAML's safe loader already refuses ``!!python/*`` tags; on top of it we refuse
duplicate keys, any non-standard tag, files over ``MAX_BYTES`` and documents that expand
to more than ``MAX_NODES`` values (an alias "billion laughs" bomb), and we keep a map
from each value's path (a tuple of keys and indices) to its 1-based line, so that a
schema error can name the line it comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from accord.errors import ScenarioError

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000

Lines = dict[tuple[Any, ...], int]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file, refusing missing, oversized, binary or empty files."""
    name = str(path)
    if not path.is_file():
        raise ScenarioError(name, "file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise ScenarioError(
            name, "file too large", expected=f"at most {max_bytes} bytes", found=f"{size} bytes"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            name, f"not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    if not text.strip():
        raise ScenarioError(name, "file is empty", expected="a YAML mapping")
    return text


def load_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse one YAML document safely; return the data and its path-to-line map."""
    text = read_text(path)
    name = str(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(name, f"malformed YAML: {problem}", line=line) from None
    if node is None:
        raise ScenarioError(name, "file holds no YAML document", expected="a YAML mapping")
    return _Builder(name).build(node)


class _Builder:
    """Turn a composed node tree into plain Python values, recording lines."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: Lines = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node) -> tuple[Any, Lines]:
        return self._value(node, ()), self.lines

    def _value(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise ScenarioError(
                self.file,
                "document expands to too many values (YAML alias bomb?)",
                line=line,
                expected=f"at most {MAX_NODES} values",
            )
        if node.tag not in _STANDARD_TAGS:
            raise ScenarioError(
                self.file,
                "tag not allowed",
                line=line,
                field=_dotted(path),
                expected="plain YAML values",
                found=node.tag,
            )
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._value(key_node, path + ("<key>",))
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise ScenarioError(
                        self.file,
                        "mapping key must be a plain value",
                        line=key_node.start_mark.line + 1,
                        field=_dotted(path),
                    )
                if key in result:
                    raise ScenarioError(
                        self.file,
                        "duplicate key",
                        line=key_node.start_mark.line + 1,
                        field=_dotted(path + (key,)),
                        found=key,
                    )
                result[key] = self._value(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise ScenarioError(
                self.file,
                f"bad value: {getattr(error, 'problem', error)}",
                line=line,
                field=_dotted(path),
            ) from None


def _dotted(path: tuple[Any, ...]) -> str:
    """``('actors', 3, 'capability')`` -> ``actors[3].capability``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "<document>"


def line_of(lines: Lines, path: tuple[Any, ...]) -> int | None:
    """The line of ``path`` or of its nearest recorded ancestor."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


dotted = _dotted
