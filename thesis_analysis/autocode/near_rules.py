"""Near patterns: every group of words within a window, in one sentence.

A near rule fires once per sentence where each of its groups has a key: the first occurrence
of the first group (in text order: by start, then end) whose nearest occurrence of every other
group (by start; on a tie the earlier, then the shorter) keeps all of them within ``window``
words gives the hit.

Near groups are made of common words («mål», «for», «får»), so a doc has many more group
occurrences than places where a rule can fire. The work is therefore done in two steps, both
in compiled code called once per sentence by :mod:`thesis_analysis.autocode.rules`:

1. **Which rules are complete in the sentence**: each group of each rule is one bit (a rule's
   groups share one 64-bit word); the sentence's bits are the OR of its keys' bits, and a rule
   is complete where all its bits are set.
2. **Where** — only for the complete rules: the rule's group occurrences in the sentence are
   gathered, and each first-group occurrence in turn looks for the nearest occurrence of every
   other group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from thesis_analysis.autocode.array_kernels import find_run_end, search_part, sort_part

WORD_BITS = 64


@dataclass(frozen=True)
class CompiledNearRule:
    """A near pattern: the code it gives, its rule label, the keys of each group and the
    window in words."""

    code: int
    rule: int
    groups: tuple[tuple[int, ...], ...]
    window: int


class NearArrays(NamedTuple):
    """The near rules as arrays, for compiled code.

    ``code``, ``label``, ``window``, ``groups`` (the number of groups) and ``bits`` (the bits
    of its groups in its 64-bit word) have one entry per rule; the rules of word ``w`` are
    ``word_ptr[w]:word_ptr[w + 1]``. ``key_bits[k, w]`` has the bits of every group key ``k``
    belongs to in word ``w``, ``rule_key_groups[r, k]`` bit ``g`` where key ``k`` is in group
    ``g`` of rule ``r``, and ``anchors[k]`` counts the rules with ``k`` in their first group.
    """

    code: np.ndarray
    label: np.ndarray
    window: np.ndarray
    groups: np.ndarray
    bits: np.ndarray
    word_ptr: np.ndarray
    key_bits: np.ndarray
    has_near: np.ndarray
    rule_key_groups: np.ndarray
    anchors: np.ndarray
    width: int


class NearTable:
    """All near rules of a codebook, as bit masks and arrays (:attr:`arrays`).

    Parameters
    ----------
    rules : the near rules.
    n_keys : the number of keys.
    """

    def __init__(self, rules: list[CompiledNearRule], n_keys: int) -> None:
        groups = np.array([len(r.groups) for r in rules], dtype=np.int64)
        width = int(groups.max(initial=1))
        if width > WORD_BITS:
            raise ValueError(f"a near rule has {width} groups; at most {WORD_BITS} work")
        word, shift = _pack_rules([len(r.groups) for r in rules])
        ones = (np.uint64(1) << groups.astype(np.uint64)) - np.uint64(1)
        n_words = int(word.max(initial=0)) + 1
        key_bits = np.zeros((n_keys, n_words), dtype=np.uint64)
        rule_key_groups = np.zeros((len(rules), n_keys), dtype=np.uint64)
        anchors = np.zeros(n_keys, dtype=np.int64)
        for number, rule in enumerate(rules):
            for group, keys in enumerate(rule.groups):
                for key in keys:
                    key_bits[key, word[number]] |= np.uint64(1) << (shift[number] + group)
                    rule_key_groups[number, key] |= np.uint64(1) << np.uint64(group)
            anchors[list(set(rule.groups[0]))] += 1
        self.width = width
        self.arrays = NearArrays(
            code=np.array([r.code for r in rules], dtype=np.int64),
            label=np.array([r.rule for r in rules], dtype=np.int64),
            window=np.array([r.window for r in rules], dtype=np.int64),
            groups=groups,
            bits=ones << shift,
            word_ptr=np.searchsorted(word, np.arange(n_words + 1)).astype(np.int64),
            key_bits=key_bits,
            has_near=key_bits.any(axis=1),
            rule_key_groups=rule_key_groups,
            anchors=anchors,
            width=width,
        )


def _pack_rules(sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Give each rule ``sizes[r]`` consecutive bits in one 64-bit word; return the word of
    each rule (never decreasing) and the position of its first bit there."""
    words, shifts, word, used = [], [], 0, 0
    for size in sizes:
        if used + size > WORD_BITS:
            word, used = word + 1, 0
        words.append(word)
        shifts.append(used)
        used += size
    return np.array(words, dtype=np.int64), np.array(shifts, dtype=np.uint64)


