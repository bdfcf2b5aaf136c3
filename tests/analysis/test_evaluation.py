"""Evaluation of the auto-coder: scores checked by hand and against an independent kappa."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask

from thesis_analysis.analysis.evaluation import (
    build_code_presence,
    code_naive_baseline,
    evaluate_codings,
    list_groups,
    score_binary,
)
from thesis_analysis.codebook.model import load_codebook

STORE = Path(__file__).parents[1] / "data" / "store"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(STORE / "codebook.yaml", require_fixed_ids=False)


def test_score_binary_by_hand() -> None:
    # 10 units: tp = 3, fp = 1, fn = 2, tn = 4.
    reference = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    predicted = np.array([1, 1, 1, 0, 0, 1, 0, 0, 0, 0], dtype=bool)
    score = score_binary(reference, predicted)
    assert score["precision"] == pytest.approx(3 / 4)
    assert score["recall"] == pytest.approx(3 / 5)
    assert score["f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 2))
    # Cohen's kappa: po = 0.7, pe = 0.5 * 0.4 + 0.5 * 0.6 = 0.5 → 0.4; and NLTK agrees.
    assert score["kappa"] == pytest.approx(0.4)
    task = AnnotationTask(
        [("r", i, int(v)) for i, v in enumerate(reference)]
        + [("p", i, int(v)) for i, v in enumerate(predicted)]
    )
    assert score["kappa"] == pytest.approx(task.kappa())


def test_score_binary_without_positives_is_undefined_not_perfect() -> None:
    score = score_binary(np.zeros(5, dtype=bool), np.zeros(5, dtype=bool))
    assert np.isnan(score["f1"]) and np.isnan(score["precision"])


def test_groups_come_from_the_codebook(codebook) -> None:
    groups = list_groups(codebook)
    assert groups["theme"] == ("malforskyvning", "tavlemote")
    assert groups["stance"] == ("holdning.kritisk", "holdning.positiv")
    assert groups["indicator"] == ()


def test_build_presence_rolls_children_up_to_their_top_level() -> None:
    codings = pd.DataFrame({"segment_id": ["a", "b"], "code": ["malforskyvning.telling", "x"]})
    presence = build_code_presence(codings, pd.Index(["a", "b", "c"]), ("malforskyvning",))
    assert presence["malforskyvning"].tolist() == [True, False, False]


def test_naive_baseline_searches_labels_and_terms(codebook) -> None:
    segments = pd.DataFrame(
        {"segment_id": ["s1", "s2", "s3"], "text": ["Tavlemøter hver uke.", "TELLING!", "Annet."]}
    )
    found = code_naive_baseline(segments, codebook)
    assert set(zip(found["segment_id"], found["code"], strict=True)) >= {
        ("s1", "tavlemote"),
        ("s2", "malforskyvning.telling"),
    }
    assert "s3" not in set(found["segment_id"])


def test_evaluate_codings_macro_rows(codebook) -> None:
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"]})
    reference = pd.DataFrame(
        {"segment_id": ["s1", "s2", "s3"], "code": ["tavlemote", "malforskyvning", "tavlemote"]}
    )
    auto = pd.DataFrame({"segment_id": ["s1", "s4"], "code": ["tavlemote", "malforskyvning"]})
    table = evaluate_codings(segments, reference, {"auto": auto}, codebook)
    theme = table[(table["group"] == "theme")].set_index("code")
    assert theme.loc["tavlemote", "f1"] == pytest.approx(2 / 3)
    assert theme.loc["malforskyvning", "f1"] == pytest.approx(0.0)
    assert theme.loc["(macro)", "f1"] == pytest.approx(1 / 3)
    assert theme.loc["(macro)", "n_reference"] == 3
