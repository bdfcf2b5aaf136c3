"""The lemma table (inflected form → lemma) for bokmål and nynorsk, cached once per machine.

Two dictionary-based sources are merged, both installed packages and both offline:

- bokmål: the ``nb`` inflection tables of spacy-lookups-data (Norsk Ordbank, Språkbanken,
  CC-BY 4.0) — every inflected form of nouns, verbs, adjectives and adverbs, merged without
  part of speech; where a form belongs to several, the first of noun, verb, adjective, adverb
  wins (``målene`` → ``mål``);
- nynorsk: simplemma's ``nn`` dictionary, for the forms bokmål does not have (``ikkje``,
  ``verksemda`` → ``verksemd``, ``oppgåvene`` → ``oppgåve``). A form both standards share keeps
  its bokmål lemma, so nothing changes for bokmål text.

Parsing the sources takes seconds, so the merged table is stored in the user's cache folder
(``$THESIS_ANALYSIS_CACHE``, else ``$XDG_CACHE_HOME/thesis_analysis``, else
``~/.cache/thesis_analysis``) as a NumPy ``.npz`` of two UTF-8 byte arrays, read with
``allow_pickle=False``. Its name carries a key of the two packages' versions and of
:data:`TABLE_VERSION`, so an update of either source makes a new table; a missing or damaged
file is rebuilt.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import zipfile
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from thesis_analysis.writers import write_bytes_atomic

POS_PRIORITY = ("noun", "verb", "adj", "adv")
SOURCE_PACKAGES = ("spacy-lookups-data", "simplemma")
TABLE_VERSION = "1"  # raise when the merging below changes
SEPARATOR = "\0"


def find_cache_folder() -> Path:
    """The folder where per-machine caches are kept (created on first write)."""
    own = os.environ.get("THESIS_ANALYSIS_CACHE")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "thesis_analysis"


def compute_table_key() -> str:
    """A short hash of the source packages' versions and of the merging code's version."""
    versions = [f"{name}=={metadata.version(name)}" for name in SOURCE_PACKAGES]
    return hashlib.sha256("\n".join([TABLE_VERSION, *versions]).encode()).hexdigest()[:16]


def load_lemma_table(cache_folder: Path | None = None) -> Mapping[str, str]:
    """The merged form → lemma table: from the cache when it is there and readable, else
    built from the sources and cached."""
    folder = Path(cache_folder) if cache_folder is not None else find_cache_folder()
    path = folder / f"lemmas-{compute_table_key()}.npz"
    table = read_cached_table(path)
    if table is None:
        table = build_lemma_table()
        try:
            write_bytes_atomic(path, encode_table(table))
        except OSError:
            pass  # a read-only home: work without the cache
    return table


def build_lemma_table() -> dict[str, str]:
    """Merge the bokmål and nynorsk sources (see the module docstring)."""
    table = read_nynorsk_forms()
    table.update(read_bokmal_forms())
    return table


def read_bokmal_forms() -> dict[str, str]:
    """The nb inflection tables of spacy-lookups-data as one lowercase form → lemma dict."""
    data = resources.files("spacy_lookups_data") / "data" / "nb_lemma_exc.json.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        by_pos: dict[str, dict[str, list[str]]] = json.load(handle)
    table: dict[str, str] = {}
    for pos in reversed(POS_PRIORITY):
        for form, lemmas in by_pos.get(pos, {}).items():
            if lemmas:
                table[form.lower()] = lemmas[0].lower()
    return table


def read_nynorsk_forms() -> dict[str, str]:
    """simplemma's nn dictionary as a lowercase form → lemma dict (forms with a separator
    character, which cannot be stored, are left out)."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    table: dict[str, str] = {}
    for form, lemma in DefaultDictionaryFactory().get_dictionary("nn").items():
        lower, target = form.lower(), lemma.lower()
        if SEPARATOR not in lower + target and lower not in table:
            table[lower] = target
    return table


