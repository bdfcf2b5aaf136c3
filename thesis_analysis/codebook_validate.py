"""Check a codebook's YAML text and normalise its entries (used by :mod:`codebook`).

Nothing here touches the disk: :func:`check_codebook_text` takes the file's text and returns
every problem found (each naming the line of the YAML file) and, when there are none, the
entries as plain dictionaries for :mod:`thesis_analysis.codebook` to turn into dataclasses.
The YAML is read with a :class:`yaml.SafeLoader` subclass that only records where each node
starts, so loading stays safe.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

FIXED_IDS: tuple[str, ...] = (
    "npm",
    "styring",
    "styring.mal_og_strategi",
    "styring.styringsparametere",
    "styring.resultatmaling",
    "styring.laering",
    "malforskyvning",
    "malkonflikt",
    "stat_kommune",
    "kvalitet_kvantitet",
    "subkultur",
    "rapportering",
    "holdning",
    "holdning.kritisk",
    "holdning.positiv",
    "indikator",
    "indikator.overgang_arbeid",
    "indikator.oppfolging",
    "indikator.kontakt_bruker_48t",
    "indikator.jobbmatch",
    "indikator.sykefravaer",
    "indikator.gradert_sykmelding",
    "indikator.dialogmote",
    "indikator.arbeidsgiverkontakt",
    "indikator.tilretteleggingsgaranti",
    "indikator.ia_nytilsatte",
    "indikator.journalforing_24t",
)
"""Code ids that DESIGN.md ("Fixed code ids") fixes; evaluation depends on them."""

PERSPECTIVES = ("bruker", "produksjon", "medarbeider", "økonomi")
LINES = ("stat", "kommune")
DIRECTIONS = (">=", "<=")
RULE_KEYS = ("terms", "phrases", "near", "exclude", "negation")
TOP_KEYS = ("name", "version", "language", "description", "codes", "rules")
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
ID_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


class LineDict(dict):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML sequence that knows the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records 1-based start lines of mappings, sequences and their items."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            )
        if key in result:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class _Report:
    """Collects problems as ``NAME:LINE: code 'x': what is wrong — what to do``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, code: str | None, what: str, todo: str) -> None:
        who = f"code '{code}': " if code else ""
        self.items.append((line, f"{self.name}:{line}: {who}{what} — {todo}"))

    def sorted(self) -> list[str]:
        return [text for _, text in sorted(self.items, key=lambda item: item[0])]


def _line(node: Any, key: Any = None, default: int = 1) -> int:
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line) if key is not None else node.line
    return getattr(node, "line", default)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_word(
    rep: _Report, line: int, cid: str | None, where: str, value: Any, single: bool
) -> str | None:
    """Check one term or phrase; return it lowercased, or None when invalid."""
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


def _check_rules(rep: _Report, rules: Any, cid: str | None, line: int) -> dict | None:
    """Check a rules mapping (also a top-level rules: entry); return it normalised."""
    if not isinstance(rules, dict):
        rep.add(line, cid, "rules: is not a mapping", "write rules: with terms:, phrases:, ...")
        return None
    out: dict[str, Any] = {
        "terms": [],
        "phrases": [],
        "near": [],
        "exclude": [],
        "negation": rules.get("negation"),
        "negation_line": _line(rules, "negation"),
    }
    for key in rules:
        if key not in RULE_KEYS and key != "code":
            rep.add(
                _line(rules, key),
                cid,
                f"unknown rules key {key!r}",
                f"use one of {', '.join(RULE_KEYS)}",
            )
    for key, single in (("terms", True), ("phrases", False), ("exclude", False)):
        values = rules.get(key) or []
        if not isinstance(values, list):
            rep.add(_line(rules, key), cid, f"{key}: is not a list", f"write {key}: [a, b]")
            continue
        for i, value in enumerate(values):
            at = values.item_lines[i] if isinstance(values, LineList) else _line(rules, key)
            checked = _check_word(rep, at, cid, key, value, single)
            if checked is not None:
                out[key].append(checked)
    near = rules.get("near") or []
    if not isinstance(near, list):
        rep.add(
            _line(rules, "near"),
            cid,
            "near: is not a list",
            "write near: [{groups: [[a], [b]], window: 6}]",
        )
        near = []
    for i, pattern in enumerate(near):
        at = near.item_lines[i] if isinstance(near, LineList) else _line(rules, "near")
        out["near"].append(_check_near(rep, pattern, cid, at, i))
    out["near"] = [p for p in out["near"] if p is not None]
    return out


