"""The summary's sentences: numbers computed from the tables, intervals around them."""

import re

import numpy as np
import pandas as pd

from accord.analysis.narrative import findings, mean_interval
from accord.analysis.sensitivity import lever_effects


def table(n, rng, *, soon_share, holds):
    months = np.where(rng.uniform(size=n) < soon_share, rng.integers(1, 24, n), np.nan)
    return pd.DataFrame(
        {
            "experiment": np.arange(n),
            "force": rng.choice(["none", "large"], n),
            "ceasefire_month": months,
            # as the engine gives them: defined for every future, and given a ceasefire
            "peace_holds_5y": np.where(np.isnan(months), 0.0, holds),
            "peace_holds_5y_given_ceasefire": np.where(np.isnan(months), np.nan, holds),
            "aid_total_us": np.full(n, 100.0),
            "aid_total_europe": np.full(n, 300.0),
            "escalation_use_of_force_events": (np.arange(n) % 4 == 0).astype(float),
        }
    )


def by_topic(items):
    return {f.topic: f.sentence for f in items}


def test_mean_interval_brackets_the_mean_and_narrows_with_n():
    rng = np.random.default_rng(3)
    small = mean_interval(rng.uniform(size=100) < 0.3, seed=1)
    large = mean_interval(rng.uniform(size=10_000) < 0.3, seed=1)
    for estimate in (small, large):
        assert estimate.low <= estimate.value <= estimate.high
    assert large.high - large.low < (small.high - small.low) / 5
    assert 0.28 < large.value < 0.32


def test_sentences_carry_the_tables_numbers():
    rng = np.random.default_rng(0)
    tables = {
        "baseline": table(2000, rng, soon_share=0.5, holds=0.8),
        "other": table(2000, rng, soon_share=0.9, holds=0.8),
    }
    text = by_topic(findings(tables, n_boot=200))
    for variant, t in tables.items():
        share = (t["ceasefire_month"] < 24).mean()  # months 0-23
        assert f"{variant}: {100 * share:.1f} % (95 % interval" in text["ceasefire"]
    assert (
        "baseline: 80.0 % (in every future alike) once a ceasefire is reached" in text["durability"]
    )
    overall = 0.8 * tables["baseline"]["ceasefire_month"].notna().mean()
    assert f"{100 * overall:.1f} % of all futures" in text["durability"]
    # Europe gives 300 of 400 in every future: a share of 75 % exactly.
    assert "Europe's share 75.0 % (in every future alike)" in text["who pays"]
    assert "baseline: 25.0 % (95 % interval" in text["escalation"]
    # +40 pp more ceasefires in "other": far outside sampling noise.
    ceasefire_change = re.search(
        r"a ceasefire within the horizon ([+−][\d.]+) pp", text["variants"]
    )
    assert ceasefire_change and 35 < float(ceasefire_change.group(1)) < 45
    assert "holding five years (all futures) +" in text["variants"]
    assert "levers" not in text  # no effects given


def test_within_24_months_is_months_0_to_23_by_hand():
    # ceasefires in month indices 0, 23 (the 24th month), 24 (the 25th) and none: 2 of 4.
    tiny = pd.DataFrame({"experiment": np.arange(4), "ceasefire_month": [0.0, 23.0, 24.0, np.nan]})
    text = by_topic(findings({"a": tiny}, n_boot=50))
    assert "— a: 50.0 % (95 % interval" in text["ceasefire"]
    assert "within 24 months, 75.0 % within the horizon" in text["ceasefire"]


def test_no_difference_is_called_noise():
    rng = np.random.default_rng(1)
    tables = {
        "a": table(500, rng, soon_share=0.5, holds=0.7),
        "b": table(500, rng, soon_share=0.5, holds=0.7),
    }
    effects = lever_effects(
        tables["a"].assign(ceasefire_reached=tables["a"]["ceasefire_month"].notna().astype(float)),
        ["force"],
        ["ceasefire_reached"],
        n_boot=200,
    ).assign(variant="a")
    text = by_topic(findings(tables, effects=effects, n_boot=200))
    assert "not distinguishable from sampling noise" in text["variants"]
    assert text["levers"].startswith("No lever option moves a ceasefire within the horizon")


def test_missing_outcomes_leave_their_topic_out():
    only = pd.DataFrame({"experiment": [0, 1], "escalation_use_of_force_events": [0.0, 2.0]})
    topics = [f.topic for f in findings({"v": only}, n_boot=50)]
    assert topics == ["escalation", "how sure"]
