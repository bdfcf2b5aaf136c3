"""One summary line per text and code, from a :class:`~thesis_analysis.autocode.coder.HitTable`.

A summary line names a text and a code and gives the evidence (the distinct evidence spans in
text order, joined by `` | ``; for a span found by several rules, the evidence of the
alphabetically last rule), the rules that fired (sorted, joined by ``; ``) and the offsets of
the first evidence span. :func:`summarise` finds which hits make each line with a few numpy
steps per doc; :func:`summarise_tables` turns that into strings, and :func:`encode_csv_lines`
writes the lines of ``code-texts`` with the :mod:`csv` module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from thesis_analysis.autocode.coder import HitTable

SPAN_JOINER, RULE_JOINER = " | ", "; "


@dataclass(frozen=True)
class Summary:
    """Which hits of a table make each summary line.

    Attributes
    ----------
    line_first : the first hit of each line (line ``i`` is hits
        ``line_first[i]:line_first[i + 1]``, one text and code), then the number of hits.
    span_hits : the hit whose evidence stands for each distinct span; a line's spans are
        ``span_hits[span_ptr[i]:span_ptr[i + 1]]``.
    rule_ids : the distinct rules of each line, sorted; a line's are
        ``rule_ids[rule_ptr[i]:rule_ptr[i + 1]]``.
    """

    line_first: np.ndarray
    span_hits: np.ndarray
    span_ptr: np.ndarray
    rule_ids: np.ndarray
    rule_ptr: np.ndarray

    @property
    def n_lines(self) -> int:
        return len(self.line_first) - 1


def summarise(table: HitTable) -> Summary:
    """The summary lines of ``table`` (whose hits are sorted by text, code, start, end, rule)."""
    text, code, rule, start, end = table.text, table.code, table.rule, table.start, table.end
    n = len(text)
    new_line = np.ones(n, bool)
    new_line[1:] = (text[1:] != text[:-1]) | (code[1:] != code[:-1])
    line_first = np.append(np.flatnonzero(new_line), n)
    lines = len(line_first) - 1
    line_of = np.cumsum(new_line) - 1
    span_end = np.ones(n, bool)  # the last hit of each span: its alphabetically last rule
    span_end[:-1] = (
        (line_of[1:] != line_of[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
    )
    span_hits = np.flatnonzero(span_end)
    span_ptr = np.searchsorted(line_of[span_hits], np.arange(lines + 1))
    order = np.lexsort((rule, line_of))
    rule_line, rule_sorted = line_of[order], rule[order]
    fresh = np.ones(n, bool)
    fresh[1:] = (rule_line[1:] != rule_line[:-1]) | (rule_sorted[1:] != rule_sorted[:-1])
    rule_ids = rule_sorted[fresh]
    rule_ptr = np.searchsorted(rule_line[fresh], np.arange(lines + 1))
    return Summary(line_first, span_hits, span_ptr, rule_ids, rule_ptr)


def list_summary_lines(
    table: HitTable, summary: Summary
) -> Iterator[tuple[int, str, str, str, int, int]]:
    """``(text number, code, evidence, rules, start, end)`` of each line of ``summary``."""
    evidence = table.list_evidence(summary.span_hits)
    rules = [table.rules[r] for r in summary.rule_ids.tolist()]
    firsts = summary.line_first[:-1]
    span_ptr, rule_ptr = summary.span_ptr.tolist(), summary.rule_ptr.tolist()
    columns = (
        table.text[firsts].tolist(),
        table.code[firsts].tolist(),
        table.start[firsts].tolist(),
        table.end[firsts].tolist(),
    )
    for line, (text, code, start, end) in enumerate(zip(*columns, strict=True)):
        yield (
            text,
            table.codes[code],
            SPAN_JOINER.join(evidence[span_ptr[line] : span_ptr[line + 1]]),
            RULE_JOINER.join(rules[rule_ptr[line] : rule_ptr[line + 1]]),
            start,
            end,
        )


def summarise_tables(tables: Iterable[HitTable]) -> Iterator[tuple[int, str, str, str, int, int]]:
    """One summary per text and code, in text and code order: ``(text number, code,
    evidence, rules, start, end)``."""
    for table in tables:
        yield from list_summary_lines(table, summarise(table))


def encode_csv_lines(table: HitTable, summary: Summary, ids: list[str]) -> bytes:
    """The CSV lines of ``summary`` — ``id,code,evidence,rules,start,end`` — as UTF-8 bytes.

    ``ids`` are the ids of the table's texts. Fields are quoted only when they must be, as
    :mod:`csv` quotes them; a line with a bare carriage return in a field is quoted whole,
    since :mod:`csv` would leave it bare, to the confusion of readers.
    """
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    guarded = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    first = table.first_text
    for text, code, evidence, rules, start, end in list_summary_lines(table, summary):
        row = (ids[text - first], code, evidence, rules, start, end)
        if "\r" in row[0] or "\r" in evidence:
            guarded.writerow(row)
        else:
            plain.writerow(row)
    return buffer.getvalue().encode("utf-8")
