"""Safe YAML reading that remembers the line of every value.

PyYAML's safe loader already refuses ``!!python/*`` tags; on top of it we refuse
duplicate keys, any non-standard tag, a standard tag with a value it cannot hold
(``!!int abc``, the date 2025-02-30), files over ``MAX_BYTES``, documents nested deeper than
``MAX_DEPTH`` (PyYAML composes recursively and would hit Python's recursion limit), recursive
aliases (``a: &a [*a]``), documents that expand to more than ``MAX_NODES`` values (an alias
"billion laughs" bomb) and text that cannot be shown as data (control characters, lone
surrogates: :func:`accord.spec.base.text_problem`), and we keep a map
from each value's path (a tuple of keys and indices) to its 1-based line, so that a
schema error can name the line it comes from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.spec.base import text_problem
from accord.spec.errors import ScenarioError
from accord.spec.limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    import yaml

MAX_BYTES = MAX_FILE_BYTES
MAX_NODES = 200_000
#: Deepest nesting of mappings and lists; the shipped scenarios use 6.
MAX_DEPTH = 64

Lines = dict[tuple[Any, ...], int]

_STR = "tag:yaml.org,2002:str"
_YAML12_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")

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
    _import_yaml()
    text = read_text(path)
    name = str(path)
    parser = yaml.SafeLoader if _UNLIKE_LIBYAML.search(text) else _loaded("_EVENT_LOADER")
    try:
        try:
            node = _compose(text, name, parser)
        except yaml.YAMLError:
            if parser is yaml.SafeLoader:
                raise
            # libyaml's messages differ from PyYAML's (and it refuses a few things PyYAML
            # reads, e.g. a surrogate escape that the text check names): a file libyaml
            # refuses is read again by PyYAML's own parser, whose outcome is the answer.
            node = _compose(text, name, yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(name, f"malformed YAML: {problem}", line=line) from None
    if node is None:
        raise ScenarioError(name, "file holds no YAML document", expected="a YAML mapping")
    return _Builder(name).build(node)


def _import_yaml() -> None:
    """Import PyYAML, the first time a YAML text is read (a KTAB CSV or a ``--help`` does
    not read any: 0.012 s, issue 21), and set the module's ``yaml``, ``_EVENT_LOADER``
    (libyaml's event parser when PyYAML was built with it, 17x faster, else PyYAML's own;
    a test may have set it) and ``_RESOLVER``."""
    names = globals()
    if "yaml" in names:
        return
    import yaml

    names.setdefault("_EVENT_LOADER", getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    names["_RESOLVER"] = yaml.SafeLoader("")  # implicit tags, as PyYAML's safe composer
    names["yaml"] = yaml


def _loaded(name: str) -> Any:
    """``_EVENT_LOADER`` or ``_RESOLVER``, once :func:`_import_yaml` has set them."""
    return globals()[name]


def __getattr__(name: str) -> Any:
    if name in ("yaml", "_EVENT_LOADER", "_RESOLVER"):
        _import_yaml()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: What libyaml reads otherwise than PyYAML (found by comparing the two on random texts,
#: tests/scenario/test_yaml_c_loader.py): a tab (PyYAML refuses ``a:<tab>1``), a ``!`` tag
#: (libyaml gives ``!`` on an empty value the empty text, PyYAML null), a block scalar's
#: header followed by ``#`` (PyYAML wants a space), and a last line without a line break
#: (libyaml puts an empty value there on the next line). A file with any of them is read by
#: PyYAML's own parser (the shipped scenarios have none).
_UNLIKE_LIBYAML = re.compile(r"\t|!|[|>][-+0-9]*#|[^\n]\Z")


def _compose(text: str, name: str, loader: Any = None) -> yaml.Node | None:
    """Compose the single document of ``text`` from one pass of parser events.

    Iterative (PyYAML's composer is recursive and would hit Python's recursion limit; the C
    composer recurses on the C stack): nesting deeper than MAX_DEPTH is refused at the
    collection that goes too deep, naming the path of keys and indices. The outcome is
    PyYAML's ``compose`` after a full parse: a syntax or depth error anywhere comes first,
    then the first composer error (undefined alias, duplicate anchor, a second document).
    ``loader`` picks the event parser (default: libyaml's if available).
    """
    _import_yaml()
    # One entry per open collection: [is mapping, nodes completed, last key, node, key node].
    stack: list[list[Any]] = []
    anchors: dict[str, yaml.Node] = {}
    root: yaml.Node | None = None
    failed: yaml.YAMLError | None = None  # the first composer error, raised after the parse
    documents = 0
    tags: dict[tuple[str, Any], str] = {}  # (value, implicit) -> the tag it resolves to
    resolver = _loaded("_RESOLVER")
    for event in yaml.parse(text, Loader=loader or _loaded("_EVENT_LOADER")):
        if isinstance(event, yaml.CollectionEndEvent):
            entry = stack.pop()
            if entry[3] is not None:
                entry[3].end_mark = event.end_mark
            if stack:
                stack[-1][1] += 1
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1 and failed is None and root is not None:
                failed = yaml.composer.ComposerError(
                    "expected a single document in the stream",
                    root.start_mark,
                    "but found another document",
                    event.start_mark,
                )
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            anchors = {}
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        parent = stack[-1] if stack else None
        if parent is not None and parent[0] and parent[1] % 2 == 0:
            parent[2] = getattr(event, "value", "<key>")  # this node is a mapping key
        if isinstance(event, yaml.CollectionStartEvent) and len(stack) >= MAX_DEPTH:
            path = tuple(entry[2] if entry[0] else entry[1] for entry in stack)
            raise ScenarioError(
                name,
                "nested too deeply",
                line=event.start_mark.line + 1,
                field=_dotted(path),
                expected=f"at most {MAX_DEPTH} levels of mappings and lists",
            )
        node = None
        if failed is None and documents == 1:
            node, failed = _node(event, anchors, tags, resolver)
            if node is not None:
                if parent is None:
                    root = node
                elif parent[0]:
                    if parent[4] is None:
                        parent[4] = node
                    else:
                        parent[3].value.append((parent[4], node))
                        parent[4] = None
                else:
                    parent[3].value.append(node)
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([isinstance(event, yaml.MappingStartEvent), 0, None, node, None])
        elif parent is not None:
            parent[1] += 1
    if failed is not None:
        raise failed
    return root


def _node(
    event: Any, anchors: dict[str, yaml.Node], tags: dict[tuple[str, Any], str], resolver: Any
) -> tuple[yaml.Node | None, yaml.YAMLError | None]:
    """The node an event opens (an empty collection), or the composer's error.

    ``tags`` caches the implicit tag of each plain scalar (a scenario repeats its values:
    ``source: judgement``, ``value: 0.5``): the resolver tries a list of regular expressions
    per value, and depends only on the value and its implicit flags."""
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            return None, yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        return anchors[event.anchor], None
    anchor = event.anchor
    if anchor is not None and anchor in anchors:
        return None, yaml.composer.ComposerError(
            f"found duplicate anchor {anchor!r}; first occurrence",
            anchors[anchor].start_mark,
            "second occurrence",
            event.start_mark,
        )
    tag = event.tag
    node: yaml.Node
    if isinstance(event, yaml.ScalarEvent):
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = tags.get(key)
            if tag is None:
                tag = tags[key] = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        # libyaml reports the plain style as "", PyYAML as None.
        node = yaml.ScalarNode(
            tag, event.value, event.start_mark, event.end_mark, style=event.style or None
        )
    else:
        is_seq = isinstance(event, yaml.SequenceStartEvent)
        kind: Any = yaml.SequenceNode if is_seq else yaml.MappingNode
        if tag is None or tag == "!":
            tag = resolver.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
    if anchor is not None:
        anchors[anchor] = node
    return node, None


class _Builder:
    """Turn a composed node tree into plain Python values, recording lines."""

    def __init__(self, file: str) -> None:
        _import_yaml()
        self.file = file
        self.lines: Lines = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")
        self.open: set[int] = set()  # ids of the collections being built (alias cycles)

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
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self.open:
                raise ScenarioError(
                    self.file,
                    "recursive alias (a value that contains itself)",
                    line=line,
                    field=_dotted(path),
                )
            self.open.add(id(node))
            try:
                return self._collection(node, path)
            finally:
                self.open.discard(id(node))
        if node.tag == _STR and node.style is None and _YAML12_FLOAT.match(node.value):
            # PyYAML follows YAML 1.1, where 1e6 and 1.7e308 (no sign after the e) are text;
            # YAML 1.2 and every reader of these files mean numbers.
            return float(node.value)
        try:
            if node.tag == _STR:  # PyYAML's construct_yaml_str, without its bookkeeping
                value = node.value
            else:
                construct = self.constructor.yaml_constructors[node.tag]
                value = construct(self.constructor, node)
        except Exception:  # PyYAML raises ValueError, KeyError... on bad tagged values
            raise ScenarioError(
                self.file,
                f"bad value for {_tag_name(node.tag)}",
                line=line,
                field=_dotted(path),
                found=node.value,
            ) from None
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ScenarioError(
                    self.file, f"text not allowed: {problem}", line=line, field=_dotted(path)
                )
        return value

    def _collection(self, node: yaml.CollectionNode, path: tuple[Any, ...]) -> Any:
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
        return [self._value(item, path + (i,)) for i, item in enumerate(node.value)]


def _tag_name(tag: str) -> str:
    """``tag:yaml.org,2002:int`` -> ``an integer (!!int)``."""
    short = tag.rsplit(":", 1)[-1]
    kinds = {
        "int": "an integer",
        "float": "a number",
        "bool": "a boolean",
        "timestamp": "a date",
        "null": "null",
    }
    return f"{kinds.get(short, short)} (!!{short})"


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


def beside(scenario_path: Path, file_name: Any, field: str, lines: Lines) -> Path:
    """The file ``file_name`` names, refused unless it lies in the scenario's own folder.

    A scenario is shared and run by others: a relative name may go into sub-folders, but an
    absolute path, ``..`` or a symbolic link that leads out of the folder (``/etc/passwd``)
    is refused, so that loading a scenario reads only files that travel with it.
    """
    line = line_of(lines, (field,))
    if not isinstance(file_name, str) or not file_name.strip():
        raise ScenarioError(
            str(scenario_path),
            "must be a file name",
            line=line,
            field=field,
            expected="a file name",
            found=file_name,
        )
    folder = scenario_path.parent.resolve()
    relative = Path(file_name)
    target = (folder / relative).resolve()
    # The scenario's own folder: where its file is named, and (a scenario.yaml that is
    # itself a link) where that file really lies; a link inside either is followed.
    own = (folder, scenario_path.resolve().parent)
    if relative.is_absolute() or not any(target.is_relative_to(place) for place in own):
        raise ScenarioError(
            str(scenario_path),
            "file outside the scenario's folder",
            line=line,
            field=field,
            expected=f"a file inside {folder}",
            found=file_name,
        )
    return folder / relative
