"""Key matching with numpy finds what spaCy's ``PhraseMatcher`` finds on the same patterns.

The auto-coder does not run spaCy's matchers (they would cost more than tokenizing the text),
so this test builds them — one ``PhraseMatcher`` on ``LEMMA`` and one on ``NORM``, with the
patterns the codebook's keys stand for — and checks that :class:`PatternTable` finds exactly
the same keys at the same places on the whole corpus and on a random stretch of its words.
"""

from __future__ import annotations

import random

import pytest
from spacy.matcher import PhraseMatcher

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.segments import segment_corpus
from thesis_analysis.nlp.pipeline import read_token_arrays


@pytest.fixture(scope="module")
def coder(nlp, project_root) -> AutoCoder:
    return AutoCoder(load_codebook(project_root / "codebook.yaml"), nlp)


def find_with_phrase_matchers(coder: AutoCoder, doc) -> set[tuple[int, int]]:
    """``(key, start)`` of every match, as spaCy's matchers give them."""
    nlp = coder.nlp
    lemmas = nlp.get_pipe("nb_lemmas")
    on_lemma, on_norm = PhraseMatcher(nlp.vocab, attr="LEMMA"), PhraseMatcher(nlp.vocab, "NORM")
    leading: dict[int, list[set[int]]] = {}
    for key, number in coder._keys.items():
        text = key.removeprefix("=").strip()
        lemma_doc = lemmas(nlp.make_doc(text))
        written = nlp.make_doc(text)
        for token in written:
            token.lemma_ = token.lower_
        on_lemma.add(str(number), [lemma_doc, written])
        last = lemmas.analyse(lemma_doc[-1].text)
        if not key.startswith("=") and last.lemma == last.head:
            on_norm.add(str(number), [lemma_doc])
            leading[number] = [{t.lower, t.lemma} for t in lemma_doc[:-1]]
    strings = nlp.vocab.strings
    found = {(int(strings[m]), s) for m, s, _ in on_lemma(doc)}
    for match_id, start, _ in on_norm(doc):
        number = int(strings[match_id])
        words = doc[start : start + len(leading[number])]
        if all(t.lower in w or t.lemma in w for t, w in zip(words, leading[number], strict=True)):
            found.add((number, start))
    return found


def find_with_arrays(coder: AutoCoder, text: str) -> set[tuple[int, int]]:
    tokens = coder._read_tokens(read_token_arrays(coder.nlp, coder.nlp.make_doc(text)))
    matches = coder._pattern_table.find(tokens)
    return set(zip(matches.key.tolist(), matches.start.tolist(), strict=True))


def test_the_corpus_gives_the_same_matches(coder: AutoCoder, project_root) -> None:
    corpus = load_corpus(project_root / "transcripts")
    text = "\n\n".join(segment_corpus(corpus)["text"])
    expected = find_with_phrase_matchers(coder, coder.nlp(text))
    assert len(expected) > 5000
    assert find_with_arrays(coder, text) == expected


def test_random_word_salad_gives_the_same_matches(coder: AutoCoder, project_root) -> None:
    words = [w for key in coder._keys for w in key.removeprefix("=").split()]
    endings = ["", "", "en", "et", "er", "ene", "a"]
    rng = random.Random(7)
    text = " ".join(
        rng.choice(["ikke", "for", "og", "Det", ".", ",", "«", "»"])
        if rng.random() < 0.2
        else rng.choice(["", "", "arbeids", "kvalitets"]) + rng.choice(words) + rng.choice(endings)
        for _ in range(20_000)
    )
    expected = find_with_phrase_matchers(coder, coder.nlp(text))
    assert find_with_arrays(coder, text) == expected
