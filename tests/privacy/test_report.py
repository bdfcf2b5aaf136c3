"""The review report: context windows, the table's order, and the Markdown."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.report import (
    CONTEXT_CHARS,
    REVIEW_COLUMNS,
    ReviewItem,
    build_review_frame,
    cut_context,
    render_review_markdown,
    render_table,
)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Jeg møtte Kari i går.", "Kari", "Jeg møtte ⟦Kari⟧ i går."),
        ("Kari", "Kari", "⟦Kari⟧"),
        # line breaks and runs of blanks become one blank
        ("Hei.\n\nV1: Jeg   møtte\tKari\ni går.", "Kari", "Hei. V1: Jeg møtte ⟦Kari⟧ i går."),
        # CONTEXT_CHARS characters either side, no more
        ("a" * 50 + "Kari" + "b" * 50, "Kari", "a" * 40 + "⟦Kari⟧" + "b" * 40),
    ],
)
def test_cut_context(text: str, word: str, expected: str) -> None:
    start = text.index(word)
    assert cut_context(text, start, start + len(word)) == expected
    assert CONTEXT_CHARS == 40


def test_cut_context_at_a_line_end_strips_the_edges() -> None:
    text = "\n  Kari  \n"
    assert cut_context(text, 3, 7) == "⟦Kari⟧"


def item(file: str, line: int, status: str, original: str, context: str = "c") -> ReviewItem:
    replaced = status == "replaced"
    return ReviewItem(
        file,
        line,
        status,
        "PERSON" if replaced else "",
        original,
        "[PERSON-1]" if replaced else "",
        "name list" if replaced else "capitalised inside a sentence, on no list",
        context,
    )


def test_review_frame_sorted_by_file_line_status_original() -> None:
    items = [
        item("V2.md", 1, "replaced", "Kari"),
        item("V1.md", 10, "replaced", "Tor"),
        item("V1.md", 9, "unsure", "Zyxel"),
        item("V1.md", 9, "replaced", "Kari", "z"),
        item("V1.md", 9, "replaced", "Kari", "a"),
        item("V1.md", 9, "replaced", "Bø"),
    ]
    frame = build_review_frame(items)
    assert list(frame.columns) == list(REVIEW_COLUMNS)
    assert list(frame.index) == list(range(6))
    assert frame[["file", "line", "status", "original", "context"]].values.tolist() == [
        ["V1.md", 9, "replaced", "Bø", "c"],
        ["V1.md", 9, "replaced", "Kari", "a"],
        ["V1.md", 9, "replaced", "Kari", "z"],
        ["V1.md", 9, "unsure", "Zyxel", "c"],
        ["V1.md", 10, "replaced", "Tor", "c"],  # line 10 after line 9: numbers, not text
        ["V2.md", 1, "replaced", "Kari", "c"],
    ]


def test_markdown_counts_both_sections_and_escapes_pipes() -> None:
    frame = build_review_frame(
        [
            item("V1.md", 3, "replaced", "Kari", "Jeg | møtte ⟦Kari⟧"),
            item("V1.md", 4, "unsure", "Zyxel"),
            item("V1.md", 5, "unsure", "Qwerty"),
        ]
    )
    text = render_review_markdown(frame)
    lines = text.splitlines()
    assert lines[0] == "# Pseudonymisation review"
    assert "- replacements: 1" in lines
    assert "- unsure capitalised words (not replaced): 2" in lines
    replaced = lines.index("## Replacements")
    unsure = lines.index("## Unsure (not replaced)")
    assert (
        lines[replaced + 2] == "| file | line | kind | original | placeholder | reason | context |"
    )
    assert lines[replaced + 3] == "|---|---|---|---|---|---|---|"
    assert lines[replaced + 4] == (
        "| V1.md | 3 | PERSON | Kari | [PERSON-1] | name list | Jeg \\| møtte ⟦Kari⟧ |"
    )
    assert lines[unsure + 2] == "| file | line | original | reason | context |"
    assert lines[unsure + 4 :] == [
        "| V1.md | 4 | Zyxel | capitalised inside a sentence, on no list | c |",
        "| V1.md | 5 | Qwerty | capitalised inside a sentence, on no list | c |",
    ]
    assert text.endswith("|\n")


def test_markdown_of_an_empty_review_says_none_twice() -> None:
    text = render_review_markdown(build_review_frame([]))
    assert "- replacements: 0" in text
    assert "- unsure capitalised words (not replaced): 0" in text
    assert text.count("None.") == 2


def test_render_table_of_nothing() -> None:
    assert render_table(build_review_frame([]), ["file"]) == ["None."]