def _check_near(rep: _Report, pattern: Any, cid: str | None, at: int, i: int) -> dict | None:
    if not isinstance(pattern, dict):
        rep.add(at, cid, f"near[{i}] is not a mapping", "write {groups: [[a], [b]], window: 6}")
        return None
    groups, window = pattern.get("groups"), pattern.get("window")
    at_groups, at_window = _line(pattern, "groups"), _line(pattern, "window")
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
        words = [_check_word(rep, at_groups, cid, f"near[{i}]", w, True) for w in group]
        ok = ok and None not in words
        clean.append([w for w in words if w is not None])
    return {"groups": clean, "window": window} if ok else None


def _check_indicator(rep: _Report, block: Any, cid: str, at: int) -> dict | None:
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
    problems_before = len(rep.items)
    for key in block:
        if key not in INDICATOR_KEYS:
            rep.add(
                _line(block, key),
                cid,
                f"unknown indicator key {key!r}",
                f"use one of {', '.join(INDICATOR_KEYS)}",
            )
    name = _text(block.get("name"))
    if not name:
        rep.add(at, cid, "indicator has no name", "give the exact name as in Vedlegg 4")
    perspective = block.get("perspective")
    if perspective not in PERSPECTIVES:
        rep.add(
            _line(block, "perspective"),
            cid,
            f"indicator perspective {perspective!r}",
            f"use one of {', '.join(PERSPECTIVES)} (see thesis 1.2.2)",
        )
    line = block.get("line")
    if line not in LINES:
        rep.add(
            _line(block, "line"), cid, f"indicator line {line!r}", f"use one of {', '.join(LINES)}"
        )
    for key in ("rogaland_followup", "in_vedlegg4"):
        if not isinstance(block.get(key, False), bool):
            rep.add(
                _line(block, key), cid, f"indicator {key} is not true/false", "write true or false"
            )
    target = _check_target(rep, block.get("target"), cid, _line(block, "target"))
    if len(rep.items) > problems_before or target is None:
        return None
    return {
        "name": name,
        **target,
        "perspective": perspective,
        "perspective_note": _text(block.get("perspective_note")),
        "line": line,
        "rogaland_followup": block.get("rogaland_followup", False),
        "in_vedlegg4": block.get("in_vedlegg4", False),
        "source": _text(block.get("source")),
    }


def _format_number(value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",")


def _check_target(rep: _Report, target: Any, cid: str, at: int) -> dict | None:
    if not isinstance(target, dict):
        rep.add(
            at,
            cid,
            "indicator has no target mapping",
            'write target: {value: 60, unit: "%", direction: ">="} or {text: "..."}',
        )
        return None
    value, text = target.get("value"), _text(target.get("text"))
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
        text = f"{sign}{_format_number(float(value))}" + (f" {unit}" if unit else "")
    return {
        "target_value": None if value is None else float(value),
        "target_unit": unit,
        "target_direction": direction,
        "target_text": text,
    }


def _check_entry(rep: _Report, entry: Any, at: int, seen: dict[str, int]) -> dict | None:
    """Check one item of codes:; return it normalised (or None when it has no usable id)."""
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
                _line(entry, key), cid, f"unknown key {key!r}", f"use one of {', '.join(CODE_KEYS)}"
            )
    codable = entry.get("codable", True)
    if not isinstance(codable, bool):
        rep.add(_line(entry, "codable"), cid, "codable is not true/false", "write true or false")
        codable = True
    required = ["label", "short", "definition"]
    required += ["when_to_use", "when_not_to_use"] if codable else []
    for key in required:
        if not _text(entry.get(key)):
            rep.add(
                at,
                cid,
                f"missing {key}",
                f"add {key}: (required{' for codable codes' if 'when' in key else ''})",
            )
    color = entry.get("color")
    if color is not None and not (isinstance(color, str) and COLOR_RE.match(color)):
        rep.add(
            _line(entry, "color"),
            cid,
            f"color {color!r} is not #RRGGBB",
            'use a hex colour, e.g. "#0072B2" (Okabe–Ito)',
        )
        color = None
    example = entry.get("example") or {}
    if not isinstance(example, dict):
        rep.add(
            _line(entry, "example"),
            cid,
            "example is not a mapping",
            'write example: {text: "«…»", source: "4.3"}',
        )
        example = {}
    theory = entry.get("theory") or []
    theory = [theory] if isinstance(theory, str) else theory
    if not isinstance(theory, list) or not all(isinstance(t, str) for t in theory):
        rep.add(
            _line(entry, "theory"),
            cid,
            "theory is not a list of texts",
            'write theory: ["Jacobsen og Thorsvik (2007)"]',
        )
        theory = []
    rules = None
    if entry.get("rules") is not None:
        rules = _check_rules(rep, entry["rules"], cid, _line(entry, "rules"))
        if not codable:
            rep.add(
                _line(entry, "rules"),
                cid,
                "rules on a code with codable: false never fire",
                "move them to a child code or set codable: true",
            )
    indicator = None
    if entry.get("indicator") is not None:
        indicator = _check_indicator(rep, entry["indicator"], cid, _line(entry, "indicator"))
    if duplicate:
        return None
    return {
        "id": cid,
        "parent_given": "parent" in entry,
        "parent": entry.get("parent"),
        "parent_line": _line(entry, "parent"),
        "label": _text(entry.get("label")),
        "short": _text(entry.get("short")),
        "definition": _text(entry.get("definition")),
        "when_to_use": _text(entry.get("when_to_use")),
        "when_not_to_use": _text(entry.get("when_not_to_use")),
        "example_text": _text(example.get("text")),
        "example_source": str(example.get("source") or "").strip(),
        "theory": tuple(t.strip() for t in theory),
        "color": color,
        "codable": codable,
        "rules": rules or _empty_rules(),
        "indicator": indicator,
        "line": at,
    }


