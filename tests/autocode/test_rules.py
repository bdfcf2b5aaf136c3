"""The rule table on hand-made matches: terms, exclusions, wildcard phrases, negation (block
and flip), and near hits after the others. No spaCy: keys, spans and sentences are written out.

Keys: 0 telling, 1 fotball (exclusion of telling), 2 ringe, 3 tilbake, 4 nyttig, 5 tullete,
6 «ser ikke poenget», 7 telle, 8 aktivitet.
Codes: 0 telling, 1 kontakt, 2 positiv (negation flips to 3), 3 kritisk (negation blocks),
4 naerhet.
Rule labels: 0 term:telling, 1 phrase:ringe * tilbake, 2 term:nyttig, 3 negated:term:nyttig,
4 term:tullete, 5 phrase:ser ikke poenget, 6 near:0.
"""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.matching import Matches, TokenTable
from thesis_analysis.autocode.near_rules import CompiledNearRule
from thesis_analysis.autocode.rules import (
    BLOCK,
    FLIP,
    NEGATION_WINDOW,
    NO_NEGATION,
    RuleTable,
    TokenHits,
    WildRule,
    _index_by_key,
    _pad,
    _take,
)

TELLING, FOTBALL, RINGE, TILBAKE, NYTTIG, TULLETE, POENGET, TELLE, AKTIVITET = range(9)
N_KEYS, N_CODES = 9, 5


def make_table() -> RuleTable:
    return RuleTable(
        n_keys=N_KEYS,
        n_codes=N_CODES,
        singles=[(TELLING, 0, 0), (NYTTIG, 2, 2), (TULLETE, 3, 4), (POENGET, 3, 5)],
        excludes=[(FOTBALL, 0)],
        wild=[WildRule(code=1, rule=1, parts=(RINGE, TILBAKE), gaps=(1,))],
        near=[CompiledNearRule(4, 6, ((TELLE,), (AKTIVITET,)), 3)],
        negation=[(NO_NEGATION, 0), (NO_NEGATION, 0), (FLIP, 3), (BLOCK, 0), (NO_NEGATION, 0)],
        negated_rule=[-1, -1, 3, -1, -1, -1, -1],
    )


@pytest.fixture(scope="module")
def table() -> RuleTable:
    return make_table()


def tokens(n_tokens: int, sentence_starts: tuple[int, ...] = (0,), negation=()) -> TokenTable:
    sentence = np.zeros(n_tokens, dtype=np.int64)
    for s in sentence_starts[1:]:
        sentence[s:] += 1
    zeros = np.zeros(n_tokens, dtype=np.uint64)
    is_negation = np.zeros(n_tokens, dtype=np.bool_)
    is_negation[list(negation)] = True
    return TokenTable(
        lemma=zeros,
        norm=zeros,
        lower=zeros,
        sentence_start=np.isin(np.arange(n_tokens), sentence_starts),
        char_start=np.arange(n_tokens, dtype=np.int64),
        char_end=np.arange(n_tokens, dtype=np.int64) + 1,
        negation=is_negation,
        sentence=sentence,
        sentence_first=np.array(sentence_starts, dtype=np.int64),
    )


def apply(table: RuleTable, found: list[tuple[int, int, int]], toks: TokenTable) -> TokenHits:
    """Apply the rules to matches (key, start, end), sorted here by start."""
    found = sorted(found, key=lambda m: m[1])
    key = np.array([k for k, _, _ in found], dtype=np.int64)
    start = np.array([s for _, s, _ in found], dtype=np.int64)
    end = np.array([e for _, _, e in found], dtype=np.int64)
    return table.apply(Matches(key, start, end, toks.sentence[start]), toks)


def rows(hits: TokenHits) -> list[tuple[int, int, int, int]]:
    return [
        (int(c), int(r), int(s), int(e))
        for c, r, s, e in zip(hits.code, hits.rule, hits.start, hits.end, strict=True)
    ]


