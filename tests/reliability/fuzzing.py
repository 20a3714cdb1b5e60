"""A mutation fuzzer for accord's inputs: scenario files, KTAB files and CLI options.

Each *case* takes one shipped input (a scenario's YAML or CSV file, a KTAB SMP file),
applies one or two mutations to it (a nasty value, a deleted, doubled or re-indented line,
cut or garbled bytes, a changed key, a changed value deep inside the parsed document), then
runs one accord command on it (``validate``, ``forecast`` with few draws, ``burden``,
``run`` with tiny experiments) with options that are themselves sometimes mutated. The
contract it checks, for every case:

* no traceback (nothing on stderr says ``Traceback``);
* exit code 0 or 2 (2 = one-line error; click's usage errors also exit 2);
* no hang (each case has a time limit, enforced with SIGALRM);
* nothing written when the exit code is not 0.

Everything is derived from one seed, so a case is reproducible from its seed and index.
Run it bigger by hand (see ``docs/fuzzing.md``)::

    PYTHONPATH=src python tests/reliability/fuzzing.py --cases 2000 --seed 1
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from reliability_harness import Outcome, invoke  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "src" / "accord" / "scenarios"
KTAB = REPO / "tests" / "validation" / "data" / "ktab_smp"
KTAB_INPUTS = sorted(p for p in KTAB.glob("*.csv") if not p.name.startswith("ktab_smpc_"))

NASTY_TEXT = [
    "",
    "-1",
    "0",
    "1e308",
    "-1.7e308",
    "1e12",
    "1e13",
    "nan",
    ".nan",
    ".inf",
    "-.inf",
    "true",
    "no",
    "'50'",
    '"50"',
    "!!int abc",
    "!!float x",
    "!!bool maybe",
    "!!timestamp x",
    "2025-02-30",
    "[]",
    "{}",
    "null",
    "~",
    "&a [*a]",
    "*undefined",
    '"\\e[2J\\e[31mred"',
    '"\\ud800"',
    '"\\x00"',
    "'[bold]x[/bold]'",
    "'[/x]'",
    "x" * 3000,
    "!!python/object:os.system",
    "!!binary aGVsbG8=",
    "<<: *a",
    "{a: 1, a: 2}",
    "- - - -",
    ": :",
    "'   '",
    "1_000",
    "0x1F",
    "1e-400",
    "9" * 400,
    "'" + "é" * 50 + "'",
    "[" * 100 + "1" + "]" * 100,
]
NASTY_VALUES: list[Any] = [
    True,
    False,
    "50",
    "",
    "   ",
    None,
    -1,
    0,
    -1e-9,
    1e308,
    -1e308,
    1e13,
    1e12,
    0.5,
    100,
    101,
    2**63,
    [],
    {},
    [1, 2],
    {"x": 1},
    "\x1b[31m",
    "[bold]b[/bold]",
    "x" * 2000,
    "nan",
    "2025-02-30",
    "../../secret.yaml",
    "/etc/hostname",
    "simulation.yaml",
    "burden.yaml",
]
# Negative and 64-bit seeds (issue 9: they crashed forecast, run and burden).
WILD_SEEDS = ["-1", str(2**63), str(2**64)]
NASTY_CELLS = [
    "",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-5",
    "abc",
    "\x1b[2J",
    "x" * 2000,
    "101",
    "1e12",
    "0",
    "-0",
    '"',
    ",",
    "50,50",
    "1e-400",
    "\ufeff",
    "true",
]


@dataclass
class Case:
    index: int
    source: str
    mutations: list[str]
    command: list[str]


@dataclass
class Tally:
    tried: int = 0
    ok: int = 0
    clean_errors: int = 0
    tracebacks: list[tuple[Case, str]] = field(default_factory=list)
    hangs: list[Case] = field(default_factory=list)
    bad_codes: list[tuple[Case, int, str]] = field(default_factory=list)
    written_on_error: list[tuple[Case, list[str]]] = field(default_factory=list)
    by_command: Counter = field(default_factory=Counter)

    @property
    def failures(self) -> int:
        return (
            len(self.tracebacks)
            + len(self.hangs)
            + len(self.bad_codes)
            + len(self.written_on_error)
        )

    def summary(self) -> str:
        return (
            f"tried {self.tried}: ok {self.ok}, clean errors {self.clean_errors}, "
            f"tracebacks {len(self.tracebacks)}, hangs {len(self.hangs)}, "
            f"other exit codes {len(self.bad_codes)}, "
            f"written on error {len(self.written_on_error)}; "
            f"commands {dict(sorted(self.by_command.items()))}"
        )

    def report(self, limit: int = 10) -> str:
        lines = [self.summary()]
        for case, text in self.tracebacks[:limit]:
            lines.append(f"TRACEBACK {case}: {text.strip().splitlines()[-1][:300]}")
        for case in self.hangs[:limit]:
            lines.append(f"HANG {case}")
        for case, code, err in self.bad_codes[:limit]:
            lines.append(f"EXIT {code} {case}: {err.strip()[-300:]}")
        for case, files in self.written_on_error[:limit]:
            lines.append(f"WRITTEN {case}: {files[:5]}")
        return "\n".join(lines)


# --- mutations ---------------------------------------------------------------------------


def mutate_lines(text: str, rng: random.Random) -> tuple[str, str]:
    """One line-level mutation of a text file (YAML or CSV)."""
    lines = text.splitlines()
    if not lines:
        return text, "empty"
    i = rng.randrange(len(lines))
    kind = rng.choice(
        [
            "value",
            "value",
            "value",
            "delete",
            "double",
            "swap",
            "indent",
            "truncate",
            "bytes",
            "key",
        ]
    )
    if kind == "value":
        line = lines[i]
        nasty = rng.choice(NASTY_TEXT)
        if ":" in line and not line.lstrip().startswith("#"):
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {nasty}"
        elif "," in line:
            cells = line.split(",")
            cells[rng.randrange(len(cells))] = rng.choice(NASTY_CELLS)
            lines[i] = ",".join(cells)
        else:
            lines[i] = nasty
        return "\n".join(lines) + "\n", f"value line {i + 1} -> {nasty[:30]!r}"
    if kind == "delete":
        del lines[i]
    elif kind == "double":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        lines[i] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[i]
    elif kind == "truncate":
        cut = rng.randrange(len(text) + 1)
        return text[:cut], f"truncate at {cut}"
    elif kind == "bytes":
        junk = rng.choice(["\x00", "\x1b[2J", "\t", "\r", "\ufeff", "\u202e", "\x85", "\\"])
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + junk + lines[i][at:]
    elif kind == "key":
        line = lines[i]
        if ":" in line:
            indent = len(line) - len(line.lstrip())
            lines[i] = (
                " " * indent
                + rng.choice(["origin", "zzz", "id", "- x", "source"])
                + ":"
                + line.split(":", 1)[1]
            )
    return "\n".join(lines) + "\n", f"{kind} line {i + 1}"


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, path + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, path + (index,)))
    return out


def mutate_tree(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One mutation of the parsed YAML document: a nasty value, a deleted key or item, a
    doubled list item. None when the text does not parse (or holds a recursive alias)."""
    try:
        return _mutate_tree(text, rng)
    except (RecursionError, yaml.YAMLError):
        return None


