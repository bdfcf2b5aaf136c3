"""Reading users' text and CSV files: the one place their bytes become text and rows.

Every file a researcher hands us (transcripts, coding files, a CSV of texts, an agreement
table) is read here, and every problem is reported the same way: an :class:`InputError` that
names the file, the line and what to do. A byte-order mark is accepted; the text must be UTF-8.

CSV files are parsed with the :mod:`csv` module in strict mode, so an unclosed quote is named
with the line it opened on instead of silently swallowing the rest of the file. Required
columns must be present; optional columns that are missing are filled with empty cells, so a
hand-made file needs only the columns that carry information.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from thesis_analysis.errors import InputError

ICONV_HINT = "save it as UTF-8, e.g. `iconv -f cp1252 -t utf-8 IN > OUT`"
MAX_LISTED = 20
MAX_FIELD = 100_000_000


@dataclass(frozen=True)
class CsvTable:
    """The rows of a user's CSV file, in the columns asked for.

    Attributes
    ----------
    columns : the required columns, then the optional ones, then (when kept) the others in
        file order.
    rows : one list of cells per data row, in the order of ``columns``.
    lines : the file line each row starts on (the header is line 1).
    """

    columns: list[str]
    rows: list[list[str]]
    lines: list[int]


def describe_not_utf8(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and a message naming it."""
    line = raw[: exc.start].count(b"\n") + 1
    try:
        raw.decode("cp1252")
        guess = "it looks like cp1252/latin-1, as Word and Excel often save"
    except UnicodeDecodeError:
        guess = "an unknown encoding"
    return line, f"not UTF-8 (byte 0x{raw[exc.start]:02x}; {guess}); {ICONV_HINT}"


def read_user_bytes(path: Path) -> bytes:
    """The bytes of ``path``, or an :class:`InputError` saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def decode_user_bytes(raw: bytes, path: Path) -> str:
    """``raw`` as text (a byte-order mark dropped), or an :class:`InputError` with the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, message = describe_not_utf8(raw, exc)
        raise InputError(f"{path}:{line}: {message}") from None


def read_user_text(path: Path) -> str:
    """The text of a user's UTF-8 file (see :func:`decode_user_bytes`)."""
    return decode_user_bytes(read_user_bytes(path), path)


def read_user_csv(
    path: Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    keep_other: bool = True,
    comment: str | None = None,
) -> CsvTable:
    """Read a user's CSV file into the columns asked for.

    Parameters
    ----------
    path : the file.
    required : columns that must be in the header.
    optional : columns filled with empty cells when missing.
    keep_other : keep further columns (after the asked ones); when False they are refused,
        since dropping them would silently lose data.
    comment : lines starting with this text are skipped (e.g. ``#`` for a citation header).

    Raises
    ------
    InputError
        Missing file, not UTF-8, empty file, an unclosed quote, a missing required or refused
        extra column, or rows with the wrong number of fields — with the file and line.
    """
    text = read_user_text(path)
    lines = text.replace("\r\n", "\n").split("\n")
    if comment is not None:
        lines = ["" if line.startswith(comment) else line for line in lines]
    rows = list(_read_rows(io.StringIO("\n".join(lines), newline=""), path))
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        wanted = ",".join([*required, *optional])
        raise InputError(f"{path}:1: the file is empty; it needs a header line such as {wanted}")
    (header_line, header), data = rows[0], rows[1:]
    header = [name.strip() for name in header]
    order = _order_columns(path, header_line, header, required, optional, keep_other)
    problems, table, starts = [], [], []
    for line, row in data:
        if len(row) != len(header):
            problems.append(f"{path}:{line}: {len(row)} fields, expected {len(header)}")
            continue
        table.append([row[i] if i >= 0 else "" for i in order])
        starts.append(line)
    raise_listed(problems)
    kept = [*required, *optional] + [c for c in header if c not in {*required, *optional}]
    return CsvTable(kept[: len(order)], table, starts)


def iter_user_csv(
    path: Path, columns: Sequence[str], chunk_size: int = 4096
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """Stream a large user CSV: chunks of (start lines, rows in ``columns``), other columns
    ignored. Errors as :func:`read_user_csv`; a bad byte further down is found when reached."""
    path = Path(path)
    read_user_bytes(path)  # a clear error for a missing file
    with path.open("rb") as handle:
        rows = _read_rows(_decode_lines(handle, path), path)
        first = next(rows, None)
        if first is None:
            raise InputError(f"{path}:1: the file is empty; it needs a header line")
        header_line, header = first
        header = [name.strip() for name in header]
        order = _order_columns(path, header_line, header, columns, (), True)[: len(columns)]
        starts, chunk = [], []
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{path}:{line}: {len(row)} fields, expected {len(header)}")
            chunk.append([row[i] for i in order])
            starts.append(line)
            if len(chunk) == chunk_size:
                yield starts, chunk
                starts, chunk = [], []
        if chunk:
            yield starts, chunk


def raise_listed(problems: list[str]) -> None:
    """Raise :class:`InputError` listing ``problems`` (the first :data:`MAX_LISTED`)."""
    if problems:
        listing = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
        more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(f"{len(problems)} problem(s):\n{listing}{more}")


def _decode_lines(handle: IO[bytes], path: Path) -> Iterator[str]:
    """The lines of a binary file as text, naming the line of a byte that is not UTF-8."""
    for number, raw in enumerate(handle, 1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            _, message = describe_not_utf8(raw, exc)
            raise InputError(f"{path}:{number}: {message}") from None


def _read_rows(handle: Iterable[str], path: Path) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV text stream with the line each starts on; strict about quotes."""
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)  # long texts are coded in parts, not refused here
    reader = csv.reader(handle, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"{path}:{start}: not a readable CSV row ({exc}); a quoted field opened on "
                "this line may never be closed: close the quote, and double any quote inside "
                'a quoted field ("")'
            ) from None
        yield start, row
        start = reader.line_num + 1


def _order_columns(
    path: Path,
    line: int,
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    keep_other: bool,
) -> list[int]:
    """For each output column, its index in ``header`` (-1: an optional one to fill)."""
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{path}:{line}: no column {', '.join(missing)}; the columns present are "
            f"{', '.join(header) or '(none)'} — add or rename the column"
        )
    others = [c for c in header if c not in {*required, *optional}]
    if others and not keep_other:
        raise InputError(
            f"{path}:{line}: unknown column {', '.join(others)}; the columns are "
            f"{', '.join([*required, *optional])} (the last {len(optional)} optional)"
        )
    asked = [*required, *optional]
    return [header.index(c) if c in header else -1 for c in asked] + [
        header.index(c) for c in others
    ]
