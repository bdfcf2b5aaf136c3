"""The coding file format: one CSV per coder in ``codings/``, never a half-written file.

``codings/<coder>.csv`` holds one row per coded segment and code, columns
:data:`CODING_COLUMNS`, sorted by ``segment_id`` and ``code``, UTF-8 with LF line endings, so
that the files diff well in git. Every save goes through :func:`write_csv_atomic`: a process
killed in the middle of a save leaves the previous version intact (a stray ``.<name>.*.tmp``
file may be left beside it; it is never read as data). Files whose name contains a second dot
(``<coder>.rejected.csv``, see :mod:`thesis_analysis.coding.panel`) or starts with a dot are not
coder
files. A coding remembers the ``segment_hash`` of the text it was made on, so that a changed
transcript shows up in :func:`~thesis_analysis.coding.review.find_stale_codings` instead of
codings silently moving.

Coding by hand from Python is :class:`~thesis_analysis.coding.store.CodingStore`; stale
codings and merging coders are in :mod:`thesis_analysis.coding.review`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thesis_analysis.errors import InputError
from thesis_analysis.user_files import read_user_csv
from thesis_analysis.writers import write_csv_atomic

if TYPE_CHECKING:
    from thesis_analysis.codebook.model import Codebook

# The coding table's columns: every coder's file, the auto-coder's output, REFI-QDA imports.
CODING_COLUMNS = [
    "segment_id",
    "code",
    "coder",
    "start",
    "end",
    "snippet",
    "memo",
    "segment_hash",
    "rule",
    "evidence",
    "confidence",
    "source",
    "evidence_start",
    "evidence_end",
    "codebook",
]
REQUIRED_COLUMNS = ("segment_id", "code", "coder")
OPTIONAL_COLUMNS = tuple(c for c in CODING_COLUMNS if c not in REQUIRED_COLUMNS)
INTEGER_COLUMNS = ("start", "end", "evidence_start", "evidence_end")
SNIPPET_LENGTH = 120
CODER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SEGMENT_ID_PATTERN = re.compile(r"^\S+-t\d+-s\d+$")
MAX_LISTED = 20


def create_empty_codings() -> pd.DataFrame:
    """An empty coding table with :data:`CODING_COLUMNS` and their dtypes."""
    return normalise_codings(pd.DataFrame(columns=CODING_COLUMNS))


def normalise_codings(frame: pd.DataFrame, sort: bool = True) -> pd.DataFrame:
    """Coding table in canonical form: columns in order, dtypes fixed, sorted, fresh index.

    Optional columns missing from ``frame`` are added empty. Text columns are ``str``
    (missing = ``""``); :data:`INTEGER_COLUMNS` are nullable
    ``Int64``. Rows are sorted by ``coder``, ``segment_id``, ``code`` unless ``sort`` is false.
    """
    missing = [c for c in OPTIONAL_COLUMNS if c not in frame.columns]
    work = frame.assign(**dict.fromkeys(missing, ""))[CODING_COLUMNS].copy()
    for column in CODING_COLUMNS:
        if column in INTEGER_COLUMNS:
            text = work[column].astype("string").str.strip()
            work[column] = pd.to_numeric(text.mask(text == "")).astype("Int64")
        else:
            work[column] = work[column].fillna("").astype(str)
    if not sort:
        return work.reset_index(drop=True)
    return work.sort_values(["coder", "segment_id", "code"], kind="mergesort", ignore_index=True)


def list_coder_files(folder: Path) -> list[Path]:
    """The coder files of a codings folder (``<coder>.csv``), sorted by coder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; codings live in codings/<coder>.csv")
    return sorted(
        p
        for p in folder.glob("*.csv")
        if p.is_file() and not p.name.startswith(".") and "." not in p.stem
    )


def check_codings(
    frame: pd.DataFrame,
    path: Path,
    codebook: Codebook | None = None,
    segment_ids: Collection[str] | None = None,
    lines: Sequence[int] | None = None,
) -> list[str]:
    """Problems of one coder's table (``frame`` in canonical form), as messages.

    Checks that the coder matches the file name, segment ids look like ``TL1-t012-s03``
    (and are in ``segment_ids`` when given), codes are given, known and codable (with
    ``codebook``), and no segment has a code twice. ``lines`` are the file lines of the rows
    (for messages); without them rows are named by segment.
    """
    coder = Path(path).stem
    known = set(codebook.ids()) if codebook is not None else set()
    codable = set(codebook.codable_ids()) if codebook is not None else set()
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for position, row in enumerate(frame.itertuples(index=False)):
        where = f"{path}:{lines[position]}" if lines is not None else f"{path} ({row.segment_id})"
        if row.coder != coder:
            problems.append(
                f"{where}: coder {row.coder!r} does not match the file name {coder!r}; each "
                f"coder has one file codings/<coder>.csv: correct the coder or move the row"
            )
        if not SEGMENT_ID_PATTERN.match(row.segment_id):
            problems.append(
                f"{where}: segment id {row.segment_id!r} is not like 'TL1-t012-s03'; "
                "correct it from the segments table"
            )
        elif segment_ids is not None and row.segment_id not in segment_ids:
            problems.append(
                f"{where}: segment {row.segment_id!r} is not in the segments table: the "
                "transcript changed (see find_stale_codings) or the id is wrong; fix or delete"
            )
        if not row.code:
            problems.append(f"{where}: the code is empty; give a code id from the codebook")
        elif codebook is not None and row.code not in known:
            problems.append(
                f"{where}: code {row.code!r} is not in the codebook; add it to codebook.yaml, "
                "or correct or delete this row"
            )
        elif codebook is not None and row.code not in codable:
            children = [getattr(c, "id", c) for c in codebook.children(row.code)]
            problems.append(
                f"{where}: code {row.code!r} is a grouping node (codable: false); code one of "
                f"its children instead ({', '.join(children) or 'none defined'})"
            )
        key = (row.segment_id, row.code)
        if key in seen:
            problems.append(
                f"{where}: segment {row.segment_id} has code {row.code!r} twice (also "
                f"{seen[key]}); keep one row per segment and code"
            )
        seen.setdefault(key, where)
    return problems


