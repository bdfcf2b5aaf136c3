"""Source text of a REFI-QDA TextSource → transcript body, with an exact offset map.

Positions. The standard (§10.2) counts Unicode code points from 0; NVivo and QualCoder count
UTF-16 code units. Either way the count is over the text *as stored in the file*: after a
byte-order mark (not counted) and *with* CR characters of CRLF line ends (counted).
:func:`make_position_converter` converts UTF-16 positions to code points; the end position is
exclusive.

Body. Our transcript format needs ``LABEL: text`` turns whose labels are ``I`` or the informant
id. :func:`build_body` rewrites the source text line by line and records, for every source
character, where it lands in the body:

* a line ``Name: text`` whose ``Name`` is a speaker label (it starts at least two lines, or is an
  interviewer label, or is the informant's name) gets ``I:`` or ``<id>:`` instead of ``Name:``,
  keeping one blank after the colon (the label and surplus blanks map to nothing);
* a paragraph without a label continues the previous speaker (before any label: ``I``; in a text
  without labels every paragraph is an informant turn) and gets that label inserted;
* a line inside a turn that would read as a new turn (``Word: …``) is joined to the line before
  by turning the line break into a blank (one character for one);
* ``CR LF`` becomes ``LF`` (the CR maps to nothing), a lone ``CR`` becomes ``LF``; the text is
  NFC-normalised as the transcript loader does (a changed character sequence maps as a block);
* blank lines and ``## headings`` are kept as they are.

A selection ``[start, end)`` of the source maps to ``[first kept character at or after start,
end of the last kept character before end)`` of the body (:meth:`MappedText.map_span`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from thesis_analysis.corpus.importers import INTERVIEWER_LABELS
from thesis_analysis.corpus.transcripts import HEADING_LINE, SPEAKER_LINE

LABEL_LINE = re.compile(r"^([^\W\d_](?:[\w'’. -]{0,38}[\w.'’])?)[ \t]*:(?=[ \t]|$)")
MAX_LABEL_WORDS = 4
POSITIONS = ("codepoints", "utf16")


@dataclass(frozen=True)
class MappedText:
    """A transcript body and where each source position lands in it."""

    body: str
    first: tuple[int, ...]  # per source position i: body offset of the first kept char >= i
    last: tuple[int, ...]  # per source position i: body offset after the last kept char < i
    speakers: tuple[tuple[str, str], ...]  # (label in the source, label in the body)

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Body span of source span ``[start, end)``; None if it holds no kept character."""
        if not 0 <= start < end <= len(self.first) - 1:
            return None
        body_start, body_end = self.first[start], self.last[end]
        return (body_start, body_end) if body_start < body_end else None


def make_position_converter(text: str, positions: str) -> Callable[[int, bool], int]:
    """A function ``(position, is_end) -> code point offset`` for positions counted in
    ``positions`` units (``codepoints`` or ``utf16``) over ``text``.

    A UTF-16 position inside a surrogate pair rounds down for a start and up for an end.
    """
    if positions not in POSITIONS:
        raise ValueError(f"positions must be one of {POSITIONS}, not {positions!r}")
    if positions == "codepoints" or all(ord(char) <= 0xFFFF for char in text):
        return lambda position, is_end: position
    units = [0]
    for char in text:
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))

    def convert(position: int, is_end: bool) -> int:
        index = bisect_left(units, position)
        if index < len(units) and units[index] == position:
            return index
        if index >= len(units):
            return len(text) + position - units[-1]
        return index if is_end else index - 1

    return convert


def find_labels(lines: list[str], informant_names: set[str]) -> dict[str, int]:
    """Speaker labels of the text and their number of characters spoken (empty: unlabelled).

    A label is accepted when it starts at least two lines, or is an interviewer label, or names
    the informant; the text counts as labelled when accepted labels start at least half of the
    paragraphs.
    """
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        match = LABEL_LINE.match(line)
        if match and len(match.group(1).split()) <= MAX_LABEL_WORDS:
            found.append((number, match.group(1)))
    counts = Counter(label for _, label in found)
    known = INTERVIEWER_LABELS | {n.casefold() for n in informant_names}
    accepted = {label for label, n in counts.items() if n >= 2 or label.casefold() in known}
    starts = [
        i
        for i, line in enumerate(lines)
        if line.strip()
        and not HEADING_LINE.match(line)
        and (i == 0 or not lines[i - 1].strip() or HEADING_LINE.match(lines[i - 1]))
    ]
    labelled = {n for n, label in found if label in accepted}
    if not accepted or 2 * len(labelled.intersection(starts)) < len(starts):
        return {}
    spoken: Counter = Counter({label: 0 for label in accepted})
    current = None
    for line in lines:
        match = LABEL_LINE.match(line)
        if match and match.group(1) in accepted:
            current = match.group(1)
            spoken[current] += len(line) - match.end()
        elif current and line.strip():
            spoken[current] += len(line)
    return dict(spoken)


