"""The auto-coder: codebook rules → spaCy matchers → codings with evidence.

Rule semantics are specified in ``docs/codebook-format.md``. Every distinct term, phrase and
exclusion of the codebook is one key of three :class:`~spacy.matcher.PhraseMatcher` s, on
``LOWER`` (the word as written), ``LEMMA`` (our lemma) and ``NORM`` (the Snowball stem of the
compound head, set by :mod:`thesis_analysis.nlp`). A phrase with ``*`` is matched as its
parts, which must then stand one word apart per ``*``. The matchers run in compiled code;
Python looks only at the codes that a match in the sentence can trigger, with per-token facts
read as arrays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX, LEMMA, LENGTH, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from thesis_analysis.codebook import Code, Codebook
from thesis_analysis.nlp import get_pipeline

NEGATIONS = frozenset({"ikke", "aldri", "ingen", "intet", "ingenting", "verken", "neppe", "uten"})
NEGATION_WINDOW = 3
WILDCARD = "*"

Spans = dict[int, list[tuple[int, int]]]  # matcher key → token spans in one sentence


@dataclass(frozen=True)
class Hit:
    """One rule that fired in one sentence.

    Attributes
    ----------
    code : the code the rule gives (after a negation flip).
    rule : which rule fired, e.g. ``term:telling``, ``phrase:avgang til jobb``, ``near:0``,
        ``negated:term:nyttig`` (a flip).
    evidence : the matched words as written.
    start, end : character offsets of the evidence in the text that was coded.
    """

    code: str
    rule: str
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class CompiledCode:
    """A code's rules with every term and phrase replaced by its matcher key."""

    id: str
    negation: str | None
    single: dict[int, tuple[str, ...]]  # key → rule labels of terms and plain phrases
    wild: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]  # (label, part keys, gaps)
    near: tuple[tuple[int, tuple[frozenset[int], ...], int], ...]  # (number, groups, window)
    exclude: frozenset[int]

    def triggers(self, length_of: dict[int, int]) -> set[int]:
        """The keys whose match may make this code fire.

        A near rule needs all its groups, so one group suffices as trigger: the one whose
        shortest item is longest (long words are rarer, so fewer sentences wake the code).
        """
        keys = set(self.single) | {parts[0] for _, parts, _ in self.wild}
        for _, groups, _ in self.near:
            keys |= max(groups, key=lambda group: min(length_of[k] for k in group))
        return keys


