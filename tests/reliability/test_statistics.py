"""Tests of thesis_analysis.reliability.statistics: published figures, independent implementations,
undefined cases and per-code reliability on a fixture small enough to work out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask

from thesis_analysis.reliability.per_code import compute_code_reliability, list_disagreements
from thesis_analysis.reliability.statistics import (
    compute_agreement,
    compute_cohen_kappa,
    compute_fleiss_kappa,
    compute_krippendorff_alpha,
    compute_percent_agreement,
)
from thesis_analysis.reliability.units import build_reliability_matrix, derive_turn_id

DATA = Path(__file__).parents[1] / "data"


def make_long(matrix: list[list[object]], coders: str | None = None) -> pd.DataFrame:
    """Long (unit, coder, value) table from a coders × units matrix; None = missing."""
    names = coders or "ABCDEFGHIJ"[: len(matrix)]
    rows = [
        {"unit": u, "coder": names[c], "value": v}
        for c, row in enumerate(matrix)
        for u, v in enumerate(row)
        if v is not None
    ]
    return pd.DataFrame(rows)


def from_two_by_two(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> pd.DataFrame:
    """Two coders; cell (x_y) = how many units coder A rated x and coder B rated y."""
    pairs = (
        [("yes", "yes")] * yes_yes
        + [("yes", "no")] * yes_no
        + [("no", "yes")] * no_yes
        + [("no", "no")] * no_no
    )
    return make_long([[a for a, _ in pairs], [b for _, b in pairs]])


# --- Published figures -------------------------------------------------------------------


def test_krippendorff_2011_nominal_alpha() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers x 12 units
    # with missing values; the paper gives nominal alpha = 0.743 (tests/data has the source).
    df = pd.read_csv(DATA / "krippendorff_2011.csv", comment="#")
    result = compute_krippendorff_alpha(df)
    assert round(result.value, 3) == 0.743
    # Unit 12 has a single value and is not pairable: 11 units, 40 pairable values.
    assert result.n_units == 11
    assert "40 pairable values" in result.unit_note
    assert result.n_coders == 4


@pytest.mark.parametrize(
    ("cells", "kappa", "agreement"),
    [
        # Wikipedia, "Cohen's kappa", worked example: 50 proposals, both yes 20, A yes/B no 5,
        # A no/B yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
        ((20, 5, 10, 15), 0.4, 0.7),
        # Wikipedia, "Cohen's kappa", section "Same percentages but different numbers":
        # 100 units, 60 agreements in both tables, published kappa 0.1304 and 0.2593.
        ((45, 15, 25, 15), 0.1304, 0.6),
        ((25, 35, 5, 35), 0.2593, 0.6),
    ],
)
def test_cohen_kappa_textbook(cells: tuple[int, int, int, int], kappa: float, agreement: float):
    df = from_two_by_two(*cells)
    assert round(compute_cohen_kappa(df).value, 4) == kappa
    assert compute_percent_agreement(df).value == pytest.approx(agreement)
    assert compute_cohen_kappa(df).n_units == sum(cells)


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters each, 5 categories;
# row = subject, entry = raters putting it in category 1..5. Published: P-bar = 0.378,
# P-bar_e = 0.213, kappa = 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example() -> None:
    rows = []
    for subject, counts in enumerate(FLEISS_TABLE):
        ratings = [cat for cat, n in enumerate(counts, start=1) for _ in range(n)]
        rows += [{"unit": subject, "coder": f"r{k:02d}", "value": v} for k, v in enumerate(ratings)]
    result = compute_fleiss_kappa(pd.DataFrame(rows))
    assert round(result.value, 3) == 0.210
    assert (result.n_units, result.n_coders) == (10, 14)


# --- Independent implementations ----------------------------------------------------------


def random_ratings(seed: int, n_coders: int, n_units: int, n_values: int, missing: float):
    """Coders × units matrix of ints (None = missing), every unit keeping 2+ values."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_values, n_units)
    noise = rng.integers(0, n_values, (n_coders, n_units))
    agree = rng.random((n_coders, n_units)) < 0.6
    values = np.where(agree, truth, noise)
    gone = rng.random((n_coders, n_units)) < missing
    gone[:2, :] = gone[:2, :] & (rng.random((2, n_units)) < 0.5)
    return [
        [None if gone[c, u] else int(values[c, u]) for u in range(n_units)] for c in range(n_coders)
    ]


