"""build_report on a tiny project: executed copies, tables written, HTML, deterministic."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from thesis_analysis import notebook_report as report
from thesis_analysis.paths import ProjectPaths

TABLE_CELL = """
import pandas as pd

from thesis_analysis.analysis import tables
from thesis_analysis.paths import get_project_paths

paths = get_project_paths()
frame = pd.DataFrame({"kode": ["styring", "holdning.kritisk"], "n": [3, 1]})
tables.write_tables(frame, tables.get_output_folder(paths, "tables", WRITE_RESULTS), "demo")
frame
"""


def make_notebook(title: str, cells: list) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[new_markdown_cell(f"# {title}\n\nTekst."), *cells])
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"c{number}"
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def parameters(source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata={"tags": ["parameters"]})


@pytest.fixture()
def project(tmp_path) -> ProjectPaths:
    (tmp_path / "transcripts").mkdir()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    good = make_notebook(
        "Demo æøå", [parameters("WRITE_RESULTS = False"), new_code_cell(TABLE_CELL.strip())]
    )
    nbformat.write(good, folder / "01-make-demo.ipynb")
    nbformat.write(make_notebook("Ignored", []), folder / "scratch.ipynb")
    return ProjectPaths(tmp_path)


def test_list_notebooks(project):
    assert [p.name for p in report.list_notebooks(project.notebooks)] == ["01-make-demo.ipynb"]


def test_inject_parameters_after_the_parameters_cell():
    notebook = make_notebook("T", [new_code_cell("x = 1"), parameters("A = 1"), new_code_cell("")])
    injected = report.inject_parameters(notebook, "A = 2\n")
    sources = [c.source for c in injected.cells]
    assert sources[2:4] == ["A = 1", "A = 2\n"]
    assert injected.cells[3].metadata["tags"] == ["injected-parameters"]
    assert len(notebook.cells) == 4  # the original is untouched
    assert [c.id for c in injected.cells] == [f"cell-{i:03d}" for i in range(5)]
    top = report.inject_parameters(make_notebook("T", []), "A = 2\n")
    assert top.cells[0].source == "A = 2\n"


def test_strip_volatile_metadata():
    cell = new_code_cell("w")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-11-27T15:00:00Z"}
    cell.outputs = [
        new_output(
            "execute_result",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "abc123"},
                "text/plain": "VBox(...)",
            },
            execution_count=1,
        ),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
    ]
    notebook = make_notebook("T", [cell])
    notebook.metadata["widgets"] = {"state": {}}
    report.strip_volatile_metadata(notebook)
    assert "widgets" not in notebook.metadata
    assert "execution" not in notebook.cells[1].metadata
    assert notebook.cells[1].outputs[0]["data"] == {"text/plain": report.WIDGET_NOTE}
    assert notebook.cells[1].outputs[1]["data"] == {"text/plain": "42"}


def test_render_index_escapes_and_marks_failures():
    page = report.render_index([("01-a.html", "A & B", ""), ("02-b.html", "C", "feilet")])
    assert '<a href="01-a.html">A &amp; B</a></li>' in page
    assert "<strong>feilet</strong>" in page
    assert page.startswith("<!DOCTYPE html>")


def read_outputs(paths: ProjectPaths) -> dict[str, bytes]:
    return {
        str(p.relative_to(paths.results)): p.read_bytes()
        for p in sorted(paths.results.rglob("*"))
        if p.is_file()
    }


def test_build_report_is_complete_and_deterministic(project):
    summary = report.build_report(project, timeout=120)
    assert "executed 1 notebooks" in summary and str(project.root) not in summary
    first = read_outputs(project)
    assert sorted(first) == [
        "notebooks/01-make-demo.ipynb",
        "report/01-make-demo.html",
        "report/index.html",
        "tables/demo.csv",
        "tables/demo.md",
        "tables/demo.tex",
    ]
    assert first["tables/demo.csv"] == b"kode,n\nstyring,3\nholdning.kritisk,1\n"
    executed = nbformat.reads(first["notebooks/01-make-demo.ipynb"].decode(), as_version=4)
    assert "injected-parameters" in executed.cells[2].metadata["tags"]
    assert all("execution" not in c.metadata for c in executed.cells)
    assert executed.cells[3].outputs[0]["data"]["text/plain"].startswith("               kode")
    page = first["report/01-make-demo.html"].decode()
    assert "Demo æøå" in page and "holdning.kritisk" in page
    assert "01-make-demo.html" in first["report/index.html"].decode()
    source = (project.notebooks / "01-make-demo.ipynb").read_text(encoding="utf-8")
    assert "injected" not in source  # the notebook itself is not changed
    report.build_report(project, timeout=120)
    assert read_outputs(project) == first


def test_build_report_reports_a_failing_notebook(project):
    broken = make_notebook("Broken", [parameters("WRITE_RESULTS = False"), new_code_cell("1 / 0")])
    nbformat.write(broken, project.notebooks / "02-break-things.ipynb")
    with pytest.raises(report.ReportError, match="02-break-things.ipynb") as info:
        report.build_report(project, timeout=120)
    assert "ZeroDivisionError" in str(info.value)
    index = (project.results / "report" / "index.html").read_text(encoding="utf-8")
    assert "feilet" in index and "Demo æøå" in index
    partial = nbformat.read(project.results / "notebooks" / "02-break-things.ipynb", 4)
    assert partial.cells[-1].outputs[0].output_type == "error"
    assert (project.results / "tables" / "demo.csv").is_file()  # the others still ran


def test_build_report_selected_names(project):
    assert "executed 0 notebooks" in report.build_report(project, names=["nothing.ipynb"])
    assert Path(project.results / "report" / "index.html").is_file()


def test_refresh_notebooks_in_place(project):
    path = project.notebooks / "01-make-demo.ipynb"
    assert report.refresh_notebooks(project) == "executed and saved 1 notebooks in notebooks/"
    refreshed = nbformat.read(path, as_version=4)
    code = [c for c in refreshed.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2]
    assert code[1].outputs and all("execution" not in c.metadata for c in code)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in code)
    assert not (project.results / "tables").exists()  # WRITE_RESULTS stayed False
    before = path.read_bytes()
    report.refresh_notebooks(project)
    assert path.read_bytes() == before


def test_refresh_notebooks_keeps_a_failing_notebook(project):
    broken = make_notebook("Broken", [parameters("WRITE_RESULTS = False"), new_code_cell("1 / 0")])
    path = project.notebooks / "02-break-things.ipynb"
    nbformat.write(broken, path)
    before = path.read_bytes()
    with pytest.raises(report.ReportError, match="ZeroDivisionError"):
        report.refresh_notebooks(project, workers=1)
    assert path.read_bytes() == before
