"""Small compiled (numba) helpers for the auto-coder's kernels.

Inside compiled loops, creating an array — even a view or a sorted copy — costs a memory
allocation and reference counting, more than the work on a few values. These helpers work
in place on part of an array instead.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SMALL = 32  # runs up to this length are sorted by insertion


@njit(cache=True)
def sort_part(values: np.ndarray, low: int, high: int) -> None:
    """Sort ``values[low:high]`` in place (insertion sort for short runs)."""
    if high - low > SMALL:
        values[low:high].sort()
        return
    for i in range(low + 1, high):
        value = values[i]
        j = i
        while j > low and values[j - 1] > value:
            values[j] = values[j - 1]
            j -= 1
        values[j] = value


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
