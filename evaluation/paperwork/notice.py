"""``evaluation notice RUN_DIR``: a draft letter for every proposal (HTML and Markdown): the
award notice, or for a proposal that is not ranked the rejection decision
(:mod:`evaluation.paperwork.rejection`), and the caseworker's checklist.

FOA § 25-1 (§ 10-1 below the threshold): a written notice to every participant at the same
time, naming the selected supplier(s), giving the selected proposal's characteristics and
relative advantages measured against the award criteria, why they outweigh a higher price
(KOFA 2017/122), and the standstill period. The numbers are the run's (``results.json``); the
text about a proposal is the committee-approved ``notice_text`` of ``consensus.csv``, because
a justification written for the file may hold business secrets (forvaltningsloven § 13(1)
nr. 2). Where the draft falls back to justifications it says so at the top. Under a relative
price model published price points and totals let a losing bidder compute rivals' prices
(``price_leak``): ``price_points="auto"`` leaves them out then. Notices are written to
``RUN_DIR/notices/<language>/<proposal_id>.{html,md}``; every string is escaped (paper.py).
What the caseworker must check (the calendar rule, texts not approved, the audit) goes to
``RUN_DIR/notices/checklist-<language>.{html,md}``, never into a letter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from evaluation.analysis.whatif import relative_strengths
from evaluation.common.ids import file_names, id_path, inside
from evaluation.common.labels import LANGUAGES, format_number, format_percent
from evaluation.common.labels import pick as _t
from evaluation.paperwork.letters import (
    Checklist,
    add_characteristics,
    add_decision,
    add_signature,
    add_standstill,
    committee_language,
    letter,
    quoted,
    recipient,
    standard_points,
    write_document,
)
from evaluation.paperwork.paper import Block, Document, render_html, render_markdown
from evaluation.paperwork.protocol_proposals import score_text
from evaluation.paperwork.rejection import build_rejection, check_rejection_bases
from evaluation.paperwork.run_data import NoticeError, RunData, open_run, run_name, tender_copy
from evaluation.paperwork.texts import approved_text

__all__ = ["NoticeError", "RunData", "build_notice", "open_run", "tender_copy", "write_notices"]

PRICE_POINTS = ("auto", "show", "omit")


def _omit_prices(data: RunData, price_points: str) -> bool:
    if price_points not in PRICE_POINTS:
        raise NoticeError(f"unknown --price-points {price_points!r} "
                          f"(expected {' | '.join(PRICE_POINTS)})")
    leak = bool(data.results.get("diagnostics", {}).get("price_leak"))
    return price_points == "omit" or (price_points == "auto" and leak)


def _cell(p: dict[str, Any], cid: str, is_price: bool, omit: bool, lang: str) -> str:
    if is_price and omit:
        return _t(lang, "utelatt", "omitted")
    entry = p["criteria"].get(cid, {})
    score, points = entry.get("score"), entry.get("points")
    if p["excluded"] and score is None:
        return "–"
    return score_text(score, lang) + ("" if points is None else
                                  f" ({format_number(points, lang, 2)} p)")


def _points(p: dict[str, Any], data: RunData, price: bool) -> float:
    leaves = data.tender.model.price_leaves if price else data.tender.model.quality_leaves
    values = [p["criteria"][leaf.id].get("points") for leaf in leaves]
    return float(sum(v for v in values if v is not None))


def _priced(p: dict[str, Any], data: RunData) -> bool:
    """Return whether the proposal's price was scored (not before the seal, not excluded)."""
    if not p["prices"] or any(v is None for v in p["prices"].values()):
        return False
    return data.tender.model.award_model != "weighted_points" or all(
        p["criteria"][leaf.id].get("points") is not None for leaf in data.tender.model.price_leaves)


