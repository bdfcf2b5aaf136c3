"""The pipeline: segments cached by content, the main steps on a small project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.corpus import load_corpus
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.pipeline import compute_segments_key, load_project
from thesis_analysis.segments import segment_corpus

STORE = Path(__file__).parent / "data" / "store"


@pytest.fixture()
def project_dir(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(STORE / "transcripts", root / "transcripts")
    codebook = (STORE / "codebook.yaml").read_text(encoding="utf-8")
    (root / "codebook.yaml").write_text(codebook, encoding="utf-8")
    return root


def test_cached_segments_equal_fresh_ones(project_dir: Path, monkeypatch) -> None:
    import thesis_analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_codebook", lambda path: None)
    first = load_project(project_dir).segments
    cache = list((project_dir / "results" / ".cache").glob("segments-*.csv"))
    assert len(cache) == 1
    second = load_project(project_dir).segments
    fresh = segment_corpus(load_corpus(project_dir / "transcripts"))
    pd.testing.assert_frame_equal(second, fresh)
    pd.testing.assert_frame_equal(first, fresh)


def test_the_cache_key_follows_the_transcripts(project_dir: Path) -> None:
    paths = ProjectPaths(project_dir)
    before = compute_segments_key(paths)
    path = next(paths.transcripts.glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert compute_segments_key(paths) != before
