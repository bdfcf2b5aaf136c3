"""Reliability matrices from long tables and codings, and the three kinds of unit. Every
expected matrix is written out by hand from the input next to it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from thesis_analysis.reliability.units import (
    MISSING,
    ReliabilityMatrix,
    _cover,
    _offsets,
    build_character_matrices,
    build_presence,
    build_reliability_matrix,
    compress_binary,
    select_codings,
    stack_matrices,
)


def test_build_reliability_matrix_by_hand() -> None:
    df = pd.DataFrame(
        {
            "unit": ["u2", "u1", "u2", "u3", "u1", "u2"],
            "coder": ["B", "A", "A", "A", "B", "B"],
            "value": ["ja", "nei", "ja", None, "ja", "ja"],  # the last row repeats the first
        }
    )
    m = build_reliability_matrix(df)
    assert m.coders == ("A", "B")  # sorted
    assert m.categories == ("ja", "nei")
    # units in order of first appearance: u2, u1, u3 (u3 has no value: all missing)
    assert m.values.tolist() == [[0, 0], [1, 0], [MISSING, MISSING]]
    assert m.weights.tolist() == [1, 1, 1] and m.n_units == 3


def test_categories_sort_by_their_text_and_custom_columns() -> None:
    df = pd.DataFrame({"seg": [1, 1, 2], "who": ["x", "y", "x"], "kode": [10, 2, 2]})
    m = build_reliability_matrix(df, unit="seg", coder="who", value="kode")
    assert m.categories == (10, 2)  # "10" < "2"
    assert m.values.tolist() == [[0, 1], [1, MISSING]]


def test_a_coder_without_values_is_no_coder() -> None:
    df = pd.DataFrame({"unit": [1, 1, 2], "coder": ["A", "B", "C"], "value": [1, 1, None]})
    m = build_reliability_matrix(df)
    assert m.coders == ("A", "B")
    assert m.values.tolist() == [[0, 0], [MISSING, MISSING]]


def test_an_empty_table_is_an_empty_matrix() -> None:
    m = build_reliability_matrix(pd.DataFrame({"unit": [], "coder": [], "value": []}))
    assert m.values.shape == (0, 0) and m.n_units == 0


@pytest.mark.parametrize(
    ("df", "message"),
    [
        (pd.DataFrame({"unit": [1], "coder": ["A"]}), r"missing column\(s\) \['value'\]"),
        (
            pd.DataFrame({"unit": [1, None], "coder": ["A", "B"], "value": [1, 1]}),
            r"1 row\(s\) have no 'unit' id",
        ),
        (
            pd.DataFrame({"unit": [1, 1], "coder": ["A", None], "value": [1, 2]}),
            r"1 rated row\(s\) have no 'coder' id",
        ),
        (
            pd.DataFrame({"unit": [7, 7], "coder": ["A", "A"], "value": [1, 2]}),
            "a coder gave one unit two different values: unit 7 coder 'A'",
        ),
    ],
)
def test_bad_tables_raise(df: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_reliability_matrix(df)


def test_compress_binary_counts_the_distinct_rows() -> None:
    bits = np.array([[1, 0], [1, 1], [0, 0], [1, 1], [1, 0], [1, 1]], dtype=bool)
    m = compress_binary(bits, ("A", "B"))
    # patterns (A + 2B): 1, 3, 0, 3, 1, 3 -> 0 once, 1 twice, 3 three times
    assert m.values.tolist() == [[0, 0], [1, 0], [1, 1]]
    assert m.weights.tolist() == [1, 2, 3]
    assert m.n_units == 6 and m.categories == (0, 1) and m.coders == ("A", "B")


def test_compress_binary_of_many_coders_sorts_rows() -> None:
    coders = tuple(f"c{i}" for i in range(31))
    bits = np.zeros((4, 31), dtype=bool)
    bits[1, 30] = bits[3, 30] = True
    m = compress_binary(bits, coders)
    assert m.weights.tolist() == [2, 2]
    assert m.values[:, 30].tolist() == [0, 1] and m.values[:, :30].sum() == 0


def test_compress_binary_of_no_units() -> None:
    m = compress_binary(np.zeros((0, 2), dtype=bool), ("A", "B"))
    assert m.n_units == 0 and m.values.shape == (0, 2)


def test_stack_matrices_keeps_rows_and_weights() -> None:
    a = compress_binary(np.array([[1, 1], [1, 1]], dtype=bool), ("A", "B"))
    b = compress_binary(np.array([[0, 1], [0, 0], [0, 0]], dtype=bool), ("A", "B"))
    m = stack_matrices([a, b])
    assert m.values.tolist() == [[1, 1], [0, 0], [0, 1]]
    assert m.weights.tolist() == [2, 2, 1] and m.n_units == 5
    assert isinstance(m, ReliabilityMatrix) and m.coders == ("A", "B")


SEGMENTS = pd.DataFrame(
    {
        "segment_id": ["T1-t001-s01", "T1-t001-s02", "T1-t002-s01", "T2-t001-s01"],
        "transcript": ["T1", "T1", "T1", "T2"],
        "start": [0, 6, 15, 2],
        "end": [5, 12, 20, 8],
    }
)


def coding_rows(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder"])


def test_select_codings_filters_codes_and_coders() -> None:
    codings = coding_rows(
        ("T1-t001-s01", "k", "B"),
        ("T1-t001-s01", "k", "A"),
        ("T1-t001-s02", "other", "A"),
        ("T9-t001-s01", "other", "A"),  # unknown, but of a code not asked for
        ("T1-t002-s01", "k", "C"),
    )
    chosen, coders = select_codings(codings, SEGMENTS, ["k"], None)
    assert coders == ("A", "B", "C")
    assert chosen["coder"].tolist() == ["B", "A", "C"]
    chosen, coders = select_codings(codings, SEGMENTS, ["k"], ["C", "A"])
    assert coders == ("C", "A") and chosen["coder"].tolist() == ["A", "C"]


@pytest.mark.parametrize(
    ("codings", "segments", "message"),
    [
        (
            coding_rows(("T9-t001-s01", "k", "A")),
            SEGMENTS,
            r"segments not in the segments table: \['T9",
        ),
        (
            pd.DataFrame({"segment_id": [], "code": []}),
            SEGMENTS,
            r"codings lacks column\(s\) \['coder'\]",
        ),
        (coding_rows(), SEGMENTS[["start"]], r"segments lacks column\(s\) \['segment_id'\]"),
        (
            coding_rows(),
            pd.concat([SEGMENTS, SEGMENTS.iloc[:1]]),
            r"duplicate segment ids: \['T1-t001-s01'\]",
        ),
    ],
)
def test_select_codings_refuses(codings, segments, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        select_codings(codings, segments, ["k"], None)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # [code][unit][coder]; k: A on s01 and T2, B on s02
        ("segment", [[[1, 0], [0, 1], [0, 0], [1, 0]], [[0, 0], [0, 0], [1, 1], [0, 0]]]),
        # turns T1-t001 (s01, s02), T1-t002, T2-t001: both coded T1-t001
        ("turn", [[[1, 1], [0, 0], [1, 0]], [[0, 0], [1, 1], [0, 0]]]),
    ],
)
def test_build_presence(unit: str, expected) -> None:
    codings = coding_rows(
        ("T1-t001-s01", "k", "A"),
        ("T1-t001-s02", "k", "B"),
        ("T2-t001-s01", "k", "A"),
        ("T1-t002-s01", "m", "A"),
        ("T1-t002-s01", "m", "B"),
        ("T1-t002-s01", "m", "B"),  # twice: still one
    )
    presence = build_presence(codings, SEGMENTS, ["k", "m"], ("A", "B"), unit)
    assert presence.astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("starts", "ends", "total", "expected"),
    [
        ([], [], 4, [0, 0, 0, 0]),
        ([1], [3], 5, [0, 1, 1, 0, 0]),
        ([0, 2], [3, 5], 5, [1, 1, 1, 1, 1]),  # overlapping
        ([1, 1], [2, 2], 3, [0, 1, 0]),  # the same span twice
        ([2], [2], 3, [0, 0, 0]),  # empty
    ],
)
def test_cover(starts, ends, total: int, expected) -> None:
    got = _cover(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), total)
    assert got.astype(int).tolist() == expected


def test_offsets_fall_back_to_the_segment_where_missing() -> None:
    codings = pd.DataFrame({"start": [3, None, "7"]})
    fallback = pd.Series([0, 10, 20])
    assert _offsets(codings, "start", fallback).tolist() == [3, 10, 7]
    assert _offsets(codings, "end", pd.Series([5, 6, 7])).tolist() == [5, 6, 7]  # no column


def character_codings(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "start", "end"])


def test_character_matrix_by_hand() -> None:
    # Units: the characters inside segments: T1 [0,5) [6,12) [15,20) and T2 [2,8): 22.
    # A codes T1 [0,5) and T2 [2,4); B codes T1 [3,8) (1 character between segments is
    # not a unit) and T2 [2,8).
    codings = character_codings(
        ("T1-t001-s01", "k", "A", 0, 5),
        ("T2-t001-s01", "k", "A", 2, 4),
        ("T1-t001-s01", "k", "B", 3, 8),
        ("T2-t001-s01", "k", "B", None, None),  # the segment's span
    )
    (m,) = build_character_matrices(codings, SEGMENTS, ["k"], ("A", "B"))
    # (A, B): T1 0-2 (1,0) x3, 3-4 (1,1) x2, 6-7 (0,1) x2, 8-11 (0,0) x4, 15-19 (0,0) x5;
    # T2 2-3 (1,1) x2, 4-7 (0,1) x4. Totals: (0,0) 9, (1,0) 3, (0,1) 6, (1,1) 4.
    assert m.values.tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert m.weights.tolist() == [9, 3, 6, 4] and m.n_units == 22


def test_character_matrix_with_transcript_lengths() -> None:
    # Every character is a unit: T1 22 + T2 10 = 32; A codes T1 [0,5) only: 5 of 32.
    codings = character_codings(("T1-t001-s01", "k", "A", 0, 5))
    (m,) = build_character_matrices(
        codings, SEGMENTS, ["k"], ("A", "B"), transcript_lengths={"T1": 22, "T2": 10}
    )
    assert m.values.tolist() == [[0, 0], [1, 0]] and m.weights.tolist() == [27, 5]


def test_character_matrix_of_a_code_nobody_used() -> None:
    matrices = build_character_matrices(character_codings(), SEGMENTS, ["k", "m"], ("A", "B"))
    assert [m.weights.tolist() for m in matrices] == [[22], [22]]


@pytest.mark.parametrize(
    ("row", "lengths", "message"),
    [
        (("T1-t001-s01", "k", "A", -1, 5), None, "negative or reversed offsets"),
        (("T1-t001-s01", "k", "A", 5, 2), None, "negative or reversed offsets"),
        (("T1-t001-s01", "k", "A", 0, 30), {"T1": 22, "T2": 10}, "a coding ends beyond"),
        (
            ("T1-t001-s01", "k", "A", 0, 5),
            {"T1": 22},
            r"transcript_lengths lacks transcripts \['T2'\]",
        ),
        (("T1-t001-s01", "k", "A", 0, 5), {"T1": 19, "T2": 10}, "a segment ends beyond"),
    ],
)
def test_character_matrix_refuses(row: tuple, lengths, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_character_matrices(character_codings(row), SEGMENTS, ["k"], ("A", "B"), lengths)
