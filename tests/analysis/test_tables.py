"""Tables and the claims ledger on a hand-checked fixture (tests/data/analysis/).

The fixture: three informants (A1 veileder/stat, A2 veileder/kommune, B1 leder/kommune), nine
informant segments (three each) plus four interviewer segments, and fifteen auto codings.
At the top level the informant segments are coded:

========================  ===============================================  ==========
code                      segments                                          informants
========================  ===============================================  ==========
styring                   A1-t002-s01, A1-t004-s01 (laering), A2-t004-s01,  A1 A2 B1
                          B1-t002-s01 (styring + styring.laering: once)
kvalitet_kvantitet        A1-t002-s02, B1-t003-s01                          A1 B1
subkultur                 —                                                 —
holdning.kritisk          A1-t002-s02, A1-t004-s01, A2-t002-s01, A2-t002-s02 A1 A2
holdning.positiv          A1-t002-s01, A2-t004-s01, B1-t002-s01             A1 A2 B1
indikator.jobbmatch       A2-t002-s01 (via indikator.jobbmatch.andel)       A2
========================  ===============================================  ==========
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.analysis import claims, tables
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "analysis"
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def all_segments() -> pd.DataFrame:
    return pd.read_csv(DATA / "segments.csv", dtype={"provenance": str}, keep_default_na=False)


@pytest.fixture(scope="module")
def segments(all_segments) -> pd.DataFrame:
    informant = all_segments[all_segments["speaker"] != "I"]
    return informant.reset_index(drop=True)


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_level_codes_follow_the_codebook(codebook):
    assert tables.list_level_codes(codebook, "top") == [
        "styring",
        "kvalitet_kvantitet",
        "subkultur",
        "holdning.kritisk",
        "holdning.positiv",
        "indikator.jobbmatch",
    ]
    assert "holdning" not in tables.list_level_codes(codebook, "code")
    assert len(tables.list_level_codes(codebook, "code")) == 8
    with pytest.raises(ValueError):
        tables.list_level_codes(codebook, "leaf")


def test_code_frequencies(codings, segments, codebook):
    frame = tables.compute_code_frequencies(codings, segments, codebook)
    assert list(frame.columns) == [
        "kind",
        "code",
        "label",
        "n_segments",
        "share_segments",
        "n_informants",
        "total_informants",
    ]
    assert list(frame["code"]) == [
        "styring",
        "kvalitet_kvantitet",
        "subkultur",
        "holdning.positiv",
        "holdning.kritisk",
        "indikator.jobbmatch",
    ]
    expected = {
        "styring": (4, 3),
        "kvalitet_kvantitet": (2, 2),
        "subkultur": (0, 0),
        "holdning.positiv": (3, 3),
        "holdning.kritisk": (4, 2),
        "indikator.jobbmatch": (1, 1),
    }
    got = {r.code: (r.n_segments, r.n_informants) for r in frame.itertuples()}
    assert got == expected
    assert list(frame["kind"]) == ["tema"] * 3 + ["holdning"] * 2 + ["indikator"]
    assert row(frame, code="styring")["label"] == "Mål- og resultatstyring"
    assert row(frame, code="styring")["share_segments"] == pytest.approx(4 / 9)
    assert set(frame["total_informants"]) == {3}


def test_code_frequencies_at_code_level_and_interviewer_codings_ignored(
    codings, segments, codebook
):
    extra = pd.concat([codings, pd.DataFrame([{"segment_id": "A1-t001-s01", "code": "subkultur"}])])
    frame = tables.compute_code_frequencies(extra, segments, codebook, level="code")
    assert row(frame, code="subkultur")["n_segments"] == 0
    assert row(frame, code="styring")["n_segments"] == 3
    assert row(frame, code="styring.laering")["n_segments"] == 2
    assert row(frame, code="indikator.jobbmatch.andel")["n_informants"] == 1


def test_unknown_codes_are_refused(codings, segments, codebook):
    bad = pd.concat([codings, pd.DataFrame([{"segment_id": "A1-t002-s01", "code": "npm"}])])
    with pytest.raises(InputError, match="npm"):
        tables.compute_code_frequencies(bad, segments, codebook)


def test_code_matrix_by_employer(codings, segments, codebook):
    frame = tables.compute_code_matrix(codings, segments, codebook, by="employer")
    assert list(frame.columns) == [
        "code",
        "label",
        "by",
        "group",
        "n_segments",
        "group_segments",
        "share",
        "n_informants",
        "group_informants",
    ]
    assert len(frame) == 6 * 2
    assert list(frame["group"].iloc[:2]) == ["stat", "kommune"]
    stat = row(frame, code="styring", group="stat")
    assert (stat.n_segments, stat.group_segments, stat.n_informants) == (2, 3, 1)
    assert stat.share == pytest.approx(2 / 3)
    kommune = row(frame, code="styring", group="kommune")
    assert (kommune.n_segments, kommune.group_segments, kommune.n_informants) == (2, 6, 2)
    assert kommune.share == pytest.approx(1 / 3)
    assert row(frame, code="holdning.kritisk", group="kommune").n_informants == 1
    assert row(frame, code="subkultur", group="stat").share == 0


def test_code_matrix_by_role_without_normalising(codings, segments, codebook):
    frame = tables.compute_code_matrix(codings, segments, codebook, by="role", normalise=False)
    assert "share" not in frame.columns
    assert list(frame["group"].iloc[:2]) == ["leder", "veileder"]
    assert row(frame, code="styring", group="leder").n_segments == 1
    assert row(frame, code="styring", group="veileder").n_segments == 3
    assert row(frame, code="styring", group="veileder").group_segments == 6
    with pytest.raises(ValueError):
        tables.compute_code_matrix(codings, segments, codebook, by="age")


def test_codes_by_section(codings, segments, codebook):
    frame = tables.compute_codes_by_section(codings, segments, codebook)
    assert list(dict.fromkeys(frame["group"])) == ["leder", "styringsparametere", "laering"]
    assert set(frame["by"]) == {"section"}
    shares = {r.group: r.share for r in frame[frame["code"] == "styring"].itertuples()}
    assert shares == pytest.approx({"leder": 1 / 3, "styringsparametere": 1 / 4, "laering": 1.0})


def test_cooccurrence_by_segment(codings, codebook):
    frame = tables.compute_cooccurrence(codings, codebook)
    assert list(frame.columns) == ["code_a", "label_a", "code_b", "label_b", "n_units", "unit"]
    assert len(frame) == 36
    grid = frame.pivot(index="code_a", columns="code_b", values="n_units")
    assert (grid == grid.T).all().all()
    diagonal = {code: grid.loc[code, code] for code in grid.index}
    assert diagonal == {
        "styring": 4,
        "kvalitet_kvantitet": 2,
        "subkultur": 0,
        "holdning.kritisk": 4,
        "holdning.positiv": 3,
        "indikator.jobbmatch": 1,
    }
    assert grid.loc["styring", "holdning.positiv"] == 3
    assert grid.loc["styring", "holdning.kritisk"] == 1
    assert grid.loc["kvalitet_kvantitet", "holdning.kritisk"] == 1
    assert grid.loc["indikator.jobbmatch", "holdning.kritisk"] == 1
    assert grid.loc["styring", "kvalitet_kvantitet"] == 0


def test_cooccurrence_by_turn(codings, codebook):
    frame = tables.compute_cooccurrence(codings, codebook, unit="turn")
    grid = frame.pivot(index="code_a", columns="code_b", values="n_units")
    assert grid.loc["holdning.kritisk", "holdning.kritisk"] == 3
    assert grid.loc["styring", "holdning.kritisk"] == 2
    assert grid.loc["styring", "kvalitet_kvantitet"] == 1
    assert grid.loc["holdning.positiv", "holdning.kritisk"] == 1
    assert set(frame["unit"]) == {"turn"}


def test_corpus_overview(all_segments):
    informants = pd.DataFrame(
        {
            "informant": ["B1", "A1", "A2"],
            "role": ["leder", "veileder", "veileder"],
            "employer": ["kommune", "stat", "kommune"],
            "team": ["", "t1", "t2"],
            "source": ["reconstructed"] * 3,
        }
    )
    frame = tables.compute_corpus_overview(informants, all_segments)
    assert list(frame["informant"]) == ["A1", "A2", "B1"]
    columns = ["sections", "interview_turns", "interview_words", "turns", "words", "segments"]
    got = {r.informant: tuple(getattr(r, c) for c in columns) for r in frame.itertuples()}
    assert got == {
        "A1": (2, 4, 32, 2, 22, 3),
        "A2": (2, 3, 20, 2, 17, 3),
        "B1": (1, 3, 20, 2, 15, 3),
    }


def test_exemplars(codings, segments, codebook):
    frame = claims.select_exemplars(codings, segments, codebook, n=2)
    assert list(frame.columns) == claims.EXEMPLAR_COLUMNS
    styring = frame[frame["code"] == "styring"]
    assert list(styring["segment_id"]) == ["A1-t002-s01", "B1-t002-s01"]
    assert list(styring["rank"]) == [1, 2]
    assert row(frame, code="styring", rank=2)["evidence"] == "målekortet | viser arbeidet"
    kritisk = frame[frame["code"] == "holdning.kritisk"]
    assert list(kritisk["segment_id"]) == ["A1-t002-s02", "A2-t002-s01"]
    assert list(kritisk["provenance"]) == ["4.2.1; fordelt", "4.3; sitat"]
    assert "subkultur" not in set(frame["code"])
    assert not frame["shortened"].any()
    assert list(dict.fromkeys(frame["code"])) == [
        "styring",
        "kvalitet_kvantitet",
        "holdning.kritisk",
        "holdning.positiv",
        "indikator.jobbmatch",
    ]


def test_exemplars_prefer_another_informant_and_shorten(codings, segments, codebook):
    frame = claims.select_exemplars(codings, segments, codebook, n=3, max_chars=30, min_chars=0)
    kritisk = frame[frame["code"] == "holdning.kritisk"]
    # fitting (≤ 30 chars): A2-t002-s02 (15, A2), A1-t004-s01 (25, A1); then the shortest
    # misfit A1-t002-s02 (48) shortened.
    assert list(kritisk["segment_id"]) == ["A2-t002-s02", "A1-t004-s01", "A1-t002-s02"]
    third = kritisk.iloc[2]
    assert third["shortened"] and third["text"].endswith(" …") and len(third["text"]) <= 30
    assert claims.shorten_text("kort tekst", 30) == "kort tekst"


def test_load_claims_and_frame(codebook):
    claim_list = claims.load_claims(DATA / "claims.yaml", codebook)
    assert [c.id for c in claim_list] == ["C1", "C2", "C3"]
    assert claim_list[1].supports == (
        ("holdning.kritisk", "kvalitet_kvantitet"),
        ("indikator.jobbmatch",),
    )
    assert claim_list[2].supports == (("kvalitet_kvantitet",),)
    frame = claims.claims_to_frame(claim_list)
    assert list(frame["supports"]) == [
        "holdning.positiv × styring",
        "(holdning.kritisk | kvalitet_kvantitet) × indikator.jobbmatch",
        "kvalitet_kvantitet",
    ]
    assert list(frame["against"]) == ["holdning.kritisk × styring", "", ""]


def test_load_claims_reports_every_problem(tmp_path, codebook):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n"
        "  - {id: X1, claim: a, supports: [npm]}\n"
        "  - {id: X1, claim: b, supports: [styring], colour: red}\n"
        "  - {id: X2, claim: c}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        claims.load_claims(path, codebook)
    message = str(info.value)
    assert "'npm' is not in the codebook" in message
    assert "used twice" in message
    assert "colour" in message
    assert "supports is empty" in message


def test_claims_ledger_by_turn(codings, segments, codebook):
    claim_list = claims.load_claims(DATA / "claims.yaml", codebook)
    frame = claims.compute_claims_ledger(claim_list, codings, segments)
    assert list(frame.columns) == claims.LEDGER_COLUMNS
    c1 = row(frame, claim_id="C1")
    # supporting turns: A1-t002, A2-t004, B1-t002; against: A1-t002, A1-t004 (both A1)
    assert (c1.n_support, c1.n_support_informants, c1.n_against, c1.n_against_informants) == (
        3,
        3,
        2,
        1,
    )
    assert c1.strength == "noe støtte"
    assert (
        c1.quote_1 == "«Målekortet gir oss retning i arbeidet hver dag.» (A1, kilde 4.2.1; fordelt)"
    )
    assert c1.quote_2.startswith("«Jeg liker målekortet") and "(B1, kilde 4.1; sitat)" in c1.quote_2
    c2 = row(frame, claim_id="C2")
    assert (c2.n_support, c2.n_support_informants, c2.strength) == (1, 1, "tynn")
    assert pd.isna(c2.n_against) and pd.isna(c2.n_against_informants)
    # the turn A2-t002: s01 matches both terms (score 2), s02 only kritisk (score 1)
    assert c2.quote_1.startswith("«Jobbmatch passer ikke")
    assert c2.quote_2 == "«Det er tullete.» (A2, kilde 4.3; sitat)"
    assert row(frame, claim_id="C3").quote_2.startswith("«Kvalitet er viktigere")
    c3 = row(frame, claim_id="C3")
    assert (c3.n_support, c3.n_support_informants, c3.strength) == (2, 2, "noe støtte")


def test_claims_ledger_by_segment(codings, segments, codebook):
    claim_list = claims.load_claims(DATA / "claims.yaml", codebook)
    frame = claims.compute_claims_ledger(claim_list, codings, segments, unit="segment")
    c1 = row(frame, claim_id="C1")
    assert (c1.n_support, c1.n_against, c1.n_against_informants) == (3, 1, 1)
    assert set(frame["unit"]) == {"segment"}


@pytest.mark.parametrize(
    ("n", "label"),
    [(0, "tynn"), (1, "tynn"), (2, "noe støtte"), (4, "noe støtte"), (5, "bred støtte")],
)
def test_strength_labels(n, label):
    assert claims.label_strength(n) == label


def test_shipped_claims_match_the_codebook():
    """claims.yaml at the project root names only codes of the project's codebook."""
    codebook = load_codebook(ROOT / "codebook.yaml")
    claim_list = claims.load_claims(ROOT / "claims.yaml", codebook)
    assert len(claim_list) >= 10
    assert all(c.section and c.claim for c in claim_list)


