"""Summary lines: the compiled CSV writer gives, byte for byte, what the csv module writes
from the Python summaries (:func:`summarise_tables`)."""

from __future__ import annotations

import csv
import io

import pytest

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.summary import encode_csv_lines, summarise, summarise_tables
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.corpus.records import load_corpus
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


@pytest.mark.parametrize(
    ("texts_per_doc", "capacity"), [(1, None), (64, None), (1024, None), (64, 16)]
)
def test_compiled_lines_equal_the_csv_module_lines(coder, texts, texts_per_doc, capacity) -> None:
    # capacity 16: the first buffer is too small nearly every time, so it is grown and retried
    ids = [f'seg,{n}"' if n % 3 == 0 else f"s{n}" for n in range(len(texts))]
    compiled, expected, near = b"", io.StringIO(), 0
    writer = csv.writer(expected, lineterminator="\n")
    for table in coder.code_tables(texts, texts_per_doc):
        own = ids[table.first_text : table.first_text + table.n_texts]
        compiled += encode_csv_lines(table, summarise(table), own, capacity)
        for number, code, evidence, rules, start, end in summarise_tables([table]):
            writer.writerow([ids[number], code, evidence, rules, start, end])
            near += " … " in evidence
    assert near > 50  # near evidence (joined pieces) is among them
    assert compiled.decode() == expected.getvalue()
    assert compiled.count(b"\n") > 2000


def test_a_table_without_hits_writes_nothing(coder) -> None:
    (table,) = coder.code_tables(["Ingenting å se her.", ""], 64)
    summary = summarise(table)
    assert summary.n_lines == 0
    assert encode_csv_lines(table, summary, ["a", "b"]) == b""