def _empty_rules() -> dict:
    return {"terms": [], "phrases": [], "near": [], "exclude": [], "negation": None}


def _check_tree(rep: _Report, entries: list[dict]) -> None:
    """Resolve parents from the dotted ids; report unknown, inconsistent and cyclic parents."""
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


def _merge_extra_rules(rep: _Report, extra: Any, by_id: dict[str, dict], at: int) -> None:
    """Merge the top-level rules: list into the entries it names."""
    if not isinstance(extra, list):
        rep.add(at, None, "top-level rules: is not a list", "write rules: [{code: x, terms: []}]")
        return
    for i, item in enumerate(extra):
        line = extra.item_lines[i] if isinstance(extra, LineList) else at
        code = item.get("code") if isinstance(item, dict) else None
        if code not in by_id:
            rep.add(
                line,
                None,
                f"top-level rules entry for no code ({code!r})",
                "set code: to the id of an existing code, or remove the entry",
            )
            continue
        entry = by_id[code]
        rules = _check_rules(rep, item, code, line)
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


def check_codebook_text(
    text: str, name: str, *, require_fixed_ids: bool = True
) -> tuple[list[str], dict, list[dict]]:
    """Check codebook YAML text.

    Returns
    -------
    problems, header, entries
        Every problem as ``"NAME:LINE: code 'x': what is wrong — what to do"`` (sorted by line);
        the top-level header (``name`` …); the normalised code entries in file order.
    """
    rep = _Report(name)
    loader = _LineLoader(text)
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
        return rep.sorted(), {}, []
    except yaml.YAMLError as exc:
        rep.add(1, None, f"YAML error: {exc}", "fix the YAML")
        return rep.sorted(), {}, []
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
            _line(data),
            None,
            "no codes: list at the top level",
            "start the file with name: ... and codes: followed by - id: ... entries",
        )
        return rep.sorted(), {}, []
    for key in data:
        if key not in TOP_KEYS:
            rep.add(
                _line(data, key),
                None,
                f"unknown top-level key {key!r}",
                f"use one of {', '.join(TOP_KEYS)}",
            )
    if not _text(data.get("name")):
        rep.add(_line(data), None, "missing name", "add name: (the codebook's title)")
    codes, seen = data["codes"], {}
    entries = []
    for i, raw in enumerate(codes):
        at = codes.item_lines[i] if isinstance(codes, LineList) else _line(codes)
        entry = _check_entry(rep, raw, at, seen)
        if entry is not None:
            entries.append(entry)
    by_id = {e["id"]: e for e in entries}
    _check_tree(rep, entries)
    if data.get("rules") is not None:
        _merge_extra_rules(rep, data["rules"], by_id, _line(data, "rules"))
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
    if require_fixed_ids:
        for fixed in FIXED_IDS:
            if fixed not in by_id:
                rep.add(
                    _line(data, "codes"),
                    fixed,
                    "fixed id of DESIGN.md is missing",
                    "add an entry with this exact id (evaluation depends on it)",
                )
    header = {
        "name": _text(data.get("name")),
        "version": data.get("version"),
        "language": data.get("language"),
    }
    return rep.sorted(), header, entries
