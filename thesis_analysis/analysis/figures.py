"""The figures of the thesis: ``plot_*(df, ax=None) -> Axes`` on the tables of
:mod:`thesis_analysis.analysis.tables` and :mod:`thesis_analysis.analysis.indicators`.

One style for all: the Okabe–Ito colour-blind-safe palette, a single-hue sequential scale
for heatmaps, Norwegian titles and axis labels that stand on their own. Figures are
:class:`matplotlib.figure.Figure` objects made without pyplot, so nothing depends on the
backend or on global figure state; Jupyter shows a figure that is a cell's last expression.
Only :func:`save_figure` writes the disk, with fixed metadata so reruns are byte-identical.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from thesis_analysis.analysis.levels import order_groups
from thesis_analysis.project_file import load_default_project_file
from thesis_analysis.writers import write_bytes_atomic

OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
"""Okabe & Ito (2008) colours, blue first (the same hues as seaborn's "colorblind")."""
GREY = "#999999"
STANCE_HUES = (("kritisk", "#D55E00"), ("positiv", "#009E73"), ("nøytral", GREY), ("ingen", GREY))
"""Colours of stances whose name contains these words (other stances get the palette)."""
STANCE_ORDER = ("kritisk", "positiv", None, "nøytral", "ingen")
"""Stack and legend order: critical, positive, any other (e.g. blandet), neutral, none."""
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "svg.hashsalt": "thesis-analysis",
    "svg.fonttype": "path",
}
BY_LABELS = {
    "employer": "Arbeidsgiver",
    "role": "Rolle",
    "section": "Del av intervjuguiden",
    "informant": "Informant",
}
UNIT_WORDS = {"segment": ("segment", "segmenter"), "turn": ("ytring", "ytringer")}
SECTION_LABELS = load_default_project_file().label_sections()
"""Section id → its interview-guide heading, of a project without ``project.yaml`` (pass a
project's own, :meth:`~thesis_analysis.project_file.ProjectFile.label_sections`)."""
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}
DPI = 150


def make_axes(width: float, height: float) -> Axes:
    """A new figure in the house style with one Axes."""
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained", dpi=DPI)
        return figure.add_subplot()


def make_sequential_cmap(color: str = OKABE_ITO[0]) -> mpl.colors.Colormap:
    """A white-to-``color`` colour map (single hue: readable in grey and for colour-blind)."""
    return sns.light_palette(color, as_cmap=True)


def make_stance_palette(stances: list[str]) -> dict[str, str]:
    """A colour per stance: kritisk vermillion, positiv green, nøytral grey, others in turn."""
    spare = [c for c in OKABE_ITO if c not in {hue for _, hue in STANCE_HUES}]
    palette: dict[str, str] = {}
    for stance in stances:
        hue = next((h for word, h in STANCE_HUES if word in stance.lower()), None)
        if hue is None:
            hue = spare[sum(1 for s in palette if palette[s] in spare) % len(spare)]
        palette[stance] = hue
    return palette


def order_stances(stances: list[str]) -> list[str]:
    """``stances`` in :data:`STANCE_ORDER` (by the word they contain), ties in given order."""

    def rank(stance: str) -> int:
        words = [w for w in STANCE_ORDER if w is not None]
        found = next((w for w in words if w in stance.lower()), None)
        return STANCE_ORDER.index(found)

    return sorted(stances, key=rank)


def format_share(value: float) -> str:
    """A share as a Norwegian percentage: 0.125 → ``13 %``."""
    return f"{value * 100:.0f} %"


