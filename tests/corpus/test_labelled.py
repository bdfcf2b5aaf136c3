"""Loading labelled texts (JSONL): columns, long labels, clear errors."""

from __future__ import annotations

import pytest

from thesis_analysis.corpus.labelled import LABEL_COLUMNS, TEXT_COLUMNS, load_labelled_texts
from thesis_analysis.errors import InputError


def test_loads_texts_and_long_labels(data_dir):
    loaded = load_labelled_texts(data_dir / "learned" / "train_small.jsonl")
    assert list(loaded.texts.columns) == TEXT_COLUMNS
    assert list(loaded.labels.columns) == LABEL_COLUMNS
    assert len(loaded.texts) == 36
    assert set(loaded.texts["lang"]) == {"nb", "nn"}
    both = loaded.labels[loaded.labels["id"] == "S016"]["code"].tolist()
    assert both == ["holdning.kritisk", "telling"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x"}\nnot json\n', ":2: not JSON"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', ":2: the id a is used twice"),
        ('{"id": "a", "text": "x", "codes": ["nope"]}\n', ":1: unknown code(s) nope"),
        ('{"id": "a"}\n', ":1: needs an object with a text"),
        ('{"id": "a", "text": "x", "codes": "npm"}\n', ":1: codes must be a list"),
    ],
)
def test_bad_lines_are_named(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_labelled_texts(path, known_codes={"npm"})


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_labelled_texts(tmp_path / "absent.jsonl")
