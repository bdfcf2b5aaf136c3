"""The auto-coder: codebook rules → spaCy matchers → codings with evidence.

Rule semantics are specified in ``docs/codebook-format.md``. Every distinct term, phrase and
exclusion of the codebook is one key of two :class:`~spacy.matcher.PhraseMatcher` s, on
``LEMMA`` (our lemma; a pattern also carries the term as written, as a lemma, for words the
lexicon maps elsewhere) and ``NORM`` (the Snowball stem of the compound head, set by
:mod:`thesis_analysis.nlp`). A word as written needs no matcher of its own: the lemmatizer
maps the same form the same way in the text and in the pattern. A phrase with ``*`` is
matched as its parts, which must then stand one word apart per ``*``. The matchers run in
compiled code; Python looks only at the rules that a match in the sentence can wake, with
per-token facts read as plain values once per doc.
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
from thesis_analysis.nlp import get_pipeline, pipe_joined

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
        self._matchers = [PhraseMatcher(vocab, attr=attr) for attr in ("LEMMA", "NORM")]
        self._keys: dict[int, int] = {}  # matcher key → length of its text
        self._leading: dict[int, tuple[frozenset[int], ...]] = {}  # phrase key → its first words
        self._negation_flag = vocab.add_flag(lambda text: text.lower() in NEGATIONS)
        self._codes = {c.id: self._compile_code(c) for c in codebook.codes if c.codable}
        self._index_rules()

    # -- compiling ---------------------------------------------------------------------------
    def _index_rules(self) -> None:
        """Index every rule by the matcher key that can wake it, so that coding a sentence
        looks only at the rules of the keys found there."""
        self._single_by_key: dict[int, list[tuple[CompiledCode, str]]] = defaultdict(list)
        self._wild_by_key: dict[int, list[tuple[CompiledCode, str, tuple, tuple]]] = defaultdict(
            list
        )
        self._near_by_key: dict[int, list[tuple[CompiledCode, int]]] = defaultdict(list)
        self._excluding: dict[int, set[str]] = defaultdict(set)
        for code in self._codes.values():
            for key, rules in code.single.items():
                self._single_by_key[key].extend((code, rule) for rule in rules)
            for rule, parts, gaps in code.wild:
                self._wild_by_key[parts[0]].append((code, rule, parts, gaps))
            for index, (_, groups, _) in enumerate(code.near):
                # All groups must be present, so the rarest-looking group wakes the rule.
                trigger = max(groups, key=lambda group: min(self._keys[k] for k in group))
                for key in trigger:
                    self._near_by_key[key].append((code, index))
            for key in code.exclude:
                self._excluding[key].add(code.id)

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
        lemma, norm = self._matchers
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
        lemma, norm = self._matchers
        found = set(lemma(doc)) | self._check_stem_matches(doc, norm(doc))
        view = _DocView(
            doc.text if text is None else text,
            facts[:, 1].tolist(),
            (facts[:, 1] + facts[:, 2]).tolist(),
            frozenset(np.flatnonzero(facts[:, 3]).tolist()),
            sentence_starts.tolist(),
        )
        per_sentence: list[Spans] = [defaultdict(list) for _ in sentence_starts]
        matches = sorted(found)
        starts = np.fromiter((m[1] for m in matches), dtype=np.int64, count=len(matches))
        sentences = np.searchsorted(sentence_starts, starts, side="right") - 1
        for (key, start, end), sentence in zip(matches, sentences.tolist(), strict=True):
            per_sentence[sentence][key].append((start, end))
        return [self._code_sentence(view, n, spans) for n, spans in enumerate(per_sentence)]

    def _check_stem_matches(
        self, doc: Doc, matches: list[tuple[int, int, int]]
    ) -> set[tuple[int, int, int]]:
        """Stem matches, where a phrase's words before the last match as written or as lemma."""
        leading = self._leading
        kept = {m for m in matches if m[0] not in leading}
        phrases = [m for m in matches if m[0] in leading]
        if phrases:
            words = doc.to_array([LOWER, LEMMA])
            for match_id, start, _ in phrases:
                if all(
                    int(words[start + i, 0]) in allowed or int(words[start + i, 1]) in allowed
                    for i, allowed in enumerate(leading[match_id])
                ):
                    kept.add((match_id, start, _))
        return kept

    def _code_sentence(self, view: _DocView, sentence: int, spans: Spans) -> list[Hit]:
        present = spans.keys()
        excluded = {c for key in present for c in self._excluding.get(key, ())}
        hits: list[Hit] = []
        near_done: set[tuple[str, int]] = set()
        for key, key_spans in spans.items():
            for code, rule in self._single_by_key.get(key, ()):
                if code.id not in excluded:
                    for start, end in key_spans:
                        hits.extend(self._negate(code, rule, view, sentence, start, end))
            for code, rule, parts, gaps in self._wild_by_key.get(key, ()):
                if code.id not in excluded:
                    for start, end in _join_parts(spans, parts, gaps):
                        hits.extend(self._negate(code, rule, view, sentence, start, end))
            for code, index in self._near_by_key.get(key, ()):
                if code.id in excluded or (code.id, index) in near_done:
                    continue
                near_done.add((code.id, index))
                number, groups, window = code.near[index]
                if all(not group.isdisjoint(present) for group in groups):
                    hits.extend(_find_near(code.id, number, groups, window, spans, view))
        return _deduplicate(hits)

    def _negate(
        self, code: CompiledCode, rule: str, view: _DocView, sentence: int, start: int, end: int
    ) -> list[Hit]:
        """The hit of a term or phrase, after the code's negation handling (none if blocked)."""
        hit = view.hit(code.id, rule, start, end)
        negations = view.negations
        if not code.negation or not negations or any(i in negations for i in range(start, end)):
            return [hit]
        first = max(view.sentence_starts[sentence], start - NEGATION_WINDOW)
        before = [i for i in range(first, start) if i in negations]
        if not before:
            return [hit]
        if code.negation == "block":
            return []
        return [view.hit(code.negation, f"negated:{rule}", before[-1], end)]

    def code_texts(self, texts: Iterable[str], texts_per_doc: int = 64) -> Iterator[list[Hit]]:
        """Code whole texts: for each text, the hits of all its sentences.

        Short texts are coded ``texts_per_doc`` at a time as one doc (see
        :func:`~thesis_analysis.nlp.pipe_joined`; no rule reaches across texts, since a blank
        line ends a sentence); offsets are per text.
        """
        for doc, joined, starts in pipe_joined(self.nlp, texts, texts_per_doc):
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


@dataclass(frozen=True)
class _DocView:
    """What coding needs of a doc, as plain Python values: its text, the character span of
    each token, where the negation words are and where the sentences start."""

    text: str
    char_starts: list[int]  # per token
    char_ends: list[int]  # per token
    negations: frozenset[int]  # indices of negation words
    sentence_starts: list[int]  # token index where each sentence starts

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end``."""
        return self.char_starts[start], self.char_ends[end - 1]

    def hit(self, code: str, rule: str, start: int, end: int, evidence: str | None = None) -> Hit:
        """A :class:`Hit` for tokens ``start:end``."""
        char_start, char_end = self.char_starts[start], self.char_ends[end - 1]
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
