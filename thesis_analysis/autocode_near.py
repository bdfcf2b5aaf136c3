"""Near patterns: every group of words within a window, in one sentence.

A near rule fires once per sentence where each of its groups has a key: the first occurrence
of the first group (in text order) whose nearest occurrence of every other group (by start;
on a tie the earlier, then the shorter) keeps all of them within ``window`` words gives the
hit.

Near groups are made of common words («mål», «for», «får»), so a doc has many more group
occurrences than places where a rule can fire. The work is therefore done in two steps:

1. **Which rules are complete in which sentence**: each group of each rule is one bit
   (a rule's groups share one 64-bit word); a sentence's bits are the OR of its keys' bits,
   and a rule is complete where all its bits are set.
2. **Where** — only for the complete (rule, sentence) pairs: the group occurrences of the
   pair's sentence are gathered, sorted, and each first-group occurrence looks up the nearest
   occurrence of every other group with ``searchsorted``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thesis_analysis.autocode_match import Matches, expand_ranges, is_member

WORD_BITS = 64


@dataclass(frozen=True)
class NearRule:
    """A near pattern: the code it gives, its rule label, the keys of each group and the
    window in words."""

    code: int
    rule: int
    groups: tuple[tuple[int, ...], ...]
    window: int


class NearTable:
    """All near rules of a codebook, as bit masks and arrays.

    Parameters
    ----------
    rules : the near rules.
    n_keys, n_codes : the numbers of keys and codes.
    """

    def __init__(self, rules: list[NearRule], n_keys: int, n_codes: int) -> None:
        self.n_codes = n_codes
        self.code = np.array([r.code for r in rules], dtype=np.int64)
        self.label = np.array([r.rule for r in rules], dtype=np.int64)
        self.window = np.array([r.window for r in rules], dtype=np.int64)
        self.groups = np.array([len(r.groups) for r in rules], dtype=np.int64)
        self.width = int(self.groups.max(initial=1))
        if self.width > WORD_BITS:
            raise ValueError(f"a near rule has {self.width} groups; at most {WORD_BITS} work")
        self.word, shift = _pack_rules([len(r.groups) for r in rules])
        ones = (np.uint64(1) << self.groups.astype(np.uint64)) - np.uint64(1)
        self.bits = ones << shift  # the bits of each rule's groups in its word
        n_words = int(self.word.max(initial=0)) + 1
        self.key_bits = np.zeros((n_keys, n_words), dtype=np.uint64)  # in the packed words
        self.rule_key_groups = np.zeros((len(rules), n_keys), dtype=np.uint64)  # bit g: group g
        for number, rule in enumerate(rules):
            for group, keys in enumerate(rule.groups):
                for key in keys:
                    self.key_bits[key, self.word[number]] |= np.uint64(1) << (shift[number] + group)
                    self.rule_key_groups[number, key] |= np.uint64(1) << np.uint64(group)
        self.has_near = self.key_bits.any(axis=1)
        self.rules_by_word = [np.flatnonzero(self.word == w) for w in range(n_words)]

    def find(
        self, matches: Matches, n: int, n_sentences: int, excluded: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """Near hits as ``(code, rule, start, end, pieces)``; ``excluded`` holds the sorted
        ``sentence * n_codes + code`` of codes excluded in a sentence."""
        relevant = self.has_near[matches.key]
        key, sentence = matches.key[relevant], matches.sentence[relevant]
        start, end = matches.start[relevant], matches.end[relevant]
        pair_sentence, pair_rule = self._find_complete(key, sentence, n_sentences)
        keep = ~is_member(pair_sentence * self.n_codes + self.code[pair_rule], excluded)
        pair_sentence, pair_rule = pair_sentence[keep], pair_rule[keep]
        # The occurrences of each pair's groups: its sentence's matches, by group.
        pair, index = expand_ranges(
            np.searchsorted(sentence, pair_sentence, side="left"),
            np.searchsorted(sentence, pair_sentence, side="right"),
        )
        bits = self.rule_key_groups[pair_rule[pair], key[index]]
        members = [np.flatnonzero((bits >> np.uint64(g)) & np.uint64(1)) for g in range(self.width)]
        entry = np.concatenate(members)
        group = np.repeat(np.arange(self.width), [len(m) for m in members])
        place = pair[entry]  # one number per complete (rule, sentence)
        return self._find_hits(place, group, start[index[entry]], end[index[entry]], pair_rule, n)

    def _find_complete(
        self, key: np.ndarray, sentence: np.ndarray, n_sentences: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(sentence, rule)`` of every rule with all groups present in a sentence."""
        presence = np.zeros((n_sentences, self.key_bits.shape[1]), dtype=np.uint64)
        if len(key):
            firsts = np.flatnonzero(np.diff(sentence, prepend=-1))
            presence[sentence[firsts]] = np.bitwise_or.reduceat(self.key_bits[key], firsts)
        sentences, rules = [], []
        for word, members in enumerate(self.rules_by_word):  # one 64-bit word at a time
            # Every rule has two groups or more, so only sentences with two bits can complete one.
            candidates = np.flatnonzero(np.bitwise_count(presence[:, word]) >= 2)
            bits = self.bits[members]
            found, rule = np.nonzero((presence[candidates, word, None] & bits) == bits)
            sentences.append(candidates[found])
            rules.append(members[rule])
        sentence, rule = np.concatenate(sentences), np.concatenate(rules)
        order = np.argsort(sentence, kind="stable")
        return sentence[order], rule[order]

    def _find_hits(
        self,
        place: np.ndarray,
        group: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        place_rule: np.ndarray,
        n: int,
    ) -> tuple[np.ndarray, ...]:
        """The first fitting anchor of each place (see the module docstring)."""
        bucket = place * self.width + group
        located = bucket * (n + 1) + start
        order = np.lexsort((end, located))
        bucket, located, start, end = bucket[order], located[order], start[order], end[order]
        anchor = np.flatnonzero(bucket % self.width == 0)
        anchor_place = bucket[anchor] // self.width
        rule = place_rule[anchor_place]
        pieces = np.full((len(anchor), self.width, 2), -1, dtype=np.int64)
        pieces[:, 0, 0], pieces[:, 0, 1] = start[anchor], end[anchor]
        first, last = start[anchor], end[anchor]
        for other in range(1, self.width):
            active = self.groups[rule] > other
            wanted = anchor_place * self.width + other
            chosen = _find_nearest(bucket, located, start, wanted, start[anchor], n)
            chosen_start = np.where(active, start[chosen], first)
            chosen_end = np.where(active, end[chosen], last)
            first, last = np.minimum(first, chosen_start), np.maximum(last, chosen_end)
            pieces[active, other, 0] = chosen_start[active]
            pieces[active, other, 1] = chosen_end[active]
        fits = np.flatnonzero(last - first - 1 <= self.window[rule])
        _, firsts = np.unique(anchor_place[fits], return_index=True)
        hit = fits[firsts]
        return self.code[rule[hit]], self.label[rule[hit]], first[hit], last[hit], pieces[hit]


