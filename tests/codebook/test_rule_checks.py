"""The problem report and the checks of match rules (thesis_analysis.codebook.rule_checks)."""

from __future__ import annotations

import pytest

from thesis_analysis.codebook.rule_checks import (
    RULE_KEYS,
    Report,
    check_near,
    check_rules,
    check_word,
    make_empty_rules,
    merge_extra_rules,
    strip_text,
)
from thesis_analysis.yaml_lines import LineLoader


def load(text: str):
    loader = LineLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def make_entry(codable: bool = True, **rules) -> dict:
    return {"codable": codable, "rules": {**make_empty_rules(), **rules}}


# -- Report and small helpers ----------------------------------------------------------------


def test_report_formats_file_line_code_and_advice() -> None:
    rep = Report("cb.yaml")
    rep.add(7, "npm", "missing label", "add label:")
    rep.add(3, None, "unknown top-level key 'x'", "use one of name")
    assert rep.items == [
        (7, "cb.yaml:7: code 'npm': missing label — add label:"),
        (3, "cb.yaml:3: unknown top-level key 'x' — use one of name"),
    ]


def test_report_sorts_by_line_and_keeps_order_within_a_line() -> None:
    rep = Report("f")
    for line, what in [(5, "e"), (2, "b1"), (9, "z"), (2, "b2"), (1, "a")]:
        rep.add(line, None, what, "-")
    assert rep.render_sorted() == [
        "f:1: a — -",
        "f:2: b1 — -",
        "f:2: b2 — -",
        "f:5: e — -",
        "f:9: z — -",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("  tekst \n", "tekst"), ("", ""), (None, ""), (3, ""), (["a"], ""), ("\t", "")],
)
def test_strip_text(value, expected: str) -> None:
    assert strip_text(value) == expected


def test_empty_rules_are_fresh_each_time() -> None:
    first = make_empty_rules()
    assert first == {"terms": [], "phrases": [], "near": [], "exclude": [], "negation": None}
    first["terms"].append("x")
    assert make_empty_rules()["terms"] == []


# -- check_word ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "single", "result", "problem"),
    [
        ("tavle", True, "tavle", None),
        ("=tavle", True, "=tavle", None),
        ("  tavle ", True, "tavle", None),
        ("Tavle", True, "tavle", "term 'Tavle' has uppercase letters"),
        ("to ord", True, None, "term 'to ord' contains spaces"),
        ("", True, None, "empty or whitespace-only term ''"),
        ("=", True, None, "empty or whitespace-only term '='"),
        ("   ", False, None, "empty or whitespace-only phrase '   '"),
        (5, True, None, "term 5 is not text"),
        (None, False, None, "phrase None is not text"),
        ("telle aktivitet", False, "telle aktivitet", None),
        ("telle * aktivitet", False, "telle * aktivitet", None),
        ("* aktivitet", False, "* aktivitet", "phrase '* aktivitet' starts or ends with *"),
        ("telle *", False, "telle *", "phrase 'telle *' starts or ends with *"),
        ("Ser Ikke", False, "ser ikke", "phrase 'Ser Ikke' has uppercase letters"),
    ],
)
def test_check_word(value, single: bool, result, problem) -> None:
    rep = Report("cb.yaml")
    assert check_word(rep, 4, "npm", "terms", value, single) == result
    messages = rep.render_sorted()
    if problem is None:
        assert messages == []
    else:
        assert len(messages) == 1
        assert messages[0].startswith(f"cb.yaml:4: code 'npm': terms: {problem} — ")


def test_uppercase_advice_names_the_lowercase_word() -> None:
    rep = Report("cb.yaml")
    check_word(rep, 1, None, "exclude", "NAV-kontor", False)
    assert "write it in lowercase ('nav-kontor')" in rep.render_sorted()[0]


# -- check_rules -----------------------------------------------------------------------------


