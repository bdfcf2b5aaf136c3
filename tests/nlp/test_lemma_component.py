"""The ``nb_lemmas`` word table: its facts are the ones spaCy's own attributes give."""

from __future__ import annotations

import numpy as np
from spacy.attrs import ORTH

from thesis_analysis.nlp.lemma_component import FACTS

TEXT = (
    "Målekortene og resultatmålene telles hver måned. Tavlemøtene i NAV-kontoret, "
    "f.eks. på mandager, gir «trykk» – ikke alltid kvalitet! Aktivitetstellingen2014 😊"
)


def test_facts_match_the_attributes_of_a_processed_doc(nlp) -> None:
    doc = nlp(TEXT)
    facts = nlp.get_pipe("nb_lemmas").find_facts(doc.to_array(ORTH))
    expected = {
        "lemma": [t.lemma for t in doc],
        "norm": [nlp.vocab[t.orth].norm for t in doc],
        "lower": [t.lower for t in doc],
        "length": [len(t.text) for t in doc],
    }
    for column, name in enumerate(FACTS):
        assert facts[:, column].tolist() == expected[name], name


def test_new_words_are_registered_once_and_found_after_a_rebuild(nlp) -> None:
    lemmas = nlp.get_pipe("nb_lemmas")
    words = [f"prøveord{n}ene" for n in range(lemmas.MERGE_AT * 3)]
    first = lemmas.find_lemmas(nlp.make_doc(" ".join(words)).to_array(ORTH))
    again = lemmas.find_lemmas(nlp.make_doc(" ".join(reversed(words))).to_array(ORTH))
    assert again.tolist() == first[::-1].tolist()
    assert np.unique(first).size == len(words)


def test_a_doc_of_more_new_words_than_the_table_holds_gets_their_own_facts() -> None:
    from thesis_analysis.nlp.pipeline import build_pipeline

    nlp = build_pipeline()  # a fresh table of 1,024 rows, which these words overflow
    words = [f"nyord{n}tellingene" for n in range(3000)]
    facts = nlp.get_pipe("nb_lemmas").find_facts(nlp.make_doc(" ".join(words)).to_array(ORTH))
    lengths = facts[:, FACTS.index("length")].tolist()
    assert lengths == [len(w) for w in words]
