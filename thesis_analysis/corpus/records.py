"""The corpus: informants, their interviews as speaker turns, and how they are loaded.

The transcript format is specified in ``docs/transcript-format.md``. Reading and checking one
file lives in :mod:`thesis_analysis.corpus.transcripts`; this module holds the domain records and
loads a whole folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

ROLES = ("leder", "nestleder", "teamleder", "veileder", "ukjent")
EMPLOYERS = ("stat", "kommune", "ukjent")
SOURCES = ("reconstructed", "original")
INTERVIEWER = "I"


@dataclass(frozen=True)
class Informant:
    """One interviewed person (pseudonymised).

    ``attributes`` holds every front-matter attribute as text (they become case variables).
    """

    id: str
    role: str
    employer: str
    source: str
    provenance: str
    team: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Turn:
    """One speaker turn; ``body[start:end] == text`` in the transcript's body."""

    transcript: str
    index: int
    speaker: str
    section: str
    text: str
    start: int
    end: int
    line: int
    provenance: str | None = None


@dataclass(frozen=True)
class Transcript:
    """One interview: the informant, the body text and its turns."""

    id: str
    file_name: str
    informant: Informant
    body: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and what to do about it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Corpus:
    """All transcripts of a study, sorted by id, plus the problems met while loading."""

    transcripts: tuple[Transcript, ...]
    problems: tuple[Problem, ...] = field(default=())

    def get(self, transcript_id: str) -> Transcript:
        """Return the transcript with this id."""
        for transcript in self.transcripts:
            if transcript.id == transcript_id:
                return transcript
        raise KeyError(f"no transcript {transcript_id!r}; have {[t.id for t in self.transcripts]}")

    @property
    def informants(self) -> tuple[Informant, ...]:
        """The informants, in transcript order."""
        return tuple(t.informant for t in self.transcripts)


def load_corpus(folder: Path, strict: bool = True) -> Corpus:
    """Load every ``*.md`` transcript in ``folder``.

    With ``strict`` any problem raises :class:`InputError` listing all of them; otherwise the
    good files are loaded and the problems returned in ``Corpus.problems``.
    """
    from thesis_analysis.corpus.transcripts import check_duplicate_ids, read_transcript

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of transcripts; give the transcripts folder.")
    transcripts: list[Transcript] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")):
        transcript, found = read_transcript(path)
        problems.extend(found)
        if transcript is not None:
            transcripts.append(transcript)
    duplicates = check_duplicate_ids(transcripts)
    problems.extend(duplicates)
    rejected = {p.file for p in duplicates}
    transcripts = [t for t in transcripts if t.file_name not in rejected]
    if not transcripts and not problems:
        problems.append(Problem(folder.name, 0, "no *.md transcripts in this folder"))
    if strict and problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise InputError(f"{len(problems)} problem(s) in the transcripts:\n{listing}")
    ordered = tuple(sorted(transcripts, key=lambda t: t.id))
    return Corpus(ordered, tuple(problems))


def informants_to_frame(corpus: Corpus) -> pd.DataFrame:
    """Informants as a table.

    Returns
    -------
    DataFrame with columns ``informant``, ``role``, ``employer``, ``team``, ``source``, one
    row per informant, sorted by id.
    """
    rows = [
        {
            "informant": i.id,
            "role": i.role,
            "employer": i.employer,
            "team": i.team or "",
            "source": i.source,
        }
        for i in corpus.informants
    ]
    import pandas as pd

    return pd.DataFrame(rows, columns=["informant", "role", "employer", "team", "source"])


def turns_to_frame(corpus: Corpus) -> pd.DataFrame:
    """All turns as a long table.

    Returns
    -------
    DataFrame with columns ``transcript``, ``turn``, ``speaker``, ``section``, ``start``,
    ``end``, ``line``, ``text``, ``provenance``; sorted by transcript and turn.
    """
    rows = [
        {
            "transcript": turn.transcript,
            "turn": turn.index,
            "speaker": turn.speaker,
            "section": turn.section,
            "start": turn.start,
            "end": turn.end,
            "line": turn.line,
            "text": turn.text,
            "provenance": turn.provenance or "",
        }
        for transcript in corpus.transcripts
        for turn in transcript.turns
    ]
    columns = ["transcript", "turn", "speaker", "section", "start", "end", "line", "text"]
    import pandas as pd

    return pd.DataFrame(rows, columns=[*columns, "provenance"])
