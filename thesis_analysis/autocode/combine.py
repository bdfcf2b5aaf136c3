"""Rules and the learned model together: one pass over the text, codings with a confidence,
a source and evidence.

Each doc of joined texts is read once (:func:`~thesis_analysis.nlp.pipeline.pipe_token_arrays`);
the rule coder and the feature table both work on its token arrays. For each text and
top-level code the model gives a calibrated probability ``p``; a coding is

``both``
    a rule fired and the model agrees (``p`` at or over the code's threshold): confidence
    ``max(p, the rules' precision)``;
``rule``
    a rule fired and the model does not agree, for a code whose policy is ``union`` (or a
    code the model does not predict): confidence the rules' measured precision;
``model``
    the model alone (``p`` over the threshold, no rule): confidence ``p``, evidence the words
    that weighed most.

A rule coding of a code whose policy is ``model`` is dropped where the model disagrees. A text
without a word (empty, digits, punctuation) gets no model coding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from thesis_analysis.autocode.coder import AutoCoder, HitTable
from thesis_analysis.autocode.features import DocTokens, TypeTable, read_doc_tokens
from thesis_analysis.autocode.model import LearnedModel, ModelScorer
from thesis_analysis.autocode.summary import SPAN_JOINER, summarise_tables
from thesis_analysis.codebook.model import compute_top_level
from thesis_analysis.nlp.pipeline import pipe_token_arrays

MODEL_RULE = "model"
EVIDENCE_WORDS = 3
DEFAULT_RULE_PRECISION = 0.5


@dataclass(frozen=True)
class DocResult:
    """The rule hits and featured tokens of one doc of texts.

    Attributes
    ----------
    table : the rule coder's hits.
    tokens : the featured tokens.
    rule_hits : texts × ``rule_codes`` (bool): did a rule give the text a code of that top level.
    """

    table: HitTable
    tokens: DocTokens
    rule_hits: np.ndarray


@dataclass(frozen=True)
class CodedLine:
    """One coding of one text: code, source (rule, model, both), confidence in 0–1, evidence
    (`` | ``-separated), rules (``; ``-separated, ``model`` for the model) and the offsets of
    the first evidence in the text."""

    text: int
    code: str
    source: str
    confidence: float
    evidence: str
    rule: str
    start: int
    end: int


def mark_rule_hits(table: HitTable, rule_codes: tuple[str, ...]) -> np.ndarray:
    """Texts × ``rule_codes``: True where the table has a hit of a code of that top level."""
    column = {code: n for n, code in enumerate(rule_codes)}
    lookup = np.array([column.get(compute_top_level(c), -1) for c in table.codes] + [-1])
    hits = np.zeros((table.n_texts, len(rule_codes)), np.bool_)
    columns = lookup[table.code] if len(table.code) else np.zeros(0, np.int64)
    found = columns >= 0
    hits[table.text[found] - table.first_text, columns[found]] = True
    return hits


def iterate_docs(
    coder: AutoCoder, types: TypeTable, texts: Iterable[str], texts_per_doc: int = 1024
) -> Iterator[DocResult]:
    """Rule hits and featured tokens of ``texts``, ``texts_per_doc`` at a time."""
    first = 0
    for arrays, joined, starts in pipe_token_arrays(coder.nlp, texts, texts_per_doc):
        offsets = np.asarray(starts, dtype=np.int64)
        table = coder.code_doc(arrays, joined, offsets, first)
        tokens = read_doc_tokens(types, arrays, offsets)
        yield DocResult(table, tokens, mark_rule_hits(table, types.spec.rule_codes))
        first += len(starts)


@dataclass(frozen=True)
class CodedDoc:
    """The codings of one doc of texts.

    Attributes
    ----------
    first_text, n_texts : the texts covered, numbered from the first text given.
    lines : the codings, sorted by text and code.
    probability : texts × model codes, calibrated (no columns without a model).
    rule_hits : texts × rule codes (bool), the rules alone.
    """

    first_text: int
    n_texts: int
    lines: list[CodedLine]
    probability: np.ndarray
    rule_hits: np.ndarray


class CombinedCoder:
    """The rule coder and, when given, a learned model: codings with confidence and source.

    Parameters
    ----------
    coder : the rule auto-coder.
    model : the learned model (``None``: rules only, confidence their measured precision
        where known).
    """

    def __init__(self, coder: AutoCoder, model: LearnedModel | None) -> None:
        from thesis_analysis.autocode.features import FeatureSpec

        self.coder, self.model = coder, model
        spec = model.spec if model is not None else FeatureSpec()
        self.types = TypeTable(spec, coder.nlp.vocab.strings)
        self.scorer = ModelScorer(model, self.types) if model is not None else None
        self.nlp = coder.nlp

    def code_docs(self, texts: Iterable[str], texts_per_doc: int = 1024) -> Iterator[CodedDoc]:
        """Code ``texts``, ``texts_per_doc`` at a time: one :class:`CodedDoc` per doc."""
        for doc in iterate_docs(self.coder, self.types, texts, texts_per_doc):
            table = doc.table
            width = len(self.model.codes) if self.model is not None else 0
            probability = np.zeros((table.n_texts, width))
            if self.model is not None:
                scores = self.scorer.score(doc.tokens, doc.rule_hits)
                probability = self.model.calibrate(scores)
                probability[doc.tokens.n_word == 0] = 0.0
            lines = self._combine(doc, table, probability)
            yield CodedDoc(table.first_text, table.n_texts, lines, probability, doc.rule_hits)

    def _combine(self, doc: DocResult, table: HitTable, probability: np.ndarray) -> list[CodedLine]:
        model = self.model
        precision = model.rule_precision if model is not None else {}
        codes = model.codes if model is not None else ()
        column = {code: n for n, code in enumerate(codes)}
        agrees = probability >= model.threshold if model is not None else probability > 0
        lines, ruled = [], set()
        for text, code, evidence, rules, start, end in summarise_tables([table]):
            top = compute_top_level(code)
            number = text - table.first_text
            rule_conf = float(precision.get(top, DEFAULT_RULE_PRECISION))
            if top in column:
                c = column[top]
                ruled.add((number, c))
                if agrees[number, c]:
                    confidence = max(float(probability[number, c]), rule_conf)
                    lines.append(
                        CodedLine(text, code, "both", confidence, evidence, rules, start, end)
                    )
                    continue
                if model.policy[c] == "model":
                    continue
            lines.append(CodedLine(text, code, "rule", rule_conf, evidence, rules, start, end))
        if model is not None:
            lines += self._model_lines(doc, table, probability, agrees, ruled)
        lines.sort(key=lambda line: (line.text, line.code))
        return lines

    def _model_lines(
        self,
        doc: DocResult,
        table: HitTable,
        probability: np.ndarray,
        agrees: np.ndarray,
        ruled: set[tuple[int, int]],
    ) -> list[CodedLine]:
        tokens, lines = doc.tokens, []
        for c, code in enumerate(self.model.codes):
            texts = [t for t in np.flatnonzero(agrees[:, c]).tolist() if (t, c) not in ruled]
            if not texts:
                continue
            weights = self.scorer.weigh_tokens(tokens, c)
            wanted = np.isin(tokens.text, texts) & (weights > 0)
            picked = np.flatnonzero(wanted)
            order = picked[np.lexsort((-weights[picked], tokens.text[picked]))]
            own = tokens.text[order]
            rank = np.arange(len(order)) - np.searchsorted(own, own)
            best = order[rank < EVIDENCE_WORDS]
            best = best[np.lexsort((tokens.char_start[best], tokens.text[best]))]
            by_text: dict[int, list[int]] = {}
            for token, text in zip(best.tolist(), tokens.text[best].tolist(), strict=True):
                by_text.setdefault(text, []).append(token)
            for text in texts:
                chosen = by_text.get(text, [])
                shift = int(table.text_start[text])
                words = [table.source[tokens.char_start[t] : tokens.char_end[t]] for t in chosen]
                start = int(tokens.char_start[chosen[0]]) - shift if chosen else 0
                end = int(tokens.char_end[chosen[0]]) - shift if chosen else 0
                lines.append(
                    CodedLine(
                        table.first_text + text,
                        code,
                        "model",
                        float(probability[text, c]),
                        SPAN_JOINER.join(words),
                        MODEL_RULE,
                        start,
                        end,
                    )  # fmt: skip
                )
        return lines
