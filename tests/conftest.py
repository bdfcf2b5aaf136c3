"""Shared fixtures: one spaCy pipeline for the whole session, and the test data folder."""

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
