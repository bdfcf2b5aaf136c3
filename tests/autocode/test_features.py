"""Features per word type: char n-grams against a plain-Python reference, rows per type, the
explicit matrix."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.features import (
    FeatureSpec,
    TypeTable,
    build_matrix,
    find_char_buckets,
    mix_hashes,
    read_doc_tokens,
)
from thesis_analysis.nlp.pipeline import pipe_token_arrays

SPEC = FeatureSpec(10, 10)


def reference_char_buckets(word: str, spec: FeatureSpec) -> list[int]:
    """The same n-gram columns, one n-gram at a time in plain Python."""
    points = [ord(ch) for ch in f"<{word.lower()}>"]
    columns = []
    for n in range(spec.char_min, spec.char_max + 1):
        for i in range(len(points) - n + 1):
            value = 0
            for point in points[i : i + n]:
                value = (value * 1_000_003 + point) % (1 << 64)
            columns.append(spec.n_word + int(mix_hashes(np.array([value]), n, spec.char_bits)[0]))
    return sorted(columns)


@pytest.mark.parametrize(
    "words",
    [["målstyringa"], ["ab", "", "x.y"], ["Tellekantar", "ikkje", "NAV-kontoret", "å"]],
)
def test_char_buckets_match_the_reference(words):
    number, column = find_char_buckets(words, SPEC)
    for n, word in enumerate(words):
        assert sorted(column[number == n].tolist()) == reference_char_buckets(word, SPEC)


@pytest.mark.parametrize(("bits", "salt"), [(4, 1), (10, 7), (17, 99)])
def test_mixed_hashes_stay_in_range_and_are_deterministic(bits, salt):
    values = np.arange(1000, dtype=np.uint64) * np.uint64(7919)
    first, second = mix_hashes(values, salt, bits), mix_hashes(values, salt, bits)
    assert np.array_equal(first, second)
    assert first.min() >= 0 and first.max() < (1 << bits)
    assert len(np.unique(first)) > min(1 << bits, 1000) // 2


def doc_of(nlp, texts):
    arrays, _, starts = next(pipe_token_arrays(nlp, texts, len(texts)))
    return arrays, np.asarray(starts)


def test_a_type_is_registered_once(nlp):
    types = TypeTable(SPEC, nlp.vocab.strings)
    arrays, starts = doc_of(nlp, ["Vi teller og teller.", "Teller vi?"])
    rows = types.find_rows(arrays)
    count = types.count
    assert len(set(rows.tolist())) == count  # «teller», «Teller» share a row (lower case)
    assert np.array_equal(types.find_rows(arrays), rows)
    assert types.count == count


def test_punctuation_and_space_carry_no_features(nlp):
    types = TypeTable(SPEC, nlp.vocab.strings)
    arrays, starts = doc_of(nlp, ["«Nei» , sa hun !", "", "..."])
    tokens = read_doc_tokens(types, arrays, starts)
    assert tokens.n_word.tolist()[1:] == [0, 0]
    assert tokens.n_char.tolist()[1:] == [0, 0]
    assert tokens.n_word[0] == 2 * 3 + 2  # three words, two bigrams


def test_the_matrix_normalises_each_block_by_its_entries(nlp):
    spec = FeatureSpec(10, 10, rule_codes=("a", "b"))
    types = TypeTable(spec, nlp.vocab.strings)
    arrays, starts = doc_of(nlp, ["Målene teller.", "Ingenting her i det hele tatt."])
    tokens = read_doc_tokens(types, arrays, starts)
    hits = np.array([[True, False], [False, False]])
    matrix = build_matrix(types, tokens, hits).toarray()
    word, char = matrix[:, : spec.n_word], matrix[:, spec.n_word : spec.rule_offset]
    np.testing.assert_allclose(word.sum(axis=1), tokens.n_word / np.sqrt(tokens.n_word))
    np.testing.assert_allclose(char.sum(axis=1), tokens.n_char / np.sqrt(tokens.n_char))
    assert matrix[:, spec.rule_offset :].tolist() == [[1.0, 0.0], [0.0, 0.0]]
