"""Build ``train.jsonl`` and ``versions.jsonl`` from the writers' parts, the two labelling
passes, the decisions, the review and the versions.

- ``parts/R*.jsonl``: the sentences as written, with the writer's labels (pass A);
- ``labels/pass_b*.jsonl``: a second coder's blind labels of the same sentences (pass B);
- ``labels/adjudicated*.jsonl``: a third coder's decision on every sentence where A and B
  differ;
- ``labels/review_a.jsonl``, ``labels/review_b.jsonl``: two reviewers' independent proposals of
  codes missing under ``CONVENTIONS.md`` (round 1's sentences with a theme and no stance): a
  proposed code is added where both reviewers propose it;
- ``versions/<kind>_*.jsonl``: our own versions of train sentences (see :func:`write_versions`).

A sentence's final codes are A's (= B's) where the passes agree and the adjudicated ones where
they differ, plus the additions both reviewers agree on; a sentence without pass B or without a
needed decision stops the build. The output is sorted by id and written with sorted code
lists, so the build is deterministic.
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


def read_agreed_additions(folder: Path) -> dict[str, set[str]]:
    """The codes both reviewers propose to add, per sentence id (empty without reviews)."""
    paths = [folder / "review_a.jsonl", folder / "review_b.jsonl"]
    if not all(p.is_file() for p in paths):
        return {}
    first, second = ({r["id"]: set(r["add"]) for r in read_jsonl(p)} for p in paths)
    agreed = {i: first[i] & second.get(i, set()) for i in first}
    added = sum(len(v) for v in agreed.values())
    print(f"review: {len(first)} sentences, {added} additions proposed by both reviewers")
    return {i: codes for i, codes in agreed.items() if codes}


def main() -> int:
    rows = {
        r["id"]: r for path in sorted((HERE / "parts").glob("R*.jsonl")) for r in read_jsonl(path)
    }
    second = read_codes(sorted((HERE / "labels").glob("pass_b*.jsonl")))
    decided = read_codes(sorted((HERE / "labels").glob("adjudicated*.jsonl")))
    first = {i: set(r["codes"]) for i, r in rows.items()}
    agreed = read_agreed_additions(HERE / "labels")
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
    final = {}
    with (HERE / "train.jsonl").open("w", encoding="utf-8", newline="\n") as out:
        for i in ids:
            row = dict(rows[i])
            row["codes"] = sorted(
                (first[i] if first[i] == second[i] else decided[i]) | agreed.get(i, set())
            )
            if row["kind"] == "nearmiss" and row["codes"]:
                row["kind"] = "debate"  # the decision gave codes to a planned near miss
            final[i] = row
            out.write(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    return write_versions(final)


def read_codes(paths: list[Path]) -> dict[str, set[str]]:
    """The codes per id of labelling files (a later file may not repeat an id)."""
    codes: dict[str, set[str]] = {}
    for path in paths:
        for row in read_jsonl(path):
            if row["id"] in codes:
                raise SystemExit(f"{path}: {row['id']} is labelled twice")
            codes[row["id"]] = set(row["codes"])
    return codes


def write_versions(final: dict[str, dict]) -> int:
    """Write ``versions.jsonl``: each sentence of ``versions/<kind>_*.jsonl`` — our own
    version of a train sentence in the other written standard (kind ``nb`` or ``nn``, id
    ``<original>~<lang>``) or our own paraphrase of it in the same standard (kind ``para``, id
    ``<original>~para``) — with its original's codes, provenance and kind."""
    versions = []
    for path in sorted((HERE / "versions").glob("*_*.jsonl")):
        kind = path.name.split("_")[0]
        for item in read_jsonl(path):
            original = final.get(item["id"])
            paraphrase = kind == "para"
            if original is None or (not paraphrase and original["lang"] == kind):
                print(f"{path}: {item['id']} is not a train sentence to make a {kind} version of",
                      file=sys.stderr)  # fmt: skip
                return 1
            lang = original["lang"] if paraphrase else kind
            row = dict(original, id=f"{item['id']}~{kind}", text=item["text"], lang=lang)
            versions.append({**{k: row[k] for k in FIELDS}, "of": item["id"]})
    if versions:
        versions.sort(key=lambda row: row["id"])
        with (HERE / "versions.jsonl").open("w", encoding="utf-8", newline="\n") as out:
            for row in versions:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(versions)} versions (other standard, paraphrases) → versions.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
