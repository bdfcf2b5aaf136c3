"""A learning curve on the corpus: F1 of the learned model against the number of hand-coded
segments it was trained on.

Informants are held out whole (grouped folds), so that a held-out informant's sentences never
help train the model that codes them. For each fold, repeat and size, that many segments are
drawn (seeded) from the other informants' hand-coded segments, one model per code is fitted
(the training's solver, ``C`` fixed at 1, decision at probability 0.5 of the class-balanced
model) and the held-out informants' segments are coded. The rules alone are the flat line to
beat.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from thesis_analysis.analysis.evaluation import list_groups
from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.features import FeatureSpec
from thesis_analysis.autocode.training import (
    TrainingSet,
    compute_f1,
    featurize_texts,
    fit_code,
    list_top_codes,
    make_folds,
)
from thesis_analysis.codebook.model import Codebook

CURVE_COLUMNS = ["n_segments", "kind", "method", "f1_mean", "f1_sd", "n_runs"]
SIZES = (25, 50, 100, 200, 400)
N_FOLDS, N_REPEATS, SEED, C_VALUE = 4, 3, 14, 1.0


def compute_learning_curve(
    coder: AutoCoder,
    data: TrainingSet,
    codebook: Codebook,
    sizes: tuple[int, ...] = SIZES,
    n_folds: int = N_FOLDS,
    n_repeats: int = N_REPEATS,
) -> pd.DataFrame:
    """Themes and stance macro-F1 against the number of training segments.

    Parameters
    ----------
    coder : the rule coder (its hits are features, and the ``rules`` line).
    data : the corpus as a training set (groups: informants).
    codebook : for the kinds of codes.
    sizes : numbers of training segments (capped at what the smallest fold's pool has).

    Returns
    -------
    DataFrame with :data:`CURVE_COLUMNS`: per size, kind (``theme``, ``stance``) and method
    (``model``, ``rules``), the mean and standard deviation over folds and repeats of the
    held-out macro-F1 and the number of runs.
    """
    spec = FeatureSpec(rule_codes=list_top_codes(codebook))
    matrix, rule_hits = featurize_texts(coder, spec, list(data.texts))
    folds = make_folds(data.groups, n_folds)
    kinds = {code: kind for kind, codes in list_groups(codebook).items() for code in codes}
    rule_columns = [spec.rule_codes.index(c) for c in data.codes]
    smallest_pool = min(int(np.sum(folds != f)) for f in range(n_folds))
    steps = sorted({min(s, smallest_pool) for s in sizes})
    rows = []
    for repeat in range(n_repeats):
        rng = np.random.default_rng(SEED + repeat)
        for fold in range(n_folds):
            test, pool = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
            if len(test) == 0:
                continue
            order = rng.permutation(pool)
            for size in steps:
                train = np.sort(order[:size])
                predicted = _predict(matrix, data.labels, train, test)
                for kind in ("theme", "stance"):
                    columns = [n for n, c in enumerate(data.codes) if kinds.get(c) == kind]
                    if not columns:
                        continue
                    gold = data.labels[np.ix_(test, columns)]
                    for method, guess in (
                        ("model", predicted[:, columns]),
                        ("rules", rule_hits[np.ix_(test, [rule_columns[n] for n in columns])]),
                    ):
                        rows.append((size, kind, method, _macro_f1(gold, guess)))
    runs = pd.DataFrame(rows, columns=["n_segments", "kind", "method", "f1"])
    curve = runs.groupby(["n_segments", "kind", "method"], sort=True)["f1"].agg(
        f1_mean="mean", f1_sd="std", n_runs="count"
    )
    return curve.reset_index()[CURVE_COLUMNS]


def _predict(matrix, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    predicted = np.zeros((len(test), labels.shape[1]), np.bool_)
    for c in range(labels.shape[1]):
        target = labels[train, c]
        if target.all() or not target.any():
            predicted[:, c] = bool(target.all())
            continue
        fitted = fit_code(matrix[train], target, C_VALUE)
        predicted[:, c] = fitted.decision_function(matrix[test]) >= 0
    return predicted


def _macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 over the columns with a reference or a prediction (NaN if none)."""
    scores = [
        compute_f1(gold[:, c], predicted[:, c])
        for c in range(gold.shape[1])
        if gold[:, c].any() or predicted[:, c].any()
    ]
    return float(np.mean(scores)) if scores else float("nan")


def plot_learning_curve(curve: pd.DataFrame):
    """Macro-F1 against training segments, a line per kind and method (model solid, rules
    dashed); returns the figure."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6.4, 3.6))
    for (kind, method), part in curve.groupby(["kind", "method"], sort=True):
        style = "-" if method == "model" else "--"
        ax.errorbar(
            part["n_segments"], part["f1_mean"], yerr=part["f1_sd"].fillna(0), linestyle=style,
            marker="o" if method == "model" else None, capsize=3, label=f"{kind}: {method}",
        )  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("Hand-coded segments used for training")
    ax.set_ylabel("Macro-F1, held-out informants")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize="small")
    ax.set_title("Learning curve on the corpus")
    figure.tight_layout()
    return figure
