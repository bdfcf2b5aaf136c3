"""Applying the codebook's rules to the key matches of one doc, with numpy.

The rule semantics are those of ``docs/codebook-format.md``; everything is per sentence:

- an **exclusion** key in a sentence stops all rules of its code there;
- a **term** or plain **phrase** key gives its codes a hit at each place it is found;
- a **wildcard phrase** is found as its parts, each starting the right number of words after
  the end of the one before, all in one sentence;
- **negation**: for a code with negation handling, a negation word among the three words
  before a term or phrase (in its sentence, and not inside it) blocks the hit or turns it into
  a hit of the flip code, spanning from the negation word;
- a **near** rule fires once per sentence where each of its groups has a key: the first
  occurrence of the first group (in text order) whose nearest occurrence of every other group
  (by start; on a tie the earlier one, then the shorter) keeps all of them within ``window``
  words gives the hit.

Rule data is kept in arrays indexed by key (``CSR`` style: the entries of key ``k`` are
``ptr[k]:ptr[k + 1]``), so that one doc's matches expand to all the rules they wake in a few
vectorised steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thesis_analysis.autocode_match import Matches, TokenTable, expand_ranges, is_member
from thesis_analysis.autocode_near import NearRule, NearTable

NEGATION_WINDOW = 3
NO_NEGATION, BLOCK, FLIP = 0, 1, 2


@dataclass(frozen=True)
class WildRule:
    """A phrase with ``*``: the keys of its parts and the words skipped between them."""

    code: int
    rule: int
    parts: tuple[int, ...]
    gaps: tuple[int, ...]


@dataclass(frozen=True)
class TokenHits:
    """Rules that fired in one doc, one entry per hit, as token spans.

    Attributes
    ----------
    code, rule : numbers of the code given and of the rule's label.
    start, end : the token span of the evidence.
    pieces : for near hits, the token spans ``(start, end)`` of the words found for each
        group (rows of shape ``(groups, 2)``, ``-1`` where the rule has fewer groups); for
        other hits ``-1`` throughout (the evidence is the span itself).
    """

    code: np.ndarray
    rule: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pieces: np.ndarray


class KeyIndex:
    """Entries grouped by key: ``entries(keys)`` expands each key to its entries' rows."""

    def __init__(self, keys: list[int], n_keys: int) -> None:
        ordered = np.asarray(keys, dtype=np.int64)
        self.order = np.argsort(ordered, kind="stable")
        self.ptr = np.searchsorted(ordered[self.order], np.arange(n_keys + 1))

    def take(self, values: list[int]) -> np.ndarray:
        """``values`` (one per entry, in the order given) in key order."""
        return np.asarray(values, dtype=np.int64)[self.order]

    def expand(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each entry of each key in ``keys``: the position in ``keys`` and the row."""
        return expand_ranges(self.ptr[keys], self.ptr[keys + 1])


class RuleTable:
    """All rules of a codebook, compiled to arrays.

    Parameters
    ----------
    n_keys, n_codes, n_rules : the numbers of keys, codes and rule labels.
    singles : ``(key, code, rule)`` of every term and plain phrase.
    excludes : ``(key, code)`` of every exclusion.
    wild, near : the wildcard phrases and near patterns.
    negation : per code, ``(mode, flip code)``, mode one of ``NO_NEGATION``, ``BLOCK``,
        ``FLIP``.
    negated_rule : per rule label, the number of its ``negated:`` label (or -1).
    """

    def __init__(
        self,
        n_keys: int,
        n_codes: int,
        singles: list[tuple[int, int, int]],
        excludes: list[tuple[int, int]],
        wild: list[WildRule],
        near: list[NearRule],
        negation: list[tuple[int, int]],
        negated_rule: list[int],
    ) -> None:
        self.n_codes = n_codes
        self.single = KeyIndex([k for k, _, _ in singles], n_keys)
        self.single_code = self.single.take([c for _, c, _ in singles])
        self.single_rule = self.single.take([r for _, _, r in singles])
        self.exclude = KeyIndex([k for k, _ in excludes], n_keys)
        self.exclude_code = self.exclude.take([c for _, c in excludes])
        self.wild = KeyIndex([w.parts[0] for w in wild], n_keys)
        self.wild_code = self.wild.take([w.code for w in wild])
        self.wild_rule = self.wild.take([w.rule for w in wild])
        size = max((len(w.parts) for w in wild), default=1)
        self.wild_parts = self.wild.take([_pad(w.parts, size, -1) for w in wild]).reshape(-1, size)
        self.is_later_part = np.zeros(n_keys, dtype=bool)
        self.is_later_part[[k for w in wild for k in w.parts[1:]]] = True
        self.wild_gaps = self.wild.take([_pad(w.gaps, size, 0) for w in wild]).reshape(-1, size)
        self.near = NearTable(near, n_keys, n_codes)
        self.width = self.near.width
        self.negation_mode = np.array([m for m, _ in negation], dtype=np.int64)
        self.negation_code = np.array([c for _, c in negation], dtype=np.int64)
        self.negated_rule = np.asarray(negated_rule, dtype=np.int64)

    def apply(self, matches: Matches, tokens: TokenTable) -> TokenHits:
        """The hits of every rule on one doc's matches."""
        excluded = self._find_excluded(matches)
        plain = self._find_plain(matches, tokens, excluded)
        near = self.near.find(matches, len(tokens.lemma), len(tokens.sentence_first), excluded)
        return TokenHits(*(np.concatenate(pair) for pair in zip(plain, near, strict=True)))

    def _find_excluded(self, matches: Matches) -> np.ndarray:
        """Sorted ``sentence * n_codes + code`` of every code excluded in a sentence."""
        owner, row = self.exclude.expand(matches.key)
        return np.unique(matches.sentence[owner] * self.n_codes + self.exclude_code[row])

    def _find_plain(
        self, matches: Matches, tokens: TokenTable, excluded: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        owner, row = self.single.expand(matches.key)
        parts = [
            (
                self.single_code[row],
                self.single_rule[row],
                matches.start[owner],
                matches.end[owner],
                matches.sentence[owner],
            )
        ]
        parts.extend(self._find_wild(matches, len(tokens.lemma)))
        code, rule, start, end, sentence = (
            np.concatenate(column) for column in zip(*parts, strict=True)
        )
        keep = ~is_member(sentence * self.n_codes + code, excluded)
        code, rule, start, end, sentence = (a[keep] for a in (code, rule, start, end, sentence))
        code, rule, start, keep = self._negate(tokens, code, rule, start, end, sentence)
        code, rule, start, end = code[keep], rule[keep], start[keep], end[keep]
        pieces = np.full((len(code), self.width, 2), -1, dtype=np.int64)
        return code, rule, start, end, pieces

    def _find_wild(self, matches: Matches, n: int) -> list[tuple[np.ndarray, ...]]:
        """Hits of the wildcard phrases: parts found one after the other, right gaps apart,
        all starting in one sentence."""
        owner, row = self.wild.expand(matches.key)
        if not len(row):
            return []
        start, end, sentence = matches.start[owner], matches.end[owner], matches.sentence[owner]
        later = np.flatnonzero(self.is_later_part[matches.key])  # the matches of later parts
        if not len(later):  # every wildcard phrase has two parts or more
            return []
        located = matches.key[later] * (n + 1) + matches.start[later]
        order = later[np.argsort(located, kind="stable")]
        located = np.sort(located)
        for part in range(1, self.wild_parts.shape[1]):
            active = self.wild_parts[row, part] >= 0
            wanted = self.wild_parts[row, part] * (n + 1) + end + self.wild_gaps[row, part - 1]
            position = np.searchsorted(located, wanted).clip(max=len(located) - 1)
            following = order[position]
            found = (located[position] == wanted) & (matches.sentence[following] == sentence)
            keep = ~active | found
            end = np.where(active, matches.end[following], end)
            row, start, end, sentence = row[keep], start[keep], end[keep], sentence[keep]
        return [(self.wild_code[row], self.wild_rule[row], start, end, sentence)]

    def _negate(
        self,
        tokens: TokenTable,
        code: np.ndarray,
        rule: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        sentence: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        """Apply each code's negation handling; return code, rule, start and which to keep."""
        keep = np.ones(len(code), dtype=bool)
        mode = self.negation_mode[code]
        negations = np.flatnonzero(tokens.negation)
        if not (mode != NO_NEGATION).any() or not len(negations):
            return code, rule, start, keep
        following = np.searchsorted(negations, start)  # the first negation at or after start
        inside = np.searchsorted(negations, end) > following
        before = np.where(following > 0, negations[np.maximum(following - 1, 0)], -1)
        lowest = np.maximum(tokens.sentence_first[sentence], start - NEGATION_WINDOW)
        negated = (mode != NO_NEGATION) & ~inside & (before >= lowest)
        keep = ~(negated & (mode == BLOCK))
        flip = negated & (mode == FLIP)
        code = np.where(flip, self.negation_code[code], code)
        rule = np.where(flip, self.negated_rule[rule], rule)
        start = np.where(flip, before, start)
        return code, rule, start, keep


def _pad(values: tuple[int, ...], size: int, filler: int) -> list[int]:
    return [*values, *[filler] * (size - len(values))]
