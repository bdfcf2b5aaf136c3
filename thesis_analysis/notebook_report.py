"""The report: execute every analysis notebook and render the executed notebooks as HTML.

:func:`build_report` runs a copy of each ``notebooks/NN-verb-topic.ipynb`` with nbclient
(working folder: the notebooks folder, kernel ``python3``), with ``WRITE_RESULTS = True``
injected after the ``parameters`` cell so that the notebooks write their tables and figures
into ``results/tables/`` and ``results/figures/``. The executed copies go to
``results/notebooks/`` and one HTML page per notebook plus ``index.html`` to
``results/report/``. Everything that varies between runs (execution timestamps, widget
state and widget model ids) is removed first, so the same inputs give the same bytes.

:func:`refresh_notebooks` executes the notebooks themselves, in place, the same way: that is
how they are saved with their outputs for ``pytest --nbval`` after the corpus, the codebook
or the codings change.
"""

from __future__ import annotations

import copy
import html
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from thesis_analysis.paths import ProjectPaths
from thesis_analysis.writers import write_text_atomic

NOTEBOOK_NAME = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
REPORT_PARAMETERS = "WRITE_RESULTS = True  # injected by build_report\n"
WIDGET_MIMES = ("application/vnd.jupyter.widget-view+json",)
WIDGET_NOTE = "(interaktiv widget: vises bare når notatboken kjøres i JupyterLab)"
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")
KERNEL = "python3"
TIMEOUT = 600
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ReportError(RuntimeError):
    """One or more notebooks failed; the message names each and its error."""


def list_notebooks(folder: Path) -> list[Path]:
    """The analysis notebooks of ``folder`` (``NN-verb-topic.ipynb``), sorted by name."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def inject_parameters(notebook: NotebookNode, source: str) -> NotebookNode:
    """A copy of ``notebook`` with a code cell ``source`` (tagged ``injected-parameters``)
    right after the cell tagged ``parameters`` (at the top if there is none)."""
    result = copy.deepcopy(notebook)
    tagged = [
        i
        for i, cell in enumerate(result.cells)
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
    ]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    cell.pop("id", None)
    result.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    for number, each in enumerate(result.cells):
        each["id"] = f"cell-{number:03d}"
    return result


def strip_volatile_metadata(notebook: NotebookNode) -> NotebookNode:
    """Remove what differs between runs of the same notebook (in place; returned).

    Execution timestamps in cell metadata, the notebook's widget state, and widget views
    (their model ids are random): a widget's output becomes the text :data:`WIDGET_NOTE`.
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                continue
            if any(mime in data for mime in WIDGET_MIMES):
                output["data"] = {"text/plain": WIDGET_NOTE}
    return notebook


def execute_notebook(
    notebook: NotebookNode, cwd: Path, timeout: int = TIMEOUT, kernel: str = KERNEL
) -> tuple[NotebookNode, str]:
    """Execute ``notebook`` in ``cwd``; return it (stripped) and the error text ("" if none).

    On a failing cell the notebook is returned executed up to and including that cell.
    """
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(cwd)}},
    )
    try:
        client.execute()
        error = ""
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = ANSI.sub("", str(exc))
    return strip_volatile_metadata(notebook), error


def render_html(notebook: NotebookNode, title: str) -> str:
    """The notebook as a stand-alone HTML page (nbconvert's ``lab`` template)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def read_title(notebook: NotebookNode, default: str) -> str:
    """The first Markdown heading of the notebook, else ``default``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def render_index(entries: list[tuple[str, str, str]]) -> str:
    """``index.html``: a list of (file name, title, status) links."""
    items = "\n".join(
        f'    <li><a href="{html.escape(name)}">{html.escape(title)}</a>'
        + (f" — <strong>{html.escape(status)}</strong>" if status else "")
        + "</li>"
        for name, title, status in entries
    )
    return (
        '<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        "<title>Analyserapport</title>\n</head>\n<body>\n<h1>Analyserapport</h1>\n"
        "<p>De kjørte analysenotatbøkene, i rekkefølge. Tabeller: <code>results/tables/</code>, "
        "figurer: <code>results/figures/</code>.</p>\n<ol>\n"
        f"{items}\n</ol>\n</body>\n</html>\n"
    )


def count_files(folder: Path) -> int:
    """How many files ``folder`` holds (0 if it does not exist)."""
    return sum(1 for p in Path(folder).glob("*") if p.is_file()) if Path(folder).is_dir() else 0


