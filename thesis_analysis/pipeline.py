"""The analysis steps the command line and ``make run`` chain together.

Each ``run_*`` function takes the project folder, loads what it needs (through the loaders),
calls the package, writes its results (through the writers) and returns a short printable
summary. Nothing here computes anything of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from thesis_analysis.autocode import AutoCoder
from thesis_analysis.autocode_runs import code_csv, code_segments
from thesis_analysis.codebook import Codebook, load_codebook
from thesis_analysis.corpus import INTERVIEWER, Corpus, informants_to_frame, load_corpus
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.segments import segment_corpus
from thesis_analysis.writers import write_csv_atomic, write_text_atomic


@dataclass(frozen=True)
class Project:
    """A loaded project: paths, corpus, codebook and the segments of the corpus."""

    paths: ProjectPaths
    corpus: Corpus
    codebook: Codebook
    segments: pd.DataFrame

    @property
    def informant_segments(self) -> pd.DataFrame:
        """The segments spoken by informants (the units that are coded)."""
        return self.segments[self.segments["speaker"] != INTERVIEWER].reset_index(drop=True)


def load_project(root: Path) -> Project:
    """Load transcripts and codebook of the project at ``root`` and segment the corpus."""
    paths = ProjectPaths(Path(root))
    corpus = load_corpus(paths.transcripts)
    codebook = load_codebook(paths.codebook)
    return Project(paths, corpus, codebook, segment_corpus(corpus))


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> list[Path]:
    """Write ``frame`` as ``name.csv`` and ``name.md`` into ``folder``."""
    csv_path, md_path = folder / f"{name}.csv", folder / f"{name}.md"
    write_csv_atomic(csv_path, frame)
    write_text_atomic(md_path, frame.to_markdown(index=False) + "\n")
    return [csv_path, md_path]


def run_code(root: Path, progress: bool = False) -> str:
    """Auto-code the corpus into ``codings/auto.csv``."""
    project = load_project(root)
    codings = code_segments(project.informant_segments, AutoCoder(project.codebook), progress)
    write_csv_atomic(project.paths.codings / "auto.csv", codings)
    return (
        f"auto-coded {len(project.informant_segments)} segments with codebook "
        f"{project.codebook.short_hash()}: {len(codings)} codings → codings/auto.csv"
    )


def run_code_texts(
    root: Path, source: Path, target: Path, id_column: str = "id", text_column: str = "text"
) -> str:
    """Auto-code a CSV of texts with the project's codebook."""
    codebook = load_codebook(ProjectPaths(Path(root)).codebook)
    written = code_csv(source, target, AutoCoder(codebook), id_column, text_column)
    return f"{written} codings written to {target}"


def run_evaluate(root: Path) -> str:
    """Score auto-coder and naive baseline against ``codings/manual.csv``, on all informants
    and on each half of them (sorted ids, first half A); the auto-coder's indicator codings are
    the indicator links (:mod:`thesis_analysis.indicators`, references included)."""
    from thesis_analysis.codings import load_coder_file
    from thesis_analysis.evaluation import code_naive_baseline, evaluate_codings
    from thesis_analysis.indicators import compute_indicator_links, merge_link_codings

    project = load_project(root)
    segments, codebook = project.informant_segments, project.codebook
    manual = load_coder_file(project.paths.codings / "manual.csv")
    auto = code_segments(segments, AutoCoder(codebook))
    auto = merge_link_codings(auto, compute_indicator_links(segments, auto, codebook))
    methods = {"auto": auto, "naive": code_naive_baseline(segments, codebook)}
    table = evaluate_codings(segments, manual, methods, codebook)
    write_table(table.round(4), project.paths.results, "evaluation")
    informants = sorted(set(segments["informant"]))
    halves = {"A": informants[: len(informants) // 2], "B": informants[len(informants) // 2 :]}
    by_half = pd.concat(
        evaluate_codings(
            segments[segments["informant"].isin(ids)], manual, methods, codebook
        ).assign(half=f"{half}: {', '.join(ids)}")
        for half, ids in halves.items()
    )
    write_table(by_half.round(4), project.paths.results, "evaluation_halves")
    macro = table[table["code"] == "(macro)"].round(3)
    half_macro = by_half[by_half["code"] == "(macro)"].round(3)
    return (
        table.round(3).to_string(index=False)
        + "\n\nmacro:\n"
        + macro.to_string(index=False)
        + "\n\nmacro per half of the informants:\n"
        + half_macro.to_string(index=False)
    )


def run_reliability_command(root: Path) -> str:
    """Agreement between every coder in ``codings/`` per code, and the disagreements."""
    from thesis_analysis.reliability_report import run_reliability

    project = load_project(root)
    return run_reliability(
        project.paths.codings, project.informant_segments, project.codebook, project.paths.results
    )


def run_links(root: Path) -> str:
    """Write the indicator evidence table into ``results/``."""
    from thesis_analysis.indicators import run_indicator_links

    project = load_project(root)
    return run_indicator_links(project)


def run_overview(project: Project) -> pd.DataFrame:
    """The corpus overview table: informants with role, employer, turns and words."""
    informants = informants_to_frame(project.corpus)
    spoken = project.segments[project.segments["speaker"] != INTERVIEWER]
    words = spoken.groupby("transcript")["text"].apply(lambda s: int(s.str.split().str.len().sum()))
    turns = spoken.groupby("transcript")["turn"].nunique()
    informants["turns"] = informants["informant"].map(turns).fillna(0).astype(int)
    informants["words"] = informants["informant"].map(words).fillna(0).astype(int)
    informants["segments"] = informants["informant"].map(spoken.groupby("transcript").size())
    return informants


def run_all(root: Path, execute_notebooks: bool = True) -> str:
    """The whole analysis on the project: every table, figure, notebook and the report."""
    root = Path(root)
    lines = [run_code(root)]
    project = load_project(root)
    results = project.paths.results
    write_table(run_overview(project), results, "corpus_overview")
    lines.append("wrote results/corpus_overview.csv and .md")
    if (project.paths.codings / "manual.csv").is_file():
        lines.append(run_evaluate(root).split("\n\nmacro:\n")[-1])
        lines.append(run_reliability_command(root))
    try:
        lines.append(run_links(root))
    except ModuleNotFoundError:
        pass
    if execute_notebooks:
        from thesis_analysis.report import build_report

        lines.append(build_report(project.paths))
    return "\n".join(lines)
