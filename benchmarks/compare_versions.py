"""Does training on versions of the labelled sentences help? Cross-validated figures.

Run: ``.venv/bin/python benchmarks/compare_versions.py``. Trains the learned coder three times
with the same grouped folds — on ``data/realtext/train.jsonl`` and the corpus hand coding; on
the same plus the versions in the other written standard from ``data/realtext/versions.jsonl``
(ids ``…~nb``, ``…~nn``); and plus the paraphrases too (ids ``…~para``) — and prints the
cross-validated macro-F1 of themes and stance on the real training sentences, for all of them
and for the bokmål and the nynorsk ones apart. A version sits in the fold of its original and
is never scored. Nothing is measured on the dev set. Takes about two minutes.
"""

from __future__ import annotations

import numpy as np

from thesis_analysis.analysis.evaluation import list_groups
from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.training import build_training_set, compute_f1, train_model
from thesis_analysis.coding.files import load_coder_file
from thesis_analysis.corpus.labelled import LabelledTexts, load_labelled_texts
from thesis_analysis.project import load_project

from common import ROOT


def score(cross_validated, codes: list[str], ids: set[str]) -> float:
    """Macro-F1 over ``codes`` of the combined decisions on the texts ``ids``."""
    part = cross_validated[cross_validated["id"].isin(ids)]
    values = []
    for code in codes:
        rows = part[part["code"] == code]
        if rows["label"].any() or rows["combined"].any():
            values.append(compute_f1(rows["label"].to_numpy(), rows["combined"].to_numpy()))
    return float(np.mean(values)) if values else float("nan")


def main() -> None:
    project = load_project(ROOT)
    known = set(project.codebook.ids())
    labelled = load_labelled_texts(ROOT / "data/realtext/train.jsonl", known)
    versions = load_labelled_texts(ROOT / "data/realtext/versions.jsonl", known)
    manual = load_coder_file(ROOT / "codings/manual.csv")
    langs = labelled.texts.groupby("lang")["id"].agg(set).to_dict()
    subsets = {"all": set(labelled.texts["id"]), **langs}
    groups = list_groups(project.codebook)
    print(f"{'training':16} {'kind':7} " + " ".join(f"{name:>6}" for name in subsets))
    other = versions.texts["id"].str.endswith(("~nb", "~nn"))
    standards = LabelledTexts(
        versions.texts[other], versions.labels[versions.labels["id"].str.endswith(("~nb", "~nn"))]
    )
    trainings = (("no versions", None), ("other standard", standards), ("+ paraphrases", versions))
    for name, extra in trainings:
        data = build_training_set(
            project.codebook, labelled, project.informant_segments, manual, versions=extra
        )
        _, cross_validated = train_model(AutoCoder(project.codebook), data)
        for kind in ("theme", "stance"):
            codes = [c for c in groups[kind] if c in data.codes]
            figures = " ".join(
                f"{score(cross_validated, codes, ids):6.3f}" for ids in subsets.values()
            )
            print(f"{name:16} {kind:7} {figures}")


if __name__ == "__main__":
    main()
