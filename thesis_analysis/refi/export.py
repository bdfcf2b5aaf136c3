"""Export to REFI-QDA: the project as ``.qdpx``, the codebook alone as ``.qdc``.

The ``.qdpx`` is a ZIP holding ``project.qde`` (valid against ``Project.xsd``) and
``sources/<GUID>.txt``, one per transcript: the transcript body as UTF-8 (no BOM), so that
``startPosition``/``endPosition`` of a ``PlainTextSelection`` are our ``start``/``end``: Unicode
code points from 0, end exclusive (spec §10.2). In the project

* every transcript is a ``TextSource`` named by its id;
* the codebook is the ``CodeBook`` (see :mod:`thesis_analysis.refi.codebook`);
* every coder of ``codings`` is a ``User``; each distinct (coder, transcript, start, end) is a
  ``PlainTextSelection`` with one ``Coding``/``CodeRef`` per code, and a coding's memo is a
  ``Note`` the coding points to with ``NoteRef``;
* every informant is a ``Case`` (description: the provenance) with ``VariableValue`` s of the
  ``Variables``: the case variables of ``project.yaml``, source and any other front-matter
  attribute, and
  ``SourceRef`` s to their transcripts.

GUIDs come from :func:`~thesis_analysis.refi.ids.make_guid`, no timestamps are written, the ZIP
entries carry a fixed date and order: exporting the same project twice gives identical bytes.
Only :func:`export_qdpx` and :func:`export_qdc` write, through the atomic writers.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, SubElement

import pandas as pd

from thesis_analysis.codebook.model import Codebook
from thesis_analysis.corpus.records import Corpus, Informant
from thesis_analysis.errors import InputError
from thesis_analysis.refi.codebook import build_codes_element
from thesis_analysis.refi.codings import resolve_spans
from thesis_analysis.refi.ids import CODEBOOK_NS, ORIGIN, PROJECT_NS, clean_xml_text, make_guid
from thesis_analysis.writers import write_bytes_atomic

NOT_VARIABLES = ("id", "provenance")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_SOURCE_BYTES = 2**31 - 1


@dataclass(frozen=True)
class ExportCounts:
    """What an export wrote."""

    sources: int
    codes: int
    users: int
    cases: int
    selections: int
    codings: int


def _serialise(root: Element) -> bytes:
    """XML bytes; tags are unqualified and the root carries the default namespace (``xmlns``)."""
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def variable_names(informants: tuple[Informant, ...], declared: list[str]) -> list[str]:
    """Case variables: the ``declared`` ones (``project.yaml`` order), source, then other
    attributes alphabetically."""
    first = [*declared, "source"]
    others = {key for i in informants for key, _ in i.attributes}
    rest = sorted(others - set(first) - set(NOT_VARIABLES))
    return [*first, *rest]


def informant_values(informant: Informant) -> dict[str, str]:
    """An informant's case variable values (those it carries, not empty)."""
    values = {**dict(informant.attributes), "source": informant.source}
    return {k: v for k, v in values.items() if k not in NOT_VARIABLES and v != ""}


def build_cases(root: Element, corpus: Corpus) -> None:
    """Append ``Variables`` and ``Cases`` (one case per informant)."""
    informants = {i.id: i for i in corpus.informants}
    names = variable_names(tuple(informants.values()), corpus.settings.list_variable_names())
    holder = SubElement(root, "Variables")
    for name in names:
        SubElement(
            holder,
            "Variable",
            {"guid": make_guid("variable", name), "name": name, "typeOfVariable": "Text"},
        )
    cases = SubElement(root, "Cases")
    for informant_id in sorted(informants):
        informant = informants[informant_id]
        case = SubElement(
            cases, "Case", {"guid": make_guid("case", informant_id), "name": informant_id}
        )
        SubElement(case, "Description").text = clean_xml_text(informant.provenance)
        values = informant_values(informant)
        for name in names:
            if name in values:
                value = SubElement(case, "VariableValue")
                SubElement(value, "VariableRef", {"targetGUID": make_guid("variable", name)})
                SubElement(value, "TextValue").text = clean_xml_text(values[name])
        for transcript in corpus.transcripts:
            if transcript.informant.id == informant_id:
                SubElement(case, "SourceRef", {"targetGUID": make_guid("source", transcript.id)})


