"""Tests of the coding panel without a browser: set widget values, click buttons, read the
coder's file on disk."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import pytest

from thesis_analysis.codebook.model import load_codebook
from thesis_analysis.coding.files import load_coder_file, save_coder_file
from thesis_analysis.coding.panel import ALL, CodingPanel, load_rejections
from thesis_analysis.coding.store import CodingStore
from thesis_analysis.errors import InputError

STORE = Path(__file__).parents[1] / "data" / "store"


def load_store_codebook(path: Path = STORE / "codebook.yaml"):
    """The fixture codebook of tests/data/store (without the project's fixed ids)."""
    return load_codebook(path, require_fixed_ids=False)


@pytest.fixture
def codebook():
    return load_store_codebook()


@pytest.fixture
def segments() -> pd.DataFrame:
    return pd.read_csv(STORE / "segments.csv", keep_default_na=False)


@pytest.fixture
def suggestions() -> pd.DataFrame:
    return load_coder_file(STORE / "codings" / "auto.csv")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "codings"


@pytest.fixture
def panel(folder, codebook, segments, suggestions) -> CodingPanel:
    store = CodingStore(folder, "anna", codebook, segments)
    return CodingPanel(store, segments, codebook, suggestions)


def on_disk(folder: Path, coder: str = "anna") -> list[tuple[str, str, str]]:
    path = folder / f"{coder}.csv"
    if not path.exists():
        return []
    frame = load_coder_file(path)
    return list(zip(frame["segment_id"], frame["code"], frame["memo"], strict=True))


def walk(widget: widgets.Widget) -> list[widgets.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found.extend(walk(child))
    return found


def find(panel: CodingPanel, css: str) -> widgets.Widget:
    matches = [w for w in walk(panel.widget) if css in getattr(w, "_dom_classes", ())]
    assert len(matches) == 1, f"{len(matches)} widgets with class {css}"
    return matches[0]


def test_widgets_carry_classes_descriptions_and_the_code_tree(panel: CodingPanel) -> None:
    assert "ta-panel" in panel.widget._dom_classes
    expected = {
        "ta-previous": "Previous",
        "ta-next": "Next",
        "ta-segment-select": "Segment",
        "ta-position": "Position",
        "ta-filter-informant": "Informant",
        "ta-filter-section": "Section",
        "ta-filter-code": "Code",
        "ta-filter-uncoded": "Uncoded only",
        "ta-memo-code": "Memo for",
        "ta-memo": "Memo",
    }
    for css, description in expected.items():
        assert find(panel, css).description == description
    for css in ("ta-segment-id", "ta-context", "ta-status", "ta-suggestions", "ta-group-holdning"):
        find(panel, css)
    kritisk = find(panel, "ta-code-holdning-kritisk")
    assert kritisk is panel.code_boxes["holdning.kritisk"]
    assert kritisk.description == "Kritisk holdning"
    assert kritisk.tooltip == "Informanten er kritisk til styringen."
    assert kritisk.layout.margin == "0 0 0 1.5em"
    assert find(panel, "ta-code-malforskyvning").layout.margin == "0 0 0 0.0em"
    assert list(panel.code_boxes) == [
        "malforskyvning",
        "malforskyvning.telling",
        "tavlemote",
        "holdning.kritisk",
        "holdning.positiv",
    ]
    assert "holdning" not in panel.code_boxes


def test_navigation_with_buttons_dropdown_and_slider(panel: CodingPanel) -> None:
    assert panel.segment_label.value == "TL9-t001-s01"
    assert panel.previous_button.disabled and panel.position_label.value == "1 / 16"
    panel.next_button.click()
    panel.next_button.click()
    assert panel.segment_label.value == "TL9-t002-s02"
    panel.previous_button.click()
    assert panel.current == "TL9-t002-s01" and panel.slider.value == 1
    panel.segment_dropdown.value = "V9-t004-s02"
    assert panel.segment_label.value == "V9-t004-s02" and panel.next_button.disabled
    panel.next_button.click()
    assert panel.current == "V9-t004-s02"
    panel.slider.value = 4
    assert panel.current == "TL9-t004-s01" and panel.segment_dropdown.value == "TL9-t004-s01"
    assert panel.position_label.value == "5 / 16"


def test_context_shows_the_turn_with_the_segment_bold(panel: CodingPanel) -> None:
    panel.go_to("TL9-t004-s02")
    html = panel.context.value
    assert "<b>Der setter vi strek for hver oppfølging.</b>" in html
    assert "<span style='opacity:0.55'>Vi har tavlemøte hver mandag.</span>" in html
    assert "<span style='opacity:0.55'>Det er nyttig å se tallene.</span>" in html
    assert "Hvordan følger dere opp målene?" in html and "<b>I:</b>" in html
    assert "informant TL9 · styringsparametere · turn 4" in panel.details.value


def test_context_escapes_text(folder, codebook, segments) -> None:
    segments = segments.copy()
    segments.loc[4, "text"] = "Vi har <tavle> & «streker»."
    store = CodingStore(folder, "anna", codebook, segments)
    panel = CodingPanel(store, segments, codebook)
    panel.go_to("TL9-t004-s01")
    assert "<b>Vi har &lt;tavle&gt; &amp; «streker».</b>" in panel.context.value


def test_ticking_codes_and_writing_memos_saves_at_once(panel: CodingPanel, folder: Path) -> None:
    panel.go_to("TL9-t004-s01")
    panel.code_boxes["tavlemote"].value = True
    assert on_disk(folder) == [("TL9-t004-s01", "tavlemote", "")]
    assert panel.memo_code.value == "tavlemote" and not panel.memo.disabled
    panel.memo.value = "mandagsmøtet"
    assert on_disk(folder) == [("TL9-t004-s01", "tavlemote", "mandagsmøtet")]
    panel.code_boxes["malforskyvning.telling"].value = True
    assert panel.memo_code.value == "malforskyvning.telling" and panel.memo.value == ""
    panel.memo_code.value = "tavlemote"
    assert panel.memo.value == "mandagsmøtet"
    assert not panel.toggle("tavlemote")
    assert on_disk(folder) == [("TL9-t004-s01", "malforskyvning.telling", "")]
    assert not panel.code_boxes["tavlemote"].value
    assert panel.toggle("holdning.positiv")
    assert panel.store.codes_of("TL9-t004-s01") == {"malforskyvning.telling", "holdning.positiv"}
    panel.code_boxes["holdning.positiv"].value = False
    panel.code_boxes["malforskyvning.telling"].value = False
    assert on_disk(folder) == [] and panel.memo.disabled


def test_accept_and_reject_suggestions(panel: CodingPanel, folder, codebook, segments) -> None:
    panel.go_to("TL9-t004-s03")
    accept, reject = panel.suggestion_buttons["holdning.positiv"]
    assert (accept.description, reject.description) == ("Accept", "Reject")
    assert find(panel, "ta-accept-holdning-positiv") is accept
    assert find(panel, "ta-reject-holdning-positiv") is reject
    assert "terms:nyttig" in panel.suggestions_box.children[0].children[2].value
    shown = [w for row in panel.suggestions_box.children for w in (row, *row.children)]
    accept.click()
    assert on_disk(folder) == [
        ("TL9-t004-s03", "holdning.positiv", "accepted auto suggestion: terms:nyttig")
    ]
    assert panel.code_boxes["holdning.positiv"].value and panel.suggestion_buttons == {}
    assert shown and all(w.comm is None for w in shown)  # the old widgets are closed

    panel.go_to("TL9-t005-s02")
    panel.suggestion_buttons["holdning.kritisk"][1].click()
    assert panel.suggestion_buttons == {} and len(on_disk(folder)) == 1
    rejected = load_rejections(folder / "anna.rejected.csv")
    assert rejected.values.tolist() == [
        ["TL9-t005-s02", "holdning.kritisk", "phrase:ser ikke poenget", "149dc893d2ed72be"]
    ]
    with pytest.raises(InputError, match="no pending suggestion"):
        panel.accept("holdning.kritisk")

    store = CodingStore(folder, "anna", codebook, segments)
    reloaded = CodingPanel(store, segments, codebook, load_coder_file(STORE / "codings/auto.csv"))
    reloaded.go_to("TL9-t005-s02")
    assert reloaded.suggestion_buttons == {}
    reloaded.go_to("TL9-t005-s01")
    assert list(reloaded.suggestion_buttons) == ["malforskyvning"]


def test_filters(panel: CodingPanel, folder: Path) -> None:
    panel.informant_filter.value = "V9"
    assert panel.filtered[0] == "V9-t001-s01" and len(panel.filtered) == 7
    assert panel.current == "V9-t001-s01"
    panel.section_filter.value = "laering"
    assert panel.filtered == ["V9-t003-s01", "V9-t004-s01", "V9-t004-s02"]
    assert panel.apply_filters(code="tavlemote") == ["TL9-t004-s01", "V9-t004-s01"]
    assert panel.informant_filter.value == ALL and panel.code_filter.value == "tavlemote"
    panel.go_to("V9-t004-s01")
    panel.suggestion_buttons["tavlemote"][1].click()  # rejected: no longer pending
    panel.apply_filters(informant="TL9")
    panel.go_to("TL9-t002-s01")
    panel.toggle("tavlemote")
    assert panel.apply_filters(code="tavlemote") == ["TL9-t002-s01", "TL9-t004-s01"]
    panel.code_filter.value = ALL
    panel.uncoded_filter.value = True
    assert "TL9-t002-s01" not in panel.filtered and len(panel.filtered) == 15
    with pytest.raises(InputError, match="not among the filtered segments"):
        panel.go_to("TL9-t002-s01")


def test_no_matching_segment(panel: CodingPanel, folder: Path) -> None:
    panel.apply_filters(informant="V9", section="introduksjon")
    assert panel.current is None and "No segment matches" in panel.context.value
    assert all(box.disabled for box in panel.code_boxes.values())
    assert panel.next_button.disabled and panel.previous_button.disabled
    assert panel.position_label.value == "0 / 0"
    with pytest.raises(InputError, match="no segment is shown"):
        panel.toggle("tavlemote")
    assert on_disk(folder) == []


def test_errors_in_callbacks_are_shown_not_raised(folder, codebook, segments, suggestions) -> None:
    odd = suggestions.iloc[[0]].assign(segment_id="V9-t002-s01", code="ukjent")
    store = CodingStore(folder, "anna", codebook, segments)
    panel = CodingPanel(store, segments, codebook, pd.concat([suggestions, odd]))
    panel.go_to("V9-t002-s01")
    panel.suggestion_buttons["ukjent"][0].click()
    status = html.unescape(panel.status.value)
    assert "Not saved" in status and "'ukjent' is not in the codebook" in status
    assert on_disk(folder) == []
    panel.next_button.click()
    assert panel.status.value == ""


def test_stale_codings_are_announced(folder, codebook, segments) -> None:
    frame = load_coder_file(STORE / "codings" / "anna.csv")
    frame.loc[0, "segment_hash"] = "0000000000000000"
    save_coder_file(folder / "anna.csv", frame)
    store = CodingStore(folder, "anna", codebook, segments)
    panel = CodingPanel(store, segments, codebook)
    assert "1 of your codings are stale" in panel.status.value


def test_unknown_filter_value_is_refused(panel: CodingPanel) -> None:
    with pytest.raises(InputError, match="Informant 'X1' is not one of"):
        panel.apply_filters(informant="X1")


def test_with_the_real_codebook(folder, segments, suggestions) -> None:
    codebook_module = pytest.importorskip("thesis_analysis.codebook.model")
    codebook = codebook_module.load_codebook(STORE / "codebook.yaml", require_fixed_ids=False)
    store = CodingStore(folder, "anna", codebook, segments)
    panel = CodingPanel(store, segments, codebook, suggestions)
    assert list(panel.code_boxes) == list(codebook.codable_ids())
    panel.go_to("TL9-t004-s03")
    panel.suggestion_buttons["holdning.positiv"][0].click()
    assert on_disk(folder) == [
        ("TL9-t004-s03", "holdning.positiv", "accepted auto suggestion: terms:nyttig")
    ]
    assert load_coder_file(folder / "anna.csv", codebook)["codebook"].tolist() == [
        codebook.short_hash()
    ]


@pytest.mark.parametrize(
    ("confidences", "expected_first"),
    [({0: "0.95", 1: "0.52"}, 1), ({0: "0.45", 1: "0.99"}, 0)],
)
def test_uncertainty_order_puts_the_most_doubtful_suggestion_first(
    folder, codebook, segments, suggestions, confidences, expected_first
) -> None:
    suggestions = suggestions.reset_index(drop=True).copy()
    suggestions["confidence"], suggestions["source"] = "0.90", "rule"
    ids = suggestions["segment_id"].drop_duplicates().tolist()[:2]
    for number, value in confidences.items():
        suggestions.loc[suggestions["segment_id"] == ids[number], "confidence"] = value
    store = CodingStore(folder, "anna", codebook, segments)
    panel = CodingPanel(store, segments, codebook, suggestions, order="uncertainty")
    assert panel.filtered[0] == ids[expected_first]
    panel.go_to(ids[expected_first])
    shown = html.unescape(find(panel, "ta-suggestions").children[0].children[2].value)
    assert f"confidence {confidences[expected_first]} (rule)" in shown


def test_an_unknown_order_is_refused(folder, codebook, segments) -> None:
    store = CodingStore(folder, "anna", codebook, segments)
    with pytest.raises(InputError, match="order 'random'"):
        CodingPanel(store, segments, codebook, order="random")
