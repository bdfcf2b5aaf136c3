"""The detector: every kind of finding in one text, with protected spans respected.

Protected spans: existing placeholders (``[PERSON-3]``) and the project's allow-list are never
touched; the shipped generic terms (``NAV``, ``Helse Vest``) are not replaced on their own but
may sit inside a longer finding (``NAV Grünerløkka``). The project's deny-list always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thesis_analysis.privacy.config import NameLists, ProjectLists
from thesis_analysis.privacy.findings import KINDS, Candidate, Finding, overlaps, select_findings
from thesis_analysis.privacy.lexicon import Lexicon
from thesis_analysis.privacy.names import find_name_findings, is_sentence_initial
from thesis_analysis.privacy.patterns import CAPWORD, find_pattern_findings

PLACEHOLDER = re.compile(r"\[(?:" + "|".join(KINDS) + r")-\d+\]")
CAPRUN = rf"{CAPWORD}(?: {CAPWORD}){{0,2}}"
NAV_OFFICE = re.compile(rf"(?<![\w-])(?:NAV|Nav) ({CAPRUN})")
INSTITUTION_FIRST = re.compile(
    r"(?<![\w-])(?:Sykehuset|Sjukehuset|Universitetssykehuset|Universitetssjukehuset|Helse"
    rf"|Sykehjemmet|Sjukeheimen) (?:i )?({CAPRUN})"
)
PLACE_BEFORE_NOUN = re.compile(
    rf"(?<![\w-])({CAPWORD}) (?:kommune|fylke|fylkeskommune|kommun|bydel)(?![\w-])"
)
PLACE_AFTER_NOUN = re.compile(rf"(?<![\w-])[Bb]ydel(?:en)? ({CAPRUN})")
PLACE_HINT = re.compile(r"kommun|fylke|ydel")
INSTITUTION_HINT = re.compile(r"Sykeh|Sjukeh|Universitets|Helse ")


@dataclass(frozen=True)
class Detection:
    """What one text holds: the findings to replace and the candidates to review."""

    findings: tuple[Finding, ...]
    candidates: tuple[Candidate, ...]


def compile_phrases(phrases: list[str], flags: int = 0) -> re.Pattern[str] | None:
    """One pattern matching any of ``phrases`` as whole words, longest first."""
    if not phrases:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", flags)


class Detector:
    """Finds identifiers in texts with the lists, the lexicon and a project's own lists."""

    def __init__(self, lists: NameLists, lexicon: Lexicon, project: ProjectLists) -> None:
        self.lists = lists
        self.lexicon = lexicon
        self.allow = compile_phrases(list(project.allow))
        self.keep = compile_phrases(list(lists.keep_terms))
        self.deny_kinds = {word.lower(): kind for word, kind in project.deny}
        self.deny = compile_phrases([word for word, _ in project.deny], re.IGNORECASE)
        self.phrases = compile_phrases(list(lists.phrases))
        nouns = "|".join(
            re.escape(n) for n in sorted(lists.institution_nouns, key=lambda n: (-len(n), n))
        )
        self.before_institution = re.compile(
            rf"(?<![\w-])({CAPRUN}) (?:(?:videregående|vidaregåande) )?(?i:{nouns})(?![\w-])"
        )

    def detect(self, text: str) -> Detection:
        """Every finding to replace in ``text`` (non-overlapping, in order) and the candidates."""
        hard = [m.span() for m in PLACEHOLDER.finditer(text)]
        if self.allow is not None:
            hard += [m.span() for m in self.allow.finditer(text)]
        soft = [m.span() for m in self.keep.finditer(text)] if self.keep is not None else []
        found = find_pattern_findings(text, self.lexicon.ordinary)
        found += self.find_workplaces_and_places(text)
        names, candidates = find_name_findings(text, self.lists, self.lexicon, hard + soft)
        found += names
        found = [f for f in found if allowed(f, hard, soft)]
        denied = self.find_denied(text, hard)
        if denied:
            spans = [(f.start, f.end) for f in denied]
            found = denied + [f for f in found if not overlaps(f.start, f.end, spans)]
        chosen = select_findings(found)
        taken = [(f.start, f.end) for f in chosen]
        kept = tuple(c for c in candidates if not overlaps(c.start, c.end, taken))
        return Detection(tuple(chosen), kept)

    def find_denied(self, text: str, hard: list[tuple[int, int]]) -> list[Finding]:
        """The deny-list's words, whatever else is found there."""
        if self.deny is None:
            return []
        return [
            Finding(self.deny_kinds[m.group().lower()], m.start(), m.end(), m.group(), "deny list")
            for m in self.deny.finditer(text)
            if not overlaps(m.start(), m.end(), hard)
        ]

    def find_workplaces_and_places(self, text: str) -> list[Finding]:
        """Named workplaces, multi-word places, NAV offices, ``X sykehjem``, ``X kommune``."""
        found: list[Finding] = []
        if self.phrases is not None:
            for m in self.phrases.finditer(text):
                kind = self.lists.phrases[m.group()]
                found.append(Finding(kind, m.start(), m.end(), m.group(), "phrase list"))
        for m in NAV_OFFICE.finditer(text) if "NAV " in text or "Nav " in text else ():
            if self.is_name_like(m.group(1).split(" ")[0]):
                found.append(Finding("ARBEIDSSTED", m.start(), m.end(), m.group(), "NAV + place"))
        for m in INSTITUTION_FIRST.finditer(text) if INSTITUTION_HINT.search(text) else ():
            found.append(Finding("ARBEIDSSTED", m.start(), m.end(), m.group(), "institution"))
        for m in self.before_institution.finditer(text):
            start = self.trim_sentence_start(text, m.start(1), m.end(1))
            if start is not None:
                found.append(
                    Finding(
                        "ARBEIDSSTED", start, m.end(), text[start : m.end()], "name + institution"
                    )
                )
        patterns = (PLACE_BEFORE_NOUN, PLACE_AFTER_NOUN) if PLACE_HINT.search(text) else ()
        for pattern in patterns:
            for m in pattern.finditer(text):
                start = self.trim_sentence_start(text, m.start(1), m.end(1))
                if start is not None:
                    found.append(
                        Finding(
                            "STED",
                            start,
                            m.end(1),
                            text[start : m.end(1)],
                            "context: kommune/bydel",
                        )
                    )
        return found

    def is_name_like(self, word: str) -> bool:
        """Whether a capitalised word can be a name: on a list, or not an ordinary word."""
        lists = self.lists
        if word in lists.places or word in lists.first_names or word in lists.surnames:
            return True
        return word.split("-")[0].lower() not in self.lexicon.ordinary

    def trim_sentence_start(self, text: str, start: int, end: int) -> int | None:
        """Where a run of capitalised words really starts (an ordinary first word dropped).

        Returns None when nothing name-like is left (``Mange sykehjem``, ``Vår kommune``).
        """
        if not is_sentence_initial(text, start):
            return start
        offset = start
        for word in text[start:end].split(" "):
            if self.is_name_like(word):
                return offset
            offset += len(word) + 1
        return None


def allowed(finding: Finding, hard: list[tuple[int, int]], soft: list[tuple[int, int]]) -> bool:
    """Whether a finding may stand: never over a hard span; over a soft span only around it."""
    if hard and overlaps(finding.start, finding.end, hard):
        return False
    for start, end in soft:
        if finding.start < end and start < finding.end:
            inside = finding.start <= start and end <= finding.end
            if not inside or (finding.start, finding.end) == (start, end):
                return False
    return True
