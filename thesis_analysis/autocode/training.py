"""Training the learned coder: data, features, cross-validation, calibration, thresholds.

Deterministic: texts are sorted by origin and id, folds are grouped (by source address for
labelled texts, by informant for the corpus, so that sentences of one source never sit on
both sides of a fold), and the solver is liblinear with a fixed seed. Everything that is
chosen — the regularisation ``C`` per code, the Platt calibration, the threshold per code,
whether rule hits are kept where the model disagrees, the rules' precision — is chosen on
cross-validated predictions of the training data only. ``C``, calibration, threshold and the
rules' precision are chosen on the labelled real texts where there are any (the texts the
coder is for; the corpus, whose wording the rules were tuned on, still trains the weights);
whether rule hits are kept (``union``, also on a tie) on all texts, so that the corpus's
precise rules are not dropped. Versions of labelled texts in the other written standard
(origin ``version``) only train the weights: nothing is chosen or scored on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.combine import iterate_docs, list_top_codes
from thesis_analysis.autocode.features import FeatureSpec, TypeTable, build_matrix
from thesis_analysis.autocode.model import LearnedModel
from thesis_analysis.codebook.model import Codebook, compute_top_level
from thesis_analysis.corpus.labelled import LabelledTexts

SEED = 14
N_FOLDS = 5
C_GRID = (0.5, 2.0, 8.0)
MIN_POSITIVES = 8
CORPUS_WEIGHT = 1.0  # a corpus segment against a real-text sentence (0.25, 0.5: same CV F1)
CORPUS, REALTEXT, VERSION = "corpus", "realtext", "version"


@dataclass(frozen=True)
class TrainingSet:
    """Texts with their top-level codes.

    Attributes
    ----------
    ids, texts, groups, origins : per text (groups: the fold groups; origins: ``realtext``,
        ``version`` — another written standard's version of a labelled text, which trains the
        weights but is never scored, calibrated or thresholded on — or ``corpus``).
    labels : texts × codes (bool).
    codes : the codes learned (top-level codes of the codebook with enough positives).
    """

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    groups: tuple[str, ...]
    origins: tuple[str, ...]
    labels: np.ndarray
    codes: tuple[str, ...]


def build_training_set(
    codebook: Codebook,
    labelled: LabelledTexts | None = None,
    segments: pd.DataFrame | None = None,
    manual: pd.DataFrame | None = None,
    min_positives: int = MIN_POSITIVES,
    versions: LabelledTexts | None = None,
) -> TrainingSet:
    """Join labelled texts and the corpus hand coding into one training set.

    Parameters
    ----------
    codebook : the codes (the top-level codes are the candidates).
    labelled : labelled texts (e.g. ``data/realtext/train.jsonl``); grouped by ``url``.
    segments, manual : informant segments and their hand coding (``segment_id``, ``code``);
        every segment counts (one without a coding is a negative); grouped by informant.
    versions : texts that say the same as labelled texts in the other written standard (e.g.
        nynorsk versions of bokmål sentences), with the same codes and ``url``: grouped with
        their originals, so a version and its original always sit in the same fold.
    min_positives : a code is learned only with at least this many positive texts.
    """
    rows: list[tuple[str, str, str, str, frozenset[str]]] = []
    for origin, texts in ((REALTEXT, labelled), (VERSION, versions)):
        if texts is None:
            continue
        codes = texts.labels.groupby("id")["code"].agg(frozenset).to_dict()
        for item in texts.texts.itertuples(index=False):
            group = item.url or item.source or item.id
            tops = frozenset(compute_top_level(c) for c in codes.get(item.id, ()))
            rows.append((origin, item.id, item.text, f"url:{group}", tops))
    if segments is not None and manual is not None:
        coded = manual.assign(top=manual["code"].map(compute_top_level))
        codes = coded.groupby("segment_id")["top"].agg(frozenset).to_dict()
        for item in segments[["segment_id", "text", "informant"]].itertuples(index=False):
            tops = codes.get(item.segment_id, frozenset())
            rows.append((CORPUS, item.segment_id, item.text, f"informant:{item.informant}", tops))
    rows.sort(key=lambda row: (row[0], row[1]))
    candidates = list_top_codes(codebook)
    counts = {c: sum(c in row[4] for row in rows) for c in candidates}
    learned = tuple(c for c in candidates if counts[c] >= min_positives)
    labels = np.array([[c in row[4] for c in learned] for row in rows], np.bool_)
    labels = labels.reshape(len(rows), len(learned))
    return TrainingSet(
        tuple(r[1] for r in rows), tuple(r[2] for r in rows), tuple(r[3] for r in rows),
        tuple(r[0] for r in rows), labels, learned,
    )  # fmt: skip


def featurize_texts(coder: AutoCoder, spec: FeatureSpec, texts: list[str]):
    """The feature matrix (CSR, texts × features) and the rule hits (texts × rule codes)."""
    from scipy.sparse import vstack

    types = TypeTable(spec, coder.nlp.vocab.strings)
    matrices, hits = [], []
    for doc in iterate_docs(coder, types, texts, texts_per_doc=256):
        matrices.append(build_matrix(types, doc.tokens, doc.rule_hits))
        hits.append(doc.rule_hits)
    if not matrices:
        from scipy.sparse import csr_matrix

        return csr_matrix((0, spec.n_features)), np.zeros((0, len(spec.rule_codes)), bool)
    return vstack(matrices).tocsr(), np.concatenate(hits)


def make_folds(groups: tuple[str, ...], n_folds: int = N_FOLDS) -> np.ndarray:
    """The fold of each text: whole groups, shuffled with :data:`SEED`, dealt out in turn."""
    names = sorted(set(groups))
    order = np.random.default_rng(SEED).permutation(len(names))
    fold_of = {names[i]: n % n_folds for n, i in enumerate(order.tolist())}
    return np.array([fold_of[g] for g in groups], np.int64)


def fit_code(matrix, target: np.ndarray, c_value: float, weights: np.ndarray | None = None):
    """A logistic regression for one code (balanced class weights; liblinear's dual solver,
    a hundred times faster here than the primal one, since features outnumber texts; seeded;
    a tolerance of 1e-3, which gave the same cross-validated F1 as 1e-4 in less time)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=c_value, solver="liblinear", dual=True, max_iter=2000, class_weight="balanced",
        random_state=SEED, tol=1e-3,
    )  # fmt: skip
    return model.fit(matrix, target, sample_weight=weights)


