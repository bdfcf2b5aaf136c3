"""Placeholders: what counts as the same identifier, numbering per kind, names joining a full
name, a key read back, and the key table (its order and its checks)."""

from __future__ import annotations

import pandas as pd
import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.placeholders import (
    KEY_COLUMNS,
    KeyRow,
    PlaceholderMap,
    build_key_frame,
    normalise,
    parse_key_frame,
    placeholder_number,
)


@pytest.mark.parametrize(
    ("kind", "original", "expected"),
    [
        ("TELEFON", "912 34 567", "91234567"),
        ("TELEFON", "+47 912 34 567", "91234567"),  # the country code goes
        ("TELEFON", "0047-91234567", "91234567"),
        ("FNR", "010190 12345", "01019012345"),
        ("EPOST", "Kari.Nordmann@Nav.NO", "kari.nordmann@nav.no"),
        ("PERSON", "Kari   Nordmann", "Kari Nordmann"),
        ("PERSON", " Kari\nNordmann ", "Kari Nordmann"),
        ("PERSON", "kari", "kari"),  # case is kept for names
        ("STED", "Indre  Fosen", "Indre Fosen"),
    ],
)
def test_normalise(kind: str, original: str, expected: str) -> None:
    assert normalise(kind, original) == expected


def test_numbers_run_per_kind_and_repeat_for_the_same_identifier() -> None:
    mapping = PlaceholderMap()
    got = [
        mapping.get_placeholder(kind, original)
        for kind, original in [
            ("PERSON", "Kari Nordmann"),
            ("STED", "Bergen"),
            ("PERSON", "Tor Olsen"),
            ("TELEFON", "912 34 567"),
            ("TELEFON", "+47 91234567"),  # the same number
            ("PERSON", "Kari  Nordmann"),  # the same name
            ("STED", "Oslo"),
        ]
    ]
    assert got == [
        "[PERSON-1]",
        "[STED-1]",
        "[PERSON-2]",
        "[TELEFON-1]",
        "[TELEFON-1]",
        "[PERSON-1]",
        "[STED-2]",
    ]
    assert mapping.originals["[TELEFON-1]"] == "912 34 567"  # the first one seen


def test_the_same_text_of_two_kinds_gets_two_placeholders() -> None:
    mapping = PlaceholderMap()
    assert mapping.get_placeholder("STED", "Bergen") == "[STED-1]"
    assert mapping.get_placeholder("PERSON", "Bergen") == "[PERSON-1]"


@pytest.mark.parametrize(
    ("alone", "expected"),
    [
        ("Kari", "[PERSON-1]"),  # the first name of the one full name
        ("Nordmann", "[PERSON-1]"),  # its surname
        ("Olsen", "[PERSON-2]"),
        ("Per", "[PERSON-3]"),  # no full name: a new placeholder
    ],
)
def test_a_name_alone_joins_its_one_full_name(alone: str, expected: str) -> None:
    mapping = PlaceholderMap()
    mapping.assign_all([("PERSON", "Kari Nordmann"), ("PERSON", "Tor Olsen")])
    assert mapping.get_placeholder("PERSON", alone) == expected


def test_a_place_alone_never_joins_a_person() -> None:
    mapping = PlaceholderMap()
    mapping.assign_all([("PERSON", "Kari Nordmann")])
    assert mapping.get_placeholder("STED", "Kari") == "[STED-1]"


def test_assign_all_gives_full_names_their_numbers_first() -> None:
    mapping = PlaceholderMap()
    # «Kari» comes first in the text, but the full name is numbered first and Kari joins it
    mapping.assign_all([("PERSON", "Kari"), ("STED", "Bø"), ("PERSON", "Kari Nordmann")])
    assert mapping.get_placeholder("PERSON", "Kari") == "[PERSON-1]"
    assert mapping.get_placeholder("PERSON", "Kari Nordmann") == "[PERSON-1]"
    assert mapping.get_placeholder("STED", "Bø") == "[STED-1]"
    assert mapping.counters["PERSON"] == 1


def test_a_key_read_back_keeps_the_numbers_and_continues_them() -> None:
    rows = [
        KeyRow("[PERSON-4]", "Kari Nordmann", "PERSON", "", 0, -1),
        KeyRow("[PERSON-4]", "Kari  Nordmann", "PERSON", "V1.md", 3, 4),
        KeyRow("[PERSON-2]", "Tor Olsen", "PERSON", "", 0, -1),
        KeyRow("[EPOST-1]", "kari@nav.no", "EPOST", "", 0, -1),
    ]
    mapping = PlaceholderMap(rows)
    assert mapping.get_placeholder("PERSON", "Kari Nordmann") == "[PERSON-4]"
    assert mapping.get_placeholder("EPOST", "KARI@nav.no") == "[EPOST-1]"
    assert mapping.get_placeholder("PERSON", "Kari") == "[PERSON-4]"
    assert mapping.get_placeholder("PERSON", "Ola Hansen") == "[PERSON-5]"  # after the highest
    assert mapping.get_placeholder("STED", "Bø") == "[STED-1]"
    assert mapping.originals["[PERSON-4]"] == "Kari Nordmann"


