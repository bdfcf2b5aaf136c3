"""What informants say about the målekort's styringsparametere: links, stance, evidence.

A statement (informant segment) is *linked* to an indicator when it refers to it:

``name`` / ``alias``
    the auto-coder gave it an ``indikator.*`` code. ``name`` when a matched word is a word of
    the indicator's label or Vedlegg 4 name («jobbmatch», «dialogmøte»), else ``alias`` («søk i
    arbeidsmarkedet», «avgang til jobb», «hver tredje måned»).
``reference``
    it names no indicator itself, but uses «det», «den», «dette», «disse», «de» or «dem» as a
    subject or object (or a noun phrase such as «dette parameteret»), and one of the
    :data:`MAX_BACK` segments before it *in the same turn* named an indicator. The nearest
    naming segment wins, so no other indicator is named in between; references never cross
    turns. «de fleste», «den belønningen» (a determiner before a noun or adjective) do not refer.

A link is one row per segment and indicator, at the most specific level the words give: the
parameter (``indikator.jobbmatch.arbeidssokere``) or else the family (``indikator.jobbmatch``).
Its *stance* comes from the auto-coder's ``holdning.*`` codings of the segment, whose negation
handling turns «ikke nyttig» into ``holdning.kritisk``: ``kritisk``, ``positiv``, ``blandet``
(both) or ``ingen``. The evidence table shows the whole målekort: one row per code with an
``indicator:`` block, with or without statements, and a ``familie`` row before the parameters
of a family with several (it also counts statements that do not say which parameter). In a
family with one parameter the family's statements are the parameter's. Only
The workflow step :func:`thesis_analysis.workflow.link_project` writes the tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd
from spacy.lang.nb.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Token

from thesis_analysis.codebook.model import Code, Codebook, compute_top_level
from thesis_analysis.nlp.pipeline import get_pipeline
from thesis_analysis.project_file import load_default_project_file

if TYPE_CHECKING:
    pass

EMPLOYERS = load_default_project_file().list_group_order("employer")
"""The employers of the målekort's two lines (the thesis project's ``project.yaml``): the
evidence table counts statements per employer."""
MAX_BACK = 2
PRONOUNS = frozenset("det den dette disse de dem".split())
DEMONSTRATIVES = frozenset("det den dette denne disse de".split())
INDICATOR_NOUNS = ("parameter", "indikator", "mål", "krav", "måltall", "frist", "måling")
"""Heads of a noun phrase that refers back to an indicator («dette parameteret»)."""
DETERMINER_NEXT = frozenset(
    "andre samme første siste neste beste hele store nye mange fleste".split()
)
"""Words after «de/den/det» that make it a determiner («de andre») although stop words."""
CLAUSE_WORDS = frozenset(
    "burde jo heller egentlig faktisk vel liksom altså kanskje alltid aldri ofte derfor likevel "
    "allikevel også".split()
)
"""Words after a pronoun that show it stands alone (besides spaCy's stop words)."""
GENERIC_NAME_WORDS = frozenset("andel antall innen siste timer arbeidssøkere".split())
"""Words of indicator names too general to make a match a link by ``name``."""
STANCES = ("kritisk", "positiv", "blandet", "ingen")
STANCE_LABELS = {"kritisk": "Kritisk", "positiv": "Positiv", "blandet": "Blandet"}
STANCE_LABELS["ingen"] = "Nøytral/ingen vurdering"
LINK_COLUMNS = (
    "segment_id informant employer role indicator family how evidence stance stance_evidence text"
).split()
EVIDENCE_COLUMNS = [
    *"indicator family level label name target perspective line rogaland_followup".split(),
    *"in_vedlegg4 n_statements n_informants informants".split(),
    *(f"n_{e}" for e in EMPLOYERS),
    *(f"n_{s}" for s in STANCES),
    *"themes exemplar_1 exemplar_2".split(),
]
STANCE_COLUMNS = "indicator label employer stance stance_label n_statements".split()
EXEMPLAR_LENGTH = 200


def list_indicator_families(codebook: Codebook) -> list[Code]:
    """The ``indikator.<family>`` codes, in codebook order."""
    return [c for c in codebook.codes if c.id.startswith("indikator.") and c.id.count(".") == 1]


def list_parameters(codebook: Codebook, family: str) -> list[Code]:
    """The codes of ``family`` with an indicator block (the family itself if it has one)."""
    return [c for c in codebook.codes if c.indicator and compute_top_level(c.id) == family]


def classify_naming(evidence: str, code: Code, family: Code) -> str:
    """``name`` when a matched word is (an inflection of) a word of the label or indicator
    name of ``code`` or ``family``, else ``alias``."""
    names = (family.label, code.label, code.indicator.name if code.indicator else "")
    known = {w for text in names for w in _split_words(text) if len(w) >= 4}
    known -= GENERIC_NAME_WORDS
    found = [w for w in _split_words(evidence) if len(w) >= 3]
    return "name" if any(w.startswith(k) for w in found for k in known) else "alias"


def _split_words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def find_reference(tokens: Iterable[Token]) -> str | None:
    """The first words of a segment that refer back: a pronoun used as subject or object, or a
    demonstrative before an indicator noun («dette parameteret»); ``None`` if there are none.
    ``tokens`` are the segment's spaCy tokens (lemmas from ``nb_lemmas``)."""
    words = [t for t in tokens if not t.is_space]
    for token, following in zip(words, [*words[1:], None], strict=True):
        if token.lower_ in DEMONSTRATIVES and following is not None and following.is_alpha:
            lemma = following.lemma_.lower()
            if any(lemma.endswith(noun) for noun in INDICATOR_NOUNS):
                return f"{token.text} {following.text}"
        if token.lower_ in PRONOUNS and check_stands_alone(following):
            return token.text
    return None


def check_stands_alone(following: Token | None) -> bool:
    """Whether a «de/den/det/…» before ``following`` is a pronoun, not a determiner."""
    if following is None or not following.is_alpha:
        return True
    word = following.lower_
    if word in DETERMINER_NEXT:
        return False
    # A finite verb in the present ends in -r («gir», «fungerer»); the noun or adjective after
    # a determiner does not («de kommunale», «den belønningen»).
    return word in STOP_WORDS or word in CLAUSE_WORDS or word.endswith("r")


def compute_indicator_links(
    segments: pd.DataFrame,
    auto_codings: pd.DataFrame,
    codebook: Codebook,
    nlp: Language | None = None,
    max_back: int = MAX_BACK,
) -> pd.DataFrame:
    """Link statements to indicators by name, alias or reference within a turn.

    Parameters
    ----------
    segments : informant segments (:func:`thesis_analysis.corpus.segments.segment_corpus`).
    auto_codings : the auto-coder's codings of them (``segment_id``, ``code``, ``evidence``),
        from :func:`thesis_analysis.autocode.runs.code_segments`.
    codebook : the codebook of the codings.
    nlp : the pipeline that finds referring words (default: the shared one).
    max_back : how many segments back, in the same turn, a reference may reach.

    Returns
    -------
    DataFrame with :data:`LINK_COLUMNS`, one row per segment and indicator, sorted by both:
    ``segment_id``, ``informant``, ``employer``, ``role``; ``indicator`` (the parameter where
    the words identify it, else the family); ``family``; ``how`` (``name``, ``alias``,
    ``reference``); ``evidence`` (the matched words, or ``referanse: «det» → <segment id>``);
    ``stance`` (``kritisk``, ``positiv``, ``blandet``, ``ingen``); ``stance_evidence`` (the
    words of the ``holdning.*`` codings); ``text`` (the segment).
    """
    nlp = nlp or get_pipeline()
    segs = segments.sort_values(["transcript", "turn", "sentence"], kind="mergesort")
    named = collect_named(segs, auto_codings, codebook)
    rows, turn, before = [], None, []
    docs = nlp.pipe(segs["text"].tolist(), batch_size=256)
    for record, doc in zip(segs.itertuples(index=False), docs, strict=True):
        if (record.transcript, record.turn) != turn:
            turn, before = (record.transcript, record.turn), []
        own = named.get(record.segment_id, [])
        rows.extend((record.segment_id, *link) for link in own)
        reference = None if own else find_reference(doc)
        earlier = next((s for s in reversed(before[-max_back:]) if s in named), None)
        if reference is not None and earlier is not None:
            evidence = f"referanse: «{reference}» → {earlier}"
            rows.extend(
                (record.segment_id, i, f, "reference", evidence) for i, f, _, _ in named[earlier]
            )
        before.append(record.segment_id)
    links = pd.DataFrame(rows, columns=["segment_id", "indicator", "family", "how", "evidence"])
    links = links.join(
        segs.set_index("segment_id")[["informant", "employer", "role", "text"]], on="segment_id"
    )
    stance = summarise_stance(auto_codings)
    for column, missing in (("stance", "ingen"), ("stance_evidence", "")):
        found = stance[column].to_dict()
        links[column] = [found.get(segment_id, missing) for segment_id in links["segment_id"]]
    links = links.sort_values(["segment_id", "indicator"], kind="mergesort", ignore_index=True)
    return links[LINK_COLUMNS]


def collect_named(
    segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook
) -> dict[str, list[tuple[str, str, str, str]]]:
    """Segment id → ``[(indicator, family, how, evidence)]`` from the ``indikator.*`` codings:
    per family, its parameters coded there, or the family when none is."""
    rows = codings[codings["code"].str.startswith("indikator.")]
    rows = rows[rows["segment_id"].isin(set(segments["segment_id"]))]
    evidence = rows["evidence"].fillna("") if "evidence" in rows else pd.Series("", rows.index)
    found: dict[str, dict[str, dict[str, str]]] = {}
    for segment_id, code, words in zip(rows["segment_id"], rows["code"], evidence, strict=True):
        found.setdefault(segment_id, {}).setdefault(compute_top_level(code), {})[code] = words
    named: dict[str, list[tuple[str, str, str, str]]] = {}
    for segment_id, families in found.items():
        for family_id, codes in sorted(families.items()):
            family = codebook.get(family_id)
            kinds = {classify_naming(e, codebook.get(c), family) for c, e in codes.items()}
            how = "name" if "name" in kinds else "alias"
            for code_id in sorted(c for c in codes if c != family_id) or [family_id]:
                words = " | ".join(
                    dict.fromkeys(filter(None, (codes.get(family_id), codes[code_id])))
                )
                named.setdefault(segment_id, []).append((code_id, family_id, how, words))
    return named


def summarise_stance(codings: pd.DataFrame) -> pd.DataFrame:
    """Index segment id; ``stance`` (kritisk, positiv, blandet) and ``stance_evidence`` from the
    ``holdning.kritisk`` / ``holdning.positiv`` codings (segments with neither left out)."""
    rows = codings[codings["code"].isin(["holdning.kritisk", "holdning.positiv"])]
    rows = rows.sort_values(["segment_id", "code"], kind="mergesort")
    evidence = rows["evidence"].fillna("") if "evidence" in rows else pd.Series("", rows.index)
    out = {}
    for segment_id, group in pd.DataFrame(
        {"s": rows["segment_id"], "k": rows["code"].str[9:], "e": evidence}
    ).groupby("s"):
        kinds = list(dict.fromkeys(group["k"]))
        words = "; ".join(f"{k}: {e}" for k, e in zip(group["k"], group["e"], strict=True))
        out[segment_id] = (kinds[0] if len(kinds) == 1 else "blandet", words)
    return pd.DataFrame.from_dict(out, orient="index", columns=["stance", "stance_evidence"])


def compute_indicator_evidence(
    links: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """The evidence table: per styringsparameter, what the informants say about it.

    Parameters
    ----------
    links : from :func:`compute_indicator_links`.
    segments : informant segments (the exemplars' thesis source is their ``provenance``).
    codings : one coder's codings of the segments (the co-occurring themes are read here).
    codebook : names, targets, perspectives, lines and the order of the rows.

    Returns
    -------
    DataFrame with :data:`EVIDENCE_COLUMNS`, in codebook order (see the module docstring for
    the rows): ``indicator``, ``family``, ``level`` (``parameter`` or ``familie``), ``label``;
    ``name`` (Vedlegg 4), ``target`` (as text), ``perspective``, ``line``,
    ``rogaland_followup``, ``in_vedlegg4`` (a family row joins its parameters' values);
    ``n_statements`` (linked segments), ``n_informants``, ``informants``; ``n_stat``,
    ``n_kommune``, ``n_ukjent`` (by the informant's employer); ``n_kritisk``, ``n_positiv``,
    ``n_blandet``, ``n_ingen`` (by stance; each split adds up to ``n_statements``); ``themes``
    (top-level theme codes of ``codings`` on the linked segments, ``code (n)``, most frequent
    first); ``exemplar_1``, ``exemplar_2`` (quotations ≤ 200 characters, ``«…» (informant,
    employer; thesis source)``; empty when there are none). Zeros where nothing was said.
    """
    rows = []
    for family in list_indicator_families(codebook):
        params = list_parameters(codebook, family.id)
        mine = links[links["family"] == family.id]
        if len(params) != 1:
            rows.append(build_evidence_row(family, "familie", params, mine, segments, codings))
        for param in params:
            own = mine if len(params) == 1 else mine[mine["indicator"] == param.id]
            rows.append(build_evidence_row(param, "parameter", [param], own, segments, codings))
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def build_evidence_row(
    code: Code,
    level: str,
    params: list[Code],
    links: pd.DataFrame,
    segments: pd.DataFrame,
    codings: pd.DataFrame,
) -> dict:
    """One row of :func:`compute_indicator_evidence` for ``code`` and its ``links``."""
    facts = [p.indicator for p in params if p.indicator]
    said = links.drop_duplicates("segment_id")
    informants = sorted(set(said["informant"]))
    row = {
        "indicator": code.id,
        "family": compute_top_level(code.id),
        "level": level,
        "label": code.label,
        "name": facts[0].name if level == "parameter" else code.label,
        "target": join_distinct(f.target_text for f in facts),
        "perspective": join_distinct(f.perspective for f in facts),
        "line": join_distinct(f.line for f in facts),
        "rogaland_followup": any(f.rogaland_followup for f in facts),
        "in_vedlegg4": bool(facts) and all(f.in_vedlegg4 for f in facts),
        "n_statements": len(said),
        "n_informants": len(informants),
        "informants": ", ".join(informants),
        **{f"n_{e}": int((said["employer"] == e).sum()) for e in EMPLOYERS},
        **{f"n_{s}": int((said["stance"] == s).sum()) for s in STANCES},
        "themes": format_themes(codings, set(said["segment_id"])),
    }
    row["exemplar_1"], row["exemplar_2"] = select_indicator_exemplars(said, segments)
    return row


def join_distinct(values: Iterable) -> str:
    """The distinct ``values`` in order, ``; ``-joined."""
    return "; ".join(dict.fromkeys(str(v) for v in values))


def format_themes(codings: pd.DataFrame, segment_ids: set[str]) -> str:
    """``code (n)`` for the top-level themes coded on ``segment_ids``, most frequent first."""
    tops = codings.loc[codings["segment_id"].isin(segment_ids), ["segment_id", "code"]]
    tops = tops.assign(code=tops["code"].map(compute_top_level)).drop_duplicates()
    counts = tops.loc[~tops["code"].str.startswith(("holdning", "indikator")), "code"]
    ordered = sorted(counts.value_counts().items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{code} ({n})" for code, n in ordered)


def select_indicator_exemplars(statements: pd.DataFrame, segments: pd.DataFrame) -> tuple[str, str]:
    """The best critical and the best positive statement ≤ 200 characters (else the next
    best), from different informants and texts; best = names the indicator, is a verbatim
    quotation (``sitat``), is short."""
    pool = statements[statements["text"].str.len() <= EXEMPLAR_LENGTH]
    source = pool["segment_id"].map(segments.set_index("segment_id")["provenance"]).fillna("")
    pool = pool.assign(
        source=source,
        by_ref=pool["how"] == "reference",
        unquoted=~source.str.contains("sitat"),  # False (a quotation) sorts first
        length=pool["text"].str.len(),
    )
    pool = pool.sort_values(["by_ref", "unquoted", "length", "segment_id"], kind="mergesort")
    chosen: list = []
    for wanted in (("kritisk", "blandet"), ("positiv",), STANCES):
        fresh = (
            r
            for r in pool.itertuples(index=False)
            if r.stance in wanted
            and all(r.text != c.text and r.informant != c.informant for c in chosen)
        )
        chosen.extend([found] if len(chosen) < 2 and (found := next(fresh, None)) else [])
    quotes = [f"«{c.text.strip('«»')}» ({c.informant}, {c.employer}; {c.source})" for c in chosen]
    return (*quotes, "", "")[0], (*quotes, "", "")[1]


def compute_indicator_stance(links: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Statements per indicator family, employer and stance, for
    :func:`thesis_analysis.analysis.figures.plot_indicator_stance`.

    Returns
    -------
    DataFrame with :data:`STANCE_COLUMNS`, one row per family, employer and stance that has
    statements, in codebook, employer and stance order: ``indicator`` (family id), ``label``,
    ``employer``, ``stance`` (kritisk, positiv, blandet, ingen), ``stance_label`` (Kritisk,
    Positiv, Blandet, Nøytral/ingen vurdering), ``n_statements`` (distinct segments).
    """
    families = [c.id for c in list_indicator_families(codebook)]
    said = links.drop_duplicates(["segment_id", "family"])
    said = said.assign(
        indicator=pd.Categorical(said["family"], families),
        employer=pd.Categorical(said["employer"], sorted(set(said["employer"]), key=_employer)),
        stance=pd.Categorical(said["stance"], STANCES),
    )
    keys = ["indicator", "employer", "stance"]
    counts = said.groupby(keys, observed=True).size().reset_index(name="n_statements")
    counts = counts.astype({k: str for k in keys})
    counts.insert(1, "label", [codebook.get(f).label for f in counts["indicator"]])
    counts.insert(4, "stance_label", counts["stance"].map(STANCE_LABELS))
    return counts[STANCE_COLUMNS]


def _employer(employer: str) -> tuple[int, str]:
    return (EMPLOYERS.index(employer) if employer in EMPLOYERS else len(EMPLOYERS), employer)


def merge_link_codings(auto_codings: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """The auto-coder's codings with its ``indikator.*`` rows replaced by the links (``rule``
    ``link:<how>``), so that evaluation scores the linker, references included."""
    kept = auto_codings[~auto_codings["code"].str.startswith("indikator.")]
    linked = links.rename(columns={"indicator": "code"}).assign(
        coder="auto", rule="link:" + links["how"]
    )
    integers = {c: "Int64" for c in kept.columns if pd.api.types.is_integer_dtype(kept[c])}
    merged = pd.concat([kept.astype(integers), linked.reindex(columns=kept.columns)])
    return merged.sort_values(["segment_id", "code"], kind="mergesort", ignore_index=True)
