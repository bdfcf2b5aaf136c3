"""Finding the codebook's terms and phrases in a doc, in one compiled pass over its tokens.

Every distinct term, phrase and exclusion of the codebook is one *key*. A key is found where
one of its word sequences stands in the text (see :class:`KeyPattern`): the words' lemmas, the
words as written compared with the text's lemmas, or — for compound-aware keys — the stemmed
compound head (``NORM``) of each word, where a phrase's words before the last must still match
as written or as lemma. Matching works like spaCy's ``PhraseMatcher`` on those attributes: at
each token, one hash look-up per kind of pattern (lemma or norm, one word or the first two)
gives the candidates, and each is checked word by word, in compiled code (numba), so no
Python runs per token or per match. ``tests/test_autocode_match.py`` builds the two
``PhraseMatcher`` s from the same patterns and checks that both find the same keys at the same
places.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from thesis_analysis.nlp.hash_lookup import HashTable, probe
from thesis_analysis.nlp.pipeline import TokenArrays


@dataclass(frozen=True)
class KeyPattern:
    """One word sequence that finds a key.

    Attributes
    ----------
    key : the key (dense number) found.
    on_norm : compare ``words`` with the tokens' ``NORM`` (stemmed compound head) instead of
        their ``LEMMA``.
    words : one string hash per word.
    leading : for ``on_norm`` patterns of several words, the (as written, lemma) hashes each
        word before the last must have, as written or as lemma.
    """

    key: int
    on_norm: bool
    words: tuple[int, ...]
    leading: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class TokenTable(TokenArrays):
    """A doc's :class:`~thesis_analysis.nlp.pipeline.TokenArrays` with what the rules add to them.

    Attributes
    ----------
    negation : True where the word is a negation word.
    sentence : the number of each token's sentence (0, 1, …).
    sentence_first : the index of the first token of each sentence.
    """

    negation: np.ndarray
    sentence: np.ndarray
    sentence_first: np.ndarray


@dataclass(frozen=True)
class Matches:
    """Where keys were found, sorted by start (a key found by two of its patterns at one
    place is listed twice; the rules do not mind).

    Attributes
    ----------
    key, start, end : the key and its token span ``start:end``.
    sentence : the sentence of the first token.
    """

    key: np.ndarray
    start: np.ndarray
    end: np.ndarray
    sentence: np.ndarray


PAIR_FACTOR = np.uint64(0x9E3779B97F4A7C15)  # odd; mixes two word hashes into one
# One salt per kind of pattern (lemma or norm, one word or more), so that one table holds all.
KIND_SALTS = np.array(
    [0, 0x5851F42D4C957F2D, 0x14057B7EF767814F, 0x2545F4914F6CDD1D], dtype=np.uint64
)


class PatternArrays(NamedTuple):
    """The patterns as arrays, one row per pattern, for the compiled matcher.

    ``words`` has one column per word (0 after a pattern's last word), ``leading`` one
    (as written, lemma) pair per word; ``slots``, ``positions`` and ``mask`` are a
    :class:`~thesis_analysis.nlp.hash_lookup.HashTable` of the patterns' look-up hashes
    (:func:`_hash_start`), and the rows of the hash at position ``p`` are
    ``rows[run_start[p]:run_end[p]]``. ``prefilter`` has a bit per value of a look-up
    hash's top :data:`FILTER_BITS` bits, set for those of the patterns: a token whose bit
    is not set needs no look-up (the bits fit in the fastest cache; the table does not).
    """

    key: np.ndarray
    length: np.ndarray
    on_norm: np.ndarray
    words: np.ndarray
    leading: np.ndarray
    slots: np.ndarray
    positions: np.ndarray
    mask: np.uint64
    run_start: np.ndarray
    run_end: np.ndarray
    rows: np.ndarray
    prefilter: np.ndarray


FILTER_BITS = 16


class PatternTable:
    """The patterns of all keys, indexed for look-up: one-word patterns by their word, longer
    ones by a hash of their first two words (so a common first word such as «det» does not
    make every «det» a candidate); both kinds, on lemma and on norm, in one hash table."""

    def __init__(self, patterns: list[KeyPattern]) -> None:
        width = max((len(p.words) for p in patterns), default=1)
        words = np.zeros((len(patterns), width), dtype=np.uint64)
        leading = np.zeros((len(patterns), width, 2), dtype=np.uint64)
        for row, pattern in enumerate(patterns):
            words[row, : len(pattern.words)] = pattern.words
            for column, pair in enumerate(pattern.leading):
                leading[row, column] = pair
        length = np.array([len(p.words) for p in patterns], dtype=np.int64)
        on_norm = np.array([p.on_norm for p in patterns], dtype=bool)
        second = words[:, min(1, width - 1)]
        hashes = _hash_start(words[:, 0], second, on_norm, length > 1)
        order = np.argsort(hashes, kind="stable")
        distinct, run_start = np.unique(hashes[order], return_index=True)
        table = HashTable(distinct)
        self.arrays = PatternArrays(
            key=np.array([p.key for p in patterns], dtype=np.int64),
            length=length,
            on_norm=on_norm,
            words=words,
            leading=leading,
            slots=table.slots,
            positions=table.positions,
            mask=table.mask,
            run_start=run_start.astype(np.int64),
            run_end=np.append(run_start[1:], len(order)).astype(np.int64),
            rows=order.astype(np.int64),
            prefilter=_make_prefilter(hashes),
        )

    def find(self, tokens: TokenTable) -> Matches:
        """Every place a key's pattern stands in the doc of ``tokens``, sorted by start (each
        key once per span)."""
        capacity = len(tokens.lemma) + 16
        while True:  # rarely more than one round: most docs have fewer matches than tokens
            found = np.empty((3, capacity), dtype=np.int64)
            count = _find_matches(self.arrays, tokens.lemma, tokens.norm, tokens.lower, found)
            if count >= 0:
                key, start, end = found[:, :count]
                return Matches(key, start, end, tokens.sentence[start])
            capacity *= 4


def _make_prefilter(hashes: np.ndarray) -> np.ndarray:
    """The bits of :attr:`PatternArrays.prefilter` for the look-up ``hashes``."""
    top = (hashes >> np.uint64(64 - FILTER_BITS)).astype(np.int64)
    words = np.zeros(1 << (FILTER_BITS - 6), dtype=np.uint64)
    np.bitwise_or.at(words, top >> 6, np.uint64(1) << (top & 63).astype(np.uint64))
    return words


def _hash_start(
    first: np.ndarray, second: np.ndarray, on_norm: np.ndarray, several: np.ndarray
) -> np.ndarray:
    """The look-up hash of patterns (or of text positions) by their first word(s)."""
    kind = on_norm.astype(np.int64) * 2 + several.astype(np.int64)
    start = np.where(several, first * PAIR_FACTOR + second, first)
    return start ^ KIND_SALTS[kind]


@njit(cache=True)
def _find_matches(
    patterns: PatternArrays,
    lemma: np.ndarray,
    norm: np.ndarray,
    lower: np.ndarray,
    found: np.ndarray,
) -> int:
    """Compiled: write ``(key, start, end)`` of every match, by start, into the columns of
    ``found`` (shape ``(3, capacity)``); return how many, or -1 if they do not fit. At each
    token: the four look-ups (lemma or norm, one word or two), each candidate checked word by
    word. (No array variable is reassigned in the loop: that would cost reference counting
    on every pass.)"""
    slots, positions, mask = patterns.slots, patterns.positions, patterns.mask
    run_start, run_end, rows = patterns.run_start, patterns.run_end, patterns.rows
    words, leading, prefilter = patterns.words, patterns.leading, patterns.prefilter
    n, capacity, count = len(lemma), found.shape[1], 0
    for token in range(n):
        first_here = count
        for kind in range(4):
            on_norm, several = kind >= 2, kind % 2 == 1
            if several and token + 1 >= n:
                continue
            value = norm[token] if on_norm else lemma[token]
            if several:
                value = value * PAIR_FACTOR + (norm[token + 1] if on_norm else lemma[token + 1])
            value ^= KIND_SALTS[kind]
            top = value >> np.uint64(64 - FILTER_BITS)
            if not (prefilter[top >> np.uint64(6)] >> (top & np.uint64(63))) & np.uint64(1):
                continue
            position = probe(slots, positions, mask, value)
            if position < 0:
                continue
            for index in range(run_start[position], run_end[position]):
                row = rows[index]
                length = patterns.length[row]
                if patterns.on_norm[row] != on_norm or (length > 1) != several:
                    continue  # a salted hash met another kind's (possible, never seen)
                fits = token + length <= n
                for column in range(length if fits else 0):
                    at = token + column
                    fits = (norm[at] if on_norm else lemma[at]) == words[row, column]
                    if fits and on_norm and column < length - 1:  # as written or as lemma
                        written, base = leading[row, column, 0], leading[row, column, 1]
                        fits = lower[at] == written or lower[at] == base
                        fits = fits or lemma[at] == written or lemma[at] == base
                    if not fits:
                        break
                key, stop = patterns.key[row], token + length
                for earlier in range(first_here, count):  # each key once per span
                    fits = fits and (found[0, earlier] != key or found[2, earlier] != stop)
                if not fits:
                    continue
                if count == capacity:
                    return -1
                found[0, count], found[1, count], found[2, count] = key, token, stop
                count += 1
    return count
