"""The command end to end: consistency, key, reverse, idempotence, refusals, config errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.config import load_project_lists
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.placeholders import PlaceholderMap
from thesis_analysis.privacy.pseudonymise import run_pseudonymise

FIRST = """---
id: V9
role: veileder
employer: kommune
source: original
provenance: >-
  Intervju gjort av Kari Nordmann i Bergen.
---

## Introduksjon

I: Hvem er sjefen din?

V9: Sjefen min heter Tor Olsen. Tor sa at jeg kan ringe 912 34 567. {kilde: 4.2; sitat}
"""
SECOND = (
    "---\r\nid: V8\r\nsource: original\r\nprovenance: x\r\n---\r\n\r\n"
    "V8: Jeg møtte Tor Olsen på Madla sykehjem.\r\n"
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "V9.md").write_text(FIRST, encoding="utf-8")
    (tmp_path / "in" / "V8.md").write_bytes(SECOND.encode("utf-8"))
    return tmp_path


def run(project: Path, detector: Detector, out: str = "out", **kwargs) -> str:
    return run_pseudonymise(
        project / "in" if "source" not in kwargs else kwargs.pop("source"),
        project / out,
        project / "private" / "key.csv",
        project_root=project,
        detector=detector,
        **kwargs,
    )


def test_consistent_placeholders_and_flag(project: Path, detector: Detector) -> None:
    before = {p.name: p.read_bytes() for p in (project / "in").iterdir()}
    run(project, detector)
    first = (project / "out" / "V9.md").read_text(encoding="utf-8")
    second = (project / "out" / "V8.md").read_bytes().decode("utf-8")
    # files in name order (V8 first); a first name alone takes the full name's placeholder
    assert "møtte [PERSON-1] på [ARBEIDSSTED-1]" in second
    assert "heter [PERSON-1]. [PERSON-1] sa" in first
    assert "av [PERSON-2] i [STED-1]" in first
    assert "pseudonymised: true\n---" in first and "pseudonymised: true\r\n---" in second
    assert "{kilde: 4.2; sitat}" in first and "V9: Sjefen" in first
    assert {p.name: p.read_bytes() for p in (project / "in").iterdir()} == before
    review = (project / "private" / "key-review.md").read_text(encoding="utf-8")
    assert "Tor Olsen" in review and "[TELEFON-1]" in review


def test_reverse_round_trip_is_byte_exact(project: Path, detector: Detector) -> None:
    run(project, detector)
    run(project, detector, out="back", source=project / "out", reverse=True)
    for name in ("V8.md", "V9.md"):
        assert (project / "back" / name).read_bytes() == (project / "in" / name).read_bytes()


def test_second_run_reuses_key_and_is_idempotent(project: Path, detector: Detector) -> None:
    run(project, detector)
    key = (project / "private" / "key.csv").read_bytes()
    run(project, detector, out="again")
    assert (project / "again" / "V9.md").read_bytes() == (project / "out" / "V9.md").read_bytes()
    run(project, detector, out="twice", source=project / "out")
    assert (project / "twice" / "V9.md").read_bytes() == (project / "out" / "V9.md").read_bytes()
    assert (project / "private" / "key.csv").read_bytes() == key


@pytest.mark.parametrize("key", ["out/key.csv", "in/key.csv", "transcripts/key.csv"])
def test_refuses_key_in_shared_folders(project: Path, detector: Detector, key: str) -> None:
    with pytest.raises(InputError, match="key holds the real names"):
        run_pseudonymise(
            project / "in", project / "out", project / key, project_root=project, detector=detector
        )


def test_refuses_overwrite_without_force(project: Path, detector: Detector) -> None:
    run(project, detector)
    with pytest.raises(InputError, match="--force"):
        run(project, detector)
    run(project, detector, force=True)


def test_first_name_alone_is_ambiguous_with_two_full_names() -> None:
    mapping = PlaceholderMap()
    mapping.assign_all(
        [
            ("PERSON", "Kari Nordmann"),
            ("PERSON", "Kari Hansen"),
            ("PERSON", "Kari"),
            ("PERSON", "Nordmann"),
        ]
    )
    assert mapping.get_placeholder("PERSON", "Kari") == "[PERSON-3]"
    assert mapping.get_placeholder("PERSON", "Nordmann") == "[PERSON-1]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("allow: [NAV\n", "line"),
        ("- just a list\n", "mapping"),
        ("allow: NAV\n", "list of words"),
        ("deny: {Kari: NAVN}\n", "use one of"),
        ("other: 1\n", "unknown key"),
    ],
)
def test_bad_pseudonymise_yaml(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "pseudonymise.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        load_project_lists(tmp_path)
    assert "pseudonymise.yaml" in str(error.value)


def test_transcript_without_front_matter_is_an_input_error(
    project: Path, detector: Detector
) -> None:
    (project / "in" / "bad.md").write_text("I: hei\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.md, line 1"):
        run(project, detector)
    assert not (project / "out").exists()
