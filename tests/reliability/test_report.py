"""Tests of the reliability command on the fixture codings in tests/data/store/codings.

Fixture: 12 informant segments; coders anna, auto, bo. Worked out by hand (3 coders, every
segment a unit, 36 values per code):

* malforskyvning: all three on TL9-t004-s02 (anna via malforskyvning.telling) and
  TL9-t005-s01, anna alone on V9-t002-s02. Pairwise agreement (11/12 + 11/12 + 1) / 3 =
  34/36; alpha = 1 - 35 * 2 / (2 * 7 * 29) = 1 - 70/406; Fleiss: P = 34/36,
  Pe = (7² + 29²) / 36².
* holdning.kritisk: all three on TL9-t005-s02, bo alone on V9-t002-s03:
  alpha = 1 - 35 * 2 / (2 * 4 * 32) = 1 - 70/256.
* tavlemote and holdning.positiv: full agreement.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import load_coder_file, save_coder_file
from thesis_analysis.errors import InputError
from thesis_analysis.reliability.report import list_report_codes, run_reliability

STORE = Path(__file__).parents[1] / "data" / "store"


def load_store_codebook(path: Path = STORE / "codebook.yaml"):
    """The fixture codebook of tests/data/store (without the project's fixed ids)."""
    return load_codebook(path, require_fixed_ids=False)


@pytest.fixture
def codebook():
    return load_store_codebook()


@pytest.fixture
def segments() -> pd.DataFrame:
    """The informants' segments of the fixture transcripts."""
    table = pd.read_csv(STORE / "segments.csv", keep_default_na=False)
    return table[table["speaker"] != "I"].reset_index(drop=True)


@pytest.fixture
def codings(tmp_path: Path) -> Path:
    folder = tmp_path / "codings"
    shutil.copytree(STORE / "codings", folder)
    return folder


def value_of(table: pd.DataFrame, code: str, statistic: str) -> float:
    row = table[(table["code"] == code) & (table["statistic"] == statistic)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_report_codes_are_top_levels_of_codable_codes(codebook) -> None:
    codes = list_report_codes(codebook)
    assert codes == ["malforskyvning", "tavlemote", "holdning.kritisk", "holdning.positiv"]


def test_figures_match_the_hand_calculation(tmp_path: Path, codings, segments, codebook) -> None:
    results = tmp_path / "results"
    report = run_reliability(codings, segments, codebook, results)
    table = pd.read_csv(results / "reliability.csv")
    assert math.isclose(value_of(table, "malforskyvning", "percent_agreement"), 34 / 36)
    assert math.isclose(value_of(table, "malforskyvning", "krippendorff_alpha"), 1 - 70 / 406)
    p_e = (7**2 + 29**2) / 36**2
    kappa = (34 / 36 - p_e) / (1 - p_e)
    assert math.isclose(value_of(table, "malforskyvning", "fleiss_kappa"), kappa)
    assert math.isclose(value_of(table, "holdning.kritisk", "krippendorff_alpha"), 1 - 70 / 256)
    for code in ("tavlemote", "holdning.positiv"):
        assert value_of(table, code, "krippendorff_alpha") == 1.0
    assert "cohen_kappa" not in set(table["statistic"])  # three coders
    coded = table[(table["statistic"] == "n_coded") & (table["code"] == "malforskyvning")]
    assert dict(zip(coded["coder"], coded["value"], strict=True)) == {
        "anna": 3.0,
        "auto": 2.0,
        "bo": 2.0,
    }
    assert set(table["unit"]) == {"segment"}
    assert set(table.loc[table["code"] == "malforskyvning", "n_units"]) == {12}

    disagreements = pd.read_csv(results / "disagreements.csv")
    assert disagreements.values.tolist() == [
        [
            "V9-t002-s02",
            "malforskyvning",
            "anna",
            "auto, bo",
            "Men vi jobber mest for å få tallene opp.",
        ],
        ["V9-t002-s03", "holdning.kritisk", "bo", "anna, auto", "Brukeren kommer i andre rekke."],
    ]
    assert "3 coders (anna, auto, bo), 12 segments as units, 4 top-level codes" in report
    lines = report.splitlines()
    header = next(line for line in lines if "krippendorff_alpha" in line)
    assert header.split() == [
        "code",
        "percent_agreement",
        "fleiss_kappa",
        "krippendorff_alpha",
        "n_anna",
        "n_auto",
        "n_bo",
    ]
    row = next(line for line in lines if line.strip().startswith("malforskyvning"))
    assert row.split() == ["malforskyvning", "0.944", "0.823", "0.828", "3", "2", "2"]
    assert "2 disagreement(s)" in report and str(results / "reliability.csv") in report


def test_sidecars_adjudication_and_temp_files_are_not_coders(
    tmp_path: Path, codings, segments, codebook
) -> None:
    adjudicated = load_coder_file(codings / "anna.csv").assign(coder="adjudicated")
    save_coder_file(codings / "adjudicated.csv", adjudicated)
    (codings / "anna.rejected.csv").write_text("segment_id,code,rule,segment_hash\n")
    (codings / ".bo.csv.x1y2.tmp").write_text("segment_id,code,coder\nhalf")
    report = run_reliability(codings, segments, codebook, None)
    assert "3 coders (anna, auto, bo)" in report
    assert "nothing written" in report
    assert not (tmp_path / "results").exists()


def test_two_coders_get_cohen_kappa(codings, segments, codebook) -> None:
    (codings / "auto.csv").unlink()
    report = run_reliability(codings, segments, codebook)
    assert "cohen_kappa" in report and "2 coders (anna, bo)" in report


def test_stale_codings_are_left_out_and_counted(
    tmp_path: Path, codings, segments, codebook
) -> None:
    bo = load_coder_file(codings / "bo.csv")
    bo.loc[bo["segment_id"] == "V9-t002-s03", "segment_hash"] = "0000000000000000"
    interviewer = bo.iloc[[0]].assign(segment_id="V9-t001-s01", code="holdning.positiv")
    save_coder_file(codings / "bo.csv", pd.concat([bo, interviewer]))
    report = run_reliability(codings, segments, codebook, tmp_path / "results")
    assert "Left out 2 stale coding(s): 1 on changed text, 1 on segments not among the units" in (
        report
    )
    table = pd.read_csv(tmp_path / "results" / "reliability.csv")
    assert math.isclose(value_of(table, "holdning.kritisk", "krippendorff_alpha"), 1.0)
    assert "1 disagreement(s)" in report


def test_needs_two_coders_and_known_codes(tmp_path: Path, codings, segments, codebook) -> None:
    (codings / "auto.csv").unlink()
    (codings / "bo.csv").unlink()
    with pytest.raises(InputError, match="two or more coder files"):
        run_reliability(codings, segments, codebook)
    bad = load_coder_file(STORE / "codings" / "bo.csv").assign(code="ukjent_kode")
    save_coder_file(codings / "bo.csv", bad)
    with pytest.raises(InputError, match=r"bo\.csv:2: code 'ukjent_kode' is not in the codebook"):
        run_reliability(codings, segments, codebook)


def test_with_the_real_codebook(codings, segments) -> None:
    codebook_module = pytest.importorskip("thesis_analysis.codebook.model")
    codebook = codebook_module.load_codebook(STORE / "codebook.yaml", require_fixed_ids=False)
    report = run_reliability(codings, segments, codebook)
    assert "4 top-level codes" in report
