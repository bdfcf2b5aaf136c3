"""The real-text training set: well-formed, labelled with the guide's codes, and independent of
the evaluation sets — no sentence from a source of the hidden test set
(``shared/realtext/blocked_sources.txt``) and none near a sentence of the dev set."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "realtext" / "train.jsonl"
VERSIONS = ROOT / "data" / "realtext" / "versions.jsonl"
SHARED = ROOT.parent / "shared" / "realtext"
FIELDS = {"id", "text", "codes", "source", "url", "lang", "kind"}
KINDS = {"speaker", "debate", "official", "nearmiss"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def normalise_url(url: str) -> str:
    """Host without www./m. and path without a trailing slash, lower case."""
    parts = urlparse(url.strip().lower())
    host = parts.netloc.removeprefix("www.").removeprefix("m.")
    return host + parts.path.rstrip("/")


def list_word_grams(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return set(zip(*(words[i:] for i in range(n)), strict=False))


def measure_nearness(text: str, other: str) -> float:
    """Share of the shorter sentence's word 4-grams that the other one has too."""
    mine, theirs = list_word_grams(text, 4), list_word_grams(other, 4)
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / min(len(mine), len(theirs))


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return read_jsonl(TRAIN)


@pytest.fixture(scope="module")
def versions() -> list[dict]:
    return read_jsonl(VERSIONS)


def test_each_version_is_a_train_sentence_in_another_standard_or_words(
    train: list[dict], versions: list[dict]
) -> None:
    originals = {row["id"]: row for row in train}
    assert len({row["id"] for row in versions}) == len(versions)
    for row in versions:
        original = originals[row["of"]]
        other = row["lang"] != original["lang"]
        assert row["id"] == f"{row['of']}~{row['lang'] if other else 'para'}"
        for field in ("codes", "url", "source", "kind"):
            assert row[field] == original[field], (row["id"], field)
    same = [row["id"] for row in versions if row["text"] == originals[row["of"]]["text"]]
    assert len(same) <= len(versions) // 50, same  # a few read alike in both standards


def test_rows_are_well_formed(train: list[dict]) -> None:
    from thesis_analysis.codebook.model import load_codebook

    codes = {code.id for code in load_codebook(ROOT / "codebook.yaml").codes}
    ids = Counter(row["id"] for row in train)
    assert [i for i, n in ids.items() if n > 1] == []
    for row in train:
        assert set(row) >= FIELDS, row["id"]
        assert row["lang"] in {"nb", "nn"} and row["kind"] in KINDS, row["id"]
        assert set(row["codes"]) <= codes, row["id"]
        assert row["url"].startswith(("http://", "https://")), row["id"]
        assert (row["kind"] == "nearmiss") <= (row["codes"] == []), row["id"]


def test_the_mix_is_as_documented(train: list[dict]) -> None:
    n = len(train)
    assert n >= 1500
    assert len({normalise_url(r["url"]) for r in train}) >= 150
    assert sum(r["lang"] == "nn" for r in train) / n >= 0.10
    assert sum(r["kind"] == "speaker" for r in train) / n >= 0.20
    assert 0.10 <= sum(not r["codes"] for r in train) / n <= 0.35


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/realtext is not beside the checkout")
def test_no_sentence_comes_from_a_blocked_source(train: list[dict]) -> None:
    blocked = {
        normalise_url(line)
        for line in (SHARED / "blocked_sources.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert sorted({r["url"] for r in train if normalise_url(r["url"]) in blocked}) == []


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/realtext is not beside the checkout")
def test_no_sentence_is_near_a_dev_sentence_or_from_a_dev_source(
    train: list[dict], versions: list[dict]
) -> None:
    train = train + versions
    dev = read_jsonl(SHARED / "dev.jsonl")
    dev_urls = {normalise_url(r["url"]) for r in dev}
    assert sorted({r["url"] for r in train if normalise_url(r["url"]) in dev_urls}) == []
    index: dict[tuple[str, ...], set[int]] = {}
    for number, row in enumerate(dev):
        for gram in list_word_grams(row["text"], 4):
            index.setdefault(gram, set()).add(number)
    near = []
    for row in train:
        candidates = set().union(*(index.get(g, set()) for g in list_word_grams(row["text"], 4)))
        worst = max((measure_nearness(row["text"], dev[c]["text"]) for c in candidates), default=0)
        if worst > 0.3:
            near.append(row["id"])
    assert near == []


@pytest.mark.parametrize(
    ("text", "other", "near"),
    [
        (
            "Målstyringa gjer at vi tel feil ting heile tida.",
            "Målstyringa gjer at vi tel feil ting",
            True,
        ),
        ("Vi teller saker og vedtak hver dag.", "Ledelsen liker gode tall i tavlemøtet.", False),
    ],
)
def test_the_nearness_measure(text: str, other: str, near: bool) -> None:
    assert (measure_nearness(text, other) > 0.3) == near
