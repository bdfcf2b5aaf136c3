"""Lemmas from the nb inflection tables and nynorsk forms, compounds and the stemmer fallback."""

from __future__ import annotations

import pytest

from thesis_analysis.nlp.lemma_table import load_lemma_table
from thesis_analysis.nlp.lemmas import Lemmatizer


@pytest.fixture(scope="module")
def lemmatizer() -> Lemmatizer:
    return Lemmatizer(load_lemma_table())


@pytest.mark.parametrize(
    ("word", "lemma", "head", "source"),
    [
        ("målene", "mål", "mål", "lexicon"),
        ("Oppfølgingen", "oppfølging", "oppfølging", "lexicon"),
        ("sykemeldinger", "sykemelding", "sykemelding", "lexicon"),
        ("målekortene", "målekort", "kort", "compound"),
        ("resultatmålene", "resultatmål", "mål", "compound"),
        ("aktivitetstelling", "aktivitetstelling", "telling", "compound"),
        ("brukeroppfølgingen", "brukeroppfølging", "oppfølging", "compound"),
        ("NAV-kontoret", "nav-kontor", "kontor", "compound"),
        ("spørsmål", "spørsmål", "spørsmål", "lexicon"),
        ("vi", "vi", "vi", "stopword"),
        ("2014", "2014", "2014", "other"),
        # nynorsk (simplemma's nn forms; bokmål keeps its own lemma where the two share a form)
        ("ikkje", "ikkje", "ikkje", "lexicon"),
        ("verksemda", "verksemd", "verksemd", "lexicon"),
        ("oppgåvene", "oppgåve", "oppgåve", "lexicon"),
        ("kommunane", "kommune", "kommune", "lexicon"),
        ("leiinga", "leiing", "leiing", "lexicon"),
        ("sjukehuset", "sjukehus", "sjukehus", "lexicon"),
        ("målstyringa", "målstyring", "målstyring", "lexicon"),
        ("resultatstyringa", "resultatstyring", "styring", "compound"),
        ("tellekantane", "tellekant", "kant", "compound"),
    ],
)
def test_analyse(lemmatizer: Lemmatizer, word: str, lemma: str, head: str, source: str) -> None:
    result = lemmatizer.analyse(word)
    assert (result.lemma, result.head, result.source) == (lemma, head, source)


def test_unknown_word_falls_back_to_the_stemmer(lemmatizer: Lemmatizer) -> None:
    result = lemmatizer.analyse("suboptimaliseringene")
    assert result.source in {"stem", "compound"}
    assert result.lemma.startswith("suboptimalisering")


def test_table_is_large(lemmatizer: Lemmatizer) -> None:
    assert len(load_lemma_table()) > 500_000


def test_coverage_on_the_shipped_corpus(nlp, project_root, capsys) -> None:
    """Most words of the corpus get a dictionary lemma (lexicon or compound analysis)."""
    from collections import Counter

    from thesis_analysis.corpus.loading import load_corpus

    corpus = load_corpus(project_root / "transcripts")
    analyse = nlp.get_pipe("nb_lemmas").analyse
    sources: Counter[str] = Counter()
    for transcript in corpus.transcripts:
        for doc in nlp.pipe(turn.text for turn in transcript.turns):
            sources.update(analyse(t.text).source for t in doc if t.is_alpha)
    content = sources["lexicon"] + sources["compound"] + sources["stem"]
    coverage = (sources["lexicon"] + sources["compound"]) / content
    with capsys.disabled():
        print(f"\nlemma coverage of content words: {coverage:.3f} {dict(sources)}")
    assert coverage >= 0.9
    assert sources["compound"] > 0