def nltk_task(df: pd.DataFrame) -> AnnotationTask:
    return AnnotationTask([(r.coder, r.unit, r.value) for r in df.itertuples()])


CASES = [
    (seed, coders, values) for seed in (1, 2, 3) for coders, values in ((2, 2), (3, 4), (5, 3))
]


@pytest.mark.parametrize(("seed", "n_coders", "n_values"), CASES)
def test_complete_data_matches_nltk_and_krippendorff(seed: int, n_coders: int, n_values: int):
    matrix = random_ratings(seed, n_coders, 40, n_values, missing=0.0)
    df = make_long(matrix)
    task = nltk_task(df)
    assert compute_percent_agreement(df).value == pytest.approx(task.avg_Ao())
    # With complete data Fleiss' kappa is NLTK's multi-pi (Fleiss generalises Scott's pi).
    assert compute_fleiss_kappa(df).value == pytest.approx(task.pi())
    assert compute_krippendorff_alpha(df).value == pytest.approx(task.alpha())
    reference = krippendorff.alpha(
        reliability_data=np.array(matrix, dtype=float), level_of_measurement="nominal"
    )
    assert compute_krippendorff_alpha(df).value == pytest.approx(reference)
    if n_coders == 2:
        assert compute_cohen_kappa(df).value == pytest.approx(task.kappa())
        assert compute_cohen_kappa(df).value == pytest.approx(task.multi_kappa())
    else:
        assert math.isnan(compute_cohen_kappa(df).value)


@pytest.mark.parametrize(("seed", "n_coders", "n_values"), CASES)
def test_missing_data_matches_nltk_and_krippendorff(seed: int, n_coders: int, n_values: int):
    matrix = random_ratings(seed + 100, n_coders, 50, n_values, missing=0.3)
    df = make_long(matrix)
    reference = krippendorff.alpha(
        reliability_data=np.array([[np.nan if v is None else v for v in row] for row in matrix]),
        level_of_measurement="nominal",
    )
    alpha = compute_krippendorff_alpha(df)
    assert alpha.value == pytest.approx(reference)
    assert alpha.value == pytest.approx(nltk_task(df).alpha())
    # Fleiss: only units with the most ratings count; NLTK's pi on exactly those agrees.
    wide = df.pivot(index="unit", columns="coder", values="value")
    most = wide.notna().sum(axis=1)
    full = df[df["unit"].isin(wide.index[most == most.max()])]
    fleiss = compute_fleiss_kappa(df)
    assert fleiss.n_units == full["unit"].nunique()
    assert fleiss.value == pytest.approx(nltk_task(full).pi())
    if n_coders == 2:
        both = df[df["unit"].isin(wide.index[most == 2])]
        assert compute_cohen_kappa(df).value == pytest.approx(nltk_task(both).kappa())
        assert compute_percent_agreement(df).value == pytest.approx(nltk_task(both).avg_Ao())


def test_percent_agreement_is_mean_over_coder_pairs_of_shared_units() -> None:
    # Pairs: A-B share units 0,1 (agree on 0 only) = 1/2; A-C share unit 0 (agree) = 1;
    # B-C share units 0, 2 (agree on 0, 2) = 1. Mean = (0.5 + 1 + 1) / 3 = 5/6.
    df = make_long([["x", "x", None], ["x", "y", "z"], ["x", None, "z"]])
    result = compute_percent_agreement(df)
    assert result.value == pytest.approx(5 / 6)
    assert result.n_units == 3