def predict_out_of_fold(
    matrix, target: np.ndarray, folds: np.ndarray, c_value: float, weights: np.ndarray | None = None
):
    """Cross-validated raw scores of one code (each text scored by a model not trained on
    its fold)."""
    scores = np.zeros(len(target))
    for fold in np.unique(folds).tolist():
        test = folds == fold
        train_target = target[~test]
        if train_target.all() or not train_target.any():
            scores[test] = 10.0 if train_target.all() else -10.0
            continue
        own = weights[~test] if weights is not None else None
        scores[test] = fit_code(matrix[~test], train_target, c_value, own).decision_function(
            matrix[test]
        )
    return scores


def fit_platt(scores: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``a, b`` of ``p = 1 / (1 + exp(-(a * score + b)))`` (fitted by
    maximum likelihood, lightly regularised)."""
    from sklearn.linear_model import LogisticRegression

    if target.all() or not target.any():
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, solver="lbfgs").fit(scores.reshape(-1, 1), target)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def choose_threshold(probability: np.ndarray, target: np.ndarray) -> float:
    """The threshold (0.1–0.9) that gives the best F1 of ``probability >= threshold``;
    of equal F1, the highest."""
    grid = np.round(np.arange(0.10, 0.901, 0.025), 3)
    f1 = [compute_f1(target, probability >= t) for t in grid]
    best = max(f1)
    return float(grid[max(i for i, f in enumerate(f1) if f == best)])


def compute_f1(target: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of a boolean prediction (0 when nothing is positive on either side)."""
    tp = int(np.sum(target & predicted))
    wrong = int(np.sum(target != predicted))
    return 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0


def measure_rule_precision(
    rule_hits: np.ndarray,
    labels: np.ndarray,
    rule_codes: tuple[str, ...],
    codes: tuple[str, ...],
    min_given: int = 0,
) -> dict[str, float]:
    """Per rule code, the share of texts a rule gave it that carry it in the labels
    (Laplace-smoothed: ``(right + 1) / (given + 2)``); codes not labelled, or that rules gave
    fewer than ``min_given`` texts, are left out."""
    precision = {}
    for k, code in enumerate(rule_codes):
        given = rule_hits[:, k]
        if code not in codes or given.sum() < max(min_given, 1):
            continue
        right = int(np.sum(given & labels[:, codes.index(code)]))
        precision[code] = round((right + 1) / (int(given.sum()) + 2), 4)
    return precision


CV_COLUMNS = ["id", "origin", "code", "label", "probability", "rule", "model", "combined"]


def train_code(
    matrix,
    target: np.ndarray,
    folds: np.ndarray,
    c_grid: tuple[float, ...],
    sample_weights: np.ndarray,
    tuned: np.ndarray,
) -> tuple[float, float, float, float, np.ndarray, np.ndarray, float]:
    """One code: ``C``, Platt ``a, b`` and the threshold chosen on the out-of-fold predictions
    of the ``tuned`` texts, those predictions calibrated, and the weights and intercept of the
    model fitted on all texts."""
    best = None
    for c_value in c_grid:
        scores = predict_out_of_fold(matrix, target, folds, c_value, sample_weights)
        a, b = fit_platt(scores[tuned], target[tuned])
        probability = 1.0 / (1.0 + np.exp(-(a * scores + b)))
        cut = choose_threshold(probability[tuned], target[tuned])
        f1 = compute_f1(target[tuned], probability[tuned] >= cut)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c_value, a, b, cut, probability)
    _, c_value, a, b, cut, probability = best
    fitted = fit_code(matrix, target, c_value, sample_weights)
    return c_value, a, b, cut, probability, fitted.coef_[0], float(fitted.intercept_[0])


