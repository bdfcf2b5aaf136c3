"""The auto-coder: codebook rules → key patterns and rule arrays → codings with evidence.

Rule semantics are specified in ``docs/codebook-format.md``. Every distinct term, phrase and
exclusion of the codebook is one *key*, found by up to three word sequences
(:mod:`thesis_analysis.autocode.matching`): its words' lemmas, its words as written (compared with
the text's lemmas, for words the lexicon maps elsewhere) and, for compound-aware keys, the
Snowball stem of each word's compound head (``NORM``, set by :mod:`thesis_analysis.nlp.pipeline`). A
phrase with ``*`` is found as its parts. The rules themselves are compiled to arrays
(:mod:`thesis_analysis.autocode.rules`). Texts are coded many at a time as one doc (see
:func:`~thesis_analysis.nlp.pipeline.pipe_token_arrays`), and each doc is matched, coded and its
hits
ordered by compiled functions (numba) that run over the doc's arrays, so that coding costs
little more than reading the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

import numpy as np
from numba import njit
from spacy.language import Language
from spacy.tokens import Doc

from thesis_analysis.autocode.matching import KeyPattern, PatternTable, TokenTable
from thesis_analysis.autocode.ordering import order_hits
from thesis_analysis.autocode.rules import (
    BLOCK,
    FLIP,
    NO_NEGATION,
    CompiledNearRule,
    RuleTable,
    WildRule,
)
from thesis_analysis.codebook.model import Code, Codebook
from thesis_analysis.nlp.pipeline import (
    TokenArrays,
    get_pipeline,
    pipe_token_arrays,
    read_token_arrays,
)

NEGATIONS = frozenset(
    {"ikke", "aldri", "ingen", "intet", "ingenting", "verken", "neppe", "uten"}  # bokmål
    | {"ikkje", "inga", "korkje", "utan"}  # nynorsk
)
WILDCARD = "*"
NEAR_JOINER = " … "


@dataclass(frozen=True)
class Hit:
    """One rule that fired in one sentence.

    Attributes
    ----------
    code : the code the rule gives (after a negation flip).
    rule : which rule fired, e.g. ``term:telling``, ``phrase:avgang til jobb``, ``near:0``,
        ``negated:term:nyttig`` (a flip).
    evidence : the matched words as written (a near rule's words joined by `` … ``).
    start, end : character offsets of the evidence in the text that was coded.
    """

    code: str
    rule: str
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class HitTable:
    """The hits of a run of texts, one entry per hit, sorted by text, code, start, end, rule.

    Attributes
    ----------
    first_text, n_texts : the texts covered, numbered from the first text given.
    text : the number of each hit's text.
    code, rule : numbers into ``codes`` and ``rules`` (both sorted, so numeric order is
        alphabetical order).
    start, end : character offsets of the evidence in its text.
    pieces : for near hits, the character spans ``(start, end)`` in its text of the words
        found for each group (shape ``(hits, groups, 2)``, ``-1`` for unused groups); ``-1``
        throughout for other hits.
    source : the texts joined with blank lines (as they were coded).
    text_start : where each text starts in ``source``.
    codes, rules : the code ids and rule labels.
    """

    first_text: int
    n_texts: int
    text: np.ndarray
    code: np.ndarray
    rule: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pieces: np.ndarray
    source: str
    text_start: np.ndarray
    codes: tuple[str, ...]
    rules: tuple[str, ...]

    def list_evidence(self, hits: np.ndarray | None = None) -> list[str]:
        """The evidence of each hit (or of the hits numbered ``hits``): the text of its span
        or, for a near hit, the words found for each group, each distinct span once, in text
        order, joined by :data:`NEAR_JOINER`."""
        hits = np.arange(len(self.text)) if hits is None else hits
        shift = self.text_start[self.text[hits] - self.first_text]
        starts, ends = (self.start[hits] + shift).tolist(), (self.end[hits] + shift).tolist()
        evidence = [self.source[a:b] for a, b in zip(starts, ends, strict=True)]
        near = np.flatnonzero(self.pieces[hits, 0, 0] >= 0)
        for row, spans, at in zip(
            near.tolist(), self.pieces[hits[near]].tolist(), shift[near].tolist(), strict=True
        ):
            distinct = sorted({(a, b) for a, b in spans if a >= 0})
            evidence[row] = NEAR_JOINER.join(self.source[a + at : b + at] for a, b in distinct)
        return evidence

    def list_hits(self) -> list[list[Hit]]:
        """The hits of each text covered, as :class:`Hit` lists."""
        per_text: list[list[Hit]] = [[] for _ in range(self.n_texts)]
        columns = (self.text, self.code, self.rule, self.start, self.end)
        rows = zip(*(c.tolist() for c in columns), self.list_evidence(), strict=True)
        for text, code, rule, start, end, evidence in rows:
            hit = Hit(self.codes[code], self.rules[rule], evidence, start, end)
            per_text[text - self.first_text].append(hit)
        return per_text


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
        codes = [c for c in codebook.codes if c.codable]
        flips = {c.rules.negation for c in codes} - {None, "block"}
        self.codes = tuple(sorted({c.id for c in codes} | flips))
        self.rules = tuple(sorted({label for c in codes for label in _list_labels(c)}))
        self._keys: dict[str, int] = {}
        self._key_words: dict[str, tuple[list[str], list[int], list[int], list[int]]] = {}
        self._patterns: list[KeyPattern] = []
        self._read_all_keys(codes)
        self._compile(codes)
        strings = self.nlp.vocab.strings
        self._negation_words = np.array(sorted(strings.add(w) for w in NEGATIONS), np.uint64)

    # -- compiling ---------------------------------------------------------------------------
    def _compile(self, codes: list[Code]) -> None:
        code_number = {code: n for n, code in enumerate(self.codes)}
        rule_number = {rule: n for n, rule in enumerate(self.rules)}
        singles, excludes, wild, near = [], [], [], []
        for code in codes:
            number, rules = code_number[code.id], code.rules
            for term in rules.terms:
                singles.append((self._add_key(term), number, rule_number[f"term:{term}"]))
            for phrase in rules.phrases:
                label = rule_number[f"phrase:{phrase}"]
                if WILDCARD in phrase.split():
                    wild.append(self._compile_wildcard(phrase, number, label))
                else:
                    singles.append((self._add_key(phrase), number, label))
            for index, rule in enumerate(rules.near):
                groups = tuple(tuple(self._add_key(t) for t in group) for group in rule.groups)
                near.append(
                    CompiledNearRule(number, rule_number[f"near:{index}"], groups, rule.window)
                )
            excludes.extend((self._add_key(term), number) for term in rules.exclude)
        negation = [(NO_NEGATION, 0)] * len(self.codes)
        for code in codes:
            if code.rules.negation == "block":
                negation[code_number[code.id]] = (BLOCK, 0)
            elif code.rules.negation:
                negation[code_number[code.id]] = (FLIP, code_number[code.rules.negation])
        negated = [rule_number.get(f"negated:{rule}", -1) for rule in self.rules]
        self._pattern_table = PatternTable(self._patterns)
        self._rule_table = RuleTable(
            len(self._keys), len(self.codes), singles, excludes, wild, near, negation, negated
        )

    def _compile_wildcard(self, phrase: str, code: int, rule: int) -> WildRule:
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
        return WildRule(code, rule, keys, tuple(gaps[: len(keys) - 1]))

    def _add_key(self, item: str) -> int:
        """The key of ``item`` (items with the same words share one), with its patterns."""
        key = item.strip().lower()
        if key in self._keys:
            return self._keys[key]
        number = self._keys[key] = len(self._keys)
        words, lemma, lower, norm = self._read_key_words(key.removeprefix("=").strip())
        lemmas, written = tuple(lemma), tuple(lower)
        self._patterns.append(KeyPattern(number, False, lemmas))
        if written != lemmas:
            self._patterns.append(KeyPattern(number, False, written))
        # A compound term ("resultatmål") must not match its head alone ("målene").
        last = self.nlp.get_pipe("nb_lemmas").analyse(words[-1])
        if not key.startswith("=") and last.lemma == last.head:
            # only the last word of a phrase is matched on its stem
            leading = tuple(zip(written[:-1], lemmas[:-1], strict=True))
            self._patterns.append(KeyPattern(number, True, tuple(norm), leading))
        return number

    def _read_key_words(self, text: str) -> tuple[list[str], list[int], list[int], list[int]]:
        """The words of a key and their lemma, lower-case and norm hashes (from the batch read
        by :meth:`_read_all_keys`, or read alone for a key it did not see)."""
        found = self._key_words.get(text)
        if found is None:
            doc = self.nlp.make_doc(text)
            arrays = read_token_arrays(self.nlp, doc)
            found = (
                [token.text for token in doc],
                arrays.lemma.tolist(),
                arrays.lower.tolist(),
                arrays.norm.tolist(),
            )
        return found

    def _read_all_keys(self, codes: list[Code]) -> None:
        """Read the words of every key of ``codes`` as one doc: a word's facts depend on the
        word alone, so one read gives what a read per key would, without the cost per call."""
        texts = []
        for code in codes:
            rules = code.rules
            items = [*rules.terms, *rules.phrases, *rules.exclude]
            items += [t for rule in rules.near for group in rule.groups for t in group]
            for item in items:
                parts = " ".join(w if w != WILDCARD else "\n" for w in item.split()).split("\n")
                texts += [p.strip().lower().removeprefix("=").strip() for p in parts if p.strip()]
        texts = sorted(set(texts))
        docs = [self.nlp.make_doc(text) for text in texts]
        words = [token.text for doc in docs for token in doc]
        self._key_words = {}
        if not words:
            return
        arrays = read_token_arrays(self.nlp, Doc(self.nlp.vocab, words=words))
        lemma, lower, norm = arrays.lemma.tolist(), arrays.lower.tolist(), arrays.norm.tolist()
        at = 0
        for text, doc in zip(texts, docs, strict=True):
            end = at + len(doc)
            self._key_words[text] = (words[at:end], lemma[at:end], lower[at:end], norm[at:end])
            at = end

    # -- coding ------------------------------------------------------------------------------
    def code_texts(self, texts: Iterable[str], texts_per_doc: int = 64) -> Iterator[list[Hit]]:
        """Code whole texts: for each text, the hits of all its sentences, sorted by code,
        start, end and rule; offsets are per text."""
        for table in self.code_tables(texts, texts_per_doc):
            yield from table.list_hits()

    def code_tables(self, texts: Iterable[str], texts_per_doc: int = 64) -> Iterator[HitTable]:
        """Code texts ``texts_per_doc`` at a time as one doc (no rule reaches across texts,
        since a blank line ends a sentence); yield one :class:`HitTable` per doc."""
        first = 0
        for arrays, joined, starts in pipe_token_arrays(self.nlp, texts, texts_per_doc):
            yield self.code_doc(arrays, joined, np.asarray(starts, dtype=np.int64), first)
            first += len(starts)

    def code_doc(self, arrays: TokenArrays, text: str, starts: np.ndarray, first: int) -> HitTable:
        """The hits of one doc of joined texts (``arrays`` of :func:`pipe_token_arrays`),
        its texts starting at ``starts`` and numbered from ``first``."""
        if len(arrays.lemma) == 0:
            empty = np.zeros(0, np.int64)
            pieces = np.zeros((0, self._rule_table.width, 2), np.int64)
            return self._make_table(first, starts, [empty] * 5, pieces, text)
        tokens = self._read_tokens(arrays)
        hits = self._rule_table.apply(self._pattern_table.find(tokens), tokens)
        columns, pieces = order_hits(
            hits.code, hits.rule, hits.start, hits.end, hits.pieces, tokens.char_start,
            tokens.char_end, starts,
        )  # fmt: skip
        columns[0] += first
        return self._make_table(first, starts, list(columns), pieces, text)

    def _make_table(
        self,
        first: int,
        starts: np.ndarray,
        columns: list[np.ndarray],
        pieces: np.ndarray,
        source: str,
    ) -> HitTable:
        return HitTable(
            first, len(starts), *columns, pieces, source, starts, self.codes, self.rules
        )

    def _read_tokens(self, arrays: TokenArrays) -> TokenTable:
        negation, sentence, sentence_first = _mark_tokens(
            arrays.lower, arrays.sentence_start, self._negation_words
        )
        return TokenTable(
            **{field.name: getattr(arrays, field.name) for field in fields(arrays)},
            negation=negation,
            sentence=sentence,
            sentence_first=sentence_first,
        )


def _list_labels(code: Code) -> list[str]:
    """Every rule label ``code`` can give, with the ``negated:`` ones of a flip."""
    rules = code.rules
    labels = [f"term:{t}" for t in rules.terms] + [f"phrase:{p}" for p in rules.phrases]
    if rules.negation not in (None, "block"):
        labels += [f"negated:{label}" for label in labels]
    return labels + [f"near:{n}" for n in range(len(rules.near))]


@njit(cache=True)
def _mark_tokens(
    lower: np.ndarray, sentence_start: np.ndarray, negation_words: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compiled: which tokens are negation words, the number of each token's sentence and
    the first token of each sentence (the first token always starts one)."""
    n = len(lower)
    negation, sentence = np.zeros(n, np.bool_), np.empty(n, np.int64)
    firsts = np.empty(n, np.int64)
    count = 0
    for i in range(n):
        for j in range(len(negation_words)):
            if lower[i] == negation_words[j]:
                negation[i] = True
                break
        if sentence_start[i]:
            firsts[count] = i
            count += 1
        sentence[i] = count - 1
    return negation, sentence, firsts[:count].copy()
