"""Compare the learned coder's linear model with spaCy's own ``textcat_multilabel``.

Run: ``.venv/bin/python benchmarks/compare_textcat.py [--epochs N]``. Both are trained on
the same training set (``data/realtext/train.jsonl`` and the corpus hand coding) and scored by
cross-validation with the same grouped folds (by source address, by informant). spaCy's
component is trained from scratch (``spacy.blank("nb")``, its default ensemble model, no
pretrained vectors). For both, the threshold per code is chosen on the out-of-fold
probabilities of the real texts, as the training does, and the figures are macro-F1 over the
real texts' themes and stance. Prints both and which is better; takes a few minutes.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
import spacy
from spacy.training import Example

from thesis_analysis.analysis.evaluation import list_groups
from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.training import (
    REALTEXT,
    build_training_set,
    choose_threshold,
    compute_f1,
    make_folds,
    train_model,
)
from thesis_analysis.coding.files import load_coder_file
from thesis_analysis.corpus.labelled import load_labelled_texts
from thesis_analysis.project import load_project

from common import ROOT

SEED = 14


def train_textcat(texts: list[str], labels: np.ndarray, codes: tuple[str, ...], epochs: int):
    """A blank ``nb`` pipeline with ``textcat_multilabel`` trained on ``texts``."""
    spacy.util.fix_random_seed(SEED)
    nlp = spacy.blank("nb")
    textcat = nlp.add_pipe("textcat_multilabel")
    for code in codes:
        textcat.add_label(code)
    examples = [
        Example.from_dict(
            nlp.make_doc(text), {"cats": dict(zip(codes, map(float, row), strict=True))}
        )
        for text, row in zip(texts, labels.tolist(), strict=True)
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(examples)
        for start in range(0, len(examples), 32):
            nlp.update(examples[start : start + 32], sgd=optimizer, drop=0.2)
    return nlp


def predict_textcat(nlp, texts: list[str], codes: tuple[str, ...]) -> np.ndarray:
    """Probabilities texts × codes."""
    return np.array([[doc.cats[c] for c in codes] for doc in nlp.pipe(texts)])


def score_macro(probability: np.ndarray, labels: np.ndarray, tuned: np.ndarray) -> list[float]:
    """Per code, the F1 on the tuned rows at the threshold chosen on them."""
    scores = []
    for c in range(labels.shape[1]):
        target = labels[tuned, c]
        if not target.any():
            scores.append(float("nan"))
            continue
        cut = choose_threshold(probability[tuned, c], target)
        scores.append(compute_f1(target, probability[tuned, c] >= cut))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    project = load_project(ROOT)
    labelled = load_labelled_texts(ROOT / "data/realtext/train.jsonl")
    manual = load_coder_file(ROOT / "codings/manual.csv")
    data = build_training_set(project.codebook, labelled, project.informant_segments, manual)
    texts = list(data.texts)
    folds = make_folds(data.groups)
    tuned = np.array([o == REALTEXT for o in data.origins])
    started = time.perf_counter()
    probability = np.zeros(data.labels.shape)
    for fold in range(folds.max() + 1):
        test = folds == fold
        train = [t for t, keep in zip(texts, ~test, strict=True) if keep]
        nlp = train_textcat(train, data.labels[~test], data.codes, args.epochs)
        probability[test] = predict_textcat(
            nlp, [t for t, k in zip(texts, test, strict=True) if k], data.codes
        )
    textcat_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _, cross_validated = train_model(AutoCoder(project.codebook), data)
    linear_seconds = time.perf_counter() - started
    linear = cross_validated.pivot(index="id", columns="code", values="probability")
    linear = linear.loc[list(data.ids), list(data.codes)].to_numpy()
    groups = list_groups(project.codebook)
    print(f"training set: {len(texts)} texts, {int(tuned.sum())} real; codes: {data.codes}")
    print(f"{'kind':8} {'textcat_multilabel':>20} {'linear (ours)':>15}")
    results = {}
    for name, values in (("textcat", probability), ("linear", linear)):
        per_code = dict(zip(data.codes, score_macro(values, data.labels, tuned), strict=True))
        results[name] = {
            kind: np.nanmean([per_code[c] for c in codes if c in per_code] or [np.nan])
            for kind, codes in groups.items()
            if kind != "indicator"
        }
    for kind in ("theme", "stance"):
        print(f"{kind:8} {results['textcat'][kind]:20.3f} {results['linear'][kind]:15.3f}")
    print(f"time: textcat {textcat_seconds:.0f} s (CV), linear {linear_seconds:.0f} s (CV + fit)")
    better = (
        "linear"
        if sum(results["linear"].values()) >= sum(results["textcat"].values())
        else "textcat"
    )
    print(f"better by cross-validated macro-F1 (themes + stance): {better}")


if __name__ == "__main__":
    main()
