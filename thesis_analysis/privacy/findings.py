"""The records of detection, and how overlapping findings are resolved."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("PERSON", "STED", "ARBEIDSSTED", "TELEFON", "EPOST", "FNR", "DATO", "ADRESSE")
# Among findings that start at the same place, the longer wins; at equal length this order.
PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        ("FNR", "EPOST", "TELEFON", "DATO", "ADRESSE", "ARBEIDSSTED", "STED", "PERSON")
    )
}


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text.

    Attributes
    ----------
    kind : one of :data:`KINDS`.
    start, end : code-point offsets into the scanned text, end exclusive.
    text : ``text[start:end]`` of the scanned text.
    reason : why it was found (``name list``, ``context: heter``, ``check digits`` …).
    """

    kind: str
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    """A capitalised word the detector was unsure about and did not replace.

    Attributes
    ----------
    start, end : code-point offsets into the scanned text, end exclusive.
    text : the word(s) as written.
    reason : why it is listed.
    """

    start: int
    end: int
    text: str
    reason: str


def select_findings(findings: list[Finding]) -> list[Finding]:
    """Return non-overlapping findings in text order: earliest, then longest, then by kind."""
    ordered = sorted(findings, key=lambda f: (f.start, f.start - f.end, PRIORITY[f.kind]))
    chosen: list[Finding] = []
    last_end = -1
    for finding in ordered:
        if finding.start >= last_end:
            chosen.append(finding)
            last_end = finding.end
    return chosen


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps any of ``spans``."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)
