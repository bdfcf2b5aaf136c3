"""Training: the training set, grouped folds, thresholds, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from thesis_analysis.autocode.training import (
    CV_COLUMNS,
    build_training_set,
    choose_threshold,
    compute_f1,
    make_folds,
    measure_rule_precision,
    run_in_processes,
    train_model,
)


def test_codes_come_from_the_codebook_and_the_labels(small_training):
    assert small_training.codes == ("holdning.kritisk", "holdning.positiv", "telling")
    assert small_training.labels.shape == (36, 3)
    assert small_training.labels.sum(axis=0).tolist() == [8, 8, 13]


def test_min_positives_drops_rare_codes(small_codebook, small_labelled):
    data = build_training_set(small_codebook, small_labelled, min_positives=10)
    assert data.codes == ("telling",)


def test_corpus_segments_without_coding_are_negatives(small_codebook):
    segments = pd.DataFrame(
        {
            "segment_id": ["A-t001-s01", "A-t001-s02"],
            "text": ["Vi teller.", "Hei."],
            "informant": ["A", "A"],
        }  # fmt: skip
    )
    manual = pd.DataFrame({"segment_id": ["A-t001-s01"], "code": ["telling"]})
    data = build_training_set(small_codebook, None, segments, manual, min_positives=1)
    assert data.codes == ("telling",)
    assert data.labels[:, 0].tolist() == [True, False]
    assert data.groups == ("informant:A", "informant:A")


@pytest.mark.parametrize("n_folds", [2, 3, 5])
def test_folds_keep_groups_whole(small_training, n_folds):
    folds = make_folds(small_training.groups, n_folds)
    by_group = pd.Series(folds).groupby(list(small_training.groups)).nunique()
    assert (by_group == 1).all()
    assert np.array_equal(folds, make_folds(small_training.groups, n_folds))
    assert set(folds.tolist()) == set(range(n_folds))


@pytest.mark.parametrize(
    ("probability", "target", "expected"),
    [
        ([0.9, 0.8, 0.3, 0.2], [True, True, False, False], 0.8),
        ([0.95, 0.15, 0.12, 0.11], [True, True, False, False], 0.15),
    ],
)
def test_threshold_gives_the_best_f1(probability, target, expected):
    chosen = choose_threshold(np.array(probability), np.array(target))
    assert compute_f1(np.array(target), np.array(probability) >= chosen) == 1.0
    assert chosen == pytest.approx(expected, abs=0.026)


def test_rule_precision_is_smoothed_and_skips_unlabelled_codes():
    hits = np.array([[True, True], [True, False], [False, False]])
    labels = np.array([[True], [False], [True]])
    precision = measure_rule_precision(hits, labels, ("a", "b"), ("a",))
    assert precision == {"a": round(2 / 4, 4)}


def test_training_is_deterministic(small_rule_coder, small_training, small_spec, small_model):
    model, cross_validated = small_model
    again, cv_again = train_model(
        small_rule_coder, small_training, c_grid=(1.0,), n_folds=3, spec=small_spec
    )
    np.testing.assert_array_equal(model.weights, again.weights)
    np.testing.assert_array_equal(model.threshold, again.threshold)
    pd.testing.assert_frame_equal(cross_validated, cv_again)
    assert list(cross_validated.columns) == CV_COLUMNS


def test_the_model_learns_the_training_words(small_model, small_rule_coder):
    from thesis_analysis.autocode.combine import CombinedCoder

    coder = CombinedCoder(small_rule_coder, small_model[0])
    doc = next(coder.code_docs(["Tellingen av saker tar all tid.", "Kantina har suppe."]))
    column = small_model[0].codes.index("telling")
    assert doc.probability[0, column] > doc.probability[1, column]


@pytest.fixture(scope="module")
def with_versions(small_codebook, small_labelled, data_dir):
    from thesis_analysis.corpus.labelled import load_labelled_texts

    versions = load_labelled_texts(
        data_dir / "learned" / "versions_small.jsonl", set(small_codebook.ids())
    )
    return build_training_set(small_codebook, small_labelled, versions=versions)


def test_versions_sit_in_the_fold_of_their_original(with_versions):
    ids = list(with_versions.ids)
    folds = make_folds(with_versions.groups, 3)
    for version in ("S000~nn", "S001~nn", "S010~nn"):
        original = version.split("~")[0]
        assert with_versions.origins[ids.index(version)] == "version"
        assert folds[ids.index(version)] == folds[ids.index(original)]
        row, first = ids.index(version), ids.index(original)
        assert with_versions.labels[row].tolist() == with_versions.labels[first].tolist()


def test_versions_train_but_are_never_scored(small_rule_coder, with_versions, small_spec):
    model, cross_validated = train_model(
        small_rule_coder, with_versions, c_grid=(1.0,), n_folds=3, spec=small_spec
    )
    assert model.info["texts"] == {"realtext": 36, "version": 3}
    assert set(cross_validated["origin"]) == {"realtext"}
    assert not cross_validated["id"].str.contains("~").any()


def test_jobs_in_processes_come_back_in_job_order() -> None:
    jobs = [(base, 3) for base in range(7)]
    assert run_in_processes(pow, jobs) == [base**3 for base in range(7)]
    assert run_in_processes(pow, jobs[:1]) == [0]
