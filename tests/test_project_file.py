"""project.yaml: parsing, every problem with its line, and the thesis default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.project_file import (
    CaseVariable,
    Section,
    load_default_project_file,
    load_project_file,
    parse_project_file,
    slugify_heading,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hjemmesykepleie"
VALID = """\
name: Studie
language: nn
interviewer: Int
case_variables:
  role: [sykepleiar, leiar]
  district: [nord, sør]
  years: free
sections:
  - Om arbeidsdagen: arbeidsdagen
  - Tid og prioritering
required_codes: [samarbeid]
"""


def test_a_valid_file_gives_its_settings() -> None:
    settings = parse_project_file(VALID)
    assert settings.name == "Studie" and settings.language == "nn"
    assert settings.interviewer == "Int"
    assert settings.case_variables == (
        CaseVariable("role", ("sykepleiar", "leiar")),
        CaseVariable("district", ("nord", "sør")),
        CaseVariable("years", None),
    )
    assert settings.sections == (
        Section("Om arbeidsdagen", "arbeidsdagen"),
        Section("Tid og prioritering", "tid_og_prioritering"),
    )
    assert settings.required_codes == ("samarbeid",)
    assert settings.list_grouping_variables() == ["role", "district"]
    assert settings.list_group_order("district") == ("nord", "sør")
    assert settings.list_group_order("years") == ()
    assert settings.list_group_order("section") == ("arbeidsdagen", "tid_og_prioritering")


@pytest.mark.parametrize(
    ("heading", "section_id", "known"),
    [
        ("Om arbeidsdagen", "arbeidsdagen", True),
        ("om  ARBEIDSDAGEN", "arbeidsdagen", True),
        ("Tid og prioritering", "tid_og_prioritering", True),
        ("Læring og forbedring", "laering_og_forbedring", False),
    ],
)
def test_headings_map_to_section_ids(heading: str, section_id: str, known: bool) -> None:
    settings = parse_project_file(VALID)
    assert settings.map_section(heading) == section_id
    assert settings.is_known_section(heading) is known


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("language: nn", "language: sv"), 2, "unknown language 'sv'"),
        (("interviewer: Int", "interviewer: Int ervjuer"), 3, "is no label"),
        (("  years: free", "  years: fri"), 7, "'years' has no list of values"),
        (
            ("  district: [nord, sør]", "  district: [nord, nord]"),
            6,
            "'nord' of 'district' repeats",
        ),
        (("  role:", "  id:"), 5, "name 'id' cannot be used"),
        (("name: Studie", "name: Studie\ncolour: red"), 2, "unknown key 'colour'"),
        (("language: nn\n", ""), 1, "missing language"),
        (("  - Tid og prioritering", "  - Om arbeidsdagen"), 10, "repeats"),
        (("  - Tid og prioritering", "  - [a, b]"), 10, "is not a heading"),
        (("[samarbeid]", "samarbeid"), 11, "required_codes is not a list"),
        (("name: Studie", "name: Studie\nname: Annen"), 2, "duplicate key 'name'"),
        (("role: [", "role: [["), 6, "YAML syntax error"),
    ],
)
def test_every_problem_names_file_line_and_what_to_do(
    change: tuple[str, str], line: int, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_project_file(VALID.replace(*change), "p/project.yaml")
    text = str(caught.value)
    found = [row for row in text.splitlines() if message in row]
    assert found, text
    assert found[0].startswith(f"p/project.yaml:{line}: ") and " — " in found[0]


def test_a_folder_without_project_yaml_is_the_thesis_project(tmp_path: Path) -> None:
    assert load_project_file(tmp_path) is load_default_project_file()


def test_the_thesis_project_file_equals_the_packaged_default() -> None:
    own = load_project_file(ROOT)
    assert own.path.endswith("project.yaml")
    assert dataclasses.replace(own, path="") == dataclasses.replace(
        load_default_project_file(), path=""
    )
    assert own.list_grouping_variables() == ["role", "employer"]
    assert "indikator.journalforing_24t" in own.required_codes


def test_the_example_project_file_loads() -> None:
    settings = load_project_file(EXAMPLE)
    assert settings.interviewer == "Int"
    assert settings.list_grouping_variables() == ["role", "district", "shift"]
    assert settings.required_codes == ()


@pytest.mark.parametrize(
    ("heading", "slug"),
    [("Læring og forbedring", "laering_og_forbedring"), ("Ø", "o"), ("??", "ukjent")],
)
def test_slugify_heading(heading: str, slug: str) -> None:
    assert slugify_heading(heading) == slug
