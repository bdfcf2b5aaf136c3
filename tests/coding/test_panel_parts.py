"""The coding panel's parts: css ids, the turn context, a suggestion's row, rejections."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from thesis_analysis.coding.panel_parts import (
    REJECTION_COLUMNS,
    load_rejections,
    make_css_id,
    make_suggestion_row,
    render_turn_context,
    save_rejections,
)


@pytest.mark.parametrize(
    ("code", "css"), [("npm", "npm"), ("styring.laering", "styring-laering"), ("a.b.c", "a-b-c")]
)
def test_css_ids_have_no_dots(code: str, css: str) -> None:
    assert make_css_id(code) == css


def test_the_context_shows_the_turn_before_and_the_segment_in_bold() -> None:
    segments = pd.DataFrame(
        {
            "segment_id": ["A-t001-s01", "A-t002-s01", "A-t002-s02", "B-t002-s01"],
            "transcript": ["A", "A", "A", "B"],
            "turn": [1, 2, 2, 2],
            "speaker": ["I", "A", "A", "B"],
            "text": ["Spørsmål <1>?", "Svar én.", "Svar to.", "Annet."],
        }
    )
    seg = segments.set_index("segment_id").loc["A-t002-s02"]
    html = render_turn_context(segments, seg, "A-t002-s02")
    assert html.index("Spørsmål &lt;1&gt;?") < html.index("<b>Svar to.</b>")
    assert "font-style:italic" in html.split("</p>")[0]
    assert "Annet." not in html and "<b>Svar én.</b>" not in html


@pytest.mark.parametrize(("confidence", "shown"), [("0.83", True), ("", False)])
def test_a_suggestion_row_shows_its_evidence_and_confidence(confidence: str, shown: bool) -> None:
    row = SimpleNamespace(
        code="styring.laering", rule="term:læring", evidence="lærer <av>", confidence=confidence,
        source="rule",
    )  # fmt: skip
    (accept, reject), box = make_suggestion_row(row, "Læring", stale=True)
    html = box.children[2].value
    assert "«lærer &lt;av&gt;»" in html and "(text changed since)" in html
    assert ("confidence 0.83 (rule)" in html) == shown
    assert "ta-accept-styring-laering" in accept._dom_classes
    assert "ta-reject-styring-laering" in reject._dom_classes


def test_rejections_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "anna.rejected.csv"
    assert list(load_rejections(path).columns) == REJECTION_COLUMNS
    frame = pd.DataFrame([["S-t001-s01", "npm", "term:npm", "h1"]], columns=REJECTION_COLUMNS)
    save_rejections(path, frame)
    pd.testing.assert_frame_equal(load_rejections(path), frame)
