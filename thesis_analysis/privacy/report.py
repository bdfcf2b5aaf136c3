"""The review report: every replacement and every unsure candidate, in context."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REVIEW_COLUMNS = ("file", "line", "status", "kind", "original", "placeholder", "reason", "context")
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review: a replacement (``status`` ``replaced``) or an ``unsure`` word.

    ``line`` is the 1-based line of the original in the input file.
    """

    file: str
    line: int
    status: str
    kind: str
    original: str
    placeholder: str
    reason: str
    context: str


def cut_context(text: str, start: int, end: int) -> str:
    """A short window around ``text[start:end]``, the match marked ``⟦…⟧``, on one line."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    window = f"{before}⟦{text[start:end]}⟧{after}"
    return " ".join(window.split())


def build_review_frame(items: list[ReviewItem]) -> pd.DataFrame:
    """The review as a long table, one row per replacement or candidate.

    Returns
    -------
    DataFrame sorted by file, line, status, original, with columns ``file``, ``line`` (in the
    input file), ``status`` (``replaced`` or ``unsure``), ``kind`` (empty when unsure),
    ``original``, ``placeholder`` (empty when unsure), ``reason`` (the rule that fired, or
    why the word is listed) and ``context`` (about 40 characters either side, the word
    marked ``⟦…⟧``).
    """
    frame = pd.DataFrame([i.__dict__ for i in items], columns=list(REVIEW_COLUMNS))
    frame = frame.sort_values(["file", "line", "status", "original", "context"], kind="stable")
    return frame.reset_index(drop=True)


def render_review_markdown(frame: pd.DataFrame) -> str:
    """The review as Markdown: counts, the replacements, then the unsure words."""
    replaced = frame[frame["status"] == "replaced"]
    unsure = frame[frame["status"] == "unsure"]
    lines = [
        "# Pseudonymisation review",
        "",
        "This report holds the original identifiers: keep it with the key, never with the",
        "pseudonymised transcripts. Read every row; add missed words to `deny:` and wrongly",
        "replaced words to `allow:` in `pseudonymise.yaml`, then run again.",
        "",
        f"- replacements: {len(replaced)}",
        f"- unsure capitalised words (not replaced): {len(unsure)}",
        "",
        "## Replacements",
        "",
    ]
    lines += render_table(
        replaced, ["file", "line", "kind", "original", "placeholder", "reason", "context"]
    )
    lines += ["", "## Unsure (not replaced)", ""]
    lines += render_table(unsure, ["file", "line", "original", "reason", "context"])
    return "\n".join(lines) + "\n"


def render_table(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """A Markdown table of ``columns`` (``|`` escaped), or a line saying there is none."""
    if frame.empty:
        return ["None."]
    rows = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in frame[columns].itertuples(index=False):
        cells = [str(value).replace("|", "\\|") for value in record]
        rows.append("| " + " | ".join(cells) + " |")
    return rows
