"""The ``nb_lemmas`` component: lemmas and stemmed compound heads, looked up per word type."""

from __future__ import annotations

import numpy as np
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from thesis_analysis.nlp.hash_lookup import HashTable
from thesis_analysis.nlp.lemmas import Lemma, Lemmatizer
from thesis_analysis.nlp.stemmer import NorwegianStemmer

FACTS = ("lemma", "norm", "lower", "length")  # the columns of NbLemmas.facts


class NbLemmas:
    """spaCy component: lemma per token, stemmed compound head as the lexeme's norm.

    Each word type is analysed once, when first met, and its facts are kept in one row of
    :attr:`facts` (columns :data:`FACTS`: the hashes of its lemma, of the Snowball stem of its
    compound head — also set as the lexeme's ``norm_`` — and of its lower-case form, and its
    length). A doc's rows are found from its ``ORTH`` array with a :class:`HashTable`; words
    met since the table was last built wait in a small dict until there are
    :attr:`MERGE_AT` of them and a quarter of the table's size (so rebuilding stays rare as
    the vocabulary grows). No Python runs per token of a known word.
    """

    MERGE_AT = 256

    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self._vocab = nlp.vocab
        self._lemmatizer = lemmatizer
        self._stemmer = NorwegianStemmer()
        self._stems: dict[str, str] = {}
        self._orths = np.zeros(1024, dtype=np.uint64)  # the word of each row
        self._facts = np.zeros((1024, len(FACTS)), dtype=np.uint64)
        self._count = 0
        self._table = HashTable(self._orths[:0])
        self._recent: dict[int, int] = {}  # orth → row, for rows not yet in the table

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        lemmas = self.find_lemmas(doc.to_array(ORTH))
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def find_lemmas(self, orths: np.ndarray) -> np.ndarray:
        """The lemma hash (``uint64``) of each word of ``orths`` (orth hashes of ``nlp.vocab``).

        A word met for the first time is analysed and registered: its lemma is added to the
        string store and its lexeme's ``norm_`` set to the stem of its compound head.
        """
        return self.find_facts(orths)[:, 0]

    def find_facts(self, orths: np.ndarray) -> np.ndarray:
        """The facts (one row of :data:`FACTS` columns, ``uint64``) of each word of ``orths``,
        registering new words as :meth:`find_lemmas` does."""
        rows = self.find_rows(orths)  # may grow the table: read it after
        return self._facts[rows]

    @property
    def facts(self) -> np.ndarray:
        """The facts table (columns :data:`FACTS`, a row per word type met); rows found by
        :meth:`find_rows` index it until the next call."""
        return self._facts

    def find_rows(self, orths: np.ndarray) -> np.ndarray:
        """The row of :attr:`facts` of each word of ``orths``, registering new words as
        :meth:`find_lemmas` does."""
        orths = np.ascontiguousarray(orths, dtype=np.uint64)
        rows = self._table.find(orths)
        missing = np.flatnonzero(rows < 0)
        if len(missing):
            words, where = np.unique(orths[missing], return_inverse=True)
            recent = self._recent
            found = [recent.get(w) for w in words.tolist()]
            for number, word in enumerate(words.tolist()):
                if found[number] is None:
                    found[number] = recent[word] = self._register(word)
            rows[missing] = np.asarray(found, dtype=np.int64)[where]
            if len(recent) >= max(self.MERGE_AT, len(self._table.hashes) // 4):
                self._table, self._recent = HashTable(self._orths[: self._count]), {}
        return rows

    def analyse(self, word: str) -> Lemma:
        """The lemmatizer's analysis of one word (lemma, compound head, source)."""
        return self._lemmatizer.analyse(word)

    def _register(self, orth: int) -> int:
        """Analyse a new word, store its facts in a new row and return the row."""
        strings = self._vocab.strings
        word = strings[orth]
        analysis = self._lemmatizer.analyse(word)
        stem = self._stems.get(analysis.head)
        if stem is None:  # compounds share heads: stem each head once
            stem = self._stems[analysis.head] = self._stemmer.stem(analysis.head)
        lexeme = self._vocab[orth]
        lexeme.norm_ = stem
        if self._count == len(self._orths):
            self._orths = np.concatenate([self._orths, np.zeros_like(self._orths)])
            self._facts = np.concatenate([self._facts, np.zeros_like(self._facts)])
        row, self._count = self._count, self._count + 1
        self._orths[row] = orth
        self._facts[row] = (strings.add(analysis.lemma), lexeme.norm, lexeme.lower, len(word))
        return row
