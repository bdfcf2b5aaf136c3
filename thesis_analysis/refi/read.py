"""Read a REFI-QDA ``project.qde`` or ``.qdc`` element tree into plain records.

Tolerant of known vendor deviations: elements are matched by local name (a missing or unusual
namespace is accepted), GUIDs in braces or upper case are normalised, and a code, selection or
coding without a ``<Description>`` takes the text of the notes it points to (``<NoteRef>``) as its
description or memo — some programs write memos as notes. Where the plain text of a source lives
(``internal://``, a bare file name, ``PlainTextContent``) is resolved by the importer, which has
the archive. Nothing here touches the disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from thesis_analysis.errors import InputError
from thesis_analysis.refi.ids import local_name, normalise_guid

MAX_CODE_DEPTH = 64
MEDIA_SOURCES = {
    "PictureSource": "image",
    "PDFSource": "PDF",
    "AudioSource": "audio",
    "VideoSource": "video",
}
MEDIA_SELECTIONS = (
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
)
NOT_IMPORTED = ("Links", "Sets", "Graphs")


@dataclass(frozen=True)
class RefiCode:
    """One ``<Code>`` with its sub-codes."""

    guid: str
    name: str
    codable: bool
    color: str | None
    description: str
    children: tuple[RefiCode, ...]


@dataclass(frozen=True)
class RefiSelection:
    """One ``<PlainTextSelection>``: positions as written, codings as (code GUID, user GUID)."""

    guid: str
    start: int
    end: int
    codings: tuple[tuple[str, str, str], ...]  # (code guid, user guid, memo)
    memo: str


@dataclass(frozen=True)
class RefiSource:
    """One ``<TextSource>``: where its text is and its selections."""

    guid: str
    name: str
    plain_text_path: str
    inline_text: str | None
    description: str
    selections: tuple[RefiSelection, ...]
    variables: tuple[tuple[str, str], ...]
    source_codings: int  # codings of the whole source (not importable as segments)


@dataclass(frozen=True)
class RefiCase:
    """One ``<Case>``: its name, description, variable values and linked sources."""

    guid: str
    name: str
    description: str
    variables: tuple[tuple[str, str], ...]
    source_guids: tuple[str, ...]


@dataclass(frozen=True)
class RefiProject:
    """What the importer uses of a project, plus what it cannot import (counted by kind)."""

    name: str
    origin: str
    creating_user: str
    users: tuple[tuple[str, str], ...]  # (guid, name)
    codes: tuple[RefiCode, ...]
    cases: tuple[RefiCase, ...]
    sources: tuple[RefiSource, ...]
    skipped_sources: tuple[tuple[str, str], ...]  # (name, kind)
    skipped_selections: tuple[tuple[str, int], ...]  # (element, count)
    not_imported: tuple[tuple[str, int], ...]  # (element, count)


def children(element: Element, name: str) -> list[Element]:
    """Direct children with local name ``name``."""
    return [child for child in element if local_name(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    """The first direct child with local name ``name``."""
    found = children(element, name)
    return found[0] if found else None


def text_of(element: Element | None) -> str:
    """The element's text, stripped (``""`` for None)."""
    return (element.text or "").strip() if element is not None else ""


def read_notes(root: Element) -> dict[str, str]:
    """Inline text of every ``<Notes>/<Note>`` by GUID (notes with a file path are skipped)."""
    notes = {}
    for holder in children(root, "Notes"):
        for note in children(holder, "Note"):
            notes[normalise_guid(note.get("guid"))] = text_of(child(note, "PlainTextContent"))
    return notes


def describe(element: Element, notes: dict[str, str]) -> str:
    """``<Description>`` text, else the text of the notes referenced by ``<NoteRef>``."""
    description = text_of(child(element, "Description"))
    if description:
        return description
    refs = [
        notes.get(normalise_guid(ref.get("targetGUID")), "") for ref in children(element, "NoteRef")
    ]
    return "\n\n".join(text for text in refs if text)


def read_codes(
    holder: Element | None, notes: dict[str, str], depth: int = 0
) -> tuple[RefiCode, ...]:
    """The ``<Code>`` children of ``holder`` (a ``<Codes>`` or a ``<Code>``), recursively."""
    if holder is None:
        return ()
    if depth > MAX_CODE_DEPTH:
        raise InputError(f"codes nested deeper than {MAX_CODE_DEPTH} levels; refused")
    codes = []
    for code in children(holder, "Code"):
        codable = (code.get("isCodable") or "true").strip().lower() not in ("false", "0")
        codes.append(
            RefiCode(
                guid=normalise_guid(code.get("guid")),
                name=(code.get("name") or "").strip(),
                codable=codable,
                color=(code.get("color") or "").strip() or None,
                description=describe(code, notes),
                children=read_codes(code, notes, depth + 1),
            )
        )
    return tuple(codes)


def read_codebook_codes(root: Element) -> tuple[RefiCode, ...]:
    """The code tree of a ``<CodeBook>`` root (``.qdc``) or of a ``<Project>``'s codebook."""
    notes = read_notes(root) if local_name(root.tag) == "Project" else {}
    book = root if local_name(root.tag) == "CodeBook" else child(root, "CodeBook")
    if book is None:
        return ()
    return read_codes(child(book, "Codes"), notes)


