"""The thesis's placement of statements in sections as a second, independent reference.

``thesis_sections.yaml`` maps each section of chapters 4–5 to the codes that cover it. A
segment's own section comes from its provenance (``4.2.2; sitat``). A coder *places* a segment
in a section when it gives it any code of that section (or a code below one). Scoring a coder
against the thesis's placement section by section tells whether its codes land where the
thesis's authors put the statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from thesis_analysis.analysis.evaluation import score_binary
from thesis_analysis.codebook.model import Codebook
from thesis_analysis.errors import InputError


@dataclass(frozen=True)
class SectionMapping:
    """One section of the thesis and the codes that cover it."""

    section: str
    also: tuple[str, ...]
    title: str
    codes: tuple[str, ...]


def load_section_mapping(path: Path, codebook: Codebook) -> tuple[SectionMapping, ...]:
    """Read ``thesis_sections.yaml``; every code must be in the codebook."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the section mapping: {exc}") from None
    known = set(codebook.ids())
    mappings = []
    for number, entry in enumerate((data or {}).get("sections", []), start=1):
        unknown = [c for c in entry.get("codes", []) if c not in known]
        if unknown or not entry.get("section"):
            raise InputError(
                f"{path}: entry {number} ({entry.get('section')!r}): unknown code(s) {unknown} "
                "or no section; use ids of codebook.yaml"
            )
        mappings.append(
            SectionMapping(
                str(entry["section"]),
                tuple(str(s) for s in entry.get("also", [])),
                str(entry.get("title", "")),
                tuple(entry["codes"]),
            )
        )
    return tuple(mappings)


def place_segments(segments: pd.DataFrame, mappings: tuple[SectionMapping, ...]) -> pd.Series:
    """The thesis section each segment was presented under (``""`` when not mapped)."""
    own = segments["provenance"].str.split(";").str[0].str.strip()
    by_section = {s: m.section for m in mappings for s in (m.section, *m.also)}
    return own.map(by_section).fillna("")


def covers(code: str, mapped: str) -> bool:
    """Whether ``code`` is ``mapped`` or a code below it."""
    return code == mapped or code.startswith(mapped + ".")


def score_against_sections(
    segments: pd.DataFrame,
    methods: dict[str, pd.DataFrame],
    mappings: tuple[SectionMapping, ...],
) -> pd.DataFrame:
    """Score each coder's codings against the thesis's placement, per section and macro.

    Parameters
    ----------
    segments : informant segments with ``segment_id`` and ``provenance``.
    methods : coder name → codings (``segment_id``, ``code``).
    mappings : from :func:`load_section_mapping`.

    Returns
    -------
    DataFrame with columns ``section``, ``title``, ``method``, ``precision``, ``recall``,
    ``f1``, ``kappa``, ``n_reference``, ``n_predicted``: one row per section and method (over
    the segments whose own section is mapped) and a ``(macro)`` row per method.
    """
    placed = place_segments(segments, mappings)
    units = segments[placed != ""].reset_index(drop=True)
    truth = placed[placed != ""].reset_index(drop=True)
    rows = []
    for method, codings in methods.items():
        scores = []
        for mapping in mappings:
            codes = codings[
                codings["code"].map(lambda c, m=mapping: any(covers(c, x) for x in m.codes))
            ]
            predicted = units["segment_id"].isin(set(codes["segment_id"])).to_numpy()
            score = score_binary((truth == mapping.section).to_numpy(), predicted)
            scores.append(score)
            rows.append(
                {"section": mapping.section, "title": mapping.title, "method": method, **score}
            )
        macro = pd.DataFrame(scores).mean(numeric_only=True).to_dict()
        macro.update(
            n_reference=int(np.sum([s["n_reference"] for s in scores])),
            n_predicted=int(np.sum([s["n_predicted"] for s in scores])),
        )
        rows.append({"section": "(macro)", "title": "", "method": method, **macro})
    columns = [
        "section",
        "title",
        "method",
        "precision",
        "recall",
        "f1",
        "kappa",
        "n_reference",
        "n_predicted",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"n_reference": int, "n_predicted": int})
