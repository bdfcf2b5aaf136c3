"""The ``reliability`` command: agreement between the coders in ``codings/``, per code.

Every coder file counts (the auto-coder's ``auto.csv`` too); ``adjudicated.csv``, made from
the other coders by :func:`thesis_analysis.coding.review.merge_coders`, does not. The codes compared
are the top levels (:func:`thesis_analysis.codebook.model.compute_top_level`) of the codebook's
codable codes, in codebook order; a coding counts for its top level
(``malforskyvning.telling`` → ``malforskyvning``, ``holdning.kritisk`` stays itself). The unit
is the segment: every segment given counts, and a coder who did not give a segment a code
gave it "not coded". Stale codings (text changed since, or segment not among those given)
are left out and counted in the report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thesis_analysis.coding.files import list_coder_files, load_codings
from thesis_analysis.coding.review import ADJUDICATED, find_stale_codings
from thesis_analysis.errors import InputError
from thesis_analysis.writers import write_csv_atomic

if TYPE_CHECKING:
    from thesis_analysis.codebook.model import Codebook

STATISTICS = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")


def list_report_codes(codebook: Codebook) -> list[str]:
    """The top levels of the codebook's codable codes, in codebook order."""
    from thesis_analysis.codebook.model import compute_top_level

    return list(dict.fromkeys(compute_top_level(code) for code in codebook.codable_ids()))


def roll_up_codings(codings: pd.DataFrame) -> pd.DataFrame:
    """Codings with every code replaced by its top level; one row per segment, code, coder."""
    from thesis_analysis.codebook.model import compute_top_level

    rolled = codings.assign(code=codings["code"].map(compute_top_level))
    return rolled.drop_duplicates(["segment_id", "code", "coder"], ignore_index=True)


def drop_stale_codings(codings: pd.DataFrame, stale: pd.DataFrame) -> pd.DataFrame:
    """``codings`` without the rows listed in ``stale`` (see ``find_stale_codings``)."""
    keys = set(zip(stale["coder"], stale["segment_id"], stale["code"], strict=True))
    rows = zip(codings["coder"], codings["segment_id"], codings["code"], strict=True)
    return codings[pd.Series([key not in keys for key in rows], index=codings.index, dtype=bool)]


def format_reliability(table: pd.DataFrame, codes: Sequence[str], coders: Sequence[str]) -> str:
    """A code × statistic text table with each coder's number of coded segments.

    ``n/a`` marks an undefined statistic (the reason is in the CSV's ``note`` column).
    """
    order = [*codes, *[c for c in dict.fromkeys(table["code"]) if c not in codes]]
    stats = table[table["statistic"] != "n_coded"]
    wide = stats.pivot(index="code", columns="statistic", values="value")
    wide = wide.reindex(index=order, columns=[s for s in STATISTICS if s in wide.columns])
    counts = table[table["statistic"] == "n_coded"].pivot(
        index="code", columns="coder", values="value"
    )
    wide = wide.join(counts.reindex(columns=list(coders)).rename(columns=lambda c: f"n_{c}"))

    def show(value: float, column: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "" if column.startswith("n_") else "n/a"
        return f"{int(value)}" if column.startswith("n_") else f"{value:.3f}"

    text = pd.DataFrame(
        {column: [show(v, column) for v in wide[column]] for column in wide.columns},
        index=wide.index,
    )
    return text.rename_axis("code").reset_index().to_string(index=False)


def run_reliability(
    codings_folder: Path,
    segments: pd.DataFrame,
    codebook: Codebook,
    results: Path | None = None,
) -> str:
    """Compare every coder in ``codings_folder`` per top-level code; return a printable report.

    Parameters
    ----------
    codings_folder : the ``codings/`` folder (one ``<coder>.csv`` per coder).
    segments : the units: the segments the coders were to code (e.g. the informants'),
        columns ``segment_id``, ``text``, ``segment_hash``.
    codebook : the codebook; coding files with unknown codes are refused.
    results : folder for ``reliability.csv`` (the long table of
        :func:`thesis_analysis.reliability.statistics.compute_code_reliability`: ``code``,
        ``statistic``, ``coder``, ``value``, ``n_units``, ``unit``, ``note``) and
        ``disagreements.csv`` (:func:`thesis_analysis.reliability.statistics.list_disagreements`:
        ``segment_id``, ``code``, ``coders_with``, ``coders_without``, ``text``), written
        atomically; ``None`` writes nothing.

    Returns
    -------
    str
        Coders and units, stale codings left out, the code × statistic table and what was
        written.

    Raises
    ------
    InputError
        Fewer than two coder files, a bad coding file, or no codable code.
    """
    from thesis_analysis.reliability.per_code import compute_code_reliability, list_disagreements

    codings_folder = Path(codings_folder)
    coders = [p.stem for p in list_coder_files(codings_folder) if p.stem != ADJUDICATED]
    if len(coders) < 2:
        raise InputError(
            f"{codings_folder}: reliability needs two or more coder files <coder>.csv; found "
            f"{', '.join(coders) or 'none'}. Code by hand or run `thesis-analysis code` first."
        )
    codes = list_report_codes(codebook)
    if not codes:
        raise InputError("the codebook has no codable code; mark codes `codable: true`")
    codings = load_codings(codings_folder, codebook)
    codings = codings[codings["coder"].isin(coders)]
    stale = find_stale_codings(codings, segments)
    rolled = roll_up_codings(drop_stale_codings(codings, stale))
    table = compute_code_reliability(rolled, segments, codes, coders, unit="segment")
    disagreements = list_disagreements(rolled, segments, codes, coders)
    lines = [
        f"Reliability per code: {len(coders)} coders ({', '.join(coders)}), "
        f"{len(segments)} segments as units, {len(codes)} top-level codes.",
    ]
    if len(stale):
        status = stale["status"].value_counts()
        lines.append(
            f"Left out {len(stale)} stale coding(s): {int(status.get('changed', 0))} on changed "
            f"text, {int(status.get('missing', 0))} on segments not among the units "
            "(see thesis_analysis.coding.review.find_stale_codings)."
        )
    lines += ["", format_reliability(table, codes, coders), ""]
    if results is not None:
        results = Path(results)
        write_csv_atomic(results / "reliability.csv", table)
        write_csv_atomic(results / "disagreements.csv", disagreements)
        lines.append(
            f"{len(disagreements)} disagreement(s). Wrote {results / 'reliability.csv'} and "
            f"{results / 'disagreements.csv'}."
        )
    else:
        lines.append(f"{len(disagreements)} disagreement(s); nothing written (no results folder).")
    return "\n".join(lines)
