"""Safe file writing: never over a non-regular file, never a new folder, nothing left half."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import pytest
from matplotlib.figure import Figure

from accord.safeio import atomic_write, atomic_write_bytes, ensure_directory, save_figure
from accord.spec.errors import ScenarioError


def test_writes_and_replaces_a_regular_file(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path):
    node = tmp_path / "pipe"
    os.mkfifo(node)
    with pytest.raises(ScenarioError, match="not a regular file"):
        atomic_write_bytes(node, b"x")
    assert not node.is_file() and node.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_refuses_a_symlink_to_a_directory(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "folder")
    with pytest.raises(ScenarioError, match="not a regular file"):
        atomic_write_bytes(tmp_path / "link", b"x")


def test_never_creates_a_missing_folder(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        atomic_write_bytes(tmp_path / "missing" / "a.txt", b"x")
    assert not (tmp_path / "missing").exists()


def test_a_failing_writer_leaves_nothing(tmp_path):
    def boom(stream):
        stream.write(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "a.txt", boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "magic"), [("f.png", b"\x89PNG"), ("f.pdf", b"%PDF"), ("f.svg", b"<?xml")]
)
def test_figure_format_follows_the_suffix(tmp_path, name, magic):
    figure = Figure()
    figure.add_subplot().plot([0, 1])
    save_figure(figure, tmp_path / name)
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_unsupported_figure_suffix_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="unsupported figure format"):
        save_figure(Figure(), tmp_path / "f.txt")
    assert list(tmp_path.iterdir()) == []


def test_ensure_directory_creates_one_level_only(tmp_path):
    assert ensure_directory(tmp_path / "out").is_dir()
    with pytest.raises(ScenarioError, match="parent folder does not exist"):
        ensure_directory(tmp_path / "a" / "b")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ScenarioError, match="not a directory"):
        ensure_directory(tmp_path / "file")
