"""Applying the codebook's rules to the key matches of one doc, in compiled code.

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
``ptr[k]:ptr[k + 1]``), and one compiled function (numba) walks a doc's matches sentence by
sentence, so the cost per match is a few array reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from thesis_analysis.autocode.array_kernels import find_run_end
from thesis_analysis.autocode.matching import Matches, TokenTable
from thesis_analysis.autocode.near_rules import CompiledNearRule, NearTable, find_near_hits

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


class RuleArrays(NamedTuple):
    """The rules other than near rules, as arrays by key, for compiled code.

    The terms and plain phrases of key ``k`` are entries ``single_ptr[k]:single_ptr[k + 1]``
    of ``single_code`` and ``single_rule``; its exclusions those of ``exclude_code``; the
    wildcard phrases it starts those of ``wild_code``, ``wild_rule``, ``wild_parts`` (the keys
    of the parts, ``-1`` after the last) and ``wild_gaps`` (the words skipped after each
    part). ``negation_mode``/``negation_code`` are per code, ``negated_rule`` per rule label.
    """

    single_ptr: np.ndarray
    single_code: np.ndarray
    single_rule: np.ndarray
    exclude_ptr: np.ndarray
    exclude_code: np.ndarray
    wild_ptr: np.ndarray
    wild_code: np.ndarray
    wild_rule: np.ndarray
    wild_parts: np.ndarray
    wild_gaps: np.ndarray
    negation_mode: np.ndarray
    negation_code: np.ndarray
    negated_rule: np.ndarray


class RuleTable:
    """All rules of a codebook, compiled to arrays.

    Parameters
    ----------
    n_keys, n_codes : the numbers of keys and codes.
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
        near: list[CompiledNearRule],
        negation: list[tuple[int, int]],
        negated_rule: list[int],
    ) -> None:
        self.n_codes = n_codes
        single_ptr, single_order = _index_by_key([k for k, _, _ in singles], n_keys)
        exclude_ptr, exclude_order = _index_by_key([k for k, _ in excludes], n_keys)
        wild_ptr, wild_order = _index_by_key([w.parts[0] for w in wild], n_keys)
        size = max((len(w.parts) for w in wild), default=1)
        self.near = NearTable(near, n_keys)
        self.width = self.near.width
        self.arrays = RuleArrays(
            single_ptr=single_ptr,
            single_code=_take([c for _, c, _ in singles], single_order),
            single_rule=_take([r for _, _, r in singles], single_order),
            exclude_ptr=exclude_ptr,
            exclude_code=_take([c for _, c in excludes], exclude_order),
            wild_ptr=wild_ptr,
            wild_code=_take([w.code for w in wild], wild_order),
            wild_rule=_take([w.rule for w in wild], wild_order),
            wild_parts=_take([_pad(w.parts, size, -1) for w in wild], wild_order, size),
            wild_gaps=_take([_pad(w.gaps, size, 0) for w in wild], wild_order, size),
            negation_mode=np.array([m for m, _ in negation], dtype=np.int64),
            negation_code=np.array([c for _, c in negation], dtype=np.int64),
            negated_rule=np.asarray(negated_rule, dtype=np.int64),
        )
        # The most hits a match of each key can give: its terms, phrases and anchors.
        self._most_hits = (
            np.diff(single_ptr) + np.diff(wild_ptr) + self.near.arrays.anchors
        ).astype(np.int64)

    def apply(self, matches: Matches, tokens: TokenTable) -> TokenHits:
        """The hits of every rule on one doc's matches."""
        bound = int(self._most_hits[matches.key].sum())
        hits = np.empty((bound, 4), dtype=np.int64)
        pieces = np.full((bound + 1, self.width, 2), -1, dtype=np.int64)  # + a row to try in
        rules, key, sentence = self.arrays, matches.key, matches.sentence
        excluded = _find_excluded(
            rules.exclude_ptr, rules.exclude_code, key, sentence, len(tokens.sentence_first),
            self.n_codes,
        )  # fmt: skip
        count = _apply_plain_rules(
            rules, key, matches.start, matches.end, sentence, excluded, tokens.negation,
            tokens.sentence_first, hits,
        )  # fmt: skip
        count = find_near_hits(
            self.near.arrays, key, matches.start, matches.end, sentence, excluded, hits, pieces,
            count,
        )  # fmt: skip
        code, rule, start, end = hits[:count].T
        return TokenHits(code, rule, start, end, pieces[:count])


# Compiled code. Arrays are taken out of the NamedTuples once, at the top of each function:
# reading a NamedTuple's array costs reference counting, too much to do per match.


@njit(cache=True)
def _find_excluded(
    exclude_ptr: np.ndarray,
    exclude_code: np.ndarray,
    key: np.ndarray,
    sentence: np.ndarray,
    n_sentences: int,
    n_codes: int,
) -> np.ndarray:
    """Compiled: ``excluded[s, c]`` is True where an exclusion of code ``c`` is in sentence
    ``s``."""
    excluded = np.zeros((n_sentences, n_codes), dtype=np.bool_)
    for index in range(len(key)):
        for entry in range(exclude_ptr[key[index]], exclude_ptr[key[index] + 1]):
            excluded[sentence[index], exclude_code[entry]] = True
    return excluded


