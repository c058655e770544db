"""The partnership's paperwork: its record as protocol sections of a gate's report, and the
draft decision to a partner whose partnership ends.

The record (FOA § 7-1's procurement protocol, for the partnership's phases): the plan and
whether it is the frozen contract, each phase's targets, the measurements with their evidence,
each partner's verdict, the committee's decisions with their reasons (flagged where they go
against the targets), the payments against the instalments and the ceiling, the contract
changes since the previous run, and the run's file hashes. Every text is escaped.

The draft decision to a partner whose partnership ends states the targets and that partner's
measured values, the rule applied and the committee's reason (FOA part III, directive
2014/24/EU art. 31(2); forvaltningsloven §§ 24–25 by analogy). No other partner's data is in
it (business secrets, forvaltningsloven § 13(1) nr. 2).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.common.errors import EvaluationError
from evaluation.common.ids import file_names, id_path
from evaluation.common.labels import format_date, format_money
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html
from evaluation.core.gate import PartnerGate, gate, partner_gate
from evaluation.core.partnership import Partnership, Phase
from evaluation.paperwork.paper import Document, render_html, render_markdown

STATUS = {"met": ("nådd", "met"), "not_met": ("ikke nådd", "not met"),
          "not_evidenced": ("ikke dokumentert", "not evidenced")}
DECISION = {"continue": ("fortsette", "continue"), "end": ("avslutte", "end"),
            "complete": ("fullført", "complete")}


def status_text(status: str, lang: str) -> str:
    return STATUS[status][1 if lang == "en" else 0]


def table_html(header: Sequence[str], rows: Sequence[Sequence[Any]],
               css: str = "evaluation-table") -> str:
    """Return an HTML table, every cell escaped."""
    e = escape_html
    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _date(value: Any, lang: str) -> str:
    return format_date(value, lang) if isinstance(value, dt.date) else str(value or "–")


def plan_section(p: Partnership, frozen: dict[str, Any] | None, lang: str) -> str:
    """Return the plan: partners and arenas, the ceiling, the phases with their ends and
    instalments, and whether the plan is the frozen contract."""
    plan, e, cur = p.plan, escape_html, p.award.currency
    parts = [f"<h3>{e(_t(lang, 'Kontraktens plan', 'The contract plan'))}</h3>"]
    state = (frozen or {}).get("state")
    parts.append("<p>" + e(
        _t(lang, f"Planen er frosset som kontrakt {frozen.get('frozen_at')} (sha256 "
                 f"{str(frozen.get('sha256'))[:12]}…).",
           f"The plan is frozen as the contract at {frozen.get('frozen_at')} (sha256 "
           f"{str(frozen.get('sha256'))[:12]}…).") if frozen and state == "frozen" else
        _t(lang, "Planen er ikke frosset.", "The plan is not frozen.")) + "</p>")
    ceiling = format_money(plan.ceiling.amount, lang, cur)
    parts.append("<p>" + e(_t(lang, f"Utviklingstak: {ceiling} "
                                    + ("per partner." if plan.ceiling.kind == "per_partner"
                                       else "for alle partnere."),
                              f"Development ceiling: {ceiling} "
                              + ("per partner." if plan.ceiling.kind == "per_partner"
                                 else "for all partners."))) + "</p>")
    parts.append(table_html([_t(lang, "Partner", "Partner"), _t(lang, "Leverandør", "Supplier"),
                             _t(lang, "Pilotarenaer", "Pilot arenas")],
                            [[q, p.supplier(q), ", ".join(plan.arenas[q])]
                             for q in plan.partners]))
    rows = []
    for phase in plan.phases:
        ends = "; ".join(f"{q}: {_date(d, lang)}" for q, d in phase.ends.items())
        rows.append([phase.id, phase.title.get(lang), _date(phase.end, lang)
                     + (f" ({ends})" if ends else ""),
                     "; ".join(f"{q}: {format_money(a, lang, cur)}"
                               for q, a in phase.instalments.items())])
    parts.append(table_html([_t(lang, "Fase", "Phase"), _t(lang, "Tittel", "Title"),
                             _t(lang, "Slutt", "End"), _t(lang, "Avdrag", "Instalments")],
                            rows))
    return "".join(parts)


def phase_section(p: Partnership, phase: Phase, lang: str) -> str:
    """Return one phase's record: targets, measurements, verdicts, decisions, payments."""
    e, cur = escape_html, p.award.currency
    parts = [f"<h3>{e(_t(lang, f'Fase {phase.id}: ', f'Phase {phase.id}: '))}"
             f"{e(phase.title.get(lang))}</h3>"]
    parts.append(table_html(
        ["ID", _t(lang, "Delmål", "Target"), _t(lang, "Måltall", "Metric"),
         _t(lang, "Terskel", "Threshold"), _t(lang, "Regel", "Rule"),
         _t(lang, "Gjelder", "Applies to")],
        [[t.id, t.title.get(lang), t.metric.get(lang), t.threshold_text(lang),
          t.rule.text(lang), ", ".join(t.partners) if t.partners else _t(lang, "alle", "all")]
         for t in phase.targets]))
    gates = gate(p, phase.id)
    parts.append(f"<h4>{e(_t(lang, 'Vurdering og beslutning', 'Verdict and decision'))}</h4>")
    parts.append(table_html(
        [_t(lang, "Partner", "Partner"), _t(lang, "Vurdering", "Verdict"),
         _t(lang, "Anbefaling", "Recommendation"), _t(lang, "Beslutning", "Decision"),
         _t(lang, "Dato", "Date"), _t(lang, "Vedtatt av", "Decided by"),
         _t(lang, "Begrunnelse", "Reason"), _t(lang, "Merknad", "Flag")],
        [[g.partner, status_text(g.verdict, lang), g.recommendation.get(lang),
          DECISION[g.decision["decision"]][1 if lang == "en" else 0] if g.decision else
          _t(lang, "ikke registrert", "not recorded"),
          g.decision["date"] if g.decision else "", g.decision["decided_by"] if g.decision
          else "", g.decision["reason"] if g.decision else "",
          g.flag.get(lang) if g.flag else ""] for g in gates]))
    m = p.measurements[p.measurements["phase"] == phase.id]
    titles = {t.id: t for t in phase.targets}
    parts.append(f"<h4>{e(_t(lang, 'Målinger', 'Measurements'))}</h4>")
    parts.append(table_html(
        [_t(lang, "Partner", "Partner"), _t(lang, "Delmål", "Target"), "Arena",
         _t(lang, "Verdi", "Value"), _t(lang, "Dato", "Date"),
         _t(lang, "Dokumentasjon", "Evidence")],
        [[q, t, a, titles[t].show(float(v), lang) if t in titles else v, _date(d, lang), ev]
         for q, t, a, v, d, ev in zip(m["partner"], m["target_id"], m["arena"], m["value"],
                                      m["date"], m["evidence"], strict=True)]))
    pay = p.payments[p.payments["phase"] == phase.id]
    parts.append(f"<h4>{e(_t(lang, 'Utbetalinger', 'Payments'))}</h4>")
    parts.append(table_html(
        [_t(lang, "Partner", "Partner"), _t(lang, "Beløp", "Amount"), _t(lang, "Dato", "Date")],
        [[q, format_money(float(a), lang, cur), _date(d, lang)]
         for q, a, d in zip(pay["partner"], pay["amount"], pay["date"], strict=True)])
        if len(pay) else
        "<p>" + e(_t(lang, "Ingen utbetalinger registrert.", "No payments recorded.")) + "</p>")
    rows = []
    for g in gates:
        s = g.spending[-1]
        rows.append([g.partner, format_money(s.instalment, lang, cur),
                     format_money(s.paid, lang, cur), format_money(s.paid_total, lang, cur),
                     format_money(s.ceiling, lang, cur),
                     _t(lang, "OVER TAKET", "ABOVE THE CEILING") if s.above_ceiling else
                     _t(lang, "over avdraget", "above the instalment") if s.above_instalment
                     else ""])
    parts.append(table_html([_t(lang, "Partner", "Partner"), _t(lang, "Avdrag", "Instalment"),
                             _t(lang, "Utbetalt i fasen", "Paid in the phase"),
                             _t(lang, "Utbetalt i alt", "Paid in all"),
                             _t(lang, "Tak", "Ceiling"), _t(lang, "Merknad", "Flag")], rows))
    return "".join(parts)