# --- Undefined and degenerate cases -------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        # One category only: observed agreement is perfect but chance agreement is 1 as well.
        (
            [["a", "a", "a"], ["a", "a", "a"]],
            {
                "percent_agreement": 1.0,
                "cohen_kappa": "nan",
                "fleiss_kappa": "nan",
                "krippendorff_alpha": "nan",
            },
        ),
        # No unit coded by two coders: nothing is pairable.
        (
            [["a", None], [None, "b"]],
            {
                "percent_agreement": "nan",
                "cohen_kappa": "nan",
                "fleiss_kappa": "nan",
                "krippendorff_alpha": "nan",
            },
        ),
        # One coder only.
        (
            [["a", "b", "c"]],
            {
                "percent_agreement": "nan",
                "cohen_kappa": "nan",
                "fleiss_kappa": "nan",
                "krippendorff_alpha": "nan",
            },
        ),
        # Perfect agreement over two categories is a real 1.0.
        (
            [["a", "b"], ["a", "b"]],
            {
                "percent_agreement": 1.0,
                "cohen_kappa": 1.0,
                "fleiss_kappa": 1.0,
                "krippendorff_alpha": 1.0,
            },
        ),
        # Three coders: Cohen's kappa is for two only. Units (a,a,a) and (b,b,a):
        # pairs A-B 1, A-C 1/2, B-C 1/2 -> 2/3; Fleiss P = 1 and 1/3, P-bar 2/3,
        # P_e = (4/6)^2 + (2/6)^2 = 5/9 -> (1/9)/(4/9) = 1/4; alpha: n = 6, n_a 4, n_b 2,
        # off-diagonal coincidences 2*2/(3-1) = 2 -> 1 - 5*2/(2*4*2) = 3/8.
        (
            [["a", "b"], ["a", "b"], ["a", "a"]],
            {
                "percent_agreement": 2 / 3,
                "cohen_kappa": "nan",
                "fleiss_kappa": 0.25,
                "krippendorff_alpha": 0.375,
            },
        ),
    ],
)
def test_undefined_cases_give_nan_with_a_reason(matrix, expected) -> None:
    table = compute_agreement(make_long(matrix)).set_index("statistic")
    for statistic, value in expected.items():
        got = table.loc[statistic, "value"]
        if value == "nan":
            assert math.isnan(got), statistic
            assert table.loc[statistic, "note"], statistic
        else:
            assert got == pytest.approx(value), statistic
            assert table.loc[statistic, "note"] == "", statistic


def test_compute_agreement_table_shape_and_custom_columns() -> None:
    df = from_two_by_two(20, 5, 10, 15).rename(
        columns={"unit": "item", "coder": "rater", "value": "label"}
    )
    table = compute_agreement(df, unit="item", coder="rater", value="label")
    assert list(table.columns) == ["statistic", "value", "n_units", "n_coders", "unit_note", "note"]
    assert list(table["statistic"]) == [
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
    ]
    assert table["n_units"].tolist() == [50, 50, 50, 50]
    assert table["n_coders"].tolist() == [2, 2, 2, 2]


def test_conflicting_ratings_and_missing_columns_raise() -> None:
    df = pd.DataFrame({"unit": [1, 1], "coder": ["A", "A"], "value": ["x", "y"]})
    with pytest.raises(ValueError, match="two different values"):
        compute_agreement(df)
    with pytest.raises(ValueError, match="missing column"):
        compute_agreement(df, value="label")
    # Exact duplicates are harmless.
    same = pd.DataFrame({"unit": [1, 1, 1], "coder": ["A", "A", "B"], "value": ["x"] * 3})
    assert build_reliability_matrix(same).values.tolist() == [[0, 0]]


def test_missing_values_in_the_value_column_mean_not_coded() -> None:
    df = pd.read_csv(DATA / "krippendorff_2011.csv", comment="#")
    padded = pd.concat(
        [df, pd.DataFrame({"unit": [11, 12], "coder": ["A", "A"], "value": [np.nan, np.nan]})]
    )
    assert compute_krippendorff_alpha(padded).value == compute_krippendorff_alpha(df).value


