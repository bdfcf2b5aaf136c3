"""Tests for the codebook loader and its validation (thesis_analysis.codebook.model).

The broken codebooks in tests/data/codebooks/ mark every line that has a problem with a
comment ``# expect: <part of the message>``; the tests read those markers, so each fixture says
itself which problems (and lines) validation must report.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import (
    Codebook,
    codebook_to_frame,
    compute_top_level,
    load_codebook,
    validate_codebook,
)
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_default_project_file

FIXED_IDS = load_default_project_file().required_codes

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "codebook.yaml"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "codebooks"
MARKER = re.compile(r"#\s*expect:\s*(.+?)\s*$")
BROKEN = sorted(p.name for p in FIXTURES.glob("broken_*.yaml"))
THEMES = (
    "npm",
    "styring",
    "malforskyvning",
    "malkonflikt",
    "stat_kommune",
    "kvalitet_kvantitet",
    "subkultur",
    "rapportering",
)


def read_markers(path: Path) -> list[tuple[int, str]]:
    """(line, expected message part) for every ``# expect:`` marker in a fixture."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            found.append((number, match.group(1)))
    return found


@pytest.fixture(scope="module")
def shipped() -> Codebook:
    return load_codebook(SHIPPED)


# -- broken codebooks ------------------------------------------------------------------------


def test_every_broken_fixture_has_markers() -> None:
    assert len(BROKEN) >= 20
    for name in BROKEN:
        assert read_markers(FIXTURES / name), f"{name} has no '# expect:' marker"


@pytest.mark.parametrize("name", BROKEN)
def test_broken_codebook_reports_its_problem_with_line(name: str) -> None:
    path = FIXTURES / name
    problems = validate_codebook(path, require_fixed_ids=False)
    expected = read_markers(path)
    for line, part in expected:
        prefix = f"{name}:{line}: "
        assert any(p.startswith(prefix) and part in p for p in problems), (
            f"no problem '{part}' on line {line}; got:\n" + "\n".join(problems)
        )
    assert len(problems) == len(expected), "\n".join(problems)
    for problem in problems:
        assert " — " in problem, f"no advice in: {problem}"


@pytest.mark.parametrize("name", BROKEN)
def test_load_raises_input_error_listing_the_problem(name: str) -> None:
    with pytest.raises(InputError) as caught:
        load_codebook(FIXTURES / name, require_fixed_ids=False)
    message = str(caught.value)
    for line, _ in read_markers(FIXTURES / name):
        assert f"{name}:{line}:" in message


def test_several_problems_are_all_reported_in_line_order() -> None:
    path = FIXTURES / "several_problems.yaml"
    expected = read_markers(path)
    assert len(expected) >= 5
    problems = validate_codebook(path, require_fixed_ids=False)
    assert len(problems) == len(expected)
    for (line, part), problem in zip(expected, problems, strict=True):
        assert problem.startswith(f"several_problems.yaml:{line}: ")
        assert part in problem
    with pytest.raises(InputError) as caught:
        load_codebook(path, require_fixed_ids=False)
    assert f"{len(expected)} problems" in str(caught.value)


def test_problem_names_the_code() -> None:
    problems = validate_codebook(FIXTURES / "broken_perspective.yaml", require_fixed_ids=False)
    assert "code 'indikator.jobbmatch.arbeidssokere'" in problems[0]


def test_missing_fixed_ids_are_each_reported() -> None:
    problems = validate_codebook(FIXTURES / "valid_minimal.yaml", required_codes=FIXED_IDS)
    present = {
        "holdning",
        "holdning.kritisk",
        "holdning.positiv",
        "indikator",
        "indikator.jobbmatch",
    }
    missing = [i for i in FIXED_IDS if i not in present]
    assert len(problems) == len(missing)
    for fixed in missing:
        assert any(f"code '{fixed}': required code is missing" in p for p in problems), fixed
    assert all(p.startswith("valid_minimal.yaml:5: ") for p in problems)  # the codes: line


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    missing = tmp_path / "codebook.yaml"
    assert "cannot read" in validate_codebook(missing)[0]
    with pytest.raises(InputError):
        load_codebook(missing)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Mål\n".encode("latin-1"))
    assert "not UTF-8" in validate_codebook(latin)[0]


def test_empty_file_and_missing_codes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert "no codes: list" in validate_codebook(empty, require_fixed_ids=False)[0]


# -- the valid small codebook ------------------------------------------------------------------


def test_valid_minimal_loads() -> None:
    book = load_codebook(FIXTURES / "valid_minimal.yaml", require_fixed_ids=False)
    assert book.name == "Testkodebok"
    assert book.source_name == "valid_minimal.yaml"
    data = (FIXTURES / "valid_minimal.yaml").read_bytes()
    assert book.sha256 == hashlib.sha256(data).hexdigest()
    assert book.short_hash() == book.sha256[:12]
    assert book.ids()[:2] == ("tema", "tema.under")
    assert "holdning" not in book.codable_ids()
    assert [c.id for c in book.children("holdning")] == ["holdning.kritisk", "holdning.positiv"]
    tema = book.get("tema")
    assert tema.parent is None and tema.line == 6
    assert book.get("tema.under").parent == "tema"
    assert tema.rules.terms == ("telling", "=mål", "aktivitetstelling")  # top-level rules merged
    assert tema.rules.near[0].groups == (("telle", "telling"), ("aktivitet",))
    assert tema.rules.near[0].window == 6
    assert tema.example_source == "4.2.2"
    assert tema.theory == ("Jacobsen og Thorsvik (2007)",)
    assert book.get("holdning.positiv").rules.negation == "holdning.kritisk"
    ind = book.get("indikator.jobbmatch.arbeidssokere").indicator
    assert ind is not None
    assert (ind.target_value, ind.target_unit, ind.target_direction) == (50.0, "%", ">=")
    assert ind.target_text == "≥ 50 %"
    assert ind.rogaland_followup and ind.in_vedlegg4 and ind.line == "stat"


