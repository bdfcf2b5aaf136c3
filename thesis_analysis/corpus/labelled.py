"""Labelled texts: sentences with their codes, one JSON object per line (``train.jsonl``,
``dev.jsonl``): ``id``, ``text``, ``codes`` and provenance (``source``, ``url``, ``lang``,
``kind``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from thesis_analysis.errors import InputError

TEXT_COLUMNS = ["id", "text", "source", "url", "lang", "kind"]
LABEL_COLUMNS = ["id", "code"]


@dataclass(frozen=True)
class LabelledTexts:
    """Texts and their codes, in file order.

    Attributes
    ----------
    texts : DataFrame with :data:`TEXT_COLUMNS`, one row per text (missing fields ``""``).
    labels : long DataFrame with :data:`LABEL_COLUMNS`, one row per text and code, sorted.
    """

    texts: pd.DataFrame
    labels: pd.DataFrame


def load_labelled_texts(path: Path, known_codes: set[str] | None = None) -> LabelledTexts:
    """Read a JSONL file of labelled texts.

    Parameters
    ----------
    path : the file; each line ``{"id": ..., "text": ..., "codes": [...], ...}``.
    known_codes : when given, every code must be one of these.

    Raises
    ------
    InputError : naming the file and line of a broken line, a duplicate id or an unknown code.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    texts, labels, seen = [], [], set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise InputError(f"{path}:{number}: needs an object with a text")
            ident = str(item.get("id", f"line{number}"))
            if ident in seen:
                raise InputError(f"{path}:{number}: the id {ident} is used twice")
            seen.add(ident)
            codes = item.get("codes", [])
            if not isinstance(codes, list):
                raise InputError(f"{path}:{number}: codes must be a list")
            unknown = sorted(set(codes) - known_codes) if known_codes is not None else []
            if unknown:
                raise InputError(f"{path}:{number}: unknown code(s) {', '.join(unknown)}")
            texts.append([ident] + [str(item.get(c, "")) for c in TEXT_COLUMNS[1:]])
            labels.extend((ident, str(code)) for code in sorted(set(codes)))
    frame = pd.DataFrame(texts, columns=TEXT_COLUMNS)
    long = pd.DataFrame(labels, columns=LABEL_COLUMNS).sort_values(LABEL_COLUMNS)
    return LabelledTexts(frame, long.reset_index(drop=True))