# --- Per-code reliability -----------------------------------------------------------------
#
# Two transcripts; segments of 10 characters each (offsets into the transcript body):
#   a T1-t001-s01 [0,10)  b T1-t001-s02 [11,21)  c T1-t002-s01 [23,33)  d T1-t002-s02 [34,44)
#   e T2-t001-s01 [0,10)
# Coder A and B (C codes too, but is left out where coders=["A", "B"]; "annet" is not asked).
#   maling: A on a, c, e[0:5] (half of e);  B on a, c, d, e.
#   stress: A on b;                         B on b, d, e.

SEGMENTS = pd.DataFrame(
    {
        "segment_id": ["T1-t001-s01", "T1-t001-s02", "T1-t002-s01", "T1-t002-s02", "T2-t001-s01"],
        "transcript": ["T1", "T1", "T1", "T1", "T2"],
        "start": [0, 11, 23, 34, 0],
        "end": [10, 21, 33, 44, 10],
        "text": ["a" * 10, "b" * 10, "c" * 10, "d" * 10, "e" * 10],
    }
)
CODINGS = pd.DataFrame(
    [
        ("T1-t001-s01", "maling", "A", 0, 10),
        ("T1-t002-s01", "maling", "A", 23, 33),
        ("T2-t001-s01", "maling", "A", 0, 5),
        ("T1-t001-s01", "maling", "B", 0, 10),
        ("T1-t002-s01", "maling", "B", 23, 33),
        ("T1-t002-s02", "maling", "B", 34, 44),
        ("T2-t001-s01", "maling", "B", 0, 10),
        ("T1-t001-s02", "stress", "A", 11, 21),
        ("T1-t001-s02", "stress", "B", 11, 21),
        ("T1-t002-s02", "stress", "B", 34, 44),
        ("T2-t001-s01", "stress", "B", 0, 10),
        ("T1-t001-s01", "annet", "A", 0, 10),
        ("T1-t001-s01", "maling", "C", 0, 10),
    ],
    columns=["segment_id", "code", "coder", "start", "end"],
).assign(memo="", snippet="", rule=None)
CODES = ["maling", "stress"]

# Expected figures, worked by hand. For two coders with binary values, per unit kinds:
#   p_o = agreeing units / N; Cohen p_e = pA*pB + (1-pA)*(1-pB) with pX = share X coded;
#   Fleiss P_e = p1^2 + p0^2 with p1 = (ones of A + ones of B) / 2N;
#   alpha = 1 - (n-1) * D / (2 * n1 * n0) with n = 2N pairable values, D = 2 * disagreeing
#   units (each disagreeing unit adds the coincidences (0,1) and (1,0)), n1/n0 = ones/zeros.
EXPECTED = {
    # segment, maling: A = 1,0,1,0,1; B = 1,0,1,1,1. Agree 4/5 = .8; pA .6, pB .8;
    # p_e = .48 + .08 = .56 -> kappa = .24/.44 = 6/11; p1 = 7/10, P_e = .58 -> .22/.42 = 11/21;
    # n = 10, n1 = 7, n0 = 3, D = 2 -> alpha = 1 - 9*2/42 = 4/7.
    ("segment", "maling"): (0.8, 6 / 11, 11 / 21, 4 / 7, 3, 4),
    # segment, stress: A = 0,1,0,0,0; B = 0,1,0,1,1. Agree 3/5; pA .2, pB .6;
    # p_e = .12 + .32 = .44 -> .16/.56 = 2/7; p1 = .4, P_e = .52 -> .08/.48 = 1/6;
    # n1 = 4, n0 = 6, D = 4 -> 1 - 9*4/48 = .25.
    ("segment", "stress"): (0.6, 2 / 7, 1 / 6, 0.25, 1, 3),
    # pooled segment: 10 (segment, code) units; (1,1) x4, (0,0) x3, (0,1) x3. p_o = .7;
    # pA .4, pB .7: p_e = .28 + .18 = .46 -> .24/.54 = 4/9; p1 = 11/20, P_e = .505 ->
    # .195/.495 = 13/33; n = 20, n1 = 11, n0 = 9, D = 6 -> 1 - 19*6/198 = 14/33.
    ("segment", "(pooled)"): (0.7, 4 / 9, 13 / 33, 14 / 33, 4, 7),
    # turn: T1-t001 (a, b), T1-t002 (c, d), T2-t001 (e).
    # maling: A = 1,1,1; B = 1,1,1 -> agreement 1 but a single value: kappas and alpha NaN.
    ("turn", "maling"): (1.0, math.nan, math.nan, math.nan, 3, 3),
    # stress: A = 1,0,0; B = 1,1,1. p_o = 1/3; pA 1/3, pB 1: p_e = 1/3 -> 0;
    # p1 = 4/6, P_e = 5/9 -> (1/3 - 5/9)/(4/9) = -.5; n = 6, n1 = 4, n0 = 2, D = 4 ->
    # 1 - 5*4/16 = -.25.
    ("turn", "stress"): (1 / 3, 0.0, -0.5, -0.25, 1, 3),
    # character: 50 characters inside segments. maling: both on a, c, e[0:5] = 25;
    # B only on d, e[5:10] = 15; neither on b = 10. p_o = 35/50 = .7; pA .5, pB .8:
    # p_e = .4 + .1 = .5 -> .4; p1 = 65/100, P_e = .4225 + .1225 = .545 -> .155/.455;
    # n = 100, n1 = 65, n0 = 35, D = 30 -> 1 - 99*30/4550.
    ("character", "maling"): (0.7, 0.4, 0.155 / 0.455, 1 - 99 * 30 / 4550, 25, 40),
    # stress: both on b = 10; B only on d, e = 20; neither on a, c = 20. p_o = .6,
    # kappa 2/7 and Fleiss 1/6 as for segments; alpha = 1 - 99*40/(2*40*60) = .175
    # (alpha's small-sample factor n-1 changes with the number of units).
    ("character", "stress"): (0.6, 2 / 7, 1 / 6, 0.175, 10, 30),
}
STAT_ORDER = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")


