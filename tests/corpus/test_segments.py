"""Segments: stable ids, offsets into the body, hashes."""

from __future__ import annotations

from pathlib import Path

from thesis_analysis.corpus.records import load_corpus
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
