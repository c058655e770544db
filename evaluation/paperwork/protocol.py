"""The evaluation protocol appended to ``report.html`` (anskaffelsesprotokoll, FOA § 7-1).

What the procurement file needs in one place: the model and whether it was frozen, weights
and scales, the evaluators (and their declarations and recusals, when recorded), the
disagreements and how the committee resolved them, the ranking and the partners, a
sensitivity summary, the warnings, and the sha256 of every file the run rests on. Every string
is escaped; the section is plain HTML using the report template's classes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.common.errors import ProblemList
from evaluation.common.hashing import sha256_file
from evaluation.common.labels import format_number, format_percent, format_range, yes_no
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html
from evaluation.core.tender import Tender
from evaluation.data.tables import read_table

# The protocol starts on a new page when printed; hashes wrap instead of widening the page.
STYLE = """<style>
.evaluation-protocol { break-before: page; }
.evaluation-hashes td { font-family: "DejaVu Sans Mono", monospace; font-size: 0.7em;
  word-break: break-all; }
</style>"""


def _table(header: list[str], rows: list[list[Any]], css: str = "evaluation-table") -> str:
    e = escape_html
    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _frozen(results: dict[str, Any], manifest: dict[str, Any], lang: str) -> str:
    """Return whether the model was frozen, from whichever record the run holds."""
    record = next((r for r in (manifest.get("model", {}).get("frozen"), manifest.get("frozen"),
                               results.get("model_frozen"), results.get("frozen"))
                   if r is not None), None)
    if record is None:
        return _t(lang, "ikke registrert", "not recorded")
    if not isinstance(record, dict):
        return yes_no(record, lang)
    if record.get("changed") or record.get("state") == "changed":
        word = _t(lang, "ENDRET ETTER FRYSING", "CHANGED AFTER FREEZING")
    elif record.get("frozen"):
        word = yes_no(True, lang)
    else:  # the lock file named would only be where a freeze would put it
        return yes_no(False, lang)
    details = ", ".join(str(record[k]) for k in ("frozen_at", "lock_file", "locked_sha256")
                        if record.get(k))
    return f"{word} ({details})" if details else word


def _model(tender: Tender, results: dict[str, Any], manifest: dict[str, Any], lang: str) -> str:
    m = tender.model
    rows = [[_t(lang, "Modell", "Model"), f"{m.title.get(lang)} ({m.id})"],
            ["sha256", m.sha256],
            [_t(lang, "Fryst før tilbudsåpning", "Frozen before opening"),
             _frozen(results, manifest, lang)],
            [_t(lang, "Tildelingsmodell", "Award model"), m.award_model],
            [_t(lang, "Maks poeng", "Maximum points"), format_number(m.points, lang, 0)],
            [_t(lang, "Sammenstilling av karakterer", "Aggregation of scores"), m.aggregation],
            [_t(lang, "Uenighet flagges ved sprik", "Disagreement flagged at a spread of"),
             format_percent(100 * m.disagreement, lang, 0) + _t(lang, " av skalaen",
                                                                " of the scale")],
            [_t(lang, "Utslagsregler ved likhet", "Tie-break rules"), ", ".join(m.tie_break)]]
    weights = []
    for node in m.nodes():
        scale = (f"{format_number(node.scale.min, lang, 0)}–"
                 f"{format_number(node.scale.max, lang, 0)}" if node.is_leaf else "")
        rule = (node.price.model if node.price is not None else "") + (
            f"; minimum {format_number(node.minimum, lang, 2)}" if node.minimum is not None
            else "")
        weights.append(["\u00a0\u00a0" * (len(node.path) - 1) + node.title.get(lang), node.id,
                        "–" if node.weight is None else format_number(node.weight, lang, 1),
                        "" if node.weight_range is None else
                        "–".join(format_number(w, lang, 0) for w in node.weight_range),
                        format_percent(100 * m.global_weight(node.id), lang, 2), scale,
                        rule.strip("; ")])
    return (_table([_t(lang, "Punkt", "Item"), _t(lang, "Verdi", "Value")], rows) +
            _table([_t(lang, "Kriterium", "Criterion"), "ID", _t(lang, "Vekt", "Weight"),
                    _t(lang, "Vektintervall", "Weight range"),
                    _t(lang, "Global vekt", "Global weight"), _t(lang, "Skala", "Scale"),
                    _t(lang, "Pris / minstekrav", "Price model / minimum")], weights))


def _records(tender: Tender, name: str) -> str:
    path = tender.folder / name
    if not path.is_file():
        return ""
    table = read_table(path, ProblemList(), label=name, required=("evaluator",))
    if table is None or table.frame.empty:
        return ""
    frame = table.frame
    return f"<p>{escape_html(name)}:</p>" + _table(list(frame.columns), frame.values.tolist())


def _evaluators(tender: Tender, lang: str) -> str:
    counts = tender.scores["evaluator"].value_counts().to_dict()
    rows = [[e, int(counts.get(e, 0))] for e in tender.evaluators]
    parts = [_table([_t(lang, "Evaluator", "Evaluator"), _t(lang, "Karakterer gitt",
                                                             "Scores given")], rows)]
    for name in ("declarations.csv", "recusals.csv"):
        parts.append(_records(tender, name))
    if not (tender.folder / "declarations.csv").is_file():
        parts.append("<p>" + escape_html(_t(
            lang, "Habilitetserklæringer er ikke registrert (declarations.csv).",
            "Impartiality declarations are not recorded (declarations.csv).")) + "</p>")
    return "".join(parts)


def _disagreements(tender: Tender, results: dict[str, Any], lang: str) -> str:
    scores = tender.scores.set_index(["proposal_id", "criterion_id"]) if len(tender.scores) \
        else None
    rows = []
    for p in sorted(results["proposals"], key=lambda p: p["id"]):
        for leaf in tender.model.quality_leaves:
            if not p["criteria"].get(leaf.id, {}).get("disagreement"):
                continue
            given = ""
            if scores is not None and (p["id"], leaf.id) in scores.index:
                part = scores.loc[[(p["id"], leaf.id)]]
                given = ", ".join(f"{e}: {format_number(s, lang, 1)}"
                                  for e, s in zip(part["evaluator"], part["score"], strict=True))
            agreed = tender.consensus_row(p["id"], leaf.id)
            reason = "" if agreed is None else str(agreed["justification"])
            rows.append([p["id"], leaf.title.get(lang), given,
                         format_number(p["criteria"][leaf.id]["score"], lang, 1), reason])
    if not rows:
        return "<p>" + escape_html(_t(lang, "Ingen flaggede uenigheter.",
                                      "No flagged disagreements.")) + "</p>"
    return _table([_t(lang, "Tilbud", "Proposal"), _t(lang, "Kriterium", "Criterion"),
                   _t(lang, "Evaluatorenes karakterer", "Evaluators' scores"),
                   _t(lang, "Vedtatt", "Agreed"), _t(lang, "Løsning", "Resolution")], rows)


def _ranking(results: dict[str, Any], lang: str) -> str:
    rows = [["–" if p["rank"] is None else p["rank"], p["id"], p["supplier"],
             format_number(p["total"], lang, 2),
             "partner" if p["partner"] else (p["exclusion_reason"] or "") if p["excluded"]
             else ""] for p in results["proposals"]]
    partners = ", ".join(results.get("partners", [])) or "–"
    return (_table(["#", "ID", _t(lang, "Leverandør", "Supplier"), _t(lang, "Sum", "Total"),
                    "Status"], rows) +
            "<p>" + escape_html(_t(lang, f"Vinner: {results.get('winner')}. Valgte partnere: "
                                         f"{partners}.", f"Winner: {results.get('winner')}. "
                                   f"Selected partners: {partners}.")) + "</p>")


def _sensitivity(tender: Tender, results: dict[str, Any], lang: str) -> str:
    """Return the run's sensitivity summary: stability intervals and SMAA confidence."""
    m = tender.model
    recorded = results.get("sensitivity")
    if not isinstance(recorded, dict):
        return "<p>" + escape_html(_t(
            lang, "Følsomhetsanalysen er ikke registrert i kjøringens resultater; se komiteens "
                  "del av rapporten eller kjør «evaluation sensitivity».",
            "The sensitivity analysis is not recorded in the run's results; see the committee "
            "section of the report or run 'evaluation sensitivity'.")) + "</p>"
    ids = {n.id for n in m.nodes()}
    parts = []
    stability = recorded.get("stability")
    if isinstance(stability, dict):
        parts.append("<p>" + escape_html(_t(
            lang, "Vektintervallene (i modellens vektenheter) der vinneren, partnerne og hele "
                  "rangeringen forblir de samme når ett hovedkriteriums vekt endres og de "
                  "andre beholder sine forhold (eksakt, Triantaphyllou & Sánchez 1997).",
            "The weight intervals (in the model's weight units) within which the winner, the "
            "partners and the whole ranking stay the same when one main criterion's weight "
            "moves and the others keep their proportions (exact, Triantaphyllou & Sánchez "
            "1997).")) + "</p>")
        order = [n.id for n in m.nodes()]  # results.json sorts keys: show the model's order
        keys = sorted(stability, key=lambda c: (order.index(c) if c in ids else len(order), c))
        rows = [[m.node(c).title.get(lang) if c in ids else c,
                 format_number(stability[c].get("published"), lang, 1),
                 *(format_range(stability[c].get(f"{k}low"), stability[c].get(f"{k}high"), lang)
                   for k in ("", "partners_", "ranking_"))]
                for c in keys if isinstance(stability[c], dict) and "published" in stability[c]]
        parts.append(_table([_t(lang, "Hovedkriterium", "Main criterion"),
                             _t(lang, "Publisert", "Published"),
                             _t(lang, "Samme vinner", "Same winner"),
                             _t(lang, "Samme partnere", "Same partners"),
                             _t(lang, "Samme rangering", "Same ranking")], rows))
    smaa = recorded.get("smaa") or {}
    if smaa.get("rank_acceptability"):
        parts.append("<p>" + escape_html(_t(
            lang, f"Simulerte vekter (SMAA-2): {smaa.get('samples')} vektsett, frø "
                  f"{smaa.get('seed')}. Andel trekk der tilbudet vinner, og konfidensfaktoren.",
            f"Simulated weights (SMAA-2): {smaa.get('samples')} weight vectors, seed "
            f"{smaa.get('seed')}. Share of draws in which the proposal wins, and its "
            "confidence factor.")) + "</p>")
        confidence = smaa.get("confidence") or {}
        rows = [[pid, format_percent(100 * shares[0], lang, 1) if shares else "–",
                 "–" if confidence.get(pid) is None else format_number(confidence[pid], lang, 2)]
                for pid, shares in smaa["rank_acceptability"].items()]
        parts.append(_table([_t(lang, "Tilbud", "Proposal"), _t(lang, "Vinner", "Wins"),
                             _t(lang, "Konfidens", "Confidence")], rows))
    return "".join(parts) or "<p>–</p>"


