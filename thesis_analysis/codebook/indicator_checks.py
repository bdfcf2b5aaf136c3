"""Check the ``indicator:`` block of a code and its ``target:`` (for :mod:`codebook_entry_checks`).

:func:`check_indicator` checks name, perspective (thesis 1.2.2), line (stat/kommune), flags and
target of a performance indicator from Vedlegg 4 and returns the fields normalised;
:func:`check_target` builds the display text of a target from its value, unit and direction.
"""

from __future__ import annotations

from typing import Any

from thesis_analysis.codebook.rule_checks import Report, strip_text
from thesis_analysis.yaml_lines import locate_line

PERSPECTIVES = ("bruker", "produksjon", "medarbeider", "økonomi")
LINES = ("stat", "kommune")
DIRECTIONS = (">=", "<=")
INDICATOR_KEYS = (
    "name",
    "target",
    "perspective",
    "perspective_note",
    "line",
    "rogaland_followup",
    "in_vedlegg4",
    "source",
)


def check_indicator(rep: Report, block: Any, cid: str, at: int) -> dict | None:
    """Check an ``indicator:`` block; return its normalised fields, or None on any problem.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    block : Any
        The loaded ``indicator:`` value.
    cid : str
        The code the block belongs to.
    at : int
        The line of the ``indicator:`` key.

    Returns
    -------
    dict or None
        Name, target fields, perspective, line and flags; None when any problem was found.
    """
    problems_before = len(rep.items)
    if not cid.startswith("indikator."):
        rep.add(
            at,
            cid,
            "indicator: block outside indikator.*",
            "move the code under indikator or remove the block",
        )
    if not isinstance(block, dict):
        rep.add(at, cid, "indicator: is not a mapping", "write indicator: {name: ..., ...}")
        return None
    for key in block:
        if key not in INDICATOR_KEYS:
            rep.add(
                locate_line(block, key),
                cid,
                f"unknown indicator key {key!r}",
                f"use one of {', '.join(INDICATOR_KEYS)}",
            )
    name = strip_text(block.get("name"))
    if not name:
        rep.add(at, cid, "indicator has no name", "give the exact name as in Vedlegg 4")
    perspective = block.get("perspective")
    if perspective not in PERSPECTIVES:
        rep.add(
            locate_line(block, "perspective"),
            cid,
            f"indicator perspective {perspective!r}",
            f"use one of {', '.join(PERSPECTIVES)} (see thesis 1.2.2)",
        )
    line = block.get("line")
    if line not in LINES:
        rep.add(
            locate_line(block, "line"),
            cid,
            f"indicator line {line!r}",
            f"use one of {', '.join(LINES)}",
        )
    for key in ("rogaland_followup", "in_vedlegg4"):
        if not isinstance(block.get(key, False), bool):
            rep.add(
                locate_line(block, key),
                cid,
                f"indicator {key} is not true/false",
                "write true or false",
            )
    target = check_target(rep, block.get("target"), cid, locate_line(block, "target"))
    if len(rep.items) > problems_before or target is None:
        return None
    return {
        "name": name,
        **target,
        "perspective": perspective,
        "perspective_note": strip_text(block.get("perspective_note")),
        "line": line,
        "rogaland_followup": block.get("rogaland_followup", False),
        "in_vedlegg4": block.get("in_vedlegg4", False),
        "source": strip_text(block.get("source")),
    }


def format_number(value: float) -> str:
    """Return ``value`` in short Norwegian form (``6,8``, ``60``, ``1000000``): at most six
    decimals, trailing zeros dropped, never in exponent form."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def check_target(rep: Report, target: Any, cid: str, at: int) -> dict | None:
    """Check an indicator ``target:``; return ``target_value``/``_unit``/``_direction``/``_text``.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    target : Any
        The loaded ``target:`` value.
    cid : str
        The code the indicator belongs to.
    at : int
        The line of the ``target:`` key.

    Returns
    -------
    dict or None
        The target fields (the text built from value, unit and direction when not given),
        or None when the target is invalid.
    """
    if not isinstance(target, dict):
        rep.add(
            at,
            cid,
            "indicator has no target mapping",
            'write target: {value: 60, unit: "%", direction: ">="} or {text: "..."}',
        )
        return None
    value, text = target.get("value"), strip_text(target.get("text"))
    unit, direction = target.get("unit"), target.get("direction")
    ok = True
    if value is None and not text:
        rep.add(
            at,
            cid,
            "indicator target has neither value nor text",
            'give value: (a number) or text: (e.g. "under vurdering")',
        )
        ok = False
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        rep.add(
            at,
            cid,
            f"indicator target value {value!r} is not a number",
            'write the number without unit, e.g. value: 6.8 and unit: "%"',
        )
        ok = False
    if direction is not None and direction not in DIRECTIONS:
        rep.add(
            at,
            cid,
            f"indicator target direction {direction!r}",
            'use ">=" (at least) or "<=" (at most)',
        )
        ok = False
    if unit is not None and not isinstance(unit, str):
        rep.add(at, cid, f"indicator target unit {unit!r} is not text", 'write unit: "%"')
        ok = False
    if not ok:
        return None
    if not text:
        sign = {">=": "≥ ", "<=": "≤ "}.get(direction, "")
        text = f"{sign}{format_number(float(value))}" + (f" {unit}" if unit else "")
    return {
        "target_value": None if value is None else float(value),
        "target_unit": unit,
        "target_direction": direction,
        "target_text": text,
    }
