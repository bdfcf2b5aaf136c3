"""The analysis tables of the thesis: plain pandas on codings, segments and the codebook.

Every table is a long DataFrame with the columns listed in its function's docstring, sorted
explicitly, so that the same inputs always give the same bytes. Codes and labels come from
the codebook only. ``codings`` are long coding tables (``segment_id``, ``code``, optionally
``coder`` and ``evidence``); pass one coder's codings. ``segments`` are informant segments of
:func:`thesis_analysis.corpus.segments.segment_corpus` (codings of other segments are not counted).

Only :func:`load_analysis_codings` reads the disk; tables are written by
:func:`thesis_analysis.writers.write_table` (``write_tables`` here, the notebooks' name).
Which codes a table reports, and their labels, is :mod:`thesis_analysis.analysis.levels`;
the agreement tables of two coders are :mod:`thesis_analysis.analysis.agreement_tables` (both
still importable from here).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thesis_analysis.analysis.agreement_tables import AGREEMENT_COLUMNS as AGREEMENT_COLUMNS
from thesis_analysis.analysis.agreement_tables import (
    compute_agreement_by_code as compute_agreement_by_code,
)
from thesis_analysis.analysis.agreement_tables import (
    list_coder_disagreements as list_coder_disagreements,
)
from thesis_analysis.analysis.levels import GROUP_ORDERS as GROUP_ORDERS
from thesis_analysis.analysis.levels import LEVELS as LEVELS
from thesis_analysis.analysis.levels import THEME_KIND as THEME_KIND
from thesis_analysis.analysis.levels import (
    check_known_codes,
    compute_code_kind,
    join_codings,
    label_code,
    list_level_codes,
    map_code_level,
    order_groups,
)
from thesis_analysis.codebook.model import Codebook
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.writers import write_table as write_tables  # noqa: F401 (notebooks)

if TYPE_CHECKING:
    from thesis_analysis.project import Project


def compute_code_frequencies(
    codings: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, level: str = "top"
) -> pd.DataFrame:
    """How often each code occurs: in how many segments, and how many informants mention it.

    Returns
    -------
    DataFrame, one row per code of :func:`list_level_codes` (codes never used included, with
    0), columns ``kind`` (``tema``, ``holdning``, ``indikator``), ``code``, ``label`` (from the
    codebook), ``n_segments`` (segments coded), ``share_segments`` (of all segments given),
    ``n_informants`` (informants with at least one such segment) and ``total_informants``.
    Sorted by kind (codebook order), then ``n_informants`` and ``n_segments`` descending,
    then codebook order.
    """
    joined = join_codings(codings, segments, codebook, level)
    codes = list_level_codes(codebook, level)
    n_seg = joined.groupby("code")["segment_id"].nunique()
    n_inf = joined.groupby("code")["informant"].nunique()
    total = max(segments["segment_id"].nunique(), 1)
    frame = pd.DataFrame({"kind": [compute_code_kind(c) for c in codes], "code": codes})
    frame["label"] = [label_code(codebook, c) for c in codes]
    frame["n_segments"] = frame["code"].map(n_seg).fillna(0).astype(int)
    frame["share_segments"] = frame["n_segments"] / total
    frame["n_informants"] = frame["code"].map(n_inf).fillna(0).astype(int)
    frame["total_informants"] = int(segments["informant"].nunique())
    kinds = list(dict.fromkeys(frame["kind"]))
    frame["_kind"] = frame["kind"].map(kinds.index)
    frame["_pos"] = range(len(frame))
    frame = frame.sort_values(
        ["_kind", "n_informants", "n_segments", "_pos"], ascending=[True, False, False, True]
    )
    return frame.drop(columns=["_kind", "_pos"]).reset_index(drop=True)


def compute_code_matrix(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    by: str = "employer",
    normalise: bool = True,
    level: str = "top",
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Code × case variable (MAXQDA code matrix, NVivo crosstab), long format.

    Parameters
    ----------
    by : a segments column: a case variable (``employer``, ``role``, …), ``section`` or
        ``informant``.
    normalise : add ``share``, the group's coded segments over all its segments, so that
        groups of different size can be compared.
    order : the values of ``by`` in display order (the project's
        :meth:`~thesis_analysis.project_file.ProjectFile.list_group_order`); others follow
        sorted. Default: :data:`~thesis_analysis.analysis.levels.GROUP_ORDERS`.

    Returns
    -------
    DataFrame, one row per code (:func:`list_level_codes`) and group (known values in their
    order, then the rest sorted), columns ``code``, ``label``, ``by`` (the variable),
    ``group`` (its value), ``n_segments`` (the group's segments coded), ``group_segments``
    (all its segments), ``share`` (only with ``normalise``), ``n_informants`` (the group's
    informants with the code) and ``group_informants``.
    """
    if by not in segments.columns:
        raise ValueError(f"by must be a segments column such as employer or role, not {by!r}")
    joined = join_codings(codings, segments, codebook, level)
    codes = list_level_codes(codebook, level)
    groups = order_groups(segments[by], by, order)
    size = segments.groupby(segments[by].astype(str))["segment_id"].nunique()
    people = segments.groupby(segments[by].astype(str))["informant"].nunique()
    keyed = joined.assign(group=joined[by].astype(str)).groupby(["code", "group"])
    n_seg, n_inf = keyed["segment_id"].nunique(), keyed["informant"].nunique()
    rows = []
    for code in codes:
        for group in groups:
            rows.append(
                {
                    "code": code,
                    "label": label_code(codebook, code),
                    "by": by,
                    "group": group,
                    "n_segments": int(n_seg.get((code, group), 0)),
                    "group_segments": int(size[group]),
                    "n_informants": int(n_inf.get((code, group), 0)),
                    "group_informants": int(people[group]),
                }
            )
    columns = (
        "code label by group n_segments group_segments n_informants group_informants"
    ).split()
    frame = pd.DataFrame(rows, columns=columns)
    if normalise:
        frame.insert(6, "share", frame["n_segments"] / frame["group_segments"])
    return frame


