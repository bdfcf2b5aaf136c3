"""A stand-in for ``thesis_analysis.codebook.Codebook`` built from ``codebook.yaml`` here.

It has the attributes the coding store, the panel and the reliability report use (``codes``,
``get``, ``ids``, ``codable_ids``, ``children``, ``short_hash``), so that those tests do not
depend on the codebook loader. Tests load it with :func:`importlib.util.spec_from_file_location`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class FakeCode:
    """One code, with the fields of ``thesis_analysis.codebook.Code``."""

    id: str
    parent: str | None
    label: str
    short: str
    definition: str
    codable: bool
    color: str | None = None
    rules: object = None
    indicator: object = None
    line: int = 0


@dataclass(frozen=True)
class FakeCodebook:
    """Codes in file order plus the look-ups the store needs."""

    codes: tuple[FakeCode, ...]
    digest: str

    def get(self, code_id: str) -> FakeCode:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes)

    def codable_ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes if code.codable)

    def children(self, code_id: str) -> tuple[FakeCode, ...]:
        return tuple(code for code in self.codes if code.parent == code_id)

    def short_hash(self) -> str:
        return self.digest


def load_fake_codebook(path: Path) -> FakeCodebook:
    """Read a codebook YAML file into a :class:`FakeCodebook`."""
    raw = Path(path).read_bytes()
    data = yaml.safe_load(raw)
    codes = []
    for entry in data["codes"]:
        code_id = entry["id"]
        parent = entry.get("parent")
        if parent is None and "." in code_id:
            parent = code_id.rsplit(".", 1)[0]
        codes.append(
            FakeCode(
                id=code_id,
                parent=parent,
                label=entry["label"],
                short=entry.get("short", ""),
                definition=entry["definition"],
                codable=bool(entry.get("codable", True)),
                color=entry.get("color"),
            )
        )
    return FakeCodebook(tuple(codes), hashlib.sha256(raw).hexdigest()[:12])