def raise_problems(problems: list[str]) -> None:
    """Raise :class:`InputError` listing ``problems`` (the first :data:`MAX_LISTED`)."""
    if problems:
        listing = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
        more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(f"{len(problems)} problem(s) in the codings:\n{listing}{more}")


def read_coder_rows(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Parse a coder file into a table (unsorted) and the first file line of every row.

    Only ``segment_id``, ``code`` and ``coder`` are required; the other columns of
    :data:`CODING_COLUMNS` are filled with empty cells when missing (a hand-made file needs
    no more). Unknown columns are refused rather than dropped.
    """
    path = Path(path)
    table = read_user_csv(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, keep_other=False)
    problems = []
    for record, line in zip(table.rows, table.lines, strict=True):
        for column in INTEGER_COLUMNS:
            value = record[CODING_COLUMNS.index(column)]
            if value and not re.fullmatch(r"-?\d+", value):
                problems.append(f"{path}:{line}: {column} {value!r} is not a whole number")
    raise_problems(problems)
    frame = pd.DataFrame(table.rows, columns=CODING_COLUMNS, dtype=str)
    return normalise_codings(frame, sort=False), table.lines


def load_coder_file(
    path: Path, codebook: Codebook | None = None, segments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load and check one coder's file ``codings/<coder>.csv``.

    Parameters
    ----------
    path : the file; its name (without ``.csv``) is the coder.
    codebook : when given, codes must be in it and codable.
    segments : when given, every segment id must be in its ``segment_id`` column. Leave it
        out to load codings of a changed transcript and list them with
        :func:`~thesis_analysis.coding.review.find_stale_codings` instead.

    Returns
    -------
    DataFrame with :data:`CODING_COLUMNS` (text columns ``str``, offsets ``Int64``), sorted by
    ``segment_id`` and ``code``: ``segment_id``, ``code``, ``coder``, ``start``/``end`` (the
    segment's body offsets when coded), ``snippet`` (its text, shortened), ``memo``,
    ``segment_hash`` (hash of the text coded), ``rule``/``evidence``/``evidence_start``/
    ``evidence_end`` (auto-coder only) and ``codebook`` (short hash of the codebook used).

    Raises
    ------
    InputError
        Unreadable or non-UTF-8 file, wrong columns, bad numbers, or any problem of
        :func:`check_codings`; the message names the file and line and what to do.
    """
    path = Path(path)
    frame, lines = read_coder_rows(path)
    ids = set(segments["segment_id"]) if segments is not None else None
    raise_problems(check_codings(frame, path, codebook, ids, lines))
    return normalise_codings(frame)


def load_codings(
    folder: Path, codebook: Codebook | None = None, segments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load every coder file of ``folder`` (see :func:`load_coder_file` for the checks).

    Returns
    -------
    DataFrame with :data:`CODING_COLUMNS`, all coders, sorted by ``coder``, ``segment_id``,
    ``code``. Temporary files and sidecars (``<coder>.rejected.csv``) are not read.
    """
    frames = [load_coder_file(path, codebook, segments) for path in list_coder_files(folder)]
    if not frames:
        return create_empty_codings()
    return normalise_codings(pd.concat(frames, ignore_index=True))


def save_coder_file(path: Path, frame: pd.DataFrame, codebook: Codebook | None = None) -> None:
    """Check, sort and atomically write one coder's codings to ``path``.

    ``frame`` must have exactly :data:`CODING_COLUMNS` (in any order) and only the coder
    named by the file name. Raises :class:`InputError` (nothing is written) otherwise.
    """
    path = Path(path)
    if not CODER_PATTERN.match(path.stem) or path.suffix != ".csv":
        raise InputError(f"{path}: a coder file is named <coder>.csv, coder = letters, digits, _-")
    if sorted(frame.columns) != sorted(CODING_COLUMNS):
        raise InputError(
            f"{path}: the table's columns must be exactly {', '.join(CODING_COLUMNS)}; "
            f"got {', '.join(map(str, frame.columns))}"
        )
    canonical = normalise_codings(frame)
    raise_problems(check_codings(canonical, path, codebook))
    write_csv_atomic(path, canonical)
