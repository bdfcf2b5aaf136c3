"""Codings ↔ REFI-QDA text selections: our coding rows as spans, selections as coding rows."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from thesis_analysis.codebook.model import Codebook
from thesis_analysis.coding.files import SNIPPET_LENGTH
from thesis_analysis.corpus.records import Corpus, Transcript
from thesis_analysis.errors import InputError
from thesis_analysis.refi.read import RefiProject, RefiSource
from thesis_analysis.refi.text import MappedText, make_position_converter

_SEGMENT_ID = re.compile(r"^(?P<transcript>.+)-t\d+-s\d+$")


@dataclass(frozen=True)
class ImportedSource:
    """A text source that became a transcript: source text, body mapping, rendered file."""

    source: RefiSource
    text: str
    mapped: MappedText
    transcript: Transcript
    rendered: str


def resolve_spans(
    corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, segments: pd.DataFrame | None
) -> list[dict]:
    """Codings as dicts with ``transcript``, ``start``, ``end`` checked against the corpus.

    Rows without ``start``/``end`` take their segment's offsets (from ``segments``, computed when
    not given). Raises :class:`InputError` for unknown transcripts or codes and bad offsets.
    """
    bodies = {t.id: t.body for t in corpus.transcripts}
    known = set(codebook.ids())
    rows = codings.to_dict("records")
    if any(pd.isna(r.get("start")) or pd.isna(r.get("end")) for r in rows) and segments is None:
        from thesis_analysis.corpus.segments import segment_corpus

        segments = segment_corpus(corpus)
    spans = {}
    if segments is not None:
        spans = dict(
            zip(
                segments["segment_id"],
                zip(segments["start"], segments["end"], strict=True),
                strict=True,
            )
        )
    resolved = []
    for row in rows:
        where = f"codings/{row['coder']}.csv ({row['segment_id']}, {row['code']})"
        match = _SEGMENT_ID.match(str(row["segment_id"]))
        transcript = match.group("transcript") if match else ""
        if transcript not in bodies:
            raise InputError(f"{where}: no transcript {transcript!r} for this segment id")
        if row["code"] not in known:
            raise InputError(f"{where}: code {row['code']!r} is not in the codebook")
        start, end = row.get("start"), row.get("end")
        if pd.isna(start) or pd.isna(end):
            if row["segment_id"] not in spans:
                raise InputError(f"{where}: no such segment and no start/end offsets")
            start, end = spans[row["segment_id"]]
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(bodies[transcript]):
            raise InputError(f"{where}: offsets {start}-{end} are outside the transcript body")
        memo = row.get("memo")
        resolved.append(
            {
                "transcript": transcript,
                "coder": str(row["coder"]),
                "code": str(row["code"]),
                "start": start,
                "end": end,
                "memo": "" if pd.isna(memo) else str(memo),
            }
        )
    return resolved


def map_codings(
    project: RefiProject,
    sources: list[ImportedSource],
    segments: pd.DataFrame,
    code_ids: dict[str, str],
    coders: dict[str, str],
    positions: str,
    skipped: Counter,
) -> list[dict]:
    """Coding rows from the mapped selections (unplaced ones counted in ``skipped``).

    Each selection's positions are converted to code points (``positions``), mapped into the
    body and coded on every segment they overlap; ``start``/``end`` keep the exact body offsets
    and ``snippet`` the selected text. Where one coder gave one code to several selections
    touching a segment, the row spans from the first start to the last end.
    """
    rows: dict[tuple[str, str, str], dict] = {}
    by_transcript = {t: f.sort_values("start") for t, f in segments.groupby("transcript")}
    for item in sources:
        convert = make_position_converter(item.text, positions)
        segs = by_transcript.get(item.transcript.id, segments.iloc[:0])
        mapped = item.mapped
        for selection in item.source.selections:
            span = mapped.map_span(convert(selection.start, False), convert(selection.end, True))
            if span is None:
                skipped["text selections outside the text or empty"] += 1
                continue
            hits = segs[(segs["start"] < span[1]) & (segs["end"] > span[0])]
            if hits.empty:
                skipped["text selections on no segment (headings, blanks)"] += 1
                continue
            if not selection.codings:
                skipped["text selections without codings"] += 1
            for code_guid, user, memo in selection.codings:
                if code_guid not in code_ids:
                    skipped["codings of a code not in the codebook"] += 1
                    continue
                coder = coders.get(user or project.creating_user, "unknown")
                for seg in hits.itertuples(index=False):
                    key = (coder, seg.segment_id, code_ids[code_guid])
                    note = memo or selection.memo
                    if key in rows:
                        row = rows[key]
                        row["start"], row["end"] = (
                            min(row["start"], span[0]),
                            max(row["end"], span[1]),
                        )
                        row["snippet"] = mapped.body[row["start"] : row["end"]][:SNIPPET_LENGTH]
                        if note and note not in row["memo"]:
                            row["memo"] = f"{row['memo']}; {note}" if row["memo"] else note
                        continue
                    rows[key] = {
                        "segment_id": seg.segment_id,
                        "code": key[2],
                        "coder": coder,
                        "start": span[0],
                        "end": span[1],
                        "snippet": mapped.body[span[0] : span[1]][:SNIPPET_LENGTH],
                        "memo": note,
                        "segment_hash": seg.segment_hash,
                        "rule": "",
                        "evidence": "",
                        "evidence_start": None,
                        "evidence_end": None,
                        "codebook": "",
                    }
    return list(rows.values())