def _price_paragraph(data: RunData, own: dict[str, Any], ref: dict[str, Any], omit: bool,
                     lang: str) -> str:
    """Return why the selected proposal's advantages outweigh its price (or that it is cheaper)."""
    n = format_number
    q = _points(ref, data, False) - _points(own, data, False)
    if own.get("evaluated_price") is not None and ref.get("evaluated_price") is not None:
        dearer = False  # monetised models fold quality into the evaluated price
        for f, price in ref["prices"].items():
            dearer = dearer or (price or 0) > (own["prices"].get(f) or 0)
    else:
        dearer = _points(ref, data, True) < _points(own, data, True) - 1e-12
    who = _t(lang, f"Tilbud {ref['id']}", f"Proposal {ref['id']}")
    if not dearer:
        return _t(lang, f"{who} har ikke høyere pris enn ditt tilbud.",
                  f"{who} is not dearer than your proposal.")
    if omit:
        return _t(lang, f"{who} har høyere pris enn ditt tilbud. Fordelene på kvalitetskriteriene "
                        f"({n(q, lang, 2)} kvalitetspoeng mer enn ditt tilbud) veide tyngre enn "
                        "prisforskjellen i den samlede vurderingen. Prispoeng og summer er ikke "
                        "oppgitt (se merknaden øverst).",
                  f"{who} is dearer than your proposal. Its advantages on the quality criteria "
                  f"({n(q, 'en', 2)} quality points more than your proposal) outweighed the "
                  "price difference in the overall assessment. Price points and totals are "
                  "not given (see the note at the top).")
    p = _points(own, data, True) - _points(ref, data, True)
    total = _t(lang, f"{n(ref['total'], lang, 2)} mot {n(own['total'], lang, 2)}",
               f"{n(ref['total'], lang, 2)} against {n(own['total'], lang, 2)}")
    return _t(lang, f"{who} har høyere pris enn ditt tilbud og fikk {n(p, lang, 2)} færre "
                    f"prispoeng, men {n(q, lang, 2)} flere kvalitetspoeng, og dermed flest "
                    f"poeng samlet ({total}): kvalitetsfordelene veier tyngre enn "
                    "prisforskjellen.",
              f"{who} is dearer than your proposal and received {n(p, lang, 2)} fewer price "
              f"points, but {n(q, lang, 2)} more quality points, and so the higher total "
              f"({total}): its quality advantages outweigh the price difference.")


def _comparison(doc: Document, data: RunData, own: dict[str, Any], ref: dict[str, Any],
                omit: bool, lang: str, sources: dict[str, set[str]]) -> None:
    """Add the per-criterion characteristics of ``ref`` beside the recipient's own."""
    model, tender = data.tender.model, data.tender
    doc.add("h3", _t(lang, f"Tilbud {ref['id']} – {ref['supplier']}",
                     f"Proposal {ref['id']} – {ref['supplier']}"))
    for leaf in model.quality_leaves:
        ref_text, ref_source = approved_text(tender, ref["id"], leaf.id)
        own_text, own_source = approved_text(tender, own["id"], leaf.id)
        for pid, source in ((ref["id"], ref_source), (own["id"], own_source)):
            if source != "notice_text":
                sources.setdefault(pid, set()).add(leaf.title.get(lang))
        doc.add("strong", f"{leaf.title.get(lang)}: " + _t(
            lang, f"tilbud {ref['id']} {score_text(ref['criteria'][leaf.id]['score'], lang)}, "
                  f"ditt tilbud {score_text(own['criteria'][leaf.id]['score'], lang)}",
            f"proposal {ref['id']} {score_text(ref['criteria'][leaf.id]['score'], lang)}, "
            f"your proposal {score_text(own['criteria'][leaf.id]['score'], lang)}"))
        doc.add("p", _t(lang, f"Tilbud {ref['id']}: ", f"Proposal {ref['id']}: ") +
                (quoted(ref_text, lang, tender) or "–"))
        doc.add("p", _t(lang, "Ditt tilbud: ", "Your proposal: ") +
                (quoted(own_text, lang, tender) or "–"))
    if own["excluded"] or ref["excluded"]:
        return
    diffs = relative_strengths(data.evaluation, ref["id"], own["id"])
    shown = [(cid, d) for cid, d in diffs if not (omit and model.node(cid).is_price)]
    ahead = [f"{model.node(c).title.get(lang)} (+{format_number(d, lang, 2)} p)"
             for c, d in shown if d > 1e-9]
    behind = [f"{model.node(c).title.get(lang)} ({format_number(-d, lang, 2)} p)"
              for c, d in reversed(shown) if d < -1e-9]
    if ahead:
        doc.add("p", _t(lang, f"Relative fordeler for tilbud {ref['id']} (poeng mer enn ditt "
                              "tilbud): ", f"Relative advantages of proposal {ref['id']} "
                                           "(points more than your proposal): ") +
                "; ".join(ahead) + ".")
    if behind:
        doc.add("p", _t(lang, "Ditt tilbud fikk flere poeng på: ",
                        "Your proposal received more points on: ") + "; ".join(behind) + ".")
    if (ref["rank"] or 0) < (own["rank"] or 0) and _priced(ref, data) and _priced(own, data):
        doc.add("p", _price_paragraph(data, own, ref, omit, lang))


