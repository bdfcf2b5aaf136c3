"""The codebook: ``codebook.yaml`` -> :class:`Codebook` (themes tree, indicators, rules).

The format and the rule semantics are described in ``docs/codebook-format.md``. Only
:func:`load_codebook` and :func:`validate_codebook` read the disk; everything else takes and
returns frozen dataclasses or DataFrames. Validation (in :mod:`codebook_validate`) reports every
problem at once, each naming the file, the line and the code.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.codebook.validation import check_codebook_text, list_thesis_codes
from thesis_analysis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Code",
    "Codebook",
    "Indicator",
    "NearRule",
    "Rules",
    "codebook_to_frame",
    "compute_top_level",
    "load_codebook",
    "validate_codebook",
]

GROUPING_PREFIXES = ("indikator", "holdning")
"""Top-level ids whose children are the top level (``indikator.jobbmatch``)."""


@dataclass(frozen=True)
class NearRule:
    """Every group (alternative terms) must occur within ``window`` tokens of each other."""

    groups: tuple[tuple[str, ...], ...]
    window: int


@dataclass(frozen=True)
class Rules:
    """Auto-coding rules of one code (semantics: docs/codebook-format.md)."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    near: tuple[NearRule, ...] = ()
    exclude: tuple[str, ...] = ()
    negation: str | None = None  # None | "block" | code id to flip to

    def is_empty(self) -> bool:
        """True when no term, phrase or near pattern can fire."""
        return not (self.terms or self.phrases or self.near)


@dataclass(frozen=True)
class Indicator:
    """A styringsparameter (performance indicator) with its result target."""

    name: str
    target_value: float | None
    target_unit: str | None
    target_direction: str | None  # ">=" | "<=" | None
    target_text: str  # e.g. "≥ 60 %", "≤ 6,8 %", "måltall kommer for hvert enkelt kontor"
    perspective: str  # bruker | produksjon | medarbeider | økonomi (thesis 1.2.2)
    perspective_note: str
    line: str  # stat | kommune
    rogaland_followup: bool
    in_vedlegg4: bool
    source: str


@dataclass(frozen=True)
class Code:
    """One code of the codebook (a MacQueen et al. 1998 style entry)."""

    id: str
    parent: str | None
    label: str
    short: str
    definition: str
    when_to_use: str
    when_not_to_use: str
    example_text: str
    example_source: str
    theory: tuple[str, ...]
    color: str | None
    codable: bool
    rules: Rules
    indicator: Indicator | None
    line: int  # line of the entry in the YAML file

    @property
    def top_level(self) -> str:
        """The code's top level (see :func:`compute_top_level`)."""
        return compute_top_level(self.id)