def _hashes(run: Path, manifest: dict[str, Any], lang: str) -> str:
    rows = [[group, e["path"], e["sha256"], e["size"]] for group in ("inputs", "templates")
            for e in manifest.get(group, [])]
    produced = [*sorted(run.glob("proposals/*.ipynb")), run / "committee.ipynb",
                run / "results.json"]
    rows += [["outputs", str(f.relative_to(run)), sha256_file(f), f.stat().st_size]
             for f in produced if f.is_file()]
    note = _t(lang, "Kontroller med «evaluation audit RUN_DIR». report.html og results.xlsx "
                    "er hashet i manifest.json.", "Verify with 'evaluation audit RUN_DIR'. "
              "report.html and results.xlsx are hashed in manifest.json.")
    return (_table([_t(lang, "Gruppe", "Group"), _t(lang, "Fil", "File"), "sha256",
                    _t(lang, "Bytes", "Bytes")], rows, "evaluation-table evaluation-hashes") +
            f"<p>{escape_html(note)}</p>")


def _integrity(results: dict[str, Any], lang: str) -> str:
    """Quality before price (seal, reopenings), rejections, abnormally low prices."""
    info = results.get("diagnostics", {}).get("integrity") or {}
    parts = []
    seal = info.get("seal")
    if info.get("quality_only"):
        parts.append(_t(lang, "Kvaliteten er ikke forseglet ennå: bare kvalitet er evaluert, "
                              "ingen pris er lest.",
                        "Quality is not sealed yet: only quality is evaluated, no price was "
                        "read."))
    elif seal is None:
        parts.append(_t(lang, "Kvalitetspoengene ble ikke forseglet før prisene ble kjent.",
                        "Quality scores were not sealed before prices were seen."))
    else:
        parts.append(_t(lang, f"Kvalitetspoengene ble forseglet {seal['sealed_at']} "
                              f"({len(seal['files'])} filer) før prisene ble åpnet.",
                        f"Quality scores were sealed at {seal['sealed_at']} "
                        f"({len(seal['files'])} files) before prices were opened."))
    out = "".join(f"<p>{escape_html(p)}</p>" for p in parts)
    for reopening in (seal or {}).get("reopenings", []):
        out += "<p class=\"evaluation-warning\">" + escape_html(_t(
            lang, f"Forseglingen ble åpnet {reopening['at']}. Begrunnelse: "
                  f"{reopening['reason']}",
            f"The seal was reopened at {reopening['at']}. Reason: {reopening['reason']}")) + \
            "</p>"
        out += _table([_t(lang, "Hvem", "Who"), _t(lang, "Tilbud", "Proposal"),
                       _t(lang, "Kriterium", "Criterion"), _t(lang, "Før", "Before"),
                       _t(lang, "Etter", "After"), _t(lang, "Ny begrunnelse",
                                                      "New justification")],
                      [[c["who"], c["proposal_id"], c["criterion_id"], c["old"], c["new"],
                        c["justification"]] for c in reopening["changes"]])
    rejected = info.get("rejected") or []
    if rejected:
        out += "<p>" + escape_html(_t(lang, "Avviste tilbud:", "Rejected proposals:")) + "</p>"
        out += _table([_t(lang, "Tilbud", "Proposal"), _t(lang, "Begrunnelse", "Reason"),
                       _t(lang, "Hjemmel", "Legal basis")],
                      [[r["proposal_id"], r["reason"], r["legal_basis"]] for r in rejected])
    low = results.get("diagnostics", {}).get("abnormally_low") or {}
    if low:
        answers = {str(e.get("proposal_id")): e for e in info.get("explanations") or []}
        out += "<p>" + escape_html(_t(
            lang, "Unormalt lave priser: leverandøren skal bes forklare prisen før tilbudet "
                  "eventuelt avvises (FOA § 24-9).",
            "Abnormally low prices: the supplier must be asked to explain before any "
            "rejection (FOA § 24-9).")) + "</p>"
        out += _table([_t(lang, "Tilbud", "Proposal"), _t(lang, "Pris", "Price"),
                       _t(lang, "Forespurt", "Asked"), _t(lang, "Svar", "Answer"),
                       _t(lang, "Beslutning", "Decision")],
                      [[pid, ", ".join(fields), answers.get(pid, {}).get("asked", "–"),
                        answers.get(pid, {}).get("answer", "–"),
                        answers.get(pid, {}).get("decision", _t(lang, "ikke registrert",
                                                                "not recorded"))]
                       for pid, fields in sorted(low.items())])
    return out


