"""How well the auto-coder agrees with the hand coding, next to a naive baseline.

The unit is the informant's segment (sentence). For a group of codes (a top-level theme, a
stance, an indicator family) a segment is *positive* for a coder when the coder gave it any
code of that group. Precision, recall and F1 treat the hand coding as the reference; Cohen's
kappa treats both as coders (from :mod:`thesis_analysis.reliability.statistics`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from thesis_analysis.analysis.levels import THEME_KIND, compute_code_kind
from thesis_analysis.codebook.model import Codebook, compute_top_level
from thesis_analysis.reliability.statistics import compute_cohen_kappa

EVALUATION_COLUMNS = [
    "group",
    "code",
    "method",
    "precision",
    "recall",
    "f1",
    "kappa",
    "n_reference",
    "n_predicted",
]


def list_groups(codebook: Codebook) -> dict[str, tuple[str, ...]]:
    """The codebook's top-level codes by kind, in file order.

    ``stance``: the ``holdning.*`` codes; ``indicator``: the ``indikator.*`` families;
    ``theme``: every other top level that has a codable code.
    """
    kinds = {THEME_KIND: "theme", "holdning": "stance", "indikator": "indicator"}
    groups: dict[str, list[str]] = {kind: [] for kind in kinds.values()}
    for code in codebook.codes:
        top = compute_top_level(code.id)
        kind = kinds[compute_code_kind(code.id)]
        if code.codable and top not in groups[kind]:
            groups[kind].append(top)
    return {kind: tuple(tops) for kind, tops in groups.items()}


def build_code_presence(
    codings: pd.DataFrame, segment_ids: pd.Index, groups: tuple[str, ...]
) -> pd.DataFrame:
    """A boolean segment × group table: did the codings give the segment a code of the group?"""
    top = codings["code"].map(compute_top_level)
    presence = pd.DataFrame(False, index=segment_ids, columns=list(groups))
    for group in groups:
        ids = codings.loc[top == group, "segment_id"]
        presence.loc[presence.index.isin(ids), group] = True
    return presence


def score_binary(reference: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Precision, recall, F1 and Cohen's kappa of two boolean vectors over the same units."""
    tp = int(np.sum(reference & predicted))
    fp = int(np.sum(~reference & predicted))
    fn = int(np.sum(reference & ~predicted))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    units = np.arange(len(reference))
    long = pd.DataFrame(
        {
            "unit": np.concatenate([units, units]),
            "coder": ["reference"] * len(units) + ["predicted"] * len(units),
            "value": np.concatenate([reference, predicted]).astype(int),
        }
    )
    kappa = compute_cohen_kappa(long).value
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "kappa": kappa,
        "n_reference": int(reference.sum()),
        "n_predicted": int(predicted.sum()),
    }


def code_naive_baseline(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The five-minute pandas baseline: case-insensitive substring search of each code's
    label and rule terms in the segment text.

    Returns
    -------
    DataFrame with columns ``segment_id``, ``code``, one row per segment and code found.
    """
    lowered = segments["text"].str.lower()
    rows = []
    for code in codebook.codes:
        if not code.codable:
            continue
        needles = {code.label.lower(), *(t.lstrip("=").lower() for t in code.rules.terms)}
        needles = {n for n in needles if n}
        found = np.zeros(len(segments), dtype=bool)
        for needle in sorted(needles):
            found |= lowered.str.contains(needle, regex=False).to_numpy()
        rows.extend((sid, code.id) for sid in segments.loc[found, "segment_id"])
    return pd.DataFrame(rows, columns=["segment_id", "code"])


def evaluate_codings(
    segments: pd.DataFrame,
    reference: pd.DataFrame,
    methods: dict[str, pd.DataFrame],
    codebook: Codebook,
) -> pd.DataFrame:
    """Score each method's codings against the reference, per group and macro-averaged.

    Parameters
    ----------
    segments : the segments coded (informant segments only).
    reference : the hand coding (``segment_id``, ``code``).
    methods : name → codings (``segment_id``, ``code``), e.g. ``auto`` and ``naive``.
    codebook : for the list of indicator families.

    Returns
    -------
    DataFrame with :data:`EVALUATION_COLUMNS`, one row per group kind (``theme``,
    ``stance``, ``indicator``), code and method, plus a ``(macro)`` row per group kind and
    method (the mean of the per-code figures, NaN-skipping).
    """
    kinds = list_groups(codebook)
    ids = pd.Index(segments["segment_id"])
    reference = reference[reference["segment_id"].isin(ids)]
    rows = []
    for kind, groups in kinds.items():
        gold = build_code_presence(reference, ids, groups)
        for method, codings in methods.items():
            predicted = build_code_presence(codings[codings["segment_id"].isin(ids)], ids, groups)
            scores = []
            for group in groups:
                score = score_binary(gold[group].to_numpy(), predicted[group].to_numpy())
                scores.append(score)
                rows.append({"group": kind, "code": group, "method": method, **score})
            macro = pd.DataFrame(scores).mean(numeric_only=True, skipna=True).to_dict()
            macro["n_reference"] = sum(s["n_reference"] for s in scores)
            macro["n_predicted"] = sum(s["n_predicted"] for s in scores)
            rows.append({"group": kind, "code": "(macro)", "method": method, **macro})
    frame = pd.DataFrame(rows, columns=EVALUATION_COLUMNS)
    return frame.astype({"n_reference": int, "n_predicted": int})
