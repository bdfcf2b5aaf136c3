"""The project file: ``project.yaml`` at a project's root, the study's own vocabulary.

The format is documented in ``docs/project-format.md``: a study's name, its written standard
(``nb`` or ``nn``), the interviewer's speaker label, the case variables every transcript carries
(each with its allowed values, or ``free``), the interview guide's sections and the code ids
the codebook must define. :func:`load_project_file` reads it with the line-aware safe loader of
:mod:`thesis_analysis.yaml_lines` and reports every problem with file, line and what to do.

A folder without ``project.yaml`` is the thesis project this toolkit grew out of: its settings
are the packaged ``templates/thesis-project.yaml``, the same as the thesis's own file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from thesis_analysis.errors import InputError
from thesis_analysis.yaml_lines import LineLoader, locate_item_line, locate_line

FILE_NAME = "project.yaml"
KEYS = ("name", "language", "interviewer", "case_variables", "sections", "required_codes")
REQUIRED_KEYS = ("name", "language", "interviewer", "case_variables")
LANGUAGES = ("nb", "nn")
FREE = "free"
RESERVED_VARIABLES = ("id", "source", "provenance", "section", "speaker", "informant")
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
SPEAKER_LABEL = re.compile(r"^[A-Za-zÆØÅæøå0-9_]{1,20}$")
SECTION_ID = re.compile(r"^[a-z0-9_]{1,40}$")
UNKNOWN_SECTION = "ukjent"
"""The section of turns before the first heading."""
HINT = "see docs/project-format.md"


@dataclass(frozen=True)
class CaseVariable:
    """A front-matter attribute of every transcript: its name and allowed values.

    ``values`` is ``None`` for a ``free`` variable (any value; a transcript may leave it out);
    otherwise every transcript must carry one of the values, and tables and figures group by
    it in this order.
    """

    name: str
    values: tuple[str, ...] | None

    @property
    def is_free(self) -> bool:
        """Whether any value is allowed."""
        return self.values is None


@dataclass(frozen=True)
class Section:
    """A part of the interview guide: the ``##`` heading and the id segments carry."""

    heading: str
    id: str


@dataclass(frozen=True)
class ProjectFile:
    """A project's settings (``project.yaml``); ``path`` is empty for the packaged default."""

    name: str
    language: str
    interviewer: str
    case_variables: tuple[CaseVariable, ...]
    sections: tuple[Section, ...] = ()
    required_codes: tuple[str, ...] = ()
    path: str = ""

    def list_variable_names(self) -> list[str]:
        """The case variables' names, in file order."""
        return [v.name for v in self.case_variables]

    def list_grouping_variables(self) -> list[str]:
        """The case variables with listed values (segment columns, code matrices), in order."""
        return [v.name for v in self.case_variables if not v.is_free]

    def get_variable(self, name: str) -> CaseVariable | None:
        """The case variable ``name``, or None."""
        return next((v for v in self.case_variables if v.name == name), None)

    def list_group_order(self, name: str) -> tuple[str, ...]:
        """The values of ``name`` in display order: listed values, or the section ids for
        ``section``; empty for a free or unknown variable."""
        if name == "section":
            return tuple(dict.fromkeys(s.id for s in self.sections))
        variable = self.get_variable(name)
        return variable.values if variable and variable.values else ()

    def map_section(self, heading: str) -> str:
        """The section id of a ``##`` heading: a declared section's id (case-insensitive),
        else an ascii slug of the heading."""
        key = " ".join(heading.split()).lower()
        for section in self.sections:
            if section.heading.lower() == key:
                return section.id
        return slugify_heading(key)

    def is_known_section(self, heading: str) -> bool:
        """Whether ``heading`` is declared (always true when no sections are declared)."""
        key = " ".join(heading.split()).lower()
        return not self.sections or any(s.heading.lower() == key for s in self.sections)

    def label_sections(self) -> dict[str, str]:
        """Section id → its heading as declared (the first heading of an id)."""
        labels: dict[str, str] = {}
        for section in self.sections:
            labels.setdefault(section.id, section.heading)
        return labels


