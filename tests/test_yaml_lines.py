"""The line-recording YAML loader (thesis_analysis.yaml_lines)."""

from __future__ import annotations

import pytest
import yaml

from thesis_analysis.yaml_lines import (
    LineDict,
    LineList,
    LineLoader,
    locate_item_line,
    locate_line,
)

DOCUMENT = """\
# a comment on line 1
name: Kodebok
codes:
  - id: a
    label: A
  - id: b
    rules:
      terms: [x, y]
flow: {k: 1, l: [2, 3]}
"""


def load(text: str) -> tuple[object, LineLoader]:
    loader = LineLoader(text)
    try:
        return loader.get_single_data(), loader
    finally:
        loader.dispose()


@pytest.fixture(scope="module")
def document() -> LineDict:
    data, loader = load(DOCUMENT)
    assert loader.duplicate_keys == []
    return data


def test_values_load_as_plain_yaml(document: LineDict) -> None:
    assert document == yaml.safe_load(DOCUMENT)
    assert isinstance(document, dict) and isinstance(document["codes"], list)


def test_mappings_and_sequences_carry_their_lines(document: LineDict) -> None:
    assert isinstance(document, LineDict) and document.line == 2
    assert document.key_lines == {"name": 2, "codes": 3, "flow": 9}
    codes = document["codes"]
    assert isinstance(codes, LineList)
    assert codes.line == 4 and codes.item_lines == [4, 6]
    assert codes[1].line == 6 and codes[1].key_lines == {"id": 6, "rules": 7}
    terms = codes[1]["rules"]["terms"]
    assert terms.line == 8 and terms.item_lines == [8, 8]


def test_flow_collections_record_lines_too(document: LineDict) -> None:
    flow = document["flow"]
    assert isinstance(flow, LineDict) and flow.line == 9
    assert flow.key_lines == {"k": 9, "l": 9}
    assert isinstance(flow["l"], LineList) and flow["l"].item_lines == [9, 9]


@pytest.mark.parametrize(
    ("key", "default", "expected"),
    [
        (None, 1, 2),  # the mapping itself
        ("codes", 1, 3),
        ("flow", 1, 9),
        ("missing", 1, 2),  # an unknown key falls back to the mapping's line
    ],
)
def test_locate_line_in_a_mapping(document: LineDict, key, default: int, expected: int) -> None:
    assert locate_line(document, key, default) == expected


@pytest.mark.parametrize("value", ["text", 3, None, 2.5, True, [1, 2], {"a": 1}])
def test_locate_line_of_values_without_lines_is_the_default(value) -> None:
    assert locate_line(value) == 1
    assert locate_line(value, "a", default=17) == 17


def test_locate_line_of_a_sequence_ignores_the_key(document: LineDict) -> None:
    assert locate_line(document["codes"]) == 4
    assert locate_line(document["codes"], key=0) == 4


def test_locate_item_line(document: LineDict) -> None:
    codes = document["codes"]
    assert [locate_item_line(codes, i, 99) for i in range(2)] == [4, 6]
    assert locate_item_line(["a", "b"], 1, 42) == 42  # a plain list has no item lines
    assert locate_item_line(None, 0, 7) == 7


def test_duplicate_keys_are_recorded_and_the_later_value_wins() -> None:
    data, loader = load("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n")
    assert data == {"a": 4, "b": {"c": 3}}
    assert sorted(loader.duplicate_keys) == [("a", 5), ("c", 4)]
    assert data.key_lines["a"] == 5 and data["b"].key_lines["c"] == 4


def test_merge_keys_are_flattened() -> None:
    data, loader = load("base: &b\n  x: 1\n  y: 2\nchild:\n  <<: *b\n  y: 3\n")
    assert data["child"] == {"x": 1, "y": 3}
    assert "<<" not in data["child"]
    assert data["child"].key_lines["y"] == 6


def test_anchored_sequences_keep_their_first_lines() -> None:
    data, _ = load("a: &s\n  - 1\n  - 2\nb: *s\n")
    assert data["a"] == data["b"] == [1, 2]
    assert data["b"].item_lines == [2, 3]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("? [a, b]\n: 1\n", 1),  # a sequence as a key
        ("ok: 1\n? {k: v}\n: 2\n", 2),  # a mapping as a key
    ],
)
def test_unhashable_keys_are_refused_with_their_line(text: str, line: int) -> None:
    with pytest.raises(yaml.constructor.ConstructorError) as caught:
        load(text)
    assert "unhashable key" in str(caught.value)
    assert caught.value.problem_mark.line + 1 == line


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hei']\n",
        "a: !!python/name:os.system\n",
    ],
)
def test_the_loader_is_safe(text: str) -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        load(text)


def test_scalar_keys_of_every_kind_are_accepted() -> None:
    data, loader = load("7: a\n2.5: b\nfalse: c\nnull: d\n")
    assert data == {7: "a", 2.5: "b", False: "c", None: "d"}
    assert data.key_lines == {7: 1, 2.5: 2, False: 3, None: 4}
    assert loader.duplicate_keys == []


def test_syntax_errors_keep_their_mark() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.context_mark.line + 1 == 2  # the flow sequence opened here
    assert caught.value.problem_mark.line + 1 == 3  # and was found unclosed here


def test_the_loader_starts_with_no_duplicates() -> None:
    loader = LineLoader("a: 1\n")
    try:
        assert loader.duplicate_keys == []
        assert issubclass(LineLoader, yaml.SafeLoader) or "CSafeLoader" in {
            base.__name__ for base in LineLoader.__mro__
        }
    finally:
        loader.dispose()
