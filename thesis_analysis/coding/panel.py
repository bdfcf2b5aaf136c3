"""A coding panel for JupyterLab: read a segment in its turn, tick codes, accept suggestions.

``CodingPanel(store, segments, codebook, suggestions).widget`` is an ipywidgets box. Every
change goes through the :class:`~thesis_analysis.coding.store.CodingStore` and is saved at once.
The logic is in plain methods (:meth:`CodingPanel.go_to`, :meth:`~CodingPanel.toggle`,
:meth:`~CodingPanel.accept`, :meth:`~CodingPanel.reject`, :meth:`~CodingPanel.apply_filters`)
that the widget callbacks call, so the panel can be driven and tested without a browser.

Rejected auto suggestions are hidden and recorded in ``codings/<coder>.rejected.csv``
(:data:`REJECTION_COLUMNS`, written atomically), so they stay hidden after a reload; they are
keyed by segment id and code. That sidecar is not a coder file and never counts as codings.

Every interactive widget has a fixed ``description`` and CSS classes ``ta-…`` for browser
tests: ``ta-panel``, ``ta-status``, ``ta-filter-informant``, ``ta-filter-section``,
``ta-filter-code``, ``ta-filter-uncoded``, ``ta-previous``, ``ta-next``, ``ta-segment-select``,
``ta-position``, ``ta-segment-id``, ``ta-context``, ``ta-code`` and ``ta-code-<id>`` (a code's
checkbox; dots in the id become ``-``), ``ta-group-<id>``, ``ta-memo-code``, ``ta-memo``,
``ta-suggestions``, ``ta-accept``/``ta-accept-<id>`` and ``ta-reject``/``ta-reject-<id>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets
import numpy as np
import pandas as pd

from thesis_analysis.coding.panel_parts import (
    ALL,
    ORDERS,
    REJECTION_COLUMNS,
    add_margins,
    list_code_tree,
    load_rejections,
    make_css_id,
    make_row,
    make_suggestion_row,
    render_turn_context,
    save_rejections,
    tag,
)
from thesis_analysis.coding.store import CodingStore
from thesis_analysis.errors import InputError

if TYPE_CHECKING:
    from thesis_analysis.codebook.model import Codebook


class CodingPanel:
    """An ipywidgets panel for coding segments by hand (display :attr:`widget`).

    Parameters
    ----------
    store : the coder's store; every change is saved through it at once.
    segments : the segments to code (e.g. the informants' only), columns of
        :func:`thesis_analysis.corpus.segments.segment_corpus`; shown in transcript, turn, sentence
        order.
    codebook : gives the code tree, labels and short definitions.
    suggestions : optional auto codings (:data:`~thesis_analysis.coding.files.CODING_COLUMNS`)
        offered with Accept / Reject buttons, each with its confidence, source and evidence,
        the most doubtful first (confidence nearest 0.5).
    order : ``transcript`` (transcript, turn, sentence) or ``uncertainty`` (segments by their
        most doubtful suggestion, those without suggestions last), the review queue's order.

    The filtered list is fixed when the filters are applied: coding a segment does not make
    it vanish from an "uncoded only" list until the filters are applied again.
    """

    def __init__(
        self,
        store: CodingStore,
        segments: pd.DataFrame,
        codebook: Codebook,
        suggestions: pd.DataFrame | None = None,
        order: str = "transcript",
    ) -> None:
        if order not in ORDERS:
            raise InputError(f"order {order!r} is not one of {', '.join(ORDERS)}")
        self.store = store
        self.codebook = codebook
        self.suggestions = add_margins(
            suggestions
            if suggestions is not None
            else pd.DataFrame(columns=["segment_id", "code", "rule", "evidence", "segment_hash"])
        )
        by_place = ["transcript", "turn", "sentence"]
        self.segments = segments.sort_values(by_place, kind="mergesort", ignore_index=True)
        if order == "uncertainty":
            first = self.suggestions.groupby("segment_id")["margin"].min()
            key = self.segments["segment_id"].map(first).fillna(np.inf)
            self.segments = (
                self.segments.assign(_key=key)
                .sort_values("_key", kind="mergesort", ignore_index=True)
                .drop(columns="_key")
            )
        self.by_id = self.segments.set_index("segment_id", drop=False)
        self.rejected_path = store.folder / f"{store.coder}.rejected.csv"
        self.rejected = load_rejections(self.rejected_path)
        self.tree = list_code_tree(codebook)
        self.filtered: list[str] = []
        self.current: str | None = None
        self.stale_note = ""
        self._busy = 0
        self._build_widgets()
        self.apply_filters()

    # --- widgets -----------------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Update widgets without their callbacks acting on the store."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1

    def _call(self, action: Callable[[], object]) -> None:
        """Run a widget callback; show an input error in the status line instead of raising."""
        if self._busy:
            return
        try:
            action()
            self.status.value = self.stale_note
        except InputError as exc:
            self.status.value = f"<b>Not saved:</b> {escape(str(exc))}"
            self._show()

    def _build_widgets(self) -> None:
        w = widgets
        informants = sorted(self.segments["informant"].unique())
        sections = list(dict.fromkeys(self.segments["section"]))
        codable = [(f"{c.label} ({c.id})", c.id) for c, _ in self.tree if c.codable]
        self.status = tag(w.HTML(), "ta-status")
        self.informant_filter = tag(
            w.Dropdown(options=[ALL, *informants], description="Informant"), "ta-filter-informant"
        )
        self.section_filter = tag(
            w.Dropdown(options=[ALL, *sections], description="Section"), "ta-filter-section"
        )
        self.code_filter = tag(
            w.Dropdown(options=[(ALL, ALL), *codable], description="Code"), "ta-filter-code"
        )
        self.uncoded_filter = tag(
            w.Checkbox(description="Uncoded only", indent=False), "ta-filter-uncoded"
        )
        self.previous_button = tag(
            w.Button(description="Previous", icon="arrow-left"), "ta-previous"
        )
        self.next_button = tag(w.Button(description="Next", icon="arrow-right"), "ta-next")
        self.segment_dropdown = tag(
            w.Dropdown(description="Segment", layout=w.Layout(width="40em")), "ta-segment-select"
        )
        self.slider = tag(
            w.IntSlider(description="Position", min=0, max=0, readout=False), "ta-position"
        )
        self.position_label = w.Label()
        self.segment_label = tag(w.Label(), "ta-segment-id")
        self.details = w.HTML()
        # width auto: stretched to the panel (100% plus the widget's margin overflowed it)
        self.context = tag(w.HTML(layout=w.Layout(width="auto")), "ta-context")
        self.memo_code = tag(w.Dropdown(description="Memo for"), "ta-memo-code")
        self.memo = tag(w.Textarea(description="Memo", continuous_update=False, rows=4), "ta-memo")
        self.suggestions_box = tag(w.VBox(), "ta-suggestions")
        self.suggestion_buttons: dict[str, tuple[widgets.Button, widgets.Button]] = {}
        self.code_boxes: dict[str, widgets.Checkbox] = {}
        tree = []
        for code, depth in self.tree:
            margin = w.Layout(margin=f"0 0 0 {1.5 * depth}em", width="auto")
            css = make_css_id(code.id)
            if not code.codable:
                tree.append(
                    tag(w.HTML(f"<b>{escape(code.label)}</b>", layout=margin), f"ta-group-{css}")
                )
                continue
            box = w.Checkbox(description=code.label, tooltip=code.short, indent=False)
            box.layout = margin
            box.observe(
                lambda ch, c=code.id: self._call(lambda: self.set_code(c, ch["new"])), names="value"
            )
            self.code_boxes[code.id] = tag(box, "ta-code", f"ta-code-{css}")
            tree.append(box)
        filters = [self.informant_filter, self.section_filter, self.code_filter]
        for widget in (*filters, self.uncoded_filter):
            widget.observe(lambda _ch: self._call(self._apply_widget_filters), names="value")
        self.previous_button.on_click(lambda _b: self._call(self.go_previous))
        self.next_button.on_click(lambda _b: self._call(self.go_next))
        self.segment_dropdown.observe(
            lambda ch: self._call(lambda: self.go_to(ch["new"])), names="value"
        )
        self.slider.observe(
            lambda ch: self._call(lambda: self.go_to(self.filtered[ch["new"]])), names="value"
        )
        self.memo_code.observe(lambda _ch: self._call(self._show), names="value")
        self.memo.observe(lambda ch: self._call(lambda: self.save_memo(ch["new"])), names="value")
        nav = [self.previous_button, self.next_button, self.segment_dropdown, self.slider]
        side = w.VBox([self.memo_code, self.memo, self.suggestions_box])
        self.widget = tag(
            w.VBox(
                [
                    self.status,
                    make_row([*filters, self.uncoded_filter]),
                    make_row([*nav, self.position_label]),
                    make_row([self.segment_label, self.details]),
                    self.context,
                    make_row([w.VBox(tree), side]),
                ]
            ),
            "ta-panel",
        )

    # --- logic -------------------------------------------------------------------------

    def _apply_widget_filters(self) -> None:
        self.apply_filters(
            self.informant_filter.value,
            self.section_filter.value,
            self.code_filter.value,
            self.uncoded_filter.value,
        )

    def apply_filters(
        self,
        informant: str = ALL,
        section: str = ALL,
        code: str = ALL,
        uncoded_only: bool = False,
    ) -> list[str]:
        """Choose the segments to move through; return their ids.

        ``code`` keeps segments the coder gave that code or with a pending suggestion of
        it; ``uncoded_only`` keeps segments the coder has not coded at all. The panel stays
        on the current segment if it passes, else goes to the first.
        """
        chosen = {self.informant_filter: informant, self.section_filter: section}
        for widget, value in {**chosen, self.code_filter: code}.items():
            values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
            if value not in values:
                raise InputError(f"{widget.description} {value!r} is not one of {values}")
        keep = pd.Series(True, index=self.segments.index)
        coded = set(self.store.list()["segment_id"])
        if informant != ALL:
            keep &= self.segments["informant"] == informant
        if section != ALL:
            keep &= self.segments["section"] == section
        if code != ALL:
            with_code = set(self.store.list(code=code)["segment_id"])
            with_code |= set(self._pending(self.suggestions, code)["segment_id"])
            keep &= self.segments["segment_id"].isin(with_code)
        if uncoded_only:
            keep &= ~self.segments["segment_id"].isin(coded)
        self.filtered = self.segments.loc[keep, "segment_id"].tolist()
        texts = self.segments.loc[keep, "text"].str.slice(0, 60)
        with self._quiet():
            self.informant_filter.value = informant
            self.section_filter.value = section
            self.code_filter.value = code
            self.uncoded_filter.value = uncoded_only
            self.segment_dropdown.options = [
                (f"{s} — {t}", s) for s, t in zip(self.filtered, texts, strict=True)
            ]
            self.slider.max = max(len(self.filtered) - 1, 0)
        if self.current not in self.filtered:
            self.current = self.filtered[0] if self.filtered else None
        stale = len(self.store.stale())
        self.stale_note = (
            f"<b>{stale} of your codings are stale</b> (the transcript changed since): see "
            "<code>store.stale()</code>"
            if stale
            else ""
        )
        self.status.value = self.stale_note
        self._show()
        return list(self.filtered)

    def go_to(self, segment_id: str) -> None:
        """Show ``segment_id`` (it must pass the filters)."""
        if segment_id not in self.filtered:
            raise InputError(
                f"segment {segment_id!r} is not among the filtered segments; clear the filters "
                "with apply_filters() or check the id"
            )
        self.current = segment_id
        self._show()

    def go_next(self) -> None:
        """Show the next filtered segment (stays on the last)."""
        if self.current is not None:
            position = self.filtered.index(self.current)
            self.go_to(self.filtered[min(position + 1, len(self.filtered) - 1)])

    def go_previous(self) -> None:
        """Show the previous filtered segment (stays on the first)."""
        if self.current is not None:
            self.go_to(self.filtered[max(self.filtered.index(self.current) - 1, 0)])

    def set_code(self, code: str, on: bool) -> None:
        """Code (``on``) or uncode the current segment with ``code``; saved at once."""
        if self.current is None:
            raise InputError("no segment is shown; change the filters")
        if on:
            self.store.add(self.current, code)
            with self._quiet():
                self.memo_code.options = self._memo_options()
                self.memo_code.value = code
        else:
            self.store.remove(self.current, code)
        self._show()

    def toggle(self, code: str) -> bool:
        """Flip ``code`` on the current segment; return whether it is now coded."""
        on = code not in self.store.codes_of(self.current or "")
        self.set_code(code, on)
        return on

    def save_memo(self, memo: str) -> None:
        """Save ``memo`` for the coding chosen in the *Memo for* list."""
        if self.current is None or not self.memo_code.value:
            raise InputError("tick a code first: a memo belongs to a coding")
        self.store.set_memo(self.current, self.memo_code.value, memo)

    def _pending(self, rows: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
        """The suggestion ``rows`` (of ``code``) the coder has neither coded nor rejected."""
        if code is not None:
            rows = rows[rows["code"] == code]
        codings = self.store.list()
        done = set(zip(codings["segment_id"], codings["code"], strict=True))
        done |= set(zip(self.rejected["segment_id"], self.rejected["code"], strict=True))
        keys = zip(rows["segment_id"], rows["code"], strict=True)
        return rows[pd.Series([key not in done for key in keys], index=rows.index, dtype=bool)]

    def pending_suggestions(self) -> pd.DataFrame:
        """Suggestions for the current segment not yet coded, accepted or rejected."""
        rows = self._pending(self.suggestions[self.suggestions["segment_id"] == self.current])
        return rows.sort_values(["margin", "code"], kind="mergesort")

    def _suggestion(self, code: str) -> pd.Series:
        rows = self._pending(self.pending_suggestions(), code)
        if rows.empty:
            raise InputError(f"no pending suggestion of {code!r} for {self.current}")
        return rows.iloc[0]

    def accept(self, code: str) -> None:
        """Code the current segment with a suggested code (memo: the rule that suggested it)."""
        rule = self._suggestion(code)["rule"]
        self.store.add(self.current, code, memo=f"accepted auto suggestion: {rule}")
        self._show()

    def reject(self, code: str) -> None:
        """Hide a suggestion now and after reloads (recorded in the rejections sidecar)."""
        row = self._suggestion(code)
        record = {c: str(row.get(c, "")) for c in REJECTION_COLUMNS}
        rejected = pd.concat([self.rejected, pd.DataFrame([record])], ignore_index=True)
        save_rejections(self.rejected_path, rejected)
        self.rejected = load_rejections(self.rejected_path)
        self._show()

    # --- display -----------------------------------------------------------------------

    def _memo_options(self) -> list[tuple[str, str]]:
        codes = self.store.codes_of(self.current or "")
        return [(c.label, c.id) for c, _ in self.tree if c.id in codes]

    def render_context(self, segment_id: str) -> str:
        """HTML of the segment's turn (the segment bold, the rest greyed) after the turn before."""
        return render_turn_context(self.segments, self.by_id.loc[segment_id], segment_id)

    def _show(self) -> None:
        """Bring every widget in line with the current segment and the store."""
        seg_id = self.current
        codes = self.store.codes_of(seg_id) if seg_id else set()
        with self._quiet():
            for code, box in self.code_boxes.items():
                box.value = code in codes
                box.disabled = seg_id is None
            memo_options = self._memo_options()
            chosen = self.memo_code.value
            self.memo_code.options = memo_options
            if chosen in codes:
                self.memo_code.value = chosen
            memos = self.store.list(seg_id, self.memo_code.value)["memo"] if codes else []
            self.memo.value = memos.iloc[0] if len(memos) else ""
            self.memo.disabled = not codes
            position = self.filtered.index(seg_id) if seg_id else 0
            self.segment_dropdown.value = seg_id
            self.slider.value = position
            self.position_label.value = f"{position + 1 if seg_id else 0} / {len(self.filtered)}"
            self.previous_button.disabled = seg_id is None or position == 0
            self.next_button.disabled = seg_id is None or position >= len(self.filtered) - 1
        if seg_id is None:
            self.segment_label.value = ""
            self.details.value = ""
            self.context.value = "<i>No segment matches the filters.</i>"
            self._clear_suggestions()
            return
        seg = self.by_id.loc[seg_id]
        self.segment_label.value = seg_id
        self.details.value = escape(
            f"informant {seg['informant']} · {seg['section']} · turn {seg['turn']}"
        )
        self.context.value = self.render_context(seg_id)
        self._show_suggestions(seg)

    def _clear_suggestions(self) -> None:
        """Close the widgets of the suggestions shown: an open widget keeps its connection to
        the browser, so a long session would otherwise pile them up."""
        shown = self.suggestions_box.children
        self.suggestions_box.children, self.suggestion_buttons = (), {}
        for row in shown:
            for child in row.children:
                child.close()
            row.close()

    def _show_suggestions(self, seg: pd.Series) -> None:
        self._clear_suggestions()
        rows = []
        for row in self.pending_suggestions().itertuples():
            label = self.codebook.get(row.code).label if row.code in self.codebook.ids() else ""
            buttons, box = make_suggestion_row(row, label, row.segment_hash != seg["segment_hash"])
            buttons[0].on_click(lambda _b, c=row.code: self._call(lambda: self.accept(c)))
            buttons[1].on_click(lambda _b, c=row.code: self._call(lambda: self.reject(c)))
            self.suggestion_buttons[row.code] = buttons
            rows.append(box)
        self.suggestions_box.children = tuple(rows)