def _changes(manifest: dict[str, Any], lang: str) -> str:
    """The change record against the previous run of the same tender."""
    record = manifest.get("changes") or {}
    previous = record.get("previous_run")
    if not previous:
        return "<p>" + escape_html(_t(lang, "Første kjøring av konkurransen: ingen tidligere "
                                            "kjøring å sammenligne med.",
                                      "First run of the competition: no earlier run to "
                                      "compare with.")) + "</p>"
    if record.get("error"):
        return "<p>" + escape_html(f"{previous}: {record['error']}") + "</p>"
    out = "<p>" + escape_html(_t(lang, f"Endringer siden kjøring {previous}:",
                                 f"Changes since run {previous}:")) + "</p>"
    scores = record.get("scores", [])
    prices = record.get("prices", [])
    weights = record.get("weights", [])
    if not (scores or prices or weights or record.get("proposals_added")
            or record.get("proposals_removed")):
        return out + "<p>" + escape_html(_t(lang, "Ingen endringer i poeng, priser eller "
                                                  "vekter.",
                                            "No changes to scores, prices or weights.")) + "</p>"
    if scores:
        out += _table([_t(lang, "Hvem", "Who"), _t(lang, "Tilbud", "Proposal"),
                       _t(lang, "Kriterium", "Criterion"), _t(lang, "Før", "Before"),
                       _t(lang, "Etter", "After"), _t(lang, "Ny begrunnelse",
                                                      "New justification")],
                      [[c["who"], c["proposal_id"], c["criterion_id"], c["old"], c["new"],
                        c["justification"]] for c in scores])
    if prices:
        out += _table([_t(lang, "Tilbud", "Proposal"), _t(lang, "Pris", "Price"),
                       _t(lang, "Før", "Before"), _t(lang, "Etter", "After")],
                      [[c["proposal_id"], c["field"], c["old"], c["new"]] for c in prices])
    if weights:
        out += _table([_t(lang, "Kriterium", "Criterion"), _t(lang, "Før", "Before"),
                       _t(lang, "Etter", "After")],
                      [[c["criterion_id"], c["old"], c["new"]] for c in weights])
    for key, nb, en in (("proposals_added", "Nye tilbud", "Proposals added"),
                        ("proposals_removed", "Fjernede tilbud", "Proposals removed")):
        if record.get(key):
            out += "<p>" + escape_html(f"{_t(lang, nb, en)}: {', '.join(record[key])}") + "</p>"
    return out


