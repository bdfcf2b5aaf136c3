"""Codes at a table's level: which codes a table reports, their labels and kinds.

The analysis tables (:mod:`thesis_analysis.analysis.tables`,
:mod:`thesis_analysis.analysis.agreement_tables`),
the claims ledger and the figures report codes either as every codable code (``"code"``) or
as their top levels (``"top"``); this module maps codings to a level, checks their codes
against the codebook, joins them with their segments and orders the case variables' values.
Codes and labels come from the codebook only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from thesis_analysis.codebook.model import GROUPING_PREFIXES, Codebook, compute_top_level
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_default_project_file

LEVELS = ("top", "code")
THEME_KIND = "tema"
GROUP_ORDERS: dict[str, tuple[str, ...]] = {
    name: load_default_project_file().list_group_order(name)
    for name in (*load_default_project_file().list_grouping_variables(), "section")
}
"""The order of a case variable's values when a table is given none: that of the project
without ``project.yaml`` (the thesis project's). Pass the project's own order
(:meth:`~thesis_analysis.project_file.ProjectFile.list_group_order`) for any other."""


def list_level_codes(codebook: Codebook, level: str = "top") -> list[str]:
    """The codes a table reports at ``level``, in codebook order.

    ``"code"``: every codable code; ``"top"``: the top levels of the codable codes (see
    :func:`~thesis_analysis.codebook.model.compute_top_level`), e.g. ``styring``,
    ``holdning.kritisk``, ``indikator.jobbmatch``.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    codable = codebook.codable_ids()
    if level == "code":
        return list(codable)
    tops = {compute_top_level(code) for code in codable}
    ordered = [code for code in codebook.ids() if code in tops]
    return ordered + sorted(tops - set(ordered))


def label_code(codebook: Codebook, code_id: str) -> str:
    """The codebook label of ``code_id`` (the id itself for an id not in the codebook)."""
    return codebook.get(code_id).label if code_id in set(codebook.ids()) else code_id


def compute_code_kind(code_id: str) -> str:
    """``holdning`` or ``indikator`` for codes under those grouping nodes, else ``tema``."""
    head = code_id.split(".")[0]
    return head if head in GROUPING_PREFIXES and "." in code_id else THEME_KIND


def map_code_level(
    codings: pd.DataFrame, level: str = "top", deduplicate: bool = True
) -> pd.DataFrame:
    """The codings with ``code`` replaced by its code at ``level``; with ``deduplicate`` one
    row per segment and code (and coder, if there is a ``coder`` column), sorted, the first
    row of each kept; without, the rows in their order."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    frame = codings.copy()
    if level == "top":
        frame["code"] = frame["code"].map(compute_top_level)
    if not deduplicate:
        return frame
    keys = [c for c in ("coder", "segment_id", "code") if c in frame.columns]
    frame = frame.sort_values(keys, kind="mergesort").drop_duplicates(keys)
    return frame.reset_index(drop=True)


def check_known_codes(codings: pd.DataFrame, codebook: Codebook) -> None:
    """Raise :class:`InputError` naming every code of ``codings`` that is not in the codebook."""
    unknown = sorted(set(codings["code"]) - set(codebook.ids()))
    if unknown:
        raise InputError(
            f"codings use {len(unknown)} code(s) not in the codebook: {', '.join(unknown)} — "
            "code the segments again with the current codebook, or add the codes to it"
        )


def join_codings(
    codings: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, level: str = "top"
) -> pd.DataFrame:
    """Codings at ``level`` joined with their segment's columns (informant segments only)."""
    check_known_codes(codings, codebook)
    mapped = map_code_level(codings[["segment_id", "code"]], level)
    return mapped.merge(segments, on="segment_id", how="inner", validate="many_to_one")


def order_groups(values: pd.Series, by: str, order: Sequence[str] | None = None) -> list[str]:
    """The distinct values of a case variable: those of ``order`` (default:
    :data:`GROUP_ORDERS`) in their order, then the rest sorted."""
    present = set(values.astype(str))
    order = GROUP_ORDERS.get(by, ()) if order is None else order
    known = [v for v in order if v in present]
    return known + sorted(present - set(known))
