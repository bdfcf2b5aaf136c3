"""How far can the learned coder get on real text with more data? A diagnostic, not a choice.

Run: ``.venv/bin/python benchmarks/realtext_ceiling.py`` (needs ``../shared/realtext/dev.jsonl``;
about three minutes). Trains the coder as ``thesis-analysis train`` does (one ``C``, for time)
on 1/8, 1/4, 1/2 and all of the training sources (whole sources drawn with a fixed seed, their
versions with them, the corpus always), and prints macro-F1 of themes and stance:

- ``cv``: cross-validated on the training sentences used (thresholds chosen there);
- ``dev``: on the dev set at those thresholds — the figure to expect;
- ``dev, best threshold``: on the dev set with each code's threshold chosen ON THE DEV SET.
  This is not a result (it tunes on dev, which nothing else here does); it is a ceiling: no
  threshold can make this model score higher, so it shows whether a target is within reach
  of the model at all, and how the ceiling grows with the data.
"""

from __future__ import annotations

import numpy as np

from thesis_analysis.analysis.evaluation import list_groups
from thesis_analysis.analysis.learned_evaluation import build_gold
from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.training import (
    REALTEXT,
    build_training_set,
    compute_f1,
    featurize_texts,
    train_model,
)
from thesis_analysis.coding.files import load_coder_file
from thesis_analysis.corpus.labelled import LabelledTexts, load_labelled_texts
from thesis_analysis.project import load_project

from common import ROOT

FRACTIONS = (0.125, 0.25, 0.5, 1.0)
SEED = 3


def take_sources(texts: LabelledTexts, urls: set[str]) -> LabelledTexts:
    """The texts (and their labels) whose source address is in ``urls``."""
    kept = texts.texts[texts.texts["url"].isin(urls)]
    return LabelledTexts(kept, texts.labels[texts.labels["id"].isin(set(kept["id"]))])


def find_best_f1(gold: np.ndarray, probability: np.ndarray) -> float:
    """The highest F1 any threshold gives (thresholds at the probabilities themselves)."""
    return max(compute_f1(gold, probability >= cut) for cut in np.unique(probability))


def main() -> None:
    project = load_project(ROOT)
    known = set(project.codebook.ids())
    labelled = load_labelled_texts(ROOT / "data/realtext/train.jsonl", known)
    versions = load_labelled_texts(ROOT / "data/realtext/versions.jsonl", known)
    dev = load_labelled_texts(ROOT.parent / "shared/realtext/dev.jsonl", known)
    manual = load_coder_file(ROOT / "codings/manual.csv")
    coder = AutoCoder(project.codebook)
    groups = list_groups(project.codebook)
    urls = sorted(set(labelled.texts["url"]))
    order = np.random.default_rng(SEED).permutation(len(urls))
    header = ("sources", "sentences", "kind", "cv", "dev", "dev, best threshold")
    print("{:>8} {:>9} {:7} {:>6} {:>6} {:>20}".format(*header))
    for fraction in FRACTIONS:
        chosen = {urls[i] for i in order[: max(1, int(fraction * len(urls)))]}
        part = take_sources(labelled, chosen)
        data = build_training_set(
            project.codebook, part, project.informant_segments, manual,
            versions=take_sources(versions, chosen),
        )  # fmt: skip
        model, cross_validated = train_model(coder, data, c_grid=(2.0,))
        matrix, _ = featurize_texts(coder, model.spec, dev.texts["text"].tolist())
        probability = model.calibrate(matrix @ model.weights + model.intercept)
        gold = build_gold(dev, model.codes)
        tuned = cross_validated[cross_validated["origin"] == REALTEXT]
        for kind in ("theme", "stance"):
            codes = [c for c in groups[kind] if c in model.codes]
            cv, found, best = [], [], []
            for code in codes:
                c = model.codes.index(code)
                rows = tuned[tuned["code"] == code]
                cv.append(compute_f1(rows["label"].to_numpy(), rows["model"].to_numpy()))
                found.append(compute_f1(gold[:, c], probability[:, c] >= model.threshold[c]))
                best.append(find_best_f1(gold[:, c], probability[:, c]))
            print(
                f"{len(chosen):8d} {len(part.texts):9d} {kind:7} {np.mean(cv):6.3f} "
                f"{np.mean(found):6.3f} {np.mean(best):20.3f}"
            )


if __name__ == "__main__":
    main()