def compute_codes_by_section(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    normalise: bool = True,
    level: str = "top",
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Themes by interview-guide section: :func:`compute_code_matrix` with ``by="section"``
    (``order``: the project's section ids, see :func:`compute_code_matrix`)."""
    return compute_code_matrix(codings, segments, codebook, "section", normalise, level, order)


def compute_cooccurrence(
    codings: pd.DataFrame, codebook: Codebook, level: str = "top", unit: str = "segment"
) -> pd.DataFrame:
    """Code × code: how many units were coded with both codes.

    Parameters
    ----------
    unit : ``segment`` (a sentence) or ``turn`` (a segment id up to ``-s``).

    Returns
    -------
    DataFrame, one row per ordered pair of codes of :func:`list_level_codes` (symmetric; the
    diagonal is the units with the code), columns ``code_a``, ``label_a``, ``code_b``,
    ``label_b``, ``n_units``, ``unit``; in codebook order of ``code_a`` then ``code_b``.
    """
    if unit not in ("segment", "turn"):
        raise ValueError(f"unit must be 'segment' or 'turn', not {unit!r}")
    check_known_codes(codings, codebook)
    codes = list_level_codes(codebook, level)
    mapped = map_code_level(codings[["segment_id", "code"]], level)
    units = mapped["segment_id"].str.rpartition("-s")[0] if unit == "turn" else mapped["segment_id"]
    presence = pd.crosstab(units, mapped["code"]).clip(upper=1)
    presence = presence.reindex(columns=codes, fill_value=0)
    counts = presence.T.dot(presence)
    labels = {code: label_code(codebook, code) for code in codes}
    rows = [
        (a, labels[a], b, labels[b], int(counts.loc[a, b]) if len(presence) else 0, unit)
        for a in codes
        for b in codes
    ]
    columns = ["code_a", "label_a", "code_b", "label_b", "n_units", "unit"]
    return pd.DataFrame(rows, columns=columns)


def compute_corpus_overview(informants: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The informants with the size of their interview.

    Parameters
    ----------
    informants : :func:`thesis_analysis.corpus.records.informants_to_frame`.
    segments : every segment, the interviewer's included.

    Returns
    -------
    DataFrame, one row per informant (sorted by id), columns ``informant``, the case
    variables (those of ``informants``), ``sections`` (guide sections covered),
    ``interview_turns`` and ``interview_words`` (both speakers: the interview's length),
    ``turns``, ``words`` and ``segments`` (the informant's own).
    """
    words = segments["text"].str.split().str.len()
    own = segments["speaker"] == segments["informant"]
    by_all = segments.assign(words=words).groupby("informant")
    by_own = segments[own].assign(words=words[own]).groupby("informant")
    frame = informants.drop(columns=["source"]).copy()
    stats = {
        "sections": by_all["section"].nunique(),
        "interview_turns": by_all["turn"].nunique(),
        "interview_words": by_all["words"].sum(),
        "turns": by_own["turn"].nunique(),
        "words": by_own["words"].sum(),
        "segments": by_own.size(),
    }
    for column, values in stats.items():
        frame[column] = frame["informant"].map(values).fillna(0).astype(int)
    return frame.sort_values("informant", ignore_index=True)


def describe_codings(codings: pd.DataFrame, coder: str) -> str:
    """One Markdown sentence on a coder's codings, or on their absence."""
    own = codings[codings["coder"] == coder] if "coder" in codings.columns else codings
    if own.empty:
        return (
            f"**Ingen kodinger fra «{coder}» ennå**: `codings/{coder}.csv` mangler eller er tom. "
            f"Kod for hånd i kodepanelet (02-code-transcripts.ipynb, koder «{coder}») og kjør "
            "denne notatboken på nytt."
        )
    n_informants = own["segment_id"].str.split("-").str[0].nunique()
    return (
        f"`codings/{coder}.csv`: {len(own)} kodinger på {own['segment_id'].nunique()} "
        f"segmenter fra {n_informants} informanter."
    )


def load_analysis_codings(project: Project, coder: str = "auto") -> pd.DataFrame:
    """The codings the analysis uses: current ones on the informants' segments.

    ``"auto"`` runs the auto-coder with the current codebook in memory (never stale); any
    other coder is read from ``codings/<coder>.csv`` (an absent file gives an empty table,
    see :func:`describe_codings`), leaving out codings of other segments and stale codings
    (made on text that has changed since, see
    :func:`~thesis_analysis.coding.review.find_stale_codings`). Columns:
    :data:`~thesis_analysis.coding.files.CODING_COLUMNS`.
    """
    from thesis_analysis.coding.files import create_empty_codings, load_coder_file
    from thesis_analysis.coding.review import find_stale_codings

    segments = project.informant_segments
    if coder == "auto":
        from thesis_analysis.autocode.coder import AutoCoder
        from thesis_analysis.autocode.runs import code_segments

        return code_segments(segments, AutoCoder(project.codebook))
    path = project.paths.codings / f"{coder}.csv"
    if not path.is_file():
        return create_empty_codings()
    codings = load_coder_file(path, project.codebook)
    stale = find_stale_codings(codings, segments)
    keep = ~codings.set_index(["segment_id", "code"]).index.isin(
        stale.set_index(["segment_id", "code"]).index
    )
    return codings[keep].reset_index(drop=True)


def get_output_folder(paths: ProjectPaths, kind: str, enabled: bool) -> Path | None:
    """``results/<kind>/`` of the project when ``enabled``, else None (write nothing)."""
    return paths.results / kind if enabled else None
