"""Check a codebook's YAML text and normalise its entries (used by :mod:`codebook`).

Nothing here touches the disk: :func:`check_codebook_text` takes the file's text and returns
every problem found (each naming the line of the YAML file) and, when there are none, the
entries as plain dictionaries for :mod:`thesis_analysis.codebook.model` to turn into dataclasses.
The YAML is read with :class:`thesis_analysis.yaml_lines.LineLoader`, a safe loader that only
records where each node starts. Entries are checked in :mod:`codebook_entry_checks`, their
rules in :mod:`codebook_rule_checks`; the code tree, negation targets and the code ids the
project requires (``required_codes`` of ``project.yaml``) are checked here.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from thesis_analysis.codebook.entry_checks import check_entry
from thesis_analysis.codebook.rule_checks import Report, merge_extra_rules, strip_text
from thesis_analysis.project_file import load_default_project_file
from thesis_analysis.yaml_lines import LineLoader, locate_item_line, locate_line

TOP_KEYS = ("name", "version", "language", "description", "codes", "rules")


def list_thesis_codes() -> tuple[str, ...]:
    """The code ids the thesis project requires (``required_codes`` of its ``project.yaml``,
    the thesis project's fixed code ids); a folder without ``project.yaml`` requires them."""
    return load_default_project_file().required_codes


def check_tree(rep: Report, entries: list[dict]) -> None:
    """Resolve parents from the dotted ids; report unknown, inconsistent and cyclic parents.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    entries : list of dict
        The normalised entries; each ``parent`` is set to the resolved parent id in place.
    """
    by_id = {e["id"]: e for e in entries}
    for e in entries:
        cid, given, prefix = e["id"], e["parent"], e["id"].rpartition(".")[0] or None
        if given is not None and not isinstance(given, str):
            rep.add(
                e["parent_line"],
                cid,
                f"parent {given!r} is not a code id",
                "write the parent's id, or leave parent: out",
            )
            given = e["parent"] = None
        if e["parent_given"] and given is not None and given != prefix:
            todo = (
                f"use parent: {prefix} or rename the code to '{given}.{cid.split('.')[-1]}'"
                if prefix
                else f"a top-level id has no parent: rename it to '{given}.{cid}'"
            )
            rep.add(e["parent_line"], cid, f"parent '{given}' does not match the dotted id", todo)
        parent = given if e["parent_given"] and given is not None else prefix
        e["parent"] = parent
        if parent is not None and parent not in by_id:
            at = e["parent_line"] if e["parent_given"] else e["line"]
            rep.add(
                at,
                cid,
                f"unknown parent '{parent}'",
                f"add a code with id '{parent}' (e.g. codable: false) or fix the id",
            )
    reported: set[str] = set()
    for e in entries:
        path, cur = [], e["id"]
        while cur is not None and cur in by_id and cur not in path:
            path.append(cur)
            cur = by_id[cur]["parent"]
        if cur is not None and cur in path:
            cycle = path[path.index(cur) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                first = min(cycle, key=lambda c: by_id[c]["line"])
                rep.add(
                    by_id[first]["line"],
                    first,
                    f"parent cycle {' -> '.join(cycle + [cur])}",
                    "make the parents form a tree (each code's parent is its id prefix)",
                )


def check_negations(rep: Report, entries: list[dict], by_id: dict[str, dict]) -> None:
    """Report ``negation:`` settings that are not ``block``, null or a codable code's id.

    Parameters
    ----------
    rep : Report
        Where problems are recorded.
    entries : list of dict
        The normalised entries (rules already merged with the top-level rules:).
    by_id : dict
        The same entries by code id.
    """
    for e in entries:
        negation = e["rules"]["negation"]
        at = e["rules"].get("negation_line") or e["line"]
        if not isinstance(negation, (str, type(None))):
            rep.add(
                at,
                e["id"],
                f"negation {negation!r} is not text",
                "use negation: block, null, or a code id",
            )
        elif negation not in (None, "block") and (
            negation not in by_id or not by_id[negation]["codable"]
        ):
            rep.add(
                at,
                e["id"],
                f"negation {negation!r} names no codable code",
                "use negation: block, null, or the id of a codable code to flip to",
            )


def check_codebook_text(
    text: str, name: str, *, required_codes: Sequence[str] = ()
) -> tuple[list[str], dict, list[dict]]:
    """Check codebook YAML text.

    Parameters
    ----------
    text : str
        The codebook file's YAML text.
    name : str
        The file name that starts every problem message.
    required_codes : sequence of str, optional
        Code ids the codebook must define (``required_codes`` of ``project.yaml``); each
        missing one is reported.

    Returns
    -------
    problems, header, entries
        Every problem as ``"NAME:LINE: code 'x': what is wrong — what to do"`` (sorted by line);
        the top-level header (``name`` …); the normalised code entries in file order.
    """
    rep = Report(name)
    loader = LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        rep.add(
            line,
            None,
            f"YAML syntax error: {what}",
            "fix the YAML at this line (indentation, quotes, colons, brackets)",
        )
        return rep.render_sorted(), {}, []
    except yaml.YAMLError as exc:
        rep.add(1, None, f"YAML error: {exc}", "fix the YAML")
        return rep.render_sorted(), {}, []
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        rep.add(
            line,
            None,
            f"duplicate key {key!r} in one mapping",
            "keep one of them (YAML would silently drop the first)",
        )
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        rep.add(
            locate_line(data),
            None,
            "no codes: list at the top level",
            "start the file with name: ... and codes: followed by - id: ... entries",
        )
        return rep.render_sorted(), {}, []
    for key in data:
        if key not in TOP_KEYS:
            rep.add(
                locate_line(data, key),
                None,
                f"unknown top-level key {key!r}",
                f"use one of {', '.join(TOP_KEYS)}",
            )
    if not strip_text(data.get("name")):
        rep.add(locate_line(data), None, "missing name", "add name: (the codebook's title)")
    codes, seen = data["codes"], {}
    entries = []
    for i, raw in enumerate(codes):
        at = locate_item_line(codes, i, locate_line(codes))
        entry = check_entry(rep, raw, at, seen)
        if entry is not None:
            entries.append(entry)
    by_id = {e["id"]: e for e in entries}
    check_tree(rep, entries)
    if data.get("rules") is not None:
        merge_extra_rules(rep, data["rules"], by_id, locate_line(data, "rules"))
    check_negations(rep, entries, by_id)
    for required in required_codes:
        if required not in by_id:
            rep.add(
                locate_line(data, "codes"),
                required,
                "required code is missing (required_codes of project.yaml)",
                "add an entry with this exact id, or remove it from required_codes",
            )
    header = {
        "name": strip_text(data.get("name")),
        "version": data.get("version"),
        "language": data.get("language"),
    }
    return rep.render_sorted(), header, entries
