"""Source files for the importer: decoding, speaker labels, subtitle cues.

This module is the lower layer of the importer. It turns the bytes of a researcher's file into
:class:`ImportedTurn` records and knows nothing about the project's transcript format:

- :func:`read_source_text` decodes a text file (UTF-8, BOM and CRLF allowed) and refuses binary
  or non-UTF-8 input with a message that says how to convert it;
- :func:`split_speaker_label` recognises a ``Label: text`` prefix at the start of a line;
- :func:`merge_fragments` turns labelled and unlabelled pieces of text into turns, never dropping
  text: a piece without a label continues the previous speaker;
- :func:`read_subtitles` reads WebVTT (``.vtt``) and SubRip (``.srt``) files.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from thesis_analysis.errors import InputError

MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 40

_LABEL_RE = re.compile(
    rf"^[\[(]?(?P<label>[^\W\d_][\w'.-]*(?: +[\w'.-]+){{0,{MAX_LABEL_WORDS - 1}}})[\])]?:"
    r"(?:\s+(?P<text>.*))?$"
)
_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING_RE = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>", re.IGNORECASE)
_TAG_RE = re.compile(
    r"</?(?:[bciuv]|ruby|rt|lang|font|span)(?:[.\s][^>]*)?>|<\d+(?::\d{2}){1,2}[.,]\d{3}>",
    re.IGNORECASE,
)
_ASS_OVERRIDE_RE = re.compile(r"\{\\[^}]*\}")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\ufeff"))
_VTT_META_BLOCKS = frozenset({"NOTE", "STYLE", "REGION"})

SUBTITLE_HINT = (
    "add speaker labels to the file (a voice tag such as <v Kari> or 'Kari: ' at the start of "
    'the cue), then map them with --speaker, e.g. --speaker "Kari=V3" --speaker "Intervjuer=I"'
)


@dataclass(frozen=True)
class ImportedTurn:
    """One speaker turn as found in a source file.

    Attributes
    ----------
    speaker : str
        The speaker label as written in the source, e.g. ``Intervjuer`` or ``Kari Nordmann``.
    text : str
        What was said, as one paragraph (runs of whitespace collapsed to one space).
    """

    speaker: str
    text: str


@dataclass(frozen=True)
class Fragment:
    """A piece of source text: its speaker label (``None`` = continues) and where it was found."""

    speaker: str | None
    text: str
    where: str


def read_source_text(path: Path) -> str:
    """Read a text file as UTF-8, normalised to LF line endings and NFC.

    Parameters
    ----------
    path : Path
        The file to read. A UTF-8 byte-order mark is removed; UTF-16 with a byte-order mark
        (Windows "Unicode" text) is accepted too.

    Returns
    -------
    str
        The text with CRLF and CR turned into LF.

    Raises
    ------
    InputError
        If the file cannot be read, contains NUL bytes (binary) or is not valid UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return normalise_text(data.decode("utf-16"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: starts like UTF-16 text but cannot be decoded.") from None
    if b"\x00" in data:
        raise InputError(
            f"{path}: looks like a binary file (it contains NUL bytes), not text. Save the "
            "transcript as .docx, UTF-8 .txt, .vtt or .srt and import that file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}: is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); it looks like "
            "cp1252/latin-1, as written by e.g. a Word or Notepad text export. Convert it with "
            f"`iconv -f cp1252 -t utf-8 '{path.name}' > '{path.stem}-utf8{path.suffix}'` (or "
            "save it again as UTF-8) and import the converted file."
        ) from None
    return normalise_text(text)


def normalise_text(text: str) -> str:
    """Return ``text`` with CRLF/CR line endings as LF, in Unicode NFC, without BOM."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def collapse_whitespace(text: str) -> str:
    """Return ``text`` as one line: invisible marks removed, whitespace runs as one space."""
    return " ".join(text.translate(_INVISIBLE).split())


def split_speaker_label(line: str) -> tuple[str | None, str]:
    """Split a ``Label: text`` prefix off a line.

    A label is at most four words, starts with a letter and may contain letters (æøå too),
    digits, ``_``, ``'``, ``.`` and ``-``; it may be wrapped in ``[...]``. Words after the first
    must start with a capital or a digit (``Informant 3``, ``Kari Nordmann``), so that a sentence
    such as ``Det var sånn: vi ...`` is not taken for a label. A colon must be followed by
    whitespace or the end of the line (``https://`` is no label).

    Parameters
    ----------
    line : str
        One line of text.

    Returns
    -------
    tuple of (str or None, str)
        The label (whitespace normalised) and the rest of the line, or ``(None, line)``.
    """
    match = _LABEL_RE.match(line.strip())
    if match is None:
        return None, line
    words = match["label"].split()
    label = " ".join(words)
    if len(label) > MAX_LABEL_CHARS or not all(w[0].isupper() or w[0].isdigit() for w in words[1:]):
        return None, line
    return label, match["text"] or ""


def merge_fragments(
    fragments: Iterable[Fragment], path: Path, hint: str, *, merge_same_speaker: bool
) -> list[ImportedTurn]:
    """Join fragments into turns; a fragment without a speaker continues the previous turn.

    Parameters
    ----------
    fragments : iterable of Fragment
        Pieces of text in reading order.
    path : Path
        The source file, named in error messages.
    hint : str
        What the user should do when text comes before the first speaker label.
    merge_same_speaker : bool
        Whether a new fragment labelled with the current speaker continues the current turn
        (subtitle cues) or starts a new turn (paragraphs in a document).

    Returns
    -------
    list of ImportedTurn
        Turns with non-empty text.

    Raises
    ------
    InputError
        If there is text before any speaker label, or no text at all.
    """
    turns: list[tuple[str, list[str]]] = []
    for fragment in fragments:
        text = collapse_whitespace(fragment.text)
        same = turns and fragment.speaker == turns[-1][0] and merge_same_speaker
        if fragment.speaker is None or same:
            if not turns and text:
                raise InputError(
                    f"{path}, {fragment.where}: text without a speaker label ({text[:60]!r}); "
                    f"{hint}."
                )
            if turns:
                turns[-1][1].append(text)
        else:
            turns.append((fragment.speaker, [text]))
    result: list[ImportedTurn] = []
    for speaker, parts in turns:
        text = " ".join(part for part in parts if part)
        if not text:
            continue
        if merge_same_speaker and result and result[-1].speaker == speaker:
            text = f"{result.pop().text} {text}"
        result.append(ImportedTurn(speaker=speaker, text=text))
    if not result:
        raise InputError(f"{path}: no spoken text found; {hint}.")
    return result


def read_subtitles(path: Path) -> list[ImportedTurn]:
    """Read a WebVTT (``.vtt``) or SubRip (``.srt``) file into turns.

    Cue numbers, identifiers and timestamps are dropped, as are the ``WEBVTT`` header and
    ``NOTE``, ``STYLE`` and ``REGION`` blocks. Formatting tags (``<c>``, ``<i>``, ``<b>``,
    ``<font>``, inline timestamps) are removed and HTML entities decoded. The speaker comes from
    a voice tag ``<v Name>`` or a ``Name: `` prefix; a cue without a speaker continues the
    previous speaker, and consecutive cues of one speaker become one turn.

    Parameters
    ----------
    path : Path
        The subtitle file.

    Returns
    -------
    list of ImportedTurn
        The turns, speakers as found in the file.

    Raises
    ------
    InputError
        If the file is not UTF-8 text, or the first cue has no speaker.
    """
    text = read_source_text(path)
    fragments = [fragment for lines in _iter_cue_payloads(text) for fragment in _split_cue(lines)]
    return merge_fragments(fragments, Path(path), SUBTITLE_HINT, merge_same_speaker=True)


def _iter_blocks(text: str) -> Iterable[list[tuple[int, str]]]:
    """Yield runs of non-blank lines as (line number, stripped line) lists."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            block.append((number, line.strip()))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _iter_cue_payloads(text: str) -> Iterable[list[tuple[int, str]]]:
    """Yield the text lines of each cue; text outside any cue is yielded as its own payload."""
    is_vtt = text.lstrip().startswith("WEBVTT")
    for index, block in enumerate(_iter_blocks(text)):
        timings = [i for i, (_, line) in enumerate(block) if _TIMING_RE.match(line)]
        first_word = block[0][1].split()[0]
        if is_vtt and index == 0 and first_word.startswith("WEBVTT"):
            if not timings:
                continue
            block = block[timings[0] :]
            timings = [t - timings[0] for t in timings]
        elif is_vtt and first_word in _VTT_META_BLOCKS and not timings:
            continue
        if not timings:
            yield block  # a paragraph break inside a cue: text continues the previous cue
            continue
        yield block[: max(timings[0] - 1, 0)]  # stray lines before the cue identifier
        for k, start in enumerate(timings):
            end = timings[k + 1] if k + 1 < len(timings) else len(block)
            lines = block[start + 1 : end]
            if end != len(block) and lines and lines[-1][1].isdigit():
                lines = lines[:-1]  # the number of the next SubRip cue
            yield lines


def _split_cue(lines: list[tuple[int, str]]) -> list[Fragment]:
    """Split a cue's lines at voice tags and ``Label:`` prefixes into fragments."""
    fragments: list[Fragment] = []
    for number, line in lines:
        where = f"line {number}"
        position, speaker, at_line_start = 0, None, True
        for match in _VOICE_RE.finditer(line):
            fragments.append(
                _make_cue_fragment(speaker, line[position : match.start()], where, at_line_start)
            )
            speaker = collapse_whitespace(match["name"] or "") or None
            position, at_line_start = match.end(), False
        fragments.append(_make_cue_fragment(speaker, line[position:], where, at_line_start))
    return fragments


def _make_cue_fragment(speaker: str | None, raw: str, where: str, at_line_start: bool) -> Fragment:
    """Clean cue text of tags and entities; look for a ``Label:`` prefix where one may occur."""
    text = html.unescape(_ASS_OVERRIDE_RE.sub("", _TAG_RE.sub("", raw)))
    if speaker is None and at_line_start:
        speaker, text = split_speaker_label(text)
    return Fragment(speaker=speaker, text=text, where=where)
