"""The ``nb_sentences`` component: Norwegian sentence boundaries.

The rules are described in :mod:`thesis_analysis.nlp.pipeline`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit
from spacy.attrs import IS_SPACE, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc

SENTENCE_END = frozenset({".", "!", "?", "…", "...", "..", "?!", "!?", "!!", "??"})
CLOSERS = frozenset({"»", "”", '"', "'", ")", "]", "’"})
ABBREVIATIONS_BEFORE_NAMES = frozenset(
    {"bl.a.", "f.eks.", "ca.", "dvs.", "jf.", "evt.", "nr.", "kl.", "st.", "dr.", "mht."}
)


class NbSentences:
    """spaCy component: Norwegian sentence boundaries (see the module docstring).

    No Python runs per token or per candidate. What the rules ask of a single word is
    computed once per word type, as the bits of a code (:meth:`_classify`), and a doc's codes
    are looked up from its ``ORTH`` array (:class:`_WordCodes`). The rules then run in one
    compiled pass over the codes, from the last token to the first (:func:`_find_starts`):

    * the candidates are sentence-end marks, abbreviations and blank lines (white-space
      tokens holding ``"\\n\\n"``);
    * a blank line starts a sentence at the next token that is not white space;
    * after a mark or an abbreviation, closing quotes and brackets, further marks and white
      space are skipped up to a blank line, and the token reached starts a sentence unless it
      starts in lower case; after an abbreviation, only if it starts in upper case and the
      abbreviation is not one usually followed by a name.

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
        starts = np.where(self.find_starts(doc.to_array(ORTH)), 1, -1).astype(np.int64)
        doc.from_array([SENT_START], starts.view(np.uint64).reshape(-1, 1))
        return doc

    def find_starts(self, orths: np.ndarray) -> np.ndarray:
        """Which tokens start a sentence (``bool``, one per orth of a doc; the first does)."""
        return _find_starts(self._codes.look_up(np.ascontiguousarray(orths, dtype=np.uint64)))

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


@njit(cache=True)
def _find_starts(codes: np.ndarray) -> np.ndarray:
    """Compiled: which tokens start a sentence, from the tokens' codes (see
    :class:`NbSentences`). Going backwards, the next token that is not white space and the
    next that is not skipped after a mark are known at each token."""
    n = len(codes)
    starts = np.zeros(n, dtype=np.bool_)
    next_word = next_unskipped = n
    for i in range(n - 1, -1, -1):
        code = codes[i]
        if code & _WORD_CANDIDATE and code & _WORD_SPACE:  # a blank line
            if next_word < n:
                starts[next_word] = True
        elif code & _WORD_CANDIDATE and next_unskipped < n:  # a mark or an abbreviation
            follower = codes[next_unskipped]
            if (
                not code & _WORD_BEFORE_NAME
                and not follower & _WORD_LOWER_INITIAL
                and (code & _WORD_SENTENCE_END or follower & _WORD_UPPER_INITIAL)
            ):
                starts[next_unskipped] = True
        if not code & _WORD_SPACE:
            next_word = i
        if not code & _WORD_SKIPPED:
            next_unskipped = i
    if n:
        starts[0] = True
    return starts
