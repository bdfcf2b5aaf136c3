"""Fixtures of the browser tests: one JupyterLab server and one headless Chromium per session.

The tests need Chromium from the system (``apt-get install chromium``; Playwright's own browser
download is never used) and the ``playwright`` Python package (the ``test`` extra). Without
either they are skipped, with a message saying how to enable them. Set
``THESIS_ANALYSIS_CHROMIUM`` to the browser to use (default: ``chromium`` on the ``PATH``, else
``/usr/bin/chromium``); ``THESIS_ANALYSIS_CHROMIUM=/nonexistent`` shows the skip.

JupyterLab runs from this Python (``sys.executable -m jupyter lab``) on 127.0.0.1, a free
port and a random token, with its own temporary config, data, runtime, workspaces and settings
folders, ``HOME`` and ``IPYTHONDIR``: nothing of the user's Jupyter set-up is read or written.
The news notification is switched off in the user settings. Copies of the fixture project and
notebook (``data/``) go into folders under the server's root (:func:`copy_project`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
OUTPUT = HERE / "output"
PROC = Path("/proc")  # Linux: finds the kernels' processes
CHROMIUM_ENV = "THESIS_ANALYSIS_CHROMIUM"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    "install Chromium (apt-get install chromium) and the test extra (pip install -e '.[test]'), "
    "then run make test-browser"
)
SERVER_START_TIMEOUT = 60.0
# JupyterLab user settings: no news or update check (no request leaves the machine), no
# autosave (a reloaded page must rebuild the panel from the coder's file, not from a saved
# output).
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

# JupyterLab page config: no check whether the front end needs a rebuild (it never does here),
# and no «Save and Export Notebook As» formats: listing them (/api/nbconvert) imports every
# nbconvert exporter and holds the server up for seconds while the page loads. Neither has to
# do with the panel.
PAGE_CONFIG = {
    "buildCheck": False,
    "buildAvailable": False,
    "disabledExtensions": {
        "@jupyterlab/notebook-extension:export": True,
        "@jupyterlab/notebook-extension:update-raw-mimetype": True,
    },
}

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen is None:
        chosen = shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(chosen)
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def missing_requirement() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if sync_playwright is None:
        return f"the playwright package is not installed; {HOW_TO_ENABLE}"
    if find_chromium() is None:
        where = os.environ.get(CHROMIUM_ENV, "chromium on the PATH or /usr/bin/chromium")
        return f"no Chromium found ({where}); {HOW_TO_ENABLE}"
    return None


@pytest.fixture(scope="session", autouse=True)
def _require_browser() -> None:
    """Skip every browser test when Chromium or playwright is missing."""
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """When a test fails, save a screenshot of its page as ``output/<test>-failed.png``."""
    report = yield
    if report.when == "call" and report.failed and sync_playwright is not None:
        for value in getattr(item, "funcargs", {}).values():
            page = value if isinstance(value, Page) else getattr(value, "page", None)
            if isinstance(page, Page) and not page.is_closed():
                OUTPUT.mkdir(exist_ok=True)
                try:
                    page.screenshot(path=OUTPUT / f"{item.name}-failed.png", full_page=True)
                except Exception as exc:  # the test's own failure matters more
                    report.sections.append(("screenshot", f"no screenshot: {exc}"))
                break
    return report


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab server."""

    url: str
    token: str
    root: Path
    runtime_dir: Path
    log: Path
    process: subprocess.Popen

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API and return the decoded JSON answer (None if empty)."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook: str) -> str:
        """The address that opens ``notebook`` (relative to the root) in a fresh workspace."""
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def kernel_pids(self) -> list[int]:
        """Process ids of this server's kernels (their connection files are in our runtime dir)."""
        pids = []
        marker = str(self.runtime_dir).encode()
        if not PROC.is_dir():
            return pids
        for entry in PROC.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in command and b"kernel-" in command:
                pids.append(int(entry.name))
        return pids


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_lab_environment(base: Path) -> dict[str, str]:
    """Environment variables that keep Jupyter, IPython and HOME inside ``base``."""
    folders = {
        "HOME": "home",
        "IPYTHONDIR": "ipython",
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "XDG_CACHE_HOME": "cache",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_DATA_HOME": "xdg-data",
        "MPLCONFIGDIR": "matplotlib",
    }
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "IPYTHON", "XDG_", "PYTHONSTARTUP", "PYTHONUSERBASE"))
    }
    for key, name in folders.items():
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True)
        env[key] = str(folder)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    page_config = Path(env["JUPYTER_CONFIG_DIR"], "labconfig", "page_config.json")
    page_config.parent.mkdir(parents=True, exist_ok=True)
    page_config.write_text(json.dumps(PAGE_CONFIG) + "\n", encoding="utf-8")
    for name, values in USER_SETTINGS.items():
        path = Path(env["JUPYTERLAB_SETTINGS_DIR"], name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
    return env


def wait_for_server(server: LabServer) -> None:
    """Wait until ``/api/status`` answers; fail with the server's log if it never does."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            server.api("/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    stop_server(server)
    pytest.fail(f"JupyterLab did not start (exit code {server.process.poll()}):\n{log[-4000:]}")


def stop_server(server: LabServer) -> None:
    """Shut the server down (kernels first), then make sure its processes are gone."""
    if server.process.poll() is None:
        try:
            server.api("/api/shutdown", method="POST")
            server.process.wait(timeout=10)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if server.process.poll() is not None:
            break
        try:
            os.killpg(server.process.pid, sig)
            server.process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    # Kernels run in sessions of their own; kill any the shutdown left behind.
    for pid in server.kernel_pids():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A JupyterLab server whose root is an empty temporary folder."""
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "root"
    root.mkdir()
    env = make_lab_environment(base)
    port, token = find_free_port(), secrets.token_hex(16)
    log = base / "jupyter-lab.log"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",  # never asks PyPI
    ]
    if os.geteuid() == 0:  # e.g. in a container
        command.append("--allow-root")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(
        f"http://127.0.0.1:{port}", token, root, Path(env["JUPYTER_RUNTIME_DIR"]), log, process
    )
    wait_for_server(server)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system (Playwright never downloads a browser here)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for the session: its HTTP cache makes later page loads faster."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    yield context
    context.close()


def open_page(context: BrowserContext) -> Page:
    """A new page (tab); leaving a notebook with unsaved changes asks first: it accepts."""
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture(scope="session")
def page_factory(browser_context: BrowserContext) -> Callable[[], Page]:
    """Make pages for fixtures wider than one test (close them with ``page.close()``)."""
    return lambda: open_page(browser_context)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """``tests/browser/output/`` (git-ignored), for screenshots."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@dataclass(frozen=True)
class ProjectCopy:
    """A test's copy of the fixture notebook and project, inside the server's root."""

    folder: Path
    notebook: str  # path of the notebook relative to the server's root

    @property
    def codings(self) -> Path:
        return self.folder / "project" / "codings"


def copy_project(server: LabServer, name: str) -> ProjectCopy:
    """Copy ``data/coding.ipynb`` and ``data/project/`` into ``<server root>/<name>/``."""
    folder = server.root / re.sub(r"\W+", "-", name).strip("-")
    shutil.copytree(DATA / "project", folder / "project")
    shutil.copy2(DATA / "coding.ipynb", folder / "coding.ipynb")
    return ProjectCopy(folder, f"{folder.name}/coding.ipynb")


@pytest.fixture(scope="session")
def project_factory(lab_server: LabServer) -> Callable[[str], ProjectCopy]:
    """Make copies of the fixture project for fixtures wider than one test."""
    return lambda name: copy_project(lab_server, name)
