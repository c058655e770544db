"""Figures of the partnership's gates and purchase, in bokmål or English. Pure: they build,
never show (plain plotly.js specifications, as :mod:`evaluation.views.figures`).

- the heat table: a partner's targets × its arenas, met / not met / not evidenced, the value
  in the cell and value, threshold and rule on hover, and the rule's verdict in the last column;
- a target's measurements over the phases against each phase's threshold;
- payments against the plan: the running total paid and planned per partner, and the ceiling;
- the followers' yearly cost under each remaining partner's price.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from evaluation.common.labels import format_money
from evaluation.common.labels import pick as _t
from evaluation.core.gate import (
    MET,
    NOT_EVIDENCED,
    NOT_MET,
    PartnerGate,
    Spending,
    TargetResult,
)
from evaluation.core.partnership import Target
from evaluation.views.figures import PALETTE, Figure, add_trace, new_figure

GREEN, RED, GREY = "#2e8540", "#c0504d", "#bfbfbf"
# z of the heat table: 0 not met, 1 met, 2 not evidenced, drawn in three flat colours
STATUS_Z = {NOT_MET: 0, MET: 1, NOT_EVIDENCED: 2}
STATUS_SCALE = [[0.0, RED], [1 / 3, RED], [1 / 3, GREEN], [2 / 3, GREEN], [2 / 3, GREY],
                [1.0, GREY]]


def status_word(status: str, language: str) -> str:
    """Return met / not met / not evidenced in words."""
    return {MET: _t(language, "nådd", "met"), NOT_MET: _t(language, "ikke nådd", "not met"),
            NOT_EVIDENCED: _t(language, "ikke dokumentert", "not evidenced")}[status]


def heat_table(gate: PartnerGate, language: str) -> Figure:
    """Return the partner's targets × arenas at its gate (:func:`target_heat_table`)."""
    return target_heat_table(gate.targets, _t(
        language, f"Delmål × arenaer: {gate.partner} etter fase {gate.phase.id}",
        f"Targets × arenas: {gate.partner} after phase {gate.phase.id}"), language)


