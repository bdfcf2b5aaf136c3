"""The model: safe save and load, per-type scores equal the explicit matrix (to float32)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from thesis_analysis.autocode.features import TypeTable, build_matrix, read_doc_tokens
from thesis_analysis.autocode.model import (
    META_FILE,
    MODEL_FILE,
    ModelScorer,
    load_model,
    save_model,
)
from thesis_analysis.errors import InputError
from thesis_analysis.nlp.pipeline import pipe_token_arrays


def test_save_and_load_give_the_same_model(small_model, tmp_path):
    model, _ = small_model
    save_model(model, tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.codes == model.codes and loaded.spec == model.spec
    assert loaded.policy == model.policy and loaded.rule_precision == model.rule_precision
    np.testing.assert_allclose(loaded.weights, model.weights, atol=1e-6)
    for name in ("intercept", "platt_a", "platt_b", "threshold"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))


def test_the_saved_model_holds_no_pickle(small_model, tmp_path):
    save_model(small_model[0], tmp_path)
    with np.load(tmp_path / MODEL_FILE, allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
    meta = json.loads((tmp_path / META_FILE).read_text(encoding="utf-8"))
    assert meta["codes"] == list(small_model[0].codes)


@pytest.mark.parametrize("missing", [MODEL_FILE, META_FILE])
def test_a_missing_file_is_an_input_error(small_model, tmp_path, missing):
    save_model(small_model[0], tmp_path)
    (tmp_path / missing).unlink()
    with pytest.raises(InputError, match="train one first"):
        load_model(tmp_path)


@pytest.mark.parametrize(
    "texts",
    [
        ["Vi teller alt.", "Dette er tullete.", "", "Målingene er nyttige for oss."],
        ["Ein heilt ny tekst med nye ord: tellekantane og målstyringa.", "?"],
    ],
)
def test_per_type_scores_equal_the_explicit_matrix(small_model, nlp, texts):
    model, _ = small_model
    scorer = ModelScorer(model, TypeTable(model.spec, nlp.vocab.strings))
    explicit = TypeTable(model.spec, nlp.vocab.strings)
    for arrays, _, starts in pipe_token_arrays(nlp, texts, 2):
        starts = np.asarray(starts)
        hits = np.zeros((len(starts), len(model.spec.rule_codes)), bool)
        hits[0, 0] = True
        fast = scorer.score(read_doc_tokens(scorer.types, arrays, starts), hits)
        matrix = build_matrix(explicit, read_doc_tokens(explicit, arrays, starts), hits)
        np.testing.assert_allclose(fast, matrix @ model.weights + model.intercept, atol=1e-5)


def test_probabilities_are_calibrated_into_0_1(small_model):
    model, _ = small_model
    scores = np.repeat([[-50.0], [0.0], [50.0]], len(model.codes), axis=1)
    probability = model.calibrate(scores)
    assert np.all((probability >= 0) & (probability <= 1))
    assert np.all(model.platt_a > 0)  # a higher score never means a lower probability
    assert np.all(np.diff(probability, axis=0) >= 0)
