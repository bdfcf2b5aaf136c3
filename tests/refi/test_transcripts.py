"""Imported text sources as transcripts: where the text is in the archive, reading it, the
informant id, the front matter, and the self-check of the rendered file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from thesis_analysis.errors import InputError
from thesis_analysis.project_file import parse_project_file
from thesis_analysis.refi.read import RefiCase, RefiSource
from thesis_analysis.refi.safety import SafeArchive
from thesis_analysis.refi.text import MappedText, build_body
from thesis_analysis.refi.transcripts import (
    MAX_ID,
    build_front_matter,
    choose_informant_id,
    find_source_member,
    make_transcript,
    read_source_text,
    render_transcript,
    stem_of,
)

SETTINGS = parse_project_file(
    "name: P\nlanguage: nb\ninterviewer: I\ncase_variables:\n"
    "  role: [leder, veileder, ukjent]\n  kontor: [stat, kommune]\n  team: free\n"
)


@pytest.fixture()
def archive(tmp_path: Path):
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", "<Project/>")
        zf.writestr("Sources/abc.txt", "\ufeffI: Hei\nKari: Ja\n".encode())
        zf.writestr("top.txt", "Kari: top\n")
        zf.writestr("sources/latin1.txt", "Bodø".encode("latin-1"))
        zf.writestr("sources/nul.txt", "a\x00b")
        zf.writestr("sources/blank.txt", " \n\n")
    with SafeArchive(path) as opened:
        yield opened


@pytest.mark.parametrize(
    ("path", "member", "reason"),
    [
        ("internal://abc.txt", "Sources/abc.txt", ""),  # the folder's case ignored
        ("abc.txt", "Sources/abc.txt", ""),  # no scheme (qc)
        ("INTERNAL:///abc.txt", "Sources/abc.txt", ""),
        ("top.txt", "top.txt", ""),  # at the top of the archive
        ("", None, "no plain text (plainTextPath)"),
        ("relative://abc.txt", None, "external file (relative://), not in the archive"),
        ("absolute:///etc/passwd", None, "external file (absolute://), not in the archive"),
        ("internal://../abc.txt", None, "unusable path 'internal://../abc.txt'"),
        ("internal://a\\..\\abc.txt", None, "unusable path"),
        ("internal://", None, "unusable path 'internal://'"),
        ("internal://gone.txt", None, "'internal://gone.txt' is not in the archive"),
    ],
)
def test_find_source_member(archive, path: str, member: str | None, reason: str) -> None:
    found, why = find_source_member(archive, path)
    assert found == member
    assert reason in why and (why == "") == (member is not None)


def source(path: str = "", inline: str | None = None, name: str = "Kari.txt", **kw) -> RefiSource:
    return RefiSource(
        guid="s",
        name=name,
        plain_text_path=path,
        inline_text=inline,
        description=kw.get("description", ""),
        selections=(),
        variables=kw.get("variables", ()),
        source_codings=0,
    )


@pytest.mark.parametrize(
    ("item", "text", "reason"),
    [
        (source("internal://abc.txt"), "I: Hei\nKari: Ja\n", ""),  # the BOM removed
        (source(inline="\ufeffInline.\r\n"), "Inline.\r\n", ""),  # otherwise as stored
        (source(inline="Inline", path="internal://abc.txt"), "Inline", ""),  # inline first
        (source("internal://latin1.txt"), None, "sources/latin1.txt is not UTF-8 text"),
        (source("internal://nul.txt"), None, "binary text (NUL characters)"),
        (source("internal://blank.txt"), None, "no text (empty plain text)"),
        (source(inline=""), None, "no text (empty plain text)"),
        (source("relative://x.txt"), None, "external file"),
    ],
)
def test_read_source_text(archive, item: RefiSource, text: str | None, reason: str) -> None:
    got, why = read_source_text(archive, item)
    assert got == text and reason in why
    assert (why == "") == (text is not None)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Interview 1.txt", "Interview 1"),
        ("Kari.docx", "Kari"),
        ("Kari", "Kari"),
        ("v1.2", "v1"),
        ("Dr. Hansen", "Dr. Hansen"),  # « Hansen» is no extension
        ("notes.backup", "notes.backup"),  # too long for one
        (".txt", ".txt"),
    ],
)
def test_stem_of(name: str, stem: str) -> None:
    assert stem_of(name) == stem


def case(name: str = "Kari", variables=(), description: str = "") -> RefiCase:
    return RefiCase("c", name, description, tuple(variables), ("s",))


@pytest.mark.parametrize(
    ("the_case", "name", "taken", "expected"),
    [
        (case("Kari Nordmann"), "x.txt", [], "Kari_Nordmann"),  # the case first, case kept
        (None, "Intervju 1.txt", [], "Intervju_1"),  # else the source name's stem
        (case("日本"), "Bo.txt", [], "Bo"),  # no usable case name
        (None, "日本.txt", [], "S1"),
        (case("Kari"), "x", ["kari"], "Kari_2"),
        (case("I"), "x", [], "I_2"),  # never the interviewer label
        (case("A" * 30), "x", [], "A" * MAX_ID),
    ],
)
def test_choose_informant_id(the_case, name: str, taken: list[str], expected: str) -> None:
    assert choose_informant_id(the_case, source(name=name), taken) == expected


def test_front_matter_case_wins_and_reserved_keys_are_renamed() -> None:
    warnings: list[str] = []
    meta = build_front_matter(
        "Kari",
        case(
            variables=[
                ("Role", "leder"),
                ("Id", "42"),
                ("Provenance", "x"),
                ("Source", "synthetic"),
            ],
            description="Case text.",
        ),
        source(variables=(("Role", "veileder"), ("Kontor", "stat"), ("Team", "")), description="D"),
        "p.qdpx",
        "Studie",
        warnings,
        SETTINGS,
    )
    assert meta == {
        "id": "Kari",
        "role": "leder",  # the case's value over the source's
        "kontor": "stat",
        "case_id": "42",
        "case_provenance": "x",
        "source": "synthetic",
        "provenance": "Imported from p.qdpx (REFI-QDA project 'Studie'), text source "
        "'Kari.txt'. Case text. Source description: D",
    }
    assert warnings == []


def test_front_matter_warnings_and_refusals() -> None:
    warnings: list[str] = []
    meta = build_front_matter(
        "Kari", case(variables=[("???", "x"), ("Kontor", "stat")]), source(), "p", "P", warnings,
        SETTINGS,
    )  # fmt: skip
    assert meta["role"] == "ukjent" and meta["source"] == "original"
    assert warnings == ["Kari: variable '???' has no usable name; not imported"]
    # a listed value is required and «ukjent» is not among them: refused, naming the file
    with pytest.raises(InputError, match=r"^Kari: kontor 'fylke' is not one of stat, kommune "):
        build_front_matter(
            "Kari", case(variables=[("Kontor", "fylke")]), source(), "p", "P", [], SETTINGS
        )


def test_render_transcript_is_front_matter_then_body() -> None:
    text = render_transcript({"id": "Kari", "provenance": "Fra «x»"}, "Kari: Hei.\n")
    assert text == "---\nid: Kari\nprovenance: Fra «x»\n---\nKari: Hei.\n"
    assert yaml.safe_load(text.split("---\n")[1]) == {"id": "Kari", "provenance": "Fra «x»"}


def meta(**extra: str) -> dict[str, str]:
    return {"id": "Kari", "role": "leder", "kontor": "stat", "source": "original",
            "provenance": "Imported.", **extra}  # fmt: skip


def test_make_transcript_parses_back_the_mapped_body() -> None:
    mapped = build_body("I: Hei?\nKari: Ja, det går bra.\n", "Kari", {"Kari"})
    text, transcript = make_transcript(meta(), mapped, [], SETTINGS)
    assert text.endswith("---\nI: Hei?\nKari: Ja, det går bra.\n")
    assert transcript.body == mapped.body
    assert [t.speaker for t in transcript.turns] == ["I", "Kari"]


def test_make_transcript_refuses_an_invalid_transcript() -> None:
    mapped = build_body("Kari: Ja.\n", "Kari", {"Kari"})
    with pytest.raises(InputError, match=r"^Kari\.md: the imported text does not make a valid"):
        make_transcript(meta(role="sjef"), mapped, [], SETTINGS)


def test_make_transcript_refuses_a_body_that_does_not_map_exactly() -> None:
    # a body that is not NFC would be changed by the loader
    body = "Kari: e\u0301\n"
    mapped = MappedText(body, tuple(range(len(body) + 1)), tuple(range(len(body) + 1)), ())
    with pytest.raises(InputError, match=r"^Kari\.md: the imported text does not map exactly"):
        make_transcript(meta(), mapped, [], SETTINGS)
