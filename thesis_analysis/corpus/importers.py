"""Import researchers' own transcripts (Word, plain text, WebVTT, SubRip) into the project format.

The output follows ``docs/transcript-format.md``: YAML front matter (``source: original`` and the
case variables of the project's ``project.yaml``) and one ``LABEL: text`` paragraph per turn, the
interviewer under the project's interviewer label (``I`` by default) and the informant as their id.

Pseudonymisation is the researcher's job: the informant id is written into the file name, the
front matter and every informant turn, so choose pseudonymous ids (``V3``, ``TL1``), never names.
Names inside the spoken text are kept as they are and must be pseudonymised separately.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from thesis_analysis.corpus.source_files import read_docx, read_plain_text, read_transcript_source
from thesis_analysis.corpus.subtitles import (
    ImportedTurn,
    read_subtitles,
)
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import ProjectFile, load_default_project_file
from thesis_analysis.writers import write_text_atomic

__all__ = [
    "ImportedTurn",
    "import_transcripts",
    "make_safe_id",
    "parse_attribute_options",
    "parse_speaker_options",
    "read_docx",
    "read_plain_text",
    "read_subtitles",
    "read_transcript_source",
    "render_transcript",
    "run_import",
    "validate_informant_id",
]

UNKNOWN_VALUE = "ukjent"
"""The value a listed case variable gets when none is given, if the project lists it."""
INTERVIEWER_LABELS = frozenset({"i", "intervjuer", "interviewer", "int", "q"})
MAX_ID_CHARS = 20
_ID_RE = re.compile(rf"\w{{1,{MAX_ID_CHARS}}}")
_RESERVED_KEYS = frozenset({"id", "source", "provenance"})


def render_transcript(
    turns: Sequence[ImportedTurn],
    informant_id: str,
    attributes: Mapping[str, object],
    speaker_map: Mapping[str, str],
    *,
    source_name: str = "an unnamed file",
    settings: ProjectFile | None = None,
) -> str:
    """Render turns as a transcript in the project format (``docs/transcript-format.md``).

    Parameters
    ----------
    turns : sequence of ImportedTurn
        The turns as read from the source.
    informant_id : str
        The informant's pseudonymous id (letters, digits, ``_``; at most 20 characters).
    attributes : mapping
        Front-matter attributes: the case variables of ``settings`` (a listed one left out is
        ``ukjent`` where the project lists that value) and other scalar attributes; ``None``
        values are left out.
    speaker_map : mapping of str to str
        Source label to id (the interviewer label or ``informant_id``). Unmapped interviewer
        labels (the project's, ``I``, ``Intervjuer``, ``Interviewer``, ``Int``, ``Q``) become the
        interviewer; if there are exactly two labels and one is the interviewer, the other
        becomes the informant.
    source_name : str, optional
        The source file, named (without folders) in ``provenance`` and in error messages.
    settings : ProjectFile, optional
        The project file (default: the thesis project's).

    Returns
    -------
    str
        The transcript: front matter, a blank line, then turns separated by blank lines.

    Raises
    ------
    InputError
        For an invalid id or case variable, or speaker labels that cannot be mapped.
    """
    settings = settings or load_default_project_file()
    source_name = Path(source_name).name
    validate_informant_id(informant_id, source_name, settings.interviewer)
    front = _build_front_matter(informant_id, attributes, source_name, settings)
    mapping = _resolve_speakers(turns, informant_id, speaker_map, source_name, settings.interviewer)
    mapped = ", ".join(
        f"{label}={target}{' (automatic)' if auto else ''}"
        for label, (target, auto) in mapping.items()
    )
    front["provenance"] = (
        f"Imported from {source_name} by thesis-analysis import; speaker labels mapped: {mapped}."
    )
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100_000)
    body = "\n\n".join(
        f"{mapping[t.speaker][0]}: {' '.join(t.text.split())}" for t in turns if t.text.strip()
    )
    return f"---\n{header}---\n\n{body}\n"


def import_transcripts(
    paths: Sequence[Path],
    out_dir: Path,
    informant_ids: Sequence[str] | None,
    attributes: Mapping[str, object],
    speaker_map: Mapping[str, str] | None,
    force: bool = False,
    settings: ProjectFile | None = None,
) -> list[Path]:
    """Convert source files into ``<id>.md`` transcripts in ``out_dir``.

    All files are read and rendered before anything is written, so an error in one file leaves
    ``out_dir`` untouched. The researcher must choose pseudonymous ids: the id appears in the
    file name, the front matter and every informant turn.

    Parameters
    ----------
    paths : sequence of Path
        Source files (``.docx``, ``.txt``, ``.vtt``, ``.srt``).
    out_dir : Path
        Folder for the transcripts (created if missing).
    informant_ids : sequence of str or None
        One id per path. Without it, the id is the one a ``speaker_map`` entry assigns to a
        label of the file, else the file stem made safe (letters, digits, ``_``, 20 characters).
    attributes : mapping
        Front-matter attributes for every file (case variables, see :func:`render_transcript`).
    speaker_map : mapping of str to str or None
        Source label to id, shared by all files; entries for labels a file lacks are ignored.
    force : bool, optional
        Overwrite existing transcripts.
    settings : ProjectFile, optional
        The project file (default: the thesis project's).

    Returns
    -------
    list of Path
        The files written, in the order of ``paths``.

    Raises
    ------
    InputError
        For unreadable input, ids that are invalid or clash, or existing files without ``force``.
    """
    paths = [Path(p) for p in paths]
    if informant_ids is not None and len(informant_ids) != len(paths):
        raise InputError(
            f"{len(paths)} files but {len(informant_ids)} ids given; give one id per file, in "
            "the same order."
        )
    speaker_map = dict(speaker_map or {})
    settings = settings or load_default_project_file()
    planned: dict[str, tuple[Path, Path, str]] = {}
    for index, path in enumerate(paths):
        turns = read_transcript_source(path)
        informant_id = (informant_ids[index] if informant_ids else None) or _infer_informant_id(
            path, turns, speaker_map, settings.interviewer
        )
        validate_informant_id(informant_id, path.name, settings.interviewer)
        target = Path(out_dir) / f"{informant_id}.md"
        if informant_id.casefold() in planned:
            other = planned[informant_id.casefold()][0]
            raise InputError(
                f"{other} and {path} would both be written to {target}; give each file its own id."
            )
        if target.exists() and not force:
            raise InputError(
                f"{target} already exists (importing {path}); pass --force to overwrite it."
            )
        text = render_transcript(
            turns, informant_id, attributes, speaker_map, source_name=path.name, settings=settings
        )
        planned[informant_id.casefold()] = (path, target, text)
    for _, target, text in planned.values():
        write_text_atomic(target, text)
    return [target for _, target, _ in planned.values()]


def run_import(
    paths: list[Path],
    out_dir: Path,
    ids: list[str] | None,
    attributes: list[str],
    speakers: list[str],
    force: bool,
    settings: ProjectFile | None = None,
) -> list[Path]:
    """Run ``thesis-analysis import``: parse ``--set NAME=VALUE`` and ``--speaker LABEL=ID``
    strings and import.

    Parameters
    ----------
    paths, out_dir, ids, force, settings
        As for :func:`import_transcripts` (``ids`` are the informant ids; empty means none).
    attributes : list of str
        ``NAME=VALUE`` strings, e.g. ``role=veileder`` (the case variables).
    speakers : list of str
        ``LABEL=ID`` strings, e.g. ``Kari=V3`` and ``Intervjuer=I``.

    Returns
    -------
    list of Path
        The transcripts written; nothing is printed.
    """
    speaker_map = parse_speaker_options(speakers)
    values = parse_attribute_options(attributes)
    return import_transcripts(
        paths, out_dir, ids or None, values, speaker_map, force=force, settings=settings
    )


def parse_attribute_options(options: Sequence[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings (``--set role=veileder``) into a mapping.

    Raises
    ------
    InputError
        For a string without ``=``, an empty name or value, or a name given twice.
    """
    values: dict[str, str] = {}
    for item in options:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise InputError(f"--set {item!r}: expected NAME=VALUE, e.g. --set role=veileder.")
        if values.get(name, value) != value:
            raise InputError(f"--set gives {name!r} twice ({values[name]} and {value}).")
        values[name] = value
    return values


def parse_speaker_options(speakers: Sequence[str]) -> dict[str, str]:
    """Parse ``LABEL=ID`` strings into a label-to-id mapping.

    Raises
    ------
    InputError
        For a string without ``=``, an empty side, an invalid id or a label mapped twice.
    """
    mapping: dict[str, str] = {}
    for item in speakers:
        label, sep, target = item.rpartition("=")
        label, target = " ".join(label.split()), target.strip()
        if not sep or not label or not _ID_RE.fullmatch(target):
            raise InputError(
                f"--speaker {item!r}: expected LABEL=ID with ID made of letters, "
                f'digits or _ (at most {MAX_ID_CHARS}), e.g. --speaker "Kari=V3".'
            )
        if mapping.get(label, target) != target:
            raise InputError(f"--speaker maps {label!r} to both {mapping[label]} and {target}.")
        mapping[label] = target
    return mapping


def validate_informant_id(informant_id: str, source_name: str = "", interviewer: str = "I") -> None:
    """Raise InputError unless the id is 1–20 letters, digits or ``_`` and not the
    interviewer's label."""
    if not _ID_RE.fullmatch(informant_id) or informant_id.casefold() == interviewer.casefold():
        where = f"{source_name}: " if source_name else ""
        raise InputError(
            f"{where}informant id {informant_id!r} is not valid: use 1 to {MAX_ID_CHARS} "
            f"letters, digits or _ (not {interviewer!r}, which is the interviewer), e.g. --id V3."
        )


def make_safe_id(stem: str) -> str:
    """Turn a file stem into an id: runs of other characters become ``_``; at most 20 chars."""
    return re.sub(r"\W+", "_", stem).strip("_")[:MAX_ID_CHARS].strip("_")


def _lookup(label: str, speaker_map: Mapping[str, str]) -> str | None:
    """Return the id mapped to ``label``, matching exactly first, then ignoring case."""
    if label in speaker_map:
        return speaker_map[label]
    folded = {key.casefold(): value for key, value in speaker_map.items()}
    return folded.get(label.casefold())


def _infer_informant_id(
    path: Path, turns: Sequence[ImportedTurn], speaker_map: Mapping[str, str], interviewer: str
) -> str:
    """Use the single non-interviewer id the map gives to this file's labels, else the stem."""
    targets = {_lookup(t.speaker, speaker_map) for t in turns} - {None, interviewer}
    if len(targets) == 1:
        return str(targets.pop())
    informant_id = make_safe_id(path.stem)
    if not informant_id:
        raise InputError(f"{path}: cannot make an id from the file name; pass --id.")
    return informant_id


def _resolve_speakers(
    turns: Sequence[ImportedTurn],
    informant_id: str,
    speaker_map: Mapping[str, str],
    source: str,
    interviewer: str,
) -> dict[str, tuple[str, bool]]:
    """Map each source label to ``(id, automatic)``; raise InputError when ambiguous."""
    if not turns:
        raise InputError(f"{source}: no turns to import.")
    counts = Counter(turn.speaker for turn in turns)
    mapping: dict[str, tuple[str, bool]] = {}
    unmapped: list[str] = []
    for label in counts:
        target = _lookup(label, speaker_map)
        if target is not None and target not in (interviewer, informant_id):
            raise InputError(
                f"{source}: --speaker maps {label!r} to {target!r}, but a transcript only has "
                f"the interviewer {interviewer!r} and the informant {informant_id!r}; map it to "
                "one of them or import this file with a matching --id."
            )
        if target is not None:
            mapping[label] = (target, False)
        elif label == informant_id:
            mapping[label] = (informant_id, True)
        elif label.rstrip(".").casefold() in INTERVIEWER_LABELS | {interviewer.casefold()}:
            mapping[label] = (interviewer, True)
        else:
            unmapped.append(label)
    interviewer_known = any(target == interviewer for target, _ in mapping.values())
    if len(counts) == 2 and len(unmapped) == 1 and interviewer_known:
        mapping[unmapped.pop()] = (informant_id, True)
    if unmapped:
        found = ", ".join(f"{label!r} ({n} turns)" for label, n in counts.items())
        example = [f'--speaker "{unmapped[0]}={informant_id}"']
        asker = unmapped[1] if len(unmapped) > 1 else "Intervjuer"
        example.append(f'--speaker "{asker}={interviewer}"')
        raise InputError(
            f"{source}: cannot tell which speaker label is the interviewer and which the "
            f"informant. Labels found: {found}. Map each unmapped label, e.g. {' '.join(example)}."
        )
    if all(target != informant_id for target, _ in mapping.values()):
        raise InputError(
            f"{source}: no speaker label is mapped to the informant "
            f'{informant_id!r}; map one with --speaker "LABEL={informant_id}".'
        )
    return {label: mapping[label] for label in counts}


def _build_front_matter(
    informant_id: str, attributes: Mapping[str, object], source: str, settings: ProjectFile
) -> dict[str, object]:
    """Validate attributes against the project's case variables; return the front matter
    without provenance."""
    front: dict[str, object] = {"id": informant_id}
    for variable in settings.case_variables:
        value = attributes.get(variable.name)
        if variable.values is None:
            if value not in (None, ""):
                front[variable.name] = value
            continue
        if value in (None, "") and UNKNOWN_VALUE in variable.values:
            value = UNKNOWN_VALUE
        if value in (None, "") or str(value) not in variable.values:
            given = "no value" if value in (None, "") else repr(value)
            raise InputError(
                f"{source}: {variable.name} {given} is not one of {', '.join(variable.values)}; "
                f"give --set {variable.name}=VALUE (or add the value to case_variables in "
                "project.yaml)."
            )
        front[variable.name] = str(value)
    for key, value in attributes.items():
        if key in front or value is None or value == "":
            continue
        if key in _RESERVED_KEYS or not isinstance(value, str | int | float | bool):
            raise InputError(
                f"{source}: attribute {key!r} cannot be set here (reserved key or not a scalar)."
            )
        front[key] = value
    front["source"] = "original"
    return front
