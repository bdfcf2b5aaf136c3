"""Tests of the coding store: file format, refusals, a killed writer, stale codings, merging."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import (
    CODING_COLUMNS,
    load_coder_file,
    load_codings,
    normalise_codings,
    save_coder_file,
)
from thesis_analysis.coding.review import (
    ADJUDICATED,
    STALE_COLUMNS,
    find_stale_codings,
    merge_coders,
)
from thesis_analysis.coding.store import CodingStore
from thesis_analysis.errors import InputError

STORE = Path(__file__).parents[1] / "data" / "store"
KILL_ROUNDS = 6
WRITER_ROWS = 20_000


def load_store_codebook(path: Path = STORE / "codebook.yaml"):
    """The fixture codebook of tests/data/store (without the project's fixed ids)."""
    return load_codebook(path, require_fixed_ids=False)


def read_fixture_segments() -> pd.DataFrame:
    """The segments of tests/data/store/transcripts (as segment_corpus made them)."""
    return pd.read_csv(STORE / "segments.csv", keep_default_na=False)


@pytest.fixture
def codebook():
    return load_store_codebook()


@pytest.fixture
def segments() -> pd.DataFrame:
    return read_fixture_segments()


def write_lines(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


HEADER = ",".join(CODING_COLUMNS)


def make_row(segment_id: str, code: str, coder: str = "anna", memo: str = "") -> str:
    return f"{segment_id},{code},{coder},0,10,tekst,{memo},abc,,,,,,,h"


# --- format -------------------------------------------------------------------------------


def test_fixture_file_round_trips_byte_for_byte(tmp_path: Path, codebook) -> None:
    original = STORE / "codings" / "anna.csv"
    frame = load_coder_file(original, codebook)
    assert list(frame.columns) == CODING_COLUMNS
    assert frame["start"].dtype == "Int64" and frame["evidence_start"].isna().all()
    save_coder_file(tmp_path / "anna.csv", frame, codebook)
    assert (tmp_path / "anna.csv").read_bytes() == original.read_bytes()
    pd.testing.assert_frame_equal(load_coder_file(tmp_path / "anna.csv"), frame)


def test_awkward_text_round_trips_sorted_with_lf(tmp_path: Path) -> None:
    auto = load_coder_file(STORE / "codings" / "auto.csv")
    frame = auto.assign(
        coder="anna", memo=['«sitat», "quoted"\nnew line', "=1+1", "", "æøå", " ", ","]
    )
    path = tmp_path / "anna.csv"
    save_coder_file(path, frame.iloc[::-1])
    raw = path.read_bytes()
    assert b"\r" not in raw
    loaded = load_coder_file(path)
    pd.testing.assert_frame_equal(loaded, normalise_codings(frame))
    assert list(loaded["segment_id"]) == sorted(loaded["segment_id"])


def test_unknown_code_refused_with_file_line_and_advice(tmp_path: Path, codebook) -> None:
    path = write_lines(
        tmp_path / "anna.csv",
        HEADER,
        make_row("TL9-t004-s01", "tavlemote"),
        make_row("TL9-t004-s02", "telling"),
        make_row("TL9-t004-s03", "holdning"),
    )
    with pytest.raises(InputError) as error:
        load_coder_file(path, codebook)
    message = str(error.value)
    assert f"{path}:3: code 'telling' is not in the codebook" in message
    assert "add it to codebook.yaml" in message
    assert f"{path}:4: code 'holdning' is a grouping node" in message
    assert "holdning.kritisk, holdning.positiv" in message
    load_coder_file(path)  # without a codebook only the structure is checked


def test_store_refuses_unknown_code_and_segment(tmp_path: Path, codebook, segments) -> None:
    store = CodingStore(tmp_path / "codings", "anna", codebook, segments)
    with pytest.raises(InputError, match="'telling' is not in the codebook"):
        store.add("TL9-t004-s01", "telling")
    with pytest.raises(InputError, match="grouping node"):
        store.add("TL9-t004-s01", "holdning")
    with pytest.raises(InputError, match="'TL9-t099-s01' is not in the segments table"):
        store.add("TL9-t099-s01", "tavlemote")
    with pytest.raises(InputError, match="add the code first"):
        store.set_memo("TL9-t004-s01", "tavlemote", "memo")
    assert not (tmp_path / "codings").exists()


def test_bad_rows_are_listed_with_lines(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "anna.csv",
        HEADER,
        make_row("TL9-t004-s01", "tavlemote", memo='"two\nlines"'),
        make_row("TL9-t004-s01", "tavlemote"),
        make_row("TL9 t4 s1", "tavlemote"),
        make_row("TL9-t004-s02", "tavlemote", coder="bo"),
        "TL9-t004-s03,tavlemote,anna,x,10,tekst,,abc,,,,,,,h",
    )
    with pytest.raises(InputError) as error:
        load_coder_file(path)
    message = str(error.value)
    assert f"{path}:7: start 'x' is not a whole number" in message
    with pytest.raises(InputError) as error:
        load_coder_file(write_lines(path, *path.read_text().splitlines()[:-1]))
    message = str(error.value)
    assert f"{path}:4: segment TL9-t004-s01 has code 'tavlemote' twice (also {path}:2)" in message
    assert f"{path}:5: segment id 'TL9 t4 s1'" in message
    assert f"{path}:6: coder 'bo' does not match the file name 'anna'" in message


def test_unknown_segment_ids_reported_when_segments_given(tmp_path: Path, segments) -> None:
    path = write_lines(
        tmp_path / "anna.csv",
        HEADER,
        make_row("TL9-t004-s01", "tavlemote"),
        make_row("TL9-t099-s01", "tavlemote"),
    )
    with pytest.raises(InputError) as error:
        load_coder_file(path, segments=segments)
    message = str(error.value)
    assert f"{path}:3: segment 'TL9-t099-s01' is not in the segments table" in message
    assert "find_stale_codings" in message
    assert len(load_coder_file(path)) == 2  # without segments: loaded, for the stale report


def test_non_utf8_file_named_with_line(tmp_path: Path) -> None:
    path = tmp_path / "anna.csv"
    path.write_bytes(
        (HEADER + "\n" + make_row("TL9-t004-s01", "tavlemote", memo="møte")).encode("cp1252")
    )
    with pytest.raises(InputError, match=rf"{path}:2: not UTF-8"):
        load_coder_file(path)


def test_coder_must_match_the_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "codings"
    folder.mkdir()
    shutil.copy(STORE / "codings" / "anna.csv", folder / "carl.csv")
    with pytest.raises(InputError, match=r"carl\.csv:2: coder 'anna' does not match"):
        load_codings(folder)


def test_empty_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        load_coder_file(write_lines(tmp_path / "anna.csv", ""))
    with pytest.raises(InputError, match="anna.csv:1: no column segment_id, code"):
        load_coder_file(write_lines(tmp_path / "anna.csv", "unit,coder,value"))
    with pytest.raises(InputError, match="anna.csv:1: unknown column value"):
        load_coder_file(write_lines(tmp_path / "anna.csv", "segment_id,code,coder,value"))
    with pytest.raises(InputError, match="columns must be exactly"):
        save_coder_file(tmp_path / "bo.csv", pd.DataFrame({"segment_id": ["x"]}))
    header_only = load_coder_file(write_lines(tmp_path / "anna.csv", HEADER))
    assert header_only.empty and list(header_only.columns) == CODING_COLUMNS


def test_load_codings_reads_only_coder_files(tmp_path: Path) -> None:
    folder = tmp_path / "codings"
    shutil.copytree(STORE / "codings", folder)
    write_lines(folder / "anna.rejected.csv", "segment_id,code,rule,segment_hash")
    write_lines(folder / ".anna.csv.k2j3.tmp", HEADER, make_row("TL9-t0", "half"))
    (folder / ".bo.csv.x9.tmp").write_bytes(b"segment_id,co")
    codings = load_codings(folder)
    assert sorted(codings["coder"].unique()) == ["anna", "auto", "bo"]
    assert len(codings) == 7 + 6 + 7
    assert list(codings.columns) == CODING_COLUMNS


# --- the store ----------------------------------------------------------------------------


def test_store_saves_every_change_at_once(tmp_path: Path, codebook, segments) -> None:
    folder = tmp_path / "codings"
    store = CodingStore(folder, "anna", codebook, segments)
    assert store.add("TL9-t004-s03", "holdning.positiv", memo="nyttig\r\nå se")
    on_disk = load_coder_file(folder / "anna.csv", codebook)
    row = on_disk.iloc[0]
    assert (row["start"], row["end"], row["snippet"]) == (257, 284, "Det er nyttig å se tallene.")
    assert row["segment_hash"] == "84c6955a1f25a879" and row["memo"] == "nyttig\nå se"
    assert row["codebook"] == codebook.short_hash() and row["rule"] == ""
    assert not store.add("TL9-t004-s03", "holdning.positiv")
    store.add("TL9-t004-s01", "tavlemote")
    store.set_memo("TL9-t004-s01", "tavlemote", "mandag")
    on_disk = load_coder_file(folder / "anna.csv", codebook)
    assert list(on_disk["segment_id"]) == ["TL9-t004-s01", "TL9-t004-s03"]
    assert on_disk["memo"].tolist() == ["mandag", "nyttig\nå se"]
    assert store.codes_of("TL9-t004-s01") == {"tavlemote"}
    assert len(store.list(code="tavlemote")) == 1 and len(store.list()) == 2
    assert store.remove("TL9-t004-s01", "tavlemote")
    assert not store.remove("TL9-t004-s01", "tavlemote")
    assert load_coder_file(folder / "anna.csv")["segment_id"].tolist() == ["TL9-t004-s03"]
    assert sorted(p.name for p in folder.iterdir()) == ["anna.csv"]


def test_two_stores_of_one_coder_do_not_undo_each_other(tmp_path: Path, codebook, segments) -> None:
    first = CodingStore(tmp_path, "anna", codebook, segments)
    second = CodingStore(tmp_path, "anna", codebook, segments)
    first.add("TL9-t004-s01", "tavlemote")
    second.add("V9-t004-s01", "tavlemote")
    first.set_memo("V9-t004-s01", "tavlemote", "sett av den andre")
    saved = load_coder_file(tmp_path / "anna.csv")
    assert saved["segment_id"].tolist() == ["TL9-t004-s01", "V9-t004-s01"]
    assert saved["memo"].tolist() == ["", "sett av den andre"]


# --- a writer killed mid-save -------------------------------------------------------------


def build_version(version: int) -> pd.DataFrame:
    """A large coding table; every row names the version it belongs to."""
    rows = [
        {
            "segment_id": f"TL1-t{i // 10 + 1:04d}-s{i % 10 + 1:02d}",
            "code": "tavlemote",
            "coder": "big",
            "start": i * 100,
            "end": i * 100 + 80,
            "snippet": f"Setning {i}: vi har tavlemøte hver mandag, og «alle» teller.",
            "memo": f"version {version}\nrad {i}, med komma",
            "segment_hash": f"{version:08d}{i:08d}",
            "rule": "",
            "evidence": "",
            "evidence_start": None,
            "evidence_end": None,
            "codebook": "h",
        }
        for i in range(WRITER_ROWS)
    ]
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


class SlowDiskFile:
    """A file handle that writes in 256 KiB chunks, 10 ms apart, announcing each save.

    Installed in the writer process only (fault injection: a slow disk), so that a kill can
    land while a save is half written.
    """

    def __init__(self, handle) -> None:
        self.handle = handle

    def write(self, data: bytes) -> int:
        print("writing", flush=True)
        for offset in range(0, len(data), 1 << 18):
            self.handle.write(data[offset : offset + (1 << 18)])
            self.handle.flush()
            time.sleep(0.01)
        return len(data)

    def __getattr__(self, name: str):
        return getattr(self.handle, name)

    def __enter__(self) -> SlowDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.__exit__(*exc)


def run_writer(path: str, first_version: int) -> None:
    """Save ever newer versions until killed (run in a child process)."""
    import os

    real_fdopen = os.fdopen
    os.fdopen = lambda fd, *args, **kwargs: SlowDiskFile(real_fdopen(fd, *args, **kwargs))
    version = first_version
    while True:
        save_coder_file(Path(path), build_version(version))
        print(f"saved {version}", flush=True)
        version += 1


CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("codings_test_child", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.run_writer(sys.argv[2], int(sys.argv[3]))
"""


def read_until(child: subprocess.Popen, prefix: str) -> None:
    """Read the child's output up to a line starting with ``prefix``."""
    while not (line := child.stdout.readline()).startswith(prefix):
        assert line, f"the writer died: {child.stderr.read()}"


def test_killed_writer_never_leaves_a_partial_file(tmp_path: Path) -> None:
    # Each round: wait for one complete save, then SIGKILL the writer at a seeded random
    # moment: in odd rounds within 0.1 s of the start of a save's write (it takes >= 0.13 s,
    # so the kill lands mid-write), in even rounds anywhere within the next second.
    folder = tmp_path / "codings"
    path = folder / "big.csv"
    save_coder_file(path, build_version(0))
    full_size = path.stat().st_size
    rng = random.Random(20240607)
    seen = [0]
    for round_ in range(1, KILL_ROUNDS + 1):
        left_before = set(folder.glob(".big.csv.*.tmp"))
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, __file__, str(path), str(round_ * 1000)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            read_until(child, "saved")
            if round_ % 2:
                read_until(child, "writing")
                time.sleep(rng.uniform(0.0, 0.1))
            else:
                time.sleep(rng.uniform(0.0, 1.0))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        on_disk = load_coder_file(path)
        version = int(on_disk["memo"].iloc[0].split()[1])
        assert version >= round_ * 1000
        pd.testing.assert_frame_equal(on_disk, normalise_codings(build_version(version)))
        pd.testing.assert_frame_equal(load_codings(folder), on_disk)
        leftovers = set(folder.glob(".big.csv.*.tmp")) - left_before
        if round_ % 2:  # a half-written temporary file, ignored by the loaders above
            assert [p for p in leftovers if p.stat().st_size < full_size]
        seen.append(version)
    assert seen == sorted(seen)
    assert [p.name for p in folder.glob("*.csv")] == ["big.csv"]


# --- stale codings ------------------------------------------------------------------------


def test_edited_transcript_shows_up_as_stale_codings(tmp_path: Path, codebook) -> None:
    from thesis_analysis.corpus.loading import load_corpus
    from thesis_analysis.corpus.segments import segment_corpus

    transcripts = tmp_path / "transcripts"
    shutil.copytree(STORE / "transcripts", transcripts)
    segments = segment_corpus(load_corpus(transcripts), informants_only=True)
    folder = tmp_path / "codings"
    store = CodingStore(folder, "anna", codebook, segments)
    store.add("TL9-t004-s01", "tavlemote")
    store.add("TL9-t004-s03", "holdning.positiv", memo="positiv")
    store.add("TL9-t005-s02", "holdning.kritisk")
    store.add("V9-t004-s01", "tavlemote")
    assert store.stale().empty

    tl9 = transcripts / "TL9.md"
    text = tl9.read_text(encoding="utf-8")
    text = text.replace("Det er nyttig å se tallene.", "Det er slitsomt å se tallene.")
    text = text.replace(" Da ser jeg ikke poenget.", "")
    tl9.write_text(text, encoding="utf-8")
    new_segments = segment_corpus(load_corpus(transcripts), informants_only=True)

    stale = find_stale_codings(load_codings(folder), new_segments)
    assert list(stale.columns) == STALE_COLUMNS
    assert stale.to_dict("records") == [
        {
            "coder": "anna",
            "segment_id": "TL9-t004-s03",
            "code": "holdning.positiv",
            "status": "changed",
            "old_snippet": "Det er nyttig å se tallene.",
            "new_text": "Det er slitsomt å se tallene.",
        },
        {
            "coder": "anna",
            "segment_id": "TL9-t005-s02",
            "code": "holdning.kritisk",
            "status": "missing",
            "old_snippet": "Da ser jeg ikke poenget.",
            "new_text": "",
        },
    ]
    # Nothing is dropped or moved: a store on the new segments keeps and reports them.
    reopened = CodingStore(folder, "anna", codebook, new_segments)
    reopened.add("TL9-t005-s01", "malforskyvning")
    assert len(load_coder_file(folder / "anna.csv")) == 5
    pd.testing.assert_frame_equal(reopened.stale(), stale)


def test_codings_without_hash_are_checked_for_missing_segments_only(segments) -> None:
    codings = load_coder_file(STORE / "codings" / "bo.csv").assign(segment_hash="")
    codings.loc[0, "segment_id"] = "TL9-t009-s01"
    stale = find_stale_codings(codings, segments)
    assert stale[["segment_id", "status"]].values.tolist() == [["TL9-t009-s01", "missing"]]


# --- merging ------------------------------------------------------------------------------


def test_merge_two_coders(tmp_path: Path, codebook, segments) -> None:
    codings = load_codings(STORE / "codings", codebook)
    adjudicated, disagreements = merge_coders(codings, ["anna", "bo"], segments)
    assert set(adjudicated["coder"]) == {ADJUDICATED}
    assert adjudicated[["segment_id", "code"]].values.tolist() == [
        ["TL9-t004-s01", "tavlemote"],
        ["TL9-t004-s03", "holdning.positiv"],
        ["TL9-t005-s01", "malforskyvning"],
        ["TL9-t005-s02", "holdning.kritisk"],
        ["V9-t004-s01", "tavlemote"],
    ]
    memo = adjudicated.set_index("segment_id").loc["TL9-t005-s02", "memo"]
    assert memo == "anna: tydelig kritikk, med komma"
    assert disagreements.values.tolist() == [
        [
            "TL9-t004-s02",
            "malforskyvning",
            "bo",
            "anna",
            "Der setter vi strek for hver oppfølging.",
        ],
        [
            "TL9-t004-s02",
            "malforskyvning.telling",
            "anna",
            "bo",
            "Der setter vi strek for hver oppfølging.",
        ],
        ["V9-t002-s02", "malforskyvning", "anna", "bo", "Men vi jobber mest for å få tallene opp."],
        ["V9-t002-s03", "holdning.kritisk", "bo", "anna", "Brukeren kommer i andre rekke."],
    ]
    save_coder_file(tmp_path / "adjudicated.csv", adjudicated, codebook)
    assert len(load_coder_file(tmp_path / "adjudicated.csv", codebook)) == 5


def test_merge_three_coders_orders_coders_as_given(codebook, segments) -> None:
    codings = load_codings(STORE / "codings", codebook)
    adjudicated, disagreements = merge_coders(codings, ["bo", "auto", "anna"], segments)
    assert len(adjudicated) == 5
    row = disagreements.set_index(["segment_id", "code"]).loc[("V9-t002-s03", "holdning.kritisk")]
    assert (row["coders_with"], row["coders_without"]) == ("bo", "auto, anna")
    with pytest.raises(InputError, match="two or more coders"):
        merge_coders(codings, ["anna"], segments)


def test_real_codebook_accepts_the_fixtures(segments) -> None:
    codebook = load_store_codebook()
    assert len(load_codings(STORE / "codings", codebook)) == 20
    store = CodingStore(Path("/nonexistent-folder"), "carl", codebook, segments)
    assert store.list().empty


def test_a_hand_made_file_needs_only_segment_code_and_coder(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "anna.csv", "code,segment_id,coder", "npm,TL9-t001-s01,anna")
    codings = load_coder_file(path)
    assert list(codings.columns) == CODING_COLUMNS
    row = codings.iloc[0]
    assert (row["segment_id"], row["code"], row["coder"]) == ("TL9-t001-s01", "npm", "anna")
    assert row["memo"] == "" and pd.isna(row["start"])


def test_an_unclosed_quote_is_named_with_its_line(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "anna.csv",
        "segment_id,code,coder,memo",
        'TL9-t001-s01,npm,anna,"open',
        "x,y,z,w",
    )
    with pytest.raises(InputError, match=r"anna\.csv:2: .*quote"):
        load_coder_file(path)
