"""Read and check one transcript file (format: ``docs/transcript-format.md``).

Every problem is collected with its file and line, never raised one at a time, so that
``thesis-analysis validate`` can list them all at once.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from thesis_analysis.corpus.records import SOURCES, Informant, Problem, Transcript, Turn
from thesis_analysis.project_file import (
    UNKNOWN_SECTION,
    ProjectFile,
    load_default_project_file,
)
from thesis_analysis.user_files import describe_not_utf8

REQUIRED = ("id", "source", "provenance")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,20}$")
SPEAKER_LINE = re.compile(r"^([A-Za-zÆØÅæøå0-9_]{1,20}):[ \t]?")
HEADING_LINE = re.compile(r"^##[ \t]+(.+?)[ \t]*$")
KILDE = re.compile(r"[ \t]*\{kilde:[ \t]*([^;}]+?)[ \t]*(?:;[ \t]*([^}]*?)[ \t]*)?\}[ \t]*$")
KILDE_KINDS = ("sitat", "referert", "fordelt")


def decode_text(raw: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 bytes, dropping a BOM and normalising CRLF/CR to LF."""
    if not raw.strip():
        return None, [Problem(name, 1, "the file is empty; add front matter and turns")]
    if b"\x00" in raw[:8192]:
        return None, [Problem(name, 1, "binary file (NUL bytes), not a text transcript")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, message = describe_not_utf8(raw, exc)
        return None, [Problem(name, line, message)]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), []


