"""REFI-QDA import: the three samples, vendor deviations, positions, round trip, overwrite."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from thesis_analysis.cli import main
from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import load_codings
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_default_project_file
from thesis_analysis.refi.commands import run_export_qdc, run_export_qdpx, run_import_qdpx
from thesis_analysis.refi.export import export_qdc
from thesis_analysis.refi.importer import import_qdc, import_qdpx
from thesis_analysis.refi.read import RefiCase, RefiSource
from thesis_analysis.refi.text import build_body
from thesis_analysis.refi.transcripts import build_front_matter, make_transcript

REFI = Path(__file__).parents[1] / "data" / "refi"
PROJECT = REFI / "project"
CODE_FIELDS = (
    "id",
    "parent",
    "label",
    "short",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example_text",
    "example_source",
    "theory",
    "color",
    "codable",
)
KEY_COLUMNS = ["coder", "segment_id", "code", "start", "end", "memo"]


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return out


def make_qdpx(out: Path, qde: str, files: dict[str, bytes], qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for name, data in files.items():
            archive.writestr(name, data)
    return out


def load_imported(into: Path):
    codebook = load_codebook(into / "codebook.yaml", require_fixed_ids=False)
    corpus = load_corpus(into / "transcripts")
    codings = load_codings(into / "codings", codebook) if (into / "codings").is_dir() else None
    return corpus, codebook, codings


def test_hand_authored_sample(tmp_path: Path) -> None:
    archive = zip_folder(REFI / "hand_authored", tmp_path / "hand.qdpx")
    report = import_qdpx(archive, tmp_path / "p")
    assert (report.codes, report.users, report.cases) == (4, ("researcher_a",), 1)
    assert (report.transcripts, report.selections, report.codings) == (("Participant_1",), 2, 2)
    assert report.skipped_sources == (
        ("photo.jpg", "image"),
        ("doc.pdf", "PDF"),
        ("interview.m4a", "audio"),
        ("clip.mp4", "video"),
    )
    assert dict(report.skipped_selections) == {
        "AudioSelection": 1,
        "PDFSelection": 1,
        "PictureSelection": 1,
        "TranscriptSelection": 1,
        "VideoSelection": 1,
    }
    assert dict(report.not_imported) == {
        "Graphs": 1,
        "Links": 1,
        "Sets": 1,
        "Notes (not attached to a code, source or selection)": 1,
    }
    corpus, codebook, codings = load_imported(tmp_path / "p")
    assert codebook.ids() == ("topics", "topics.health", "topics.health.diet", "topics.wellbeing")
    assert codebook.codable_ids() == ("topics.health", "topics.health.diet", "topics.wellbeing")
    assert codebook.get("topics.health").definition == "Anything about physical or mental health"
    assert codebook.get("topics.health.diet").color == "#dc0000"
    informant = corpus.get("Participant_1").informant
    assert dict(informant.attributes)["age"] == "34"
    assert dict(informant.attributes)["consented"] == "true"
    assert "A pseudonymised interview participant." in informant.provenance
    body = corpus.get("Participant_1").body
    texts = {r.code: body[r.start : r.end] for r in codings.itertuples()}
    assert texts == {"topics.health": "Diet and health", "topics.health.diet": "health are clo"}


def test_qc_demo_sample(tmp_path: Path) -> None:
    report = import_qdpx(REFI / "demo.qdpx", tmp_path / "p")
    assert report.origin == "qc 1.3.2"
    assert (report.codes, report.users, report.cases, report.selections) == (262, ("cp",), 0, 158)
    assert report.transcripts == ("admin_1", "board_2017")
    assert report.skipped_sources == () and report.skipped_selections == ()
    speakers = {(t, label): to for t, label, to in report.speakers}
    assert speakers[("admin_1", "admin-1")] == "admin_1"
    assert speakers[("admin_1", "Max Bigman")] == "I"
    corpus, codebook, codings = load_imported(tmp_path / "p")
    assert len(codebook.ids()) == 262 == len(set(codebook.ids()))
    assert set(codings["coder"]) == {"cp"} and len(codings) == report.codings
    assert codings["segment_id"].str.startswith("board_2017-").all()
    first = codings.sort_values("start").iloc[0]
    assert first.snippet.startswith("This district goal is engage every student")
    assert corpus.get("board_2017").body[first.start : first.end] == first.snippet


def test_nvivo_sample(tmp_path: Path) -> None:
    report = import_qdpx(REFI / "nvivo_project.qdpx", tmp_path / "p", positions="utf16")
    assert report.origin == "NVivo for Mac 15.0.0"
    assert (report.codes, report.users, report.transcripts, report.selections) == (
        262,
        ("chrisp", "cp"),
        (),
        0,
    )
    assert [why for _, why in report.skipped_sources] == ["no text (empty plain text)"] * 2
    assert report.files == ("codebook.yaml",)
    codebook = load_codebook(tmp_path / "p" / "codebook.yaml", require_fixed_ids=False)
    ids = set(codebook.ids())
    assert {
        "rq1_definition.framings.computational_literacy",
        "rq1_definition.practices.computational_literacy",
    } <= ids
    assert any(i.endswith(".self_categorization") for i in ids)
    assert codebook.get("rq1_definition.concepts").parent == "rq1_definition"


def test_round_trip_gives_back_codings_codebook_and_cases(tmp_path: Path) -> None:
    run_export_qdpx(PROJECT, tmp_path / "p.qdpx")
    import_qdpx(tmp_path / "p.qdpx", tmp_path / "back")
    corpus, codebook, codings = load_imported(tmp_path / "back")
    original_book = load_codebook(PROJECT / "codebook.yaml", require_fixed_ids=False)
    original_corpus = load_corpus(PROJECT / "transcripts")
    original = load_codings(PROJECT / "codings", original_book)
    assert codebook.name == original_book.name
    assert [tuple(getattr(c, f) for f in CODE_FIELDS) for c in codebook.codes] == [
        tuple(getattr(c, f) for f in CODE_FIELDS) for c in original_book.codes
    ]
    pd.testing.assert_frame_equal(codings[KEY_COLUMNS], original[KEY_COLUMNS])
    assert (codings["segment_hash"] == original["segment_hash"]).all()
    for before, after in zip(original_corpus.transcripts, corpus.transcripts, strict=True):
        assert after.body == before.body
        attributes = [a for a in after.informant.attributes if a[0] != "provenance"]
        assert attributes == [a for a in before.informant.attributes if a[0] != "provenance"]
        assert after.informant.provenance.endswith(before.informant.provenance)
    run_export_qdc(tmp_path / "back", tmp_path / "again.qdc")


def test_qdc_round_trip(tmp_path: Path) -> None:
    book = load_codebook(PROJECT / "codebook.yaml", require_fixed_ids=False)
    export_qdc(book, tmp_path / "book.qdc")
    report = import_qdc(tmp_path / "book.qdc", tmp_path / "p")
    assert report.codes == 6 and report.files == ("codebook.yaml",)
    assert (
        report.summary()
        == "imported book.qdc (written by thesis_analysis): 6 codes\nwrote codebook.yaml"
    )
    back = load_codebook(tmp_path / "p" / "codebook.yaml", require_fixed_ids=False)
    assert [tuple(getattr(c, f) for f in CODE_FIELDS) for c in back.codes] == [
        tuple(getattr(c, f) for f in CODE_FIELDS) for c in book.codes
    ]


def test_existing_files_are_not_overwritten_without_force(tmp_path: Path) -> None:
    archive = zip_folder(REFI / "hand_authored", tmp_path / "hand.qdpx")
    import_qdpx(archive, tmp_path / "p")
    transcript = tmp_path / "p" / "transcripts" / "Participant_1.md"
    transcript.write_text(transcript.read_text() + "\nParticipant_1: Edited by hand.\n")
    edited = transcript.read_text()
    with pytest.raises(InputError, match=r"codebook\.yaml.*transcripts/Participant_1\.md"):
        import_qdpx(archive, tmp_path / "p")
    assert transcript.read_text() == edited
    with pytest.raises(InputError, match="codebook.yaml"):
        import_qdc(REFI / "hand_authored" / "project.qde", tmp_path / "p")
    import_qdpx(archive, tmp_path / "p", force=True)
    assert transcript.read_text() != edited


# --- vendor deviations ------------------------------------------------------------------

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Deviations" origin="test">
  <Users><User guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" name="Kari Koder"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="Målekort" isCodable="true">
      <NoteRef targetGUID="a0000000-0000-0000-0000-000000000001"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="40000000-0000-0000-0000-000000000001" name="Kari intervju.txt"
                plainTextPath="{path}">
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000001"
                          startPosition="{s1}" endPosition="{e1}">
        <Description>Selection memo.</Description>
        <Coding guid="60000000-0000-0000-0000-000000000001"
                creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
          <CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000002"
                          startPosition="{s2}" endPosition="{e2}">
        <Coding guid="60000000-0000-0000-0000-000000000002"
                creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
          <CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/>
          <NoteRef targetGUID="a0000000-0000-0000-0000-000000000002"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="a0000000-0000-0000-0000-000000000001" name="Code memo">
      <PlainTextContent>Talk about the målekort (written as a note).</PlainTextContent>
    </Note>
    <Note guid="a0000000-0000-0000-0000-000000000002" name="Coding memo">
      <PlainTextContent>Coding memo as a note.</PlainTextContent>
    </Note>
  </Notes>
</Project>
"""
TEXT = (
    "Intervjuer: Hei 😀 hvordan går det?\r\n"
    "Kari: Bra, takk 🙂. Jeg jobber mye.\r\n"
    "\r\n"
    "Kari: Målekortet 𝄞 styrer alt.\r\n"
)
PHRASES = ("Bra, takk 🙂", "Målekortet 𝄞 styrer alt")


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def deviation_qdpx(
    tmp_path: Path,
    positions: str = "codepoints",
    path: str = "internal://k.txt",
    member: str = "sources/k.txt",
    qde_name: str = "project.qde",
) -> Path:
    offsets = {}
    for number, phrase in enumerate(PHRASES, start=1):
        start = TEXT.index(phrase)
        end = start + len(phrase)
        if positions == "utf16":
            start, end = utf16_offset(TEXT, start), utf16_offset(TEXT, end)
        offsets.update({f"s{number}": start, f"e{number}": end})
    qde = QDE.format(path=path, **offsets)
    data = b"\xef\xbb\xbf" + TEXT.encode("utf-8")
    return make_qdpx(tmp_path / "dev.qdpx", qde, {member: data}, qde_name=qde_name)


