"""Shared helpers of the benchmark scripts: a large input made from the shipped corpus."""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thesis_analysis.corpus.loading import load_corpus  # noqa: E402


def make_texts(min_words: int, seed: int = 2014, varied: bool = False) -> list[str]:
    """Texts of 1–6 informant sentences drawn (seeded) from the corpus until ``min_words``.

    The corpus has about 7,600 informant words, so drawn sentences repeat and spaCy's
    tokenizer serves almost every word from its cache. With ``varied``, each word of a drawn
    sentence is, with probability 0.3, joined to another corpus word as a compound and given
    a noun ending (``målekort`` + ``tavlemøte`` + ``ene``) — new word types as Norwegian text
    keeps making them, so the tokenizer, lemmatizer and matchers meet unseen words.
    """
    from thesis_analysis.corpus.segments import segment_corpus

    corpus = load_corpus(ROOT / "transcripts")
    sentences = segment_corpus(corpus, informants_only=True)["text"].tolist()
    vocabulary = sorted({w.lower() for s in sentences for w in s.split() if w.isalpha()})
    rng = random.Random(seed)
    texts, words = [], 0
    while words < min_words:
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
        if varied:
            text = " ".join(
                w + rng.choice(vocabulary) + rng.choice(ENDINGS)
                if w.isalpha() and rng.random() < 0.3
                else w
                for w in text.split()
            )
        texts.append(text)
        words += len(text.split())
    return texts


ENDINGS = ("", "", "en", "et", "er", "ene")


def count_words(texts: list[str]) -> int:
    """Whitespace-separated words."""
    return sum(len(t.split()) for t in texts)


def time_pair(
    first: Callable[[], object], second: Callable[[], object], repeats: int = 5
) -> tuple[float, float]:
    """Seconds of the fastest of ``repeats`` calls of each, the two taking turns (wall clock).

    Taking turns lets both meet the same load on the machine; the best of several runs is the
    usual way to keep other work on the machine out of the figures.
    """
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for slot, function in enumerate((first, second)):
            start = time.perf_counter()
            function()
            best[slot] = min(best[slot], time.perf_counter() - start)
    return best[0], best[1]


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
