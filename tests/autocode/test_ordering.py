"""Ordering a doc's hits: what sorting tuples in Python gives, repeats dropped."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.ordering import order_hits


def order_by_hand(code, rule, start, end, char_start, char_end, text_start) -> list[tuple]:
    """(text, code, rule, start, end) in characters in the text, sorted, each once."""
    rows = set()
    for c, r, s, e in zip(code, rule, start, end, strict=True):
        text = max(t for t, first in enumerate(text_start) if first <= char_start[s])
        shift = text_start[text]
        rows.add((text, c, char_start[s] - shift, char_end[e - 1] - shift, r))
    return [(t, c, r, s, e) for t, c, s, e, r in sorted(rows)]


@pytest.mark.parametrize(("n_hits", "n_texts"), [(0, 1), (5, 1), (40, 3), (3000, 4), (500, 200)])
def test_hits_come_by_text_code_start_end_rule(n_hits: int, n_texts: int) -> None:
    rng = np.random.default_rng(n_hits + n_texts)
    n_tokens = 600
    lengths = rng.integers(1, 9, n_tokens)
    char_end = np.cumsum(lengths + 1) - 1  # one space after each token
    char_start = char_end - lengths
    first_tokens = np.sort(rng.choice(np.arange(1, n_tokens), n_texts - 1, replace=False))
    text_start = np.concatenate([[0], char_start[first_tokens]]).astype(np.int64)
    start = rng.integers(0, n_tokens - 5, n_hits)
    end = start + rng.integers(1, 5, n_hits)
    code, rule = rng.integers(0, 4, n_hits), rng.integers(0, 6, n_hits)  # repeats, too
    pieces = np.full((n_hits, 2, 2), -1, dtype=np.int64)
    rows, _ = order_hits(code, rule, start, end, pieces, char_start, char_end, text_start)
    expected = order_by_hand(code, rule, start, end, char_start, char_end, text_start)
    assert [tuple(row) for row in rows.T.tolist()] == expected
    if n_hits == 3000:  # 3,000 hits on 600 tokens: repeats to drop
        assert len(expected) < n_hits


def test_near_pieces_become_character_spans_in_their_text() -> None:
    char_start = np.array([0, 4, 10, 15], dtype=np.int64)  # «Hei. Målet er …» as 4 tokens
    char_end = np.array([3, 9, 14, 20], dtype=np.int64)
    code, rule = np.array([1]), np.array([2])
    start, end = np.array([2]), np.array([4])  # tokens 2:4
    pieces = np.array([[[2, 3], [3, 4]]], dtype=np.int64)  # tokens 2 and 3
    text_start = np.array([0, 10])  # text 1 starts at character 10
    rows, spans = order_hits(code, rule, start, end, pieces, char_start, char_end, text_start)
    assert rows[:, 0].tolist() == [1, 1, 2, 0, 10]
    assert spans.tolist() == [[[0, 4], [5, 10]]]
