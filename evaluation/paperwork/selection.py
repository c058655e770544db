"""The prequalification's paperwork: its protocol section and the letters to applicants.

Every applicant left out gets a letter with the reasons (FOA part III; the duty to give
reasons, forvaltningsloven § 24 and § 25 by analogy): the requirement not met and its evidence,
or the selection criteria with the applicant's own scores and reasons against the range of the
invited applicants' scores and the lowest invited total. No other applicant's name, scores or
reasons are given (business secrets, forvaltningsloven § 13(1) nr. 2): only ranges and totals.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from evaluation.common.errors import EvaluationError
from evaluation.common.ids import file_names, id_path
from evaluation.common.labels import format_date, format_number
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html
from evaluation.core.prequalification import Outcome, SelectionResult
from evaluation.paperwork.paper import Document, render_html, render_markdown


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    e = escape_html
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f'<table class="evaluation-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def rule_steps(result: SelectionResult, lang: str) -> list[str]:
    """Return the invitation rule applied step by step, as sentences."""
    pq, sel = result.prequalification, result.selection
    res = pq.rule.reserved
    ranked = [o for o in result.outcomes if o.rank is not None]
    steps = [_t(lang, f"{len(ranked)} kvalifiserte søkere er rangert; høyst {pq.rule.max} "
                      "inviteres.",
                f"{len(ranked)} qualified applicants are ranked; at most {pq.rule.max} are "
                "invited.")]
    if res is not None and not sel.reserved_applied:
        steps.append(_t(lang, f"Ikke flere enn {res.when_qualified_more_than} er kvalifisert: "
                              "ingen plasser reserveres.",
                        f"Not more than {res.when_qualified_more_than} qualify: no places are "
                        "reserved."))
    elif res is not None:
        for o in ranked:
            if o.reserved_place is not None:
                steps.append(_t(lang, f"Reservert plass {o.reserved_place}: {o.id} "
                                      f"({res.category}, nr. {o.rank}).",
                                f"Reserved place {o.reserved_place}: {o.id} ({res.category}, "
                                f"ranked {o.rank})."))
    merit = [o for o in ranked if o.invited and o.reserved_place is None]
    steps.append(_t(lang, f"De øvrige {len(merit)} plassene går nedover rangeringen: "
                          f"{', '.join(f'{o.id} (nr. {o.rank})' for o in merit)}.",
                    f"The other {len(merit)} places go down the ranking: "
                    f"{', '.join(f'{o.id} (ranked {o.rank})' for o in merit)}."))
    for d in sel.draws_used:
        steps.append(_t(lang, f"Loddtrekning {d.date}, bevitnet av {d.witnessed_by}: "
                              f"{d.applicant_id} fikk nr. {d.order} i trekningen.",
                        f"Drawing of lots on {d.date}, witnessed by {d.witnessed_by}: "
                        f"{d.applicant_id} drew {d.order}."))
    return steps


def selection_protocol_html(run: Path, result: SelectionResult, manifest: dict[str, Any],
                            lang: str) -> str:
    """Return the selection's protocol (HTML, every text escaped): requirements, the rule
    step by step, disagreements, the seal and the run's file hashes."""
    pq, ev = result.prequalification, result.evaluation
    e = escape_html
    heading = _t(lang, "Protokoll for utvelgelsen", "Protocol of the selection")
    parts = [f'<section class="evaluation-protocol"><h2>{e(heading)}</h2>']
    parts.append(f"<h3>{e(_t(lang, 'Kvalifikasjonskrav', 'Qualification requirements'))}</h3>")
    rows = [[q.id, q.title.get(lang)] for q in pq.requirements]
    parts.append(_html_table([_t(lang, "Krav", "Requirement"), _t(lang, "Tittel", "Title")],
                             rows))
    failed = [[o.id, o.name, o.reason.get(lang)] for o in result.outcomes if not o.qualified]
    if failed:
        parts.append(_html_table(["ID", _t(lang, "Søker", "Applicant"),
                                  _t(lang, "Begrunnelse", "Reason")], failed))
    parts.append(f"<h3>{e(_t(lang, 'Regelen anvendt', 'The rule applied'))}</h3>")
    parts.append("<ol>" + "".join(f"<li>{e(s)}</li>" for s in rule_steps(result, lang))
                 + "</ol>")
    flagged = []
    for i, pid in enumerate(ev.proposal_ids):
        for q, leaf in enumerate(ev.model.quality_leaves):
            if ev.panel.flagged[i, q]:
                row = pq.competition.consensus_row(pid, leaf.id)
                flagged.append([pid, leaf.title.get(lang), format_number(
                    float(ev.panel.spread[i, q]), lang, 1),
                    "" if row is None else str(row["justification"])])
    if flagged:
        heading = _t(lang, "Uenighet og hvordan den ble løst",
                     "Disagreements and how they were resolved")
        parts.append(f"<h3>{e(heading)}</h3>")
        parts.append(_html_table(["ID", _t(lang, "Kriterium", "Criterion"),
                                  _t(lang, "Spenn", "Spread"),
                                  _t(lang, "Komiteens begrunnelse", "The committee's reason")],
                                 flagged))
    seal = pq.seal
    parts.append(f"<h3>{e(_t(lang, 'Forsegling', 'Seal'))}</h3>")
    parts.append("<p>" + e(_t(lang, "Poengene er ikke forseglet.", "The scores are not sealed.")
                           if seal is None else _t(
                               lang, f"Forseglet {seal.get('sealed_at')} av "
                                     f"{seal.get('sealed_by') or 'ikke oppgitt'}.",
                               f"Sealed {seal.get('sealed_at')} by "
                               f"{seal.get('sealed_by') or 'not recorded'}.")) + "</p>")
    parts.append(f"<h3>{e(_t(lang, 'Filer i kjøringen', 'Files of the run'))}</h3>")
    rows = [[g, str(x["path"]), str(x["sha256"])] for g in ("inputs", "templates")
            for x in manifest.get(g, [])]
    parts.append(_html_table([_t(lang, "Gruppe", "Group"), _t(lang, "Fil", "File"), "sha256"],
                             rows))
    parts.append("</section>")
    return "".join(parts)


