"""Atomic writers: content, permissions, no temporary files left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from thesis_analysis.writers import write_csv_atomic, write_text_atomic


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
