"""The dashboard's logic in-process: the catalogue, path confinement, form checks, what-ifs,
and the app served by Shiny's ASGI application (local assets only, 127.0.0.1)."""

from __future__ import annotations

import re
import urllib.request

import numpy as np
import pytest
from conftest import accord

from accord.dashboard import HOST, data
from accord.dashboard.app import create_app
from accord.dashboard.worker import custom_scenario


@pytest.fixture(scope="module")
def listing(runs_root):
    return data.list_runs(runs_root)


def test_catalogue_lists_the_runs_by_id(listing, runs_root):
    assert listing["id"].tolist() == [
        "ukraine-2025/baseline",
        "ukraine-2025/coalition-of-the-willing",
    ]
    assert set(listing["status"]) == {"complete"}
    assert listing["done"].tolist() == listing["n_experiments"].tolist() == [150, 300]
    assert "path" not in listing  # paths stay on the server
    assert (
        data.run_path(runs_root, listing, "ukraine-2025/baseline")
        == (runs_root / "ukraine-2025" / "baseline").resolve()
    )


def test_paths_stay_inside_the_runs_folder(listing, runs_root, tmp_path):
    for bad in ("../ukraine-2025/baseline", "/etc/passwd", "ukraine-2025/../../x", ""):
        with pytest.raises(data.FormError, match="No such run"):
            data.run_path(runs_root, listing, bad)
    with pytest.raises(data.FormError, match="outside"):
        data.inside(runs_root, runs_root / ".." / "elsewhere")
    # A study reached through a symbolic link out of the folder is not listed.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "outside").symlink_to(runs_root / "ukraine-2025", target_is_directory=True)
    assert data.list_runs(linked).empty


def test_headline_intervals_bracket_the_values(listing, runs_root):
    run = data.load_run(data.run_path(runs_root, listing, "ukraine-2025/baseline"), "b")
    table = data.headline([run])
    probabilities = table[table["interval"] == "95 %"]
    assert set(probabilities["key"]) >= {
        "p_ceasefire_12",
        "p_ceasefire_24",
        "peace_holds_5y",
        "p_escalation",
    }
    assert (probabilities["low"] <= probabilities["value"]).all()
    assert (probabilities["value"] <= probabilities["high"]).all()
    share = (run.scalars["ceasefire_month"].fillna(np.inf) < 24).mean()
    assert probabilities.set_index("key").loc["p_ceasefire_24", "value"] == pytest.approx(share)


@pytest.mark.parametrize(
    "experiments, text",
    [
        (0, "Experiments must be a whole number"),
        (1.5, "Experiments must be a whole number"),
        ("many", "Experiments must be a whole number"),
        (None, "Experiments must be a whole"),
        (10**6, "from 1 to 20,000"),
        (float("nan"), "Experiments must be"),
    ],
)
def test_new_run_form_refuses_bad_numbers(tmp_path, experiments, text):
    with pytest.raises(data.FormError, match=text):
        data.start_run(tmp_path, "ukraine-2025", "baseline", experiments, {})
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_new_run_form_refuses_unknown_names(tmp_path):
    with pytest.raises(data.FormError, match="Unknown scenario"):
        data.start_run(tmp_path, "../../etc", "baseline", 10, {})
    with pytest.raises(data.FormError, match="Unknown variant"):
        data.start_run(tmp_path, "ukraine-2025", "nope", 10, {})
    with pytest.raises(data.FormError, match="Unknown option for lever security_guarantee"):
        data.start_run(tmp_path, "ukraine-2025", "baseline", 10, {"security_guarantee": "x"})
    assert list(tmp_path.iterdir()) == []


def test_worker_sets_the_chosen_levers():
    job = {
        "scenario": "ukraine-2025",
        "variant": "baseline",
        "levers": {"security_guarantee": "none"},
    }
    spec = custom_scenario(job).simulation
    assert spec.variants["baseline"].levers["security_guarantee"] == "none"
    _, levers = spec.variant_inputs("baseline")
    assert [list(lv.options) for lv in levers if lv.name == "security_guarantee"] == [["none"]]


