"""The steps that read and write (thesis_analysis.workflow), run on the small project of
tests/data/store (two transcripts, TL9 and V9; a codebook of four top-level codes) copied to a
temporary folder with a project.yaml that requires no codes."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from thesis_analysis import workflow
from thesis_analysis.coding.files import CODING_COLUMNS, load_coder_file, save_coder_file
from thesis_analysis.errors import InputError
from thesis_analysis.project import load_project

STORE = Path(__file__).parent / "data" / "store"
TEMPLATE = Path(__file__).parents[1] / "thesis_analysis" / "templates" / "thesis-project.yaml"
AUTO_CODINGS = [
    ["TL9-t004-s01", "tavlemote", "term:tavlemøte", "tavlemøte"],
    ["TL9-t004-s02", "malforskyvning.telling", "term:strek", "strek"],
    ["TL9-t004-s03", "holdning.positiv", "term:nyttig", "nyttig"],
    ["V9-t004-s01", "tavlemote", "term:tavle", "tavlen"],
]


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """The store project, segmented once (the segments cache is copied with it)."""
    root = tmp_path_factory.mktemp("workflow") / "project"
    shutil.copytree(STORE / "transcripts", root / "transcripts")
    shutil.copytree(STORE / "codings", root / "codings")
    shutil.copy(STORE / "codebook.yaml", root / "codebook.yaml")
    settings = TEMPLATE.read_text(encoding="utf-8").split("required_codes:")[0]
    (root / "project.yaml").write_text(settings, encoding="utf-8")
    load_project(root)
    return root


@pytest.fixture
def root(segmented: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(segmented, copy)
    return copy


def add_manual(root: Path) -> None:
    """codings/manual.csv: anna's hand coding under the coder name manual."""
    frame = load_coder_file(root / "codings" / "anna.csv").assign(coder="manual")
    save_coder_file(root / "codings" / "manual.csv", frame)


def mark_pseudonymised(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("source: original\n", "source: original\npseudonymised: true\n", 1)
    )


# -- coding ------------------------------------------------------------------------------------


def test_run_code_writes_the_auto_codings(root: Path) -> None:
    project = load_project(root)
    summary = workflow.run_code(root)
    assert summary == (
        f"auto-coded 12 segments with codebook {project.codebook.short_hash()}: "
        "4 codings → codings/auto.csv"
    )
    auto = load_coder_file(root / "codings" / "auto.csv", project.codebook)
    assert list(auto.columns) == CODING_COLUMNS and set(auto["coder"]) == {"auto"}
    assert auto[["segment_id", "code", "rule", "evidence"]].values.tolist() == AUTO_CODINGS
    bodies = {t.id: t.body for t in project.corpus.transcripts}
    for row in auto.itertuples():
        body = bodies[row.segment_id.split("-")[0]]
        assert body[row.evidence_start : row.evidence_end] == row.evidence
        assert body[row.start : row.end] == row.snippet
    first = (root / "codings" / "auto.csv").read_bytes()
    workflow.run_code(root)
    assert (root / "codings" / "auto.csv").read_bytes() == first


def test_code_project_codes_only_informant_segments_and_writes_nothing(root: Path) -> None:
    before = {p.name: p.read_bytes() for p in (root / "codings").iterdir()}
    project = load_project(root)
    codings = workflow.code_project(project)
    assert set(codings["segment_id"]) <= set(project.informant_segments["segment_id"])
    assert not set(codings["segment_id"]) & {"TL9-t001-s01", "TL9-t003-s01", "V9-t001-s01"}
    assert len(codings) == 4
    assert {p.name: p.read_bytes() for p in (root / "codings").iterdir()} == before


def test_run_code_texts_codes_a_csv_with_the_projects_codebook(root: Path) -> None:
    source = root / "svar.csv"
    source.write_text(
        "nr,svar\n1,Vi har tavlemøte hver mandag.\n2,Hei.\n3,Det er nyttig.\n", encoding="utf-8"
    )
    target = root / "koder.csv"
    summary = workflow.run_code_texts(root, source, target, "nr", "svar")
    assert summary == f"2 codings written to {target} (rules only, no model)"
    table = pd.read_csv(target, dtype=str)
    assert table[["id", "code", "evidence"]].values.tolist() == [
        ["1", "tavlemote", "tavlemøte"],
        ["3", "holdning.positiv", "nyttig"],
    ]
    assert set(table["source"]) == {"rule"}
    assert table["confidence"].tolist() == ["0.5000", "0.5000"]  # no precision measured


