"""Turn planted_marked.txt into planted.jsonl (text, spans, kinds); run after editing it."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[\[(.+?)\|([A-Z]+)\]\]")


def convert_line(line: str) -> dict:
    """One ``id|lang|marked sentence`` line as a record with exact spans."""
    number, lang, marked = line.split("|", 2)
    text, spans, position = "", [], 0
    for match in MARK.finditer(marked):
        text += marked[position : match.start()]
        spans.append([len(text), len(text) + len(match.group(1)), match.group(2)])
        text += match.group(1)
        position = match.end()
    text += marked[position:]
    return {"id": int(number), "lang": lang, "text": text, "spans": spans}


def main() -> None:
    """Write planted.jsonl beside this script."""
    lines = (HERE / "planted_marked.txt").read_text(encoding="utf-8").splitlines()
    records = [convert_line(x) for x in lines if x.strip() and not x.startswith("#")]
    out = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (HERE / "planted.jsonl").write_text(out, encoding="utf-8")


if __name__ == "__main__":
    main()
