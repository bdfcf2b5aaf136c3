"""The vectorised auto-coder against the plain-Python oracle in ``tests/reference_coder.py``.

Both coders must give the same hits — ``(code, rule, evidence, start, end)`` per text — on

1. every segment of the shipped corpus, with the shipped codebook;
2. a seeded random set of texts made from the codebook's own words (inflected, compounded,
   negated, split over sentences and blank lines), which must exercise every rule kind;
3. a table of hand-written edge cases, with a small codebook, whose expected hits are also
   pinned (so that the oracle itself is checked against the documented semantics);
4. seeded random small codebooks over a small vocabulary, with texts dense in their words
   (overlapping near groups, negation words as terms, flips to codes with rules of their own).
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
import yaml

from thesis_analysis.autocode.coder import NEGATIONS, WILDCARD, AutoCoder, Hit
from thesis_analysis.autocode.reference import ReferenceCoder
from thesis_analysis.codebook.model import Codebook, Rules, load_codebook

Row = tuple[str, str, str, int, int]  # code, rule, evidence, start, end

SEED = 20240611
N_RANDOM = 400
SWITCHED_OFF = 200  # texts coded again with a rule feature switched off
FUNCTION_WORDS = (
    "det", "er", "og", "i", "på", "som", "vi", "jeg", "har", "en", "et", "til", "for", "med",
    "av", "at", "den", "de", "så", "men", "også", "veldig", "litt", "bare", "da", "hvor",
)  # fmt: skip
ENDINGS = ("", "", "", "en", "et", "er", "ene", "e", "s", "ne")
PREFIXES = ("aktivitets", "nav", "team", "resultat", "måle", "bruker", "stats", "kommune")
SENTENCE_ENDS = (".", ".", ".", "?", "!", "…", "")
SENTENCE_JOINS = (" ", " ", " ", "\n", "\n\n", "  ")
PIECE_KINDS = (
    "term", "term", "phrase", "near", "near", "tie", "negated", "negation", "exclusion", "filler",
)  # fmt: skip


def to_rows(hits: Iterable[Hit]) -> list[Row]:
    """Hits as sorted tuples, for comparing."""
    return sorted((h.code, h.rule, h.evidence, h.start, h.end) for h in hits)


def list_mismatches(coder: AutoCoder, texts: list[str], expected: list[list[Hit]]) -> list[str]:
    """A readable description of every text where ``coder`` does not give the ``expected``
    hits (those of the reference)."""
    found = list(coder.code_texts(texts))
    problems = []
    for text, got, want in zip(texts, found, expected, strict=True):
        got_rows, want_rows = to_rows(got), to_rows(want)
        if got_rows != want_rows:  # lists, so that a hit given twice is a difference too
            extra, missing = Counter(got_rows), Counter(want_rows)
            problems.append(
                f"{text!r}\n  package only:   {sorted((extra - missing).elements())}"
                f"\n  reference only: {sorted((missing - extra).elements())}"
            )
    return problems


@pytest.fixture(scope="module")
def codebook(project_root: Path) -> Codebook:
    return load_codebook(project_root / "codebook.yaml")


@pytest.fixture(scope="module")
def coder(codebook: Codebook, nlp) -> AutoCoder:
    return AutoCoder(codebook, nlp)


@pytest.fixture(scope="module")
def reference(codebook: Codebook, nlp) -> ReferenceCoder:
    return ReferenceCoder(codebook, nlp)


# -- 1. the shipped corpus ---------------------------------------------------------------------
def test_corpus_segments_agree(
    project_root: Path, nlp, coder: AutoCoder, reference: ReferenceCoder
) -> None:
    from thesis_analysis.corpus.loading import load_corpus
    from thesis_analysis.corpus.segments import segment_corpus

    texts = segment_corpus(load_corpus(project_root / "transcripts"), nlp)["text"].tolist()
    assert len(texts) > 500
    problems = list_mismatches(coder, texts, reference.code_texts(texts))
    assert not problems, f"{len(problems)} of {len(texts)} segments differ:\n" + "\n".join(
        problems[:10]
    )


# -- 2. seeded random texts from the codebook's own words -------------------------------------
class TextMaker:
    """Random Norwegian-looking texts made of a codebook's terms, phrases, near-group words,
    exclusions and negations, with function words, punctuation and sentence breaks."""

    def __init__(self, codebook: Codebook, seed: int) -> None:
        self.rng = random.Random(seed)
        codes = [c for c in codebook.codes if c.codable]
        self.terms = sorted({t.removeprefix("=") for c in codes for t in c.rules.terms})
        self.phrases = sorted({p for c in codes for p in c.rules.phrases})
        self.near = [[list(g) for g in r.groups] for c in codes for r in c.rules.near]
        self.exclusions = sorted({x for c in codes for x in c.rules.exclude})
        negatable = [c for c in codes if c.rules.negation]
        self.negatable = sorted({w for c in negatable for w in (*c.rules.terms, *c.rules.phrases)})
        self.negations = sorted(NEGATIONS)

    def inflect(self, word: str) -> str:
        """``word`` with a common ending, and now and then as the head of a compound."""
        word = word.removeprefix("=")
        ending = self.rng.choice(ENDINGS)
        if self.rng.random() < 0.15:  # a compound with the word as its head
            return self.rng.choice(PREFIXES) + word + ending
        return word + ending

    def fill(self, phrase: str) -> list[str]:
        """A phrase's words, ``*`` filled in, the last word sometimes inflected."""
        words = [self.rng.choice(FUNCTION_WORDS) if w == WILDCARD else w for w in phrase.split()]
        if self.rng.random() < 0.3:
            words[-1] = self.inflect(words[-1])
        return [w.removeprefix("=") for w in words]

    def piece(self) -> list[str]:
        """The words of one random piece of a sentence (see :data:`PIECE_KINDS`)."""
        rng = self.rng
        kind = rng.choice(PIECE_KINDS)
        if kind == "term":
            return [self.inflect(rng.choice(self.terms))]
        if kind == "phrase":
            return self.fill(rng.choice(self.phrases))
        if kind == "near":
            words = [self.inflect(rng.choice(g)) for g in rng.choice(self.near)]
            rng.shuffle(words)
            out: list[str] = []
            for word in words:
                out += [rng.choice(FUNCTION_WORDS) for _ in range(rng.randint(0, 3))] + [word]
            return out
        if kind == "tie":  # a first-group word between two equally distant second-group words
            first, second = rng.choice(self.near)[:2]
            gap = [rng.choice(FUNCTION_WORDS) for _ in range(rng.randint(0, 2))]
            pair = [self.inflect(rng.choice(second)) for _ in range(2)]
            return [pair[0], *gap, self.inflect(rng.choice(first)), *gap, pair[1]]
        if kind == "negated":
            fillers = [rng.choice(FUNCTION_WORDS) for _ in range(rng.randint(0, 3))]
            return [rng.choice(self.negations), *fillers, *self.fill(rng.choice(self.negatable))]
        if kind == "negation":
            return [rng.choice(self.negations)]
        if kind == "exclusion":
            return self.fill(rng.choice(self.exclusions))
        return [rng.choice(FUNCTION_WORDS) for _ in range(rng.randint(1, 4))]

    def sentence(self) -> str:
        """One sentence of 1–4 pieces, maybe quoted, with commas and a closing mark."""
        rng = self.rng
        words: list[str] = []
        for _ in range(rng.randint(1, 4)):
            piece = self.piece()
            if rng.random() < 0.1:
                piece = ["«", *piece, "»"]
            if words and rng.random() < 0.25:
                words.append(",")
            words += piece
        if rng.random() < 0.8:
            words[0] = words[0].capitalize()
        text = " ".join(words).replace("« ", "«").replace(" »", "»").replace(" ,", ",")
        return text + rng.choice(SENTENCE_ENDS)

    def text(self) -> str:
        """1–4 sentences joined by spaces, line breaks or blank lines."""
        parts = [self.sentence() for _ in range(self.rng.randint(1, 4))]
        text = parts[0]
        for part in parts[1:]:
            text += self.rng.choice(SENTENCE_JOINS) + part
        return text