def _pack_rules(sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Give each rule ``sizes[r]`` consecutive bits in one 64-bit word; return the word of
    each rule and the position of its first bit there."""
    words, shifts, word, used = [], [], 0, 0
    for size in sizes:
        if used + size > WORD_BITS:
            word, used = word + 1, 0
        words.append(word)
        shifts.append(used)
        used += size
    return np.array(words, dtype=np.int64), np.array(shifts, dtype=np.uint64)


def _find_nearest(
    bucket: np.ndarray,
    located: np.ndarray,
    start: np.ndarray,
    wanted: np.ndarray,
    anchor_start: np.ndarray,
    n: int,
) -> np.ndarray:
    """Row of the entry of bucket ``wanted`` whose start is nearest ``anchor_start`` (on a
    tie the earlier, then the shorter); rows are sorted by bucket, start and end, and
    ``located`` is ``bucket * (n + 1) + start``. Where the bucket is empty, any row (the
    caller masks those)."""
    last_row = len(located) - 1
    position = np.searchsorted(located, wanted * (n + 1) + anchor_start)
    after = position.clip(max=last_row)
    has_after = (position <= last_row) & (bucket[after] == wanted)
    before = (position - 1).clip(min=0)
    before = np.searchsorted(located, located[before])  # the shortest with that start
    has_before = (position >= 1) & (bucket[before] == wanted)
    take_before = has_before & (
        ~has_after | (anchor_start - start[before] <= start[after] - anchor_start)
    )
    return np.where(take_before, before, after)
