"""Reading and checking one transcript file (thesis_analysis.corpus.transcripts).

tests/corpus/test_records.py loads the broken fixture folder as a whole; here each step of
reading one file is checked on small texts, every problem with its file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.corpus.records import Informant, Problem, Transcript
from thesis_analysis.corpus.transcripts import (
    check_attributes,
    check_duplicate_ids,
    decode_text,
    finish_turn,
    parse_transcript,
    read_transcript,
    read_turns,
    split_front_matter,
)
from thesis_analysis.project_file import (
    UNKNOWN_SECTION,
    load_default_project_file,
    parse_project_file,
)

SETTINGS = load_default_project_file()
FRONT = "---\nid: Z1\nrole: leder\nemployer: stat\nsource: original\nprovenance: test\n---\n"


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# -- decode_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"", 1, "the file is empty"),
        (b"  \n\t\n", 1, "the file is empty"),
        (b"---\nid: A\x00\n", 1, "binary file (NUL bytes)"),
        ("---\nid: A\nrole: sjåfør\n".encode("cp1252"), 3, "not UTF-8 (byte 0xe5"),
        (b"---\n\n\n\n\x81\x8d\n", 5, "not UTF-8 (byte 0x81; an unknown encoding)"),
    ],
)
def test_undecodable_bytes_are_one_problem_with_its_line(raw: bytes, line: int, words: str) -> None:
    text, problems = decode_text(raw, "A.md")
    assert text is None
    assert len(problems) == 1
    assert problems[0].file == "A.md" and problems[0].line == line
    assert words in problems[0].message


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"\xef\xbb\xbfa\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        (b"a\r\n\rb", "a\n\nb"),
        ("Ma\u030al".encode(), "M\u00e5l"),  # decomposed å composed (NFC)
    ],
)
def test_decoding_drops_the_bom_and_normalises_lines_and_nfc(raw: bytes, text: str) -> None:
    assert decode_text(raw, "A.md") == (text, [])


# -- split_front_matter ------------------------------------------------------------------------


def test_front_matter_and_body_with_its_first_line() -> None:
    meta, body, first, problems = split_front_matter(FRONT + "\nI: Hei?\n", "Z1.md")
    assert problems == []
    assert meta == {
        "id": "Z1",
        "role": "leder",
        "employer": "stat",
        "source": "original",
        "provenance": "test",
    }
    assert body == "\nI: Hei?\n" and first == 8


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: Z1\n---\n", 1, "no front matter: the file must start with a '---' line"),
        ("\n---\nid: Z1\n---\n", 1, "no front matter"),
        ("---\nid: Z1\nI: Hei\n", 1, "front matter is not closed by a '---' line"),
        ("---\nid: Z1\nrole: [leder\n---\nI: x\n", 3, "front matter is not valid YAML"),
        ("---\nid: Z1\n  role: leder\n---\n", 3, "front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n", 2, "front matter must be key: value lines"),
        ("---\n---\nI: x\n", 2, "front matter must be key: value lines"),
    ],
)
def test_front_matter_problems_name_their_line(text: str, line: int, words: str) -> None:
    meta, _, _, problems = split_front_matter(text, "Z1.md")
    assert meta is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"Z1.md:{line}: {words}")


def test_a_closing_line_with_spaces_counts() -> None:
    meta, body, first, problems = split_front_matter("--- \nid: Z1\n ---\nZ1: Ja\n", "Z1.md")
    assert problems == [] and meta == {"id": "Z1"} and body == "Z1: Ja\n" and first == 4


# -- check_attributes --------------------------------------------------------------------------


def test_complete_attributes_have_no_problems() -> None:
    meta = {
        "id": "Z1",
        "role": "leder",
        "employer": "stat",
        "source": "original",
        "provenance": "p",
    }
    assert check_attributes(meta, "Z1.md", SETTINGS) == []
    assert check_attributes({**meta, "team": "hva som helst"}, "Z1.md", SETTINGS) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"id": None}, ["front matter lacks 'id'"]),
        ({"role": ""}, ["front matter lacks 'role'"]),
        ({"provenance": None, "source": None}, ["lacks 'source'", "lacks 'provenance'"]),
        ({"role": "sjef"}, ["unknown role 'sjef'; use one of leder, nestleder"]),
        ({"source": "intervju"}, ["unknown source 'intervju'; use one of reconstructed"]),
        ({"id": "Z-1"}, ["id 'Z-1' must be 1-20 letters"]),
        ({"id": "x" * 21}, ["must be 1-20 letters"]),
        ({"id": "I"}, ["id 'I' is reserved for the interviewer"]),
    ],
)
def test_attribute_problems_are_on_line_2(change: dict, words: list[str]) -> None:
    meta = {
        "id": "Z1",
        "role": "leder",
        "employer": "stat",
        "source": "original",
        "provenance": "p",
    }
    meta.update(change)
    problems = check_attributes(meta, "Z1.md", SETTINGS)
    assert len(problems) == len(words), messages(problems)
    for problem, part in zip(problems, words, strict=True):
        assert problem.file == "Z1.md" and problem.line == 2
        assert part in problem.message


def test_only_the_source_advice_omits_project_yaml() -> None:
    meta = {"id": "Z1", "role": "x", "employer": "stat", "source": "y", "provenance": "p"}
    role, source = check_attributes(meta, "Z1.md", SETTINGS)
    assert "add the value to case_variables in project.yaml" in role.message
    assert "project.yaml" not in source.message


def test_attributes_follow_the_given_project_file() -> None:
    settings = parse_project_file(
        "name: x\nlanguage: nn\ninterviewer: Int\ncase_variables:\n  rolle: [leiar]\n"
    )
    meta = {"id": "N1", "rolle": "leiar", "source": "synthetic", "provenance": "p"}
    assert check_attributes(meta, "N1.md", settings) == []
    problems = check_attributes({**meta, "id": "Int", "rolle": "sjef"}, "N1.md", settings)
    assert ["unknown rolle 'sjef'" in p.message for p in problems] == [True, False]
    assert "id 'Int' is reserved for the interviewer" in problems[1].message


# -- read_turns and finish_turn ----------------------------------------------------------------


def test_turns_with_sections_continuation_lines_and_offsets() -> None:
    body = (
        "\n## Introduksjon\n\nI: Hvor lenge?\n\nZ1: Lenge.\nMange år.\n\n"
        "## styringsparametere \n\nZ1:Kort.\n"
    )
    turns, problems = read_turns(body, 8, "Z1", "Z1", "Z1.md", False, SETTINGS)
    assert problems == []
    assert [(t.index, t.speaker, t.section, t.line, t.text) for t in turns] == [
        (1, "I", "introduksjon", 11, "Hvor lenge?"),
        (2, "Z1", "introduksjon", 13, "Lenge.\nMange år."),
        (3, "Z1", "styringsparametere", 18, "Kort."),
    ]
    for turn in turns:
        assert body[turn.start : turn.end] == turn.text
        assert turn.transcript == "Z1" and turn.provenance is None


def test_turns_before_any_heading_are_in_the_unknown_section() -> None:
    turns, _ = read_turns("I: Hei?\nZ1: Hei.\n", 8, "Z1", "Z1", "Z1.md", False, SETTINGS)
    assert [t.section for t in turns] == [UNKNOWN_SECTION, UNKNOWN_SECTION]
    assert [t.line for t in turns] == [8, 9]


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("tekst uten taler\n\nZ1: Ja.\n", 8, "text outside a turn"),
        ("I: Hei?\n\nfortsatt uten taler\n", 10, "text outside a turn"),
        ("Kari: Hei.\n", 8, "speaker 'Kari' is not declared: use 'I' for the interviewer or"),
        ("## Ukjent del\n\nZ1: Ja.\n", 8, "section 'Ukjent del' is not in project.yaml"),
        ("Z1: Ja.\nI:\n", 9, "empty turn: write what was said"),
        ("Z1: {kilde: 4.2}\n", 8, "empty turn"),
        ("Z1: Ja. {kilde: 4.2; gjettet}\n", 8, "provenance kind 'gjettet' unknown"),
    ],
)
def test_turn_problems_name_their_line(body: str, line: int, words: str) -> None:
    _, problems = read_turns(body, 8, "Z1", "Z1", "Z1.md", False, SETTINGS)
    assert len(problems) == 1, messages(problems)
    assert str(problems[0]).startswith(f"Z1.md:{line}: {words}")


def test_an_unknown_section_keeps_a_slug_as_its_id() -> None:
    turns, _ = read_turns(
        "## Ny Del: Økonomi\n\nZ1: Ja.\n", 8, "Z1", "Z1", "Z1.md", False, SETTINGS
    )
    assert turns[0].section == "ny_del_okonomi"


@pytest.mark.parametrize(
    ("raw", "text", "provenance"),
    [
        ("Svar. {kilde: 4.2.2; sitat}", "Svar.", "4.2.2; sitat"),
        ("Svar.{kilde:4.3}", "Svar.", "4.3"),
        ("Svar. {kilde: 5.1 ;  referert }  ", "Svar.", "5.1; referert"),
        ("Svar {kilde: 4.1} og mer.", "Svar {kilde: 4.1} og mer.", None),  # not at the end
    ],
)
def test_finish_turn_separates_the_provenance_marker(raw: str, text: str, provenance) -> None:
    body = "Z1: " + raw
    spec = {"speaker": "Z1", "start": 4, "end": len(body), "line": 9, "section": "s"}
    turn, problems = finish_turn(body, spec, 0, "Z1", "Z1.md", False, "I")
    assert problems == []
    assert (turn.text, turn.provenance, turn.index) == (text, provenance, 1)
    assert body[turn.start : turn.end] == turn.text


@pytest.mark.parametrize(("speaker", "problem"), [("Z1", True), ("I", False)])
def test_reconstructed_informant_turns_need_a_marker(speaker: str, problem: bool) -> None:
    body = f"{speaker}: Svar."
    spec = {
        "speaker": speaker,
        "start": len(speaker) + 2,
        "end": len(body),
        "line": 9,
        "section": "s",
    }
    turn, problems = finish_turn(body, spec, 2, "Z1", "Z1.md", True, "I")
    assert turn.text == "Svar." and turn.index == 3
    assert messages(problems) == (
        ["Z1.md:9: informant turn in a reconstructed transcript lacks '{kilde: <section>; <kind>}'"]
        if problem
        else []
    )


# -- parse_transcript and read_transcript ------------------------------------------------------


def test_parse_transcript_builds_the_records() -> None:
    text = FRONT.replace("provenance: test", "provenance: '  test  '\nteam: drift\nnotes: [a, b]")
    transcript, problems = parse_transcript(text + "\nI: Hei?\n\nZ1: Hei.\n", "dir/Z1_v2.md")
    assert problems == []
    assert isinstance(transcript, Transcript)
    assert (transcript.id, transcript.file_name) == ("Z1_v2", "dir/Z1_v2.md")
    assert transcript.informant == Informant(
        id="Z1",
        source="original",
        provenance="test",
        attributes=(
            ("employer", "stat"),
            ("id", "Z1"),
            ("provenance", "  test  "),
            ("role", "leder"),
            ("source", "original"),
            ("team", "drift"),
        ),
    )
    assert [t.speaker for t in transcript.turns] == ["I", "Z1"]


def test_a_transcript_without_an_informant_turn_is_refused() -> None:
    transcript, problems = parse_transcript(FRONT + "\nI: Hei?\n", "Z1.md")
    assert transcript is None
    assert messages(problems) == ["Z1.md:8: no turn by the informant"]


def test_every_problem_of_a_file_is_collected() -> None:
    text = FRONT.replace("role: leder", "role: sjef") + "løs tekst\n\nX: Hei\n"
    transcript, problems = parse_transcript(text, "Z1.md")
    assert transcript is None
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [
        (2, "unknown"),
        (8, "text"),
        (10, "speaker"),
        (8, "no"),
    ]


def test_read_transcript_of_a_missing_file_is_a_problem_on_line_0(tmp_path: Path) -> None:
    transcript, problems = read_transcript(tmp_path / "V1.md")
    assert transcript is None
    assert len(problems) == 1 and problems[0].file == "V1.md" and problems[0].line == 0
    assert problems[0].message.startswith("cannot read the file")


def test_read_transcript_decodes_and_parses(tmp_path: Path) -> None:
    path = tmp_path / "Z1.md"
    path.write_bytes(b"\xef\xbb\xbf" + (FRONT + "\r\nZ1: Hei.\r\n").encode())
    transcript, problems = read_transcript(path, SETTINGS)
    assert problems == [] and transcript.turns[0].text == "Hei."
    assert transcript.turns[0].line == 9
    path.write_bytes(FRONT.encode() + "Z1: Blå\n".encode("cp1252"))
    transcript, problems = read_transcript(path)
    assert transcript is None and messages(problems)[0].startswith("Z1.md:8: not UTF-8")


def make_transcript(file_name: str, informant: str) -> Transcript:
    return Transcript(file_name[:-3], file_name, Informant(informant, "original", "p"), "", ())


def test_check_duplicate_ids_names_every_later_file() -> None:
    transcripts = [
        make_transcript("A.md", "A1"),
        make_transcript("B.md", "B1"),
        make_transcript("C.md", "A1"),
        make_transcript("D.md", "A1"),
    ]
    assert messages(check_duplicate_ids(transcripts)) == [
        "C.md:2: duplicate id 'A1' (also in A.md); ids must be unique",
        "D.md:2: duplicate id 'A1' (also in A.md); ids must be unique",
    ]
    assert check_duplicate_ids(transcripts[:2]) == []
