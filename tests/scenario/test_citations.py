"""Stances the sources support: every article citation of every shipped scenario quotes a
passage found verbatim in its article whose sentence names the actor and speaks to the issue;
every other stance is an analyst judgement with a widened range (accord.scenario.citations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.scenario import load_scenario
from accord.scenario.citations import (
    check_scenario,
    mentions_any,
    names_any,
    passage_sentences,
    split_sentences,
)
from accord.scenario.loader import shipped_names
from accord.scenario.schema import Scenario

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


@pytest.mark.parametrize("name", shipped_names())
def test_every_stance_of_every_shipped_scenario_rests_on_a_supporting_source(name: str) -> None:
    scenario = load_scenario(name)
    checks = list(check_scenario(scenario, CORPUS))
    assert len(checks) == 2 * len(scenario.stances)
    failures = [c for c in checks if c.kind == "unsupported" or c.reason]
    assert not failures, "\n".join(f"{c.actor} {c.issue} {c.field}: {c.reason}" for c in failures)


def test_flagship_counts_by_kind_of_source() -> None:
    """docs/scenarios/ukraine-2025.md reports these counts: the docs and the YAML agree."""
    checks = list(check_scenario(load_scenario("ukraine-2025"), CORPUS))
    kinds = [c.kind for c in checks]
    cited = kinds.count("supported") + kinds.count("unsupported")
    row = (
        f"| after | {cited} | {kinds.count('supported')} | {kinds.count('unsupported')} | "
        f"{kinds.count('judgement')} | {len(kinds)} |"
    )
    docs = Path(__file__).resolve().parents[2] / "docs" / "scenarios" / "ukraine-2025.md"
    assert row in docs.read_text(encoding="utf-8"), row


def test_sentences_split_at_missing_spaces_but_not_at_abbreviations() -> None:
    text = (
        "Lt. Gen. Keith Kellogg met U.S. officials. Vice President J.D. Vance spoke."
        "\nWashington and Moscow decide.However, Zelensky refused. Dr. Hartley agrees!"
    )
    assert split_sentences(text) == [
        "Lt. Gen. Keith Kellogg met U.S. officials.",
        "Vice President J.D. Vance spoke.",
        "Washington and Moscow decide.",
        "However, Zelensky refused.",
        "Dr. Hartley agrees!",
    ]


def test_aliases_match_whole_words_and_acronyms_their_case() -> None:
    assert names_any("advocating for russia’s acceptance", ["Russia"]) == "Russia"
    assert names_any("the us and them", ["US"]) is None  # an acronym keeps its case
    assert names_any("the US and them", ["US"]) == "US"
    assert names_any("Russians and Prussians", ["Prussia"]) is None
    assert names_any("the Trump administration said", ["the Trump administration"])
    assert names_any("pro-Russian governments within NATO", ["Hungary", "Budapest"]) is None


def test_keywords_match_word_stems_case_insensitively() -> None:
    assert mentions_any("Putin's agenda for territorial annexation", ["territor"]) == "territor"
    assert mentions_any("Lifting of Sanctions", ["sanction"]) == "sanction"
    assert mentions_any("the landscape of extra-territorial", ["land"]) == "land"
    assert mentions_any("a bland landscape", ["scape"]) is None  # only at a word's start


def test_a_passage_may_span_sentences_and_must_be_verbatim() -> None:
    text = "Britain and France are willing. Discussions about troops continue. Other news."
    assert passage_sentences(text, "willing. Discussions about troops") == [
        "Britain and France are willing.",
        "Discussions about troops continue.",
    ]
    assert passage_sentences(text, "Britain and France are  willing") == [
        "Britain and France are willing."
    ]
    assert passage_sentences(text, "Britain and Germany") is None


def _tiny(source: str, low: float = 40, high: float = 60) -> Scenario:
    return Scenario.model_validate(
        {
            "scenario": {
                "name": "tiny",
                "title": "tiny",
                "sources": [{"id": "a", "title": "Article", "file": "corpus/article.txt"}],
            },
            "issues": [
                {
                    "id": "t",
                    "name": "Territory",
                    "low_means": "a",
                    "high_means": "b",
                    "keywords": ["territor"],
                }
            ],
            "actors": [
                {
                    "id": "UKR",
                    "name": "Ukraine",
                    "aliases": ["Kyiv", "Zelenskyy"],
                    "capability": {"value": 1, "source": "analyst judgement: test"},
                },
                {"id": "HUN", "name": "Hungary", "capability": {"value": 1, "source": "x x x"}},
            ],
            "stances": [
                {
                    "actor": actor,
                    "issue": "t",
                    "position": {"value": 50, "low": low, "high": high, "source": source},
                    "salience": {
                        "value": 0.5,
                        "low": 0.3,
                        "high": 0.7,
                        "source": "analyst judgement: test",
                    },
                }
                for actor in ("UKR", "HUN")
            ],
        }
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "article.txt").write_text(
        "Zelenskyy rejects any loss of territory. Some governments within NATO disagree about "
        "territory.\nKyiv is firm.",
        encoding="utf-8",
    )
    return tmp_path


def test_hand_built_verdicts(corpus: Path) -> None:
    verdicts = {
        (c.actor, c.field): c
        for c in check_scenario(
            _tiny('Article: "Zelenskyy rejects any loss of territory."'), corpus
        )
    }
    assert verdicts[("UKR", "position")].kind == "supported"
    # the same sentence does not name Hungary
    assert verdicts[("HUN", "position")].kind == "unsupported"
    assert "does not name Hungary" in verdicts[("HUN", "position")].reason
    # names Ukraine (by its capital) but does not speak to the issue
    kyiv = {
        (c.actor, c.field): c for c in check_scenario(_tiny('Article: "Kyiv is firm."'), corpus)
    }
    assert "does not speak to t" in kyiv[("UKR", "position")].reason
    missing = list(check_scenario(_tiny('Article: "Zelenskyy accepts everything."'), corpus))
    assert "not found verbatim" in missing[0].reason
    # a judgement must reach 15 points either side (0.15 for salience), clipped to the scale
    narrow = list(check_scenario(_tiny("analyst judgement: a reason", 40, 60), corpus))
    assert "narrower than the judgement rule [35, 65]" in narrow[0].reason
    wide = list(check_scenario(_tiny("analyst judgement: a reason", 35, 65), corpus))
    assert wide[0].kind == "judgement" and wide[0].reason == ""
