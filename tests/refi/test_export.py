"""REFI-QDA export: valid against the shipped XSDs, stable GUIDs, byte-identical re-export."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import load_codings
from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.errors import InputError
from thesis_analysis.refi.commands import run_export_qdc, run_export_qdpx
from thesis_analysis.refi.export import export_qdc, export_qdpx
from thesis_analysis.refi.ids import PROJECT_NAMESPACE, make_guid

REFI = Path(__file__).parents[1] / "data" / "refi"
PROJECT = REFI / "project"
NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}


@pytest.fixture(scope="module")
def project():
    corpus = load_corpus(PROJECT / "transcripts")
    codebook = load_codebook(PROJECT / "codebook.yaml", require_fixed_ids=False)
    codings = load_codings(PROJECT / "codings", codebook)
    return corpus, codebook, codings


@pytest.fixture(scope="module")
def exported(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "project.qdpx"
    export_qdpx(*project, out)
    return out


def read_qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_project_validates_against_project_xsd(exported: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(REFI / "Project.xsd")))
    assert schema.validate(read_qde(exported)), schema.error_log


def test_codebook_validates_against_codebook_xsd(project, tmp_path: Path) -> None:
    out = tmp_path / "codebook.qdc"
    assert export_qdc(project[1], out) == 6
    schema = etree.XMLSchema(etree.parse(str(REFI / "Codebook.xsd")))
    assert schema.validate(etree.parse(str(out))), schema.error_log
    names = etree.parse(str(out)).xpath("//c:Code/@name", namespaces=NS)
    assert names == [
        "Styring",
        "Resultatmåling",
        "Læring og forbedring",
        "Målforskyvning",
        "Holdning",
        "Kritisk",
    ]


def test_archive_holds_project_qde_and_one_utf8_text_per_transcript(project, exported) -> None:
    corpus = project[0]
    with zipfile.ZipFile(exported) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        for transcript in corpus.transcripts:
            member = f"sources/{make_guid('source', transcript.id)}.txt"
            assert archive.read(member) == transcript.body.encode("utf-8")
        assert len(names) == 1 + len(corpus.transcripts)
    paths = read_qde(exported).xpath("//q:TextSource/@plainTextPath", namespaces=NS)
    assert all(p.startswith("internal://") and p.endswith(".txt") for p in paths)


def test_reexport_is_byte_identical(project, exported, tmp_path: Path) -> None:
    again = tmp_path / "again.qdpx"
    export_qdpx(*project, again)
    assert again.read_bytes() == exported.read_bytes()


def test_guids_are_uuid5_of_the_object_identity(exported) -> None:
    root = read_qde(exported)
    code = root.xpath("//q:Code[@name='Målforskyvning']/@guid", namespaces=NS)[0]
    assert code == str(uuid.uuid5(PROJECT_NAMESPACE, "code\x1fmalforskyvning"))
    assert root.xpath("//q:User[@name='anna']/@guid", namespaces=NS) == [make_guid("user", "anna")]
    assert root.xpath("//q:TextSource[@name='V2']/@guid", namespaces=NS) == [
        make_guid("source", "V2")
    ]
    assert not root.xpath("//@creationDateTime | //@modifiedDateTime")


def test_selection_positions_are_code_points_into_the_body(project, exported) -> None:
    corpus, _, codings = project
    root = read_qde(exported)
    coded = {(r.coder, r.start, r.end) for r in codings.itertuples()}
    found = set()
    for source in root.xpath("//q:TextSource", namespaces=NS):
        body = corpus.get(source.get("name")).body
        for selection in source.xpath("q:PlainTextSelection", namespaces=NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            user = root.xpath(
                f"//q:User[@guid='{selection.get('creatingUser')}']/@name", namespaces=NS
            )[0]
            found.add((user, start, end))
            assert " ".join(body[start:end].split())[:59] in selection.get("name")
    assert found == coded
    emoji = codings[codings["code"] == "styring.resultatmaling"]
    row = emoji[emoji["segment_id"] == "V2-t002-s01"].iloc[0]
    assert corpus.get("V2").body[row.start : row.end] == "følger opp planer 😀 hele dagen"


def test_users_codings_and_memos(exported) -> None:
    root = read_qde(exported)
    assert root.xpath("//q:User/@name", namespaces=NS) == ["anna", "auto"]
    assert len(root.xpath("//q:PlainTextSelection", namespaces=NS)) == 9
    assert len(root.xpath("//q:Coding", namespaces=NS)) == 10
    notes = root.xpath("//q:Note/q:PlainTextContent/text()", namespaces=NS)
    assert 'Line 1 of a memo.\nLine 2, with <xml> & "quotes".' in notes
    refs = root.xpath("//q:Coding/q:NoteRef/@targetGUID", namespaces=NS)
    assert sorted(refs) == sorted(root.xpath("//q:Note/@guid", namespaces=NS))


def test_cases_carry_the_informant_attributes(exported) -> None:
    root = read_qde(exported)
    variables = {v.get("guid"): v.get("name") for v in root.xpath("//q:Variable", namespaces=NS)}
    assert list(variables.values()) == ["role", "employer", "team", "source", "guide"]
    cases = {}
    for case in root.xpath("//q:Case", namespaces=NS):
        values = {
            variables[v.xpath("q:VariableRef/@targetGUID", namespaces=NS)[0]]: v.xpath(
                "q:TextValue/text()", namespaces=NS
            )[0]
            for v in case.xpath("q:VariableValue", namespaces=NS)
        }
        refs = case.xpath("q:SourceRef/@targetGUID", namespaces=NS)
        cases[case.get("name")] = (values, refs)
    assert cases["TL1"][0] == {
        "role": "teamleder",
        "employer": "stat",
        "team": "oppfølging",
        "source": "reconstructed",
        "guide": "teamleder_veileder",
    }
    assert "team" not in cases["V2"][0]
    assert cases["V2"][1] == [make_guid("source", "V2")]


def test_code_tree_colours_and_descriptions(exported) -> None:
    root = read_qde(exported)
    top = root.xpath("//q:CodeBook/q:Codes/q:Code/@name", namespaces=NS)
    assert top == ["Styring", "Målforskyvning", "Holdning"]
    styring = root.xpath("//q:Codes/q:Code[@name='Styring']", namespaces=NS)[0]
    assert styring.get("isCodable") == "false"
    assert styring.xpath("q:Code/@name", namespaces=NS) == [
        "Resultatmåling",
        "Læring og forbedring",
    ]
    kritisk = root.xpath("//q:Code[@name='Kritisk']", namespaces=NS)[0]
    assert kritisk.get("color") == "#CC79A7"
    description = kritisk.xpath("q:Description/text()", namespaces=NS)[0]
    assert description.startswith("The informant is critical of the measurements.\n\nShort:")
    assert description.endswith("Code id: holdning.kritisk")


def test_codings_without_offsets_take_the_segment_offsets(project, tmp_path: Path) -> None:
    corpus, codebook, codings = project
    segments = pd.DataFrame(
        [{"segment_id": "TL1-t002-s01", "start": 64, "end": 94}],
        columns=["segment_id", "start", "end"],
    )
    row = codings.iloc[[0]].copy()
    row[["segment_id", "start", "end"]] = ["TL1-t002-s01", pd.NA, pd.NA]
    export_qdpx(corpus, codebook, row, tmp_path / "x.qdpx", segments=segments)
    selection = read_qde(tmp_path / "x.qdpx").xpath("//q:PlainTextSelection", namespaces=NS)[0]
    assert (selection.get("startPosition"), selection.get("endPosition")) == ("64", "94")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("code", "ukjent_kode", "not in the codebook"),
        ("segment_id", "XX-t001-s01", "no transcript"),
        ("end", 10**6, "outside the transcript body"),
    ],
)
def test_bad_codings_are_refused(project, tmp_path: Path, column, value, message) -> None:
    corpus, codebook, codings = project
    bad = codings.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[0, column] = value
    with pytest.raises(InputError, match=message):
        export_qdpx(corpus, codebook, bad, tmp_path / "bad.qdpx")
    assert not (tmp_path / "bad.qdpx").exists()


def test_cli_glue_summarises(tmp_path: Path) -> None:
    summary = run_export_qdpx(PROJECT, tmp_path / "p.qdpx")
    assert "2 text sources, 6 codes, 2 users, 2 cases, 9 selections with 10 codings" in summary
    assert run_export_qdc(PROJECT, tmp_path / "c.qdc") == f"wrote {tmp_path / 'c.qdc'}: 6 codes"
    with pytest.raises(InputError, match=r"\.qdpx"):
        run_export_qdpx(PROJECT, tmp_path / "p.zip")