def with_manual(codings: pd.DataFrame) -> pd.DataFrame:
    manual = pd.DataFrame(
        {
            "segment_id": ["A1-t002-s01", "A2-t004-s01", "B1-t003-s01"],
            "code": ["styring", "styring", "styring"],
            "coder": "manual",
        }
    )
    return pd.concat([codings, manual], ignore_index=True)


def test_agreement_by_code(codings, segments, codebook):
    frame = tables.compute_agreement_by_code(with_manual(codings), segments, codebook)
    assert list(frame.columns) == tables.AGREEMENT_COLUMNS
    styring = row(frame, code="styring")
    # 9 segments: both 2, auto only 2, manual only 1, neither 4
    assert (styring.n_units, styring.n_reference, styring.n_candidate) == (9, 3, 4)
    assert styring.percent_agreement == pytest.approx(6 / 9)
    assert styring.cohen_kappa == pytest.approx(12 / 39)
    assert row(frame, code="subkultur").note != ""
    assert {"(macro)", "(pooled)"} <= set(frame["code"])


def test_agreement_empty_without_the_reference(codings, segments, codebook):
    frame = tables.compute_agreement_by_code(codings, segments, codebook)
    assert frame.empty and list(frame.columns) == tables.AGREEMENT_COLUMNS
    assert tables.list_coder_disagreements(codings, segments, codebook).empty
    assert "Ingen kodinger" in tables.describe_codings(codings, "manual")
    assert "15 kodinger på 8 segmenter fra 3 informanter" in tables.describe_codings(
        codings, "auto"
    )


