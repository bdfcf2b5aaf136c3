"""thesis-analysis init: a working project from the package's templates."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from thesis_analysis.cli import main
from thesis_analysis.codebook.model import validate_codebook
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_project_file
from thesis_analysis.scaffold import create_project, list_template_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_init_makes_a_project_that_validates(tmp_path: Path, language: str) -> None:
    folder = tmp_path / "study"
    assert main(["init", str(folder), "--language", language]) == 0
    assert load_project_file(folder).language == language
    assert validate_codebook(folder / "codebook.yaml") == []
    assert (folder / "transcripts").is_dir() and (folder / "codings").is_dir()
    assert (folder / ".gitignore").read_text(encoding="utf-8").startswith("results/")
    assert "Mitt intervjuprosjekt" in (folder / "README.md").read_text(encoding="utf-8")
    assert len(list((folder / "notebooks").glob("0*.ipynb"))) == 6


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        create_project(tmp_path)
    create_project(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "project.yaml").is_file()


def test_template_notebooks_are_the_committed_ones_without_outputs() -> None:
    files = list_template_files("nb")
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        template = nbformat.reads(files[f"notebooks/{path.name}"], as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert [c.source for c in template.cells] == [c.source for c in committed.cells]
        assert all(not c.get("outputs") for c in template.cells)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="language 'sv'"):
        list_template_files("sv")
