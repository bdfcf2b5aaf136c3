"""A project loaded once: its paths, corpus, codebook and the segments of the corpus.

Segments are cached under ``results/.cache/``. The cache key is the content of the transcripts
(not their file names) and the versions of what segments them: spaCy, spacy-lookups-data and
the source of our own segmentation modules. A renamed transcript reuses the cache; an update of
the tokenizer, the lemma data or our code makes a new one. A notebook that only reads segments
therefore does not start spaCy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.codebook.model import Codebook, load_codebook
from thesis_analysis.corpus.records import INTERVIEWER, Corpus, load_corpus
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.writers import write_csv_atomic

if TYPE_CHECKING:
    import pandas as pd

SEGMENTATION_MODULES = (
    "thesis_analysis.corpus.segments",
    "thesis_analysis.corpus.transcripts",
    "thesis_analysis.nlp.pipeline",
    "thesis_analysis.nlp.sentence_component",
    "thesis_analysis.nlp.lemma_component",
    "thesis_analysis.nlp.lemmas",
)
SEGMENTATION_PACKAGES = ("spacy", "spacy-lookups-data")


@dataclass(frozen=True)
class Project:
    """A loaded project: paths, corpus, codebook and the segments of the corpus."""

    paths: ProjectPaths
    corpus: Corpus
    codebook: Codebook
    segments: pd.DataFrame

    @property
    def informant_segments(self) -> pd.DataFrame:
        """The segments spoken by informants (the units that are coded)."""
        return self.segments[self.segments["speaker"] != INTERVIEWER].reset_index(drop=True)


def compute_segments_key(paths: ProjectPaths) -> str:
    """A hash of the transcripts' contents (in sorted order, names ignored) and of the versions
    of spaCy, spacy-lookups-data and our segmentation code."""
    digest = hashlib.sha256()
    contents = sorted(
        hashlib.sha256(path.read_bytes()).digest() for path in paths.transcripts.glob("*.md")
    )
    for content in contents:
        digest.update(content)
    for package in SEGMENTATION_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    for module in SEGMENTATION_MODULES:
        spec = util.find_spec(module)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"cannot find the source of {module}")
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()[:20]


def load_segments(paths: ProjectPaths, corpus: Corpus) -> pd.DataFrame:
    """The corpus's segments: from the cache if it matches, else segmented (and cached)."""
    import pandas as pd

    from thesis_analysis.corpus.segments import SEGMENT_COLUMNS

    cache = paths.results / ".cache" / f"segments-{compute_segments_key(paths)}.csv"
    if cache.is_file():
        frame = pd.read_csv(cache, dtype=str, keep_default_na=False, encoding="utf-8")
        if list(frame.columns) == SEGMENT_COLUMNS:
            integers = ["turn", "sentence", "start", "end"]
            return frame.astype(dict.fromkeys(integers, "int64"))
    from thesis_analysis.corpus.segments import segment_corpus

    segments = segment_corpus(corpus)
    write_csv_atomic(cache, segments)
    return segments


def load_project(root: Path) -> Project:
    """Load transcripts and codebook of the project at ``root`` and its segments."""
    paths = ProjectPaths(Path(root))
    corpus = load_corpus(paths.transcripts)
    codebook = load_codebook(paths.codebook)
    return Project(paths, corpus, codebook, load_segments(paths, corpus))
