"""The negotiation's paperwork: the account of its conduct and progress, the award notice to
tenderers who left in an earlier round, and the letter to each one as it leaves.

Every tenderer, including those who left or were eliminated in an earlier round, gets the
award notice with the reasons and the standstill period at the same time (FOA § 25-1 (1),
§ 10-1 (1); reference/innovation-partnership.md, stage 4); the conduct and progress of the
negotiations is told on request (directive 2014/24/EU art. 55(2)(d): ``notice
--negotiations``). A departure gets its own letter (withdrawn: a confirmation; rejected: the
decision with its reason; eliminated: the announced reduction with the tender's rank).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from evaluation.common.ids import file_names, id_path, inside
from evaluation.common.labels import format_date
from evaluation.common.labels import pick as _t
from evaluation.core.negotiation import conduct
from evaluation.core.tender import Tender
from evaluation.paperwork.letters import (
    Checklist,
    add_decision,
    add_signature,
    add_standstill,
    letter,
    quoted,
    recipient,
)
from evaluation.paperwork.paper import Document, render_html, render_markdown
from evaluation.paperwork.run_data import RunData


def add_conduct(doc: Document, tender: Tender, language: str) -> None:
    """Append the conduct and progress of the negotiation to ``doc`` (nothing without
    rounds)."""
    if tender.round_plan is None or tender.negotiation is None:
        return
    doc.add("h2", _t(language, "Gjennomføringen og fremdriften i forhandlingene",
                     "The conduct and progress of the negotiations"))
    for section in conduct(tender.round_plan, tender.negotiation, language):
        doc.add("h3", section.heading)
        if section.rows:
            doc.table(section.header, section.rows)
        else:
            doc.add("p", section.empty)


def departed(tender: Tender) -> list[dict[str, Any]]:
    """Return the departures recorded before ``tender``'s round: ``{id, supplier, after,
    kind, reason, date}``, the supplier's name from the round it left."""
    if tender.negotiation is None or tender.round_plan is None or tender.round is None:
        return []
    plan = tender.round_plan
    before = {r.id for r in plan.rounds[:plan.index(tender.round)]}
    out = []
    from evaluation.data.tender import load_tender

    for row in tender.negotiation.departures.itertuples(index=False):
        if row.after_round not in before:
            continue
        left = load_tender(tender.folder, round=str(row.after_round), record=False)
        pid = str(row.proposal_id)
        out.append({"id": pid, "after": str(row.after_round),
                    "supplier": str(left.proposals["supplier"].get(pid, "")),
                    "kind": str(row.kind), "reason": str(row.reason), "date": str(row.date)})
    return out