def slugify_heading(heading: str) -> str:
    """An ascii id for a heading: lower case, æøå folded, other runs of characters ``_``."""
    folded = heading.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_") or UNKNOWN_SECTION


class Problems:
    """Problems of one file, rendered ``FILE:LINE: what — what to do``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, what: str, todo: str) -> None:
        """Record a problem at ``line``."""
        self.items.append((line, f"{self.name}:{line}: {what} — {todo}"))

    def raise_if_any(self) -> None:
        """Raise one :class:`InputError` listing every problem, sorted by line."""
        if self.items:
            listing = "\n".join(text for _, text in sorted(self.items, key=lambda i: i[0]))
            raise InputError(f"{len(self.items)} problem(s) in {self.name}:\n{listing}")


def parse_project_file(text: str, name: str = FILE_NAME) -> ProjectFile:
    """Parse and check the text of a project file.

    Raises
    ------
    InputError
        Listing every problem, each as ``NAME:LINE: what is wrong — what to do``.
    """
    problems = Problems(name)
    loader = LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        problems.add(mark.line + 1 if mark else 1, f"YAML syntax error: {what}", "fix the YAML")
        problems.raise_if_any()
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        problems.add(line, f"duplicate key {key!r}", "keep one of them")
    if not isinstance(data, dict):
        problems.add(locate_line(data), "not a mapping of keys", f"write key: value lines; {HINT}")
        problems.raise_if_any()
    for key in data:
        if key not in KEYS:
            problems.add(locate_line(data, key), f"unknown key {key!r}", f"use {', '.join(KEYS)}")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            problems.add(locate_line(data), f"missing {key}", f"add '{key}:'; {HINT}")
    settings = ProjectFile(
        name=check_text(problems, data, "name", "the study's title"),
        language=check_language(problems, data),
        interviewer=check_interviewer(problems, data),
        case_variables=check_variables(problems, data),
        sections=check_sections(problems, data),
        required_codes=check_codes(problems, data),
        path=name,
    )
    problems.raise_if_any()
    return settings


def check_text(problems: Problems, data: dict, key: str, what: str) -> str:
    """A required scalar text value."""
    value = data.get(key)
    if value is not None and not isinstance(value, str | int | float):
        problems.add(locate_line(data, key), f"{key} must be text", f"write {what}")
        return ""
    return "" if value is None else str(value).strip()


def check_language(problems: Problems, data: dict) -> str:
    """``nb`` or ``nn``."""
    value = check_text(problems, data, "language", "nb or nn")
    if value and value not in LANGUAGES:
        todo = "use nb (bokmål) or nn (nynorsk); texts may mix the two"
        problems.add(locate_line(data, "language"), f"unknown language {value!r}", todo)
    return value


def check_interviewer(problems: Problems, data: dict) -> str:
    """The interviewer's speaker label."""
    value = check_text(problems, data, "interviewer", "the interviewer's speaker label")
    if value and not SPEAKER_LABEL.match(value):
        todo = "use 1-20 letters, digits or _ as in the transcripts' 'LABEL:' (e.g. I)"
        problems.add(locate_line(data, "interviewer"), f"interviewer {value!r} is no label", todo)
    return value


def check_variables(problems: Problems, data: dict) -> tuple[CaseVariable, ...]:
    """The ``case_variables`` mapping: name → list of values or ``free``."""
    raw = data.get("case_variables")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        todo = "write 'case_variables:' followed by 'name: [value, …]' or 'name: free' lines"
        problems.add(locate_line(data, "case_variables"), "case_variables is not a mapping", todo)
        return ()
    variables = []
    for key, value in raw.items():
        line = locate_line(raw, key)
        name = str(key)
        if not VARIABLE_NAME.match(name) or name in RESERVED_VARIABLES:
            todo = "use lower-case letters, digits and _ (not " + ", ".join(RESERVED_VARIABLES)
            problems.add(line, f"case variable name {name!r} cannot be used", todo + ")")
            continue
        if value == FREE:
            variables.append(CaseVariable(name, None))
            continue
        values = check_values(problems, name, value, line)
        if values:
            variables.append(CaseVariable(name, values))
    return tuple(variables)


