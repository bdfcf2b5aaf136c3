"""Finding the codebook's terms and phrases in a doc, with numpy over whole token arrays.

Every distinct term, phrase and exclusion of the codebook is one *key*. A key is found where
one of its word sequences stands in the text (see :class:`Pattern`): the words' lemmas, the
words as written compared with the text's lemmas, or — for compound-aware keys — the stemmed
compound head (``NORM``) of each word, where a phrase's words before the last must still match
as written or as lemma. Matching works like spaCy's ``PhraseMatcher`` on those attributes, but
runs as a few numpy operations per doc, so its cost does not grow with the number of matches
handled in Python (there are none). ``tests/test_autocode_match.py`` builds the two
``PhraseMatcher`` s from the same patterns and checks that both find the same keys at the same
places.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thesis_analysis.hash_lookup import HashTable
from thesis_analysis.nlp import TokenArrays


@dataclass(frozen=True)
class Pattern:
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
    """A doc's :class:`~thesis_analysis.nlp.TokenArrays` with what the rules add to them.

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


class PatternTable:
    """The patterns of all keys, indexed for vectorised look-up: one-word patterns by their
    word, longer ones by a hash of their first two words (so a common first word such as
    «det» does not make every «det» a candidate)."""

    def __init__(self, patterns: list[Pattern], n_keys: int) -> None:
        self.n_keys = n_keys
        width = max((len(p.words) for p in patterns), default=1)
        self.key = np.array([p.key for p in patterns], dtype=np.int64)
        self.length = np.array([len(p.words) for p in patterns], dtype=np.int64)
        self.on_norm = np.array([p.on_norm for p in patterns], dtype=bool)
        self.words = np.zeros((len(patterns), width), dtype=np.uint64)
        self.leading = np.zeros((len(patterns), width, 2), dtype=np.uint64)
        for row, pattern in enumerate(patterns):
            self.words[row, : len(pattern.words)] = pattern.words
            for column, pair in enumerate(pattern.leading):
                self.leading[row, column] = pair
        self.width = width
        first = self.words[:, 0]
        pairs = _hash_pairs(first, self.words[:, min(1, width - 1)])
        self.lookups = {
            on_norm: (
                HashLookup(first, np.flatnonzero((self.on_norm == on_norm) & (self.length == 1))),
                HashLookup(pairs, np.flatnonzero((self.on_norm == on_norm) & (self.length > 1))),
            )
            for on_norm in (False, True)
        }

    def find(self, tokens: TokenTable) -> Matches:
        """Every place a key's pattern stands in the doc of ``tokens``, sorted by start."""
        n = len(tokens.lemma)
        starts, rows = [], []
        found_on_lemma = np.full(n, -1, dtype=np.int64)
        for on_norm, (words, pairs) in self.lookups.items():
            values = tokens.norm if on_norm else tokens.lemma
            token, row = words.find(values)
            if on_norm:  # a key found on its lemma there already need not be listed again
                keep = found_on_lemma[token] != self.key[row]
                token, row = token[keep], row[keep]
            else:
                found_on_lemma[token] = self.key[row]
            starts.append(token)
            rows.append(row)
            token, row = pairs.find(_hash_pairs(values[:-1], values[1:]))
            fits = token + self.length[row] <= n
            token, row = token[fits], row[fits]
            keep = self._check_words(tokens, token, row)
            starts.append(token[keep])
            rows.append(row[keep])
        start, row = np.concatenate(starts), np.concatenate(rows)
        order = np.argsort(start, kind="stable")  # merges the sorted runs
        start, row = start[order], row[order]
        return Matches(self.key[row], start, start + self.length[row], tokens.sentence[start])

    def _check_words(self, tokens: TokenTable, token: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Which candidates of several words match in every word (and, on norm, as written or
        as lemma in every word before the last); one row per candidate, one column per word."""
        column = np.arange(self.width)
        length = self.length[row][:, None]
        inside = column < length
        at = np.where(inside, token[:, None] + column, 0)
        on_norm = self.on_norm[row][:, None]
        values = np.where(on_norm, tokens.norm[at], tokens.lemma[at])
        keep = ~inside | (values == self.words[row])
        leading = on_norm & (column < length - 1)
        allowed = self.leading[row]
        written, lemma = tokens.lower[at], tokens.lemma[at]
        keep &= ~leading | (
            (written == allowed[..., 0])
            | (written == allowed[..., 1])
            | (lemma == allowed[..., 0])
            | (lemma == allowed[..., 1])
        )
        return keep.all(axis=1)


class HashLookup:
    """Rows of a table found by a hash: ``find(values)`` gives ``(index, row)`` for every
    value and every row with that hash."""

    def __init__(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(hashes[rows], kind="stable")
        ordered = hashes[rows][order]
        hashes, self.run_start = np.unique(ordered, return_index=True)
        self.run_end = np.append(self.run_start[1:], len(ordered)).astype(np.int64)
        self.rows = rows[order]
        self.first_rows = self.rows[self.run_start]
        self.shared = self.run_end - self.run_start > 1  # hashes of two rows or more
        self.table = HashTable(hashes)

    def find(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(index into values, row)`` of every hit, the first row of each hash first."""
        position = self.table.find(values)
        index = np.flatnonzero(position >= 0)
        position = position[index]
        first = (index, self.first_rows[position])
        if not self.shared.any():
            return first
        more = np.flatnonzero(self.shared[position])
        owner, row = expand_ranges(self.run_start[position[more]] + 1, self.run_end[position[more]])
        return np.concatenate([index, index[more[owner]]]), np.concatenate(
            [first[1], self.rows[row]]
        )


def _hash_pairs(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One hash for two word hashes (a collision only costs a candidate that is checked)."""
    return first * PAIR_FACTOR + second


def expand_ranges(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``low[i]:high[i]``, the owner ``i`` and the index of every element in them.

    >>> expand_ranges(np.array([0, 5, 2]), np.array([2, 5, 3]))
    (array([0, 0, 2]), array([0, 1, 2]))
    """
    counts = high - low
    owner = np.repeat(np.arange(len(low)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(low, counts) + offsets


def is_member(values: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_unique`` (a sorted array without repeats)."""
    if len(sorted_unique) == 0:
        return np.zeros(len(values), dtype=bool)
    position = np.searchsorted(sorted_unique, values).clip(max=len(sorted_unique) - 1)
    return sorted_unique[position] == values
