"""Import REFI-QDA files (``.qdpx`` projects, ``.qdc`` codebooks) into a project folder.

``import_qdpx`` writes into the folder ``into``:

* ``transcripts/<id>.md`` per plain-text source (see :mod:`thesis_analysis.refi.transcripts` for
  the front matter and :mod:`thesis_analysis.refi.text` for how the text becomes turns and how
  source positions map to body offsets);
* ``codebook.yaml`` from the code tree (see :mod:`thesis_analysis.refi.codebook`);
* ``codings/<coder>.csv`` per user with codings: each text selection is converted to code
  points (``positions``), mapped into the body, and coded on every segment it overlaps, with the
  exact body offsets in ``start``/``end`` (see :func:`~thesis_analysis.refi.codings.map_codings`);
  ``rule`` and ``evidence`` are empty: these are human codings.

Everything is built and checked in memory first; then, unless ``force``, no file that exists
is overwritten (:class:`InputError` names them) and the files are written atomically. What
cannot be imported is counted in the :class:`~thesis_analysis.refi.report.ImportReport`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pandas as pd

from thesis_analysis.codebook.validation import check_codebook_text
from thesis_analysis.coding.files import (
    CODING_COLUMNS,
    check_codings,
    normalise_codings,
    raise_problems,
    save_coder_file,
)
from thesis_analysis.corpus.records import Corpus
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import ProjectFile, load_default_project_file, load_project_file
from thesis_analysis.refi.codebook import convert_codes, render_codebook_yaml
from thesis_analysis.refi.codings import ImportedSource, map_codings
from thesis_analysis.refi.ids import make_unique, slugify
from thesis_analysis.refi.read import (
    RefiCase,
    RefiProject,
    RefiSource,
    has_codes_element,
    read_codebook_codes,
    read_project,
)
from thesis_analysis.refi.report import ImportReport
from thesis_analysis.refi.safety import (
    DEFAULT_LIMITS,
    SafeArchive,
    ZipLimits,
    parse_xml,
    read_xml_file,
)
from thesis_analysis.refi.text import POSITIONS, build_body
from thesis_analysis.refi.transcripts import (
    build_front_matter,
    choose_informant_id,
    make_transcript,
    read_source_text,
    stem_of,
)
from thesis_analysis.writers import write_text_atomic


def locate_project_file(archive: SafeArchive) -> str:
    """``project.qde``, else the one ``*.qde`` at the top (named after the project)."""
    exact = archive.find("project.qde")
    if exact is not None:
        return exact
    top = [name for name in archive.names if "/" not in name and name.lower().endswith(".qde")]
    if len(top) > 1:
        raise InputError(f"{archive.label}: several .qde files {top} and no project.qde")
    if not top:
        raise InputError(
            f"{archive.label}: no project.qde in the archive (members: "
            f"{', '.join(archive.names[:10]) or 'none'}); not a REFI-QDA project export"
        )
    return top[0]


def make_coders(project: RefiProject) -> dict[str, str]:
    """User GUID → coder id (slug of the user's name, unique)."""
    coders: dict[str, str] = {}
    for guid, name in project.users:
        coders[guid] = make_unique(slugify(name) or "user", list(coders.values()))
    return coders


def check_targets(into: Path, files: dict[str, object], force: bool) -> None:
    """Raise InputError naming every target file that exists (unless ``force``)."""
    existing = sorted(name for name in files if (into / name).exists())
    if existing and not force:
        verb, them = ("exists", "it") if len(existing) == 1 else ("exist", "them")
        raise InputError(
            f"{into}: {', '.join(existing)} already {verb}; not overwritten (use --force to "
            f"replace {them})"
        )


def write_files(into: Path, files: dict[str, object]) -> None:
    """Write the planned files: text atomically, coding tables through the coding store."""
    for name, content in files.items():
        if isinstance(content, pd.DataFrame):
            save_coder_file(into / name, content)
        else:
            write_text_atomic(into / name, str(content))


class Findings:
    """What an import met on the way that the report must show (mutable while planning)."""

    def __init__(self, project: RefiProject) -> None:
        self.warnings: list[str] = []
        self.skipped: Counter = Counter(dict(project.skipped_selections))
        self.skipped_sources: list[tuple[str, str]] = list(project.skipped_sources)
        self.speakers: list[tuple[str, str, str]] = []

    def skip_source(self, source: RefiSource, reason: str) -> None:
        self.skipped_sources.append((source.name, reason))
        self.skipped["text selections of sources not imported"] += len(source.selections)


def plan_transcripts(
    project: RefiProject, archive: SafeArchive, findings: Findings, settings: ProjectFile
) -> list[ImportedSource]:
    """Every plain-text source as a checked transcript (others are reported in ``findings``),
    its front matter fitted to the target project's case variables (``settings``)."""
    case_of: dict[str, RefiCase] = {}
    for case in project.cases:
        for guid in case.source_guids:
            case_of.setdefault(guid, case)
    imported: list[ImportedSource] = []
    for source in project.sources:
        text, reason = read_source_text(archive, source)
        if text is None:
            findings.skip_source(source, reason)
            continue
        case = case_of.get(source.guid)
        taken = [settings.interviewer, *(i.transcript.id for i in imported)]
        informant = choose_informant_id(case, source, taken)
        names = {informant, stem_of(source.name), *([case.name] if case else [])}
        mapped = build_body(text, informant, names, settings.interviewer)
        meta = build_front_matter(
            informant, case, source, archive.label, project.name, findings.warnings, settings
        )
        try:
            rendered, transcript = make_transcript(meta, mapped, findings.warnings, settings)
        except InputError as exc:
            findings.skip_source(source, str(exc))
            continue
        imported.append(ImportedSource(source, text, mapped, transcript, rendered))
        findings.speakers.extend((informant, a, b) for a, b in mapped.speakers)
        findings.skipped["codings of whole sources"] += source.source_codings
    return imported


def plan_codebook(
    project: RefiProject, entries: list[dict], rows: list[dict], label: str, findings: Findings
) -> str | None:
    """The text of ``codebook.yaml`` (None without codes); stamps ``rows`` with its hash."""
    used = {row["code"] for row in rows}
    for entry in entries:
        if entry["id"] in used and not entry["codable"]:
            findings.warnings.append(
                f"code {entry['id']!r} is a folder (isCodable=false) but has codings; made codable"
            )
            entry["codable"] = True
    if not entries:
        findings.warnings.append("the file has no codes; codebook.yaml not written")
        return None
    text = render_codebook_yaml(project.name, entries, label)
    problems, _, _ = check_codebook_text(text, "codebook.yaml")
    if problems:
        raise InputError(f"{label}: the imported codebook is not valid:\n" + "\n".join(problems))
    stamp = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    for row in rows:
        row["codebook"] = stamp
    return text


def plan_import(
    project: RefiProject,
    archive: SafeArchive,
    positions: str,
    settings: ProjectFile | None = None,
) -> tuple[dict[str, object], dict]:
    """Build every file of the import in memory; return them and the report fields."""
    from thesis_analysis.corpus.segments import segment_corpus

    settings = settings or load_default_project_file()
    findings = Findings(project)
    entries, code_ids = convert_codes(project.codes, archive.label)
    coders = make_coders(project)
    imported = plan_transcripts(project, archive, findings, settings)
    files: dict[str, object] = {f"transcripts/{i.transcript.id}.md": i.rendered for i in imported}
    rows: list[dict] = []
    if imported:
        ordered = tuple(sorted((i.transcript for i in imported), key=lambda t: t.id))
        corpus = Corpus(ordered, settings=settings)
        segments = segment_corpus(corpus)
        rows = map_codings(
            project, imported, segments, code_ids, coders, positions, findings.skipped
        )
    codebook_text = plan_codebook(project, entries, rows, archive.label, findings)
    if codebook_text is not None:
        files["codebook.yaml"] = codebook_text
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    for coder, group in frame.groupby("coder", sort=True):
        name = f"codings/{coder}.csv"
        table = normalise_codings(group)
        raise_problems(check_codings(table, Path(name), None))
        files[name] = table
    report = {
        "codes": len(entries),
        "users": tuple(coders.values()),
        "cases": len(project.cases),
        "transcripts": tuple(sorted(i.transcript.id for i in imported)),
        "selections": sum(len(i.source.selections) for i in imported),
        "codings": len(rows),
        "skipped_sources": tuple(findings.skipped_sources),
        "skipped_selections": tuple(sorted((k, v) for k, v in findings.skipped.items() if v)),
        "not_imported": project.not_imported,
        "speakers": tuple(findings.speakers),
        "warnings": tuple(findings.warnings),
    }
    return files, report


def import_qdpx(
    path: Path,
    into: Path,
    force: bool = False,
    positions: str = "codepoints",
    limits: ZipLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """Import a REFI-QDA project (``.qdpx``) into the project folder ``into``.

    Parameters
    ----------
    path : the ``.qdpx`` file (untrusted: read with :mod:`thesis_analysis.refi.safety`).
    into : the project folder to write ``transcripts/``, ``codebook.yaml``, ``codings/`` into;
        its ``project.yaml`` (if any) says which case variables the transcripts carry.
    force : overwrite files that exist.
    positions : ``codepoints`` (the standard, §10.2) or ``utf16`` (NVivo, QualCoder): how the
        file counts ``startPosition``/``endPosition``.
    limits : limits for the archive (:class:`~thesis_analysis.refi.safety.ZipLimits`).

    Returns
    -------
    ImportReport

    Raises
    ------
    InputError
        Unsafe or damaged archive, no ``project.qde``, malformed XML, files that exist (without
        ``force``), or content that would not load; the message names the file or member.
    """
    if positions not in POSITIONS:
        raise InputError(f"positions must be one of {', '.join(POSITIONS)}, not {positions!r}")
    into = Path(into)
    with SafeArchive(Path(path), limits) as archive:
        member = locate_project_file(archive)
        root = parse_xml(archive.read(member), f"{archive.label}: {member}")
        project = read_project(root)
        files, fields = plan_import(project, archive, positions, load_project_file(into))
    check_targets(into, files, force)
    write_files(into, files)
    return ImportReport(
        source=Path(path).name,
        origin=project.origin,
        positions=positions,
        files=tuple(files),
        **fields,
    )


def import_qdc(
    path: Path, into: Path, force: bool = False, limits: ZipLimits = DEFAULT_LIMITS
) -> ImportReport:
    """Import a REFI-QDA codebook (``.qdc``) as ``into/codebook.yaml``.

    Raises
    ------
    InputError
        Unsafe or malformed XML, no codes, or ``codebook.yaml`` exists (without ``force``).
    """
    path, into = Path(path), Path(into)
    root = read_xml_file(path, limits)
    codes = read_codebook_codes(root)
    if not codes and has_codes_element(root):
        raise InputError(
            f"{path}: the codebook has no codes (an empty <Codes/>); nothing to import"
        )
    if not codes:
        raise InputError(f"{path}: no <CodeBook>/<Codes>/<Code> found; not a REFI-QDA codebook")
    entries, _ = convert_codes(codes, path.name)
    text = render_codebook_yaml(path.stem, entries, path.name)
    problems, _, _ = check_codebook_text(text, "codebook.yaml")
    if problems:
        raise InputError(f"{path}: the imported codebook is not valid:\n" + "\n".join(problems))
    files = {"codebook.yaml": text}
    check_targets(into, files, force)
    write_files(into, files)
    return ImportReport(
        source=path.name,
        origin=(root.get("origin") or "").strip(),
        positions="codepoints",
        codes=len(entries),
        files=tuple(files),
    )
