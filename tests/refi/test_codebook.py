"""The codebook in REFI-QDA: the description block (written and read back), the ``<Code>``
tree, colours, imported codes as codebook entries, and the YAML written for them."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
import yaml

from thesis_analysis.codebook.model import Code, Rules, load_codebook
from thesis_analysis.refi.codebook import (
    build_codes_element,
    convert_codes,
    describe_code,
    make_entry,
    normalise_color,
    parse_description,
    render_codebook_yaml,
)
from thesis_analysis.refi.ids import make_guid
from thesis_analysis.refi.read import RefiCode

PROJECT = Path(__file__).parents[1] / "data" / "refi" / "project"


def code(**fields) -> Code:
    base = dict(
        id="styring.maling",
        parent="styring",
        label="Måling",
        short="Measuring.",
        definition="Talk about measuring.",
        when_to_use="When results are measured.",
        when_not_to_use="Not for learning.",
        example_text="",
        example_source="",
        theory=(),
        color=None,
        codable=True,
        rules=Rules(),
        indicator=None,
        line=1,
    )
    return Code(**{**base, **fields})


def test_describe_code_writes_definition_then_the_field_block() -> None:
    text = describe_code(
        code(
            example_text="«Vi teller»",
            example_source="4.3",
            theory=("Hood (1991)", "Jacobsen og Thorsvik (2013)"),
            when_not_to_use="First line.\nSecond line.",
        )
    )
    assert text == (
        "Talk about measuring.\n"
        "\n"
        "Short: Measuring.\n"
        "When to use: When results are measured.\n"
        "When not to use: First line.\n"
        "  Second line.\n"
        "Example: «Vi teller»\n"
        "Example source: 4.3\n"
        "Theory: Hood (1991)\n"
        "Theory: Jacobsen og Thorsvik (2013)\n"
        "Code id: styring.maling"
    )


def test_empty_fields_are_left_out_and_control_characters_dropped() -> None:
    text = describe_code(code(short="", when_to_use="", definition="Bell\x07 here."))
    assert text == ("Bell here.\n\nWhen not to use: Not for learning.\nCode id: styring.maling")


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"definition": "Line one.\n\nA second paragraph.\n  Indented."},
        {"when_to_use": "a\n\nb"},  # a blank line inside a field
        {"theory": ("Hood (1991)\nsecond line", "Other (2000)")},
        {"example_text": "x\nCode id: not.this", "example_source": "4.3"},
        {"definition": "Short: looks like a field\nbut is the definition."},
        {"short": "", "when_to_use": "", "when_not_to_use": ""},
    ],
)
def test_parse_description_reads_back_what_describe_code_wrote(fields: dict) -> None:
    original = code(**fields)
    parsed = parse_description(describe_code(original))
    assert parsed["code_id"] == original.id
    assert parsed["definition"] == original.definition
    for key in ("short", "when_to_use", "when_not_to_use", "example_text", "example_source"):
        assert parsed.get(key, "") == getattr(original, key), key
    assert tuple(parsed.get("theory", ())) == original.theory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Only a definition.", {"definition": "Only a definition."}),
        ("  Padded.  ", {"definition": "Padded."}),
        # a block without «Code id:» is part of the definition
        ("Def.\n\nShort: s\nWhen to use: u", {"definition": "Def.\n\nShort: s\nWhen to use: u"}),
        # the block must follow a blank line
        ("Def.\nShort: s\nCode id: a.b", {"definition": "Def.\nShort: s\nCode id: a.b"}),
        (
            "Def.\r\n\r\nShort: s\r\nCode id: a.b",
            {"definition": "Def.", "short": "s", "code_id": "a.b"},
        ),
        ("Code id: x", {"definition": "", "code_id": "x"}),
        ("", {"definition": ""}),
    ],
)
def test_parse_description(text: str, expected: dict) -> None:
    assert parse_description(text) == expected


def test_build_codes_element_nests_children_in_file_order() -> None:
    codebook = load_codebook(PROJECT / "codebook.yaml")
    root = Element("CodeBook")
    build_codes_element(root, codebook)
    (codes,) = list(root)
    assert codes.tag == "Codes"
    tops = [c.get("name") for c in codes.findall("Code")]
    assert tops == [c.label for c in codebook.codes if c.parent is None]
    styring = codes.findall("Code")[0]
    assert styring.get("isCodable") == "false" and styring.get("color") is None
    assert styring.get("guid") == make_guid("code", "styring")
    assert [c.get("name") for c in styring.findall("Code")] == [
        "Resultatmåling",
        "Læring og forbedring",
    ]
    measuring = styring.findall("Code")[0]
    assert measuring.get("color") == "#0072B2" and measuring.get("isCodable") == "true"
    description = measuring.find("Description").text
    assert parse_description(description)["code_id"] == "styring.resultatmaling"
    assert sum(1 for _ in root.iter("Code")) == len(codebook.codes)


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("#0072B2", "#0072B2"),
        ("#abc", "#aabbcc"),
        ("#ABC", "#AABBCC"),
        ("0072B2", None),
        ("#0072B", None),
        ("red", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_color(color: str | None, expected: str | None) -> None:
    assert normalise_color(color) == expected


def refi(name: str, guid: str, description: str = "", children=(), **kw) -> RefiCode:
    return RefiCode(
        guid=guid,
        name=name,
        codable=kw.get("codable", True),
        color=kw.get("color"),
        description=description,
        children=tuple(children),
    )


def test_convert_codes_makes_unique_slugified_ids_under_the_parent() -> None:
    tree = (
        refi(
            "Målekort",
            "g1",
            children=[refi("Tavle møte", "g2"), refi("Tavle-møte", "g3"), refi("", "g4")],
        ),
        refi("Målekort", "g5"),
        refi("日本", "g6"),
    )
    entries, ids = convert_codes(tree, "x.qdpx")
    assert ids == {
        "g1": "malekort",
        "g2": "malekort.tavle_mote",
        "g3": "malekort.tavle_mote_2",  # unique among its siblings
        "g4": "malekort.code",  # no usable name
        "g5": "malekort_2",
        "g6": "code",
    }
    assert [e["id"] for e in entries] == list(ids.values())  # depth first, file order


@pytest.mark.parametrize(
    ("parent_guid_name", "given", "expected"),
    [
        (None, "malforskyvning", "malforskyvning"),  # a top-level id given back
        ("Styring", "styring.laering", "styring.laering"),
        # another parent: the slug of the name
        ("Styring", "annet.laering", "styring.laering_og_forbedring"),
        (None, "Not An Id", "laering_og_forbedring"),
    ],
)
def test_convert_codes_keeps_a_given_code_id(parent_guid_name, given, expected) -> None:
    child = refi("Læring og forbedring", "c", description=f"Def.\n\nCode id: {given}")
    tree = (refi(parent_guid_name, "p", children=[child]),) if parent_guid_name else (child,)
    _, ids = convert_codes(tree, "x.qdc")
    assert ids["c"] == expected


def test_make_entry_notes_what_refi_qda_lacks() -> None:
    entry = make_entry(
        refi("Målekort", "g", color="#abc"), "malekort", {"definition": ""}, "x.qdpx"
    )
    missing = "Not given in x.qdpx (REFI-QDA import); write it before coding."
    assert entry == {
        "id": "malekort",
        "label": "Målekort",
        "short": "Imported from x.qdpx: Målekort.",
        "definition": "Imported from x.qdpx: Målekort.",
        "when_to_use": missing,
        "when_not_to_use": missing,
        "color": "#aabbcc",
        "codable": True,
    }


def test_make_entry_of_a_full_description() -> None:
    fields = parse_description(
        describe_code(
            code(example_text="«Vi teller»", example_source="4.3", theory=("Hood (1991)",))
        )
    )
    entry = make_entry(refi("Måling", "g", codable=False, color="blue"), "maling", fields, "x")
    assert entry == {
        "id": "maling",
        "label": "Måling",
        "short": "Measuring.",
        "definition": "Talk about measuring.",
        "example": {"text": "«Vi teller»", "source": "4.3"},
        "theory": ["Hood (1991)"],
        "codable": False,  # not codable: no when_to_use / when_not_to_use
    }


def test_the_short_text_is_the_first_line_of_the_definition_cut_at_120() -> None:
    fields = {"definition": "x" * 130 + "\nsecond line"}
    assert make_entry(refi("K", "g"), "k", fields, "o")["short"] == "x" * 120


def test_render_codebook_yaml_loads_back_with_block_strings(tmp_path: Path) -> None:
    entries, _ = convert_codes(
        (refi("Målekort", "g1", description="Line one.\nLine two."),), "bok.qdc"
    )
    text = render_codebook_yaml("", entries, "bok.qdc")
    assert text.startswith("# Imported from bok.qdc (REFI-QDA).")
    assert "definition: |-\n    Line one.\n    Line two.\n" in text
    data = yaml.safe_load(text)
    assert data["name"] == "bok.qdc" and data["version"] == 1
    assert data["codes"][0]["label"] == "Målekort"  # unicode kept, not escaped
    (tmp_path / "codebook.yaml").write_text(text, encoding="utf-8")
    loaded = load_codebook(tmp_path / "codebook.yaml")
    assert loaded.get("malekort").definition == "Line one.\nLine two."
