"""Plotly figures of an evaluation, in bokmål or English. Pure: they build, never show.

Every figure is built complete (data and layout) as a plain plotly.js specification, a dict
``{"data": [...], "layout": {...}}``: batch notebooks show it as the ``plotly_mimetype``
renderer would, without importing plotly (its validators and templates cost a few tenths of a
second per kernel), and the interactive panel wraps it in a ``go.Figure`` it shows the same way.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from evaluation.common.labels import NBSP
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_text, label_lines
from evaluation.core.evaluation import Evaluation
from evaluation.core.words import SAMPLERS, word

PALETTE = ("#1f4e79", "#2e8540", "#c0504d", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f",
           "#9bbb59")
_AXIS = {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8", "linecolor": "#ebf0f8",
         "automargin": True}
# plotly's "plotly_white" look, written out: a template name means nothing to plotly.js
LAYOUT: dict[str, Any] = {"font": {"family": "sans-serif", "size": 13, "color": "#2a3f5f"},
                          "paper_bgcolor": "white", "plot_bgcolor": "white",
                          "colorway": list(PALETTE), "xaxis": dict(_AXIS),
                          "yaxis": dict(_AXIS),
                          "margin": {"l": 60, "r": 20, "t": 60, "b": 60}, "height": 420}
Figure = dict[str, Any]
# ColorBrewer's sequential scales (Brewer 2002), light (0) to dark (1), written out: plotly.js's
# own "Blues" runs dark to light and it has no "Oranges" at all, so a name would mean another
# scale in the browser than in plotly's Python classes.
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
         "#08519c", "#08306b")
ORANGES = ("#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801",
           "#a63603", "#7f2704")


def colorscale(colours: tuple[str, ...]) -> list[list[Any]]:
    """Return a plotly colorscale with ``colours`` evenly spaced from 0 to 1."""
    return [[k / (len(colours) - 1), c] for k, c in enumerate(colours)]


def separators(language: str) -> str:
    """Return plotly's ``separators`` (decimal mark, then thousands separator) for the
    language: "1 234,5" in bokmål, "1,234.5" in English."""
    return "." + "," if language == "en" else "," + NBSP


def wrap(text: str, width: int = 22) -> str:
    """Return ``text`` escaped and wrapped with ``<br>`` at ``width`` characters: full names,
    never cut (plotly reads ``<br>`` in labels; the figure's escaping keeps these)."""
    return label_lines(textwrap.wrap(text, width) or [""])


def proposal_labels(evaluation: Evaluation, ids: list[str]) -> list[str]:
    """Return axis labels naming each proposal by id (in bold) and supplier (wrapped)."""
    supplier = evaluation.tender.proposals["supplier"]
    return [label_lines([p, *(textwrap.wrap(str(supplier.get(p, "")), 18) or [""])],
                        bold_first=True) for p in ids]


def _figure(language: str, **layout: Any) -> Figure:
    """Return an empty figure with the workbook's layout, the language's number separators
    and ``layout`` on top."""
    merged = {**LAYOUT, "separators": separators(language), **layout}
    for axis in ("xaxis", "yaxis"):
        merged[axis] = _titled({**_AXIS, **layout.get(axis, {})})
    return {"data": [], "layout": _titled(merged)}


def _titled(part: dict[str, Any]) -> dict[str, Any]:
    """Return ``part`` with a string ``title`` as ``{"text": ...}`` (plotly.js 3 takes no
    string titles; plotly's Python classes convert them, a plain specification must)."""
    if isinstance(part.get("title"), str):
        return {**part, "title": {"text": part["title"]}}
    return part


def _add(fig: Figure, kind: str, **trace: Any) -> None:
    fig["data"].append({"type": kind, **trace})


def points_by_criterion(evaluation: Evaluation, language: str,
                        totals: dict[str, np.ndarray] | None = None,
                        order: list[str] | None = None) -> Figure:
    """Return a stacked bar of each included proposal's points per main criterion."""
    model = evaluation.model
    order = order or list(evaluation.order)
    idx = [evaluation.index(p) for p in order]
    points = totals or {top.id: evaluation.node_points[top.id] for top in model.criteria}
    fig = _figure(language, **{"barmode": "stack",
                            "title": _t(language, "Poeng per hovedkriterium (rangert)",
                                        "Points per main criterion (ranked)"),
                            "yaxis": {"title": _t(language, "Poeng", "Points"),
                                      "range": [0, model.points]},
                            # the labels name the proposals; ranked left to right
                            "xaxis": {"type": "category", "tickvals": list(order),
                                      "ticktext": proposal_labels(evaluation, list(order)),
                                      "tickangle": 0, "tickfont": {"size": 11}},
                            "legend": {"orientation": "h", "x": 0, "y": 1.0,
                                       "yanchor": "bottom"},
                            "margin": {"l": 60, "r": 20, "t": 100, "b": 60}, "height": 480})
    unit = _t(language, "poeng", "points")
    for k, top in enumerate(model.criteria):
        name = top.title.get(language)
        _add(fig, "bar", name=name, x=list(order),
                    y=[float(points[top.id][i]) for i in idx],
                    marker={"color": PALETTE[k % len(PALETTE)]},
                    hovertemplate=_t(language, "Tilbud", "Proposal") + " %{x}<br>" +
                    escape_text(name) + f": %{{y:,.2f}} {unit}<extra></extra>")
    return fig


def price_against_quality(evaluation: Evaluation, language: str) -> Figure:
    """Return a scatter of evaluated price (sum of price fields) against quality points."""
    model = evaluation.model
    rows = np.flatnonzero(evaluation.included)
    is_price = np.array([leaf.is_price for leaf in evaluation.leaves], dtype=bool)
    quality = model.points * (np.nan_to_num(evaluation.values[:, ~is_price]) @
                              evaluation.global_weights[~is_price])
    price = np.nansum(evaluation.prices, axis=1)
    partner = [evaluation.proposal_ids[i] in evaluation.partners for i in rows]
    currency = evaluation.tender.currency
    million = _t(language, "mill. kr" if currency == "NOK" else f"mill. {currency}",
                 f"{currency} million")
    fig = _figure(language, **{"title": _t(language, "Pris mot kvalitet",
                                                  "Price against quality"),
                            "xaxis": {"title": _t(language, f"Evaluert pris (sum, {million})",
                                                  f"Evaluated price (sum, {million})"),
                                      "tickformat": ",.1f"},
                            "yaxis": {"title": _t(language, "Kvalitetspoeng",
                                                  "Quality points")}})
    supplier = evaluation.tender.proposals["supplier"]
    ids = [evaluation.proposal_ids[i] for i in rows]
    _add(fig, "scatter", x=[float(price[i]) / 1e6 for i in rows],
                    y=[float(quality[i]) for i in rows],
                    mode="markers+text", text=ids, textposition="top center",
                    customdata=[escape_text(supplier.get(p, "")) for p in ids],
                    marker={"size": 14, "color": [PALETTE[1] if p else PALETTE[0]
                                                  for p in partner]},
                    hovertemplate="<b>%{text}</b> %{customdata}<br>" +
                    _t(language, "Evaluert pris", "Evaluated price") + f": %{{x:,.2f}} {million}"
                    "<br>" + _t(language, "Kvalitetspoeng", "Quality points") +
                    ": %{y:,.2f}<extra></extra>",
                    name=_t(language, "Tilbud", "Proposals"))
    return fig


def proposal_against_field(evaluation: Evaluation, proposal_id: str,
                           language: str) -> Figure:
    """Return grouped bars: the proposal's points per main criterion, the winner's, the mean."""
    model = evaluation.model
    i = evaluation.index(proposal_id)
    rows = np.flatnonzero(evaluation.included)
    names = [wrap(top.title.get(language)) for top in model.criteria]
    fig = _figure(language, **{"barmode": "group",
                            "title": _t(language, "Vektede poeng mot vinneren og feltet",
                                        "Weighted points against the winner and the field"),
                            "yaxis": {"title": _t(language, "Poeng", "Points")},
                            "legend": {"orientation": "h", "y": -0.25}})
    series = [(_t(language, f"Tilbud {proposal_id}", f"Proposal {proposal_id}"), i, PALETTE[0])]
    if evaluation.winner and evaluation.winner != proposal_id:
        series.append((_t(language, f"Vinner {evaluation.winner}",
                          f"Winner {evaluation.winner}"),
                       evaluation.index(evaluation.winner), PALETTE[1]))
    for name, row, color in series:
        _add(fig, "bar", name=name, x=names, marker={"color": color},
                    y=[float(np.nan_to_num(evaluation.node_points[t.id][row]))
                       for t in model.criteria])
    if rows.size:
        _add(fig, "bar", name=_t(language, "Gjennomsnitt", "Mean of the field"), x=names,
                    marker={"color": PALETTE[6]},
                    y=[float(np.mean(evaluation.node_points[t.id][rows]))
                       for t in model.criteria])
    return fig


def realised_weights(evaluation: Evaluation, language: str) -> Figure:
    """Return bars of nominal against realised weights per leaf criterion."""
    diag = evaluation.diagnostics
    leaves = evaluation.leaves
    names = [wrap(leaf.title.get(language)) for leaf in leaves]
    fig = _figure(language, **{"barmode": "group", "height": 520,
                            "title": _t(language, "Nominelle og realiserte vekter",
                                        "Nominal and realised weights"),
                            "yaxis": {"title": "%"},
                            "legend": {"orientation": "h", "y": -0.45}})
    _add(fig, "bar", name=_t(language, "Nominell vekt", "Nominal weight"), x=names,
                y=[100 * diag["nominal_weights"][leaf.id] for leaf in leaves],
                marker={"color": PALETTE[0]}, hovertemplate="%{x}: %{y:,.1f} %<extra></extra>")
    _add(fig, "bar", name=_t(language, "Realisert vekt", "Realised weight"), x=names,
                y=[100 * diag["realised_weights"][leaf.id] for leaf in leaves],
                marker={"color": PALETTE[4]}, hovertemplate="%{x}: %{y:,.1f} %<extra></extra>")
    return fig


def disagreement_heatmap(evaluation: Evaluation, language: str) -> Figure:
    """Return a heatmap of evaluators' spread (share of the scale) per proposal and criterion."""
    leaves = evaluation.model.quality_leaves
    ranges = np.array([leaf.scale.range for leaf in leaves])
    share = evaluation.panel.spread / ranges if len(leaves) else evaluation.panel.spread
    fig = _figure(language, **{"title": _t(language, "Sprik mellom evaluatorene "
                                                  "(andel av skalaen)",
                                                  "Spread between evaluators (share of the "
                                                  "scale)"),
                            "xaxis": {"type": "category"}, "yaxis": {"type": "category"}})
    _add(fig, "heatmap", z=np.round(np.nan_to_num(share) * 100, 1).tolist(),
                    x=[wrap(leaf.title.get(language), 16) for leaf in leaves],
                    y=list(evaluation.proposal_ids), colorscale=colorscale(ORANGES), zmin=0,
                    zmax=100,
                    colorbar={"title": {"text": "%"}},
                    hovertemplate="%{y} · %{x}: %{z:,.1f} %<extra></extra>")
    return fig


def rank_acceptability_heatmap(summary: dict[str, Any], language: str) -> Figure:
    """Return a heatmap of SMAA-2 rank acceptability: each proposal's share of the weight
    draws that put it at each rank (``summary`` is the ``smaa`` object of
    ``evaluation sensitivity --format json``)."""
    from evaluation.common.labels import format_percent

    table = summary.get("rank_acceptability") or {}
    ids = list(table)
    z = [[float(b) for b in table[p]] for p in ids]
    ranks = [_t(language, f"Plass {r}", f"Rank {r}") for r in range(1, len(ids) + 1)]
    text = [[format_percent(100 * b, language, 0) for b in row] for row in z]
    drawn = word(SAMPLERS, str(summary.get("sampler") or "–")).get(language)
    samples = summary.get("samples")
    # two short lines: one long line was clipped at the printed page's width
    fig = _figure(language, **{"height": max(300, 130 + 32 * len(ids)),
                            "title": {"text": label_lines(_t(
                                language, f"Rangakseptabilitet (SMAA-2)|andel av {samples} "
                                          f"vekttrekk per plass ({drawn})",
                                f"Rank acceptability (SMAA-2)|share of {samples} weight "
                                f"draws per rank ({drawn})").split("|")),
                                      "x": 0, "xanchor": "left", "font": {"size": 14}},
                            "margin": {"l": 60, "r": 20, "t": 110, "b": 30},
                            "xaxis": {"type": "category", "side": "top"},
                            "yaxis": {"type": "category", "autorange": "reversed",
                                      "title": _t(language, "Tilbud", "Proposal")}})
    _add(fig, "heatmap", z=z, x=ranks, y=ids, text=text, texttemplate="%{text}",
                    colorscale=colorscale(BLUES), zmin=0, zmax=1, showscale=False,
                    hovertemplate="%{y} · %{x}: %{text}<extra></extra>")
    return fig


def invitation_chart(ids: list[str], shares: list[float], labels: list[str],
                     language: str) -> Figure:
    """Return a bar chart of each qualified applicant's invitation acceptability (%)."""
    fig = _figure(language, **{
        "title": _t(language, "Sannsynlighet for invitasjon over vektområdene",
                    "Chance of an invitation over the weight ranges"),
        "yaxis": {"title": "%", "range": [0, 100]},
        "xaxis": {"type": "category", "tickvals": ids, "ticktext": labels},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 120}, "height": 460})
    _add(fig, "bar", x=ids, y=[100.0 * s for s in shares],
         marker={"color": [PALETTE[1] if s >= 0.5 else PALETTE[6] for s in shares]},
         hovertemplate="%{x}: %{y:,.1f} %<extra></extra>")
    return fig