def test_mapping_rows_are_sorted_by_kind_then_number() -> None:
    mapping = PlaceholderMap()
    for number in range(1, 12):
        mapping.get_placeholder("PERSON", f"Navn{number}")
    mapping.get_placeholder("EPOST", "a@b.no")
    mapping.get_placeholder("STED", "Bø")
    rows = mapping.list_mapping_rows()
    # KINDS order: PERSON, STED, ARBEIDSSTED, TELEFON, EPOST, …; numbers as numbers (2 < 10)
    assert [r.placeholder for r in rows] == [
        *[f"[PERSON-{n}]" for n in range(1, 12)],
        "[STED-1]",
        "[EPOST-1]",
    ]
    assert all(r.file == "" and r.line == 0 and r.column == -1 for r in rows)
    assert rows[0] == KeyRow("[PERSON-1]", "Navn1", "PERSON", "", 0, -1)


@pytest.mark.parametrize(("placeholder", "number"), [("[PERSON-1]", 1), ("[FNR-120]", 120)])
def test_placeholder_number(placeholder: str, number: int) -> None:
    kind = placeholder[1:].split("-")[0]
    assert placeholder_number(KeyRow(placeholder, "x", kind, "", 0, -1)) == number


def test_key_frame_order_mapping_rows_first_then_occurrences() -> None:
    rows = [
        KeyRow("[PERSON-1]", "Kari", "PERSON", "V2.md", 1, 0),
        KeyRow("[STED-1]", "Bø", "STED", "V1.md", 9, 3),
        KeyRow("[PERSON-10]", "Ola", "PERSON", "", 0, -1),
        KeyRow("[PERSON-2]", "Tor", "PERSON", "", 0, -1),
        KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 9, 0),
        KeyRow("[PERSON-1]", "Kari", "PERSON", "V2.md", 1, 0),  # a duplicate
    ]
    frame = build_key_frame(rows)
    assert list(frame.columns) == list(KEY_COLUMNS)
    assert frame[["placeholder", "file", "line", "column"]].values.tolist() == [
        ["[PERSON-2]", "", 0, -1],
        ["[PERSON-10]", "", 0, -1],
        ["[PERSON-1]", "V1.md", 9, 0],
        ["[STED-1]", "V1.md", 9, 3],
        ["[PERSON-1]", "V2.md", 1, 0],
    ]


def test_a_key_frame_parses_back_to_its_rows() -> None:
    rows = [
        KeyRow("[PERSON-1]", "Kari", "PERSON", "", 0, -1),
        KeyRow("[PERSON-1]", "Kari", "PERSON", "V1.md", 9, 0),
    ]
    as_read = build_key_frame(rows).astype(str)  # the key is read as strings
    assert parse_key_frame(as_read, "key.csv") == rows


def key(**changes: str) -> pd.DataFrame:
    good = {
        "placeholder": "[PERSON-1]",
        "original": "Kari",
        "kind": "PERSON",
        "file": "V1.md",
        "line": "3",
        "column": "5",
    }
    second = {**good, **changes}
    return pd.DataFrame([good, second], dtype=str)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # line 3 of the file: the header is line 1, the good row line 2
        ({"placeholder": "PERSON-1"}, "key.csv, line 3: placeholder 'PERSON-1' of kind 'PERSON'"),
        ({"placeholder": "[NAVN-1]", "kind": "NAVN"}, "key.csv, line 3: placeholder '[NAVN-1]'"),
        ({"kind": "STED"}, "key.csv, line 3: placeholder '[PERSON-1]' of kind 'STED'"),
        (
            {"original": ""},
            "key.csv, line 3: placeholder '[PERSON-1]' of kind 'PERSON' with "
            "original '' is not valid",
        ),
        ({"line": "tre"}, "key.csv, line 3: line and column must be whole numbers"),
        ({"column": "1.5"}, "key.csv, line 3: line and column must be whole numbers"),
    ],
)
def test_bad_key_rows_name_the_line(changes: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_key_frame(key(**changes), "key.csv")
    assert message in str(info.value)


def test_a_key_without_its_columns_is_refused() -> None:
    frame = key().drop(columns=["column", "kind"])
    with pytest.raises(
        InputError, match=r"key\.csv: the key lacks the column\(s\) \['kind', 'column'\]"
    ):
        parse_key_frame(frame, "key.csv")
