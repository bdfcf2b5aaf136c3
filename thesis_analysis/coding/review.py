"""Reviewing codings: codings made on text that has changed since, and merging coders.

A coding remembers the ``segment_hash`` of the text it was made on (see
:mod:`thesis_analysis.coding.files`); :func:`find_stale_codings` lists the codings whose segment
has changed or vanished. :func:`merge_coders` adjudicates several coders into the codings
they all agree on (coder :data:`ADJUDICATED`) and a table of their disagreements.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from thesis_analysis.coding.files import CODING_COLUMNS, normalise_codings
from thesis_analysis.errors import InputError

STALE_COLUMNS = ["coder", "segment_id", "code", "status", "old_snippet", "new_text"]
DISAGREEMENT_COLUMNS = ["segment_id", "code", "coders_with", "coders_without", "text"]
ADJUDICATED = "adjudicated"


def find_stale_codings(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Codings made on text that has changed since, or on segments that no longer exist.

    Parameters
    ----------
    codings : coding table (``coder``, ``segment_id``, ``code``, ``snippet``,
        ``segment_hash``). Codings without a ``segment_hash`` are only checked for a
        missing segment.
    segments : the current segments table (``segment_id``, ``text``, ``segment_hash``).

    Returns
    -------
    DataFrame with columns ``coder``, ``segment_id``, ``code``, ``status`` (``changed``: the
    segment's text is not the text coded; ``missing``: no such segment any more),
    ``old_snippet`` (the coded text as stored) and ``new_text`` (the segment's text now,
    ``""`` when missing); sorted by coder, segment id, code.
    """
    texts = dict(zip(segments["segment_id"], segments["text"], strict=True))
    hashes = dict(zip(segments["segment_id"], segments["segment_hash"], strict=True))
    rows = []
    for row in codings.itertuples(index=False):
        if row.segment_id not in texts:
            status, new_text = "missing", ""
        elif not row.segment_hash or row.segment_hash == hashes[row.segment_id]:
            continue
        else:
            status, new_text = "changed", texts[row.segment_id]
        rows.append((row.coder, row.segment_id, row.code, status, row.snippet, new_text))
    frame = pd.DataFrame(rows, columns=STALE_COLUMNS)
    return frame.sort_values(STALE_COLUMNS[:3], kind="mergesort", ignore_index=True)


def merge_coders(
    codings: pd.DataFrame, coders: Sequence[str], segments: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adjudicate several coders: what they all agree on, and every disagreement.

    Parameters
    ----------
    codings : coding table of (at least) the given coders.
    coders : two or more coder ids; their order orders ``coders_with``/``coders_without``.
    segments : the segments table (``segment_id``, ``text``) for the disagreements' text.

    Returns
    -------
    adjudicated : DataFrame with :data:`CODING_COLUMNS`, coder ``adjudicated``: one row per
        (segment, code) every coder applied, the other columns from the first coder's row
        (in ``coders`` order) and ``memo`` joining the coders' memos (``coder: memo; …``).
    disagreements : DataFrame with columns ``segment_id``, ``code``, ``coders_with``,
        ``coders_without`` (coder ids joined by ``", "``) and ``text`` (the segment's text
        now, else the coded snippet), one row per (segment, code) applied by some but not
        all coders; sorted by segment id and code.
    """
    coders = list(dict.fromkeys(coders))
    if len(coders) < 2:
        raise InputError(f"merging needs two or more coders; got {coders}")
    chosen = normalise_codings(codings[codings["coder"].isin(coders)])
    texts = dict(zip(segments["segment_id"], segments["text"], strict=True))
    agreed, disagreements = [], []
    for (segment_id, code), group in chosen.groupby(["segment_id", "code"], sort=True):
        by_coder = {row["coder"]: row for row in group.to_dict("records")}
        with_ = [c for c in coders if c in by_coder]
        if len(with_) == len(coders):
            first = dict(by_coder[coders[0]])
            memos = [f"{c}: {by_coder[c]['memo']}" for c in coders if by_coder[c]["memo"]]
            agreed.append({**first, "coder": ADJUDICATED, "memo": "; ".join(memos)})
        else:
            without = ", ".join(c for c in coders if c not in by_coder)
            text = texts.get(segment_id, by_coder[with_[0]]["snippet"])
            disagreements.append((segment_id, code, ", ".join(with_), without, text))
    adjudicated = pd.DataFrame(agreed, columns=CODING_COLUMNS)
    return normalise_codings(adjudicated), pd.DataFrame(disagreements, columns=DISAGREEMENT_COLUMNS)
