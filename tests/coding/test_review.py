"""Stale codings and merging coders (thesis_analysis.coding.review), on small hand-made tables.

tests/coding/test_files.py runs both on the store fixture and an edited transcript.
"""

from __future__ import annotations

import pandas as pd
import pytest

from thesis_analysis.coding.files import CODING_COLUMNS
from thesis_analysis.coding.review import (
    ADJUDICATED,
    DISAGREEMENT_COLUMNS,
    STALE_COLUMNS,
    find_stale_codings,
    merge_coders,
)
from thesis_analysis.errors import InputError

SEGMENTS = pd.DataFrame(
    {
        "segment_id": ["A1-t002-s01", "A1-t002-s02", "B1-t002-s01"],
        "text": ["Målekortet gir retning.", "Det telles for mye.", "Vi har tavlemøte."],
        "segment_hash": ["h1", "h2", "h3"],
    }
)


def codings(*rows: tuple) -> pd.DataFrame:
    """Coding rows (coder, segment_id, code[, memo[, segment_hash[, snippet[, start]]]])."""
    records = []
    for row in rows:
        coder, segment_id, code, memo, segment_hash, snippet, start = (
            *row,
            *("", "", "", None)[len(row) - 3 :],
        )
        records.append(
            {
                **dict.fromkeys(CODING_COLUMNS, ""),
                "coder": coder,
                "segment_id": segment_id,
                "code": code,
                "memo": memo,
                "segment_hash": segment_hash,
                "snippet": snippet,
                "start": start,
                "end": None,
                "evidence_start": None,
                "evidence_end": None,
            }
        )
    return pd.DataFrame(records, columns=CODING_COLUMNS)


# -- find_stale_codings ------------------------------------------------------------------------


def test_unchanged_and_unhashed_codings_are_not_stale() -> None:
    table = codings(
        ("anna", "A1-t002-s01", "styring", "", "h1"),
        ("anna", "A1-t002-s02", "styring", "", ""),
    )
    stale = find_stale_codings(table, SEGMENTS)
    assert stale.empty and list(stale.columns) == STALE_COLUMNS


@pytest.mark.parametrize(
    ("segment_id", "segment_hash", "status", "new_text"),
    [
        ("A1-t002-s01", "old", "changed", "Målekortet gir retning."),
        ("A1-t009-s01", "h1", "missing", ""),
        ("A1-t009-s01", "", "missing", ""),
    ],
)
def test_changed_and_missing_segments(segment_id, segment_hash, status, new_text) -> None:
    table = codings(("bo", segment_id, "styring", "", segment_hash, "gammel tekst"))
    stale = find_stale_codings(table, SEGMENTS)
    assert stale.to_dict("records") == [
        {
            "coder": "bo",
            "segment_id": segment_id,
            "code": "styring",
            "status": status,
            "old_snippet": "gammel tekst",
            "new_text": new_text,
        }
    ]


def test_stale_codings_are_sorted_by_coder_segment_and_code() -> None:
    table = codings(
        ("bo", "Z1-t001-s01", "b", "", "x"),
        ("anna", "Z1-t001-s01", "b", "", "x"),
        ("bo", "A1-t002-s01", "b", "", "x"),
        ("anna", "Z1-t001-s01", "a", "", "x"),
    )
    stale = find_stale_codings(table, SEGMENTS)
    assert stale[["coder", "segment_id", "code", "status"]].values.tolist() == [
        ["anna", "Z1-t001-s01", "a", "missing"],
        ["anna", "Z1-t001-s01", "b", "missing"],
        ["bo", "A1-t002-s01", "b", "changed"],
        ["bo", "Z1-t001-s01", "b", "missing"],
    ]


def test_no_codings_no_stale_ones() -> None:
    stale = find_stale_codings(codings(), SEGMENTS)
    assert stale.empty and list(stale.columns) == STALE_COLUMNS


# -- merge_coders ------------------------------------------------------------------------------


