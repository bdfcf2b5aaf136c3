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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from thesis_analysis.autocode.coder import AutoCoder, HitTable
from thesis_analysis.autocode.features import DocTokens, TypeTable, read_doc_tokens
from thesis_analysis.autocode.model import LearnedModel, ModelScorer
from thesis_analysis.autocode.summary import SPAN_JOINER, summarise_tables
from thesis_analysis.codebook.model import Codebook, compute_top_level
from thesis_analysis.nlp.pipeline import pipe_token_arrays

MODEL_RULE = "model"
EVIDENCE_WORDS = 3
DEFAULT_RULE_PRECISION = 0.5
KNOWN_SOURCES = frozenset({"lexicon", "compound", "stopword"})
MIN_KNOWN_SHARE = 0.6


@dataclass(frozen=True)
class DocResult:
    """The rule hits and featured tokens of one doc of texts.

    Attributes
    ----------
    table : the rule coder's hits.
    tokens : the featured tokens (``None`` when only the rules are run).
    rule_hits : texts × ``rule_codes`` (bool): did a rule give the text a code of that top level.
    """

    table: HitTable
    tokens: DocTokens | None
    rule_hits: np.ndarray


@dataclass(frozen=True)
class CodedLines:
    """The codings of a doc's texts, one entry per text and code, sorted by text and code.

    Attributes
    ----------
    text : each coding's text number (counted from the first text given).
    code, source : the code, and ``rule``, ``model`` or ``both``.
    confidence : in 0–1 (see the module docstring).
    evidence : the matched words, or the words that weighed most (`` | ``-separated).
    rule : the rules that fired (``; ``-separated), ``model`` for a model-only coding.
    start, end : the offsets of the first evidence in the text.
    """

    text: np.ndarray
    code: list[str]
    source: list[str]
    confidence: np.ndarray
    evidence: list[str]
    rule: list[str]
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.text)

    def iterate_rows(self) -> Iterator[tuple[int, str, str, float, str, str, int, int]]:
        """``(text, code, source, confidence, evidence, rule, start, end)`` per coding."""
        columns = (self.text.tolist(), self.code, self.source, self.confidence.tolist(),
                   self.evidence, self.rule, self.start.tolist(), self.end.tolist())  # fmt: skip
        return zip(*columns, strict=True)


def list_top_codes(codebook: Codebook) -> tuple[str, ...]:
    """Every top-level code of the codebook that has a codable code, sorted."""
    return tuple(sorted({compute_top_level(c.id) for c in codebook.codes if c.codable}))


def make_known_test(nlp) -> Callable[[str], bool]:
    """Whether the Norwegian lemmatizer knows a word (bokmål or nynorsk lexicon, a compound
    of known words, or a stop word) rather than only stemming it."""
    lemmas = nlp.get_pipe("nb_lemmas")
    return lambda word: lemmas.analyse(word).source in KNOWN_SOURCES


