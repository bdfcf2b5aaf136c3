"""A project loaded once: segments cached by content and by the versions that segment them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis import project as project_module
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.segments import segment_corpus
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project import compute_segments_key, load_project

STORE = Path(__file__).parent / "data" / "store"


@pytest.fixture()
def project_dir(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(STORE / "transcripts", root / "transcripts")
    codebook = (STORE / "codebook.yaml").read_text(encoding="utf-8")
    (root / "codebook.yaml").write_text(codebook, encoding="utf-8")
    return root


def test_cached_segments_equal_fresh_ones(project_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(project_module, "load_codebook", lambda path, **_: None)
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


def test_a_renamed_transcript_keeps_the_cache(project_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(project_module, "load_codebook", lambda path, **_: None)
    paths = ProjectPaths(project_dir)
    load_project(project_dir)
    before = compute_segments_key(paths)
    path = sorted(paths.transcripts.glob("*.md"))[0]
    path.rename(path.with_name("renamed-" + path.name))
    assert compute_segments_key(paths) == before
    load_project(project_dir)
    assert len(list((project_dir / "results" / ".cache").glob("segments-*.csv"))) == 1


@pytest.mark.parametrize("package", project_module.SEGMENTATION_PACKAGES)
def test_the_cache_key_follows_the_tokenizer_and_lemma_versions(
    project_dir: Path, monkeypatch, package: str
) -> None:
    paths = ProjectPaths(project_dir)
    before = compute_segments_key(paths)
    real = project_module.metadata.version

    def bumped(name: str) -> str:
        return real(name) + ".post1" if name == package else real(name)

    monkeypatch.setattr(project_module.metadata, "version", bumped)
    assert compute_segments_key(paths) != before
