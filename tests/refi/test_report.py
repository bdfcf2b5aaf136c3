"""The printed account of a REFI-QDA import: counts, what was not imported, speakers,
warnings and files."""

from __future__ import annotations

from thesis_analysis.refi.report import ImportReport


def test_a_codebook_import_is_one_line_plus_warnings_and_files() -> None:
    report = ImportReport(
        source="bok.qdc",
        origin="",
        positions="codepoints",
        codes=12,
        warnings=("two codes had no name",),
        files=("codebook.yaml",),
    )
    assert report.summary() == (
        "imported bok.qdc: 12 codes\nwarning: two codes had no name\nwrote codebook.yaml"
    )


def test_the_origin_is_named_when_given() -> None:
    report = ImportReport(source="bok.qdc", origin="NVivo 15", positions="utf16", codes=0)
    assert report.summary() == "imported bok.qdc (written by NVivo 15): 0 codes"


def test_a_project_import_lists_everything_in_order() -> None:
    report = ImportReport(
        source="p.qdpx",
        origin="qc 1.3.2",
        positions="utf16",
        codes=3,
        users=("anna", "bo"),
        cases=2,
        transcripts=("Kari", "Per"),
        selections=7,
        codings=9,
        skipped_sources=(("Rapport", "PDF"), ("", "audio")),
        skipped_selections=(("PDFSelection", 2),),
        not_imported=(("Links", 1), ("Sets", 3)),
        speakers=(("Kari", "Intervjuer", "I"), ("Kari", "Kari", "Kari"), ("Per", "P", "Per")),
        warnings=("check the roles",),
        files=("codebook.yaml", "transcripts/Kari.md"),
    )
    assert report.summary().split("\n") == [
        "imported p.qdpx (written by qc 1.3.2): 3 codes, 2 transcripts, 2 users, 2 cases, "
        "7 text selections → 9 coding rows (positions read as utf16)",
        "not imported: 2 sources: Rapport [PDF], (no name) [audio]",
        "not imported: 2 × PDFSelection",
        "not imported: 1 × Links",
        "not imported: 3 × Sets",
        "speakers in Kari: Intervjuer → I, Kari → Kari",
        "speakers in Per: P → Per",
        "warning: check the roles",
        "wrote codebook.yaml",
        "wrote transcripts/Kari.md",
    ]


def test_only_skipped_sources_still_make_a_project_summary() -> None:
    report = ImportReport(
        source="p.qdpx",
        origin="",
        positions="codepoints",
        codes=0,
        skipped_sources=(("Lyd", "audio"),),
    )
    assert report.summary() == (
        "imported p.qdpx: 0 codes, 0 transcripts, 0 users, 0 cases, 0 text selections → "
        "0 coding rows (positions read as codepoints)\n"
        "not imported: 1 sources: Lyd [audio]"
    )


def test_a_case_alone_makes_a_project_summary() -> None:
    report = ImportReport(source="p.qdpx", origin="", positions="codepoints", codes=1, cases=1)
    assert report.summary().startswith("imported p.qdpx: 1 codes, 0 transcripts, 0 users, 1 cases")
