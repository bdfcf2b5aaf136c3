"""Codebooks as CSV, the format Taguette and several other tools exchange codebooks in.

One row per code: ``path`` (the labels from the top of the code tree down, separated by
``/``; a ``/`` inside a label is written ``\\/``), ``name`` (the label) and ``description``.
The export writes the description as the REFI-QDA export does (definition, then ``Short:``,
``When to use:`` … ``Code id:``; :func:`~thesis_analysis.refi.codebook.describe_code`), so that
importing the file again gives back the ids and fields. The import accepts Taguette's columns
too: the tree path in ``path`` or ``tag`` (else ``name``), and an optional ``description``; a
parent without a row of its own becomes a folder (not codable). The imported codes are turned
into codebook entries exactly as REFI-QDA codes are
(:func:`~thesis_analysis.refi.codebook.convert_codes`), and have no rules.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from thesis_analysis.codebook.model import Codebook, load_codebook
from thesis_analysis.codebook.validation import check_codebook_text
from thesis_analysis.errors import InputError
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.refi.codebook import convert_codes, describe_code, render_codebook_yaml
from thesis_analysis.refi.importer import check_targets
from thesis_analysis.refi.read import RefiCode
from thesis_analysis.writers import write_csv_atomic, write_text_atomic

CSV_COLUMNS = ["path", "name", "description"]
PATH_COLUMNS = ("path", "tag", "name")
SEPARATOR = re.compile(r"(?<!\\)/")


def escape_label(label: str) -> str:
    """A label as one part of a path (``/`` → ``\\/``)."""
    return label.replace("/", "\\/")


def split_path(path: str) -> list[str]:
    """The labels of a path, outer first (empty parts dropped, ``\\/`` → ``/``)."""
    parts = [part.strip().replace("\\/", "/") for part in SEPARATOR.split(path)]
    return [part for part in parts if part]


def codebook_to_csv_frame(codebook: Codebook) -> pd.DataFrame:
    """The codebook as a CSV table.

    Returns
    -------
    DataFrame with columns ``path`` (labels from the top, ``/``-separated), ``name`` (the
    label) and ``description`` (definition and fields, see the module docstring); one row per
    code, in codebook order.
    """
    rows = []
    for code in codebook.codes:
        labels, current = [], code
        while current is not None:
            labels.append(escape_label(current.label))
            current = codebook.get(current.parent) if current.parent else None
        rows.append(("/".join(reversed(labels)), code.label, describe_code(code)))
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def read_codebook_csv(path: Path) -> tuple[RefiCode, ...]:
    """Read a codebook CSV (``,``, ``;`` or tab separated; UTF-8) into a code tree.

    Raises
    ------
    InputError
        Naming the file and line: not UTF-8, no path column, an empty or repeated path.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror}") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    key = next((columns[c] for c in PATH_COLUMNS if c in columns), None)
    if key is None:
        raise InputError(
            f"{path}:1: no path column; name one column path, tag or name (the code tree, "
            "e.g. Styring/Målekort), optionally with name and description"
        )
    name_key, description_key = columns.get("name"), columns.get("description")
    tree: dict[tuple[str, ...], dict] = {}
    for row in reader:
        line = reader.line_num
        labels = split_path(row.get(key) or "")
        if not labels:
            raise InputError(f"{path}:{line}: empty {key}; write the code's path or drop the row")
        name = (row.get(name_key) or "").strip() if name_key and name_key != key else ""
        if name:
            labels[-1] = name
        for depth in range(1, len(labels)):
            tree.setdefault(tuple(labels[:depth]), {"codable": False, "description": ""})
        node = tree.get(tuple(labels))
        if node is not None and node.get("row"):
            raise InputError(
                f"{path}:{line}: code {'/'.join(labels)!r} repeats (line {node['row']}); "
                "keep one row per code"
            )
        description = (row.get(description_key) or "").strip() if description_key else ""
        tree[tuple(labels)] = {"codable": True, "description": description, "row": line}
    if not tree:
        raise InputError(f"{path}: the codebook has no codes; add one row per code")
    return build_tree(tree, ())


def build_tree(tree: dict[tuple[str, ...], dict], prefix: tuple[str, ...]) -> tuple[RefiCode, ...]:
    """The nodes directly below ``prefix``, in the order they first appear, as code trees."""
    codes = []
    for labels, node in tree.items():
        if len(labels) == len(prefix) + 1 and labels[: len(prefix)] == prefix:
            codes.append(
                RefiCode(
                    guid="/".join(escape_label(label) for label in labels),
                    name=labels[-1],
                    codable=node["codable"],
                    color=None,
                    description=node["description"],
                    children=build_tree(tree, labels),
                )
            )
    return tuple(codes)


def run_export_codebook_csv(root: Path, out: Path) -> str:
    """Export the codebook of the project at ``root`` as the CSV ``out``."""
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise InputError(f"{out}: the output file must end in .csv")
    frame = codebook_to_csv_frame(load_codebook(ProjectPaths(Path(root)).codebook))
    write_csv_atomic(out, frame)
    return f"wrote {out}: {len(frame)} codes (columns path, name, description)"


def run_import_codebook_csv(source: Path, into: Path, force: bool = False) -> str:
    """Import the codebook CSV ``source`` as ``into/codebook.yaml`` (checked before writing;
    an existing one only replaced with ``force``)."""
    source, into = Path(source), Path(into)
    codes = read_codebook_csv(source)
    entries, _ = convert_codes(codes, source.name)
    text = render_codebook_yaml(source.stem, entries, source.name)
    problems, _, _ = check_codebook_text(text, "codebook.yaml")
    if problems:
        raise InputError(f"{source}: the imported codebook is not valid:\n" + "\n".join(problems))
    check_targets(into, {"codebook.yaml": text}, force)
    write_text_atomic(into / "codebook.yaml", text)
    return (
        f"imported {len(entries)} codes from {source.name} → {into / 'codebook.yaml'} "
        "(no auto-coding rules: add them before `thesis-analysis code`)"
    )