def check_values(problems: Problems, name: str, value: Any, line: int) -> tuple[str, ...]:
    """The allowed values of one case variable (a non-empty list of distinct scalars)."""
    if not isinstance(value, list) or not value:
        todo = f"write '{name}: [value, …]' or '{name}: free'"
        problems.add(line, f"case variable {name!r} has no list of values", todo)
        return ()
    values: list[str] = []
    for index, item in enumerate(value):
        at = locate_item_line(value, index, line)
        if isinstance(item, dict | list) or item in (None, ""):
            problems.add(at, f"value {item!r} of {name!r} is not a word", "write plain values")
        elif str(item) in values:
            problems.add(at, f"value {item!r} of {name!r} repeats", "list each value once")
        else:
            values.append(str(item))
    return tuple(values)


def check_sections(problems: Problems, data: dict) -> tuple[Section, ...]:
    """The optional ``sections`` list: ``Heading`` or ``Heading: id`` items."""
    raw = data.get("sections")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        todo = "write 'sections:' followed by '- Heading' or '- Heading: id' lines"
        problems.add(locate_line(data, "sections"), "sections is not a list", todo)
        return ()
    sections: list[Section] = []
    for index, item in enumerate(raw):
        at = locate_item_line(raw, index, locate_line(raw))
        if isinstance(item, dict) and len(item) == 1:
            heading, section_id = next(iter(item.items()))
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            heading, section_id = item, slugify_heading(str(item))
        else:
            problems.add(
                at, f"section {item!r} is not a heading", "write '- Heading' or '- Heading: id'"
            )
            continue
        if not str(heading).strip() or not SECTION_ID.match(str(section_id)):
            todo = "a heading as in the transcripts' '## …' lines; an id of a-z, 0-9 and _"
            problems.add(at, f"section {item!r} cannot be used", todo)
            continue
        heading = " ".join(str(heading).split())
        if any(s.heading.lower() == heading.lower() for s in sections):
            problems.add(at, f"section {heading!r} repeats", "list each heading once")
            continue
        sections.append(Section(heading, str(section_id)))
    return tuple(sections)


def check_codes(problems: Problems, data: dict) -> tuple[str, ...]:
    """The optional ``required_codes`` list of code ids."""
    raw = data.get("required_codes")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        todo = "write 'required_codes: [id, …]' with the codebook's code ids, or leave it out"
        problems.add(
            locate_line(data, "required_codes"), "required_codes is not a list of ids", todo
        )
        return ()
    return tuple(dict.fromkeys(c.strip() for c in raw))


def read_project_text(path: Path) -> str:
    """The text of a project file; InputError if it cannot be read as UTF-8."""
    try:
        return Path(path).read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}:1: not UTF-8 (byte {exc.start}) — save it as UTF-8") from None


@cache
def load_default_project_file() -> ProjectFile:
    """The settings of a folder without ``project.yaml``: the thesis project's (packaged)."""
    source = resources.files("thesis_analysis") / "templates" / "thesis-project.yaml"
    return parse_project_file(source.read_text(encoding="utf-8"), "thesis-project.yaml")


def load_project_file(root: Path) -> ProjectFile:
    """The settings of the project at ``root``: its ``project.yaml``, else the default.

    Raises
    ------
    InputError
        If ``project.yaml`` exists but is malformed (every problem with its line).
    """
    path = Path(root) / FILE_NAME
    if not path.is_file():
        return load_default_project_file()
    return parse_project_file(read_project_text(path), str(path))
