"""The sections of ``notebooks/gate.ipynb`` (one partner at one gate) and
``notebooks/gate_summary.ipynb`` (every partner at the gate), read as documents.

Each public method displays one section (prose, then a table or chart) in the chosen language;
the notebooks call them one per cell and hold no logic. The tool recommends; the committee's
recorded decision is shown beside the verdict, flagged when it goes against the targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.common.labels import format_date, format_money
from evaluation.common.labels import pick as _t
from evaluation.core.gate import (
    PartnerGate,
    TargetResult,
    gate,
    gate_object,
    measurement_frame,
    partner_gate,
    partner_gate_object,
)
from evaluation.core.partnership import Partnership
from evaluation.data.partnership import load_partnership
from evaluation.views import partnership_figures as figs
from evaluation.views.display import (
    inline,
    publish_result,
    show_figure,
    show_markdown,
    show_table,
)

DECISION_WORDS = {"continue": ("fortsette", "continue"), "end": ("avslutte", "end"),
                  "complete": ("fullført", "complete")}


def decision_text(g: PartnerGate, language: str) -> str:
    """Return the recorded decision in words (Markdown, escaped), or that none is recorded."""
    d = g.decision
    if d is None:
        return _t(language, "Ingen beslutning er registrert ennå (gate.csv).",
                  "No decision is recorded yet (gate.csv).")
    word = DECISION_WORDS[d["decision"]]
    return _t(language,
              f"Komiteens beslutning {format_date(dt.date.fromisoformat(d['date']), 'nb')}: "
              f"**{word[0]}** ({inline(d['decided_by'])}). Begrunnelse: {inline(d['reason'])}",
              f"The committee's decision on {d['date']}: **{word[1]}** "
              f"({inline(d['decided_by'])}). Reason: {inline(d['reason'])}")


def targets_frame(results: Sequence[TargetResult], language: str) -> pd.DataFrame:
    """Return targets (or performance levels): threshold, rule, each arena's value, the
    rule's statistic, the margin and the verdict."""
    rows = []
    for r in results:
        t = r.target
        row: dict[str, Any] = {
            _t(language, "Delmål", "Target"): t.title.get(language),
            _t(language, "Terskel", "Threshold"): t.threshold_text(language),
            _t(language, "Regel", "Rule"): t.rule.text(language)}
        for a in r.arenas:
            row[a] = t.show(r.values.get(a), language)
        row[_t(language, "Etter regelen", "By the rule")] = t.show(r.statistic, language)
        row[_t(language, "Margin", "Margin")] = t.show(r.margin, language)
        row[_t(language, "Status", "Status")] = figs.status_word(r.status, language) + (
            _t(language, f" (mangler: {', '.join(r.missing)})",
               f" (missing: {', '.join(r.missing)})") if r.missing else "")
        rows.append(row)
    return pd.DataFrame(rows)


def spending_frame(g: PartnerGate, currency: str, language: str) -> pd.DataFrame:
    """Return the partner's instalments and payments phase by phase, with running totals."""
    def money(x: float) -> str:
        return format_money(x, language, currency)

    return pd.DataFrame([{
        _t(language, "Fase", "Phase"): s.phase,
        _t(language, "Avdrag (plan)", "Instalment (plan)"): money(s.instalment),
        _t(language, "Utbetalt", "Paid"): money(s.paid)
        + (_t(language, " (over avdraget)", " (above the instalment)")
           if s.above_instalment else ""),
        _t(language, "Sum plan", "Total planned"): money(s.planned_total),
        _t(language, "Sum utbetalt", "Total paid"): money(s.paid_total),
        _t(language, "Tak", "Ceiling"): money(s.ceiling)
        + (_t(language, " (OVERSKREDET)", " (EXCEEDED)") if s.above_ceiling else "")}
        for s in g.spending])


def verdict_line(g: PartnerGate, language: str) -> str:
    """Return the verdict, the recommendation and any flag, as Markdown."""
    lines = [_t(language, f"**Vurdering:** {figs.status_word(g.verdict, 'nb')}",
                f"**Verdict:** {figs.status_word(g.verdict, 'en')}") +
             f" – {inline(g.recommendation.get(language))}."]
    lines += ["", decision_text(g, language)]
    if g.flag is not None:
        lines += ["", _t(language, "**Merk: beslutningen går mot delmålene:** ",
                         "**Note: the decision goes against the targets:** ")
                  + inline(g.flag.get(language))]
    return "\n".join(lines)


