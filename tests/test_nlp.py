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
    from thesis_analysis.nlp import get_pipeline

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
    from thesis_analysis.nlp import list_sentence_spans

    assert [text[a:b] for a, b in list_sentence_spans(nlp(text))] == sentences
