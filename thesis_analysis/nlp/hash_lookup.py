"""Look-up of 64-bit string hashes in a fixed set.

spaCy names every string by a 64-bit hash, and the auto-coder and the lemmatizer look up one
hash per token in a set of a few thousand. ``np.searchsorted`` does that with a binary search
per value (tens of nanoseconds each); an open-addressing table indexed by the hash's low bits,
probed in compiled code (:func:`probe`, numba), takes a few.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SPARSE, DENSE = 16, 4  # table slots per hash: few collisions; memory for large sets
SMALL = 4096  # sets up to this size get the sparse table


class HashTable:
    """Position of each value in an array of distinct uint64 ``hashes``, or -1.

    Parameters
    ----------
    hashes : distinct uint64 values.
    """

    def __init__(self, hashes: np.ndarray) -> None:
        self.hashes = np.asarray(hashes, dtype=np.uint64)
        load = SPARSE if len(self.hashes) <= SMALL else DENSE
        size = 1 << max(10, (len(self.hashes) * load - 1).bit_length())
        self.mask = np.uint64(size - 1)
        self.slots = np.zeros(size, dtype=np.uint64)
        self.positions = np.full(size, -1, dtype=np.int64)
        self.probes = 0
        self._insert(np.arange(len(self.hashes)), size)

    def _insert(self, pending: np.ndarray, size: int) -> None:
        """Linear probing, all values at once: each round, every value still without a slot
        tries the next one; of several wanting one free slot, the first gets it."""
        slot = (self.hashes[pending] & self.mask).astype(np.int64)
        while len(pending):
            self.probes += 1
            free = self.positions[slot] < 0
            wanted, first = np.unique(slot[free], return_index=True)
            winners = pending[free][first]
            self.slots[wanted], self.positions[wanted] = self.hashes[winners], winners
            placed = np.zeros(len(pending), dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            pending, slot = pending[~placed], (slot[~placed] + 1) & (size - 1)

    def find(self, values: np.ndarray) -> np.ndarray:
        """The position in ``hashes`` of each of ``values`` (-1 where it is not there)."""
        values = np.ascontiguousarray(values, dtype=np.uint64)
        return find_all(self.slots, self.positions, self.mask, values)


@njit(cache=True)
def find_all(
    slots: np.ndarray, positions: np.ndarray, mask: np.uint64, values: np.ndarray
) -> np.ndarray:
    """Compiled: :func:`probe` for each of ``values``."""
    found = np.empty(len(values), dtype=np.int64)
    for i in range(len(values)):
        found[i] = probe(slots, positions, mask, values[i])
    return found


@njit(cache=True)
def probe(slots: np.ndarray, positions: np.ndarray, mask: np.uint64, value: np.uint64) -> int:
    """Compiled: the position of ``value`` in the hashes of the :class:`HashTable` with these
    ``slots``, ``positions`` and ``mask``, or -1."""
    slot = value & mask
    while True:
        position = positions[slot]
        if position < 0 or slots[slot] == value:
            return position
        slot = (slot + np.uint64(1)) & mask