def lookup(table: pd.DataFrame, code: str, statistic: str, coder: str | None = None) -> float:
    rows = table[(table["code"] == code) & (table["statistic"] == statistic)]
    if coder is not None:
        rows = rows[rows["coder"] == coder]
    assert len(rows) == 1, (code, statistic, coder)
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize(("unit", "code"), sorted(EXPECTED))
def test_code_reliability_by_hand(unit: str, code: str) -> None:
    table = compute_code_reliability(CODINGS, SEGMENTS, CODES, coders=["A", "B"], unit=unit)
    *figures, coded_a, coded_b = EXPECTED[(unit, code)]
    for statistic, expected in zip(STAT_ORDER, figures, strict=True):
        got = lookup(table, code, statistic)
        if math.isnan(expected):
            assert math.isnan(got), statistic
        else:
            assert got == pytest.approx(expected), statistic
    assert lookup(table, code, "n_coded", "A") == coded_a
    assert lookup(table, code, "n_coded", "B") == coded_b
    assert set(table["unit"]) == {unit}
    assert list(table.columns) == ["code", "statistic", "coder", "value", "n_units", "unit", "note"]


@pytest.mark.parametrize(("unit", "n_units"), [("segment", 5), ("turn", 3), ("character", 50)])
def test_code_reliability_macro_and_unit_counts(unit: str, n_units: int) -> None:
    table = compute_code_reliability(CODINGS, SEGMENTS, CODES, coders=["A", "B"], unit=unit)
    for statistic in STAT_ORDER:
        per_code = [lookup(table, code, statistic) for code in CODES]
        defined = [v for v in per_code if not math.isnan(v)]
        assert lookup(table, "(macro)", statistic) == pytest.approx(np.mean(defined))
    per_code_rows = table[table["code"].isin(CODES)]
    assert set(per_code_rows["n_units"]) == {n_units}
    assert set(table.loc[table["code"] == "(pooled)", "n_units"]) == {2 * n_units}


