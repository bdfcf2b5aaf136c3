"""Tests for importing researchers' own transcripts (thesis_analysis.corpus.importers)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import docx
import pytest
import yaml

from thesis_analysis.corpus.importers import (
    ImportedTurn,
    import_transcripts,
    make_safe_id,
    parse_speaker_options,
    read_docx,
    read_transcript_source,
    render_transcript,
    run_import,
)
from thesis_analysis.corpus.subtitles import split_speaker_label
from thesis_analysis.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "import"
THESIS_VALUES = {"role": "leder", "employer": "stat"}
VEILEDER = {"role": "veileder", "employer": "kommune"}
REQUIRED_KEYS = {"id", "role", "employer", "source", "provenance"}

FIXTURE_TURNS = {
    "interview.txt": [
        ("Intervjuer", "Hvor lenge har du vært ansatt i NAV?"),
        (
            "Kari",
            "Jeg har jobbet her i mange år. Det har vært spennende, særlig med målekortet. "
            "Det var sånn: vi målte alt, også det som ikke kunne måles.",
        ),
        ("Intervjuer", "Hva betyr styringsparametere for deg i hverdagen?"),
        ("Kari", "De gir oss en retning, men ikke alt kan telles."),
    ],
    "kari.vtt": [
        ("Intervjuer", "Hvor lenge har du vært ansatt i NAV?"),
        (
            "Kari Nordmann",
            "Jeg har jobbet her i mange år, & det er fint. og målekortet hjelper oss.",
        ),
        ("Intervjuer", "Takk skal du ha."),
    ],
    "kari.srt": [
        ("Intervjuer", "Hva synes du om målekortet?"),
        ("Kari", "Målekortet er nyttig, men det forteller ikke alt. Vi bruker det hver uke."),
        ("Intervjuer", "Takk."),
    ],
}

# One interview written out in every supported format by the writers below.
SCRIPT = [
    ("Intervjuer", ["Hvor lenge har du vært ansatt i NAV?"]),
    (
        "Kari",
        [
            "Jeg har jobbet her i mange år,",
            "og målekortet er nyttig: vi ser tallene.",
            "Det var sånn: 3 av 4 mål ble nådd (ca. 75 %).",
        ],
    ),
    ("Intervjuer", ["Hva med «brukermedvirkning» og æ, ø, å?"]),
    ("Kari", ["Vi jobber med det — hver dag.", "Takk."]),
]


def parse_transcript(text: str) -> tuple[dict, list[tuple[str, str]]]:
    """Parse front matter and turns as ``docs/transcript-format.md`` describes them."""
    assert text.startswith("---\n")
    header, separator, body = text[4:].partition("\n---\n")
    assert separator, "no closing --- line"
    front = yaml.safe_load(header)
    turns = []
    for paragraph in body.strip("\n").split("\n\n"):
        assert "\n" not in paragraph, f"turn spans several lines: {paragraph!r}"
        match = re.fullmatch(r"(\w+): (\S.*)", paragraph)
        assert match, f"not a LABEL: text turn: {paragraph!r}"
        turns.append((match[1], match[2]))
    return front, turns


def count_words(text: str) -> Counter[str]:
    """Multiset of the casefolded words in ``text``."""
    return Counter(re.findall(r"\w+", text.casefold()))


def write_script(path: Path, newline: str = "\n", bom: bool = False) -> Path:
    """Write SCRIPT to ``path`` in the format its suffix names."""
    if path.suffix == ".docx":
        document = docx.Document()
        for speaker, lines in SCRIPT:
            paragraph = document.add_paragraph(f"{speaker}: {lines[0]}")
            for line in lines[1:2]:  # a soft line break inside the paragraph
                paragraph.add_run().add_break()
                paragraph.add_run(line)
            for line in lines[2:]:  # an unlabelled paragraph continues the turn
                document.add_paragraph(line)
        document.save(str(path))
        return path
    if path.suffix == ".txt":
        text = "\n\n".join(f"{speaker}: " + "\n".join(lines) for speaker, lines in SCRIPT)
    else:
        cues = [
            ((f"<v {speaker}>" if path.suffix == ".vtt" else f"{speaker}: ") if i == 0 else "")
            + line
            for speaker, lines in SCRIPT
            for i, line in enumerate(lines)
        ]
        comma = "." if path.suffix == ".vtt" else ","
        blocks = [
            f"{n}\n00:00:{n:02d}{comma}000 --> 00:00:{n + 1:02d}{comma}000\n{cue}"
            for n, cue in enumerate(cues, start=1)
        ]
        if path.suffix == ".vtt":
            blocks = ["WEBVTT", "NOTE ikke tale", *blocks]
        text = "\n\n".join(blocks)
    data = (text + "\n").replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def render(path: Path, turns: list[ImportedTurn], speaker_map: dict | None = None) -> str:
    """Render ``turns`` for informant V3 with default attributes."""
    return render_transcript(
        turns, "V3", {"role": "veileder"}, speaker_map or {}, source_name=path.name
    )


@pytest.mark.parametrize("name", sorted(FIXTURE_TURNS))
def test_fixture_turns(name: str) -> None:
    turns = read_transcript_source(DATA / name)
    assert [(t.speaker, t.text) for t in turns] == FIXTURE_TURNS[name]


@pytest.mark.parametrize("name", sorted(FIXTURE_TURNS))
def test_rendered_fixture_follows_format(name: str) -> None:
    text = render(DATA / name, read_transcript_source(DATA / name))
    front, turns = parse_transcript(text)
    assert REQUIRED_KEYS <= set(front)
    assert front["id"] == "V3" and front["source"] == "original"
    assert front["role"] == "veileder" and front["employer"] == "ukjent"
    assert name in front["provenance"] and str(DATA) not in text
    assert [label for label, _ in turns] == [
        "I" if speaker == "Intervjuer" else "V3" for speaker, _ in FIXTURE_TURNS[name]
    ]


def test_plain_text_fixture_keeps_every_word() -> None:
    source = (DATA / "interview.txt").read_text(encoding="utf-8")
    labels = re.findall(r"^(\w+):", source, flags=re.MULTILINE)
    expected = count_words(source) - count_words(" ".join(labels))
    turns_read = read_transcript_source(DATA / "interview.txt")
    _, turns = parse_transcript(render(DATA / "interview.txt", turns_read))
    assert count_words(" ".join(text for _, text in turns)) == expected


def test_subtitle_metadata_is_dropped() -> None:
    text = render(DATA / "kari.vtt", read_transcript_source(DATA / "kari.vtt"))
    for word in ("Eksportert", "merknaden", "cue", "captions", "00", "intro", "yellow", "align"):
        assert word not in text.split("---\n")[-1]


@pytest.mark.parametrize("suffix", [".txt", ".srt", ".vtt", ".docx"])
@pytest.mark.parametrize(("newline", "bom"), [("\n", False), ("\r\n", True)])
def test_round_trip_keeps_every_word(tmp_path: Path, suffix: str, newline: str, bom: bool) -> None:
    path = write_script(tmp_path / f"intervju{suffix}", newline, bom)
    [written] = import_transcripts(
        [path], tmp_path / "out", None, THESIS_VALUES | {"team": "drift"}, {"Kari": "V3"}
    )
    assert written == tmp_path / "out" / "V3.md"
    front, turns = parse_transcript(written.read_text(encoding="utf-8"))
    assert front["team"] == "drift" and front["employer"] == "stat"
    assert [label for label, _ in turns] == ["I", "V3", "I", "V3"]
    expected = count_words(" ".join(line for _, lines in SCRIPT for line in lines))
    assert count_words(" ".join(text for _, text in turns)) == expected
    assert turns[1][1] == " ".join(SCRIPT[1][1])


def test_read_docx_with_table_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Intervjuer: Hvor lenge har du vært ansatt i NAV?")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(
        table.rows,
        [("00:01:02", "Kari", "Lenge."), ("00:01:10", "Intervjuer:", "Hva med teamet?")],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("")
    document.save(str(tmp_path / "tabell.docx"))
    turns = read_docx(tmp_path / "tabell.docx")
    assert turns == [
        ImportedTurn("Intervjuer", "Hvor lenge har du vært ansatt i NAV?"),
        ImportedTurn("Kari", "Lenge."),
        ImportedTurn("Intervjuer", "Hva med teamet?"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I: Hei", ("I", "Hei")),
        ("Intervjuer: Hvor lenge?", ("Intervjuer", "Hvor lenge?")),
        ("Informant 3: Ja.", ("Informant 3", "Ja.")),
        ("Kari Nordmann: Ja.", ("Kari Nordmann", "Ja.")),
        ("Åse:", ("Åse", "")),
        ("[SPEAKER_00]: hallo", ("SPEAKER_00", "hallo")),
        ("Det var sånn: vi målte alt", (None, "Det var sånn: vi målte alt")),
        ("Se https://nav.no", (None, "Se https://nav.no")),
        ("10:30 møtte vi", (None, "10:30 møtte vi")),
        ("Kari:uten mellomrom", (None, "Kari:uten mellomrom")),
        ("En To Tre Fire Fem: for lang", (None, "En To Tre Fire Fem: for lang")),
    ],
)
def test_split_speaker_label(line: str, expected: tuple[str | None, str]) -> None:
    assert split_speaker_label(line) == expected


@pytest.mark.parametrize(
    ("labels", "speaker_map", "expected"),
    [
        (["Intervjuer", "Kari"], {}, ["I", "V3"]),
        (["Q", "Kari"], {}, ["I", "V3"]),
        (["Int.", "Kari"], {}, ["I", "V3"]),
        (["Ola", "Kari"], {"Ola": "I"}, ["I", "V3"]),
        (["Ola", "Kari"], {"ola": "I", "KARI": "V3"}, ["I", "V3"]),
        (["I", "V3"], {}, ["I", "V3"]),
        (
            ["Intervjuer", "Kari", "Kari Nordmann"],
            {"Kari": "V3", "Kari Nordmann": "V3"},
            ["I", "V3", "V3"],
        ),
        (["Ola", "Kari"], {}, ["'Ola' (1 turns)", "'Kari' (1 turns)", '--speaker "Ola=V3"']),
        (["Intervjuer", "Kari", "Per"], {}, ["'Per'", '--speaker "Kari=V3" --speaker "Per=I"']),
        (["Intervjuer", "Kari"], {"Kari": "V4"}, ["'Kari' to 'V4'"]),
        (["Intervjuer", "Q"], {}, ["no speaker label is mapped to the informant"]),
    ],
)
def test_speaker_mapping(labels: list[str], speaker_map: dict, expected: list[str]) -> None:
    turns = [ImportedTurn(label, f"tekst {n}") for n, label in enumerate(labels)]
    if expected[0] in ("I", "V3"):
        _, rendered = parse_transcript(render(Path("x.txt"), turns, speaker_map))
        assert [label for label, _ in rendered] == expected
        return
    with pytest.raises(InputError) as error:
        render(Path("x.txt"), turns, speaker_map)
    assert "x.txt" in str(error.value)
    for part in expected:
        assert part in str(error.value)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cp1252.txt", None, ["cp1252.txt", "cp1252/latin-1", "iconv -f cp1252 -t utf-8"]),
        ("binary.txt", None, ["binary.txt", "binary"]),
        (
            "latin.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nKari: Målekortet er nyttig\n".encode("cp1252"),
            ["latin.srt", "line 3", "iconv"],
        ),
        (
            "uten.vtt",
            b"WEBVTT\n\n00:01.000 --> 00:02.000\nHei der\n",
            ["uten.vtt", "line 4", "speaker label", "--speaker"],
        ),
        ("tittel.txt", b"Intervju 3. mars\n\nKari: Hei\n", ["tittel.txt", "line 1", "Intervju"]),
        ("tom.srt", b"", ["tom.srt", "no spoken text"]),
        ("notater.pdf", b"%PDF", ["notater.pdf", ".docx", ".txt", ".vtt", ".srt"]),
        ("gammel.docx", b"not a zip", ["gammel.docx", "save it as .docx"]),
        ("mangler.txt", "missing", ["mangler.txt", "no such file"]),
    ],
)
def test_errors_name_the_file(
    tmp_path: Path, name: str, content: bytes | str | None, expected: list[str]
) -> None:
    path = tmp_path / name
    if content is None:
        shutil.copy(DATA / name, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputError) as error:
        import_transcripts([path], tmp_path / "out", None, THESIS_VALUES, {})
    for part in expected:
        assert part in str(error.value)
    assert not (tmp_path / "out").exists()


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    [first] = import_transcripts([DATA / "kari.srt"], out, ["V3"], VEILEDER, {})
    first.write_text("researcher's edits\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"V3\.md already exists.*--force"):
        import_transcripts([DATA / "kari.srt"], out, ["V3"], VEILEDER, {})
    assert first.read_text(encoding="utf-8") == "researcher's edits\n"
    import_transcripts([DATA / "kari.srt"], out, ["V3"], VEILEDER, {}, force=True)
    assert parse_transcript(first.read_text(encoding="utf-8"))[0]["employer"] == "kommune"
    assert [p.name for p in out.iterdir()] == ["V3.md"]


def test_nothing_is_written_when_one_file_fails(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary.txt"):
        import_transcripts(
            [DATA / "kari.srt", DATA / "binary.txt"], tmp_path, None, THESIS_VALUES, {}
        )
    assert list(tmp_path.iterdir()) == []


def test_run_import_takes_id_from_speaker_option(tmp_path: Path) -> None:
    written = run_import(
        [DATA / "kari.vtt", DATA / "interview.txt"],
        tmp_path,
        None,
        ["role=teamleder", "employer=stat", "team=oppfølging"],
        ["Kari Nordmann = V3", "Intervjuer=I"],
        force=False,
    )
    assert [p.name for p in written] == ["V3.md", "interview.md"]
    front, turns = parse_transcript(written[0].read_text(encoding="utf-8"))
    assert front["team"] == "oppfølging" and front["role"] == "teamleder"
    assert front["provenance"].endswith("mapped: Intervjuer=I, Kari Nordmann=V3.")
    assert turns[1][0] == "V3"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ids": ["V3", "V4"]}, "2 ids given"),
        ({"ids": ["I"]}, "'I' is not valid"),
        ({"ids": ["../V3"]}, "not valid"),
        ({"attributes": ["role=sjef"]}, "role 'sjef'"),
        ({"attributes": ["employer=privat"]}, "employer 'privat'"),
        ({"attributes": ["role"]}, "expected NAME=VALUE"),
        ({"attributes": ["role=leder", "role=veileder"]}, "'role' twice"),
        ({"speakers": ["Kari"]}, "expected LABEL=ID"),
        ({"speakers": ["Kari=V3", "Kari=V4"]}, "both V3 and V4"),
        ({"paths": [DATA / "kari.srt", DATA / "kari.vtt"], "ids": ["v3", "V3"]}, "both be written"),
    ],
)
def test_invalid_options(tmp_path: Path, kwargs: dict, message: str) -> None:
    options = {
        "paths": [DATA / "kari.srt"],
        "out_dir": tmp_path,
        "ids": None,
        "attributes": [],
        "speakers": [],
        "force": False,
    } | kwargs
    with pytest.raises(InputError, match=re.escape(message)):
        run_import(**options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Kari", "Kari"),
        ("intervju Øystein 2023-03-01", "intervju_Øystein_202"),
        ("--TL 1--", "TL_1"),
        ("---", ""),
    ],
)
def test_make_safe_id(stem: str, expected: str) -> None:
    assert make_safe_id(stem) == expected


def test_parse_speaker_options() -> None:
    assert parse_speaker_options(["Kari  Nordmann=V3", "Intervjuer = I"]) == {
        "Kari Nordmann": "V3",
        "Intervjuer": "I",
    }


@pytest.mark.parametrize(
    ("suffix", "source", "expected"),
    [
        (
            ".vtt",
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ola>Hei.</v> <v Kari>Hallo.</v>\n",
            [("Ola", "Hei."), ("Kari", "Hallo.")],
        ),
        (
            ".vtt",
            "WEBVTT\n00:01.000 --> 00:02.000\n<v Ola>a &lt;b&gt; c&nbsp;d</v>\n",
            [("Ola", "a <b> c d")],
        ),
        (
            ".vtt",
            "WEBVTT\n\nNOTE en\nto\n\n1\n00:01.000 --> 00:02.000\n<v Ola>Hei\n\n"
            "NOTE tre\n\n00:02.000 --> 00:03.000\n<v Ola>igjen\n",
            [("Ola", "Hei igjen")],
        ),
        (
            ".srt",
            "1\n00:00:01,000 --> 00:00:02,000\nOla: Hei\n2\n00:00:02,000 --> 00:00:03,000\n"
            "Kari: {\\an8}Hallo\n",
            [("Ola", "Hei"), ("Kari", "Hallo")],
        ),
        (
            ".srt",
            "1\n00:00:01,000 --> 00:00:02,000\nOla: Hei\n\nmed blank linje\n\n"
            '2\n00:00:02,000 --> 00:00:03,000\n<font color="#fff">Kari: Ja</font>\n',
            [("Ola", "Hei med blank linje"), ("Kari", "Ja")],
        ),
        (
            ".srt",
            "1\n00:00:01,000 --> 00:00:02,000\nOla: Hei\nKari: Hallo\n",
            [("Ola", "Hei"), ("Kari", "Hallo")],
        ),
    ],
)
def test_subtitle_cases(
    tmp_path: Path, suffix: str, source: str, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / f"cues{suffix}"
    path.write_text(source, encoding="utf-8")
    assert [(t.speaker, t.text) for t in read_transcript_source(path)] == expected
