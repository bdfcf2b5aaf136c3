"""Ordering a doc's hits, in compiled code (numba).

The rules give hits sentence by sentence, as token spans; a
:class:`~thesis_analysis.autocode.coder.HitTable` lists them by text, code, start, end and rule,
each once, with character offsets in their text. :func:`order_hits` puts each hit in its
text by a counting pass, then sorts each text's hits by insertion when they are few and by a
heap sort when they are many.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from thesis_analysis.autocode.array_kernels import search_part


@njit(cache=True)
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
    """Compiled: a doc's hits (token spans) as the rows of a ``HitTable`` — text number,
    code, rule, start and end in characters in the text — sorted by text, code, start, end
    and rule, each hit once; and their ``pieces`` as character spans in the text."""
    n, texts = len(code), len(text_start)
    number = np.empty(n, np.int64)
    bounds = np.zeros(texts + 1, np.int64)  # the hits of text t go to bounds[t]:bounds[t + 1]
    for i in range(n):
        number[i] = search_part(text_start, 0, texts, char_start[start[i]] + 1) - 1
        bounds[number[i] + 1] += 1
    for text in range(texts):
        bounds[text + 1] += bounds[text]
    order, filled = np.empty(n, np.int64), bounds.copy()
    for i in range(n):
        order[filled[number[i]]] = i
        filled[number[i]] += 1
    for text in range(texts):
        _sort_text_hits(order, bounds[text], bounds[text + 1], code, start, end, rule)
    rows = np.empty((5, n), np.int64)
    spans = np.full(pieces.shape, -1, np.int64)
    count = 0
    for i in range(n):
        hit = order[i]
        if i > 0:  # a repeat of the hit before it?
            last = order[i - 1]
            if (number[hit], code[hit], start[hit], end[hit], rule[hit]) == (
                number[last],
                code[last],
                start[last],
                end[last],
                rule[last],
            ):
                continue
        shift = text_start[number[hit]]
        rows[0, count], rows[1, count], rows[2, count] = number[hit], code[hit], rule[hit]
        rows[3, count] = char_start[start[hit]] - shift
        rows[4, count] = char_end[end[hit] - 1] - shift
        for group in range(pieces.shape[1]):
            if pieces[hit, group, 0] >= 0:
                spans[count, group, 0] = char_start[pieces[hit, group, 0]] - shift
                spans[count, group, 1] = char_end[pieces[hit, group, 1] - 1] - shift
        count += 1
    return rows[:, :count], spans[:count]


@njit(cache=True)
def _sort_text_hits(
    order: np.ndarray,
    low: int,
    high: int,
    code: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    rule: np.ndarray,
) -> None:
    """Sort the hits ``order[low:high]`` (one text's) by code, start, end and rule: by
    insertion when they are few, else a heap sort."""
    size = high - low
    if size <= 16:
        for i in range(low + 1, high):
            hit = order[i]
            j = i
            while j > low and _comes_before(hit, order[j - 1], code, start, end, rule):
                order[j] = order[j - 1]
                j -= 1
            order[j] = hit
        return
    for root in range(size // 2 - 1, -1, -1):
        _sift_hits(order, low, root, size, code, start, end, rule)
    for last in range(size - 1, 0, -1):
        order[low], order[low + last] = order[low + last], order[low]
        _sift_hits(order, low, 0, last, code, start, end, rule)


@njit(cache=True)
def _sift_hits(
    order: np.ndarray,
    low: int,
    root: int,
    size: int,
    code: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    rule: np.ndarray,
) -> None:
    """Restore the heap (last hit on top) ``order[low:low + size]`` below ``root``."""
    while True:
        child = 2 * root + 1
        if child >= size:
            return
        right = low + child + 1
        if child + 1 < size and _comes_before(
            order[low + child], order[right], code, start, end, rule
        ):
            child += 1
        if not _comes_before(order[low + root], order[low + child], code, start, end, rule):
            return
        order[low + root], order[low + child] = order[low + child], order[low + root]
        root = child


@njit(cache=True)
def _comes_before(
    a: int, b: int, code: np.ndarray, start: np.ndarray, end: np.ndarray, rule: np.ndarray
) -> bool:
    """Whether hit ``a`` sorts before hit ``b`` (by code, start, end, rule)."""
    return (code[a], start[a], end[a], rule[a]) < (code[b], start[b], end[b], rule[b])
