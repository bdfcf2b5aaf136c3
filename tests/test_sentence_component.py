"""``nb_sentences`` as arrays: ``find_starts`` is what the component writes into a doc."""

from __future__ import annotations

import pytest
from spacy.attrs import ORTH

from thesis_analysis.nlp import read_token_arrays


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
