"""The one door to the toolkit's lemma lexicon (its module path may move).

The lexicon (bokmål from Norsk Ordbank, nynorsk from simplemma) also lists proper nouns (``kari``,
``oslo``), so a word counts as *ordinary* only when it is a stop word, a listed common word,
or a form of a lemma with at least three forms (``sol``, ``solen``, ``solene``): proper nouns
have one or two (``kari``, ``karis``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MIN_FORMS = 3


@dataclass(frozen=True)
class Lexicon:
    """Lower-case word forms the detector treats as known.

    Attributes
    ----------
    ordinary : common words: stop words, inflecting lemmas' forms, the listed common words.
    known : every form of the lemma table (including proper nouns).
    stop : the stop words (pronouns and other closed-class words: ``Vi sendte`` is no name).
    """

    ordinary: frozenset[str]
    known: frozenset[str]
    stop: frozenset[str] = frozenset()


def load_lemma_forms() -> tuple[dict[str, str], frozenset[str]]:
    """The lemma table (form → lemma) and the stop words: the only use of ``lemmas``."""
    from spacy.lang.nb.stop_words import STOP_WORDS

    from thesis_analysis.nlp.lemma_table import load_lemma_table

    return load_lemma_table(), frozenset(STOP_WORDS)


def build_lexicon(
    table: dict[str, str], stop_words: frozenset[str], ordinary_words: frozenset[str]
) -> Lexicon:
    """Classify the forms of ``table`` into ordinary and known (see the module docstring)."""
    forms_per_lemma = Counter(table.values())
    ordinary = {form for form, lemma in table.items() if forms_per_lemma[lemma] >= MIN_FORMS}
    ordinary |= stop_words | ordinary_words
    return Lexicon(frozenset(ordinary), frozenset(table) | frozenset(ordinary), stop_words)


def load_lexicon(ordinary_words: frozenset[str]) -> Lexicon:
    """Read the lemma lexicon (about 2 s) and build the :class:`Lexicon`; call once a run."""
    table, stop_words = load_lemma_forms()
    return build_lexicon(table, stop_words, ordinary_words)
