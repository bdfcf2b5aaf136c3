"""The merged lemma table and its per-machine cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.nlp import lemma_table
from thesis_analysis.nlp.lemma_table import (
    build_lemma_table,
    compute_table_key,
    encode_table,
    load_lemma_table,
    read_cached_table,
)


def test_encoded_tables_read_back_exactly(tmp_path: Path) -> None:
    table = {"målene": "mål", "ikkje": "ikkje", "æ": "ø", "nav-kontoret": "nav-kontor"}
    path = tmp_path / "t.npz"
    path.write_bytes(encode_table(table))
    assert read_cached_table(path) == table


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_a_damaged_cache_is_not_read(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "t.npz"
    path.write_bytes(content)
    assert read_cached_table(path) is None


def test_the_cache_is_built_once_and_then_read(tmp_path: Path, monkeypatch) -> None:
    calls = []

    def build() -> dict[str, str]:
        calls.append(1)
        return {"målene": "mål", "verksemda": "verksemd"}

    monkeypatch.setattr(lemma_table, "build_lemma_table", build)
    first = load_lemma_table(tmp_path)
    second = load_lemma_table(tmp_path)
    assert first == second == {"målene": "mål", "verksemda": "verksemd"}
    assert len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"lemmas-{compute_table_key()}.npz"]


def test_the_key_follows_the_source_versions(monkeypatch) -> None:
    before = compute_table_key()
    real = lemma_table.metadata.version
    monkeypatch.setattr(
        lemma_table.metadata,
        "version",
        lambda name: real(name) + ("x" if name == "simplemma" else ""),
    )
    assert compute_table_key() != before


def test_bokmal_wins_where_the_standards_share_a_form() -> None:
    table = build_lemma_table()
    bokmal = lemma_table.read_bokmal_forms()
    assert all(table[form] == lemma for form, lemma in bokmal.items())
    assert table["verksemda"] == "verksemd" and "verksemda" not in bokmal
    assert len(table) > len(bokmal) + 50_000


@pytest.mark.parametrize("switch_at", [1, 5, 1_000])
def test_the_cached_table_answers_as_a_dict_before_and_after_the_switch(
    tmp_path: Path, switch_at: int, monkeypatch
) -> None:
    table = {"målene": "mål", "ikkje": "ikkje", "å": "å", "zz": "z", "nav-kontoret": "nav-kontor"}
    path = tmp_path / "t.npz"
    path.write_bytes(encode_table(table))
    monkeypatch.setattr(lemma_table.LemmaTable, "SWITCH_AT", switch_at)
    cached = read_cached_table(path)
    for form in ["målene", "målen", "", "ikkje", "a", "å", "zz", "zzz", "nav-kontoret", "Målene"]:
        assert cached.get(form) == table.get(form), form
        assert (form in cached) == (form in table), form
    assert len(cached) == len(table) and dict(cached.items()) == table
    with pytest.raises(KeyError):
        cached["ukjent"]


def test_the_real_table_is_found_by_search_as_by_dict(tmp_path: Path) -> None:
    table = build_lemma_table()
    path = tmp_path / "t.npz"
    path.write_bytes(encode_table(table))
    cached = read_cached_table(path)
    sample = sorted(table)[::997] + ["målstyringa", "verksemda", "xqzy", "tellekantane"]
    assert [cached.get(f) for f in sample] == [table.get(f) for f in sample]