@pytest.mark.parametrize(
    ("found", "starts", "negation", "expected"),
    [
        # a term: one hit per place it is found
        ([(TELLING, 1, 2)], (0,), (), [(0, 0, 1, 2)]),
        ([(TELLING, 1, 2), (TELLING, 4, 5)], (0,), (), [(0, 0, 1, 2), (0, 0, 4, 5)]),
        # an exclusion anywhere in the sentence stops the code there, and only there
        ([(TELLING, 1, 2), (FOTBALL, 4, 5)], (0,), (), []),
        ([(FOTBALL, 0, 1), (TELLING, 1, 2)], (0,), (), []),
        ([(TELLING, 1, 2), (FOTBALL, 4, 5)], (0, 3), (), [(0, 0, 1, 2)]),
        # the exclusion of telling does not stop another code
        ([(NYTTIG, 1, 2), (FOTBALL, 3, 4)], (0,), (), [(2, 2, 1, 2)]),
        # wildcard phrase «ringe * tilbake»: tilbake exactly one word after ringe ends
        ([(RINGE, 1, 2), (TILBAKE, 3, 4)], (0,), (), [(1, 1, 1, 4)]),
        ([(RINGE, 1, 2), (TILBAKE, 2, 3)], (0,), (), []),
        ([(RINGE, 1, 2), (TILBAKE, 4, 5)], (0,), (), []),
        ([(TILBAKE, 0, 1), (RINGE, 1, 2)], (0,), (), []),
        # … and in the same sentence
        ([(RINGE, 1, 2), (TILBAKE, 3, 4)], (0, 3), (), []),
        # negation flip: «ikke» (token 1) two words before nyttig -> kritisk from the negation
        ([(NYTTIG, 3, 4)], (0,), (1,), [(3, 3, 1, 4)]),
        # the nearest negation word is the start
        ([(NYTTIG, 3, 4)], (0,), (0, 2), [(3, 3, 2, 4)]),
        # exactly NEGATION_WINDOW words before still counts, one more does not
        ([(NYTTIG, 4, 5)], (0,), (1,), [(3, 3, 1, 5)]),
        ([(NYTTIG, 4, 5)], (0,), (0,), [(2, 2, 4, 5)]),
        # a negation in the sentence before does not count
        ([(NYTTIG, 3, 4)], (0, 2), (1,), [(2, 2, 3, 4)]),
        # a negation after the term does not count
        ([(NYTTIG, 1, 2)], (0,), (2,), [(2, 2, 1, 2)]),
        # negation block
        ([(TULLETE, 2, 3)], (0,), (1,), []),
        ([(TULLETE, 2, 3)], (0,), (), [(3, 4, 2, 3)]),
        # a phrase that holds a negation word is not negated again, even with one before it
        ([(POENGET, 2, 5)], (0,), (0, 3), [(3, 5, 2, 5)]),
        # no negation handling: telling after «ikke» is a plain hit
        ([(TELLING, 2, 3)], (0,), (1,), [(0, 0, 2, 3)]),
    ],
)
def test_plain_rules(table: RuleTable, found, starts, negation, expected) -> None:
    assert rows(apply(table, found, tokens(8, starts, negation))) == expected


def test_negation_window_is_three_words() -> None:
    assert NEGATION_WINDOW == 3


def test_a_flipped_wildcard_phrase_keeps_its_end() -> None:
    flip = RuleTable(
        N_KEYS,
        N_CODES,
        singles=[],
        excludes=[],
        wild=[WildRule(code=2, rule=2, parts=(RINGE, TILBAKE), gaps=(1,))],
        near=[],
        negation=[(NO_NEGATION, 0), (NO_NEGATION, 0), (FLIP, 3), (BLOCK, 0), (NO_NEGATION, 0)],
        negated_rule=[-1, -1, 3, -1],
    )
    hits = apply(flip, [(RINGE, 2, 3), (TILBAKE, 4, 5)], tokens(6, (0,), (0,)))
    assert rows(hits) == [(3, 3, 0, 5)]


