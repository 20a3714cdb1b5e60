"""Loading good scenarios: shipped files, positions CSV, KTAB CSV, sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.scenario import load_scenario, shipped_names

KTAB_DATA = Path(__file__).resolve().parents[1] / "validation" / "data" / "ktab_smp"
KTAB_INPUTS = sorted(p for p in KTAB_DATA.glob("*.csv") if not p.name.startswith("ktab_smpc_"))


def test_shipped_scenarios_load() -> None:
    assert {"ukraine-2025", "bdm-1994-emissions"} <= set(shipped_names())
    for name in shipped_names():
        scenario = load_scenario(name)
        c, x, s = scenario.point()
        assert c.shape == (1, len(scenario.actors))
        assert x.shape == s.shape == (1, len(scenario.actors), len(scenario.issues))


def test_bdm_scenario_reads_its_positions_csv() -> None:
    scenario = load_scenario("bdm-1994-emissions")
    _, position, salience = scenario.point()
    assert position[0, :, 0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert salience[0, 3, 0] == pytest.approx(0.8)


def test_ktab_csvs_load_as_scenarios() -> None:
    files = KTAB_INPUTS
    assert len(files) == 8, "KTAB inputs are copied into tests/validation/data/ktab_smp/"
    for path in files:
        scenario = load_scenario(path)
        _, _, salience = scenario.point()
        assert salience.max() <= 1.0


def test_sampling_stays_in_ranges_and_is_reproducible() -> None:
    scenario = load_scenario("ukraine-2025")
    a = scenario.sample(2000, np.random.default_rng(7))
    b = scenario.sample(2000, np.random.default_rng(7))
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    capability, position, salience = a
    table = scenario.stance_table()
    for n, actor in enumerate(scenario.actors):
        low, high = actor.capability.bounds
        assert low <= capability[:, n].min() and capability[:, n].max() <= high
        for k, issue in enumerate(scenario.issues):
            stance = table[(actor.id, issue.id)]
            lo, hi = stance.position.bounds
            assert lo <= position[:, n, k].min() and position[:, n, k].max() <= hi
            lo, hi = stance.salience.bounds
            assert lo <= salience[:, n, k].min() and salience[:, n, k].max() <= hi


def test_triangular_sampling_has_the_right_mean() -> None:
    scenario = load_scenario("ukraine-2025")
    _, position, _ = scenario.sample(40000, np.random.default_rng(1))
    stance = scenario.stance_table()[("UKR", "territory")]
    low, high = stance.position.bounds
    expected = (low + stance.position.point + high) / 3
    assert position[:, 2, 0].mean() == pytest.approx(expected, abs=0.15)


def test_hash_is_stable_and_content_sensitive() -> None:
    assert load_scenario("ukraine-2025").hash() == load_scenario("ukraine-2025").hash()
    assert load_scenario("ukraine-2025").hash() != load_scenario("bdm-1994-emissions").hash()


def test_a_section_file_linked_inside_the_scenario_folder_is_read(tmp_path):
    """Issue 18: a symbolic link to a section file in the scenario's own folder is followed
    (one that leads out of it is refused, tests/dashboard/test_dashboard_symlinks.py)."""
    import shutil
    from pathlib import Path

    import accord

    shipped = Path(accord.__file__).parent / "scenarios" / "ukraine-2025"
    folder = tmp_path / "s"
    shutil.copytree(shipped, folder)
    (folder / "parts").mkdir()
    (folder / "burden.yaml").rename(folder / "parts" / "burden.yaml")
    (folder / "burden.yaml").symlink_to(Path("parts") / "burden.yaml")
    linked = accord.load(folder)
    assert linked.burden == accord.load(shipped).burden