def target_heat_table(results: Sequence[TargetResult], title: str, language: str) -> Figure:
    """Return targets × arenas: each cell met (green), not met (red) or not evidenced (grey, a
    missing measurement), the rule's verdict in the last column; value, threshold and rule on
    hover (interim targets at a gate, or performance levels at the purchase)."""
    arenas = list(results[0].arenas) if results else []
    overall = _t(language, "Samlet etter regelen", "By the rule")
    columns = [*arenas, overall]
    rows = [r.target for r in results]
    z: list[list[int]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for r in results:
        t = r.target
        cond = html.escape(f"{t.threshold_text(language)} ({t.rule.text(language)})")
        z_row, text_row, hover_row = [], [], []
        for a in arenas:
            ok = r.arena_met(a)
            status = NOT_EVIDENCED if ok is None else MET if ok else NOT_MET
            value = r.values.get(a)
            z_row.append(STATUS_Z[status])
            text_row.append(t.show(value, language))
            hover_row.append(f"<b>{html.escape(t.title.get(language))}</b> · {html.escape(a)}"
                             f"<br>{_t(language, 'Målt', 'Measured')}: "
                             f"{html.escape(t.show(value, language))}<br>"
                             f"{_t(language, 'Terskel', 'Threshold')}: {cond}<br>"
                             f"{status_word(status, language)}")
        z_row.append(STATUS_Z[r.status])
        text_row.append(t.show(r.statistic, language))
        hover_row.append(f"<b>{html.escape(t.title.get(language))}</b> · {overall}<br>"
                         f"{html.escape(t.rule.text(language))}: "
                         f"{html.escape(t.show(r.statistic, language))}<br>"
                         f"{_t(language, 'Terskel', 'Threshold')}: {cond}<br>"
                         f"<b>{status_word(r.status, language)}</b>" +
                         (f"<br>{_t(language, 'Mangler', 'Missing')}: "
                          f"{html.escape(', '.join(r.missing))}" if r.missing else ""))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    labels = [f"{t.title.get(language)} ({t.threshold_text(language)})" for t in rows]
    fig = new_figure(language, **{
        "title": title,
        "height": max(260, 120 + 62 * len(rows)),
        "xaxis": {"type": "category", "side": "top", "tickvals": list(range(len(columns))),
                  "ticktext": columns, "showgrid": False},
        "yaxis": {"type": "category", "autorange": "reversed", "showgrid": False,
                  "tickvals": list(range(len(rows))), "ticktext": labels},
        "margin": {"l": 290, "r": 20, "t": 110, "b": 30}})
    add_trace(fig, "heatmap", z=z, x=list(range(len(columns))), y=list(range(len(rows))),
              text=text, texttemplate="%{text}", customdata=hover, zmin=0, zmax=2,
              colorscale=STATUS_SCALE, showscale=False, xgap=3, ygap=3,
              textfont={"color": "white", "size": 14},
              hovertemplate="%{customdata}<extra></extra>")
    for k, (word, colour) in enumerate(((_t(language, "nådd", "met"), GREEN),
                                        (_t(language, "ikke nådd", "not met"), RED),
                                        (_t(language, "ikke dokumentert", "not evidenced"),
                                         GREY))):
        # legend entries only: the heatmap has no legend of its own
        add_trace(fig, "scatter", x=[None], y=[None], mode="markers", name=word,
                  marker={"color": colour, "size": 12, "symbol": "square"}, showlegend=True,
                  hoverinfo="skip", legendrank=k)
    fig["layout"]["legend"] = {"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"}
    return fig


def target_trend(frame: pd.DataFrame, target: Target, phase_titles: Mapping[str, str],
                 language: str) -> Figure:
    """Return one target's values per arena over the phases, against each phase's threshold
    (a short bar per phase; ``frame``: phase, arena, value, threshold, from
    :func:`evaluation.core.gate.measurement_frame`)."""
    phases = list(dict.fromkeys(frame["phase"]))
    word = _t(language, "Fase", "Phase")
    fig = new_figure(language, **{
        "title": target.title.get(language) + _t(language, " over fasene", " over the phases"),
        "height": 380,
        "xaxis": {"type": "category", "title": word, "tickvals": phases,
                  "ticktext": [f"{word} {p}" for p in phases]},
        "yaxis": {"title": target.unit.get(language)},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 70, "r": 20, "t": 60,
                                                             "b": 100}})
    thresholds = frame.drop_duplicates("phase")
    add_trace(fig, "scatter", x=list(thresholds["phase"]),
              y=[float(v) for v in thresholds["threshold"]], mode="markers",
              marker={"symbol": "line-ew-open", "size": 70, "line": {"width": 3,
                                                                      "color": "#1a1a1a"}},
              name=_t(language, "Terskel", "Threshold") + f" ({target.sign()})",
              customdata=[html.escape(f"{word} {p}: {phase_titles.get(p, '')}")
                          for p in thresholds["phase"]],
              hovertemplate="%{customdata}<br>" + _t(language, "terskel", "threshold") +
              f" {target.sign()} %{{y}}<extra></extra>")
    for k, (arena, rows) in enumerate(frame.groupby("arena", sort=False)):
        values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
                  for v in rows["value"]]
        add_trace(fig, "scatter", x=list(rows["phase"]), y=values, mode="lines+markers",
                  name=str(arena), marker={"size": 9, "color": PALETTE[k % len(PALETTE)]},
                  hovertemplate=html.escape(str(arena)) + " · " + word.lower() +
                  " %{x}: %{y}<extra></extra>")
    return fig


def payments_chart(spending: Mapping[str, Sequence[Spending]], labels: Mapping[str, str],
                   currency: str, language: str) -> Figure:
    """Return each partner's running total planned (light bar) and paid (solid bar) phase by
    phase, with the development ceiling (dotted)."""
    million = _t(language, "mill. kr" if currency == "NOK" else f"mill. {currency}",
                 f"{currency} million")
    fig = new_figure(language, **{
        "title": _t(language, "Utbetalt mot plan (løpende sum)",
                    "Paid against the plan (running total)"),
        "barmode": "group",
        "xaxis": {"type": "category", "title": _t(language, "Etter fase", "After phase")},
        "yaxis": {"title": million, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.3}, "height": 460,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 150}})
    ceiling = None
    for k, (partner, rows) in enumerate(spending.items()):
        colour = PALETTE[k % len(PALETTE)]
        phases = [s.phase for s in rows]
        name = labels.get(partner, partner)
        shown = html.escape(name)
        add_trace(fig, "bar", x=phases, y=[s.planned_total / 1e6 for s in rows],
                  marker={"color": colour, "opacity": 0.35},
                  name=name + _t(language, " – plan", " – plan"),
                  hovertemplate=shown + " · " + _t(language, "fase", "phase") + " %{x}: " +
                  _t(language, "plan", "plan") + f" %{{y:,.2f}} {million}<extra></extra>")
        add_trace(fig, "bar", x=phases, y=[s.paid_total / 1e6 for s in rows],
                  marker={"color": colour},
                  name=name + _t(language, " – utbetalt", " – paid"),
                  hovertemplate=shown + " · " + _t(language, "fase", "phase") + " %{x}: " +
                  _t(language, "utbetalt", "paid") + f" %{{y:,.2f}} {million}<extra></extra>")
        if rows:
            ceiling = (rows[0].ceiling, rows[0].ceiling_kind, phases)
    if ceiling is not None:
        amount, kind, phases = ceiling
        word = _t(language, "Tak per partner", "Ceiling per partner") if kind == "per_partner" \
            else _t(language, "Tak for alle partnere", "Ceiling for all partners")
        add_trace(fig, "scatter", x=phases, y=[amount / 1e6] * len(phases), mode="lines",
                  line={"color": RED, "dash": "dot", "width": 2},
                  name=f"{word}: {format_money(amount, language, currency)}",
                  hovertemplate=f"{word}: %{{y:,.2f}} {million}<extra></extra>")
    return fig


