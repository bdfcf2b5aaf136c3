"""The auto-coder: each rule kind, negation, evidence offsets, and the CSV runner."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.runs import code_csv
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.errors import InputError

DATA = Path(__file__).parents[1] / "data"
CODEBOOK = (DATA / "codebook_small.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def coder(tmp_path_factory, nlp) -> AutoCoder:
    path = tmp_path_factory.mktemp("cb") / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return AutoCoder(load_codebook(path, require_fixed_ids=False), nlp)


def codes_of(coder: AutoCoder, text: str) -> dict[str, str]:
    hits = next(coder.code_texts([text]))
    return {hit.code: hit.rule for hit in hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Det er mye aktivitetstelling her.", {"telling": "term:telling"}),
        ("Tellingene tar tid.", {"telling": "term:telling"}),
        ("Målene er klare.", {"telling": "term:=mål"}),
        ("Resultatmålene er klare.", {}),  # '=mål' matches the whole word only
        ("Spørsmålet er enkelt.", {}),  # a known word is not split into spørs|mål
        ("Telling av mål på fotball.", {}),  # excluded
        ("Vi må ringe brukeren tilbake.", {"kontakt": "phrase:ringe * tilbake"}),
        ("Kontakt bruker innen 48 timer.", {"kontakt": "phrase:kontakt bruker"}),
        ("Vi teller hver eneste aktivitet.", {"naerhet": "near:0"}),
        ("Vi teller mange ulike typer møter og annen aktivitet.", {}),  # beyond the window
        ("Det er nyttig.", {"holdning.positiv": "term:nyttig"}),
        ("Det er ikke nyttig.", {"holdning.kritisk": "negated:term:nyttig"}),
        ("Det er tullete.", {"holdning.kritisk": "term:tullete"}),
        ("Det er ikke tullete.", {}),  # negation blocks
        ("Jeg ser ikke poenget.", {"holdning.kritisk": "phrase:ser ikke poenget"}),
        ("Ingenting her.", {}),
    ],
)
def test_rules(coder: AutoCoder, text: str, expected: dict[str, str]) -> None:
    assert codes_of(coder, text) == expected


def test_evidence_offsets_point_into_the_text(coder: AutoCoder) -> None:
    text = "Først noe annet. Så kommer aktivitetstellingen, og den er ikke nyttig."
    for hit in next(coder.code_texts([text])):
        assert text[hit.start : hit.end] == hit.evidence
    assert {h.evidence for h in next(coder.code_texts([text]))} == {
        "aktivitetstellingen",
        "ikke nyttig",
    }


def test_code_csv_writes_one_row_per_text_and_code(coder: AutoCoder, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    pd.DataFrame(
        {"nr": ["a", "b", "c"], "svar": ["Det er nyttig.", "Ingenting.", "Telling er tullete."]}
    ).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    written = code_csv(source, target, coder, "nr", "svar", chunk_size=1, progress=False)
    out = pd.read_csv(target)
    assert written == 3
    assert list(out.columns[:3]) == ["id", "code", "evidence"]
    assert sorted(zip(out["id"], out["code"], strict=True)) == [
        ("a", "holdning.positiv"),
        ("c", "holdning.kritisk"),
        ("c", "telling"),
    ]


def test_code_csv_codes_long_texts(coder: AutoCoder, tmp_path: Path) -> None:
    # 1.2 million characters in one text, and three that together pass the size of a doc.
    texts = ["Telling er tullete. " * 60_000, "Det er nyttig.", *["Telling. " * 70_000] * 3]
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"id": list("abcde"), "text": texts}).to_csv(source, index=False)
    code_csv(source, target, coder, progress=False)
    out = pd.read_csv(target, keep_default_na=False)
    assert sorted(zip(out["id"], out["code"], strict=True)) == [
        ("a", "holdning.kritisk"),
        ("a", "telling"),
        ("b", "holdning.positiv"),
        ("c", "telling"),
        ("d", "telling"),
        ("e", "telling"),
    ]
    assert out.loc[out["id"] == "e", "evidence"].item().count("Telling") == 70_000


def test_code_csv_names_a_text_too_long_to_code(coder, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(coder.nlp, "max_length", 100)
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["kort", "lang"], "text": ["Telling.", "Telling. " * 20]}).to_csv(
        source, index=False
    )
    with pytest.raises(InputError, match=r"in\.csv: the text of id lang has 180 characters"):
        code_csv(source, tmp_path / "out.csv", coder, progress=False)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"id,tekst\n1,hei\n", "no column text"),
        ("id,text\n1,M\u00e5lekort\n".encode("cp1252"), "not UTF-8"),
    ],
)
def test_code_csv_errors_name_the_file(coder, tmp_path: Path, content: bytes, words: str) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    with pytest.raises(InputError) as info:
        code_csv(source, tmp_path / "out.csv", coder, progress=False)
    assert "bad.csv" in str(info.value) and words in str(info.value)
    assert not (tmp_path / "out.csv").exists()


def test_batched_texts_stay_apart_and_keep_their_own_offsets(coder: AutoCoder) -> None:
    texts = ["Vi må ha kontakt", "bruker innen fristen.", "", "Det er altså ikke nyttig."]
    results = list(coder.code_texts(texts, texts_per_doc=3))
    assert [[h.code for h in hits] for hits in results] == [[], [], [], ["holdning.kritisk"]]
    hit = results[3][0]
    assert texts[3][hit.start : hit.end] == hit.evidence == "ikke nyttig"


def test_only_the_last_word_of_a_phrase_matches_on_its_stem(tmp_path, nlp) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(
        CODEBOOK.replace(
            'phrases: ["ringe * tilbake", "kontakt bruker"]',
            'phrases: ["ringe * tilbake", "kontakt bruker", "måles ikke"]',
        ),
        encoding="utf-8",
    )
    coder = AutoCoder(load_codebook(path, require_fixed_ids=False), nlp)
    assert codes_of(coder, "Det måles ikke.") == {"kontakt": "phrase:måles ikke"}
    assert "kontakt" not in codes_of(coder, "Det er mål ikke tall.")  # «mål» ~ stem of «måles»
    assert codes_of(coder, "Vi tar kontakt med brukerne.") == {}
    assert codes_of(coder, "Kontakt brukerne i dag.") == {"kontakt": "phrase:kontakt bruker"}


@pytest.mark.parametrize(
    "value",
    ["plain", "", "a,b", 'sa "hei"', "linje\nto", "cr\r", "«sitat» – ok", " mellomrom ", "'"],
)
def test_csv_fields_are_quoted_as_the_csv_module_quotes_them(coder, tmp_path, value) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], [value, f"Telling {value}."]])
    code_csv(source, target, coder, progress=False)
    line = target.read_bytes().decode().split("\n", 1)[1]
    row = next(csv.reader(io.StringIO(line, newline="")))
    assert row[:2] == [value, "telling"]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    if "\r" not in value:  # the csv module leaves a lone CR unquoted; we quote it
        assert line == buffer.getvalue()
    else:
        assert line.startswith(f'"{value}",')


def test_code_csv_keeps_ids_and_evidence_with_commas_and_quotes(coder, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    texts = {'a,"1"': "Telling, telling og mer telling.", "b\nny": "Det er «nyttig», sa hun."}
    pd.DataFrame({"id": list(texts), "text": list(texts.values())}).to_csv(source, index=False)
    code_csv(source, tmp_path / "out.csv", coder, progress=False)
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out[["id", "code", "evidence"]].values.tolist() == [
        ['a,"1"', "telling", "Telling | telling | telling"],
        ["b\nny", "holdning.positiv", "nyttig"],
    ]
