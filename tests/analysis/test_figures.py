"""Figures: shape and content of every plot used in the notebooks, and byte-identical saves.

Uses the fixture of tests/test_tables.py (tests/data/analysis/); expected values are worked
out in that module's docstring.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from thesis_analysis.analysis import figures, tables  # noqa: E402

DATA = Path(__file__).parents[1] / "data" / "analysis"


@pytest.fixture()
def stance_table() -> pd.DataFrame:
    """The shape indicators.py will give: indicator × employer × stance counts."""
    return pd.DataFrame(
        {
            "indicator": ["indikator.jobbmatch"] * 4 + ["indikator.dialogmote"] * 3,
            "label": ["Jobbmatch"] * 4 + ["Dialogmøte"] * 3,
            "employer": ["kommune", "stat", "stat", "kommune", "stat", "ukjent", "kommune"],
            "stance": ["kritisk", "kritisk", "positiv", "nøytral", "positiv", "kritisk", "positiv"],
            "n_statements": [4, 3, 2, 1, 2, 1, 0],
        }
    )


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def hex_of(color) -> str:
    return mcolors.to_hex(color).upper()


def test_code_frequencies(codings, segments, codebook):
    df = tables.compute_code_frequencies(codings, segments, codebook)
    ax = figures.plot_code_frequencies(df)
    assert isinstance(ax.figure, Figure)
    assert len(ax.patches) == len(df) == 6
    widths = [p.get_width() for p in ax.patches]
    assert widths == list(df["n_segments"]) == [4, 2, 0, 3, 4, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(df["label"])
    assert [t.strip() for t in texts(ax)] == [
        "3 av 3",
        "2 av 3",
        "0 av 3",
        "3 av 3",
        "2 av 3",
        "1 av 3",
    ]
    colors = {hex_of(p.get_facecolor()) for p in ax.patches}
    assert colors == {figures.OKABE_ITO[0], figures.OKABE_ITO[1], figures.OKABE_ITO[2]}
    assert ax.get_title() == "Kodefrekvens: segmenter og informanter"
    assert "Antall segmenter" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["tema", "holdning", "indikator"]


def test_code_matrix_share(codings, segments, codebook):
    df = tables.compute_code_matrix(codings, segments, codebook, by="employer")
    ax = figures.plot_code_matrix(df)
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    assert mesh.get_array().shape == (6, 2)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["stat\n(n=3)", "kommune\n(n=6)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(df["label"]))
    annotations = texts(ax)
    assert len(annotations) == 12
    assert annotations[:2] == ["67 %", "33 %"]  # styring: 2 of 3, 2 of 6
    assert ax.get_xlabel() == "Arbeidsgiver"
    assert ax.get_title().startswith("Koder etter arbeidsgiver")
    assert "andel av gruppens segmenter" in ax.get_title()


def test_code_matrix_counts_and_sections(codings, segments, codebook):
    df = tables.compute_code_matrix(codings, segments, codebook, by="role", normalise=False)
    ax = figures.plot_code_matrix(df)
    assert texts(ax)[:2] == ["1", "3"]  # styring: leder 1, veileder 3
    assert "antall segmenter" in ax.get_title()
    sections = tables.compute_codes_by_section(codings, segments, codebook)
    ax = figures.plot_code_matrix(sections)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Leder\n(n=3)",
        "Styringsparametere\n(n=4)",
        "Læring og forbedring\n(n=2)",
    ]
    assert ax.get_xlabel() == "Del av intervjuguiden"


def test_cooccurrence(codings, codebook):
    df = tables.compute_cooccurrence(codings, codebook)
    ax = figures.plot_cooccurrence(df)
    # subkultur never occurs and is dropped: 5 codes, lower triangle of rows 2-5 × cols 1-4
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [
        "Kvalitet og kvantitet (n=2)",
        "Kritisk holdning (n=4)",
        "Positiv holdning (n=3)",
        "Jobbmatch (n=1)",
    ]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert columns[0] == "Mål- og resultatstyring (n=4)" and len(columns) == 4
    assert len(ax.texts) == 10
    assert texts(ax)[:3] == ["0", "1", "1"]  # kvalitet×styring, kritisk×styring, ×kvalitet
    assert ax.get_title() == "Samforekomst av koder i samme segment"
    turn = figures.plot_cooccurrence(tables.compute_cooccurrence(codings, codebook, unit="turn"))
    assert turn.get_title() == "Samforekomst av koder i samme ytring"


def test_cooccurrence_with_too_few_codes(codebook):
    df = tables.compute_cooccurrence(
        pd.DataFrame({"segment_id": ["A1-t002-s01"], "code": ["styring"]}), codebook
    )
    ax = figures.plot_cooccurrence(df)
    assert texts(ax) == ["Færre enn to koder forekommer"]


def test_indicator_stance(stance_table):
    ax = figures.plot_indicator_stance(stance_table)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # kommune before stat (order of employers), Dialogmøte – kommune has no statements
    assert labels == ["Jobbmatch – stat", "Jobbmatch – kommune", "Dialogmøte – stat",
                      "Dialogmøte – ukjent"]  # fmt: skip
    stances = ["kritisk", "positiv", "nøytral"]  # critical, positive, other, neutral
    assert [t.get_text() for t in ax.get_legend().get_texts()] == stances
    assert len(ax.patches) == len(stances) * len(labels)
    by_stance = dict(zip(stances, [ax.patches[i * 4 : i * 4 + 4] for i in range(3)], strict=True))
    assert [p.get_width() for p in by_stance["kritisk"]] == [3, 4, 0, 1]
    assert [p.get_width() for p in by_stance["positiv"]] == [2, 0, 2, 0]
    assert hex_of(by_stance["kritisk"][0].get_facecolor()) == "#D55E00"
    assert hex_of(by_stance["positiv"][0].get_facecolor()) == "#009E73"
    assert hex_of(by_stance["nøytral"][0].get_facecolor()) == figures.GREY
    ends = [p.get_x() + p.get_width() for p in by_stance["nøytral"]]
    assert ends == [5, 5, 2, 1]  # stacked: totals per row
    assert ax.get_title() == "Holdning til styringsparametere etter arbeidsgiver"


def test_indicator_stance_palette_and_labels(stance_table):
    table = stance_table.assign(stance_label=stance_table["stance"].str.upper())
    ax = figures.plot_indicator_stance(table, palette={"KRITISK": "#000000"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["KRITISK", "POSITIV", "NØYTRAL"]
    assert hex_of(ax.patches[0].get_facecolor()) == "#000000"
    assert figures.order_stances(["Nøytral/ingen vurdering", "Blandet", "Positiv", "Kritisk"]) == [
        "Kritisk",
        "Positiv",
        "Blandet",
        "Nøytral/ingen vurdering",
    ]
    palette = figures.make_stance_palette(["holdning.kritisk", "holdning.positiv", "annet"])
    assert palette == {
        "holdning.kritisk": "#D55E00",
        "holdning.positiv": "#009E73",
        "annet": figures.OKABE_ITO[0],
    }


def test_plot_into_given_axes(codings, segments, codebook):
    figure = Figure()
    ax = figure.add_subplot()
    df = tables.compute_code_frequencies(codings, segments, codebook)
    assert figures.plot_code_frequencies(df, ax=ax) is ax


def test_save_figure_is_byte_identical(tmp_path, codings, segments, codebook):
    df = tables.compute_code_matrix(codings, segments, codebook, by="employer")
    first = figures.save_figure(figures.plot_code_matrix(df).figure, tmp_path / "a", "m")
    second = figures.save_figure(figures.plot_code_matrix(df).figure, tmp_path / "b", "m")
    assert [p.name for p in first] == ["m.png", "m.svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    png, svg = first[0].read_bytes(), first[1].read_text(encoding="utf-8")
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert figures.save_figure(Figure(), None, "x") == []
