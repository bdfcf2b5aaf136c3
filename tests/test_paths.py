"""Project paths (thesis_analysis.paths): where a project keeps its files, and finding its root."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from thesis_analysis.paths import ProjectPaths, find_project_root, get_project_paths

MARKERS = ("project.yaml", "codebook.yaml", "transcripts")


def make_marker(folder: Path, marker: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if marker == "transcripts":
        (folder / marker).mkdir()
    else:
        (folder / marker).write_text("name: x\n", encoding="utf-8")


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A folder with no project marker at or above it (skip if the machine has one)."""
    folder = tmp_path / "bare"
    folder.mkdir()
    for parent in (folder, *folder.parents):
        if any((parent / m).exists() for m in MARKERS):
            pytest.skip(f"{parent} holds a project marker")
    return folder


@pytest.mark.parametrize(
    ("attribute", "relative"),
    [
        ("project_file", "project.yaml"),
        ("transcripts", "transcripts"),
        ("codebook", "codebook.yaml"),
        ("thesis_sections", "thesis_sections.yaml"),
        ("codings", "codings"),
        ("results", "results"),
        ("notebooks", "notebooks"),
    ],
)
def test_each_path_lies_under_the_root(tmp_path: Path, attribute: str, relative: str) -> None:
    assert getattr(ProjectPaths(tmp_path), attribute) == tmp_path / relative


def test_paths_are_computed_without_touching_the_disk(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path / "not" / "there")
    assert paths.codings == tmp_path / "not" / "there" / "codings"
    assert not (tmp_path / "not").exists()


def test_project_paths_are_frozen_and_compare_by_root(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path)
    assert paths == ProjectPaths(tmp_path) and hash(paths) == hash(ProjectPaths(tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        paths.root = tmp_path / "other"  # type: ignore[misc]


@pytest.mark.parametrize("marker", MARKERS)
def test_each_marker_makes_a_project_root(bare: Path, marker: str) -> None:
    root = bare / "project"
    make_marker(root, marker)
    start = root / "notebooks" / "deep"
    start.mkdir(parents=True)
    assert find_project_root(start) == root.resolve()
    assert find_project_root(root) == root.resolve()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("project.yaml", Path.mkdir),  # a folder named project.yaml is no project file
        ("codebook.yaml", Path.mkdir),
        ("transcripts", Path.touch),  # a file named transcripts is no transcripts folder
    ],
)
def test_a_marker_of_the_wrong_kind_does_not_count(bare: Path, name: str, make) -> None:
    make(bare / name)
    assert find_project_root(bare) == bare.resolve()


def test_the_nearest_marker_wins(bare: Path) -> None:
    make_marker(bare, "project.yaml")
    inner = bare / "examples" / "study"
    make_marker(inner, "codebook.yaml")
    assert find_project_root(inner / "transcripts_extra") == inner.resolve()
    assert find_project_root(bare / "examples") == bare.resolve()


def test_without_any_marker_the_start_is_the_root(bare: Path) -> None:
    start = bare / "a" / "b"
    start.mkdir(parents=True)
    assert find_project_root(start) == start.resolve()


def test_default_start_is_the_working_folder(bare: Path, monkeypatch) -> None:
    make_marker(bare, "transcripts")
    work = bare / "notebooks"
    work.mkdir()
    monkeypatch.chdir(work)
    assert find_project_root() == bare.resolve()
    assert get_project_paths() == ProjectPaths(bare.resolve())


def test_relative_start_is_resolved(bare: Path, monkeypatch) -> None:
    make_marker(bare, "codebook.yaml")
    (bare / "sub").mkdir()
    monkeypatch.chdir(bare)
    root = find_project_root(Path("sub"))
    assert root.is_absolute() and root == bare.resolve()


def test_get_project_paths_points_into_the_found_root(bare: Path) -> None:
    make_marker(bare, "project.yaml")
    paths = get_project_paths(bare / "results")
    assert paths.root == bare.resolve()
    assert paths.codebook == bare.resolve() / "codebook.yaml"


def test_the_repository_is_its_own_project(project_root: Path) -> None:
    assert find_project_root(project_root / "thesis_analysis" / "analysis") == project_root
