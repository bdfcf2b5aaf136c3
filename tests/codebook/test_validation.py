"""Checking a codebook's YAML text as a whole (thesis_analysis.codebook.validation).

The broken fixture files are checked end to end in tests/codebook/test_model.py; here the
functions of the module are called on small texts and hand-made entries.
"""

from __future__ import annotations

import pytest

from thesis_analysis.codebook.rule_checks import Report, make_empty_rules
from thesis_analysis.codebook.validation import (
    TOP_KEYS,
    check_codebook_text,
    check_negations,
    check_tree,
    list_thesis_codes,
)
from thesis_analysis.project_file import load_default_project_file


def code(cid: str, extra: str = "", codable: bool = True) -> str:
    """One item of codes: (two-space list indent), with every required text."""
    lines = [f"  - id: {cid}", "    label: L", "    short: S", "    definition: D"]
    if codable:
        lines += ["    when_to_use: W", "    when_not_to_use: N"]
    else:
        lines += ["    codable: false"]
    return "\n".join(lines) + "\n" + extra


def book(
    *codes: str, head: str = "name: Testbok\nversion: 2\nlanguage: nb\n", tail: str = ""
) -> str:
    return head + "codes:\n" + "".join(codes) + tail


def make_entry(cid: str, line: int, parent=None, parent_given=False, codable=True, **rules) -> dict:
    return {
        "id": cid,
        "parent": parent,
        "parent_given": parent_given,
        "parent_line": line + 1,
        "codable": codable,
        "rules": {**make_empty_rules(), **rules},
        "line": line,
    }


# -- check_codebook_text ---------------------------------------------------------------------


def test_a_valid_codebook_gives_header_and_entries_in_file_order() -> None:
    text = book(
        code("styring", "    rules:\n      terms: [målekort]\n"),
        code("styring.laering"),
        code("holdning", codable=False),
        code("holdning.kritisk", "    rules:\n      negation: block\n"),
    )
    problems, header, entries = check_codebook_text(text, "cb.yaml")
    assert problems == []
    assert header == {"name": "Testbok", "version": 2, "language": "nb"}
    assert [e["id"] for e in entries] == [
        "styring",
        "styring.laering",
        "holdning",
        "holdning.kritisk",
    ]
    assert [e["parent"] for e in entries] == [None, "styring", None, "holdning"]
    assert [e["line"] for e in entries] == [5, 13, 19, 24]
    assert entries[0]["rules"]["terms"] == ["målekort"]
    assert entries[3]["rules"]["negation"] == "block"


def test_top_level_rules_are_merged_into_their_code() -> None:
    text = book(
        code("a", "    rules:\n      terms: [x]\n"),
        tail="rules:\n  - code: a\n    terms: [y]\n    negation: block\n",
    )
    problems, _, entries = check_codebook_text(text, "cb.yaml")
    assert problems == []
    assert entries[0]["rules"]["terms"] == ["x", "y"]
    assert entries[0]["rules"]["negation"] == "block"


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("name: x\ncodes:\n  - id: a\n   label: b\n", 4, "YAML syntax error"),
        ("name: x\ncodes: [\n", 3, "YAML syntax error"),
        ("name: 'x\n", 2, "YAML syntax error"),
        ("", 1, "no codes: list at the top level"),
        ("- a\n- b\n", 1, "no codes: list at the top level"),
        ("name: x\ncodes:\n  a: b\n", 1, "no codes: list at the top level"),
        ("name: x\ncodes: null\n", 1, "no codes: list at the top level"),
    ],
)
def test_unusable_files_give_one_problem_and_no_entries(text: str, line: int, what: str) -> None:
    problems, header, entries = check_codebook_text(text, "cb.yaml")
    assert (header, entries) == ({}, [])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"cb.yaml:{line}: {what}")
    assert " — " in problems[0]


