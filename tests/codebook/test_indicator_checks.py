"""The indicator: block of a code and its target (thesis_analysis.codebook.indicator_checks)."""

from __future__ import annotations

import pytest

from thesis_analysis.codebook.indicator_checks import (
    INDICATOR_KEYS,
    LINES,
    PERSPECTIVES,
    check_indicator,
    check_target,
    format_number,
)
from thesis_analysis.codebook.rule_checks import Report
from thesis_analysis.yaml_lines import LineLoader

CID = "indikator.jobbmatch"
VALID = """\
name: "Andel jobbmatch"
target: {value: 60, unit: "%", direction: ">="}
perspective: bruker
perspective_note: "  om brukerne  "
line: stat
rogaland_followup: true
in_vedlegg4: false
source: " Vedlegg 4 "
"""


def load(text: str):
    loader = LineLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def run_indicator(text: str, cid: str = CID, at: int = 50) -> tuple[dict | None, list[str]]:
    rep = Report("cb.yaml")
    result = check_indicator(rep, load(text), cid, at)
    return result, rep.render_sorted()


def test_a_valid_block_is_normalised() -> None:
    result, problems = run_indicator(VALID)
    assert problems == []
    assert result == {
        "name": "Andel jobbmatch",
        "target_value": 60.0,
        "target_unit": "%",
        "target_direction": ">=",
        "target_text": "≥ 60 %",
        "perspective": "bruker",
        "perspective_note": "om brukerne",
        "line": "stat",
        "rogaland_followup": True,
        "in_vedlegg4": False,
        "source": "Vedlegg 4",
    }


def test_flags_default_to_false_and_optional_texts_to_empty() -> None:
    result, problems = run_indicator(
        'name: X\ntarget: {text: "under vurdering"}\nperspective: økonomi\nline: kommune\n'
    )
    assert problems == []
    assert (result["rogaland_followup"], result["in_vedlegg4"]) == (False, False)
    assert (result["perspective_note"], result["source"]) == ("", "")
    assert result["target_value"] is None and result["target_text"] == "under vurdering"


@pytest.mark.parametrize(
    ("replace", "by", "line", "what"),
    [
        ('name: "Andel jobbmatch"', 'name: "  "', 50, "indicator has no name"),
        ("perspective: bruker", "perspective: kunde", 3, "indicator perspective 'kunde'"),
        ("perspective: bruker\n", "", 1, "indicator perspective None"),  # the block's line
        ("line: stat", "line: fylke", 5, "indicator line 'fylke'"),
        (
            "rogaland_followup: true",
            "rogaland_followup: ja",
            6,
            "indicator rogaland_followup is not",
        ),
        ("in_vedlegg4: false", "in_vedlegg4: 1", 7, "indicator in_vedlegg4 is not true/false"),
        ("source:", "kilde: x\nsource:", 8, "unknown indicator key 'kilde'"),
    ],
)
def test_each_problem_names_its_line_and_drops_the_block(
    replace: str, by: str, line: int, what: str
) -> None:
    assert replace in VALID
    result, problems = run_indicator(VALID.replace(replace, by, 1))
    assert result is None
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"cb.yaml:{line}: code '{CID}': {what}")


def test_advice_lists_the_allowed_values() -> None:
    _, problems = run_indicator(VALID.replace("line: stat", "line: x").replace("bruker", "y"))
    assert f"use one of {', '.join(PERSPECTIVES)} (see thesis 1.2.2)" in problems[0]
    assert f"use one of {', '.join(LINES)}" in problems[1]
    _, problems = run_indicator(VALID + "extra: 1\n")
    assert f"use one of {', '.join(INDICATOR_KEYS)}" in problems[0]


def test_a_block_outside_indikator_is_reported() -> None:
    _, problems = run_indicator(VALID, cid="styring.indikator", at=12)
    assert problems == [
        "cb.yaml:12: code 'styring.indikator': indicator: block outside indikator.* — "
        "move the code under indikator or remove the block"
    ]


def test_a_block_outside_indikator_is_dropped() -> None:
    result, problems = run_indicator(VALID, cid="styring.indikator", at=12)
    assert problems and result is None


@pytest.mark.parametrize("block", [["a"], "Andel jobbmatch", 3])
def test_a_block_that_is_not_a_mapping(block) -> None:
    rep = Report("cb.yaml")
    assert check_indicator(rep, block, CID, 8) is None
    assert rep.render_sorted() == [
        f"cb.yaml:8: code '{CID}': indicator: is not a mapping — "
        "write indicator: {name: ..., ...}"
    ]


def test_several_problems_are_all_reported_in_line_order() -> None:
    result, problems = run_indicator("perspective: x\nline: y\ntarget: 5\n", at=20)
    assert result is None
    assert [p.split(": code")[0] for p in problems] == [
        "cb.yaml:1",
        "cb.yaml:2",
        "cb.yaml:3",
        "cb.yaml:20",
    ]
    assert "indicator has no target mapping" in problems[2]
    assert "indicator has no name" in problems[3]


# -- targets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "value", "unit", "direction", "text"),
    [
        ({"value": 60, "unit": "%", "direction": ">="}, 60.0, "%", ">=", "≥ 60 %"),
        ({"value": 6.8, "unit": "%", "direction": "<="}, 6.8, "%", "<=", "≤ 6,8 %"),
        ({"value": 48, "unit": "timer"}, 48.0, "timer", None, "48 timer"),
        ({"value": 0.5}, 0.5, None, None, "0,5"),
        ({"value": 3, "text": "minst tre"}, 3.0, None, None, "minst tre"),
        ({"text": "  kommer for hvert kontor "}, None, None, None, "kommer for hvert kontor"),
        ({"value": 70, "direction": ">=", "unit": ""}, 70.0, "", ">=", "≥ 70"),
    ],
)
def test_target_fields(target: dict, value, unit, direction, text: str) -> None:
    rep = Report("cb.yaml")
    assert check_target(rep, target, CID, 4) == {
        "target_value": value,
        "target_unit": unit,
        "target_direction": direction,
        "target_text": text,
    }
    assert rep.items == []


@pytest.mark.parametrize(
    ("target", "what"),
    [
        (None, "indicator has no target mapping"),
        ("60 %", "indicator has no target mapping"),
        ({}, "indicator target has neither value nor text"),
        ({"unit": "%"}, "indicator target has neither value nor text"),
        ({"value": "60"}, "indicator target value '60' is not a number"),
        ({"value": True}, "indicator target value True is not a number"),
        ({"value": 60, "direction": ">"}, "indicator target direction '>'"),
        ({"value": 60, "direction": "≥"}, "indicator target direction '≥'"),
        ({"value": 60, "unit": 5}, "indicator target unit 5 is not text"),
    ],
)
def test_bad_targets_are_reported_on_the_target_line(target, what: str) -> None:
    rep = Report("cb.yaml")
    assert check_target(rep, target, CID, 4) is None
    problems = rep.render_sorted()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"cb.yaml:4: code '{CID}': {what} — ")


def test_a_bad_target_inside_a_block_uses_the_target_key_line() -> None:
    result, problems = run_indicator(VALID.replace('direction: ">="', 'direction: "=="'))
    assert result is None
    assert problems == [
        f"cb.yaml:2: code '{CID}': indicator target direction '==' — "
        'use ">=" (at least) or "<=" (at most)'
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(60, "60"), (60.0, "60"), (6.8, "6,8"), (0.25, "0,25"), (100, "100"), (12.5, "12,5")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [1_000_000, 1_234_567])
def test_large_targets_are_not_shown_in_exponent_form(value: int) -> None:
    assert "e" not in format_number(value)