def departure_letter(tender: Tender, leaver: dict[str, Any], language: str,
                     sent: dt.date) -> Document:
    """Return the letter to a tenderer that left after round ``leaver["after"]``."""
    lang = language
    title = tender.title.get(lang)
    kind = leaver["kind"]
    heading = {"withdrawn": _t(lang, "Bekreftelse på at tilbudet er trukket",
                               "Confirmation that the tender is withdrawn"),
               "rejected": _t(lang, "Beslutning om avvisning", "Decision to reject"),
               "eliminated": _t(lang, "Beslutning om at tilbudet ikke går videre",
                                "Decision that the tender does not go on")}[kind]
    doc = Document(f"{heading} – {title}", lang)
    doc.add("h1", heading + _t(lang, " (UTKAST)", " (DRAFT)"))
    doc.add("p", _t(lang, f"Konkurranse: {title}", f"Competition: {title}"))
    doc.add("p", _t(lang, f"Til: {leaver['supplier']} (tilbud {leaver['id']})",
                    f"To: {leaver['supplier']} (tender {leaver['id']})"))
    doc.add("p", _t(lang, f"Dato: {format_date(sent, lang)}", f"Date: {format_date(sent, lang)}"))
    after = leaver["after"]
    if kind == "withdrawn":
        doc.add("p", _t(lang, f"Vi bekrefter at dere har trukket tilbudet etter runde {after}.",
                        f"We confirm that you withdrew your tender after round {after}."))
    elif kind == "rejected":
        doc.add("p", _t(lang, f"Tilbudet deres er avvist etter runde {after}.",
                        f"Your tender is rejected after round {after}."))
    else:
        keep = next((r.keep for r in (tender.round_plan.reductions if tender.round_plan else ())
                     if r.after == after), None)
        rank = (tender.negotiation.eliminated.get(after, {}).get(leaver["id"])
                if tender.negotiation else None)
        doc.add("p", _t(lang, f"Etter den kunngjorte reduksjonen etter runde {after} går de "
                              f"{keep} beste etter tildelingskriteriene videre; tilbudet deres "
                              f"ble rangert som nummer {rank}.",
                        f"By the reduction announced after round {after}, the best {keep} by "
                        f"the award criteria go on; your tender was ranked {rank}."))
    doc.add("p", _t(lang, "Begrunnelse: ", "Reason: ") + leaver["reason"])
    doc.add("p", _t(lang, "Dere får også meddelelsen om tildelingsbeslutningen når den "
                          "foreligger.", "You will also receive the notice of the award "
                    "decision when it is made."))
    doc.add("small", _t(lang, "Begrunnelsen er komiteens egen og står som komiteen skrev den.",
                        "The reason is the committee's own, as the committee wrote it (not "
                        "translated)."))
    return doc


def departed_notice(data: RunData, leaver: dict[str, Any], partners: list[dict[str, Any]],
                    language: str, sent: dt.date, rule: str, checklist: Checklist) -> Document:
    """Return the award notice to a tenderer that left in an earlier round: the decision,
    the selected suppliers, why it was not in the final round, and the standstill period
    (the same pieces as every award notice, :mod:`evaluation.paperwork.letters`)."""
    lang, tender = language, data.tender
    title = tender.title.get(lang)
    doc = letter(_t(lang, f"Meddelelse om tildelingsbeslutning – {title}",
                    f"Notice of award decision – {title}"),
                 _t(lang, "Meddelelse om tildelingsbeslutning (UTKAST)",
                    "Notice of award decision (DRAFT)"),
                 tender, recipient(leaver, lang), sent, lang)
    add_decision(doc, data, partners)
    words = {"withdrawn": _t(lang, "trakk tilbudet", "withdrew the tender"),
             "rejected": _t(lang, "ble avvist", "was rejected"),
             "eliminated": _t(lang, "gikk ikke videre etter den kunngjorte reduksjonen",
                              "did not go on after the announced reduction")}
    doc.add("strong", _t(lang, f"Tilbudet deres var ikke med i sluttrunden: det "
                               f"{words[leaver['kind']]} etter runde {leaver['after']}.",
                         f"Your tender was not in the final round: it "
                         f"{words[leaver['kind']]} after round {leaver['after']}."))
    doc.add("p", _t(lang, "Begrunnelse: ", "Reason: ") + quoted(leaver["reason"], lang, tender))
    add_standstill(doc, tender, sent, rule, checklist)
    add_signature(doc)
    return doc


def write_departure_letters(folder: Path, tender: Tender, language: str, sent: dt.date
                            ) -> list[Path]:
    """Write the letter to every tenderer that left just before ``tender``'s round into
    ``folder`` (HTML and Markdown); return the paths."""
    plan = tender.round_plan
    if plan is None or tender.round is None or plan.index(tender.round) == 0:
        return []
    previous = plan.rounds[plan.index(tender.round) - 1].id
    leavers = [d for d in departed(tender) if d["after"] == previous]
    if not leavers:
        return []
    target = inside(folder, "departures", language)
    target.mkdir(parents=True, exist_ok=True)
    names = file_names([d["id"] for d in leavers])
    written = []
    for leaver in leavers:
        doc = departure_letter(tender, leaver, language, sent)
        for suffix, text in ((".html", render_html(doc)), (".md", render_markdown(doc))):
            path = id_path(target, names[leaver["id"]], suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
