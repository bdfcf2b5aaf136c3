"""Pseudonymising in memory: findings made file-wide, placeholders in file order, the flag, key
rows that point at the placeholders, review lines, and restoring from key rows."""

from __future__ import annotations

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.findings import Candidate, Finding
from thesis_analysis.privacy.placeholders import KeyRow, PlaceholderMap
from thesis_analysis.privacy.scan import (
    ScannedFile,
    assign_placeholders,
    line_of,
    pseudonymise_file,
    restore_text,
    scan_file,
    shift,
)
from thesis_analysis.privacy.transcript_text import find_line_offsets, read_layout

TEXT = (
    "---\n"
    "id: V1\n"
    "provenance: Intervju av Kari Nordmann.\n"
    "---\n"
    "\n"
    "I: Hvem er sjefen din?\n"
    "V1: Sjefen min heter Tor Olsen. {kilde: 4.2}\n"
    "V1: Vi møtte Zyxel i Bergen.\n"
)


def at(text: str, word: str, kind: str, reason: str = "test", nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Finding(kind, start, start + len(word), word, reason)


def by_hand(text: str = TEXT, name: str = "V1.md") -> ScannedFile:
    findings = (
        at(text, "Kari Nordmann", "PERSON"),
        at(text, "Tor Olsen", "PERSON"),
        at(text, "Bergen", "STED"),
    )
    zyxel = text.index("Zyxel")
    candidates = (Candidate(zyxel, zyxel + 5, "Zyxel", "capitalised inside a sentence"),)
    return ScannedFile(name, text, read_layout(text, name), findings, candidates)


def test_shift_moves_only_the_offsets() -> None:
    assert shift(Finding("STED", 2, 8, "Bergen", "place list"), 10) == Finding(
        "STED", 12, 18, "Bergen", "place list"
    )


def test_scan_file_gives_file_offsets(detector: Detector) -> None:
    result = scan_file("V1.md", TEXT, read_layout(TEXT, "V1.md"), detector)
    assert [(f.kind, f.text) for f in result.findings] == [
        ("PERSON", "Kari Nordmann"),
        ("PERSON", "Tor Olsen"),
        ("STED", "Bergen"),
    ]
    assert all(TEXT[f.start : f.end] == f.text for f in result.findings)
    assert all(TEXT[c.start : c.end] == c.text for c in result.candidates)
    assert "Zyxel" in [c.text for c in result.candidates]
    # the speaker labels, headings and the {kilde} marker are never scanned
    assert result.name == "V1.md" and result.text == TEXT


def test_pseudonymise_file_replaces_flags_and_points_the_key(detector: Detector) -> None:
    scanned = by_hand()
    mapping = PlaceholderMap()
    assign_placeholders([scanned], mapping)
    result = pseudonymise_file(scanned, mapping)
    assert result.text == (
        "---\n"
        "id: V1\n"
        "provenance: Intervju av [PERSON-1].\n"
        "pseudonymised: true\n"
        "---\n"
        "\n"
        "I: Hvem er sjefen din?\n"
        "V1: Sjefen min heter [PERSON-2]. {kilde: 4.2}\n"
        "V1: Vi møtte Zyxel i [STED-1].\n"
    )
    # line and column of each placeholder in the new text (the flag line shifts the body)
    assert [(r.placeholder, r.original, r.file, r.line, r.column) for r in result.key_rows] == [
        ("[PERSON-1]", "Kari Nordmann", "V1.md", 3, 24),
        ("[PERSON-2]", "Tor Olsen", "V1.md", 8, 21),
        ("[STED-1]", "Bergen", "V1.md", 9, 21),
    ]
    starts = find_line_offsets(result.text)
    for row in result.key_rows:
        place = starts[row.line - 1] + row.column
        assert result.text[place : place + len(row.placeholder)] == row.placeholder


def test_review_lines_are_lines_of_the_original(detector: Detector) -> None:
    scanned = by_hand()
    mapping = PlaceholderMap()
    assign_placeholders([scanned], mapping)
    review = pseudonymise_file(scanned, mapping).review
    assert [(i.line, i.status, i.kind, i.original, i.placeholder) for i in review] == [
        (3, "replaced", "PERSON", "Kari Nordmann", "[PERSON-1]"),
        (7, "replaced", "PERSON", "Tor Olsen", "[PERSON-2]"),
        (8, "replaced", "STED", "Bergen", "[STED-1]"),
        (8, "unsure", "", "Zyxel", ""),
    ]
    # context from the original text, 40 characters either side, on one line
    assert review[3].context == "er Tor Olsen. {kilde: 4.2} V1: Vi møtte ⟦Zyxel⟧ i Bergen."
    assert review[2].context.endswith("Vi møtte Zyxel i ⟦Bergen⟧.")
    assert review[0].reason == "test"


def test_a_flagged_file_is_not_flagged_again() -> None:
    text = TEXT.replace("---\n\n", "pseudonymised: true\n---\n\n")
    scanned = by_hand(text)
    mapping = PlaceholderMap()
    assign_placeholders([scanned], mapping)
    result = pseudonymise_file(scanned, mapping)
    assert result.text.count("pseudonymised: true") == 1
    assert [(r.line, r.column) for r in result.key_rows] == [(3, 24), (8, 21), (9, 21)]


def test_a_crlf_file_gets_a_crlf_flag_line() -> None:
    text = TEXT.replace("\n", "\r\n")
    scanned = by_hand(text)
    mapping = PlaceholderMap()
    assign_placeholders([scanned], mapping)
    result = pseudonymise_file(scanned, mapping)
    assert "\r\npseudonymised: true\r\n---\r\n" in result.text
    assert "\n" not in result.text.replace("\r\n", "")


def test_placeholders_are_given_in_file_order_across_files() -> None:
    other_text = "---\nid: V2\n---\nV2: Jeg kjenner Per Hansen og Tor Olsen.\n"
    other = ScannedFile(
        "V2.md",
        other_text,
        read_layout(other_text, "V2.md"),
        (at(other_text, "Per Hansen", "PERSON"), at(other_text, "Tor Olsen", "PERSON")),
        (),
    )
    mapping = PlaceholderMap()
    assign_placeholders([other, by_hand()], mapping)
    assert mapping.get_placeholder("PERSON", "Per Hansen") == "[PERSON-1]"
    assert mapping.get_placeholder("PERSON", "Tor Olsen") == "[PERSON-2]"
    assert mapping.get_placeholder("PERSON", "Kari Nordmann") == "[PERSON-3]"
    assert pseudonymise_file(other, mapping).text.endswith("[PERSON-1] og [PERSON-2].\n")


@pytest.mark.parametrize(("offset", "line"), [(0, 1), (1, 1), (2, 2), (4, 2), (5, 3), (99, 3)])
def test_line_of(offset: int, line: int) -> None:
    assert line_of(find_line_offsets("a\nbc\nd"), offset) == line


def test_restore_text_puts_the_originals_back() -> None:
    scanned = by_hand()
    mapping = PlaceholderMap()
    assign_placeholders([scanned], mapping)
    result = pseudonymise_file(scanned, mapping)
    restored = restore_text(result.text, list(reversed(result.key_rows)), "V1.md")
    assert restored == TEXT.replace("---\n\n", "pseudonymised: true\n---\n\n")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 3, 0),
            "V1.md, line 3: expected [PERSON-1] at column 0 as the key says",
        ),
        (
            KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 9, 0),
            "V1.md, line 9: the key points past the end of the file",
        ),
        (
            KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 0, 0),
            "V1.md, line 0: the key points past the end of the file",
        ),
    ],
)
def test_restore_text_refuses_a_key_that_does_not_fit(row: KeyRow, message: str) -> None:
    text = "---\nid: V1\nI: Hei [PERSON-1].\n"  # 4 lines: the last one empty
    with pytest.raises(InputError) as info:
        restore_text(text, [row], "V1.md")
    assert message in str(info.value)


def test_restore_text_at_the_right_place() -> None:
    text = "---\nid: V1\nI: Hei [PERSON-1].\n"
    row = KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 3, 7)
    assert restore_text(text, [row], "V1.md") == "---\nid: V1\nI: Hei Kari.\n"
