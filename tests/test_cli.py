"""The command line: exit codes, messages without tracebacks, the main commands wired up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from thesis_analysis.cli import build_parser, main

DATA = Path(__file__).parent / "data"


def test_validate_lists_every_problem_with_file_and_line(capsys) -> None:
    status = main(["validate", str(DATA / "broken_transcripts")])
    out = capsys.readouterr()
    assert status == 1
    for expected in (
        "E1_bad_yaml.md:4:",
        "G1_speakers.md:9:",
        "K1_binary.md:1:",
        "J1_cp1252.md:9:",
    ):
        assert expected in out.out
    assert "2 transcript(s) loaded" in out.err


def test_validate_the_shipped_project_is_clean(capsys, project_root: Path) -> None:
    assert main(["validate", str(project_root)]) == 0


def test_agreement_prints_krippendorffs_example(capsys) -> None:
    assert main(["agreement", str(DATA / "krippendorff_2011.csv")]) == 0
    assert "0.743" in capsys.readouterr().out


def test_bad_input_gives_a_message_and_status_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "texts.csv"
    bad.write_text("nr,svar\n1,hei\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "thesis_analysis", "agreement", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "texts.csv" in result.stderr and "Traceback" not in result.stderr


def test_code_texts_writes_the_long_csv(tmp_path: Path, project_root: Path, capsys) -> None:
    source = tmp_path / "svar.csv"
    source.write_text(
        "nr,svar\n1,Målekortet er en tidstyv og jobbmatch teller mer enn brukeren.\n2,Hei.\n",
        encoding="utf-8",
    )
    out = tmp_path / "koder.csv"
    status = main(
        [
            "code-texts",
            str(source),
            "--out",
            str(out),
            "--id-column",
            "nr",
            "--text-column",
            "svar",
            "--root",
            str(project_root),
        ]
    )
    assert status == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,code,evidence")
    assert any(line.startswith("1,indikator.jobbmatch") for line in lines)
    assert not any(line.startswith("2,") for line in lines)


@pytest.mark.parametrize(
    "command",
    [
        "validate",
        "import",
        "code",
        "code-texts",
        "evaluate",
        "agreement",
        "reliability",
        "links",
        "run",
        "export-qdpx",
        "export-qdc",
        "import-qdpx",
        "import-qdc",
    ],
)
def test_every_command_has_help(command: str) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args([command, "--help"])
    assert info.value.code == 0


def test_code_texts_names_an_unclosed_quote_in_one_line(tmp_path: Path, capsys) -> None:
    source = tmp_path / "texts.csv"
    source.write_text('id,text\n1,"Målstyring er bra\n2,ok\n', encoding="utf-8")
    status = main(["code-texts", str(source), "--out", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and f"{source}:2:" in err and "quote" in err
    assert not (tmp_path / "out.csv").exists()


def test_import_can_pseudonymise_on_the_way_in(tmp_path: Path, capsys) -> None:
    out, key = tmp_path / "project" / "transcripts", tmp_path / "private" / "key.csv"
    status = main(
        [
            "import", str(DATA / "import" / "interview.txt"), "--id", "V9", "--role", "veileder",
            "--speaker", "Intervjuer=I", "--speaker", "Kari=V9", "--out", str(out),
            "--pseudonymise", "--key", str(key),
        ]
    )  # fmt: skip
    assert status == 0
    text = (out / "V9.md").read_text(encoding="utf-8")
    assert "pseudonymised: true" in text and "Kari" not in text
    assert "Kari" in key.read_text(encoding="utf-8")
    assert main(["import", str(DATA / "import" / "interview.txt"), "--pseudonymise"]) == 2
    assert "needs --key" in capsys.readouterr().err


def test_run_warns_about_original_transcripts_not_pseudonymised(tmp_path: Path) -> None:
    from thesis_analysis.project import load_project
    from thesis_analysis.workflow import warn_unpseudonymised

    root = tmp_path / "p"
    (root / "transcripts").mkdir(parents=True)
    for name, flag in (("A1", ""), ("B1", "pseudonymised: true\n")):
        (root / "transcripts" / f"{name}.md").write_text(
            f"---\nid: {name}\nrole: leder\nemployer: stat\nsource: original\n"
            f"provenance: test\n{flag}---\n\nI: Hei?\n\n{name}: Hei.\n",
            encoding="utf-8",
        )
    (root / "codebook.yaml").write_bytes((DATA / "codebook_small.yaml").read_bytes())
    import thesis_analysis.project as project_module

    original = project_module.load_codebook
    project_module.load_codebook = lambda path, **kwargs: None
    try:
        project = load_project(root)
    finally:
        project_module.load_codebook = original
    warning = warn_unpseudonymised(project)
    assert warning is not None and "1 original transcript(s)" in warning and "A1" in warning
    assert "B1" not in warning