# -- evaluation, reliability, links ------------------------------------------------------------


def test_evaluate_writes_the_tables_and_halves(root: Path) -> None:
    add_manual(root)
    text = workflow.run_evaluate(root)
    results = root / "results"
    for name in ("evaluation", "evaluation_halves"):
        assert (results / f"{name}.csv").is_file() and (results / f"{name}.md").is_file()
    assert not (results / "evaluation_thesis_sections.csv").exists()
    table = pd.read_csv(results / "evaluation.csv")
    assert set(table["method"]) == {"auto", "naive"}
    row = table[(table["code"] == "tavlemote") & (table["method"] == "auto")].iloc[0]
    assert (row["n_reference"], row["n_predicted"], row["f1"]) == (2, 2, 1.0)
    malforskyvning = table[(table["code"] == "malforskyvning") & (table["method"] == "auto")]
    assert malforskyvning.iloc[0]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    halves = pd.read_csv(results / "evaluation_halves.csv")
    assert sorted(set(halves["half"])) == ["A: TL9", "B: V9"]
    assert "\n\nmacro:\n" in text and "macro per half of the informants:" in text


def test_evaluate_against_the_thesis_sections_when_mapped(root: Path) -> None:
    add_manual(root)
    (root / "thesis_sections.yaml").write_text(
        'sections:\n  - section: "4.2"\n    title: Tavle\n    codes: [tavlemote]\n',
        encoding="utf-8",
    )
    text = workflow.run_evaluate(root)
    table = pd.read_csv(root / "results" / "evaluation_thesis_sections.csv")
    assert list(dict.fromkeys(table["method"])) == ["manual", "auto", "naive"]
    assert set(table["section"].astype(str)) == {"4.2", "(macro)"}
    assert "against the thesis's own placement of statements in sections" in text


def test_evaluate_without_a_hand_coding_names_the_missing_file(root: Path) -> None:
    with pytest.raises(InputError) as caught:
        workflow.run_evaluate(root)
    assert str(root / "codings" / "manual.csv") in str(caught.value)
    assert "no such file" in str(caught.value)


def test_reliability_of_every_coder(root: Path) -> None:
    text = workflow.run_reliability_command(root)
    assert text.startswith("Reliability per code: 3 coders (anna, auto, bo), 12 segments")
    table = pd.read_csv(root / "results" / "reliability.csv").set_index(["code", "statistic"])
    assert table.loc[("tavlemote", "percent_agreement"), "value"] == 1.0
    # malforskyvning (top level): the three coders agree on 11 of 12 segments; on V9-t002-s02
    # only anna codes it, so 1 of the 3 pairs agrees there
    assert table.loc[("malforskyvning", "percent_agreement"), "value"] == pytest.approx(
        (11 + 1 / 3) / 12
    )
    disagreements = pd.read_csv(root / "results" / "disagreements.csv")
    assert disagreements[["segment_id", "code", "coders_with"]].values.tolist() == [
        ["V9-t002-s02", "malforskyvning", "anna"],
        ["V9-t002-s03", "holdning.kritisk", "bo"],
    ]
    assert "2 disagreement(s)" in text


@pytest.mark.parametrize(("manual", "source"), [(False, "the auto-coder"), (True, "manual.csv")])
def test_links_without_indicator_codes(root: Path, manual: bool, source: str) -> None:
    if manual:
        add_manual(root)
    summary = workflow.run_links(root)
    assert summary.startswith("linked 0 statements to indicators (name 0, alias 0, reference 0)")
    assert f"themes from {source}" in summary
    assert (root / "results" / "indicator_links.csv").is_file()
    assert (root / "results" / "indicator_evidence.md").is_file()


# -- the whole run -----------------------------------------------------------------------------


def test_run_all_without_a_hand_coding(root: Path, capsys) -> None:
    text = workflow.run_all(root, execute_notebooks=False)
    lines = text.split("\n")
    assert lines[0].startswith("auto-coded 12 segments")
    assert lines[1].startswith("warning: 2 original transcript(s) not pseudonymised (TL9, V9)")
    assert lines[2] == "wrote results/corpus_overview.csv and .md"
    assert lines[3] == "no indicator codes in the codebook: indicator links skipped"
    assert len(lines) == 4
    assert "not pseudonymised" in capsys.readouterr().err
    overview = pd.read_csv(root / "results" / "corpus_overview.csv", keep_default_na=False)
    assert overview[["informant", "turns", "words", "segments"]].values.tolist() == [
        ["TL9", 3, 42, 7],
        ["V9", 2, 28, 5],
    ]
    assert not (root / "results" / "evaluation.csv").exists()
    assert not (root / "results" / "report.html").exists()