def protocol_html(run: Path, tender: Tender, results: dict[str, Any],
                  manifest: dict[str, Any], language: str) -> str:
    """Return the protocol section of ``report.html`` for a finished run."""
    lang = language
    sections = [
        (_t(lang, "Evalueringsmodell, vekter og skalaer", "Evaluation model, weights and "
            "scales"), _model(tender, results, manifest, lang)),
        (_t(lang, "Evaluatorer", "Evaluators"), _evaluators(tender, lang)),
        (_t(lang, "Uenighet og hvordan den ble løst", "Disagreements and how they were "
            "resolved"), _disagreements(tender, results, lang)),
        (_t(lang, "Rangering og valg av partnere", "Ranking and partners"),
         _ranking(results, lang)),
        (_t(lang, "Følsomhet for vektene", "Sensitivity to the weights"),
         _sensitivity(tender, results, lang)),
        (_t(lang, "Kvalitet før pris, avvisninger og unormalt lave priser",
            "Quality before price, rejections and abnormally low prices"),
         _integrity(results, lang)),
        (_t(lang, "Endringslogg", "Change record"), _changes(manifest, lang)),
        (_t(lang, "Advarsler", "Warnings"), "<ul>" + "".join(
            f"<li>{escape_html(w)}</li>" for w in results.get("warnings", [])) + "</ul>"),
        (_t(lang, "Filer kjøringen bygger på (sha256)", "Files the run rests on (sha256)"),
         _hashes(run, manifest, lang)),
    ]
    title = _t(lang, "Evalueringsprotokoll", "Evaluation protocol")
    run_name = manifest.get("run", run.name)
    code = "en" if lang == "en" else "nb"
    head = (STYLE + f'<section class="evaluation-protocol" lang="{code}">'
            f"<h1>{escape_html(title)}</h1><p>" + escape_html(_t(
                lang, f"Konkurranse: {tender.title.get(lang)}. Kjøring: {run_name}.",
                f"Competition: {tender.title.get(lang)}. Run: {run_name}.")) + "</p>")
    body = "".join(f"<h2>{escape_html(h)}</h2>{content}" for h, content in sections)
    return head + body + "</section>"
