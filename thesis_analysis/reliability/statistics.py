"""Intercoder reliability for nominal data: percent agreement, Cohen, Fleiss, Krippendorff.

Definitions
-----------
* Percent agreement: for every pair of coders, the share of the units both coded on which
  they gave the same value; the mean over coder pairs that share at least one unit. With two
  coders this is plain percent agreement.
* Cohen's kappa (Cohen 1960): exactly two coders, on the units both coded;
  ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginal distribution.
* Fleiss' kappa (Fleiss 1971): needs the same number ``m >= 2`` of ratings per unit. We use
  the units with the largest number of ratings any unit has (with consistent coder ids: the
  units coded by every coder who coded any) and leave the others out, saying how many in
  ``unit_note``. Raters may differ between units.
* Krippendorff's alpha, nominal (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"): coincidence-matrix form; units with fewer than two values are not
  pairable and are left out; any pattern of missing values is allowed.

A statistic that is undefined (no shared units, a single category so that expected
disagreement is 0, ...) is NaN with the reason in ``note``; nothing returns a made-up 1.0.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological
Measurement, 20(1), 37-46.
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
Bulletin, 76(5), 378-382.
Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. University of
Pennsylvania, Annenberg School for Communication, Departmental Papers 43.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from thesis_analysis.reliability.units import (
    ReliabilityMatrix,
    build_reliability_matrix,
)

NAN = math.nan
MACRO = "(macro)"
POOLED = "(pooled)"


@dataclass(frozen=True)
class AgreementResult:
    """One reliability figure.

    Attributes
    ----------
    statistic : str
        ``percent_agreement``, ``cohen_kappa``, ``fleiss_kappa`` or ``krippendorff_alpha``.
    value : float
        The figure, NaN when undefined.
    n_units : int
        Units the figure is computed on.
    n_coders : int
        Coders who contributed a value to those units.
    unit_note : str
        Which units were used and why.
    note : str
        Why the value is NaN; empty when it is defined.
    """

    statistic: str
    value: float
    n_units: int
    n_coders: int
    unit_note: str
    note: str = ""


def _as_matrix(
    data: pd.DataFrame | ReliabilityMatrix, unit: str, coder: str, value: str
) -> ReliabilityMatrix:
    if isinstance(data, ReliabilityMatrix):
        return data
    return build_reliability_matrix(data, unit=unit, coder=coder, value=value)


def _value_counts(matrix: ReliabilityMatrix) -> np.ndarray:
    """Array (n_rows, n_categories): how many coders gave each row each category."""
    counts = np.zeros((matrix.values.shape[0], len(matrix.categories)), dtype=np.int64)
    for k in range(len(matrix.categories)):
        counts[:, k] = (matrix.values == k).sum(axis=1)
    return counts


def _n_coders(matrix: ReliabilityMatrix, rows: np.ndarray) -> int:
    return int((matrix.values[rows] >= 0).any(axis=0).sum())


def compute_percent_agreement(
    data: pd.DataFrame | ReliabilityMatrix,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> AgreementResult:
    """Mean pairwise percent agreement (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame or ReliabilityMatrix
        Long table with columns ``unit``, ``coder``, ``value`` (one row per rating).
    unit, coder, value : str
        Column names (ignored for a ReliabilityMatrix).

    Returns
    -------
    AgreementResult
        ``n_units`` counts the units with at least two values.
    """
    matrix = _as_matrix(data, unit, coder, value)
    vals, weights = matrix.values, matrix.weights
    rates = []
    for i, j in combinations(range(vals.shape[1]), 2):
        both = (vals[:, i] >= 0) & (vals[:, j] >= 0)
        shared = weights[both].sum()
        if shared:
            rates.append(weights[both & (vals[:, i] == vals[:, j])].sum() / shared)
    pairable = (vals >= 0).sum(axis=1) >= 2
    n_units = int(weights[pairable].sum())
    unit_note = (
        f"mean over {len(rates)} coder pair(s) of agreement on the units both coded; "
        f"{n_units} of {matrix.n_units} units coded by 2+ coders"
    )
    if not rates:
        note = "no unit was coded by two coders"
        return AgreementResult("percent_agreement", NAN, 0, 0, unit_note, note)
    value_ = float(np.mean(rates))
    n_coders = _n_coders(matrix, pairable)
    return AgreementResult("percent_agreement", value_, n_units, n_coders, unit_note)


def compute_cohen_kappa(
    data: pd.DataFrame | ReliabilityMatrix,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> AgreementResult:
    """Cohen's (1960) kappa for exactly two coders on the units both coded.

    Parameters
    ----------
    data : pandas.DataFrame or ReliabilityMatrix
        Long table with columns ``unit``, ``coder``, ``value``.
    unit, coder, value : str
        Column names.

    Returns
    -------
    AgreementResult
        NaN when there are not exactly two coders, no shared unit, or both coders used one
        and the same category only (expected agreement 1).
    """
    matrix = _as_matrix(data, unit, coder, value)
    n_coders = len(matrix.coders)
    if n_coders != 2:
        note = f"Cohen's kappa needs exactly 2 coders; there are {n_coders}"
        return AgreementResult("cohen_kappa", NAN, 0, n_coders, "", note)
    a, b = matrix.values[:, 0], matrix.values[:, 1]
    both = (a >= 0) & (b >= 0)
    n = int(matrix.weights[both].sum())
    unit_note = f"{n} of {matrix.n_units} units coded by both coders"
    if n == 0:
        return AgreementResult("cohen_kappa", NAN, 0, 2, unit_note, "no unit coded by both")
    size = len(matrix.categories)
    table = np.zeros((size, size))
    np.add.at(table, (a[both], b[both]), matrix.weights[both])
    p_a, p_b = table.sum(axis=1) / n, table.sum(axis=0) / n
    p_o, p_e = np.trace(table) / n, float(p_a @ p_b)
    if np.count_nonzero(table.sum(axis=1) + table.sum(axis=0)) == 1:
        only = matrix.categories[int(np.argmax(p_a))]
        note = f"expected agreement is 1: both coders used only the value {only!r}"
        return AgreementResult("cohen_kappa", NAN, n, 2, unit_note, note)
    return AgreementResult("cohen_kappa", float((p_o - p_e) / (1 - p_e)), n, 2, unit_note)


def compute_fleiss_kappa(
    data: pd.DataFrame | ReliabilityMatrix,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> AgreementResult:
    """Fleiss' (1971) kappa on the units with the most ratings (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame or ReliabilityMatrix
        Long table with columns ``unit``, ``coder``, ``value``.
    unit, coder, value : str
        Column names.

    Returns
    -------
    AgreementResult
        ``unit_note`` says how many units had fewer ratings and were left out.
    """
    matrix = _as_matrix(data, unit, coder, value)
    rated = (matrix.values >= 0).sum(axis=1)
    m = int(rated.max()) if len(rated) else 0
    if m < 2:
        note = "no unit has two or more ratings"
        return AgreementResult("fleiss_kappa", NAN, 0, 0, "", note)
    keep = rated == m
    weights = matrix.weights[keep]
    n = int(weights.sum())
    left_out = matrix.n_units - n
    unit_note = f"{n} units with {m} ratings each; {left_out} units with fewer left out"
    counts = _value_counts(matrix)[keep]
    per_unit = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float((weights * per_unit).sum() / n)
    shares = (weights[:, None] * counts).sum(axis=0) / (n * m)
    n_coders = _n_coders(matrix, keep)
    if np.count_nonzero(shares) == 1:
        only = matrix.categories[int(np.argmax(shares))]
        note = f"expected agreement is 1: every rating is {only!r}"
        return AgreementResult("fleiss_kappa", NAN, n, n_coders, unit_note, note)
    p_e = float((shares**2).sum())
    return AgreementResult("fleiss_kappa", (p_bar - p_e) / (1 - p_e), n, n_coders, unit_note)


def compute_krippendorff_alpha(
    data: pd.DataFrame | ReliabilityMatrix,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> AgreementResult:
    """Krippendorff's alpha for nominal data, from the coincidence matrix.

    ``alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k`` where ``o_ck`` sums,
    over pairable units ``u``, the ordered pairs of values (c, k) from different coders divided
    by ``m_u - 1``, ``n_c`` are the coincidence marginals and ``n`` the pairable values.

    Parameters
    ----------
    data : pandas.DataFrame or ReliabilityMatrix
        Long table with columns ``unit``, ``coder``, ``value``.
    unit, coder, value : str
        Column names.

    Returns
    -------
    AgreementResult
        NaN when fewer than two values are pairable or only one value occurs among them
        (expected disagreement 0).
    """
    matrix = _as_matrix(data, unit, coder, value)
    rated = (matrix.values >= 0).sum(axis=1)
    pairable = rated >= 2
    weights = matrix.weights[pairable]
    n_units = int(weights.sum())
    counts = _value_counts(matrix)[pairable]
    marginals = (weights[:, None] * counts).sum(axis=0).astype(float)
    n = float(marginals.sum())
    unit_note = (
        f"{n_units} of {matrix.n_units} units pairable (2+ values); {int(n)} pairable values"
    )
    n_coders = _n_coders(matrix, pairable)
    if np.count_nonzero(marginals) < 2:
        note = "expected disagreement is 0: fewer than two distinct values are pairable"
        return AgreementResult("krippendorff_alpha", NAN, n_units, n_coders, unit_note, note)
    m_u = rated[pairable].astype(float)
    diagonal = (weights[:, None] * counts * (counts - 1) / (m_u - 1)[:, None]).sum()
    observed = n - diagonal
    expected = n * n - float((marginals**2).sum())
    alpha = 1.0 - (n - 1) * observed / expected
    return AgreementResult("krippendorff_alpha", float(alpha), n_units, n_coders, unit_note)


STATISTICS = (
    compute_percent_agreement,
    compute_cohen_kappa,
    compute_fleiss_kappa,
    compute_krippendorff_alpha,
)


def compute_agreement(
    df: pd.DataFrame, unit: str = "unit", coder: str = "coder", value: str = "value"
) -> pd.DataFrame:
    """All four statistics for a long (unit, coder, value) table of nominal ratings.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per rating: columns ``unit`` (unit id), ``coder`` (coder id), ``value``
        (category; missing = not coded).
    unit, coder, value : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per statistic, columns ``statistic`` (str), ``value`` (float, NaN if
        undefined), ``n_units`` (int), ``n_coders`` (int), ``unit_note`` (str: which units
        were used), ``note`` (str: why a value is NaN).
    """
    matrix = build_reliability_matrix(df, unit=unit, coder=coder, value=value)
    return pd.DataFrame([vars(stat(matrix)) for stat in STATISTICS])
