"""Norwegian lemmas (bokmål and nynorsk) without a trained model.

spaCy's own ``nb`` lookup table is nearly empty, so lemmas come from the merged table of
:mod:`thesis_analysis.nlp.lemma_table` (bokmål inflection tables of Norsk Ordbank, nynorsk
forms from simplemma). Where a bokmål form belongs to several parts of speech the first of
noun, verb, adjective, adverb wins (``målene`` → ``mål``); this is a known source of error for
forms like ``telte`` (verb «å telte», past of «å telle»), which rule authors can list both ways.

Words the table does not know are analysed as compounds: the longest known suffix (at least
three letters, with a prefix of at least three letters that may end in a linking ``s`` or
``e``) is lemmatised and the prefix kept, so ``målekortene`` → ``målekort`` with head ``kort``
and ``aktivitetstellingen`` → ``aktivitetstelling`` with head ``telling``. Words that are neither
known nor compounds of known words fall back to NLTK's Snowball stemmer for Norwegian.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spacy.lang.nb.stop_words import STOP_WORDS

from thesis_analysis.nlp.stemmer import NorwegianStemmer

MIN_PART = 3


@dataclass(frozen=True)
class Lemma:
    """How the lemmatizer analysed one word form.

    Attributes
    ----------
    lemma : the dictionary form (lowercase); for a compound, prefix + lemma of the head.
    head : the lemma of the compound's last element, or ``lemma`` when not a compound.
    source : ``lexicon``, ``compound``, ``stem``, ``stopword`` (kept as they are: closed-class
        words are not inflected, and the lexicon mislabels some, e.g. ``vi``) or ``other``.
    """

    lemma: str
    head: str
    source: str


class Lemmatizer:
    """Lemmatize Norwegian word forms with a lexicon, compound analysis and a stemmer.

    Results are cached per lowercase form, so each word type is analysed once.
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = table
        self._stemmer = NorwegianStemmer()
        self._cache: dict[str, Lemma] = {}

    def analyse(self, word: str) -> Lemma:
        """Return the :class:`Lemma` of ``word`` (any case)."""
        lower = word.lower()
        found = self._cache.get(lower)
        if found is None:
            found = self._analyse_new(lower)
            self._cache[lower] = found
        return found

    def lemmatize(self, word: str) -> str:
        """Return the lemma of ``word``."""
        return self.analyse(word).lemma

    def _analyse_new(self, lower: str) -> Lemma:
        if lower in STOP_WORDS:
            return Lemma(lower, lower, "stopword")
        known = self._table.get(lower)
        if known is not None:
            return Lemma(known, known, "lexicon")
        if not any(ch.isalpha() for ch in lower):
            return Lemma(lower, lower, "other")
        if "-" in lower and not lower.startswith("-") and not lower.endswith("-"):
            prefix, _, last = lower.rpartition("-")
            head = self.analyse(last)
            return Lemma(f"{prefix}-{head.lemma}", head.head, "compound")
        compound = self._split_compound(lower)
        if compound is not None:
            return compound
        stem = self._stemmer.stem(lower)
        return Lemma(stem, stem, "stem")

    def _split_compound(self, lower: str) -> Lemma | None:
        table = self._table
        for cut in range(MIN_PART, len(lower) - MIN_PART + 1):
            if lower[cut:] in table and self._is_compound_prefix(lower[:cut]):
                break
        else:
            return None
        linked = cut + 1
        if (
            lower[cut] == "s"
            and len(lower) - linked >= MIN_PART
            and lower[linked:] in table
            and self._is_compound_prefix(lower[:linked])
        ):
            cut += 1  # prefer the linking s: aktivitets|telling, not aktivitet|stelling
        suffix = table[lower[cut:]]
        return Lemma(lower[:cut] + suffix, suffix, "compound")

    def _is_compound_prefix(self, prefix: str) -> bool:
        if prefix in self._table:
            return True
        return prefix[-1] in "se" and len(prefix) > MIN_PART and prefix[:-1] in self._table
