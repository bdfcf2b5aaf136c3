"""Collect codebook problems and check a codebook's match rules (for :mod:`codebook_validate`).

:class:`Report` gathers every problem as ``NAME:LINE: code 'x': what is wrong — what to do``.
The checks here cover a ``rules:`` mapping (terms, phrases, near patterns, exclude, negation),
both on a code and in the top-level ``rules:`` list, and return the rules normalised.
"""

from __future__ import annotations

from typing import Any

from thesis_analysis.yaml_lines import locate_item_line, locate_line

RULE_KEYS = ("terms", "phrases", "near", "exclude", "negation")


class Report:
    """Collects problems as ``NAME:LINE: code 'x': what is wrong — what to do``.

    Parameters
    ----------
    name : str
        The file name that starts every message.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, code: str | None, what: str, todo: str) -> None:
        """Record one problem at ``line`` (for code ``code`` when given)."""
        who = f"code '{code}': " if code else ""
        self.items.append((line, f"{self.name}:{line}: {who}{what} — {todo}"))

    def render_sorted(self) -> list[str]:
        """Return the problem messages sorted by line (stable within a line)."""
        return [text for _, text in sorted(self.items, key=lambda item: item[0])]


def strip_text(value: Any) -> str:
    """Return ``value`` stripped when it is a string, else the empty string."""
    return value.strip() if isinstance(value, str) else ""


def make_empty_rules() -> dict:
    """Return the normalised rules of a code that has none."""
    return {"terms": [], "phrases": [], "near": [], "exclude": [], "negation": None}


def check_word(
    rep: Report, line: int, cid: str | None, where: str, value: Any, single: bool
) -> str | None:
    """Check one term (``single``) or phrase; return it lowercased, or None when invalid.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    line : int
        The line to report problems on.
    cid : str or None
        The code the word belongs to.
    where : str
        The rules key (or ``near[i]``) named in messages.
    value : Any
        The loaded word.
    single : bool
        True for a term (one word, may start with ``=``), False for a phrase.

    Returns
    -------
    str or None
        The stripped, lowercased word, or None when it cannot be used.
    """
    what = "term" if single else "phrase"
    if not isinstance(value, str):
        rep.add(line, cid, f"{where}: {what} {value!r} is not text", "quote it as a string")
        return None
    bare = value[1:] if single and value.startswith("=") else value
    if not bare.strip():
        rep.add(
            line,
            cid,
            f"{where}: empty or whitespace-only {what} {value!r}",
            "remove it or write the word",
        )
        return None
    if value != value.lower():
        rep.add(
            line,
            cid,
            f"{where}: {what} {value!r} has uppercase letters",
            f"write it in lowercase ({value.lower()!r}); matching ignores case",
        )
    if single and len(bare.split()) != 1:
        rep.add(
            line,
            cid,
            f"{where}: term {value!r} contains spaces",
            "move it to phrases: (a term is one word)",
        )
        return None
    words = value.split()
    if not single and (words[0] == "*" or words[-1] == "*"):
        rep.add(
            line,
            cid,
            f"{where}: phrase {value!r} starts or ends with *",
            "put * only between two words",
        )
    return value.strip().lower()


def check_rules(rep: Report, rules: Any, cid: str | None, line: int) -> dict | None:
    """Check a rules mapping (also a top-level rules: entry); return it normalised.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    rules : Any
        The loaded ``rules:`` value.
    cid : str or None
        The code the rules belong to.
    line : int
        The line of the ``rules:`` key.

    Returns
    -------
    dict or None
        ``terms``, ``phrases``, ``near``, ``exclude``, ``negation`` and ``negation_line``
        (invalid items dropped), or None when ``rules`` is not a mapping.
    """
    if not isinstance(rules, dict):
        rep.add(line, cid, "rules: is not a mapping", "write rules: with terms:, phrases:, ...")
        return None
    out: dict[str, Any] = {
        "terms": [],
        "phrases": [],
        "near": [],
        "exclude": [],
        "negation": rules.get("negation"),
        "negation_line": locate_line(rules, "negation"),
    }
    for key in rules:
        if key not in RULE_KEYS and key != "code":
            rep.add(
                locate_line(rules, key),
                cid,
                f"unknown rules key {key!r}",
                f"use one of {', '.join(RULE_KEYS)}",
            )
    for key, single in (("terms", True), ("phrases", False), ("exclude", False)):
        values = rules.get(key) or []
        if not isinstance(values, list):
            rep.add(locate_line(rules, key), cid, f"{key}: is not a list", f"write {key}: [a, b]")
            continue
        for i, value in enumerate(values):
            at = locate_item_line(values, i, locate_line(rules, key))
            checked = check_word(rep, at, cid, key, value, single)
            if checked is not None:
                out[key].append(checked)
    near = rules.get("near") or []
    if not isinstance(near, list):
        rep.add(
            locate_line(rules, "near"),
            cid,
            "near: is not a list",
            "write near: [{groups: [[a], [b]], window: 6}]",
        )
        near = []
    for i, pattern in enumerate(near):
        at = locate_item_line(near, i, locate_line(rules, "near"))
        out["near"].append(check_near(rep, pattern, cid, at, i))
    out["near"] = [p for p in out["near"] if p is not None]
    return out


def check_near(rep: Report, pattern: Any, cid: str | None, at: int, i: int) -> dict | None:
    """Check item ``i`` of ``near:``; return ``{"groups", "window"}`` or None when invalid.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    pattern : Any
        The loaded near pattern.
    cid : str or None
        The code the pattern belongs to.
    at : int
        The line of the pattern.
    i : int
        The position of the pattern in ``near:``.

    Returns
    -------
    dict or None
        The groups (lowercased terms) and window, or None when anything is wrong.
    """
    if not isinstance(pattern, dict):
        rep.add(at, cid, f"near[{i}] is not a mapping", "write {groups: [[a], [b]], window: 6}")
        return None
    groups, window = pattern.get("groups"), pattern.get("window")
    at_groups, at_window = locate_line(pattern, "groups"), locate_line(pattern, "window")
    ok = True
    if not isinstance(groups, list) or len(groups) < 2:
        rep.add(
            at_groups,
            cid,
            f"near[{i}] needs at least two groups",
            "give groups: [[a, b], [c]] (use terms: for one group)",
        )
        ok = False
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        rep.add(
            at_window,
            cid,
            f"near[{i}] window {window!r} is not a whole number ≥ 1",
            "set window: to the largest token distance, e.g. 6",
        )
        ok = False
    clean: list[list[str]] = []
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, list) or not group:
            rep.add(
                at_groups,
                cid,
                f"near[{i}] group {group!r} is not a non-empty list",
                "write each group as a list of alternative terms, e.g. [telle, telling]",
            )
            ok = False
            continue
        words = [check_word(rep, at_groups, cid, f"near[{i}]", w, True) for w in group]
        ok = ok and None not in words
        clean.append([w for w in words if w is not None])
    return {"groups": clean, "window": window} if ok else None


def merge_extra_rules(rep: Report, extra: Any, by_id: dict[str, dict], at: int) -> None:
    """Merge the top-level rules: list into the entries it names.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    extra : Any
        The loaded top-level ``rules:`` value.
    by_id : dict
        The normalised entries by code id; their ``rules`` are extended in place.
    at : int
        The line of the top-level ``rules:`` key.
    """
    if not isinstance(extra, list):
        rep.add(at, None, "top-level rules: is not a list", "write rules: [{code: x, terms: []}]")
        return
    for i, item in enumerate(extra):
        line = locate_item_line(extra, i, at)
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or code not in by_id:
            rep.add(
                line,
                None,
                f"top-level rules entry for no code ({code!r})",
                "set code: to the id of an existing code, or remove the entry",
            )
            continue
        entry = by_id[code]
        rules = check_rules(rep, item, code, line)
        if rules is None:
            continue
        if not entry["codable"]:
            rep.add(
                line,
                code,
                "rules on a code with codable: false never fire",
                "move them to a child code or set codable: true",
            )
        target = entry["rules"]
        for key in ("terms", "phrases", "near", "exclude"):
            target[key] = target[key] + rules[key]
        if rules["negation"] is not None:
            if target["negation"] not in (None, rules["negation"]):
                rep.add(
                    line,
                    code,
                    "two different negation: settings",
                    "keep one negation: (block or a code id)",
                )
            target["negation"] = rules["negation"]
            target["negation_line"] = rules["negation_line"]
