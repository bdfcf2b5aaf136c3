"""One item of codes: checked and normalised (thesis_analysis.codebook.entry_checks)."""

from __future__ import annotations

import pytest

from thesis_analysis.codebook.entry_checks import CODE_KEYS, check_entry
from thesis_analysis.codebook.rule_checks import Report, make_empty_rules
from thesis_analysis.yaml_lines import LineLoader

FULL = """\
id: malforskyvning
label: " Målforskyvning "
short: Aktivitet blir målet.
definition: Det som telles blir viktigere enn resultatet.
when_to_use: Når telling styrer arbeidet.
when_not_to_use: Når noe bare måles.
example: {text: "«Vi teller aktiviteter»", source: 4.3}
theory: ["Jacobsen og Thorsvik (2013)", " Kerr (1975) "]
color: "#0072B2"
rules:
  terms: [målforskyvning]
  negation: block
"""
MINIMAL = "id: {id}\nlabel: L\nshort: S\ndefinition: D\nwhen_to_use: W\nwhen_not_to_use: N\n"


def load(text: str):
    loader = LineLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def run_entry(entry, at: int = 1, seen: dict | None = None) -> tuple[dict | None, list[str], dict]:
    rep = Report("cb.yaml")
    seen = {} if seen is None else seen
    result = check_entry(rep, entry, at, seen)
    return result, rep.render_sorted(), seen


def test_a_full_entry_is_normalised() -> None:
    result, problems, seen = run_entry(load(FULL), at=1)
    assert problems == []
    assert seen == {"malforskyvning": 1}
    assert result == {
        "id": "malforskyvning",
        "parent_given": False,
        "parent": None,
        "parent_line": 1,
        "label": "Målforskyvning",
        "short": "Aktivitet blir målet.",
        "definition": "Det som telles blir viktigere enn resultatet.",
        "when_to_use": "Når telling styrer arbeidet.",
        "when_not_to_use": "Når noe bare måles.",
        "example_text": "«Vi teller aktiviteter»",
        "example_source": "4.3",
        "theory": ("Jacobsen og Thorsvik (2013)", "Kerr (1975)"),
        "color": "#0072B2",
        "codable": True,
        "rules": {
            "terms": ["målforskyvning"],
            "phrases": [],
            "near": [],
            "exclude": [],
            "negation": "block",
            "negation_line": 12,
        },
        "indicator": None,
        "line": 1,
    }


def test_defaults_of_a_minimal_entry() -> None:
    result, problems, _ = run_entry(load(MINIMAL.format(id="a.b") + "parent: a\n"), at=3)
    assert problems == []
    assert result["rules"] == make_empty_rules()
    assert (result["parent_given"], result["parent"], result["parent_line"]) == (True, "a", 7)
    assert (result["example_text"], result["example_source"], result["theory"]) == ("", "", ())
    assert result["color"] is None and result["line"] == 3


def test_a_single_theory_text_becomes_a_tuple() -> None:
    result, problems, _ = run_entry(load(MINIMAL.format(id="a") + "theory: Weber (1922)\n"))
    assert problems == [] and result["theory"] == ("Weber (1922)",)


@pytest.mark.parametrize("code_id", ["Styring", "a..b", "a-b", ".a", "a.", "æøå", "a b", 3, None])
def test_invalid_ids_drop_the_entry(code_id) -> None:
    result, problems, seen = run_entry({"id": code_id, "label": "x"}, at=9)
    assert result is None and seen == {}
    assert problems == [
        f"cb.yaml:9: invalid code id {code_id!r} — "
        "use lowercase ascii letters, digits and _; dots make the tree (a.b)"
    ]


@pytest.mark.parametrize("entry", [["id", "a"], "a", 5, None])
def test_an_item_that_is_not_a_mapping(entry) -> None:
    result, problems, _ = run_entry(entry, at=4)
    assert result is None
    assert problems == [
        "cb.yaml:4: an item of codes: is not a mapping — start each code with - id: ..."
    ]


def test_a_duplicate_id_names_the_first_line_and_is_dropped() -> None:
    seen = {"a": 5}
    result, problems, seen = run_entry(load(MINIMAL.format(id="a")), at=20, seen=seen)
    assert result is None and seen == {"a": 5}
    assert problems == [
        "cb.yaml:20: code 'a': duplicate id (first defined on line 5) — "
        "rename one of them or merge the two entries"
    ]


def test_a_duplicate_is_still_checked() -> None:
    result, problems, _ = run_entry(
        load(MINIMAL.format(id="a") + "color: red\n"), at=20, seen={"a": 5}
    )
    assert result is None
    assert [p.split(": code")[0] for p in problems] == ["cb.yaml:7", "cb.yaml:20"]
    assert "color 'red' is not #RRGGBB" in problems[0] and "duplicate id" in problems[1]