def rounds_chart(rounds: dict[str, Any], language: str) -> Figure:
    """Return a line chart of each proposal's total across the negotiation rounds."""
    fig = _figure(language, **{
        "title": _t(language, "Sum per runde", "Total per round"),
        "yaxis": {"title": _t(language, "Poeng", "Points")},
        "xaxis": {"type": "category", "title": _t(language, "Runde", "Round")},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 60}, "height": 420})
    for k, p in enumerate(rounds["proposals"]):
        xs = [r for r in rounds["rounds"] if p["rounds"][r] and p["rounds"][r]["total"]
              is not None]
        name = f"{p['id']} {p['supplier']}"
        _add(fig, "scatter", mode="lines+markers", name=name, x=xs,
             y=[p["rounds"][r]["total"] for r in xs],
             marker={"color": PALETTE[k % len(PALETTE)]},
             hovertemplate=escape_text(p["id"]) + " %{x}: %{y:,.2f}<extra></extra>")
    return fig


def new_figure(language: str, **layout: Any) -> Figure:
    """Return an empty figure with the workbook's layout and the language's separators (for
    the figures of other modules)."""
    return _figure(language, **layout)


def add_trace(fig: Figure, kind: str, **trace: Any) -> None:
    """Append a trace of plotly.js type ``kind`` to ``fig``."""
    _add(fig, kind, **trace)
