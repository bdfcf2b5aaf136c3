"""Units of analysis for intercoder reliability: reliability matrices from tables and codings.

A :class:`ReliabilityMatrix` is the one input every statistic in
:mod:`thesis_analysis.reliability.statistics` works on: one row per unit, one column per coder, a
category index in each cell (``-1`` = that coder gave that unit no value) and a weight per row
saying how many identical units the row stands for. Weights let a transcript of a million
characters be reduced to a handful of distinct coder patterns without changing any figure,
because every statistic here is a sum over units.

This module builds such matrices from a long (unit, coder, value) table and, for qualitative
codings, one binary matrix per code ("did this coder apply this code to this unit?") for
three kinds of unit: ``segment``, ``turn`` and ``character``. It reads no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

UNIT_KINDS = ("segment", "turn", "character")
MISSING = -1


@dataclass(frozen=True)
class ReliabilityMatrix:
    """Reliability data: ``values[u, k]`` is the category index coder ``k`` gave unit ``u``.

    Attributes
    ----------
    values : numpy.ndarray
        Integer array of shape (n_rows, n_coders); ``-1`` marks a missing value.
    weights : numpy.ndarray
        Integer array of shape (n_rows,): how many units each row stands for (all 1 for a
        table read unit by unit).
    coders : tuple of str
        Column labels of ``values``.
    categories : tuple
        ``categories[i]`` is the value that category index ``i`` stands for.
    """

    values: np.ndarray
    weights: np.ndarray
    coders: tuple[str, ...]
    categories: tuple[object, ...]

    @property
    def n_units(self) -> int:
        """Number of units (sum of the row weights)."""
        return int(self.weights.sum())


def build_reliability_matrix(
    df: pd.DataFrame, unit: str = "unit", coder: str = "coder", value: str = "value"
) -> ReliabilityMatrix:
    """Turn a long table of ratings into a :class:`ReliabilityMatrix`.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per rating, with columns named by ``unit`` (unit id), ``coder`` (coder id) and
        ``value`` (the nominal category). A missing ``value`` (NaN/None) or an absent row means
        the coder did not code that unit. Units whose every value is missing still count as
        units (they are simply not pairable); a coder without any value is not a coder.
    unit, coder, value : str
        Column names.

    Returns
    -------
    ReliabilityMatrix
        Coders sorted by their text form, categories sorted by their text form, units in
        order of first appearance.

    Raises
    ------
    ValueError
        If a column is missing, or a coder gave one unit two different values. Exact
        duplicate rows are collapsed.
    """
    missing = [col for col in (unit, coder, value) if col not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; the columns are {list(df.columns)}")
    work = df[[unit, coder, value]].reset_index(drop=True)
    if work[unit].isna().any():
        raise ValueError(f"{int(work[unit].isna().sum())} row(s) have no {unit!r} id")
    unit_codes, _ = pd.factorize(work[unit], sort=False)
    rated = work[work[value].notna()].drop_duplicates()
    if rated[coder].isna().any():
        raise ValueError(f"{int(rated[coder].isna().sum())} rated row(s) have no {coder!r} id")
    conflicts = rated.groupby([unit, coder], sort=True)[value].nunique()
    conflicts = conflicts[conflicts > 1]
    if len(conflicts):
        pairs = ", ".join(f"unit {u!r} coder {c!r}" for u, c in conflicts.index[:5])
        raise ValueError(f"a coder gave one unit two different values: {pairs}")
    coders = tuple(sorted({str(c) for c in rated[coder]}))
    categories = tuple(sorted(pd.unique(rated[value]), key=str))
    category_index = {cat: i for i, cat in enumerate(categories)}
    n_units = int(unit_codes.max()) + 1 if len(work) else 0
    values = np.full((n_units, len(coders)), MISSING, dtype=np.int64)
    if len(rated):
        rows = unit_codes[rated.index.to_numpy()]
        cols = pd.Index(coders).get_indexer(rated[coder].astype(str))
        values[rows, cols] = rated[value].map(category_index).to_numpy(dtype=np.int64)
    weights = np.ones(values.shape[0], dtype=np.int64)
    return ReliabilityMatrix(values, weights, coders, categories)


def compress_binary(bits: np.ndarray, coders: tuple[str, ...]) -> ReliabilityMatrix:
    """Collapse a complete 0/1 units × coders array into its distinct rows with counts.

    Parameters
    ----------
    bits : numpy.ndarray
        Boolean array of shape (n_units, n_coders): ``bits[u, k]`` is whether coder ``k``
        applied the code to unit ``u``.
    coders : tuple of str
        Column labels.

    Returns
    -------
    ReliabilityMatrix
        Categories ``(0, 1)``; at most ``2 ** n_coders`` rows.
    """
    bits = np.asarray(bits, dtype=bool)
    n_coders = bits.shape[1]
    if n_coders > 30:  # a bit pattern per unit would overflow; fall back to sorting rows
        rows, counts = np.unique(bits.astype(np.int64), axis=0, return_counts=True)
        return ReliabilityMatrix(rows, counts.astype(np.int64), coders, (0, 1))
    shifts = np.arange(n_coders, dtype=np.int64)
    patterns = bits.astype(np.int64) @ (np.int64(1) << shifts)
    counts = np.bincount(patterns, minlength=2**n_coders)
    present = np.flatnonzero(counts)
    rows = (present[:, None] >> shifts[None, :]) & 1
    weights = counts[present].astype(np.int64)
    return ReliabilityMatrix(rows.astype(np.int64), weights, coders, (0, 1))


def stack_matrices(matrices: Sequence[ReliabilityMatrix]) -> ReliabilityMatrix:
    """Pool binary matrices with the same coders (e.g. one per code) into one.

    Parameters
    ----------
    matrices : sequence of ReliabilityMatrix
        Matrices with identical ``coders`` and ``categories``.

    Returns
    -------
    ReliabilityMatrix
        Rows of all matrices, each keeping its weight.
    """
    first = matrices[0]
    values = np.concatenate([m.values for m in matrices])
    weights = np.concatenate([m.weights for m in matrices])
    return ReliabilityMatrix(values, weights, first.coders, first.categories)


def derive_turn_id(segment_id: str) -> str:
    """Return the turn a segment belongs to: ``"TL1-t012-s03"`` → ``"TL1-t012"``.

    Raises
    ------
    ValueError
        If the id does not end in ``-s<digits>``.
    """
    head, sep, tail = segment_id.rpartition("-s")
    if not sep or not head or not tail.isdigit():
        raise ValueError(f"segment id {segment_id!r} does not end in '-s<number>'")
    return head


def _check_columns(df: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    missing = [col for col in needed if col not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(df.columns)}")


def select_codings(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Keep the codings of the given codes and coders; check they point at known segments.

    Returns
    -------
    tuple
        The selected codings (columns as given) and the coders, sorted when not given.
    """
    _check_columns(codings, ("segment_id", "code", "coder"), "codings")
    _check_columns(segments, ("segment_id",), "segments")
    if segments["segment_id"].duplicated().any():
        dupes = sorted(segments.loc[segments["segment_id"].duplicated(), "segment_id"])
        raise ValueError(f"segments has duplicate segment ids: {dupes[:5]}")
    if coders is None:
        coders = sorted({str(c) for c in codings["coder"].dropna()})
    coders = tuple(coders)
    chosen = codings[codings["code"].isin(list(codes)) & codings["coder"].isin(coders)]
    unknown = sorted(set(chosen["segment_id"]) - set(segments["segment_id"]))
    if unknown:
        raise ValueError(f"codings refer to segments not in the segments table: {unknown[:5]}")
    return chosen, coders


