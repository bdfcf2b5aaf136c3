"""One lexicon and one detector for the whole session (the lexicon takes seconds to load)."""

from __future__ import annotations

import pytest

from thesis_analysis.privacy.config import NameLists, ProjectLists, load_name_lists
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.lexicon import Lexicon, load_lexicon


@pytest.fixture(scope="session")
def name_lists() -> NameLists:
    """The shipped lists."""
    return load_name_lists()


@pytest.fixture(scope="session")
def lexicon(name_lists: NameLists) -> Lexicon:
    """The lexicon, loaded once."""
    return load_lexicon(name_lists.ordinary_words)


@pytest.fixture(scope="session")
def detector(name_lists: NameLists, lexicon: Lexicon) -> Detector:
    """A detector without project lists."""
    return Detector(name_lists, lexicon, ProjectLists())


def found(detector: Detector, text: str) -> list[tuple[str, str]]:
    """(kind, text) of every finding."""
    return [(f.kind, f.text) for f in detector.detect(text).findings]