def run_notebook(
    source: Path, cwd: Path, timeout: int = TIMEOUT, parameters: str | None = REPORT_PARAMETERS
) -> tuple[NotebookNode, str, str]:
    """Execute a copy of the notebook at ``source`` (with ``parameters`` injected, unless
    None); return the executed notebook, the error text ("" if none) and its HTML page."""
    notebook = nbformat.read(source, as_version=4)
    if parameters is not None:
        notebook = inject_parameters(notebook, parameters)
    else:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    notebook, error = execute_notebook(notebook, cwd, timeout)
    return notebook, error, render_html(notebook, read_title(notebook, source.stem))


def count_workers(n_jobs: int) -> int:
    """Notebooks to run at once: one per available CPU, at most ``n_jobs``, at least one."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(n_jobs, cpus or 1))


def run_notebooks(
    sources: list[Path],
    cwd: Path,
    timeout: int,
    parameters: str | None,
    workers: int | None = None,
) -> list[tuple[NotebookNode, str, str]]:
    """:func:`run_notebook` on each source, ``workers`` at once (each in its own process)."""
    workers = workers or count_workers(len(sources))
    jobs = [(source, cwd, timeout, parameters) for source in sources]
    if workers <= 1:
        return [run_notebook(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_notebook, *zip(*jobs, strict=True)))


def select_notebooks(paths: ProjectPaths, names: list[str] | None) -> list[Path]:
    """The project's analysis notebooks, or those of them named in ``names``."""
    sources = list_notebooks(paths.notebooks)
    return sources if names is None else [p for p in sources if p.name in set(names)]


def refresh_notebooks(
    paths: ProjectPaths,
    timeout: int = TIMEOUT,
    names: list[str] | None = None,
    workers: int | None = None,
) -> str:
    """Execute the notebooks in ``notebooks/`` in place, as they are (``WRITE_RESULTS``
    stays False), and save them with their outputs, stripped of what varies — the form in
    which they are committed and checked by ``pytest --nbval``. A failing notebook is not
    saved; :class:`ReportError` names it after the others are done."""
    sources = select_notebooks(paths, names)
    results = run_notebooks(sources, paths.notebooks, timeout, None, workers)
    failures = []
    for source, (notebook, error, _page) in zip(sources, results, strict=True):
        if error:
            failures.append(f"{source.name}:\n{error}")
        else:
            write_text_atomic(source, nbformat.writes(notebook) + "\n")
    if failures:
        raise ReportError(f"{len(failures)} notebook(s) failed:\n\n" + "\n\n".join(failures))
    return f"executed and saved {len(sources)} notebooks in notebooks/"


def build_report(
    paths: ProjectPaths,
    timeout: int = TIMEOUT,
    names: list[str] | None = None,
    workers: int | None = None,
) -> str:
    """Execute the notebooks and write the report; return a short summary.

    Parameters
    ----------
    paths : the project.
    timeout : seconds a single cell may take.
    names : notebook file names to run (default: every ``NN-verb-topic.ipynb``).
    workers : notebooks executed at once, each in its own process and kernel (default: one
        per CPU). The outputs do not depend on it.

    Writes ``results/notebooks/<name>.ipynb`` (executed), ``results/report/<name>.html``
    and ``results/report/index.html``; the notebooks write ``results/tables/`` and
    ``results/figures/``.

    Raises
    ------
    ReportError
        After running all of them, if any notebook failed (its partial output is written).
    """
    sources = select_notebooks(paths, names)
    results = run_notebooks(sources, paths.notebooks, timeout, REPORT_PARAMETERS, workers)
    entries, failures = [], []
    for source, (notebook, error, page) in zip(sources, results, strict=True):
        write_text_atomic(
            paths.results / "notebooks" / source.name, nbformat.writes(notebook) + "\n"
        )
        write_text_atomic(paths.results / "report" / f"{source.stem}.html", page)
        title = read_title(notebook, source.stem)
        entries.append((f"{source.stem}.html", title, "feilet" if error else ""))
        if error:
            failures.append(f"{source.name}:\n{error}")
    write_text_atomic(paths.results / "report" / "index.html", render_index(entries))
    if failures:
        raise ReportError(f"{len(failures)} notebook(s) failed:\n\n" + "\n\n".join(failures))
    return (
        f"executed {len(sources)} notebooks → results/notebooks/; HTML report → "
        f"results/report/index.html; {count_files(paths.results / 'tables')} table files in "
        f"results/tables/, {count_files(paths.results / 'figures')} figure files in "
        "results/figures/"
    )