def test_an_unhashable_key_is_a_syntax_problem_with_its_line() -> None:
    problems, _, entries = check_codebook_text("name: x\n? [a]\n: 1\ncodes: []\n", "cb.yaml")
    assert entries == []
    assert problems == [
        "cb.yaml:2: YAML syntax error: found an unhashable key — "
        "fix the YAML at this line (indentation, quotes, colons, brackets)"
    ]


def test_duplicate_unknown_and_missing_top_level_keys() -> None:
    text = "version: 1\nversion: 2\nfarge: blå\ncodes:\n" + code("a")
    problems, header, entries = check_codebook_text(text, "cb.yaml")
    assert [p.split(" — ")[0] for p in problems] == [
        "cb.yaml:1: missing name",
        "cb.yaml:2: duplicate key 'version' in one mapping",
        "cb.yaml:3: unknown top-level key 'farge'",
    ]
    assert problems[2].endswith(f"use one of {', '.join(TOP_KEYS)}")
    assert header["version"] == 2 and [e["id"] for e in entries] == ["a"]


def test_problems_are_sorted_by_line_across_checks() -> None:
    text = book(
        code("b.c"),  # unknown parent b, line 5
        code("a", "    color: rot\n"),  # bad colour, line 16
        code("a"),  # duplicate, line 17
        tail="rules:\n  - code: zz\n",  # no such code, line 25
    )
    problems, _, entries = check_codebook_text(text, "cb.yaml")
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == sorted(lines) and len(problems) == 4, problems
    assert "unknown parent 'b'" in problems[0]
    assert "duplicate id (first defined on line 11)" in problems[2]
    assert [e["id"] for e in entries] == ["b.c", "a"]


def test_required_codes_are_each_reported_on_the_codes_line() -> None:
    text = book(code("npm"))
    problems, _, _ = check_codebook_text(text, "cb.yaml", required_codes=("npm", "styring", "x"))
    assert problems == [
        f"cb.yaml:4: code '{cid}': required code is missing (required_codes of project.yaml) — "
        "add an entry with this exact id, or remove it from required_codes"
        for cid in ("styring", "x")
    ]


def test_the_file_name_starts_every_problem() -> None:
    problems, _, _ = check_codebook_text("codes: []\n", "min/kodebok.yaml")
    assert problems == ["min/kodebok.yaml:1: missing name — add name: (the codebook's title)"]


# -- check_tree --------------------------------------------------------------------------------


def test_parents_come_from_the_dotted_ids() -> None:
    entries = [make_entry("a", 1), make_entry("a.b", 5), make_entry("a.b.c", 9)]
    rep = Report("cb.yaml")
    check_tree(rep, entries)
    assert rep.items == []
    assert [e["parent"] for e in entries] == [None, "a", "a.b"]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            [make_entry("a", 1), make_entry("a.b", 5, parent="a", parent_given=True)],
            [],
        ),
        (
            [make_entry("a", 1), make_entry("a.b", 5, parent=None, parent_given=True)],
            [],  # parent: null on a child keeps the dotted parent
        ),
        (
            [make_entry("x.y", 5)],
            ["cb.yaml:5: code 'x.y': unknown parent 'x'"],
        ),
        (
            [make_entry("x.y", 5, parent="x", parent_given=True)],
            ["cb.yaml:6: code 'x.y': unknown parent 'x'"],  # on the parent: line
        ),
        (
            [make_entry("a", 1), make_entry("c", 3), make_entry("a.b", 5, "c", True)],
            ["cb.yaml:6: code 'a.b': parent 'c' does not match the dotted id — use parent: a"],
        ),
        (
            [make_entry("a", 1), make_entry("b", 5, "a", True)],
            [
                "cb.yaml:6: code 'b': parent 'a' does not match the dotted id — "
                "a top-level id has no parent: rename it to 'a.b'"
            ],
        ),
        (
            [make_entry("a", 1), make_entry("a.b", 5, ["a"], True)],
            ["cb.yaml:6: code 'a.b': parent ['a'] is not a code id"],
        ),
    ],
)
def test_check_tree(entries: list[dict], expected: list[str]) -> None:
    rep = Report("cb.yaml")
    check_tree(rep, entries)
    problems = rep.render_sorted()
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problem