def encode_table(table: dict[str, str]) -> bytes:
    """``table`` as ``.npz`` bytes: the forms and the lemmas, each one UTF-8 byte array of
    separator-joined strings, in sorted order of the forms."""
    forms = sorted(table)
    lemmas = [table[form] for form in forms]
    buffer = io.BytesIO()
    np.savez(
        buffer,
        forms=np.frombuffer(SEPARATOR.join(forms).encode(), dtype=np.uint8),
        lemmas=np.frombuffer(SEPARATOR.join(lemmas).encode(), dtype=np.uint8),
    )
    return buffer.getvalue()


def read_cached_table(path: Path) -> LemmaTable | None:
    """The table stored at ``path``, or None when it is missing or not a table we wrote."""
    try:
        with np.load(path, allow_pickle=False) as data:
            forms, lemmas = data["forms"], data["lemmas"]
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if forms.dtype != np.uint8 or lemmas.dtype != np.uint8:
        return None
    table = LemmaTable(forms.tobytes(), lemmas.tobytes())
    return table if len(table) >= 2 and table.is_consistent() else None


class LemmaTable(Mapping[str, str]):
    """The form → lemma table as read from the cache: two byte strings of separator-joined
    forms (sorted) and lemmas.

    A short run looks up only a few thousand forms, so building a dict of all 650,000 would
    cost more than the run: forms are found by binary search in the sorted bytes until
    :data:`SWITCH_AT` look-ups have been made, and then the dict is built once and used.
    """

    SWITCH_AT = 20_000

    def __init__(self, forms: bytes, lemmas: bytes) -> None:
        self._forms, self._lemmas = forms, lemmas
        self._form_ends = _find_ends(forms)
        self._lemma_ends = _find_ends(lemmas)
        self._looked_up = 0
        self._dict: dict[str, str] | None = None

    def is_consistent(self) -> bool:
        """Whether there are as many lemmas as forms."""
        return len(self._form_ends) == len(self._lemma_ends)

    def get(self, form: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The lemma of ``form``, or ``default``."""
        if self._dict is not None:
            return self._dict.get(form, default)
        self._looked_up += 1
        if self._looked_up >= self.SWITCH_AT:
            return self.to_dict().get(form, default)
        wanted = form.encode()
        index = bisect_left(_Slices(self._forms, self._form_ends), wanted)
        if index < len(self._form_ends) and self._slice_form(index) == wanted:
            start = self._lemma_ends[index - 1] + 1 if index else 0
            return self._lemmas[start : self._lemma_ends[index]].decode()
        return default

    def __getitem__(self, form: str) -> str:
        found = self.get(form)
        if found is None:
            raise KeyError(form)
        return found

    def __contains__(self, form: object) -> bool:
        return isinstance(form, str) and self.get(form) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self._form_ends)

    def items(self):  # type: ignore[override]
        return self.to_dict().items()

    def to_dict(self) -> dict[str, str]:
        """The whole table as a dict (built once)."""
        if self._dict is None:
            forms = self._forms.decode().split(SEPARATOR)
            lemmas = self._lemmas.decode().split(SEPARATOR)
            self._dict = dict(zip(forms, lemmas, strict=True))
        return self._dict

    def _slice_form(self, index: int) -> bytes:
        start = self._form_ends[index - 1] + 1 if index else 0
        return self._forms[start : self._form_ends[index]]


class _Slices:
    """The ``i``-th separated part of a byte string, for :func:`bisect.bisect_left`."""

    def __init__(self, data: bytes, ends: list[int]) -> None:
        self._data, self._ends = data, ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        start = self._ends[index - 1] + 1 if index else 0
        return self._data[start : self._ends[index]]


def _find_ends(data: bytes) -> list[int]:
    """Where each separated part of ``data`` ends (the last one at ``len(data)``)."""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(SEPARATOR))
    return [*ends.tolist(), len(data)]
