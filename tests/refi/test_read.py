"""Reading a ``project.qde`` element tree into records: namespaces, GUIDs, notes as
descriptions, variables, selections, what is skipped and counted."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.refi.read import (
    MAX_CODE_DEPTH,
    describe,
    has_codes_element,
    read_codebook_codes,
    read_notes,
    read_project,
    read_selection,
    source_name,
)

G = "{:08d}-0000-0000-0000-000000000000".format

PROJECT = f"""<Project xmlns="urn:QDA-XML:project:1.0" name=" Studie " origin="test 1.0"
    creatingUserGUID="{{{G(1).upper()}}}">
  <Users>
    <User guid="{G(1)}" name=" Kari Koder "/>
    <User guid="{G(2)}" id="bo"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{{{G(10).upper()}}}" name=" Styring " isCodable="false" color=" #112233 ">
      <Description>  Steering.  </Description>
      <Code guid="{G(11)}" name="Måling" isCodable="0"><NoteRef targetGUID="{G(90)}"/></Code>
      <Code guid="{G(12)}" name="Læring"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{G(30)}" name="Rolle" typeOfVariable="Text"/>
    <Variable guid="{G(31)}" name="Alder" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{G(40)}" name="Kari">
      <Description>Case note.</Description>
      <VariableValue><VariableRef targetGUID="{G(30)}"/>
        <TextValue> leder </TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{G(31)}"/>
        <IntegerValue>41</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{G(99)}"/>
        <TextValue>unknown</TextValue></VariableValue>
      <SourceRef targetGUID="{{{G(50).upper()}}}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{G(50)}" name="Kari.txt" plainTextPath="internal://{G(50)}.txt">
      <PlainTextSelection guid="{G(60)}" startPosition="3" endPosition="9" creatingUser="{G(1)}">
        <Description>Selection memo.</Description>
        <Coding guid="{G(70)}"><CodeRef targetGUID="{G(11)}"/></Coding>
        <Coding guid="{G(71)}" creatingUser="{G(2)}">
          <CodeRef targetGUID="{G(12)}"/><NoteRef targetGUID="{G(91)}"/>
        </Coding>
        <Coding guid="{G(72)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{G(61)}" startPosition="x" endPosition="9"/>
      <Coding guid="{G(73)}"><CodeRef targetGUID="{G(11)}"/></Coding>
    </TextSource>
    <TextSource guid="{G(51)}" plainTextPath="C:\\data\\Bo intervju.txt">
      <PlainTextContent>Inline text.</PlainTextContent>
    </TextSource>
    <PDFSource guid="{G(52)}" name="Rapport">
      <PDFSelection guid="{G(62)}"/><PDFSelection guid="{G(63)}"/>
    </PDFSource>
    <AudioSource guid="{G(53)}" name="Lyd">
      <Transcript guid="{G(54)}"><TranscriptSelection guid="{G(64)}"/></Transcript>
    </AudioSource>
  </Sources>
  <Notes>
    <Note guid="{G(90)}"><PlainTextContent> Code note. </PlainTextContent></Note>
    <Note guid="{G(91)}"><PlainTextContent>Coding note.</PlainTextContent></Note>
    <Note guid="{G(92)}"><PlainTextContent>Loose note.</PlainTextContent></Note>
  </Notes>
  <Links><Link guid="{G(80)}"/><Link guid="{G(81)}"/></Links>
  <Sets><Set guid="{G(82)}"/></Sets>
