"""Which parts of a transcript are scanned, edits with their new line and column, the flag."""

from __future__ import annotations

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.transcript_text import (
    FLAG,
    apply_edits,
    decode_transcript,
    find_line_offsets,
    read_layout,
    remove_flag,
)

TRANSCRIPT = (
    "---\n"
    "id: V1\n"
    "provenance: >-\n"
    "  Intervju av Kari\n"
    "  i Bergen.\n"
    "source: original\n"
    "---\n"
    "\n"
    "## Del 1\n"
    "\n"
    "I: Hei Kari.\n"
    "V1: Jeg bor i Bergen. {kilde: 4.2; sitat}\n"
    "uten merkelapp her\n"
    "V1:\n"
)


def scanned(text: str) -> list[str]:
    return [text[a:b] for a, b in read_layout(text, "V1.md").ranges]


def test_the_scanned_ranges() -> None:
    layout = read_layout(TRANSCRIPT, "V1.md")
    # the provenance block, then each turn's text without label, marker, heading or blanks
    assert scanned(TRANSCRIPT) == [
        ">-\n  Intervju av Kari\n  i Bergen.",
        "Hei Kari.",
        "Jeg bor i Bergen.",
        "uten merkelapp her",
    ]
    assert TRANSCRIPT[layout.closing_fence :].startswith("---\n\n## Del 1")
    assert layout.newline == "\n" and layout.flagged is False


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("provenance: Fra Oslo\n", ["Fra Oslo"]),
        ("provenance:   Fra Oslo\nsource: original\n", ["Fra Oslo"]),
        ("source: original\n", []),  # no provenance
        ("provenance: |\n  linje en\n\n  linje to\nsource: x\n", ["|\n  linje en\n\n  linje to"]),
        ("provenance: >-\n  to the end\n", [">-\n  to the end"]),
    ],
)
def test_provenance_scalar_or_block(front: str, expected: list[str]) -> None:
    text = f"---\nid: V1\n{front}---\nV1: Hei.\n"
    assert scanned(text) == [*expected, "Hei."]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("V1: Hei Kari.", ["Hei Kari."]),
        ("V1:Hei.", ["Hei."]),
        ("V1:  Hei.", [" Hei."]),  # one blank after the colon belongs to the label
        ("Hei uten label.", ["Hei uten label."]),
        ("V1: Hei. {kilde: 4.2}", ["Hei."]),
        ("V1: {kilde: 4.2}", []),
        ("## Overskrift med Kari", []),
        ("##Ikke overskrift", ["##Ikke overskrift"]),
        ("   ", []),
        ("Lang_etikett_over_tjue_tegn: Hei.", ["Lang_etikett_over_tjue_tegn: Hei."]),
    ],
)
def test_turn_lines(line: str, expected: list[str]) -> None:
    assert scanned(f"---\nid: V1\n---\n{line}\n") == expected


def test_crlf_files_keep_their_line_ends_out_of_the_turns() -> None:
    text = TRANSCRIPT.replace("\n", "\r\n")
    layout = read_layout(text, "V1.md")
    assert layout.newline == "\r\n"
    assert scanned(text)[1:] == ["Hei Kari.", "Jeg bor i Bergen.", "uten merkelapp her"]
    assert text[layout.closing_fence :].startswith("---\r\n")


@pytest.mark.parametrize(
    ("front", "flagged"),
    [
        ("pseudonymised: true\n", True),
        ("pseudonymised:   true  \n", True),
        ("pseudonymised: false\n", False),
        ("", False),
    ],
)
def test_flagged(front: str, flagged: bool) -> None:
    text = f"---\nid: V1\n{front}---\nV1: pseudonymised: true\n"
    assert read_layout(text, "V1.md").flagged is flagged


def test_a_flag_as_the_last_front_matter_line_counts() -> None:
    text = f"---\nid: V1\n{FLAG}\n---\n"
    assert read_layout(text, "V1.md").flagged is True
    assert read_layout(text, "V1.md").ranges == ()


@pytest.mark.parametrize(
    "text",
    [
        "I: hei\n",
        "",
        "---\nid: V1\n",  # never closed
        "\n---\nid: V1\n---\nI: hei\n",  # not at the top
        "id: V1\n---\nI: hei\n",
    ],
)
def test_no_front_matter_names_the_file_and_line(text: str) -> None:
    with pytest.raises(InputError, match=r"^V9\.md, line 1: no front matter between two `---`"):
        read_layout(text, "V9.md")


