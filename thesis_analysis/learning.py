"""The learned coder's steps that read and write: train, evaluate on real text, review queue.

The real-text model is trained from ``data/realtext/train.jsonl`` (with
``data/realtext/versions.jsonl``, its sentences in the other written standard, when present)
and the corpus hand coding, and saved in ``models/realtext/``; a project's own model
(``train --project``) is trained from its hand coding alone and saved in ``models/project/``,
and is used instead when it is there. ``make run`` only loads the committed model: it never trains.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.errors import InputError
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project import Project
from thesis_analysis.writers import write_csv_atomic, write_table

if TYPE_CHECKING:
    import pandas as pd

TRAIN_FILE = Path("data/realtext/train.jsonl")
VERSIONS_FILE = Path("data/realtext/versions.jsonl")  # the same sentences in the other standard
DEV_FILE = Path("../shared/realtext/dev.jsonl")
REALTEXT_MODEL, PROJECT_MODEL = Path("models/realtext"), Path("models/project")
CV_FILE = "cross_validation.csv"


def find_model_folder(paths: ProjectPaths) -> Path | None:
    """The model a project codes with: its own (``models/project``), else the real-text one
    (``models/realtext``), else none."""
    for folder in (PROJECT_MODEL, REALTEXT_MODEL):
        if (paths.root / folder / "model.npz").is_file():
            return paths.root / folder
    return None


def make_coder(project: Project, use_model: bool = True):
    """The combined coder of a project: its rules and, when there is one, its model."""
    return load_coder(project.paths, project.codebook, use_model)


def load_coder(paths: ProjectPaths, codebook, use_model: bool = True):
    """The combined coder of the project at ``paths`` with ``codebook``: the rules and the
    model of :func:`find_model_folder` (none with ``use_model`` false)."""
    from thesis_analysis.autocode.coder import AutoCoder
    from thesis_analysis.autocode.combine import CombinedCoder
    from thesis_analysis.autocode.model import load_model

    folder = find_model_folder(paths) if use_model else None
    model = load_model(folder) if folder is not None else None
    return CombinedCoder(AutoCoder(codebook), model)


def load_hand_coding(project: Project, coder: str = "manual") -> pd.DataFrame | None:
    """The project's hand coding ``codings/<coder>.csv``, or ``None`` when there is none."""
    from thesis_analysis.coding.files import load_coder_file

    path = project.paths.codings / f"{coder}.csv"
    return load_coder_file(path, project.codebook) if path.is_file() else None


def train_project(project: Project, own: bool = False, coder: str = "manual") -> str:
    """Train and save a model: the real-text model (``train.jsonl`` and the corpus hand
    coding) or, with ``own``, the project's own model from its hand coding alone."""
    import pandas as pd

    from thesis_analysis.analysis.learned_evaluation import score_cross_validated
    from thesis_analysis.autocode.coder import AutoCoder
    from thesis_analysis.autocode.model import save_model
    from thesis_analysis.autocode.training import build_training_set, train_model
    from thesis_analysis.corpus.labelled import load_labelled_texts

    started = time.perf_counter()
    manual = load_hand_coding(project, coder)
    labelled = versions = None
    known = set(project.codebook.ids())
    if not own:
        labelled = load_labelled_texts(project.paths.root / TRAIN_FILE, known)
        if (project.paths.root / VERSIONS_FILE).is_file():
            versions = load_labelled_texts(project.paths.root / VERSIONS_FILE, known)
    elif manual is None:
        raise InputError(f"{project.paths.codings / (coder + '.csv')}: no hand coding to learn")
    data = build_training_set(
        project.codebook, labelled, project.informant_segments, manual, versions=versions
    )
    if not data.codes:
        raise InputError("too few hand-coded examples: no code has enough positives to learn")
    model, cross_validated = train_model(AutoCoder(project.codebook), data)
    folder = project.paths.root / (PROJECT_MODEL if own else REALTEXT_MODEL)
    written = save_model(model, folder)
    scores, calibration = score_cross_validated(cross_validated, project.codebook,
                                                model.rule_precision)  # fmt: skip
    table = pd.concat([scores.round(4), calibration.round(4)], ignore_index=True)
    write_csv_atomic(folder / CV_FILE, table)
    seconds = time.perf_counter() - started
    macro = scores[scores["code"] == "(macro)"][["set", "kind", "method", "f1"]].round(3)
    return (
        f"trained on {len(data.texts)} texts ({model.info['texts']}) in {seconds:.1f} s; "
        f"codes: {', '.join(model.codes)}\n→ {', '.join(str(p) for p in written)}, "
        f"{folder / CV_FILE}\ncross-validated macro-F1:\n{macro.to_string(index=False)}"
    )


