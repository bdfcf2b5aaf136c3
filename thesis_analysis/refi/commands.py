"""Command-line glue for REFI-QDA exchange: load the project, call export/import, summarise.

``root`` is a project folder with ``transcripts/``, ``codebook.yaml``, optionally ``codings/``
and ``project.yaml``. Each function returns a printable summary and raises
:class:`~thesis_analysis.errors.InputError` for bad input. The codebook is loaded without
requiring the project's ``required_codes``, so that imported projects can be exported again.
"""

from __future__ import annotations

from pathlib import Path

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import create_empty_codings, load_codings
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.errors import InputError
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project_file import load_project_file
from thesis_analysis.refi.export import export_qdc, export_qdpx
from thesis_analysis.refi.importer import import_qdc, import_qdpx


def _check_out(out: Path, suffix: str) -> Path:
    out = Path(out)
    if out.suffix.lower() != suffix:
        raise InputError(f"{out}: the output file must end in {suffix}")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name ending in {suffix}")
    return out


def run_export_qdpx(root: Path, out: Path) -> str:
    """Export the project at ``root`` (transcripts, codebook, codings) as ``out`` (.qdpx)."""
    out = _check_out(out, ".qdpx")
    paths = ProjectPaths(Path(root))
    corpus = load_corpus(paths.transcripts, settings=load_project_file(paths.root))
    codebook = load_codebook(paths.codebook)
    if paths.codings.is_dir():
        codings = load_codings(paths.codings, codebook)
    else:
        codings = create_empty_codings()
    counts = export_qdpx(corpus, codebook, codings, out)
    return (
        f"wrote {out}: {counts.sources} text sources, {counts.codes} codes, {counts.users} "
        f"users, {counts.cases} cases, {counts.selections} selections with {counts.codings} "
        "codings (positions in Unicode code points, REFI-QDA §10.2)"
    )


def run_export_qdc(root: Path, out: Path) -> str:
    """Export the codebook of the project at ``root`` as ``out`` (.qdc)."""
    out = _check_out(out, ".qdc")
    codebook = load_codebook(ProjectPaths(Path(root)).codebook)
    return f"wrote {out}: {export_qdc(codebook, out)} codes"


def run_import_qdpx(source: Path, into: Path, force: bool, positions: str) -> str:
    """Import the REFI-QDA project ``source`` into the project folder ``into``."""
    return import_qdpx(Path(source), Path(into), force=force, positions=positions).summary()


def run_import_qdc(source: Path, into: Path, force: bool) -> str:
    """Import the REFI-QDA codebook ``source`` as ``into/codebook.yaml``."""
    return import_qdc(Path(source), Path(into), force=force).summary()
