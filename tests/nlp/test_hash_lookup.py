"""The vectorised hash table: the same answers as a dict, collisions and all."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.nlp.hash_lookup import HashTable


@pytest.mark.parametrize("size", [0, 1, 7, 1000, 5000, 40_000])
def test_finds_what_a_dict_finds(size: int) -> None:
    rng = np.random.default_rng(size)
    hashes = np.unique(rng.integers(1, 2**63, size, dtype=np.uint64))
    table = HashTable(hashes)
    queries = np.concatenate([hashes, rng.integers(1, 2**63, 2000, dtype=np.uint64)])
    rng.shuffle(queries)
    expected = {int(h): n for n, h in enumerate(hashes.tolist())}
    assert table.find(queries).tolist() == [expected.get(int(q), -1) for q in queries.tolist()]


def test_colliding_low_bits_are_probed_in_turn() -> None:
    # Same low bits: every one of these wants slot 0 of a 1024-slot table.
    hashes = np.array([0, 1 << 20, 2 << 20, 3 << 20, 5], dtype=np.uint64)
    table = HashTable(hashes)
    assert table.probes >= 4
    queries = np.array([3 << 20, 0, 5, 4 << 20, 1 << 20, 1, 2 << 20], dtype=np.uint64)
    assert table.find(queries).tolist() == [3, 0, 4, -1, 1, -1, 2]


def test_zero_is_not_found_in_an_empty_slot() -> None:
    table = HashTable(np.array([7], dtype=np.uint64))
    assert table.find(np.array([0, 7], dtype=np.uint64)).tolist() == [-1, 0]
