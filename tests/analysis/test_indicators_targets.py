"""Every styringsparameter of Vedlegg 4 is in the codebook with the target the thesis states.

The expected parameters are parsed from a shipped, unchanged copy of Vedlegg 4
(tests/data/vedlegg4.txt), not listed here a second time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thesis_analysis.codebook.model import Codebook, Indicator, load_codebook

ROOT = Path(__file__).resolve().parents[2]
VEDLEGG4 = Path(__file__).resolve().parents[1] / "data" / "vedlegg4.txt"
TABLE_START = "Styringsparametre Resultatkrav"
ROGALAND = "Kontorene vil også følges opp på følgende indikatorer i Rogaland"
PARAMETER_START = re.compile(r"^(Andel|Antall|Det egenmeldte)\b")


def squash(text: str) -> str:
    return " ".join(text.split())


def read_lines() -> list[str]:
    """The non-blank lines of Vedlegg 4 (whitespace collapsed), without the source line."""
    text = VEDLEGG4.read_text(encoding="utf-8")
    return [squash(line) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def parse_parameters(lines: list[str]) -> list[tuple[str, bool]]:
    """(first line of each styringsparameter, listed under the Rogaland heading)."""
    start = lines.index(TABLE_START)
    rogaland = lines.index(ROGALAND)
    return [
        (line, index > rogaland)
        for index, line in enumerate(lines)
        if index > start and PARAMETER_START.match(line)
    ]


def locate(name: str, lines: list[str]) -> tuple[int, int]:
    """(line index, character offset) where ``name`` ends in the text; names may wrap."""
    joined = " ".join(lines)
    position = joined.find(squash(name))
    assert position >= 0, f"{name!r} does not occur in Vedlegg 4"
    end = position + len(squash(name))
    offset = 0
    for index, line in enumerate(lines):
        if end <= offset + len(line):
            return index, end - offset
        offset += len(line) + 1
    raise AssertionError(name)


def format_value(value: float) -> str:
    return f"{value:g}".replace(".", ",")


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(ROOT / "codebook.yaml")


@pytest.fixture(scope="module")
def vedlegg4_indicators(codebook: Codebook) -> list[tuple[str, Indicator, bool]]:
    return [
        (c.id, c.indicator, c.indicator.rogaland_followup)
        for c in codebook.codes
        if c.indicator is not None and c.indicator.in_vedlegg4
    ]


def test_source_line_and_text_are_present() -> None:
    first = VEDLEGG4.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Kilde:") and "Vedlegg 4" in first
    lines = read_lines()
    assert TABLE_START in lines and ROGALAND in lines


def test_every_parameter_of_vedlegg4_is_in_the_codebook(vedlegg4_indicators) -> None:
    parameters = parse_parameters(read_lines())
    assert len(parameters) == len(vedlegg4_indicators)
    for first_line, rogaland in parameters:
        matches = [
            (cid, ind)
            for cid, ind, _ in vedlegg4_indicators
            if squash(ind.name).startswith(first_line) or first_line.startswith(squash(ind.name))
        ]
        assert len(matches) == 1, f"{first_line!r}: {matches}"
        cid, ind = matches[0]
        assert ind.rogaland_followup == rogaland, cid
        assert ind.line == "stat", cid


def test_each_indicator_name_and_target_stand_in_vedlegg4(vedlegg4_indicators) -> None:
    lines = read_lines()
    for cid, ind, _ in vedlegg4_indicators:
        index, end = locate(ind.name, lines)
        rest_of_line = lines[index][end:].strip(" :")
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # the target stands after the name on its line, or else on the next (non-blank) line
        if rest_of_line and re.search(r"\d|vurdering|[Mm]åltall|overstige", rest_of_line):
            window = rest_of_line
        else:
            assert not PARAMETER_START.match(following), f"{cid}: no target after the name"
            window = f"{rest_of_line} {following}"
        if ind.target_value is not None:
            expected = f"{format_value(ind.target_value)} {ind.target_unit}"
            assert expected in window, f"{cid}: {expected!r} not next to the name: {window!r}"
            direction = "<=" if "ikke overstige" in window else ">="
            assert ind.target_direction == direction, cid
        else:
            assert ind.target_text.casefold() in window.casefold(), f"{cid}: {window!r}"


def test_exactly_four_rogaland_indicators(vedlegg4_indicators) -> None:
    parsed = [line for line, rogaland in parse_parameters(read_lines()) if rogaland]
    assert len(parsed) == 4
    assert sum(1 for *_, rogaland in vedlegg4_indicators if rogaland) == len(parsed)


def test_perspectives_are_explained(vedlegg4_indicators) -> None:
    for cid, ind, _ in vedlegg4_indicators:
        assert ind.perspective in {"bruker", "produksjon", "medarbeider", "økonomi"}, cid
        assert ind.perspective_note, f"{cid}: say why (1.2.2) or that it was judged"
        assert ind.source == "Vedlegg 4", cid