def build_presence(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: Sequence[str],
    coders: tuple[str, ...],
    unit: str,
) -> np.ndarray:
    """Return a boolean array ``[code, unit, coder]`` for segment or turn units.

    Parameters
    ----------
    codings : pandas.DataFrame
        Selected codings (``segment_id``, ``code``, ``coder``), see :func:`select_codings`.
    segments : pandas.DataFrame
        All segments the coders saw (``segment_id``); their order fixes the unit order.
    codes, coders : sequence of str
        Axis labels of the result.
    unit : {"segment", "turn"}
        A turn is coded by a coder if any of its segments is.

    Returns
    -------
    numpy.ndarray
        Shape (len(codes), n_units, len(coders)).
    """
    seg_ids = segments["segment_id"].astype(str)
    if unit == "turn":
        unit_of_segment, _ = pd.factorize(seg_ids.map(derive_turn_id), sort=False)
    else:
        unit_of_segment = np.arange(len(seg_ids))
    n_units = int(unit_of_segment.max()) + 1 if len(seg_ids) else 0
    presence = np.zeros((len(codes), n_units, len(coders)), dtype=bool)
    seg_pos = pd.Index(seg_ids).get_indexer(codings["segment_id"].astype(str))
    code_pos = pd.Index(list(codes)).get_indexer(codings["code"])
    coder_pos = pd.Index(coders).get_indexer(codings["coder"].astype(str))
    presence[code_pos, unit_of_segment[seg_pos], coder_pos] = True
    return presence