def choose_speakers(
    spoken: dict[str, int], informant: str, informant_names: set[str], interviewer: str = "I"
) -> dict[str, str]:
    """Map each source label to ``interviewer`` (the project's label) or ``informant``.

    The informant is the label that names them (their id, case or source name), else the label
    with the most text that is not an interviewer label; every other speaker becomes ``I``.
    """
    names = {n.casefold() for n in informant_names}
    named = [label for label in spoken if label.casefold() in names]
    asking = INTERVIEWER_LABELS | {interviewer.casefold()}
    others = [label for label in spoken if label.casefold() not in asking]
    pool = named or others or list(spoken)
    chosen = max(pool, key=lambda label: (spoken[label], label)) if pool else None
    return {label: informant if label == chosen else interviewer for label in spoken}


class _Builder:
    """Accumulates the body and the position of every source character in it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.start = [-1] * len(source)
        self.stop = [-1] * len(source)
        self.last_newline: int | None = None

    def insert(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def keep(self, a: int, b: int) -> None:
        """Copy ``source[a:b]`` (NFC-normalised)."""
        chunk = self.source[a:b]
        if unicodedata.is_normalized("NFC", chunk):
            for i in range(a, b):
                self.start[i], self.stop[i] = self.length + i - a, self.length + i - a + 1
            self.insert(chunk)
            return
        i = a
        while i < b:
            j = i + 1
            while j < b and unicodedata.normalize("NFC", self.source[i : j + 1]) != (
                unicodedata.normalize("NFC", self.source[i:j]) + self.source[j]
            ):
                j += 1
            piece = unicodedata.normalize("NFC", self.source[i:j])
            for k in range(i, j):
                self.start[k], self.stop[k] = self.length, self.length + len(piece)
            self.insert(piece)
            i = j

    def newline(self, index: int) -> None:
        """Emit a line break for the source character at ``index`` (LF or a lone CR)."""
        self.start[index], self.stop[index] = self.length, self.length + 1
        self.last_newline = len(self.parts)
        self.insert("\n")

    def join_to_previous_line(self) -> None:
        if self.last_newline is not None:
            self.parts[self.last_newline] = " "

    def finish(self, speakers: dict[str, str]) -> MappedText:
        n = len(self.source)
        first, last = [0] * (n + 1), [0] * (n + 1)
        first[n] = self.length
        for i in range(n - 1, -1, -1):
            first[i] = self.start[i] if self.start[i] >= 0 else first[i + 1]
        for i in range(1, n + 1):
            last[i] = self.stop[i - 1] if self.stop[i - 1] >= 0 else last[i - 1]
        return MappedText(
            "".join(self.parts), tuple(first), tuple(last), tuple(sorted(speakers.items()))
        )


def split_lines(text: str) -> list[tuple[int, int, int]]:
    """Lines as (start, end of content, end with line break); CRLF, CR and LF end a line."""
    lines, pos = [], 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        lines.append((pos, match.start(), match.end()))
        pos = match.end()
    lines.append((pos, len(text), len(text)))
    return lines


def build_body(
    text: str, informant: str, informant_names: set[str], interviewer: str = "I"
) -> MappedText:
    """Rewrite source ``text`` (BOM already removed) as a transcript body; see the module doc.
    ``interviewer``: the project's interviewer label (``project.yaml``)."""
    spans = split_lines(text)
    contents = [text[a:b] for a, b, _ in spans]
    labels = find_labels(contents, informant_names | {interviewer})
    speakers = choose_speakers(labels, informant, informant_names, interviewer)
    builder = _Builder(text)
    current = interviewer if speakers else informant
    in_turn = False
    for number, (a, b, c) in enumerate(spans):
        line = contents[number]
        match = LABEL_LINE.match(line)
        if not line.strip() or HEADING_LINE.match(line):
            builder.keep(a, b)
            in_turn = False
        elif match and match.group(1) in speakers:
            current = speakers[match.group(1)]
            rest = a + match.end()
            blank = rest + 1 if rest < b and text[rest] in " \t" else rest
            skip = blank
            while skip < b and text[skip] in " \t":
                skip += 1
            in_turn = skip < b or continues(contents, number, speakers)
            if in_turn:
                builder.insert(f"{current}:")
                builder.keep(rest, blank)
            builder.keep(skip, b)
        else:
            if not in_turn:
                builder.insert(f"{current}: ")
            elif SPEAKER_LINE.match(line):
                builder.join_to_previous_line()
            builder.keep(a, b)
            in_turn = True
        if c > b:
            builder.newline(c - 1)
    return builder.finish(speakers)


def continues(lines: list[str], number: int, speakers: dict[str, str]) -> bool:
    """Whether the line after ``number`` continues a turn (not blank, heading or label)."""
    if number + 1 >= len(lines):
        return False
    following = lines[number + 1]
    match = LABEL_LINE.match(following)
    return (
        bool(following.strip())
        and not HEADING_LINE.match(following)
        and not (match and match.group(1) in speakers)
    )
