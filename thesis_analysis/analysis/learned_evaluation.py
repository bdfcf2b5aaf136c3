"""How well rules, model and their combination code labelled texts, beside the naive baseline.

The unit is the text (a sentence); a text is positive for a top-level code when it carries
any code of that top level. Macro-F1 per kind of code (theme, stance, indicator) comes with a
95 % bootstrap interval (texts resampled with replacement, seeded). The calibration table
asks whether confidence means something: the share of codings right in each confidence bin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from thesis_analysis.analysis.evaluation import code_naive_baseline, list_groups
from thesis_analysis.autocode.combine import CombinedCoder
from thesis_analysis.codebook.model import Codebook, compute_top_level
from thesis_analysis.corpus.labelled import LabelledTexts

SCORE_COLUMNS = ["set", "kind", "code", "method", "precision", "recall", "f1", "n_reference",
                 "n_predicted", "f1_low", "f1_high"]  # fmt: skip
CALIBRATION_COLUMNS = ["set", "bin", "n_codings", "n_right", "precision"]
BINS = (("≥ 0.8", 0.8, 1.01), ("0.5–0.8", 0.5, 0.8), ("< 0.5", 0.0, 0.5))
N_BOOTSTRAP, SEED = 1000, 14
METHODS = ("rules", "model", "combined", "naive")


def compute_f1_parts(gold: np.ndarray, predicted: np.ndarray) -> tuple[int, int, int]:
    """True positives, false positives and false negatives per column (texts × codes)."""
    tp = np.sum(gold & predicted, axis=0)
    fp = np.sum(~gold & predicted, axis=0)
    fn = np.sum(gold & ~predicted, axis=0)
    return tp, fp, fn


def score_columns(gold: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Precision, recall, F1 and counts per column (NaN where undefined)."""
    tp, fp, fn = (x.astype(float) for x in compute_f1_parts(gold, predicted))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "precision": tp / (tp + fp),
                "recall": tp / (tp + fn),
                "f1": 2 * tp / (2 * tp + fp + fn),
                "n_reference": gold.sum(axis=0),
                "n_predicted": predicted.sum(axis=0),
            }
        )


def bootstrap_macro_f1(
    gold: np.ndarray, predicted: np.ndarray, n: int = N_BOOTSTRAP, seed: int = SEED
) -> tuple[float, float]:
    """The 95 % percentile interval of macro-F1 (mean over columns with a reference or a
    prediction in the resample), texts resampled ``n`` times."""
    if gold.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        pick = rng.integers(0, len(gold), len(gold))
        tp, fp, fn = compute_f1_parts(gold[pick], predicted[pick])
        denominator = 2 * tp + fp + fn
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(denominator > 0, 2 * tp / denominator, np.nan)
        values.append(np.nanmean(f1) if np.any(denominator > 0) else np.nan)
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return float(low), float(high)


def build_gold(labelled: LabelledTexts, codes: tuple[str, ...]) -> np.ndarray:
    """Texts × ``codes`` (top-level): does the text carry a code of that top level."""
    index = {ident: n for n, ident in enumerate(labelled.texts["id"])}
    gold = np.zeros((len(index), len(codes)), np.bool_)
    column = {code: n for n, code in enumerate(codes)}
    for ident, code in labelled.labels.itertuples(index=False):
        top = compute_top_level(code)
        if top in column:
            gold[index[ident], column[top]] = True
    return gold