def _mutate_tree(text: str, rng: random.Random) -> tuple[str, str] | None:
    try:
        data = yaml.safe_load(text)
    except Exception:  # PyYAML's own loader fails in many ways on mutated text
        return None
    paths = [p for p in _paths(data) if p]
    if not paths:
        return None
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    kind = rng.choice(["value", "value", "delete", "double"])
    if kind == "value":
        parent[last] = rng.choice(NASTY_VALUES)
    elif kind == "delete":
        del parent[last]
    elif isinstance(parent, list):
        parent.insert(last, parent[last])
    else:
        parent[last] = [parent[last], parent[last]]
    where = ".".join(str(p) for p in path)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True), f"tree {kind} {where[:80]}"


def mutate(text: str, rng: random.Random, yaml_file: bool) -> tuple[str, list[str]]:
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        if yaml_file and rng.random() < 0.5:
            changed = mutate_tree(text, rng)
            if changed is not None:
                text, note = changed
                notes.append(note)
                continue
        text, note = mutate_lines(text, rng)
        notes.append(note)
    return text, notes


# --- cases -------------------------------------------------------------------------------


def _options(rng: random.Random, wild: bool) -> dict[str, str]:
    """Option values: mostly sensible; with ``wild``, sometimes nonsense."""
    draws = rng.choice(["1", "2", "3"])
    rounds = rng.choice([None, None, "1", "3"])
    seed = rng.choice(["0", "7", "20250301"])
    fmt = rng.choice(["table", "json", "csv"])
    if wild:
        draws = rng.choice([draws, "0", "-1", "abc", "1e3", "", "100000000000"])
        rounds = rng.choice([rounds, "0", "-3", "x"])
        seed = rng.choice([seed, "x", "1.5", ""] + WILD_SEEDS)
        fmt = rng.choice([fmt, "xml", ""])
    return {"draws": draws, "rounds": rounds or "", "seed": seed, "format": fmt}


