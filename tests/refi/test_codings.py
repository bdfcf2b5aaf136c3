"""Codings ↔ text selections: our codings checked and placed as spans (export), selections
mapped onto segments as coding rows (import)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.records import Corpus
from thesis_analysis.corpus.segments import segment_corpus
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import parse_project_file
from thesis_analysis.refi.codings import ImportedSource, map_codings, resolve_spans
from thesis_analysis.refi.read import RefiProject, RefiSelection, RefiSource
from thesis_analysis.refi.text import build_body
from thesis_analysis.refi.transcripts import make_transcript

PROJECT = Path(__file__).parents[1] / "data" / "refi" / "project"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(PROJECT / "transcripts")


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(PROJECT / "codebook.yaml")


@pytest.fixture(scope="module")
def segments(corpus: Corpus, nlp) -> pd.DataFrame:
    return segment_corpus(corpus, nlp)


def codings(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "start", "end", "memo"])


def test_resolve_spans_keeps_offsets_and_fills_missing_ones(corpus, codebook, segments) -> None:
    frame = codings(
        ("TL1-t004-s01", "malforskyvning", "anna", 250, 271, "ironic?"),
        ("V2-t004-s01", "holdning.kritisk", "bo", None, None, None),
    )
    resolved = resolve_spans(corpus, codebook, frame, segments)
    assert resolved == [
        {
            "transcript": "TL1",
            "coder": "anna",
            "code": "malforskyvning",
            "start": 250,
            "end": 271,
            "memo": "ironic?",
        },
        # the segment's own offsets (V2-t004-s01 is [212, 263) of the body); no memo
        {
            "transcript": "V2",
            "coder": "bo",
            "code": "holdning.kritisk",
            "start": 212,
            "end": 263,
            "memo": "",
        },
    ]
    body = corpus.get("TL1").body
    assert body[250:271] == "det er det som teller"


def test_resolve_spans_segments_the_corpus_when_needed(corpus, codebook, segments) -> None:
    frame = codings(("V2-t004-s02", "holdning.kritisk", "bo", None, None, ""))
    assert resolve_spans(corpus, codebook, frame, None) == resolve_spans(
        corpus, codebook, frame, segments
    )


def test_rows_with_offsets_need_no_segments(corpus, codebook) -> None:
    frame = codings(("V2-t099-s01", "holdning.kritisk", "bo", 0, 5, ""))
    assert resolve_spans(corpus, codebook, frame, None)[0]["start"] == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("X9-t001-s01", "malforskyvning", "anna", 0, 5, ""),
            "codings/anna.csv (X9-t001-s01, malforskyvning): no transcript 'X9' for this",
        ),
        (
            ("TL1", "malforskyvning", "anna", 0, 5, ""),
            "codings/anna.csv (TL1, malforskyvning): no transcript '' for this segment id",
        ),
        (
            ("TL1-t004-s01", "styring.ukjent", "bo", 0, 5, ""),
            "codings/bo.csv (TL1-t004-s01, styring.ukjent): code 'styring.ukjent' is not in",
        ),
        (
            ("TL1-t099-s01", "malforskyvning", "anna", None, None, ""),
            "codings/anna.csv (TL1-t099-s01, malforskyvning): no such segment and no start/end",
        ),
        (
            ("TL1-t004-s01", "malforskyvning", "anna", 5, 5, ""),
            "(TL1-t004-s01, malforskyvning): offsets 5-5 are outside the transcript body",
        ),
        (
            ("TL1-t004-s01", "malforskyvning", "anna", -1, 5, ""),
            "offsets -1-5 are outside the transcript body",
        ),
        (
            ("V2-t004-s01", "malforskyvning", "anna", 200, 100_000, ""),
            "offsets 200-100000 are outside the transcript body",
        ),
    ],
)
def test_resolve_spans_refuses_bad_rows(corpus, codebook, segments, row, message: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_spans(corpus, codebook, codings(row), segments)
    assert message in str(info.value)


def test_an_offset_at_the_end_of_the_body_is_allowed(corpus, codebook, segments) -> None:
    length = len(corpus.get("V2").body)
    frame = codings(("V2-t004-s02", "malforskyvning", "anna", length - 1, length, ""))
    assert resolve_spans(corpus, codebook, frame, segments)[0]["end"] == length


# --- import: selections onto segments ------------------------------------------------------

SETTINGS = parse_project_file(
    "name: P\nlanguage: nb\ninterviewer: I\ncase_variables:\n  team: free\n"
    "sections:\n  - Del: del\n"
)
TEXT = "## Del\n\nI: Hei?\nKari: Ja, det går bra. Vi teller mye.\n"
G1, G2 = "code-1", "code-2"


def selection(
    phrase: str | tuple[int, int], codes=((G1, "u1", ""),), memo: str = ""
) -> RefiSelection:
    if isinstance(phrase, tuple):
        start, end = phrase
    else:
        start = TEXT.index(phrase)
        end = start + len(phrase)
    return RefiSelection("sel", start, end, tuple(codes), memo)


def imported(*selections: RefiSelection, text: str = TEXT):
    mapped = build_body(text, "Kari", {"Kari"}, "I")
    meta = {"id": "Kari", "source": "original", "provenance": "Imported."}
    rendered, transcript = make_transcript(meta, mapped, [], SETTINGS)
    source = RefiSource("s", "Kari.txt", "", text, "", tuple(selections), (), 0)
    project = RefiProject("P", "", "u0", (), (), (), (source,), (), (), ())
    segs = segment_corpus(Corpus((transcript,), settings=SETTINGS))
    return project, [ImportedSource(source, text, mapped, transcript, rendered)], segs, mapped


def run(*selections: RefiSelection, coders=None):
    project, sources, segs, mapped = imported(*selections)
    skipped: Counter = Counter()
    rows = map_codings(
        project, sources, segs, {G1: "maling", G2: "laering"},
        coders or {"u1": "anna", "u0": "eier"}, "codepoints", skipped,
    )  # fmt: skip
    return rows, skipped, mapped.body


def test_the_segments_of_the_imported_text(nlp) -> None:
    _, _, segs, mapped = imported()
    assert segs[["segment_id", "text"]].values.tolist() == [
        ["Kari-t001-s01", "Hei?"],
        ["Kari-t002-s01", "Ja, det går bra."],
        ["Kari-t002-s02", "Vi teller mye."],
    ]
    assert mapped.body == TEXT


def test_a_selection_becomes_a_row_with_its_exact_span(nlp) -> None:
    rows, skipped, body = run(selection("det går", memo="Selection memo."))
    (row,) = rows
    assert (row["segment_id"], row["code"], row["coder"]) == ("Kari-t002-s01", "maling", "anna")
    assert body[row["start"] : row["end"]] == row["snippet"] == "det går"
    assert row["memo"] == "Selection memo."
    assert row["rule"] == row["evidence"] == "" and row["segment_hash"]
    assert skipped == Counter()


def test_selections_of_one_coder_and_code_on_a_segment_are_merged(nlp) -> None:
    rows, _, body = run(
        selection("Ja", codes=[(G1, "u1", "first")]),
        selection("bra", codes=[(G1, "u1", "second")]),
        selection("går", codes=[(G1, "u1", "first")]),  # a memo already there is not repeated
    )
    (row,) = rows
    assert body[row["start"] : row["end"]] == row["snippet"] == "Ja, det går bra"
    assert row["memo"] == "first; second"


def test_a_selection_over_two_segments_codes_both(nlp) -> None:
    rows, _, body = run(selection("bra. Vi", codes=[(G1, "u1", ""), (G2, "u1", "")]))
    assert [(r["segment_id"], r["code"]) for r in rows] == [
        ("Kari-t002-s01", "maling"),
        ("Kari-t002-s02", "maling"),
        ("Kari-t002-s01", "laering"),
        ("Kari-t002-s02", "laering"),
    ]
    assert {body[r["start"] : r["end"]] for r in rows} == {"bra. Vi"}


def test_users_become_coders(nlp) -> None:
    rows, _, _ = run(
        selection("Ja", codes=[(G1, "u1", "")]),
        selection("Vi", codes=[(G1, "", "")]),  # no user: the project's creating user
        selection("mye", codes=[(G2, "u9", "")]),  # a user not in the project
    )
    assert [(r["segment_id"], r["coder"]) for r in rows] == [
        ("Kari-t002-s01", "anna"),
        ("Kari-t002-s02", "eier"),
        ("Kari-t002-s02", "unknown"),
    ]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (selection("Ja", codes=[("code-9", "u1", "")]), "codings of a code not in the codebook"),
        (selection((0, 999)), "text selections outside the text or empty"),
        (selection((5, 5)), "text selections outside the text or empty"),
        (selection("## Del"), "text selections on no segment (headings, blanks)"),
        (selection("Ja", codes=[]), "text selections without codings"),
    ],
)
def test_selections_that_give_no_row_are_counted(nlp, item: RefiSelection, reason: str) -> None:
    rows, skipped, _ = run(item)
    assert rows == []
    assert skipped == Counter({reason: 1})
