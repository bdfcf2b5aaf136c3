"""The synthetic example study of examples/hjemmesykepleie, end to end on a copy: init,
validate, code, run (tables, figures, executed notebooks), export-qdpx and import-qdpx.

It shows the toolkit is not tied to the thesis: other roles and case variables, another
interview guide, an interviewer label of its own, a codebook without the thesis's codes or
indicators, and a nynorsk transcript. ``make test-example`` runs this module alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hjemmesykepleie"
THESIS_WORDS = ("employer", "kommune", "indikator", "holdning", "målekort", "NAV")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made with ``init`` and filled with the example's files, after ``run``."""
    root = tmp_path_factory.mktemp("example") / "study"
    assert main(["init", str(root)]) == 0
    for name in ("project.yaml", "codebook.yaml"):
        shutil.copy(EXAMPLE / name, root / name)
    for transcript in (EXAMPLE / "transcripts").glob("*.md"):
        shutil.copy(transcript, root / "transcripts" / transcript.name)
    assert main(["validate", "--root", str(root)]) == 0
    assert main(["code", "--root", str(root)]) == 0
    assert main(["run", "--root", str(root)]) == 0
    return root


def test_the_auto_coder_codes_every_transcript_the_nynorsk_one_too(project: Path) -> None:
    codings = pd.read_csv(project / "codings" / "auto.csv")
    assert set(codings["segment_id"].str.split("-").str[0]) == {"AL1", "HF1", "SP1"}
    nynorsk = codings[codings["segment_id"].str.startswith("HF1-")]
    assert {"samarbeid", "tidspress", "dokumentasjon", "velferdsteknologi"} <= set(nynorsk["code"])


def test_the_results_show_the_study_s_own_case_variables(project: Path) -> None:
    tables = project / "results" / "tables"
    overview = pd.read_csv(tables / "corpus_overview.csv")
    assert list(overview.columns[:5]) == ["informant", "role", "district", "shift", "years"]
    for name in ("role", "district", "shift"):
        matrix = pd.read_csv(tables / f"code_matrix_{name}.csv")
        assert set(matrix["by"]) == {name}
        assert (project / "results" / "figures" / f"code_matrix_{name}.png").is_file()
    district = pd.read_csv(tables / "code_matrix_district.csv")
    assert list(dict.fromkeys(district["group"])) == ["nord", "sør"]
    sections = pd.read_csv(tables / "codes_by_section.csv")
    assert set(sections["group"]) == {"arbeidsdagen", "samarbeid", "tid"}


def test_nothing_of_the_thesis_is_in_the_results(project: Path) -> None:
    results = project / "results"
    assert not (results / "indicator_links.csv").exists()
    assert not list((results / "tables").glob("indicator*"))
    assert not list((results / "tables").glob("claims*"))
    for path in (results / "tables").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert not [word for word in THESIS_WORDS if word in text], path.name
    report = (results / "report" / "index.html").read_text(encoding="utf-8")
    assert "feilet" not in report


def test_the_skipped_parts_say_so_in_one_line(project: Path) -> None:
    page = (project / "results" / "report" / "05-link-indicators.html").read_text("utf-8")
    assert "Hoppet over: kodeboken har ingen indikatorkoder" in page
    page = (project / "results" / "report" / "06-weigh-findings.html").read_text("utf-8")
    assert "Hoppet over: prosjektet har ingen" in page


def test_export_and_import_qdpx_round_trip(project: Path, tmp_path: Path) -> None:
    exported = tmp_path / "study.qdpx"
    assert main(["export-qdpx", str(exported), "--root", str(project)]) == 0
    into = tmp_path / "back"
    into.mkdir()
    shutil.copy(project / "project.yaml", into / "project.yaml")
    assert main(["import-qdpx", str(exported), "--into", str(into)]) == 0
    assert sorted(p.name for p in (into / "transcripts").glob("*.md")) == [
        "AL1.md",
        "HF1.md",
        "SP1.md",
    ]
    assert main(["validate", str(into)]) == 0
    text = (into / "transcripts" / "HF1.md").read_text(encoding="utf-8")
    assert "district: sør" in text and "\nInt: " in text