def assert_deviation_import(into: Path) -> None:
    corpus, codebook, codings = load_imported(into)
    assert codebook.ids() == ("malekort",)
    assert codebook.get("malekort").definition == "Talk about the målekort (written as a note)."
    transcript = corpus.get("Kari_intervju")
    assert [t.speaker for t in transcript.turns] == ["I", "Kari_intervju", "Kari_intervju"]
    assert [transcript.body[r.start : r.end] for r in codings.itertuples()] == list(PHRASES)
    assert list(codings["snippet"]) == list(PHRASES)
    assert list(codings["memo"]) == ["Selection memo.", "Coding memo as a note."]
    assert set(codings["coder"]) == {"kari_koder"}


@pytest.mark.parametrize("positions", ["codepoints", "utf16"])
def test_positions_with_emoji_bom_and_crlf(tmp_path: Path, positions: str) -> None:
    report = import_qdpx(deviation_qdpx(tmp_path, positions), tmp_path / "p", positions=positions)
    assert report.positions == positions and report.codings == 2
    assert_deviation_import(tmp_path / "p")
    assert "\r" not in (tmp_path / "p" / "transcripts" / "Kari_intervju.md").read_text()


def test_utf16_positions_read_as_code_points_land_elsewhere(tmp_path: Path) -> None:
    import_qdpx(deviation_qdpx(tmp_path, "utf16"), tmp_path / "p", positions="codepoints")
    corpus, _, codings = load_imported(tmp_path / "p")
    body = corpus.get("Kari_intervju").body
    assert [body[r.start : r.end] for r in codings.itertuples()] != list(PHRASES)


