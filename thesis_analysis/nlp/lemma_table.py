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


def load_lemma_table(cache_folder: Path | None = None) -> dict[str, str]:
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


def read_cached_table(path: Path) -> dict[str, str] | None:
    """The table stored at ``path``, or None when it is missing or not a table we wrote."""
    try:
        with np.load(path, allow_pickle=False) as data:
            forms = data["forms"].tobytes().decode().split(SEPARATOR)
            lemmas = data["lemmas"].tobytes().decode().split(SEPARATOR)
    except (OSError, EOFError, KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    if len(forms) != len(lemmas) or len(forms) < 2:
        return None
    return dict(zip(forms, lemmas, strict=True))