def _transcript_axis(
    segments: pd.DataFrame, spans: pd.DataFrame, lengths: Mapping[str, int] | None
) -> tuple[pd.Series, int, np.ndarray]:
    """Lay all transcripts end to end: base offset per transcript, total length, universe."""
    transcripts = sorted(segments["transcript"].astype(str).unique())
    if lengths is not None:
        absent = [t for t in transcripts if t not in lengths]
        if absent:
            raise ValueError(f"transcript_lengths lacks transcripts {absent[:5]}")
        size = pd.Series({t: int(lengths[t]) for t in transcripts}, dtype=np.int64)
        seg_end = segments.groupby(segments["transcript"].astype(str))["end"].max()
        if (seg_end > size.reindex(seg_end.index)).any():
            raise ValueError("a segment ends beyond its transcript's length")
    else:
        ends = (
            pd.concat(
                [
                    segments.assign(transcript=segments["transcript"].astype(str)),
                    spans,
                ]
            )
            .groupby("transcript")["end"]
            .max()
        )
        size = ends.reindex(transcripts).astype(np.int64)
    base = size.cumsum() - size
    total = int(size.sum())
    if lengths is not None:
        universe = np.ones(total, dtype=bool)
    else:
        seg_base = segments["transcript"].astype(str).map(base).to_numpy()
        universe = _cover(
            segments["start"].to_numpy(np.int64) + seg_base,
            segments["end"].to_numpy(np.int64) + seg_base,
            total,
        )
    return base, total, universe


def _cover(starts: np.ndarray, ends: np.ndarray, total: int) -> np.ndarray:
    """Boolean mask of length ``total``: True where some half-open span [start, end) lies."""
    diff = np.zeros(total + 1, dtype=np.int64)
    np.add.at(diff, starts, 1)
    np.add.at(diff, ends, -1)
    return np.cumsum(diff[:-1]) > 0


def build_character_matrices(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: Sequence[str],
    coders: tuple[str, ...],
    transcript_lengths: Mapping[str, int] | None = None,
) -> list[ReliabilityMatrix]:
    """One compressed binary matrix per code with every character as a unit.

    Parameters
    ----------
    codings : pandas.DataFrame
        Selected codings with ``segment_id``, ``code``, ``coder`` and, optionally, ``start``
        and ``end``: code point offsets into the transcript body (end exclusive). Where they
        are absent or missing, the coded segment's own span is used.
    segments : pandas.DataFrame
        ``segment_id``, ``transcript``, ``start``, ``end``.
    codes, coders : sequence of str
        Codes (one matrix each) and coders (columns).
    transcript_lengths : mapping of str to int, optional
        Body length of each transcript. When given, every character of every transcript is a
        unit; when not, the units are the characters inside the given segments (text between
        segments, such as blank lines or unsegmented turns, is left out).

    Returns
    -------
    list of ReliabilityMatrix
        In the order of ``codes``.
    """
    _check_columns(segments, ("segment_id", "transcript", "start", "end"), "segments")
    seg = segments.set_index(segments["segment_id"].astype(str))
    ids = codings["segment_id"].astype(str)
    spans = pd.DataFrame(
        {
            "transcript": seg["transcript"].astype(str).reindex(ids).to_numpy(),
            "start": _offsets(codings, "start", seg["start"].reindex(ids)),
            "end": _offsets(codings, "end", seg["end"].reindex(ids)),
            "code": codings["code"].to_numpy(),
            "coder": codings["coder"].astype(str).to_numpy(),
        }
    )
    bad = spans[(spans["start"] < 0) | (spans["end"] < spans["start"])]
    if len(bad):
        rows = bad.head().to_dict("records")
        raise ValueError(f"codings with negative or reversed offsets: {rows}")
    base, total, universe = _transcript_axis(segments, spans, transcript_lengths)
    if transcript_lengths is not None:
        limit = spans["transcript"].map(lambda t: transcript_lengths[t])
        if (spans["end"] > limit).any():
            raise ValueError("a coding ends beyond its transcript's length")
    spans["start"] += spans["transcript"].map(base)
    spans["end"] += spans["transcript"].map(base)
    matrices = []
    for code in codes:
        of_code = spans[spans["code"] == code]
        bits = np.zeros((int(universe.sum()), len(coders)), dtype=bool)
        for k, name in enumerate(coders):
            mine = of_code[of_code["coder"] == name]
            covered = _cover(mine["start"].to_numpy(), mine["end"].to_numpy(), total)
            bits[:, k] = covered[universe]
        matrices.append(compress_binary(bits, coders))
    return matrices


def _offsets(codings: pd.DataFrame, column: str, fallback: pd.Series) -> np.ndarray:
    """The codings' own offsets where present, else the segment's."""
    own = codings[column] if column in codings.columns else pd.Series(np.nan, codings.index)
    merged = pd.to_numeric(own, errors="coerce").to_numpy(dtype=float)
    merged = np.where(np.isnan(merged), fallback.to_numpy(dtype=float), merged)
    return merged.astype(np.int64)
