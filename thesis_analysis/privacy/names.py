"""Person names and places from capitalised words: lists, the lexicon, context cues.

A run of capitalised words (separated by single spaces) is read together, so that a full
name (``Kari Nordmann``) is one finding. A word at the start of a sentence is only a name
when it is not an ordinary word, or when context shows a name (a following name, or a verb
of speech: ``Per sa at …``). Inside a sentence a capitalised word on a list is a name; one
on no list is reported as a candidate unless a cue (``heter``, ``kollegaen min``, ``fru``)
makes it a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thesis_analysis.privacy.config import NameLists
from thesis_analysis.privacy.findings import Candidate, Finding, overlaps
from thesis_analysis.privacy.lexicon import Lexicon
from thesis_analysis.privacy.patterns import CAPWORD

TOKEN = re.compile(rf"(?<![\w-]){CAPWORD}")
NEXT_WORD = re.compile(r"[ \t]+([\wæøå]+)")
PREVIOUS_WORDS = re.compile(r"([\w.]+)[ \t]+(?:([\w.]+)[ \t]+)?$")
SKIPPED_BEFORE = " \t\n«»\"“”(‘’'–—-*"
SENTENCE_END = ".!?:…;"
ABBREVIATIONS = frozenset(
    "dr fru frk hr st ca bl.a f.eks nr jf pga mv osv prof evt kl tlf adv sml".split()
)
SPEECH_VERBS = frozenset(
    "sa sier seier sei fortalte fortalde spurte ringte mente meinte skrev skreiv svarte "
    "sendte".split()
)
PERSON_CUES = frozenset(
    """heter het heiter kalt kalla fru frk herr dr dr. lege legen rektor rektoren sykepleier
    sykepleieren sjukepleiar sjukepleiaren kollega kollegaen kollegaene naboen veileder
    veilederen rettleiar rettleiaren brukeren brukaren pasienten beboeren bebuaren eleven
    læreren lærar læraren sjefen leder lederen leiar leiaren direktør direktøren advokat
    advokaten psykolog psykologen fastlege fastlegen saksbehandler saksbehandleren
    sakshandsamar sakshandsamaren mannen kona dattera datteren sønnen broren bror søstera
    søsteren syster mora moren faren tante onkel avdelingsleder avdelingsleiar teamleder
    teamleiar nestleder nestleiar""".split()
)
POSSESSIVES = frozenset("min mi mitt mine din di hans hennes hennar vår vårt deira deres".split())
PLACE_PREPOSITIONS = frozenset(
    "i på fra frå til ved rundt utenfor utanfor nær mot gjennom over".split()
)


@dataclass(frozen=True)
class Word:
    """One capitalised word: offsets, text, and what the lists say of it."""

    start: int
    end: int
    text: str
    person: bool
    place: bool
    genitive: bool = False


def find_name_findings(
    text: str, lists: NameLists, lexicon: Lexicon, blocked: list[tuple[int, int]]
) -> tuple[list[Finding], list[Candidate]]:
    """PERSON and STED findings, and unsure candidates, from the capitalised words of ``text``."""
    findings: list[Finding] = []
    candidates: list[Candidate] = []
    group: list[Word] = []
    for match in TOKEN.finditer(text):
        if blocked and overlaps(match.start(), match.end(), blocked):
            continue
        word = classify_word(match.start(), match.group(), lists)
        if group and text[group[-1].end : word.start] != " ":
            classify_group(text, group, lists, lexicon, findings, candidates)
            group = []
        group.append(word)
    if group:
        classify_group(text, group, lists, lexicon, findings, candidates)
    return findings, candidates


def classify_word(start: int, word: str, lists: NameLists) -> Word:
    """Look ``word`` up in the lists (hyphenated parts, genitive ``s``, ``Oslo-kontoret``)."""
    names = lists.first_names
    surnames = lists.surnames
    end = start + len(word)
    if "-" in word:
        parts = word.split("-")
        if all(p in names or p in surnames for p in parts):
            return Word(start, end, word, True, False)
        if word in lists.places:
            return Word(start, end, word, False, True)
        if parts[0] and all(p.islower() for p in parts[1:]):
            head = parts[0]
            head_word = classify_word(start, head, lists)
            if head_word.person or head_word.place:
                return head_word
        return Word(start, end, word, False, False)
    person = word in names or word in surnames
    place = word in lists.places
    if not person and not place and word.endswith("s") and len(word) > 3:
        base = word[:-1]
        if base in names or base in surnames or base in lists.places:
            return Word(
                start, end - 1, base, base in names or base in surnames, base in lists.places, True
            )
    return Word(start, end, word, person, place)


def classify_group(
    text: str,
    group: list[Word],
    lists: NameLists,
    lexicon: Lexicon,
    findings: list[Finding],
    candidates: list[Candidate],
) -> None:
    """Decide one run of capitalised words: a person, a place, a candidate or nothing."""
    words = list(group)
    first = words[0]
    initial = is_sentence_initial(text, first.start)
    if initial and first.genitive:
        words[0] = first = Word(first.start, first.end + 1, first.text + "s", False, False)
    if initial and len(words) > 1 and not (first.person or first.place):
        if first.text.lower() not in lexicon.known:  # dropped from the run, but still unsure
            reason = "unknown word at a sentence start"
            candidates.append(Candidate(first.start, first.end, first.text, reason))
        words = words[1:]
        initial = False
    elif initial and is_ordinary(first.text, lexicon):
        rest_named = any(w.person for w in words[1:])
        followed = (
            len(words) == 1
            and first.text.lower() not in lexicon.stop
            and next_word(text, first.end) in SPEECH_VERBS
        )
        if not (first.person and (rest_named or followed)):
            words = words[1:]
            initial = False
            if not words:
                return
    start, end = words[0].start, words[-1].end
    span = text[start:end]
    preceding = previous_words(text, start)
    after_preposition = preceding[0] in PLACE_PREPOSITIONS
    if all(w.place for w in words) and (after_preposition or not any(w.person for w in words)):
        findings.append(Finding("STED", start, end, span, "place list"))
    elif any(w.person for w in words):
        reason = "name list" + (" + capitalised run" if len(words) > 1 else "")
        findings.append(Finding("PERSON", start, end, span, reason))
    elif has_person_cue(preceding):
        findings.append(Finding("PERSON", start, end, span, f"context: {preceding[0]}"))
    elif not initial:
        reason = "capitalised inside a sentence, on no list"
        candidates.append(Candidate(start, end, span, reason))
    elif words[0].text.lower() not in lexicon.known:
        candidates.append(Candidate(start, end, span, "unknown word at a sentence start"))


def is_ordinary(word: str, lexicon: Lexicon) -> bool:
    """Whether ``word`` (its first part, if hyphenated) is a common word."""
    return word.split("-")[0].lower() in lexicon.ordinary


def is_sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the text), skipping quotes."""
    i = start - 1
    while i >= 0 and text[i] in SKIPPED_BEFORE:
        i -= 1
    if i < 0:
        return True
    if text[i] not in SENTENCE_END:
        return False
    if text[i] == ".":
        j = i
        while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
            j -= 1
        if text[j:i].lower() in ABBREVIATIONS:
            return False
    return True


def next_word(text: str, end: int) -> str:
    """The lower-case word after ``end``, or ``""``."""
    match = NEXT_WORD.match(text, end)
    return match.group(1).lower() if match else ""


def previous_words(text: str, start: int) -> tuple[str, str]:
    """The one and two words before ``start``, lower-case (``""`` where there are none)."""
    match = PREVIOUS_WORDS.search(text, max(0, start - 60), start)
    if match is None:
        return "", ""
    if match.group(2):
        return match.group(2).lower(), match.group(1).lower()
    return match.group(1).lower(), ""


def has_person_cue(preceding: tuple[str, str]) -> bool:
    """Whether the words before point to a person (``heter``, ``sjefen min``, ``fru``)."""
    last, before_last = preceding
    if last in PERSON_CUES:
        return True
    return last in POSSESSIVES and before_last in PERSON_CUES
