"""Imported REFI-QDA text sources as transcripts: text look-up, front matter, self-check.

Where the plain text of a ``TextSource`` is: ``PlainTextContent`` in the XML, else
``plainTextPath``. ``internal://NAME`` is the member ``sources/NAME``; a bare ``NAME`` (no
scheme, as ``qc`` writes) is looked up in ``sources/`` and then at the top of the archive; the
folder may be spelt ``Sources/`` (matching ignores case). ``relative://`` and ``absolute://`` point
outside the archive and are never opened (an archive must not make us read local files); such
sources are reported as not imported.

The transcript's front matter comes from the case linked to the source (``SourceRef``) and from
the source's own variable values; ``source`` is ``original`` unless the case says
``reconstructed`` (as our own exports do) and the text carries the provenance markers that
requires; ``provenance`` names the imported file. Every transcript is parsed back with the
transcript loader before anything is written, and must give back exactly the mapped body.
"""

from __future__ import annotations

import unicodedata

import yaml

from thesis_analysis.corpus.records import SOURCES, Transcript
from thesis_analysis.corpus.transcripts import ID_PATTERN, parse_transcript
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import ProjectFile
from thesis_analysis.refi.ids import make_unique, slugify
from thesis_analysis.refi.read import RefiCase, RefiSource
from thesis_analysis.refi.safety import SafeArchive
from thesis_analysis.refi.text import MappedText

RESERVED_KEYS = ("id", "provenance", "source")
MAX_ID = 20


def find_source_member(archive: SafeArchive, path: str) -> tuple[str | None, str]:
    """The archive member holding a source's plain text, or None and why not."""
    if not path:
        return None, "no plain text (plainTextPath)"
    scheme, sep, rest = path.partition("://")
    if sep and scheme.lower() != "internal":
        return None, f"external file ({scheme}://), not in the archive"
    name = (rest if sep else path).lstrip("/")
    if not name or ".." in name.replace("\\", "/").split("/"):
        return None, f"unusable path {path!r}"
    for candidate in (f"sources/{name}", name):
        member = archive.find(candidate)
        if member is not None:
            return member, ""
    return None, f"{path!r} is not in the archive"


def read_source_text(archive: SafeArchive, source: RefiSource) -> tuple[str | None, str]:
    """The source's text (BOM removed, otherwise as stored) or None and the reason."""
    if source.inline_text is not None:
        text = source.inline_text
    else:
        member, reason = find_source_member(archive, source.plain_text_path)
        if member is None:
            return None, reason
        try:
            text = archive.read(member).decode("utf-8")
        except UnicodeDecodeError:
            return None, f"{member} is not UTF-8 text"
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return None, "binary text (NUL characters)"
    if not text.strip():
        return None, "no text (empty plain text)"
    return text, ""


def stem_of(name: str) -> str:
    """A source name without a file extension (``Interview 1.txt`` → ``Interview 1``)."""
    head, dot, tail = name.rpartition(".")
    return head if dot and head and tail.isalnum() and len(tail) <= 4 else name


def choose_informant_id(case: RefiCase | None, source: RefiSource, taken: list[str]) -> str:
    """A pseudonymous id: the case name, else the source name, as ``[A-Za-z0-9_]{1,20}``."""
    for name in ([case.name] if case else []) + [stem_of(source.name)]:
        candidate = slugify(name, lower=False, max_length=MAX_ID)
        if candidate and ID_PATTERN.match(candidate):
            break
    else:
        candidate = "S1"
    return make_unique(candidate, [*taken, "I"], MAX_ID)


def build_front_matter(
    informant: str,
    case: RefiCase | None,
    source: RefiSource,
    label: str,
    project: str,
    warnings: list[str],
    settings: ProjectFile,
) -> dict[str, str]:
    """Front matter from the source's and the case's variables (case wins), see module doc.

    A case variable of ``settings`` with listed values whose value is missing or not listed
    becomes ``ukjent`` (with a warning) where that is a listed value; otherwise InputError.
    """
    values: dict[str, str] = {}
    for name, value in source.variables + (case.variables if case else ()):
        key = slugify(name)
        if not key:
            warnings.append(f"{informant}: variable {name!r} has no usable name; not imported")
            continue
        values[f"case_{key}" if key in ("id", "provenance") else key] = value
    meta = {"id": informant}
    for variable in settings.case_variables:
        value = values.pop(variable.name, "")
        if variable.values is None or value in variable.values:
            if value:
                meta[variable.name] = value
            continue
        allowed = ", ".join(variable.values)
        if "ukjent" not in variable.values:
            raise InputError(
                f"{informant}: {variable.name} {value!r} is not one of {allowed} "
                f"({settings.path or 'project.yaml'}); add the value to case_variables there"
            )
        if value:
            warnings.append(
                f"{informant}: {variable.name} {value!r} is not one of {allowed}; "
                f"set to ukjent (edit the front matter)"
            )
        meta[variable.name] = "ukjent"
    source_kind = values.pop("source", "")
    meta.update({k: values[k] for k in sorted(values) if k not in RESERVED_KEYS and values[k]})
    meta["source"] = source_kind if source_kind in SOURCES else "original"
    parts = [f"Imported from {label} (REFI-QDA project {project!r}), text source {source.name!r}."]
    if case and case.description:
        parts.append(case.description)
    if source.description:
        parts.append(f"Source description: {source.description}")
    meta["provenance"] = " ".join(parts)
    return meta


def render_transcript(meta: dict[str, str], body: str) -> str:
    """The transcript file's text: YAML front matter between ``---`` lines, then the body."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{front}---\n{body}"


def make_transcript(
    meta: dict[str, str], mapped: MappedText, warnings: list[str], settings: ProjectFile
) -> tuple[str, Transcript]:
    """Render and parse back one transcript; InputError if it would not load as written."""
    name = f"{meta['id']}.md"
    text = render_transcript(meta, mapped.body)
    transcript, problems = parse_transcript(text, name, settings)
    if problems and meta["source"] == "reconstructed":
        warnings.append(
            f"{name}: the case says 'reconstructed' but the text lacks the "
            "{kilde: …} markers that requires; imported as source: original"
        )
        meta = {**meta, "source": "original"}
        text = render_transcript(meta, mapped.body)
        transcript, problems = parse_transcript(text, name, settings)
    if problems or transcript is None:
        listing = "; ".join(str(p) for p in problems)
        raise InputError(f"{name}: the imported text does not make a valid transcript: {listing}")
    if transcript.body != mapped.body or not unicodedata.is_normalized("NFC", text):
        raise InputError(f"{name}: the imported text does not map exactly; not written")
    return text, transcript
