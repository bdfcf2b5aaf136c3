"""Reliability per code on a small hand-worked example: a code with a figure, a code nobody
used (undefined figures and what the macro mean makes of them), the pooled row, three coders
(Fleiss and Krippendorff worked out by hand), and the disagreement list.

Formulas (binary presence per unit; see tests/reliability/test_statistics.py for the same):
  Cohen p_e = pA*pB + (1-pA)*(1-pB); Fleiss P_e = p1^2 + p0^2 with p1 the share of all ratings
  that are 1, P_i = (sum_c n_ic^2 - m) / (m (m-1)); nominal Krippendorff
  alpha = 1 - (n-1) * (o_01 + o_10) / (2 n_1 n_0), n the number of pairable values.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from thesis_analysis.reliability.per_code import (
    CODE_COLUMNS,
    compute_code_reliability,
    list_disagreements,
)

SEGMENTS = pd.DataFrame(
    {
        "segment_id": ["T-t001-s01", "T-t001-s02", "T-t002-s01", "T-t002-s02"],
        "transcript": "T",
        "start": [0, 10, 20, 30],
        "end": [9, 19, 29, 39],
        "text": ["s1", "s2", "s3", "s4"],
    }
)
# code a: A on s1, s2; B on s1, s3. Code b: nobody. C only in the three-coder tests.
CODINGS = pd.DataFrame(
    [
        ("T-t001-s01", "a", "A"),
        ("T-t001-s02", "a", "A"),
        ("T-t001-s01", "a", "B"),
        ("T-t002-s01", "a", "B"),
        ("T-t001-s01", "zzz", "A"),  # a code not asked for: ignored
    ],
    columns=["segment_id", "code", "coder"],
)


def value(table: pd.DataFrame, code: str, statistic: str, coder: str | None = None) -> float:
    rows = table[(table["code"] == code) & (table["statistic"] == statistic)]
    if coder is not None:
        rows = rows[rows["coder"] == coder]
    assert len(rows) == 1, (code, statistic, coder)
    return float(rows["value"].iloc[0])


def row(table: pd.DataFrame, code: str, statistic: str) -> pd.Series:
    return table[(table["code"] == code) & (table["statistic"] == statistic)].iloc[0]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return compute_code_reliability(CODINGS, SEGMENTS, ["a", "b"])


# a: A = 1,1,0,0; B = 1,0,1,0. Agree on s1 and s4: p_o = 2/4. pA = pB = .5: p_e = .5 -> 0.
# Fleiss: p1 = 4/8, P_e = .5, mean P_i = .5 -> 0. Alpha: n = 8, n1 = n0 = 4, two disagreeing
# units give o_01 + o_10 = 4 -> 1 - 7*4/(2*4*4) = 1/8.
# pooled (8 units: a's four and b's four (0,0)): agree 6/8; pA = pB = 2/8:
# p_e = 1/16 + 9/16 = 10/16 -> (12/16 - 10/16)/(6/16) = 1/3; Fleiss p1 = 4/16: the same 1/3;
# alpha: n = 16, n1 = 4, n0 = 12 -> 1 - 15*4/(2*4*12) = 3/8.
@pytest.mark.parametrize(
    ("code", "statistic", "expected"),
    [
        ("a", "percent_agreement", 0.5),
        ("a", "cohen_kappa", 0.0),
        ("a", "fleiss_kappa", 0.0),
        ("a", "krippendorff_alpha", 1 / 8),
        # b: every unit (0, 0): full agreement, but one category only: the rest undefined
        ("b", "percent_agreement", 1.0),
        ("b", "cohen_kappa", math.nan),
        ("b", "fleiss_kappa", math.nan),
        ("b", "krippendorff_alpha", math.nan),
        ("(pooled)", "percent_agreement", 0.75),
        ("(pooled)", "cohen_kappa", 1 / 3),
        ("(pooled)", "fleiss_kappa", 1 / 3),
        ("(pooled)", "krippendorff_alpha", 3 / 8),
        # macro: the mean over the codes where the figure is defined
        ("(macro)", "percent_agreement", 0.75),
        ("(macro)", "cohen_kappa", 0.0),
        ("(macro)", "krippendorff_alpha", 1 / 8),
    ],
)
def test_figures_by_hand(table: pd.DataFrame, code: str, statistic: str, expected: float) -> None:
    got = value(table, code, statistic)
    if math.isnan(expected):
        assert math.isnan(got)
        assert row(table, code, statistic)["note"]  # the reason is given
    else:
        assert got == pytest.approx(expected)


def test_macro_rows_say_how_many_codes_they_average(table: pd.DataFrame) -> None:
    assert row(table, "(macro)", "percent_agreement")["note"] == (
        "mean over the 2 of 2 codes where defined"
    )
    assert (
        row(table, "(macro)", "cohen_kappa")["note"] == "mean over the 1 of 2 codes where defined"
    )
    assert row(table, "(macro)", "cohen_kappa")["n_units"] == 4
    assert pd.isna(row(table, "(macro)", "cohen_kappa")["coder"])


def test_macro_of_codes_all_undefined_is_nan() -> None:
    table = compute_code_reliability(CODINGS, SEGMENTS, ["b"])
    assert math.isnan(value(table, "(macro)", "cohen_kappa"))
    assert (
        row(table, "(macro)", "cohen_kappa")["note"] == "mean over the 0 of 1 codes where defined"
    )


def test_row_order_and_counts(table: pd.DataFrame) -> None:
    assert list(table.columns) == CODE_COLUMNS
    assert list(table["code"].unique()) == ["a", "b", "(macro)", "(pooled)"]
    assert list(table.loc[table["code"] == "a", "statistic"]) == [
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "n_coded",
        "n_coded",
    ]
    assert (value(table, "a", "n_coded", "A"), value(table, "a", "n_coded", "B")) == (2, 2)
    assert (value(table, "b", "n_coded", "A"), value(table, "b", "n_coded", "B")) == (0, 0)
    assert value(table, "(pooled)", "n_coded", "B") == 2
    assert set(table.loc[table["code"] == "(pooled)", "n_units"]) == {8}
    assert set(table["unit"]) == {"segment"}


def test_coders_keep_the_order_given() -> None:
    table = compute_code_reliability(CODINGS, SEGMENTS, ["a"], coders=["B", "A"])
    assert list(table.loc[table["statistic"] == "n_coded", "coder"].iloc[:2]) == ["B", "A"]
    # Cohen's kappa does not depend on the order: still 0
    assert value(table, "a", "cohen_kappa") == 0.0


def test_turn_units() -> None:
    # turns t001 (s1, s2) and t002 (s3, s4): A = 1, 0; B = 1, 1 -> agreement 1/2.
    table = compute_code_reliability(CODINGS, SEGMENTS, ["a"], unit="turn")
    assert value(table, "a", "percent_agreement") == 0.5
    assert (value(table, "a", "n_coded", "A"), value(table, "a", "n_coded", "B")) == (1, 2)
    assert set(table["n_units"][table["code"] == "a"]) == {2}


THREE = pd.concat(
    [
        CODINGS,
        pd.DataFrame(
            [("T-t001-s01", "a", "C"), ("T-t002-s02", "a", "C"), ("T-t001-s02", "a", "C")],
            columns=["segment_id", "code", "coder"],
        ),
    ]
)


def test_three_coders_by_hand() -> None:
    # a: A = 1,1,0,0; B = 1,0,1,0; C = 1,1,0,1. Ones per unit: 3, 2, 1, 1 (m = 3).
    # Pairs: A-B 2/4, A-C 3/4, B-C 1/4 -> percent agreement 1/2.
    # Fleiss: P_i = (n1^2 + n0^2 - 3)/6 = 1, 1/3, 1/3, 1/3 -> mean 1/2; p1 = 7/12,
    # P_e = (49 + 25)/144 = 74/144 -> (72/144 - 74/144)/(70/144) = -1/35.
    # Alpha: per unit o_11 += n1(n1-1)/2, o_00 += n0(n0-1)/2, o_01 = o_10 += n1 n0/2:
    # o_11 = 3 + 1 = 4, o_00 = 1 + 1 = 2, o_01 = o_10 = 1 + 1 + 1 = 3; n = 12, n1 = 7,
    # n0 = 5 -> 1 - 11*6/(2*7*5) = 1 - 66/70 = 2/35.
    table = compute_code_reliability(THREE, SEGMENTS, ["a"])
    assert value(table, "a", "percent_agreement") == pytest.approx(0.5)
    assert value(table, "a", "fleiss_kappa") == pytest.approx(-1 / 35)
    assert value(table, "a", "krippendorff_alpha") == pytest.approx(2 / 35)
    assert "cohen_kappa" not in set(table["statistic"])
    assert value(table, "a", "n_coded", "C") == 3


def test_character_units_use_the_segment_spans() -> None:
    # Without offsets each coded segment counts whole (9 characters); units: 4 x 9 = 36.
    table = compute_code_reliability(CODINGS, SEGMENTS, ["a"], unit="character")
    assert (value(table, "a", "n_coded", "A"), value(table, "a", "n_coded", "B")) == (18, 18)
    assert value(table, "a", "percent_agreement") == 0.5
    assert set(table["n_units"][table["code"] == "a"]) == {36}


def test_list_disagreements() -> None:
    table = list_disagreements(THREE, SEGMENTS, ["a", "b"])
    assert table.values.tolist() == [
        ["T-t001-s02", "a", "A, C", "B", "s2"],
        ["T-t002-s01", "a", "B", "A, C", "s3"],
        ["T-t002-s02", "a", "C", "A, B", "s4"],
    ]


def test_list_disagreements_without_texts_or_disagreement() -> None:
    no_text = list_disagreements(CODINGS, SEGMENTS.drop(columns=["text"]), ["a"])
    assert no_text["text"].tolist() == ["", ""]
    none = list_disagreements(CODINGS, SEGMENTS, ["b"])
    assert none.empty
    assert list(none.columns) == ["segment_id", "code", "coders_with", "coders_without", "text"]


def test_list_disagreements_refuses_unknown_segments() -> None:
    bad = pd.DataFrame([("X-t001-s01", "a", "A")], columns=["segment_id", "code", "coder"])
    with pytest.raises(ValueError, match=r"segments not in the segments table: \['X-t001-s01'\]"):
        list_disagreements(pd.concat([CODINGS, bad]), SEGMENTS, ["a"])
