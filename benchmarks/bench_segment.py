"""Benchmark: segmentation (our pipeline + sentence spans) against bare tokenization.

Run: ``.venv/bin/python benchmarks/bench_segment.py [--words N]``. Prints words per second of
both and their ratio (target: ≤ 2).
"""

from __future__ import annotations

import argparse

import spacy

from thesis_analysis.corpus.records import Turn
from thesis_analysis.corpus.segments import segment_turns
from thesis_analysis.nlp.pipeline import build_pipeline

from common import count_words, make_texts, peak_memory_mib, time_pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--varied", action="store_true", help="make new compounds (see common)")
    args = parser.parse_args()
    texts = make_texts(args.words, varied=args.varied)
    words = count_words(texts)
    turns = [Turn("bench", i, "X", "s", t, 0, len(t), 0) for i, t in enumerate(texts)]
    blank = spacy.blank("nb")
    ours = build_pipeline()
    ours("Oppvarming av oppslagstabellen.")  # load the lemma table outside the timing
    bare, segmented = time_pair(
        lambda: sum(1 for _ in blank.pipe(texts, batch_size=256)),
        lambda: sum(1 for _ in segment_turns(turns, ours)),
    )
    kind = "varied" if args.varied else "corpus sentences"
    print(f"input ({kind}): {len(texts):,} texts, {words:,} words")
    print(f"bare spacy.blank('nb') tokenization: {bare:6.2f} s  {words / bare:10,.0f} words/s")
    rate = words / segmented
    print(f"segmentation (thesis_analysis):      {segmented:6.2f} s  {rate:10,.0f} words/s")
    print(f"ratio segmentation / tokenization: {segmented / bare:.2f} (target ≤ 2)")
    print(f"peak memory: {peak_memory_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
