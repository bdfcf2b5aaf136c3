"""Hardened reading of untrusted REFI-QDA files: ``.qdpx`` archives and their XML.

A ``.qdpx`` from someone else is untrusted input. Nothing in it is ever extracted to disk: the
members the importer needs (``project.qde`` and plain-text sources) are read into memory under
limits, and the importer writes its own files under names it makes itself. Still, an archive is
refused as a whole (:class:`~thesis_analysis.errors.InputError` naming the member) when

* a member name could escape a folder on extraction: ``..`` components, absolute paths
  (``/x``), drive letters (``C:``), backslashes, NUL bytes; or it is a symbolic link, encrypted,
  or a duplicate;
* it has more than :attr:`ZipLimits.max_members` members, declares more than
  :attr:`ZipLimits.max_archive_bytes` uncompressed in all, or has a member larger than
  :attr:`ZipLimits.ratio_floor_bytes` that expands more than :attr:`ZipLimits.max_ratio` times
  (a zip bomb);
* a member that is read declares, or turns out while reading (bytes are counted, the declared
  size is not trusted), to be larger than :attr:`ZipLimits.max_member_bytes`, or all members read
  together exceed :attr:`ZipLimits.max_total_bytes`.

XML is parsed with :mod:`defusedxml.ElementTree` with DTDs, entity declarations and external
references forbidden, so XML external entities and entity expansion ("billion laughs") are
refused before anything is expanded; malformed XML is reported with its line and column.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from thesis_analysis.errors import InputError

MIB = 1024 * 1024
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    """Limits for reading an untrusted archive.

    Attributes
    ----------
    max_members : int
        Members (entries) in the archive.
    max_archive_bytes : int
        Sum of the declared uncompressed sizes of all members (media included, though media
        are never read).
    max_member_bytes : int
        Uncompressed size of one member that is read (``project.qde``, a ``.txt`` source).
    max_total_bytes : int
        Uncompressed bytes read from the archive in all.
    max_ratio : float
        Uncompressed / compressed size of a member larger than ``ratio_floor_bytes``.
    ratio_floor_bytes : int
        Members up to this size are not ratio-checked (a short run of blanks compresses a lot).
    """

    max_members: int = 10_000
    max_archive_bytes: int = 4096 * MIB
    max_member_bytes: int = 64 * MIB
    max_total_bytes: int = 256 * MIB
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MIB


DEFAULT_LIMITS = ZipLimits()


def check_member_name(name: str, archive: str) -> None:
    """Raise :class:`InputError` if the member name could point outside a target folder."""
    parts = name.split("/")
    problem = None
    if "\\" in name:
        problem = "contains a backslash"
    elif "\x00" in name:
        problem = "contains a NUL byte"
    elif name.startswith("/"):
        problem = "is an absolute path"
    elif _DRIVE.match(name):
        problem = "starts with a drive letter"
    elif ".." in parts:
        problem = "contains '..' (path traversal)"
    if problem:
        raise InputError(
            f"{archive}: member {name!r} {problem}; refusing the whole archive (it could write "
            "outside the target folder). Re-export the project from the QDA program."
        )


def read_limited(stream: IO[bytes], limit: int, what: str) -> bytes:
    """Read ``stream`` to its end, counting bytes; InputError as soon as ``limit`` is passed."""
    chunks, count = [], 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        count += len(chunk)
        if count > limit:
            raise InputError(
                f"{what}: more than {limit:,} bytes when unpacked; refused as too large"
            )
        chunks.append(chunk)


class SafeArchive:
    """A ``.qdpx`` (ZIP) opened for reading under :class:`ZipLimits`; use it as a context manager.

    Parameters
    ----------
    path : the archive file.
    limits : the limits (default :data:`DEFAULT_LIMITS`).

    Raises
    ------
    InputError
        Not a file, not a ZIP archive, or any check of the module docstring fails.
    """

    def __init__(self, path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self.limits = limits
        self._read_total = 0
        if not self.path.is_file():
            raise InputError(f"{self.path}: no such file; give a .qdpx file")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(
                f"{self.path}: not a .qdpx file (not a readable ZIP archive: {exc}); a .qdpx is "
                "a ZIP with project.qde and sources/"
            ) from None
        try:
            self._infos = self._check_entries()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self._zip.close()

    @property
    def names(self) -> tuple[str, ...]:
        """Member names (files only, folders left out), in archive order."""
        return tuple(name for name in self._infos if not name.endswith("/"))

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        limits, label = self.limits, self.label
        infos = self._zip.infolist()
        if len(infos) > limits.max_members:
            raise InputError(
                f"{label}: {len(infos):,} members, more than the limit of {limits.max_members:,}; "
                "refused (zip bomb?)"
            )
        by_name: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = info.filename
            check_member_name(name, label)
            if name in by_name:
                raise InputError(f"{label}: member {name!r} occurs twice; refusing the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(f"{label}: member {name!r} is a symbolic link; refused")
            if info.flag_bits & 0x1:
                raise InputError(
                    f"{label}: member {name!r} is encrypted; export without a password"
                )
            declared += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise InputError(
                    f"{label}: member {name!r} expands {ratio:,.0f} times (more than "
                    f"{limits.max_ratio:,.0f}); refused as a likely zip bomb"
                )
            by_name[name] = info
        if declared > limits.max_archive_bytes:
            raise InputError(
                f"{label}: declares {declared:,} bytes uncompressed, more than the limit of "
                f"{limits.max_archive_bytes:,}; refused"
            )
        return by_name

    def find(self, name: str) -> str | None:
        """The member called ``name``, else the one member whose name matches ignoring case.

        Raises :class:`InputError` when several members match ignoring case (ambiguous).
        """
        if name in self._infos:
            return name
        folded = [n for n in self.names if n.casefold() == name.casefold()]
        if len(folded) > 1:
            raise InputError(f"{self.label}: members {folded} differ only in case; ambiguous")
        return folded[0] if folded else None

    def read(self, name: str) -> bytes:
        """Read member ``name`` into memory under the limits; InputError names the member."""
        info = self._infos.get(name)
        what = f"{self.label}: member {name!r}"
        if info is None:
            raise InputError(f"{what} is not in the archive")
        limit = min(self.limits.max_member_bytes, self.limits.max_total_bytes - self._read_total)
        if info.file_size > self.limits.max_member_bytes:
            raise InputError(
                f"{what} declares {info.file_size:,} bytes, more than the limit of "
                f"{self.limits.max_member_bytes:,} for a file that is read; refused"
            )
        if info.file_size > limit:
            raise InputError(
                f"{what}: the members read exceed {self.limits.max_total_bytes:,} bytes in all"
            )
        try:
            with self._zip.open(info) as stream:
                data = read_limited(stream, min(limit, info.file_size), what)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            OSError,
        ) as exc:
            raise InputError(f"{what} cannot be read ({exc}); the archive is damaged") from None
        self._read_total += len(data)
        return data


def parse_xml(data: bytes, name: str) -> Element:
    """Parse untrusted XML bytes with DTDs, entities and external references forbidden.

    Raises
    ------
    InputError
        Naming ``name``: a DTD or entity declaration, an external reference, or malformed XML
        (with line and column).
    """
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise InputError(
            f"{name}: contains a DTD (<!DOCTYPE …>); REFI-QDA files have none and DTDs are "
            "refused for safety (XML external entities, entity expansion)"
        ) from None
    except EntitiesForbidden:
        raise InputError(f"{name}: declares XML entities; refused for safety") from None
    except ExternalReferenceForbidden:
        raise InputError(f"{name}: refers to an external resource; refused for safety") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InputError(
            f"{name}:{line}: malformed XML (column {column}): {exc}; the file is damaged or "
            "not a REFI-QDA file"
        ) from None


def read_xml_file(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> Element:
    """Read and parse a stand-alone XML file (a ``.qdc``) under the member size limit."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > limits.max_member_bytes:
        raise InputError(
            f"{path}: {size:,} bytes, more than the limit of {limits.max_member_bytes:,}; refused"
        )
    with path.open("rb") as handle:
        data = read_limited(handle, limits.max_member_bytes, str(path))
    return parse_xml(data, path.name)