@pytest.mark.parametrize(
    ("extra", "line", "what"),
    [
        ("farge: '#000000'\n", 7, "unknown key 'farge'"),
        ("color: '#12345'\n", 7, "color '#12345' is not #RRGGBB"),
        ("color: 0x123456\n", 7, "color 1193046 is not #RRGGBB"),
        ("codable: ja\n", 7, "codable is not true/false"),
        ("example: «sitat»\n", 7, "example is not a mapping"),
        ("theory: [1, 2]\n", 7, "theory is not a list of texts"),
        ("theory: {a: b}\n", 7, "theory is not a list of texts"),
        ("rules: [tavle]\n", 7, "rules: is not a mapping"),
    ],
)
def test_problems_name_the_key_line(extra: str, line: int, what: str) -> None:
    result, problems, _ = run_entry(load(MINIMAL.format(id="a") + extra), at=1)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"cb.yaml:{line}: code 'a': {what} — ")
    assert result is not None  # only a bad id or a duplicate drops the entry
    assert result["color"] is None and result["theory"] == ()


def test_the_unknown_key_advice_lists_the_keys() -> None:
    _, problems, _ = run_entry(load(MINIMAL.format(id="a") + "farge: x\n"))
    assert problems[0].endswith(f"use one of {', '.join(CODE_KEYS)}")


@pytest.mark.parametrize(
    ("codable", "required"),
    [
        ("true", ["label", "short", "definition", "when_to_use", "when_not_to_use"]),
        ("false", ["label", "short", "definition"]),
    ],
)
def test_required_texts_depend_on_codable(codable: str, required: list[str]) -> None:
    result, problems, _ = run_entry(load(f"id: a\ncodable: {codable}\nlabel: '  '\n"), at=2)
    whats = [p.split(" — ")[0].split(": ", 2)[2] for p in problems]
    assert whats == [f"missing {key}" for key in required]
    assert all(p.startswith("cb.yaml:2: code 'a': ") for p in problems)
    when = [p for p in problems if "when_" in p]
    assert all(p.endswith("(required for codable codes)") for p in when)
    assert result["codable"] is (codable == "true")


def test_a_non_boolean_codable_counts_as_codable() -> None:
    result, problems, _ = run_entry(load("id: a\nlabel: L\nshort: S\ndefinition: D\ncodable: 1\n"))
    assert result["codable"] is True
    assert [p.split(" — ")[0] for p in problems] == [
        "cb.yaml:1: code 'a': missing when_to_use",
        "cb.yaml:1: code 'a': missing when_not_to_use",
        "cb.yaml:5: code 'a': codable is not true/false",
    ]


def test_rules_on_a_grouping_node_never_fire() -> None:
    text = "id: g\nlabel: G\nshort: S\ndefinition: D\ncodable: false\nrules:\n  terms: [x]\n"
    result, problems, _ = run_entry(load(text))
    assert problems == [
        "cb.yaml:6: code 'g': rules on a code with codable: false never fire — "
        "move them to a child code or set codable: true"
    ]
    assert result["rules"]["terms"] == ["x"]


def test_an_indicator_block_is_checked_and_kept() -> None:
    text = MINIMAL.format(id="indikator.jobbmatch") + (
        "indicator:\n"
        "  name: Jobbmatch\n"
        "  target: {value: 60, unit: '%', direction: '>='}\n"
        "  perspective: bruker\n"
        "  line: stat\n"
    )
    result, problems, _ = run_entry(load(text))
    assert problems == []
    assert result["indicator"]["name"] == "Jobbmatch"
    assert result["indicator"]["target_text"] == "≥ 60 %"


def test_a_bad_indicator_block_is_reported_and_dropped() -> None:
    text = MINIMAL.format(id="indikator.x") + "indicator:\n  name: X\n  target: 60\n"
    result, problems, _ = run_entry(load(text))
    assert result["indicator"] is None
    lines = [p.split(": code")[0] for p in problems]
    # perspective and line are missing: named on the block's first line
    assert lines == ["cb.yaml:8", "cb.yaml:8", "cb.yaml:9"]
    assert "indicator perspective None" in problems[0]
    assert "indicator has no target mapping" in problems[2]


def test_the_example_source_is_text() -> None:
    text = MINIMAL.format(id="a") + "example: {text: ' sitat ', source: 5}\n"
    result, problems, _ = run_entry(load(text))
    assert problems == []
    assert (result["example_text"], result["example_source"]) == ("sitat", "5")