def evaluate_learned(project: Project, dev: Path | None = None) -> str:
    """Rules, model, combined and naive on the dev set (if present), the cross-validated
    training figures and the corpus hand coding; write ``results/evaluation_realtext`` and
    ``results/calibration`` (CSV and Markdown)."""
    import pandas as pd

    from thesis_analysis.analysis.learned_evaluation import evaluate_labelled
    from thesis_analysis.corpus.labelled import LabelledTexts, load_labelled_texts

    coder = make_coder(project)
    lines, scores, calibrations = [], [], []
    dev = project.paths.root / DEV_FILE if dev is None else Path(dev)
    if dev.is_file():
        labelled = load_labelled_texts(dev, set(project.codebook.ids()))
        score, calibration = evaluate_labelled(coder, labelled, project.codebook, "dev")
        scores.append(score)
        calibrations.append(calibration)
    else:
        lines.append(f"no dev set at {dev}: real-text figures are the cross-validated ones")
    folder = find_model_folder(project.paths)
    if folder is not None and (folder / CV_FILE).is_file():
        saved = pd.read_csv(folder / CV_FILE)
        scores.append(saved[saved["method"].notna()])
        calibrations.append(saved[saved["bin"].notna()])
    manual = load_hand_coding(project)
    if manual is not None:
        segments = project.informant_segments
        texts = pd.DataFrame({"id": segments["segment_id"], "text": segments["text"]})
        for column in ("source", "url", "lang", "kind"):
            texts[column] = ""
        labels = manual[["segment_id", "code"]].rename(columns={"segment_id": "id"})
        corpus = LabelledTexts(texts, labels)
        name = "corpus (trained on)" if coder.model is not None else "corpus"
        score, calibration = evaluate_labelled(coder, corpus, project.codebook, name)
        scores.append(score)
        calibrations.append(calibration)
    from thesis_analysis.analysis.learned_evaluation import CALIBRATION_COLUMNS, SCORE_COLUMNS

    table = pd.concat(scores, ignore_index=True)[SCORE_COLUMNS]
    calibration = pd.concat(calibrations, ignore_index=True)[CALIBRATION_COLUMNS]
    calibration = calibration.astype({"n_codings": int, "n_right": int})
    write_table(table.round(4), project.paths.results, "evaluation_realtext")
    write_table(calibration.round(4), project.paths.results, "calibration")
    macro = table[table["code"] == "(macro)"]
    shown = macro[["set", "kind", "method", "precision", "recall", "f1", "f1_low", "f1_high"]]
    lines += [
        "macro-F1 per set, kind and method (f1_low/f1_high: 95 % bootstrap interval):",
        shown.round(3).to_string(index=False),
        "",
        "calibration (share of codings right by confidence):",
        calibration.round(3).to_string(index=False),
        "→ results/evaluation_realtext.csv, .md; results/calibration.csv, .md",
    ]
    return "\n".join(lines)


def run_review_queue(root: Path, out: Path | None = None, limit: int = 20) -> str:
    """The review queue of the project's informant segments: written to ``out`` (``.csv`` or
    ``.md``) or its first ``limit`` rows returned as text."""
    from thesis_analysis.autocode.queue import build_review_queue
    from thesis_analysis.project import load_project
    from thesis_analysis.writers import format_markdown, write_text_atomic

    if out is not None and out.suffix not in (".csv", ".md"):
        raise InputError(f"{out}: give a .csv or .md file")
    project = load_project(Path(root))
    coder = make_coder(project)
    segments = project.informant_segments
    ids, texts = segments["segment_id"].tolist(), segments["text"].tolist()
    queue = build_review_queue(ids, texts, coder.code_docs(texts), coder.model)
    source = "rules and model" if coder.model is not None else "rules only (no model)"
    if out is None:
        shown = queue.head(limit).drop(columns=["text"])
        return f"review queue ({source}), {len(queue)} rows:\n{shown.to_string(index=False)}"
    if out.suffix == ".csv":
        write_csv_atomic(out, queue)
    else:
        write_text_atomic(out, format_markdown(queue))
    return f"review queue ({source}): {len(queue)} rows → {out}"


def write_learning_curve(project: Project) -> str:
    """The corpus learning curve → ``results/learning_curve`` (CSV, Markdown, LaTeX) and its
    figure (PNG, SVG); nothing without hand coding."""
    import matplotlib.pyplot as plt

    from thesis_analysis.analysis.figures import save_figure
    from thesis_analysis.analysis.learning_curve import (
        compute_learning_curve,
        plot_learning_curve,
    )
    from thesis_analysis.autocode.coder import AutoCoder
    from thesis_analysis.autocode.training import build_training_set

    manual = load_hand_coding(project)
    if manual is None:
        return "no hand coding: no learning curve"
    data = build_training_set(project.codebook, None, project.informant_segments, manual)
    curve = compute_learning_curve(AutoCoder(project.codebook), data, project.codebook)
    write_table(curve.round(4), project.paths.results, "learning_curve")
    figure = plot_learning_curve(curve)
    save_figure(figure, project.paths.results, "learning_curve")
    plt.close(figure)
    return "wrote results/learning_curve.csv, .md, .tex, .png and .svg"