def build_notice(data: RunData, pid: str, language: str, sent: dt.date, *,
                 price_points: str = "auto", rule: str = "next-working-day",
                 checklist: Checklist | None = None) -> Document:
    """Return the draft letter to the supplier of proposal ``pid``: the award notice, or for a
    proposal that is not ranked the rejection decision (:func:`build_rejection`)."""
    checklist = checklist or Checklist(language, run_name(data))
    if data.proposal(pid)["excluded"]:
        return build_rejection(data, pid, language, sent, rule=rule, checklist=checklist)
    lang, tender, model = language, data.tender, data.tender.model
    omit = _omit_prices(data, price_points)
    own = data.proposal(pid)
    partners = [data.proposal(p) for p in data.results["partners"]]
    refs = [p for p in partners if p["id"] != pid]
    title = tender.title.get(lang)
    doc = letter(_t(lang, f"Meddelelse om tildelingsbeslutning – {title}",
                    f"Notice of award decision – {title}"),
                 _t(lang, "Meddelelse om tildelingsbeslutning (UTKAST)",
                    "Notice of award decision (DRAFT)"), tender, recipient(own, lang), sent,
                 lang)
    top = 1  # banners about the text sources go under the heading, once they are known
    if omit:
        doc.add("note", _t(lang, "Prispoeng og totalsummer er utelatt: med modellens relative "
                                 "prisformel ville de latt mottakeren regne ut konkurrentenes "
                                 "priser.", "Price points and totals are left out: under the "
                           "model's relative price formula they would let the recipient "
                           "compute rivals' prices."))
    add_decision(doc, data, partners)
    ranked = [p for p in data.results["proposals"] if not p["excluded"]]
    if own["partner"]:
        doc.add("strong", _t(lang, "Ditt tilbud er valgt.", "Your proposal has been selected."))
    else:
        doc.add("strong", _t(lang, f"Ditt tilbud ble rangert som nummer {own['rank']} av "
                                   f"{len(ranked)} og er ikke valgt.",
                             f"Your proposal was ranked {own['rank']} of {len(ranked)} and has "
                             "not been selected."))
    doc.add("h2", _t(lang, "Evaluering etter tildelingskriteriene",
                     "Evaluation against the award criteria"))
    doc.add("p", _t(lang, "Karakterer og poeng (i parentes) per kriterium, etter de kunngjorte "
                          "kriteriene og vektene.", "Scores and points (in brackets) per "
                    "criterion, under the published criteria and weights."))
    shown = [own, *refs]
    header = [_t(lang, "Kriterium", "Criterion"), _t(lang, "Vekt", "Weight"),
              _t(lang, f"Ditt tilbud ({pid})", f"Your proposal ({pid})"),
              *(_t(lang, f"Tilbud {p['id']}", f"Proposal {p['id']}") for p in refs)]
    rows = [[leaf.title.get(lang), format_percent(100 * model.global_weight(leaf.id), lang, 1),
             *(_cell(p, leaf.id, leaf.is_price, omit, lang) for p in shown)]
            for leaf in model.leaves]
    if omit:
        rows.append([_t(lang, "Sum kvalitet", "Quality total"), "",
                     *(("–" if p["excluded"] else format_number(_points(p, data, False), lang, 2))
                       for p in shown)])
    else:
        rows.append([_t(lang, "Sum", "Total"), "", *(format_number(p["total"], lang, 2)
                                                      for p in shown)])
    rows.append([_t(lang, "Rangering", "Rank"), "", *("–" if p["rank"] is None else
                                                        str(p["rank"]) for p in shown)])
    doc.table(header, rows)
    sources: dict[str, set[str]] = {}
    if refs:
        doc.add("h2", _t(lang, "De valgte tilbudenes egenskaper og relative fordeler",
                         "The selected proposals' characteristics and relative advantages"))
        for ref in refs:
            _comparison(doc, data, own, ref, omit, lang, sources)
    else:
        doc.add("h2", _t(lang, "Ditt tilbuds egenskaper", "Your proposal's characteristics"))
        add_characteristics(doc, data, pid, sources)
    add_standstill(doc, tender, sent, rule, checklist)
    add_signature(doc)
    banners = _source_banners(sources, pid, lang)
    for k, block in enumerate(banners):
        doc.blocks.insert(top + k, block)
    for block in banners:
        checklist.about(recipient(own, lang), block.text)
    return doc


