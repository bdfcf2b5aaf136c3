"""Features of the learned coder: computed once per word TYPE, summed per text.

A text's feature vector has three blocks in one index space (:class:`FeatureSpec`):

word block (``2**word_bits`` hashed buckets)
    for every word: its lemma and the stem of its compound head (``NORM``, so that
    «målstyringa» and «resultatstyringen» share «styring»); for every two neighbouring words of
    a sentence: their lemma bigram.
char block (``2**char_bits`` hashed buckets)
    the character 5- and 6-grams of each word in lower case, with ``<`` and ``>`` marking its
    ends: they survive inflection, compounds and nynorsk spelling («ikkje», «målstyringa»).
    (Chosen by cross-validated F1 on train: 5–6 and 5–7 scored alike and above 3–5, 4–6
    and no char block; 5–6 is the smaller.)
rule block (one column per code of ``rule_codes``)
    1 where the rule auto-coder gave the text a code of that top level.

The word block is divided by the square root of its number of entries in the text and the
char block likewise (close to an L2 norm, but a sum over tokens, so a text's score can be
summed from per-type scores: see :mod:`thesis_analysis.autocode.model`). Punctuation and white
space carry no features. Hashes are deterministic (spaCy's string hashes, CRC-32), so the same
text gives the same vector in every process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from spacy.strings import StringStore

from thesis_analysis.nlp.hash_lookup import HashTable
from thesis_analysis.nlp.pipeline import TokenArrays

MIX = np.uint64(0x9E3779B97F4A7C15)
SALT_LEMMA, SALT_NORM, SALT_BIGRAM = 0x1F3D5B79, 0x2A4C6E80, 0x3B5D7F91


@dataclass(frozen=True)
class FeatureSpec:
    """The layout of the feature space.

    Attributes
    ----------
    word_bits, char_bits : the word and char blocks have ``2**bits`` buckets each.
    char_min, char_max : the lengths of the character n-grams.
    rule_codes : the codes whose rule hits are features (top-level codes, sorted).
    """

    word_bits: int = 17
    char_bits: int = 17
    char_min: int = 5
    char_max: int = 6
    rule_codes: tuple[str, ...] = ()

    @property
    def n_word(self) -> int:
        return 1 << self.word_bits

    @property
    def n_char(self) -> int:
        return 1 << self.char_bits

    @property
    def rule_offset(self) -> int:
        return self.n_word + self.n_char

    @property
    def n_features(self) -> int:
        return self.rule_offset + len(self.rule_codes)


def mix_hashes(values: np.ndarray, salt: int, bits: int) -> np.ndarray:
    """Buckets ``0 .. 2**bits - 1`` of uint64 ``values`` (multiplicative hashing, salted)."""
    mixed = (np.asarray(values, dtype=np.uint64) ^ np.uint64(salt)) * MIX
    mixed ^= mixed >> np.uint64(31)
    mixed *= MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


def find_char_buckets(words: list[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """The char-block columns of the character n-grams of ``words`` (lower case, ends marked
    ``<`` ``>``), all words at once: ``(word number, column)`` per n-gram, by word.

    An n-gram's hash is a polynomial in its code points (uint64 arithmetic), mixed and cut to
    ``char_bits``; computed with numpy over the words joined, so no Python runs per n-gram.
    """
    marked = [f"<{w.lower()}>" for w in words]
    points = np.frombuffer("".join(marked).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.uint64)
    lengths = np.array([len(m) for m in marked], np.int64)
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(words)), lengths)
    numbers, columns = [], []
    for n in range(spec.char_min, spec.char_max + 1):
        if len(points) < n:
            continue
        count = len(points) - n + 1
        hashed = np.zeros(count, np.uint64)
        for k in range(n):
            hashed = hashed * np.uint64(1_000_003) + points[k : k + count]
        valid = np.arange(count) + n <= ends[owner[:count]]
        numbers.append(owner[:count][valid])
        columns.append(spec.n_word + mix_hashes(hashed[valid], n, spec.char_bits))
    if not numbers:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    number, column = np.concatenate(numbers), np.concatenate(columns)
    order = np.argsort(number, kind="stable")
    return number[order], column[order]


class TypeTable:
    """The features of every word type met, each computed once.

    A type is a lower-case form (its spaCy hash). Row ``r`` holds whether the type carries
    features (:attr:`kept`: it has a letter or digit), whether it is a known word
    (:attr:`known`, by ``is_known``: for the coder, one the Norwegian lemmatizer knows, so that
    text in another language can be told apart), whether it is a stop word (:attr:`stop`, left
    out of evidence), its number of word and char entries,
    and its columns ``buckets[ptr[r]:ptr[r + 1]]`` (word columns first). Rows are found per
    doc with one compiled hash look-up; new types wait in a dict until the table is rebuilt.
    """

    MERGE_AT = 256

    def __init__(
        self,
        spec: FeatureSpec,
        strings: StringStore,
        is_known: Callable[[str], bool] | None = None,
        stop_words: frozenset[str] = frozenset(),
    ) -> None:
        self.spec = spec
        self._strings = strings
        self._is_known = is_known or (lambda word: True)
        self._stop_words = stop_words
        self.known = np.zeros(1024, np.bool_)
        self.stop = np.zeros(1024, np.bool_)
        self.count = 0
        self._lowers = np.zeros(1024, np.uint64)
        self.kept = np.zeros(1024, np.bool_)
        self.n_word = np.zeros(1024, np.int64)
        self.n_char = np.zeros(1024, np.int64)
        self.ptr = np.zeros(1025, np.int64)
        self.buckets = np.zeros(16384, np.int32)  # columns < 2**31
        self._table = HashTable(self._lowers[:0])
        self._recent: dict[int, int] = {}

    def find_rows(self, arrays: TokenArrays) -> np.ndarray:
        """The row of each token of ``arrays``, registering new types."""
        lower = np.ascontiguousarray(arrays.lower, dtype=np.uint64)
        rows = self._table.find(lower)
        missing = np.flatnonzero(rows < 0)
        if len(missing):
            words, first, where = np.unique(lower[missing], return_index=True, return_inverse=True)
            found = np.array([self._recent.get(w, -1) for w in words.tolist()], np.int64)
            new = np.flatnonzero(found < 0)
            if len(new):
                at = missing[first[new]]
                found[new] = self._register(words[new], arrays.lemma[at], arrays.norm[at])
                self._recent.update(zip(words[new].tolist(), found[new].tolist(), strict=True))
            rows[missing] = found[where]
            if len(self._recent) >= max(self.MERGE_AT, len(self._table.hashes) // 4):
                self._table, self._recent = HashTable(self._lowers[: self.count]), {}
        return rows

    def _register(self, lowers: np.ndarray, lemmas: np.ndarray, norms: np.ndarray) -> np.ndarray:
        """Compute and store the features of new types; return their rows."""
        spec, strings = self.spec, self._strings
        words = [strings[h] for h in lowers.tolist()]
        kept = np.array([any(ch.isalnum() for ch in w) for w in words], np.bool_)
        known = np.array([k and self._is_known(w) for k, w in zip(kept, words, strict=True)])
        lemma_cols = mix_hashes(lemmas, SALT_LEMMA, spec.word_bits)
        norm_cols = mix_hashes(norms, SALT_NORM, spec.word_bits)
        number, chars = find_char_buckets(words, spec)
        keep = kept[number]
        number, chars = number[keep], chars[keep]
        n_word = np.where(kept, 2, 0).astype(np.int64)
        n_char = np.bincount(number, minlength=len(words)).astype(np.int64)
        char_ptr = np.concatenate([[0], np.cumsum(n_char)])
        own_ptr = np.concatenate([[0], np.cumsum(n_word + n_char)])
        columns = np.zeros(int(own_ptr[-1]), np.int32)
        word_at = own_ptr[:-1][kept]
        columns[word_at], columns[word_at + 1] = lemma_cols[kept], norm_cols[kept]
        within = np.arange(len(chars)) - char_ptr[number]
        columns[own_ptr[number] + 2 + within] = chars
        self._grow(len(words), len(columns))
        rows = np.arange(self.count, self.count + len(words))
        self._lowers[rows], self.kept[rows], self.known[rows] = lowers, kept, known
        self.stop[rows] = [w.lower() in self._stop_words for w in words]
        self.n_word[rows], self.n_char[rows] = n_word, n_char
        start = self.ptr[self.count]
        self.ptr[rows + 1] = start + np.cumsum(n_word + n_char)
        self.buckets[start : start + len(columns)] = columns
        self.count += len(words)
        return rows

    def _grow(self, types: int, columns: int) -> None:
        while self.count + types > len(self._lowers):
            size = len(self._lowers)
            self._lowers = np.concatenate([self._lowers, np.zeros(size, np.uint64)])
            self.kept = np.concatenate([self.kept, np.zeros(size, np.bool_)])
            self.known = np.concatenate([self.known, np.zeros(size, np.bool_)])
            self.stop = np.concatenate([self.stop, np.zeros(size, np.bool_)])
            self.n_word = np.concatenate([self.n_word, np.zeros(size, np.int64)])
            self.n_char = np.concatenate([self.n_char, np.zeros(size, np.int64)])
            self.ptr = np.concatenate([self.ptr, np.zeros(size, np.int64)])
        while self.ptr[self.count] + columns > len(self.buckets):
            self.buckets = np.concatenate([self.buckets, np.zeros_like(self.buckets)])

    def to_matrix(self, first: int, last: int):
        """Rows ``first .. last - 1`` as a sparse matrix (types × features, counts)."""
        from scipy.sparse import csr_matrix

        ptr = self.ptr[first : last + 1] - self.ptr[first]
        cols = self.buckets[self.ptr[first] : self.ptr[last]]
        shape = (last - first, self.spec.n_features)
        matrix = csr_matrix((np.ones(len(cols)), cols, ptr), shape=shape)
        matrix.sum_duplicates()
        return matrix


@dataclass(frozen=True)
class DocTokens:
    """The featured tokens of one doc of joined texts.

    Attributes
    ----------
    row, text : each kept token's type row and text number (within the doc).
    char_start, char_end : each kept token's character offsets in the joined text.
    pair_text, pair_column : each lemma bigram's text and word-block column.
    n_word, n_char : per text, the entries of the word and of the char block.
    n_tokens, n_known : per text, the featured tokens and those that are known words.
    """

    row: np.ndarray
    text: np.ndarray
    char_start: np.ndarray
    char_end: np.ndarray
    pair_text: np.ndarray
    pair_column: np.ndarray
    n_word: np.ndarray
    n_char: np.ndarray
    n_tokens: np.ndarray
    n_known: np.ndarray


def read_doc_tokens(types: TypeTable, arrays: TokenArrays, starts: np.ndarray) -> DocTokens:
    """The featured tokens of a doc of texts starting at character offsets ``starts``."""
    rows = types.find_rows(arrays)
    keep = types.kept[rows]
    n_texts = len(starts)
    text = np.searchsorted(np.asarray(starts), arrays.char_start, side="right") - 1
    sentence = np.cumsum(arrays.sentence_start)
    kept = np.flatnonzero(keep)
    left, right = kept[:-1], kept[1:]
    paired = (text[left] == text[right]) & (sentence[left] == sentence[right])
    left, right = left[paired], right[paired]
    joined = arrays.lemma[left] * MIX + arrays.lemma[right]
    pair_column = mix_hashes(joined, SALT_BIGRAM, types.spec.word_bits)
    pair_text = text[left]
    row, own = rows[kept], text[kept]
    n_word = np.bincount(own, types.n_word[row], n_texts) + np.bincount(pair_text, None, n_texts)
    n_char = np.bincount(own, types.n_char[row], n_texts)
    n_tokens = np.bincount(own, None, n_texts)
    n_known = np.bincount(own, types.known[row], n_texts)
    return DocTokens(
        row, own, arrays.char_start[kept], arrays.char_end[kept], pair_text, pair_column,
        n_word, n_char, n_tokens, n_known,
    )  # fmt: skip


def build_matrix(types: TypeTable, tokens: DocTokens, rule_hits: np.ndarray):
    """The explicit feature matrix (texts × :attr:`FeatureSpec.n_features`, CSR) of a doc's
    texts; ``rule_hits`` is a boolean texts × ``rule_codes`` array. Used for training; coding
    sums per-type scores instead (the same numbers)."""
    from scipy.sparse import csr_matrix

    spec, n_texts = types.spec, len(tokens.n_word)
    counts = csr_matrix(
        (np.ones(len(tokens.row)), (tokens.text, tokens.row)), shape=(n_texts, types.count)
    )
    per_type = types.to_matrix(0, types.count)
    pairs = csr_matrix(
        (np.ones(len(tokens.pair_text)), (tokens.pair_text, tokens.pair_column)),
        shape=(n_texts, spec.n_features),
    )
    hit_rows, hit_cols = np.nonzero(rule_hits)
    rules = csr_matrix(
        (np.ones(len(hit_rows)), (hit_rows, hit_cols + spec.rule_offset)),
        shape=(n_texts, spec.n_features),
    )
    summed = (counts @ per_type + pairs).tocsr()
    summed.sort_indices()
    text_of = np.repeat(np.arange(n_texts), np.diff(summed.indptr))
    is_word = summed.indices < spec.n_word
    word_scale, char_scale = _inverse_root(tokens.n_word), _inverse_root(tokens.n_char)
    scale = np.where(is_word, word_scale[text_of], char_scale[text_of])
    summed.data = summed.data * scale
    return (summed + rules).tocsr()


def _inverse_root(counts: np.ndarray) -> np.ndarray:
    """``1 / sqrt(count)``, 0 where the count is 0."""
    counts = np.asarray(counts, dtype=np.float64)
    return np.divide(1.0, np.sqrt(counts), out=np.zeros_like(counts), where=counts > 0)
