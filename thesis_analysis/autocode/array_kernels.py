"""Small compiled (numba) helpers for the auto-coder's kernels.

Inside compiled loops, creating an array — even a view or a sorted copy — costs a memory
allocation and reference counting, more than the work on a few values. These helpers work
in place on part of an array instead. (They also keep numba's own sorts out of the compiled
code: those take seconds each to compile.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

SMALL = 32  # runs up to this length are sorted by insertion


@njit(cache=True)
def sort_part(values: np.ndarray, low: int, high: int) -> None:
    """Sort ``values[low:high]`` in place: by insertion for short runs, else a heap sort."""
    if high - low <= SMALL:
        for i in range(low + 1, high):
            value = values[i]
            j = i
            while j > low and values[j - 1] > value:
                values[j] = values[j - 1]
                j -= 1
            values[j] = value
        return
    size = high - low
    for root in range(size // 2 - 1, -1, -1):
        _sift_down(values, low, root, size)
    for last in range(size - 1, 0, -1):
        values[low], values[low + last] = values[low + last], values[low]
        _sift_down(values, low, 0, last)


@njit(cache=True)
def _sift_down(values: np.ndarray, low: int, root: int, size: int) -> None:
    """Restore the (max-)heap ``values[low:low + size]`` below ``root``."""
    while True:
        child = 2 * root + 1
        if child >= size:
            return
        if child + 1 < size and values[low + child] < values[low + child + 1]:
            child += 1
        if values[low + root] >= values[low + child]:
            return
        values[low + root], values[low + child] = values[low + child], values[low + root]
        root = child


@njit(cache=True)
def search_part(values: np.ndarray, low: int, high: int, wanted: int) -> int:
    """The first index in ``low:high`` of sorted ``values`` whose value is at least
    ``wanted`` (``high`` if none)."""
    while low < high:
        middle = (low + high) // 2
        if values[middle] < wanted:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True)
def find_run_end(values: np.ndarray, low: int) -> int:
    """The end of the run of equal values that starts at ``low`` (the matches of one
    sentence, say)."""
    high = low
    while high < len(values) and values[high] == values[low]:
        high += 1
    return high