def plot_code_frequencies(df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: segments per code, coloured by kind, with "k av N informanter".

    ``df`` is :func:`~thesis_analysis.analysis.tables.compute_code_frequencies` (rows top to bottom
    in its order).
    """
    ax = ax or make_axes(7.5, 1.2 + 0.32 * len(df))
    kinds = list(dict.fromkeys(df["kind"]))
    colors = {kind: OKABE_ITO[i % len(OKABE_ITO)] for i, kind in enumerate(kinds)}
    positions = np.arange(len(df))
    ax.barh(positions, df["n_segments"], color=[colors[k] for k in df["kind"]], height=0.7)
    for y, n_seg, n_inf, total in zip(
        positions, df["n_segments"], df["n_informants"], df["total_informants"], strict=True
    ):
        ax.text(n_seg, y, f"  {n_inf} av {total}", va="center", fontsize=8)
    ax.set_yticks(positions, df["label"])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1, df["n_segments"].max()) * 1.2)
    handles = [mpl.patches.Patch(color=colors[k], label=k) for k in kinds]
    ax.legend(handles=handles, title="Slag kode", loc="lower right", frameon=False)
    ax.set_xlabel("Antall segmenter (setninger) med koden; tekst: informanter som nevner den")
    ax.set_ylabel("")
    ax.set_title("Kodefrekvens: segmenter og informanter")
    return ax


def plot_code_matrix(
    df: pd.DataFrame,
    ax: Axes | None = None,
    value: str | None = None,
    section_labels: Mapping[str, str] | None = None,
) -> Axes:
    """Heatmap of a code matrix (:func:`~thesis_analysis.analysis.tables.compute_code_matrix`).

    ``value``: ``share`` (default when present: share of the group's segments) or
    ``n_segments``. Columns keep the groups' order in ``df``; their labels carry each group's
    number of segments, and sections their heading (``section_labels``, default
    :data:`SECTION_LABELS`).
    """
    value = value or ("share" if "share" in df.columns else "n_segments")
    by = str(df["by"].iloc[0]) if len(df) else "group"
    rows = list(dict.fromkeys(df["label"]))
    columns = list(dict.fromkeys(df["group"]))
    section_labels = SECTION_LABELS if section_labels is None else section_labels
    grid = df.pivot_table(index="label", columns="group", values=value, aggfunc="sum")
    grid = grid.reindex(index=rows, columns=columns).fillna(0)
    ax = ax or make_axes(2.2 + 1.1 * len(columns), 1.4 + 0.32 * len(rows))
    share = value == "share"
    annot = grid.map(format_share) if share else grid.astype(int).astype(str)
    with mpl.rc_context(STYLE):
        sns.heatmap(
            grid,
            ax=ax,
            cmap=make_sequential_cmap(),
            annot=annot,
            fmt="",
            linewidths=0.5,
            linecolor="white",
            vmin=0,
            annot_kws={"fontsize": 8},
            cbar_kws={
                "label": "Andel av gruppens segmenter" if share else "Antall segmenter",
                "format": PercentFormatter(1.0, decimals=0) if share else None,
            },
        )
    sizes = df.drop_duplicates("group").set_index("group")["group_segments"]
    names = [section_labels.get(c, c) if by == "section" else c for c in columns]
    ax.set_xticks(
        np.arange(len(columns)) + 0.5,
        [f"{name}\n(n={sizes[c]})" for name, c in zip(names, columns, strict=True)],
        rotation=30 if by == "section" else 0,
        ha="right" if by == "section" else "center",
        rotation_mode="anchor",
    )
    measure = "andel av gruppens segmenter" if share else "antall segmenter"
    ax.set_title(f"Koder etter {BY_LABELS.get(by, by).lower()}\n({measure})")
    ax.set_xlabel(BY_LABELS.get(by, by))
    ax.set_ylabel("")
    return ax


def plot_cooccurrence(df: pd.DataFrame, ax: Axes | None = None, drop_empty: bool = True) -> Axes:
    """Lower-triangle heatmap of :func:`~thesis_analysis.analysis.tables.compute_cooccurrence`.

    Labels carry each code's own count (the diagonal, not drawn); with ``drop_empty`` codes
    that never occur are left out. Fewer than two codes give an empty Axes with a note.
    """
    order = list(dict.fromkeys(df["label_a"]))
    grid = df.pivot_table(index="label_a", columns="label_b", values="n_units", aggfunc="sum")
    grid = grid.reindex(index=order, columns=order).fillna(0).astype(int)
    if drop_empty:
        keep = [label for label in order if grid.loc[label, label] > 0]
        grid = grid.loc[keep, keep]
    named = [f"{label} (n={grid.loc[label, label]})" for label in grid.index]
    grid = grid.set_axis(named, axis=0).set_axis(named, axis=1).iloc[1:, :-1]
    mask = np.triu(np.ones(grid.shape, dtype=bool), k=1)
    ax = ax or make_axes(2.8 + 0.45 * len(grid), 2.4 + 0.38 * len(grid))
    one, many = UNIT_WORDS[str(df["unit"].iloc[0]) if len(df) else "segment"]
    ax.set_title(f"Samforekomst av koder i samme {one}")
    if grid.empty:
        ax.text(0.5, 0.5, "Færre enn to koder forekommer", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    with mpl.rc_context(STYLE):
        sns.heatmap(
            grid,
            ax=ax,
            mask=mask,
            cmap=make_sequential_cmap(OKABE_ITO[3]),
            annot=True,
            fmt="d",
            linewidths=0.5,
            linecolor="white",
            vmin=0,
            annot_kws={"fontsize": 7},
            cbar_kws={"label": f"Antall {many} med begge kodene"},
            square=True,
        )
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def plot_indicator_stance(
    df: pd.DataFrame, ax: Axes | None = None, palette: Mapping[str, str] | None = None
) -> Axes:
    """Stacked bars: statements per styringsparameter and employer, coloured by stance.

    ``df`` has at least ``indicator``, ``label``, ``employer``, ``stance`` and
    ``n_statements`` (one row per indicator, employer and stance; a ``stance_label`` column
    is shown instead of ``stance`` when present). Rows keep the indicators' order in ``df``,
    employers in their usual order, stances (stack and legend) in :func:`order_stances`
    order; combinations without statements are left out.
    """
    stance_col = "stance_label" if "stance_label" in df.columns else "stance"
    work = df.assign(stance=df[stance_col].astype(str), employer=df["employer"].astype(str))
    indicators = list(dict.fromkeys(work["indicator"]))
    employers = order_groups(work["employer"], "employer")
    stances = order_stances(list(dict.fromkeys(work["stance"])))
    palette = dict(palette or make_stance_palette(stances))
    totals = work.groupby(["indicator", "employer"])["n_statements"].sum()
    labels = work.drop_duplicates("indicator").set_index("indicator")["label"]
    rows = [(i, e) for i in indicators for e in employers if totals.get((i, e), 0) > 0]
    ax = ax or make_axes(7.5, 1.4 + 0.3 * max(len(rows), 1))
    counts = (
        work.pivot_table(
            index=["indicator", "employer"], columns="stance", values="n_statements", aggfunc="sum"
        )
        .reindex(index=pd.MultiIndex.from_tuples(rows), columns=stances)
        .fillna(0)
    )
    positions = np.arange(len(rows))
    left = np.zeros(len(rows))
    for stance in stances:
        widths = counts[stance].to_numpy() if len(rows) else np.array([])
        ax.barh(
            positions, widths, left=left, color=palette.get(stance, GREY), label=stance, height=0.7
        )
        left += widths
    ax.set_yticks(positions, [f"{labels[i]} – {e}" for i, e in rows])
    ax.invert_yaxis()
    ax.legend(title="Holdning", loc="lower right", frameon=False)
    ax.set_xlabel("Antall utsagn om styringsparameteren")
    ax.set_title("Holdning til styringsparametere etter arbeidsgiver")
    return ax


def save_figure(figure: Figure, folder: Path | None, name: str) -> list[Path]:
    """Save ``figure`` as ``name.png`` and ``name.svg`` in ``folder`` (atomically), with
    fixed metadata and SVG ids so that reruns are byte-identical; ``folder=None`` saves
    nothing. Returns the paths written."""
    if folder is None:
        return []
    folder = Path(folder)
    paths = []
    with mpl.rc_context(STYLE):
        for suffix, metadata in (("png", PNG_METADATA), ("svg", SVG_METADATA)):
            buffer = io.BytesIO()
            figure.savefig(buffer, format=suffix, dpi=DPI, metadata=metadata)
            path = folder / f"{name}.{suffix}"
            write_bytes_atomic(path, buffer.getvalue())
            paths.append(path)
    return paths
