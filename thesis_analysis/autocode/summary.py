"""One summary per text and code, from a :class:`~thesis_analysis.autocode.coder.HitTable`.

A summary line names a text and a code and gives the evidence (the distinct evidence spans in
text order, joined by `` | ``; for a span found by several rules, the evidence of the
alphabetically last rule), the rules that fired (sorted, joined by ``; ``) and the offsets
of the first evidence span. :func:`summarise` finds which hits make each line, in compiled
code; :func:`summarise_tables` turns that into strings, and :func:`encode_csv_lines` writes
the lines of ``code-texts`` as UTF-8 CSV bytes in compiled code, so that a large input costs
no Python per line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from thesis_analysis.autocode.array_kernels import sort_part
from thesis_analysis.autocode.coder import NEAR_JOINER, HitTable

SPAN_JOINER, RULE_JOINER = " | ", "; "
_NEAR, _SPANS, _RULES = (s.encode() for s in (NEAR_JOINER, SPAN_JOINER, RULE_JOINER))
_JOINERS = np.frombuffer(_NEAR + _SPANS + _RULES, dtype=np.uint8)  # three joiners, in turn
_JOINER_ENDS = np.cumsum([0, len(_NEAR), len(_SPANS), len(_RULES)]).astype(np.int64)
QUOTE, COMMA, NEWLINE, RETURN = (ord(c) for c in '",\n\r')


@dataclass(frozen=True)
class Summary:
    """Which hits of a table make each summary line.

    Attributes
    ----------
    line_first : the first hit of each line (line ``i`` is hits
        ``line_first[i]:line_first[i + 1]``, one text and code).
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
    """The summary lines of ``table``."""
    return Summary(*_summarise(table.text, table.code, table.rule, table.start, table.end))


def summarise_tables(tables: Iterable[HitTable]) -> Iterator[tuple[int, str, str, str, int, int]]:
    """One summary per text and code, in text and code order: ``(text number, code,
    evidence, rules, start, end)``."""
    for table in tables:
        summary = summarise(table)
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


def encode_csv_lines(
    table: HitTable, summary: Summary, ids: list[str], capacity: int | None = None
) -> bytes:
    """The CSV lines of ``summary`` — ``id,code,evidence,rules,start,end`` — as UTF-8 bytes.

    ``ids`` are the ids of the table's texts. Fields are quoted only when they must be, as
    :mod:`csv` quotes them, and also when they hold a bare carriage return (which :mod:`csv`
    leaves bare, to the confusion of readers). ``capacity`` is the size of the first output
    buffer tried (default: enough for nearly every table).
    """
    source = table.source.encode()
    char_to_byte = _map_chars_to_bytes(np.frombuffer(source, dtype=np.uint8), len(table.source))
    id_bytes, id_ptr = _encode_all(ids)
    code_bytes, code_ptr = _encode_labels(table.codes)
    rule_bytes, rule_ptr = _encode_labels(table.rules)
    labels = (code_bytes, code_ptr, rule_bytes, rule_ptr, _JOINERS, _JOINER_ENDS)
    if capacity is None:
        capacity = 256 * summary.n_lines + 2 * len(source) + 2 * len(id_bytes)
    while True:  # rarely more than one round
        out = np.empty(capacity, dtype=np.uint8)
        size = _write_lines(
            (summary.line_first, summary.span_hits, summary.span_ptr),
            (summary.rule_ids, summary.rule_ptr),
            (table.text - table.first_text, table.code, table.start, table.end, table.pieces),
            table.text_start,
            np.frombuffer(source, dtype=np.uint8),
            char_to_byte,
            id_bytes,
            id_ptr,
            labels,
            out,
        )
        if size >= 0:
            return out[:size].tobytes()
        capacity *= 4