def build_sources(root: Element, corpus: Corpus, spans: list[dict]) -> tuple[list[Element], int]:
    """Append ``Sources``; return the memo notes to add and the number of selections."""
    notes: list[Element] = []
    grouped: dict[tuple, list[dict]] = {}
    for span in spans:
        key = (span["transcript"], span["start"], span["end"], span["coder"])
        grouped.setdefault(key, []).append(span)
    sources = SubElement(root, "Sources")
    for transcript in corpus.transcripts:
        guid = make_guid("source", transcript.id)
        source = SubElement(
            sources,
            "TextSource",
            {"guid": guid, "name": transcript.id, "plainTextPath": f"internal://{guid}.txt"},
        )
        for key in sorted(k for k in grouped if k[0] == transcript.id):
            _, start, end, coder = key
            name = " ".join(transcript.body[start:end].split())
            selection = SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": make_guid("selection", *key),
                    "name": clean_xml_text(name if len(name) <= 60 else name[:59] + "…"),
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": make_guid("user", coder),
                },
            )
            for span in sorted(grouped[key], key=lambda s: s["code"]):
                identity = (*key, span["code"])
                coding = SubElement(
                    selection,
                    "Coding",
                    {
                        "guid": make_guid("coding", *identity),
                        "creatingUser": make_guid("user", coder),
                    },
                )
                SubElement(coding, "CodeRef", {"targetGUID": make_guid("code", span["code"])})
                if span["memo"]:
                    note_guid = make_guid("memo", *identity)
                    SubElement(coding, "NoteRef", {"targetGUID": note_guid})
                    note = Element(
                        "Note", {"guid": note_guid, "name": f"Memo {coder}: {span['code']}"}
                    )
                    SubElement(note, "PlainTextContent").text = clean_xml_text(span["memo"])
                    notes.append(note)
    return notes, len(grouped)


def build_project(
    corpus: Corpus, codebook: Codebook, spans: list[dict]
) -> tuple[Element, ExportCounts]:
    """The ``<Project>`` element of the whole project."""
    root = Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": clean_xml_text(codebook.name or "thesis_analysis"),
            "origin": ORIGIN,
        },
    )
    coders = sorted({span["coder"] for span in spans})
    if coders:
        users = SubElement(root, "Users")
        for coder in coders:
            SubElement(
                users, "User", {"guid": make_guid("user", coder), "name": coder, "id": coder}
            )
    if codebook.codes:
        build_codes_element(SubElement(root, "CodeBook"), codebook)
    build_cases(root, corpus)
    notes, selections = build_sources(root, corpus, spans)
    if notes:
        holder = SubElement(root, "Notes")
        holder.extend(notes)
    description = (
        f"Codebook {codebook.source_name} ({codebook.short_hash()}); positions in code points."
    )
    SubElement(root, "Description").text = clean_xml_text(description)
    counts = ExportCounts(
        len(corpus.transcripts),
        len(codebook.codes),
        len(coders),
        len(corpus.informants),
        selections,
        len(spans),
    )
    return root, counts


def make_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP of ``members`` in the given order with fixed dates and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def export_qdpx(
    corpus: Corpus,
    codebook: Codebook,
    codings: pd.DataFrame,
    out_path: Path,
    segments: pd.DataFrame | None = None,
) -> ExportCounts:
    """Write the whole project as a REFI-QDA ``.qdpx`` (see the module docstring).

    Parameters
    ----------
    corpus : the transcripts.
    codebook : the codebook.
    codings : coding table with at least ``segment_id``, ``code``, ``coder``, ``start``, ``end``
        and ``memo`` (as :func:`thesis_analysis.coding.files.load_codings` returns it).
    out_path : the ``.qdpx`` file to write (atomically).
    segments : the segments table; only needed for rows without ``start``/``end`` (computed
        from the corpus when missing).

    Returns
    -------
    ExportCounts

    Raises
    ------
    InputError
        A coding names an unknown transcript or code, or has offsets outside the body.
    """
    spans = resolve_spans(corpus, codebook, codings, segments)
    root, counts = build_project(corpus, codebook, spans)
    members = [("project.qde", _serialise(root))]
    for transcript in corpus.transcripts:
        data = transcript.body.encode("utf-8")
        if len(data) > MAX_SOURCE_BYTES:
            raise InputError(f"{transcript.file_name}: larger than REFI-QDA's 2 GB per source")
        members.append((f"sources/{make_guid('source', transcript.id)}.txt", data))
    write_bytes_atomic(Path(out_path), make_zip(members))
    return counts


def export_qdc(codebook: Codebook, out_path: Path) -> int:
    """Write the codebook alone as a REFI-QDA ``.qdc`` (valid against ``Codebook.xsd``).

    Returns the number of codes written.
    """
    root = Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    build_codes_element(root, codebook)
    write_bytes_atomic(Path(out_path), _serialise(root))
    return len(codebook.codes)