def changes_section(manifest: dict[str, Any], lang: str) -> str:
    """Return the contract changes since the previous run of the stage, with their reasons."""
    e = escape_html
    changes = manifest.get("changes") or {}
    parts = [f"<h3>{e(_t(lang, 'Endringer i kontrakten', 'Contract changes'))}</h3>"]
    if not changes.get("previous_run"):
        parts.append("<p>" + e(_t(lang, "Første kjøring av dette trinnet.",
                                  "The first run of this stage.")) + "</p>")
        return "".join(parts)
    found = changes.get("contract_changes") or []
    parts.append("<p>" + e(_t(lang, f"Sammenlignet med {changes['previous_run']}: "
                                    f"{len(found)} endringer i planen.",
                              f"Against {changes['previous_run']}: {len(found)} changes to the "
                              "plan.")) + "</p>")
    if found:
        parts.append(table_html([_t(lang, "Hva", "What"), _t(lang, "Fase", "Phase"),
                                 _t(lang, "Delmål/partner", "Target/partner"),
                                 _t(lang, "Før", "Before"), _t(lang, "Etter", "After")],
                                [[c.get("what"), c.get("phase", ""),
                                  c.get("target", c.get("partner", "")),
                                  json.dumps(c.get("old"), ensure_ascii=False),
                                  json.dumps(c.get("new"), ensure_ascii=False)]
                                 for c in found]))
    reasons = changes.get("reasons") or []
    if reasons:
        parts.append(table_html([_t(lang, "Frosset på nytt", "Frozen again"),
                                 _t(lang, "Begrunnelse", "Reason")],
                                [[r.get("frozen_at"), r.get("reason")] for r in reasons]))
    return "".join(parts)


