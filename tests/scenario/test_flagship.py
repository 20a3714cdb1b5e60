"""The flagship scenario: its required content, and every quote is really in its article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.scenario import load_scenario

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
REQUIRED_ACTORS = {
    "USA",
    "RUS",
    "UKR",
    "GBR",
    "FRA",
    "DEU",
    "POL",
    "ITA",
    "EU",
    "HUN",
    "CHN",
    "TUR",
}
REQUIRED_ISSUES = {"territory", "nato", "guarantees", "sanctions"}


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario("ukraine-2025")


def test_required_actors_and_issues(scenario) -> None:  # type: ignore[no-untyped-def]
    assert REQUIRED_ACTORS <= set(scenario.actor_ids)
    assert REQUIRED_ISSUES <= set(scenario.issue_ids)


def test_every_stance_is_uncertain_and_sourced(scenario) -> None:  # type: ignore[no-untyped-def]
    titles = {source.title for source in scenario.scenario.sources}
    for stance in scenario.stances:
        for quantity in (stance.position, stance.salience):
            assert quantity.low is not None and quantity.low < quantity.high
            cites_article = any(quantity.source.startswith(title + ": ") for title in titles)
            assert cites_article or quantity.source.startswith("analyst judgement: "), (
                quantity.source
            )


def _quotes(scenario):  # type: ignore[no-untyped-def]
    files = {source.title: Path(source.file).name for source in scenario.scenario.sources}
    quantities = [q for s in scenario.stances for q in (s.position, s.salience)]
    quantities += [i.status_quo for i in scenario.issues if i.status_quo is not None]
    for quantity in quantities:
        for title, file in files.items():
            if quantity.source.startswith(title + ": "):
                quote = quantity.source[len(title) + 2 :]
                yield file, re.sub(r'^"|"$', "", quote)


def test_every_quote_appears_in_its_article(scenario) -> None:  # type: ignore[no-untyped-def]
    quotes = list(_quotes(scenario))
    assert len(quotes) >= 20
    for file, quote in quotes:
        text = " ".join((CORPUS / file).read_text(encoding="utf-8").split())
        assert " ".join(quote.split()) in text, (file, quote)


def test_capabilities_are_data_based(scenario) -> None:  # type: ignore[no-untyped-def]
    for actor in scenario.actors:
        assert "SIPRI" in actor.capability.source or "Kiel" in actor.capability.source
