"""The corpus: informants, their interviews as speaker turns, and how they are loaded.

The transcript format is specified in ``docs/transcript-format.md``. Reading and checking one
file lives in :mod:`thesis_analysis.corpus.transcripts`; this module holds the domain records and
loads a whole folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from thesis_analysis.project_file import ProjectFile, load_default_project_file

if TYPE_CHECKING:
    import pandas as pd

SOURCES = ("reconstructed", "original", "synthetic")
"""What a transcript is: rebuilt from a report of it, the interview itself, or made up (an
example)."""


@dataclass(frozen=True)
class Informant:
    """One interviewed person (pseudonymised).

    ``attributes`` holds every scalar front-matter attribute as text, the case variables of
    ``project.yaml`` among them.
    """

    id: str
    source: str
    provenance: str
    attributes: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        """The value of attribute ``name`` ("" if the transcript does not carry it)."""
        return next((value for key, value in self.attributes if key == name), "")


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
    """All transcripts of a study, sorted by id, plus the problems met while loading, and the
    project settings they were read with."""

    transcripts: tuple[Transcript, ...]
    problems: tuple[Problem, ...] = field(default=())
    settings: ProjectFile = field(default_factory=load_default_project_file)

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


def informants_to_frame(corpus: Corpus) -> pd.DataFrame:
    """Informants as a table.

    Returns
    -------
    DataFrame with columns ``informant``, then one per case variable of the project file (in
    its order; "" where a free variable is left out), then ``source``; one row per informant,
    sorted by id.
    """
    names = corpus.settings.list_variable_names()
    rows = [
        {"informant": i.id, **{name: i.get(name) for name in names}, "source": i.source}
        for i in corpus.informants
    ]
    import pandas as pd

    return pd.DataFrame(rows, columns=["informant", *names, "source"])


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
