"""The one pipeline: Norwegian sentence boundaries and lemma attributes."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Leder sier at det er bra. «Jeg liker det. Det gir retning.»",
            ["Leder sier at det er bra.", "«Jeg liker det.", "Det gir retning.»"],
        ),
        (
            'Vi fikk gjort så mange "jobbmatch"… Ja, også på fredagen.',
            ['Vi fikk gjort så mange "jobbmatch"…', "Ja, også på fredagen."],
        ),
        (
            "Det er bl.a. NAV som sier det. Så går vi.",
            ["Det er bl.a. NAV som sier det.", "Så går vi."],
        ),
        (
            "Vi har flyktninger, innvandrere osv. Det er mye.",
            ["Vi har flyktninger, innvandrere osv.", "Det er mye."],
        ),
        ("Det viser kvalitet (…) det er jo opp til lederen.", None),
        ("Hvordan var nå det igjen… ikke sant?", None),
        ("Ja! Nei? Kanskje.", ["Ja!", "Nei?", "Kanskje."]),
    ],
)
def test_sentences(nlp, text: str, sentences: list[str] | None) -> None:
    found = [s.text for s in nlp(text).sents]
    assert found == (sentences or [text])


def test_lemma_and_norm_attributes(nlp) -> None:
    doc = nlp("Målekortene og resultatmålene telles.")
    assert [t.lemma_ for t in doc][:3] == ["målekort", "og", "resultatmål"]
    assert doc[0].norm_ == "kort"
    assert doc[2].norm_ == "mål"


def test_pipeline_is_built_once() -> None:
    from thesis_analysis.nlp.pipeline import get_pipeline

    assert get_pipeline() is get_pipeline()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Første tekst uten punktum\n\nandre tekst. Tredje.",
            ["Første tekst uten punktum", "andre tekst.", "Tredje."],
        ),
        ("Linje en\nfortsetter her. Så ny.\n\n", ["Linje en\nfortsetter her.", "Så ny."]),
        ("Hei.\nNy linje.", ["Hei.", "Ny linje."]),
        (" Hei. ", ["Hei."]),
        ("\n\n", []),
    ],
)
def test_sentence_spans_leave_out_white_space(nlp, text: str, sentences: list[str]) -> None:
    from thesis_analysis.nlp.pipeline import list_sentence_spans

    assert [text[a:b] for a, b in list_sentence_spans(nlp(text))] == sentences


def test_a_paragraph_that_opens_with_a_closing_mark_starts_a_sentence(nlp) -> None:
    from thesis_analysis.nlp.pipeline import list_sentence_spans

    text = "Påvirker målekortet arbeidet ditt?\n\n»Ja, det er selvfølgelig slik.»"
    spans = [text[a:b] for a, b in list_sentence_spans(nlp(text))]
    assert spans == ["Påvirker målekortet arbeidet ditt?", "»Ja, det er selvfølgelig slik.»"]


def test_joined_texts_give_the_same_sentences_as_single_texts(nlp, project_root) -> None:
    from thesis_analysis.corpus.loading import load_corpus
    from thesis_analysis.nlp.pipeline import list_sentence_spans, pipe_joined

    turns = [
        t.text for tr in load_corpus(project_root / "transcripts").transcripts for t in tr.turns
    ]
    single = [[text[a:b] for a, b in list_sentence_spans(nlp(text))] for text in turns]
    joined: list[str] = []
    for doc, text, _starts in pipe_joined(nlp, turns, texts_per_doc=16):
        joined += [text[a:b] for a, b in list_sentence_spans(doc)]
    assert joined == [sentence for sentences in single for sentence in sentences]
