"""The package's public API: every name resolves, and importing the package is cheap."""

from __future__ import annotations

import subprocess
import sys

import thesis_analysis


def test_every_public_name_resolves() -> None:
    for name in thesis_analysis.__all__:
        assert getattr(thesis_analysis, name) is not None


def test_import_does_not_load_spacy() -> None:
    code = "import sys, thesis_analysis; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