def test_agreed_codings_become_adjudicated_with_the_first_coders_columns() -> None:
    table = codings(
        ("anna", "A1-t002-s01", "styring", "klar", "h1", "Målekortet", 0),
        ("bo", "A1-t002-s01", "styring", "", "h1", "Målekortet gir", 5),
        ("carl", "A1-t002-s01", "styring", "enig", "h1", "x", 7),
    )
    adjudicated, disagreements = merge_coders(table, ["bo", "anna", "carl"], SEGMENTS)
    assert disagreements.empty and list(disagreements.columns) == DISAGREEMENT_COLUMNS
    assert list(adjudicated.columns) == CODING_COLUMNS
    row = adjudicated.iloc[0]
    assert (row["coder"], row["segment_id"], row["code"]) == (ADJUDICATED, "A1-t002-s01", "styring")
    assert (row["snippet"], row["start"]) == ("Målekortet gir", 5)  # bo's row: bo is first
    assert row["memo"] == "anna: klar; carl: enig"  # empty memos left out, coders in order
    assert str(adjudicated["start"].dtype) == "Int64"


def test_other_coders_are_ignored() -> None:
    table = codings(
        ("anna", "A1-t002-s01", "styring"),
        ("bo", "A1-t002-s01", "styring"),
        ("auto", "B1-t002-s01", "tavlemote"),
    )
    adjudicated, disagreements = merge_coders(table, ["anna", "bo"], SEGMENTS)
    assert adjudicated["segment_id"].tolist() == ["A1-t002-s01"]
    assert disagreements.empty


def test_disagreements_list_who_coded_and_the_current_text() -> None:
    table = codings(
        ("anna", "A1-t002-s02", "kvalitet"),
        ("bo", "B1-t002-s01", "tavlemote"),
        ("carl", "B1-t002-s01", "tavlemote"),
        ("carl", "A1-t009-s01", "styring", "", "", "borte nå"),
    )
    adjudicated, disagreements = merge_coders(table, ["anna", "bo", "carl"], SEGMENTS)
    assert adjudicated.empty and list(adjudicated.columns) == CODING_COLUMNS
    assert disagreements.values.tolist() == [
        ["A1-t002-s02", "kvalitet", "anna", "bo, carl", "Det telles for mye."],
        ["A1-t009-s01", "styring", "carl", "anna, bo", "borte nå"],  # vanished: the snippet
        ["B1-t002-s01", "tavlemote", "bo, carl", "anna", "Vi har tavlemøte."],
    ]


def test_a_coder_without_codings_disagrees_with_everything() -> None:
    table = codings(("anna", "A1-t002-s01", "styring"), ("anna", "B1-t002-s01", "tavlemote"))
    adjudicated, disagreements = merge_coders(table, ["anna", "nobody"], SEGMENTS)
    assert adjudicated.empty
    assert disagreements["coders_without"].tolist() == ["nobody", "nobody"]


def test_a_coder_named_twice_counts_once() -> None:
    table = codings(("anna", "A1-t002-s01", "styring"), ("bo", "A1-t002-s01", "styring"))
    adjudicated, _ = merge_coders(table, ["anna", "bo", "anna"], SEGMENTS)
    assert len(adjudicated) == 1
    with pytest.raises(InputError, match=r"merging needs two or more coders; got \['anna'\]"):
        merge_coders(table, ["anna", "anna"], SEGMENTS)


@pytest.mark.parametrize("coders", [[], ["anna"]])
def test_fewer_than_two_coders(coders: list[str]) -> None:
    with pytest.raises(InputError, match="two or more coders"):
        merge_coders(codings(("anna", "A1-t002-s01", "styring")), coders, SEGMENTS)


def test_duplicate_rows_of_one_coder_do_not_count_twice() -> None:
    table = codings(
        ("anna", "A1-t002-s01", "styring", "første"),
        ("anna", "A1-t002-s01", "styring", "andre"),
        ("bo", "A1-t002-s01", "styring"),
    )
    adjudicated, disagreements = merge_coders(table, ["anna", "bo"], SEGMENTS)
    assert len(adjudicated) == 1 and disagreements.empty
    assert adjudicated.iloc[0]["memo"] in ("anna: første", "anna: andre")
