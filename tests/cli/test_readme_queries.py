"""The README's query examples give the numbers their comments claim (issue 9, item 7).

The README's `accord run`, `accord query` and `accord compare` lines are run as written, on a
small run (fewer experiments, a temporary folder), and each query's answer is checked against
the number its comment names, computed independently from the run's scalars with pandas.
"""

import io
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.store.runs import open_run

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


def ceasefire_share(s):
    return s["ceasefire_month"].notna().mean()


def holds_all_futures(s):
    # by hand: S(60) where a ceasefire is reached, 0 where it is not, over all futures
    reached = s["ceasefire_month"].notna()
    return np.where(reached, s["peace_holds_5y_given_ceasefire"], 0.0).sum() / len(s)


def holds_given_ceasefire(s):
    reached = s["ceasefire_month"].notna()
    return s.loc[reached, "peace_holds_5y_given_ceasefire"].mean()


#: words of the comment above a query -> the number it claims
CLAIMS = {
    "Share of all futures with a ceasefire": ceasefire_share,
    "Share of all futures in which a ceasefire is reached and holds five years": holds_all_futures,
    "once a ceasefire is reached": holds_given_ceasefire,
}


def readme_commands():
    """(comment above, argv) of every `accord ...` line in the README's tour."""
    commands, comment = [], ""
    for line in README.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped
        elif stripped.startswith("accord "):
            argv = shlex.split(stripped.split(" #")[0])[1:]
            commands.append((comment, argv))
            comment = ""
    return commands


def test_the_readme_has_the_query_examples_this_test_checks():
    queries = [comment for comment, argv in readme_commands() if argv[0] == "query"]
    assert len(queries) == len(CLAIMS)
    for claim in CLAIMS:
        assert sum(claim in comment for comment in queries) == 1, claim


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    # the tour's main run (other `accord run` lines show options such as --scheduler)
    (run_argv,) = [
        argv for _, argv in readme_commands() if argv[0] == "run" and "--experiments" in argv
    ]
    out = tmp_path_factory.mktemp("readme") / "ukraine-2025"
    argv = [*run_argv]
    argv[argv.index("--experiments") + 1] = "300"  # small, same command otherwise
    argv[argv.index("--out") + 1] = str(out)
    (compare,) = [argv for _, argv in readme_commands() if argv[0] == "compare"]
    for variant in (Path(path).name for path in compare[1:3]):  # the variants it compares
        argv += ["--variant", variant]
    argv += ["--no-report"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    return out


def _in(argv, out):
    return [arg.replace("out/ukraine-2025", str(out)) for arg in argv]


def test_each_readme_query_gives_the_number_its_comment_claims(small_run):
    scalars = open_run(small_run / "baseline").scalars()
    assert 0 < ceasefire_share(scalars) < 1  # both kinds of future, so the claims differ
    assert holds_all_futures(scalars) < holds_given_ceasefire(scalars)
    checked = 0
    for comment, argv in readme_commands():
        if argv[0] != "query":
            continue
        result = runner.invoke(app, [*_in(argv, small_run), "--format", "csv"])
        assert result.exit_code == 0, result.output
        answer = pd.read_csv(io.StringIO(result.stdout)).iloc[0, 0]
        (claim,) = [claim for claim in CLAIMS if claim in comment]
        assert answer == pytest.approx(CLAIMS[claim](scalars), rel=1e-12), comment
        checked += 1
    assert checked == len(CLAIMS)


def test_the_readme_compare_line_agrees_with_the_query(small_run):
    (argv,) = [argv for _, argv in readme_commands() if argv[0] == "compare"]
    result = runner.invoke(app, [*_in(argv, small_run), "--bootstrap", "200", "-f", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout)).set_index(["outcome", "statistic"])
    baseline = open_run(small_run / "baseline").scalars()
    # defined for every future: one row, over all futures, no "share observed" row
    assert table.loc[("peace_holds_5y", "mean"), "mean_a"] == pytest.approx(
        holds_all_futures(baseline)
    )
    assert ("peace_holds_5y", "share observed") not in table.index
    assert table.loc[
        ("peace_holds_5y_given_ceasefire", "mean where observed"), "mean_a"
    ] == pytest.approx(holds_given_ceasefire(baseline))
