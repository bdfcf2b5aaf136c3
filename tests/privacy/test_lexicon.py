"""The lexicon: a form is ordinary when its lemma has three forms or more, or it is a stop word
or a listed common word; every form of the table is known."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.config import NameLists
from thesis_analysis.privacy.lexicon import MIN_FORMS, Lexicon, build_lexicon

TABLE = {
    # «sol» has three forms: ordinary
    "sol": "sol",
    "solen": "sol",
    "solene": "sol",
    # a proper noun has one or two: known, not ordinary
    "kari": "kari",
    "karis": "kari",
    "oslo": "oslo",
}


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return build_lexicon(TABLE, frozenset({"vi", "og"}), frozenset({"tor"}))


@pytest.mark.parametrize(
    ("word", "ordinary", "known", "stop"),
    [
        ("sol", True, True, False),
        ("solene", True, True, False),
        ("kari", False, True, False),
        ("karis", False, True, False),
        ("oslo", False, True, False),
        ("vi", True, True, True),  # a stop word is ordinary and known
        ("tor", True, True, False),  # a listed common word the table lacks
        ("xiomara", False, False, False),
    ],
)
def test_build_lexicon(small: Lexicon, word: str, ordinary: bool, known: bool, stop: bool) -> None:
    assert (word in small.ordinary, word in small.known, word in small.stop) == (
        ordinary,
        known,
        stop,
    )


def test_min_forms_is_the_boundary() -> None:
    assert MIN_FORMS == 3
    two = build_lexicon({"a": "x", "b": "x"}, frozenset(), frozenset())
    three = build_lexicon({"a": "x", "b": "x", "c": "x"}, frozenset(), frozenset())
    assert two.ordinary == frozenset() and two.known == {"a", "b"}
    assert three.ordinary == {"a", "b", "c"}


def test_forms_count_per_lemma_not_per_form() -> None:
    # «sola» and «sol» share lemma «sol»; «solen» alone has lemma «solen»: one form only
    lexicon = build_lexicon(
        {"sol": "sol", "sola": "sol", "solen": "solen"}, frozenset(), frozenset()
    )
    assert lexicon.ordinary == frozenset()
    lexicon = build_lexicon(
        {"sol": "sol", "sola": "sol", "solen": "sol", "kari": "kari"}, frozenset(), frozenset()
    )
    assert lexicon.ordinary == {"sol", "sola", "solen"}


def test_empty_table() -> None:
    lexicon = build_lexicon({}, frozenset({"og"}), frozenset())
    assert lexicon == Lexicon(frozenset({"og"}), frozenset({"og"}), frozenset({"og"}))


def test_the_shipped_lexicon(lexicon: Lexicon, name_lists: NameLists) -> None:
    assert lexicon.stop <= lexicon.ordinary <= lexicon.known
    assert name_lists.ordinary_words <= lexicon.ordinary
    assert {"vi", "og", "jeg"} <= lexicon.stop
    assert {"sol", "solen"} <= lexicon.ordinary
    assert "oslo" in lexicon.known and "oslo" not in lexicon.ordinary
    assert "xiomara" not in lexicon.known
    assert all(w == w.lower() for w in list(lexicon.ordinary)[:5000])
