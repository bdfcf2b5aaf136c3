"""The learning curve: sizes, kinds, methods, informants held out."""

from __future__ import annotations

import pandas as pd

from thesis_analysis.analysis.learning_curve import (
    CURVE_COLUMNS,
    compute_learning_curve,
    plot_learning_curve,
)
from thesis_analysis.autocode.training import build_training_set


def test_curve_on_a_small_corpus(small_rule_coder, small_codebook, small_labelled):
    texts = small_labelled.texts
    segments = pd.DataFrame(
        {"segment_id": [f"I{n % 6}-t001-s{n:02d}" for n in range(len(texts))],
         "text": texts["text"], "informant": [f"I{n % 6}" for n in range(len(texts))]}
    )  # fmt: skip
    ids = dict(zip(texts["id"], segments["segment_id"], strict=True))
    manual = small_labelled.labels.assign(segment_id=small_labelled.labels["id"].map(ids))
    data = build_training_set(small_codebook, None, segments, manual[["segment_id", "code"]])
    curve = compute_learning_curve(
        small_rule_coder, data, small_codebook, sizes=(6, 12, 100), n_folds=3, n_repeats=2
    )
    assert list(curve.columns) == CURVE_COLUMNS
    assert curve["n_segments"].max() == 24  # capped at the smallest pool (two folds' texts)
    assert set(curve["method"]) == {"model", "rules"}
    assert set(curve["kind"]) == {"stance", "theme"}
    assert (curve["n_runs"] == 6).all()
    figure = plot_learning_curve(curve)
    assert figure.axes[0].get_xlabel().startswith("Hand-coded")
