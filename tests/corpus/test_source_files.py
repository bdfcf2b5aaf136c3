"""Reading researchers' source files into turns (thesis_analysis.corpus.source_files).

Whole imports (every format, round trips, the rendered transcript) are checked in
tests/corpus/test_importers.py; here the readers themselves.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from thesis_analysis.corpus.source_files import (
    TEXT_HINT,
    _format_table_row,
    read_docx,
    read_plain_text,
    read_transcript_source,
)
from thesis_analysis.corpus.subtitles import ImportedTurn
from thesis_analysis.errors import InputError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cells(*texts: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(_tc=object(), text=text) for text in texts]


# -- plain text --------------------------------------------------------------------------------


def test_plain_text_turns_continuations_and_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "i.txt",
        "\n\nIntervjuer: Hvor lenge?\n\nKari: Lenge.\n  Mange   år.\n\nKari: Og mer.\nI: Takk.\n",
    )
    assert read_plain_text(path) == [
        ImportedTurn("Intervjuer", "Hvor lenge?"),
        ImportedTurn("Kari", "Lenge. Mange år."),
        ImportedTurn("Kari", "Og mer."),  # a new label line is a new turn, same speaker or not
        ImportedTurn("I", "Takk."),
    ]


def test_a_label_alone_on_its_line_takes_the_next_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "i.txt", "Kari:\nJeg svarer\npå to linjer.\nI:\n")
    assert read_plain_text(path) == [ImportedTurn("Kari", "Jeg svarer på to linjer.")]


def test_text_before_the_first_label_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "i.txt", "\n\nIntervju 3. mars\nKari: Hei\n")
    with pytest.raises(InputError) as caught:
        read_plain_text(path)
    assert str(caught.value) == (
        f"{path}, line 3: text without a speaker label ('Intervju 3. mars'); {TEXT_HINT}."
    )


def test_plain_text_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "i.txt"
    path.write_bytes("Kari: Hei\nI: Blå?\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"i\.txt: is not UTF-8 \(byte 0xe5 on line 2\)"):
        read_plain_text(path)


# -- Word ----------------------------------------------------------------------------------------


def test_docx_paragraphs_line_breaks_and_continuations(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Intervjuer: Hvor lenge?")
    paragraph = document.add_paragraph("Kari: Lenge.")
    paragraph.add_run().add_break()
    paragraph.add_run("I: Takk.")  # after a line break: a new turn
    document.add_paragraph("")
    document.add_paragraph("fortsatt I")
    path = tmp_path / "i.docx"
    document.save(str(path))
    assert read_docx(path) == [
        ImportedTurn("Intervjuer", "Hvor lenge?"),
        ImportedTurn("Kari", "Lenge."),
        ImportedTurn("I", "Takk. fortsatt I"),
    ]


@pytest.mark.parametrize(
    ("blocks", "where"),
    [
        (["Intervju med Kari", "Kari: Hei"], "paragraph 1"),
        ([("3. mars 2024", "Bergen"), "Kari: Hei"], "table 1"),
        (["", "", "Tittel", "Kari: Hei"], "paragraph 3"),
    ],
)
def test_docx_text_before_the_first_label_names_paragraph_or_table(
    tmp_path: Path, blocks: list, where: str
) -> None:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, tuple):
            table = document.add_table(rows=1, cols=len(block))
            for cell, text in zip(table.rows[0].cells, block, strict=True):
                cell.text = text
        else:
            document.add_paragraph(block)
    path = tmp_path / "i.docx"
    document.save(str(path))
    with pytest.raises(InputError) as caught:
        read_docx(path)
    assert str(caught.value).startswith(f"{path}, {where}: text without a speaker label")


@pytest.mark.parametrize("content", [b"not a zip file", b"", b"PK\x03\x04broken"])
def test_a_file_that_is_no_docx(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "gammel.docx"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_docx(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot be opened as a Word .docx file (")
    assert "save it as .docx" in message


# -- table rows --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "line"),
    [
        (("00:01:02", "Kari", "Lenge."), "Kari: Lenge."),
        (("[00:01]", "Kari:", "Lenge", "og vel."), "Kari: Lenge og vel."),
        (("1:02:03.5", "Kari Nordmann", "Ja."), "Kari Nordmann: Ja."),
        (("Kari", "  to \n linjer "), "Kari: to linjer"),
        (("Kari",), "Kari"),  # one cell: no label, the text as is
        (("det var sånn", "vi målte"), "det var sånn vi målte"),  # no label in the first cell
        (("", "00:12", ""), ""),
        (("12:30", "Kari", "Ja"), "Kari: Ja"),
    ],
)
def test_format_table_row(texts: tuple[str, ...], line: str) -> None:
    assert _format_table_row(cells(*texts)) == line


def test_merged_cells_are_read_once() -> None:
    label, text = cells("Kari", "Ja, det stemmer.")
    assert _format_table_row([label, text, text, text]) == "Kari: Ja, det stemmer."


# -- choosing the reader -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["i.txt", "I.TXT", "i.Txt"])
def test_the_suffix_chooses_the_reader_ignoring_case(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "Kari: Hei\n")
    assert read_transcript_source(path) == [ImportedTurn("Kari", "Hei")]


@pytest.mark.parametrize(("suffix", "kind"), [(".srt", "srt"), (".VTT", "vtt")])
def test_subtitle_suffixes(tmp_path: Path, suffix: str, kind: str) -> None:
    cue = "00:00:01,000 --> 00:00:02,000" if kind == "srt" else "00:01.000 --> 00:02.000"
    header = "WEBVTT\n\n" if kind == "vtt" else "1\n"
    path = write(tmp_path, f"c{suffix}", f"{header}{cue}\nKari: Hei\n")
    assert read_transcript_source(path) == [ImportedTurn("Kari", "Hei")]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("notater.pdf", "cannot import '.pdf' files"),
        ("gammel.doc", "cannot import '.doc' files"),
        ("README", "cannot import files without a suffix"),
    ],
)
def test_unsupported_files_are_refused_before_reading(
    tmp_path: Path, name: str, words: str
) -> None:
    path = tmp_path / name  # not created: the suffix is checked first
    with pytest.raises(InputError) as caught:
        read_transcript_source(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {words}")
    assert ".docx (Word), .txt" in message and ".srt (SubRip)" in message


def test_a_missing_source_file(tmp_path: Path) -> None:
    path = tmp_path / "borte.docx"
    with pytest.raises(InputError) as caught:
        read_transcript_source(path)
    assert str(caught.value) == f"{path}: no such file."
