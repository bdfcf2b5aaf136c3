"""The command line: ``thesis-analysis <command>`` (also ``python -m thesis_analysis``).

Each command is a thin handler that calls into the package. Bad input raises
:class:`~thesis_analysis.errors.InputError`, which is printed without a traceback and gives
exit status 2; a finding (validation problems, a failed check) gives exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from thesis_analysis.errors import InputError
from thesis_analysis.paths import find_project_root


def handle_validate(args: argparse.Namespace) -> int:
    """Check project.yaml, transcripts and the codebook and list every problem."""
    from thesis_analysis.corpus.loading import load_corpus
    from thesis_analysis.project_file import load_project_file

    root = Path(args.folder or args.root)
    folder = root / "transcripts" if (root / "transcripts").is_dir() else root
    project_root = root if folder != root else find_project_root(root.parent)
    settings = load_project_file(project_root)
    corpus = load_corpus(folder, strict=False, settings=settings)
    problems = [str(p) for p in corpus.problems]
    codebook = Path(args.codebook) if args.codebook else project_root / "codebook.yaml"
    if codebook.is_file():
        from thesis_analysis.codebook.model import validate_codebook

        problems += validate_codebook(codebook, required_codes=settings.required_codes)
    for line in problems:
        print(line)
    print(
        f"{len(corpus.transcripts)} transcript(s) loaded, {len(problems)} problem(s).",
        file=sys.stderr,
    )
    return 1 if problems else 0


def handle_import(args: argparse.Namespace) -> int:
    """Convert .docx/.txt/.vtt/.srt transcripts into the project format."""
    import tempfile

    from thesis_analysis.corpus.importers import run_import
    from thesis_analysis.project_file import load_project_file

    if args.pseudonymise and not args.key:
        raise InputError("import --pseudonymise needs --key KEY.csv (kept outside the project)")
    out = Path(args.out) if args.out else Path(args.root) / "transcripts"
    shortcuts = [f"{k}={v}" for k in ("role", "employer", "team") if (v := getattr(args, k))]
    with tempfile.TemporaryDirectory(prefix="thesis-import-") as staging:
        written = run_import(
            [Path(p) for p in args.files],
            Path(staging) if args.pseudonymise else out,
            args.id or None,
            shortcuts + (args.set or []),
            args.speaker or [],
            args.force,
            load_project_file(Path(args.root)),
        )
        if args.pseudonymise:
            from thesis_analysis.privacy.pseudonymise import run_pseudonymise

            print(
                run_pseudonymise(
                    Path(staging),
                    out,
                    Path(args.key),
                    force=args.force,
                    project_root=Path(args.root),
                )  # fmt: skip
            )
            written = [out / path.name for path in written]
    for path in written:
        print(f"wrote {path}")
    return 0


def handle_code(args: argparse.Namespace) -> int:
    """Auto-code the corpus into codings/auto.csv."""
    from thesis_analysis.workflow import run_code

    print(run_code(Path(args.root), progress=True))
    return 0


def handle_code_texts(args: argparse.Namespace) -> int:
    """Auto-code any CSV of texts into a long CSV of (id, code, evidence)."""
    from thesis_analysis.workflow import run_code_texts

    print(
        run_code_texts(
            Path(args.root), Path(args.input), Path(args.out), args.id_column, args.text_column
        )
    )
    return 0


def handle_evaluate(args: argparse.Namespace) -> int:
    """Rules, model and combined vs. the hand coding, the dev set and cross-validated train."""
    from thesis_analysis.learning import evaluate_learned
    from thesis_analysis.project import load_project
    from thesis_analysis.workflow import code_project, evaluate_project

    project = load_project(Path(args.root))
    print(evaluate_project(project, code_project(project, use_model=False)))
    print()
    print(evaluate_learned(project, Path(args.dev) if args.dev else None))
    return 0


def handle_train(args: argparse.Namespace) -> int:
    """Train the learned coder (real-text model, or --project: the project's own)."""
    from thesis_analysis.learning import train_project
    from thesis_analysis.project import load_project

    print(train_project(load_project(Path(args.root)), own=args.project, coder=args.coder))
    return 0


def handle_review_queue(args: argparse.Namespace) -> int:
    """The auto-codings ordered by how uncertain they are (most doubtful first)."""
    from thesis_analysis.learning import run_review_queue

    print(run_review_queue(Path(args.root), Path(args.out) if args.out else None, args.limit))
    return 0


def handle_agreement(args: argparse.Namespace) -> int:
    """Agreement statistics of any long (unit, coder, value) table."""
    from thesis_analysis.reliability.agreement_file import run_agreement

    print(
        run_agreement(
            Path(args.file), args.unit_column, args.coder_column, args.value_column, args.json
        )
    )
    return 0


def handle_reliability(args: argparse.Namespace) -> int:
    """Agreement between the coders in codings/, per code, and the disagreements."""
    from thesis_analysis.workflow import run_reliability_command

    print(run_reliability_command(Path(args.root)))
    return 0


def handle_links(args: argparse.Namespace) -> int:
    """Write the indicator evidence table."""
    from thesis_analysis.workflow import run_links

    print(run_links(Path(args.root)))
    return 0


def handle_run(args: argparse.Namespace) -> int:
    """The whole analysis: tables, figures, notebooks and the HTML report into results/."""
    from thesis_analysis.workflow import run_all

    print(run_all(Path(args.root), execute_notebooks=not args.no_notebooks))
    return 0


def handle_export_qdpx(args: argparse.Namespace) -> int:
    """Export the project as a REFI-QDA .qdpx file."""
    from thesis_analysis.refi.commands import run_export_qdpx

    print(run_export_qdpx(Path(args.root), Path(args.out)))
    return 0


def handle_export_qdc(args: argparse.Namespace) -> int:
    """Export the codebook as a REFI-QDA .qdc file."""
    from thesis_analysis.refi.commands import run_export_qdc

    print(run_export_qdc(Path(args.root), Path(args.out)))
    return 0


def handle_import_qdpx(args: argparse.Namespace) -> int:
    """Import a REFI-QDA .qdpx project into a project folder."""
    from thesis_analysis.refi.commands import run_import_qdpx

    print(run_import_qdpx(Path(args.input), Path(args.into), args.force, args.positions))
    return 0


def handle_import_qdc(args: argparse.Namespace) -> int:
    """Import a REFI-QDA .qdc codebook into a project folder."""
    from thesis_analysis.refi.commands import run_import_qdc

    print(run_import_qdc(Path(args.input), Path(args.into), args.force))
    return 0


def handle_pseudonymise(args: argparse.Namespace) -> int:
    """Replace names, places and numbers in transcripts by placeholders; keep a key apart."""
    from thesis_analysis.privacy.pseudonymise import run_pseudonymise

    print(
        run_pseudonymise(
            Path(args.input),
            Path(args.out),
            Path(args.key),
            force=args.force,
            reverse=args.reverse,
            project_root=Path(args.root),
        )
    )
    return 0


def handle_init(args: argparse.Namespace) -> int:
    """Create a new project folder: project.yaml, a starter codebook, notebooks."""
    from thesis_analysis.scaffold import create_project

    print(create_project(Path(args.folder), args.language, args.force))
    return 0


def handle_export_codebook_csv(args: argparse.Namespace) -> int:
    """Export the codebook as CSV (path, name, description), e.g. for Taguette."""
    from thesis_analysis.refi.codebook_csv import run_export_codebook_csv

    print(run_export_codebook_csv(Path(args.root), Path(args.out)))
    return 0


def handle_import_codebook_csv(args: argparse.Namespace) -> int:
    """Import a codebook CSV (path/tag, name, description) as codebook.yaml."""
    from thesis_analysis.refi.codebook_csv import run_import_codebook_csv

    print(run_import_codebook_csv(Path(args.input), Path(args.into or args.root), args.force))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(prog="thesis-analysis", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], root: bool = True):
        command = sub.add_parser(name, help=(handler.__doc__ or "").strip().split("\n")[0])
        command.set_defaults(handler=handler)
        if root:
            command.add_argument(
                "--root", help="project folder (default: the project the working folder is in)"
            )
        return command

    validate = add("validate", handle_validate)
    validate.add_argument("folder", nargs="?", help="project or transcripts folder")
    validate.add_argument("--codebook", help="codebook file (default: ROOT/codebook.yaml)")

    init = add("init", handle_init, root=False)
    init.add_argument("folder", help="the new project's folder")
    init.add_argument("--language", choices=["nb", "nn"], default="nb")
    init.add_argument("--force", action="store_true", help="write into a non-empty folder")

    imp = add("import", handle_import)
    imp.add_argument("files", nargs="+", help=".docx, .txt, .vtt or .srt files")
    imp.add_argument("--out", help="folder to write to (default: ROOT/transcripts)")
    imp.add_argument("--id", action="append", help="pseudonymous informant id, one per file")
    imp.add_argument("--set", action="append", help="case variable NAME=VALUE, e.g. role=leder")
    imp.add_argument("--role", help="shortcut for --set role=…")
    imp.add_argument("--employer", help="shortcut for --set employer=…")
    imp.add_argument("--team", help="shortcut for --set team=…")
    imp.add_argument("--speaker", action="append", help="LABEL=ID, e.g. 'Intervjuer=I'")
    imp.add_argument("--force", action="store_true", help="overwrite existing files")
    imp.add_argument("--pseudonymise", action="store_true", help="write pseudonymised copies")
    imp.add_argument("--key", help="with --pseudonymise: the key CSV, outside the project")

    add("code", handle_code)
    texts = add("code-texts", handle_code_texts)
    texts.add_argument("input", help="CSV with an id and a text column")
    texts.add_argument("--out", required=True, help="CSV to write")
    texts.add_argument("--id-column", default="id")
    texts.add_argument("--text-column", default="text")

    evaluate = add("evaluate", handle_evaluate)
    evaluate.add_argument("--dev", help="labelled JSONL (default: ../shared/realtext/dev.jsonl)")
    train = add("train", handle_train)
    train.add_argument(
        "--project", action="store_true", help="the project's own model from its hand coding"
    )
    train.add_argument("--coder", default="manual", help="the hand coder to learn from")
    queue = add("review-queue", handle_review_queue)
    queue.add_argument("--out", help="FILE.csv or FILE.md (default: print the first rows)")
    queue.add_argument("--limit", type=int, default=20, help="rows to print without --out")
    agreement = add("agreement", handle_agreement, root=False)
    agreement.add_argument("file", help="long CSV of (unit, coder, value)")
    agreement.add_argument("--unit-column", default="unit")
    agreement.add_argument("--coder-column", default="coder")
    agreement.add_argument("--value-column", default="value")
    agreement.add_argument("--json", action="store_true", help="print JSON")
    add("reliability", handle_reliability)
    add("links", handle_links)
    run = add("run", handle_run)
    run.add_argument("--no-notebooks", action="store_true", help="tables only")

    export_qdpx = add("export-qdpx", handle_export_qdpx)
    export_qdpx.add_argument("out")
    export_qdc = add("export-qdc", handle_export_qdc)
    export_qdc.add_argument("out")
    import_qdpx = add("import-qdpx", handle_import_qdpx, root=False)
    import_qdpx.add_argument("input")
    import_qdpx.add_argument("--into", default=".")
    import_qdpx.add_argument("--force", action="store_true")
    import_qdpx.add_argument(
        "--positions",
        choices=["codepoints", "utf16"],
        default="codepoints",
        help="how the file counts text positions (NVivo, QualCoder: utf16)",
    )
    pseudo = add("pseudonymise", handle_pseudonymise)
    pseudo.add_argument("input", help="folder of transcripts (*.md); never changed")
    pseudo.add_argument("--out", required=True, help="folder for the pseudonymised copies")
    pseudo.add_argument("--key", required=True, help="CSV key (keep it outside the project)")
    pseudo.add_argument("--reverse", action="store_true", help="restore originals from --key")
    pseudo.add_argument("--force", action="store_true", help="overwrite outputs, update the key")
    import_qdc = add("import-qdc", handle_import_qdc, root=False)
    import_qdc.add_argument("input")
    import_qdc.add_argument("--into", default=".")
    import_qdc.add_argument("--force", action="store_true")
    export_csv = add("export-codebook-csv", handle_export_codebook_csv)
    export_csv.add_argument("out")
    import_csv = add("import-codebook-csv", handle_import_codebook_csv)
    import_csv.add_argument("input")
    import_csv.add_argument("--into", help="project folder (default: ROOT)")
    import_csv.add_argument("--force", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if "root" in args and args.root is None:
            args.root = str(find_project_root())
        return args.handler(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
