"""Scores of rules, model and combined on labelled texts; bootstrap; calibration."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.analysis.learned_evaluation import (
    CALIBRATION_COLUMNS,
    SCORE_COLUMNS,
    bootstrap_macro_f1,
    evaluate_labelled,
    score_columns,
    score_cross_validated,
    tabulate_calibration,
)
from thesis_analysis.autocode.combine import CombinedCoder


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([[1, 0], [1, 1], [0, 0]], [[1, 0], [0, 1], [1, 0]], [(0.5, 0.5, 0.5), (1.0, 1.0, 1.0)]),
        ([[0], [0]], [[0], [0]], [(np.nan, np.nan, np.nan)]),
    ],
)
def test_scores_per_column(gold, predicted, expected):
    table = score_columns(np.array(gold, bool), np.array(predicted, bool))
    np.testing.assert_allclose(table[["precision", "recall", "f1"]].to_numpy(), expected)


def test_bootstrap_interval_holds_the_estimate_and_is_seeded():
    rng = np.random.default_rng(0)
    gold = rng.random((200, 3)) < 0.3
    predicted = gold ^ (rng.random((200, 3)) < 0.1)
    low, high = bootstrap_macro_f1(gold, predicted, n=200)
    estimate = score_columns(gold, predicted)["f1"].mean()
    assert low <= estimate <= high
    assert (low, high) == bootstrap_macro_f1(gold, predicted, n=200)


def test_calibration_bins():
    table = tabulate_calibration(
        np.array([0.9, 0.85, 0.6, 0.2, 0.1]), np.array([True, True, False, True, False]), "x"
    )
    assert list(table.columns) == CALIBRATION_COLUMNS
    assert table["n_codings"].tolist() == [2, 1, 2]
    assert table["precision"].tolist() == [1.0, 0.0, 0.5]


def test_evaluate_labelled_reports_every_method(small_rule_coder, small_model, small_labelled,
                                                small_codebook):  # fmt: skip
    coder = CombinedCoder(small_rule_coder, small_model[0])
    scores, calibration = evaluate_labelled(coder, small_labelled, small_codebook, "small")
    assert list(scores.columns) == SCORE_COLUMNS
    macro = scores[scores["code"] == "(macro)"]
    assert set(macro["method"]) == {"rules", "model", "combined", "naive"}
    scored = macro.dropna(subset=["f1"])
    assert (scored["f1_low"] <= scored["f1"] + 1e-9).all()
    assert calibration["n_codings"].sum() > 0


def test_cross_validated_scores_per_origin(small_model, small_codebook):
    model, cross_validated = small_model
    scores, calibration = score_cross_validated(
        cross_validated, small_codebook, model.rule_precision
    )
    assert set(scores["set"]) == {"cv:realtext"}
    assert set(scores["method"]) == {"rules", "model", "combined"}
    assert set(calibration["set"]) == {"cv:realtext"}
