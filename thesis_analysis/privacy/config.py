"""Loaders: the shipped lists (``data/``) and a project's ``pseudonymise.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.findings import KINDS

CONFIG_NAME = "pseudonymise.yaml"
DEFAULT_DENY_KIND = "PERSON"


@dataclass(frozen=True)
class NameLists:
    """The shipped lists (see ``data/SOURCES.md``).

    Attributes
    ----------
    first_names, surnames, places : single names as written.
    phrases : multi-word places and named workplaces, phrase → kind (``STED``/``ARBEIDSSTED``).
    institution_nouns : lower-case nouns that make a preceding name a workplace.
    keep_terms : generic institutions and study terms, never replaced on their own.
    ordinary_words : lower-case common words the lexicon lacks (nynorsk, function words).
    """

    first_names: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    phrases: dict[str, str]
    institution_nouns: tuple[str, ...]
    keep_terms: tuple[str, ...]
    ordinary_words: frozenset[str]


@dataclass(frozen=True)
class ProjectLists:
    """A project's own lists from ``pseudonymise.yaml``.

    Attributes
    ----------
    allow : words and phrases never replaced.
    deny : word or phrase → kind, always replaced.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[tuple[str, str], ...] = ()


def read_list(name: str) -> list[str]:
    """The entries of one shipped list, one a line."""
    text = (resources.files("thesis_analysis.privacy") / "data" / name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_name_lists() -> NameLists:
    """Read the shipped lists into :class:`NameLists`."""
    places = read_list("municipalities.txt") + read_list("places_extra.txt")
    phrases = {p: "STED" for p in places if " " in p}
    phrases.update({w: "ARBEIDSSTED" for w in read_list("workplaces.txt")})
    return NameLists(
        first_names=frozenset(read_list("first_names.txt") + read_list("first_names_extra.txt")),
        surnames=frozenset(read_list("surnames.txt") + read_list("surnames_extra.txt")),
        places=frozenset(p for p in places if " " not in p),
        phrases=phrases,
        institution_nouns=tuple(read_list("institution_nouns.txt")),
        keep_terms=tuple(read_list("keep_terms.txt")),
        ordinary_words=frozenset(w.lower() for w in read_list("ordinary_words.txt")),
    )


def load_project_lists(project_root: Path) -> ProjectLists:
    """Read ``pseudonymise.yaml`` beside the project, or empty lists when there is none."""
    path = Path(project_root) / CONFIG_NAME
    if not path.is_file():
        return ProjectLists()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise InputError(
            f"{path.name}, line {line}: not valid YAML ({exc.__class__.__name__}); "
            "fix it, e.g. `allow: [NAV]` and `deny: {Kari: PERSON}`"
        ) from exc
    return parse_project_lists(data, path.name)


def parse_project_lists(data: object, name: str) -> ProjectLists:
    """Check the parsed YAML of ``pseudonymise.yaml`` and build :class:`ProjectLists`."""
    if data is None:
        return ProjectLists()
    if not isinstance(data, dict):
        raise InputError(f"{name}, line 1: expected a mapping with `allow:` and `deny:`")
    unknown = sorted(set(map(str, data)) - {"allow", "deny"})
    if unknown:
        raise InputError(f"{name}: unknown key(s) {unknown}; use only `allow:` and `deny:`")
    allow = data.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(w, str) and w.strip() for w in allow):
        raise InputError(f"{name}: `allow:` must be a list of words, e.g. `allow: [NAV, Sol]`")
    return ProjectLists(tuple(w.strip() for w in allow), parse_deny(data.get("deny"), name))


def parse_deny(deny: object, name: str) -> tuple[tuple[str, str], ...]:
    """``deny:`` as a mapping word → kind, or a list of words (kind PERSON)."""
    if deny is None:
        return ()
    if isinstance(deny, list):
        deny = {word: DEFAULT_DENY_KIND for word in deny}
    if not isinstance(deny, dict):
        raise InputError(f"{name}: `deny:` must map words to kinds, e.g. `deny: {{Tora: PERSON}}`")
    pairs = []
    for word, kind in deny.items():
        if not isinstance(word, str) or not word.strip():
            raise InputError(f"{name}: `deny:` has an empty or non-text word ({word!r})")
        if kind not in KINDS:
            raise InputError(
                f"{name}: `deny:` gives {word!r} the kind {kind!r}; use one of {', '.join(KINDS)}"
            )
        pairs.append((word.strip(), str(kind)))
    return tuple(sorted(pairs))