def _source_banners(sources: dict[str, set[str]], pid: str, lang: str) -> list[Block]:
    out = []
    others = sorted(p for p in sources if p != pid)
    if others:
        criteria = sorted(set().union(*(sources[p] for p in others)))
        out.append(Block("banner", _t(
            lang, "UTKAST – KONTROLLER FØR UTSENDING: teksten om tilbud " + ", ".join(others) +
            " er hentet fra komiteens eller evaluatorenes begrunnelser, ikke fra en godkjent "
            "meddelelsestekst (kolonnen notice_text i consensus.csv), for: " +
            "; ".join(criteria) + ". Begrunnelser skrevet for saksmappen kan inneholde "
            "forretningshemmeligheter (forvaltningsloven § 13 første ledd nr. 2).",
            "DRAFT – CHECK BEFORE SENDING: the text about proposal(s) " + ", ".join(others) +
            " is taken from the committee's or the evaluators' justifications, not from an "
            "approved notice text (the notice_text column of consensus.csv), for: " +
            "; ".join(criteria) + ". Justifications written for the file may hold business "
            "secrets (Public Administration Act § 13(1) no. 2).")))
    if pid in sources:
        out.append(Block("banner", _t(
            lang, "Teksten om ditt eget tilbud er hentet fra begrunnelsene (ingen godkjent "
            "meddelelsestekst) for: " + "; ".join(sorted(sources[pid])) + ".",
            "The text about your own proposal is taken from the justifications (no approved "
            "notice text) for: " + "; ".join(sorted(sources[pid])) + ".")))
    return out


def write_notices(run: Path | str, *, language: str | None = None,
                  date: dt.date | None = None, price_points: str = "auto",
                  rule: str = "next-working-day", negotiations: bool = False) -> list[Path]:
    """Write a draft letter per proposal under ``RUN_DIR/notices/<language>/`` (an award
    notice, or a rejection decision for a proposal that is not ranked) and the caseworker's
    checklist beside them (``RUN_DIR/notices/checklist-<language>.{html,md}``); return the
    paths. A proposal that is not ranked and has no ``rejection_basis`` is an input error,
    and nothing is written.

    With negotiation rounds, an earlier round's run writes only the letters to those who
    left just before its round (``RUN_DIR/departures/<language>/``; no award follows it), and
    the final round's run also the award notice to every tenderer who left in an earlier
    round; ``negotiations`` adds the conduct and progress of the negotiations to every notice
    (told on request).
    """
    from evaluation.paperwork.negotiation import (
        add_conduct,
        departed,
        departed_notice,
        write_departure_letters,
    )

    data = open_run(run)
    language = language or str(data.results.get("language") or data.tender.model.language)
    if language not in LANGUAGES:  # results.json is the run folder's, not to be trusted
        raise NoticeError(f"{data.folder / 'results.json'}: language: unknown (found "
                          f"{language!r}, expected {' | '.join(LANGUAGES)})")
    sent = date or dt.date.today()
    tender = data.tender
    plan = tender.round_plan
    if plan is not None and plan.final is not None and tender.round != plan.final.id:
        # no award after an earlier round: only the letters to those who left before it
        departures = write_departure_letters(data.folder, tender, language, sent)
        if not departures:
            raise NoticeError(f"{data.folder}: the run is of round {tender.round}, not the "
                              f"final round {plan.final.id}: no award notice or rejection is "
                              "sent after it, and no tenderer left just before it (nothing "
                              "to write)")
        return departures
    check_rejection_bases(data)
    checklist = Checklist(language, run_name(data))
    standard_points(checklist, run_name(data))
    letters = {p["id"]: build_notice(data, p["id"], language, sent, price_points=price_points,
                                     rule=rule, checklist=checklist)
               for p in data.results["proposals"]}
    if language != committee_language(data.tender):
        checklist.general(_t(language, "Komiteens tekster står uoversatt i brevene (i "
                                       "anførselstegn); oversett dem eller legg ved en "
                                       "oversettelse dersom mottakeren trenger det.",
                             "The committee's texts stand untranslated in the letters (in "
                             "quotation marks); translate them, or enclose a translation, if "
                             "the recipient needs it."))
    # a run folder may carry links: the notices go inside it or nowhere
    folder = inside(data.folder, "notices")
    target = inside(data.folder, "notices", language)
    target.mkdir(parents=True, exist_ok=True)
    # the ids are the run's own tender copy's (load_tender checked them); names never collide
    names = file_names(data.tender.proposal_ids)
    written = []
    docs = [(names[pid], doc) for pid, doc in letters.items()]
    if plan is not None and plan.final is not None:
        partners = [data.proposal(p) for p in data.results["partners"]]
        leavers = departed(tender)
        left = file_names([d["id"] for d in leavers])
        docs += [(left[d["id"]], departed_notice(data, d, partners, language, sent, rule,
                                                 checklist)) for d in leavers]
    for name, doc in docs:
        if negotiations:
            add_conduct(doc, tender, language)
        for suffix, text in ((".html", render_html(doc)), (".md", render_markdown(doc))):
            path = id_path(target, name, suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    # beside the language folders: no proposal id can name it
    written += write_document(folder, f"checklist-{language}", checklist.document())
    return written + write_departure_letters(data.folder, tender, language, sent)