def test_disagreements(codings, segments, codebook):
    frame = tables.list_coder_disagreements(with_manual(codings), segments, codebook)
    styring = frame[frame["code"] == "styring"]
    assert list(styring["segment_id"]) == ["A1-t004-s01", "B1-t002-s01", "B1-t003-s01"]
    assert list(styring["coders_with"]) == ["auto", "auto", "manual"]
    assert set(styring["label"]) == {"Mål- og resultatstyring"}


def test_write_tables_is_byte_identical(tmp_path, codings, segments, codebook):
    frame = tables.compute_code_matrix(codings, segments, codebook, by="employer")
    first = tables.write_tables(frame, tmp_path / "a", "matrix")
    second = tables.write_tables(frame, tmp_path / "b", "matrix")
    assert [p.name for p in first] == ["matrix.csv", "matrix.md", "matrix.tex"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    tex = (tmp_path / "a" / "matrix.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex
    assert "n\\_segments" in tex and "Mål- og resultatstyring" in tex and "0.667" in tex
    csv = pd.read_csv(tmp_path / "a" / "matrix.csv")
    assert len(csv) == len(frame)
    assert "| code" in (tmp_path / "a" / "matrix.md").read_text(encoding="utf-8")
    assert tables.write_tables(frame, None, "matrix") == []


def test_write_tables_ledger_with_missing_values(tmp_path, codings, segments, codebook):
    claim_list = claims.load_claims(DATA / "claims.yaml", codebook)
    ledger = claims.compute_claims_ledger(claim_list, codings, segments)
    paths = tables.write_tables(ledger, tmp_path, "ledger")
    tex = paths[2].read_text(encoding="utf-8")
    assert "p{0.4\\linewidth}" in tex and "«" in tex
    assert "<NA>" not in paths[0].read_text(encoding="utf-8")


def test_load_analysis_codings(tmp_path, all_segments, codebook):
    from thesis_analysis.coding.files import CODING_COLUMNS
    from thesis_analysis.corpus.records import Corpus
    from thesis_analysis.paths import ProjectPaths
    from thesis_analysis.project import Project

    project = Project(ProjectPaths(tmp_path), Corpus(()), codebook, all_segments)
    assert tables.load_analysis_codings(project, "manual").empty
    rows = [
        ("A1-t002-s01", "styring", "h02"),  # current
        ("A1-t002-s02", "holdning.kritisk", "old"),  # stale: the text has changed since
        ("A1-t001-s01", "styring", "h01"),  # the interviewer's segment: not a unit
    ]
    frame = pd.DataFrame(
        [
            {column: "" for column in CODING_COLUMNS}
            | {"segment_id": s, "code": c, "coder": "manual", "segment_hash": h}
            for s, c, h in rows
        ]
    )
    (tmp_path / "codings").mkdir()
    frame.to_csv(tmp_path / "codings" / "manual.csv", index=False)
    loaded = tables.load_analysis_codings(project, "manual")
    assert list(loaded.columns) == CODING_COLUMNS
    assert list(zip(loaded["segment_id"], loaded["code"], strict=True)) == [
        ("A1-t002-s01", "styring")
    ]
