"""The steps that read and write: what the command line and ``make run`` chain together.

Each ``*_project`` step takes a loaded :class:`~thesis_analysis.project.Project`, calls the
package, writes its results through the writers and returns a short summary; the ``run_*``
functions are the command-line wrappers that load the project first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.corpus.records import informants_to_frame
from thesis_analysis.paths import ProjectPaths
from thesis_analysis.project import Project, load_project
from thesis_analysis.writers import write_csv_atomic, write_table

if TYPE_CHECKING:
    import pandas as pd


def code_project(project: Project, progress: bool = False, use_model: bool = True) -> pd.DataFrame:
    """Auto-code the informant segments with the rules and, when the project has one and
    ``use_model`` is true, the learned model (the coding table of
    :mod:`thesis_analysis.autocode.runs`)."""
    from thesis_analysis.autocode.runs import code_segments
    from thesis_analysis.learning import make_coder

    coder = make_coder(project, use_model)
    return code_segments(project.informant_segments, coder, progress)


def write_auto_codings(project: Project, codings: pd.DataFrame) -> str:
    """Save the auto-coder's codings as ``codings/auto.csv``."""
    write_csv_atomic(project.paths.codings / "auto.csv", codings)
    return (
        f"auto-coded {len(project.informant_segments)} segments with codebook "
        f"{project.codebook.short_hash()}: {len(codings)} codings → codings/auto.csv"
    )


