"""The analysis notebooks stay thin, parameterised, executed and free of machine details."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from thesis_analysis.notebook_report import NOTEBOOK_NAME, PARAMETERS_TAG, list_notebooks

ROOT = Path(__file__).parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01-explore-corpus.ipynb",
    "02-code-transcripts.ipynb",
    "03-measure-reliability.ipynb",
    "04-analyse-themes.ipynb",
    "05-link-indicators.ipynb",
    "06-weigh-findings.ipynb",
]
DEFINITION = re.compile(r"^\s*(async\s+def|def|class)\s", re.MULTILINE)
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/(home|work|tmp|Users|root|usr|opt|var)/|[A-Z]:\\\\)")


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def output_texts(notebook: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            found.append(output.get("text", "") if isinstance(output.get("text"), str) else "")
            found.extend(str(v) for k, v in output.get("data", {}).items() if k != "image/png")
            found.extend(output.get("traceback", []))
    return found


def test_the_notebooks_are_there_and_named_by_convention():
    assert [p.name for p in list_notebooks(NOTEBOOKS)] == EXPECTED
    assert all(NOTEBOOK_NAME.match(name) for name in EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_no_definitions(name):
    for cell in load(name).cells:
        if cell.cell_type == "code":
            assert not DEFINITION.search(cell.source), f"{name}: def/class in\n{cell.source}"


@pytest.mark.parametrize("name", EXPECTED)
def test_exactly_one_parameters_cell(name):
    tagged = [
        cell
        for cell in load(name).cells
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
    ]
    assert len(tagged) == 1
    assert tagged[0].cell_type == "code"
    assert "WRITE_RESULTS = False" in tagged[0].source


@pytest.mark.parametrize("name", EXPECTED)
def test_every_code_cell_executed_in_order_without_errors(name):
    cells = [c for c in load(name).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        assert all(o.output_type != "error" for o in cell.outputs), cell.source
        assert all(o.get("name") != "stderr" for o in cell.outputs), cell.source
        assert "execution" not in cell.metadata


@pytest.mark.parametrize("name", EXPECTED)
def test_no_absolute_paths_or_widget_state_in_outputs(name):
    notebook = load(name)
    for text in output_texts(notebook):
        assert not ABSOLUTE_PATH.search(text), text[:300]
        assert str(ROOT) not in text
    assert "widgets" not in notebook.metadata


def test_the_panel_cell_is_skipped_by_nbval_and_explained():
    notebook = load("02-code-transcripts.ipynb")
    skipped = [c for c in notebook.cells if "nbval-skip" in c.get("metadata", {}).get("tags", [])]
    assert len(skipped) == 1 and "CodingPanel" in skipped[0].source
    position = notebook.cells.index(skipped[0])
    assert "nbval-skip" in notebook.cells[position - 1].source  # the markdown cell says why
