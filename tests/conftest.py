"""Shared fixtures: one spaCy pipeline for the whole session, the test data folder, and for
the learned coder the small codebook, a small labelled set and a tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def nlp():
    """The project's pipeline, built once."""
    from thesis_analysis.nlp.pipeline import get_pipeline

    return get_pipeline()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of small test fixtures."""
    return DATA


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root (with the shipped corpus and codebook)."""
    return ROOT


SMALL_BITS = 12  # a small feature space keeps the tiny models fast


@pytest.fixture(scope="session")
def small_codebook(tmp_path_factory):
    from thesis_analysis.codebook.model import load_codebook

    path = tmp_path_factory.mktemp("small") / "codebook.yaml"
    path.write_text((DATA / "codebook_small.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return load_codebook(path, require_fixed_ids=False)


@pytest.fixture(scope="session")
def small_labelled(small_codebook):
    from thesis_analysis.corpus.labelled import load_labelled_texts

    return load_labelled_texts(DATA / "learned" / "train_small.jsonl", set(small_codebook.ids()))


@pytest.fixture(scope="session")
def small_rule_coder(small_codebook, nlp):
    from thesis_analysis.autocode.coder import AutoCoder

    return AutoCoder(small_codebook, nlp)


@pytest.fixture(scope="session")
def small_spec(small_codebook):
    from thesis_analysis.autocode.features import FeatureSpec
    from thesis_analysis.autocode.training import list_top_codes

    return FeatureSpec(SMALL_BITS, SMALL_BITS, rule_codes=list_top_codes(small_codebook))


@pytest.fixture(scope="session")
def small_training(small_codebook, small_labelled):
    from thesis_analysis.autocode.training import build_training_set

    return build_training_set(small_codebook, small_labelled)


@pytest.fixture(scope="session")
def small_model(small_rule_coder, small_training, small_spec):
    """A tiny model and its cross-validated predictions."""
    from thesis_analysis.autocode.training import train_model

    return train_model(small_rule_coder, small_training, c_grid=(1.0,), n_folds=3, spec=small_spec)