@dataclass
class GateView:
    """One partner at one gate, with a method per notebook section."""

    partnership: Partnership
    gate: PartnerGate
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, phase: str, partner: str, language: str = "nb",
             **parameters: Any) -> GateView:
        """Return the view after loading the partnership through ``phase``."""
        p = load_partnership(tender, through=str(phase))
        return cls(p, partner_gate(p, str(phase), str(partner)), language,
                   {"tender": str(tender), "phase": str(phase), "partner": str(partner),
                    "language": language, **parameters})

    def summary(self) -> None:
        """Show the partner, the phase, the verdict, the recommendation and the decision."""
        g, lang = self.gate, self.language
        end = g.phase.end_for(g.partner)
        show_markdown("\n".join([
            f"## {inline(g.partner)} {inline(g.supplier)}", "",
            _t(lang, f"Fase {inline(g.phase.id)}: {inline(g.phase.title.nb)}, slutt "
                     f"{format_date(end, 'nb')}.",
               f"Phase {inline(g.phase.id)}: {inline(g.phase.title.en)}, ending "
               f"{format_date(end, 'en')}."), "", verdict_line(g, lang)]))

    def targets(self) -> None:
        """Show each target against its threshold per arena, and the heat table."""
        show_table(targets_frame(self.gate.targets, self.language), self.language)
        show_figure(figs.heat_table(self.gate, self.language))

    def trends(self) -> None:
        """Show each target's measurements over the phases against the thresholds."""
        titles = {p.id: p.title.get(self.language) for p in self.partnership.phases}
        for r in self.gate.targets:
            frame = measurement_frame(self.partnership, self.gate.partner, r.target.id)
            show_figure(figs.target_trend(frame, r.target, titles, self.language))

    def spending(self) -> None:
        """Show the instalments, the payments and the ceiling."""
        g, lang = self.gate, self.language
        currency = self.partnership.award.currency
        show_table(spending_frame(g, currency, lang), lang)
        show_figure(figs.payments_chart({g.partner: g.spending},
                                        {g.partner: f"{g.partner} {g.supplier}"}, currency,
                                        lang))

    def publish(self) -> None:
        """Display the result payload: this partner's gate."""
        publish_result("gate", self.parameters, partner_gate_object(self.gate, self.language))


@dataclass
class GateSummaryView:
    """Every partner at one gate, with a method per notebook section."""

    partnership: Partnership
    phase: str
    gates: list[PartnerGate]
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, phase: str, language: str = "nb", **parameters: Any
             ) -> GateSummaryView:
        """Return the view after loading the partnership through ``phase``."""
        p = load_partnership(tender, through=str(phase))
        return cls(p, str(phase), gate(p, str(phase)), language,
                   {"tender": str(tender), "phase": str(phase), "language": language,
                    **parameters})

    def summary(self) -> None:
        """Show the gate: each partner's verdict, the recommendation and the decision."""
        p, lang = self.partnership, self.language
        phase = p.plan.phase(self.phase)
        lines = [_t(lang, f"## Port etter fase {inline(phase.id)}: {inline(phase.title.nb)}",
                    f"## Gate after phase {inline(phase.id)}: {inline(phase.title.en)}"), "",
                 f"*{inline(p.award.title.get(lang))}*"]
        for g in self.gates:
            lines += ["", f"### {inline(g.partner)} {inline(g.supplier)}", "",
                      verdict_line(g, lang)]
        for partner in p.plan.partners:
            end = p.ended(partner)
            if end is not None and partner not in p.active_in(self.phase):
                lines += ["", _t(lang, f"{inline(partner)} ble avsluttet etter fase "
                                       f"{inline(end[0])} ({format_date(end[1], 'nb')}).",
                                 f"{inline(partner)} was ended after phase {inline(end[0])} "
                                 f"({format_date(end[1], 'en')}).")]
        for w in p.warnings:
            lines += ["", f"**{_t(lang, 'Advarsel', 'Warning')}:** {inline(w)}"]
        show_markdown("\n".join(lines))

    def heat_tables(self) -> None:
        """Show every partner's targets × arenas heat table and target table."""
        for g in self.gates:
            show_figure(figs.heat_table(g, self.language))
            show_table(targets_frame(g.targets, self.language), self.language)

    def spending(self) -> None:
        """Show every partner's payments against the plan and the ceiling."""
        p, lang = self.partnership, self.language
        spent = {g.partner: g.spending for g in self.gates}
        show_figure(figs.payments_chart(spent, {g.partner: f"{g.partner} {g.supplier}"
                                                for g in self.gates}, p.award.currency, lang))
        for g in self.gates:
            show_markdown(f"**{inline(g.partner)} {inline(g.supplier)}**")
            show_table(spending_frame(g, p.award.currency, lang), lang)

    def publish(self) -> None:
        """Display the result payload: the gate of every partner (``results.json``)."""
        publish_result("gate_summary", self.parameters,
                       gate_object(self.partnership, self.phase, self.language))
