"""Numbers, e-mail, fødselsnummer check digits, birth dates and addresses."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.patterns import find_pattern_findings, is_valid_fnr


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("12038513735", True),
        ("03037910006", True),
        ("42038510015", True),  # D-nummer: first digit + 4
        ("63077713702", True),
        ("12038513736", False),  # second check digit wrong
        ("12038513745", False),  # first check digit wrong
        ("12345678901", False),
        ("00000000000", False),  # check digits fit, no date
        ("1203851373", False),
    ],
)
def test_fnr_check_digits(digits: str, valid: bool) -> None:
    assert is_valid_fnr(digits) is valid


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_pattern_findings(text, frozenset({"veien"}))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring 912 34 567 nå.", [("TELEFON", "912 34 567")]),
        ("Ring 91234567.", [("TELEFON", "91234567")]),
        ("Ring +47 22 33 44 55, takk.", [("TELEFON", "+47 22 33 44 55")]),
        ("Ring 0047 913 45 678.", [("TELEFON", "0047 913 45 678")]),
        ("Ring +4790011223.", [("TELEFON", "+4790011223")]),
        ("Vi har 1 200 brukere og 45 000 000 kroner.", []),
        ("Tallene for 2018 2019.", []),
        ("Skriv til kari.nordmann@nav.no.", [("EPOST", "kari.nordmann@nav.no")]),
        ("Nummeret 12038513735 står der.", [("FNR", "12038513735")]),
        ("Nummeret 120385 13735 står der.", [("FNR", "120385 13735")]),
        ("Saksnummer 12345678901.", []),
        ("Hun er født 12.03.1985.", [("DATO", "12.03.1985")]),
        ("Ho er fødd 3. mars 1979.", [("DATO", "3. mars 1979")]),
        ("Rapporten kom 12.03.2020.", []),
        ("Han bor i Storgata 12.", [("ADRESSE", "Storgata 12")]),
        ("Han bor i Kongens gate 4B.", [("ADRESSE", "Kongens gate 4B")]),
        ("Bjørnstjerne Bjørnsons vei 3", [("ADRESSE", "Bjørnstjerne Bjørnsons vei 3")]),
        ("Veien 3 år fram er lang.", []),
    ],
)
def test_pattern_findings(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected
