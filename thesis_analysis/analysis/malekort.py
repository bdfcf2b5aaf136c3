"""The målekort view (thesis 1.2.2): per styringsparameter its target, the result, a status
circle and a trend arrow, from a results table the researcher supplies.

The repository ships no results of the office; bring your own CSV (UTF-8, header
``period,indicator,value``, other columns ignored, lines starting with ``#`` are comments):

- ``period``: a sortable period, ``2014``, ``2014-03``, ``2014-03-31``, ``2014-Q1`` or
  ``2014-T1`` (tertial); periods sort as text, so use one form per file.
- ``indicator``: a code id with an ``indicator:`` block in ``codebook.yaml``
  (``indikator.jobbmatch.arbeidssokere``).
- ``value``: a number in the unit of the target (``61.5``, ``"61,5"`` or ``61,5 %`` quoted).

Status (the leader's reading of the målekort in 1.2.2): **grønn** within the target; **gul**
too low (too high for a ``≤`` target) but not alarming, i.e. off by at most
``Thresholds.yellow`` of the target (10 %: 54 against ≥ 60 is yellow); **rød** further off;
``ingen mål`` where the target is text only; ``ingen data`` where there is no result. Trend: the
arrow says whether the value is higher (↑), lower (↓) or the same (→) as at the indicator's
previous measurement, its colour whether that is good — grønn (better or unchanged), gul
(worse by at most ``Thresholds.trend_alarm`` of the previous value), rød (worse by more). Where
the target has no direction, higher counts as better.
"""

from __future__ import annotations

import csv
import difflib
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from thesis_analysis.codebook.model import Codebook
from thesis_analysis.errors import InputError

RESULT_COLUMNS = ["period", "indicator", "value", "source_line"]
MALEKORT_COLUMNS = (
    "indicator name perspective line target period value previous_period previous_value "
    "status trend trend_arrow trend_status"
).split()
PERIOD_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?|-Q[1-4]|-T[1-3])?$")
ARROWS = {"opp": "↑", "ned": "↓", "uendret": "→", "": ""}
COLOURS = {"grønn": "#009E73", "gul": "#F0E442", "rød": "#D55E00"}
NO_TARGET, NO_DATA = "ingen mål", "ingen data"


@dataclass(frozen=True)
class Thresholds:
    """Where the colours change (shares, ``0.10`` = 10 %).

    yellow : a result off the target by at most this share of the target is ``gul``.
    trend_alarm : a result worse than the previous one by more than this share of the previous
        value gets a ``rød`` arrow, otherwise ``gul``.
    unchanged : a change of at most this (in the unit of the values) counts as unchanged.
    """

    yellow: float = 0.10
    trend_alarm: float = 0.10
    unchanged: float = 0.0

    def __post_init__(self) -> None:
        for name in ("yellow", "trend_alarm", "unchanged"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"Thresholds.{name} must be a number ≥ 0, not {value!r}")


def list_indicator_ids(codebook: Codebook) -> list[str]:
    """The ids of the codes with an ``indicator:`` block (the målekort's rows), in file order."""
    return [code.id for code in codebook.codes if code.indicator is not None]


def create_empty_results() -> pd.DataFrame:
    """A results table with no measurements (the målekort then shows targets only)."""
    return pd.DataFrame(
        {
            "period": pd.Series(dtype=str),
            "indicator": pd.Series(dtype=str),
            "value": pd.Series(dtype=float),
            "source_line": pd.Series(dtype=int),
        }
    )


def load_indicator_results(path: Path, codebook: Codebook | None = None) -> pd.DataFrame:
    """Read a results CSV (format in the module docstring).

    Parameters
    ----------
    path : the CSV file.
    codebook : when given, every indicator id must have an ``indicator:`` block in it.

    Returns
    -------
    DataFrame with :data:`RESULT_COLUMNS`, sorted by indicator and period: ``period`` (text),
    ``indicator``, ``value`` (float), ``source_line`` (the line in the file).

    Raises
    ------
    InputError
        Listing every problem, each as ``results.csv:LINE: what is wrong — what to do``:
        unreadable or non-UTF-8 file, missing column, empty or malformed period, unknown
        indicator id, a value that is not a number, the same period and indicator twice.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the results ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    numbered = [(n, line) for n, line in numbered if line.strip() and not line.startswith("#")]
    if not numbered:
        raise InputError(
            f"{path.name}:1: no header — the first line must be period,indicator,value"
        )
    header_line, header = numbered[0]
    columns = [c.strip() for c in next(csv.reader([header]))]
    missing = [c for c in ("period", "indicator", "value") if c not in columns]
    if missing:
        raise InputError(
            f"{path.name}:{header_line}: no column {', '.join(missing)} (the columns are "
            f"{', '.join(columns)}) — the header must name period, indicator and value"
        )
    known = list_indicator_ids(codebook) if codebook is not None else None
    rows, problems, seen = [], [], {}
    for n, line in numbered[1:]:
        record = dict(zip(columns, (v.strip() for v in next(csv.reader([line]))), strict=False))
        row, row_problems = _parse_row(record, n, path.name, known)
        problems.extend(row_problems)
        if row is None:
            continue
        key = (row[0], row[1])
        if key in seen:
            problems.append(
                f"{path.name}:{n}: {row[1]} in {row[0]} again (first on line "
                f"{seen[key]}) — keep one value per period and indicator"
            )
        seen.setdefault(key, n)
        rows.append(row)
    if problems:
        raise InputError(f"{path.name}: {len(problems)} problem(s):\n" + "\n".join(problems))
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return frame.sort_values(["indicator", "period"], kind="mergesort", ignore_index=True)


def _parse_row(
    record: dict[str, str], line: int, name: str, known: list[str] | None
) -> tuple[tuple | None, list[str]]:
    period, indicator = record.get("period", ""), record.get("indicator", "")
    raw = record.get("value", "")
    problems = []
    if not PERIOD_PATTERN.match(period):
        problems.append(f"{name}:{line}: period {period!r} is not a period — write e.g. 2014-03")
    if not indicator:
        problems.append(f"{name}:{line}: no indicator id — give an indikator.* id")
    elif known is not None and indicator not in known:
        close = difflib.get_close_matches(indicator, known, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(
            f"{name}:{line}: unknown indicator {indicator!r}{hint} — use the id of a code with "
            "an indicator: block in codebook.yaml"
        )
    try:
        value = float(raw.removesuffix("%").strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(f"{name}:{line}: value {raw!r} is not a number — write e.g. 61.5")
    return (None if problems else (period, indicator, value, line)), problems


def compute_status(value: float, target: float | None, direction: str | None, yellow: float) -> str:
    """``grønn``, ``gul`` or ``rød`` for ``value`` against the target (see module docstring);
    ``ingen mål`` without a numeric target, ``ingen data`` without a value."""
    if value is None or math.isnan(value):
        return NO_DATA
    if target is None or direction not in (">=", "<="):
        return NO_TARGET
    shortfall = (target - value) if direction == ">=" else (value - target)
    if shortfall <= 0:
        return "grønn"
    return "gul" if shortfall <= yellow * abs(target) else "rød"


def compute_trend(
    value: float, previous: float, direction: str | None, thresholds: Thresholds
) -> tuple[str, str]:
    """``(trend, trend_status)``: ``opp``/``ned``/``uendret`` and ``grønn``/``gul``/``rød``;
    ``("", "")`` when either value is missing."""
    if value is None or previous is None or math.isnan(value) or math.isnan(previous):
        return "", ""
    change = value - previous
    if abs(change) <= thresholds.unchanged:
        return "uendret", "grønn"
    trend = "opp" if change > 0 else "ned"
    if (change > 0) == (direction != "<="):
        return trend, "grønn"
    worse = abs(change) / abs(previous) if previous else math.inf
    return trend, "rød" if worse > thresholds.trend_alarm else "gul"


def render_malekort(
    results: pd.DataFrame,
    codebook: Codebook,
    thresholds: Thresholds = Thresholds(),
    period: str | None = None,
) -> pd.DataFrame:
    """The målekort: one row per styringsparameter of the codebook, with or without a result.

    Parameters
    ----------
    results : from :func:`load_indicator_results` (``period``, ``indicator``, ``value``).
    codebook : names, targets, perspectives and the order of the rows.
    thresholds : where the colours change (:class:`Thresholds`).
    period : the period to show (default: the latest in ``results``).

    Returns
    -------
    DataFrame with :data:`MALEKORT_COLUMNS`: ``indicator``, ``name``, ``perspective``,
    ``line``, ``target`` (text); ``period``, ``value`` (NaN without a result),
    ``previous_period``, ``previous_value`` (the indicator's latest earlier result);
    ``status`` (grønn, gul, rød, ingen mål, ingen data); ``trend`` (opp, ned, uendret or empty),
    ``trend_arrow`` (↑ ↓ → or empty), ``trend_status`` (grønn, gul, rød or empty).

    Raises
    ------
    InputError
        An indicator id not in the codebook (naming its line), or a ``period`` with no results.
    """
    known = list_indicator_ids(codebook)
    unknown = results[~results["indicator"].isin(known)]
    if len(unknown):
        where = [f"line {n}" for n in unknown.get("source_line", pd.Series(dtype=int))]
        raise InputError(
            f"results: unknown indicator(s) {', '.join(sorted(set(unknown['indicator'])))}"
            f"{' (' + ', '.join(where) + ')' if where else ''} — use ids of codes with an "
            "indicator: block in codebook.yaml"
        )
    periods = sorted(set(results["period"].astype(str)))
    period = period if period is not None else (periods[-1] if periods else None)
    if period is not None and period not in periods:
        raise InputError(f"results: no result for period {period!r}; periods: {periods}")
    rows = []
    for code_id in known:
        facts = codebook.get(code_id).indicator
        mine = results[results["indicator"] == code_id].sort_values("period")
        now = mine[mine["period"] == period]
        before = mine[mine["period"] < period] if period is not None else mine.iloc[0:0]
        value = float(now["value"].iloc[0]) if len(now) else math.nan
        previous = float(before["value"].iloc[-1]) if len(before) else math.nan
        trend, trend_status = compute_trend(value, previous, facts.target_direction, thresholds)
        rows.append(
            {
                "indicator": code_id,
                "name": facts.name,
                "perspective": facts.perspective,
                "line": facts.line,
                "target": facts.target_text,
                "period": period,
                "value": value,
                "previous_period": before["period"].iloc[-1] if len(before) else None,
                "previous_value": previous,
                "status": compute_status(
                    value, facts.target_value, facts.target_direction, thresholds.yellow
                ),
                "trend": trend,
                "trend_arrow": ARROWS[trend],
                "trend_status": trend_status,
            }
        )
    return pd.DataFrame(rows, columns=MALEKORT_COLUMNS)


def format_malekort_html(malekort: pd.DataFrame) -> str:
    """The målekort of :func:`render_malekort` as an HTML table (for ``IPython.display.HTML``):
    a coloured circle and its colour's name for status, a coloured arrow for trend."""
    head = (
        "Styringsparameter",
        "Perspektiv",
        "Resultatkrav",
        "Periode",
        "Resultat",
        "Status",
        "Trend",
    )
    body = []
    for row in malekort.itertuples(index=False):
        value = "–" if pd.isna(row.value) else f"{row.value:g}".replace(".", ",")
        cells = [
            html.escape(str(c))
            for c in (row.name, row.perspective, row.target, row.period or "–", value)
        ]
        cells.append(_mark("●", row.status) + f" {html.escape(row.status)}")
        cells.append(_mark(row.trend_arrow, row.trend_status) if row.trend else "")
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return (
        '<table class="malekort">\n<thead><tr>'
        + header
        + "</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>"
    )


def _mark(symbol: str, colour: str) -> str:
    hue = COLOURS.get(colour, "#999999")
    return f'<span style="color:{hue}" title="{html.escape(colour)}">{symbol}</span>'
