"""Ordering a doc's hits with numpy (no compiled code: this runs once per doc, on arrays).

The rules give hits sentence by sentence, as token spans; a
:class:`~thesis_analysis.autocode.coder.HitTable` lists them by text, code, start, end and rule,
each once, with character offsets in their text. :func:`order_hits` finds each hit's text by
a binary search of the texts' starts, sorts the hits with one ``np.lexsort`` and drops repeats.
"""

from __future__ import annotations

import numpy as np


def order_hits(
    code: np.ndarray,
    rule: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    pieces: np.ndarray,
    char_start: np.ndarray,
    char_end: np.ndarray,
    text_start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A doc's hits (token spans) as the rows of a ``HitTable`` — text number, code, rule,
    start and end in characters in the text — sorted by text, code, start, end and rule, each
    hit once; and their ``pieces`` (near hits' words, ``-1`` where unused) as character spans
    in the text.

    Parameters
    ----------
    code, rule, start, end : one entry per hit; ``start``/``end`` are token indices (end
        exclusive).
    pieces : ``(hits, groups, 2)`` token spans of a near hit's words, ``-1`` where unused.
    char_start, char_end : the character offsets of each token in the doc.
    text_start : where each text starts in the doc, ascending.

    Returns
    -------
    rows : ``(5, n)`` int64: text number, code, rule, start and end characters in the text.
    spans : ``(n, groups, 2)`` int64 character spans in the text, ``-1`` where unused.
    """
    if len(code) == 0:
        return np.zeros((5, 0), np.int64), np.zeros((0, *pieces.shape[1:]), np.int64)
    first_char = char_start[start]
    number = np.searchsorted(text_start, first_char, side="right") - 1
    shift = text_start[number]
    begin = first_char - shift
    finish = char_end[end - 1] - shift
    order = np.lexsort((rule, finish, begin, code, number))
    rows = np.stack([number, code, rule, begin, finish])[:, order]
    fresh = np.ones(len(order), bool)
    fresh[1:] = (rows[:, 1:] != rows[:, :-1]).any(axis=0)
    rows, order = np.ascontiguousarray(rows[:, fresh]), order[fresh]
    picked = pieces[order]
    used = picked >= 0
    spans = np.full(picked.shape, -1, np.int64)
    safe = np.where(used, picked, 0)
    spans[..., 0] = np.where(used[..., 0], char_start[safe[..., 0]] - shift[order, None], -1)
    spans[..., 1] = np.where(used[..., 1], char_end[safe[..., 1] - 1] - shift[order, None], -1)
    return rows, spans