def test_check_rules_normalises_and_reports_each_item_on_its_line() -> None:
    rules = load(
        "terms: [tavle, Møte]\n"  # 1
        "phrases:\n"  # 2
        "  - telle aktivitet\n"  # 3
        "  - ''\n"  # 4
        "exclude: [ikke tavle]\n"  # 5
        "negation: block\n"  # 6
        "colour: red\n"  # 7
    )
    rep = Report("cb.yaml")
    out = check_rules(rep, rules, "tavlemote", 20)
    assert out == {
        "terms": ["tavle", "møte"],
        "phrases": ["telle aktivitet"],
        "near": [],
        "exclude": ["ikke tavle"],
        "negation": "block",
        "negation_line": 6,
    }
    problems = rep.render_sorted()
    assert [p.split(": code")[0] for p in problems] == ["cb.yaml:1", "cb.yaml:4", "cb.yaml:7"]
    assert "terms: term 'Møte' has uppercase letters" in problems[0]
    assert "phrases: empty or whitespace-only phrase ''" in problems[1]
    assert "unknown rules key 'colour'" in problems[2] and ", ".join(RULE_KEYS) in problems[2]


@pytest.mark.parametrize("rules", [["tavle"], "tavle", 3])
def test_rules_that_are_not_a_mapping(rules) -> None:
    rep = Report("cb.yaml")
    assert check_rules(rep, rules, "npm", 12) is None
    assert rep.render_sorted() == [
        "cb.yaml:12: code 'npm': rules: is not a mapping — write rules: with terms:, phrases:, ..."
    ]


@pytest.mark.parametrize("key", ["terms", "phrases", "exclude"])
def test_a_word_list_that_is_not_a_list(key: str) -> None:
    rep = Report("cb.yaml")
    out = check_rules(rep, load(f"negation: null\n{key}: tavle\n"), "npm", 1)
    assert out[key] == []
    assert rep.render_sorted() == [
        f"cb.yaml:2: code 'npm': {key}: is not a list — write {key}: [a, b]"
    ]


def test_code_key_is_allowed_and_missing_negation_has_the_rules_line() -> None:
    rep = Report("cb.yaml")
    out = check_rules(rep, load("code: npm\nterms: [npm]\n"), "npm", 1)
    assert rep.render_sorted() == []
    assert out["negation"] is None and out["negation_line"] == 1


def test_near_that_is_not_a_list() -> None:
    rep = Report("cb.yaml")
    out = check_rules(rep, load("terms: [a]\nnear: {groups: [[a], [b]], window: 3}\n"), "x", 1)
    assert out["near"] == [] and out["terms"] == ["a"]
    assert rep.render_sorted()[0].startswith("cb.yaml:2: code 'x': near: is not a list — ")


def test_valid_and_invalid_near_patterns_are_kept_and_dropped() -> None:
    rules = load(
        "near:\n"  # 1
        "  - groups: [[telle, telling], [aktivitet]]\n"  # 2
        "    window: 6\n"  # 3
        "  - groups: [[a]]\n"  # 4
        "    window: 2\n"  # 5
    )
    rep = Report("cb.yaml")
    out = check_rules(rep, rules, "x", 1)
    assert out["near"] == [{"groups": [["telle", "telling"], ["aktivitet"]], "window": 6}]
    assert rep.render_sorted() == [
        "cb.yaml:4: code 'x': near[1] needs at least two groups — "
        "give groups: [[a, b], [c]] (use terms: for one group)"
    ]


# -- check_near ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("groups: [[a], [b]]\nwindow: 1\n", []),
        ("groups: [[a], [b], [c, d]]\nwindow: 10\n", []),
        ("groups: [[a], [b]]\nwindow: 0\n", ["2: near[0] window 0 is not a whole number ≥ 1"]),
        ("groups: [[a], [b]]\nwindow: 2.5\n", ["2: near[0] window 2.5 is not"]),
        ("groups: [[a], [b]]\nwindow: true\n", ["2: near[0] window True is not"]),
        ("groups: [[a], [b]]\n", ["1: near[0] window None is not"]),
        ("groups: [a, [b]]\nwindow: 3\n", ["1: near[0] group 'a' is not a non-empty list"]),
        ("groups: [[], [b]]\nwindow: 3\n", ["1: near[0] group [] is not a non-empty list"]),
        ("groups: [[a], [to ord]]\nwindow: 3\n", ["1: near[0]: term 'to ord' contains spaces"]),
        ("groups: [[a], [B]]\nwindow: 3\n", ["1: near[0]: term 'B' has uppercase letters"]),
        ("groups: a\nwindow: 3\n", ["1: near[0] needs at least two groups"]),
        ("window: 3\n", ["1: near[0] needs at least two groups"]),
    ],
)
def test_check_near(text: str, problems: list[str]) -> None:
    rep = Report("cb.yaml")
    result = check_near(rep, load(text), "x", 1, 0)
    found = rep.render_sorted()
    assert len(found) == len(problems), found
    for message, expected in zip(found, problems, strict=True):
        line, what = expected.split(": ", 1)
        assert message.startswith(f"cb.yaml:{line}: code 'x': {what}"), message
    blocking = [p for p in problems if "uppercase" not in p]
    assert (result is None) == bool(blocking)


