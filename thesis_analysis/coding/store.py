"""Coding by hand from Python: :class:`CodingStore` saves every change at once.

The store keeps one coder's file ``codings/<coder>.csv`` (format and checks in
:mod:`thesis_analysis.coding.files`) and writes it atomically after each change, reading it again
first when another process has replaced it since.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thesis_analysis.coding.files import (
    CODER_PATTERN,
    SNIPPET_LENGTH,
    create_empty_codings,
    load_coder_file,
    normalise_codings,
    save_coder_file,
)
from thesis_analysis.coding.review import find_stale_codings
from thesis_analysis.errors import InputError

if TYPE_CHECKING:
    from thesis_analysis.codebook.model import Codebook


class CodingStore:
    """Code by hand from Python: every change is saved at once to ``<folder>/<coder>.csv``.

    Parameters
    ----------
    folder : the codings folder (created on the first save).
    coder : the coder id, also the file name (letters, digits, ``_``, ``-``).
    codebook : the codebook; only its codable codes can be added.
    segments : the segments table; ``start``, ``end``, ``snippet`` and ``segment_hash`` of a
        new coding are taken from it.

    The file is read again before a change if another process (another notebook) has
    replaced it since, so that two kernels coding as the same coder do not undo each other's
    saves. Codings of changed or vanished segments are kept; :meth:`stale` lists them.
    """

    def __init__(
        self, folder: Path, coder: str, codebook: Codebook, segments: pd.DataFrame
    ) -> None:
        if not CODER_PATTERN.match(coder):
            raise InputError(f"coder {coder!r}: use 1-40 letters, digits, _ or - (a file name)")
        self.folder = Path(folder)
        self.coder = coder
        self.codebook = codebook
        self.path = self.folder / f"{coder}.csv"
        if segments["segment_id"].duplicated().any():
            raise InputError("the segments table has duplicate segment ids; segment it again")
        self.segments = segments.set_index("segment_id", drop=False)
        self._frame = create_empty_codings()
        self._stamp: tuple[int, int, int] | None = None
        self.reload()

    def reload(self) -> None:
        """Read the coder's file again (an absent file is an empty table)."""
        exists = self.path.exists()
        loaded = load_coder_file(self.path, self.codebook) if exists else create_empty_codings()
        self._frame = loaded
        self._stamp = self._read_stamp()

    def _read_stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _sync(self) -> None:
        if self._read_stamp() != self._stamp:
            self.reload()

    def _save(self, frame: pd.DataFrame) -> None:
        save_coder_file(self.path, frame, self.codebook)
        self._frame = normalise_codings(frame)
        self._stamp = self._read_stamp()

    def _check(self, segment_id: str, code: str) -> None:
        if code not in set(self.codebook.ids()):
            raise InputError(f"code {code!r} is not in the codebook; add it to codebook.yaml")
        if code not in set(self.codebook.codable_ids()):
            raise InputError(f"code {code!r} is a grouping node; code one of its children")
        if segment_id not in self.segments.index:
            raise InputError(f"segment {segment_id!r} is not in the segments table; check the id")

    def _mask(self, segment_id: str, code: str) -> pd.Series:
        return (self._frame["segment_id"] == segment_id) & (self._frame["code"] == code)

    def add(self, segment_id: str, code: str, memo: str = "") -> bool:
        """Code ``segment_id`` with ``code``; return False if it already was (then unchanged)."""
        self._check(segment_id, code)
        self._sync()
        if self._mask(segment_id, code).any():
            return False
        segment = self.segments.loc[segment_id]
        row = {
            "segment_id": segment_id,
            "code": code,
            "coder": self.coder,
            "start": int(segment["start"]),
            "end": int(segment["end"]),
            "snippet": str(segment["text"])[:SNIPPET_LENGTH],
            "memo": memo.replace("\r\n", "\n"),
            "segment_hash": str(segment["segment_hash"]),
            "rule": "",
            "evidence": "",
            "evidence_start": None,
            "evidence_end": None,
            "codebook": self.codebook.short_hash(),
        }
        self._save(pd.concat([self._frame, normalise_codings(pd.DataFrame([row]))]))
        return True

    def remove(self, segment_id: str, code: str) -> bool:
        """Remove a coding; return False if there was none."""
        self._sync()
        mask = self._mask(segment_id, code)
        if not mask.any():
            return False
        self._save(self._frame[~mask])
        return True

    def set_memo(self, segment_id: str, code: str, memo: str) -> None:
        """Replace the memo of an existing coding."""
        self._sync()
        mask = self._mask(segment_id, code)
        if not mask.any():
            raise InputError(
                f"{self.path}: segment {segment_id} has no code {code!r}; add the code first"
            )
        memo = memo.replace("\r\n", "\n")
        if (self._frame.loc[mask, "memo"] == memo).all():
            return
        frame = self._frame.copy()
        frame.loc[mask, "memo"] = memo
        self._save(frame)

    def list(self, segment_id: str | None = None, code: str | None = None) -> pd.DataFrame:
        """The coder's codings (:data:`CODING_COLUMNS`), optionally of one segment or code."""
        self._sync()
        keep = pd.Series(True, index=self._frame.index)
        if segment_id is not None:
            keep &= self._frame["segment_id"] == segment_id
        if code is not None:
            keep &= self._frame["code"] == code
        return self._frame[keep].reset_index(drop=True)

    def codes_of(self, segment_id: str) -> set[str]:
        """The codes the coder gave ``segment_id``."""
        return set(self.list(segment_id=segment_id)["code"])

    def stale(self) -> pd.DataFrame:
        """The coder's stale codings, see :func:`find_stale_codings`."""
        self._sync()
        return find_stale_codings(self._frame, self.segments.reset_index(drop=True))
