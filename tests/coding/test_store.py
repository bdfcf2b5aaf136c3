"""Coding by hand from Python (thesis_analysis.coding.store.CodingStore).

tests/coding/test_files.py covers the round trip of a session and two stores of one coder;
here the store's refusals, reloading and what it writes for one coding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import (
    CODING_COLUMNS,
    SNIPPET_LENGTH,
    load_coder_file,
    save_coder_file,
)
from thesis_analysis.coding.store import CodingStore
from thesis_analysis.errors import InputError

STORE = Path(__file__).parents[1] / "data" / "store"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(STORE / "codebook.yaml", require_fixed_ids=False)


@pytest.fixture
def segments() -> pd.DataFrame:
    return pd.read_csv(STORE / "segments.csv", keep_default_na=False)


@pytest.mark.parametrize("coder", ["", "anna bo", "anna.csv", "../anna", "å", "x" * 41])
def test_a_coder_must_be_a_safe_file_name(tmp_path: Path, codebook, segments, coder: str) -> None:
    with pytest.raises(InputError) as caught:
        CodingStore(tmp_path, coder, codebook, segments)
    assert str(caught.value).startswith(f"coder {coder!r}: use 1-40 letters, digits, _ or -")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("coder", ["anna", "A-2", "bo_1", "x" * 40])
def test_valid_coder_names_give_their_file(tmp_path: Path, codebook, segments, coder) -> None:
    store = CodingStore(tmp_path / "codings", coder, codebook, segments)
    assert store.path == tmp_path / "codings" / f"{coder}.csv"
    assert store.list().empty and list(store.list().columns) == CODING_COLUMNS
    assert not (tmp_path / "codings").exists()  # nothing is written before a change


def test_duplicate_segment_ids_are_refused(tmp_path: Path, codebook, segments) -> None:
    doubled = pd.concat([segments, segments.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match="duplicate segment ids; segment it again"):
        CodingStore(tmp_path, "anna", codebook, doubled)


def test_an_existing_file_is_read_and_checked(tmp_path: Path, codebook, segments) -> None:
    (tmp_path / "anna.csv").write_bytes((STORE / "codings" / "anna.csv").read_bytes())
    store = CodingStore(tmp_path, "anna", codebook, segments)
    assert len(store.list()) == 7
    assert store.codes_of("TL9-t004-s02") == {"malforskyvning.telling"}
    assert store.list(segment_id="V9-t004-s01", code="tavlemote")["memo"].tolist() == [""]
    assert store.list(code="malforskyvning")["segment_id"].tolist() == [
        "TL9-t005-s01",
        "V9-t002-s02",
    ]
    assert store.list(segment_id="TL9-t001-s01").empty
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "anna.csv").write_text(
        "segment_id,code,coder\nTL9-t004-s01,ukjent,anna\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        CodingStore(tmp_path / "bad", "anna", codebook, segments)
    assert f"{tmp_path / 'bad' / 'anna.csv'}:2: code 'ukjent' is not in the codebook" in str(
        caught.value
    )


def test_a_new_coding_takes_its_fields_from_the_segment(tmp_path: Path, codebook) -> None:
    long_text = "Målstyring " * 20
    segments = pd.DataFrame(
        {
            "segment_id": ["Z1-t002-s01"],
            "text": [long_text],
            "start": [40],
            "end": [40 + len(long_text)],
            "segment_hash": ["abcdef0123456789"],
        }
    )
    store = CodingStore(tmp_path, "anna", codebook, segments)
    assert store.add("Z1-t002-s01", "tavlemote", memo="linje 1\r\nlinje 2")
    row = load_coder_file(tmp_path / "anna.csv", codebook).iloc[0]
    assert row["snippet"] == long_text[:SNIPPET_LENGTH] and len(row["snippet"]) == 120
    assert (row["start"], row["end"]) == (40, 40 + len(long_text))
    assert row["segment_hash"] == "abcdef0123456789" and row["coder"] == "anna"
    assert row["memo"] == "linje 1\nlinje 2"
    assert (row["rule"], row["evidence"]) == ("", "")
    assert pd.isna(row["evidence_start"]) and pd.isna(row["evidence_end"])
    assert row["codebook"] == codebook.short_hash()


@pytest.mark.parametrize(
    ("segment_id", "code", "words"),
    [
        ("TL9-t004-s01", "Tavlemote", "code 'Tavlemote' is not in the codebook; add it to"),
        ("TL9-t004-s01", "holdning", "code 'holdning' is a grouping node; code one of its"),
        ("TL9-t004-s09", "tavlemote", "segment 'TL9-t004-s09' is not in the segments table"),
    ],
)
def test_refused_additions_write_nothing(
    tmp_path: Path, codebook, segments, segment_id: str, code: str, words: str
) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    with pytest.raises(InputError, match=words):
        store.add(segment_id, code)
    assert list(tmp_path.iterdir()) == []


def test_removing_what_is_not_there_writes_nothing(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    assert not store.remove("TL9-t004-s01", "tavlemote")
    assert not store.remove("TL9-t004-s01", "ukjent")  # remove does not check the code
    assert list(tmp_path.iterdir()) == []


def test_an_unchanged_memo_does_not_rewrite_the_file(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    store.add("TL9-t004-s01", "tavlemote", memo="mandag")
    path = tmp_path / "anna.csv"
    before = path.stat()
    store.set_memo("TL9-t004-s01", "tavlemote", "mandag")
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    store.set_memo("TL9-t004-s01", "tavlemote", "tirsdag\r\nog onsdag")
    assert load_coder_file(path)["memo"].tolist() == ["tirsdag\nog onsdag"]


def test_set_memo_on_a_missing_coding_names_the_file(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "bo", codebook, segments)
    with pytest.raises(InputError) as caught:
        store.set_memo("TL9-t004-s01", "tavlemote", "x")
    assert str(caught.value) == (
        f"{tmp_path / 'bo.csv'}: segment TL9-t004-s01 has no code 'tavlemote'; add the code first"
    )


def test_a_file_replaced_by_another_process_is_read_again(
    tmp_path: Path, codebook, segments
) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    store.add("TL9-t004-s01", "tavlemote")
    other = CodingStore(tmp_path, "anna", codebook, segments)
    other.add("V9-t004-s01", "tavlemote")
    assert store.codes_of("V9-t004-s01") == {"tavlemote"}  # read again before answering
    assert len(store.list()) == 2


def test_a_deleted_file_empties_the_store(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    store.add("TL9-t004-s01", "tavlemote")
    os.remove(tmp_path / "anna.csv")
    assert store.list().empty
    assert store.add("TL9-t004-s01", "tavlemote")  # not a duplicate any more


def test_reload_reads_an_edit_made_in_place(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    store.add("TL9-t004-s01", "tavlemote")
    frame = load_coder_file(tmp_path / "anna.csv").assign(memo="redigert")
    save_coder_file(tmp_path / "anna.csv", frame, codebook)
    store.reload()
    assert store.list()["memo"].tolist() == ["redigert"]


def test_stale_lists_codings_of_changed_segments(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path, "anna", codebook, segments)
    store.add("TL9-t004-s03", "holdning.positiv")
    store.add("V9-t002-s01", "holdning.positiv")
    assert store.stale().empty
    changed = segments.copy()
    changed.loc[changed["segment_id"] == "TL9-t004-s03", "segment_hash"] = "ny"
    changed = changed[changed["segment_id"] != "V9-t002-s01"]
    reopened = CodingStore(tmp_path, "anna", codebook, changed)
    assert reopened.stale()[["segment_id", "status"]].values.tolist() == [
        ["TL9-t004-s03", "changed"],
        ["V9-t002-s01", "missing"],
    ]
    assert len(reopened.list()) == 2  # stale codings are kept
