"""Atomic writers: the only functions that write user data to disk.

Every write goes to a temporary file in the destination folder, is flushed and fsync'ed, and
then replaces the destination with :func:`os.replace`, which is atomic on POSIX and Windows.
A process killed in the middle of a save leaves the previous file intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders as needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), file_mode(path))
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def file_mode(path: Path) -> int:
    """The permission bits a save should give ``path``: those it has, else the umask's."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 with LF line endings to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as UTF-8 CSV (no index, LF line endings) to ``path`` atomically."""
    write_text_atomic(path, frame.to_csv(index=False, lineterminator="\n"))
