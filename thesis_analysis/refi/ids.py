"""Names shared by the REFI-QDA export and import: namespaces, stable GUIDs, safe ids.

GUIDs are never random: :func:`make_guid` derives them with :func:`uuid.uuid5` from the fixed
:data:`PROJECT_NAMESPACE` and the identity of the object (``("code", code_id)``,
``("source", transcript_id)``, ...), so exporting the same project twice gives the same GUIDs.
Ids and file names made from names in an imported file go through :func:`slugify`, which keeps
only ASCII letters, digits and ``_``; they can never contain a path separator or ``..``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NAMESPACE = uuid.UUID("6f1d9a62-3c0e-5b7a-9d43-2a8e51c7b0f4")
"""The fixed namespace of every GUID this toolkit writes (never change it)."""
ORIGIN = "thesis_analysis"
_FOLD = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"})
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\}?$")


def make_guid(kind: str, *parts: object) -> str:
    """The stable GUID of an object: uuid5 of :data:`PROJECT_NAMESPACE` and its identity."""
    identity = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(PROJECT_NAMESPACE, identity))


def normalise_guid(value: str | None) -> str:
    """A GUID in canonical form (lowercase, no braces); other text unchanged but stripped."""
    text = (value or "").strip()
    match = _GUID.match(text)
    return match.group(1).lower() if match else text


def local_name(tag: object) -> str:
    """An element's tag without its namespace (``{urn:…}Code`` → ``Code``)."""
    return str(tag).rpartition("}")[2]


def clean_xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return _NOT_XML.sub("", text)


def slugify(name: str, lower: bool = True, max_length: int = 40) -> str:
    """An ASCII id from ``name``: letters, digits and ``_`` only (``""`` if nothing is left).

    Norwegian letters are folded (``æ`` → ``ae``, ``ø`` → ``o``, ``å`` → ``a``), accents dropped,
    every other run of characters becomes one ``_``.
    """
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    if lower:
        ascii_text = ascii_text.lower()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_")
    return slug[:max_length].rstrip("_")


def make_unique(candidate: str, taken: Iterable[str], max_length: int = 40) -> str:
    """``candidate``, or ``candidate_2``, ``candidate_3``, … (within ``max_length``) not taken."""
    used = {t.casefold() for t in taken}
    if candidate.casefold() not in used:
        return candidate
    number = 2
    while True:
        suffix = f"_{number}"
        option = candidate[: max_length - len(suffix)] + suffix
        if option.casefold() not in used:
            return option
        number += 1
