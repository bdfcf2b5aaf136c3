"""Build ``train.jsonl`` from the writers' parts and the two labelling passes.

- ``parts/R*.jsonl``: the sentences as written, with the writer's labels (pass A);
- ``labels/pass_b.jsonl``: a second coder's blind labels of the same sentences (pass B);
- ``labels/adjudicated.jsonl``: a third coder's decision on every sentence where A and B differ.

A sentence's final codes are A's (= B's) where the passes agree and the adjudicated ones where
they differ; a sentence without pass B or without a needed decision stops the build. The
output is sorted by id and written with sorted code lists, so the build is deterministic.
Run from the repository root: ``python data/realtext/build_train.py``; it prints the agreement
between the passes (per code F1, macro over themes and stance).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
THEMES = (
    "npm", "styring", "malforskyvning", "malkonflikt", "stat_kommune", "kvalitet_kvantitet",
    "subkultur", "rapportering",
)  # fmt: skip
STANCE = ("holdning.kritisk", "holdning.positiv")
FIELDS = ("id", "text", "codes", "source", "url", "lang", "kind")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def compute_f1(ids: list[str], first: dict, second: dict, code: str) -> float:
    tp = sum(code in first[i] and code in second[i] for i in ids)
    wrong = sum((code in first[i]) != (code in second[i]) for i in ids)
    return 2 * tp / (2 * tp + wrong) if tp + wrong else float("nan")


def main() -> int:
    rows = {
        r["id"]: r for path in sorted((HERE / "parts").glob("R*.jsonl")) for r in read_jsonl(path)
    }
    second = {r["id"]: set(r["codes"]) for r in read_jsonl(HERE / "labels" / "pass_b.jsonl")}
    decided = {r["id"]: set(r["codes"]) for r in read_jsonl(HERE / "labels" / "adjudicated.jsonl")}
    first = {i: set(r["codes"]) for i, r in rows.items()}
    missing = sorted(set(rows) - set(second))
    undecided = sorted(
        i for i in rows if i in second and first[i] != second[i] and i not in decided
    )
    if missing or undecided:
        print(f"no pass B for {missing[:5]}…; no decision for {undecided[:5]}…", file=sys.stderr)
        return 1
    ids = sorted(rows)
    for name, codes in (("themes", THEMES), ("stance", STANCE)):
        scores = {c: compute_f1(ids, first, second, c) for c in codes}
        macro = sum(scores.values()) / len(scores)
        print(f"{name}: macro-F1 between the passes {macro:.3f}")
        print("  " + ", ".join(f"{c} {v:.2f}" for c, v in scores.items()))
    differ = sum(first[i] != second[i] for i in ids)
    print(
        f"{len(ids)} sentences; the passes differ on {differ} ({differ / len(ids):.0%});"
        " those were adjudicated"
    )
    with (HERE / "train.jsonl").open("w", encoding="utf-8", newline="\n") as out:
        for i in ids:
            row = dict(rows[i])
            row["codes"] = sorted(first[i] if first[i] == second[i] else decided[i])
            if row["kind"] == "nearmiss" and row["codes"]:
                row["kind"] = "debate"  # the decision gave codes to a planned near miss
            out.write(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