def files_section(manifest: dict[str, Any], lang: str) -> str:
    """Return the sha256 of every input and template of the run."""
    rows = [[g, str(x["path"]), str(x["sha256"])] for g in ("inputs", "templates")
            for x in manifest.get(g, [])]
    return (f"<h3>{escape_html(_t(lang, 'Filer i kjøringen', 'Files of the run'))}</h3>" +
            table_html([_t(lang, "Gruppe", "Group"), _t(lang, "Fil", "File"), "sha256"], rows,
                       "evaluation-table evaluation-hashes"))


def gate_protocol_html(p: Partnership, phase: str, manifest: dict[str, Any], lang: str
                       ) -> str:
    """Return the partnership's record through ``phase`` as the gate report's protocol."""
    heading = _t(lang, f"Protokoll for innovasjonspartnerskapet, fase 1–{phase}",
                 f"Record of the innovation partnership, phases 1–{phase}") \
        if len(p.phases) > 1 else _t(lang, f"Protokoll for innovasjonspartnerskapet, fase "
                                           f"{phase}", f"Record of the innovation "
                                                       f"partnership, phase {phase}")
    parts = [f'<section class="evaluation-protocol"><h2>{escape_html(heading)}</h2>',
             plan_section(p, manifest.get("model", {}).get("frozen"), lang)]
    parts += [phase_section(p, ph, lang) for ph in p.phases]
    parts += [changes_section(manifest, lang), files_section(manifest, lang), "</section>"]
    return "".join(parts)


