"""Agreement of two coders per code and their disagreements
(thesis_analysis.analysis.agreement_tables), on a small hand-checked coding.

tests/analysis/test_tables.py checks the auto-coder against a manual coding at the top level;
here the coder names, both levels, interviewer segments and the empty cases.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.analysis.agreement_tables import (
    AGREEMENT_COLUMNS,
    compute_agreement_by_code,
    list_coder_disagreements,
)
from thesis_analysis.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "analysis"
DISAGREEMENT_COLUMNS = ["segment_id", "code", "label", "coders_with", "coders_without", "text"]


@pytest.fixture(scope="module")
def codings() -> pd.DataFrame:
    """Coders ref and cand: one agreement at the top level only, one full agreement, one
    code only cand gave, and a ref coding of an interviewer segment (not counted)."""
    rows = [
        ("A1-t002-s01", "styring", "ref"),
        ("A1-t002-s01", "styring.laering", "cand"),
        ("B1-t002-s01", "holdning.positiv", "ref"),
        ("B1-t002-s01", "holdning.positiv", "cand"),
        ("A2-t002-s01", "holdning.kritisk", "cand"),
        ("A1-t001-s01", "subkultur", "ref"),
        ("A2-t004-s01", "styring", "other"),
    ]
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder"])


def by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("code")


def test_top_level_agreement(codings, segments, codebook) -> None:
    frame = compute_agreement_by_code(codings, segments, codebook, "ref", "cand")
    assert list(frame.columns) == AGREEMENT_COLUMNS
    assert frame["code"].tolist() == [
        "styring",
        "kvalitet_kvantitet",
        "subkultur",
        "holdning.kritisk",
        "holdning.positiv",
        "indikator.jobbmatch",
        "(macro)",
        "(pooled)",
    ]
    table = by_code(frame)
    styring = table.loc["styring"]  # styring and styring.laering are both styring at the top
    assert (styring.n_units, styring.n_reference, styring.n_candidate) == (9, 1, 1)
    assert styring.percent_agreement == 1.0 and styring.cohen_kappa == pytest.approx(1.0)
    kritisk = table.loc["holdning.kritisk"]  # 8 of 9 agree; p_e = 8/9 as well: kappa 0
    assert (kritisk.n_reference, kritisk.n_candidate) == (0, 1)
    assert kritisk.percent_agreement == pytest.approx(8 / 9)
    assert kritisk.cohen_kappa == pytest.approx(0.0)
    assert table.loc["holdning.positiv", "label"] == "Positiv holdning"
    assert table.loc["(macro)", "label"] == "(macro)"


def test_codes_nobody_used_have_a_note_instead_of_kappa(codings, segments, codebook) -> None:
    table = by_code(compute_agreement_by_code(codings, segments, codebook, "ref", "cand"))
    subkultur = table.loc["subkultur"]  # ref's subkultur is on an interviewer segment
    assert (subkultur.n_reference, subkultur.n_candidate) == (0, 0)
    assert subkultur.percent_agreement == 1.0
    assert pd.isna(subkultur.cohen_kappa) and pd.isna(subkultur.krippendorff_alpha)
    assert subkultur.note.startswith("expected agreement is 1")
    assert table.loc["styring", "note"] == ""
    assert "3 of 6 codes" in table.loc["(macro)", "note"]
    assert table.loc["(macro)", "cohen_kappa"] == pytest.approx((1 + 0 + 1) / 3)
    assert table.loc["(pooled)", "n_units"] == 9 * 6


def test_code_level_agreement(codings, segments, codebook) -> None:
    frame = compute_agreement_by_code(codings, segments, codebook, "ref", "cand", level="code")
    table = by_code(frame)
    assert len(frame) == 8 + 2 and "holdning" not in table.index
    assert (table.loc["styring", "n_reference"], table.loc["styring", "n_candidate"]) == (1, 0)
    laering = table.loc["styring.laering"]
    assert (laering.n_reference, laering.n_candidate) == (0, 1)
    assert laering.percent_agreement == pytest.approx(8 / 9)
    assert str(frame["n_units"].dtype) == "Int64" and str(frame["n_reference"].dtype) == "Int64"
    assert pd.isna(table.loc["(macro)", "n_reference"])


def test_swapping_the_coders_swaps_the_counts(codings, segments, codebook) -> None:
    forward = by_code(compute_agreement_by_code(codings, segments, codebook, "ref", "cand"))
    back = by_code(compute_agreement_by_code(codings, segments, codebook, "cand", "ref"))
    assert forward["n_reference"].tolist() == back["n_candidate"].tolist()
    pd.testing.assert_series_equal(forward["cohen_kappa"], back["cohen_kappa"])


@pytest.mark.parametrize(("reference", "candidate"), [("manual", "auto"), ("ref", "nobody")])
def test_empty_when_a_coder_has_no_codings(codings, segments, codebook, reference, candidate):
    frame = compute_agreement_by_code(codings, segments, codebook, reference, candidate)
    assert frame.empty and list(frame.columns) == AGREEMENT_COLUMNS
    table = list_coder_disagreements(codings, segments, codebook, reference, candidate)
    assert table.empty and list(table.columns) == DISAGREEMENT_COLUMNS


def test_unknown_codes_are_refused(codings, segments, codebook) -> None:
    bad = pd.concat(
        [codings, pd.DataFrame([("A1-t002-s01", "npm", "ref")], columns=codings.columns)]
    )
    with pytest.raises(InputError, match="1 code.s. not in the codebook: npm"):
        compute_agreement_by_code(bad, segments, codebook, "ref", "cand")
    with pytest.raises(InputError, match="not in the codebook: npm"):
        list_coder_disagreements(bad, segments, codebook, "ref", "cand")


def test_disagreements_at_the_top_level(codings, segments, codebook) -> None:
    table = list_coder_disagreements(codings, segments, codebook, "ref", "cand")
    assert list(table.columns) == DISAGREEMENT_COLUMNS
    assert table.drop(columns="text").values.tolist() == [
        ["A2-t002-s01", "holdning.kritisk", "Kritisk holdning", "cand", "ref"]
    ]
    assert table["text"].iloc[0].startswith("Jobbmatch passer ikke")


def test_disagreements_at_the_code_level(codings, segments, codebook) -> None:
    table = list_coder_disagreements(codings, segments, codebook, "ref", "cand", level="code")
    assert table.drop(columns="text").values.tolist() == [
        ["A1-t002-s01", "styring", "Mål- og resultatstyring", "ref", "cand"],
        ["A1-t002-s01", "styring.laering", "Læring og forbedring", "cand", "ref"],
        ["A2-t002-s01", "holdning.kritisk", "Kritisk holdning", "cand", "ref"],
    ]
    assert table["text"].iloc[0] == "Målekortet gir oss retning i arbeidet hver dag."


def test_full_agreement_has_no_disagreements(codings, segments, codebook) -> None:
    same = codings[codings["coder"] == "ref"]
    both = pd.concat([same, same.assign(coder="kopi")], ignore_index=True)
    frame = by_code(compute_agreement_by_code(both, segments, codebook, "ref", "kopi"))
    assert (frame["percent_agreement"] == 1.0).all()
    assert list_coder_disagreements(both, segments, codebook, "ref", "kopi").empty