@njit(cache=True)
def find_near_hits(
    near: NearArrays,
    key: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    sentence: np.ndarray,
    excluded: np.ndarray,
    hits: np.ndarray,
    pieces: np.ndarray,
    count: int,
) -> int:
    """Compiled: write the near hits of a doc's matches (sorted by start) from entry
    ``count`` on into ``hits`` (rows of code, rule, start, end) and ``pieces``; return the
    new count. Rules of codes where ``excluded[sentence, code]`` do not fire."""
    # The arrays are taken out of the NamedTuple once: reading one costs reference counting.
    code, label, window, groups, bits = near.code, near.label, near.window, near.groups, near.bits
    word_ptr, key_bits, has_near = near.word_ptr, near.key_bits, near.has_near
    rule_key_groups = near.rule_key_groups
    presence = np.zeros(key_bits.shape[1], dtype=np.uint64)
    located = np.empty(len(key) * near.width, dtype=np.int64)  # scratch for _locate
    bounds = np.empty(near.width + 1, dtype=np.int64)
    low = 0
    while low < len(key):
        high = find_run_end(sentence, low)
        presence[:] = 0
        for index in range(low, high):
            if has_near[key[index]]:
                for word in range(len(presence)):
                    presence[word] |= key_bits[key[index], word]
        for word in range(len(presence)):
            if presence[word] & (presence[word] - np.uint64(1)) == 0:
                continue  # one bit or none: every rule has two groups or more
            for rule in range(word_ptr[word], word_ptr[word + 1]):
                if presence[word] & bits[rule] != bits[rule] or excluded[sentence[low], code[rule]]:
                    continue
                span = _locate(
                    rule_key_groups, rule, groups[rule], key, start, end, low, high, located,
                    bounds,
                )  # fmt: skip
                lowest, highest = _fit(
                    located, bounds, span, groups[rule], window[rule], pieces, count
                )
                if lowest >= 0:
                    hits[count, 0], hits[count, 1] = code[rule], label[rule]
                    hits[count, 2], hits[count, 3] = lowest, highest
                    count += 1
                else:
                    pieces[count] = -1  # no anchor fitted: the row is left as unused rows are
        low = high
    return count


@njit(cache=True)
def _locate(
    rule_key_groups: np.ndarray,
    rule: int,
    groups: int,
    key: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    low: int,
    high: int,
    located: np.ndarray,
    bounds: np.ndarray,
) -> int:
    """Write the rule's group occurrences among matches ``low:high`` into ``located`` as
    ``start * span + end``, group by group (group ``g`` at ``bounds[g]:bounds[g + 1]``), each
    group sorted; return ``span`` (one more than the largest end)."""
    span = 0
    bounds[: groups + 1] = 0
    for index in range(low, high):
        span = max(span, end[index] + 1)
        member = rule_key_groups[rule, key[index]]
        for group in range(groups):
            bounds[group + 1] += (member >> np.uint64(group)) & np.uint64(1)
    for group in range(groups):
        bounds[group + 1] += bounds[group]
    for index in range(low, high):  # in start order, so each group's run is nearly sorted
        member = rule_key_groups[rule, key[index]]
        for group in range(groups):
            if (member >> np.uint64(group)) & np.uint64(1):
                located[bounds[group]] = start[index] * span + end[index]
                bounds[group] += 1
    for group in range(groups, 0, -1):  # back to the first entry of each group
        bounds[group] = bounds[group - 1]
    bounds[0] = 0
    for group in range(groups):
        sort_part(located, bounds[group], bounds[group + 1])
    return span


@njit(cache=True)
def _fit(
    located: np.ndarray,
    bounds: np.ndarray,
    span: int,
    groups: int,
    window: int,
    pieces: np.ndarray,
    row: int,
) -> tuple[int, int]:
    """Try the anchors (group 0, by start and end) in turn; write the pieces of the first
    whose nearest occurrences of the other groups fit in ``window`` into ``pieces[row]`` and
    return the token span of all of them (``(-1, -1)`` if none fits)."""
    for anchor in range(bounds[0], bounds[1]):
        at = located[anchor] // span
        lowest, highest = at, located[anchor] % span
        pieces[row, 0, 0], pieces[row, 0, 1] = lowest, highest
        for group in range(1, groups):
            chosen = _find_nearest(located, bounds[group], bounds[group + 1], span, at)
            first, last = located[chosen] // span, located[chosen] % span
            lowest, highest = min(lowest, first), max(highest, last)
            pieces[row, group, 0], pieces[row, group, 1] = first, last
        if highest - lowest - 1 <= window:
            return lowest, highest
    return -1, -1


@njit(cache=True)
def _find_nearest(located: np.ndarray, low: int, high: int, span: int, at: int) -> int:
    """Of the occurrences ``located[low:high]`` (one group's, sorted, never none), the one
    whose start is nearest ``at``: the first at or after it or the last before it (on a tie
    of distance the one before), the shortest of those with that start."""
    after = search_part(located, low, high, at * span)
    if after == low:
        return after
    before_start = located[after - 1] // span
    before = search_part(located, low, after, before_start * span)  # its shortest
    if after == high or at - before_start <= located[after] // span - at:
        return before
    return after
