"""Running the auto-coder: ``code_segments`` (the coding table it builds) and ``code_csv``
(header, chunks, atomic output, the length check)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.runs import (
    SNIPPET_LENGTH,
    TEXT_CODING_COLUMNS,
    _check_lengths,
    _count,
    code_csv,
    code_segments,
)
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import CODING_COLUMNS
from thesis_analysis.errors import InputError


@pytest.fixture(scope="module")
def coder(nlp, data_dir: Path) -> AutoCoder:
    return AutoCoder(load_codebook(data_dir / "codebook_small.yaml"), nlp)


# Segments as segment_corpus gives them; start/end are offsets into a transcript body.
SEGMENTS = pd.DataFrame(
    {
        "segment_id": ["B1-t002-s01", "A1-t001-s02", "A1-t001-s01"],
        "start": [100, 30, 0],
        "end": [152, 40, 14],
        "text": [
            "Telling er tullete, men det er ikke nyttig. Telling!",
            "Ingenting.",
            "Det er nyttig.",
        ],
        "segment_hash": ["h-b1", "h-a2", "h-a1"],
    }
)


def test_code_segments_builds_the_coding_table(coder: AutoCoder) -> None:
    out = code_segments(SEGMENTS, coder)
    assert list(out.columns) == CODING_COLUMNS
    # sorted by segment id, then code; the segment without a hit has no row
    assert list(zip(out["segment_id"], out["code"], strict=True)) == [
        ("A1-t001-s01", "holdning.positiv"),
        ("B1-t002-s01", "holdning.kritisk"),
        ("B1-t002-s01", "telling"),
    ]
    assert set(out["coder"]) == {"auto"}
    assert set(out["memo"]) == {""}
    assert set(out["codebook"]) == {coder.codebook.short_hash()}
    assert list(out["segment_hash"]) == ["h-a1", "h-b1", "h-b1"]
    assert list(out["start"]) == [0, 100, 100] and list(out["end"]) == [14, 152, 152]
    # rules joined by "; ", evidence in text order joined by " | "
    assert list(out["rule"]) == [
        "term:nyttig",
        "negated:term:nyttig; term:tullete",
        "term:telling",
    ]
    assert list(out["evidence"]) == ["nyttig", "tullete | ikke nyttig", "Telling | Telling"]


def test_code_segments_evidence_offsets_are_body_offsets(coder: AutoCoder) -> None:
    out = code_segments(SEGMENTS, coder)
    texts = dict(zip(SEGMENTS["segment_id"], SEGMENTS["text"], strict=True))
    firsts = []
    for row in out.itertuples(index=False):
        text = texts[row.segment_id]
        firsts.append(text[row.evidence_start - row.start : row.evidence_end - row.start])
    # the first evidence of each row: "nyttig" at 7 of A1-t001-s01, "tullete" at 11 and
    # "Telling" at 0 of B1-t002-s01 (which starts at body offset 100)
    assert firsts == ["nyttig", "tullete", "Telling"]
    assert list(out["evidence_start"]) == [7, 111, 100]


def test_code_segments_shortens_the_snippet(coder: AutoCoder) -> None:
    text = "Det er nyttig. " + "x" * 300
    segments = pd.DataFrame(
        {"segment_id": ["L1-t001-s01"], "start": [0], "end": [len(text)], "text": [text]}
    ).assign(segment_hash="h")
    out = code_segments(segments, coder)
    assert out["snippet"].item() == text[:SNIPPET_LENGTH]
    assert SNIPPET_LENGTH == 120


def test_code_segments_of_no_segments_is_an_empty_table(coder: AutoCoder) -> None:
    out = code_segments(SEGMENTS.iloc[:0], coder)
    assert out.empty and list(out.columns) == CODING_COLUMNS


def test_code_csv_of_a_header_only_file_writes_the_header(coder, tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,text\n", encoding="utf-8")
    assert code_csv(source, target, coder, progress=False) == 0
    assert target.read_bytes() == (",".join(TEXT_CODING_COLUMNS) + "\n").encode()
    assert TEXT_CODING_COLUMNS == [
        "id",
        "code",
        "evidence",
        "confidence",
        "source",
        "rule",
        "evidence_start",
        "evidence_end",
    ]


def test_code_csv_keeps_ids_across_chunks_and_docs(coder, tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    texts = ["Telling.", "Ingenting.", "Det er nyttig.", "Ingenting.", "Tullete telling."]
    pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "text": texts, "extra": 1}).to_csv(
        source, index=False
    )
    written = code_csv(source, target, coder, chunk_size=2, progress=False, texts_per_doc=1)
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert written == len(out) == 4
    assert out[["id", "code", "evidence", "evidence_start", "evidence_end"]].values.tolist() == [
        ["a", "telling", "Telling", "0", "7"],
        ["c", "holdning.positiv", "nyttig", "7", "13"],
        ["e", "holdning.kritisk", "Tullete", "0", "7"],
        ["e", "telling", "telling", "8", "15"],
    ]


def test_a_failed_run_keeps_the_previous_output(coder, tmp_path: Path, monkeypatch) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    target.write_text("earlier output\n", encoding="utf-8")
    pd.DataFrame({"id": ["ok", "long"], "text": ["Telling.", "Telling. " * 30]}).to_csv(
        source, index=False
    )
    monkeypatch.setattr(coder.nlp, "max_length", 50)
    with pytest.raises(InputError, match=r"in\.csv: the text of id long has 270 characters"):
        code_csv(source, target, coder, chunk_size=1, progress=False)
    assert target.read_text(encoding="utf-8") == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize(
    ("texts", "limit", "message"),
    [
        (["abc", "abcdef"], 5, "the text of id b has 6 characters; at most 5 can be coded"),
        (["abcdef", "abcdefgh"], 5, "the text of id a has 6 characters"),  # the first one
        (["x" * 12_345], 1_000, "has 12,345 characters; at most 1,000"),
    ],
)
def test_check_lengths_names_the_first_long_text(texts, limit: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        _check_lengths(Path("data/svar.csv"), ["a", "b"][: len(texts)], texts, limit)
    assert str(info.value).startswith("data/svar.csv: ")
    assert message in str(info.value)
    assert "split it into parts" in str(info.value)


@pytest.mark.parametrize("texts", [[], ["abc", "abcde"], [""]])
def test_check_lengths_accepts_texts_up_to_the_limit(texts) -> None:
    _check_lengths(Path("x.csv"), ["a", "b"][: len(texts)], texts, 5)


class Bar:
    """Counts updates, as a progress bar would show them."""

    def __init__(self) -> None:
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n


def test_count_moves_the_bar_as_texts_are_taken() -> None:
    bar = Bar()
    counted = _count(["a", "b", "c"], bar)
    assert bar.n == 0
    assert next(counted) == "a" and bar.n == 1
    assert list(counted) == ["b", "c"] and bar.n == 3
