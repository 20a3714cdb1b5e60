"""The HTML report: sections, self-containment, embedded PNGs, atomic write, robustness."""

import base64
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from report_synthetic import make_run, scenario_info

from accord.report import ReportRun, build_report

SECTIONS = [
    "metadata",
    "scenario",
    "provenance",
    "headline",
    "distributions",
    "fan-charts",
    "variants",
    "levers",
    "importance",
    "discovery",
    "skipped",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# The tests of the full report are marked slow: building it takes longer than ~5 s.
@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("report")
    (out_dir / "sub").mkdir()  # the report creates no folder but figures_dir (one level)
    runs = [
        make_run(v, 400, 36, seed=i, shift=0.5 * i)
        for i, v in enumerate(["baseline", "backseat-driver", "coalition-of-the-willing"])
    ]
    path = build_report(
        runs,
        out_dir / "sub" / "report.html",
        title="Synthetic <report>",
        scenario_info=scenario_info(),
        n_boot=100,
        figures_dir=out_dir / "figures",
    )
    return path, path.read_text(encoding="utf-8"), out_dir


def images(html):
    return re.findall(r'<img src="([^"]*)"', html)


@pytest.mark.slow
def test_report_has_every_section(full_report):
    path, html, _ = full_report
    assert path.name == "report.html" and path.exists()
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    for variant in ["baseline", "backseat-driver", "coalition-of-the-willing"]:
        assert variant in html
    assert "Kiel tracker, row 12" in html  # provenance row
    assert "ab" * 8 in html  # scenario hash
    assert "0.1.0+test" in html  # code version


@pytest.mark.slow
def test_report_is_self_contained(full_report):
    _, html, _ = full_report
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link)\b", html)
    assert "@import" not in html and "url(" not in html


@pytest.mark.slow
def test_images_are_embedded_pngs(full_report):
    _, html, out_dir = full_report
    sources = images(html)
    # 11 distributions, 7 fans, 9 lever outcomes, 4 importance, 3 PRIM (one per variant)
    assert len(sources) >= 30
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_SIGNATURE)
    written = sorted((out_dir / "figures").glob("*.png"))
    assert len(written) == len(sources)


@pytest.mark.slow
def test_text_is_escaped(full_report):
    _, html, _ = full_report
    assert "<title>Synthetic &lt;report&gt;</title>" in html
    assert "&lt;b&gt;no&lt;/b&gt;" in html and "<b>no</b>" not in html


