"""Running the auto-coder over segments (the corpus) or over a CSV of texts (streaming)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.combine import CombinedCoder, encode_coded_lines
from thesis_analysis.errors import InputError
from thesis_analysis.user_files import iter_user_csv
from thesis_analysis.writers import open_atomic

if TYPE_CHECKING:
    import pandas as pd

TEXT_CODING_COLUMNS = ["id", "code", "evidence", "confidence", "source", "rule", "evidence_start",
                       "evidence_end"]  # fmt: skip
SNIPPET_LENGTH = 120


def code_segments(
    segments: pd.DataFrame, coder: AutoCoder | CombinedCoder, progress: bool = False
) -> pd.DataFrame:
    """Code every segment; one row per segment and code.

    Parameters
    ----------
    segments : the segments table of :func:`thesis_analysis.corpus.segments.segment_corpus`.
    coder : the rule auto-coder, or rules and model together
        (:class:`~thesis_analysis.autocode.combine.CombinedCoder`).
    progress : show a progress bar (only when standard error is a terminal).

    Returns
    -------
    DataFrame with :data:`CODING_COLUMNS`: ``segment_id``, ``code``, ``coder`` (``auto``),
    ``start``/``end`` (the segment's offsets in the transcript body), ``snippet`` (the
    segment's text, shortened), ``memo`` (empty), ``segment_hash``, ``rule`` (the rules that
    fired, ``; ``-separated, ``model`` for a model-only coding), ``evidence`` (the matched
    words, or the words that weighed most, `` | ``-separated), ``confidence`` (0–1, four
    decimals), ``source`` (``rule``, ``model`` or ``both``), ``evidence_start``/``evidence_end``
    (body offsets of the first evidence) and ``codebook`` (the codebook's short hash). Sorted
    by segment id and code.
    """
    import pandas as pd

    from thesis_analysis.coding.files import CODING_COLUMNS

    rows = []
    texts = segments["text"].tolist()
    bar = tqdm(total=len(texts), disable=not (progress and sys.stderr.isatty()), unit="seg")
    records = list(
        segments[["segment_id", "start", "end", "text", "segment_hash"]].itertuples(index=False)
    )
    combined = coder if isinstance(coder, CombinedCoder) else CombinedCoder(coder, None)
    short_hash, name = combined.coder.codebook.short_hash(), combined.coder.coder
    for doc in combined.code_docs(_count(texts, bar)):
        for (
            number,
            code,
            source,
            confidence,
            evidence,
            rules,
            start,
            end,
        ) in doc.lines.iterate_rows():
            record = records[number]
            rows.append(
                (
                    record.segment_id,
                    code,
                    name,
                    record.start,
                    record.end,
                    record.text[:SNIPPET_LENGTH],
                    "",
                    record.segment_hash,
                    rules,
                    evidence,
                    f"{confidence:.4f}",
                    source,
                    record.start + start,
                    record.start + end,
                    short_hash,
                )  # fmt: skip
            )
    bar.close()
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    return frame.sort_values(["segment_id", "code"], ignore_index=True)


def code_csv(
    source: Path,
    target: Path,
    coder: AutoCoder | CombinedCoder,
    id_column: str = "id",
    text_column: str = "text",
    chunk_size: int = 4096,
    progress: bool = True,
    texts_per_doc: int = 1024,
) -> int:
    """Code a CSV of texts into a long CSV, streaming in chunks; return the rows written.

    The output has :data:`TEXT_CODING_COLUMNS`: one row per text and code (texts with no code
    have no row); offsets are into the text. It is written through
    :func:`~thesis_analysis.writers.open_atomic`, so a failed run leaves no half file and the
    previous output intact. Other columns of the input are ignored.
    """
    source, target = Path(source), Path(target)
    combined = coder if isinstance(coder, CombinedCoder) else CombinedCoder(coder, None)
    chunks = iter_user_csv(source, (id_column, text_column), chunk_size)
    first = next(chunks, None)  # header problems are reported before any output is opened
    written = 0
    bar = tqdm(disable=not (progress and sys.stderr.isatty()), unit="text")
    try:
        with open_atomic(target) as handle:
            handle.write((",".join(TEXT_CODING_COLUMNS) + "\n").encode())
            for _lines, rows in chain([first] if first else [], chunks):
                ids = [row[0] for row in rows]
                texts = [row[1] for row in rows]
                _check_lengths(source, ids, texts, combined.nlp.max_length)
                for doc in combined.code_docs(texts, texts_per_doc):
                    handle.write(encode_coded_lines(doc.lines, ids, 0))
                    written += len(doc.lines)
                bar.update(len(ids))
    finally:
        bar.close()
    return written


def _check_lengths(source: Path, ids: list[str], texts: list[str], limit: int) -> None:
    """Raise :class:`InputError` naming the first text longer than ``limit`` characters."""
    if max(map(len, texts), default=0) > limit:
        number = next(n for n, text in enumerate(texts) if len(text) > limit)
        raise InputError(
            f"{source}: the text of id {ids[number]} has {len(texts[number]):,} characters; "
            f"at most {limit:,} can be coded as one text — split it into parts"
        )


def _count(texts: Iterable[str], bar: tqdm) -> Iterator[str]:
    """``texts``, updating the progress bar as each one is taken."""
    for text in texts:
        bar.update()
        yield text