@lru_cache(maxsize=8)
def _encode_labels(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_encode_all` of a coder's code ids or rule labels, once per coder."""
    return _encode_all(labels)


def _encode_all(values: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """``values`` as one UTF-8 byte array and where each one starts (and the last ends)."""
    encoded = [v.encode() for v in values]
    ptr = np.cumsum([0, *map(len, encoded)]).astype(np.int64)
    return np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8), ptr


@njit(cache=True)
def _summarise(
    text: np.ndarray, code: np.ndarray, rule: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Compiled: the arrays of :class:`Summary` for hits sorted by text, code, start, end,
    rule."""
    n = len(text)
    line_first = np.empty(n + 1, np.int64)
    lines = 0
    for i in range(n):
        if i == 0 or text[i] != text[i - 1] or code[i] != code[i - 1]:
            line_first[lines] = i
            lines += 1
    line_first[lines] = n
    span_hits, rule_ids = np.empty(n, np.int64), np.empty(n, np.int64)
    span_ptr, rule_ptr = np.zeros(lines + 1, np.int64), np.zeros(lines + 1, np.int64)
    spans = rules = 0
    for line in range(lines):
        low, high = line_first[line], line_first[line + 1]
        for i in range(low, high):  # the last hit of each span: its alphabetically last rule
            if i == high - 1 or start[i + 1] != start[i] or end[i + 1] != end[i]:
                span_hits[spans] = i
                spans += 1
        first = rules
        for i in range(low, high):
            rule_ids[first + i - low] = rule[i]
        sort_part(rule_ids, first, first + high - low)
        for i in range(first, first + high - low):  # each rule once (compacted in place)
            if i == first or rule_ids[i] != rule_ids[rules - 1]:
                rule_ids[rules] = rule_ids[i]
                rules += 1
        span_ptr[line + 1], rule_ptr[line + 1] = spans, rules
    return line_first[: lines + 1], span_hits[:spans], span_ptr, rule_ids[:rules], rule_ptr


@njit(cache=True)
def _map_chars_to_bytes(utf8: np.ndarray, n_chars: int) -> np.ndarray:
    """Compiled: the byte offset of each character offset (0 … ``n_chars``) of UTF-8 text."""
    offsets = np.empty(n_chars + 1, np.int64)
    char = 0
    for i in range(len(utf8)):
        if utf8[i] & 0xC0 != 0x80:  # not a continuation byte: a character starts
            offsets[char] = i
            char += 1
    offsets[char] = len(utf8)
    return offsets


@njit(cache=True)
def _write_lines(
    lines: tuple[np.ndarray, np.ndarray, np.ndarray],
    line_rules: tuple[np.ndarray, np.ndarray],
    hits: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    text_start: np.ndarray,
    source: np.ndarray,
    char_to_byte: np.ndarray,
    id_bytes: np.ndarray,
    id_ptr: np.ndarray,
    labels: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    out: np.ndarray,
) -> int:
    """Compiled: write the CSV lines into ``out``; return the bytes written, or -1 if they
    do not fit. Each field is written as it is and then quoted in place if it must be."""
    line_first, span_hits, span_ptr = lines
    rule_ids, rule_ptr = line_rules
    text, code, start, end, pieces = hits
    code_bytes, code_ptr, rule_bytes, rule_label_ptr, joiners, joiner_ends = labels
    groups = pieces.shape[1]
    order = np.empty(groups, np.int64)
    longest_rule = 0
    for rule in range(len(rule_label_ptr) - 1):
        longest_rule = max(longest_rule, rule_label_ptr[rule + 1] - rule_label_ptr[rule])
    at = 0
    for line in range(len(line_first) - 1):
        first = line_first[line]
        number = text[first]
        shift = text_start[number]
        # Room for the line: every field twice over (quoting), and the numbers. A near hit's
        # pieces lie inside its span, so each is at most the span's bytes.
        room = id_ptr[number + 1] - id_ptr[number]
        room += code_ptr[code[first] + 1] - code_ptr[code[first]]
        for span in range(span_ptr[line], span_ptr[line + 1]):
            hit = span_hits[span]
            size = char_to_byte[shift + end[hit]] - char_to_byte[shift + start[hit]]
            near = pieces[hit, 0, 0] >= 0
            room += joiner_ends[3] + (groups * (size + joiner_ends[1]) if near else size)
        room += (rule_ptr[line + 1] - rule_ptr[line]) * (longest_rule + joiner_ends[3])
        if at + 2 * room + 64 > len(out):
            return -1
        field = at
        at = _end_field(out, field, _put(out, at, id_bytes, id_ptr[number], id_ptr[number + 1]))
        field = at
        code_end = _put(out, at, code_bytes, code_ptr[code[first]], code_ptr[code[first] + 1])
        at = field = _end_field(out, field, code_end)  # the evidence field starts here
        for span in range(span_ptr[line], span_ptr[line + 1]):
            if span > span_ptr[line]:
                at = _put(out, at, joiners, joiner_ends[1], joiner_ends[2])
            hit = span_hits[span]
            if pieces[hit, 0, 0] < 0:
                low, high = char_to_byte[shift + start[hit]], char_to_byte[shift + end[hit]]
                at = _put(out, at, source, low, high)
            else:
                at = _put_near(
                    out, at, pieces, hit, shift, source, char_to_byte, joiners, joiner_ends[1],
                    order,
                )  # fmt: skip
        at = field = _end_field(out, field, at)  # the rules field starts here
        for rule in range(rule_ptr[line], rule_ptr[line + 1]):
            if rule > rule_ptr[line]:
                at = _put(out, at, joiners, joiner_ends[2], joiner_ends[3])
            ru = rule_ids[rule]
            at = _put(out, at, rule_bytes, rule_label_ptr[ru], rule_label_ptr[ru + 1])
        at = _end_field(out, field, at)
        at = _put_number(out, at, start[first])
        out[at] = COMMA
        at = _put_number(out, at + 1, end[first])
        out[at] = NEWLINE
        at += 1
    return at


@njit(cache=True)
def _put_near(
    out: np.ndarray,
    at: int,
    pieces: np.ndarray,
    hit: int,
    shift: int,
    source: np.ndarray,
    char_to_byte: np.ndarray,
    joiners: np.ndarray,
    joiner_end: int,
    order: np.ndarray,
) -> int:
    """Write the distinct spans of near hit ``hit`` (``pieces[hit]``: rows ``(start,
    end)``, ``-1`` unused) in text order, joined by ``joiners[:joiner_end]``; ``order`` is
    scratch space of a row per group."""
    above = len(char_to_byte)  # more than any offset
    n = 0
    for group in range(pieces.shape[1]):
        if pieces[hit, group, 0] >= 0:
            order[n] = pieces[hit, group, 0] * above + pieces[hit, group, 1]
            n += 1
    sort_part(order, 0, n)
    for i in range(n):
        if i > 0 and order[i] == order[i - 1]:
            continue
        if i > 0:
            at = _put(out, at, joiners, 0, joiner_end)
        first, last = (
            char_to_byte[shift + order[i] // above],
            char_to_byte[shift + order[i] % above],
        )
        at = _put(out, at, source, first, last)
    return at


@njit(cache=True)
def _put(out: np.ndarray, at: int, values: np.ndarray, low: int, high: int) -> int:
    """Copy ``values[low:high]`` to ``out`` at ``at``; return the end."""
    for i in range(low, high):
        out[at] = values[i]
        at += 1
    return at


@njit(cache=True)
def _end_field(out: np.ndarray, field: int, at: int) -> int:
    """End the field ``out[field:at]``: quote it if it must be, then a comma."""
    at = _quote(out, field, at)
    out[at] = COMMA
    return at + 1


@njit(cache=True)
def _quote(out: np.ndarray, field: int, at: int) -> int:
    """Quote the field ``out[field:at]`` in place if it holds a comma, quote, newline or
    carriage return (doubling its quotes); return its new end."""
    quotes, special = 0, False
    for i in range(field, at):
        byte = out[i]
        quotes += byte == QUOTE
        special |= byte == QUOTE or byte == COMMA or byte == NEWLINE or byte == RETURN
    if not special:
        return at
    end = at + quotes + 2
    target = end - 1
    out[target] = QUOTE
    for i in range(at - 1, field - 1, -1):  # from the back, so nothing is overwritten unread
        target -= 1
        out[target] = out[i]
        if out[i] == QUOTE:
            target -= 1
            out[target] = QUOTE
    out[field] = QUOTE
    return end


@njit(cache=True)
def _put_number(out: np.ndarray, at: int, value: int) -> int:
    """Write the decimal digits of ``value`` (≥ 0) at ``at``; return the end."""
    digits = 1
    while value >= 10**digits:
        digits += 1
    for i in range(digits - 1, -1, -1):
        out[at + i] = 48 + value % 10
        value //= 10
    return at + digits
