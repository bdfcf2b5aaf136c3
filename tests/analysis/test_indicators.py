"""Links from statements to styringsparametere, their stance, and the evidence table.

Small hand-made turns test the linking rules; the shipped corpus tests that the evidence table
shows what chapters 4–5 of the thesis report (read from the table, not hard-coded).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from thesis_analysis.analysis.evaluation import evaluate_codings
from thesis_analysis.analysis.indicators import (
    EVIDENCE_COLUMNS,
    LINK_COLUMNS,
    STANCE_COLUMNS,
    STANCES,
    compute_indicator_evidence,
    compute_indicator_links,
    compute_indicator_stance,
    find_reference,
    list_parameters,
    merge_link_codings,
)
from thesis_analysis.autocode.coder import AutoCoder
from thesis_analysis.autocode.runs import code_segments
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import load_coder_file
from thesis_analysis.corpus.segments import SEGMENT_COLUMNS, compute_text_hash, make_segment_id
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project import load_project
from thesis_analysis.workflow import link_project

JOBBMATCH = "indikator.jobbmatch"


@pytest.fixture(scope="module")
def codebook(project_root):
    return load_codebook(project_root / "codebook.yaml")


@pytest.fixture(scope="module")
def coder(codebook, nlp):
    return AutoCoder(codebook, nlp)


def make_segments(turns: list[tuple[str, str, int, list[str]]]) -> pd.DataFrame:
    """Segments of hand-made turns: (informant, employer, turn number, sentences)."""
    rows = []
    for informant, employer, turn, sentences in turns:
        for number, text in enumerate(sentences, start=1):
            rows.append(
                (
                    make_segment_id(informant, turn, number),
                    informant,
                    informant,
                    informant,
                    "veileder",
                    employer,
                    "styringsparametere",
                    turn,
                    number,
                    0,
                    len(text),
                    text,
                    compute_text_hash(text),
                    "4.2.2; sitat",
                )
            )
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def link(turns, coder, codebook, nlp) -> pd.DataFrame:
    segments = make_segments(turns)
    return compute_indicator_links(segments, code_segments(segments, coder), codebook, nlp)


def links_of(links: pd.DataFrame, segment_id: str) -> pd.DataFrame:
    return links[links["segment_id"] == segment_id]


# -- linking ---------------------------------------------------------------------------------
def test_link_by_name_and_alias(coder, codebook, nlp) -> None:
    links = link(
        [
            ("X1", "stat", 1, ["Jobbmatch er nyttig for mange brukere."]),
            ("X1", "stat", 2, ["Før hver samtale gjør vi et søk i arbeidsmarkedet."]),
            ("X1", "stat", 3, ["Avgang til jobb er lav i år."]),
            ("X1", "stat", 4, ["Vi skal ringe tilbake innen 48 timer."]),
        ],
        coder,
        codebook,
        nlp,
    )
    assert list(links.columns) == LINK_COLUMNS
    named = links_of(links, "X1-t001-s01").iloc[0]
    assert (named["family"], named["how"]) == (JOBBMATCH, "name")
    assert "Jobbmatch" in named["evidence"]
    alias = links_of(links, "X1-t002-s01").iloc[0]
    assert (alias["family"], alias["how"]) == (JOBBMATCH, "alias")
    assert "søk i arbeidsmarkedet" in alias["evidence"]
    assert links_of(links, "X1-t003-s01").iloc[0]["family"] == "indikator.overgang_arbeid"
    callback = links_of(links, "X1-t004-s01").iloc[0]
    assert callback["indicator"] == "indikator.kontakt_bruker_48t.andel_48t"
    assert callback["how"] == "alias"


def test_parameter_level_where_the_words_identify_it(coder, codebook, nlp) -> None:
    links = link(
        [
            (
                "X1",
                "stat",
                1,
                [
                    "Andelen arbeidssøkere med jobbmatch er for lav.",
                    "Hver bruker skal ha en oppfølging hver tredje måned.",
                    "Jobbmatch tar tid.",
                ],
            )
        ],
        coder,
        codebook,
        nlp,
    )
    assert list(links["indicator"]) == [
        "indikator.jobbmatch.arbeidssokere",
        "indikator.oppfolging.arbeidssokere_3mnd",
        JOBBMATCH,
    ]
    assert list(links["family"]) == [JOBBMATCH, "indikator.oppfolging", JOBBMATCH]


def test_reference_by_det_within_a_turn(coder, codebook, nlp) -> None:
    links = link(
        [
            (
                "X1",
                "kommune",
                1,
                [
                    "Vi må ta jobbmatch i hver oppfølging.",
                    "Det er tullete for brukere langt fra arbeidslivet.",
                ],
            )
        ],
        coder,
        codebook,
        nlp,
    )
    ref = links_of(links, "X1-t001-s02")
    assert len(ref) == 1
    row = ref.iloc[0]
    assert (row["indicator"], row["how"], row["stance"]) == (JOBBMATCH, "reference", "kritisk")
    assert row["evidence"] == "referanse: «Det» → X1-t001-s01"


def test_reference_does_not_cross_turns_nor_reach_three_back(coder, codebook, nlp) -> None:
    links = link(
        [
            ("X1", "stat", 1, ["Vi må ta jobbmatch i hver oppfølging."]),
            ("X1", "stat", 2, ["Det er tullete."]),
            (
                "X2",
                "stat",
                1,
                [
                    "Vi må ta jobbmatch i hver oppfølging.",
                    "Brukerne kommer hit.",
                    "Noen kommer sjelden.",
                    "Det er tullete.",
                ],
            ),
        ],
        coder,
        codebook,
        nlp,
    )
    assert links_of(links, "X1-t002-s01").empty
    assert links_of(links, "X2-t001-s04").empty
    assert list(links["segment_id"]) == ["X1-t001-s01", "X2-t001-s01"]


def test_reference_takes_the_nearest_indicator(coder, codebook, nlp) -> None:
    links = link(
        [
            (
                "X1",
                "stat",
                1,
                [
                    "Jobbmatch tar tid.",
                    "Journalføring skal skje innen 24 timer.",
                    "Det er tullete.",
                ],
            )
        ],
        coder,
        codebook,
        nlp,
    )
    assert list(links_of(links, "X1-t001-s03")["indicator"]) == ["indikator.journalforing_24t"]


def test_determiners_are_no_reference_but_noun_phrases_are(coder, codebook, nlp) -> None:
    links = link(
        [
            ("X1", "stat", 1, ["Jobbmatch tar tid.", "De fleste brukerne møter opp."]),
            ("X1", "stat", 2, ["Jobbmatch tar tid.", "Dette parameteret er viktig for fylket."]),
        ],
        coder,
        codebook,
        nlp,
    )
    assert links_of(links, "X1-t001-s02").empty
    assert (
        links_of(links, "X1-t002-s02")
        .iloc[0]["evidence"]
        .startswith("referanse: «Dette parameteret»")
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Det er tullete.", "Det"),
        ("Jeg vil heller gjøre det.", "det"),
        ("De gir retning.", "De"),
        ("De kommunale målene er greie.", None),
        ("Den belønningen er grei.", None),
        ("Vi snakket om dem.", "dem"),
        ("Brukerne kommer hit.", None),
    ],
)
def test_find_reference(nlp, text: str, word: str | None) -> None:
    assert find_reference(nlp(text)) == word


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Jobbmatch er ikke nyttig.", "kritisk"),
        ("Jeg ser ikke poenget med jobbmatch.", "kritisk"),
        ("Med langtidsbrukere ser jeg ikke poenget i å gjøre jobbmatch.", "kritisk"),
        ("Jobbmatch er tullete.", "kritisk"),
        ("Jobbmatch gir retning i arbeidet.", "positiv"),
        ("Jobbmatch er nyttig, men tellingen er tullete.", "blandet"),
        ("Vi gjør jobbmatch på mandager.", "ingen"),
    ],
)
def test_stance_with_negation(coder, codebook, nlp, text: str, stance: str) -> None:
    links = link([("X1", "stat", 1, [text])], coder, codebook, nlp)
    assert list(links["stance"]) == [stance]


# -- tables ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(coder, codebook, nlp):
    segments = make_segments(
        [
            ("X1", "kommune", 1, ["Jobbmatch er tullete.", "Det tar tid fra brukerne."]),
            ("X2", "stat", 1, ["Jobbmatch er nyttig for mange.", "Journalføring tar tid."]),
        ]
    )
    auto = code_segments(segments, coder)
    links = compute_indicator_links(segments, auto, codebook, nlp)
    return segments, auto, links


def test_evidence_table_shows_the_whole_malekort(small, codebook) -> None:
    segments, auto, links = small
    table = compute_indicator_evidence(links, segments, auto, codebook)
    assert list(table.columns) == EVIDENCE_COLUMNS
    parameters = table[table["level"] == "parameter"]
    assert list(parameters["indicator"]) == [c.id for c in codebook.codes if c.indicator]
    families = table[table["level"] == "familie"]["indicator"]
    assert all(len(list_parameters(codebook, f)) > 1 for f in families)
    row = table.set_index("indicator").loc["indikator.jobbmatch.arbeidssokere"]
    assert (row["n_statements"], row["n_informants"], row["informants"]) == (3, 2, "X1, X2")
    assert (row["n_kommune"], row["n_stat"], row["n_kritisk"], row["n_positiv"]) == (2, 1, 1, 1)
    assert row[[f"n_{s}" for s in STANCES]].sum() == row["n_statements"]
    assert row["exemplar_1"].startswith("«Jobbmatch er tullete.» (X1, kommune; 4.2.2; sitat)")
    assert row["exemplar_2"].startswith("«Jobbmatch er nyttig")
    empty = table.set_index("indicator").loc["indikator.dialogmote.dialogmote2_26uker"]
    assert (empty["n_statements"], empty["themes"], empty["exemplar_1"]) == (0, "", "")
    assert table.equals(compute_indicator_evidence(links, segments, auto, codebook))


def test_stance_table_for_the_figure(small, codebook) -> None:
    _, _, links = small
    table = compute_indicator_stance(links, codebook)
    assert list(table.columns) == STANCE_COLUMNS
    jobbmatch = table[table["indicator"] == JOBBMATCH]
    assert set(jobbmatch["label"]) == {"Jobbmatch"}
    assert jobbmatch["n_statements"].sum() == 3
    assert list(jobbmatch["employer"]) == ["stat", "kommune", "kommune"]
    assert "Kritisk" in set(jobbmatch["stance_label"])


def test_merge_link_codings_replaces_the_indicator_codings(small) -> None:
    _, auto, links = small
    merged = merge_link_codings(auto, links)
    indicator = merged[merged["code"].str.startswith("indikator.")]
    assert len(indicator) == len(links)
    assert set(indicator["rule"]) == {"link:name", "link:reference"}
    others = merged[~merged["code"].str.startswith("indikator.")]
    expected = auto[~auto["code"].str.startswith("indikator.")]
    assert others[["segment_id", "code", "evidence", "start"]].values.tolist() == (
        expected[["segment_id", "code", "evidence", "start"]].values.tolist()
    )


# -- the corpus: what chapters 4–5 report ------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(project_root, coder):
    project = load_project(project_root)
    segments = project.informant_segments
    auto = code_segments(segments, coder)
    links = compute_indicator_links(segments, auto, project.codebook)
    manual = load_coder_file(project_root / "codings" / "manual.csv", project.codebook)
    evidence = compute_indicator_evidence(links, segments, manual, project.codebook)
    return project, auto, links, manual, evidence.set_index("indicator")


def critical(frame: pd.DataFrame) -> pd.Series:
    return frame["stance"].isin(["kritisk", "blandet"])


def test_jobbmatch_is_criticised_also_by_kommune_employees_and_meets_goal_conflict(corpus):
    _, _, links, _, evidence = corpus
    row = evidence.loc["indikator.jobbmatch.arbeidssokere"]
    assert row["n_kritisk"] + row["n_blandet"] > 0 and row["n_positiv"] > 0
    said = links[(links["family"] == JOBBMATCH) & critical(links)]
    assert "kommune" in set(said["employer"])
    themes = {part.split(" (")[0] for part in row["themes"].split(", ")}
    assert themes & {"malforskyvning", "malkonflikt"}


def test_kontakt_bruker_within_48_hours_is_seen_as_quality(corpus):
    _, _, links, _, evidence = corpus
    row = evidence.loc["indikator.kontakt_bruker_48t.andel_48t"]
    assert row["n_positiv"] + row["n_blandet"] > 0
    positive = links[
        (links["family"] == "indikator.kontakt_bruker_48t")
        & links["stance"].isin(["positiv", "blandet"])
    ]
    assert positive["text"].str.contains("kvalitet|tillit").any()


def test_follow_up_every_three_months_criticised_by_kommune_on_quality(corpus):
    _, _, links, manual, evidence = corpus
    row = evidence.loc["indikator.oppfolging.arbeidssokere_3mnd"]
    assert row["n_kritisk"] + row["n_blandet"] > 0 and row["n_kommune"] > 0
    said = links[
        (links["indicator"] == "indikator.oppfolging.arbeidssokere_3mnd")
        & critical(links)
        & (links["employer"] == "kommune")
    ]
    themes = manual.loc[manual["segment_id"].isin(said["segment_id"]), "code"]
    assert "kvalitet_kvantitet" in set(themes)


def test_journalforing_within_24_hours_is_criticised(corpus):
    _, _, _, _, evidence = corpus
    row = evidence.loc["indikator.journalforing_24t"]
    assert row["n_kritisk"] + row["n_blandet"] > 0


def test_targets_against_the_hand_coding(corpus):
    project, auto, links, manual, _ = corpus
    table = evaluate_codings(
        project.informant_segments,
        manual,
        {"auto": merge_link_codings(auto, links)},
        project.codebook,
    )
    macro = table[table["code"] == "(macro)"].set_index("group")["f1"]
    assert macro["indicator"] >= 0.85
    assert macro["stance"] >= 0.75


def test_link_project_writes_the_tables(corpus, tmp_path):
    project = dataclasses.replace(corpus[0], paths=ProjectPaths(tmp_path))
    summary = link_project(project)
    assert "themes from the auto-coder" in summary
    links = pd.read_csv(tmp_path / "results" / "indicator_links.csv")
    assert list(links.columns) == LINK_COLUMNS and len(links) == len(corpus[2])
    evidence = pd.read_csv(tmp_path / "results" / "indicator_evidence.csv")
    assert list(evidence.columns) == EVIDENCE_COLUMNS
    markdown = (tmp_path / "results" / "indicator_evidence.md").read_text(encoding="utf-8")
    assert markdown.startswith("| indicator")
    assert not list((tmp_path / "results").glob(".*.tmp"))
