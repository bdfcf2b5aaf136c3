"""The Norwegian Snowball stemmer."""

from __future__ import annotations

import pytest

from thesis_analysis.nlp.stemmer import NorwegianStemmer


@pytest.mark.parametrize(
    ("word", "stem"),
    [("arbeidene", "arbeid"), ("styringen", "styring"), ("kontorer", "kontor"), ("målene", "mål")],
)
def test_the_norwegian_snowball_stemmer(word: str, stem: str) -> None:
    assert NorwegianStemmer().stem(word) == stem
