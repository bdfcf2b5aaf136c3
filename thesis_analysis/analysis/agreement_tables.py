"""Agreement tables of two coders per code: the statistics and the disagreeing segments.

Both tables take long coding tables of (at least) the two coders (``coder``, ``segment_id``,
``code``), map the codes to the table's level (see :mod:`thesis_analysis.analysis.levels`) and
count each informant segment as a unit; the statistics come from
:mod:`thesis_analysis.reliability.statistics`. Each is empty when either coder has no codings.
"""

from __future__ import annotations

import pandas as pd

from thesis_analysis.analysis.levels import (
    check_known_codes,
    label_code,
    list_level_codes,
    map_code_level,
)
from thesis_analysis.codebook.model import Codebook

AGREEMENT_COLUMNS = (
    "code label n_units n_reference n_candidate percent_agreement cohen_kappa krippendorff_alpha "
    "note"
).split()


def compute_agreement_by_code(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    reference: str = "manual",
    candidate: str = "auto",
    level: str = "top",
) -> pd.DataFrame:
    """Agreement per code between two coders, each segment a unit (coded 1, not coded 0).

    Returns
    -------
    DataFrame with :data:`AGREEMENT_COLUMNS`, one row per code of :func:`list_level_codes`
    plus ``(macro)`` and ``(pooled)`` (see
    :func:`~thesis_analysis.reliability.statistics.compute_code_reliability`):
    ``n_units`` (segments),
    ``n_reference``/``n_candidate`` (segments each coder coded with the code),
    ``percent_agreement``, ``cohen_kappa``, ``krippendorff_alpha`` and ``note`` (why a figure
    is NaN). Empty when either coder has no codings.
    """
    from thesis_analysis.reliability.per_code import compute_code_reliability

    if not {reference, candidate} <= set(codings["coder"]):
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    check_known_codes(codings, codebook)
    chosen = codings[codings["segment_id"].isin(segments["segment_id"])]
    mapped = map_code_level(chosen[["coder", "segment_id", "code"]], level)
    codes = list_level_codes(codebook, level)
    long = compute_code_reliability(mapped, segments, codes, coders=[reference, candidate])
    stats = long[long["statistic"] != "n_coded"].pivot(
        index="code", columns="statistic", values="value"
    )
    counts = long[long["statistic"] == "n_coded"].pivot(
        index="code", columns="coder", values="value"
    )
    units = long.groupby("code")["n_units"].max()
    notes = long.groupby("code")["note"].agg(lambda s: "; ".join(sorted({n for n in s if n})))
    order = [*codes, *[c for c in units.index if c not in codes]]
    frame = pd.DataFrame({"code": order})
    frame["label"] = [label_code(codebook, c) for c in order]
    frame["n_units"] = frame["code"].map(units).astype("Int64")
    frame["n_reference"] = frame["code"].map(counts[reference]).astype("Int64")
    frame["n_candidate"] = frame["code"].map(counts[candidate]).astype("Int64")
    for statistic in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        frame[statistic] = frame["code"].map(stats[statistic]).astype(float)
    frame["note"] = frame["code"].map(notes).fillna("")
    return frame[AGREEMENT_COLUMNS]


def list_coder_disagreements(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    reference: str = "manual",
    candidate: str = "auto",
    level: str = "top",
) -> pd.DataFrame:
    """Segments one coder gave a code and the other did not.

    Returns
    -------
    DataFrame with columns ``segment_id``, ``code``, ``label``, ``coders_with``,
    ``coders_without``, ``text``; sorted by segment and code. Empty when either coder has no
    codings.
    """
    from thesis_analysis.reliability.per_code import list_disagreements

    columns = ["segment_id", "code", "label", "coders_with", "coders_without", "text"]
    if not {reference, candidate} <= set(codings["coder"]):
        return pd.DataFrame(columns=columns)
    check_known_codes(codings, codebook)
    chosen = codings[codings["segment_id"].isin(segments["segment_id"])]
    mapped = map_code_level(chosen[["coder", "segment_id", "code"]], level)
    codes = list_level_codes(codebook, level)
    table = list_disagreements(mapped, segments, codes, coders=[reference, candidate])
    table.insert(2, "label", [label_code(codebook, c) for c in table["code"]])
    return table[columns]
