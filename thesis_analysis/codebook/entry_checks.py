"""Check one code entry of a codebook (for :mod:`codebook_validate`).

:func:`check_entry` checks an item of ``codes:`` (id, keys, required texts, colour, example,
theory, rules, indicator) and returns it as a normalised dictionary. Rules are checked in
:mod:`codebook_rule_checks`, the ``indicator:`` block in :mod:`codebook_indicator_checks`.
"""

from __future__ import annotations

import re
from typing import Any

from thesis_analysis.codebook.indicator_checks import check_indicator
from thesis_analysis.codebook.rule_checks import Report, check_rules, make_empty_rules, strip_text
from thesis_analysis.yaml_lines import locate_line

CODE_KEYS = (
    "id",
    "parent",
    "label",
    "short",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
    "theory",
    "color",
    "codable",
    "rules",
    "indicator",
)
ID_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def check_entry(rep: Report, entry: Any, at: int, seen: dict[str, int]) -> dict | None:
    """Check one item of codes:; return it normalised (or None when it has no usable id).

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    entry : Any
        The loaded item of ``codes:``.
    at : int
        The line the item starts on.
    seen : dict
        First line of each id met so far; updated in place to catch duplicates.

    Returns
    -------
    dict or None
        The normalised entry (texts stripped, rules and indicator normalised, ``line`` set),
        or None when the id is invalid or a duplicate.
    """
    if not isinstance(entry, dict):
        rep.add(at, None, "an item of codes: is not a mapping", "start each code with - id: ...")
        return None
    cid = entry.get("id")
    if not isinstance(cid, str) or not ID_RE.match(cid):
        rep.add(
            at,
            None,
            f"invalid code id {cid!r}",
            "use lowercase ascii letters, digits and _; dots make the tree (a.b)",
        )
        return None
    duplicate = cid in seen
    if duplicate:
        rep.add(
            at,
            cid,
            f"duplicate id (first defined on line {seen[cid]})",
            "rename one of them or merge the two entries",
        )
    seen.setdefault(cid, at)
    for key in entry:
        if key not in CODE_KEYS:
            rep.add(
                locate_line(entry, key),
                cid,
                f"unknown key {key!r}",
                f"use one of {', '.join(CODE_KEYS)}",
            )
    codable = entry.get("codable", True)
    if not isinstance(codable, bool):
        rep.add(
            locate_line(entry, "codable"), cid, "codable is not true/false", "write true or false"
        )
        codable = True
    required = ["label", "short", "definition"]
    required += ["when_to_use", "when_not_to_use"] if codable else []
    for key in required:
        if not strip_text(entry.get(key)):
            rep.add(
                at,
                cid,
                f"missing {key}",
                f"add {key}: (required{' for codable codes' if 'when' in key else ''})",
            )
    color = entry.get("color")
    if color is not None and not (isinstance(color, str) and COLOR_RE.match(color)):
        rep.add(
            locate_line(entry, "color"),
            cid,
            f"color {color!r} is not #RRGGBB",
            'use a hex colour, e.g. "#0072B2" (Okabe–Ito)',
        )
        color = None
    example = entry.get("example") or {}
    if not isinstance(example, dict):
        rep.add(
            locate_line(entry, "example"),
            cid,
            "example is not a mapping",
            'write example: {text: "«…»", source: "4.3"}',
        )
        example = {}
    theory = entry.get("theory") or []
    theory = [theory] if isinstance(theory, str) else theory
    if not isinstance(theory, list) or not all(isinstance(t, str) for t in theory):
        rep.add(
            locate_line(entry, "theory"),
            cid,
            "theory is not a list of texts",
            'write theory: ["Jacobsen og Thorsvik (2007)"]',
        )
        theory = []
    rules = None
    if entry.get("rules") is not None:
        rules = check_rules(rep, entry["rules"], cid, locate_line(entry, "rules"))
        if not codable:
            rep.add(
                locate_line(entry, "rules"),
                cid,
                "rules on a code with codable: false never fire",
                "move them to a child code or set codable: true",
            )
    indicator = None
    if entry.get("indicator") is not None:
        indicator = check_indicator(rep, entry["indicator"], cid, locate_line(entry, "indicator"))
    if duplicate:
        return None
    return {
        "id": cid,
        "parent_given": "parent" in entry,
        "parent": entry.get("parent"),
        "parent_line": locate_line(entry, "parent"),
        "label": strip_text(entry.get("label")),
        "short": strip_text(entry.get("short")),
        "definition": strip_text(entry.get("definition")),
        "when_to_use": strip_text(entry.get("when_to_use")),
        "when_not_to_use": strip_text(entry.get("when_not_to_use")),
        "example_text": strip_text(example.get("text")),
        "example_source": str(example.get("source") or "").strip(),
        "theory": tuple(t.strip() for t in theory),
        "color": color,
        "codable": codable,
        "rules": rules or make_empty_rules(),
        "indicator": indicator,
        "line": at,
    }
