"""Segments: stable ids, offsets into the body, hashes."""

from __future__ import annotations

from pathlib import Path

from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.segments import compute_text_hash, make_segment_id, segment_corpus

BROKEN = Path(__file__).parents[1] / "data" / "broken_transcripts"


def test_segment_ids_offsets_and_hashes(nlp) -> None:
    corpus = load_corpus(BROKEN, strict=False)
    segments = segment_corpus(corpus, nlp)
    a1 = segments[segments["transcript"] == "A1"]
    assert a1["segment_id"].tolist() == ["A1-t001-s01", "A1-t002-s01", "A1-t002-s02"]
    assert a1["text"].tolist()[1:] == [
        "Jeg ser hensikten med det.",
        "Men målekortene sier lite om kvaliteten.",
    ]
    for row in segments.itertuples():
        body = corpus.get(row.transcript).body
        assert body[row.start : row.end] == row.text
        assert row.segment_hash == compute_text_hash(row.text)
    assert set(a1["employer"]) == {"kommune"}
    assert a1["section"].tolist() == ["introduksjon"] * 3


def test_informants_only(nlp) -> None:
    segments = segment_corpus(load_corpus(BROKEN, strict=False), nlp, informants_only=True)
    assert "I" not in set(segments["speaker"])


def test_make_segment_id() -> None:
    assert make_segment_id("TL1", 12, 3) == "TL1-t012-s03"


NYNORSK = Path(__file__).parents[1] / "data" / "nynorsk"


def test_a_nynorsk_transcript_segments_and_auto_codes(nlp) -> None:
    from thesis_analysis.autocode.coder import AutoCoder
    from thesis_analysis.autocode.runs import code_segments
    from thesis_analysis.codebook.model import load_codebook
    from thesis_analysis.project_file import load_project_file

    corpus = load_corpus(NYNORSK / "transcripts", settings=load_project_file(NYNORSK))
    segments = segment_corpus(corpus, nlp, informants_only=True)
    assert segments["text"].tolist() == [
        "Oppgåvene er mange.",
        "Vi må hjelpe kvarandre kvar dag.",
        "Det er for mykje å gjere, men eg trivst.",
        "Det er ikkje tidspress i dag.",
    ]
    assert set(segments["rolle"]) == {"sjukepleiar"}
    assert set(segments["section"]) == {"arbeidsdagen"}
    codings = code_segments(segments, AutoCoder(load_codebook(NYNORSK / "codebook.yaml"), nlp))
    found = sorted(zip(codings["segment_id"], codings["code"], strict=True))
    assert ("N1-t002-s02", "samarbeid") in found  # a nynorsk phrase, as written
    assert ("N1-t002-s03", "tidspress") in found  # «for mykje»
    # The one assertion that depends on nynorsk lemmas: «oppgåvene» → «oppgåve».
    assert ("N1-t002-s01", "oppgaver") in found


def test_nynorsk_negation_blocks_a_term(nlp) -> None:
    from thesis_analysis.autocode.coder import AutoCoder
    from thesis_analysis.autocode.runs import code_segments
    from thesis_analysis.codebook.model import load_codebook
    from thesis_analysis.project_file import load_project_file

    coder = AutoCoder(load_codebook(NYNORSK / "codebook.yaml"), nlp)
    corpus = load_corpus(NYNORSK / "transcripts", settings=load_project_file(NYNORSK))
    segments = segment_corpus(corpus, nlp, informants_only=True)
    assert len(segments) == 4
    codings = code_segments(segments[segments["text"].str.contains("ikkje")], coder)
    assert codings.empty
