"""Consistent placeholders across a project, and the key that maps them back.

The same identifier gets the same placeholder in every file (``[PERSON-3]``); a first name or
surname alone gets the placeholder of the one known full name it belongs to, where there is
exactly one. A key read from an earlier run is reused, so numbers never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.findings import KINDS

KEY_COLUMNS = ("placeholder", "original", "kind", "file", "line", "column")
PLACEHOLDER_PARTS = re.compile(r"^\[(" + "|".join(KINDS) + r")-(\d+)\]$")


@dataclass(frozen=True)
class KeyRow:
    """One row of the key.

    Attributes
    ----------
    placeholder : e.g. ``[PERSON-3]``.
    original : the text it stands for, as written at this occurrence.
    kind : one of the kinds.
    file : the transcript file name of the occurrence; ``""`` for a row of the mapping only.
    line, column : 1-based line and 0-based code-point column of the placeholder in the
        pseudonymised file (0 and -1 for a mapping row).
    """

    placeholder: str
    original: str
    kind: str
    file: str
    line: int
    column: int


def normalise(kind: str, original: str) -> str:
    """The form under which two occurrences count as the same identifier."""
    if kind in ("TELEFON", "FNR"):
        digits = re.sub(r"\D", "", original)
        return digits[-8:] if kind == "TELEFON" else digits
    if kind == "EPOST":
        return original.lower()
    return " ".join(original.split())


class PlaceholderMap:
    """The identifier → placeholder mapping of one project, grown as findings come."""

    def __init__(self, rows: list[KeyRow] | tuple[KeyRow, ...] = ()) -> None:
        self.mapping: dict[tuple[str, str], str] = {}
        self.originals: dict[str, str] = {}
        self.counters = dict.fromkeys(KINDS, 0)
        for row in rows:
            self.mapping.setdefault((row.kind, normalise(row.kind, row.original)), row.placeholder)
            self.originals.setdefault(row.placeholder, row.original)
            number = int(PLACEHOLDER_PARTS.match(row.placeholder).group(2))
            self.counters[row.kind] = max(self.counters[row.kind], number)

    def get_placeholder(self, kind: str, original: str) -> str:
        """The placeholder of an identifier, made new (next number of its kind) if unknown."""
        key = (kind, normalise(kind, original))
        found = self.mapping.get(key)
        if found is None:
            if kind == "PERSON" and " " not in key[1]:
                found = self.find_full_name(key[1])
            if found is None:
                self.counters[kind] += 1
                found = f"[{kind}-{self.counters[kind]}]"
                self.originals[found] = original
            self.mapping[key] = found
        return found

    def find_full_name(self, name: str) -> str | None:
        """The placeholder of the one known full name that starts (or ends) with ``name``."""
        for position in (0, -1):
            matches = {
                placeholder
                for (kind, original), placeholder in self.mapping.items()
                if kind == "PERSON" and " " in original and original.split(" ")[position] == name
            }
            if len(matches) == 1:
                return matches.pop()
            if matches:
                return None
        return None

    def assign_all(self, kinds_and_originals: list[tuple[str, str]]) -> None:
        """Give placeholders in a stable order: full names first, so first names can join them."""
        full = [(k, o) for k, o in kinds_and_originals if k == "PERSON" and " " in o.strip()]
        for kind, original in full + kinds_and_originals:
            self.get_placeholder(kind, original)

    def list_mapping_rows(self) -> list[KeyRow]:
        """One mapping row per placeholder (its first original), sorted by kind and number."""
        rows = [
            KeyRow(placeholder, original, PLACEHOLDER_PARTS.match(placeholder).group(1), "", 0, -1)
            for placeholder, original in self.originals.items()
        ]
        return sorted(rows, key=lambda r: (KINDS.index(r.kind), placeholder_number(r)))


def placeholder_number(row: KeyRow) -> int:
    """The number of a row's placeholder."""
    return int(PLACEHOLDER_PARTS.match(row.placeholder).group(2))


def build_key_frame(rows: list[KeyRow]) -> pd.DataFrame:
    """The key as a table, mapping rows first, then occurrences by file, line and column.

    Returns
    -------
    DataFrame with columns ``placeholder``, ``original``, ``kind``, ``file`` (``""`` for a
    mapping row), ``line`` and ``column`` (of the placeholder in the pseudonymised file).
    """
    unique = sorted(
        set(rows),
        key=lambda r: (
            r.file != "",
            r.file,
            r.line,
            r.column,
            KINDS.index(r.kind),
            placeholder_number(r),
            r.original,
        ),
    )
    return pd.DataFrame([r.__dict__ for r in unique], columns=list(KEY_COLUMNS))


def parse_key_frame(frame: pd.DataFrame, name: str) -> list[KeyRow]:
    """Check a key read as strings and return its rows; bad rows raise :class:`InputError`."""
    missing = [c for c in KEY_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name}: the key lacks the column(s) {missing}; use a key written by "
            "`thesis-analysis pseudonymise`"
        )
    rows = []
    for index, record in enumerate(frame[list(KEY_COLUMNS)].itertuples(index=False), start=2):
        placeholder, original, kind, file, line, column = record
        match = PLACEHOLDER_PARTS.match(placeholder)
        if match is None or match.group(1) != kind or not original:
            raise InputError(
                f"{name}, line {index}: placeholder {placeholder!r} of kind {kind!r} with "
                f"original {original!r} is not valid; restore the key from its backup"
            )
        try:
            rows.append(KeyRow(placeholder, original, kind, file, int(line), int(column)))
        except ValueError as exc:
            raise InputError(
                f"{name}, line {index}: line and column must be whole numbers"
            ) from exc
    return rows
