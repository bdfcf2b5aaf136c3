"""The review queue: auto-codings (and near misses) ordered by how uncertain they are.

A researcher should read the doubtful codings first. Confidence is a calibrated probability
(or a rule's measured precision), so 0.5 is a coin flip: a coding's *margin* is
``|confidence - 0.5|``, the same measure the coding panel orders its suggestions by. Codes
the model nearly gave (``p`` below its threshold by at most :data:`WINDOW` and by at most half
of it, no coding) are in the queue too, as ``not coded``. Segments are ordered by their
smallest margin, and within a segment by margin.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from thesis_analysis.autocode.combine import CodedDoc
from thesis_analysis.autocode.model import LearnedModel
from thesis_analysis.codebook.model import compute_top_level

QUEUE_COLUMNS = ["rank", "segment_id", "code", "decision", "source", "confidence",
                 "threshold", "margin", "evidence", "text"]  # fmt: skip
WINDOW = 0.25
DOUBT = 0.5


def build_review_queue(
    ids: list[str], texts: list[str], docs: Iterable[CodedDoc], model: LearnedModel | None
) -> pd.DataFrame:
    """The review queue of coded texts.

    Parameters
    ----------
    ids, texts : the texts' ids (e.g. segment ids) and texts, in the order coded.
    docs : the :class:`CodedDoc` of :meth:`CombinedCoder.code_docs` over ``texts``.
    model : the model that coded them (``None``: rules only).

    Returns
    -------
    DataFrame with :data:`QUEUE_COLUMNS`: one row per coding (``decision`` ``coded``) and per
    near miss (``not coded``); ``threshold`` is the model's threshold of the code's top level
    (NaN for rule-only codes); ranked from 1, most uncertain first.
    """
    codes = model.codes if model is not None else ()
    column = {code: n for n, code in enumerate(codes)}
    rows = []
    for doc in docs:
        given = set()
        for text, code, source, confidence, evidence, *_ in doc.lines.iterate_rows():
            top = compute_top_level(code)
            number = text - doc.first_text
            margin = abs(confidence - DOUBT)
            threshold = float("nan")
            if source != "rule" and top in column:
                threshold = float(model.threshold[column[top]])
            if top in column:
                given.add((number, column[top]))
            rows.append((text, code, "coded", source, confidence, threshold, margin, evidence))
        if model is None:
            continue
        gap = model.threshold - doc.probability
        near = np.argwhere((gap > 0) & (gap <= WINDOW) & (doc.probability >= model.threshold / 2))
        for number, c in near.tolist():
            if (number, c) in given:
                continue
            p = float(doc.probability[number, c])
            rows.append((doc.first_text + number, codes[c], "not coded", "model", p,
                         float(model.threshold[c]), abs(p - DOUBT), ""))  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["number", "code", "decision", "source", "confidence", "threshold", "margin",
                 "evidence"],
    )  # fmt: skip
    frame["segment_id"] = [ids[n] for n in frame["number"]]
    frame["text"] = [texts[n] for n in frame["number"]]
    frame["first"] = frame.groupby("number")["margin"].transform("min")
    frame = frame.sort_values(["first", "segment_id", "margin", "code"], kind="mergesort")
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame[["confidence", "threshold", "margin"]] = frame[
        ["confidence", "threshold", "margin"]
    ].round(4)
    return frame[QUEUE_COLUMNS].reset_index(drop=True)
