"""Segmentation: turns into sentence segments with stable ids and source offsets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from spacy.language import Language

from thesis_analysis.corpus.records import Corpus, Turn
from thesis_analysis.nlp.pipeline import get_pipeline, list_sentence_spans, pipe_joined
from thesis_analysis.project_file import ProjectFile, load_default_project_file

LEADING_COLUMNS = ["segment_id", "transcript", "informant", "speaker"]
TRAILING_COLUMNS = [
    "section",
    "turn",
    "sentence",
    "start",
    "end",
    "text",
    "segment_hash",
    "provenance",
]


def list_segment_columns(settings: ProjectFile | None = None) -> list[str]:
    """The columns of a segments table: the fixed ones around the project's grouping case
    variables (those with listed values, in ``project.yaml`` order)."""
    settings = settings or load_default_project_file()
    return [*LEADING_COLUMNS, *settings.list_grouping_variables(), *TRAILING_COLUMNS]


def list_case_columns(segments: pd.DataFrame) -> list[str]:
    """The case-variable columns of a segments table (its columns that are not fixed ones)."""
    fixed = {*LEADING_COLUMNS, *TRAILING_COLUMNS}
    return [c for c in segments.columns if c not in fixed]


SEGMENT_COLUMNS = list_segment_columns()
"""The segment columns of the thesis project (a folder without ``project.yaml``)."""


def make_segment_id(transcript: str, turn: int, sentence: int) -> str:
    """The stable id of a segment: ``<transcript>-t<turn>-s<sentence>`` (``TL1-t012-s03``)."""
    return f"{transcript}-t{turn:03d}-s{sentence:02d}"


def compute_text_hash(text: str) -> str:
    """A short content hash of a segment's text (first 16 hex digits of SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def segment_turns(
    turns: Iterable[Turn], nlp: Language | None = None, turns_per_doc: int = 64
) -> Iterator[tuple[Turn, int, int, int]]:
    """Yield ``(turn, sentence number, start, end)`` with offsets into the body.

    Turns are processed ``turns_per_doc`` at a time (:func:`pipe_joined`); sentence
    boundaries do not need lemmas, so the lemma component is skipped.
    """
    nlp = nlp or get_pipeline()
    turn_list = list(turns)
    position = 0
    texts = (turn.text for turn in turn_list)
    for doc, _joined, starts in pipe_joined(nlp, texts, turns_per_doc, disable=["nb_lemmas"]):
        spans = list_sentence_spans(doc)
        owners = np.searchsorted(starts, [start for start, _ in spans], side="right") - 1
        numbers = [0] * len(starts)
        for (start, end), owner in zip(spans, owners.tolist(), strict=True):
            turn = turn_list[position + owner]
            numbers[owner] += 1
            shift = turn.start - starts[owner]
            yield turn, numbers[owner], start + shift, end + shift
        position += len(starts)


def segment_corpus(
    corpus: Corpus, nlp: Language | None = None, informants_only: bool = False
) -> pd.DataFrame:
    """Split every turn of the corpus into sentence segments.

    Parameters
    ----------
    corpus : the loaded transcripts.
    nlp : the pipeline (default: the shared one from :func:`get_pipeline`).
    informants_only : leave out the interviewer's turns.

    Returns
    -------
    DataFrame, one row per segment, sorted by transcript, turn and sentence, with columns
    ``segment_id`` (stable id, see :func:`make_segment_id`), ``transcript``, ``informant``,
    ``speaker`` (the interviewer's label or the informant id), one column per case variable
    with listed values (``corpus.settings``; e.g. ``role``, ``employer``), ``section``
    (interview guide part), ``turn`` and ``sentence`` (numbered from 1), ``start``/``end``
    (Unicode code points into the transcript body, end exclusive), ``text``, ``segment_hash`` (see
    :func:`compute_text_hash`) and ``provenance`` (the turn's thesis source, if any).
    """
    rows = []
    variables = corpus.settings.list_grouping_variables()
    for transcript in corpus.transcripts:
        informant = transcript.informant
        values = tuple(informant.get(name) for name in variables)
        turns = [t for t in transcript.turns if not informants_only or t.speaker == informant.id]
        for turn, number, start, end in segment_turns(turns, nlp):
            text = transcript.body[start:end]
            rows.append(
                (
                    make_segment_id(transcript.id, turn.index, number),
                    transcript.id,
                    informant.id,
                    turn.speaker,
                    *values,
                    turn.section,
                    turn.index,
                    number,
                    start,
                    end,
                    text,
                    compute_text_hash(text),
                    turn.provenance or "",
                )
            )
    frame = pd.DataFrame(rows, columns=list_segment_columns(corpus.settings))
    return frame.sort_values(["transcript", "turn", "sentence"], ignore_index=True)
