"""Loading a folder of transcripts into a :class:`~thesis_analysis.corpus.records.Corpus`."""

from __future__ import annotations

from pathlib import Path

from thesis_analysis.corpus.records import Corpus, Problem, Transcript
from thesis_analysis.corpus.transcripts import check_duplicate_ids, read_transcript
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import ProjectFile, load_default_project_file


def load_corpus(folder: Path, strict: bool = True, settings: ProjectFile | None = None) -> Corpus:
    """Load every ``*.md`` transcript in ``folder``, checked against ``settings`` (the
    project file; default: the thesis project's).

    With ``strict`` any problem raises :class:`InputError` listing all of them; otherwise the
    good files are loaded and the problems returned in ``Corpus.problems``.
    """
    folder = Path(folder)
    settings = settings or load_default_project_file()
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of transcripts; give the transcripts folder.")
    transcripts: list[Transcript] = []
    problems: list[Problem] = []
    for path in list_transcript_files(folder):
        transcript, found = read_transcript(path, settings)
        problems.extend(found)
        if transcript is not None:
            transcripts.append(transcript)
    duplicates = check_duplicate_ids(transcripts)
    problems.extend(duplicates)
    rejected = {p.file for p in duplicates}
    transcripts = [t for t in transcripts if t.file_name not in rejected]
    if not transcripts and not problems:
        problems.append(Problem(folder.name, 0, "no *.md transcripts in this folder"))
    if strict and problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise InputError(f"{len(problems)} problem(s) in the transcripts:\n{listing}")
    ordered = tuple(sorted(transcripts, key=lambda t: t.id))
    return Corpus(ordered, tuple(problems), settings)


def list_transcript_files(folder: Path) -> list[Path]:
    """The ``*.md`` files of ``folder``, sorted, without hidden ones (``.x.md``, and the
    ``._x.md`` files macOS leaves on shared drives), which are no transcripts."""
    return sorted(p for p in Path(folder).glob("*.md") if not p.name.startswith("."))