def test_a_parent_cycle_is_reported_once_on_its_first_code() -> None:
    entries = [
        make_entry("beta", 10, "alfa", True),
        make_entry("alfa", 3, "gamma", True),
        make_entry("gamma", 20, "beta", True),
    ]
    rep = Report("cb.yaml")
    check_tree(rep, entries)
    cycles = [p for p in rep.render_sorted() if "cycle" in p]
    assert len(cycles) == 1
    assert cycles[0].startswith("cb.yaml:3: code 'alfa': parent cycle ")
    path = cycles[0].split("parent cycle ")[1].split(" — ")[0].split(" -> ")
    assert path[0] == path[-1] and sorted(path[:-1]) == ["alfa", "beta", "gamma"]
    for child, parent in zip(path[:-1], path[1:], strict=True):  # each step: a parent: link
        assert {e["id"]: e["parent"] for e in entries}[child] == parent


def test_a_code_that_is_its_own_parent_is_a_cycle() -> None:
    entries = [make_entry("a", 4, "a", True)]
    rep = Report("cb.yaml")
    check_tree(rep, entries)
    assert any("parent cycle a -> a" in p for p in rep.render_sorted())


# -- check_negations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("negation", "expected"),
    [
        (None, None),
        ("block", None),
        ("b", None),
        ("g", "negation 'g' names no codable code"),
        ("ukjent", "negation 'ukjent' names no codable code"),
        (["b"], "negation ['b'] is not text"),
        (True, "negation True is not text"),
    ],
)
def test_check_negations(negation, expected: str | None) -> None:
    a = make_entry("a", 1, negation=negation, negation_line=7)
    entries = [a, make_entry("b", 10), make_entry("g", 20, codable=False)]
    rep = Report("cb.yaml")
    check_negations(rep, entries, {e["id"]: e for e in entries})
    problems = rep.render_sorted()
    if expected is None:
        assert problems == []
    else:
        assert problems == [p for p in problems if p.startswith(f"cb.yaml:7: code 'a': {expected}")]
        assert len(problems) == 1


def test_a_negation_without_its_own_line_uses_the_code_line() -> None:
    entries = [make_entry("a", 12, negation="nope")]
    rep = Report("cb.yaml")
    check_negations(rep, entries, {"a": entries[0]})
    assert rep.render_sorted()[0].startswith("cb.yaml:12: code 'a': negation 'nope'")


def test_negation_on_a_code_in_the_file_names_the_negation_line() -> None:
    text = book(code("a", "    rules:\n      terms: [x]\n      negation: holdning\n"))
    problems, _, _ = check_codebook_text(text, "cb.yaml")
    assert len(problems) == 1
    assert problems[0].startswith("cb.yaml:13: code 'a': negation 'holdning' names no codable code")


# -- the thesis's required codes -----------------------------------------------------------


def test_list_thesis_codes_are_the_required_codes_of_the_thesis_project() -> None:
    codes = list_thesis_codes()
    assert codes == load_default_project_file().required_codes
    assert {"npm", "holdning.kritisk", "holdning.positiv", "indikator.jobbmatch"} <= set(codes)
    assert len(codes) == len(set(codes))


def test_the_shipped_codebook_passes_with_the_thesis_codes(project_root) -> None:
    text = (project_root / "codebook.yaml").read_text(encoding="utf-8")
    problems, header, entries = check_codebook_text(
        text, "codebook.yaml", required_codes=list_thesis_codes()
    )
    assert problems == []
    assert header["name"] and len(entries) >= len(list_thesis_codes())


def test_a_list_as_code_of_a_top_level_rule_is_reported() -> None:
    text = book(code("a"), tail="rules:\n  - code: [a, b]\n    terms: [x]\n")
    problems, _, _ = check_codebook_text(text, "cb.yaml")
    assert problems and problems[0].startswith("cb.yaml:12: top-level rules entry for no code")
