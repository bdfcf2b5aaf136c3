"""Benchmark: ``code-texts`` on a CSV of ≥ 1,000,000 words against bare tokenization.

Run: ``.venv/bin/python benchmarks/bench_code_texts.py [--words N] [--varied] [--model]``.
Writes the input and output CSVs to a temporary folder, prints words per second, the ratio to
bare ``spacy.blank("nb")`` tokenization of the same texts in the same run (target ≤ 2 for the
rules alone; ≤ 8 and ≥ 250,000 words/s with ``--model``, the rules and the learned model of
``models/realtext`` together) and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import spacy

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.combine import CombinedCoder
from thesis_analysis.autocode.model import load_model
from thesis_analysis.autocode.runs import code_csv
from thesis_analysis.codebook.model import load_codebook

from common import ROOT, count_words, make_texts, peak_memory_mib, time_pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--varied", action="store_true", help="make new compounds (see common)")
    parser.add_argument("--model", action="store_true", help="rules and the learned model")
    args = parser.parse_args()
    texts = make_texts(args.words, varied=args.varied)
    words = count_words(texts)
    coder = AutoCoder(load_codebook(ROOT / "codebook.yaml"))
    if args.model:
        coder = CombinedCoder(coder, load_model(ROOT / "models" / "realtext"))
    blank = spacy.blank("nb")
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "texts.csv", Path(tmp) / "codings.csv"
        # The first call compiles the coder's kernels, or loads them from numba's cache.
        source.write_text("id,text\n1,Målstyring gir telling og ikke kvalitet.\n", encoding="utf-8")
        started = time.perf_counter()
        code_csv(source, target, coder, progress=False)
        first_call = time.perf_counter() - started
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows((f"t{i:07d}", text) for i, text in enumerate(texts))
        memory_before = peak_memory_mib()
        bare, coded = time_pair(
            lambda: sum(1 for _ in blank.pipe(texts, batch_size=256)),
            lambda: code_csv(source, target, coder, progress=False),
            repeats=5,
        )
        with target.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
    kind = ("varied" if args.varied else "corpus sentences") + (", model" if args.model else "")
    print(f"input ({kind}): {len(texts):,} texts, {words:,} words; output: {rows:,} codings")
    print(f"bare spacy.blank('nb') tokenization: {bare:6.2f} s  {words / bare:10,.0f} words/s")
    print(f"code-texts (read, code, write CSV):  {coded:6.2f} s  {words / coded:10,.0f} words/s")
    target = "≤ 8, and ≥ 250,000 words/s" if args.model else "≤ 2"
    print(f"ratio code-texts / tokenization: {coded / bare:.2f} (target {target})")
    print(f"peak memory: {peak_memory_mib():,.0f} MiB (before coding: {memory_before:,.0f} MiB)")
    print(f"first call (compiles the kernels unless numba has them cached): {first_call:.1f} s")


if __name__ == "__main__":
    main()
