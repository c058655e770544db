"""The interactive weight panel of ``committee.ipynb``: sliders, live ranking and charts.

Only for an interactive session (JupyterLab or Voila); batch runs never build it. The published
weights are binding: the panel shows how robust the award is, it changes nothing. Every number
comes from :mod:`evaluation.analysis.reweight`; this module holds the widgets and the words.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go

from evaluation.analysis.reweight import Change, WeightTree, changes_between, keep_sum, rank_order
from evaluation.analysis.sensitivity import DEFAULT_SEED, smaa
from evaluation.common.labels import format_number
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html
from evaluation.core.evaluation import Evaluation
from evaluation.views import figures
from evaluation.views.display import figure_bundle

SMAA_SAMPLES = 2000
_STYLE = {"description_width": "17em"}
_ALERT = "background:#fdecea;border-left:5px solid #c0504d;padding:6px 10px;margin:4px 0"
_CALM = "background:#eef6ee;border-left:5px solid #2e8540;padding:6px 10px;margin:4px 0"
_CELL = "padding:2px 10px;border-bottom:1px solid #ddd"
_NOTE = "background:#eef3f8;border-left:5px solid #1f4e79;padding:6px 10px;margin:4px 0"


def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(ids)


def _show(output: w.Output, figure: go.Figure) -> None:
    """Replace what ``output`` shows by ``figure``, a static plotly mime bundle.

    The whole state is one trait, so the front end always ends on the last figure sent,
    whenever its view renders; no ``with output:`` capture, so it works from any callback.
    """
    output.outputs = ({"output_type": "display_data", "data": figure_bundle(figure),
                       "metadata": {}},)


class WeightPanel:
    """Weight sliders with a live ranking, a stacked bar chart and a winner-change signal.

    ``sliders`` holds one slider per main criterion and ``sub_sliders`` one per sub-criterion
    (the direct children of each main group, shown on request); ``table``, ``signal`` and the
    two charts show the outcome. ``figure`` and ``heatmap`` are plain ``go.Figure`` objects,
    the charts' state; ``figure_view`` and ``heatmap_view`` are ``Output`` widgets showing them
    as static plotly mime bundles, replaced whole on every change. (Not ``go.FigureWidget``:
    its anywidget front end drops every later update once its 5 MB module took more than 2 s
    to load.) For award models other than weighted points the panel holds only the ``banner``
    and a note (``tree`` is ``None``, no sliders).
    """

    def __init__(self, evaluation: Evaluation, language: str = "nb") -> None:
        self.evaluation, self.language = evaluation, language
        lang = language
        self._busy = False  # set while the panel itself moves sliders: no re-entrant callbacks
        self.banner = w.HTML(
            f'<div style="{_NOTE}"><b>' + _t(lang, "De publiserte vektene er bindende.",
                                            "The published weights are binding.") + "</b> " +
            _t(lang, "Panelet viser bare hvor robust tildelingen er når vektene endres; det "
                     "endrer ikke evalueringen.",
               "This panel only shows how robust the award is when the weights change; it "
               "does not change the evaluation.") + "</div>")
        self.sliders: dict[str, w.FloatSlider] = {}
        self.sub_sliders: dict[str, w.FloatSlider] = {}
        self.signal, self.table, self.total = w.HTML(), w.HTML(), w.HTML()
        if evaluation.model.award_model != "weighted_points" or not evaluation.order:
            self.signal.value = f'<div style="{_NOTE}">' + _t(
                lang, "Vektpanelet gjelder tildelingsmodellen vektede poeng med minst ett "
                      "rangert tilbud.",
                "The weight panel applies to the weighted-points award model with at least "
                "one ranked proposal.") + "</div>"
            self.tree: WeightTree | None = None
            self.widget: w.Widget = w.VBox([self.banner, self.signal])
            return
        tree = self.tree = WeightTree.of(evaluation)
        self._main, self._sub = tree.main_published.copy(), tree.sub_published.copy()
        self._partners = min(evaluation.tender.partners, len(tree.ids))
        proposals = evaluation.tender.proposals
        self._suppliers = {str(p): str(s) for p, s in
                           zip(proposals.index, proposals["supplier"], strict=True)}
        order = rank_order(tree.scores(self._main, self._sub)[:, :tree.n_keys])
        self._published_rank = {tree.ids[p]: r for r, p in enumerate(order, start=1)}
        self.published_winner = tree.ids[order[0]]
        self.published_partners = tuple(sorted(tree.ids[p] for p in order[:self._partners]))
        self._events: list[Change] = []
        self._moved = ""
        self._build_sliders(tree)
        self.figure = go.Figure(figures.points_by_criterion(evaluation, lang))
        _, summary = smaa(evaluation, SMAA_SAMPLES, DEFAULT_SEED)
        self.heatmap = go.Figure(figures.rank_acceptability_heatmap(summary, lang))
        self.figure_view, self.heatmap_view = w.Output(), w.Output()
        _show(self.heatmap_view, self.heatmap)  # built once: SMAA does not follow the sliders
        self._refresh()
        controls = w.VBox([*self.sliders.values(), self.total,
                           w.HBox([self.reset_button, self.toggle]), self.sub_box],
                          layout=w.Layout(flex="0 0 auto", margin="0 1em 0 0"))
        outcome = w.VBox([self.signal, self.table], layout=w.Layout(flex="1 1 30em"))
        # Side by side when there is room, the ranking below the sliders when there is not.
        row = w.HBox([controls, outcome], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([self.banner, row, self.figure_view, self.heatmap_view])
        self.widget.add_class("evaluation-weight-panel")

    def _build_sliders(self, tree: WeightTree) -> None:
        """Create the main and sub-criterion sliders, the reset button and the toggle."""
        model, lang = self.evaluation.model, self.language
        for k, top in enumerate(model.criteria):
            self.sliders[top.id] = self._slider(top.title.get(lang), 100 * self._main[k])
            self.sliders[top.id].observe(self._main_moved(k), names="value")
        boxes = []
        for k, top in enumerate(model.criteria):
            if not top.children:
                continue
            row = []
            for s in np.flatnonzero(tree.sub_main == k):
                child = model.node(tree.sub_ids[s])
                slider = self._slider(child.title.get(lang), 100 * self._sub[s])
                slider.observe(self._sub_moved(int(s)), names="value")
                self.sub_sliders[child.id] = slider
                row.append(slider)
            boxes.append(w.VBox([w.HTML(f"<b>{escape_html(top.title.get(lang))}</b>"), *row]))
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

    @staticmethod
    def _slider(description: str, value: float) -> w.FloatSlider:
        return w.FloatSlider(value=value, min=0.0, max=100.0, step=0.5, readout=True,
                             readout_format=".1f", description=description,
                             tooltip=description, style=_STYLE, layout=w.Layout(width="40em"))

    @property
    def weights(self) -> dict[str, float]:
        """Return the current main-criterion weights (0–100, summing to 100)."""
        if self.tree is None:
            return {t.id: float(t.weight or 0.0) for t in self.evaluation.model.criteria}
        return {m: 100.0 * float(v) for m, v in zip(self.tree.main_ids, self._main, strict=True)}

    @property
    def sub_weights(self) -> dict[str, float]:
        """Return the current sub-criterion weights within their main criterion (0–100)."""
        if self.tree is None:
            return {}
        return {c: 100.0 * float(self._sub[s]) for s, c in enumerate(self.tree.sub_ids)
                if c in self.sub_sliders}

    def show(self) -> None:
        """Display the panel."""
        from IPython.display import display

        display(self.widget)

    def reset(self) -> None:
        """Return every slider, the ranking and the charts to the published weights."""
        if self.tree is None:
            return
        self._main = self.tree.main_published.copy()
        self._sub = self.tree.sub_published.copy()
        self._events, self._moved = [], ""
        self._sync_sliders()
        self._refresh()

    def _main_moved(self, k: int) -> Any:
        def moved(change: dict[str, Any]) -> None:
            if self._busy or self.tree is None:
                return
            start = (self._main, self._sub)
            self._main = keep_sum(self._main, k, float(change["new"]) / 100.0)
            self._after_move(start, self.tree.main_ids[k], start[0][k], self._main[k])
        return moved

    def _sub_moved(self, s: int) -> Any:
        def moved(change: dict[str, Any]) -> None:
            if self._busy or self.tree is None:
                return
            start = (self._main, self._sub)
            group = np.flatnonzero(self.tree.sub_main == self.tree.sub_main[s])
            self._sub = keep_sum(self._sub, s, float(change["new"]) / 100.0, group)
            self._after_move(start, self.tree.sub_ids[s], start[1][s], self._sub[s])
        return moved

    def _after_move(self, start: tuple[Any, Any], moved: str, old: float, new: float) -> None:
        assert self.tree is not None
        events = changes_between(self.tree, start, (self._main, self._sub), self._partners)
        self._events = [Change(e.kind, 100.0 * (old + e.at * (new - old)), e.before, e.after)
                        for e in events]
        self._moved = moved
        self._sync_sliders()
        self._refresh()

    def _sync_sliders(self) -> None:
        assert self.tree is not None
        pairs = [(self.sliders[m], self._main[k]) for k, m in enumerate(self.tree.main_ids)]
        pairs += [(self.sub_sliders[c], self._sub[s]) for s, c in enumerate(self.tree.sub_ids)
                  if c in self.sub_sliders]
        self._busy = True
        try:
            for slider, share in pairs:
                # Only real changes: rewriting the slider being dragged would make it jitter.
                if abs(slider.value - 100.0 * float(share)) > 1e-9:
                    slider.value = 100.0 * float(share)
        finally:
            self._busy = False

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
        with self.figure.batch_update():
            for k, trace in enumerate(self.figure.data):
                trace.x = ranked
                trace.y = scores[order, tree.n_keys + k].tolist()  # JSON numbers, not bdata
        _show(self.figure_view, self.figure)
        self.total.value = (_t(lang, "Sum av vektene: ", "Sum of the weights: ") +
                            format_number(100.0 * float(self._main.sum()), lang, 1))
        winner = ranked[0]
        partners = tuple(sorted(ranked[:self._partners]))
        self.table.value = self._table_html(ranked, scores[order, 0], set(partners))
        self.signal.value = self._signal_html(winner, partners)

    def _table_html(self, ranked: list[str], totals: Any, partners: set[str]) -> str:
        lang = self.language
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in (
            "#", _t(lang, "Tilbud", "Proposal"), _t(lang, "Leverandør", "Supplier"),
            _t(lang, "Sum", "Total"), _t(lang, "Publisert plass", "Published rank")))
        rows = []
        for r, (pid, total) in enumerate(zip(ranked, totals, strict=True), start=1):
            style = ' style="background:#eef6ee;font-weight:bold"' if pid in partners else ""
            rows.append(f'<tr data-proposal="{escape_html(pid)}" data-rank="{r}"{style}>'
                        f'<td style="{_CELL}">{r}</td><td style="{_CELL}">{escape_html(pid)}</td>'
                        f'<td style="{_CELL}">{escape_html(self._suppliers.get(pid, ""))}</td>'
                        f'<td style="{_CELL};text-align:right">'
                        f"{format_number(float(total), lang, 2)}</td>"
                        f'<td style="{_CELL};text-align:right">{self._published_rank[pid]}</td>'
                        "</tr>")
        caption = _t(lang, "Rangering med vektene over (partnere uthevet)",
                     "Ranking with the weights above (partners in bold)")
        return (f'<table class="evaluation-ranking" style="border-collapse:collapse">'
                f"<caption>{caption}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def _signal_html(self, winner: str, partners: tuple[str, ...]) -> str:
        lang, model = self.language, self.evaluation.model
        lines = []
        if self._moved:
            name = escape_html(model.node(self._moved).title.get(lang))
            for e in self._events:
                at = format_number(e.at, lang, 1)
                if e.kind == "winner":
                    lines.append(_t(lang, f"Vinneren endres fra {e.before[0]} til {e.after[0]} "
                                          f"når {name} passerer {at}.",
                                    f"The winner changes from {e.before[0]} to {e.after[0]} "
                                    f"when {name} passes {at}."))
                else:
                    lines.append(_t(lang, f"Partnerne endres fra {_ids(e.before)} til "
                                          f"{_ids(e.after)} når {name} passerer {at}.",
                                    f"The partners change from {_ids(e.before)} to "
                                    f"{_ids(e.after)} when {name} passes {at}."))
        changed = winner != self.published_winner or partners != self.published_partners
        if changed:
            state = "<b>" + _t(lang, f"Med disse vektene vinner {winner}", f"With these "
                               f"weights {winner} wins") + "</b>" + (
                _t(lang, f", ikke {self.published_winner} som med de publiserte vektene.",
                   f", not {self.published_winner} as with the published weights.")
                if winner != self.published_winner else
                _t(lang, " som med de publiserte vektene.", " as with the published weights."))
            if self._partners > 1 and partners != self.published_partners:
                state += " <b>" + _t(lang, f"Partnerne blir {_ids(partners)}",
                                     f"The partners become {_ids(partners)}") + "</b>" + _t(
                    lang, f" (publisert: {_ids(self.published_partners)}).",
                    f" (published: {_ids(self.published_partners)}).")
        else:
            state = _t(lang, f"Vinner ({winner}) og partnere ({_ids(partners)}) er de samme "
                             "som med de publiserte vektene.",
                       f"The winner ({winner}) and the partners ({_ids(partners)}) are the "
                       "same as with the published weights.")
        body = "".join(f"<div>{line}</div>" for line in lines)
        return (f'<div class="evaluation-signal" data-winner="{escape_html(winner)}" '
                f'data-changed="{str(changed).lower()}" style="{_ALERT if changed else _CALM}">'
                f"{body}<div>{state}</div></div>")
