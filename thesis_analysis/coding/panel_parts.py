"""The coding panel's parts that need no panel: widget helpers, the rejection sidecar, the
code tree and the rendering of a segment in its turn (see :mod:`thesis_analysis.coding.panel`)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import ipywidgets as widgets
import pandas as pd

from thesis_analysis.errors import InputError
from thesis_analysis.writers import write_csv_atomic

if TYPE_CHECKING:
    from thesis_analysis.codebook.model import Code, Codebook

ALL = "(all)"
ORDERS = ("transcript", "uncertainty")
REJECTION_COLUMNS = ["segment_id", "code", "rule", "segment_hash"]
MUTED = "opacity:0.55"
W = TypeVar("W", bound=widgets.DOMWidget)


def make_css_id(code_id: str) -> str:
    """The CSS-class form of a code id: ``holdning.kritisk`` → ``holdning-kritisk``."""
    return code_id.replace(".", "-")


def make_row(children: list[widgets.Widget]) -> widgets.HBox:
    """A row of widgets that wraps onto the next line where the notebook is too narrow (a row
    that does not wrap squeezes its controls, cuts off their labels and hides the last ones)."""
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap"))


def tag(widget: W, *classes: str) -> W:
    """Add CSS classes to ``widget`` and return it."""
    for css in classes:
        widget.add_class(css)
    return widget


def load_rejections(path: Path) -> pd.DataFrame:
    """Read a ``<coder>.rejected.csv`` sidecar (absent = none): :data:`REJECTION_COLUMNS`."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=REJECTION_COLUMNS, dtype=str)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != REJECTION_COLUMNS:
        raise InputError(f"{path}:1: the columns must be {','.join(REJECTION_COLUMNS)}")
    return frame


def save_rejections(path: Path, frame: pd.DataFrame) -> None:
    """Write the rejections sidecar atomically, sorted by segment id and code."""
    ordered = frame[REJECTION_COLUMNS].drop_duplicates(["segment_id", "code"])
    write_csv_atomic(path, ordered.sort_values(["segment_id", "code"], ignore_index=True))


def add_margins(suggestions: pd.DataFrame) -> pd.DataFrame:
    """``suggestions`` with ``confidence`` and ``source`` (empty where absent) and ``margin``:
    how far the confidence is from 0.5, the point of doubt (a suggestion without a confidence
    has margin 1, so it comes after those with one)."""
    frame = suggestions.copy()
    for column in ("confidence", "source"):
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    confidence = pd.to_numeric(frame["confidence"], errors="coerce")
    frame["margin"] = (confidence - 0.5).abs().fillna(1.0)
    return frame


def list_code_tree(codebook: Codebook) -> list[tuple[Code, int]]:
    """Codes in tree order (parents before children, else file order) with their depth."""
    ids = set(codebook.ids())
    roots = [c for c in codebook.codes if c.parent is None or c.parent not in ids]
    ordered: list[tuple[Code, int]] = []
    seen: set[str] = set()

    def visit(code: Code, depth: int) -> None:
        if code.id in seen:
            return
        seen.add(code.id)
        ordered.append((code, depth))
        for child in codebook.codes:
            if child.parent == code.id:
                visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return ordered


def render_turn_context(segments: pd.DataFrame, seg: pd.Series, segment_id: str) -> str:
    """HTML of a segment's turn (the segment bold, the rest greyed) after the turn before."""
    same = segments["transcript"] == seg["transcript"]
    parts = []
    for turn, muted in ((seg["turn"] - 1, True), (seg["turn"], False)):
        rows = segments[same & (segments["turn"] == turn)]
        if rows.empty:
            continue
        text = " ".join(
            f"<b>{escape(r.text)}</b>"
            if r.segment_id == segment_id
            else f"<span style='{MUTED}'>{escape(r.text)}</span>"
            for r in rows.itertuples()
        )
        style = f" style='{MUTED};font-style:italic'" if muted else ""
        parts.append(f"<p{style}><b>{escape(rows.iloc[0]['speaker'])}:</b> {text}</p>")
    return "".join(parts)


def make_suggestion_row(
    row: object, label: str, stale: bool
) -> tuple[tuple[widgets.Button, widgets.Button], widgets.HBox]:
    """The Accept and Reject buttons and the row showing one suggestion: its code, rule,
    evidence, confidence and source, and a note when the text changed since it was made."""
    note = " <i>(text changed since)</i>" if stale else ""
    sure = (
        f" — confidence {escape(str(row.confidence))} ({escape(str(row.source))})"
        if str(row.confidence)
        else ""
    )
    text = widgets.HTML(
        f"<b>{escape(label)}</b> <code>{escape(row.code)}</code> — "
        f"{escape(str(row.rule))} — «{escape(str(row.evidence))}»{sure}{note}"
    )
    accept = widgets.Button(description="Accept", tooltip=f"Accept {row.code}")
    reject = widgets.Button(description="Reject", tooltip=f"Reject {row.code}")
    for button, kind in ((accept, "accept"), (reject, "reject")):
        button.add_class(f"ta-{kind}")
        button.add_class(f"ta-{kind}-{make_css_id(row.code)}")
    return (accept, reject), make_row([accept, reject, text])