def test_character_units_with_transcript_lengths() -> None:
    # T1 has 50 characters, T2 12: 62 units; the 12 characters outside segments are coded
    # by nobody. maling: (1,1) 25, (0,1) 15, (0,0) 22. p_o = 47/62;
    # Cohen p_e = (25*40 + 37*22)/62^2 = 1814/3844 -> kappa = (47*62 - 1814)/(3844 - 1814)
    # = 1100/2030.
    table = compute_code_reliability(
        CODINGS,
        SEGMENTS,
        CODES,
        coders=["A", "B"],
        unit="character",
        transcript_lengths={"T1": 50, "T2": 12},
    )
    assert lookup(table, "maling", "percent_agreement") == pytest.approx(47 / 62)
    assert lookup(table, "maling", "cohen_kappa") == pytest.approx(1100 / 2030)
    assert set(table["n_units"][table["code"] == "maling"]) == {62}


def test_character_units_fall_back_to_segment_spans() -> None:
    # Without start/end the whole coded segment counts: A's maling on e becomes all of e
    # (30 characters instead of 25); stress was coded on whole segments and does not change.
    table = compute_code_reliability(
        CODINGS.drop(columns=["start", "end"]), SEGMENTS, CODES, coders=["A", "B"], unit="character"
    )
    assert lookup(table, "maling", "n_coded", "A") == 30
    assert lookup(table, "stress", "krippendorff_alpha") == pytest.approx(0.175)


def test_three_coders_have_no_cohen_row() -> None:
    table = compute_code_reliability(CODINGS, SEGMENTS, CODES)
    assert "cohen_kappa" not in set(table["statistic"])
    assert sorted(table.loc[table["statistic"] == "n_coded", "coder"].unique()) == ["A", "B", "C"]
    # maling, segments: A = 1,0,1,0,1; B = 1,0,1,1,1; C = 1,0,0,0,0. Pairs: A-B 4/5,
    # A-C 3/5, B-C 2/5 -> mean 3/5.
    assert lookup(table, "maling", "percent_agreement") == pytest.approx(0.6)


def test_code_reliability_agrees_with_core_on_long_table() -> None:
    # The same binary data as a long table must give the same figures (segment unit).
    rows = []
    for seg in SEGMENTS["segment_id"]:
        for coder in ("A", "B"):
            mine = CODINGS[(CODINGS["segment_id"] == seg) & (CODINGS["coder"] == coder)]
            rows.append({"unit": seg, "coder": coder, "value": int("stress" in set(mine["code"]))})
    core = compute_agreement(pd.DataFrame(rows)).set_index("statistic")["value"]
    table = compute_code_reliability(CODINGS, SEGMENTS, CODES, coders=["A", "B"])
    for statistic in STAT_ORDER:
        assert lookup(table, "stress", statistic) == pytest.approx(core[statistic])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_character_units_match_brute_force(seed: int) -> None:
    # Random selections of any length (across segment borders too) against a per-character
    # loop written independently here.
    rng = np.random.default_rng(seed)
    segments = pd.DataFrame(
        {
            "segment_id": [f"X-t{t:03d}-s01" for t in range(6)],
            "transcript": "X",
            "start": [0, 25, 40, 70, 90, 130],
            "end": [20, 38, 65, 85, 120, 150],
            "text": "",
        }
    )
    rows = []
    for coder in ("A", "B", "C"):
        for _ in range(5):
            start = int(rng.integers(0, 140))
            end = int(start + rng.integers(1, 30))
            where = min(int(np.searchsorted(segments["start"], start, side="right")) - 1, 5)
            seg = segments["segment_id"].iloc[max(where, 0)]
            rows.append((seg, "k", coder, start, min(end, 150)))
    codings = pd.DataFrame(rows, columns=["segment_id", "code", "coder", "start", "end"])
    inside = {
        i for s, e in zip(segments["start"], segments["end"], strict=True) for i in range(s, e)
    }
    long = []
    for coder in ("A", "B", "C"):
        mine = codings[codings["coder"] == coder]
        for i in sorted(inside):
            hit = any(s <= i < e for s, e in zip(mine["start"], mine["end"], strict=True))
            long.append({"unit": i, "coder": coder, "value": int(hit)})
    core = compute_agreement(pd.DataFrame(long)).set_index("statistic")["value"]
    table = compute_code_reliability(codings, segments, ["k"], unit="character")
    for statistic in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha"):
        assert lookup(table, "k", statistic) == pytest.approx(core[statistic], nan_ok=True)
    assert set(table["n_units"][table["code"] == "k"]) == {len(inside)}


