"""The coding panel as researchers use it: JupyterLab in a real (headless) browser.

The scenarios share one notebook (``data/coding.ipynb``, run once in one page; starting a
kernel and loading spaCy is the slow part) on a copy of the small fixture project
(``data/project``: two transcripts, a small codebook, the coder files ``anna.csv`` with one
coding and ``bo.csv``). They work the panel with clicks and typing as a researcher would and
read ``project/codings/`` on disk. Each scenario codes its own segment and checks only what it
did, so they pass in any order. See ``conftest.py`` for the server, the browser and the skip.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from thesis_analysis.coding.files import load_coder_file

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the tests are skipped then (see conftest.py)
    expect = None

if TYPE_CHECKING:
    from conftest import LabServer, ProjectCopy
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

CODER = "anna"
SEGMENT = "TA1-t004-s02"  # «Der setter vi strek for hver oppfølging på tavlen.»
TICKED = ("holdning.kritisk", "malforskyvning")
LABELS = {  # the codable codes of data/project/codebook.yaml and their labels
    "malforskyvning": "Målforskyvning",
    "malforskyvning.telling": "Telling av aktivitet",
    "tavlemote": "Tavlemøter",
    "holdning.kritisk": "Kritisk holdning",
    "holdning.positiv": "Positiv holdning",
}
MEMO_CODE = "holdning.kritisk"
MEMO = 'Strekene styrer arbeidet, ikke brukeren – «ser ikke poenget».\nAndre linje, med "sitat".'
ACCEPTED = "tavlemote"  # suggested for «tavlen»
REJECTED = "malforskyvning.telling"  # suggested for «strek»
KILLED = "TA1-t004-s01"  # «Vi har tavlemøte hver mandag.», coded before the kernel is killed
FIRST = "TA1-t002-s01"
RUN_TIMEOUT = 60_000  # ms: starting a kernel and loading spaCy
WIDTHS = (1280, 1000)  # laptop-sized windows, the file browser open beside the notebook
# Elements of the panel whose content does not fit: cut-off labels, squeezed buttons, rows
# that hide controls past their right edge.
CUT_OFF = """panel => [panel, ...panel.querySelectorAll('.jupyter-widgets, .widget-label, button')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.className}: ${e.scrollWidth} px of content in ${e.clientWidth} px`)"""


def css(code: str) -> str:
    return code.replace(".", "-")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → content)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def wait_until(condition: Callable[[], object], what: str, timeout: float = 15.0) -> object:
    """Poll ``condition`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def coder_rows(project: ProjectCopy, coder: str = CODER) -> list[dict[str, str]]:
    """The coder's file on disk as rows of text (empty when there is no file)."""
    path = project.codings / f"{coder}.csv"
    return read_rows(path.read_bytes()) if path.exists() else []