def test_a_byte_order_mark_is_kept_and_skipped() -> None:
    text = "\ufeff" + TRANSCRIPT
    layout = read_layout(text, "V1.md")
    assert layout.closing_fence == TRANSCRIPT.index("---\n\n##") + 1
    assert [text[a:b] for a, b in layout.ranges][1] == "Hei Kari."


def test_decode_transcript_keeps_bom_and_crlf() -> None:
    raw = "\ufeff---\r\nid: V1\r\n".encode()
    assert decode_transcript(raw, "V1.md") == "\ufeff---\r\nid: V1\r\n"


def test_decode_transcript_names_the_line_of_a_bad_byte() -> None:
    raw = "---\nid: V1\n---\nV1: Bodø\n".encode().replace("ø".encode(), b"\xf8")
    with pytest.raises(InputError, match=r"^V1\.md, line 4: not UTF-8; save the file as UTF-8"):
        decode_transcript(raw, "V1.md")


@pytest.mark.parametrize(
    ("text", "edits", "new", "positions"),
    [
        ("", [], "", []),
        ("Hei Kari", [(4, 8, "[PERSON-1]")], "Hei [PERSON-1]", [(1, 4)]),
        # a longer replacement shifts the columns of later edits on the same line
        (
            "Kari og Tor",
            [(0, 4, "[PERSON-1]"), (8, 11, "[PERSON-2]")],
            "[PERSON-1] og [PERSON-2]",
            [(1, 0), (1, 14)],
        ),
        # lines counted through kept text and through new text with line breaks
        (
            "ab\ncd\nef",
            [(0, 1, "X"), (4, 5, "Y\nZZ"), (6, 7, "W")],
            "Xb\ncY\nZZ\nWf",
            [(1, 0), (2, 1), (4, 0)],
        ),
        # an insertion (empty span)
        ("a\nb", [(2, 2, "flag\n")], "a\nflag\nb", [(2, 0)]),
        # a replacement that removes a line break
        ("a\nb c", [(0, 3, "X"), (4, 5, "Y")], "X Y", [(1, 0), (1, 2)]),
    ],
)
def test_apply_edits(text: str, edits, new: str, positions) -> None:
    assert apply_edits(text, edits) == (new, positions)


def test_apply_edits_positions_point_at_the_new_text() -> None:
    text = "første linje\nV1: Kari bor i Bø.\nV1: Kari igjen"
    edits = [(17, 21, "[PERSON-1]"), (28, 30, "[STED-1]"), (36, 40, "[PERSON-1]")]
    new, positions = apply_edits(text, edits)
    starts = find_line_offsets(new)
    for (_, _, placeholder), (line, column) in zip(edits, positions, strict=True):
        at = starts[line - 1] + column
        assert new[at : at + len(placeholder)] == placeholder


@pytest.mark.parametrize(
    ("text", "offsets"),
    [("", [0]), ("a", [0]), ("a\nbc\n", [0, 2, 5]), ("\n\n", [0, 1, 2]), ("a\r\nb", [0, 3])],
)
def test_find_line_offsets(text: str, offsets: list[int]) -> None:
    assert find_line_offsets(text) == offsets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\nid: V1\npseudonymised: true\n---\nV1: Hei\n",
            "---\nid: V1\n---\nV1: Hei\n",
        ),
        (
            "---\r\nid: V1\r\npseudonymised: true\r\n---\r\nV1: Hei\r\n",
            "---\r\nid: V1\r\n---\r\nV1: Hei\r\n",
        ),
        # no flag: unchanged; a flag-like line in the body is never touched
        ("---\nid: V1\n---\npseudonymised: true\n", "---\nid: V1\n---\npseudonymised: true\n"),
    ],
)
def test_remove_flag(text: str, expected: str) -> None:
    assert remove_flag(text, "V1.md") == expected


def test_remove_flag_needs_front_matter() -> None:
    with pytest.raises(InputError, match=r"^V1\.md, line 1"):
        remove_flag("V1: hei\n", "V1.md")
