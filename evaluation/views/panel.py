"""The interactive weight panel of ``committee.ipynb``: sliders, live ranking and charts.

Only for an interactive session (JupyterLab or Voila); batch runs never build it. The published
weights are binding: the panel shows how robust the award is, it changes nothing. Every number
comes from :mod:`evaluation.analysis.reweight` and :mod:`evaluation.analysis.ranges`; the
words are in :mod:`evaluation.views.panel_html`; this module holds the widgets.

**The kernel owns the weights.** Each slider holds its weight in whole tenths of a percent
(an ``IntSlider`` over 0–1000, :data:`~evaluation.analysis.reweight.UNITS`), and the weights
the kernel scores with are exactly those tenths, rebalanced by largest-remainder rounding so
each group sums to exactly 100.0 (:func:`~evaluation.analysis.reweight.rebalance`). A value the
browser sends that equals what the kernel last sent for that slider is an echo and is
ignored; only a slider whose value differs was moved. (Weights off the slider's grid made the
browser snap and send them back, and the panel took each echo for a move: it looped.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import numpy as np

from evaluation.analysis.ranges import RangeVerdict, verdict_of
from evaluation.analysis.reweight import (
    UNITS,
    Change,
    WeightTree,
    changes_between,
    keep_sum,
    rank_order,
    rebalance,
    round_shares,
)
from evaluation.analysis.sensitivity import DEFAULT_SAMPLES, DEFAULT_SEED, smaa
from evaluation.common.labels import format_percent
from evaluation.common.labels import pick as _t
from evaluation.core.evaluation import Evaluation
from evaluation.views import figures
from evaluation.views import panel_html as words
from evaluation.views.display import figure_bundle

Key = tuple[str, int]  # ("main", k) or ("sub", s)


def _show(output: w.Output, figure: dict[str, Any]) -> None:
    """Replace what ``output`` shows by ``figure``, a static plotly mime bundle.

    The whole state is one trait, so the front end always ends on the last figure sent,
    whenever its view renders; no ``with output:`` capture, so it works from any callback.
    """
    output.outputs = ({"output_type": "display_data", "data": figure_bundle(figure),
                       "metadata": {}},)


def _percent(ids: tuple[str, ...], shares: np.ndarray, units: np.ndarray) -> dict[str, float]:
    """Return the weights in percent: the tenths themselves (27.2, not 100 × 0.272) whenever
    the shares are the tenths, as they are after every move."""
    exact = np.array_equal(units / UNITS, shares)
    return {c: float(u) / (UNITS / 100) if exact else 100.0 * float(x)
            for c, u, x in zip(ids, units, shares, strict=True)}


class WeightPanel:
    """Weight sliders with a live ranking, a stacked bar chart, a winner-change signal and the
    verdict over the announced ranges.

    ``sliders`` holds one ``IntSlider`` (tenths of a percent) per main criterion and
    ``sub_sliders`` one per sub-criterion (shares of their group, shown on request);
    ``readouts`` the weight shown after each; ``table``, ``signal``, ``verdict`` and the chart
    ``figure_view`` (an ``Output`` showing the plotly specification ``figure``, replaced whole
    on every change) show the outcome. ``smaa_summary`` is the ``smaa`` object the verdict
    quotes (the committee view passes its own, so one page shows one SMAA result). For award
    models other than weighted points the panel holds only the ``banner`` and a note.
    """

    def __init__(self, evaluation: Evaluation, language: str = "nb",
                 smaa_summary: Mapping[str, Any] | None = None) -> None:
        self.evaluation, self.language = evaluation, language
        lang = language
        self._busy = False  # set while the kernel writes sliders: its own changes are no moves
        self.banner = w.HTML(
            f'<div style="{words.NOTE}"><b>' + _t(lang, "De publiserte vektene er bindende.",
                                                  "The published weights are binding.") +
            "</b> " + _t(lang, "Panelet viser bare hvor robust tildelingen er når vektene "
                               "endres; det endrer ikke evalueringen.",
                         "This panel only shows how robust the award is when the weights "
                         "change; it does not change the evaluation.") + "</div>")
        self.sliders: dict[str, w.IntSlider] = {}
        self.sub_sliders: dict[str, w.IntSlider] = {}
        self.readouts: dict[str, w.HTML] = {}
        self.signal, self.table, self.total, self.verdict = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        if evaluation.model.award_model != "weighted_points" or not evaluation.order:
            self.signal.value = f'<div style="{words.NOTE}">' + _t(
                lang, "Vektpanelet gjelder tildelingsmodellen vektede poeng med minst ett "
                      "rangert tilbud.",
                "The weight panel applies to the weighted-points award model with at least "
                "one ranked proposal.") + "</div>"
            self.tree: WeightTree | None = None
            self.range_verdict: RangeVerdict | None = None
            self.widget: w.Widget = w.VBox([self.banner, self.signal])
            return
        tree = self.tree = WeightTree.of(evaluation)
        self._partners = min(evaluation.tender.partners, len(tree.ids))
        proposals = evaluation.tender.proposals
        self.suppliers = {str(p): str(s) for p, s in
                          zip(proposals.index, proposals["supplier"], strict=True)}
        order = rank_order(tree.scores(tree.main_published, tree.sub_published)[:, :tree.n_keys])
        self._published_rank = {tree.ids[p]: r for r, p in enumerate(order, start=1)}
        self.published_winner = tree.ids[order[0]]
        self.published_partners = tuple(sorted(tree.ids[p] for p in order[:self._partners]))
        self._groups = [np.flatnonzero(tree.sub_main == k) for k in range(len(tree.main_ids))]
        self._set_published()
        self._build_sliders(tree)
        self.figure = figures.points_by_criterion(evaluation, lang)
        self.figure_view = w.Output()
        self._refresh()
        self.range_verdict = verdict_of(evaluation)
        if smaa_summary is None:
            _, smaa_summary = smaa(evaluation, DEFAULT_SAMPLES, DEFAULT_SEED)
        self.smaa_summary = smaa_summary
        titles = {t.id: t.title.get(lang) for t in evaluation.model.criteria}
        self.verdict.value = words.verdict_box(
            words.verdict_sentence(self.range_verdict, titles, words.first_places(smaa_summary),
                                   smaa_summary.get("sampler"), self.suppliers, lang),
            bool(self.range_verdict and self.range_verdict.rivals), lang)
        self.notes = w.HTML(words.notes(bool(self.sub_sliders), lang))
        controls = w.VBox([*self._rows, self.total, w.HBox([self.reset_button, self.toggle]),
                           self.sub_box, self.notes],
                          layout=w.Layout(flex="0 1 56em", margin="0 1em 0 0"))
        outcome = w.VBox([self.signal, self.table], layout=w.Layout(flex="1 1 30em"))
        # Side by side when there is room, the ranking below the sliders when there is not.
        row = w.HBox([controls, outcome], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([self._style, self.banner, row, self.verdict, self.figure_view])
        self.widget.add_class("evaluation-weight-panel")

    def _set_published(self) -> None:
        """Set the kernel's weights to the published ones and the tenths shown to match."""
        assert self.tree is not None
        tree = self.tree
        self._main = tree.main_published.copy()
        self._sub = tree.sub_published.copy()
        self._main_units = round_shares(self._main)
        self._sub_units = np.zeros(len(self._sub), dtype=np.intp)
        for group in self._groups:
            self._sub_units[group] = round_shares(self._sub[group])
        self._anchor: tuple[Key, np.ndarray, np.ndarray] | None = None
        self._events: list[Change] = []
        self._moved = ""

    def _build_sliders(self, tree: WeightTree) -> None:
        """Create the slider rows (title, slider, readout, published weight and range), the
        reset button and the sub-criterion toggle."""
        model, lang = self.evaluation.model, self.language
        uid = secrets.token_hex(4)  # slider classes unique to this panel on the page
        self._shown: dict[Key, int] = {}
        self._slider_of: dict[Key, w.IntSlider] = {}
        self._readout_of: dict[Key, w.HTML] = {}
        marks: list[tuple[str, float, tuple[float, float] | None]] = []

        def row(key: Key, cid: str, title: str, units: int, published: float,
                span: tuple[float, float] | None, of_group: bool) -> w.HBox:
            slider = w.IntSlider(value=int(units), min=0, max=UNITS, step=1, readout=False,
                                 continuous_update=True, description="",
                                 layout=w.Layout(width="18em"))
            css = f"evaluation-slider-{uid}-{re.sub(r'[^A-Za-z0-9_-]', '_', cid)}"
            slider.add_class(css)
            marks.append((css, published, span))
            slider.observe(self._on_slide(key), names="value")
            readout = w.HTML(words.readout(cid, units / 10, lang),
                             layout=w.Layout(width="4em"))
            self._shown[key], self._slider_of[key], self._readout_of[key] = int(units), slider, \
                readout
            self.readouts[cid] = readout
            box = w.HBox([w.HTML(words.title_label(title, "15em")), slider, readout,
                          w.HTML(words.marker(published, span, lang, of_group))],
                         layout=w.Layout(align_items="center"))
            box.add_class("evaluation-weight-row")
            return box

        self._rows = []
        for k, top in enumerate(model.criteria):
            self._rows.append(row(("main", k), top.id, top.title.get(lang),
                                  int(self._main_units[k]), 100 * tree.main_published[k],
                                  top.weight_range, False))
            self.sliders[top.id] = self._slider_of[("main", k)]
        boxes = []
        for k, top in enumerate(model.criteria):
            if not top.children:
                continue
            rows = []
            for s in self._groups[k]:
                child = model.node(tree.sub_ids[s])
                rows.append(row(("sub", int(s)), child.id, child.title.get(lang),
                                int(self._sub_units[s]), 100 * tree.sub_published[s], None,
                                True))
                self.sub_sliders[child.id] = self._slider_of[("sub", int(s))]
            boxes.append(w.VBox([w.HTML(words.title_label(top.title.get(lang), "40em", True)),
                                 *rows]))
        self._style = w.HTML(words.css(marks))
        self.sub_box = w.VBox(boxes, layout=w.Layout(display="none"))
        self.toggle = w.ToggleButton(description=_t(lang, "Vis underkriterier",
                                                    "Show sub-criteria"),
                                     layout=w.Layout(width="14em"),
                                     disabled=not self.sub_sliders)
        self.toggle.observe(self._toggled, names="value")
        self.reset_button = w.Button(description=_t(lang, "Tilbake til publiserte vekter",
                                                    "Reset to published weights"),
                                     button_style="primary", layout=w.Layout(width="20em"))
        self.reset_button.on_click(lambda _: self.reset())

    @property
    def weights(self) -> dict[str, float]:
        """Return the current main-criterion weights (0–100, summing to 100)."""
        if self.tree is None:
            return {t.id: float(t.weight or 0.0) for t in self.evaluation.model.criteria}
        return _percent(self.tree.main_ids, self._main, self._main_units)

    @property
    def sub_weights(self) -> dict[str, float]:
        """Return the current sub-criterion weights within their main criterion (0–100)."""
        if self.tree is None:
            return {}
        every = _percent(self.tree.sub_ids, self._sub, self._sub_units)
        return {c: every[c] for c in self.tree.sub_ids if c in self.sub_sliders}

    def show(self) -> None:
        """Display the panel."""
        from IPython.display import display

        display(self.widget)

    def reset(self) -> None:
        """Return every slider, the ranking and the charts to the published weights."""
        if self.tree is None:
            return
        self._set_published()
        self._sync_sliders()
        self._refresh()

    def _on_slide(self, key: Key) -> Callable[[dict[str, Any]], None]:
        def moved(change: dict[str, Any]) -> None:
            new = int(change["new"])
            if self._busy or new == self._shown[key]:
                return  # the kernel's own write, or the browser echoing it back
            self._move(key, new)
        return moved

    def _move(self, key: Key, units: int) -> None:
        """Take a member's move of one slider to ``units`` tenths: rebalance its group from
        where the member took it (the anchor), and show the outcome."""
        assert self.tree is not None
        tree = self.tree
        if self._anchor is None or self._anchor[0] != key:
            self._anchor = (key, self._main.copy(), self._sub.copy())
        _, start_main, start_sub = self._anchor
        kind, i = key
        if kind == "main":
            group, local, start = np.arange(len(self._main)), i, start_main
        else:
            group = self._groups[int(tree.sub_main[i])]
            local, start = int(np.flatnonzero(group == i)[0]), start_sub
        new_units = rebalance(start[group], local, units)
        line = keep_sum(start[group] / start[group].sum(), local, units / UNITS)
        end_main, end_sub = start_main.copy(), start_sub.copy()
        if kind == "main":
            self._main_units = new_units
            self._main = new_units / UNITS
            end_main = line
            self._moved = tree.main_ids[i]
        else:
            self._sub_units[group] = new_units
            self._sub = self._sub.copy()
            self._sub[group] = new_units / UNITS
            end_sub[group] = line
            self._moved = tree.sub_ids[i]
        self._shown[key] = int(units)
        # The crossings along the path the member took, on the exact proportional line.
        events = changes_between(tree, (start_main, start_sub), (end_main, end_sub),
                                 self._partners)
        old, new = float(start[group][local]), units / UNITS
        self._events = [Change(e.kind, 100.0 * (old + e.at * (new - old)), e.before, e.after)
                        for e in events]
        self._sync_sliders()
        self._refresh()

    def _sync_sliders(self) -> None:
        """Write every slider and readout whose weight changed (never the one just moved: its
        value is already the member's)."""
        assert self.tree is not None
        lang = self.language
        units = {("main", k): int(u) for k, u in enumerate(self._main_units)}
        units.update({("sub", s): int(self._sub_units[s]) for s in range(len(self._sub_units))
                      if ("sub", s) in self._slider_of})
        self._busy = True
        try:
            for key, value in units.items():
                readout = words.readout(self._criterion(key), value / 10, lang)
                if self._readout_of[key].value != readout:
                    self._readout_of[key].value = readout
                if self._slider_of[key].value != value:
                    self._shown[key] = value
                    self._slider_of[key].value = value
                self._shown[key] = value
        finally:
            self._busy = False

    def _criterion(self, key: Key) -> str:
        assert self.tree is not None
        return self.tree.main_ids[key[1]] if key[0] == "main" else self.tree.sub_ids[key[1]]

    def _toggled(self, change: dict[str, Any]) -> None:
        self.sub_box.layout.display = "flex" if change["new"] else "none"
        self.toggle.description = (_t(self.language, "Skjul underkriterier", "Hide sub-criteria")
                                   if change["new"] else
                                   _t(self.language, "Vis underkriterier", "Show sub-criteria"))

    def _refresh(self) -> None:
        """Recompute totals and ranking; update the table, the chart, the sum and the signal."""
        tree, lang = self.tree, self.language
        assert tree is not None
        scores = tree.scores(self._main, self._sub)
        order = rank_order(scores[:, :tree.n_keys])
        ranked = [tree.ids[p] for p in order]
        self.total.value = (_t(lang, "Sum av vektene: ", "Sum of the weights: ") +
                            format_percent(float(self._main_units.sum()) / 10, lang, 1))
        winner = ranked[0]
        partners = tuple(sorted(ranked[:self._partners]))
        self.table.value = words.ranking_table(ranked, scores[order, 0].tolist(), set(partners),
                                               self._published_rank, self.suppliers, lang)
        lines = []
        if self._moved:
            title = self.evaluation.model.node(self._moved).title.get(lang)
            lines = words.change_lines(self._events, title, self.suppliers, lang)
        self.signal.value = words.signal(winner, partners, self.published_winner,
                                         self.published_partners, self._partners, lines,
                                         self.suppliers, lang)
        # The chart last: drawing it holds the browser's main thread for about 0.1 s, and the
        # table and the banner sent before it are shown before that.
        for k, trace in enumerate(self.figure["data"]):
            trace["x"] = ranked
            trace["y"] = scores[order, tree.n_keys + k].tolist()
        _show(self.figure_view, self.figure)
