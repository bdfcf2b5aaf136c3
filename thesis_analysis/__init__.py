"""thesis_analysis: reproducible qualitative coding of Norwegian interview transcripts.

The public API is listed in ``__all__``; names are imported on first use, so importing the
package is cheap (spaCy, pandas and the lemma table load only when needed).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "load_corpus": "corpus.loading",
    "segment_corpus": "corpus.segments",
    "get_pipeline": "nlp.pipeline",
    "load_codebook": "codebook.model",
    "validate_codebook": "codebook.model",
    "AutoCoder": "autocode.coder",
    "code_segments": "autocode.runs",
    "CodingStore": "coding.store",
    "load_codings": "coding.files",
    "CodingPanel": "coding.panel",
    "compute_agreement": "reliability.statistics",
    "compute_code_reliability": "reliability.per_code",
    "load_project": "workflow",
    "find_project_root": "paths",
    "InputError": "errors",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _API:
        raise AttributeError(f"module 'thesis_analysis' has no attribute {name!r}")
    value = getattr(import_module(f"thesis_analysis.{_API[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
