"""Tests of the agreement CLI glue: same figures as the core, clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.reliability.agreement_file import run_agreement
from thesis_analysis.reliability.statistics import compute_agreement

KRIPPENDORFF_2011 = Path(__file__).parents[1] / "data" / "krippendorff_2011.csv"


def test_text_report_on_krippendorff_2011() -> None:
    # Nominal alpha 0.743 as published in Krippendorff (2011); see the data file's header.
    report = run_agreement(KRIPPENDORFF_2011)
    lines = report.splitlines()
    assert lines[0].split()[:4] == ["statistic", "value", "n_units", "n_coders"]
    alpha_line = next(line for line in lines if line.lstrip().startswith("krippendorff_alpha"))
    assert float(alpha_line.split()[1]) == pytest.approx(0.743, abs=5e-4)


def test_json_report_matches_core() -> None:
    records = json.loads(run_agreement(KRIPPENDORFF_2011, as_json=True))
    core = compute_agreement(pd.read_csv(KRIPPENDORFF_2011, comment="#", dtype=str))
    assert [r["statistic"] for r in records] == list(core["statistic"])
    for record, (_, row) in zip(records, core.iterrows(), strict=True):
        assert list(record) == sorted(record)
        if pd.isna(row["value"]):
            assert record["value"] is None  # NaN becomes null, with the reason beside it
            assert record["note"]
        else:
            assert record["value"] == pytest.approx(row["value"])
        assert record["n_units"] == row["n_units"]
    alpha = next(r for r in records if r["statistic"] == "krippendorff_alpha")
    assert round(alpha["value"], 3) == 0.743


def test_custom_columns_bom_and_empty_values(tmp_path: Path) -> None:
    # Wikipedia's Cohen example (kappa 0.4) with renamed columns, a byte-order mark and an
    # empty value cell (= not coded) for a 51st item.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    lines = ["item,rater,label"]
    for i, (a, b) in enumerate(pairs):
        lines += [f"{i},ann,{a}", f"{i},bo,{b}"]
    lines += ["50,ann,", "51,bo,  ", "52,cy,"]  # blank values: not coded; cy is no coder
    path = tmp_path / "ratings.csv"
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    records = json.loads(
        run_agreement(
            path, unit_column="item", coder_column="rater", value_column="label", as_json=True
        )
    )
    kappa = next(r for r in records if r["statistic"] == "cohen_kappa")
    assert kappa["value"] == pytest.approx(0.4)
    assert kappa["n_units"] == 50


@pytest.mark.parametrize(
    ("content", "kwargs", "fragments"),
    [
        (
            b"unit,rater,value\n1,A,x\n",
            {},
            [":1: no column coder", "present are unit, rater, value"],
        ),
        (b"unit,coder,value\n1,A,x\n", {"value_column": "label"}, ["no column label", "present"]),
        (b"", {}, ["empty"]),
        (b"# only a comment\n\n", {}, ["empty"]),
        (b"unit,coder,value\n", {}, ["no rows"]),
        (
            "unit,coder,value\n1,A,Ærlig\n1,B,Ærlig\n".encode("cp1252"),
            {},
            [":2: not UTF-8", "iconv"],
        ),
        (b"unit,coder,value\n1,A,x\n1,A,y\n", {}, ["more than one value", "'A'", "'1'"]),
        (b"unit,coder,value\n1,,x\n", {}, ["data row 1", "'coder'"]),
    ],
)
def test_bad_files_raise_input_error_naming_the_file(
    tmp_path: Path, content: bytes, kwargs: dict[str, str], fragments: list[str]
) -> None:
    path = tmp_path / "koder.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        run_agreement(path, **kwargs)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(InputError, match="no such file"):
        run_agreement(path)
