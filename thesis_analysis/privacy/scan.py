"""Pseudonymise texts in memory: detection over a transcript's ranges, then placeholders.

No disk access: :mod:`thesis_analysis.privacy.pseudonymise` reads and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass

from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.findings import Candidate, Finding
from thesis_analysis.privacy.placeholders import KeyRow, PlaceholderMap
from thesis_analysis.privacy.report import ReviewItem, cut_context
from thesis_analysis.privacy.transcript_text import FLAG, Layout, apply_edits, find_line_offsets


@dataclass(frozen=True)
class ScannedFile:
    """One transcript's text, layout and what the detector found (file offsets)."""

    name: str
    text: str
    layout: Layout
    findings: tuple[Finding, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class PseudonymisedFile:
    """The new text of one file, its key rows and its review items."""

    name: str
    text: str
    key_rows: tuple[KeyRow, ...]
    review: tuple[ReviewItem, ...]


def scan_file(name: str, text: str, layout: Layout, detector: Detector) -> ScannedFile:
    """Run the detector over each scanned range of a transcript, offsets made file-wide."""
    findings: list[Finding] = []
    candidates: list[Candidate] = []
    for start, end in layout.ranges:
        detection = detector.detect(text[start:end])
        findings += [shift(f, start) for f in detection.findings]
        candidates += [
            Candidate(c.start + start, c.end + start, c.text, c.reason)
            for c in detection.candidates
        ]
    return ScannedFile(name, text, layout, tuple(findings), tuple(candidates))


def shift(finding: Finding, offset: int) -> Finding:
    """``finding`` with its offsets moved by ``offset``."""
    return Finding(
        finding.kind, finding.start + offset, finding.end + offset, finding.text, finding.reason
    )


def assign_placeholders(files: list[ScannedFile], mapping: PlaceholderMap) -> None:
    """Give every finding of every file a placeholder, in file and text order."""
    mapping.assign_all([(f.kind, f.text) for scanned in files for f in scanned.findings])


def pseudonymise_file(scanned: ScannedFile, mapping: PlaceholderMap) -> PseudonymisedFile:
    """Replace the findings of one file by their placeholders and flag the front matter."""
    text = scanned.text
    edits = [(f.start, f.end, mapping.get_placeholder(f.kind, f.text)) for f in scanned.findings]
    flag_at = None
    if not scanned.layout.flagged:
        flag_at = len([e for e in edits if e[0] < scanned.layout.closing_fence])
        edits.insert(
            flag_at,
            (
                scanned.layout.closing_fence,
                scanned.layout.closing_fence,
                FLAG + scanned.layout.newline,
            ),
        )
    new_text, positions = apply_edits(text, edits)
    if flag_at is not None:
        del edits[flag_at], positions[flag_at]
    line_starts = find_line_offsets(text)
    rows, review = [], []
    for finding, (_, _, placeholder), (line, column) in zip(
        scanned.findings, edits, positions, strict=True
    ):
        rows.append(KeyRow(placeholder, finding.text, finding.kind, scanned.name, line, column))
        review.append(
            ReviewItem(
                scanned.name,
                line_of(line_starts, finding.start),
                "replaced",
                finding.kind,
                finding.text,
                placeholder,
                finding.reason,
                cut_context(text, finding.start, finding.end),
            )
        )
    for candidate in scanned.candidates:
        review.append(
            ReviewItem(
                scanned.name,
                line_of(line_starts, candidate.start),
                "unsure",
                "",
                candidate.text,
                "",
                candidate.reason,
                cut_context(text, candidate.start, candidate.end),
            )
        )
    return PseudonymisedFile(scanned.name, new_text, tuple(rows), tuple(review))


def line_of(line_starts: list[int], offset: int) -> int:
    """The 1-based line of ``offset``, given the start offsets of the lines."""
    from bisect import bisect_right

    return bisect_right(line_starts, offset)


def restore_text(text: str, rows: list[KeyRow], name: str) -> str:
    """Put the originals of ``rows`` (occurrences in file ``name``) back into ``text``."""
    from thesis_analysis.errors import InputError

    line_starts = find_line_offsets(text)
    edits = []
    for row in rows:
        if row.line < 1 or row.line > len(line_starts):
            raise InputError(f"{name}, line {row.line}: the key points past the end of the file")
        start = line_starts[row.line - 1] + row.column
        if text[start : start + len(row.placeholder)] != row.placeholder:
            raise InputError(
                f"{name}, line {row.line}: expected {row.placeholder} at column {row.column} "
                "as the key says; was the file edited after pseudonymisation? Use the key "
                "written with this version of the file"
            )
        edits.append((start, start + len(row.placeholder), row.original))
    edits.sort()
    return apply_edits(text, edits)[0]
