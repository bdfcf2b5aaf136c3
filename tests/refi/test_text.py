"""Source text → transcript body: positions (code points, UTF-16), lines, speaker labels, the
rewritten body and the offset map."""

from __future__ import annotations

import pytest

from thesis_analysis.refi.text import (
    MappedText,
    build_body,
    choose_speakers,
    continues,
    find_labels,
    make_position_converter,
    split_lines,
)


def test_code_point_positions_are_kept() -> None:
    convert = make_position_converter("a😀b", "codepoints")
    assert [convert(i, False) for i in range(4)] == [0, 1, 2, 3]


def test_utf16_positions_without_astral_characters_are_code_points() -> None:
    convert = make_position_converter("æøå", "utf16")
    assert [convert(i, True) for i in range(4)] == [0, 1, 2, 3]


# «a😀b»: UTF-16 units a=0, 😀=1-2, b=3; code points a=0, 😀=1, b=2.
@pytest.mark.parametrize(
    ("position", "is_end", "expected"),
    [
        (0, False, 0),
        (1, False, 1),
        (2, False, 1),  # inside the pair: a start rounds down to the emoji
        (2, True, 2),  # an end rounds up past it
        (3, False, 2),
        (3, True, 2),
        (4, True, 3),  # the end of the text
        (5, True, 4),  # beyond the end: one for one (map_span refuses it)
    ],
)
def test_utf16_positions(position: int, is_end: bool, expected: int) -> None:
    assert make_position_converter("a😀b", "utf16")(position, is_end) == expected


def test_unknown_position_units_are_refused() -> None:
    with pytest.raises(ValueError, match="positions must be one of"):
        make_position_converter("x", "bytes")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [(0, 0, 0)]),
        ("a", [(0, 1, 1)]),
        ("a\r\nb\rc\nd", [(0, 1, 3), (3, 4, 5), (5, 6, 7), (7, 8, 8)]),
        ("a\n", [(0, 1, 2), (2, 2, 2)]),
        ("\n\n", [(0, 0, 1), (1, 1, 2), (2, 2, 2)]),
    ],
)
def test_split_lines(text: str, lines) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("lines", "names", "expected"),
    [
        # a label that starts two lines; characters spoken after the colon (4 + 3 + 5)
        (["Kari: hei", "Kari: ja", "tekst"], set(), {"Kari": 12}),
        # an interviewer label counts once; a following line continues the turn
        (["I: hei", "svar"], set(), {"I": 8}),
        # the informant's name counts once
        (["Kari: hei", "", "noe annet"], {"kari"}, {"Kari": 13}),  # half the paragraphs: enough
        (["Kari: hei", "", "a", "", "b"], {"kari"}, {}),  # one of three paragraphs: too few
        # a label found once and nobody's is text of the turn before (4 + 17)
        (["Kari: hei", "", "Kari Nordmann: ok"], {"kari"}, {"Kari": 21}),
        # a label that starts one line and is nobody's is no label
        (["Merk: hei", "tekst"], set(), {}),
        # more than four words before the colon is no label
        (["En to tre fire fem: x", "En to tre fire fem: y"], set(), {}),
        (["Vanlig tekst.", "Mer tekst."], set(), {}),
    ],
)
def test_find_labels(lines: list[str], names: set[str], expected: dict[str, int]) -> None:
    assert find_labels(lines, names) == expected


@pytest.mark.parametrize(
    ("spoken", "names", "expected"),
    [
        # the label with most text that is no interviewer label is the informant
        ({"Per": 10, "Pål": 30, "I": 50}, set(), {"Per": "I", "Pål": "P1", "I": "I"}),
        # a label naming the informant wins over more text
        ({"Per": 10, "Pål": 30}, {"per"}, {"Per": "P1", "Pål": "I"}),
        ({"Intervjuer": 50, "Kari": 5}, set(), {"Intervjuer": "I", "Kari": "P1"}),
        ({}, set(), {}),
        # a tie of text: the label that sorts last
        ({"A": 5, "B": 5}, set(), {"A": "I", "B": "P1"}),
    ],
)
def test_choose_speakers(spoken, names, expected) -> None:
    assert choose_speakers(spoken, "P1", names) == expected


def test_choose_speakers_uses_the_projects_interviewer_label() -> None:
    assert choose_speakers({"Q": 50, "Kari": 5}, "P1", set(), "Q") == {"Q": "Q", "Kari": "P1"}


