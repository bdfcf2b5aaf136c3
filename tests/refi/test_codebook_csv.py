"""Codebooks as CSV: export, import (ours and Taguette's columns), round trip, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.cli import main
from thesis_analysis.codebook.model import load_codebook, validate_codebook
from thesis_analysis.errors import InputError
from thesis_analysis.refi.codebook_csv import (
    codebook_to_csv_frame,
    read_codebook_csv,
    run_import_codebook_csv,
    split_path,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("path", "labels"),
    [
        ("Styring/Målekort", ["Styring", "Målekort"]),
        ("Stat\\/kommune", ["Stat/kommune"]),
        (" A / B /", ["A", "B"]),
    ],
)
def test_split_path(path: str, labels: list[str]) -> None:
    assert split_path(path) == labels


def test_taguette_columns_make_a_tree(tmp_path: Path) -> None:
    codes = read_codebook_csv(DATA / "codebook_csv" / "taguette.csv")
    assert [c.name for c in codes] == ["Styring", "Trivsel"]
    assert [c.name for c in codes[0].children] == ["Målekort"]
    assert codes[0].codable and codes[0].description == "Styring generelt"
    run_import_codebook_csv(DATA / "codebook_csv" / "taguette.csv", tmp_path)
    book = load_codebook(tmp_path / "codebook.yaml")
    assert book.ids() == ("styring", "styring.malekort", "trivsel")


def test_the_thesis_codebook_round_trips_with_its_ids(tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    assert main(["export-codebook-csv", str(out), "--root", str(ROOT)]) == 0
    original = load_codebook(ROOT / "codebook.yaml")
    frame = codebook_to_csv_frame(original)
    assert list(frame.columns) == ["path", "name", "description"]
    assert main(["import-codebook-csv", str(out), "--into", str(tmp_path)]) == 0
    assert load_codebook(tmp_path / "codebook.yaml").ids() == original.ids()
    assert validate_codebook(tmp_path / "codebook.yaml") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("label,description\nA,b\n", ":1: no path column"),
        ("path,description\nA,b\n,c\n", ":3: empty path"),
        ("path\nA/B\nA/B\n", ":3: code 'A/B' repeats (line 2)"),
        ("path\n", "has no codes"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_codebook_csv(path)
    assert message in str(caught.value) and str(caught.value).startswith(str(path))


def test_an_existing_codebook_is_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "codebook.yaml").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="codebook.yaml already exists"):
        run_import_codebook_csv(DATA / "codebook_csv" / "taguette.csv", tmp_path)
    assert (tmp_path / "codebook.yaml").read_text(encoding="utf-8") == "mine\n"
    run_import_codebook_csv(DATA / "codebook_csv" / "taguette.csv", tmp_path, force=True)
