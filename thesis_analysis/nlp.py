"""The one place the spaCy pipeline is built.

``spacy.blank("nb")`` gives a good Norwegian tokenizer. Two components of ours follow it:

``nb_lemmas``
    sets ``token.lemma_`` from :mod:`thesis_analysis.lemmas`, and the lexeme's ``norm_`` to the
    Snowball stem of the word's compound head. Both are computed once per word type and written
    with ``Doc.from_array``, so the per-token cost is a dictionary look-up. The auto-coder's
    matchers run on ``LOWER``, ``LEMMA`` and ``NORM``.
``nb_sentences``
    sentence boundaries for Norwegian interview text: a sentence ends after ``.``, ``!``, ``?``,
    ``…`` or ``...`` (with any closing quotes or brackets that follow) when the next word does not
    start in lower case; an abbreviation that ends a sentence (``osv.``) ends it too, unless it is
    one that is usually followed by a name (``bl.a.``, ``f.eks.``). An opening « after a full stop
    starts the next sentence (spaCy's sentencizer attaches it to the previous one). A blank line
    always ends a sentence, and a sentence never starts with white space.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np
import spacy
from nltk.stem.snowball import SnowballStemmer
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc

from thesis_analysis.lemmas import Lemma, Lemmatizer, load_lemma_table

SENTENCE_END = frozenset({".", "!", "?", "…", "...", "..", "?!", "!?", "!!", "??"})
CLOSERS = frozenset({"»", "”", '"', "'", ")", "]", "’"})
ABBREVIATIONS_BEFORE_NAMES = frozenset(
    {"bl.a.", "f.eks.", "ca.", "dvs.", "jf.", "evt.", "nr.", "kl.", "st.", "dr.", "mht."}
)


class NbLemmas:
    """spaCy component: lemma per token, stemmed compound head as the lexeme's norm.

    The orth → lemma map is kept as two sorted numpy arrays (looked up with
    ``searchsorted``, no Python per token) plus a small dict of words met since the arrays
    were last rebuilt, merged into the arrays once it holds :attr:`MERGE_AT` words and a
    quarter of the arrays' size (so rebuilding stays rare as the vocabulary grows).
    """

    MERGE_AT = 256

    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self._vocab = nlp.vocab
        self._lemmatizer = lemmatizer
        self._stemmer = SnowballStemmer("norwegian")
        self._stems: dict[str, str] = {}
        self._keys = np.zeros(1, dtype=np.uint64)
        self._values = np.zeros(1, dtype=np.uint64)
        self._recent: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        lemmas = self.find_lemmas(doc.to_array(ORTH))
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def find_lemmas(self, orths: np.ndarray) -> np.ndarray:
        """The lemma hash (``uint64``) of each word of ``orths`` (orth hashes of ``nlp.vocab``).

        A word met for the first time is analysed and registered: its lemma is added to the
        string store and its lexeme's ``norm_`` set to the stem of its compound head.
        """
        orths = np.asarray(orths, dtype=np.uint64)
        positions = np.searchsorted(self._keys, orths).clip(max=len(self._keys) - 1)
        found = self._keys[positions] == orths
        lemmas = self._values[positions]
        if not found.all():
            recent = self._recent
            for index in np.flatnonzero(~found).tolist():
                orth = int(orths[index])
                lemma = recent.get(orth)
                if lemma is None:
                    lemma = recent[orth] = self._register(orth)
                lemmas[index] = lemma
            if len(recent) >= max(self.MERGE_AT, len(self._keys) // 4):
                self._merge_recent()
        return lemmas

    def analyse(self, word: str) -> Lemma:
        """The lemmatizer's analysis of one word (lemma, compound head, source)."""
        return self._lemmatizer.analyse(word)

    def _merge_recent(self) -> None:
        keys = np.concatenate([self._keys, np.fromiter(self._recent, dtype=np.uint64)])
        values = np.concatenate([self._values, np.fromiter(self._recent.values(), dtype=np.uint64)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], values[order]
        self._recent = {}

    def _register(self, orth: int) -> int:
        strings = self._vocab.strings
        word = strings[orth]
        analysis = self._lemmatizer.analyse(word)
        stem = self._stems.get(analysis.head)
        if stem is None:  # compounds share heads: stem each head once
            stem = self._stems[analysis.head] = self._stemmer.stem(analysis.head)
        self._vocab[orth].norm_ = stem
        return strings.add(analysis.lemma)


class NbSentences:
    """spaCy component: Norwegian sentence boundaries (see the module docstring).

    No Python runs per token or per candidate. What the rules ask of a single word is
    computed once per word type, as the bits of a code (:meth:`_classify`), and a doc's codes
    are looked up from its ``ORTH`` array (:class:`_WordCodes`). The rules then map to array
    operations, "the next token that is not …" being :func:`_find_next`:

    * the candidates are sentence-end marks, abbreviations and blank lines (white-space
      tokens holding ``"\\n\\n"``);
    * a blank line starts a sentence at the next token that is not white space
      (:func:`_find_starts_after_blank_lines`);
    * after a mark or an abbreviation, closing quotes and brackets, further marks and white
      space are skipped up to a blank line, and the token reached starts a sentence unless it
      starts in lower case; after an abbreviation, only if it starts in upper case and the
      abbreviation is not one usually followed by a name (:func:`_find_starts_after_marks`).

    Lexeme flags read with ``Doc.to_array`` would do instead of the codes, but each flag
    column costs about as much as the ``ORTH`` column and its look-up together, and the rules
    need at least four bits a token.
    """

    def __init__(self, nlp: Language) -> None:
        abbreviations = {key for key in nlp.tokenizer.rules if len(key) > 1 and key.endswith(".")}
        self._watched = frozenset(
            SENTENCE_END | abbreviations | {a.capitalize() for a in abbreviations}
        )
        # The functions spaCy computes Lexeme.is_space and Lexeme.lower_ with.
        self._is_space = nlp.vocab.lex_attr_getters[IS_SPACE]
        self._lower = nlp.vocab.lex_attr_getters[LOWER]
        self._codes = _WordCodes(nlp.vocab.strings, self._classify)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        codes = self._codes.look_up(doc.to_array(ORTH))
        starts = np.full(n, -1, dtype=np.int64)
        starts[0] = 1
        starts[_find_starts_after_blank_lines(codes)] = 1
        starts[_find_starts_after_marks(codes)] = 1
        doc.from_array([SENT_START], starts.view(np.uint64).reshape(-1, 1))
        return doc

    def _classify(self, text: str) -> int:
        """The code of one word: the ``_WORD_…`` bits of the tests it passes."""
        blank, space, first = "\n\n" in text, self._is_space(text), text[:1]
        candidate = blank or text in self._watched
        code = 0
        if candidate:
            code |= _WORD_CANDIDATE
        if space:
            code |= _WORD_SPACE
        if not blank and (space or text in CLOSERS or text in SENTENCE_END):
            code |= _WORD_SKIPPED
        if text in SENTENCE_END:
            code |= _WORD_SENTENCE_END
        # The rules read this bit of candidates only, so other words skip the lower-casing.
        if (
            candidate
            and text not in SENTENCE_END
            and self._lower(text) in ABBREVIATIONS_BEFORE_NAMES
        ):
            code |= _WORD_BEFORE_NAME
        if first.islower():
            code |= _WORD_LOWER_INITIAL
        if first.isupper():
            code |= _WORD_UPPER_INITIAL
        return code


# The bits of a word's code in NbSentences: what the sentence rules ask of a word.
_WORD_CANDIDATE = 1  # a sentence-end mark or an abbreviation, or holds a blank line
_WORD_SPACE = 2  # white space only
_WORD_SKIPPED = 4  # passed over after a mark: white space, closer or mark, not a blank line
_WORD_SENTENCE_END = 8  # a sentence-end mark
_WORD_BEFORE_NAME = 16  # an abbreviation usually followed by a name
_WORD_LOWER_INITIAL = 32  # starts in lower case
_WORD_UPPER_INITIAL = 64  # starts in upper case


class _WordCodes:
    """Codes of words, looked up for a whole array of orth hashes (no Python per token).

    A cache in a numpy table of ``2**k`` slots of (orth, code): a word sits in its first slot,
    picked by the low bits of its hash, or else in its second, picked by the high bits; a
    look-up compares the orths there. The words found in neither (new words, or ones pushed
    out since) are classified once per look-up and stored in their first slot if it is free,
    else in their second. The table doubles when about a quarter of it is in use, so pushing
    out stays rare.
    """

    def __init__(self, strings: StringStore, classify: Callable[[str], int]) -> None:
        self._strings = strings
        self._classify = classify
        self._orths = np.zeros(1 << 14, dtype=np.uint64)  # 0, the orth of "", is a free slot
        self._codes = np.zeros(1 << 14, dtype=np.uint8)
        self._used = 0

    def look_up(self, orths: np.ndarray) -> np.ndarray:
        """The code of each word of ``orths`` (``uint8``, one per orth)."""
        slots = self._find_slots(orths, 0)
        codes = self._codes[slots]
        missed = np.flatnonzero(self._orths[slots] != orths)
        if len(missed):
            codes[missed] = self._look_up_further(orths[missed])
        return codes

    def _look_up_further(self, orths: np.ndarray) -> np.ndarray:
        """The codes of words not in their first slot: from their second, or classified now."""
        slots = self._find_slots(orths, 32)
        codes = self._codes[slots]
        missed = self._orths[slots] != orths
        if missed.any():
            words, where = np.unique(orths[missed], return_inverse=True)
            texts = map(self._strings.__getitem__, words.tolist())
            found = np.fromiter(map(self._classify, texts), dtype=np.uint8, count=len(words))
            codes[missed] = found[where]
            self._store(words, found)
        return codes

    def _find_slots(self, orths: np.ndarray, shift: int) -> np.ndarray:
        """The slots picked by the bits of the orth hashes from bit ``shift`` up."""
        return ((orths >> np.uint64(shift)) & np.uint64(len(self._orths) - 1)).astype(np.intp)

    def _store(self, orths: np.ndarray, codes: np.ndarray) -> None:
        first, second = self._find_slots(orths, 0), self._find_slots(orths, 32)
        slots = np.where(self._orths[first] == 0, first, second)
        self._used += np.count_nonzero(self._orths[slots] == 0)  # a slot given twice counts 2
        self._orths[slots], self._codes[slots] = orths, codes
        if self._used > len(self._orths) // 4:
            self._grow()

    def _grow(self) -> None:
        used = self._orths != 0
        orths, codes = self._orths[used], self._codes[used]
        self._orths = np.zeros(2 * len(self._orths), dtype=np.uint64)
        self._codes = np.zeros(2 * len(self._codes), dtype=np.uint8)
        self._used = 0
        self._store(orths, codes)


def _has(codes: np.ndarray, bit: int) -> np.ndarray:
    """Which of ``codes`` have ``bit`` set."""
    return (codes & bit) != 0


def _find_words(codes: np.ndarray, having: int, lacking: int = 0) -> np.ndarray:
    """Positions of the codes with all the bits of ``having`` and none of ``lacking``."""
    return np.flatnonzero((codes & (having | lacking)) == having)


def _find_next(targets: np.ndarray, positions: np.ndarray, end: int) -> np.ndarray:
    """For each of ``positions``, the first of the sorted ``targets`` after it, else ``end``."""
    return np.append(targets, end)[np.searchsorted(targets, positions, side="right")]


def _find_starts_after_blank_lines(codes: np.ndarray) -> np.ndarray:
    """A blank line ends a sentence: the next token that is not white space starts one."""
    blank_lines = _find_words(codes, _WORD_CANDIDATE | _WORD_SPACE)
    followers = _find_next(_find_words(codes, 0, _WORD_SPACE), blank_lines, len(codes))
    return followers[followers < len(codes)]


def _find_starts_after_marks(codes: np.ndarray) -> np.ndarray:
    """The sentences started after sentence-end marks and abbreviations.

    From each mark or abbreviation, closing quotes and brackets, further marks and white space
    are skipped (a blank line is not); the token reached starts a sentence if it does not start
    in lower case and, after an abbreviation, if it starts in upper case and the abbreviation
    is not one usually followed by a name.
    """
    marks = _find_words(codes, _WORD_CANDIDATE, _WORD_SPACE)
    followers = _find_next(_find_words(codes, 0, _WORD_SKIPPED), marks, len(codes))
    inside = followers < len(codes)
    marks, followers = marks[inside], followers[inside]
    mark, follower = codes[marks], codes[followers]
    keep = (
        ~_has(mark, _WORD_BEFORE_NAME)
        & ~_has(follower, _WORD_LOWER_INITIAL)
        & (_has(mark, _WORD_SENTENCE_END) | _has(follower, _WORD_UPPER_INITIAL))
    )
    return followers[keep]


def list_sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``doc`` (after ``nb_sentences``),
    from the first character of a sentence's first word to the last of its last word; white
    space around a sentence is left out, and a sentence of white space only is dropped."""
    n = len(doc)
    if n == 0:
        return []
    table = doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE]).astype(np.int64)
    index = np.arange(n)
    words = table[:, 3] == 0
    last_word = np.maximum.accumulate(np.where(words, index, -1))
    next_word = np.minimum.accumulate(np.where(words, index, n)[::-1])[::-1]
    firsts = np.flatnonzero(table[:, 2] == 1)
    lasts = np.append(firsts[1:] - 1, n - 1)
    first_words, last_words = next_word[firsts], last_word[lasts]
    keep = first_words <= last_words
    starts = table[first_words[keep], 0]
    ends = table[last_words[keep], 0] + table[last_words[keep], 1]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


TEXT_SEPARATOR = "\n\n"


def join_texts(texts: list[str]) -> tuple[str, list[int]]:
    """Join ``texts`` with blank lines; return the text and where each one starts."""
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(TEXT_SEPARATOR)
    return TEXT_SEPARATOR.join(texts), starts


def batch_texts(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """``texts`` in lists of ``size`` (the last one shorter)."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def pipe_joined(
    nlp: Language, texts: Iterable[str], texts_per_doc: int = 64, disable: Sequence[str] = ()
) -> Iterator[tuple[Doc, str, list[int]]]:
    """Process many short texts ``texts_per_doc`` at a time as one doc each.

    Per-doc costs (the Python parts of the pipeline and the matchers) dominate for short texts;
    joining them with blank lines, which always end a sentence, keeps every sentence inside
    one text. Yields ``(doc, joined text, start offset of each text in it)``.
    """
    joined = (join_texts(batch) for batch in batch_texts(texts, texts_per_doc))
    pairs = ((text, (text, starts)) for text, starts in joined)
    for doc, (text, starts) in nlp.pipe(pairs, batch_size=4, as_tuples=True, disable=list(disable)):
        yield doc, text, starts


@Language.factory("nb_lemmas")
def make_nb_lemmas(nlp: Language, name: str) -> NbLemmas:
    """Factory for :class:`NbLemmas` (the lemma table is loaded once per process)."""
    return NbLemmas(nlp, Lemmatizer(_load_table_once()))


@Language.factory("nb_sentences")
def make_nb_sentences(nlp: Language, name: str) -> NbSentences:
    """Factory for :class:`NbSentences`."""
    return NbSentences(nlp)


@lru_cache(maxsize=1)
def _load_table_once() -> dict[str, str]:
    return load_lemma_table()


def build_pipeline() -> Language:
    """Build a fresh pipeline: blank ``nb`` tokenizer, our lemmas and sentence boundaries."""
    nlp = spacy.blank("nb")
    nlp.add_pipe("nb_lemmas")
    nlp.add_pipe("nb_sentences")
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """Return the process-wide pipeline, built on first use."""
    return build_pipeline()