@pytest.fixture(scope="module")
def random_texts(codebook: Codebook) -> list[str]:
    maker = TextMaker(codebook, SEED)
    return [maker.text() for _ in range(N_RANDOM)]


@pytest.fixture(scope="module")
def random_hits(reference: ReferenceCoder, random_texts: list[str]) -> list[list[Hit]]:
    return reference.code_texts(random_texts)


def test_random_texts_agree(
    coder: AutoCoder, random_texts: list[str], random_hits: list[list[Hit]]
) -> None:
    problems = list_mismatches(coder, random_texts, random_hits)
    assert not problems, f"{len(problems)} of {len(random_texts)} texts differ:\n" + "\n".join(
        problems[:10]
    )


def test_long_texts_agree_and_every_text_comes_sorted(
    coder: AutoCoder, reference: ReferenceCoder, random_texts: list[str]
) -> None:
    # Forty random texts as one: far more hits per text than the short texts have.
    long_texts = [" ".join(random_texts[i : i + 40]) for i in range(0, len(random_texts), 40)]
    problems = list_mismatches(coder, long_texts, reference.code_texts(long_texts))
    assert not problems, "\n".join(problems[:3])
    for hits in [*coder.code_texts(long_texts), *coder.code_texts(random_texts)]:
        keys = [(h.code, h.start, h.end, h.rule) for h in hits]
        assert keys == sorted(set(keys))  # by code, start, end, rule; each hit once
    assert min(len(hits) for hits in coder.code_texts(long_texts)) > 100