@dataclass(frozen=True)
class Codebook:
    """All codes in file order, with the file's name and SHA-256."""

    name: str
    codes: tuple[Code, ...]
    source_name: str
    sha256: str  # hex digest of the file bytes

    @cached_property
    def _by_id(self) -> dict[str, Code]:
        return {code.id: code for code in self.codes}

    def get(self, code_id: str) -> Code:
        """Return the code with ``code_id``; KeyError names close matches."""
        try:
            return self._by_id[code_id]
        except KeyError:
            close = difflib.get_close_matches(str(code_id), list(self._by_id), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(
                f"code {code_id!r} is not in codebook {self.source_name!r} "
                f"({len(self.codes)} codes){hint}"
            ) from None

    def ids(self) -> tuple[str, ...]:
        """All code ids in file order."""
        return tuple(code.id for code in self.codes)

    def codable_ids(self) -> tuple[str, ...]:
        """Ids of the codes a coder may apply (grouping nodes left out), in file order."""
        return tuple(code.id for code in self.codes if code.codable)

    def children(self, code_id: str) -> tuple[Code, ...]:
        """Direct children of ``code_id`` in file order (KeyError for an unknown id)."""
        self.get(code_id)
        return tuple(code for code in self.codes if code.parent == code_id)

    def short_hash(self) -> str:
        """First 12 hex characters of the file's SHA-256 (to stamp derived results)."""
        return self.sha256[:12]


def compute_top_level(code_id: str) -> str:
    """Return the top level of ``code_id``.

    The part before the first dot; for ``indikator.`` and ``holdning.`` the part before the
    second dot (``indikator.oppfolging.arbeidssokere_3mnd`` -> ``indikator.oppfolging``).
    """
    parts = code_id.split(".")
    if parts[0] in GROUPING_PREFIXES and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def _read(path: Path) -> tuple[bytes | None, str | None, str | None]:
    """Read the file: (bytes, text, problem)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return (
            None,
            None,
            (
                f"{path.name}:0: cannot read the codebook ({exc.strerror}) — "
                f"check the path {str(path)!r}"
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return (
            data,
            None,
            (f"{path.name}:0: the file is not UTF-8 (byte {exc.start}) — save it as UTF-8"),
        )
    return data, text, None


def list_required_codes(required_codes: Sequence[str], require_fixed_ids: bool) -> list[str]:
    """``required_codes`` plus, with ``require_fixed_ids``, the thesis project's codes."""
    extra = list_thesis_codes() if require_fixed_ids else ()
    return list(dict.fromkeys([*required_codes, *extra]))


def validate_codebook(
    path: Path, *, required_codes: Sequence[str] = (), require_fixed_ids: bool = False
) -> list[str]:
    """Return every problem of the codebook at ``path`` (empty list: the file is valid).

    Each problem reads ``"codebook.yaml:LINE: code 'x': what is wrong — what to do"``.
    ``required_codes``: ids the codebook must define (``required_codes`` of the project's
    ``project.yaml``); ``require_fixed_ids=True`` adds the thesis project's.
    """
    _, text, problem = _read(path)
    if problem is not None:
        return [problem]
    required = list_required_codes(required_codes, require_fixed_ids)
    problems, _, _ = check_codebook_text(text, Path(path).name, required_codes=required)
    return problems


def load_codebook(
    path: Path, *, required_codes: Sequence[str] = (), require_fixed_ids: bool = False
) -> Codebook:
    """Load and validate ``codebook.yaml`` (``required_codes``, ``require_fixed_ids``: as
    for :func:`validate_codebook`).

    Raises
    ------
    InputError
        Listing every problem, each with its line (see :func:`validate_codebook`).
    """
    path = Path(path)
    data, text, problem = _read(path)
    if problem is not None:
        raise InputError(problem)
    required = list_required_codes(required_codes, require_fixed_ids)
    problems, header, entries = check_codebook_text(text, path.name, required_codes=required)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InputError(f"{path.name}: {count}:\n" + "\n".join(problems))
    codes = tuple(_build_code(entry) for entry in entries)
    return Codebook(
        name=header["name"],
        codes=codes,
        source_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _build_code(entry: dict) -> Code:
    raw = entry["rules"]
    rules = Rules(
        terms=tuple(t.lower() for t in raw["terms"]),
        phrases=tuple(p.lower() for p in raw["phrases"]),
        near=tuple(
            NearRule(
                groups=tuple(tuple(t.lower() for t in g) for g in n["groups"]), window=n["window"]
            )
            for n in raw["near"]
        ),
        exclude=tuple(x.lower() for x in raw["exclude"]),
        negation=raw["negation"],
    )
    indicator = Indicator(**entry["indicator"]) if entry["indicator"] else None
    plain = [f.name for f in fields(Code) if f.name not in ("rules", "indicator")]
    return Code(**{name: entry[name] for name in plain}, rules=rules, indicator=indicator)


def codebook_to_frame(codebook: Codebook) -> pd.DataFrame:
    """One row per code (file order): the tree, rule counts and indicator facts.

    Columns: id, parent, top_level, label, short, codable, color, n_terms, n_phrases, n_near,
    n_exclude, negation, theory, example_source, indicator_name, target_text, target_value,
    target_unit, target_direction, perspective, perspective_note, indicator_line,
    rogaland_followup, in_vedlegg4, indicator_source, yaml_line.
    """
    import pandas as pd

    rows = []
    for code in codebook.codes:
        ind = code.indicator
        rows.append(
            {
                "id": code.id,
                "parent": code.parent,
                "top_level": compute_top_level(code.id),
                "label": code.label,
                "short": code.short,
                "codable": code.codable,
                "color": code.color,
                "n_terms": len(code.rules.terms),
                "n_phrases": len(code.rules.phrases),
                "n_near": len(code.rules.near),
                "n_exclude": len(code.rules.exclude),
                "negation": code.rules.negation,
                "theory": "; ".join(code.theory),
                "example_source": code.example_source,
                "indicator_name": ind.name if ind else None,
                "target_text": ind.target_text if ind else None,
                "target_value": ind.target_value if ind else None,
                "target_unit": ind.target_unit if ind else None,
                "target_direction": ind.target_direction if ind else None,
                "perspective": ind.perspective if ind else None,
                "perspective_note": ind.perspective_note if ind else None,
                "indicator_line": ind.line if ind else None,
                "rogaland_followup": ind.rogaland_followup if ind else None,
                "in_vedlegg4": ind.in_vedlegg4 if ind else None,
                "indicator_source": ind.source if ind else None,
                "yaml_line": code.line,
            }
        )
    return pd.DataFrame(rows)
