"""A slow, plain-Python auto-coder: the readable specification of the rules.

The compiled coder (:mod:`thesis_analysis.autocode.coder`) is checked against it in the tests;
the package itself does not use it. It applies the rule semantics of
``docs/codebook-format.md`` (and of the docstrings of the ``autocode`` modules) with plain loops
over one text's sentences and tokens. It shares no
code with the package's rule engine: only the codebook, the pipeline, the lemmatizer's
``analyse`` (to decide which keys are compound-aware) and the ``NEGATIONS`` / ``WILDCARD``
constants are imported. It is meant to be read, not to be
fast.

A *key* (term, phrase or exclusion) is found at token ``i`` by any one of three patterns:

1. every word's lemma equals the key word's lemma;
2. every word's lemma equals the key word as written (lower case);
3. compound-aware keys only (no ``=`` prefix, and the key's last word has lemma == head):
   every word's ``NORM`` (stemmed compound head) equals the key word's, and every word
   before the last also matches the key word as written or as lemma.

A match belongs to the sentence of its first token.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from spacy.language import Language
from spacy.tokens import Doc

from thesis_analysis.autocode.coder import NEGATIONS, WILDCARD, Hit
from thesis_analysis.codebook.model import Code, Codebook, NearRule
from thesis_analysis.nlp.pipeline import get_pipeline

NEGATION_WINDOW = 3
NEAR_JOINER = " … "

Span = tuple[int, int]  # token start, token end (exclusive)


@dataclass(frozen=True)
class Word:
    """What matching reads of one token: its lemma, its lower-case form and its norm."""

    lemma: str
    lower: str
    norm: str


def read_words(nlp: Language, doc: Doc) -> list[Word]:
    """The words of a processed doc (the norm is the lexeme's, set by ``nb_lemmas``)."""
    return [Word(t.lemma_, t.lower_, nlp.vocab[t.orth].norm_) for t in doc]


@dataclass(frozen=True)
class Key:
    """A term, phrase or exclusion, with what it takes to find it (module docstring)."""

    words: tuple[Word, ...]
    compound: bool

    def matches_at(self, text: list[Word], i: int) -> bool:
        """Whether the key stands in ``text`` from token ``i`` on."""
        here = text[i : i + len(self.words)]
        if len(here) < len(self.words):
            return False
        pairs = list(zip(here, self.words, strict=True))
        if all(t.lemma == k.lemma for t, k in pairs):
            return True
        if all(t.lemma == k.lower for t, k in pairs):
            return True
        if not self.compound or not all(t.norm == k.norm for t, k in pairs):
            return False
        return all({t.lower, t.lemma} & {k.lower, k.lemma} for t, k in pairs[:-1])


def split_wildcard(phrase: str) -> tuple[list[str], list[int]]:
    """The parts of a ``*`` phrase and the number of words skipped between them."""
    runs = [(star, list(words)) for star, words in groupby(phrase.split(), lambda w: w == WILDCARD)]
    parts = [" ".join(words) for star, words in runs if not star]
    gaps = [len(words) for star, words in runs if star]
    return parts, gaps


class ReferenceCoder:
    """The oracle: ``code_texts(texts)`` gives the same hits as ``AutoCoder.code_texts``."""

    def __init__(self, codebook: Codebook, nlp: Language | None = None) -> None:
        self.nlp = nlp or get_pipeline()
        self.codes: list[Code] = [c for c in codebook.codes if c.codable]
        self.keys: dict[str, Key] = {}
        self.by_first: dict[str, set[str]] = {}  # lemma, lower or norm of a first word → items
        self.phrases = {p: split_wildcard(p) for c in self.codes for p in c.rules.phrases}
        for code in self.codes:
            rules = code.rules
            items = [*rules.terms, *rules.exclude]
            items += [w for g in (r.groups for r in rules.near) for group in g for w in group]
            for phrase in rules.phrases:
                items += self.phrases[phrase][0]
            for item in items:
                if item not in self.keys:
                    key = self.keys[item] = self._make_key(item)
                    first = key.words[0]
                    for value in (first.lemma, first.lower, first.norm):
                        self.by_first.setdefault(value, set()).add(item)

    def _make_key(self, item: str) -> Key:
        text = item.strip().lower()
        doc = self.nlp(text.removeprefix("=").strip())
        last = self.nlp.get_pipe("nb_lemmas").analyse(doc[-1].text)
        compound = not text.startswith("=") and last.lemma == last.head
        return Key(tuple(read_words(self.nlp, doc)), compound)

    def code_texts(self, texts: list[str]) -> list[list[Hit]]:
        """The hits of each text, sorted by code, start, end and rule."""
        return [self.code_text(text) for text in texts]

    def code_text(self, text: str) -> list[Hit]:
        """The hits of one text (offsets into ``text``)."""
        doc = self.nlp(text)
        words = read_words(self.nlp, doc)
        sentences = [(s.start, s.end) for s in doc.sents]
        negation = [t.lower_ in NEGATIONS for t in doc]
        hits: set[Hit] = set()

        def evidence(spans: list[Span]) -> tuple[str, int, int]:
            pieces = [text[doc[s].idx : doc[e - 1].idx + len(doc[e - 1])] for s, e in spans]
            first, last = doc[spans[0][0]], doc[max(e for _, e in spans) - 1]
            return NEAR_JOINER.join(pieces), first.idx, last.idx + len(last)

        for first, end in sentences:
            found = self._find_keys(words, first, end)
            if not found:
                continue
            for code in self.codes:
                rules = code.rules
                if any(x in found for x in rules.exclude):
                    continue
                plain = [(f"term:{t}", span) for t in rules.terms for span in found.get(t, [])]
                for phrase in rules.phrases:
                    parts, gaps = self.phrases[phrase]
                    spans = found.get(parts[0], [])
                    for part, gap in zip(parts[1:], gaps, strict=True):
                        after = found.get(part, [])
                        spans = [(s, e2) for s, e in spans for s2, e2 in after if s2 == e + gap]
                    plain += [(f"phrase:{phrase}", span) for span in spans]
                for label, (start, stop) in plain:
                    result = self._negate(code, label, start, stop, first, negation)
                    if result is not None:
                        name, label, start = result
                        hits.add(Hit(name, label, *evidence([(start, stop)])))
                for number, rule in enumerate(rules.near):
                    spans = find_near(rule, found)
                    if spans:
                        hits.add(Hit(code.id, f"near:{number}", *evidence(spans)))
        return sorted(hits, key=lambda h: (h.code, h.start, h.end, h.rule, h.evidence))

    def _find_keys(self, words: list[Word], first: int, end: int) -> dict[str, list[Span]]:
        """The spans of every key found starting in tokens ``first:end`` (one sentence)."""
        found: dict[str, list[Span]] = {}
        for i in range(first, end):
            by_lemma = self.by_first.get(words[i].lemma, set())
            for item in by_lemma | self.by_first.get(words[i].norm, set()):
                key = self.keys[item]
                if key.matches_at(words, i):
                    found.setdefault(item, []).append((i, i + len(key.words)))
        return found

    @staticmethod
    def _negate(
        code: Code, label: str, start: int, stop: int, first: int, negation: list[bool]
    ) -> tuple[str, str, int] | None:
        """``(code, rule, start)`` of a term or phrase hit after negation, or None if blocked."""
        mode = code.rules.negation
        if mode is None or any(negation[start:stop]):
            return code.id, label, start
        before = [j for j in range(max(first, start - NEGATION_WINDOW), start) if negation[j]]
        if not before:
            return code.id, label, start
        if mode == "block":
            return None
        return mode, f"negated:{label}", before[-1]


def find_near(rule: NearRule, found: dict[str, list[Span]]) -> list[Span]:
    """The distinct spans (in text order) of a near rule's hit in one sentence, or []."""
    if not all(any(item in found for item in group) for group in rule.groups):
        return []
    groups = [
        sorted({span for item in group for span in found.get(item, [])}) for group in rule.groups
    ]
    for anchor in groups[0]:
        chosen = [anchor]
        for group in groups[1:]:
            chosen.append(min(group, key=lambda sp: (abs(sp[0] - anchor[0]), sp[0], sp[1])))
        low, high = min(s for s, _ in chosen), max(e for _, e in chosen)
        if high - low - 1 <= rule.window:
            return sorted(set(chosen))
    return []
