"""Which parts of a transcript file are scanned, and how replacements are applied.

Scanned: the text of each turn (after the ``LABEL:`` and before a ``{kilde: …}`` marker) and
the free-text ``provenance`` of the front matter. Never touched: other front-matter values,
headings, speaker labels, markers, blank lines, line endings and a byte-order mark, so that
a replacement changes only the replaced characters and ``--reverse`` can restore the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thesis_analysis.errors import InputError

FENCE = re.compile(r"(?:^|(?<=\A\ufeff))---[ \t]*\r?$", re.MULTILINE)  # also right after a BOM
SPEAKER = re.compile(r"^[A-Za-zÆØÅæøå0-9_]{1,20}:[ \t]?")
HEADING = re.compile(r"^##[ \t]")
KILDE = re.compile(r"[ \t]*\{kilde:[^}]*\}[ \t]*\r?$")
PROVENANCE = re.compile(r"^provenance:[ \t]*", re.MULTILINE)
FLAG = "pseudonymised: true"
FLAG_LINE = re.compile(r"^pseudonymised:[ \t]*true[ \t]*\r?\n", re.MULTILINE)


@dataclass(frozen=True)
class Layout:
    """Where the parts of one transcript file are.

    Attributes
    ----------
    closing_fence : offset of the front matter's closing ``---`` line.
    newline : the file's line ending (``"\\n"`` or ``"\\r\\n"``).
    ranges : ``(start, end)`` code-point ranges of the text to scan, in order.
    flagged : whether the front matter already says ``pseudonymised: true``.
    """

    closing_fence: int
    newline: str
    ranges: tuple[tuple[int, int], ...]
    flagged: bool


def decode_transcript(raw: bytes, name: str) -> str:
    """UTF-8 text of a transcript, kept exactly as stored (BOM and CRLF included)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}, line {line}: not UTF-8; save the file as UTF-8 and run again"
        ) from exc


def read_layout(text: str, name: str) -> Layout:
    """Find the front matter, the provenance and the turns of ``text``."""
    offset = 1 if text.startswith("\ufeff") else 0
    fences = [m for m in FENCE.finditer(text, offset) if True]
    if not fences or fences[0].start() != offset or len(fences) < 2:
        raise InputError(
            f"{name}, line 1: no front matter between two `---` lines; "
            "check it with `thesis-analysis validate`"
        )
    closing = fences[1].start()
    newline = "\r\n" if text.find("\r\n") != -1 else "\n"
    front = text[fences[0].end() : closing]
    ranges = list_provenance_ranges(text, fences[0].end(), closing)
    body_start = text.find("\n", closing)
    body_start = len(text) if body_start == -1 else body_start + 1
    ranges += list_turn_ranges(text, body_start)
    return Layout(closing, newline, tuple(ranges), bool(FLAG_LINE.search(front + "\n")))


def list_provenance_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The value of ``provenance:`` (a scalar or an indented block) in the front matter."""
    match = PROVENANCE.search(text, start, end)
    if match is None:
        return []
    value_end = text.find("\n", match.end(), end)
    value_end = end if value_end == -1 else value_end
    position = value_end + 1
    while position < end:
        line_end = text.find("\n", position, end)
        line_end = end if line_end == -1 else line_end
        line = text[position:line_end]
        if line.strip() and line[0] not in " \t":
            break
        value_end = line_end
        position = line_end + 1
    return [(match.end(), value_end)]


def list_turn_ranges(text: str, body_start: int) -> list[tuple[int, int]]:
    """Each body line's text without a speaker label, heading or provenance marker."""
    ranges = []
    position = body_start
    while position < len(text):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end == -1 else line_end
        line = text[position:line_end]
        if line.strip() and not HEADING.match(line):
            label = SPEAKER.match(line)
            start = position + (label.end() if label else 0)
            kilde = KILDE.search(line)
            end = position + (kilde.start() if kilde else len(line.rstrip("\r")))
            if end > start:
                ranges.append((start, end))
        position = line_end + 1
    return ranges


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Replace ``text[start:end]`` by each edit's text (edits sorted, not overlapping).

    Returns the new text and, per edit, the 1-based line and 0-based column of its new text.
    """
    pieces: list[str] = []
    positions: list[tuple[int, int]] = []
    previous = 0
    line = 1
    line_start_out = 0
    length_out = 0
    for start, end, new in edits:
        kept = text[previous:start]
        pieces.append(kept)
        newlines = kept.count("\n")
        if newlines:
            line += newlines
            line_start_out = length_out + kept.rfind("\n") + 1
        length_out += len(kept)
        positions.append((line, length_out - line_start_out))
        pieces.append(new)
        newlines = new.count("\n")
        if newlines:
            line += newlines
            line_start_out = length_out + new.rfind("\n") + 1
        length_out += len(new)
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces), positions


def find_line_offsets(text: str) -> list[int]:
    """The offset where each line starts (index 0 is line 1)."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def remove_flag(text: str, name: str) -> str:
    """``text`` without the ``pseudonymised: true`` line of its front matter."""
    layout = read_layout(text, name)
    match = FLAG_LINE.search(text, 0, layout.closing_fence)
    if match is None:
        return text
    return text[: match.start()] + text[match.end() :]
