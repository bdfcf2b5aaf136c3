"""Near rules on hand-made matches: bit packing, the window, the nearest occurrence, one hit
per sentence, exclusions. No spaCy: keys, token spans and sentences are written out here."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.near_rules import (
    WORD_BITS,
    CompiledNearRule,
    NearTable,
    _pack_rules,
    find_near_hits,
)

TELLE, AKTIVITET, MAAL, KORT, OTHER = 0, 1, 2, 3, 4  # keys
N_KEYS = 5


def near_hits(
    rules: list[CompiledNearRule],
    matches: list[tuple[int, int, int, int]],
    excluded: list[tuple[int, int]] = (),
    n_codes: int = 3,
) -> tuple[list[tuple[int, int, int, int]], list[list[list[int]]]]:
    """The (code, rule, start, end) hits and their pieces for matches (key, start, end,
    sentence), given in start order."""
    table = NearTable(rules, N_KEYS)
    key, start, end, sentence = (np.array(c, dtype=np.int64) for c in zip(*matches, strict=True))
    n_sentences = int(sentence.max()) + 1
    blocked = np.zeros((n_sentences, n_codes), dtype=np.bool_)
    for s, c in excluded:
        blocked[s, c] = True
    bound = len(matches) * len(rules) + 1
    hits = np.full((bound, 4), -7, dtype=np.int64)
    pieces = np.full((bound + 1, table.width, 2), -1, dtype=np.int64)
    count = find_near_hits(table.arrays, key, start, end, sentence, blocked, hits, pieces, 0)
    return [tuple(int(v) for v in row) for row in hits[:count]], pieces[:count].tolist()


PAIR = CompiledNearRule(code=1, rule=7, groups=((TELLE,), (AKTIVITET,)), window=3)


@pytest.mark.parametrize(
    ("sizes", "words", "shifts"),
    [
        ([2, 3], [0, 0], [0, 2]),
        ([40, 30], [0, 1], [0, 0]),  # 70 bits do not fit one word
        ([63, 1], [0, 0], [0, 63]),  # exactly 64
        ([64, 1, 2], [0, 1, 1], [0, 0, 1]),
        ([], [], []),
    ],
)
def test_pack_rules_gives_each_rule_consecutive_bits_in_one_word(sizes, words, shifts) -> None:
    word, shift = _pack_rules(sizes)
    assert word.tolist() == words
    assert shift.tolist() == shifts


def test_near_table_arrays() -> None:
    three = CompiledNearRule(
        code=2, rule=8, groups=((MAAL,), (KORT, AKTIVITET), (TELLE,)), window=5
    )
    arrays = NearTable([PAIR, three], N_KEYS).arrays
    # PAIR has bits 0-1 of word 0, the three-group rule bits 2-4.
    assert arrays.bits.tolist() == [0b11, 0b11100]
    assert arrays.word_ptr.tolist() == [0, 2]
    assert arrays.key_bits[:, 0].tolist() == [
        0b1 | 0b10000,  # TELLE: group 0 of PAIR, group 2 of the other
        0b10 | 0b1000,  # AKTIVITET: group 1 of both
        0b100,  # MAAL
        0b1000,  # KORT
        0,  # OTHER is in no group
    ]
    assert arrays.has_near.tolist() == [True, True, True, True, False]
    assert arrays.rule_key_groups[1].tolist() == [0b100, 0b10, 0b1, 0b10, 0]
    assert arrays.anchors.tolist() == [1, 0, 1, 0, 0]
    assert arrays.groups.tolist() == [2, 3] and arrays.width == 3
    assert arrays.code.tolist() == [1, 2] and arrays.label.tolist() == [7, 8]
    assert arrays.window.tolist() == [3, 5]


def test_an_anchor_listed_twice_in_its_group_counts_once() -> None:
    rule = CompiledNearRule(0, 0, ((TELLE, TELLE), (AKTIVITET,)), 2)
    assert NearTable([rule], N_KEYS).arrays.anchors.tolist() == [1, 0, 0, 0, 0]


def test_more_groups_than_bits_in_a_word_is_refused() -> None:
    groups = tuple((k % N_KEYS,) for k in range(WORD_BITS + 1))
    with pytest.raises(ValueError, match=f"{WORD_BITS + 1} groups; at most {WORD_BITS}"):
        NearTable([CompiledNearRule(0, 0, groups, 3)], N_KEYS)


def test_no_rules_make_an_empty_table() -> None:
    table = NearTable([], N_KEYS)
    assert table.width == 1
    assert table.arrays.anchors.tolist() == [0] * N_KEYS
    assert not table.arrays.has_near.any()


# The window counts the words from the first word's start to the last word's start:
# highest end - lowest start - 1 <= window (one-word pieces), as in docs/codebook-format.md.
@pytest.mark.parametrize(
    ("matches", "window", "expected"),
    [
        # telle at 1, aktivitet at 3: 4 - 1 - 1 = 2 <= 3
        ([(TELLE, 1, 2, 0), (AKTIVITET, 3, 4, 0)], 3, [(1, 7, 1, 4)]),
        # telle at 0, aktivitet at 3: 4 - 0 - 1 = 3 <= 3, just inside
        ([(TELLE, 0, 1, 0), (AKTIVITET, 3, 4, 0)], 3, [(1, 7, 0, 4)]),
        # telle at 0, aktivitet at 4: 5 - 0 - 1 = 4 > 3
        ([(TELLE, 0, 1, 0), (AKTIVITET, 4, 5, 0)], 3, []),
        ([(TELLE, 0, 1, 0), (AKTIVITET, 4, 5, 0)], 4, [(1, 7, 0, 5)]),
        # the other group may come first
        ([(AKTIVITET, 0, 1, 0), (TELLE, 2, 3, 0)], 3, [(1, 7, 0, 3)]),
        # a two-word piece counts with its length: 0 .. 5 -> 5 - 0 - 1 = 4 > 3
        ([(TELLE, 0, 1, 0), (AKTIVITET, 3, 5, 0)], 3, []),
        # in two sentences: no hit
        ([(TELLE, 1, 2, 0), (AKTIVITET, 3, 4, 1)], 3, []),
        # one group only: no hit
        ([(TELLE, 1, 2, 0), (TELLE, 3, 4, 0), (OTHER, 4, 5, 0)], 3, []),
    ],
)
def test_window(matches, window: int, expected) -> None:
    rule = CompiledNearRule(PAIR.code, PAIR.rule, PAIR.groups, window)
    assert near_hits([rule], matches)[0] == expected


def test_pieces_are_the_words_of_each_group() -> None:
    hits, pieces = near_hits([PAIR], [(AKTIVITET, 0, 1, 0), (TELLE, 2, 3, 0)])
    assert hits == [(1, 7, 0, 3)]
    assert pieces == [[[2, 3], [0, 1]]]  # group 0 (telle), then group 1 (aktivitet)


def test_the_first_anchor_that_fits_gives_the_one_hit_of_the_sentence() -> None:
    # telle at 0 (aktivitet at 12 is too far), telle at 10 fits, telle at 11 fits too but the
    # sentence is coded once.
    matches = [(TELLE, 0, 1, 0), (TELLE, 10, 11, 0), (TELLE, 11, 12, 0), (AKTIVITET, 12, 13, 0)]
    hits, pieces = near_hits([PAIR], matches)
    assert hits == [(1, 7, 10, 13)]
    assert pieces == [[[10, 11], [12, 13]]]


def test_one_hit_per_sentence_and_rule() -> None:
    matches = [
        (TELLE, 0, 1, 0),
        (AKTIVITET, 1, 2, 0),
        (TELLE, 2, 3, 0),
        (AKTIVITET, 3, 4, 0),
        (TELLE, 5, 6, 1),
        (AKTIVITET, 6, 7, 1),
    ]
    assert near_hits([PAIR], matches)[0] == [(1, 7, 0, 2), (1, 7, 5, 7)]


def test_on_a_tie_of_distance_the_earlier_occurrence_is_nearest() -> None:
    # telle at 5; aktivitet at 3 and at 7 are both two words away: 3 is taken.
    matches = [(AKTIVITET, 3, 4, 0), (TELLE, 5, 6, 0), (AKTIVITET, 7, 8, 0)]
    hits, pieces = near_hits([PAIR], matches)
    assert hits == [(1, 7, 3, 6)]
    assert pieces[0][1] == [3, 4]


def test_the_nearest_after_wins_when_it_is_closer() -> None:
    matches = [(AKTIVITET, 1, 2, 0), (TELLE, 5, 6, 0), (AKTIVITET, 6, 7, 0)]
    assert near_hits([PAIR], matches)[0] == [(1, 7, 5, 7)]


def test_on_a_tie_of_start_the_shorter_occurrence_is_nearest() -> None:
    # Group 1 holds two keys found at the same start: [7, 9) and [7, 8); the shorter is taken.
    rule = CompiledNearRule(1, 7, ((TELLE,), (AKTIVITET, KORT)), 3)
    matches = [(TELLE, 5, 6, 0), (AKTIVITET, 7, 9, 0), (KORT, 7, 8, 0)]
    hits, pieces = near_hits([rule], matches)
    assert hits == [(1, 7, 5, 8)]
    assert pieces[0][1] == [7, 8]


def test_three_groups_all_within_the_window() -> None:
    rule = CompiledNearRule(2, 8, ((MAAL,), (KORT,), (TELLE,)), 4)
    # mål 2, kort 0, telle 5: span 0 .. 6 -> 6 - 0 - 1 = 5 > 4; with telle at 4: 4 <= 4.
    far = [(KORT, 0, 1, 0), (MAAL, 2, 3, 0), (TELLE, 5, 6, 0)]
    near = [(KORT, 0, 1, 0), (MAAL, 2, 3, 0), (TELLE, 4, 5, 0)]
    assert near_hits([rule], far)[0] == []
    hits, pieces = near_hits([rule], near)
    assert hits == [(2, 8, 0, 5)]
    assert pieces == [[[2, 3], [0, 1], [4, 5]]]


def test_an_excluded_code_gives_no_near_hit_in_that_sentence() -> None:
    matches = [(TELLE, 0, 1, 0), (AKTIVITET, 1, 2, 0), (TELLE, 3, 4, 1), (AKTIVITET, 4, 5, 1)]
    assert near_hits([PAIR], matches, excluded=[(0, PAIR.code)])[0] == [(1, 7, 3, 5)]
    assert near_hits([PAIR], matches, excluded=[(0, 0)])[0] == [(1, 7, 0, 2), (1, 7, 3, 5)]


def test_rules_in_different_words_both_fire() -> None:
    # 40 + 30 groups do not share a 64-bit word; a 2-group rule after them starts word 1 too.
    big = CompiledNearRule(0, 0, tuple((OTHER,) for _ in range(40)), 3)
    bigger = CompiledNearRule(2, 1, tuple((OTHER,) for _ in range(30)), 3)
    table = NearTable([big, bigger, PAIR], N_KEYS)
    assert table.arrays.word_ptr.tolist() == [0, 1, 3]
    hits, _ = near_hits([big, bigger, PAIR], [(TELLE, 0, 1, 0), (AKTIVITET, 2, 3, 0)])
    assert hits == [(1, 7, 0, 3)]


def test_count_starts_where_the_caller_left_off() -> None:
    table = NearTable([PAIR], N_KEYS)
    key, start, end, sentence = (
        np.array(v, dtype=np.int64) for v in ([0, 1], [0, 1], [1, 2], [0, 0])
    )
    hits = np.full((4, 4), -7, dtype=np.int64)
    pieces = np.full((5, 2, 2), -1, dtype=np.int64)
    blocked = np.zeros((1, 3), dtype=np.bool_)
    count = find_near_hits(table.arrays, key, start, end, sentence, blocked, hits, pieces, 2)
    assert count == 3
    assert hits[2].tolist() == [1, 7, 0, 2]
    assert hits[:2].tolist() == [[-7] * 4] * 2  # rows before ``count`` untouched
