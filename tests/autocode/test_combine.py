"""Rules and model together: sources, confidence, evidence, bad input coded as nothing."""

from __future__ import annotations

import numpy as np
import pytest

from thesis_analysis.autocode.combine import CombinedCoder, mark_rule_hits


@pytest.fixture(scope="module")
def combined(small_rule_coder, small_model):
    return CombinedCoder(small_rule_coder, small_model[0])


def code(coder, texts):
    rows = []
    for doc in coder.code_docs(texts, texts_per_doc=3):
        rows += list(doc.lines.iterate_rows())
    return rows


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "...",
        "1234 5678",
        "The quick brown fox jumps over the lazy dog.",
        "Der Hund läuft schnell über die Straße.",
    ],  # fmt: skip
)
def test_empty_or_foreign_text_gets_no_model_coding(combined, text):
    rows = code(combined, [text])
    assert [r for r in rows if r[2] != "rule"] == []


def test_every_coding_has_a_source_and_a_confidence_in_0_1(combined, small_labelled):
    rows = code(combined, small_labelled.texts["text"].tolist())
    assert rows
    assert {r[2] for r in rows} <= {"rule", "model", "both"}
    assert all(0.0 <= r[3] <= 1.0 for r in rows)
    keys = [(r[0], r[1]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_model_only_codings_show_their_words(combined):
    rows = code(combined, ["Vi teller og teller antallet hver uke.", "Kantina har suppe."])
    model_rows = [r for r in rows if r[2] == "model"]
    assert model_rows
    from spacy.lang.nb.stop_words import STOP_WORDS

    for text, _, _, _, evidence, rule, start, end in model_rows:
        assert rule == "model" and evidence
        assert not {w.lower() for w in evidence.split(" | ")} & STOP_WORDS
        assert evidence.split(" | ")[0] == ["Vi teller og teller antallet hver uke.",
                                            "Kantina har suppe."][text][start:end]  # fmt: skip


def test_a_rule_hit_the_model_agrees_with_is_both(combined):
    rows = code(combined, ["Tellingen er tullete og vi teller alt."])
    sources = {r[1]: r[2] for r in rows}
    assert sources.get("telling") == "both"
    assert {r[1] for r in rows if r[2] in ("rule", "both")} >= {"telling"}


def test_rules_only_without_a_model(small_rule_coder):
    coder = CombinedCoder(small_rule_coder, None)
    rows = code(coder, ["Tellingen er tullete.", ""])
    assert {r[2] for r in rows} == {"rule"}
    assert all(r[3] == 0.5 for r in rows)  # nothing measured: the neutral precision


def test_rule_hits_are_marked_by_top_level(small_rule_coder):
    table = next(small_rule_coder.code_tables(["Tellingen er tullete.", "Hei."]))
    hits = mark_rule_hits(table, ("holdning.kritisk", "telling", "x"))
    assert hits.tolist() == [[True, True, False], [False, False, False]]
    assert hits.dtype == np.bool_


@pytest.mark.parametrize(
    ("text", "norwegian"),
    [
        ("Målstyringa fungerer ikkje for oss.", True),
        ("Vi teller alt vi gjør hver uke.", True),
        ("The quick brown fox jumps over the lazy dog.", False),
        ("Der Hund läuft schnell über die Straße.", False),
        ("1234 5678", False),
        ("", False),
    ],
)
def test_norwegian_text_is_told_apart(combined, text, norwegian):
    from thesis_analysis.autocode.combine import is_norwegian, iterate_docs

    doc = next(iterate_docs(combined.coder, combined.types, [text]))
    assert is_norwegian(doc.tokens).tolist() == [norwegian]
