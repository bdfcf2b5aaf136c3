"""CLI glue for intercoder agreement: read a long (unit, coder, value) CSV and report.

The file is UTF-8 (a byte-order mark is accepted); lines starting with ``#`` are comments
(e.g. a header citing where the data come from) and are skipped. An empty ``value`` cell means
the coder did not code that unit. Heavy imports happen inside the function, so importing this
module from the command-line entry point costs nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from thesis_analysis.errors import InputError
from thesis_analysis.user_files import read_user_csv

if TYPE_CHECKING:
    import pandas as pd


def _read_ratings(path: Path, columns: tuple[str, str, str]) -> pd.DataFrame:
    import pandas as pd

    table = read_user_csv(path, columns, comment="#")
    if not table.rows:
        raise InputError(f"{path}: the file has a header but no rows")
    df = pd.DataFrame([row[:3] for row in table.rows], columns=list(columns), dtype=str)
    df = df[list(columns)].apply(lambda col: col.str.strip())
    df = df.where(df != "")  # a blank cell is a missing cell
    unit, coder, value = columns
    for column in (unit, coder):
        blank = df[column].isna()
        if blank.any():
            first = int(blank.to_numpy().argmax()) + 1
            raise InputError(f"{path}: data row {first} has an empty {column!r} cell")
    rated = df.dropna(subset=[value]).drop_duplicates()
    clash = rated[rated.duplicated([unit, coder], keep=False)]
    if len(clash):
        first = clash.iloc[0]
        values = ", ".join(
            repr(v)
            for v in clash.loc[(clash[unit] == first[unit]) & (clash[coder] == first[coder]), value]
        )
        raise InputError(
            f"{path}: coder {first[coder]!r} gave unit {first[unit]!r} more than one value "
            f"({values}); keep one row per unit and coder"
        )
    return df


def run_agreement(
    path: Path,
    unit_column: str = "unit",
    coder_column: str = "coder",
    value_column: str = "value",
    as_json: bool = False,
) -> str:
    """Compute the agreement statistics of a long CSV of ratings and return the report.

    Parameters
    ----------
    path : pathlib.Path
        CSV file with one row per rating; columns named by the next three arguments.
    unit_column, coder_column, value_column : str
        Column names for the unit id, the coder id and the nominal value.
    as_json : bool
        Return JSON (a list of objects with sorted keys; NaN as null) instead of a table.

    Returns
    -------
    str
        The table of :func:`thesis_analysis.reliability.statistics.compute_agreement` as plain text
        (``DataFrame.to_string``) or JSON.

    Raises
    ------
    InputError
        Missing file, non-UTF-8 bytes, empty file, missing column (the message names the
        file and the column and lists the columns present), empty unit or coder cells, or
        two different values for one unit and coder.
    """
    from thesis_analysis.reliability.statistics import compute_agreement

    path = Path(path)
    columns = (unit_column, coder_column, value_column)
    df = _read_ratings(path, columns)
    table = compute_agreement(df, unit=unit_column, coder=coder_column, value=value_column)
    if as_json:
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in table.to_dict("records")
        ]
        return json.dumps(records, sort_keys=True, indent=2, ensure_ascii=False)
    return table.to_string(index=False)
