"""Codes at a table's level, labels, kinds and group order (thesis_analysis.analysis.levels)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.analysis.levels import (
    GROUP_ORDERS,
    LEVELS,
    THEME_KIND,
    check_known_codes,
    compute_code_kind,
    join_codings,
    label_code,
    list_level_codes,
    map_code_level,
    order_groups,
)
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_default_project_file

DATA = Path(__file__).parents[1] / "data" / "analysis"


def frame(*rows: tuple, columns=("segment_id", "code")) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def test_code_level_lists_every_codable_code_in_codebook_order(codebook) -> None:
    assert list_level_codes(codebook, "code") == [
        "styring",
        "styring.laering",
        "kvalitet_kvantitet",
        "subkultur",
        "holdning.kritisk",
        "holdning.positiv",
        "indikator.jobbmatch",
        "indikator.jobbmatch.andel",
    ]


@pytest.mark.parametrize("level", ["leaf", "Top", "", None])
def test_unknown_levels_are_refused(codebook, level) -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        list_level_codes(codebook, level)
    with pytest.raises(ValueError, match="level must be one of"):
        map_code_level(frame(("A1-t002-s01", "styring")), level)
    assert LEVELS == ("top", "code")


@pytest.mark.parametrize(
    ("code_id", "label"),
    [
        ("styring", "Mål- og resultatstyring"),
        ("holdning", "Holdning"),  # a grouping node has its label too
        ("indikator.jobbmatch.andel", "Andel arbeidssøkere med jobbmatch"),
        ("(macro)", "(macro)"),
        ("ukjent.kode", "ukjent.kode"),
    ],
)
def test_label_code(codebook, code_id: str, label: str) -> None:
    assert label_code(codebook, code_id) == label


@pytest.mark.parametrize(
    ("code_id", "kind"),
    [
        ("holdning.kritisk", "holdning"),
        ("indikator.jobbmatch", "indikator"),
        ("indikator.jobbmatch.andel", "indikator"),
        ("holdning", THEME_KIND),  # the grouping node itself
        ("indikator", THEME_KIND),
        ("styring.laering", THEME_KIND),
        ("holdningsendring", THEME_KIND),
        ("npm", "tema"),
    ],
)
def test_compute_code_kind(code_id: str, kind: str) -> None:
    assert compute_code_kind(code_id) == kind


def test_map_code_level_to_top_deduplicates_per_segment_and_coder() -> None:
    codings = frame(
        ("B1-t002-s01", "styring.laering", "auto"),
        ("A1-t002-s01", "styring", "manual"),
        ("B1-t002-s01", "styring", "auto"),
        ("A1-t002-s01", "indikator.jobbmatch.andel", "manual"),
        ("A1-t002-s01", "styring.laering", "manual"),
        columns=("segment_id", "code", "coder"),
    )
    mapped = map_code_level(codings, "top")
    assert mapped.values.tolist() == [
        ["B1-t002-s01", "styring", "auto"],
        ["A1-t002-s01", "indikator.jobbmatch", "manual"],
        ["A1-t002-s01", "styring", "manual"],
    ]
    assert list(mapped.index) == [0, 1, 2]
    assert codings["code"].iloc[0] == "styring.laering"  # the input is not changed


def test_map_code_level_keeps_rows_without_deduplicating() -> None:
    codings = frame(
        ("B1-t002-s01", "styring.laering", "x"),
        ("A1-t002-s01", "holdning.kritisk", "y"),
        ("B1-t002-s01", "styring", "z"),
        columns=("segment_id", "code", "evidence"),
    )
    mapped = map_code_level(codings, "top", deduplicate=False)
    assert mapped.values.tolist() == [
        ["B1-t002-s01", "styring", "x"],
        ["A1-t002-s01", "holdning.kritisk", "y"],
        ["B1-t002-s01", "styring", "z"],
    ]


def test_map_code_level_at_code_level_only_deduplicates() -> None:
    codings = frame(("B1", "styring.laering"), ("A1", "styring"), ("B1", "styring.laering"))
    assert map_code_level(codings, "code").values.tolist() == [
        ["A1", "styring"],
        ["B1", "styring.laering"],
    ]


def test_check_known_codes_names_every_unknown_code_once(codebook) -> None:
    check_known_codes(frame(("a", "styring"), ("b", "holdning")), codebook)
    codings = frame(("a", "npm"), ("b", "styring"), ("c", "npm"), ("d", "Styring"))
    with pytest.raises(InputError) as caught:
        check_known_codes(codings, codebook)
    assert str(caught.value) == (
        "codings use 2 code(s) not in the codebook: Styring, npm — "
        "code the segments again with the current codebook, or add the codes to it"
    )


def test_join_codings_keeps_informant_segments_at_the_level(codebook, segments) -> None:
    codings = frame(
        ("A1-t002-s01", "styring.laering"),
        ("A1-t002-s01", "styring"),
        ("A1-t001-s01", "styring"),  # an interviewer segment: not in segments
        ("Z9-t001-s01", "styring"),  # no such segment
        ("B1-t003-s01", "kvalitet_kvantitet"),
    )
    joined = join_codings(codings, segments, codebook)
    assert joined[["segment_id", "code", "informant", "employer"]].values.tolist() == [
        ["A1-t002-s01", "styring", "A1", "stat"],
        ["B1-t003-s01", "kvalitet_kvantitet", "B1", "kommune"],
    ]
    at_code = join_codings(codings, segments, codebook, level="code")
    assert sorted(at_code["code"]) == ["kvalitet_kvantitet", "styring", "styring.laering"]


def test_join_codings_refuses_unknown_codes_and_doubled_segments(codebook, segments) -> None:
    with pytest.raises(InputError, match="not in the codebook: npm"):
        join_codings(frame(("A1-t002-s01", "npm")), segments, codebook)
    doubled = pd.concat([segments, segments.iloc[[0]]], ignore_index=True)
    with pytest.raises(pd.errors.MergeError):
        join_codings(frame((segments["segment_id"][0], "styring")), doubled, codebook)


@pytest.mark.parametrize(
    ("values", "by", "order", "expected"),
    [
        (["stat", "ukjent", "kommune", "stat"], "employer", None, ["stat", "kommune", "ukjent"]),
        (["veileder", "leder", "sjef"], "role", None, ["leder", "veileder", "sjef"]),
        (["b", "a", "c"], "team", None, ["a", "b", "c"]),  # no order: sorted
        (["b", "a", "c"], "employer", ["c", "x", "b"], ["c", "b", "a"]),
        (["laering", "leder"], "section", None, ["leder", "laering"]),
        ([2, 10, 1], "year", None, ["1", "10", "2"]),  # as text
        ([], "role", None, []),
    ],
)
def test_order_groups(values: list, by: str, order, expected: list[str]) -> None:
    assert order_groups(pd.Series(values, dtype=object), by, order) == expected


def test_group_orders_are_the_thesis_projects() -> None:
    settings = load_default_project_file()
    assert set(GROUP_ORDERS) == {*settings.list_grouping_variables(), "section"}
    assert GROUP_ORDERS["employer"] == ("stat", "kommune", "ukjent")
    assert GROUP_ORDERS["section"][0] == "leder"
