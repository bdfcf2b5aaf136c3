"""The målekort view: status circles, trend arrows, thresholds, and the results loader.

The results in tests/data/indicators/results.csv are made up (see the README there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.analysis.malekort import (
    MALEKORT_COLUMNS,
    RESULT_COLUMNS,
    Thresholds,
    compute_status,
    compute_trend,
    format_malekort_html,
    load_indicator_results,
    render_malekort,
)
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.errors import InputError

JOBBMATCH = "indikator.jobbmatch.arbeidssokere"
HEADER = "period,indicator,value\n"


@pytest.fixture(scope="module")
def codebook(project_root):
    return load_codebook(project_root / "codebook.yaml")


@pytest.fixture(scope="module")
def results(data_dir, codebook):
    return load_indicator_results(data_dir / "indicators" / "results.csv", codebook)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "results.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reads_comments_decimal_commas_and_percent(results) -> None:
    assert list(results.columns) == RESULT_COLUMNS
    assert len(results) == 13
    rows = results.set_index(["indicator", "period"])
    assert rows.loc[("indikator.sykefravaer.egenmeldt_legemeldt", "2014-01"), "value"] == 7.0
    assert rows.loc[("indikator.overgang_arbeid.arbeidssokere", "2014-02"), "value"] == 56.0
    assert rows.loc[(JOBBMATCH, "2014-01"), "source_line"] == 4


def test_malekort_has_every_parameter_with_status_and_trend(results, codebook) -> None:
    card = render_malekort(results, codebook)
    assert list(card.columns) == MALEKORT_COLUMNS
    assert list(card["indicator"]) == [c.id for c in codebook.codes if c.indicator]
    rows = card.set_index("indicator")
    expected = {
        JOBBMATCH: ("gul", "↑", "grønn"),  # 47 against ≥ 50: within 10 %
        "indikator.oppfolging.arbeidssokere_3mnd": ("grønn", "↑", "grønn"),
        "indikator.kontakt_bruker_48t.andel_48t": ("rød", "↓", "rød"),  # 70 against ≥ 85
        "indikator.overgang_arbeid.arbeidssokere": ("gul", "↓", "gul"),  # 58 → 56: −3 %
        "indikator.sykefravaer.egenmeldt_legemeldt": ("grønn", "↓", "grønn"),  # ≤ 6,8: down
        "indikator.arbeidsgiverkontakt.fullforte_kontakter": ("ingen mål", "→", "grønn"),
        "indikator.dialogmote.dialogmote2_26uker": ("ingen data", "", ""),
    }
    for indicator, (status, arrow, colour) in expected.items():
        row = rows.loc[indicator]
        assert (row["status"], row["trend_arrow"], row["trend_status"]) == (status, arrow, colour)
    jobbmatch = rows.loc[JOBBMATCH]
    assert (jobbmatch["period"], jobbmatch["value"]) == ("2014-02", 47.0)
    assert (jobbmatch["previous_period"], jobbmatch["previous_value"]) == ("2014-01", 40.0)
    assert jobbmatch["target"] == "≥ 50 %"


def test_thresholds_are_configurable(results, codebook) -> None:
    strict = render_malekort(results, codebook, Thresholds(yellow=0.05, trend_alarm=0.02))
    rows = strict.set_index("indicator")
    assert rows.loc[JOBBMATCH, "status"] == "rød"  # 3 short of 50 is more than 5 %
    assert rows.loc["indikator.overgang_arbeid.arbeidssokere", "trend_status"] == "rød"
    with pytest.raises(ValueError, match="yellow"):
        Thresholds(yellow=-0.1)


def test_an_earlier_period_can_be_shown(results, codebook) -> None:
    rows = render_malekort(results, codebook, period="2014-01").set_index("indicator")
    assert rows.loc["indikator.dialogmote.dialogmote2_26uker", "status"] == "gul"  # 80, ≥ 85
    assert rows.loc[JOBBMATCH, "trend"] == ""
    with pytest.raises(InputError, match="2013-12"):
        render_malekort(results, codebook, period="2013-12")


@pytest.mark.parametrize(
    ("value", "target", "direction", "status"),
    [
        (60, 60, ">=", "grønn"),
        (54, 60, ">=", "gul"),
        (53.9, 60, ">=", "rød"),
        (6.8, 6.8, "<=", "grønn"),
        (7.4, 6.8, "<=", "gul"),
        (7.6, 6.8, "<=", "rød"),
        (5, None, None, "ingen mål"),
        (float("nan"), 60, ">=", "ingen data"),
    ],
)
def test_compute_status(value, target, direction, status) -> None:
    assert compute_status(value, target, direction, 0.10) == status


@pytest.mark.parametrize(
    ("value", "previous", "direction", "trend"),
    [
        (50, 40, ">=", ("opp", "grønn")),
        (38, 40, ">=", ("ned", "gul")),
        (30, 40, ">=", ("ned", "rød")),
        (7.5, 6.5, "<=", ("opp", "rød")),
        (40, 40, ">=", ("uendret", "grønn")),
        (40, float("nan"), ">=", ("", "")),
    ],
)
def test_compute_trend(value, previous, direction, trend) -> None:
    assert compute_trend(value, previous, direction, Thresholds()) == trend


def test_html_has_coloured_circles_and_arrows(results, codebook) -> None:
    page = format_malekort_html(render_malekort(results, codebook))
    assert page.startswith('<table class="malekort">')
    assert '<span style="color:#D55E00" title="rød">●</span> rød' in page
    assert '<span style="color:#009E73" title="grønn">↑</span>' in page
    assert "Andel arbeidssøkere med jobbmatch" in page and "47" in page
    assert "&lt;" not in page.split("<tbody>")[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "2014-01,indikator.jobmatch,40\n",
            r"results.csv:2: unknown indicator "
            r"'indikator.jobmatch'; did you mean 'indikator.jobbmatch.arbeidssokere'",
        ),
        (HEADER + f"2014-01,{JOBBMATCH},førti\n", r"results.csv:2: value 'førti' is not a number"),
        ("period,indicator\n2014-01,x\n", r"results.csv:1: no column value"),
        (HEADER + f"jan 2014,{JOBBMATCH},40\n", r"results.csv:2: period 'jan 2014'"),
        (
            HEADER + f"2014-01,{JOBBMATCH},40\n# note\n2014-01,{JOBBMATCH},41\n",
            r"results.csv:4: indikator.jobbmatch.arbeidssokere in 2014-01 again "
            r"\(first on line 2\)",
        ),
        ("# only a comment\n", r"results.csv:1: no header"),
    ],
)
def test_load_errors_name_the_line(tmp_path, codebook, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_indicator_results(write(tmp_path, text), codebook)


def test_load_reports_every_problem_and_bad_encoding(tmp_path, codebook) -> None:
    path = write(tmp_path, HEADER + "2014-01,indikator.x,40\n2014-02,indikator.y,z\n")
    with pytest.raises(InputError) as info:
        load_indicator_results(path, codebook)
    assert "3 problem(s)" in str(info.value)
    assert "results.csv:2:" in str(info.value) and "results.csv:3:" in str(info.value)
    path.write_bytes(HEADER.encode() + "2014-01,indikator.x,4\xe6\n".encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_indicator_results(path)


def test_unknown_indicator_found_when_rendering_names_its_line(tmp_path, codebook) -> None:
    results = load_indicator_results(write(tmp_path, HEADER + "2014-01,indikator.x,40\n"))
    with pytest.raises(InputError, match=r"indikator\.x \(line 2\)"):
        render_malekort(results, codebook)


def test_without_results_the_malekort_shows_every_target_with_no_data() -> None:
    from thesis_analysis.analysis.malekort import create_empty_results, render_malekort

    codebook = load_codebook(Path(__file__).parents[2] / "codebook.yaml")
    card = render_malekort(create_empty_results(), codebook)
    indicators = [c.id for c in codebook.codes if c.indicator is not None]
    assert card["indicator"].tolist() == indicators
    assert set(card["status"]) == {"ingen data"}
