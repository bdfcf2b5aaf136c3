"""The Norwegian Snowball stemmer, from the small ``snowballstemmer`` package.

NLTK has the same algorithm, but importing NLTK costs over a second once scikit-learn and
SciPy are installed (it imports its bridges to them), and a command a researcher runs many
times a day should not pay that for a stemmer. ``snowballstemmer`` (BSD, pure Python, no
dependencies) is generated from the Snowball sources and imports in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class NorwegianStemmer:
    """``stem(word)``: the Snowball stem of a lower-case Norwegian word."""

    _stemmer: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import snowballstemmer

        self._stemmer = snowballstemmer.stemmer("norwegian")

    def stem(self, word: str) -> str:
        """The stem of ``word``."""
        return self._stemmer.stemWord(word)
