"""Names from capitalised words: the word look-up, sentence starts, the words before and after,
cues, and what becomes a finding, a candidate or nothing."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.config import NameLists
from thesis_analysis.privacy.lexicon import Lexicon
from thesis_analysis.privacy.names import (
    Word,
    classify_word,
    find_name_findings,
    has_person_cue,
    is_ordinary,
    is_sentence_initial,
    next_word,
    previous_words,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Kari", Word(3, 7, "Kari", True, False)),
        ("Bø", Word(3, 5, "Bø", False, True)),
        ("Zyxel", Word(3, 8, "Zyxel", False, False)),
        # genitive s: the base name, one character shorter
        ("Karis", Word(3, 7, "Kari", True, False, True)),
        ("Drammens", Word(3, 10, "Drammen", False, True, True)),
        # hyphenated names: every part a name
        ("Anne-Lise", Word(3, 12, "Anne-Lise", True, False)),
        ("Hansen-Berg", Word(3, 14, "Hansen-Berg", True, False)),
        # a name with a lower-case tail: the head alone
        ("Oslo-kontoret", Word(3, 7, "Oslo", False, True)),
        ("Kari-ola", Word(3, 7, "Kari", True, False)),
        # nothing known
        ("NAV-kontor", Word(3, 13, "NAV-kontor", False, False)),
        ("Zyxel-Qwerty", Word(3, 15, "Zyxel-Qwerty", False, False)),
    ],
)
def test_classify_word(name_lists: NameLists, word: str, expected: Word) -> None:
    assert classify_word(3, word, name_lists) == expected


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("Kari", 0, True),
        ("Hei. Kari", 5, True),
        ("Hei! «Kari", 6, True),  # a quote before is skipped
        ("Hva? (Kari", 6, True),
        ("Han sa: Kari", 8, True),
        ("Ja... Kari", 6, True),
        ("Slutt.\n\n- Kari", 10, True),  # blank lines and a dash
        ("Hei, Kari", 5, False),
        ("og\nKari", 3, False),  # a line break alone does not end a sentence
        # after an abbreviation the sentence goes on
        ("Dr. Kari", 4, False),
        ("bl.a. Kari", 6, False),
        ("Det var kl. Kari", 12, False),
        ("Mv. Kari", 4, False),
    ],
)
def test_is_sentence_initial(text: str, start: int, expected: bool) -> None:
    assert text[start:].startswith("Kari")
    assert is_sentence_initial(text, start) is expected


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("Per sa at", 3, "sa"),
        ("Per  Sier", 3, "sier"),  # lower-cased
        ("Per, sa", 3, ""),  # a comma is no word
        ("Per", 3, ""),
        ("Per\tskrev", 3, "skrev"),
    ],
)
def test_next_word(text: str, end: int, expected: str) -> None:
    assert next_word(text, end) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sjefen min heter Kari", ("heter", "min")),  # the last word first
        ("Hei Kari", ("hei", "")),
        ("Sjefen, Kari", ("", "")),  # a comma breaks the run of words
        ("Kari", ("", "")),
        ("Dr. Kari", ("dr.", "")),
        ("SJEFEN MIN Kari", ("min", "sjefen")),
    ],
)
def test_previous_words(text: str, expected: tuple[str, str]) -> None:
    assert previous_words(text, text.index("Kari")) == expected


@pytest.mark.parametrize(
    ("preceding", "expected"),
    [
        (("heter", ""), True),
        (("fru", "hei"), True),
        (("min", "kollegaen"), True),  # possessive after a cue
        (("hennes", "sjefen"), True),
        (("min", "bil"), False),  # possessive without a cue
        (("kollegaen", "min"), True),
        (("bor", "hun"), False),
        (("", ""), False),
    ],
)
def test_has_person_cue(preceding: tuple[str, str], expected: bool) -> None:
    assert has_person_cue(preceding) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Sol", True), ("Vi", True), ("Oslo", False), ("Sol-Lise", True), ("Zyxel", False)],
)
def test_is_ordinary(lexicon: Lexicon, word: str, expected: bool) -> None:
    assert is_ordinary(word, lexicon) is expected


def run(name_lists: NameLists, lexicon: Lexicon, text: str, blocked=()):
    findings, candidates = find_name_findings(text, name_lists, lexicon, list(blocked))
    return (
        [(f.kind, f.text, f.reason) for f in findings],
        [(c.text, c.reason) for c in candidates],
    )


INSIDE = "capitalised inside a sentence, on no list"


@pytest.mark.parametrize(
    ("text", "findings", "candidates"),
    [
        ("Vi møtte Zyxel i går.", [], [("Zyxel", INSIDE)]),
        ("Zyxel kom.", [], [("Zyxel", "unknown word at a sentence start")]),
        ("Hun heter Zyxel.", [("PERSON", "Zyxel", "context: heter")], []),
        ("Kollegaen min Zyxel sa det.", [("PERSON", "Zyxel", "context: min")], []),
        (
            "Jeg så Kari Nordmann.",
            [("PERSON", "Kari Nordmann", "name list + capitalised run")],
            [],
        ),
        # a run is words separated by one blank: two blanks or a line break split it
        (
            "Han møtte Kari  Nordmann.",
            [("PERSON", "Kari", "name list"), ("PERSON", "Nordmann", "name list")],
            [],
        ),
        # the genitive s stays outside the finding
        ("Det var Karis bil.", [("PERSON", "Kari", "name list")], []),
        ("Det var i Oslo.", [("STED", "Oslo", "place list")], []),
        ("Jeg jobbet i Oslo-kontoret.", [("STED", "Oslo", "place list")], []),
        # Bergen is a surname too: a place after a preposition, a person after «heter»
        ("Han flyttet til Bergen.", [("STED", "Bergen", "place list")], []),
        ("Hun heter Bergen.", [("PERSON", "Bergen", "name list")], []),
        # sentence start: an ordinary word followed by a speech verb is a name
        ("Per sa at det gikk.", [("PERSON", "Per", "name list")], []),
        ("Per kom i dag.", [], []),
        ("Vi sa at det gikk.", [], []),  # a stop word never
        # an ordinary first word is dropped from a run that starts a sentence
        (
            "Leiaren Sindre Brekke seier det.",
            [("PERSON", "Sindre Brekke", "name list + capitalised run")],
            [],
        ),
        ("Tor Olsen kom.", [("PERSON", "Tor Olsen", "name list + capitalised run")], []),
        ("", [], []),
        ("ingen store bokstaver her.", [], []),
    ],
)
def test_find_name_findings(name_lists, lexicon, text: str, findings, candidates) -> None:
    assert run(name_lists, lexicon, text) == (findings, candidates)


def test_offsets_point_into_the_text(name_lists: NameLists, lexicon: Lexicon) -> None:
    text = "Fra Bergen kom Per Olsen, og så Zyxel."
    findings, candidates = find_name_findings(text, name_lists, lexicon, [])
    assert [(f.start, f.end) for f in findings] == [(4, 10), (15, 24)]
    assert all(text[f.start : f.end] == f.text for f in findings)
    assert [(c.start, c.end, c.text) for c in candidates] == [(32, 37, "Zyxel")]


def test_blocked_spans_are_skipped(name_lists: NameLists, lexicon: Lexicon) -> None:
    # «Kari» is covered by another finding (say a pattern): «Nordmann» stands alone
    text = "Jeg så Kari Nordmann."
    assert run(name_lists, lexicon, text, [(7, 11)]) == ([("PERSON", "Nordmann", "name list")], [])
    assert run(name_lists, lexicon, text, [(0, len(text))]) == ([], [])


def test_an_unknown_first_word_of_a_run_is_not_lost(name_lists: NameLists, lexicon) -> None:
    # «Zyxel kom.» lists «Zyxel» for review; «Zyxel Qwerty kom.» should list it too (alone
    # or as «Zyxel Qwerty»), not only «Qwerty».
    findings, candidates = find_name_findings("Zyxel Qwerty kom.", name_lists, lexicon, [])
    assert any("Zyxel" in item.text for item in [*findings, *candidates])
