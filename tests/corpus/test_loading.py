"""Loading a folder of transcripts (thesis_analysis.corpus.loading)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.corpus.loading import load_corpus
from thesis_analysis.errors import InputError
from thesis_analysis.project_file import load_default_project_file, load_project_file


def transcript(informant: str, role: str = "leder", extra: str = "") -> str:
    return (
        f"---\nid: {informant}\nrole: {role}\nemployer: stat\nsource: original\n"
        f"provenance: test\n{extra}---\n\nI: Hei?\n\n{informant}: Hei.\n"
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_transcripts_are_sorted_by_id_not_file_name(tmp_path: Path) -> None:
    folder = write(tmp_path / "t", {"a.md": transcript("B1"), "b.md": transcript("A1")})
    corpus = load_corpus(folder)
    # the transcript id is the file's stem; the informant id comes from the front matter
    assert [t.id for t in corpus.transcripts] == ["a", "b"]
    assert [i.id for i in corpus.informants] == ["B1", "A1"]
    folder = write(tmp_path / "u", {"Z9.md": transcript("Z9"), "A2.md": transcript("A2")})
    assert [t.id for t in load_corpus(folder).transcripts] == ["A2", "Z9"]


def test_only_md_files_are_read(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {"A1.md": transcript("A1"), "notes.txt": "ikke et intervju", "A1.md.bak": "x"},
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "B1.md").write_text(transcript("B1"), encoding="utf-8")
    corpus = load_corpus(folder)
    assert [t.id for t in corpus.transcripts] == ["A1"] and corpus.problems == ()


def test_settings_are_the_thesis_projects_by_default(tmp_path: Path) -> None:
    corpus = load_corpus(write(tmp_path, {"A1.md": transcript("A1")}))
    assert corpus.settings == load_default_project_file()


def test_a_projects_own_settings_are_used(data_dir: Path) -> None:
    folder = data_dir / "nynorsk" / "transcripts"
    with pytest.raises(InputError, match=r"N1\.md:2: front matter lacks 'role'"):
        load_corpus(folder)
    settings = load_project_file(data_dir / "nynorsk")
    corpus = load_corpus(folder, settings=settings)
    assert [t.id for t in corpus.transcripts] == ["N1"] and corpus.settings is settings


@pytest.mark.parametrize("make", ["missing", "file"])
def test_not_a_folder(tmp_path: Path, make: str) -> None:
    path = tmp_path / "transcripts"
    if make == "file":
        path.write_text("x", encoding="utf-8")
    for strict in (True, False):
        with pytest.raises(InputError) as caught:
            load_corpus(path, strict=strict)
        assert str(caught.value) == (
            f"{path}: not a folder of transcripts; give the transcripts folder."
        )


def test_an_empty_folder_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    corpus = load_corpus(folder, strict=False)
    assert corpus.transcripts == ()
    assert [str(p) for p in corpus.problems] == [
        "transcripts:0: no *.md transcripts in this folder"
    ]
    with pytest.raises(InputError, match=r"transcripts:0: no \*\.md transcripts"):
        load_corpus(folder)


def test_strict_loading_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "A1.md": transcript("A1"),
            "B1.md": transcript("B1", role="sjef"),
            "C1.md": "ingen front matter\n",
        },
    )
    with pytest.raises(InputError) as caught:
        load_corpus(folder)
    message = str(caught.value)
    assert message.startswith("2 problem(s) in the transcripts:\n")
    assert "\n  B1.md:2: unknown role 'sjef'" in message
    assert "\n  C1.md:1: no front matter" in message
    corpus = load_corpus(folder, strict=False)
    assert [t.id for t in corpus.transcripts] == ["A1"]
    assert [(p.file, p.line) for p in corpus.problems] == [("B1.md", 2), ("C1.md", 1)]


def test_a_duplicate_informant_drops_only_the_later_file(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {"A1.md": transcript("A1"), "A1_kopi.md": transcript("A1"), "B1.md": transcript("B1")},
    )
    corpus = load_corpus(folder, strict=False)
    assert [t.id for t in corpus.transcripts] == ["A1", "B1"]
    assert [str(p) for p in corpus.problems] == [
        "A1_kopi.md:2: duplicate id 'A1' (also in A1.md); ids must be unique"
    ]
    with pytest.raises(InputError, match=r"A1_kopi\.md:2: duplicate id 'A1'"):
        load_corpus(folder)


def test_a_folder_of_only_broken_files_has_no_extra_problem(tmp_path: Path) -> None:
    folder = write(tmp_path, {"A1.md": ""})
    corpus = load_corpus(folder, strict=False)
    assert [str(p) for p in corpus.problems] == [
        "A1.md:1: the file is empty; add front matter and turns"
    ]


def test_the_corpus_offers_transcripts_by_id(tmp_path: Path) -> None:
    corpus = load_corpus(write(tmp_path, {"A1.md": transcript("A1"), "B1.md": transcript("B1")}))
    assert corpus.get("B1").informant.id == "B1"
    with pytest.raises(KeyError, match="no transcript 'C1'"):
        corpus.get("C1")


def test_the_shipped_corpus_loads_without_problems(project_root: Path) -> None:
    corpus = load_corpus(project_root / "transcripts")
    assert corpus.problems == () and len(corpus.transcripts) >= 5
    ids = [t.id for t in corpus.transcripts]
    assert ids == sorted(ids)


def test_hidden_md_files_are_not_transcripts(tmp_path: Path) -> None:
    from thesis_analysis.corpus.loading import list_transcript_files

    for name in ("B1.md", "A1.md", "._A1.md", ".draft.md", "notes.txt"):
        (tmp_path / name).write_bytes(b"\x00\x05binary resource fork" if "._" in name else b"x")
    assert [p.name for p in list_transcript_files(tmp_path)] == ["A1.md", "B1.md"]