@njit(cache=True)
def _apply_plain_rules(
    rules: RuleArrays,
    key: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    sentence: np.ndarray,
    excluded: np.ndarray,
    negation: np.ndarray,
    sentence_first: np.ndarray,
    hits: np.ndarray,
) -> int:
    """Compiled: write the hits of terms, plain phrases and wildcard phrases into ``hits``
    (rows of code, rule, start, end); return how many."""
    single_ptr, single_code, single_rule = rules.single_ptr, rules.single_code, rules.single_rule
    wild_ptr, wild_code, wild_rule = rules.wild_ptr, rules.wild_code, rules.wild_rule
    parts, gaps = rules.wild_parts, rules.wild_gaps
    mode, flip_code, negated_rule = rules.negation_mode, rules.negation_code, rules.negated_rule
    count, low = 0, 0
    while low < len(key):
        high = find_run_end(sentence, low)
        here = sentence[low]
        first_word = sentence_first[here]
        for index in range(low, high):
            k, begin = key[index], start[index]
            for entry in range(single_ptr[k], single_ptr[k + 1]):
                code, rule = single_code[entry], single_rule[entry]
                if not excluded[here, code]:
                    count = _add_hit(
                        code, rule, begin, end[index], negation, first_word, mode, flip_code,
                        negated_rule, hits, count,
                    )  # fmt: skip
            for wild in range(wild_ptr[k], wild_ptr[k + 1]):
                code, rule = wild_code[wild], wild_rule[wild]
                stop = _follow_wild(parts, gaps, wild, end[index], key, start, end, low, high)
                if stop >= 0 and not excluded[here, code]:
                    count = _add_hit(
                        code, rule, begin, stop, negation, first_word, mode, flip_code,
                        negated_rule, hits, count,
                    )  # fmt: skip
        low = high
    return count


@njit(cache=True)
def _follow_wild(
    parts: np.ndarray,
    gaps: np.ndarray,
    wild: int,
    stop: int,
    key: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    low: int,
    high: int,
) -> int:
    """The end of wildcard phrase ``wild`` (``parts``: the keys of its parts, ``-1`` after
    the last; ``gaps``: the words skipped after each) whose first part ends at ``stop``: each
    later part must be found in the sentence (matches ``low:high``) the right number of words
    on; -1 if one is not."""
    for part in range(1, parts.shape[1]):
        if parts[wild, part] < 0:
            break
        at = stop + gaps[wild, part - 1]
        stop = -1
        for index in range(low, high):
            if start[index] == at and key[index] == parts[wild, part]:
                stop = end[index]
                break
        if stop < 0:
            return -1
    return stop


@njit(cache=True)
def _add_hit(
    code: int,
    rule: int,
    start: int,
    end: int,
    negation: np.ndarray,
    first_word: int,
    mode: np.ndarray,
    flip_code: np.ndarray,
    negated_rule: np.ndarray,
    hits: np.ndarray,
    count: int,
) -> int:
    """Write a hit at ``count`` unless its code's negation handling (``mode``, ``flip_code``
    by code, ``negated_rule`` by rule) blocks it (a flip changes code, rule and start);
    return the new count."""
    if mode[code] != NO_NEGATION:
        before = _find_negation(negation, first_word, start, end)
        if before >= 0 and mode[code] == BLOCK:
            return count
        if before >= 0:
            code, rule, start = flip_code[code], negated_rule[rule], before
    hits[count, 0], hits[count, 1], hits[count, 2], hits[count, 3] = code, rule, start, end
    return count + 1


@njit(cache=True)
def _find_negation(negation: np.ndarray, first_word: int, start: int, end: int) -> int:
    """The negation word among the :data:`NEGATION_WINDOW` words before ``start`` (not
    before ``first_word``, the sentence's first), the nearest one, if none is in
    ``start:end``; else -1."""
    for token in range(start, end):
        if negation[token]:
            return -1
    for token in range(start - 1, max(first_word, start - NEGATION_WINDOW) - 1, -1):
        if negation[token]:
            return token
    return -1


def _index_by_key(keys: list[int], n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, order)``: entries in key order, those of key ``k`` at ``ptr[k]:ptr[k + 1]``."""
    ordered = np.asarray(keys, dtype=np.int64)
    order = np.argsort(ordered, kind="stable")
    return np.searchsorted(ordered[order], np.arange(n_keys + 1)).astype(np.int64), order


def _take(values: list, order: np.ndarray, width: int = 0) -> np.ndarray:
    """``values`` (one per entry, in the order given) in key order; rows of ``width``."""
    taken = np.asarray(values, dtype=np.int64)[order] if values else np.zeros(0, np.int64)
    return taken.reshape(-1, width) if width else taken


def _pad(values: tuple[int, ...], size: int, filler: int) -> list[int]:
    return [*values, *[filler] * (size - len(values))]
