"""The one-pass libyaml reader against the two-pass pure-Python reader it replaced.

The reference below is ``load_yaml`` as it was before issue 21: a depth check over PyYAML's
pure-Python event parser, then ``yaml.compose`` with the pure-Python ``SafeLoader``, then the
same value builder. Every shipped YAML file, every reproducer and a set of error cases (and
mutations of the flagship) must give the same data, the same line map or the same one-line
error in both.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord.scenario import yamlsafe
from accord.spec.errors import ScenarioError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [
        *(REPO / "src/accord/scenarios").rglob("*.yaml"),
        *(REPO / "tests/reliability/repro").glob("*.yaml"),
    ]
)


def _reference_check_depth(text: str, name: str) -> None:
    stack: list[list[Any]] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            if stack:
                stack.pop()
            if stack:
                stack[-1][1] += 1
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        parent = stack[-1] if stack else None
        if parent is not None and parent[0] and parent[1] % 2 == 0:
            parent[2] = getattr(event, "value", "<key>")
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= yamlsafe.MAX_DEPTH:
                path = tuple(entry[2] if entry[0] else entry[1] for entry in stack)
                raise ScenarioError(
                    name,
                    "nested too deeply",
                    line=event.start_mark.line + 1,
                    field=yamlsafe.dotted(path),
                    expected=f"at most {yamlsafe.MAX_DEPTH} levels of mappings and lists",
                )
            stack.append([isinstance(event, yaml.MappingStartEvent), 0, None])
        elif parent is not None:
            parent[1] += 1


def _reference_load(path: Path) -> tuple[Any, yamlsafe.Lines]:
    text = yamlsafe.read_text(path)
    name = str(path)
    try:
        _reference_check_depth(text, name)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(name, f"malformed YAML: {problem}", line=line) from None
    if node is None:
        raise ScenarioError(name, "file holds no YAML document", expected="a YAML mapping")
    return yamlsafe._Builder(name).build(node)


def _outcome(load: Any, path: Path) -> tuple[str, Any]:
    try:
        data, lines = load(path)
    except ScenarioError as error:
        return "error", str(error)
    return "data", (_canonical(data), lines)


def _canonical(value: Any) -> Any:
    """Values with NaN made comparable and types kept (1 != 1.0 != True here)."""
    if isinstance(value, dict):
        return [(_canonical(k), _canonical(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def _same(path: Path) -> tuple[str, Any]:
    new, old = _outcome(yamlsafe.load_yaml, path), _outcome(_reference_load, path)
    assert new == old, path
    return new


def test_libyaml_is_used() -> None:
    """The fast path is the one under test (PyYAML built with libyaml, as pinned)."""
    assert yamlsafe._EVENT_LOADER is yaml.CSafeLoader


@pytest.mark.usefixtures("yaml_parser")  # the one pass over libyaml's and PyYAML's events
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_read_the_same(path: Path) -> None:
    _same(path)


CASES = {
    "deep": "a:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(70)) + "  " * 71 + "x: 1\n",
    "deep_flow": "a: " + "[" * 80 + "]" * 80 + "\n",
    "recursive_alias": "a: &a [1, *a]\n",
    "bomb": "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdef", "bcdefg", strict=True)
    ),
    "duplicate_key": "a: 1\nb:\n  c: 2\n  c: 3\n",
    "undefined_alias": "a: 1\nb: *nope\n",
    "duplicate_anchor": "a: &x 1\nb: &x 2\nc: *x\n",
    "anchors_ok": "a: &x {p: 1}\nb: *x\nc: [*x, *x]\n",
    "two_documents": "a: 1\n---\nb: 2\n",
    "two_documents_then_syntax": "a: *nope\n---\nb: [\n",
    "syntax": "a: [1, 2\nb: 3\n",
    "bad_indent": "a:\n  b: 1\n c: 2\n",
    "tab": "a:\n\tb: 1\n",
    "control_char": "a: b\x07c\n",
    "python_tag": "a: !!python/object:os.system 1\n",
    "custom_tag": "a: !mine 1\n",
    "bad_int": "a: !!int abc\n",
    "bad_date": "a: 2025-02-30\n",
    "floats": "a: 1e6\nb: 1.7e308\nc: '1e6'\nd: .nan\ne: -.inf\nf: 0x1F\ng: yes\n",
    "surrogate": 'a: "\\ud800"\n',
    "null_key": "? [1, 2]\n: 3\n",
    "empty_document": "---\n...\n",
    "comment_only": "# nothing\n",
    "complex_key": "{[1]: 2}: 3\n",
    "explicit_doc": "%YAML 1.1\n---\na: 1\n...\n",
    "nul": "a: b\x00c\n",
    "bom": "\ufeffa: 1\n",
    "crlf": "a: 1\r\nb: [1,\r\n  2]\r\n",
    "tab_in_value": "a: b\tc\n",
    "tab_in_quotes": "a: \"b\tc\"\nb: 'x\ty'\n",
    "tab_in_flow": "d: [1,\t2]\n",
    "tab_after_colon": "a:\t1\n",
    "tab_indent_in_list": "a:\n  -\t1\n",
    "unclosed_quote": "a: 'open\nb: 2\n",
    "bad_escape": 'a: "\\q"\n',
    "colon_in_key": "a: b: c\n",
    "late_syntax_error": "".join(f"k{i}: {i}\n" for i in range(200)) + "x: [\n",
    "directive_twice": "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
}

#: Bytes that are not UTF-8 text: refused before the parse, by either parser alike.
BYTE_CASES = {
    "latin1": "a: caf\xe9\n".encode("latin-1"),
    "utf16": "a: 1\n".encode("utf-16"),
    "binary": b"\xff\xfe\x00binary",
}


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize("name", sorted(CASES))
def test_cases_read_the_same(name: str, tmp_path: Path) -> None:
    """Each protection still holds (the error cases fail, with the reference's line and
    message) and the valid ones give the same values and lines."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    if name == "comment_only":  # read_text's own refusal is not under test; the parse is
        path.write_text("# nothing\n---\n", encoding="utf-8")
    kind, detail = _same(path)
    must_fail = {
        "deep",
        "deep_flow",
        "recursive_alias",
        "bomb",
        "duplicate_key",
        "undefined_alias",
        "duplicate_anchor",
        "two_documents",
        "two_documents_then_syntax",
        "syntax",
        "bad_indent",
        "tab",
        "control_char",
        "python_tag",
        "custom_tag",
        "bad_int",
        "bad_date",
        "surrogate",
        "complex_key",
        "null_key",
        "nul",
        "tab_indent_in_list",
        "tab_after_colon",
        "tab_in_value",
        "tab_in_flow",
        "unclosed_quote",
        "bad_escape",
        "colon_in_key",
        "late_syntax_error",
        "directive_twice",
    }
    assert (kind == "error") == (name in must_fail), detail
    if name in {"syntax", "bad_indent", "tab", "unclosed_quote", "late_syntax_error"}:
        assert "malformed YAML" in detail and f"{name}.yaml:" in detail, detail  # a line


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize("name", sorted(BYTE_CASES))
def test_non_utf8_files_are_refused_the_same(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(BYTE_CASES[name])
    kind, detail = _same(path)
    assert kind == "error" and "not UTF-8" in detail, detail


@pytest.mark.usefixtures("yaml_parser")
def test_protection_messages() -> None:
    """The depth, alias and duplicate-key refusals name what they refuse (not just agree)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, words in [
            ("deep", "nested too deeply"),
            ("recursive_alias", "recursive alias"),
            ("bomb", "too many values"),
            ("duplicate_key", "duplicate key"),
            ("undefined_alias", "undefined alias"),
        ]:
            path = Path(tmp) / f"{name}.yaml"
            path.write_text(CASES[name], encoding="utf-8")
            with pytest.raises(ScenarioError, match=words) as error:
                yamlsafe.load_yaml(path)
            assert error.value.line is not None or name == "bomb"


@pytest.mark.slow
@pytest.mark.usefixtures("yaml_parser")
def test_mutated_flagship_reads_the_same(tmp_path: Path) -> None:
    """Lines deleted, doubled, re-indented or cut in the flagship: same outcome both ways."""
    source = REPO / "src/accord/scenarios/ukraine-2025/scenario.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    rng = random.Random(21)
    path = tmp_path / "mutant.yaml"
    kinds = set()
    for _ in range(25):
        mutant = list(lines)
        i = rng.randrange(len(mutant))
        op = rng.choice(["delete", "double", "indent", "cut", "colon"])
        if op == "delete":
            del mutant[i]
        elif op == "double":
            mutant.insert(i, mutant[i])
        elif op == "indent":
            mutant[i] = " " + mutant[i]
        elif op == "cut":
            mutant[i] = mutant[i][: len(mutant[i]) // 2] + "\n"
        else:
            mutant[i] = mutant[i].replace(":", "", 1)
        path.write_text("".join(mutant), encoding="utf-8")
        kinds.add(_same(path)[0])
    assert kinds == {"data", "error"}  # both outcomes exercised


#: Pieces of YAML syntax, joined at random into short texts (most of them malformed).
PIECES = [
    *("a", "b", ":", ": ", " ", "\n", "  ", "- ", "-", "[", "]", "{", "}", ",", ", "),
    *("&x ", "*x", "&y ", "*y", "'", '"', "#", "? ", "!!int ", "!!str ", "!", "!x "),
    *("1", "1e3", "-1.5", "0x1F", ".inf", "~", "null", "yes", "2025-01-01", "<<: "),
    *("---", "...", "|", ">", "\\", "%", "@", "`", "\t", "\r\n", "\u00e9", "\x85"),
    *("\u2028", "%YAML 1.1\n"),
]


@pytest.mark.usefixtures("yaml_parser")
def test_random_texts_read_the_same(tmp_path: Path) -> None:
    """Short random texts (seeded): same data, lines or error as the reference. This is how
    the texts libyaml reads otherwise than PyYAML (yamlsafe._UNLIKE_LIBYAML) were found."""
    rng = random.Random(2021)
    path = tmp_path / "random.yaml"
    kinds = {"data": 0, "error": 0}
    for _ in range(500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
        path.write_text(text, encoding="utf-8")
        kinds[_same(path)[0]] += 1
    assert min(kinds.values()) > 50, kinds  # both outcomes exercised


def test_the_unusual_texts_go_to_pyyaml() -> None:
    """Each construct libyaml reads otherwise is routed to PyYAML's parser; a plain
    scenario-like text is not."""
    for text in ["a:\t1\n", "a: !x 1\n", "a: |#\n", "a: >-1#\n", "a: 1"]:
        assert yamlsafe._UNLIKE_LIBYAML.search(text), text
    assert not yamlsafe._UNLIKE_LIBYAML.search("a:\n  - {value: 1, source: 'x > y | z'}\n")