def split_front_matter(text: str, name: str) -> tuple[dict | None, str, int, list[Problem]]:
    """Split ``text`` into front matter (parsed), body and the body's first line number."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        msg = "no front matter: the file must start with a '---' line, the attributes, '---'"
        return None, text, 1, [Problem(name, 1, msg)]
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return None, "", 1, [Problem(name, 1, "front matter is not closed by a '---' line")]
    try:
        meta = yaml.safe_load("\n".join(lines[1:close]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or "syntax error"
        return (
            None,
            "",
            close + 2,
            [Problem(name, line, f"front matter is not valid YAML: {problem}")],
        )
    body = "\n".join(lines[close + 1 :])
    if not isinstance(meta, dict):
        return None, body, close + 2, [Problem(name, 2, "front matter must be key: value lines")]
    return meta, body, close + 2, []


def check_attributes(meta: dict, name: str, settings: ProjectFile) -> list[Problem]:
    """Check the informant attributes of the front matter against the project's case
    variables (``id``, ``source`` and ``provenance`` are required in every project)."""
    listed = [v for v in settings.case_variables if not v.is_free]
    problems = [
        Problem(name, 2, f"front matter lacks '{key}'; add it (see docs/transcript-format.md)")
        for key in (*REQUIRED[:1], *(v.name for v in listed), *REQUIRED[1:])
        if meta.get(key) in (None, "")
    ]
    allowed = {v.name: v.values for v in listed}
    for key, values in {**allowed, "source": SOURCES}.items():
        value = meta.get(key)
        if value not in (None, "") and str(value) not in values:
            todo = f"use one of {', '.join(values)}"
            if key != "source":
                todo += " (or add the value to case_variables in project.yaml)"
            problems.append(Problem(name, 2, f"unknown {key} {value!r}; {todo}"))
    informant_id = meta.get("id")
    if informant_id not in (None, "") and not ID_PATTERN.match(str(informant_id)):
        msg = f"id {informant_id!r} must be 1-20 letters a-z, digits or _ (a pseudonym)"
        problems.append(Problem(name, 2, msg))
    if str(informant_id) == settings.interviewer:
        msg = f"id {settings.interviewer!r} is reserved for the interviewer (project.yaml)"
        problems.append(Problem(name, 2, msg))
    return problems


def read_turns(
    body: str,
    first_line: int,
    informant_id: str,
    transcript_id: str,
    name: str,
    reconstructed: bool,
    settings: ProjectFile | None = None,
) -> tuple[list[Turn], list[Problem]]:
    """Parse the body into turns, with every problem found (speaker labels and section
    headings checked against ``settings``, default the thesis project's)."""
    settings = settings or load_default_project_file()
    interviewer = settings.interviewer
    turns: list[Turn] = []
    problems: list[Problem] = []
    section = UNKNOWN_SECTION
    current: dict | None = None
    offset = 0

    def close_turn() -> None:
        if current is None:
            return
        turn, found = finish_turn(
            body, current, len(turns), transcript_id, name, reconstructed, interviewer
        )
        problems.extend(found)
        if turn is not None:
            turns.append(turn)

    for number, line in enumerate(body.split("\n"), start=first_line):
        heading = HEADING_LINE.match(line)
        speaker = SPEAKER_LINE.match(line)
        if not line.strip() or heading:
            close_turn()
            current = None
            if heading:
                section = settings.map_section(heading.group(1))
                if not settings.is_known_section(heading.group(1)):
                    known = ", ".join(s.heading for s in settings.sections)
                    msg = (
                        f"section {heading.group(1)!r} is not in project.yaml; use one of "
                        f"{known}, or add it to sections there"
                    )
                    problems.append(Problem(name, number, msg))
        elif speaker:
            close_turn()
            label = speaker.group(1)
            if label not in (interviewer, informant_id):
                msg = (
                    f"speaker {label!r} is not declared: use {interviewer!r} for the "
                    f"interviewer or the informant id {informant_id!r}"
                )
                problems.append(Problem(name, number, msg))
            current = {
                "speaker": label,
                "start": offset + speaker.end(),
                "end": offset + len(line),
                "line": number,
                "section": section,
            }
        elif current is None:
            msg = "text outside a turn (a turn without a speaker): start it with 'LABEL: '"
            problems.append(Problem(name, number, msg))
        else:
            current["end"] = offset + len(line)
        offset += len(line) + 1
    close_turn()
    return turns, problems


def finish_turn(
    body: str,
    spec: dict,
    index: int,
    transcript_id: str,
    name: str,
    reconstructed: bool,
    interviewer: str,
) -> tuple[Turn | None, list[Problem]]:
    """Build a :class:`Turn` from its span, separating the provenance marker."""
    raw = body[spec["start"] : spec["end"]]
    provenance = None
    marker = KILDE.search(raw)
    end = spec["end"]
    problems: list[Problem] = []
    if marker:
        kind = (marker.group(2) or "").strip()
        provenance = marker.group(1).strip() + (f"; {kind}" if kind else "")
        end = spec["start"] + marker.start()
        if kind and kind not in KILDE_KINDS:
            msg = f"provenance kind {kind!r} unknown; use {', '.join(KILDE_KINDS)}"
            problems.append(Problem(name, spec["line"], msg))
    elif reconstructed and spec["speaker"] != interviewer:
        msg = "informant turn in a reconstructed transcript lacks '{kilde: <section>; <kind>}'"
        problems.append(Problem(name, spec["line"], msg))
    text = body[spec["start"] : end]
    stripped = text.rstrip()
    start = spec["start"] + (len(stripped) - len(stripped.lstrip()))
    end = spec["start"] + len(stripped)
    if start >= end:
        problems.append(Problem(name, spec["line"], "empty turn: write what was said"))
        return None, problems
    turn = Turn(
        transcript=transcript_id,
        index=index + 1,
        speaker=spec["speaker"],
        section=spec["section"],
        text=body[start:end],
        start=start,
        end=end,
        line=spec["line"],
        provenance=provenance,
    )
    return turn, problems


def parse_transcript(
    text: str, name: str, settings: ProjectFile | None = None
) -> tuple[Transcript | None, list[Problem]]:
    """Parse decoded transcript text; return the transcript (or None) and all problems.
    ``settings``: the project file (default: the thesis project's)."""
    settings = settings or load_default_project_file()
    meta, body, first_line, problems = split_front_matter(text, name)
    if meta is None:
        return None, problems
    problems += check_attributes(meta, name, settings)
    informant_id = str(meta.get("id") or "")
    transcript_id = Path(name).stem
    reconstructed = meta.get("source") == "reconstructed"
    turns, turn_problems = read_turns(
        body, first_line, informant_id, transcript_id, name, reconstructed, settings
    )
    problems += turn_problems
    if not any(t.speaker == informant_id for t in turns):
        problems.append(Problem(name, first_line, "no turn by the informant"))
    if problems:
        return None, problems
    attributes = tuple(
        sorted(
            (str(k), str(v))
            for k, v in meta.items()
            if v is not None and not isinstance(v, (dict, list))
        )
    )
    informant = Informant(
        id=informant_id,
        source=str(meta["source"]),
        provenance=str(meta["provenance"]).strip(),
        attributes=attributes,
    )
    return Transcript(transcript_id, name, informant, body, tuple(turns)), []


def read_transcript(
    path: Path, settings: ProjectFile | None = None
) -> tuple[Transcript | None, list[Problem]]:
    """Read and check one transcript file against ``settings`` (default: the thesis
    project's); never raises for bad content."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path.name, 0, f"cannot read the file: {exc.strerror}")]
    text, problems = decode_text(raw, path.name)
    if text is None:
        return None, problems
    return parse_transcript(text, path.name, settings)


def check_duplicate_ids(transcripts: list[Transcript]) -> list[Problem]:
    """A problem for each informant id used by more than one file."""
    seen: dict[str, str] = {}
    problems = []
    for transcript in transcripts:
        informant_id = transcript.informant.id
        if informant_id in seen:
            msg = (
                f"duplicate id '{informant_id}' (also in {seen[informant_id]}); ids must be unique"
            )
            problems.append(Problem(transcript.file_name, 2, msg))
        else:
            seen[informant_id] = transcript.file_name
    return problems
