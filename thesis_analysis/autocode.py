"""The auto-coder: codebook rules → spaCy matchers → codings with evidence.

Rule semantics are specified in ``docs/codebook-format.md``. Every term, phrase and
exclusion is compiled once into three :class:`~spacy.matcher.PhraseMatcher` s, on ``LOWER``
(the word as written), ``LEMMA`` (our lemma) and ``NORM`` (the Snowball stem of the compound
head, set by :mod:`thesis_analysis.nlp`); phrases with ``*`` go to a :class:`Matcher`. The
matchers run in compiled code; Python only looks at the (few) matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from thesis_analysis.codebook import Codebook, Rules
from thesis_analysis.nlp import get_pipeline

NEGATIONS = frozenset({"ikke", "aldri", "ingen", "intet", "ingenting", "verken", "neppe", "uten"})
NEGATION_WINDOW = 3
SEP = "\x1f"


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
        self._matchers = {
            attr: PhraseMatcher(vocab, attr=attr) for attr in ("LOWER", "LEMMA", "NORM")
        }
        self._wildcards = Matcher(vocab)
        self._negation = {code.id: code.rules.negation for code in codebook.codes}
        self._near: dict[str, list[tuple[int, tuple[tuple[str, ...], ...], int]]] = {}
        for code in codebook.codes:
            if code.codable:
                self._compile_code(code.id, code.rules)

    # -- compiling ---------------------------------------------------------------------------
    def _compile_code(self, code_id: str, rules: Rules) -> None:
        for term in rules.terms:
            self._add_item(code_id, "term", term)
        for phrase in rules.phrases:
            self._add_item(code_id, "phrase", phrase)
        for item in rules.exclude:
            self._add_item(code_id, "exclude", item)
        for number, near in enumerate(rules.near):
            for group_number, group in enumerate(near.groups):
                for item in group:
                    self._add_item(code_id, f"near{number}.{group_number}", item)
            self._near.setdefault(code_id, []).append((number, near.groups, near.window))

    def _add_item(self, code_id: str, kind: str, item: str) -> None:
        exact = item.startswith("=")
        text = item.removeprefix("=").strip().lower()
        key = SEP.join((code_id, kind, item))
        words = text.split()
        if "*" in words:
            self._wildcards.add(
                key, [self._wildcard_pattern(words, attr) for attr in ("LOWER", "LEMMA")]
            )
            return
        lower_doc = self.nlp.make_doc(text)
        lemma_doc = self.nlp.get_pipe("nb_lemmas")(self.nlp.make_doc(text))
        self._matchers["LOWER"].add(key, [lower_doc])
        self._matchers["LEMMA"].add(key, [lemma_doc, self._as_lemmas(text)])
        if not exact:
            self._matchers["NORM"].add(key, [lemma_doc])

    def _as_lemmas(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.lemma_ = token.lower_
        return doc

    def _wildcard_pattern(self, words: list[str], attr: str) -> list[dict]:
        lemmatize = self.nlp.get_pipe("nb_lemmas")
        pattern: list[dict] = []
        for word in words:
            if word == "*":
                pattern.append({})
            elif attr == "LOWER":
                pattern.append({"LOWER": word})
            else:
                pattern.append({"LEMMA": lemmatize(self.nlp.make_doc(word))[0].lemma_})
        return pattern

    # -- coding ------------------------------------------------------------------------------
    def code_doc(self, doc: Doc) -> list[list[Hit]]:
        """Code each sentence of ``doc``; return one list of hits per sentence."""
        matches: set[tuple[str, int, int]] = set()
        strings = self.nlp.vocab.strings
        for matcher in self._matchers.values():
            matches.update((strings[m], s, e) for m, s, e in matcher(doc))
        matches.update((strings[m], s, e) for m, s, e in self._wildcards(doc))
        sentences = list(doc.sents)
        by_sentence: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        starts = [s.start for s in sentences]
        for key, start, end in matches:
            index = _find_sentence(starts, start)
            by_sentence[index].append((key, start, end))
        return [
            self._code_sentence(sent, found)
            for sent, found in zip(sentences, by_sentence, strict=True)
        ]

    def _code_sentence(self, sent: Span, found: list[tuple[str, int, int]]) -> list[Hit]:
        per_code: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
        for key, start, end in sorted(found, key=lambda m: (m[1], m[2], m[0])):
            code_id, kind, item = key.split(SEP)
            per_code[code_id].append((kind, item, start, end))
        hits: list[Hit] = []
        doc = sent.doc
        for code_id in sorted(per_code):
            items = per_code[code_id]
            if any(kind == "exclude" for kind, *_ in items):
                continue
            for kind, item, start, end in items:
                if kind in ("term", "phrase"):
                    hit = self._apply_negation(code_id, f"{kind}:{item}", doc, start, end, sent)
                    if hit is not None:
                        hits.append(hit)
            hits.extend(self._near_hits(code_id, items, doc))
        return _deduplicate(hits)

    def _apply_negation(
        self, code_id: str, rule: str, doc: Doc, start: int, end: int, sent: Span
    ) -> Hit | None:
        span = doc[start:end]
        hit = Hit(code_id, rule, span.text, span.start_char, span.end_char)
        action = self._negation.get(code_id)
        if not action or any(t.lower_ in NEGATIONS for t in span):
            return hit
        before = doc[max(sent.start, start - NEGATION_WINDOW) : start]
        negator = next((t for t in reversed(before) if t.lower_ in NEGATIONS), None)
        if negator is None:
            return hit
        if action == "block":
            return None
        evidence = doc[negator.i : end]
        return Hit(action, f"negated:{rule}", evidence.text, evidence.start_char, evidence.end_char)

    def _near_hits(
        self, code_id: str, items: list[tuple[str, str, int, int]], doc: Doc
    ) -> list[Hit]:
        hits = []
        for number, groups, window in self._near.get(code_id, []):
            positions = [
                [(s, e) for kind, _, s, e in items if kind == f"near{number}.{g}"]
                for g in range(len(groups))
            ]
            if not all(positions):
                continue
            for anchor in positions[0]:
                chosen = [anchor] + [
                    min(p, key=lambda se: abs(se[0] - anchor[0])) for p in positions[1:]
                ]
                first = min(s for s, _ in chosen)
                last = max(e for _, e in chosen)
                if last - first - 1 <= window:
                    span = doc[first:last]
                    words = " … ".join(doc[s:e].text for s, e in sorted(chosen))
                    hits.append(
                        Hit(code_id, f"near:{number}", words, span.start_char, span.end_char)
                    )
                    break
        return hits

    def code_texts(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[list[Hit]]:
        """Code whole texts: for each text, the hits of all its sentences."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield [hit for sentence_hits in self.code_doc(doc) for hit in sentence_hits]


def _find_sentence(starts: list[int], token: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= token:
            low = middle
        else:
            high = middle - 1
    return low


def _deduplicate(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[str, str, int, int], Hit] = {}
    for hit in hits:
        seen.setdefault((hit.code, hit.rule, hit.start, hit.end), hit)
    return sorted(seen.values(), key=lambda h: (h.code, h.start, h.end, h.rule))
