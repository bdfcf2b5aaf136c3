"""Atomic writers: content, permissions, no temporary files left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.writers import (
    format_markdown,
    open_atomic,
    write_csv_atomic,
    write_table,
    write_text_atomic,
)


def test_write_text_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.txt"
    write_text_atomic(target, "første\n")
    write_text_atomic(target, "andre\n")
    assert target.read_bytes() == b"andre\n"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def test_new_files_follow_the_umask_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        write_text_atomic(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("x")
        kept.chmod(0o640)
        write_text_atomic(kept, "y")
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_write_csv_atomic_uses_lf_and_no_index(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    write_csv_atomic(target, pd.DataFrame({"a": [1, 2], "b": ["æ", "ø"]}))
    assert target.read_bytes() == "a,b\n1,æ\n2,ø\n".encode()


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("a|b", "a\\|b"),
        ("line one\nline two", "line one line two"),
        ("crlf\r\nend", "crlf end"),
        ("plain", "plain"),
    ],
)
def test_markdown_cells_cannot_break_the_table(cell: str, shown: str) -> None:
    text = format_markdown(pd.DataFrame({"x|y": [cell], "n": [1]}))
    header, rule, row = text.splitlines()
    assert "x\\|y" in header
    assert shown in row and row.count("|") - row.count("\\|") == 3


def test_write_table_writes_each_format_atomically(tmp_path) -> None:
    frame = pd.DataFrame({"code": ["npm", "styring"], "n": [2, 3]})
    paths = write_table(frame, tmp_path / "t", "counts")
    assert [p.name for p in paths] == ["counts.csv", "counts.md", "counts.tex"]
    assert paths[0].read_text(encoding="utf-8") == "code,n\nnpm,2\nstyring,3\n"
    assert "\\toprule" in paths[2].read_text(encoding="utf-8")
    assert write_table(frame, None, "counts") == []
    with pytest.raises(ValueError, match="unknown table formats"):
        write_table(frame, tmp_path, "counts", formats=("xlsx",))
    assert not list((tmp_path / "t").glob(".*.tmp"))


def test_open_atomic_leaves_the_old_file_on_error(tmp_path) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_atomic(path) as handle:
        handle.write(b"half")
        raise RuntimeError("killed")
    assert path.read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.tmp"))
    with open_atomic(path) as handle:
        handle.write(b"new")
    assert path.read_bytes() == b"new"
