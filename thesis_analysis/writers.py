"""Atomic writers: the only functions that write user data and results to disk.

Every write goes to a temporary file in the destination folder, is flushed and fsync'ed, gets
the permission bits the destination had (or the umask's), and then replaces the destination
with :func:`os.replace`, which is atomic on POSIX and Windows. A process killed in the middle
of a save leaves the previous file intact. :func:`open_atomic` does the same for output written
in pieces (a long ``code-texts`` run), and :func:`write_table` is the one table writer (CSV,
Markdown and LaTeX).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TABLE_FORMATS = ("csv", "md", "tex")


@contextmanager
def open_atomic(path: Path) -> Iterator[IO[bytes]]:
    """A binary handle whose bytes replace ``path`` atomically when the block ends without an
    error; on an error the temporary file is removed and ``path`` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), file_mode(path))
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders as needed."""
    with open_atomic(path) as handle:
        handle.write(data)


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


def write_table(
    frame: pd.DataFrame, folder: Path | None, name: str, formats: Sequence[str] = TABLE_FORMATS
) -> list[Path]:
    """Write ``frame`` as ``name.csv``, ``name.md`` and ``name.tex`` (those of ``formats``)
    into ``folder``, each atomically; return the paths. ``folder=None`` writes nothing."""
    if folder is None:
        return []
    render = {"csv": format_csv, "md": format_markdown, "tex": format_latex}
    unknown = sorted(set(formats) - set(render))
    if unknown:
        raise ValueError(f"unknown table formats {unknown}; use {TABLE_FORMATS}")
    paths = []
    for suffix in formats:
        path = Path(folder) / f"{name}.{suffix}"
        write_text_atomic(path, render[suffix](frame))
        paths.append(path)
    return paths


def format_csv(frame: pd.DataFrame) -> str:
    """``frame`` as UTF-8 CSV text: no index, LF line endings, quoted where needed."""
    return frame.to_csv(index=False, lineterminator="\n")


def format_markdown(frame: pd.DataFrame) -> str:
    """``frame`` as a GitHub Markdown table: missing cells empty, ``|`` escaped and line
    breaks turned into spaces in every cell and header, so no cell can break the table."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            return value.replace("|", "\\|").replace("\r\n", " ").replace("\n", " ")
        return value

    shown = frame.rename(columns=lambda c: clean(str(c))).map(clean)
    return shown.to_markdown(index=False, missingval="") + "\n"


def format_latex(frame: pd.DataFrame) -> str:
    """``frame`` as a booktabs LaTeX tabular: numbers right, long text in wrapping columns."""
    import pandas as pd

    spec = []
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            spec.append("r")
        elif len(values) and values.astype(str).str.len().max() > 40:
            spec.append(r"p{0.4\linewidth}")
        else:
            spec.append("l")
    return frame.to_latex(
        index=False,
        escape=True,
        na_rep="",
        float_format="{:.3f}".format,
        column_format="".join(spec),
    )