class AutoCoder:
    """Apply a codebook's rules to Norwegian text.

    Parameters
    ----------
    codebook : the loaded codebook; its hash names the coder in the results.
    nlp : the pipeline (default: the shared one).
    """

    def __init__(self, codebook: Codebook, nlp: Language | None = None) -> None:
        self.codebook = codebook
        self.nlp = nlp or get_pipeline()
        self.coder = "auto"
        vocab = self.nlp.vocab
        self._matchers = [PhraseMatcher(vocab, attr=attr) for attr in ("LOWER", "LEMMA", "NORM")]
        self._keys: dict[int, int] = {}  # matcher key → length of its text
        self._leading: dict[int, tuple[frozenset[int], ...]] = {}  # phrase key → its first words
        self._negation_flag = vocab.add_flag(lambda text: text.lower() in NEGATIONS)
        self._codes = {c.id: self._compile_code(c) for c in codebook.codes if c.codable}
        self._triggered_by: dict[int, tuple[str, ...]] = {}
        for code in self._codes.values():
            for key in code.triggers(self._keys):
                self._triggered_by[key] = (*self._triggered_by.get(key, ()), code.id)

    # -- compiling ---------------------------------------------------------------------------
    def _compile_code(self, code: Code) -> CompiledCode:
        rules = code.rules
        single: dict[int, tuple[str, ...]] = {}
        wild = []
        labelled = [(t, f"term:{t}") for t in rules.terms]
        for phrase in rules.phrases:
            if WILDCARD in phrase.split():
                wild.append(self._compile_wildcard(phrase))
            else:
                labelled.append((phrase, f"phrase:{phrase}"))
        for item, label in labelled:
            key = self._add_key(item)
            single[key] = (*single.get(key, ()), label)
        near = tuple(
            (
                n,
                tuple(frozenset(self._add_key(t) for t in group) for group in rule.groups),
                rule.window,
            )
            for n, rule in enumerate(rules.near)
        )
        exclude = frozenset(self._add_key(t) for t in rules.exclude)
        return CompiledCode(code.id, rules.negation, single, tuple(wild), near, exclude)

    def _compile_wildcard(self, phrase: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
        parts: list[list[str]] = [[]]
        gaps: list[int] = []
        for word in phrase.split():
            if word != WILDCARD:
                parts[-1].append(word)
                continue
            if parts[-1]:
                parts.append([])
                gaps.append(0)
            gaps[-1] += 1
        keys = tuple(self._add_key(" ".join(words)) for words in parts if words)
        return f"phrase:{phrase}", keys, tuple(gaps[: len(keys) - 1])

    def _add_key(self, item: str) -> int:
        """The matcher key of ``item``; items with the same words share one key."""
        key = item.strip().lower()
        match_id = self.nlp.vocab.strings.add(key)
        if match_id in self._keys:
            return match_id
        self._keys[match_id] = len(key.removeprefix("="))
        text = key.removeprefix("=").strip()
        lemma_doc = self.nlp.get_pipe("nb_lemmas")(self.nlp.make_doc(text))
        as_written = self.nlp.make_doc(text)
        for token in as_written:
            token.lemma_ = token.lower_
        lower, lemma, norm = self._matchers
        lower.add(key, [self.nlp.make_doc(text)])
        lemma.add(key, [lemma_doc, as_written])
        # A compound term ("resultatmål") must not match its head alone ("målene").
        last = self.nlp.get_pipe("nb_lemmas").analyse(lemma_doc[-1].text)
        if not key.startswith("=") and last.lemma == last.head:
            norm.add(key, [lemma_doc])
            if len(lemma_doc) > 1:  # only the last word of a phrase is matched on its stem
                strings = self.nlp.vocab.strings
                self._leading[match_id] = tuple(
                    frozenset({strings.add(t.lower_), strings.add(t.lemma_)})
                    for t in lemma_doc[:-1]
                )
        return match_id

    # -- coding ------------------------------------------------------------------------------
    def code_doc(self, doc: Doc, text: str | None = None) -> list[list[Hit]]:
        """Code each sentence of ``doc``; return one list of hits per sentence.

        ``text`` is the text ``doc`` was made from, if at hand (saves rebuilding it).
        """
        if len(doc) == 0:
            return []
        facts = doc.to_array([SENT_START, IDX, LENGTH, self._negation_flag]).astype(np.int64)
        sentence_starts = np.flatnonzero(facts[:, 0] == 1)
        lower, lemma, norm = self._matchers
        found = set(lower(doc)) | set(lemma(doc)) | set(self._check_stem_matches(doc, norm(doc)))
        view = _DocView(doc.text if text is None else text, facts, sentence_starts)
        per_sentence: list[Spans] = [defaultdict(list) for _ in sentence_starts]
        matches = sorted(found, key=lambda m: (m[1], m[2], m[0]))
        starts = np.fromiter((m[1] for m in matches), dtype=np.int64, count=len(matches))
        sentences = np.searchsorted(sentence_starts, starts, side="right") - 1
        for (key, start, end), sentence in zip(matches, sentences.tolist(), strict=True):
            per_sentence[sentence][key].append((start, end))
        return [self._code_sentence(view, n, spans) for n, spans in enumerate(per_sentence)]

    def _check_stem_matches(
        self, doc: Doc, matches: list[tuple[int, int, int]]
    ) -> Iterator[tuple[int, int, int]]:
        """Stem matches of phrases whose words before the last match as written or as lemma."""
        words = doc.to_array([LOWER, LEMMA]) if matches else None
        for match_id, start, end in matches:
            leading = self._leading.get(match_id)
            if leading is None or all(
                int(words[start + i, 0]) in allowed or int(words[start + i, 1]) in allowed
                for i, allowed in enumerate(leading)
            ):
                yield match_id, start, end

    def _code_sentence(self, view: _DocView, sentence: int, spans: Spans) -> list[Hit]:
        present = spans.keys()
        triggered = {c for key in present for c in self._triggered_by.get(key, ())}
        hits: list[Hit] = []
        for code_id in sorted(triggered):
            code = self._codes[code_id]
            if not code.exclude.isdisjoint(present):
                continue
            for key in present & code.single.keys():
                for rule in code.single[key]:
                    for start, end in spans[key]:
                        hits.extend(self._negate(code, rule, view, sentence, start, end))
            for rule, parts, gaps in code.wild:
                if parts[0] in present:
                    for start, end in _join_parts(spans, parts, gaps):
                        hits.extend(self._negate(code, rule, view, sentence, start, end))
            for number, groups, window in code.near:
                if all(not group.isdisjoint(present) for group in groups):
                    hits.extend(_find_near(code.id, number, groups, window, spans, view))
        return _deduplicate(hits)

    def _negate(
        self, code: CompiledCode, rule: str, view: _DocView, sentence: int, start: int, end: int
    ) -> list[Hit]:
        """The hit of a term or phrase, after the code's negation handling (none if blocked)."""
        hit = view.hit(code.id, rule, start, end)
        negated = view.facts[:, 3]
        if not code.negation or negated[start:end].any():
            return [hit]
        first = max(int(view.sentence_starts[sentence]), start - NEGATION_WINDOW)
        before = np.flatnonzero(negated[first:start])
        if len(before) == 0:
            return [hit]
        if code.negation == "block":
            return []
        return [view.hit(code.negation, f"negated:{rule}", first + int(before[-1]), end)]

    def code_texts(self, texts: Iterable[str], texts_per_doc: int = 64) -> Iterator[list[Hit]]:
        """Code whole texts: for each text, the hits of all its sentences.

        Short texts are coded ``texts_per_doc`` at a time, joined by blank lines (which always
        end a sentence, so no rule reaches across texts); offsets are per text.
        """
        chunks = ((join_texts(chunk), chunk) for chunk in _batched(texts, texts_per_doc))
        for doc, (joined, starts) in self.nlp.pipe(
            ((joined, (joined, starts)) for (joined, starts), _ in chunks),
            batch_size=4,
            as_tuples=True,
        ):
            per_text: list[list[Hit]] = [[] for _ in starts]
            offsets = np.asarray(starts)
            for sentence_hits in self.code_doc(doc, joined):
                for hit in sentence_hits:
                    number = int(np.searchsorted(offsets, hit.start, side="right")) - 1
                    shift = starts[number]
                    per_text[number].append(
                        Hit(hit.code, hit.rule, hit.evidence, hit.start - shift, hit.end - shift)
                    )
            yield from per_text


TEXT_SEPARATOR = "\n\n"


def join_texts(texts: list[str]) -> tuple[str, list[int]]:
    """Join ``texts`` with blank lines; return the text and where each one starts."""
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(TEXT_SEPARATOR)
    return TEXT_SEPARATOR.join(texts), starts


def _batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class _DocView:
    """What coding needs of a doc: its text, per-token facts and sentence starts."""

    text: str
    facts: np.ndarray  # columns: SENT_START, IDX, LENGTH, negation flag
    sentence_starts: np.ndarray

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end``."""
        last = self.facts[end - 1]
        return int(self.facts[start, 1]), int(last[1] + last[2])

    def hit(self, code: str, rule: str, start: int, end: int, evidence: str | None = None) -> Hit:
        """A :class:`Hit` for tokens ``start:end``."""
        char_start, char_end = self.char_span(start, end)
        return Hit(code, rule, evidence or self.text[char_start:char_end], char_start, char_end)


def _join_parts(
    spans: Spans, parts: tuple[int, ...], gaps: tuple[int, ...]
) -> list[tuple[int, int]]:
    """Token spans where the parts of a wildcard phrase stand the right gaps apart."""
    joined = list(spans.get(parts[0], ()))
    for key, gap in zip(parts[1:], gaps, strict=True):
        nexts = {s: e for s, e in spans.get(key, ())}
        joined = [(s, nexts[e + gap]) for s, e in joined if e + gap in nexts]
    return joined


def _find_near(
    code_id: str,
    number: int,
    groups: tuple[frozenset[int], ...],
    window: int,
    spans: Spans,
    view: _DocView,
) -> list[Hit]:
    """The first place where every group of a near rule occurs within ``window`` words."""
    positions = []
    for group in groups:
        found = [se for key in group if key in spans for se in spans[key]]
        if not found:
            return []
        positions.append(found)
    for anchor in sorted(positions[0]):
        chosen = [anchor] + [min(p, key=lambda se: abs(se[0] - anchor[0])) for p in positions[1:]]
        first = min(s for s, _ in chosen)
        last = max(e for _, e in chosen)
        if last - first - 1 <= window:
            words = " … ".join(
                view.text[slice(*view.char_span(s, e))] for s, e in sorted(set(chosen))
            )
            return [view.hit(code_id, f"near:{number}", first, last, words)]
    return []


def _deduplicate(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[str, str, int, int], Hit] = {}
    for hit in hits:
        seen.setdefault((hit.code, hit.rule, hit.start, hit.end), hit)
    return sorted(seen.values(), key=lambda h: (h.code, h.start, h.end, h.rule))