def evaluate_project(project: Project, auto: pd.DataFrame) -> str:
    """Score auto-coder and naive baseline against ``codings/manual.csv``, on all informants
    and on each half of them (sorted ids, first half A); the auto-coder's indicator codings are
    the indicator links (:mod:`thesis_analysis.analysis.indicators`, references included).
    Give it the rules' codings: the learned model was trained on this hand coding, so its
    honest corpus figures are the cross-validated ones (:func:`~thesis_analysis.learning.
    evaluate_learned`)."""
    import pandas as pd

    from thesis_analysis.analysis.evaluation import code_naive_baseline, evaluate_codings
    from thesis_analysis.analysis.indicators import compute_indicator_links, merge_link_codings
    from thesis_analysis.coding.files import load_coder_file

    segments, codebook = project.informant_segments, project.codebook
    manual = load_coder_file(project.paths.codings / "manual.csv")
    if project.has_indicators():
        auto = merge_link_codings(auto, compute_indicator_links(segments, auto, codebook))
    methods = {"auto": auto, "naive": code_naive_baseline(segments, codebook)}
    table = evaluate_codings(segments, manual, methods, codebook)
    write_table(table.round(4), project.paths.results, "evaluation", ("csv", "md"))
    informants = sorted(set(segments["informant"]))
    halves = {"A": informants[: len(informants) // 2], "B": informants[len(informants) // 2 :]}
    by_half = pd.concat(
        evaluate_codings(
            segments[segments["informant"].isin(ids)], manual, methods, codebook
        ).assign(half=f"{half}: {', '.join(ids)}")
        for half, ids in halves.items()
    )
    write_table(by_half.round(4), project.paths.results, "evaluation_halves", ("csv", "md"))
    macro = table[table["code"] == "(macro)"].round(3)
    half_macro = by_half[by_half["code"] == "(macro)"].round(3)
    text = (
        table.round(3).to_string(index=False)
        + "\n\nmacro:\n"
        + macro.to_string(index=False)
        + "\n\nmacro per half of the informants:\n"
        + half_macro.to_string(index=False)
    )
    if project.has_thesis_sections():
        from thesis_analysis.analysis.thesis_reference import (
            load_section_mapping,
            score_against_sections,
        )

        mappings = load_section_mapping(project.paths.thesis_sections, codebook)
        coders = {"manual": manual, **methods}
        by_section = score_against_sections(segments, coders, mappings)
        write_table(
            by_section.round(4), project.paths.results, "evaluation_thesis_sections", ("csv", "md")
        )
        text += (
            "\n\nagainst the thesis's own placement of statements in sections (macro F1):\n"
            + by_section[by_section["section"] == "(macro)"].round(3).to_string(index=False)
        )
    return text


def link_project(
    project: Project, theme_coder: str = "manual", auto: pd.DataFrame | None = None
) -> str:
    """Auto-code and link the project's informant segments; write ``results/``
    ``indicator_links.csv``, ``indicator_evidence.csv`` and ``.md`` (atomically). The themes
    come from ``codings/<theme_coder>.csv`` (the hand coding) if there is one, else from the
    auto-coder. ``auto``: the auto-coder's codings if already at hand. Returns a summary."""
    from thesis_analysis.analysis.indicators import (
        compute_indicator_evidence,
        compute_indicator_links,
    )
    from thesis_analysis.coding.files import load_coder_file

    segments, codebook = project.informant_segments, project.codebook
    if auto is None:
        auto = code_project(project)
    links = compute_indicator_links(segments, auto, codebook)
    theme_file = project.paths.codings / f"{theme_coder}.csv"
    themes = load_coder_file(theme_file, codebook) if theme_file.is_file() else auto
    theme_source = theme_file.name if theme_file.is_file() else "the auto-coder"
    evidence = compute_indicator_evidence(links, segments, themes, codebook)
    folder = project.paths.results
    write_csv_atomic(folder / "indicator_links.csv", links)
    write_table(evidence, folder, "indicator_evidence", formats=("csv", "md"))
    hows = links["how"].value_counts()
    params = evidence[evidence["level"] == "parameter"]
    return (
        f"linked {links['segment_id'].nunique()} statements to indicators ("
        + ", ".join(f"{how} {hows.get(how, 0)}" for how in ("name", "alias", "reference"))
        + f"); {int((params['n_statements'] > 0).sum())} of {len(params)} styringsparametere "
        f"have statements; themes from {theme_source}"
        " → results/indicator_links.csv, indicator_evidence.csv and .md"
    )


def warn_unpseudonymised(project: Project) -> str | None:
    """A warning naming the transcripts of ``source: original`` that the ``pseudonymise``
    command has not marked (``pseudonymised: true`` in the front matter), or None."""
    open_ids = sorted(
        t.id
        for t in project.corpus.transcripts
        if t.informant.source == "original"
        and dict(t.informant.attributes).get("pseudonymised", "").lower() != "true"
    )
    if not open_ids:
        return None
    return (
        f"warning: {len(open_ids)} original transcript(s) not pseudonymised "
        f"({', '.join(open_ids[:10])}{' …' if len(open_ids) > 10 else ''}); run "
        "`thesis-analysis pseudonymise` and analyse the copies before sharing any result"
    )


def compute_overview(project: Project) -> pd.DataFrame:
    """The corpus overview table: informants with role, employer, turns and words."""
    from thesis_analysis.analysis.tables import compute_corpus_overview

    return compute_corpus_overview(informants_to_frame(project.corpus), project.segments)


def run_code(root: Path, progress: bool = False) -> str:
    """Auto-code the corpus into ``codings/auto.csv``."""
    project = load_project(root)
    return write_auto_codings(project, code_project(project, progress))


def run_code_texts(
    root: Path, source: Path, target: Path, id_column: str = "id", text_column: str = "text"
) -> str:
    """Auto-code a CSV of texts with the project's codebook."""
    from thesis_analysis.autocode.runs import code_csv
    from thesis_analysis.learning import load_coder

    paths = ProjectPaths(Path(root))
    coder = load_coder(paths, load_codebook(paths.codebook))
    written = code_csv(source, target, coder, id_column, text_column)
    how = "rules and model" if coder.model is not None else "rules only, no model"
    return f"{written} codings written to {target} ({how})"


def run_evaluate(root: Path) -> str:
    """Score the auto-coder against the hand coding (see :func:`evaluate_project`)."""
    project = load_project(root)
    return evaluate_project(project, code_project(project, use_model=False))


def run_reliability_command(root: Path) -> str:
    """Agreement between every coder in ``codings/`` per code, and the disagreements."""
    from thesis_analysis.reliability.report import run_reliability

    project = load_project(root)
    return run_reliability(
        project.paths.codings, project.informant_segments, project.codebook, project.paths.results
    )


def run_links(root: Path) -> str:
    """Write the indicator evidence table into ``results/``."""
    return link_project(load_project(root))


def run_all(root: Path, execute_notebooks: bool = True) -> str:
    """The whole analysis on the project: every table, figure, notebook and the report."""
    from thesis_analysis.reliability.report import run_reliability

    project = load_project(Path(root))
    paths = project.paths
    auto = code_project(project)
    lines = [write_auto_codings(project, auto)]
    warning = warn_unpseudonymised(project)
    if warning:
        print(warning, file=sys.stderr)
        lines.append(warning)
    write_table(compute_overview(project), paths.results, "corpus_overview", ("csv", "md"))
    lines.append("wrote results/corpus_overview.csv and .md")
    if (paths.codings / "manual.csv").is_file():
        rules = code_project(project, use_model=False)  # the model was trained on these
        lines.append(evaluate_project(project, rules).split("\n\nmacro:\n")[-1])
        lines.append(
            run_reliability(
                paths.codings, project.informant_segments, project.codebook, paths.results
            )
        )
        from thesis_analysis.learning import evaluate_learned, write_learning_curve

        lines.append(evaluate_learned(project))
        lines.append(write_learning_curve(project))
    if project.has_indicators():
        lines.append(link_project(project, auto=auto))
    else:
        lines.append("no indicator codes in the codebook: indicator links skipped")
    if execute_notebooks:
        from thesis_analysis.notebook_report import build_report

        lines.append(build_report(paths))
    return "\n".join(lines)
