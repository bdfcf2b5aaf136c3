"""Overlapping findings: earliest, then longest, then by kind; and the overlap test."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.findings import KINDS, PRIORITY, Finding, overlaps, select_findings


def f(kind: str, start: int, end: int) -> Finding:
    return Finding(kind, start, end, "x" * (end - start), "test")


def spans(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(x.kind, x.start, x.end) for x in findings]


def test_every_kind_has_a_priority() -> None:
    assert set(PRIORITY) == set(KINDS)
    assert sorted(PRIORITY.values()) == list(range(len(KINDS)))
    assert PRIORITY["FNR"] < PRIORITY["TELEFON"] < PRIORITY["PERSON"]


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([], []),
        # apart, given out of order: text order
        ([f("PERSON", 10, 14), f("STED", 0, 4)], [("STED", 0, 4), ("PERSON", 10, 14)]),
        # same start: the longer wins
        ([f("PERSON", 0, 4), f("ARBEIDSSTED", 0, 12)], [("ARBEIDSSTED", 0, 12)]),
        # same start and length: the kind of higher priority (FNR before TELEFON)
        ([f("TELEFON", 3, 14), f("FNR", 3, 14)], [("FNR", 3, 14)]),
        ([f("PERSON", 0, 4), f("STED", 0, 4)], [("STED", 0, 4)]),
        # an earlier finding wins over a longer later one it overlaps
        ([f("PERSON", 5, 20), f("STED", 2, 6)], [("STED", 2, 6)]),
        # touching spans (end == start) do not overlap
        ([f("PERSON", 0, 4), f("PERSON", 4, 8)], [("PERSON", 0, 4), ("PERSON", 4, 8)]),
        # a finding inside a chosen one is dropped; the next one after it is kept
        (
            [f("ADRESSE", 0, 20), f("DATO", 5, 10), f("PERSON", 21, 25)],
            [("ADRESSE", 0, 20), ("PERSON", 21, 25)],
        ),
        # a chain: 0-5 chosen, 3-8 overlaps it, 6-9 does not overlap 0-5
        (
            [f("PERSON", 0, 5), f("PERSON", 3, 8), f("PERSON", 6, 9)],
            [("PERSON", 0, 5), ("PERSON", 6, 9)],
        ),
    ],
)
def test_select_findings(findings: list[Finding], expected) -> None:
    assert spans(select_findings(findings)) == expected


def test_select_findings_does_not_change_its_input() -> None:
    given = [f("PERSON", 5, 9), f("STED", 0, 4)]
    select_findings(given)
    assert spans(given) == [("PERSON", 5, 9), ("STED", 0, 4)]


@pytest.mark.parametrize(
    ("start", "end", "others", "expected"),
    [
        (0, 5, [], False),
        (0, 5, [(5, 8)], False),  # touching at the end
        (5, 8, [(0, 5)], False),  # touching at the start
        (0, 5, [(4, 8)], True),
        (4, 6, [(0, 10)], True),  # inside
        (0, 10, [(4, 6)], True),  # around
        (3, 4, [(0, 1), (8, 9), (3, 4)], True),
        (2, 2, [(0, 5)], True),  # an empty span inside another
        (6, 7, [(0, 2), (8, 9)], False),
    ],
)
def test_overlaps(start: int, end: int, others, expected: bool) -> None:
    assert overlaps(start, end, others) is expected
