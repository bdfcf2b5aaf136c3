"""The one place the spaCy pipeline is built.

``spacy.blank("nb")`` gives a good Norwegian tokenizer. Two components of ours follow it:

``nb_lemmas`` (:mod:`thesis_analysis.nlp.lemma_component`)
    sets ``token.lemma_`` from :mod:`thesis_analysis.nlp.lemmas`, and the lexeme's ``norm_`` to the
    Snowball stem of the word's compound head. Both are computed once per word type and kept in
    a table looked up with one compiled hash look-up per doc, so no Python runs per token.
    The auto-coder matches on lemma, lower case and norm.
``nb_sentences`` (:mod:`thesis_analysis.nlp.sentence_component`)
    sentence boundaries for Norwegian interview text: a sentence ends after ``.``, ``!``, ``?``,
    ``…`` or ``...`` (with any closing quotes or brackets that follow) when the next word does not
    start in lower case; an abbreviation that ends a sentence (``osv.``) ends it too, unless it is
    one that is usually followed by a name (``bl.a.``, ``f.eks.``). An opening « after a full stop
    starts the next sentence (spaCy's sentencizer attaches it to the previous one). A blank line
    always ends a sentence, and a sentence never starts with white space.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import spacy
from numba import njit
from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from thesis_analysis.nlp.lemma_component import FACTS, NbLemmas
from thesis_analysis.nlp.lemma_table import load_lemma_table
from thesis_analysis.nlp.lemmas import Lemmatizer
from thesis_analysis.nlp.sentence_component import NbSentences


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


MAX_TEXT_CHARS = 10_000_000  # the pipeline's max_length: see build_pipeline
MAX_JOINED_CHARS = 500_000  # texts are joined into docs of at most this many characters


def batch_texts(
    texts: Iterable[str], size: int, max_chars: int = MAX_JOINED_CHARS
) -> Iterator[list[str]]:
    """``texts`` in lists of ``size``, or fewer where their characters would pass
    ``max_chars`` (a longer text is a list of its own)."""
    batch: list[str] = []
    chars = 0
    for text in texts:
        if batch and (len(batch) == size or chars + len(text) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(text)
        chars += len(text) + len(TEXT_SEPARATOR)
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


@dataclass(frozen=True)
class TokenArrays:
    """Per-token facts of one doc, as numpy arrays of equal length.

    Attributes
    ----------
    lemma, norm, lower : string hashes (``uint64``) of the lemma, of the stemmed compound head
        and of the lower-case form (the lexeme's norm and lower).
    sentence_start : True where a sentence starts.
    char_start, char_end : character offsets of each token in the doc's text.
    """

    lemma: np.ndarray
    norm: np.ndarray
    lower: np.ndarray
    sentence_start: np.ndarray
    char_start: np.ndarray
    char_end: np.ndarray


def read_token_arrays(nlp: Language, doc: Doc) -> TokenArrays:
    """What ``nb_lemmas`` and ``nb_sentences`` give ``doc``, as arrays, for a doc made by the
    tokenizer alone: the components' own look-ups, without writing into the doc (reading two
    columns of a doc costs less than writing two and reading six)."""
    table = doc.to_array([ORTH, SPACY])
    orths = np.ascontiguousarray(table[:, 0])
    lemmas = nlp.get_pipe("nb_lemmas")
    rows = lemmas.find_rows(orths)
    lemma, norm, lower, char_start, char_end = _gather_facts(
        lemmas.facts, rows, np.ascontiguousarray(table[:, 1])
    )
    return TokenArrays(
        lemma=lemma,
        norm=norm,
        lower=lower,
        sentence_start=nlp.get_pipe("nb_sentences").find_starts(orths),
        char_start=char_start,
        char_end=char_end,
    )


_LEMMA, _NORM, _LOWER, _LENGTH = (FACTS.index(c) for c in ("lemma", "norm", "lower", "length"))


@njit(cache=True)
def _gather_facts(
    facts: np.ndarray, rows: np.ndarray, spaces: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Compiled: lemma, norm and lower case of each token from its row of ``facts``
    (columns :data:`~thesis_analysis.nlp.lemma_component.FACTS`), and its character offsets from
    the lengths and the spaces after the tokens before it."""
    n = len(rows)
    lemma, norm, lower = np.empty(n, np.uint64), np.empty(n, np.uint64), np.empty(n, np.uint64)
    char_start, char_end = np.empty(n, np.int64), np.empty(n, np.int64)
    at = 0
    for i in range(n):
        row = rows[i]
        lemma[i], norm[i], lower[i] = facts[row, _LEMMA], facts[row, _NORM], facts[row, _LOWER]
        char_start[i] = at
        at += np.int64(facts[row, _LENGTH])
        char_end[i] = at
        at += np.int64(spaces[i])
    return lemma, norm, lower, char_start, char_end


def pipe_token_arrays(
    nlp: Language, texts: Iterable[str], texts_per_doc: int = 64
) -> Iterator[tuple[TokenArrays, str, list[int]]]:
    """Like :func:`pipe_joined`, but yield :func:`read_token_arrays` of each joined doc
    instead of the doc: ``(arrays, joined text, start offset of each text in it)``."""
    for batch in batch_texts(texts, texts_per_doc):
        text, starts = join_texts(batch)
        yield read_token_arrays(nlp, nlp.make_doc(text)), text, starts


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
    """Build a fresh pipeline: blank ``nb`` tokenizer, our lemmas and sentence boundaries.

    spaCy refuses texts over ``max_length`` characters (1,000,000 by default) because its
    parser and entity recogniser need about 1 GB per 100,000 characters; this pipeline has
    neither, so the limit is raised to :data:`MAX_TEXT_CHARS` (a text of that length takes
    a few GB as a doc).
    """
    nlp = spacy.blank("nb")
    nlp.max_length = MAX_TEXT_CHARS
    nlp.add_pipe("nb_lemmas")
    nlp.add_pipe("nb_sentences")
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """Return the process-wide pipeline, built on first use."""
    return build_pipeline()
