"""The one place the spaCy pipeline is built.

``spacy.blank("nb")`` gives a good Norwegian tokenizer. Two components of ours follow it:

``nb_lemmas``
    sets ``token.lemma_`` from :mod:`thesis_analysis.lemmas`, and the lexeme's ``norm_`` to the
    Snowball stem of the word's compound head. Both are computed once per word type and written
    with ``Doc.from_array``, so the per-token cost is a dictionary look-up. The auto-coder's
    matchers run on ``LOWER``, ``LEMMA`` and ``NORM``.
``nb_sentences``
    sentence boundaries for Norwegian interview text: a sentence ends after ``.``, ``!``, ``?``,
    ``…`` or ``...`` (with any closing quotes or brackets that follow) when the next word does not
    start in lower case; an abbreviation that ends a sentence (``osv.``) ends it too, unless it is
    one that is usually followed by a name (``bl.a.``, ``f.eks.``). An opening « after a full stop
    starts the next sentence (spaCy's sentencizer attaches it to the previous one). A blank line
    always ends a sentence, and a sentence never starts with white space.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np
import spacy
from nltk.stem.snowball import SnowballStemmer
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from thesis_analysis.lemmas import Lemma, Lemmatizer, load_lemma_table

SENTENCE_END = frozenset({".", "!", "?", "…", "...", "..", "?!", "!?", "!!", "??"})
CLOSERS = frozenset({"»", "”", '"', "'", ")", "]", "’"})
ABBREVIATIONS_BEFORE_NAMES = frozenset(
    {"bl.a.", "f.eks.", "ca.", "dvs.", "jf.", "evt.", "nr.", "kl.", "st.", "dr.", "mht."}
)


class NbLemmas:
    """spaCy component: lemma per token, stemmed compound head as the lexeme's norm.

    The orth → lemma map is kept as two sorted numpy arrays (looked up with
    ``searchsorted``, no Python per token) plus a small dict of words met since the arrays
    were last rebuilt, merged into the arrays once it holds :attr:`MERGE_AT` words and a
    quarter of the arrays' size (so rebuilding stays rare as the vocabulary grows).
    """

    MERGE_AT = 256

    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self._vocab = nlp.vocab
        self._lemmatizer = lemmatizer
        self._stemmer = SnowballStemmer("norwegian")
        self._stems: dict[str, str] = {}
        self._keys = np.zeros(1, dtype=np.uint64)
        self._values = np.zeros(1, dtype=np.uint64)
        self._recent: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        orths = doc.to_array(ORTH)
        positions = np.searchsorted(self._keys, orths).clip(max=len(self._keys) - 1)
        found = self._keys[positions] == orths
        lemmas = self._values[positions]
        if not found.all():
            recent = self._recent
            for index in np.flatnonzero(~found).tolist():
                orth = int(orths[index])
                lemma = recent.get(orth)
                if lemma is None:
                    lemma = recent[orth] = self._register(orth)
                lemmas[index] = lemma
            if len(recent) >= max(self.MERGE_AT, len(self._keys) // 4):
                self._merge_recent()
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def analyse(self, word: str) -> Lemma:
        """The lemmatizer's analysis of one word (lemma, compound head, source)."""
        return self._lemmatizer.analyse(word)

    def _merge_recent(self) -> None:
        keys = np.concatenate([self._keys, np.fromiter(self._recent, dtype=np.uint64)])
        values = np.concatenate([self._values, np.fromiter(self._recent.values(), dtype=np.uint64)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], values[order]
        self._recent = {}

    def _register(self, orth: int) -> int:
        strings = self._vocab.strings
        word = strings[orth]
        analysis = self._lemmatizer.analyse(word)
        stem = self._stems.get(analysis.head)
        if stem is None:  # compounds share heads: stem each head once
            stem = self._stems[analysis.head] = self._stemmer.stem(analysis.head)
        self._vocab[orth].norm_ = stem
        return strings.add(analysis.lemma)


class NbSentences:
    """spaCy component: Norwegian sentence boundaries (see the module docstring)."""

    def __init__(self, nlp: Language) -> None:
        abbreviations = {key for key in nlp.tokenizer.rules if len(key) > 1 and key.endswith(".")}
        watched = frozenset(SENTENCE_END | abbreviations | {a.capitalize() for a in abbreviations})
        # A lexeme flag is computed once per word type, so finding candidates is vectorised.
        self._flag = nlp.vocab.add_flag(lambda text: text in watched or "\n\n" in text)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = np.full(n, -1, dtype=np.int64)
        starts[0] = 1
        for i in np.flatnonzero(doc.to_array(self._flag)).tolist():
            token = doc[i]
            j = i + 1
            if token.is_space:  # a blank line always ends a sentence
                while j < n and doc[j].is_space:
                    j += 1
                if j < n:
                    starts[j] = 1
                continue
            # Closing quotes and brackets stay with the sentence, up to a blank line.
            while (
                j < n
                and "\n\n" not in doc[j].text
                and (doc[j].is_space or doc[j].text in CLOSERS or doc[j].text in SENTENCE_END)
            ):
                j += 1
            if j >= n:
                continue
            if token.text not in SENTENCE_END and token.lower_ in ABBREVIATIONS_BEFORE_NAMES:
                continue
            following = doc[j]
            if following.text[:1].islower():
                continue
            if token.text not in SENTENCE_END and not following.text[:1].isupper():
                continue
            starts[j] = 1
        doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
        return doc


def list_sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``doc`` (after ``nb_sentences``),
    from the first character of a sentence's first word to the last of its last word; white
    space around a sentence is left out, and a sentence of white space only is dropped."""
    n = len(doc)
    if n == 0:
        return []
    table = doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE]).astype(np.int64)
    index = np.arange(n)
    words = table[:, 3] == 0
    last_word = np.maximum.accumulate(np.where(words, index, -1))
    next_word = np.minimum.accumulate(np.where(words, index, n)[::-1])[::-1]
    firsts = np.flatnonzero(table[:, 2] == 1)
    lasts = np.append(firsts[1:] - 1, n - 1)
    first_words, last_words = next_word[firsts], last_word[lasts]
    keep = first_words <= last_words
    starts = table[first_words[keep], 0]
    ends = table[last_words[keep], 0] + table[last_words[keep], 1]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


TEXT_SEPARATOR = "\n\n"


def join_texts(texts: list[str]) -> tuple[str, list[int]]:
    """Join ``texts`` with blank lines; return the text and where each one starts."""
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(TEXT_SEPARATOR)
    return TEXT_SEPARATOR.join(texts), starts


def batch_texts(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """``texts`` in lists of ``size`` (the last one shorter)."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def pipe_joined(
    nlp: Language, texts: Iterable[str], texts_per_doc: int = 64, disable: Sequence[str] = ()
) -> Iterator[tuple[Doc, str, list[int]]]:
    """Process many short texts ``texts_per_doc`` at a time as one doc each.

    Per-doc costs (the Python parts of the pipeline and the matchers) dominate for short texts;
    joining them with blank lines, which always end a sentence, keeps every sentence inside
    one text. Yields ``(doc, joined text, start offset of each text in it)``.
    """
    joined = (join_texts(batch) for batch in batch_texts(texts, texts_per_doc))
    pairs = ((text, (text, starts)) for text, starts in joined)
    for doc, (text, starts) in nlp.pipe(pairs, batch_size=4, as_tuples=True, disable=list(disable)):
        yield doc, text, starts


@Language.factory("nb_lemmas")
def make_nb_lemmas(nlp: Language, name: str) -> NbLemmas:
    """Factory for :class:`NbLemmas` (the lemma table is loaded once per process)."""
    return NbLemmas(nlp, Lemmatizer(_load_table_once()))


@Language.factory("nb_sentences")
def make_nb_sentences(nlp: Language, name: str) -> NbSentences:
    """Factory for :class:`NbSentences`."""
    return NbSentences(nlp)


@lru_cache(maxsize=1)
def _load_table_once() -> dict[str, str]:
    return load_lemma_table()


def build_pipeline() -> Language:
    """Build a fresh pipeline: blank ``nb`` tokenizer, our lemmas and sentence boundaries."""
    nlp = spacy.blank("nb")
    nlp.add_pipe("nb_lemmas")
    nlp.add_pipe("nb_sentences")
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """Return the process-wide pipeline, built on first use."""
    return build_pipeline()