def read_rows(content: bytes) -> list[dict[str, str]]:
    """A coder file's content as rows of text."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def codings_of(project: ProjectCopy, segment_id: str) -> set[str]:
    return {row["code"] for row in coder_rows(project) if row["segment_id"] == segment_id}


@dataclass
class Lab:
    """A notebook open in JupyterLab, and the coding panel it shows."""

    page: Page
    server: LabServer
    project: ProjectCopy
    before: dict[str, bytes] = field(default_factory=dict)  # the project's files at the start
    after: dict[str, bytes] = field(default_factory=dict)  # and after coding SEGMENT
    kernel_restarted: bool = False  # the panel shown belongs to a kernel that is gone
    rules: dict[str, str] = field(default_factory=dict)  # code → rule of its suggestion

    # --- JupyterLab ---------------------------------------------------------------------

    def open(self) -> None:
        """Open the notebook in JupyterLab and wait for its kernel."""
        self.page.goto(self.server.lab_url(self.project.notebook))
        self.wait_idle()

    def wait_idle(self) -> None:
        """Wait for the kernel to be idle: commands given before are silently dropped."""
        status = self.page.locator("#jp-main-statusbar")
        expect(status).to_contain_text(re.compile(r"\|\s*Idle"), timeout=RUN_TIMEOUT)

    def command(self, command: str) -> None:
        """Run a JupyterLab command (the server exposes the app as ``window.jupyterapp``)."""
        self.page.evaluate("command => window.jupyterapp.commands.execute(command)", command)

    def run_all(self) -> None:
        """Run every cell (as Run ▸ Run All Cells does) and wait for the new panel."""
        self.wait_idle()
        self.command("notebook:clear-all-cell-outputs")  # no old panel to mistake for the new
        expect(self.panel).to_have_count(0)
        self.command("runmenu:run-all")
        expect(self.panel).to_be_visible(timeout=RUN_TIMEOUT)
        self.wait_idle()
        expect(self.panel).to_have_count(1)
        self.kernel_restarted = False

    def ensure_panel(self) -> None:
        """Run the notebook again if the kernel was restarted (a scenario ran before)."""
        if self.kernel_restarted:
            self.run_all()

    def dismiss_dialog(self) -> None:
        """Close a JupyterLab dialog (e.g. «Kernel Restarting») with its default button."""
        dialog = self.page.locator(".jp-Dialog")
        expect(dialog).to_be_visible(timeout=RUN_TIMEOUT)
        dialog.locator(".jp-Dialog-footer button.jp-mod-accept").click()
        expect(dialog).to_have_count(0)

    # --- the panel ----------------------------------------------------------------------

    @property
    def panel(self) -> Locator:
        return self.page.locator(".ta-panel")

    def find(self, selector: str) -> Locator:
        return self.panel.locator(selector)

    def box(self, code: str) -> Locator:
        return self.find(f".ta-code-{css(code)} input[type=checkbox]")

    def go_to(self, segment_id: str) -> None:
        """Choose ``segment_id`` in the segment list."""
        select = self.find(".ta-segment-select select")
        value = select.evaluate(
            "(s, id) => [...s.options].map(o => o.value).find(v => v.startsWith(id + ' '))",
            segment_id,
        )
        assert value, f"{segment_id} is not in the segment list"
        select.select_option(value=value)
        expect(self.find(".ta-segment-id")).to_have_text(segment_id)

    def tick(self, code: str) -> None:
        """Click a code's checkbox (on); wait for the coding in the coder's file and for
        «Memo for» to show the code (the panel's answer to a tick).

        Like a researcher, the test lets the panel take a click in before the next one: the
        «Memo for» list changes with every code ticked.
        """
        box = self.box(code)
        expect(box).not_to_be_checked()
        segment_id = self.find(".ta-segment-id").inner_text()
        box.click()
        expect(box).to_be_checked()
        wait_until(
            lambda: code in codings_of(self.project, segment_id), f"{code} in the coder's file"
        )
        expect(self.find(".ta-memo-code select")).to_have_value(LABELS[code])

    def write_memo(self, code: str, memo: str) -> None:
        """Choose the coding in «Memo for», type the memo and leave the field."""
        self.find(".ta-memo-code select").select_option(label=LABELS[code])
        textarea = self.find(".ta-memo textarea")
        expect(textarea).to_be_enabled()
        textarea.fill(memo)
        textarea.blur()

    def click_suggestion(self, kind: str, code: str) -> None:
        """Click Accept or Reject (``kind``) of a suggestion; wait until it is gone.

        The rule the panel shows for it (``<label> <code> — <rule> — «<evidence>»``) is kept
        in :attr:`rules`.
        """
        selector = f"button.ta-{kind}-{css(code)}"
        button = self.find(selector)
        row = self.find(".ta-suggestions .widget-hbox").filter(has=self.page.locator(selector))
        self.rules[code] = row.locator(".widget-html").inner_text().split(" — ")[1]
        button.click()
        expect(self.find(f".ta-accept-{css(code)}")).to_have_count(0)
        expect(self.find(f".ta-reject-{css(code)}")).to_have_count(0)

    def expect_codes(self, checked: set[str]) -> None:
        """The code boxes show exactly ``checked`` as ticked."""
        for code in LABELS:
            if code in checked:
                expect(self.box(code)).to_be_checked()
            else:
                expect(self.box(code)).not_to_be_checked()


def code_segment(lab: Lab) -> None:
    """What a researcher does on :data:`SEGMENT`: tick two codes, write a memo for one,
    accept one suggestion and reject another."""
    lab.go_to(SEGMENT)
    for code in TICKED:
        lab.tick(code)
    lab.write_memo(MEMO_CODE, MEMO)
    wait_until(
        lambda: any(r["code"] == MEMO_CODE and r["memo"] == MEMO for r in coder_rows(lab.project)),
        "the memo in the coder's file",
    )
    lab.click_suggestion("accept", ACCEPTED)
    lab.click_suggestion("reject", REJECTED)
    expect(lab.find(".ta-status")).to_have_text("")


@pytest.fixture(scope="module")
def lab(
    page_factory: Callable[[], Page],
    project_factory: Callable[[str], ProjectCopy],
    lab_server: LabServer,
) -> Iterator[Lab]:
    """The notebook opened and run in JupyterLab, with :data:`SEGMENT` coded in its panel."""
    project = project_factory("coding")
    lab = Lab(page_factory(), lab_server, project, snapshot(project.folder / "project"))
    lab.open()
    lab.run_all()
    expect(lab.find(".ta-segment-id")).to_have_text(FIRST)
    code_segment(lab)
    lab.after = snapshot(project.folder / "project")
    yield lab
    lab.page.close()


def test_coding_in_the_panel_changes_only_the_coders_file(lab: Lab, output_dir: Path) -> None:
    lab.ensure_panel()
    before, after = lab.before, lab.after
    assert set(after) - set(before) == {f"codings/{CODER}.rejected.csv"}
    assert {name for name in before if after.get(name) != before[name]} == {
        f"codings/{CODER}.csv"
    }  # every other file (transcripts, codebook, bo.csv) is byte-identical

    # bo coded the same segment: its offsets, text and hashes are the ones expected
    (segment,) = [r for r in read_rows(before["codings/bo.csv"]) if r["segment_id"] == SEGMENT]
    text = segment["snippet"]
    assert segment["segment_hash"] == hashlib.sha256(text.encode()).hexdigest()[:16]
    same = {k: segment[k] for k in ("start", "end", "snippet", "segment_hash", "codebook")}
    blank = dict.fromkeys(
        ("rule", "evidence", "confidence", "source", "evidence_start", "evidence_end"), ""
    )
    new = [
        {"segment_id": SEGMENT, "code": code, "coder": CODER, **same, "memo": memo, **blank}
        for code, memo in (
            ("holdning.kritisk", MEMO),
            ("malforskyvning", ""),
            (ACCEPTED, f"accepted auto suggestion: {lab.rules[ACCEPTED]}"),
        )
    ]
    (old,) = read_rows(before[f"codings/{CODER}.csv"])  # the coding anna had made before
    old = {"confidence": "", "source": "", **old}  # a file saved before these columns existed
    assert read_rows(after[f"codings/{CODER}.csv"]) == [*new, old]  # sorted by segment, code
    assert after[f"codings/{CODER}.rejected.csv"].decode() == (
        "segment_id,code,rule,segment_hash\n"
        f"{SEGMENT},{REJECTED},{lab.rules[REJECTED]},{segment['segment_hash']}\n"
    )
    # The store reads the file back (it checks the columns, codes and one row per coding).
    assert len(load_coder_file(lab.project.codings / f"{CODER}.csv")) >= 4

    lab.go_to(SEGMENT)
    lab.expect_codes({*TICKED, ACCEPTED})
    lab.find(".ta-memo-code select").select_option(label=LABELS[MEMO_CODE])
    expect(lab.find(".ta-memo textarea")).to_have_value(MEMO)
    lab.panel.scroll_into_view_if_needed()
    lab.panel.screenshot(path=output_dir / "panel-coded.png")
    lab.page.screenshot(path=output_dir / "lab-coded.png")


def test_the_panel_fits_a_laptop_sized_notebook(lab: Lab) -> None:
    lab.ensure_panel()
    viewport = lab.page.viewport_size
    try:
        for width in WIDTHS:
            lab.page.set_viewport_size({"width": width, "height": viewport["height"]})
            deadline = time.monotonic() + 3  # JupyterLab lays the notebook out again
            while (cut := lab.panel.evaluate(CUT_OFF)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not cut, f"window {width} px wide, cut off: " + "; ".join(cut)
    finally:
        lab.page.set_viewport_size(viewport)


def test_a_reloaded_page_shows_the_saved_codings_and_memo(lab: Lab) -> None:
    lab.page.reload()
    expect(lab.panel).to_have_count(0)
    lab.run_all()
    # A new panel starts on the first segment, with nothing left from the last one.
    expect(lab.find(".ta-segment-id")).to_have_text(FIRST)
    lab.go_to(SEGMENT)
    lab.expect_codes({*TICKED, ACCEPTED})
    lab.find(".ta-memo-code select").select_option(label=LABELS[MEMO_CODE])
    expect(lab.find(".ta-memo textarea")).to_have_value(MEMO)
    # The accepted and the rejected suggestion stay handled.
    expect(lab.find(".ta-suggestions button")).to_have_count(0)


def test_a_coding_survives_a_killed_kernel(lab: Lab) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("finding the kernel's process needs /proc (Linux)")
    project, server = lab.project, lab.server
    lab.ensure_panel()
    lab.go_to(SEGMENT)
    lab.find("button.ta-previous").click()
    expect(lab.find(".ta-segment-id")).to_have_text(KILLED)
    lab.tick("holdning.positiv")
    saved = snapshot(project.folder / "project")

    sessions = server.api("/api/sessions")
    (kernel,) = [s["kernel"]["id"] for s in sessions if s["path"] == project.notebook]
    (pid,) = [p for p in server.kernel_pids() if kernel in Path(f"/proc/{p}/cmdline").read_text()]
    os.kill(pid, signal.SIGKILL)
    lab.kernel_restarted = True
    lab.dismiss_dialog()  # «Kernel Restarting»: the server starts a new kernel by itself
    lab.wait_idle()
    (new_kernel,) = [s["kernel"]["id"] for s in server.api("/api/sessions")]
    assert new_kernel == kernel  # the same kernel id, a new process
    assert server.kernel_pids() and pid not in server.kernel_pids()
    # The coding was on disk before the kill, and nothing else changed.
    assert snapshot(project.folder / "project") == saved
    assert "holdning.positiv" in codings_of(project, KILLED)
    # (A test that uses the panel after this one runs the notebook again: see ensure_panel.)