@pytest.mark.parametrize(
    ("text", "informant", "names", "body", "speakers"),
    [
        (
            "Intervjuer: Hei?\r\nKari: Bra.\r\n\r\nKari: Ja.\r\n",
            "Kari",
            {"Kari"},
            "I: Hei?\nKari: Bra.\n\nKari: Ja.\n",
            (("Intervjuer", "I"), ("Kari", "Kari")),
        ),
        # surplus blanks after the label go; one is kept
        (
            "Intervjuer:   Hei?\nKari: Bra.\nKari: Ja\nmer tekst\n",
            "Kari",
            {"Kari"},
            "I: Hei?\nKari: Bra.\nKari: Ja\nmer tekst\n",
            (("Intervjuer", "I"), ("Kari", "Kari")),
        ),
        # two people, neither named: the one who speaks most is the informant
        (
            "Per: Hei?\nPål: Bra, takk.\nPer: Ja\nPål: ok\n",
            "P1",
            {"P1"},
            "I: Hei?\nP1: Bra, takk.\nI: Ja\nP1: ok\n",
            (("Per", "I"), ("Pål", "P1")),
        ),
        # no labels: every paragraph is an informant turn; «linje to:» stays text
        (
            "Første avsnitt\nlinje to: fortsatt.\n\nAndre.",
            "Kari",
            {"Kari"},
            "Kari: Første avsnitt\nlinje to: fortsatt.\n\nKari: Andre.",
            (),
        ),
        # a line that would read as a new turn is joined to the line before; headings kept
        (
            "Kari: Bra\nMerk: noe\n\n## Del 2\n\nKari: ja\nI: ok",
            "Kari",
            {"Kari"},
            "Kari: Bra Merk: noe\n\n## Del 2\n\nKari: ja\nI: ok",
            (("I", "I"), ("Kari", "Kari")),
        ),
        # a lone CR is a line break
        ("I: a\rKari: b", "Kari", {"Kari"}, "I: a\nKari: b", (("I", "I"), ("Kari", "Kari"))),
        # a paragraph before any label is the interviewer's
        (
            "Innledning.\n\nI: Hei\nKari: Ja\n",
            "Kari",
            {"Kari"},
            "I: Innledning.\n\nI: Hei\nKari: Ja\n",
            (("I", "I"), ("Kari", "Kari")),
        ),
    ],
)
def test_build_body(text: str, informant: str, names: set[str], body: str, speakers) -> None:
    mapped = build_body(text, informant, names)
    assert mapped.body == body
    assert mapped.speakers == speakers
    assert len(mapped.first) == len(mapped.last) == len(text) + 1


def test_every_kept_word_maps_onto_itself() -> None:
    text = "Intervjuer:   Hei på deg?\r\nKari: Bra, takk 😀.\r\n\r\nKari: Målekortet styrer.\r\n"
    mapped = build_body(text, "Kari", {"Kari"})
    for word in ("Hei på deg?", "Bra, takk 😀.", "Målekortet styrer."):
        start = text.index(word)
        span = mapped.map_span(start, start + len(word))
        assert span is not None and mapped.body[span[0] : span[1]] == word


def test_a_selection_of_the_label_only_maps_to_nothing() -> None:
    text = "Intervjuer:   Hei?\nKari: Bra.\n"
    mapped = build_body(text, "Kari", {"Kari"})
    assert mapped.map_span(0, len("Intervjuer:")) is None
    # the first blank after the colon is kept (after «I:»), the other two map to nothing
    assert mapped.map_span(0, len("Intervjuer:   ")) == (2, 3)
    assert mapped.map_span(12, 14) is None
    # a selection that starts on the label begins at the first kept character after it
    span = mapped.map_span(0, len("Intervjuer:   Hei"))
    assert mapped.body[span[0] : span[1]] == " Hei"
    span = mapped.map_span(12, len("Intervjuer:   Hei"))
    assert mapped.body[span[0] : span[1]] == "Hei"


def test_a_crlf_line_end_maps_to_the_lf() -> None:
    text = "I: a\r\nKari: b"
    mapped = build_body(text, "Kari", {"Kari"})
    assert mapped.map_span(4, 6) == (4, 5)  # CR LF -> LF
    assert mapped.body[4] == "\n"
    assert mapped.map_span(4, 5) is None  # the CR alone maps to nothing


def test_text_is_nfc_normalised_and_a_changed_sequence_maps_as_a_block() -> None:
    text = "Kari: e\u0301 ok\n"  # e + combining acute: two code points, one after NFC
    mapped = build_body(text, "Kari", {"Kari"})
    assert mapped.body == "Kari: \u00e9 ok\n"
    assert mapped.map_span(6, 8) == (6, 7)
    assert mapped.map_span(6, 7) == (6, 7)  # part of the block: the whole block
    assert mapped.map_span(9, 11) == (8, 10)  # «ok» after it, one place earlier


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 2), (0, 99)])
def test_map_span_refuses_spans_outside_or_empty(start: int, end: int) -> None:
    mapped = MappedText("abc", (0, 1, 2, 3), (0, 1, 2, 3), ())
    assert mapped.map_span(start, end) is None


@pytest.mark.parametrize(
    ("lines", "number", "expected"),
    [
        (["Kari: a", "mer"], 0, True),
        (["Kari: a", ""], 0, False),
        (["Kari: a", "## Del"], 0, False),
        (["Kari: a", "I: b"], 0, False),
        (["Kari: a", "Merk: b"], 0, True),  # not a speaker of this text
        (["Kari: a"], 0, False),
    ],
)
def test_continues(lines: list[str], number: int, expected: bool) -> None:
    assert continues(lines, number, {"Kari": "Kari", "I": "I"}) is expected
