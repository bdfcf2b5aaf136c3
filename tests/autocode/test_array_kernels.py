"""The compiled in-place helpers agree with numpy's sort and searchsorted."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.array_kernels import SMALL, find_run_end, search_part, sort_part


@pytest.mark.parametrize("size", [0, 1, 2, 7, SMALL, SMALL + 1, 100, 5000])
@pytest.mark.parametrize("spread", [3, 1_000_000])  # many repeats, few repeats
def test_sort_part_sorts_only_its_part(size: int, spread: int) -> None:
    rng = np.random.default_rng(size * 7 + spread)
    values = rng.integers(-spread, spread, size + 10, dtype=np.int64)
    expected = values.copy()
    expected[4 : 4 + size] = np.sort(expected[4 : 4 + size])
    sort_part(values, 4, 4 + size)
    assert values.tolist() == expected.tolist()


@pytest.mark.parametrize("wanted", [-5, 0, 1, 2, 3, 7, 8, 100])
@pytest.mark.parametrize(("low", "high"), [(0, 9), (2, 6), (4, 4), (0, 0)])
def test_search_part_finds_what_searchsorted_finds(wanted: int, low: int, high: int) -> None:
    values = np.array([0, 1, 1, 2, 3, 3, 3, 7, 9], dtype=np.int64)
    expected = low + int(np.searchsorted(values[low:high], wanted, side="left"))
    assert search_part(values, low, high, wanted) == expected


@pytest.mark.parametrize(("low", "end"), [(0, 2), (2, 3), (3, 6), (6, 7)])
def test_find_run_end_gives_the_end_of_a_run_of_equal_values(low: int, end: int) -> None:
    values = np.array([4, 4, 5, 7, 7, 7, 9], dtype=np.int64)
    assert find_run_end(values, low) == end
