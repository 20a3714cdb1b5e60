"""Does a stance's source support it? Quotes checked against the articles they cite.

A stance (an actor's position or salience on an issue) may cite an article of the scenario's
corpus as ``"<article title>: <quoted passage>"``. The citation supports the stance when

1. the passage is found verbatim in the article (whitespace and straight/curly quotes
   normalised, nothing else),
2. the sentences the passage lies in name the actor, by its name, id or one of its
   ``aliases`` (names, capitals, leaders, officials by which the texts refer to it), and
3. the same sentences speak to the issue: they contain one of the issue's ``keywords``.

Otherwise the stance must be an ``"analyst judgement: <reason>"``, whose range is wider
(:data:`JUDGEMENT_WIDENING`): a judgement is less certain than a reading of a source.

Matching rules (stated here because they decide what counts):

* Sentences: the text is split at line breaks and after ``.``, ``!`` or ``?`` (and any
  closing quotes) when the next word starts with a capital letter or digit, with or without
  a space between ("decide.However" is two sentences in the corpus), except after the
  abbreviations of :data:`ABBREVIATIONS` and single-letter initials ("J.D.", "U.S.").
* Aliases: matched as whole words; an alias in capitals (an acronym such as "US" or "EU")
  must match its case, any other alias matches regardless of case ("russia’s").
* Keywords: matched case-insensitively at the start of a word, so that a stem matches its
  forms ("territor" matches "territory", "territorial").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.scenario.schema import Scenario
from accord.spec.sourced import SourcedNumber

JUDGEMENT = "analyst judgement: "

#: A judgement's range must reach at least this far on each side of its value (clipped to
#: the scale): 15 points of a 0-100 position scale, 0.15 of salience.
JUDGEMENT_WIDENING = {"position": 0.15, "salience": 0.15}

#: Words ending in a period that do not end a sentence (compared in lower case).
ABBREVIATIONS = (
    "u.s.",
    "u.k.",
    "lt.",
    "gen.",
    "dr.",
    "mr.",
    "mrs.",
    "ms.",
    "st.",
    "no.",
    "e.g.",
    "i.e.",
    "vs.",
    "col.",
    "sgt.",
    "prof.",
)

Kind = Literal["supported", "unsupported", "judgement", "other"]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_BOUNDARY = re.compile(r"[.!?]['\"\)\]]*(?=\s*['\"]?[A-Z0-9])")


def normalise(text: str) -> str:
    """One space for every run of whitespace, straight quotes for curly ones."""
    return " ".join(text.translate(_QUOTES).split())


def sentence_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text (lines joined by one space) and the ``(start, end)`` of each of its
    sentences, by the rules of the module docstring."""
    joined = ""
    spans: list[tuple[int, int]] = []
    for raw in text.splitlines():
        line = normalise(raw)
        if not line:
            continue
        offset = len(joined) + (1 if joined else 0)
        joined = f"{joined} {line}" if joined else line
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.end()
            word = line[:end].rsplit(" ", 1)[-1].lstrip("(['\"").rstrip("'\")]").lower()
            if word in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+", word):
                continue  # "U.S.", "J.D.", "Lt. Gen.": not the end of a sentence
            spans.append((offset + start, offset + end))
            start = end + (1 if line[end : end + 1] == " " else 0)
        if start < len(line):
            spans.append((offset + start, offset + len(line)))
    return joined, spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (normalised), by the rules of the module docstring."""
    joined, spans = sentence_spans(text)
    return [joined[start:end].strip() for start, end in spans]


def _pattern(alias: str) -> re.Pattern[str]:
    flags = 0 if alias.isupper() or alias.replace(".", "").isupper() else re.IGNORECASE
    return re.compile(r"(?<![A-Za-z])" + re.escape(normalise(alias)) + r"(?![A-Za-z])", flags)


def names_any(sentence: str, aliases: Iterable[str]) -> str | None:
    """The first alias that ``sentence`` names as a whole word, or None."""
    for alias in aliases:
        if _pattern(alias).search(sentence):
            return alias
    return None


def mentions_any(sentence: str, keywords: Iterable[str]) -> str | None:
    """The first keyword found at the start of a word of ``sentence``, or None."""
    for keyword in keywords:
        if re.search(r"(?<![A-Za-z])" + re.escape(normalise(keyword)), sentence, re.IGNORECASE):
            return keyword
    return None


def passage_sentences(text: str, passage: str) -> list[str] | None:
    """The sentences of ``text`` that the verbatim ``passage`` lies in, or None if it is not
    in the text (first occurrence; whitespace and quote marks normalised)."""
    joined, spans = sentence_spans(text)
    wanted = normalise(passage)
    where = joined.find(wanted) if wanted else -1
    if where < 0:
        return None
    end = where + len(wanted)
    return [joined[a:b].strip() for a, b in spans if a < end and b > where]


@dataclass(frozen=True)
class Check:
    """The verdict on one sourced quantity of a stance."""

    actor: str
    issue: str
    field: Literal["position", "salience"]
    kind: Kind
    reason: str = ""


def check_scenario(scenario: Scenario, corpus: Path) -> Iterator[Check]:
    """Check every stance quantity of ``scenario`` against the articles in ``corpus``.

    ``kind`` is ``"supported"`` (an article citation that passes), ``"unsupported"`` (one
    that fails; ``reason`` says why), ``"judgement"`` (an analyst judgement: ``reason`` is
    empty when its range is wide enough, else says what is missing) or ``"other"`` (a
    dataset or publication outside the corpus).
    """
    articles = {s.title: s for s in scenario.scenario.sources if s.file}
    texts: dict[str, str] = {}
    actors = {a.id: a for a in scenario.actors}
    issues = {i.id: i for i in scenario.issues}
    for stance in scenario.stances:
        actor, issue = actors[stance.actor], issues[stance.issue]
        names = [actor.name, actor.id, *actor.aliases]
        for field in ("position", "salience"):
            quantity: SourcedNumber = getattr(stance, field)
            source = quantity.source
            title = next((t for t in articles if source.startswith(t + ": ")), None)
            if source.startswith(JUDGEMENT):
                low, high = (issue.scale_min, issue.scale_max) if field == "position" else (0, 1)
                reason = _too_narrow(quantity, low, high, JUDGEMENT_WIDENING[field])
                yield Check(stance.actor, stance.issue, field, "judgement", reason)
                continue
            if title is None:
                yield Check(stance.actor, stance.issue, field, "other")
                continue
            file = Path(articles[title].file or "").name
            if file not in texts:
                texts[file] = (corpus / file).read_text(encoding="utf-8")
            passage = source[len(title) + 2 :].strip().strip('"')
            found = passage_sentences(texts[file], passage)
            if found is None:
                reason = f"passage not found verbatim in {file}"
            elif names_any(" ".join(found), names) is None:
                reason = f"its sentence does not name {actor.name} or an alias"
            elif mentions_any(" ".join(found), issue.keywords) is None:
                reason = f"its sentence does not speak to {issue.id} (no keyword)"
            else:
                reason = ""
            yield Check(
                stance.actor, stance.issue, field, "unsupported" if reason else "supported", reason
            )


def _too_narrow(quantity: SourcedNumber, low: float, high: float, share: float) -> str:
    width = share * (high - low)
    need_low = max(low, quantity.point - width)
    need_high = min(high, quantity.point + width)
    have_low, have_high = quantity.bounds
    if have_low <= need_low + 1e-9 and have_high >= need_high - 1e-9:
        return ""
    return (
        f"range [{have_low:g}, {have_high:g}] narrower than the judgement rule "
        f"[{need_low:g}, {need_high:g}]"
    )