</Project>"""


@pytest.fixture(scope="module")
def project():
    return read_project(fromstring(PROJECT))


def test_project_header_and_users(project) -> None:
    assert (project.name, project.origin, project.creating_user) == ("Studie", "test 1.0", G(1))
    # a user without a name takes its id
    assert project.users == ((G(1), "Kari Koder"), (G(2), "bo"))


def test_codes_with_guids_normalised_and_notes_as_descriptions(project) -> None:
    (styring,) = project.codes
    assert (styring.guid, styring.name, styring.codable, styring.color) == (
        G(10),
        "Styring",
        False,
        "#112233",
    )
    assert styring.description == "Steering."
    maling, laering = styring.children
    assert (maling.name, maling.codable, maling.description) == ("Måling", False, "Code note.")
    assert (laering.codable, laering.color, laering.description, laering.children) == (
        True,
        None,
        "",
        (),
    )


def test_cases_with_variables_and_source_links(project) -> None:
    (case,) = project.cases
    assert case.name == "Kari" and case.description == "Case note."
    # a value of an unknown variable is left out
    assert case.variables == (("Rolle", "leder"), ("Alder", "41"))
    assert case.source_guids == (G(50),)


def test_text_sources_and_selections(project) -> None:
    kari, bo = project.sources
    assert (kari.name, kari.plain_text_path, kari.inline_text) == (
        "Kari.txt",
        f"internal://{G(50)}.txt",
        None,
    )
    (selection,) = kari.selections  # the one with positions that are no numbers is dropped
    assert (selection.start, selection.end, selection.memo) == (3, 9, "Selection memo.")
    # a coding without its own user takes the selection's; one without CodeRef is left out
    assert selection.codings == ((G(11), G(1), ""), (G(12), G(2), "Coding note."))
    assert kari.source_codings == 1
    assert bo.name == "Bo intervju.txt"  # no name: the file name of the path
    assert bo.inline_text == "Inline text."


def test_skipped_and_not_imported_are_counted(project) -> None:
    assert project.skipped_sources == (("Rapport", "PDF"), ("Lyd", "audio"))
    assert project.skipped_selections == (
        ("PDFSelection", 2),
        ("PlainTextSelection (positions not numbers)", 1),
        ("TranscriptSelection", 1),
    )
    # notes 90 and 91 are attached; 92 is not
    assert project.not_imported == (
        ("Links", 2),
        ("Notes (not attached to a code, source or selection)", 1),
        ("Sets", 1),
    )


def test_elements_without_a_namespace_are_read() -> None:
    bare = PROJECT.replace(' xmlns="urn:QDA-XML:project:1.0"', "")
    assert read_project(fromstring(bare)) == read_project(fromstring(PROJECT))


def test_a_root_that_is_not_a_project_is_refused() -> None:
    with pytest.raises(
        InputError, match=r"project\.qde: the root element is <CodeBook>, not <Project>"
    ):
        read_project(fromstring('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'))


def test_codebook_root_and_codes_element() -> None:
    book = fromstring(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{G(1)}" name="A"/><Code guid="{G(2)}" name="B" isCodable=" FALSE "/>'
        "</Codes></CodeBook>"
    )
    codes = read_codebook_codes(book)
    assert [(c.name, c.codable) for c in codes] == [("A", True), ("B", False)]
    assert has_codes_element(book)
    assert not has_codes_element(fromstring("<CodeBook/>"))
    assert read_codebook_codes(fromstring("<CodeBook/>")) == ()
    assert read_codebook_codes(fromstring("<Project/>")) == ()
    assert not has_codes_element(fromstring("<Project/>"))


def test_codes_nested_too_deep_are_refused() -> None:
    depth = MAX_CODE_DEPTH + 2
    xml = (
        "<CodeBook><Codes>" + '<Code name="x">' * depth + "</Code>" * depth + "</Codes></CodeBook>"
    )
    with pytest.raises(InputError, match=f"nested deeper than {MAX_CODE_DEPTH} levels"):
        read_codebook_codes(fromstring(xml))


def test_describe_joins_several_notes_and_skips_unknown_ones() -> None:
    notes = read_notes(fromstring(PROJECT))
    element = fromstring(
        f'<Code><NoteRef targetGUID="{G(90)}"/><NoteRef targetGUID="{G(98)}"/>'
        f'<NoteRef targetGUID="{{{G(91)}}}"/></Code>'
    )
    assert describe(element, notes) == "Code note.\n\nCoding note."
    with_description = fromstring(
        f'<Code><Description>Own.</Description><NoteRef targetGUID="{G(90)}"/></Code>'
    )
    assert describe(with_description, notes) == "Own."


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('startPosition="0" endPosition="5"', (0, 5)),
        ('startPosition="-1" endPosition="5"', (-1, 5)),  # kept; the importer checks the range
        ('startPosition="1.5" endPosition="5"', None),
        ('endPosition="5"', None),
    ],
)
def test_read_selection_positions(attributes: str, expected) -> None:
    selection = read_selection(fromstring(f"<PlainTextSelection {attributes}/>"), {})
    assert (None if selection is None else (selection.start, selection.end)) == expected


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('name=" Intervju "', "Intervju"),
        ('plainTextPath="internal://abc.txt"', "abc.txt"),
        ('plainTextPath="relative://a/b/c.txt"', "c.txt"),
        ('plainTextPath="C:\\x\\y.txt"', "y.txt"),
        ('name="N" plainTextPath="p.txt"', "N"),
        ("", ""),
    ],
)
def test_source_name(attributes: str, expected: str) -> None:
    assert source_name(fromstring(f"<TextSource {attributes}/>")) == expected
