"""Issue 20, one answer everywhere: the dashboard's Burden page, `accord burden equilibrium
--format json` and the report's burden rows give the same model, data vintage, backtest
score, Europe's total, each ally's gaps to 2, 3.5 and 5 % and the same sentence on what the
data can tell (the page rendered without a browser; the browser test checks it is shown)."""

from __future__ import annotations

import html
import json

import pytest

from accord.dashboard import data
from accord.dashboard.pages.burden import answer_block, burden_table
from accord.dashboard.widgets import fmt
from accord.workflows.burden_answer import HEADLINE_US_CUT, answer_lines


@pytest.fixture(scope="module")
def cli() -> dict:
    from typer.testing import CliRunner

    from accord.cli import app

    done = CliRunner().invoke(
        app, ["burden", "equilibrium", "--us-cut", str(HEADLINE_US_CUT), "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


@pytest.fixture(scope="module")
def page() -> dict:
    return data.burden_answer(HEADLINE_US_CUT)


@pytest.mark.slow
def test_page_cli_and_report_give_one_answer(cli, page):
    from accord.workflows.evidence import answer_rows

    found = page["answer"]
    for key in ("model_used", "chosen_method", "backtest", "what_the_data_can_tell"):
        assert found[key] == cli[key], key
    europe = next(t for t in cli["totals"] if t["group"] == "European allies")
    e = found["europe"]
    assert (e["pct_gdp"], e["low"], e["high"]) == pytest.approx(
        (europe["pct_gdp"], europe["pct_gdp_p05"], europe["pct_gdp_p95"])
    )
    for target in found["targets_pct_gdp"]:
        assert e[f"gap_to_{target:g}_pp"] == pytest.approx(target - europe["pct_gdp"])
    rows = {r["ally"]: r for r in cli["rows"]}
    assert [a["ally"] for a in found["allies"]] == list(rows)
    for ally in found["allies"]:
        for target in found["targets_pct_gdp"]:
            assert ally[f"gap_to_{target:g}_pp"] == pytest.approx(
                rows[ally["ally"]][f"gap_to_{target:g}_pct_pp"]
            )
    assert cli["provenance"][0]["name"] in found["vintage"]
    assert str(cli["settings"]["year"]) in found["vintage"]

    # the page prints every line of the answer, and each ally's gaps in its table
    lines = answer_lines(found)
    shown = html.unescape(str(answer_block(found)))
    for line in lines:
        assert line in shown
    table = html.unescape(str(burden_table(page["table"])))
    germany = rows["Germany"]
    for target in found["targets_pct_gdp"]:
        assert f"gap to {target:g} % (pp)" in table
        assert f'<td class="num">{fmt(germany[f"gap_to_{target:g}_pct_pp"])}</td>' in table

    # the report's burden rows carry the same lines
    report = [cell for row in answer_rows() for cell in (row["estimate"], row["data"])]
    for line in lines:
        assert line in report