def is_norwegian(tokens: DocTokens) -> np.ndarray:
    """Per text: has words, and at least :data:`MIN_KNOWN_SHARE` of them are known words.
    Texts that fail (empty, numbers, another language) get no model coding."""
    return (tokens.n_tokens > 0) & (tokens.n_known >= MIN_KNOWN_SHARE * tokens.n_tokens)


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
    coder: AutoCoder,
    types: TypeTable,
    texts: Iterable[str],
    texts_per_doc: int = 1024,
    features: bool = True,
) -> Iterator[DocResult]:
    """Rule hits and featured tokens of ``texts``, ``texts_per_doc`` at a time (``features``
    false: no tokens, for the rules alone)."""
    first = 0
    for arrays, joined, starts in pipe_token_arrays(coder.nlp, texts, texts_per_doc):
        offsets = np.asarray(starts, dtype=np.int64)
        table = coder.code_doc(arrays, joined, offsets, first)
        tokens = read_doc_tokens(types, arrays, offsets) if features else None
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
    lines: CodedLines
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
        spec = (
            model.spec
            if model is not None
            else FeatureSpec(rule_codes=list_top_codes(coder.codebook))
        )
        from spacy.lang.nb.stop_words import STOP_WORDS

        known = make_known_test(coder.nlp)
        self.types = TypeTable(spec, coder.nlp.vocab.strings, known, frozenset(STOP_WORDS))
        self.scorer = ModelScorer(model, self.types) if model is not None else None
        self.nlp = coder.nlp

    def code_docs(self, texts: Iterable[str], texts_per_doc: int = 1024) -> Iterator[CodedDoc]:
        """Code ``texts``, ``texts_per_doc`` at a time: one :class:`CodedDoc` per doc."""
        features = self.model is not None
        for doc in iterate_docs(self.coder, self.types, texts, texts_per_doc, features):
            table = doc.table
            width = len(self.model.codes) if self.model is not None else 0
            probability = np.zeros((table.n_texts, width))
            if self.model is not None:
                scores = self.scorer.score(doc.tokens, doc.rule_hits)
                probability = self.model.calibrate(scores)
                probability[~is_norwegian(doc.tokens)] = 0.0
            lines = self._combine(doc, table, probability)
            yield CodedDoc(table.first_text, table.n_texts, lines, probability, doc.rule_hits)

    def _combine(self, doc: DocResult, table: HitTable, probability: np.ndarray) -> CodedLines:
        model = self.model
        rule_lines = list(summarise_tables([table]))
        if model is None:  # the rules alone: their lines as they are (already in order)
            columns = list(zip(*rule_lines, strict=True)) or [()] * 6
            return CodedLines(
                np.array(columns[0], np.int64), list(columns[1]), ["rule"] * len(rule_lines),
                np.full(len(rule_lines), DEFAULT_RULE_PRECISION), list(columns[2]),
                list(columns[3]), np.array(columns[4], np.int64), np.array(columns[5], np.int64),
            )  # fmt: skip
        column = {code: n for n, code in enumerate(model.codes)}
        text = np.array([line[0] for line in rule_lines], np.int64) - table.first_text
        tops = [compute_top_level(line[1]) for line in rule_lines]
        col = np.array([column.get(top, -1) for top in tops], np.int64)
        rule_conf = np.array(
            [model.rule_precision.get(t, DEFAULT_RULE_PRECISION) for t in tops], float
        )
        agrees = probability >= model.threshold
        known = col >= 0
        both = np.zeros(len(text), np.bool_)
        both[known] = agrees[text[known], col[known]]
        union = np.array([p == "union" for p in model.policy] + [True])
        keep = both | union[col]
        p = np.where(known, probability[text, np.maximum(col, 0)], 0.0)
        confidence = np.where(both, np.maximum(p, rule_conf), rule_conf)
        ruled = np.zeros(agrees.shape, np.bool_)
        ruled[text[known], col[known]] = True
        kept = np.flatnonzero(keep).tolist()
        lines = [rule_lines[i] for i in kept]
        rules_part = (
            text[kept] + table.first_text,
            [line[1] for line in lines],
            ["both" if b else "rule" for b in both[kept].tolist()],
            confidence[kept],
            [line[2] for line in lines],
            [line[3] for line in lines],
            np.array([line[4] for line in lines], np.int64),
            np.array([line[5] for line in lines], np.int64),
        )
        model_part = self._model_lines(doc, table, probability, agrees & ~ruled)
        return _join_lines([rules_part, model_part])

    def _model_lines(
        self, doc: DocResult, table: HitTable, probability: np.ndarray, wanted: np.ndarray
    ) -> tuple:
        """The model-only codings (``wanted``: texts × codes), with the words that weighed
        most as evidence."""
        tokens = doc.tokens
        wanted[~is_norwegian(tokens)] = False
        pairs = np.argwhere(wanted)  # sorted by text, then code
        evidence, starts, ends = [], np.zeros(len(pairs), np.int64), np.zeros(len(pairs), np.int64)
        chosen: dict[tuple[int, int], list[int]] = {}
        for c in np.unique(pairs[:, 1]).tolist():
            texts = pairs[pairs[:, 1] == c, 0]
            weights = self.scorer.weigh_tokens(tokens, c)
            content = ~self.types.stop[tokens.row]  # stop words weigh, but say little
            picked = np.flatnonzero(np.isin(tokens.text, texts) & (weights > 0) & content)
            order = picked[np.lexsort((-weights[picked], tokens.text[picked]))]
            own = tokens.text[order]
            best = order[(np.arange(len(order)) - np.searchsorted(own, own)) < EVIDENCE_WORDS]
            best = best[np.lexsort((tokens.char_start[best], tokens.text[best]))]
            for token, text in zip(best.tolist(), tokens.text[best].tolist(), strict=True):
                chosen.setdefault((text, c), []).append(token)
        for n, (text, c) in enumerate(pairs.tolist()):
            found = chosen.get((text, c), [])
            shift = int(table.text_start[text])
            evidence.append(
                SPAN_JOINER.join(
                    table.source[tokens.char_start[t] : tokens.char_end[t]] for t in found
                )
            )
            if found:
                starts[n] = tokens.char_start[found[0]] - shift
                ends[n] = tokens.char_end[found[0]] - shift
        codes = self.model.codes
        return (
            pairs[:, 0] + table.first_text,
            [codes[c] for c in pairs[:, 1].tolist()],
            ["model"] * len(pairs),
            probability[pairs[:, 0], pairs[:, 1]],
            evidence,
            [MODEL_RULE] * len(pairs),
            starts,
            ends,
        )


def _join_lines(parts: list[tuple]) -> CodedLines:
    """Concatenate columns of codings and sort them by text and code."""
    columns = [
        np.concatenate([p[k] for p in parts])
        if k in (0, 3, 6, 7)
        else sum((p[k] for p in parts), [])
        for k in range(8)
    ]
    codes = columns[1]
    ranks = {code: n for n, code in enumerate(sorted(set(codes)))}
    order = np.lexsort((np.array([ranks[c] for c in codes], np.int64), columns[0])).tolist()
    picked = [
        column[order] if k in (0, 3, 6, 7) else [column[i] for i in order]
        for k, column in enumerate(columns)
    ]
    return CodedLines(
        picked[0].astype(np.int64), picked[1], picked[2], picked[3].astype(np.float64),
        picked[4], picked[5], picked[6].astype(np.int64), picked[7].astype(np.int64),
    )  # fmt: skip


def encode_coded_lines(lines: CodedLines, ids: list[str], first: int) -> bytes:
    """The CSV lines of ``code-texts`` — ``id, code, evidence, confidence, source, rule,
    evidence_start, evidence_end`` — as UTF-8 bytes; ``ids`` are the ids of the texts from
    number ``first`` on. Quoted as :mod:`csv` quotes, and a line with a bare carriage return
    in a field quoted whole (as :func:`~thesis_analysis.autocode.summary.encode_csv_lines`)."""
    import csv
    import io

    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    guarded = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for text, code, source, confidence, evidence, rule, start, end in lines.iterate_rows():
        row = (ids[text - first], code, evidence, f"{confidence:.4f}", source, rule, start, end)
        if "\r" in row[0] or "\r" in evidence:
            guarded.writerow(row)
        else:
            plain.writerow(row)
    return buffer.getvalue().encode("utf-8")