def change_rules(codebook: Codebook, change: Callable[[Rules], Rules]) -> Codebook:
    """``codebook`` with ``change`` applied to the rules of every code."""
    codes = tuple(dataclasses.replace(c, rules=change(c.rules)) for c in codebook.codes)
    return dataclasses.replace(codebook, codes=codes)


def count_new(base: list[list[Hit]], other: list[list[Hit]]) -> int:
    """How many hits of ``other`` are not among those of ``base`` (text by text)."""
    return sum(len(set(o) - set(b)) for b, o in zip(base, other, strict=True))


def test_random_texts_exercise_every_rule_kind(
    codebook: Codebook, nlp, random_texts: list[str], random_hits: list[list[Hit]]
) -> None:
    kinds = Counter(h.rule.split(":")[0] for hits in random_hits for h in hits)
    assert all(kinds[kind] >= 20 for kind in ("term", "phrase", "near", "negated")), kinds
    wild = {f"phrase:{p}" for c in codebook.codes for p in c.rules.phrases if WILDCARD in p}
    assert sum(h.rule.removeprefix("negated:") in wild for hits in random_hits for h in hits) >= 5
    # Effects seen only by switching a feature off: exclusions and blocking negation take
    # hits away, compound (NORM) matching gives hits that lemmas alone would not.
    texts = random_texts[:SWITCHED_OFF]
    hits = random_hits[:SWITCHED_OFF]
    no_exclusions = change_rules(codebook, lambda r: dataclasses.replace(r, exclude=()))
    assert count_new(hits, ReferenceCoder(no_exclusions, nlp).code_texts(texts)) >= 20
    no_blocking = change_rules(
        codebook, lambda r: dataclasses.replace(r, negation=None) if r.negation == "block" else r
    )
    assert count_new(hits, ReferenceCoder(no_blocking, nlp).code_texts(texts)) >= 20
    whole_words = ReferenceCoder(codebook, nlp)
    whole_words.keys = {
        item: dataclasses.replace(key, compound=False) for item, key in whole_words.keys.items()
    }
    assert count_new(whole_words.code_texts(texts), hits) >= 20


# -- 3. hand-written edge cases ---------------------------------------------------------------
DATA = Path(__file__).parents[1] / "data"
EDGE_CODEBOOK = (DATA / "codebook_small.yaml").read_text(encoding="utf-8")

EDGE_CASES: list[tuple[str, str, set[tuple[str, str, str]]]] = [
    # (name, text, expected {(code, rule, evidence)})
    ("empty", "", set()),
    ("only punctuation", "«»..., ?! …", set()),
    ("blank lines only", "\n\n \n\n", set()),
    (
        "negation ends the sentence before",
        "Det går ikke. Nyttig er det.",
        {("holdning.positiv", "term:nyttig", "Nyttig")},
    ),
    (
        "negation starts the next sentence",
        "Det er bra. Ikke nyttig.",
        {("holdning.kritisk", "negated:term:nyttig", "Ikke nyttig")},
    ),
    ("negation blocks", "Det er aldri tullete.", set()),
    (
        "negation four words before",
        "Ikke at det er tullete.",
        {("holdning.kritisk", "term:tullete", "tullete")},
    ),
    (
        "negation inside a phrase",
        "Jeg ser ikke poenget.",
        {("holdning.kritisk", "phrase:ser ikke poenget", "ser ikke poenget")},
    ),
    (
        "negation inside and before a phrase",
        "Ikke jeg ser ikke poenget.",
        {("holdning.kritisk", "phrase:ser ikke poenget", "ser ikke poenget")},
    ),
    (
        "negation inside a wildcard phrase",
        "Jeg er ikke helt enig.",
        {("holdning.kritisk", "phrase:ikke * enig", "ikke helt enig")},
    ),
    (
        "near: equidistant candidates, the earlier wins",
        "Aktiviteten vi teller på aktiviteten.",
        {("naerhet", "near:0", "Aktiviteten … teller")},
    ),
    (
        "near: the first anchor that fits",
        "Vi teller mange ulike typer ting, og så teller vi aktivitet.",
        {("naerhet", "near:0", "teller … aktivitet")},
    ),
    ("near: across a sentence boundary", "Vi teller. Aktivitet!", set()),
    (
        "wildcard phrase in one sentence",
        "Vi må ringe henne tilbake.",
        {("kontakt", "phrase:ringe * tilbake", "ringe henne tilbake")},
    ),
    ("wildcard phrase across a sentence boundary", "Vi må ringe. Tilbake kom vi.", set()),
    ("wildcard phrase across a blank line", "Vi må ringe\n\ntilbake.", set()),
    (
        "compound head",
        "Aktivitetstellingen tar tid.",
        {("telling", "term:telling", "Aktivitetstellingen")},
    ),
    ("=term does not match compounds", "Resultatmålene er klare.", set()),
    ("exclusion in the same sentence", "Telling av mål på fotball.", set()),
    (
        "exclusion in another sentence",
        "Telling av mål. Fotball er gøy.",
        {("telling", "term:telling", "Telling"), ("telling", "term:=mål", "mål")},
    ),
]