def build_case(index: int, seed: int, root: Path) -> tuple[Case, Path]:
    """Make case ``index`` under ``root``: copy and mutate an input, choose a command."""
    rng = random.Random(f"{seed}:{index}")
    folder = root / f"case{index}"
    kind = rng.choice(["flagship", "flagship", "flagship", "bdm", "ktab", "ktab", "options"])
    wild = kind == "options" or rng.random() < 0.15
    options = _options(rng, wild)
    figure = rng.choice(
        ["none", "none", "none", "fig.png", "fig.pdf", "fig.txt", "missing/fig.png", "fig"]
    )
    work = root / f"work{index}"
    work.mkdir()
    if kind in ("flagship", "options"):
        shutil.copytree(SCENARIOS / "ukraine-2025", folder)
        target = rng.choice(["scenario.yaml", "scenario.yaml", "simulation.yaml", "burden.yaml"])
    elif kind == "bdm":
        shutil.copytree(SCENARIOS / "bdm-1994-emissions", folder)
        target = rng.choice(["scenario.yaml", "positions.csv"])
    else:
        folder.mkdir()
        source = rng.choice(KTAB_INPUTS)
        shutil.copy(source, folder / source.name)
        target = source.name
    path = folder / target
    notes: list[str] = []
    if kind != "options":
        text, notes = mutate(path.read_text(encoding="utf-8-sig"), rng, path.suffix == ".yaml")
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    scenario_arg = str(path) if kind == "ktab" else str(folder)
    big = kind == "ktab" and sum(1 for _ in path.open(errors="replace")) > 45
    models = rng.choice(
        ["compromise", "median,nash", "compromise,median,nash"]
        if big
        else ["all", "compromise", "eum", "smp", "all", "median,eum", "all"]
    )
    if wild:
        models = rng.choice([models, "bogus", "", "all,all", "ALL", "nash,smp"])
    commands = ["validate", "forecast", "forecast"]
    if kind in ("flagship", "options"):
        commands += ["burden"]
        if rng.random() < 0.25:
            commands += ["run"]
    command = rng.choice(commands)
    if command == "validate":
        args = ["validate", scenario_arg]
    elif command == "forecast":
        args = [
            "forecast",
            scenario_arg,
            "--draws",
            options["draws"],
            "--seed",
            options["seed"],
            "--format",
            options["format"],
            "--model",
            models,
            "--figure",
            figure,
        ]
        if options["rounds"]:
            args += ["--rounds", options["rounds"]]
    elif command == "burden":
        game = rng.choice(["equilibrium", "aid"])
        spec = folder / rng.choice(["burden.yaml", "scenario.yaml"])
        args = [
            "burden",
            game,
            "--spec",
            str(spec),
            "--draws",
            rng.choice(["5", "20"]),
            "--format",
            options["format"],
            "--seed",
            options["seed"],
        ]
        if wild:
            args += rng.choice(
                [["--theta-range", "2,1"], ["--theta-range", "x"], ["--draws", "0"], []]
            )
            if game == "equilibrium":
                args += rng.choice(
                    [
                        ["--us-cut", "1.5"],
                        ["--floor", "-1"],
                        ["--floor", "1e308"],
                        ["--leave", "Nowhere"],
                        ["--year", "1900"],
                        ["--threat", "-2"],
                        ["--threat", "1e308"],
                        ["--threat-frontline", "nan"],
                        ["--draws", "100000000"],
                        [],
                    ]
                )
            else:
                args += rng.choice([["--us-aid-stop", "2"], ["--us-aid-stop", "nan"], []])
    else:
        args = [
            "run",
            str(folder),
            "-n",
            rng.choice(["1", "2", "3"]),
            "--no-report",
            "--out",
            "out",
            "--variant",
            rng.choice(["baseline", "nosuch"]),
            "--seed",
            options["seed"],
        ]
    return Case(index, str(path.relative_to(root)), notes, args), work


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def run_case(case: Case, work: Path, root: Path, seconds: int) -> tuple[Outcome | None, bool]:
    """Run one case with a time limit; (outcome, hung)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return invoke(case.command, work, watch=root), False
    except Hang:
        return None, True
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def fuzz(cases: int, seed: int, root: Path, *, seconds: int = 60, progress: bool = False) -> Tally:
    """Run ``cases`` cases from ``seed`` in ``root``; return the tally."""
    tally = Tally()
    started = time.perf_counter()
    for index in range(cases):
        case, work = build_case(index, seed, root)
        outcome, hung = run_case(case, work, root, seconds)
        tally.tried += 1
        tally.by_command[case.command[0]] += 1
        if hung or outcome is None:
            tally.hangs.append(case)
        elif "Traceback" in outcome.stderr:
            tally.tracebacks.append((case, outcome.stderr))
        elif outcome.code not in (0, 2):
            tally.bad_codes.append((case, outcome.code, outcome.stderr))
        elif outcome.code != 0 and outcome.written:
            tally.written_on_error.append((case, outcome.written))
        elif outcome.code == 0:
            tally.ok += 1
        else:
            tally.clean_errors += 1
        if progress and (index + 1) % 100 == 0:
            print(
                f"{index + 1} cases, {time.perf_counter() - started:.0f} s: {tally.summary()}",
                file=sys.stderr,
                flush=True,
            )
    return tally


def main() -> None:
    import tempfile

    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tally = fuzz(args.cases, args.seed, Path(folder), seconds=args.timeout, progress=True)
    print(tally.report(limit=50))
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
