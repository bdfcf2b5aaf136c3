"""Fixtures of the analysis tests: the small project of ``tests/data/analysis`` (a codebook,
nine informant segments and two coders' codings). A test module may define its own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import Codebook, load_codebook

ANALYSIS_DATA = Path(__file__).parents[1] / "data" / "analysis"


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(ANALYSIS_DATA / "codebook.yaml", require_fixed_ids=False)


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    """The informant segments of the fixture (the interviewer's left out)."""
    frame = pd.read_csv(
        ANALYSIS_DATA / "segments.csv", dtype={"provenance": str}, keep_default_na=False
    )
    return frame[frame["speaker"] != "I"].reset_index(drop=True)


@pytest.fixture(scope="module")
def codings() -> pd.DataFrame:
    return pd.read_csv(ANALYSIS_DATA / "codings.csv", keep_default_na=False)
