"""Summary lines: the numpy summary equals the hits grouped by hand in plain Python, and the
CSV lines are what the csv module writes from them."""

from __future__ import annotations

import csv
import io
from itertools import groupby

import pytest

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.summary import encode_csv_lines, summarise, summarise_tables
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.segments import segment_corpus

# Multi-byte characters before, inside and after the evidence; fields the writer must quote.
DECORATIONS = [
    ("", ""),
    ("😊 «", "» – ok"),
    ('Hun sa, "', '", og gikk.'),
    ("æøå ÆØÅ ", "\nNy linje med målstyring og telling."),
]


@pytest.fixture(scope="module")
def coder(nlp, project_root) -> AutoCoder:
    return AutoCoder(load_codebook(project_root / "codebook.yaml"), nlp)


@pytest.fixture(scope="module")
def texts(nlp, project_root) -> list[str]:
    segments = segment_corpus(load_corpus(project_root / "transcripts"), nlp)["text"].tolist()
    return [f"{before}{text}{after}" for text in segments for before, after in DECORATIONS]


def expect_lines(table) -> list[tuple]:
    """The summary lines written out by hand from the table's hits, in plain Python."""
    hits = [
        (text, table.codes[code], start, end, table.rules[rule], evidence)
        for text, code, rule, start, end, evidence in zip(
            table.text.tolist(), table.code.tolist(), table.rule.tolist(),
            table.start.tolist(), table.end.tolist(), table.list_evidence(), strict=True,
        )
    ]  # fmt: skip
    lines = []
    for (text, code), group in groupby(hits, key=lambda hit: hit[:2]):
        group = list(group)
        spans: dict[tuple[int, int], str] = {}
        for _, _, start, end, _, evidence in group:  # the last rule's evidence stands
            spans[(start, end)] = evidence
        rules = sorted({hit[4] for hit in group})
        evidence = " | ".join(spans[span] for span in sorted(spans))
        lines.append((text, code, evidence, "; ".join(rules), group[0][2], group[0][3]))
    return lines


@pytest.mark.parametrize("texts_per_doc", [1, 64, 1024])
def test_summary_lines_equal_the_hits_grouped_by_hand(coder, texts, texts_per_doc) -> None:
    ids = [f'seg,{n}"' if n % 3 == 0 else f"s{n}" for n in range(len(texts))]
    written, near = b"", 0
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    for table in coder.code_tables(texts, texts_per_doc):
        own = ids[table.first_text : table.first_text + table.n_texts]
        lines = list(summarise_tables([table]))
        assert lines == expect_lines(table)
        written += encode_csv_lines(table, summarise(table), own)
        for number, code, evidence, rules, start, end in lines:
            writer.writerow([ids[number], code, evidence, rules, start, end])
            near += " … " in evidence
    assert near > 50  # near evidence (joined pieces) is among them
    assert written.decode() == expected.getvalue()
    assert written.count(b"\n") > 2000


def test_a_bare_carriage_return_is_quoted(coder) -> None:
    (table,) = coder.code_tables(["Målstyring\rer bra.", "Tellekanter."], 64)
    data = encode_csv_lines(table, summarise(table), ["a\rb", "c"])
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert {row[0] for row in rows} == {"a\rb", "c"} and rows[0][0] == "a\rb"
    assert data.startswith(b'"a\rb"')


def test_a_table_without_hits_writes_nothing(coder) -> None:
    (table,) = coder.code_tables(["Ingenting å se her.", ""], 64)
    summary = summarise(table)
    assert summary.n_lines == 0
    assert encode_csv_lines(table, summary, ["a", "b"]) == b""