@pytest.mark.slow
def test_no_temporary_files_left(full_report):
    path, _, _ = full_report
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def tiny_run(variant="only"):
    scalars = pd.DataFrame(
        {
            "experiment": [0, 1, 2, 3],
            "force": ["none", "large", "none", "large"],
            "ceasefire_month": [6.0, 12.0, np.nan, np.nan],  # 12 = the 13th month
            "months_of_peace": [10.0, 0.0, 0.0, 0.0],
        }
    )
    series = pd.DataFrame(
        {
            "experiment": [0, 0, 1, 1, 2, 2, 3, 3],
            "month": [0, 1] * 4,
            "at_war": [1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    return ReportRun(variant, scalars, series, {"seed": 5})


def test_missing_outcomes_are_skipped_and_said(tmp_path):
    path = build_report(
        [tiny_run()], tmp_path / "r.html", title="tiny", scenario_info={}, n_boot=20
    )
    html = path.read_text(encoding="utf-8")
    skipped = html[html.index('<section id="skipped">') :]
    for missing in [
        "peace_holds_5y",
        "escalation_use_of_force_events",
        "front",
        "aid_us",
        "support_europe",
    ]:
        assert missing in skipped
    from accord.analysis.gsa import MIN_EXPERIMENTS

    assert f"fewer than {MIN_EXPERIMENTS} experiments with a value" in skipped
    assert "Only one variant" in html
    # headline by hand: ceasefires in month indices 6 and 12 (13th month) of 4 futures
    headline = html[html.index('<section id="headline">') : html.index('<section id="distri')]
    assert re.search(r"P\(ceasefire by month 12\).*?25\.0 %", headline, re.S)
    assert re.search(r"P\(ceasefire by month 24\).*?50\.0 %", headline, re.S)
    for src in images(html):
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_SIGNATURE)


def test_no_ceasefire_anywhere_still_renders(tmp_path):
    run = tiny_run()
    scalars = run.scalars.assign(ceasefire_month=np.nan)
    path = build_report(
        [ReportRun("a", scalars, run.series, {}), ReportRun("b", scalars, run.series, {})],
        tmp_path / "r.html",
        title="t",
        scenario_info=None,
        n_boot=20,
    )
    html = path.read_text(encoding="utf-8")
    assert "Outcome distribution of ceasefire_month: no experiment has a value" in html
    assert '<section id="variants">' in html


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous report")
    calls = []

    def failing_replace(src, dst):
        calls.append((Path(src), Path(dst)))
        raise OSError("disk full")

    monkeypatch.setattr("accord.safeio.os.replace", failing_replace)
    from accord.spec.errors import ScenarioError

    with pytest.raises(ScenarioError, match="cannot write: disk full"):  # one line, exit 2
        build_report([tiny_run()], target, title="t", scenario_info={}, n_boot=10)
    assert target.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    ((temp, final),) = calls
    assert temp.parent == final.parent == tmp_path and temp != final


def test_rejects_duplicate_or_no_variants(tmp_path):
    with pytest.raises(ValueError):
        build_report([], tmp_path / "r.html", title="t", scenario_info={})
    with pytest.raises(ValueError, match="unique"):
        build_report(
            [tiny_run("a"), tiny_run("a")], tmp_path / "r.html", title="t", scenario_info={}
        )


def test_number_formatting():
    from accord.report.html import fmt

    assert fmt(0.2534, "probability") == "25.3 %"
    assert fmt(float("nan")) == "–" and fmt(None) == "–"
    assert fmt(1234.5) == "1,234" or fmt(1234.5) == "1,235"
    assert fmt(12.345) == "12.3" and fmt(1.2345) == "1.23" and fmt(0.12345) == "0.123"
    assert fmt(3.0) == "3.00" and fmt(0) == "0"
    assert fmt("large") == "large"


def test_variants_with_different_columns_and_empty_series(tmp_path):
    first = tiny_run("first")
    second = ReportRun(
        "second", first.scalars.drop(columns=["months_of_peace"]), first.series.iloc[0:0], {}
    )
    path = build_report(
        [first, second], tmp_path / "r.html", title="t", scenario_info={}, n_boot=20
    )
    html = path.read_text(encoding="utf-8")
    variants = html[html.index('<section id="variants">') : html.index('<section id="levers">')]
    assert "second − first" in variants
    assert "Ceasefire within the horizon" in variants
    assert "Months of peace" not in variants  # nothing to compare it with
    for src in images(html):
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_SIGNATURE)


@pytest.mark.slow
def test_report_answers_first(full_report):
    """Summary, then the headline table; the scenario's tables and run metadata at the end."""
    _, html, _ = full_report
    order = [m.group(1) for m in re.finditer(r'<section id="([^"]+)">', html)]
    assert order[:2] == ["summary", "headline"]
    assert order[-3:] == ["scenario", "provenance", "metadata"]
    scenario = html[html.index('<section id="scenario">') :]
    assert re.search(
        r"<details><summary>Table of the 3 uncertainties</summary>\s*<table>", scenario
    )


@pytest.mark.slow
def test_summary_answers_in_sentences_with_intervals(full_report):
    _, html, _ = full_report
    summary = html[html.index('<section id="summary">') : html.index('<section id="headline">')]
    topics = re.findall(r'data-topic="([^"]+)"', summary)
    assert topics == [
        "ceasefire",
        "durability",
        "who pays",
        "escalation",
        "variants",
        "levers",
        "how sure",
    ]
    paragraphs = dict(
        re.findall(r'<p class="finding" data-topic="([^"]+)">(.*?)</p>', summary, re.S)
    )
    for topic in ["ceasefire", "durability", "who pays", "escalation"]:
        assert re.search(r"\d+\.\d % \(95 % interval \d+\.\d–\d+\.\d %\)", paragraphs[topic])
        for variant in ["baseline", "backseat-driver", "coalition-of-the-willing"]:
            assert variant + ":" in paragraphs[topic]
    assert re.search(r"[+−]\d+\.\d pp \([+−]\d+\.\d pp … [+−]\d+\.\d pp\)", paragraphs["variants"])
    assert "reassurance_force = large instead of none" in paragraphs["levers"]


@pytest.mark.slow
def test_the_report_creates_no_folder_and_refuses_a_fifo(tmp_path) -> None:
    import os
    import stat

    from accord.spec.errors import ScenarioError

    with pytest.raises(ScenarioError, match="does not exist"):
        build_report(
            [tiny_run()], tmp_path / "missing" / "r.html", title="t", scenario_info={}, n_boot=10
        )
    fifo = tmp_path / "r.html"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        build_report([tiny_run()], fifo, title="t", scenario_info={}, n_boot=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


@pytest.mark.slow
def test_discovery_shows_the_checks_of_its_box(full_report):
    path, html, out_dir = full_report
    discovery = html[html.index('id="discovery"') : html.index('id="skipped"')]
    assert "Is the box a finding?" in discovery
    assert "Quasi-p" in discovery and "CART" in discovery
    assert (out_dir / "figures" / "prim_limits_baseline.png").read_bytes()[:8] == PNG_SIGNATURE
    assert "prim_limits_backseat-driver" not in "".join(
        p.name for p in (out_dir / "figures").iterdir()
    )
