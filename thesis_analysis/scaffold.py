"""A new project folder from the package's templates (``thesis-analysis init``).

The templates live in ``thesis_analysis/templates/`` (package data, so this works from an
installed package): ``project/`` holds a commented ``project.yaml``, a starter
``codebook.yaml`` (three generic codes with rules), a README stub and the ``.gitignore``;
``notebooks/`` holds the analysis notebooks without outputs, the same as the committed ones
(they read the project they stand in). Only :func:`create_project` writes, through the
atomic writers.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from thesis_analysis.errors import InputError
from thesis_analysis.project_file import LANGUAGES, parse_project_file
from thesis_analysis.writers import write_text_atomic

EMPTY_FOLDERS = ("transcripts", "codings")
RENAMED = {"gitignore": ".gitignore"}


def list_template_files(language: str) -> dict[str, str]:
    """Relative path → text of every file a new project gets, for ``language``."""
    if language not in LANGUAGES:
        raise InputError(f"language {language!r}: use one of {', '.join(LANGUAGES)}")
    base = resources.files("thesis_analysis") / "templates"
    files = {
        RENAMED.get(p.name, p.name): p.read_text(encoding="utf-8")
        for p in iter_files(base / "project")
    }
    files["project.yaml"] = files["project.yaml"].replace(
        "language: nb ", f"language: {language} ", 1
    )
    settings = parse_project_file(files["project.yaml"])
    files["README.md"] = files["README.md"].format(name=settings.name, language=language)
    for notebook in iter_files(base / "notebooks"):
        files[f"notebooks/{notebook.name}"] = notebook.read_text(encoding="utf-8")
    return files


def iter_files(folder: Traversable) -> list[Traversable]:
    """The files of a template folder, sorted by name."""
    return sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)


def create_project(folder: Path, language: str = "nb", force: bool = False) -> str:
    """Create a project in ``folder``: the template files and empty ``transcripts/`` and
    ``codings/``. A non-empty ``folder`` is refused unless ``force`` (then the template
    files replace files of the same name; nothing else is touched). Returns a summary."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; give a folder for the new project")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InputError(
            f"{folder}: the folder is not empty; choose a new folder, or pass --force to write "
            "the project files into it (files of the same name are replaced)"
        )
    files = list_template_files(language)
    for name, text in files.items():
        write_text_atomic(folder / name, text)
    for name in EMPTY_FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    return (
        f"created a project in {folder} ({language}): {len(files)} files, empty transcripts/ "
        "and codings/. Next: edit project.yaml, add transcripts with `thesis-analysis import`, "
        "then `thesis-analysis validate`."
    )
