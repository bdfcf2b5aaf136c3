"""Loading and validating transcripts: every problem reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.corpus.records import informants_to_frame, turns_to_frame
from thesis_analysis.corpus.transcripts import parse_transcript, read_transcript
from thesis_analysis.errors import InputError

BROKEN = Path(__file__).parents[1] / "data" / "broken_transcripts"


@pytest.fixture(scope="module")
def broken():
    return load_corpus(BROKEN, strict=False)


@pytest.mark.parametrize(
    ("file", "line", "words"),
    [
        ("C1_duplicate.md", 2, "duplicate id 'A1'"),
        ("D1_no_front_matter.md", 1, "no front matter"),
        ("E1_bad_yaml.md", 4, "not valid YAML"),
        ("F1_unknown_values.md", 2, "unknown role 'sjef'"),
        ("F1_unknown_values.md", 2, "unknown employer 'fylket'"),
        ("G1_speakers.md", 9, "turn without a speaker"),
        ("G1_speakers.md", 13, "speaker 'X9' is not declared"),
        ("G1_speakers.md", 15, "lacks '{kilde"),
        ("H1_empty.md", 1, "empty"),
        ("J1_cp1252.md", 9, "cp1252"),
        ("K1_binary.md", 1, "binary"),
    ],
)
def test_each_problem_is_reported(broken, file: str, line: int, words: str) -> None:
    matching = [p for p in broken.problems if p.file == file and words in p.message]
    assert matching, f"no problem {words!r} for {file}: {[str(p) for p in broken.problems]}"
    assert line in [p.line for p in matching]


def test_good_files_still_load(broken) -> None:
    assert [t.id for t in broken.transcripts] == ["A1", "B1_bom_crlf"]
    assert broken.transcripts[1].informant.id == "B1"


def test_strict_loading_raises_with_every_problem() -> None:
    with pytest.raises(InputError) as info:
        load_corpus(BROKEN)
    message = str(info.value)
    for name in ("D1_no_front_matter.md", "E1_bad_yaml.md", "K1_binary.md", "J1_cp1252.md"):
        assert name in message


def test_bom_and_crlf_are_normalised_and_offsets_hold() -> None:
    transcript, problems = read_transcript(BROKEN / "B1_bom_crlf.md")
    assert problems == []
    assert "\r" not in transcript.body and "\ufeff" not in transcript.body
    for turn in transcript.turns:
        assert transcript.body[turn.start : turn.end] == turn.text
    assert transcript.turns[-1].text == "Lenge. Vi har tavlemøte hver mandag."


def test_turns_sections_and_provenance() -> None:
    text = (
        "---\nid: Z1\nrole: leder\nemployer: kommune\nsource: reconstructed\nprovenance: p\n---\n"
        "## Styringsparametere\n\nI: Spørsmål?\n\n"
        "Z1: Første linje\nandre linje. {kilde: 4.2.2; sitat}\n"
    )
    transcript, problems = parse_transcript(text, "Z1.md")
    assert problems == []
    turn = transcript.turns[1]
    assert (turn.speaker, turn.section, turn.provenance) == (
        "Z1",
        "styringsparametere",
        "4.2.2; sitat",
    )
    assert turn.text == "Første linje\nandre linje."
    assert transcript.body[turn.start : turn.end] == turn.text
    assert turn.line == 12


def test_frames() -> None:
    corpus = load_corpus(BROKEN, strict=False)
    informants = informants_to_frame(corpus)
    assert informants["informant"].tolist() == ["A1", "B1"]
    turns = turns_to_frame(corpus)
    assert set(turns["speaker"]) == {"I", "A1", "B1"}
