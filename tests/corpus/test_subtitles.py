"""Source text, speaker labels, fragments and subtitle cues (thesis_analysis.corpus.subtitles).

tests/corpus/test_importers.py imports whole files; here the lower layer is checked piece by
piece: decoding, whitespace, merging fragments into turns, and cue parsing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.corpus.subtitles import (
    MAX_LABEL_CHARS,
    SUBTITLE_HINT,
    Fragment,
    ImportedTurn,
    collapse_whitespace,
    merge_fragments,
    normalise_text,
    read_source_text,
    read_subtitles,
    split_speaker_label,
)
from thesis_analysis.errors import InputError


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def turns_of(tmp_path: Path, name: str, text: str) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in read_subtitles(write(tmp_path, name, text))]


# -- read_source_text and normalising ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Kari: Hei\r\nI: Ja\r\n", "Kari: Hei\nI: Ja\n"),
        (b"\xef\xbb\xbfKari: Hei\rI: Ja", "Kari: Hei\nI: Ja"),
        ("\ufeffKari: Blå\r\n".encode("utf-16-le"), "Kari: Blå\n"),
        ("Kari: Blå\n".encode("utf-16"), "Kari: Blå\n"),  # with its BOM
        ("\ufeffKari: Blå\n".encode("utf-16-be"), "Kari: Blå\n"),
        ("Kari: Bla\u030a\n".encode(), "Kari: Blå\n"),  # decomposed → NFC
    ],
)
def test_read_source_text_decodes_and_normalises(tmp_path: Path, data: bytes, text: str) -> None:
    assert read_source_text(write(tmp_path, "in.txt", data)) == text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Kari: Hei\n\x00\x01", ["in.txt", "binary file (it contains NUL bytes)", ".docx"]),
        (
            b"Kari: Hei\nI: ja\nKari: bl\xe5\n",
            ["in.txt", "is not UTF-8 (byte 0xe5 on line 3)", "iconv -f cp1252 -t utf-8 'in.txt'"],
        ),
        (
            b"\xff\xfeK\x00a\x00\x00\xd8",
            ["in.txt", "starts like UTF-16 text but cannot be decoded"],
        ),
    ],
)
def test_unreadable_text_names_the_file(tmp_path: Path, data: bytes, words: list[str]) -> None:
    path = write(tmp_path, "in.txt", data)
    with pytest.raises(InputError) as caught:
        read_source_text(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for part in words:
        assert part in message


def test_a_missing_source_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"borte\.txt: cannot read the file"):
        read_source_text(tmp_path / "borte.txt")


def test_the_converted_name_is_suggested(tmp_path: Path) -> None:
    path = write(tmp_path, "intervju.srt", b"1\n\xe6\n")
    with pytest.raises(InputError, match=r"> 'intervju-utf8\.srt'"):
        read_source_text(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffa\r\nb\rc\n", "a\nb\nc\n"),
        ("O\u0308ya", "Öya"),
        ("ingen endring", "ingen endring"),
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  to   ord \n og\tmer ", "to ord og mer"),
        ("null\u200bbredde", "nullbredde"),
        ("\u200e\u200fmerke\ufeff", "merke"),
        ("hard\u00a0mellomrom", "hard mellomrom"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_collapse_whitespace(text: str, expected: str) -> None:
    assert collapse_whitespace(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  Kari:   Hei  ", ("Kari", "Hei")),
        ("(Kari): Hei", ("Kari", "Hei")),
        ("Dr. Berg: Ja", ("Dr. Berg", "Ja")),  # later words must be capitalised
        ("Ola-Kari: Ja", ("Ola-Kari", "Ja")),
        ("Ola  Nordmann: Ja", ("Ola Nordmann", "Ja")),
        ("3 Kari: Ja", (None, "3 Kari: Ja")),
        ("Kari og Ola: Ja", (None, "Kari og Ola: Ja")),
        ("Informant 3B: Ja", ("Informant 3B", "Ja")),
        ("Kari:\tHei", ("Kari", "Hei")),
    ],
)
def test_split_speaker_label_more_cases(line: str, expected: tuple) -> None:
    assert split_speaker_label(line) == expected


def test_labels_longer_than_the_limit_are_text() -> None:
    long_label = "A" + "b" * MAX_LABEL_CHARS
    assert split_speaker_label(f"{long_label}: tekst") == (None, f"{long_label}: tekst")
    fitting = "A" + "b" * (MAX_LABEL_CHARS - 1)
    assert split_speaker_label(f"{fitting}: tekst") == (fitting, "tekst")


# -- merge_fragments ---------------------------------------------------------------------------


def fragments(*items: tuple[str | None, str]) -> list[Fragment]:
    return [Fragment(speaker, text, f"line {n}") for n, (speaker, text) in enumerate(items, 1)]


@pytest.mark.parametrize(
    ("merge", "expected"),
    [
        (True, [("Kari", "a b c"), ("I", "d")]),
        (False, [("Kari", "a b"), ("Kari", "c"), ("I", "d")]),
    ],
)
def test_merge_same_speaker(merge: bool, expected: list[tuple[str, str]]) -> None:
    items = fragments(("Kari", "a"), (None, " b "), ("Kari", "c"), ("I", "d"))
    turns = merge_fragments(items, Path("x.vtt"), "hint", merge_same_speaker=merge)
    assert [(t.speaker, t.text) for t in turns] == expected


def test_empty_turns_are_dropped_and_neighbours_of_one_speaker_joined_when_merging() -> None:
    items = fragments(("Kari", "a"), ("I", "  "), ("Kari", "b"))
    merged = merge_fragments(items, Path("x.srt"), "hint", merge_same_speaker=True)
    assert merged == [ImportedTurn("Kari", "a b")]
    kept = merge_fragments(items, Path("x.txt"), "hint", merge_same_speaker=False)
    assert kept == [ImportedTurn("Kari", "a"), ImportedTurn("Kari", "b")]


def test_blank_text_before_the_first_label_is_allowed() -> None:
    items = fragments((None, "  "), (None, ""), ("I", "Hei"))
    assert merge_fragments(items, Path("x"), "h", merge_same_speaker=False) == [
        ImportedTurn("I", "Hei")
    ]


def test_text_before_the_first_label_names_file_and_place() -> None:
    items = fragments((None, ""), (None, "Intervju med Kari, 3. mars 2024, på kontoret i Bergen"))
    with pytest.raises(InputError) as caught:
        merge_fragments(items, Path("mappe/x.txt"), "gjør noe", merge_same_speaker=False)
    assert str(caught.value) == (
        "mappe/x.txt, line 2: text without a speaker label "
        "('Intervju med Kari, 3. mars 2024, på kontoret i Bergen'); gjør noe."
    )


def test_the_quoted_text_is_cut_to_60_characters() -> None:
    with pytest.raises(InputError) as caught:
        merge_fragments(fragments((None, "x" * 100)), Path("a"), "h", merge_same_speaker=True)
    assert repr("x" * 60) in str(caught.value) and "x" * 61 not in str(caught.value)


@pytest.mark.parametrize("items", [[], fragments(("Kari", "  "), ("I", ""))])
def test_no_spoken_text(items: list[Fragment]) -> None:
    with pytest.raises(InputError) as caught:
        merge_fragments(items, Path("tom.vtt"), "legg til etiketter", merge_same_speaker=True)
    assert str(caught.value) == "tom.vtt: no spoken text found; legg til etiketter."


# -- read_subtitles ----------------------------------------------------------------------------


def test_the_vtt_fixture_cue_by_cue(data_dir: Path) -> None:
    turns = read_subtitles(data_dir / "import" / "kari.vtt")
    assert turns == [
        ImportedTurn("Intervjuer", "Hvor lenge har du vært ansatt i NAV?"),
        ImportedTurn(
            "Kari Nordmann",
            "Jeg har jobbet her i mange år, & det er fint. og målekortet hjelper oss.",
        ),
        ImportedTurn("Intervjuer", "Takk skal du ha."),
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (  # a cue right under the header, without a blank line
            "a.vtt",
            "WEBVTT\n00:01.000 --> 00:02.000\nKari: Hei\n",
            [("Kari", "Hei")],
        ),
        (  # hours in the timing, cue settings after it
            "b.vtt",
            "WEBVTT - tittel\n\n01:00:01.000 --> 01:00:02.000 line:0\n<v Kari>Hei</v>\n",
            [("Kari", "Hei")],
        ),
        (  # a REGION block is no speech
            "c.vtt",
            "WEBVTT\n\nREGION\nid:fred\n\n00:01.000 --> 00:02.000\nI: Ja\n",
            [("I", "Ja")],
        ),
        (  # a voice tag with classes and an empty voice
            "d.vtt",
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v.a.b Kari>Hei <v>og\n",
            [("Kari", "Hei og")],
        ),
        (  # html entities, ruby and lang tags, inline timestamps
            "e.vtt",
            "WEBVTT\n\n00:01.000 --> 00:02.000\n"
            "<v Kari><lang nb>Blå &lt;3</lang> <00:01.500>og<ruby>x<rt>y</rt></ruby></v>\n",
            [("Kari", "Blå <3 ogxy")],
        ),
        (  # SubRip: numbers and timings dropped, font tags removed
            "f.srt",
            '1\n00:00:01,000 --> 00:00:02,500\n<font color="red">I:</font> Hei?\n\n'
            "2\n00:00:03,000 --> 00:00:04,000\n<b>Kari:</b> Ja.\n",
            [("I", "Hei?"), ("Kari", "Ja.")],
        ),
        (  # a number that is text (not the next cue's) is kept
            "g.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nKari: Vi hadde\n42\n",
            [("Kari", "Vi hadde 42")],
        ),
        (  # consecutive cues of one speaker join into one turn
            "h.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nKari: a\n\n2\n00:00:02,000 --> 00:00:03,000\n"
            "Kari: b\n\n3\n00:00:03,000 --> 00:00:04,000\nc\n",
            [("Kari", "a b c")],
        ),
    ],
)
def test_subtitle_files(tmp_path: Path, name: str, text: str, expected: list) -> None:
    assert turns_of(tmp_path, name, text) == expected


def test_a_note_word_in_srt_is_speech(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nKari: Hei\n\nNOTE dette er tale\n"
    assert turns_of(tmp_path, "n.srt", text) == [("Kari", "Hei NOTE dette er tale")]


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHei der\n", "line 4"),
        ("b.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n\nuten taler\n", "line 5"),
        ("c.srt", "tittel over alt\n\n1\n00:00:01,000 --> 00:00:02,000\nKari: Hei\n", "line 1"),
    ],
)
def test_a_cue_without_a_speaker_first_names_file_and_line(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        read_subtitles(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, {where}: text without a speaker label")
    assert message.endswith(SUBTITLE_HINT + ".")


def test_a_subtitle_file_with_only_a_header_has_no_spoken_text(tmp_path: Path) -> None:
    path = write(tmp_path, "tom.vtt", "WEBVTT\n\nNOTE ingenting\n")
    with pytest.raises(InputError, match=r"tom\.vtt: no spoken text found"):
        read_subtitles(path)