def test_deviation_xml_named_after_the_project(tmp_path: Path) -> None:
    import_qdpx(deviation_qdpx(tmp_path, qde_name="Deviations.qde"), tmp_path / "p")
    assert_deviation_import(tmp_path / "p")


def test_deviation_capitalised_sources_folder(tmp_path: Path) -> None:
    import_qdpx(deviation_qdpx(tmp_path, member="Sources/k.txt"), tmp_path / "p")
    assert_deviation_import(tmp_path / "p")


@pytest.mark.parametrize("member", ["sources/k.txt", "k.txt"])
def test_deviation_plain_path_without_internal_scheme(tmp_path: Path, member: str) -> None:
    import_qdpx(deviation_qdpx(tmp_path, path="k.txt", member=member), tmp_path / "p")
    assert_deviation_import(tmp_path / "p")


def test_deviation_notes_as_descriptions_and_memos(tmp_path: Path) -> None:
    report = import_qdpx(deviation_qdpx(tmp_path), tmp_path / "p")
    assert report.not_imported == ()
    assert_deviation_import(tmp_path / "p")


def test_text_without_speaker_labels_becomes_informant_turns(tmp_path: Path) -> None:
    text = "Første avsnitt, linje én\nlinje to: fortsatt avsnittet.\n\nAndre avsnitt 😀.\n"
    qde = QDE.format(path="internal://k.txt", s1=0, e1=6, s2=text.index("Andre"), e2=len(text) - 1)
    archive = make_qdpx(tmp_path / "plain.qdpx", qde, {"sources/k.txt": text.encode()})
    report = import_qdpx(archive, tmp_path / "p")
    assert report.speakers == ()
    corpus, _, codings = load_imported(tmp_path / "p")
    transcript = corpus.get("Kari_intervju")
    assert [t.speaker for t in transcript.turns] == ["Kari_intervju", "Kari_intervju"]
    assert transcript.turns[0].text == "Første avsnitt, linje én\nlinje to: fortsatt avsnittet."
    assert [transcript.body[r.start : r.end] for r in codings.itertuples()] == [
        "Første",
        "Andre avsnitt 😀.",
    ]


