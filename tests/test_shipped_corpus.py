"""Checks on the reconstructed interview corpus in ``transcripts/``.

The eight transcripts are rebuilt from what the thesis reports (see docs/transcript-format.md).
These tests check that

* every direct quotation of informant speech in chapter 4 of the thesis (shipped as
  ``tests/data/thesis_chapter4.txt``) appears verbatim, whitespace-normalised, in the informant
  turns of exactly one transcript;
* every transcript is marked ``source: reconstructed`` and every informant turn ends with a
  ``{kilde: <section>; <kind>}`` marker that points at a real section of the thesis.

The files are parsed with a small self-contained helper (``yaml.safe_load`` for the front
matter, regexes for the turns) so that these tests do not depend on the project's loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = ROOT / "transcripts"
CHAPTER4 = ROOT / "tests" / "data" / "thesis_chapter4.txt"

EXPECTED_IDS = {"L1", "NL1", "TL1", "TL2", "TL3", "TL4", "V1", "V2"}

# Number of «…» quotations in chapter 4 (including the one in 4.2.4 that opens with »).
# Pinned so that a change in the data file or in the extraction cannot go unnoticed.
EXPECTED_QUOTATION_COUNT = 25

# Quotations in chapter 4 that are not informant speech and so need not (and may more than
# once) appear in the transcripts: the names of NAV's four main goals (4.2.1), which the
# thesis quotes from NAV's own documents. (The «vårt» of the preface is outside chapter 4 and
# so never extracted.)
EXEMPT_QUOTATIONS = {
    "Flere i arbeid og aktivitet",
    "Tilpasse tjenester til brukerens behov",
    "En helhetlig og mer effektiv arbeids- og velferdsforvaltning",
    "Forenkle tjenestene til brukerne",
}

# Sections of the thesis that report what informants said. 1.2.1 and chapter 5 are not in the
# shipped data file, so the list is written out; the 4.x entries are checked against the
# headings of the data file in test_chapter4_sections_are_real.
THESIS_SECTIONS = frozenset(
    {
        "1.2.1",
        "4.1",
        "4.2",
        "4.2.1",
        "4.2.2",
        "4.2.3",
        "4.2.4",
        "4.3",
        "5.1",
        "5.2",
        "5.2.1",
        "5.2.2",
        "5.2.3",
        "5.2.4",
        "5.3",
    }
)
MARKER_KINDS = {"sitat", "referert", "fordelt"}

# PDF artefacts inside the running text: footnote numbers on a line of their own and the
# footnote bodies ("3", " Se vedlegg 4", "4 Se vedlegg 3"), which interrupt the first quotation.
FOOTNOTE_LINE_RE = re.compile(r"\s*\d+\s*|\s*\d*\s*Se vedlegg \d+\s*")
# A quotation opens with « (or, once in 4.2.4, with ») and closes with ».
QUOTATION_RE = re.compile(r"[«»]([^«»]+)»")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
HEADING_RE = re.compile(r"^##\s+(.+?)\s*$")
LABEL_RE = re.compile(r"^([^\s:]+):(?:\s|$)(.*)$")
MARKER_RE = re.compile(r"\{kilde:\s*([^;{}]*?)\s*;\s*([^;{}]*?)\s*\}\s*$")


def normalise(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def chapter4_text() -> str:
    lines = CHAPTER4.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("#"):
        lines = lines[1:]  # the "# Source: ..." header line
    kept = [line for line in lines if not FOOTNOTE_LINE_RE.fullmatch(line)]
    return normalise(" ".join(kept))


def extract_quotations(text: str) -> list[str]:
    return [normalise(m.group(1)) for m in QUOTATION_RE.finditer(text)]


@dataclass(frozen=True)
class Turn:
    speaker: str
    section: str
    text: str  # whitespace-normalised, without the provenance marker
    marker: tuple[str, str] | None  # (thesis section, kind)


@dataclass(frozen=True)
class Transcript:
    path: Path
    meta: dict
    turns: tuple[Turn, ...]

    @property
    def informant_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == str(self.meta.get("id"))]


def parse_transcript_text(text: str, path: Path = Path("<string>")) -> Transcript:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        raise ValueError(f"{path}: no front matter between two --- lines")
    meta = yaml.safe_load(match.group(1)) or {}
    labels = {"I", str(meta.get("id"))}
    raw_turns: list[tuple[str, str, list[str]]] = []
    section = "ukjent"
    current: list[str] | None = None
    for line in text[match.end() :].split("\n"):
        heading = HEADING_RE.match(line)
        label = LABEL_RE.match(line)
        if not line.strip() or heading:
            current = None
            if heading:
                section = heading.group(1)
        elif label and label.group(1) in labels:
            current = [label.group(2)]
            raw_turns.append((label.group(1), section, current))
        elif current is not None:
            current.append(line)
    turns = []
    for speaker, turn_section, lines in raw_turns:
        body = normalise(" ".join(lines))
        marker = MARKER_RE.search(body)
        if marker:
            turns.append(
                Turn(speaker, turn_section, body[: marker.start()].rstrip(), marker.groups())
            )
        else:
            turns.append(Turn(speaker, turn_section, body, None))
    return Transcript(path, meta, tuple(turns))


def load_transcripts() -> list[Transcript]:
    return [
        parse_transcript_text(p.read_bytes().decode("utf-8"), p)
        for p in sorted(TRANSCRIPTS.glob("*.md"))
    ]


def contains_verbatim(haystack: str, quotation: str) -> bool:
    """True if the quotation occurs as a whole (not inside a longer word) in the text."""
    pattern = r"(?<!\w)" + re.escape(normalise(quotation)) + r"(?!\w)"
    return re.search(pattern, normalise(haystack)) is not None


def transcripts_quoting(quotation: str, transcripts: list[Transcript]) -> list[str]:
    return [
        t.path.name
        for t in transcripts
        if any(contains_verbatim(turn.text, quotation) for turn in t.informant_turns)
    ]


QUOTATIONS = extract_quotations(chapter4_text())
INFORMANT_QUOTATIONS = [q for q in QUOTATIONS if q not in EXEMPT_QUOTATIONS]
TRANSCRIPT_FILES = sorted(TRANSCRIPTS.glob("*.md"))


def _quotation_id(quotation: str) -> str:
    index = INFORMANT_QUOTATIONS.index(quotation)
    return f"q{index + 1:02d}-{'_'.join(quotation.split()[:4])}"


@pytest.fixture(scope="module")
def transcripts() -> list[Transcript]:
    return load_transcripts()


# --- the thesis data ----------------------------------------------------------------------


def test_chapter4_quotations_are_extracted():
    assert len(QUOTATIONS) == EXPECTED_QUOTATION_COUNT
    assert EXEMPT_QUOTATIONS <= set(QUOTATIONS), EXEMPT_QUOTATIONS - set(QUOTATIONS)
    # the 4.2.4 quotation that opens with » and the one split by the footnote block
    assert any(q.startswith("Ja, det er selvfølgelig at du må gjøre") for q in QUOTATIONS)
    assert any("vi om vi er på rett vei eller ikke, så da" in q for q in QUOTATIONS)
    assert all("Se vedlegg" not in q for q in QUOTATIONS)


def test_chapter4_sections_are_real():
    text = CHAPTER4.read_text(encoding="utf-8")
    headings = set(re.findall(r"^\s*(4(?:\.\d+)+)\s", text, re.M))
    chapter4_sections = {s for s in THESIS_SECTIONS if s.startswith("4.")}
    assert chapter4_sections == headings


# --- quotation coverage -------------------------------------------------------------------


@pytest.mark.parametrize("quotation", INFORMANT_QUOTATIONS, ids=_quotation_id)
def test_quotation_in_exactly_one_transcript(quotation, transcripts):
    found = transcripts_quoting(quotation, transcripts)
    assert len(found) == 1, f"«{quotation}» found in informant turns of {found or 'no transcript'}"


# --- the transcript files -----------------------------------------------------------------


def test_the_eight_informants_are_present(transcripts):
    assert {str(t.meta.get("id")) for t in transcripts} >= EXPECTED_IDS


@pytest.mark.parametrize("path", TRANSCRIPT_FILES, ids=lambda p: p.name)
def test_transcript_is_reconstructed_and_marked(path):
    transcript = parse_transcript_text(path.read_bytes().decode("utf-8"), path)
    meta = transcript.meta
    for key in ("id", "role", "employer", "source", "provenance"):
        assert meta.get(key), f"{path.name}: front matter lacks {key!r}"
    assert str(meta["id"]) == path.stem
    assert meta["source"] == "reconstructed"
    informant_turns = transcript.informant_turns
    assert informant_turns, f"{path.name}: no informant turns"
    for turn in informant_turns:
        assert turn.marker is not None, f"{path.name}: turn without {{kilde: …}}: {turn.text!r}"
        section, kind = turn.marker
        assert section in THESIS_SECTIONS, f"{path.name}: unknown thesis section {section!r}"
        assert kind in MARKER_KINDS, f"{path.name}: unknown kind {kind!r}"
        assert turn.text, f"{path.name}: empty turn before marker"
        if kind == "sitat":
            assert "»" in turn.text, f"{path.name}: sitat turn without a quotation: {turn.text!r}"


# --- the helpers themselves (so that the checks above can fail) ---------------------------

SAMPLE = """---
id: X1
role: veileder
employer: ukjent
source: reconstructed
provenance: test
---

## Introduksjon

I: Hvor lenge har du vært ansatt i NAV?

X1: Det vanker «pes» fra
fylket. {kilde: 4.2.4; sitat}

X1: Spesielt i perioder uten markør.
"""


def test_helpers_detect_missing_marker_and_partial_words():
    transcript = parse_transcript_text(SAMPLE)
    first, second = transcript.informant_turns
    assert first.section == "Introduksjon"
    assert first.marker == ("4.2.4", "sitat")
    assert first.text == "Det vanker «pes» fra fylket."
    assert second.marker is None
    assert contains_verbatim(first.text, "pes")
    assert not contains_verbatim(second.text, "pes")  # only inside "Spesielt"
    assert not contains_verbatim(first.text, "vanker pes")
