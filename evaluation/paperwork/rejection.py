"""The rejection decision to a supplier whose proposal is not ranked (avvisning).

A proposal is not ranked when the committee rejected it (``admissible: false`` with its
``rejection_reason``) or when it falls below an announced minimum. The letter states the
decision, the reason, and the legal basis the committee recorded (``rejection_basis`` in
``proposals.csv``): the tool never chooses a paragraph, and refuses to write the letters
while a proposal that is not ranked has none (an input error naming file, line and field).
It also tells whom the contracting authority selected and the standstill period, as every
participant's notice does (FOA § 25-1).
"""

from __future__ import annotations

import datetime as dt

from evaluation.common.errors import InputError, ProblemList
from evaluation.common.labels import pick as _t
from evaluation.data.tables import read_table
from evaluation.paperwork.letters import (
    Checklist,
    add_characteristics,
    add_decision,
    add_signature,
    add_standstill,
    letter,
    quoted,
    recipient,
)
from evaluation.paperwork.paper import Block, Document
from evaluation.paperwork.protocol_proposals import score_text
from evaluation.paperwork.run_data import RunData, run_name

FIELD = "rejection_basis"


def rejection_basis(data: RunData, pid: str) -> str:
    """Return the legal basis the committee recorded for rejecting proposal ``pid`` ("")."""
    proposals = data.tender.proposals
    if FIELD not in proposals.columns or pid not in proposals.index:
        return ""
    return str(proposals.loc[pid, FIELD] or "").strip()


def check_rejection_bases(data: RunData) -> None:
    """Raise :class:`InputError` naming ``proposals.csv``, the line and ``rejection_basis``
    for every proposal that is not ranked and has no legal basis recorded."""
    lacking = [p for p in data.results["proposals"]
               if p["excluded"] and not rejection_basis(data, p["id"])]
    if not lacking:
        return
    path = data.tender.folder / "proposals.csv"
    label = path.relative_to(data.folder).as_posix() if path.is_relative_to(data.folder) \
        else str(path)
    problems = ProblemList()
    table = read_table(path, ProblemList(), label=label, required=("proposal_id",))
    rows = {} if table is None else {str(pid): k for k, pid in
                                     enumerate(table.frame["proposal_id"])}
    for p in lacking:
        row = rows.get(p["id"])
        problems.add(label, FIELD, f"proposal {p['id']} is not ranked ({p['exclusion_reason']}), "
                     "and its rejection decision states the legal basis the committee decided "
                     "on; the tool does not choose one",
                     line=None if table is None or row is None else table.where(row),
                     found="no column" if FIELD not in data.tender.proposals.columns else "",
                     expected="the provision as the committee records it, e.g. in its minutes")
    problems.raise_if_any(InputError)


def build_rejection(data: RunData, pid: str, language: str, sent: dt.date, *,
                    rule: str = "next-working-day",
                    checklist: Checklist | None = None) -> Document:
    """Return the draft rejection decision to the supplier of proposal ``pid``."""
    lang, tender = language, data.tender
    checklist = checklist or Checklist(language, run_name(data))
    own = data.proposal(pid)
    to = recipient(own, lang)
    title = tender.title.get(lang)
    doc = letter(_t(lang, f"Avvisning av tilbud – {title}", f"Rejection of proposal – {title}"),
                 _t(lang, "Beslutning om avvisning av tilbud (UTKAST)",
                    "Decision to reject a proposal (DRAFT)"), tender, to, sent, lang)
    doc.add("h2", _t(lang, "Beslutning", "Decision"))
    doc.add("strong", _t(lang, f"Oppdragsgiver har besluttet å avvise tilbud {pid} fra "
                               f"{own['supplier']}. Tilbudet er ikke med i rangeringen og kan "
                               "ikke tildeles kontrakt.",
                         f"The contracting authority has decided to reject proposal {pid} "
                         f"from {own['supplier']}. The proposal is not ranked and cannot be "
                         "awarded the contract."))
    doc.add("h2", _t(lang, "Begrunnelse", "Reason"))
    reason = data.evaluation.exclusion_reason[data.evaluation.index(pid)]
    committee_reason = str(tender.proposals.loc[pid, "rejection_reason"] or "").strip()
    if committee_reason and not bool(tender.proposals.loc[pid, "admissible"]):
        doc.add("p", quoted(committee_reason, lang, tender))
    else:
        doc.add("p", reason.get(lang) if reason is not None else own["exclusion_reason"] or "–")
        below = [leaf for leaf in tender.model.quality_leaves if leaf.minimum is not None and
                 (own["criteria"].get(leaf.id, {}).get("score") or 0) < leaf.minimum]
        if below:
            doc.table([_t(lang, "Kriterium", "Criterion"), _t(lang, "Karakter", "Score"),
                       _t(lang, "Minstekrav", "Minimum")],
                      [[leaf.title.get(lang),
                        score_text(own["criteria"][leaf.id].get("score"), lang),
                        score_text(leaf.minimum, lang)] for leaf in below])
        sources: dict[str, set[str]] = {}
        doc.add("p", _t(lang, "Komiteens vurdering av tilbudet:",
                        "The committee's assessment of the proposal:"))
        add_characteristics(doc, data, pid, sources)
        if pid in sources:
            text = _t(lang, "Teksten om tilbudet er hentet fra begrunnelsene (ingen godkjent "
                            "meddelelsestekst) for: ", "The text about the proposal is taken "
                      "from the justifications (no approved notice text) for: ") + \
                "; ".join(sorted(sources[pid])) + "."
            doc.blocks.insert(1, Block("banner", text))
            checklist.about(to, text)
    basis = rejection_basis(data, pid)
    doc.add("h2", _t(lang, "Hjemmel", "Legal basis"))
    doc.add("p", quoted(basis, lang, tender))
    checklist.about(to, _t(lang, f"Avvisning: hjemmelen i brevet er komiteens («{basis}»); "
                                 "kontroller at den er den komiteen har vedtatt.",
                           f"Rejection: the legal basis in the letter is the committee's "
                           f"(“{basis}”); check that it is the one the committee decided."))
    partners = [data.proposal(p) for p in data.results["partners"]]
    add_decision(doc, data, partners, ("Tildeling i konkurransen", "The award"))
    add_standstill(doc, tender, sent, rule, checklist)
    add_signature(doc)
    return doc