def predict_methods(
    coder: CombinedCoder, labelled: LabelledTexts, codebook: Codebook, codes: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Each method's texts × ``codes`` prediction, and the combined codings (``text``,
    ``code`` at top level, ``source``, ``confidence``)."""
    texts = labelled.texts["text"].tolist()
    column = {code: n for n, code in enumerate(codes)}
    shape = (len(texts), len(codes))
    found = {m: np.zeros(shape, np.bool_) for m in ("rules", "model", "combined")}
    rows = []
    model = coder.model
    rule_codes = coder.types.spec.rule_codes
    for doc in coder.code_docs(texts):
        at = slice(doc.first_text, doc.first_text + doc.n_texts)
        for k, code in enumerate(rule_codes):
            if code in column:
                found["rules"][at, column[code]] = doc.rule_hits[:, k]
        if model is not None:
            for m, code in enumerate(model.codes):
                if code in column:
                    found["model"][at, column[code]] = doc.probability[:, m] >= model.threshold[m]
        for text, code, source, confidence, *_ in doc.lines.iterate_rows():
            top = compute_top_level(code)
            if top in column:
                found["combined"][text, column[top]] = True
                rows.append((text, top, source, confidence))
    frame = pd.DataFrame(rows, columns=["text", "code", "source", "confidence"])
    frame = frame.sort_values(["text", "code", "confidence"]).drop_duplicates(
        ["text", "code"], keep="last"
    )
    segments = pd.DataFrame({"segment_id": np.arange(len(texts)).astype(str), "text": texts})
    naive = code_naive_baseline(segments, codebook)
    found["naive"] = np.zeros(shape, np.bool_)
    for segment, code in naive.itertuples(index=False):
        top = compute_top_level(code)
        if top in column:
            found["naive"][int(segment), column[top]] = True
    return found, frame.reset_index(drop=True)


def evaluate_labelled(
    coder: CombinedCoder, labelled: LabelledTexts, codebook: Codebook, name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score rules, model, combined and naive on labelled texts.

    Returns
    -------
    scores : DataFrame with :data:`SCORE_COLUMNS`: per kind (theme, stance, indicator), code
        and method, plus a ``(macro)`` row per kind and method with its bootstrap interval
        (``f1_low``, ``f1_high``); ``set`` is ``name``.
    calibration : DataFrame with :data:`CALIBRATION_COLUMNS`: the combined codings by
        confidence bin and the share of them that the labels confirm.
    """
    groups = list_groups(codebook)
    codes = tuple(code for kind in groups.values() for code in kind)
    gold = build_gold(labelled, codes)
    found, codings = predict_methods(coder, labelled, codebook, codes)
    rows = []
    for kind, members in groups.items():
        columns = [codes.index(c) for c in members]
        for method in METHODS:
            if method == "model" and coder.model is None:
                continue
            g, p = gold[:, columns], found[method][:, columns]
            rows += list_score_rows((name, kind, method), g, p, list(members))
    scores = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    right = gold[codings["text"].to_numpy(), [codes.index(c) for c in codings["code"]]]
    calibration = tabulate_calibration(codings["confidence"].to_numpy(), right, name)
    return scores, calibration


def tabulate_calibration(confidence: np.ndarray, right: np.ndarray, name: str) -> pd.DataFrame:
    """Codings by confidence bin (:data:`BINS`): how many, how many right, the share right."""
    rows = []
    for label, low, high in BINS:
        inside = (confidence >= low) & (confidence < high)
        n, n_right = int(inside.sum()), int(np.sum(right & inside))
        rows.append((name, label, n, n_right, n_right / n if n else float("nan")))
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


def score_cross_validated(
    cross_validated: pd.DataFrame, codebook: Codebook, rule_precision: dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and calibration of the cross-validated predictions of training
    (:func:`~thesis_analysis.autocode.training.train_model`), per origin (``cv:realtext``,
    ``cv:corpus``), like :func:`evaluate_labelled` (without the naive baseline)."""
    kinds = {code: kind for kind, codes in list_groups(codebook).items() for code in codes}
    rows, calibrations = [], []
    for origin, part in cross_validated.groupby("origin", sort=True):
        name = f"cv:{origin}"
        codes = sorted(set(part["code"]))
        wide = {
            column: part.pivot(index="id", columns="code", values=column)[codes].to_numpy(bool)
            for column in ("label", "rule", "model", "combined")
        }
        for kind in sorted({kinds.get(c, "theme") for c in codes}):
            columns = [n for n, c in enumerate(codes) if kinds.get(c, "theme") == kind]
            for method, key in (("rules", "rule"), ("model", "model"), ("combined", "combined")):
                g, p = wide["label"][:, columns], wide[key][:, columns]
                rows += list_score_rows((name, kind, method), g, p, [codes[n] for n in columns])
        coded = part[part["combined"]]
        rule_conf = coded["code"].map(rule_precision).fillna(0.5).to_numpy()
        confidence = np.where(
            coded["model"].to_numpy(),
            np.where(coded["rule"].to_numpy(), np.maximum(coded["probability"], rule_conf),
                     coded["probability"]),
            rule_conf,
        )  # fmt: skip
        calibrations.append(tabulate_calibration(confidence, coded["label"].to_numpy(bool), name))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS), pd.concat(calibrations, ignore_index=True)


def list_score_rows(
    where: tuple[str, str, str], gold: np.ndarray, predicted: np.ndarray, codes: list[str]
) -> list[dict]:
    """One score row per code of ``codes`` (the columns of ``gold`` and ``predicted``) and a
    ``(macro)`` row with its 95 % bootstrap interval, for set, kind and method ``where``.
    The macro F1 is over the codes that either side used."""
    name, kind, method = where
    table = score_columns(gold, predicted).assign(code=codes)
    rows = [{"set": name, "kind": kind, "method": method, **r} for r in table.to_dict("records")]
    scored = ((table["n_reference"] + table["n_predicted"]) > 0).to_numpy()
    low, high = bootstrap_macro_f1(gold[:, scored], predicted[:, scored])
    macro = {
        "code": "(macro)", "precision": table["precision"].mean(),
        "recall": table["recall"].mean(), "f1": table.loc[scored, "f1"].mean(),
        "n_reference": int(gold.sum()), "n_predicted": int(predicted.sum()),
        "f1_low": low, "f1_high": high,
    }  # fmt: skip
    rows.append({"set": name, "kind": kind, "method": method, **macro})
    return rows
