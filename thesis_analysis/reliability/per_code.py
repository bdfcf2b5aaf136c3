"""Reliability per code: every statistic of :mod:`~thesis_analysis.reliability.statistics`
for each code's presence/absence on the chosen unit, and the units the coders disagree on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from thesis_analysis.reliability.statistics import (
    MACRO,
    NAN,
    POOLED,
    compute_cohen_kappa,
    compute_fleiss_kappa,
    compute_krippendorff_alpha,
    compute_percent_agreement,
)
from thesis_analysis.reliability.units import (
    UNIT_KINDS,
    ReliabilityMatrix,
    build_character_matrices,
    build_presence,
    compress_binary,
    select_codings,
    stack_matrices,
)

CODE_COLUMNS = ["code", "statistic", "coder", "value", "n_units", "unit", "note"]


def _rows_for(code: str, matrix: ReliabilityMatrix, unit: str) -> list[tuple]:
    """Rows (in CODE_COLUMNS order) of the statistics and per-coder counts of one matrix."""
    stats = [compute_percent_agreement, compute_fleiss_kappa, compute_krippendorff_alpha]
    if len(matrix.coders) == 2:
        stats.insert(1, compute_cohen_kappa)
    results = [stat(matrix) for stat in stats]
    rows = [(code, r.statistic, None, r.value, r.n_units, unit, r.note) for r in results]
    coded = (matrix.weights[:, None] * (matrix.values == 1)).sum(axis=0)
    for name, n_coded in zip(matrix.coders, coded, strict=True):
        rows.append((code, "n_coded", name, float(n_coded), matrix.n_units, unit, ""))
    return rows


def compute_code_reliability(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    transcript_lengths: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Per-code reliability: each unit is 1 for a coder who applied the code to it, else 0.

    Every given segment counts: a coder who did not code a segment with a code gave it 0.

    Parameters
    ----------
    codings : pandas.DataFrame
        Columns ``segment_id``, ``code``, ``coder``; for ``unit="character"`` also ``start``
        and ``end`` (code point offsets into the transcript body, end exclusive; the segment's
        span is used where they are missing). Other columns are ignored, as are codings of
        codes not in ``codes`` and of coders not in ``coders``.
    segments : pandas.DataFrame
        Columns ``segment_id`` (like ``TL1-t012-s03``), ``transcript``, ``start``, ``end``.
    codes : sequence of str
        Codes to report, in this order.
    coders : sequence of str, optional
        Coders to compare (default: every coder in ``codings``, sorted).
    unit : {"segment", "turn", "character"}
        ``turn``: a turn (segment id before ``-s``) is coded if any of its segments is.
        ``character``: every character is a unit, see ``transcript_lengths``.
    transcript_lengths : mapping of str to int, optional
        Only for ``unit="character"``: body length per transcript, so that every character
        of every transcript is a unit. Without it the units are the characters inside the
        segments.

    Returns
    -------
    pandas.DataFrame
        Long format, columns ``code`` (a code, ``(macro)`` = mean over the codes where the
        figure is defined, ``(pooled)`` = every (unit, code) pair as one unit), ``statistic``
        (``percent_agreement``, ``cohen_kappa`` with 2 coders only, ``fleiss_kappa``,
        ``krippendorff_alpha``, ``n_coded``), ``coder`` (for ``n_coded`` only: units that
        coder coded with the code), ``value``, ``n_units``, ``unit``, ``note``.
    """
    if unit not in UNIT_KINDS:
        raise ValueError(f"unit must be one of {UNIT_KINDS}, not {unit!r}")
    chosen, coder_ids = select_codings(codings, segments, codes, coders)
    if len(coder_ids) < 2:
        raise ValueError(f"need at least two coders, got {list(coder_ids)}")
    if unit == "character":
        matrices = build_character_matrices(chosen, segments, codes, coder_ids, transcript_lengths)
    else:
        presence = build_presence(chosen, segments, codes, coder_ids, unit)
        matrices = [compress_binary(bits, coder_ids) for bits in presence]
    rows = [
        row for code, m in zip(codes, matrices, strict=True) for row in _rows_for(code, m, unit)
    ]
    table = pd.DataFrame(rows, columns=CODE_COLUMNS)
    for statistic, group in table[table["statistic"] != "n_coded"].groupby("statistic", sort=False):
        defined = group["value"].dropna()
        mean = float(defined.mean()) if len(defined) else NAN
        note = f"mean over the {len(defined)} of {len(group)} codes where defined"
        rows.append((MACRO, statistic, None, mean, int(group["n_units"].max()), unit, note))
    if matrices:
        rows.extend(_rows_for(POOLED, stack_matrices(matrices), unit))
    return pd.DataFrame(rows, columns=CODE_COLUMNS)


def list_disagreements(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Segments where some coders applied a code and others did not.

    Parameters
    ----------
    codings : pandas.DataFrame
        Columns ``segment_id``, ``code``, ``coder``.
    segments : pandas.DataFrame
        Columns ``segment_id`` and ``text``.
    codes : sequence of str
        Codes to check.
    coders : sequence of str, optional
        Coders to compare (default: every coder in ``codings``, sorted).

    Returns
    -------
    pandas.DataFrame
        One row per (segment, code) with disagreement, sorted by ``segment_id`` then
        ``code``; columns ``segment_id``, ``code``, ``coders_with`` and ``coders_without``
        (coder ids joined by ", ", in coder order) and ``text`` (the segment's text).
    """
    chosen, coder_ids = select_codings(codings, segments, codes, coders)
    presence = build_presence(chosen, segments, codes, coder_ids, "segment")
    n_with = presence.sum(axis=2)
    code_idx, seg_idx = np.nonzero((n_with > 0) & (n_with < len(coder_ids)))
    seg_ids = segments["segment_id"].astype(str).to_numpy()
    texts = segments["text"].to_numpy() if "text" in segments.columns else [""] * len(seg_ids)
    rows = []
    for c, s in zip(code_idx, seg_idx, strict=True):
        marks = presence[c, s]
        rows.append(
            {
                "segment_id": seg_ids[s],
                "code": codes[c],
                "coders_with": ", ".join(k for k, on in zip(coder_ids, marks, strict=True) if on),
                "coders_without": ", ".join(
                    k for k, on in zip(coder_ids, marks, strict=True) if not on
                ),
                "text": texts[s],
            }
        )
    columns = ["segment_id", "code", "coders_with", "coders_without", "text"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["segment_id", "code"], kind="mergesort").reset_index(drop=True)
