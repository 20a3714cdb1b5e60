"""Symbolic links out of their folder (issue 18, the small ones): a run folder of a study, and a
scenario's section file. Each is refused with one message and never followed; a link that
stays inside its folder is followed."""

from __future__ import annotations

import shutil

import pytest

from accord.dashboard import data
from accord.dashboard.state import Store


@pytest.fixture
def linked_out(runs_root, tmp_path):
    """A copy of the test study whose ``baseline`` run is a link to a run outside the folder."""
    root = tmp_path / "runs"
    shutil.copytree(runs_root, root)
    elsewhere = tmp_path / "elsewhere"
    (root / "ukraine-2025" / "baseline").rename(elsewhere)
    (root / "ukraine-2025" / "baseline").symlink_to(elsewhere, target_is_directory=True)
    return root, elsewhere


def test_a_run_folder_linked_out_of_the_runs_folder_is_refused_not_followed(linked_out):
    root, elsewhere = linked_out
    listing = data.list_runs(root)
    row = listing.set_index("id").loc["ukraine-2025/baseline"]
    assert row["status"] == "refused: a link out of the runs folder"
    assert row["done"] == 0  # its chunks were not read
    message = (
        "The run ukraine-2025/baseline is a symbolic link that leads outside the runs "
        "folder: it is not read."
    )
    with pytest.raises(data.FormError) as refused:
        data.run_path(root, listing, "ukraine-2025/baseline")
    assert str(refused.value) == message
    # The page reads through the store: the same one message, for that run only.
    store = Store(root, data.JobQueue(running=1, queued=0))
    runs, problems = store.read_all(
        listing, ["ukraine-2025/baseline", "ukraine-2025/coalition-of-the-willing"]
    )
    assert problems == [message]
    assert [r.variant for r in runs] == ["coalition-of-the-willing"]


def test_a_run_folder_linked_inside_the_runs_folder_is_followed(runs_root, tmp_path):
    root = tmp_path / "runs"
    shutil.copytree(runs_root, root)
    study = root / "ukraine-2025"
    (study / "baseline").rename(root / "kept-baseline")
    (study / "baseline").symlink_to(root / "kept-baseline", target_is_directory=True)
    listing = data.list_runs(root)
    assert listing.set_index("id").loc["ukraine-2025/baseline", "status"] == "complete"
    assert data.run_path(root, listing, "ukraine-2025/baseline") == root / "kept-baseline"


def _scenario_copy(tmp_path):
    from accord.scenario.loader import shipped_path

    folder = tmp_path / "scenario"
    shutil.copytree(shipped_path("ukraine-2025").parent, folder)
    return folder


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_scenario_section_file_linked_out_is_refused_in_one_line(tmp_path, where):
    import accord
    from accord.spec.errors import ScenarioError

    folder = _scenario_copy(tmp_path)
    target = (tmp_path if where == "outside" else folder / "sections") / "simulation.yaml"
    target.parent.mkdir(exist_ok=True)
    (folder / "simulation.yaml").rename(target)
    (folder / "simulation.yaml").symlink_to(target)
    if where == "inside":
        assert accord.load(folder / "scenario.yaml").simulation is not None
        return
    with pytest.raises(ScenarioError) as refused:
        accord.load(folder / "scenario.yaml")
    text = str(refused.value)
    assert "\n" not in text
    assert "file outside the scenario's folder" in text and "simulation" in text
    assert str(folder / "scenario.yaml") in text
