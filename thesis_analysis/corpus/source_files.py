"""Reading the researcher's source files (Word, plain text with speaker labels, WebVTT,
SubRip) into imported turns; the importer (:mod:`thesis_analysis.corpus.importers`) writes them
in the project format."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
from docx.table import Table

from thesis_analysis.corpus.subtitles import (
    Fragment,
    ImportedTurn,
    merge_fragments,
    read_source_text,
    read_subtitles,
    split_speaker_label,
)
from thesis_analysis.errors import InputError

_TIMESTAMP_CELL_RE = re.compile(r"\[?(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?\]?")


TEXT_HINT = (
    "start each turn with a speaker label such as 'Intervjuer:' or 'Kari:' (label or remove "
    "title lines above the first turn), then map labels with --speaker if needed"
)


def read_plain_text(path: Path) -> list[ImportedTurn]:
    """Read a UTF-8 ``.txt`` file whose turns start with ``Label:`` at the start of a line.

    Lines without a label continue the previous turn (joined with a space); blank lines are
    ignored. A label on a new line starts a new turn, even for the same speaker.

    Returns
    -------
    list of ImportedTurn
        The turns, speaker labels as found in the file.

    Raises
    ------
    InputError
        If the file is not UTF-8 text or has text before the first label.
    """
    lines = read_source_text(path).split("\n")
    items = [(f"line {number}", line) for number, line in enumerate(lines, start=1)]
    return _parse_labelled_lines(items, Path(path))


def read_docx(path: Path) -> list[ImportedTurn]:
    """Read a Word ``.docx`` file whose paragraphs start with ``Label:``.

    Paragraphs and table rows are read in document order; a line break inside a paragraph is
    treated like a new line. A table row whose first cell is a label (``Kari`` or ``Kari:``)
    becomes ``Kari: <other cells>``; cells holding only a timestamp are dropped. Headers,
    footers, comments and text boxes are not read.

    Returns
    -------
    list of ImportedTurn
        The turns, speaker labels as found in the file.

    Raises
    ------
    InputError
        If the file is not a readable ``.docx`` or has text before the first label.
    """
    path = Path(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and package errors alike
        raise InputError(
            f"{path}: cannot be opened as a Word .docx file ({type(exc).__name__}: {exc}). "
            "If it is an old .doc, .rtf or .odt file, open it in Word or LibreOffice and save "
            "it as .docx."
        ) from None
    items: list[tuple[str, str]] = []
    counts = Counter[str]()
    for block in document.iter_inner_content():
        kind = "table" if isinstance(block, Table) else "paragraph"
        counts[kind] += 1
        if isinstance(block, Table):
            lines = [_format_table_row(row.cells) for row in block.rows]
        else:
            lines = block.text.split("\n")
        items.extend((f"{kind} {counts[kind]}", line) for line in lines)
    return _parse_labelled_lines(items, path)


def read_transcript_source(path: Path) -> list[ImportedTurn]:
    """Read a ``.docx``, ``.txt``, ``.vtt`` or ``.srt`` file with the reader for its suffix.

    Raises
    ------
    InputError
        If the suffix is not supported, the file is missing or cannot be read.
    """
    path = Path(path)
    readers: dict[str, Callable[[Path], list[ImportedTurn]]] = {
        ".docx": read_docx,
        ".txt": read_plain_text,
        ".vtt": read_subtitles,
        ".srt": read_subtitles,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        kind = f"{path.suffix!r} files" if path.suffix else "files without a suffix"
        raise InputError(
            f"{path}: cannot import {kind}; supported kinds are .docx (Word), .txt (UTF-8 text "
            "with speaker labels), .vtt (WebVTT) and .srt (SubRip). Save the transcript in one "
            "of these formats."
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    return reader(path)


def _parse_labelled_lines(items: Sequence[tuple[str, str]], path: Path) -> list[ImportedTurn]:
    """Turn (location, line) pairs with ``Label:`` prefixes into turns."""
    fragments = [Fragment(*split_speaker_label(line), where=where) for where, line in items]
    return merge_fragments(fragments, path, TEXT_HINT, merge_same_speaker=False)


def _format_table_row(cells: Sequence[object]) -> str:
    """Render a table row as one line, ``Label: text`` when its first cell is a label."""
    texts: list[str] = []
    seen: set[int] = set()
    for cell in cells:  # merged cells appear once per grid column
        if id(cell._tc) in seen:  # python-docx has no public cell identity
            continue
        seen.add(id(cell._tc))
        text = " ".join(cell.text.split())
        if text and not _TIMESTAMP_CELL_RE.fullmatch(text):
            texts.append(text)
    if len(texts) >= 2:
        label, rest = split_speaker_label(texts[0].rstrip(":") + ": x")
        if label is not None and rest == "x":
            return f"{label}: {' '.join(texts[1:])}"
    return " ".join(texts)
