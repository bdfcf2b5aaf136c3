"""The shipped name lists and a project's ``pseudonymise.yaml``: what is read, and every
refusal naming the file (and the line, where YAML gives one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.config import (
    CONFIG_NAME,
    DEFAULT_DENY_KIND,
    NameLists,
    ProjectLists,
    load_project_lists,
    parse_deny,
    parse_project_lists,
    read_list,
)


def test_read_list_gives_stripped_non_empty_lines() -> None:
    entries = read_list("workplaces.txt")
    assert entries and all(e == e.strip() and e for e in entries)
    assert "Aker sykehus" in entries


def test_single_places_and_phrases_are_split(name_lists: NameLists) -> None:
    places = read_list("municipalities.txt") + read_list("places_extra.txt")
    assert name_lists.places == {p for p in places if " " not in p}
    assert {"Drammen", "Bergen"} <= name_lists.places
    assert all(" " in phrase for phrase, kind in name_lists.phrases.items() if kind == "STED")
    assert name_lists.phrases["Indre Fosen"] == "STED"


def test_workplaces_are_phrases_of_their_own_kind(name_lists: NameLists) -> None:
    workplaces = read_list("workplaces.txt")
    assert all(name_lists.phrases[w] == "ARBEIDSSTED" for w in workplaces)
    assert name_lists.phrases["Aker sykehus"] == "ARBEIDSSTED"
    assert name_lists.phrases["Ahus"] == "ARBEIDSSTED"  # one word, still a phrase entry


def test_names_from_both_lists_and_ordinary_words_lower_case(name_lists: NameLists) -> None:
    extra = read_list("first_names_extra.txt")
    assert set(extra) <= name_lists.first_names
    assert "Kari" in name_lists.first_names and "Nordmann" in name_lists.surnames
    assert set(read_list("surnames_extra.txt")) <= name_lists.surnames
    assert name_lists.ordinary_words == {w.lower() for w in read_list("ordinary_words.txt")}
    assert all(w == w.lower() for w in name_lists.ordinary_words)
    assert "sykehjem" in name_lists.institution_nouns
    assert "NAV" in name_lists.keep_terms


def write_config(root: Path, content: str | bytes) -> Path:
    path = root / CONFIG_NAME
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return root


def test_no_config_file_means_empty_lists(tmp_path: Path) -> None:
    assert load_project_lists(tmp_path) == ProjectLists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ProjectLists()),
        ("# only a comment\n", ProjectLists()),
        ("allow: [NAV, ' Sol ']\n", ProjectLists(allow=("NAV", "Sol"))),
        ("allow:\n", ProjectLists()),
        (
            "deny:\n  Tora: PERSON\n  Fjordgløtt: ARBEIDSSTED\n",
            # sorted by word
            ProjectLists(deny=(("Fjordgløtt", "ARBEIDSSTED"), ("Tora", "PERSON"))),
        ),
        ("deny: [Tora, Kari]\n", ProjectLists(deny=(("Kari", "PERSON"), ("Tora", "PERSON")))),
        ("deny: {' Kari ': STED}\n", ProjectLists(deny=(("Kari", "STED"),))),
        (
            "allow: [Sol]\ndeny: {Bø: STED}\n",
            ProjectLists(allow=("Sol",), deny=(("Bø", "STED"),)),
        ),
    ],
)
def test_valid_config(tmp_path: Path, content: str, expected: ProjectLists) -> None:
    assert load_project_lists(write_config(tmp_path, content)) == expected


def test_a_deny_list_defaults_to_person() -> None:
    assert DEFAULT_DENY_KIND == "PERSON"
    assert parse_deny(["Ola"], "p.yaml") == (("Ola", "PERSON"),)
    assert parse_deny(None, "p.yaml") == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("allow: [NAV\n", "pseudonymise.yaml, line 2: not valid YAML (ParserError)"),
        ("allow: [NAV]\ndeny:\n  Kari: PERSON\n Tor: PERSON\n", "pseudonymise.yaml, line 4:"),
        (b"allow: [\xe6]\n", "pseudonymise.yaml, line 1: not valid YAML (UnicodeDecodeError)"),
        ("- NAV\n", "pseudonymise.yaml, line 1: expected a mapping with `allow:` and `deny:`"),
        ("just text\n", "pseudonymise.yaml, line 1: expected a mapping"),
        ("allow: [NAV]\nkeep: [x]\nabc: 1\n", "pseudonymise.yaml: unknown key(s) ['abc', 'keep']"),
        ("allow: [NAV, '']\n", "pseudonymise.yaml: `allow:` must be a list of words"),
        ("allow: [1]\n", "pseudonymise.yaml: `allow:` must be a list of words"),
        ("allow: {NAV: 1}\n", "pseudonymise.yaml: `allow:` must be a list of words"),
        ("deny: Kari\n", "pseudonymise.yaml: `deny:` must map words to kinds"),
        ("deny: {'': PERSON}\n", "pseudonymise.yaml: `deny:` has an empty or non-text word ('')"),
        ("deny: {12: PERSON}\n", "`deny:` has an empty or non-text word (12)"),
        (
            "deny: {Kari: person}\n",
            "`deny:` gives 'Kari' the kind 'person'; use one of PERSON, STED, ARBEIDSSTED",
        ),
        ("deny: {Kari: null}\n", "gives 'Kari' the kind None"),
    ],
)
def test_bad_config_names_the_file(tmp_path: Path, content: str | bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_project_lists(write_config(tmp_path, content))
    assert message in str(info.value)


def test_parse_project_lists_names_the_given_file() -> None:
    with pytest.raises(InputError, match=r"^other\.yaml, line 1: expected a mapping"):
        parse_project_lists(["x"], "other.yaml")
    assert parse_project_lists(None, "other.yaml") == ProjectLists()
