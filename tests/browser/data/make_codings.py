"""Write the coder files the browser tests start from: ``project/codings/{anna,bo}.csv``.

Run it again after changing the fixture's transcripts or codebook (the codings remember the
segment's hash and the codebook's hash)::

    .venv/bin/python tests/browser/data/make_codings.py

``anna`` is the coder the tests code as (one coding already there, which must survive);
``bo`` is another coder, whose file must stay byte-identical.
"""

from __future__ import annotations

from pathlib import Path

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.store import CodingStore
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.segments import segment_corpus
from thesis_analysis.paths import ProjectPaths

PROJECT = ProjectPaths(Path(__file__).parent / "project")
CODINGS = {
    "anna": [("VA1-t002-s02", "malforskyvning", "Tallene styrer arbeidet, ikke brukeren.")],
    "bo": [
        ("TA1-t004-s02", "holdning.positiv", ""),
        ("VA1-t004-s01", "tavlemote", "«tavlen» = tavlemøtet"),
    ],
}


def main() -> None:
    codebook = load_codebook(PROJECT.codebook, require_fixed_ids=False)
    segments = segment_corpus(load_corpus(PROJECT.transcripts), informants_only=True)
    for coder, rows in CODINGS.items():
        (PROJECT.codings / f"{coder}.csv").unlink(missing_ok=True)
        store = CodingStore(PROJECT.codings, coder, codebook, segments)
        for segment_id, code, memo in rows:
            store.add(segment_id, code, memo=memo)
        print(store.path)


if __name__ == "__main__":
    main()