def followers_cost(rows: Sequence[Mapping[str, Any]], partners: Sequence[str],
                   labels: Mapping[str, str], currency: str, language: str) -> Figure:
    """Return each municipality's yearly cost (year 1) under each partner's price, coloured by
    its option; a follower not covered by the notice is marked."""
    thousand = _t(language, "1000 kr" if currency == "NOK" else f"1000 {currency}",
                  f"{currency} thousand")
    names = [str(r["name"]) for r in rows]
    fig = new_figure(language, **{
        "title": _t(language, "Hva kjøpet koster hver kommune per år (år 1)",
                    "What the purchase costs each municipality a year (year 1)"),
        "barmode": "group", "height": max(420, 140 + 26 * len(rows)),
        "xaxis": {"title": thousand},
        "yaxis": {"type": "category", "autorange": "reversed"},
        "legend": {"orientation": "h", "y": -0.12}, "margin": {"l": 240, "r": 20, "t": 60,
                                                             "b": 60}})
    for k, partner in enumerate(partners):
        hover = [f"<b>{html.escape(str(r['name']))}</b><br>{html.escape(str(r['option_text']))}"
                 f"<br>{r['buildings']:,.0f} " + _t(language, "bygg", "buildings") +
                 (f"<br><b>{html.escape(str(r['covered_text']))}</b>" if not r["covered"]
                  else "") for r in rows]
        add_trace(fig, "bar", orientation="h", y=names,
                  x=[r["yearly"][partner] / 1e3 for r in rows], customdata=hover,
                  name=labels.get(partner, partner),
                  marker={"color": [PALETTE[k % len(PALETTE)] if r["option"] == "yes" else
                                    "#9dc3e6" if r["option"] == "undecided" else GREY
                                    for r in rows],
                          "line": {"color": [RED if not r["covered"] else "white"
                                             for r in rows], "width": 3}},
                  hovertemplate="%{customdata}<br>" + _t(language, "per år", "a year") +
                  f": %{{x:,.0f}} {thousand}<extra></extra>", showlegend=len(partners) > 1)
    for word, marker in ((_t(language, "opsjon: ja", "option: yes"),
                          {"color": PALETTE[0]}),
                         (_t(language, "uavklart", "undecided"), {"color": "#9dc3e6"}),
                         (_t(language, "nei", "no"), {"color": GREY}),
                         (_t(language, "ikke dekket av kunngjøringen", "not covered by the notice"),
                          {"color": "white", "line": {"color": RED, "width": 3}})):
        # legend entries only: the bars' colours and outlines mean these
        add_trace(fig, "scatter", x=[None], y=[None], mode="markers", name=word,
                  marker={**marker, "size": 12, "symbol": "square"}, hoverinfo="skip",
                  showlegend=True)
    return fig


def volume_chart(parts: Sequence[tuple[str, float, str]], announced: float | None,
                 currency: str, language: str) -> Figure:
    """Return the procurement's volume as stacked bars (development paid, the buyer's purchase,
    the followers saying yes, those undecided) against the value announced in the notice."""
    million = _t(language, "mill. kr" if currency == "NOK" else f"mill. {currency}",
                 f"{currency} million")
    fig = new_figure(language, **{
        "title": _t(language, "Volum mot kunngjort verdi", "Volume against the announced value"),
        "barmode": "stack", "height": 420,
        "xaxis": {"type": "category"}, "yaxis": {"title": million, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2}})
    for name, amount, colour in parts:
        add_trace(fig, "bar", x=[_t(language, "Anskaffelsen", "The procurement")],
                  y=[amount / 1e6], name=name, marker={"color": colour},
                  hovertemplate=html.escape(name) + f": %{{y:,.2f}} {million}<extra></extra>")
    if announced is not None:
        word = _t(language, "Kunngjort verdi", "Announced value")
        fig["layout"]["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1,
                                    "y0": announced / 1e6, "y1": announced / 1e6,
                                    "line": {"color": RED, "width": 3, "dash": "dash"}}]
        fig["layout"]["annotations"] = [{
            "xref": "paper", "x": 1, "y": announced / 1e6, "xanchor": "right",
            "yanchor": "bottom", "showarrow": False,
            "text": f"{word}: {format_money(announced, language, currency)}",
            "font": {"color": RED}}]
    return fig