def test_a_wildcard_phrase_of_three_parts_with_two_gaps() -> None:
    # «a * b * * c»: b one word after a, c two words after b
    three = RuleTable(
        N_KEYS,
        N_CODES,
        singles=[(TELLING, 0, 0)],
        excludes=[],
        wild=[WildRule(code=1, rule=1, parts=(RINGE, TILBAKE, NYTTIG), gaps=(1, 2))],
        near=[],
        negation=[(NO_NEGATION, 0)] * N_CODES,
        negated_rule=[-1, -1],
    )
    assert three.arrays.wild_parts.tolist() == [[RINGE, TILBAKE, NYTTIG]]
    good = [(RINGE, 0, 1), (TILBAKE, 2, 3), (NYTTIG, 5, 6)]
    bad = [(RINGE, 0, 1), (TILBAKE, 2, 3), (NYTTIG, 4, 5)]
    assert rows(apply(three, good, tokens(8))) == [(1, 1, 0, 6)]
    assert rows(apply(three, bad, tokens(8))) == []


def test_near_hits_come_after_the_other_hits_with_their_pieces(table: RuleTable) -> None:
    found = [(TELLE, 0, 1), (TELLING, 1, 2), (AKTIVITET, 2, 3)]
    hits = apply(table, found, tokens(4))
    assert rows(hits) == [(0, 0, 1, 2), (4, 6, 0, 3)]
    assert hits.pieces.shape == (2, 2, 2)
    assert hits.pieces[0].tolist() == [[-1, -1], [-1, -1]]  # not a near hit
    assert hits.pieces[1].tolist() == [[0, 1], [2, 3]]


def test_an_exclusion_stops_the_near_rules_of_its_code() -> None:
    table = RuleTable(
        N_KEYS,
        N_CODES,
        singles=[],
        excludes=[(FOTBALL, 4)],
        wild=[],
        near=[CompiledNearRule(4, 6, ((TELLE,), (AKTIVITET,)), 3)],
        negation=[(NO_NEGATION, 0)] * N_CODES,
        negated_rule=[-1] * 7,
    )
    found = [(TELLE, 0, 1), (AKTIVITET, 1, 2), (FOTBALL, 2, 3), (TELLE, 4, 5), (AKTIVITET, 5, 6)]
    assert rows(apply(table, found, tokens(7, (0, 4)))) == [(4, 6, 4, 6)]


def test_no_matches_give_no_hits(table: RuleTable) -> None:
    hits = apply(table, [], tokens(3))
    assert rows(hits) == [] and hits.pieces.shape == (0, 2, 2)


def test_many_matches_fit_the_bound(table: RuleTable) -> None:
    # 200 sentences of 3 words, each with telling, nyttig and a near pair: 600 hits.
    found = []
    for s in range(200):
        found += [(TELLE, 3 * s, 3 * s + 1), (TELLING, 3 * s + 1, 3 * s + 2)]
        found += [(AKTIVITET, 3 * s + 2, 3 * s + 3), (NYTTIG, 3 * s + 2, 3 * s + 3)]
    hits = apply(table, found, tokens(600, tuple(range(0, 600, 3))))
    codes = hits.code.tolist()
    assert (codes.count(0), codes.count(2), codes.count(4)) == (200, 200, 200)


def test_index_by_key_groups_entries_by_key_keeping_their_order() -> None:
    ptr, order = _index_by_key([2, 0, 2, 3], 5)
    assert ptr.tolist() == [0, 1, 1, 3, 4, 4]
    assert order.tolist() == [1, 0, 2, 3]
    assert _take([10, 11, 12, 13], order).tolist() == [11, 10, 12, 13]


def test_take_and_pad_make_rows() -> None:
    assert _pad((4, 5), 4, -1) == [4, 5, -1, -1]
    order = np.array([1, 0])
    assert _take([[1, 2], [3, 4]], order, 2).tolist() == [[3, 4], [1, 2]]
    assert _take([], np.zeros(0, np.int64), 3).shape == (0, 3)


def test_arrays_are_in_key_order(table: RuleTable) -> None:
    arrays = table.arrays
    assert arrays.single_ptr.tolist() == [0, 1, 1, 1, 1, 2, 3, 4, 4, 4]
    assert arrays.single_code.tolist() == [0, 2, 3, 3]
    assert arrays.exclude_ptr.tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    assert arrays.wild_ptr.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert arrays.negation_mode.tolist() == [NO_NEGATION, NO_NEGATION, FLIP, BLOCK, NO_NEGATION]
    assert arrays.negation_code[2] == 3
