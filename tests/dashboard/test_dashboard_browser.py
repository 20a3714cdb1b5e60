"""The dashboard in a real browser (Debian's Chromium through Playwright), page by page.

What is checked is what a person sees: the numbers on the Overview are those `accord query`
gives on the same run, every page draws its figure or table, a refused value shows a message,
a run started from the page completes and appears.
"""

from __future__ import annotations

import json
import re
import shutil
import time

import pytest
from conftest import accord, open_page, served, settle

from accord.dashboard.app import fmt

# Every test here drives Chromium against a served dashboard (several seconds each, plus the
# server's start): all are slow.
pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]


def query_value(run_dir, sql: str) -> float:
    done = accord("query", str(run_dir), sql, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    return float(next(iter(rows[0].values())))


def cell(page, key: str, variant: str) -> str:
    return (
        page.locator(f'#headline tr[data-key="{key}"] td[data-variant="{variant}"]')
        .inner_text()
        .splitlines()[0]
    )


def figure_drawn(page, output: str) -> None:
    image = page.locator(f"#{output} img")
    image.wait_for()
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    assert image.evaluate("img => img.naturalWidth") > 300


def test_overview_numbers_match_accord_query(page, dashboard_url, runs_root, screenshots):
    open_page(page, dashboard_url)
    page.screenshot(path=screenshots / "overview.png", full_page=True)
    for variant in ("baseline", "coalition-of-the-willing"):
        run_dir = runs_root / "ukraine-2025" / variant
        p24 = query_value(
            run_dir, "SELECT avg(CASE WHEN ceasefire_month < 24 THEN 1.0 ELSE 0.0 END) FROM scalars"
        )
        holds = query_value(run_dir, "SELECT avg(coalesce(peace_holds_5y, 0)) FROM scalars")
        europe = query_value(run_dir, "SELECT median(aid_total_europe) FROM scalars")
        assert cell(page, "p_ceasefire_24", variant) == f"{100 * p24:.1f} %"
        assert cell(page, "peace_holds_5y", variant) == f"{100 * holds:.1f} %"
        assert cell(page, "aid_total_europe", variant) == f"{europe:.1f}"
    findings = page.locator("p.finding")
    assert findings.count() >= 5
    ceasefire = findings.first.inner_text()
    assert ceasefire.startswith("Ceasefire.")
    assert re.search(r"baseline: \d+\.\d % \(95 % interval \d+\.\d–\d+\.\d %\)", ceasefire)
    interval = page.locator(
        '#headline tr[data-key="p_ceasefire_24"] td[data-variant="baseline"] .range'
    ).inner_text()
    assert interval.startswith("95 % interval")
    # A figure per headline question, and the unit of each row.
    figures = page.locator("figure.question img")
    figures.first.wait_for()
    assert figures.count() == 4
    assert figures.first.get_attribute("src").startswith("data:image/png;base64,")
    unit = page.locator('#headline tr[data-key="aid_total_europe"] td.unit').inner_text()
    assert unit == "EUR bn"


def test_distributions_draw_each_outcome(page, dashboard_url, screenshots):
    open_page(page, dashboard_url, "Distributions")
    figure_drawn(page, "distributions-plot")
    page.select_option("#distributions-outcome", "aid_total_europe")
    settle(page)
    figure_drawn(page, "distributions-plot")
    page.screenshot(path=screenshots / "distributions.png", full_page=True)


def test_over_time_fan_chart(page, dashboard_url, screenshots):
    open_page(page, dashboard_url, "Over time")
    page.select_option("#over_time-series", "front")
    settle(page)
    figure_drawn(page, "over_time-plot")
    page.screenshot(path=screenshots / "over-time.png", full_page=True)


def test_compare_two_variants(page, dashboard_url, runs_root, screenshots):
    open_page(page, dashboard_url, "Compare")
    page.select_option("#compare-a", "ukraine-2025/coalition-of-the-willing")
    page.select_option("#compare-b", "ukraine-2025/baseline")
    settle(page)
    rows = page.locator("#compare tr")
    assert rows.count() > 5
    front = page.locator("#compare tr", has_text="Front at the end of the horizon").first
    texts = front.locator("td").all_inner_texts()
    base = runs_root / "ukraine-2025"
    a = query_value(base / "coalition-of-the-willing", "SELECT avg(front_end) FROM scalars")
    b = query_value(base / "baseline", "SELECT avg(front_end) FROM scalars")
    assert texts[2:5] == [fmt(a), fmt(b), fmt(a - b)]
    assert "…" in texts[5]
    page.screenshot(path=screenshots / "compare.png", full_page=True)
    page.select_option("#compare-b", "ukraine-2025/coalition-of-the-willing")
    settle(page)
    assert "two different runs" in page.locator(".accord-message").inner_text()


def test_levers_and_sensitivity(page, dashboard_url, screenshots):
    open_page(page, dashboard_url, "Levers and sensitivity")
    table = page.locator("#levers")
    assert "us_backstop" in table.inner_text()  # the lever coalition-of-the-willing crosses
    figure_drawn(page, "levers-importance_plot")
    page.screenshot(path=screenshots / "levers.png", full_page=True)


def test_scenario_discovery_boxes(page, dashboard_url, screenshots):
    open_page(page, dashboard_url, "Scenario discovery")
    figure_drawn(page, "discovery-plot")
    box = page.locator("#prim-box").inner_text()
    assert "coverage" in box and "density" in box and "limits" in box
    # The box's checks (issue 25): quasi-p, bootstrap stability and CART, and its limits.
    page.locator("#box-checks").wait_for(timeout=120_000)
    checks = page.locator("#box-checks").inner_text()
    assert "quasi-p" in checks and "resamples" in checks and "CART" in checks
    figure_drawn(page, "discovery-limits")
    page.get_by_role("button", name="Keep this box").click()
    settle(page)
    page.fill("#discovery-step", "1")
    page.locator("#discovery-step").press("Enter")
    settle(page)
    page.get_by_role("button", name="Keep this box").click()
    settle(page)
    kept = page.locator("#kept-boxes tr")
    assert kept.count() == 3  # header + two boxes
    assert kept.nth(2).locator("td").nth(1).inner_text() == "1"
    page.screenshot(path=screenshots / "discovery.png", full_page=True)
    # A threshold that no future passes: a message, no traceback.
    page.fill("#discovery-threshold", "-5")
    page.locator("#discovery-threshold").press("Enter")
    settle(page)
    assert "nothing to discover" in page.locator("#discovery-message").inner_text()
    assert "Traceback" not in page.content()


def test_forecast_explorer_moves_settlements(page, dashboard_url, screenshots):
    open_page(page, dashboard_url, "Forecast explorer")
    page.select_option("#forecast-actor", "RUS")
    page.select_option("#forecast-issue", "territory")
    settle(page)
    from shiny.playwright import controller

    controller.InputSlider(page, "forecast-position").set("10")
    settle(page)
    shifts = page.locator("#settlements tr td:nth-child(4)").all_inner_texts()
    assert len(shifts) == 5
    assert any(float(s) < -1 for s in shifts)  # Russia conceding moves some settlement down
    figure_drawn(page, "forecast-plot")
    page.screenshot(path=screenshots / "forecast-explorer.png", full_page=True)
    page.fill("#forecast-capability", "-3")
    page.locator("#forecast-capability").press("Enter")
    settle(page)
    assert (
        "Capability must be a number of at least 0"
        in page.locator("#forecast-message").inner_text()
    )


def test_burden_every_ally_with_intervals(page, dashboard_url, screenshots):
    from accord.dashboard import data

    open_page(page, dashboard_url, "Burden")
    from shiny.playwright import controller

    controller.InputSlider(page, "burden-cut").set("0.25")
    settle(page)
    both = data.burden_answer(0.25)
    expected = both["table"].set_index("ally")
    shown = page.locator("#burden-answer-lines").inner_text()
    for line in (both["answer"]["what_the_data_can_tell"], both["answer"]["backtest"]):
        assert line in shown
    rows = page.locator("#burden tr")
    assert rows.count() == len(expected) + 1
    germany = page.locator("#burden tr", has_text="Germany").locator("td").all_inner_texts()
    low, high = expected.loc["Germany", ["pct_gdp_p05", "pct_gdp_p95"]]
    assert germany[2] == fmt(expected.loc["Germany", "pct_gdp"])
    assert germany[3] == f"{fmt(low)} – {fmt(high)}"
    figure_drawn(page, "burden-plot")
    page.screenshot(path=screenshots / "burden.png", full_page=True)


def test_new_run_completes_and_appears(page, runs_root, tmp_path, screenshots):
    """A bad value gets a message; a good run starts, shows progress, survives a reload and
    appears under Runs when it is complete."""
    root = tmp_path / "fresh"
    # A folder with one small study, so the other pages have something to open on.
    shutil.copytree(runs_root, root)
    with served(root) as url:
        open_page(page, url, "New run")
        variant = page.locator("#new_run-variant option").all_inner_texts()[-1]
        page.select_option("#new_run-variant", variant)
        page.fill("#new_run-experiments", "0")
        page.get_by_role("button", name="Start the run").click()
        settle(page)
        assert (
            "Experiments must be a whole number from 1 to 20,000"
            in page.locator("#new_run-message").inner_text()
        )
        page.fill("#new_run-experiments", "120")
        page.select_option("#new_run-lever_security_guarantee", "none")
        page.get_by_role("button", name="Start the run").click()
        settle(page)
        assert "Started: dashboard-" in page.locator("#new_run-message").inner_text()
        page.reload()
        page.wait_for_selector("#headline td.num")
        page.get_by_role("tab", name="New run").click()
        jobs = page.locator("#jobs")
        jobs.wait_for()
        deadline = time.monotonic() + 200
        while "complete" not in jobs.inner_text():
            assert "failed" not in jobs.inner_text(), jobs.inner_text()
            assert time.monotonic() < deadline, jobs.inner_text()
            page.wait_for_timeout(1000)
        assert "security_guarantee=none" in jobs.inner_text()
        done = re.search(r"\t([\d,]+) / ([\d,]+)\t", jobs.inner_text())
        # All written; a variant crossing a lever multiplies the 120 design points.
        assert done and done.group(1) == done.group(2)
        assert int(done.group(2).replace(",", "")) % 120 == 0
        page.screenshot(path=screenshots / "new-run.png", full_page=True)
        study = jobs.locator("td").first.inner_text()
        page.wait_for_function(
            f"() => [...document.querySelectorAll('#study option')]"
            f".some(o => o.value === '{study}')"
        )
        page.select_option("#study", study)
        page.get_by_role("tab", name="Overview").click()
        settle(page)
        # The new study's summaries are computed in a worker thread: wait for them to show.
        page.wait_for_selector(f'#headline td[data-variant="{variant}"]', timeout=60_000)
        assert page.locator(f'#headline td[data-variant="{variant}"]').count() > 5


def test_questions_page_answers_over_all_futures(page, dashboard_url, runs_root, screenshots):
    open_page(page, dashboard_url, "Questions")
    settle(page)
    table = page.locator("#answer-baseline tr")
    assert table.count() == 3  # the header, yes and no
    share = query_value(
        runs_root / "ukraine-2025" / "baseline",
        "SELECT avg(coalesce(ceasefire_month < 10, false)::INT) FROM scalars",
    )
    assert table.nth(1).locator("td").nth(1).inner_text() == fmt(share, "probability")
    page.locator("#questions-event").fill("no_such_outcome before 2026-01-01")
    page.locator("#questions-event").press("Enter")
    settle(page)
    assert "The event is refused" in page.locator(".accord-message").first.inner_text()
    page.screenshot(path=screenshots / "questions.png", full_page=True)
