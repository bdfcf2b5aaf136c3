"""Pseudonymisation: recall and precision on the planted test set, and speed on 1M words.

The test set is ``tests/data/privacy/planted.jsonl`` (sentences written for it, identifiers
annotated with exact spans and kinds). Odd ids are the held-out half, never used for
tuning; even ids are the tuning half. Both are reported. A finding is correct when its span
and kind equal an annotated one (strict); ``hidden`` also counts an annotated identifier
covered by a finding of another kind (what matters for privacy).

Speed: the sentences are drawn (seeded) into texts of 1–6 sentences until 1,000,000 words,
and the detector runs over every text, placeholders assigned; the lists and the lexicon are
loaded before the clock starts (once a run). Usage: ``python benchmarks/bench_pseudonymise.py``
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from thesis_analysis.privacy.config import ProjectLists, load_name_lists
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.findings import KINDS
from thesis_analysis.privacy.lexicon import load_lexicon
from thesis_analysis.privacy.placeholders import PlaceholderMap

from common import ROOT, peak_memory_mib

PLANTED = ROOT / "tests" / "data" / "privacy" / "planted.jsonl"
TARGET_WORDS = 1_000_000


def load_planted(path: Path) -> list[dict]:
    """The annotated sentences."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def score(records: list[dict], detector: Detector) -> dict:
    """Counts per kind: gold, strict hits, hidden hits, found; false positives in clean ones."""
    gold, hit, hidden, found = Counter(), Counter(), Counter(), Counter()
    clean_false = []
    for record in records:
        findings = detector.detect(record["text"]).findings
        spans = {(s, e, k) for s, e, k in record["spans"]}
        for finding in findings:
            found[finding.kind] += 1
            if not record["spans"]:
                clean_false.append((record["id"], finding.text, finding.kind))
        for start, end, kind in spans:
            gold[kind] += 1
            if any((f.start, f.end, f.kind) == (start, end, kind) for f in findings):
                hit[kind] += 1
            if any(f.start <= start and end <= f.end for f in findings):
                hidden[kind] += 1
    correct = sum(
        1
        for r in records
        for f in detector.detect(r["text"]).findings
        if [f.start, f.end, f.kind] in r["spans"]
    )
    return {
        "gold": gold,
        "hit": hit,
        "hidden": hidden,
        "found": found,
        "correct": correct,
        "clean_false": clean_false,
    }


def print_scores(name: str, result: dict, sentences: int, clean: int) -> None:
    """One block of figures for one half."""
    print(f"\n{name}: {sentences} sentences ({clean} clean)")
    print(f"  {'kind':<12}{'planted':>8}{'recall':>8}{'hidden':>8}")
    for kind in KINDS:
        total = result["gold"][kind]
        if total:
            recall = result["hit"][kind] / total
            hidden = result["hidden"][kind] / total
            print(f"  {kind:<12}{total:>8}{recall:>8.3f}{hidden:>8.3f}")
    all_found = sum(result["found"].values())
    all_gold = sum(result["gold"].values())
    precision = result["correct"] / all_found if all_found else 1.0
    print(f"  all kinds: recall {result['correct'] / all_gold:.3f}, precision {precision:.3f}")
    print(f"  findings in clean sentences: {len(result['clean_false'])} {result['clean_false']}")


def make_texts(records: list[dict], min_words: int, seed: int = 2014) -> list[str]:
    """Texts of 1–6 drawn sentences until ``min_words`` words."""
    rng = random.Random(seed)
    sentences = [r["text"] for r in records]
    texts, words = [], 0
    while words < min_words:
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
        texts.append(text)
        words += len(text.split())
    return texts


def main() -> None:
    """Print recall and precision per half, then the speed and peak memory."""
    start = time.perf_counter()
    lists = load_name_lists()
    detector = Detector(lists, load_lexicon(lists.ordinary_words), ProjectLists())
    print(f"lists and lexicon loaded in {time.perf_counter() - start:.1f} s (once a run)")
    records = load_planted(PLANTED)
    for name, parity in (("tuning half (even ids)", 0), ("held-out half (odd ids)", 1)):
        half = [r for r in records if r["id"] % 2 == parity]
        print_scores(name, score(half, detector), len(half), sum(not r["spans"] for r in half))
    texts = make_texts(records, TARGET_WORDS)
    words = sum(len(t.split()) for t in texts)
    start, cpu_start = time.perf_counter(), time.process_time()
    mapping = PlaceholderMap()
    count = 0
    for text in texts:
        for finding in detector.detect(text).findings:
            mapping.get_placeholder(finding.kind, finding.text)
            count += 1
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(
        f"\nspeed: {words:,} words in {len(texts):,} texts, {seconds:.2f} s wall, "
        f"{words / seconds:,.0f} words/s; {cpu:.2f} s CPU, {words / cpu:,.0f} words/s "
        f"(CPU time is what other load on the machine does not inflate); {count:,} findings"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory: {peak_memory_mib():.0f} MiB")


if __name__ == "__main__":
    main()