def test_front_matter_from_case_variables_with_unknown_values(tmp_path: Path) -> None:
    case = RefiCase("c", "Kari", "Interviewed twice.", (("Role", "sjef"), ("Alder", "41")), ("s",))
    source = RefiSource("s", "Kari.txt", "", "Kari: Hei.\n", "", (), (("Team", "A"),), 0)
    warnings: list[str] = []
    settings = load_default_project_file()
    meta = build_front_matter("Kari", case, source, "x.qdpx", "P", warnings, settings)
    assert meta == {
        "id": "Kari",
        "role": "ukjent",
        "employer": "ukjent",
        "team": "A",
        "alder": "41",
        "source": "original",
        "provenance": "Imported from x.qdpx (REFI-QDA project 'P'), text source 'Kari.txt'. "
        "Interviewed twice.",
    }
    assert warnings == [
        "Kari: role 'sjef' is not one of leder, nestleder, teamleder, veileder, ukjent; set to "
        "ukjent (edit the front matter)"
    ]
    mapped = build_body("Kari: Hei.\n", "Kari", {"Kari"})
    meta["source"] = "reconstructed"
    text, transcript = make_transcript(meta, mapped, warnings, settings)
    assert transcript.informant.source == "original" and "source: original" in text
    assert "lacks the {kilde: …} markers" in warnings[-1]


def test_bad_positions_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="positions"):
        import_qdpx(REFI / "demo.qdpx", tmp_path / "p", positions="bytes")


def test_cli_glue_prints_the_report(tmp_path: Path) -> None:
    shutil.copy(REFI / "demo.qdpx", tmp_path / "demo.qdpx")
    summary = run_import_qdpx(tmp_path / "demo.qdpx", tmp_path / "p", False, "codepoints")
    assert summary.startswith("imported demo.qdpx (written by qc 1.3.2): 262 codes, 2 transcripts")
    assert "speakers in admin_1:" in summary and "wrote codings/cp.csv" in summary


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "has no codes"),
        ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "not a REFI-QDA codebook"),
    ],
)
def test_an_empty_codebook_is_told_apart_from_no_codebook(
    tmp_path: Path, xml: str, message: str
) -> None:
    path = tmp_path / "empty.qdc"
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n{xml}\n', encoding="utf-8")
    with pytest.raises(InputError, match=message):
        import_qdc(path, tmp_path / "p")


def test_an_imported_codebook_validates_without_the_thesis_codes(tmp_path: Path) -> None:
    run_export_qdc(PROJECT, tmp_path / "book.qdc")
    into = tmp_path / "p"
    import_qdc(tmp_path / "book.qdc", into)
    (into / "project.yaml").write_text(
        "name: P\nlanguage: nb\ninterviewer: I\ncase_variables:\n  role: free\n",
        encoding="utf-8",
    )
    shutil.copytree(PROJECT / "transcripts", into / "transcripts")
    assert main(["validate", "--root", str(into)]) == 0