def end_letter(p: Partnership, g: PartnerGate, language: str, sent: dt.date) -> Document:
    """Return the draft decision to a partner whose partnership ends after ``g``'s phase: the
    targets, its own measured values per arena, the rule applied and the committee's reason."""
    lang, d = language, g.decision or {}
    doc = Document(_t(lang, f"Utkast til vedtak: {g.partner}", f"Draft decision: {g.partner}"),
                   lang)
    doc.add("h1", _t(lang, "Utkast til vedtak om å avslutte innovasjonspartnerskapet",
                     "Draft decision to end the innovation partnership"))
    doc.add("p", p.award.title.get(lang))
    doc.add("p", _t(lang, f"Til: {g.supplier} ({g.partner}). Dato: {format_date(sent, lang)}.",
                    f"To: {g.supplier} ({g.partner}). Date: {format_date(sent, lang)}."))
    doc.add("banner", _t(lang, "UTKAST: komiteen fastsetter det endelige vedtaket.",
                         "DRAFT: the committee settles the final decision."))
    doc.add("strong", _t(
        lang, f"Kommunen avslutter innovasjonspartnerskapet med dere etter fase {g.phase.id} "
              f"({g.phase.title.nb}).",
        f"The municipality ends its innovation partnership with you after phase {g.phase.id} "
        f"({g.phase.title.en})."))
    doc.add("p", _t(lang, "Grunnlaget er delmålene i kontrakten. Etter hver fase kan "
                          "oppdragsgiver avslutte partnerskapet på grunnlag av delmålene "
                          "(anskaffelsesforskriften del III, direktiv 2014/24/EU art. 31 nr. 2).",
                    "The basis is the contract's interim targets. After each phase the "
                    "contracting authority may end the partnership on the basis of those "
                    "targets (FOA part III, directive 2014/24/EU art. 31(2))."))
    header = [_t(lang, "Delmål", "Target"), _t(lang, "Terskel", "Threshold"),
              _t(lang, "Regel", "Rule"), _t(lang, "Deres målte verdier", "Your measured values"),
              _t(lang, "Etter regelen", "By the rule"), _t(lang, "Vurdering", "Verdict")]
    rows = []
    for r in g.targets:
        t = r.target
        values = "; ".join(f"{a}: {t.show(r.values.get(a), lang)}" for a in r.arenas)
        rows.append((t.title.get(lang), t.threshold_text(lang), t.rule.text(lang), values,
                     t.show(r.statistic, lang), status_text(r.status, lang)))
    doc.table(header, rows)
    if d:
        doc.add("p", _t(lang, f"Komiteens begrunnelse ({d.get('date')}, {d.get('decided_by')}): "
                              f"{d.get('reason')}",
                        f"The committee's reason ({d.get('date')}, {d.get('decided_by')}): "
                        f"{d.get('reason')}"))
    paid = g.spending[-1].paid_total if g.spending else 0.0
    doc.add("p", _t(lang, f"Utbetalt til dere i alt: {format_money(paid, lang, p.award.currency)}"
                          ". Etter avslutningen utbetales ikke mer under kontrakten.",
                    f"Paid to you in all: {format_money(paid, lang, p.award.currency)}. No "
                    "further payment is made under the contract after it ends."))
    doc.add("small", _t(lang, "Begrunnelsen er komiteens egen og står som komiteen skrev den.",
                        "The reason is the committee's own, as the committee wrote it (not "
                        "translated)."))
    return doc


def write_gate_letters(run: Path | str, *, language: str | None = None,
                       date: dt.date | None = None) -> list[Path]:
    """Write the draft decision (HTML and Markdown) to every partner whose partnership ends at
    the run's gate, into ``RUN_DIR/letters/<language>/``, from the run's own copy."""
    from evaluation.data.partnership import load_partnership
    from evaluation.runs.manifest import find_tender_copy

    run = Path(run).resolve()
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    stage = str(manifest.get("stage", ""))
    if not stage.startswith("gate-"):
        raise EvaluationError(f"{run}: not a gate's run (stage {stage!r})")
    copy = find_tender_copy(run, manifest)
    if copy is None:
        raise EvaluationError(f"{run}: no copy of the tender in the run folder")
    phase = stage[len("gate-"):]
    p = load_partnership(copy, through=phase)
    lang = language or str(manifest.get("language", "nb"))
    folder = run / "letters" / lang
    folder.mkdir(parents=True, exist_ok=True)
    ending = [q for q in p.active_in(phase)
              if (row := p.decision(phase, q)) is not None and row["decision"] == "end"]
    names = file_names(ending)
    written = []
    for q in ending:
        doc = end_letter(p, partner_gate(p, phase, q), lang, date or dt.date.today())
        for suffix, text in ((".html", render_html(doc)), (".md", render_markdown(doc))):
            path = id_path(folder, names[q], suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
