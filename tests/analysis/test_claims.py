"""Claims ledger and exemplar quotations: the pieces (thesis_analysis.analysis.claims).

tests/analysis/test_tables.py runs select_exemplars and compute_claims_ledger on the analysis
fixture; here the parsing, checking, ranking and formatting helpers one by one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.analysis.claims import (
    Claim,
    check_claims,
    collect_evidence,
    compute_claims_ledger,
    format_pattern,
    format_quotation,
    label_strength,
    load_claims,
    match_pattern,
    parse_pattern,
    rank_quotations,
    score_segments,
    shorten_text,
)
from thesis_analysis.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "analysis"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pattern", "problems"),
    [
        (None, (), []),
        ("styring", (("styring",),), []),
        (["a", "b"], (("a",), ("b",)), []),
        ([["a", "b"], "c"], (("a", "b"), ("c",)), []),
        ([], (), []),
        ({"a": 1}, (), ["W: give a list of code ids, e.g. [holdning.positiv, styring]"]),
        (5, (), ["W: give a list of code ids"]),
        (["a", 3], (("a",),), ["W: 3 is not a code id or a list of code ids"]),
        (["a", []], (("a",),), ["W: [] is not a code id"]),
        ([["a", ""]], (), ["W: ['a', ''] is not a code id"]),
    ],
)
def test_parse_pattern(value, pattern, problems: list[str]) -> None:
    found: list[str] = []
    assert parse_pattern(value, "W", found) == pattern
    assert len(found) == len(problems)
    for message, start in zip(found, problems, strict=True):
        assert message.startswith(start)


def test_check_claims_names_unknown_codes_and_repeated_ids(codebook) -> None:
    claims = (
        Claim("C1", "a", "1", (("styring", "npm"),), (("ukjent",),)),
        Claim("C1", "b", "2", (("holdning.kritisk",),), ()),
        Claim("C2", "c", "3", (("styring.laering",), ("indikator",)), ()),
    )
    assert check_claims(claims, codebook) == [
        "claim C1: supports code 'npm' is not in the codebook; use an id from codebook.yaml",
        "claim C1: against code 'ukjent' is not in the codebook; use an id from codebook.yaml",
        "claim C1: the id is used twice; give each claim its own",
    ]


def test_load_claims_reads_every_field(tmp_path: Path, codebook) -> None:
    path = write(
        tmp_path,
        "claims:\n"
        "  - id: 7\n"
        "    claim: '  Målekortet virker.  '\n"
        "    section: 5.2\n"
        "    supports: [[holdning.positiv, styring.laering], styring]\n"
        "    note: ' merk '\n",
    )
    (claim,) = load_claims(path, codebook)
    assert claim == Claim(
        id="7",
        claim="Målekortet virker.",
        section="5.2",
        supports=(("holdning.positiv", "styring.laering"), ("styring",)),
        against=(),
        note="merk",
    )
    assert load_claims(path) == (claim,)  # without a codebook no codes are checked


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("claims: {id: C1}\n", "expected a list of claims under the key 'claims:'"),
        ("- id: C1\n", "expected a list of claims"),
        ("", "expected a list of claims"),
        ("claims:\n  - [C1, a]\n", "claims.yaml:2: claim 1: needs at least id, claim and supports"),
        ("claims:\n  - {id: C1}\n", "claims.yaml:2: claim 1: needs at least id, claim"),
        ("claims:\n  - {claim: a}\n", "claims.yaml:2: claim 1: needs at least id"),
        (
            "claims:\n  - {id: C1, claim: a, supports: styring}\n  - {id: C2, claim: b}\n",
            "claims.yaml:3: claim 2: supports is empty; name the codes the claim rests on",
        ),
        (
            "claims:\n  - {id: C1, claim: a, supports: [styring], kilde: x, areg: y}\n",
            "claims.yaml:2: claim 1: unknown key(s) areg, kilde; use",
        ),
        (
            "claims:\n  - {id: C1, claim: a, supports: [styring], against: 5}\n",
            "claims.yaml:2: claim 1 against: give a list of code ids",
        ),
    ],
)
def test_load_claims_problems_name_the_file_and_claim(tmp_path: Path, text: str, words: str):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_claims(path)
    assert words in str(caught.value)
    assert "claims.yaml" in str(caught.value)


def test_a_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "claims:\n  - id: C1\n    claim: [a\n")
    with pytest.raises(InputError) as caught:
        load_claims(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid YAML")
    assert "line 4" in message or "line 3" in message


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"claims\.yaml: no such file"):
        load_claims(tmp_path / "claims.yaml")


def test_all_problems_are_counted_in_one_error(tmp_path: Path, codebook) -> None:
    path = write(
        tmp_path,
        "claims:\n  - {id: C1, claim: a}\n  - {id: C1, claim: b, supports: [npm]}\n",
    )
    with pytest.raises(InputError) as caught:
        load_claims(path, codebook)
    assert str(caught.value).startswith("3 problem(s) in the claims:\n")


def test_a_claims_file_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes("claims:\n  - id: C1\n    claim: Mål\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"claims\.yaml:3:"):
        load_claims(path)


def test_an_unknown_code_names_the_file_and_line(tmp_path: Path, codebook) -> None:
    path = write(tmp_path, "claims:\n  - id: C1\n    claim: a\n    supports: [npm]\n")
    with pytest.raises(InputError) as caught:
        load_claims(path, codebook)
    assert "claims.yaml:4: claim C1: supports code 'npm'" in str(caught.value)


def test_a_repeated_id_names_the_line_of_the_second_claim(tmp_path: Path, codebook) -> None:
    text = "claims:\n  - {id: C1, claim: a, supports: [styring]}\n"
    path = write(tmp_path, text + "  - {id: C1, claim: b, supports: [styring]}\n")
    with pytest.raises(InputError) as caught:
        load_claims(path, codebook)
    assert "claims.yaml:3: claim C1: the id is used twice" in str(caught.value)


# -- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ((), ""),
        ((("styring",),), "styring"),
        ((("holdning.positiv",), ("styring",)), "holdning.positiv × styring"),
        ((("a", "b"), ("c",)), "(a | b) × c"),
        ((("a", "b", "c"),), "(a | b | c)"),
    ],
)
def test_format_pattern(pattern, text: str) -> None:
    assert format_pattern(pattern) == text


@pytest.mark.parametrize(
    ("text", "max_chars", "short"),
    [
        ("kort", 10, "kort"),
        ("akkurat ti", 10, "akkurat ti"),
        ("Målekortet gir oss retning i arbeidet", 17, "Målekortet gir …"),
        ("Vi teller, måler; og rapporterer alt", 25, "Vi teller, måler; og …"),
        ("Vi teller, måler; og rapporterer alt", 20, "Vi teller, måler …"),  # no ; before …
        ("ettlangtordutenmellomrom", 10, "ettlangt …"),
    ],
)
def test_shorten_text(text: str, max_chars: int, short: str) -> None:
    assert shorten_text(text, max_chars) == short
    assert len(short) <= max_chars


@pytest.mark.parametrize(
    ("row", "quotation"),
    [
        (
            {"text": "Det virker.", "informant": "A1", "provenance": "4.2.1; sitat"},
            "«Det virker.» (A1, kilde 4.2.1; sitat)",
        ),
        ({"text": "Det virker.", "informant": "A1", "provenance": ""}, "«Det virker.» (A1)"),
        ({"text": "«Vi teller alt.", "informant": "B1"}, "«Vi teller alt.» (B1)"),
        ({"text": "Han sa «nei».", "informant": "B1"}, "«Han sa «nei».» (B1)"),
        ({"text": "alt vi gjør».", "informant": "B1"}, "«alt vi gjør.» (B1)"),
    ],
)
def test_format_quotation(row: dict, quotation: str) -> None:
    assert format_quotation(pd.Series(row), 220) == quotation


def test_format_quotation_shortens() -> None:
    row = pd.Series({"text": "Målekortet gir oss retning i arbeidet", "informant": "A1"})
    assert format_quotation(row, 17) == "«Målekortet gir …» (A1)"


@pytest.mark.parametrize(
    ("n", "label"),
    [(0, "tynn"), (1, "tynn"), (2, "noe støtte"), (4, "noe støtte"), (9, "bred støtte")],
)
def test_label_strength(n: int, label: str) -> None:
    assert label_strength(n) == label


# -- ranking and matching ----------------------------------------------------------------------


def candidates(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["segment_id", "informant", "text", "score"])


def test_rank_quotations_prefers_score_then_fit_then_length() -> None:
    frame = candidates(
        ("s1", "A", "x" * 50, 0),
        ("s2", "B", "x" * 30, 1),  # best score, though too short
        ("s3", "C", "y" * 45, 0),  # fits, shorter than s1
        ("s4", "D", "z" * 90, 0),  # too long
    )
    assert rank_quotations(frame, 4, 80, 40) == [1, 2, 0, 3]
    assert rank_quotations(frame, 2, 80, 40) == [1, 2]
    assert rank_quotations(frame, 0, 80, 40) == []


def test_rank_quotations_spreads_informants_and_never_repeats_a_text() -> None:
    frame = candidates(
        ("s1", "A", "a" * 45, 1),
        ("s2", "A", "b" * 45, 1),
        ("s3", "B", "a" * 45, 0),  # same text as s1
        ("s4", "C", "c" * 60, 0),
    )
    assert rank_quotations(frame, 3, 80, 40) == [0, 3, 1]
    assert rank_quotations(frame, 9, 80, 40) == [0, 3, 1]  # s3 repeats a chosen text


def test_rank_quotations_breaks_ties_by_segment_id() -> None:
    frame = candidates(("s9", "A", "x" * 45, 0), ("s1", "B", "y" * 45, 0))
    assert rank_quotations(frame, 1, 80, 40) == [1]


def test_collect_evidence_at_the_top_level() -> None:
    codings = pd.DataFrame(
        {
            "segment_id": ["s1", "s1", "s1", "s2"],
            "code": ["styring", "styring.laering", "styring", "holdning.kritisk"],
            "evidence": ["målekort | mål", "lærer", "mål", None],
        }
    )
    assert collect_evidence(codings, "top") == {("s1", "styring"): "målekort | mål | lærer"}
    assert collect_evidence(codings, "code") == {
        ("s1", "styring"): "målekort | mål",
        ("s1", "styring.laering"): "lærer",
    }
    assert collect_evidence(codings.drop(columns="evidence"), "top") == {}


UNIT_CODES = pd.DataFrame(
    {
        "unit": ["u1", "u1", "u2", "u2", "u3", "u4"],
        "segment_id": ["u1-s1", "u1-s2", "u2-s1", "u2-s1", "u3-s1", "u4-s1"],
        "code": [
            "holdning.positiv",
            "styring.laering",
            "holdning.positiv",
            "kvalitet_kvantitet",
            "styringsgrep",
            "styring",
        ],
    }
)


@pytest.mark.parametrize(
    ("pattern", "units"),
    [
        ((("styring",),), {"u1", "u4"}),  # a child matches, a longer id does not
        ((("holdning.positiv",), ("styring",)), {"u1"}),
        ((("holdning.positiv",), ("styring", "kvalitet_kvantitet")), {"u1", "u2"}),
        ((("holdning",),), {"u1", "u2"}),
        ((("subkultur",),), set()),
        ((), set()),
    ],
)
def test_match_pattern(pattern, units: set[str]) -> None:
    assert match_pattern(pattern, UNIT_CODES) == units


def test_score_segments_counts_the_terms_each_segment_matches() -> None:
    pattern = (("holdning.positiv",), ("styring", "kvalitet_kvantitet"))
    scores = score_segments(pattern, UNIT_CODES)
    assert scores.to_dict() == {"u1-s1": 1, "u1-s2": 1, "u2-s1": 2, "u3-s1": 0, "u4-s1": 1}
    assert scores.dtype.kind == "i"


# -- the ledger --------------------------------------------------------------------------------


def test_the_ledger_refuses_an_unknown_unit(segments) -> None:
    with pytest.raises(ValueError, match="unit must be 'turn' or 'segment', not 'sentence'"):
        compute_claims_ledger(
            (), pd.DataFrame(columns=["segment_id", "code"]), segments, "sentence"
        )


def test_the_ledger_without_quotations_and_without_matches(segments) -> None:
    claims = (
        Claim("C1", "a", "1", (("styring",),), (("subkultur",),)),
        Claim("C2", "b", "2", (("subkultur",),), ()),
    )
    codings = pd.DataFrame(
        {
            "segment_id": ["A1-t002-s01", "A1-t002-s01", "A1-t001-s01"],
            "code": ["styring", "styring", "subkultur"],  # a doubled row, an interviewer one
        }
    )
    frame = compute_claims_ledger(claims, codings, segments, n_quotes=0)
    c1, c2 = frame.to_dict("records")
    assert (c1["n_support"], c1["n_support_informants"], c1["strength"]) == (1, 1, "tynn")
    assert (c1["n_against"], c1["n_against_informants"]) == (0, 0)
    assert (c1["quote_1"], c1["quote_2"]) == ("", "")
    assert (c2["n_support"], c2["quote_1"]) == (0, "")
    assert pd.isna(c2["n_against"]) and str(frame["n_against"].dtype) == "Int64"