@pytest.fixture(scope="module")
def edge_coders(tmp_path_factory: pytest.TempPathFactory, nlp) -> tuple[AutoCoder, ReferenceCoder]:
    path = tmp_path_factory.mktemp("edge") / "codebook.yaml"
    path.write_text(EDGE_CODEBOOK, encoding="utf-8")
    book = load_codebook(path, require_fixed_ids=False)
    return AutoCoder(book, nlp), ReferenceCoder(book, nlp)


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in EDGE_CASES], ids=[n for n, _, _ in EDGE_CASES]
)
def test_edge_cases(
    edge_coders: tuple[AutoCoder, ReferenceCoder], text: str, expected: set[tuple[str, str, str]]
) -> None:
    coder, reference = edge_coders
    want = reference.code_text(text)
    assert {(h.code, h.rule, h.evidence) for h in want} == expected
    assert all(text[h.start : h.end] == h.evidence for h in want if " … " not in h.evidence)
    assert to_rows(next(coder.code_texts([text]))) == to_rows(want)


# -- 4. seeded random small codebooks over a small, dense vocabulary --------------------------
FUZZ_TERMS = (
    "telle", "telling", "aktivitet", "mål", "=mål", "kort", "målekort", "=målekort", "bruker",
    "kontakt", "ringe", "tilbake", "se", "poeng", "ikke", "og", "vi", "resultat", "=resultat",
    "aldri", "nyttig", "=nyttig",
)  # fmt: skip
FUZZ_WORDS = (
    "teller", "telle", "telling", "tellingen", "aktivitetstellingen", "aktivitet", "aktiviteten",
    "mål", "målene", "resultatmålene", "kort", "målekort", "målekortene", "bruker", "brukeren",
    "kontakt", "ringe", "tilbake", "ser", "poenget", "ikke", "aldri", "ingen", "uten", "og", "vi",
    "det", "resultat", "resultatene", "nyttig", "nytt", "Ikke", "Vi", "Målene", ",", ".", "?",
    "«", "»", "\n\n",
)  # fmt: skip


def make_fuzz_codebook(rng: random.Random) -> dict:
    """A valid random codebook: terms, phrases with ``*``, near rules with overlapping groups,
    exclusions, and block or flip negation (a flip may target a code with its own rules)."""
    ids = [f"c{i}" for i in range(rng.randint(2, 5))]
    codes = []
    for code in ids:
        rules: dict[str, object] = {"terms": rng.sample(FUZZ_TERMS, rng.randint(1, 3))}
        phrases = []
        for _ in range(rng.randint(0, 3)):
            words = [rng.choice(FUZZ_TERMS).removeprefix("=") for _ in range(rng.randint(2, 4))]
            for inner in range(1, len(words) - 1):  # never * at the edge
                if rng.random() < 0.4:
                    words[inner] = WILDCARD
            phrases.append(" ".join(words))
        rules["phrases"] = phrases
        rules["near"] = [
            {
                "groups": [
                    rng.sample(FUZZ_TERMS, rng.randint(1, 3)) for _ in range(rng.randint(2, 3))
                ],
                "window": rng.randint(1, 6),
            }
            for _ in range(rng.randint(0, 2))
        ]
        if rng.random() < 0.3:
            rules["exclude"] = rng.sample(FUZZ_TERMS, 1)
        if rng.random() < 0.5:
            rules["negation"] = rng.choice(["block", *(i for i in ids if i != code)])
        entry = {"id": code, "label": code, "short": "s", "definition": "d"}
        codes.append({**entry, "when_to_use": "u", "when_not_to_use": "n", "rules": rules})
    return {"name": "fuzz", "codes": codes}


@pytest.mark.parametrize("seed", range(20))
def test_random_codebooks_agree(tmp_path: Path, nlp, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(make_fuzz_codebook(rng), allow_unicode=True), encoding="utf-8")
    book = load_codebook(path, require_fixed_ids=False)
    texts = [" ".join(rng.choices(FUZZ_WORDS, k=rng.randint(0, 25))) for _ in range(100)]
    problems = list_mismatches(
        AutoCoder(book, nlp), texts, ReferenceCoder(book, nlp).code_texts(texts)
    )
    assert not problems, f"{len(problems)} of {len(texts)} texts differ:\n" + "\n".join(
        problems[:10]
    )