def test_get_unknown_code_suggests_close_ids() -> None:
    book = load_codebook(FIXTURES / "valid_minimal.yaml", require_fixed_ids=False)
    with pytest.raises(KeyError, match="holdning.kritisk"):
        book.get("holdning.kritsk")
    with pytest.raises(KeyError):
        book.children("finnes.ikke")


def test_codebook_is_frozen() -> None:
    book = load_codebook(FIXTURES / "valid_minimal.yaml", require_fixed_ids=False)
    with pytest.raises(AttributeError):
        book.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        book.codes[0].label = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("code_id", "top"),
    [
        ("npm", "npm"),
        ("npm.detaljstyring", "npm"),
        ("styring.mal_og_strategi.tavlemoter", "styring"),
        ("holdning", "holdning"),
        ("holdning.kritisk", "holdning.kritisk"),
        ("indikator", "indikator"),
        ("indikator.jobbmatch", "indikator.jobbmatch"),
        ("indikator.oppfolging.arbeidssokere_3mnd", "indikator.oppfolging"),
        ("malforskyvning.suboptimalisering", "malforskyvning"),
    ],
)
def test_compute_top_level(code_id: str, top: str) -> None:
    assert compute_top_level(code_id) == top


# -- the shipped codebook ----------------------------------------------------------------------


def test_shipped_codebook_is_valid() -> None:
    assert validate_codebook(SHIPPED, required_codes=FIXED_IDS) == []


@pytest.mark.parametrize(
    ("kwargs", "n_missing"),
    [({}, 0), ({"require_fixed_ids": True}, len(FIXED_IDS) - 5), ({"required_codes": ["x"]}, 1)],
)
def test_required_codes_come_from_the_caller(kwargs: dict, n_missing: int) -> None:
    problems = validate_codebook(FIXTURES / "valid_minimal.yaml", **kwargs)
    assert len([p for p in problems if "required code is missing" in p]) == n_missing


def test_shipped_codebook_has_every_fixed_id(shipped: Codebook) -> None:
    for fixed in FIXED_IDS:
        assert shipped.get(fixed).id == fixed
    assert not shipped.get("holdning").codable
    assert not shipped.get("indikator").codable


def test_every_codable_code_is_a_full_entry_with_rules(shipped: Codebook) -> None:
    for code in shipped.codes:
        if not code.codable:
            assert code.rules.is_empty(), code.id
            continue
        assert code.label and code.short and code.definition, code.id
        assert code.when_to_use and code.when_not_to_use, code.id
        assert code.example_text and code.example_source, code.id
        assert code.theory, code.id
        assert not code.rules.is_empty(), f"{code.id} has no rule"


def test_rule_patterns_are_lowercase_and_exact_prefix_kept(shipped: Codebook) -> None:
    seen_exact = False
    for code in shipped.codes:
        words = list(code.rules.terms) + list(code.rules.phrases) + list(code.rules.exclude)
        words += [w for near in code.rules.near for group in near.groups for w in group]
        for word in words:
            assert word == word.lower() and word.strip("= "), (code.id, word)
        seen_exact = seen_exact or any(t.startswith("=") for t in code.rules.terms)
    assert seen_exact


def test_theme_colours_are_distinct_okabe_ito(shipped: Codebook) -> None:
    okabe_ito = {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
        "#000000",
    }
    colours = [shipped.get(theme).color for theme in THEMES]
    assert set(colours) <= okabe_ito
    assert len(set(colours)) == len(THEMES)


def test_stance_negation(shipped: Codebook) -> None:
    assert shipped.get("holdning.positiv").rules.negation == "holdning.kritisk"
    assert shipped.get("holdning.kritisk").rules.negation == "block"


def test_indicator_blocks_only_on_parameters(shipped: Codebook) -> None:
    for code in shipped.codes:
        depth = code.id.count(".")
        if code.id.startswith("indikator.") and depth == 2:
            assert code.indicator is not None, code.id
        elif code.id != "indikator.journalforing_24t":
            assert code.indicator is None, code.id
    journal = shipped.get("indikator.journalforing_24t").indicator
    assert journal is not None and not journal.in_vedlegg4
    assert journal.target_value == 24 and journal.target_direction == "<="


def test_codebook_to_frame(shipped: Codebook) -> None:
    frame = codebook_to_frame(shipped)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["id"]) == list(shipped.ids())
    for column in (
        "id",
        "parent",
        "top_level",
        "label",
        "short",
        "codable",
        "color",
        "n_terms",
        "indicator_name",
        "target_text",
        "perspective",
        "indicator_line",
    ):
        assert column in frame.columns
    row = frame.set_index("id").loc["indikator.sykefravaer.egenmeldt_legemeldt"]
    assert row["perspective"] == "medarbeider"
    assert row["target_direction"] == "<="
    assert row["top_level"] == "indikator.sykefravaer"
    assert frame.set_index("id").loc["npm", "n_terms"] > 0
