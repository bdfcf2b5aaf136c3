"""The learned coder's model: a linear score per code, calibrated to a probability.

The model is a weight per feature and code (:mod:`thesis_analysis.autocode.features`), an
intercept, a Platt calibration ``p = 1 / (1 + exp(-(a * score + b)))`` fitted on
cross-validated scores of the training data, a threshold per code (also chosen on
cross-validation) and, per code, how rules and model are joined (``model``: the model
decides; ``union``: a rule hit is kept even where the model is below its threshold).

It is saved in a safe format: ``model.npz`` (numpy arrays only, loaded with
``allow_pickle=False``; only the weight rows that are not zero are stored) and
``model.json`` (codes, feature layout, policies, the rules' measured precision and what the
model was trained on). Nothing is unpickled.

Scoring sums per-type scores: each word type's word and char entries are multiplied by the
weights once, when the type is first met (:class:`ModelScorer`), so a text's score is a
sparse sum over its tokens, with no Python per token.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from thesis_analysis.autocode.features import DocTokens, FeatureSpec, TypeTable, _inverse_root
from thesis_analysis.errors import InputError
from thesis_analysis.writers import write_bytes_atomic, write_text_atomic

MODEL_FILE, META_FILE = "model.npz", "model.json"
FORMAT = 1


@dataclass(frozen=True)
class LearnedModel:
    """A trained linear multi-label model.

    Attributes
    ----------
    spec : the feature layout.
    codes : the codes it predicts (top-level codes), sorted.
    weights : ``n_features × codes`` (float64).
    intercept, platt_a, platt_b, threshold : one per code.
    policy : per code, ``model`` or ``union`` (see the module docstring).
    rule_precision : the rules' precision per top-level code, measured on the training texts.
    info : what the model was trained on and its cross-validated figures (JSON-able).
    """

    spec: FeatureSpec
    codes: tuple[str, ...]
    weights: np.ndarray
    intercept: np.ndarray
    platt_a: np.ndarray
    platt_b: np.ndarray
    threshold: np.ndarray
    policy: tuple[str, ...]
    rule_precision: dict[str, float] = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities (texts × codes) from raw scores."""
        return 1.0 / (1.0 + np.exp(-(scores * self.platt_a + self.platt_b)))


def save_model(model: LearnedModel, folder: Path) -> list[Path]:
    """Write ``model.npz`` and ``model.json`` into ``folder`` (atomically)."""
    folder = Path(folder)
    rows = np.flatnonzero(np.any(model.weights != 0, axis=1))
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        rows=rows.astype(np.int64),
        values=model.weights[rows].astype(np.float32),
        intercept=model.intercept,
        platt_a=model.platt_a,
        platt_b=model.platt_b,
        threshold=model.threshold,
    )
    meta = {
        "format": FORMAT,
        "spec": asdict(model.spec),
        "codes": list(model.codes),
        "policy": list(model.policy),
        "rule_precision": model.rule_precision,
        "info": model.info,
    }
    write_bytes_atomic(folder / MODEL_FILE, buffer.getvalue())
    text = json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_text_atomic(folder / META_FILE, text)
    return [folder / MODEL_FILE, folder / META_FILE]


def load_model(folder: Path) -> LearnedModel:
    """Read a model saved by :func:`save_model` (no pickle)."""
    folder = Path(folder)
    npz, meta_path = folder / MODEL_FILE, folder / META_FILE
    if not npz.is_file() or not meta_path.is_file():
        raise InputError(f"{folder}: no model ({MODEL_FILE}, {META_FILE}); train one first")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise InputError(f"{meta_path}: model format {meta.get('format')}, expected {FORMAT}")
    spec_fields = dict(meta["spec"])
    spec_fields["rule_codes"] = tuple(spec_fields["rule_codes"])
    spec = FeatureSpec(**spec_fields)
    with np.load(npz, allow_pickle=False) as arrays:
        data = {name: arrays[name] for name in arrays.files}
    weights = np.zeros((spec.n_features, len(meta["codes"])), np.float64)
    weights[data["rows"]] = data["values"]
    return LearnedModel(
        spec, tuple(meta["codes"]), weights, data["intercept"], data["platt_a"],
        data["platt_b"], data["threshold"], tuple(meta["policy"]), meta["rule_precision"],
        meta["info"],
    )  # fmt: skip


class ModelScorer:
    """Scores texts with a model, keeping each word type's score (one row per type of the
    :class:`TypeTable`, computed when the type is first scored)."""

    def __init__(self, model: LearnedModel, types: TypeTable) -> None:
        if types.spec != model.spec:
            raise ValueError("the type table's feature layout is not the model's")
        self.model, self.types = model, types
        spec, width = model.spec, len(model.codes)
        self._word_weights = np.ascontiguousarray(model.weights[: spec.n_word])
        self._char_weights = np.ascontiguousarray(model.weights[spec.n_word : spec.rule_offset])
        self._rule_weights = model.weights[spec.rule_offset :]
        self.word_part = np.zeros((0, width), np.float32)
        self.char_part = np.zeros((0, width), np.float32)

    def _update_types(self) -> None:
        done, count = len(self.word_part), self.types.count
        if done == count:
            return
        spec = self.model.spec
        matrix = self.types.to_matrix(done, count)
        word = matrix[:, : spec.n_word] @ self._word_weights
        char = matrix[:, spec.n_word : spec.rule_offset] @ self._char_weights
        # float32 per type: half the memory of a large vocabulary, far finer than calibration
        self.word_part = np.concatenate([self.word_part, word.astype(np.float32)])
        self.char_part = np.concatenate([self.char_part, char.astype(np.float32)])

    def score(self, tokens: DocTokens, rule_hits: np.ndarray) -> np.ndarray:
        """Raw scores (texts × codes) of a doc's texts: the same numbers as the explicit
        feature matrix times the weights, plus the intercept."""
        from scipy.sparse import csr_matrix

        self._update_types()
        n_texts, n_types = len(tokens.n_word), self.types.count
        counts = csr_matrix(
            (np.ones(len(tokens.row)), (tokens.text, tokens.row)), shape=(n_texts, n_types)
        )
        pairs = csr_matrix(
            (np.ones(len(tokens.pair_text)), (tokens.pair_text, tokens.pair_column)),
            shape=(n_texts, self.model.spec.n_word),
        )
        word = (counts @ self.word_part + pairs @ self._word_weights) * _inverse_root(
            tokens.n_word
        )[:, None]
        char = (counts @ self.char_part) * _inverse_root(tokens.n_char)[:, None]
        rules = rule_hits.astype(np.float64) @ self._rule_weights
        return word + char + rules + self.model.intercept

    def weigh_tokens(self, tokens: DocTokens, code: int) -> np.ndarray:
        """How much each featured token adds to its text's score of code number ``code``
        (its word and char entries; bigrams are left out)."""
        self._update_types()
        word = self.word_part[tokens.row, code] * _inverse_root(tokens.n_word)[tokens.text]
        char = self.char_part[tokens.row, code] * _inverse_root(tokens.n_char)[tokens.text]
        return word + char