def test_check_near_lowercases_and_returns_groups_and_window() -> None:
    rep = Report("cb.yaml")
    result = check_near(rep, load("groups: [[Tavle], [møte]]\nwindow: 4\n"), "x", 1, 2)
    assert result == {"groups": [["tavle"], ["møte"]], "window": 4}


@pytest.mark.parametrize("pattern", [["a", "b"], "a b", 3])
def test_a_near_item_that_is_not_a_mapping(pattern) -> None:
    rep = Report("cb.yaml")
    assert check_near(rep, pattern, "x", 9, 3) is None
    assert rep.render_sorted()[0].startswith("cb.yaml:9: code 'x': near[3] is not a mapping — ")


# -- merge_extra_rules -----------------------------------------------------------------------


def test_top_level_rules_extend_the_codes_rules() -> None:
    by_id = {"a": make_entry(terms=["x"]), "b": make_entry()}
    extra = load("- code: a\n  terms: [y]\n  phrases: [to ord]\n- code: b\n  negation: block\n")
    rep = Report("cb.yaml")
    merge_extra_rules(rep, extra, by_id, 30)
    assert rep.render_sorted() == []
    assert by_id["a"]["rules"]["terms"] == ["x", "y"]
    assert by_id["a"]["rules"]["phrases"] == ["to ord"]
    assert by_id["b"]["rules"]["negation"] == "block"
    assert by_id["b"]["rules"]["negation_line"] == 5


def test_merging_builds_new_lists_and_leaves_the_originals_alone() -> None:
    own_terms = ["x"]
    by_id = {"a": make_entry(terms=own_terms)}
    merge_extra_rules(Report("f"), load("- code: a\n  terms: [y]\n"), by_id, 1)
    assert by_id["a"]["rules"]["terms"] == ["x", "y"]
    assert own_terms == ["x"]


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("- code: nope\n  terms: [x]\n", 1, "top-level rules entry for no code ('nope')"),
        ("- terms: [x]\n", 1, "top-level rules entry for no code (None)"),
        ("- ok\n", 1, "top-level rules entry for no code (None)"),
        ("- code: a\n  terms: [x]\n- code: zz\n", 3, "top-level rules entry for no code ('zz')"),
        (
            "- code: g\n  terms: [x]\n",
            1,
            "code 'g': rules on a code with codable: false never fire",
        ),
        ("- code: a\n  negation: b\n", 1, "code 'a': two different negation: settings"),
    ],
)
def test_merge_problems_name_the_entry_line(text: str, line: int, what: str) -> None:
    by_id = {"a": make_entry(negation="block"), "g": make_entry(codable=False)}
    rep = Report("cb.yaml")
    merge_extra_rules(rep, load(text), by_id, 40)
    problems = rep.render_sorted()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"cb.yaml:{line}: {what} — ")


def test_the_same_negation_twice_is_no_conflict() -> None:
    by_id = {"a": make_entry(negation="block")}
    rep = Report("cb.yaml")
    merge_extra_rules(rep, load("- code: a\n  negation: block\n"), by_id, 1)
    assert rep.render_sorted() == []


def test_top_level_rules_that_are_not_a_list() -> None:
    rep = Report("cb.yaml")
    merge_extra_rules(rep, {"code": "a"}, {"a": make_entry()}, 12)
    assert rep.render_sorted()[0].startswith("cb.yaml:12: top-level rules: is not a list — ")


@pytest.mark.parametrize("code", ["[a, b]", "{x: 1}"])
def test_a_code_that_is_not_text_is_reported_not_raised(code: str) -> None:
    rep = Report("cb.yaml")
    merge_extra_rules(rep, load(f"- code: {code}\n  terms: [x]\n"), {"a": make_entry()}, 1)
    assert rep.render_sorted()[0].startswith("cb.yaml:1: top-level rules entry for no code")
