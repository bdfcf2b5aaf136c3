"""The command-line glue of REFI-QDA exchange: output names, a project without codings, and
the import summaries."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.refi.commands import (
    _check_out,
    run_export_qdc,
    run_export_qdpx,
    run_import_qdc,
    run_import_qdpx,
)

PROJECT = Path(__file__).parents[1] / "data" / "refi" / "project"


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("p.qdpx", ".qdpx"), ("P.QDPX", ".qdpx"), ("book.qdc", ".qdc"), ("a.b.QdC", ".qdc")],
)
def test_check_out_accepts_the_suffix_in_any_case(tmp_path: Path, name: str, suffix: str) -> None:
    assert _check_out(tmp_path / name, suffix) == tmp_path / name


@pytest.mark.parametrize(
    ("name", "suffix", "message"),
    [
        ("p.zip", ".qdpx", "p.zip: the output file must end in .qdpx"),
        ("p", ".qdpx", "the output file must end in .qdpx"),
        ("p.qdpx", ".qdc", "p.qdpx: the output file must end in .qdc"),
    ],
)
def test_check_out_refuses_other_names(tmp_path: Path, name: str, suffix: str, message: str):
    with pytest.raises(InputError) as info:
        _check_out(tmp_path / name, suffix)
    assert message in str(info.value) and str(tmp_path / name) in str(info.value)


def test_check_out_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out.qdpx").mkdir()
    with pytest.raises(InputError, match=r"out\.qdpx: is a folder; give a file name ending in"):
        _check_out(tmp_path / "out.qdpx", ".qdpx")


def test_export_of_a_project_without_codings(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PROJECT / "transcripts", root / "transcripts")
    shutil.copy(PROJECT / "codebook.yaml", root / "codebook.yaml")
    out = tmp_path / "p.qdpx"
    summary = run_export_qdpx(root, out)
    assert summary == (
        f"wrote {out}: 2 text sources, 6 codes, 0 users, 2 cases, 0 selections with 0 codings "
        "(positions in Unicode code points, REFI-QDA §10.2)"
    )
    with zipfile.ZipFile(out) as archive:
        assert "project.qde" in archive.namelist()


def test_export_refuses_before_loading_the_project(tmp_path: Path) -> None:
    # the output name is checked first: a missing project is not even looked at
    with pytest.raises(InputError, match=r"must end in \.qdc"):
        run_export_qdc(tmp_path / "missing", tmp_path / "book.qdpx")


def test_import_commands_return_the_summary(tmp_path: Path) -> None:
    run_export_qdc(PROJECT, tmp_path / "book.qdc")
    summary = run_import_qdc(tmp_path / "book.qdc", tmp_path / "new", False)
    assert summary.startswith("imported book.qdc")
    assert summary.endswith("wrote codebook.yaml")
    assert ": 6 codes" in summary
    with pytest.raises(InputError, match="codebook.yaml"):
        run_import_qdc(tmp_path / "book.qdc", tmp_path / "new", False)
    assert run_import_qdc(tmp_path / "book.qdc", tmp_path / "new", True) == summary


def test_import_qdpx_reads_positions_as_asked(tmp_path: Path) -> None:
    run_export_qdpx(PROJECT, tmp_path / "p.qdpx")
    summary = run_import_qdpx(tmp_path / "p.qdpx", tmp_path / "back", False, "utf16")
    assert "2 transcripts, 2 users, 2 cases, 9 text selections" in summary
    assert "(positions read as utf16)" in summary
    with pytest.raises(InputError, match="positions"):
        run_import_qdpx(tmp_path / "p.qdpx", tmp_path / "other", False, "bytes")