def selection_letter(result: SelectionResult, outcome: Outcome, language: str,
                     sent: dt.date) -> Document:
    """Return the letter to an applicant not invited or not qualified, with the reasons."""
    lang = language
    pq, ev = result.prequalification, result.evaluation
    title = pq.competition.model.title.get(lang)
    doc = Document(_t(lang, f"Utvelgelse: {outcome.id}", f"Selection: {outcome.id}"), lang)
    doc.add("h1", _t(lang, "Melding om utvelgelse til forhandlinger",
                     "Notice of the selection for negotiation"))
    doc.add("p", f"{title}")
    doc.add("p", _t(lang, f"Til: {outcome.name} ({outcome.id}). Dato: {format_date(sent, lang)}.",
                    f"To: {outcome.name} ({outcome.id}). Date: {format_date(sent, lang)}."))
    if not outcome.qualified:
        doc.add("strong", _t(lang, "Dere er ikke kvalifisert og blir ikke invitert til å gi "
                                   "tilbud.", "You are not qualified and are not invited to "
                                              "tender."))
        doc.table([_t(lang, "Krav", "Requirement"), _t(lang, "Tittel", "Title"),
                   _t(lang, "Vår vurdering av dokumentasjonen", "Our assessment of the "
                              "evidence")],
                  [(r.id, r.title.get(lang), evidence) for r, evidence in pq.failed(outcome.id)])
        return doc
    invited = [o for o in result.outcomes if o.invited]
    on_merit = [o.total for o in invited if o.reserved_place is None and o.total is not None]
    reserved = [o for o in invited if o.reserved_place is not None]
    doc.add("strong", _t(lang, "Dere er ikke blant dem som inviteres til å gi tilbud.",
                         "You are not among those invited to tender."))
    reason = outcome.reason.get(lang)
    doc.add("p", reason[:1].upper() + reason[1:] + ".")
    if outcome.total is not None and on_merit:
        doc.add("p", _t(lang, f"Dere fikk {format_number(outcome.total, lang, 2)} poeng; den "
                              "laveste som ble invitert etter rangeringen, fikk "
                              f"{format_number(min(on_merit), lang, 2)} poeng.",
                        f"You scored {format_number(outcome.total, lang, 2)} points; the "
                        "lowest invited by the ranking scored "
                        f"{format_number(min(on_merit), lang, 2)}."))
    res = pq.rule.reserved
    if res is not None and reserved:
        ranks = ", ".join(str(o.rank) for o in reserved)
        doc.add("p", _t(lang, f"Etter den kunngjorte regelen ble {len(reserved)} plasser "
                              f"reservert for kategorien {res.category} og gikk til de beste "
                              f"i den kategorien (rangert som nr. {ranks}).",
                        f"By the announced rule, {len(reserved)} places were reserved for the "
                        f"category {res.category} and went to the best of that category "
                        f"(ranked {ranks})."))
    i = ev.index(outcome.id)
    rows: list[tuple[str, str, str, str]] = []
    for leaf in ev.model.quality_leaves:
        j = ev.leaves.index(leaf)
        others = [float(ev.scores[ev.index(o.id), j]) for o in invited]
        agreed = pq.competition.consensus_row(outcome.id, leaf.id)
        reason = "" if agreed is None else str(agreed.get("notice_text") or
                                                agreed["justification"])
        rows.append((leaf.title.get(lang), format_number(float(ev.scores[i, j]), lang, 1),
            f"{format_number(min(others), lang, 1)}–{format_number(max(others), lang, 1)}"
            if others else "–", reason))
    doc.table([_t(lang, "Kriterium", "Criterion"), _t(lang, "Deres poeng", "Your score"),
               _t(lang, "De inviterte", "Those invited"), _t(lang, "Begrunnelse", "Reason")],
              rows)
    doc.add("small", _t(lang, "Begrunnelsene er komiteens egne og står som komiteen skrev dem.",
                        "The reasons are the committee's own, as the committee wrote them "
                        "(not translated)."))
    return doc


def write_selection_letters(run: Path | str, *, language: str | None = None,
                            date: dt.date | None = None) -> list[Path]:
    """Write a letter (HTML and Markdown) to every applicant not invited or not qualified,
    into ``RUN_DIR/letters/<language>/``, from the selection run's own copy of the files."""
    from evaluation.core.prequalification import evaluate_selection
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.prequalification import load_prequalification
    from evaluation.runs.manifest import find_tender_copy

    run = Path(run).resolve()
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("stage") != "selection":
        raise EvaluationError(f"{run}: not a selection run (stage {manifest.get('stage')!r})")
    copy = find_tender_copy(run, manifest)
    if copy is None:
        raise EvaluationError(f"{run}: no copy of the tender in the run folder")
    pq = load_prequalification(copy)
    result = evaluate_selection(pq, evaluate_tender(pq.competition))
    lang = language or str(manifest.get("language", "nb"))
    sent = date or dt.date.today()
    folder = run / "letters" / lang
    folder.mkdir(parents=True, exist_ok=True)
    names = file_names([o.id for o in result.outcomes])
    written = []
    for o in result.outcomes:
        if o.invited:
            continue
        doc = selection_letter(result, o, lang, sent)
        for suffix, text in ((".html", render_html(doc)), (".md", render_markdown(doc))):
            path = id_path(folder, names[o.id], suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
