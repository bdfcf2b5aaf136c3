"""A project loaded once: its settings (``project.yaml``), paths, corpus, codebook and the
segments of the corpus.

Segments are cached under ``results/.cache/``. The cache key is the content of the transcripts
(not their file names) and the versions of what segments them: spaCy, spacy-lookups-data and
the source of our own segmentation modules, and the project's settings (which case variables
the segments carry, which section a heading is). A renamed transcript reuses the cache; an update of
the tokenizer, the lemma data or our code makes a new one. A notebook that only reads segments
therefore does not start spaCy.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from importlib import metadata, util
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.codebook.model import Codebook, load_codebook
from thesis_analysis.corpus.loading import list_transcript_files, load_corpus
from thesis_analysis.corpus.records import Corpus
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project_file import ProjectFile, load_default_project_file, load_project_file
from thesis_analysis.writers import write_csv_atomic

if TYPE_CHECKING:
    import pandas as pd

SEGMENTATION_MODULES = (
    "thesis_analysis.corpus.segments",
    "thesis_analysis.corpus.transcripts",
    "thesis_analysis.project_file",
    "thesis_analysis.nlp.pipeline",
    "thesis_analysis.nlp.sentence_component",
    "thesis_analysis.nlp.lemma_component",
    "thesis_analysis.nlp.lemmas",
)
SEGMENTATION_PACKAGES = ("spacy", "spacy-lookups-data")


@dataclass(frozen=True)
class Project:
    """A loaded project: paths, corpus, codebook, the segments of the corpus and the
    settings of its ``project.yaml``."""

    paths: ProjectPaths
    corpus: Corpus
    codebook: Codebook
    segments: pd.DataFrame
    settings: ProjectFile = field(default_factory=load_default_project_file)

    @property
    def informant_segments(self) -> pd.DataFrame:
        """The segments spoken by informants (the units that are coded)."""
        own = self.segments["speaker"] == self.segments["informant"]
        return self.segments[own].reset_index(drop=True)

    def has_indicators(self) -> bool:
        """Whether the codebook has indicator codes (indicator links, the målekort)."""
        return any(code.indicator for code in self.codebook.codes)

    def has_claims(self) -> bool:
        """Whether the project has a claims ledger (``claims.yaml``)."""
        return (self.paths.root / "claims.yaml").is_file()

    def has_thesis_sections(self) -> bool:
        """Whether the project maps a thesis's sections to codes (``thesis_sections.yaml``)."""
        return self.paths.thesis_sections.is_file()


def compute_segments_key(paths: ProjectPaths, settings: ProjectFile | None = None) -> str:
    """A hash of the transcripts' contents (in sorted order, names ignored), of the versions
    of spaCy, spacy-lookups-data and our segmentation code, and of the project's settings."""
    settings = settings or load_default_project_file()
    digest = hashlib.sha256()
    digest.update(repr(dataclasses.replace(settings, path="")).encode())
    contents = sorted(
        hashlib.sha256(path.read_bytes()).digest()
        for path in list_transcript_files(paths.transcripts)
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

    from thesis_analysis.corpus.segments import list_segment_columns

    key = compute_segments_key(paths, corpus.settings)
    cache = paths.results / ".cache" / f"segments-{key}.csv"
    if cache.is_file():
        frame = pd.read_csv(cache, dtype=str, keep_default_na=False, encoding="utf-8")
        if list(frame.columns) == list_segment_columns(corpus.settings):
            integers = ["turn", "sentence", "start", "end"]
            return frame.astype(dict.fromkeys(integers, "int64"))
    from thesis_analysis.corpus.segments import segment_corpus

    segments = segment_corpus(corpus)
    write_csv_atomic(cache, segments)
    return segments


def load_project(root: Path) -> Project:
    """Load the settings, transcripts and codebook of the project at ``root`` and its
    segments (a folder without ``project.yaml`` is the thesis project)."""
    paths = ProjectPaths(Path(root))
    settings = load_project_file(paths.root)
    corpus = load_corpus(paths.transcripts, settings=settings)
    codebook = load_codebook(paths.codebook, required_codes=settings.required_codes)
    return Project(paths, corpus, codebook, load_segments(paths, corpus), settings)
