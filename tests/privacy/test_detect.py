"""Names, places and workplaces in context; kept words; allow and deny lists."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.config import NameLists, ProjectLists
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.lexicon import Lexicon

from .conftest import found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg møtte Kari Nordmann i går.", [("PERSON", "Kari Nordmann")]),
        ("Kollegaen min Anne-Lise var der.", [("PERSON", "Anne-Lise")]),
        ("Det var Hansen-Berg som sa det.", [("PERSON", "Hansen-Berg")]),
        ("Teamlederen vår, Sol, var tydelig.", [("PERSON", "Sol")]),
        ("Jeg snakket med Vår om det.", [("PERSON", "Vår")]),
        ("Per sa at vi måtte prioritere.", [("PERSON", "Per")]),
        ("Tor sa at han kunne ta det.", [("PERSON", "Tor")]),
        ("Hun heter Xiomara.", [("PERSON", "Xiomara")]),
        ("Dr. Johansen skrev det.", [("PERSON", "Johansen")]),
        ("Leiaren Sindre Brekke seier det.", [("PERSON", "Sindre Brekke")]),
        ("Han flyttet fra Drammen.", [("STED", "Drammen")]),
        ("Vi jobber med Stavanger kommune.", [("STED", "Stavanger")]),
        ("Jeg var på NAV Grünerløkka.", [("ARBEIDSSTED", "NAV Grünerløkka")]),
        ("Hun jobbet på Madla sykehjem.", [("ARBEIDSSTED", "Madla sykehjem")]),
        ("Han kom til Ullevål sykehus.", [("ARBEIDSSTED", "Ullevål sykehus")]),
        ("[PERSON-3] jobber på [ARBEIDSSTED-1].", []),
    ],
)
def test_finds(detector: Detector, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sol og regn er ikke noe vi snakker om.",
        "Vår leder er opptatt av målene.",
        "Tor du spørre sjefen om det?",
        "Per i dag har vi ingen ledige stillinger.",
        "Bjørn er et dyr vi ikke ser mye av.",
        "Vi sendte brevet i går.",
        "Arbeids- og velferdsdirektoratet sender ut mål til kommunen og fylket.",
        "NAV og direktoratet bestemmer; tavlemøtet er på mandag.",
        "Hver kommune har sitt eget NAV-kontor.",
        "Mange sykehjem har for lite bemanning.",
        "Modia og Arena er systemene vi bruker.",
        "Eg tor ikkje seie det til sjefen.",
    ],
)
def test_keeps_ordinary_words(detector: Detector, text: str) -> None:
    assert found(detector, text) == []


def test_allow_and_deny_lists(name_lists: NameLists, lexicon: Lexicon) -> None:
    project = ProjectLists(allow=("Drammen",), deny=(("Fjordgløtt", "ARBEIDSSTED"),))
    detector = Detector(name_lists, lexicon, project)
    text = "Hun flyttet fra Drammen til Fjordgløtt."
    assert found(detector, text) == [("ARBEIDSSTED", "Fjordgløtt")]
