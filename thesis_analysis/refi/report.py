"""What a REFI-QDA import brought in, and what it could not (spec §7: say what is lost)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportReport:
    """The result of :func:`~thesis_analysis.refi.importer.import_qdpx` or ``import_qdc``.

    Attributes
    ----------
    source : str
        The imported file's name.
    origin : str
        The program that wrote it (the ``origin`` attribute), if given.
    positions : str
        How text positions were read: ``codepoints`` or ``utf16``.
    codes : int
        Codes written to ``codebook.yaml``.
    users : tuple of str
        Coder ids made from the users (``codings/<coder>.csv`` for those with codings).
    cases : int
        Cases in the file.
    transcripts : tuple of str
        Transcript ids written (``transcripts/<id>.md``).
    selections : int
        Text selections read from the imported text sources.
    codings : int
        Coding rows written (one per coder, segment and code).
    skipped_sources : tuple of (name, reason)
        Sources not imported: PDF, image, audio, video, external or empty text, ….
    skipped_selections : tuple of (what, count)
        Selections or codings not imported, by kind or reason.
    not_imported : tuple of (element, count)
        Other elements not imported (``Links``, ``Sets``, ``Graphs``; ``Notes`` are used only
        as descriptions and memos where something points to them).
    speakers : tuple of (transcript, label in the source, label in the transcript)
        How speaker labels were mapped to ``I`` and the informant id.
    warnings : tuple of str
        Everything else worth checking.
    files : tuple of str
        Files written, relative to the target folder.
    """

    source: str
    origin: str
    positions: str
    codes: int
    users: tuple[str, ...] = ()
    cases: int = 0
    transcripts: tuple[str, ...] = ()
    selections: int = 0
    codings: int = 0
    skipped_sources: tuple[tuple[str, str], ...] = ()
    skipped_selections: tuple[tuple[str, int], ...] = ()
    not_imported: tuple[tuple[str, int], ...] = ()
    speakers: tuple[tuple[str, str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def summary(self) -> str:
        """A printable account of the import."""
        by = f" (written by {self.origin})" if self.origin else ""
        if not (self.transcripts or self.users or self.cases or self.skipped_sources):
            return "\n".join(
                [f"imported {self.source}{by}: {self.codes} codes"]
                + [*(f"warning: {w}" for w in self.warnings), *(f"wrote {f}" for f in self.files)]
            )
        lines = [
            f"imported {self.source}{by}: {self.codes} codes, {len(self.transcripts)} "
            f"transcripts, {len(self.users)} users, {self.cases} cases, {self.selections} text "
            f"selections → {self.codings} coding rows (positions read as {self.positions})"
        ]
        if self.skipped_sources:
            names = ", ".join(
                f"{name or '(no name)'} [{why}]" for name, why in self.skipped_sources
            )
            lines.append(f"not imported: {len(self.skipped_sources)} sources: {names}")
        for what, count in self.skipped_selections:
            lines.append(f"not imported: {count} × {what}")
        for what, count in self.not_imported:
            lines.append(f"not imported: {count} × {what}")
        mapped = {}
        for transcript, label, target in self.speakers:
            mapped.setdefault(transcript, []).append(f"{label} → {target}")
        for transcript, items in mapped.items():
            lines.append(f"speakers in {transcript}: {', '.join(items)}")
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        lines.extend(f"wrote {name}" for name in self.files)
        return "\n".join(lines)
