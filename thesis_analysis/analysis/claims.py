"""Exemplar quotations and the claims ledger: the thesis's conclusions weighed against the
coded statements.

A claim (``claims.yaml`` at the project root) rests on *patterns* of codes. A pattern is a
list of terms that must all occur in the same statement; a term is a code id (it matches the
code and every code below it, so ``styring`` matches ``styring.laering``) or a list of
alternative code ids. ``supports: [holdning.positiv, styring]`` is a positive stance on
steering; ``against: [holdning.kritisk, styring]`` the critical stance on the same topic;
``against: []`` means the thesis states no counter-position that the codes can capture.

Only :func:`load_claims` reads the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from thesis_analysis.analysis.levels import (
    join_codings,
    label_code,
    list_level_codes,
    map_code_level,
)
from thesis_analysis.codebook.model import Codebook
from thesis_analysis.corpus.segments import list_case_columns
from thesis_analysis.errors import InputError
from thesis_analysis.user_files import read_user_text
from thesis_analysis.yaml_lines import LineLoader, locate_item_line, locate_line

SupportPattern = tuple[tuple[str, ...], ...]
STRENGTHS: tuple[tuple[int, str], ...] = ((5, "bred støtte"), (2, "noe støtte"), (0, "tynn"))
"""Strength of a claim by its supporting informants: ≥ 5, 2–4, ≤ 1."""
CLAIM_KEYS = ("id", "claim", "section", "supports", "against", "note")
EXEMPLAR_COLUMNS = (
    "code label rank segment_id informant role employer section text evidence provenance shortened"
).split()
LEDGER_COLUMNS = (
    "claim_id section claim supports against n_support n_support_informants n_against "
    "n_against_informants strength quote_1 quote_2 unit"
).split()


@dataclass(frozen=True)
class Claim:
    """One conclusion of the thesis and the code patterns that bear on it."""

    id: str
    claim: str
    section: str
    supports: SupportPattern
    against: SupportPattern
    note: str = ""


def parse_pattern(value: object, where: str, problems: list[str]) -> SupportPattern:
    """A ``supports``/``against`` value as a tuple of terms (tuples of alternative ids)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where}: give a list of code ids, e.g. [holdning.positiv, styring]")
        return ()
    terms = []
    for term in value:
        alternatives = term if isinstance(term, list) else [term]
        if not alternatives or not all(isinstance(a, str) and a for a in alternatives):
            problems.append(f"{where}: {term!r} is not a code id or a list of code ids")
            continue
        terms.append(tuple(alternatives))
    return tuple(terms)


def check_claims(
    claims: tuple[Claim, ...],
    codebook: Codebook,
    locate: Callable[[int, str], str] | None = None,
) -> list[str]:
    """Problems of the claims against the codebook: unknown code ids and repeated claim ids.

    ``locate(index, key)`` gives the prefix that names where claim ``index``'s ``key`` is
    (``claims.yaml:4: ``); without it, problems start with the claim id alone.
    """
    known = set(codebook.ids())
    problems, seen = [], set()
    for index, claim in enumerate(claims):
        prefix = locate(index, "id") if locate else ""
        if claim.id in seen:
            problems.append(
                f"{prefix}claim {claim.id}: the id is used twice; give each claim its own"
            )
        seen.add(claim.id)
        for field in ("supports", "against"):
            prefix = locate(index, field) if locate else ""
            for code in sorted({a for term in getattr(claim, field) for a in term} - known):
                problems.append(
                    f"{prefix}claim {claim.id}: {field} code {code!r} is not in the codebook; "
                    "use an id from codebook.yaml"
                )
    return problems


