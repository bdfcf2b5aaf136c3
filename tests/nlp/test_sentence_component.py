"""``nb_sentences`` as arrays: ``find_starts`` is what the component writes into a doc."""

from __future__ import annotations

import random

import pytest
from spacy.attrs import ORTH

from thesis_analysis.nlp.pipeline import read_token_arrays
from thesis_analysis.nlp.sentence_component import SENTENCE_END


@pytest.mark.parametrize(
    "text",
    [
        "Hei. Hvordan går det? «Bra.» Ja!",
        "Det er bl.a. NAV. Osv. og så videre.\n\nNy tekst uten punktum\n\n\nog en til",
        "",
        "...",
        " Hei ",
    ],
)
def test_find_starts_matches_the_component(nlp, text: str) -> None:
    doc = nlp(text)
    starts = nlp.get_pipe("nb_sentences").find_starts(doc.to_array(ORTH))
    assert starts.tolist() == [bool(t.is_sent_start) for t in doc]


@pytest.mark.parametrize("text", ["Målene  er klare.\n\nNy linje – «sitat» 😊 her.", "", "a"])
def test_token_arrays_give_the_offsets_and_facts_of_the_doc(nlp, text: str) -> None:
    doc = nlp(text)
    arrays = read_token_arrays(nlp, nlp.make_doc(text))
    assert arrays.char_start.tolist() == [t.idx for t in doc]
    assert arrays.char_end.tolist() == [t.idx + len(t.text) for t in doc]
    assert arrays.lemma.tolist() == [t.lemma for t in doc]
    assert arrays.lower.tolist() == [t.lower for t in doc]
    assert arrays.sentence_start.tolist() == [bool(t.is_sent_start) for t in doc]


def list_starts_by_hand(doc, abbreviations: frozenset[str]) -> list[bool]:
    """The sentence rules of ``nb_sentences`` written out token by token over spaCy's own
    token attributes: a plain-Python statement of them to check the compiled pass against."""
    from thesis_analysis.nlp.sentence_component import (
        ABBREVIATIONS_BEFORE_NAMES,
        CLOSERS,
        SENTENCE_END,
    )

    def skipped(token) -> bool:  # passed over after a mark
        blank = "\n\n" in token.text
        return not blank and (token.is_space or token.text in CLOSERS | SENTENCE_END)

    starts = [i == 0 for i in range(len(doc))]
    for i, token in enumerate(doc):
        rest = doc[i + 1 :]
        if "\n\n" in token.text and token.is_space:  # a blank line
            follower = next((t for t in rest if not t.is_space), None)
            if follower is not None:
                starts[follower.i] = True
        elif token.text in SENTENCE_END or token.text in abbreviations or "\n\n" in token.text:
            follower = next((t for t in rest if not skipped(t)), None)
            if follower is None or follower.text[:1].islower():
                continue
            is_end = token.text in SENTENCE_END
            before_name = not is_end and token.lower_ in ABBREVIATIONS_BEFORE_NAMES
            if not before_name and (is_end or follower.text[:1].isupper()):
                starts[follower.i] = True
    return starts


def test_find_starts_follows_the_rules_on_random_text(nlp) -> None:
    rng = random.Random(11)
    pieces = [".", "!", "?", "…", "...", "«", "»", '"', ")", "\n\n", "\n", "  ", "osv.", "bl.a."]
    pieces += ["f.eks.", "Osv.", "dvs.", "Hei", "hei", "NAV", "mål", "😊", "–", "Ca.", " \n\n "]
    sentences = nlp.get_pipe("nb_sentences")
    abbreviations = frozenset(w for w in sentences._watched if w not in SENTENCE_END)
    checked = 0
    for _ in range(400):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 40))]
        doc = nlp.make_doc("".join(w + rng.choice(["", " "]) for w in words))
        expected = list_starts_by_hand(doc, abbreviations)
        assert sentences.find_starts(doc.to_array(ORTH)).tolist() == expected, doc.text
        checked += sum(expected)
    assert checked > 1000  # sentence starts
