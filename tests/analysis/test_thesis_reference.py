"""The thesis's section placement as a reference: mapping, placement, scores by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.analysis.thesis_reference import (
    SectionMapping,
    load_section_mapping,
    place_segments,
    score_against_sections,
)
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.errors import InputError

ROOT = Path(__file__).parents[2]
MAPPINGS = (
    SectionMapping("4.1", ("5.1",), "NPM", ("npm",)),
    SectionMapping("4.3", (), "Holdninger", ("malforskyvning",)),
)


def test_the_shipped_mapping_uses_codebook_ids() -> None:
    codebook = load_codebook(ROOT / "codebook.yaml")
    mappings = load_section_mapping(ROOT / "thesis_sections.yaml", codebook)
    assert [m.section for m in mappings] == ["4.1", "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.3"]


def test_unknown_codes_are_refused(tmp_path: Path) -> None:
    codebook = load_codebook(ROOT / "codebook.yaml")
    bad = tmp_path / "sections.yaml"
    bad.write_text('sections:\n  - section: "4.1"\n    codes: [finnes_ikke]\n', encoding="utf-8")
    with pytest.raises(InputError, match="finnes_ikke"):
        load_section_mapping(bad, codebook)


def test_placement_and_scores_by_hand() -> None:
    segments = pd.DataFrame(
        {
            "segment_id": ["a", "b", "c", "d", "e"],
            "provenance": ["4.1; sitat", "5.1; referert", "4.3; fordelt", "4.3; sitat", "1.2.1"],
        }
    )
    assert place_segments(segments, MAPPINGS).tolist() == ["4.1", "4.1", "4.3", "4.3", ""]
    codings = pd.DataFrame(
        {
            "segment_id": ["a", "c", "c", "b"],
            "code": ["npm.detaljstyring", "npm", "malforskyvning", "x"],
        }
    )
    table = score_against_sections(segments, {"coder": codings}, MAPPINGS).set_index("section")
    # 4.1: reference a, b; predicted a, c → tp 1, fp 1, fn 1 → F1 = 0.5.
    assert table.loc["4.1", "f1"] == pytest.approx(0.5)
    # 4.3: reference c, d; predicted c → precision 1, recall 0.5, F1 = 2/3. Segment e is out.
    assert table.loc["4.3", "f1"] == pytest.approx(2 / 3)
    assert table.loc["(macro)", "f1"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert table.loc["(macro)", "n_reference"] == 4