def has_codes_element(root: Element) -> bool:
    """Whether a ``<CodeBook>`` root (``.qdc``) or a ``<Project>``'s codebook has ``<Codes>``."""
    book = root if local_name(root.tag) == "CodeBook" else child(root, "CodeBook")
    return book is not None and child(book, "Codes") is not None


def read_variable_values(
    element: Element, variables: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """``<VariableValue>`` children as (variable name, value as text)."""
    values = []
    for value in children(element, "VariableValue"):
        ref = child(value, "VariableRef")
        guid = normalise_guid(ref.get("targetGUID")) if ref is not None else ""
        name = variables.get(guid, "")
        payload = [c for c in value if local_name(c.tag).endswith("Value")]
        if name and payload:
            values.append((name, text_of(payload[0])))
    return tuple(values)


def read_selection(element: Element, notes: dict[str, str]) -> RefiSelection | None:
    """A ``<PlainTextSelection>`` (None if its positions are not whole numbers)."""
    try:
        start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
    except ValueError:
        return None
    selection_user = normalise_guid(element.get("creatingUser"))
    codings = []
    for coding in children(element, "Coding"):
        ref = child(coding, "CodeRef")
        user = normalise_guid(coding.get("creatingUser")) or selection_user
        if ref is not None:
            codings.append((normalise_guid(ref.get("targetGUID")), user, describe(coding, notes)))
    return RefiSelection(
        normalise_guid(element.get("guid")), start, end, tuple(codings), describe(element, notes)
    )


def source_name(element: Element) -> str:
    """A source's ``name``, else the file name of its ``plainTextPath`` (``qc`` writes none)."""
    name = (element.get("name") or "").strip()
    path = (element.get("plainTextPath") or "").strip()
    return name or path.rpartition("://")[2].replace("\\", "/").rpartition("/")[2]


def read_project(root: Element) -> RefiProject:
    """Read a ``<Project>`` element into a :class:`RefiProject`."""
    if local_name(root.tag) != "Project":
        raise InputError(
            f"project.qde: the root element is <{local_name(root.tag)}>, not <Project>"
        )
    notes = read_notes(root)
    users = tuple(
        (normalise_guid(u.get("guid")), (u.get("name") or u.get("id") or "").strip())
        for holder in children(root, "Users")
        for u in children(holder, "User")
    )
    variables = {
        normalise_guid(v.get("guid")): (v.get("name") or "").strip()
        for holder in children(root, "Variables")
        for v in children(holder, "Variable")
    }
    cases = tuple(
        RefiCase(
            guid=normalise_guid(case.get("guid")),
            name=(case.get("name") or "").strip(),
            description=describe(case, notes),
            variables=read_variable_values(case, variables),
            source_guids=tuple(
                normalise_guid(r.get("targetGUID")) for r in children(case, "SourceRef")
            ),
        )
        for holder in children(root, "Cases")
        for case in children(holder, "Case")
    )
    sources, skipped, skipped_selections = [], [], Counter()
    for holder in children(root, "Sources"):
        for element in holder:
            kind = local_name(element.tag)
            for inner in element.iter():
                if local_name(inner.tag) in MEDIA_SELECTIONS:
                    skipped_selections[local_name(inner.tag)] += 1
            if kind != "TextSource":
                skipped.append(((element.get("name") or "").strip(), MEDIA_SOURCES.get(kind, kind)))
                continue
            selections = [read_selection(s, notes) for s in children(element, "PlainTextSelection")]
            skipped_selections["PlainTextSelection (positions not numbers)"] += selections.count(
                None
            )
            content = child(element, "PlainTextContent")
            sources.append(
                RefiSource(
                    guid=normalise_guid(element.get("guid")),
                    name=source_name(element),
                    plain_text_path=(element.get("plainTextPath") or "").strip(),
                    inline_text=content.text or "" if content is not None else None,
                    description=describe(element, notes),
                    selections=tuple(s for s in selections if s is not None),
                    variables=read_variable_values(element, variables),
                    source_codings=len(children(element, "Coding")),
                )
            )
    not_imported = Counter()
    for name in NOT_IMPORTED:
        for holder in children(root, name):
            not_imported[name] += len(list(holder))
    imported = [*children(root, "CodeBook")]
    imported += [e for h in children(root, "Sources") for e in children(h, "TextSource")]
    attached = {
        normalise_guid(ref.get("targetGUID"))
        for element in imported
        for ref in element.iter()
        if local_name(ref.tag) == "NoteRef"
    }
    not_imported["Notes (not attached to a code, source or selection)"] = len(set(notes) - attached)
    return RefiProject(
        name=(root.get("name") or "").strip(),
        origin=(root.get("origin") or "").strip(),
        creating_user=normalise_guid(root.get("creatingUserGUID")),
        users=users,
        codes=read_codebook_codes(root),
        cases=cases,
        sources=tuple(sources),
        skipped_sources=tuple(skipped),
        skipped_selections=tuple(sorted((k, v) for k, v in skipped_selections.items() if v)),
        not_imported=tuple(sorted((k, v) for k, v in not_imported.items() if v)),
    )