def test_run_all_with_a_hand_coding_evaluates_and_measures_reliability(root: Path) -> None:
    add_manual(root)
    for name in ("TL9", "V9"):
        mark_pseudonymised(root / "transcripts" / f"{name}.md")
    text = workflow.run_all(root, execute_notebooks=False)
    assert "warning" not in text
    assert "Reliability per code: 4 coders (anna, auto, bo, manual)" in text
    assert "macro per half of the informants:" in text
    for name in ("evaluation.csv", "evaluation_halves.csv", "reliability.csv"):
        assert (root / "results" / name).is_file()


def test_compute_overview(root: Path) -> None:
    overview = workflow.compute_overview(load_project(root))
    assert overview.to_dict("records")[1] == {
        "informant": "V9",
        "role": "veileder",
        "employer": "kommune",
        "team": "",
        "sections": 2,
        "interview_turns": 4,
        "interview_words": 37,
        "turns": 2,
        "words": 28,
        "segments": 5,
    }


# -- warnings and errors -----------------------------------------------------------------------


def test_warn_unpseudonymised_follows_the_front_matter(root: Path) -> None:
    warning = workflow.warn_unpseudonymised(load_project(root))
    assert warning.startswith("warning: 2 original transcript(s) not pseudonymised (TL9, V9);")
    mark_pseudonymised(root / "transcripts" / "TL9.md")
    warning = workflow.warn_unpseudonymised(load_project(root))
    assert "1 original transcript(s) not pseudonymised (V9)" in warning
    mark_pseudonymised(root / "transcripts" / "V9.md")
    assert workflow.warn_unpseudonymised(load_project(root)) is None


def fake_project(*specs: tuple[str, str, str]) -> SimpleNamespace:
    transcripts = [
        SimpleNamespace(
            id=tid,
            informant=SimpleNamespace(source=source, attributes=(("pseudonymised", flag),)),
        )
        for tid, source, flag in specs
    ]
    return SimpleNamespace(corpus=SimpleNamespace(transcripts=transcripts))


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([("A1", "reconstructed", ""), ("B1", "synthetic", "")], None),
        ([("A1", "original", "True"), ("B1", "original", "TRUE")], None),
        ([("A1", "original", "false"), ("B1", "original", "ja")], "2 original transcript(s)"),
        (
            [(f"T{n:02d}", "original", "") for n in range(12, 0, -1)],
            "12 original transcript(s) not pseudonymised (T01, T02, T03, T04, T05, T06, T07, "
            "T08, T09, T10 …)",
        ),
    ],
)
def test_warn_unpseudonymised_cases(specs: list, expected: str | None) -> None:
    warning = workflow.warn_unpseudonymised(fake_project(*specs))
    if expected is None:
        assert warning is None
    else:
        assert expected in warning and "thesis-analysis pseudonymise" in warning


def test_a_broken_codebook_stops_the_run_naming_file_and_line(root: Path) -> None:
    codebook = root / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    codebook.write_text(text.replace('color: "#0072B2"', 'color: "blå"'), encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if 'color: "#0072B2"' in s)
    with pytest.raises(InputError) as caught:
        workflow.run_code(root)
    assert f"codebook.yaml:{line}: code 'malforskyvning': color 'blå' is not #RRGGBB" in str(
        caught.value
    )
    assert not (root / "results" / "corpus_overview.csv").exists()


def test_a_broken_transcript_stops_the_run_naming_file_and_line(root: Path) -> None:
    path = root / "transcripts" / "V9.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, s in enumerate(lines, 1) if s.startswith("V9: "))
    lines[number - 1] = lines[number - 1].replace("V9: ", "Kari: ", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (root / "codings" / "auto.csv").read_bytes()
    with pytest.raises(InputError) as caught:
        workflow.run_all(root, execute_notebooks=False)
    assert f"V9.md:{number}: speaker 'Kari' is not declared" in str(caught.value)
    assert (root / "codings" / "auto.csv").read_bytes() == before