def run_in_processes(function, jobs: list[tuple]) -> list:
    """``function(*job)`` for every job, on as many processes as the machine has cores (at
    most one per job); the results in job order. Each job is independent and seeded, so the
    results are the same as one after the other."""
    import os

    from joblib import Parallel, delayed

    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    if workers == 1:
        return [function(*job) for job in jobs]
    return Parallel(n_jobs=workers, backend="loky")(delayed(function)(*job) for job in jobs)


def train_model(
    coder: AutoCoder,
    data: TrainingSet,
    c_grid: tuple[float, ...] = C_GRID,
    n_folds: int = N_FOLDS,
    spec: FeatureSpec | None = None,
    corpus_weight: float = CORPUS_WEIGHT,
) -> tuple[LearnedModel, pd.DataFrame]:
    """Train the model on ``data`` and return it with its cross-validated predictions.

    Returns
    -------
    model : the :class:`LearnedModel` (fitted on all of ``data``).
    cross_validated : long DataFrame with :data:`CV_COLUMNS`, one row per text (versions left
        out) and code: the label, the out-of-fold calibrated probability, whether a rule gave
        the code, and the model's and the combination's decision (bool), from models not
        trained on the text.
    """
    spec = spec or FeatureSpec(rule_codes=list_top_codes(coder.codebook))
    matrix, rule_hits = featurize_texts(coder, spec, list(data.texts))
    folds = make_folds(data.groups, n_folds)
    realtext = np.array([o == REALTEXT for o in data.origins], np.bool_)
    scored = np.array([o != VERSION for o in data.origins], np.bool_)
    sample_weights = np.where([o == CORPUS for o in data.origins], corpus_weight, 1.0)
    measured = realtext if realtext.any() else scored
    precision = measure_rule_precision(
        rule_hits[scored], data.labels[scored], spec.rule_codes, data.codes
    )
    precision.update(
        measure_rule_precision(
            rule_hits[measured], data.labels[measured], spec.rule_codes, data.codes, min_given=5
        )
    )
    width = len(data.codes)
    weights = np.zeros((spec.n_features, width))
    intercept, platt, threshold = np.zeros(width), np.zeros((width, 2)), np.zeros(width)
    policy, chosen, frames = [], {}, []
    jobs = []
    for c in range(width):
        target = data.labels[:, c]
        tuned = measured if target[measured].any() else scored
        jobs.append((matrix, target, folds, c_grid, sample_weights, tuned))
    results = run_in_processes(train_code, jobs)
    for c, (code, trained) in enumerate(zip(data.codes, results, strict=True)):
        c_value, a, b, cut, probability, coef, bias = trained
        target = data.labels[:, c]
        rule = (
            rule_hits[:, spec.rule_codes.index(code)]
            if code in spec.rule_codes
            else np.zeros(len(target), np.bool_)
        )
        model_says = probability >= cut
        union = model_says | rule
        better = compute_f1(target[scored], union[scored]) >= compute_f1(
            target[scored], model_says[scored]
        )
        policy.append("union" if better else "model")
        combined = union if policy[-1] == "union" else model_says
        weights[:, c], intercept[c] = coef, bias
        platt[c], threshold[c], chosen[code] = (a, b), cut, c_value
        frames.append(
            pd.DataFrame(
                {
                    "id": np.array(data.ids)[scored],
                    "origin": np.array(data.origins)[scored],
                    "code": code,
                    "label": target[scored],
                    "probability": probability[scored].round(6),
                    "rule": rule[scored],
                    "model": model_says[scored],
                    "combined": combined[scored],
                }  # fmt: skip
            )
        )
    info = {
        "texts": {o: int(sum(x == o for x in data.origins)) for o in sorted(set(data.origins))},
        "positives": {code: int(data.labels[:, c].sum()) for c, code in enumerate(data.codes)},
        "c": chosen,
        "folds": n_folds,
        "seed": SEED,
    }
    model = LearnedModel(
        spec, data.codes, weights, intercept, platt[:, 0].copy(), platt[:, 1].copy(),
        threshold, tuple(policy), precision, info,
    )  # fmt: skip
    return model, pd.concat(frames, ignore_index=True)[CV_COLUMNS]