def load_claims(path: Path, codebook: Codebook | None = None) -> tuple[Claim, ...]:
    """Read ``claims.yaml`` (a list under ``claims:``); check code ids against ``codebook``.

    Raises
    ------
    InputError
        Listing every problem (missing keys, bad patterns, unknown codes, repeated ids).
    """
    path = Path(path)
    try:
        data = yaml.load(read_user_text(path), Loader=LineLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    entries = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: expected a list of claims under the key 'claims:'")
    claims, problems, kept = [], [], []
    for number, entry in enumerate(entries, start=1):
        line = locate_item_line(entries, number - 1, locate_line(entries))
        where = f"{path.name}:{line}: claim {number}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("claim"):
            problems.append(f"{where}: needs at least id, claim and supports")
            continue
        extra = sorted(set(entry) - set(CLAIM_KEYS))
        if extra:
            problems.append(f"{where}: unknown key(s) {', '.join(extra)}; use {CLAIM_KEYS}")
        supports = parse_pattern(entry.get("supports"), f"{where} supports", problems)
        if not supports:
            problems.append(f"{where}: supports is empty; name the codes the claim rests on")
        claims.append(
            Claim(
                id=str(entry["id"]),
                claim=str(entry["claim"]).strip(),
                section=str(entry.get("section", "")),
                supports=supports,
                against=parse_pattern(entry.get("against"), f"{where} against", problems),
                note=str(entry.get("note") or "").strip(),
            )
        )
        kept.append(entry)

    def locate(index: int, key: str) -> str:
        return f"{path.name}:{locate_line(kept[index], key)}: "

    if codebook is not None:
        problems += check_claims(tuple(claims), codebook, locate)
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the claims:\n" + "\n".join(problems))
    return tuple(claims)


def format_pattern(pattern: SupportPattern) -> str:
    """``holdning.positiv × styring``; alternatives in parentheses, ``(a | b)``."""
    return " × ".join(t[0] if len(t) == 1 else "(" + " | ".join(t) + ")" for t in pattern)


def claims_to_frame(claims: tuple[Claim, ...]) -> pd.DataFrame:
    """The claims as a table: ``claim_id``, ``section``, ``claim``, ``supports``, ``against``."""
    rows = [
        (c.id, c.section, c.claim, format_pattern(c.supports), format_pattern(c.against))
        for c in claims
    ]
    return pd.DataFrame(rows, columns=["claim_id", "section", "claim", "supports", "against"])


def shorten_text(text: str, max_chars: int) -> str:
    """``text`` cut at a word boundary to at most ``max_chars`` characters, with " …"."""
    if len(text) <= max_chars:
        return text
    cut = text[: max(max_chars - 2, 1)].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + " …"


def rank_quotations(candidates: pd.DataFrame, n: int, max_chars: int, min_chars: int) -> list:
    """Pick ``n`` rows of ``candidates`` (columns ``segment_id``, ``informant``, ``text``,
    ``score`` higher = better), deterministically: best score, then text that fits between
    ``min_chars`` and ``max_chars``, then shortest, ties by segment id; a second informant is
    preferred to a second quotation from the same one, and a text is never chosen twice.
    Returns the row labels."""
    length = candidates["text"].str.len()
    keyed = candidates.assign(
        _misfit=~length.between(min_chars, max_chars), _len=length, _score=-candidates["score"]
    ).sort_values(["_score", "_misfit", "_len", "segment_id"], kind="mergesort")
    chosen: list = []
    informants: set[str] = set()
    texts: set[str] = set()
    for strict in (True, False):
        for position, informant, text in zip(
            keyed.index, keyed["informant"], keyed["text"], strict=True
        ):
            if len(chosen) >= n or position in chosen or text in texts:
                continue
            if strict and informant in informants:
                continue
            chosen.append(position)
            informants.add(informant)
            texts.add(text)
    return chosen


def collect_evidence(codings: pd.DataFrame, level: str) -> dict[tuple[str, str], str]:
    """(segment id, code at ``level``) → the distinct evidence words, `` | ``-separated."""
    if "evidence" not in codings.columns:
        return {}
    mapped = map_code_level(codings[["segment_id", "code"]], level, deduplicate=False)
    pieces: dict[tuple[str, str], dict[str, None]] = {}
    for key, text in zip(
        zip(mapped["segment_id"], mapped["code"], strict=True),
        codings["evidence"].fillna("").astype(str),
        strict=True,
    ):
        for piece in text.split(" | "):
            if piece:
                pieces.setdefault(key, {})[piece] = None
    return {key: " | ".join(words) for key, words in pieces.items()}


def select_exemplars(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    n: int = 2,
    max_chars: int = 220,
    level: str = "top",
    min_chars: int = 40,
) -> pd.DataFrame:
    """Short, clear quotations per code, with informant and provenance.

    The choice is deterministic: segments with auto-coder evidence first, then those between
    ``min_chars`` and ``max_chars`` long, the shortest first, ties by segment id; the second
    quotation comes from another informant when there is one. A text longer than
    ``max_chars`` is shortened at a word boundary (``shortened`` is True).

    Returns
    -------
    DataFrame with :data:`EXEMPLAR_COLUMNS` (``role`` and ``employer`` standing for the case
    variables of ``segments``, whichever they are), at most ``n`` rows per code (codes without
    codings have none), in codebook order and ``rank`` (1, 2, …): ``code``, ``label``,
    ``rank``, ``segment_id``, ``informant``, the case variables, ``section``, ``text``,
    ``evidence`` (the matched words, "" for hand codings), ``provenance`` (the thesis
    section the statement is reconstructed from), ``shortened``.
    """
    joined = join_codings(codings, segments, codebook, level)
    evidence = collect_evidence(codings, level)
    variables = list_case_columns(segments)
    rows = []
    for code in list_level_codes(codebook, level):
        candidates = joined[joined["code"] == code].drop_duplicates("segment_id")
        keys = zip(candidates["segment_id"], candidates["code"], strict=True)
        candidates = candidates.assign(evidence=[evidence.get(k, "") for k in keys])
        candidates = candidates.reset_index(drop=True)
        candidates["score"] = (candidates["evidence"] != "").astype(int)
        for rank, position in enumerate(rank_quotations(candidates, n, max_chars, min_chars), 1):
            row = candidates.loc[position]
            rows.append(
                (
                    code,
                    label_code(codebook, code),
                    rank,
                    row["segment_id"],
                    row["informant"],
                    *(row[name] for name in variables),
                    row["section"],
                    shorten_text(row["text"], max_chars),
                    row["evidence"],
                    row["provenance"],
                    len(row["text"]) > max_chars,
                )
            )
    fixed = [c for c in EXEMPLAR_COLUMNS if c not in ("role", "employer")]
    columns = [*fixed[:5], *variables, *fixed[5:]]
    return pd.DataFrame(rows, columns=columns)


def match_pattern(pattern: SupportPattern, unit_codes: pd.DataFrame) -> set[str]:
    """Units (``unit`` column) whose codes (``code``) satisfy every term of ``pattern``."""
    units: set[str] | None = None
    for term in pattern:
        hit = pd.Series(False, index=unit_codes.index)
        for code in term:
            hit |= (unit_codes["code"] == code) | unit_codes["code"].str.startswith(code + ".")
        found = set(unit_codes.loc[hit, "unit"])
        units = found if units is None else units & found
    return units or set()


def score_segments(pattern: SupportPattern, codes: pd.DataFrame) -> pd.Series:
    """Per segment id: how many terms of ``pattern`` the segment's own codes match."""
    score = pd.Series(0, index=pd.Index(sorted(set(codes["segment_id"]))))
    for term in pattern:
        hit = pd.Series(False, index=codes.index)
        for code in term:
            hit |= (codes["code"] == code) | codes["code"].str.startswith(code + ".")
        score = score.add(
            pd.Series(1, index=sorted(set(codes.loc[hit, "segment_id"]))), fill_value=0
        )
    return score.astype(int)


def format_quotation(row: pd.Series, max_chars: int) -> str:
    """``«text» (TL1, kilde 4.2.1; fordelt)``."""
    text = shorten_text(row["text"], max_chars)
    if text.count("«") > text.count("»") and text.startswith("«"):
        text = text[1:]
    if text.count("»") > text.count("«") and text.rstrip(".").endswith("»"):
        text = text.rstrip(".")[:-1] + text[len(text.rstrip(".")) :]
    quoted = f"«{text}»"
    source = f", kilde {row['provenance']}" if row.get("provenance") else ""
    return f"{quoted} ({row['informant']}{source})"


def label_strength(n_informants: int) -> str:
    """The strength label of :data:`STRENGTHS` for a number of supporting informants."""
    return next(label for floor, label in STRENGTHS if n_informants >= floor)


def compute_claims_ledger(
    claims: tuple[Claim, ...],
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    unit: str = "turn",
    n_quotes: int = 2,
    max_chars: int = 220,
) -> pd.DataFrame:
    """Weigh each claim: the statements that support it, those against it, and quotations.

    Parameters
    ----------
    claims : from :func:`load_claims`.
    codings : one coder's codings (``segment_id``, ``code``).
    segments : the informant segments (``segment_id``, ``informant``, ``text``,
        ``provenance``); codings of other segments are not counted.
    unit : what a statement is: ``turn`` (all codes of a pattern in one turn) or
        ``segment`` (in one sentence).
    n_quotes : quotations per claim (at most 2): segments of supporting statements that
        match the most terms of the pattern, chosen as in :func:`rank_quotations`.
    max_chars : longer quotations are shortened at a word boundary.

    Returns
    -------
    DataFrame with :data:`LEDGER_COLUMNS`, one row per claim in file order: ``claim_id``,
    ``section`` (of the thesis), ``claim``, ``supports``/``against`` (the patterns, see
    :func:`format_pattern`), ``n_support``/``n_against`` (statements) and
    ``n_support_informants``/``n_against_informants`` (``against`` counts are empty when the
    claim has no ``against`` pattern), ``strength`` (:data:`STRENGTHS`), ``quote_1`` and
    ``quote_2`` (supporting quotations with informant and provenance, "" if none), ``unit``.
    """
    if unit not in ("turn", "segment"):
        raise ValueError(f"unit must be 'turn' or 'segment', not {unit!r}")
    known = codings[codings["segment_id"].isin(segments["segment_id"])][["segment_id", "code"]]
    known = known.drop_duplicates().reset_index(drop=True)
    to_unit = segments["segment_id"].str.rpartition("-s")[0] if unit == "turn" else None
    unit_of = dict(
        zip(
            segments["segment_id"],
            to_unit if to_unit is not None else segments["segment_id"],
            strict=True,
        )
    )
    informant_of = {
        unit_of[s]: i for s, i in zip(segments["segment_id"], segments["informant"], strict=True)
    }
    unit_codes = known.assign(unit=known["segment_id"].map(unit_of))
    by_id = segments.set_index("segment_id", drop=False)
    rows = []
    for claim in claims:
        support = match_pattern(claim.supports, unit_codes)
        against = match_pattern(claim.against, unit_codes) if claim.against else None
        n_informants = len({informant_of[u] for u in support})
        scores = score_segments(claim.supports, unit_codes[unit_codes["unit"].isin(support)])
        scores = scores[scores > 0]
        candidates = by_id.loc[list(scores.index)].reset_index(drop=True)
        candidates["score"] = scores.to_numpy()
        picked = rank_quotations(candidates, min(n_quotes, 2), max_chars, 40)
        quotes = [format_quotation(candidates.loc[p], max_chars) for p in picked] + ["", ""]
        rows.append(
            {
                "claim_id": claim.id,
                "section": claim.section,
                "claim": claim.claim,
                "supports": format_pattern(claim.supports),
                "against": format_pattern(claim.against),
                "n_support": len(support),
                "n_support_informants": n_informants,
                "n_against": len(against) if against is not None else pd.NA,
                "n_against_informants": (
                    len({informant_of[u] for u in against}) if against is not None else pd.NA
                ),
                "strength": label_strength(n_informants),
                "quote_1": quotes[0],
                "quote_2": quotes[1],
                "unit": unit,
            }
        )
    frame = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    for column in ("n_against", "n_against_informants"):
        frame[column] = frame[column].astype("Int64")
    return frame