def test_uncoded_segments_count_as_zero() -> None:
    # Adding a segment nobody coded adds a (0, 0) unit: agreement for stress goes 3/5 -> 4/6.
    extra = pd.concat(
        [
            SEGMENTS,
            pd.DataFrame(
                {
                    "segment_id": ["T2-t002-s01"],
                    "transcript": "T2",
                    "start": [11],
                    "end": [20],
                    "text": ["f"],
                }
            ),
        ]
    )
    table = compute_code_reliability(CODINGS, extra, CODES, coders=["A", "B"])
    assert lookup(table, "stress", "percent_agreement") == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "paragraph"}, "unit must be one of"),
        ({"coders": ["A"]}, "at least two coders"),
    ],
)
def test_code_reliability_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_code_reliability(CODINGS, SEGMENTS, CODES, **kwargs)


def test_codings_of_unknown_segments_raise() -> None:
    bad = pd.concat(
        [
            CODINGS,
            pd.DataFrame(
                [("T9-t001-s01", "maling", "A", 0, 1)],
                columns=["segment_id", "code", "coder", "start", "end"],
            ),
        ]
    )
    with pytest.raises(ValueError, match="T9-t001-s01"):
        compute_code_reliability(bad, SEGMENTS, CODES)


@pytest.mark.parametrize(
    ("segment_id", "turn"),
    [("TL1-t012-s03", "TL1-t012"), ("L-s2-t001-s10", "L-s2-t001")],
)
def test_derive_turn_id(segment_id: str, turn: str) -> None:
    assert derive_turn_id(segment_id) == turn


@pytest.mark.parametrize("segment_id", ["TL1-t012", "TL1-t012-sx", "-s01"])
def test_derive_turn_id_rejects_other_ids(segment_id: str) -> None:
    with pytest.raises(ValueError, match="does not end in"):
        derive_turn_id(segment_id)


@pytest.mark.parametrize(
    ("coders", "expected"),
    [
        (
            ["A", "B"],
            [
                ("T1-t002-s02", "maling", "B", "A"),
                ("T1-t002-s02", "stress", "B", "A"),
                ("T2-t001-s01", "stress", "B", "A"),
            ],
        ),
        # With C (who coded maling on a only): a is agreed by all three, c and e (maling)
        # and b (stress) now lack C.
        (
            None,
            [
                ("T1-t001-s02", "stress", "A, B", "C"),
                ("T1-t002-s01", "maling", "A, B", "C"),
                ("T1-t002-s02", "maling", "B", "A, C"),
                ("T1-t002-s02", "stress", "B", "A, C"),
                ("T2-t001-s01", "maling", "A, B", "C"),
                ("T2-t001-s01", "stress", "B", "A, C"),
            ],
        ),
    ],
)
def test_list_disagreements(coders, expected) -> None:
    table = list_disagreements(CODINGS, SEGMENTS, CODES, coders)
    assert list(table.columns) == ["segment_id", "code", "coders_with", "coders_without", "text"]
    got = list(
        table[["segment_id", "code", "coders_with", "coders_without"]].itertuples(
            index=False, name=None
        )
    )
    assert got == expected
    texts = dict(zip(SEGMENTS["segment_id"], SEGMENTS["text"], strict=True))
    assert all(texts[s] == t for s, t in zip(table["segment_id"], table["text"], strict=True))
    # Deterministic: shuffled input, same output.
    again = list_disagreements(CODINGS.sample(frac=1, random_state=3), SEGMENTS, CODES, coders)
    pd.testing.assert_frame_equal(table, again)
