"""The codebook in REFI-QDA: our codes as ``<Code>`` trees, and imported codes as YAML entries.

REFI-QDA gives a code only a name, a colour, ``isCodable``, sub-codes and a ``<Description>``. The
export writes the label as the name and puts the rest of the entry into the description, as
readable text other programs show as the code's description::

    <definition>

    Short: <short>
    When to use: <when_to_use>
    When not to use: <when_not_to_use>
    Example: <example text>
    Example source: <section>
    Theory: <one reference per line>
    Code id: <id>

Continuation lines of a field start with two spaces. On import a description that ends in such a
block (it must contain ``Code id:``) gives back the fields and the id; any other description is
the definition, the id is slugified from the name under the parent's id (``parent.child``), made
unique among siblings, and the fields the codebook requires but REFI-QDA lacks get a note saying
so. Auto-coding rules and indicator facts are not exchanged (imported codes have no rules).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, SubElement

import yaml

from thesis_analysis.codebook.entry_checks import ID_RE
from thesis_analysis.codebook.model import Code, Codebook
from thesis_analysis.refi.ids import clean_xml_text, make_guid, make_unique, slugify
from thesis_analysis.refi.read import RefiCode

FIELDS = (
    ("short", "Short"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
    ("example_text", "Example"),
    ("example_source", "Example source"),
    ("theory", "Theory"),
    ("code_id", "Code id"),
)
_KEY_OF = {title: key for key, title in FIELDS}
_FIELD_LINE = re.compile(r"^(" + "|".join(re.escape(t) for _, t in FIELDS) + r"): ?(.*)$")
_HEX3 = re.compile(r"^#([0-9A-Fa-f])([0-9A-Fa-f])([0-9A-Fa-f])$")
_HEX6 = re.compile(r"^#[0-9A-Fa-f]{6}$")


def describe_code(code: Code) -> str:
    """The ``<Description>`` text of ``code``: definition, then the field block."""
    lines = []
    values = [(title, getattr(code, key) if key != "code_id" else code.id) for key, title in FIELDS]
    for title, value in values:
        items = list(value) if isinstance(value, tuple) else [value]
        for item in items:
            if item:
                first, *rest = str(item).split("\n")
                lines.append(f"{title}: {first}")
                lines.extend(f"  {line}" for line in rest)
    return clean_xml_text(f"{code.definition}\n\n" + "\n".join(lines))


def parse_description(text: str) -> dict[str, str | list[str]]:
    """Split a description into ``definition`` and the fields of the block (if any).

    Returns
    -------
    dict with ``definition`` and, when the description ends in a block with ``Code id:``, the
    keys of :data:`FIELDS` that are present (``theory`` as a list).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = len(lines)
    while start > 0 and (_FIELD_LINE.match(lines[start - 1]) or lines[start - 1].startswith("  ")):
        start -= 1
    while start < len(lines) and not _FIELD_LINE.match(lines[start]):
        start += 1
    block = lines[start:]
    if not any(line.startswith("Code id:") for line in block) or (start and lines[start - 1]):
        return {"definition": text.strip()}
    result: dict[str, str | list[str]] = {"definition": "\n".join(lines[:start]).strip()}
    theory: list[str] = []
    key = None
    for line in block:
        match = _FIELD_LINE.match(line)
        if match:
            key = _KEY_OF[match.group(1)]
            if key == "theory":
                theory.append(match.group(2))
            else:
                result[key] = match.group(2)
        elif key == "theory":
            theory[-1] += "\n" + line[2:]
        elif key is not None:
            result[key] = f"{result[key]}\n{line[2:]}"
    if theory:
        result["theory"] = theory
    return result


def build_code_element(parent: Element, code: Code, codebook: Codebook) -> None:
    """Append ``code`` (and, nested, its children) as ``<Code>`` to ``parent``."""
    attributes = {
        "guid": make_guid("code", code.id),
        "name": clean_xml_text(code.label or code.id),
        "isCodable": "true" if code.codable else "false",
    }
    if code.color:
        attributes["color"] = code.color
    element = SubElement(parent, "Code", attributes)
    SubElement(element, "Description").text = describe_code(code)
    for sub in codebook.children(code.id):
        build_code_element(element, sub, codebook)


def build_codes_element(parent: Element, codebook: Codebook) -> None:
    """Append ``<Codes>`` with the whole code tree (top-level codes in file order)."""
    codes = SubElement(parent, "Codes")
    for code in codebook.codes:
        if code.parent is None:
            build_code_element(codes, code, codebook)


def normalise_color(color: str | None) -> str | None:
    """``#RRGGBB`` (upper case kept), ``#RGB`` expanded; anything else None."""
    if not color:
        return None
    short = _HEX3.match(color)
    if short:
        return "#" + "".join(2 * c for c in short.groups())
    return color if _HEX6.match(color) else None


def convert_codes(codes: tuple[RefiCode, ...], origin: str) -> tuple[list[dict], dict[str, str]]:
    """Imported code trees as codebook entries (file order: depth first) and GUID → id.

    ``origin`` names the imported file in the notes written where a field is missing.
    """
    entries: list[dict] = []
    ids: dict[str, str] = {}

    def visit(code: RefiCode, parent: str | None, siblings: list[str]) -> None:
        fields = parse_description(code.description)
        leaf = slugify(code.name) or "code"
        given = str(fields.get("code_id", ""))
        if given and ID_RE.match(given) and given.rpartition(".")[0] == (parent or ""):
            leaf = given.rpartition(".")[2]
        leaf = make_unique(leaf, siblings)
        siblings.append(leaf)
        code_id = f"{parent}.{leaf}" if parent else leaf
        ids[code.guid] = code_id
        entries.append(make_entry(code, code_id, fields, origin))
        taken: list[str] = []
        for sub in code.children:
            visit(sub, code_id, taken)

    top: list[str] = []
    for code in codes:
        visit(code, None, top)
    return entries, ids


def make_entry(code: RefiCode, code_id: str, fields: dict, origin: str) -> dict:
    """One ``codes:`` entry of ``codebook.yaml`` for an imported code."""
    missing = f"Not given in {origin} (REFI-QDA import); write it before coding."
    label = code.name or code_id
    definition = str(fields.get("definition") or "") or f"Imported from {origin}: {label}."
    entry: dict = {
        "id": code_id,
        "label": label,
        "short": str(fields.get("short") or "") or definition.split("\n")[0][:120],
        "definition": definition,
    }
    if code.codable:
        entry["when_to_use"] = str(fields.get("when_to_use") or "") or missing
        entry["when_not_to_use"] = str(fields.get("when_not_to_use") or "") or missing
    if fields.get("example_text"):
        example = {"text": fields["example_text"]}
        if fields.get("example_source"):
            example["source"] = fields["example_source"]
        entry["example"] = example
    if fields.get("theory"):
        entry["theory"] = list(fields["theory"])
    color = normalise_color(code.color)
    if color:
        entry["color"] = color
    entry["codable"] = code.codable
    return entry


class _BlockDumper(yaml.SafeDumper):
    """SafeDumper writing multi-line strings as ``|`` blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def render_codebook_yaml(name: str, entries: list[dict], origin: str) -> str:
    """The text of ``codebook.yaml`` for imported entries."""
    header = (
        f"# Imported from {origin} (REFI-QDA). Ids are slugified from the code names; add\n"
        "# rules: to codes for the auto-coder (see docs/codebook-format.md).\n"
    )
    data = {"name": name or origin, "version": 1, "codes": entries}
    body = yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body
