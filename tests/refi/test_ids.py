"""Stable GUIDs, GUID normalising, tag names, XML-safe text, slugs and unique ids."""

from __future__ import annotations

import uuid

import pytest

from thesis_analysis.refi.ids import (
    PROJECT_NAMESPACE,
    PROJECT_NS,
    clean_xml_text,
    local_name,
    make_guid,
    make_unique,
    normalise_guid,
    slugify,
)


def test_guids_are_pinned() -> None:
    # Exports must give the same GUIDs forever: a change of namespace or identity shows here.
    assert str(PROJECT_NAMESPACE) == "6f1d9a62-3c0e-5b7a-9d43-2a8e51c7b0f4"
    assert make_guid("code", "malekort") == "caac1bfc-245a-5c3c-9c24-5e434f358ea5"


@pytest.mark.parametrize(
    ("kind", "parts", "identity"),
    [
        ("code", ("malekort",), "code\x1fmalekort"),
        ("source", ("TL1",), "source\x1fTL1"),
        ("selection", ("TL1", 3, 10), "selection\x1fTL1\x1f3\x1f10"),
        ("project", (), "project"),
    ],
)
def test_make_guid_is_uuid5_of_the_identity(kind: str, parts: tuple, identity: str) -> None:
    assert make_guid(kind, *parts) == str(uuid.uuid5(PROJECT_NAMESPACE, identity))


def test_parts_are_kept_apart() -> None:
    # («a b», «c») and («a», «b c») are two objects
    assert make_guid("x", "a b", "c") != make_guid("x", "a", "b c")
    assert make_guid("code", "a") != make_guid("source", "a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{AAAAAAAA-0000-0000-0000-000000000001}", "aaaaaaaa-0000-0000-0000-000000000001"),
        ("  aaaaaaaa-0000-0000-0000-00000000000F ", "aaaaaaaa-0000-0000-0000-00000000000f"),
        ("{aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000001"),
        (None, ""),
        ("", ""),
        (" not-a-guid ", "not-a-guid"),  # other text: stripped, case kept
        ("AAAAAAAA00000000000000000000000000001", "AAAAAAAA00000000000000000000000000001"),
    ],
)
def test_normalise_guid(value: str | None, expected: str) -> None:
    assert normalise_guid(value) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [(f"{{{PROJECT_NS}}}Code", "Code"), ("Code", "Code"), ("{}Note", "Note"), ("", "")],
)
def test_local_name(tag: str, expected: str) -> None:
    assert local_name(tag) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b\x0bc\x1f", "abc"),  # control characters XML 1.0 cannot hold
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),  # the three it can
        ("\ufffe\uffff", ""),  # non-characters
        ("\ud800", ""),  # a lone surrogate
        ("æøå 😀 \ue000", "æøå 😀 \ue000"),
    ],
)
def test_clean_xml_text(text: str, expected: str) -> None:
    assert clean_xml_text(text) == expected


@pytest.mark.parametrize(
    ("name", "lower", "expected"),
    [
        ("Målekort og Tavlemøte", True, "malekort_og_tavlemote"),
        ("Målekort og Tavlemøte", False, "Malekort_og_Tavlemote"),
        ("Ærlig ØÅ", True, "aerlig_oa"),
        ("Ærlig ØÅ", False, "Aerlig_OA"),
        ("Straße", True, "strasse"),
        ("Café résumé", True, "cafe_resume"),
        ("  --a--  ", True, "a"),
        ("x__y", True, "x_y"),  # every run of other characters is one «_»
        ("日本", True, ""),
        ("", True, ""),
        ("../../etc/passwd", True, "etc_passwd"),
        ("C:\\Users\\x", True, "c_users_x"),
    ],
)
def test_slugify(name: str, lower: bool, expected: str) -> None:
    assert slugify(name, lower=lower) == expected


def test_slugify_cuts_at_max_length_without_a_trailing_underscore() -> None:
    assert slugify("a" * 50) == "a" * 40
    assert slugify("a" * 39 + "-b") == "a" * 39  # «aaa…a_» cut at 40, then «_» dropped
    assert slugify("Kari Nordmann", max_length=5) == "kari"


@pytest.mark.parametrize(
    ("candidate", "taken", "max_length", "expected"),
    [
        ("kode", [], 40, "kode"),
        ("kode", ["annen"], 40, "kode"),
        ("kode", ["KODE"], 40, "kode_2"),  # case does not make two ids
        ("kode", ["kode", "Kode_2"], 40, "kode_3"),
        ("a" * 40, ["a" * 40], 40, "a" * 38 + "_2"),  # within the length
        ("abcdef", ["abcdef"] + [f"abcd_{n}" for n in range(2, 10)], 6, "abc_10"),
    ],
)
def test_make_unique(candidate: str, taken: list[str], max_length: int, expected: str) -> None:
    assert make_unique(candidate, taken, max_length) == expected
