"""Project paths. Nothing is read or created at import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    """Where a project keeps its inputs and outputs, relative to its root folder."""

    root: Path

    @property
    def project_file(self) -> Path:
        """The project's settings (``project.yaml``; absent: the thesis project's)."""
        return self.root / "project.yaml"

    @property
    def transcripts(self) -> Path:
        """Folder of transcript files (``*.md``)."""
        return self.root / "transcripts"

    @property
    def codebook(self) -> Path:
        """The codebook file."""
        return self.root / "codebook.yaml"

    @property
    def thesis_sections(self) -> Path:
        """The mapping of the thesis's sections to codes (a second reference)."""
        return self.root / "thesis_sections.yaml"

    @property
    def codings(self) -> Path:
        """Folder of per-coder coding files (``<coder>.csv``)."""
        return self.root / "codings"

    @property
    def results(self) -> Path:
        """Folder of generated tables, figures and reports."""
        return self.root / "results"

    @property
    def notebooks(self) -> Path:
        """Folder of analysis notebooks."""
        return self.root / "notebooks"


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working folder) that has a
    ``project.yaml``, a ``codebook.yaml`` or a ``transcripts`` folder; ``start`` itself if
    none has."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (
            (folder / "project.yaml").is_file()
            or (folder / "codebook.yaml").is_file()
            or (folder / "transcripts").is_dir()
        ):
            return folder
    return start


def get_project_paths(start: Path | None = None) -> ProjectPaths:
    """The :class:`ProjectPaths` of the project containing ``start``."""
    return ProjectPaths(find_project_root(start))