def test_whatif_moves_the_compromise_by_the_weighted_shift():
    """The compromise model is the capability x salience weighted mean of positions (Achen
    2006): moving one actor by d moves it by d times that actor's weight share."""
    scenario = data.load_scenario("ukraine-2025")
    capability, position, salience = scenario.point()
    n = scenario.actor_ids.index("RUS")
    k = [i.id for i in scenario.issues].index("territory")
    weights = capability[0] * salience[0, :, k]
    new_position = 10.0
    table = data.whatif("ukraine-2025", "RUS", "territory", position=new_position)
    expected = weights[n] / weights.sum() * (new_position - position[0, n, k])
    row = table.set_index("model").loc["compromise"]
    assert row["shift"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert set(table["model"]) == {"compromise", "median", "nash", "eum", "smp"}


@pytest.mark.parametrize(
    "options, text",
    [
        ({"position": 150.0}, "Position must be a number from 0 to 100"),
        ({"salience": -0.1}, "Salience must be a number from 0 to 1"),
        ({"capability": float("nan")}, "Capability must be a number of at least 0"),
    ],
)
def test_whatif_refuses_out_of_range_values(options, text):
    with pytest.raises(data.FormError, match=text):
        data.whatif("ukraine-2025", "RUS", "territory", **options)


def test_burden_bands_and_bad_cut():
    table = data.burden(0.5, draws=200)
    assert len(table) > 25
    spending = table.dropna(subset=["pct_gdp"])
    assert (spending["pct_gdp_p05"] <= spending["pct_gdp"] + 1e-12).all()
    assert (spending["pct_gdp"] <= spending["pct_gdp_p95"] + 1e-12).all()
    for cut in (1.5, -0.1, float("nan")):
        with pytest.raises(data.FormError, match="US cut"):
            data.burden(cut)


def test_discovery_refuses_thresholds_without_cases(listing, runs_root):
    run = data.load_run(data.run_path(runs_root, listing, "ukraine-2025/baseline"), "b")
    with pytest.raises(data.FormError, match="no future is a case"):
        data.discover(run, "peace_holds_5y", -1.0, "<")
    with pytest.raises(data.FormError, match="every future is a case"):
        data.discover(run, "peace_holds_5y", 2.0, "<")
    result = data.discover(run, "peace_holds_5y", 0.5, "<")
    share = (run.scalars["peace_holds_5y"] < 0.5).mean()
    assert result.base_density == pytest.approx(share)


def test_served_page_uses_only_local_assets(dashboard_url):
    """Works without network access: every script and style comes from the app itself."""

    def get(url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")

    status, page = get(dashboard_url)
    assert status == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len([r for r in references if r.startswith("lib/")]) > 5
    assert not re.search(r"https?://|//[a-z]", page, re.I)
    base, _, query = dashboard_url.partition("?")
    for reference in references:
        if not reference.startswith("#"):  # each asset also needs the token (or the cookie)
            joiner = "&" if "?" in reference else "?"
            assert get(base + reference + joiner + query)[0] == 200, reference


def test_dashboard_binds_localhost_and_refuses_a_missing_folder(tmp_path):
    assert HOST == "127.0.0.1"
    done = accord("dashboard", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "no such folder of runs" in done.stderr


def test_app_has_every_page_and_refuses_a_missing_folder(runs_root, tmp_path):
    from accord.spec.errors import ScenarioError

    app = create_app(runs_root)
    html = str(app.ui["html"]) if isinstance(app.ui, dict) else str(app.ui)
    for page in (
        "Overview",
        "Distributions",
        "Over time",
        "Compare",
        "Levers and sensitivity",
        "Scenario discovery",
        "New run",
        "Forecast explorer",
        "Burden",
    ):
        assert f">{page}<" in html, page
    assert 'type="file"' not in html  # no uploads
    with pytest.raises(ScenarioError, match="not a folder of runs"):
        create_app(tmp_path / "missing")


def test_job_queue_caps_unique_ids_and_ends_jobs_with_the_dashboard(tmp_path):
    queue = data.JobQueue(running=1, queued=1)
    try:
        first = data.start_run(tmp_path, "ukraine-2025", "baseline", 20_000, {}, queue=queue)
        second = data.start_run(tmp_path, "ukraine-2025", "baseline", 20_000, {}, queue=queue)
        assert first != second  # two starts in the same second get two folders
        assert queue.status() == {first: "running", second: "queued"}
        with pytest.raises(
            data.FormError,
            match="1 run\\(s\\) started here are running and "
            "1 are waiting, the most this dashboard",
        ):
            data.start_run(tmp_path, "ukraine-2025", "baseline", 10, {}, queue=queue)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first, second])
        statuses = data.jobs(tmp_path, queue).set_index("study")["status"]
        assert statuses[second] == "queued"
        worker = queue.running[first]
    finally:
        queue.stop()
    assert worker.poll() is not None  # ended with the dashboard
    assert (tmp_path / second / "dashboard-job.failed").read_text().startswith("not started")


def test_detached_jobs_outlive_the_queue(tmp_path):
    import os
    import signal

    queue = data.JobQueue(running=1, queued=0, detach=True)
    study = data.start_run(tmp_path, "ukraine-2025", "baseline", 20_000, {}, queue=queue)
    worker = queue.running[study]
    try:
        queue.stop()
        assert worker.poll() is None
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=10)


def test_the_questions_page_asks_over_all_futures(listing, runs_root):
    run_id = "ukraine-2025/baseline"
    answer = data.ask(runs_root, listing, run_id, event="ceasefire_month before 2026-01-01")
    from accord.store.runs import open_run

    months = open_run(runs_root / "ukraine-2025" / "baseline").scalars()["ceasefire_month"]
    # Over all futures: a future without a ceasefire counts as "no", not as missing.
    assert answer["n_futures"] == len(months)
    assert answer["bins"][0]["p"] == pytest.approx(float((months < 10).sum()) / len(months))
    shipped = data.shipped_questions()
    assert shipped and all(path.endswith(".yaml") for path in shipped)
    first = next(iter(shipped))
    assert data.ask(runs_root, listing, run_id, question=first)["bins"]


@pytest.mark.parametrize(
    ("event", "question", "message"),
    [
        ("", "", "Type an event"),
        ("no_such_outcome before 2026-01-01", "", "The event is refused"),
        ("", "/etc/passwd", "Choose a shipped question"),
    ],
)
def test_the_questions_page_refuses_in_one_message(listing, runs_root, event, question, message):
    with pytest.raises(data.FormError, match=message):
        data.ask(runs_root, listing, "ukraine-2025/baseline", event=event, question=question)
