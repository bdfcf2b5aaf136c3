"""The learned coder's steps on a copy of the shipped project: train --project, the model it
codes with, the review queue, the real-text evaluation."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from thesis_analysis.autocode.queue import QUEUE_COLUMNS
from thesis_analysis.cli import main
from thesis_analysis.errors import InputError
from thesis_analysis.learning import (
    PROJECT_MODEL,
    REALTEXT_MODEL,
    evaluate_learned,
    find_model_folder,
    run_review_queue,
    train_project,
)
from thesis_analysis.project import load_project


@pytest.fixture(scope="module")
def copy(tmp_path_factory, project_root):
    root = tmp_path_factory.mktemp("project")
    for name in ("transcripts", "codings"):
        shutil.copytree(project_root / name, root / name)
    shutil.copy(project_root / "codebook.yaml", root / "codebook.yaml")
    return root


def test_without_a_model_the_rules_code_alone(copy):
    assert find_model_folder(load_project(copy).paths) is None
    text = run_review_queue(copy, copy / "queue.csv")
    assert "rules only" in text
    assert list(pd.read_csv(copy / "queue.csv").columns) == QUEUE_COLUMNS


def test_train_project_writes_a_model_that_is_then_used(copy, data_dir):
    assert main(["train", "--project", "--root", str(copy)]) == 0
    paths = load_project(copy).paths
    assert find_model_folder(paths) == copy / PROJECT_MODEL
    assert (copy / PROJECT_MODEL / "model.npz").is_file()
    assert not (copy / REALTEXT_MODEL).exists()
    text = run_review_queue(copy, copy / "queue.md")
    assert (
        "rules and model" in text
        and (copy / "queue.md").read_text().split("|")[1].strip() == "rank"
    )
    report = evaluate_learned(load_project(copy), data_dir / "learned" / "dev_small.jsonl")
    assert "dev" in report and "cv:corpus" in report
    scores = pd.read_csv(copy / "results" / "evaluation_realtext.csv")
    assert {"dev", "cv:corpus"} <= set(scores["set"])
    assert (copy / "results" / "calibration.csv").is_file()


def test_a_project_without_hand_coding_cannot_train(tmp_path, project_root):
    shutil.copytree(project_root / "transcripts", tmp_path / "transcripts")
    shutil.copy(project_root / "codebook.yaml", tmp_path / "codebook.yaml")
    with pytest.raises(InputError, match="no hand coding to learn"):
        train_project(load_project(tmp_path), own=True)


def test_review_queue_refuses_other_suffixes(copy):
    with pytest.raises(InputError, match="give a .csv or .md file"):
        run_review_queue(copy, copy / "queue.txt")
