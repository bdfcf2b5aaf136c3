"""Running the auto-coder over segments (the corpus) or over a CSV of texts (streaming)."""

from __future__ import annotations

import codecs
import csv
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from thesis_analysis.autocode import AutoCoder, HitTable
from thesis_analysis.codings import CODING_COLUMNS
from thesis_analysis.errors import InputError

TEXT_CODING_COLUMNS = ["id", "code", "evidence", "rule", "evidence_start", "evidence_end"]
SNIPPET_LENGTH = 120


def summarise_tables(tables: Iterable[HitTable]) -> Iterator[tuple[int, str, str, str, int, int]]:
    """One summary per text and code, in text and code order.

    Yields ``(text number, code, evidence, rules, start, end)``: the distinct evidence spans
    in text order joined by `` | `` (for spans found by several rules, the evidence of the
    alphabetically last rule), the rules that fired, sorted and joined by ``; ``, and the
    offsets of the first evidence span.
    """
    for table in tables:
        n = len(table.text)
        if not n:
            continue
        # Hits are sorted by text, code, start, end and rule: each (text, code) is a run.
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = (table.text[1:] != table.text[:-1]) | (table.code[1:] != table.code[:-1])
        group = np.cumsum(new_group) - 1
        firsts = np.flatnonzero(new_group)
        last_of_span = np.ones(n, dtype=bool)  # the last hit of each span: alphabetically last
        last_of_span[:-1] = (group[1:] != group[:-1]) | (table.start[1:] != table.start[:-1])
        last_of_span[:-1] |= table.end[1:] != table.end[:-1]
        evidence = [table.evidence[i] for i in np.flatnonzero(last_of_span).tolist()]
        labels = np.unique(group * len(table.rules) + table.rule)  # sorted rule numbers
        rules = [table.rules[r] for r in (labels % len(table.rules)).tolist()]
        evidence_end = np.cumsum(np.bincount(group[last_of_span], minlength=len(firsts)))
        rules_end = np.cumsum(np.bincount(labels // len(table.rules), minlength=len(firsts)))
        columns = (
            table.text[firsts].tolist(),
            table.code[firsts].tolist(),
            table.start[firsts].tolist(),
            table.end[firsts].tolist(),
            evidence_end.tolist(),
            rules_end.tolist(),
        )
        low_evidence = low_rules = 0
        for text, code, start, end, high_evidence, high_rules in zip(*columns, strict=True):
            yield (
                text,
                table.codes[code],
                " | ".join(evidence[low_evidence:high_evidence]),
                "; ".join(rules[low_rules:high_rules]),
                start,
                end,
            )
            low_evidence, low_rules = high_evidence, high_rules


def code_segments(segments: pd.DataFrame, coder: AutoCoder, progress: bool = False) -> pd.DataFrame:
    """Code every segment; one row per segment and code.

    Parameters
    ----------
    segments : the segments table of :func:`thesis_analysis.segments.segment_corpus`.
    coder : the auto-coder.
    progress : show a progress bar (only when standard error is a terminal).

    Returns
    -------
    DataFrame with :data:`CODING_COLUMNS`: ``segment_id``, ``code``, ``coder`` (``auto``),
    ``start``/``end`` (the segment's offsets in the transcript body), ``snippet`` (the
    segment's text, shortened), ``memo`` (empty), ``segment_hash``, ``rule`` (the rules that
    fired, ``; ``-separated), ``evidence`` (the matched words, `` | ``-separated),
    ``evidence_start``/``evidence_end`` (body offsets of the first evidence) and ``codebook``
    (the codebook's short hash). Sorted by segment id and code.
    """
    rows = []
    texts = segments["text"].tolist()
    bar = tqdm(total=len(texts), disable=not (progress and sys.stderr.isatty()), unit="seg")
    records = list(
        segments[["segment_id", "start", "end", "text", "segment_hash"]].itertuples(index=False)
    )
    short_hash = coder.codebook.short_hash()
    summaries = summarise_tables(coder.code_tables(_count(texts, bar)))
    for number, code, evidence, rules, start, end in summaries:
        record = records[number]
        rows.append(
            (
                record.segment_id,
                code,
                coder.coder,
                record.start,
                record.end,
                record.text[:SNIPPET_LENGTH],
                "",
                record.segment_hash,
                rules,
                evidence,
                record.start + start,
                record.start + end,
                short_hash,
            )
        )
    bar.close()
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    return frame.sort_values(["segment_id", "code"], ignore_index=True)


def code_csv(
    source: Path,
    target: Path,
    coder: AutoCoder,
    id_column: str = "id",
    text_column: str = "text",
    chunk_size: int = 4096,
    progress: bool = True,
    texts_per_doc: int = 1024,
) -> int:
    """Code a CSV of texts into a long CSV, streaming in chunks; return the rows written.

    The output has :data:`TEXT_CODING_COLUMNS`: one row per text and code (texts with no code
    have no row); offsets are into the text. It is written to a temporary file beside
    ``target`` and moved into place at the end, so a failed run leaves no half file.
    """
    source, target = Path(source), Path(target)
    check_text_csv(source, id_column, text_column)
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    bar = tqdm(disable=not (progress and sys.stderr.isatty()), unit="text")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(TEXT_CODING_COLUMNS)
            reader = pd.read_csv(
                source, dtype=str, keep_default_na=False, encoding="utf-8-sig", chunksize=chunk_size
            )
            # Rule labels and code ids are the codebook's: quote them only if one needs it.
            plain_labels = not any(CSV_SPECIAL.search(r) for r in (*coder.rules, *coder.codes))
            quote_label = (lambda label: label) if plain_labels else quote_csv_field
            for chunk in reader:
                ids = [quote_csv_field(i) for i in chunk[id_column].tolist()]
                tables = coder.code_tables(chunk[text_column], texts_per_doc)
                lines = [
                    f"{ids[number]},{quote_label(code)},{quote_csv_field(evidence)},"
                    f"{quote_label(rules)},{start},{end}\n"
                    for number, code, evidence, rules, start, end in summarise_tables(tables)
                ]
                handle.write("".join(lines))
                written += len(lines)
                bar.update(len(ids))
        os.replace(tmp_name, target)
    except UnicodeDecodeError:
        Path(tmp_name).unlink(missing_ok=True)
        raise InputError(f"{source}: not UTF-8 further down the file; save it as UTF-8") from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    return written


def _count(texts: Iterable[str], bar: tqdm) -> Iterator[str]:
    """``texts``, updating the progress bar as each one is taken."""
    for text in texts:
        bar.update()
        yield text


CSV_SPECIAL = re.compile(r'[,"\r\n]')


def quote_csv_field(value: str) -> str:
    """``value`` as a CSV field, quoted only when it must be: as :mod:`csv` quotes it, and
    also when it holds a carriage return (which :mod:`csv` leaves bare)."""
    if CSV_SPECIAL.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def check_text_csv(path: Path, id_column: str, text_column: str) -> None:
    """Raise :class:`InputError` unless ``path`` is a non-empty UTF-8 CSV with both columns."""
    if not path.is_file():
        raise InputError(
            f"{path}: no such file; give a CSV with columns {id_column}, {text_column}"
        )
    with path.open("rb") as handle:
        raw = handle.read(1 << 20)
    if not raw.strip():
        raise InputError(f"{path}: the file is empty; give a CSV with a header row")
    try:
        header = codecs.getincrementaldecoder("utf-8-sig")().decode(raw).split("\n", 1)[0]
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 (cp1252/latin-1?); save it as UTF-8, e.g. "
            "`iconv -f cp1252 -t utf-8 IN > OUT`"
        ) from None
    columns = next(csv.reader([header]))
    missing = [c for c in (id_column, text_column) if c not in columns]
    if missing:
        raise InputError(
            f"{path}:1: no column {', '.join(missing)}; the columns are {', '.join(columns)} — "
            "name them with --id-column/--text-column"
        )
