"""The evaluation protocol appended to ``report.html`` (anskaffelsesprotokoll, FOA § 7-1).

What the procurement file needs in one place: the method in words (award model, scores,
tie-break, minimums, price formulas), whether the model was frozen, weights and scales, the
evaluators (and their declarations and recusals), every proposal's scores with their reasons
and prices, the disagreements and how the committee resolved them, the ranking and the
partners, a sensitivity summary, the seal, rejections and abnormally low prices, the change
record, the warnings, and the sha256 of every file the run rests on with the audit command.

Two variants: the internal protocol quotes the committee's justifications and is exempt from
public access; the public one (``public=True``) quotes the approved ``notice_text`` instead.
Each section is a small function ``(Context) -> Section`` (:mod:`evaluation.paperwork.sections`);
every string is escaped by the renderer (:func:`evaluation.paperwork.paper.render_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.errors import ProblemList
from evaluation.common.labels import format_number, format_percent, format_range, yes_no
from evaluation.common.labels import pick as _t
from evaluation.core.tender import Tender
from evaluation.core.words import (
    AGGREGATIONS,
    NORMALISATIONS,
    SAMPLERS,
    award_model_words,
    price_model_name,
    proposal_status,
    tie_break_words,
    word,
)
from evaluation.data.tables import read_table
from evaluation.paperwork.paper import Block, render_blocks
from evaluation.paperwork.protocol_proposals import (
    assessment_section,
    disagreements_section,
    prices_section,
)
from evaluation.paperwork.protocol_records import (
    changes_section,
    files_section,
    rejections_section,
    seal_section,
    warnings_section,
)
from evaluation.paperwork.sections import Context, Section

# The protocol starts on a new page when printed; hashes wrap instead of widening the page.
STYLE = """<style>
.evaluation-protocol { break-before: page; }
.evaluation-hashes td { font-family: "DejaVu Sans Mono", monospace; font-size: 0.7em;
  word-break: break-all; }
</style>"""


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


def _rule(node: Any, lang: str) -> str:
    """A node's price model or minimum in words."""
    parts = []
    if node.price is not None:
        parts.append(price_model_name(node.price.model, lang))
    if node.minimum is not None:
        parts.append(_t(lang, f"minst {format_number(node.minimum, lang, 2)}",
                        f"at least {format_number(node.minimum, lang, 2)}"))
    return "; ".join(parts)


def method_section(ctx: Context) -> Section:
    """The method in words, the model's identity and whether it was frozen, and the weights."""
    tender, lang = ctx.tender, ctx.language
    m = tender.model
    section = Section("method", ctx.t("Metode, modell og vekter", "Method, model and weights"))
    minimums = [f"{n.title.get(lang)}: " + (
        ctx.t(f"minst {ctx.number(n.minimum)} poeng av {ctx.number(m.points, 0)}",
              f"at least {ctx.number(n.minimum)} points of {ctx.number(m.points, 0)}")
        if n.children else ctx.t(f"minst karakter {ctx.number(n.minimum)}",
                                 f"a score of at least {ctx.number(n.minimum)}"))
        for n in m.nodes() if n.minimum is not None]
    normalised = [f"{n.title.get(lang)}: {ctx.label(word(NORMALISATIONS, n.normalisation))}"
                  for n in m.nodes() if n.normalisation != "none"]
    rows = [[ctx.t("Modell", "Model"), f"{m.title.get(lang)} ({m.id})"],
            ["sha256", m.sha256],
            [ctx.t("Fryst før tilbudsåpning", "Frozen before opening"),
             _frozen(ctx.results, ctx.manifest, lang)],
            [ctx.t("Tildelingsmodell", "Award model"), ctx.label(award_model_words(m))],
            [ctx.t("Maks poeng", "Maximum points"), ctx.number(m.points, 0)],
            [ctx.t("Karakterene som teller", "The scores that count"),
             ctx.label(word(AGGREGATIONS, m.aggregation))],
            [ctx.t("Uenighet flagges ved sprik", "Disagreement flagged at a spread of"),
             format_percent(100 * m.disagreement, lang, 0) + ctx.t(" av skalaen",
                                                                   " of the scale")],
            [ctx.t("Like summer avgjøres ved", "Equal totals are decided by"),
             ctx.label(tie_break_words(m))],
            [ctx.t("Minstekrav (under: utelatt)", "Minimums (below: excluded)"),
             "; ".join(minimums) or ctx.t("ingen", "none")],
            [ctx.t("Normalisering", "Normalisation"),
             "; ".join(normalised) or ctx.label(NORMALISATIONS["none"])],
            [ctx.t("Klima og miljø (FOA § 7-9)", "Climate and environment (FOA § 7-9)"),
             format_percent(100 * m.environment_weight(), lang, 1) +
             (f" ({m.environment_exception})" if m.environment_exception else "")]]
    section.table([ctx.t("Punkt", "Item"), ctx.t("Verdi", "Value")], rows)
    weights = []
    for node in m.nodes():
        scale = (f"{format_number(node.scale.min, lang, 0)}–"
                 f"{format_number(node.scale.max, lang, 0)}" if node.is_leaf else "")
        weights.append(["\u00a0\u00a0" * (len(node.path) - 1) + node.title.get(lang), node.id,
                        "–" if node.weight is None else format_number(node.weight, lang, 1),
                        "" if node.weight_range is None else
                        "–".join(format_number(w, lang, 0) for w in node.weight_range),
                        format_percent(100 * m.global_weight(node.id), lang, 2), scale,
                        _rule(node, lang)])
    section.table([ctx.t("Kriterium", "Criterion"), "ID", ctx.t("Vekt", "Weight"),
                   ctx.t("Vektintervall", "Weight range"),
                   ctx.t("Global vekt", "Global weight"), ctx.t("Skala", "Scale"),
                   ctx.t("Prismodell / minstekrav", "Price model / minimum")], weights)
    if m.price_leaves:
        section.add("p", ctx.t("Prisformlene med parametere står under «Priser og prisformel».",
                               "The price formulas with their parameters are under 'Prices "
                               "and the price formula'."))
    return section


def _records(tender: Tender, name: str, section: Section) -> None:
    path = tender.folder / name
    if not path.is_file():
        return
    table = read_table(path, ProblemList(), label=name, required=("evaluator",))
    if table is None or table.frame.empty:
        return
    frame = table.frame
    section.add("p", f"{name}:")
    section.table([str(c) for c in frame.columns], frame.values.tolist())


def evaluators_section(ctx: Context) -> Section:
    tender = ctx.tender
    section = Section("evaluators", ctx.t("Evaluatorer", "Evaluators"))
    counts = tender.scores["evaluator"].value_counts().to_dict()
    section.table([ctx.t("Evaluator", "Evaluator"), ctx.t("Karakterer gitt", "Scores given")],
                  [[e, int(counts.get(e, 0))] for e in tender.evaluators])
    for name in ("declarations.csv", "recusals.csv"):
        _records(tender, name, section)
    if not (tender.folder / "declarations.csv").is_file():
        section.add("p", ctx.t("Habilitetserklæringer er ikke registrert (declarations.csv).",
                               "Impartiality declarations are not recorded (declarations.csv)."))
    return section


def ranking_section(ctx: Context) -> Section:
    results, lang = ctx.results, ctx.language
    section = Section("ranking", ctx.t("Rangering og valg av partnere", "Ranking and partners"))
    priced = any(p.get("evaluated_price") is not None for p in results["proposals"])
    header = ["#", "ID", ctx.t("Leverandør", "Supplier"), ctx.t("Sum", "Total"),
              *([ctx.t("Evaluert pris", "Evaluated price")] if priced else []), "Status"]
    section.table(header, [["–" if p["rank"] is None else p["rank"], p["id"], p["supplier"],
                            ctx.number(p["total"]),
                            *([ctx.money(p.get("evaluated_price"))] if priced else []),
                            proposal_status(p, lang)] for p in results["proposals"]])
    partners = ", ".join(results.get("partners", [])) or "–"
    section.add("p", ctx.t(f"Vinner: {results.get('winner')}. Valgte partnere: {partners}.",
                           f"Winner: {results.get('winner')}. Selected partners: {partners}."))
    return section


def sensitivity_section(ctx: Context) -> Section:
    """The run's sensitivity summary: stability intervals and SMAA confidence."""
    m, lang = ctx.tender.model, ctx.language
    section = Section("sensitivity", ctx.t("Følsomhet for vektene",
                                           "Sensitivity to the weights"))
    recorded = ctx.results.get("sensitivity")
    if not isinstance(recorded, dict):
        section.add("p", ctx.t(
            "Følsomhetsanalysen er ikke registrert i kjøringens resultater; se komiteens "
            "del av rapporten eller kjør «evaluation sensitivity».",
            "The sensitivity analysis is not recorded in the run's results; see the committee "
            "section of the report or run 'evaluation sensitivity'."))
        return section
    ids = {n.id for n in m.nodes()}
    stability = recorded.get("stability")
    if isinstance(stability, dict):
        section.add("p", ctx.t(
            "Vektintervallene (i modellens vektenheter) der vinneren, partnerne og hele "
            "rangeringen forblir de samme når ett hovedkriteriums vekt endres og de "
            "andre beholder sine forhold (eksakt, Triantaphyllou & Sánchez 1997).",
            "The weight intervals (in the model's weight units) within which the winner, the "
            "partners and the whole ranking stay the same when one main criterion's weight "
            "moves and the others keep their proportions (exact, Triantaphyllou & Sánchez "
            "1997)."))
        order = [n.id for n in m.nodes()]  # results.json sorts keys: show the model's order
        keys = sorted(stability, key=lambda c: (order.index(c) if c in ids else len(order), c))
        section.table([ctx.t("Hovedkriterium", "Main criterion"), ctx.t("Publisert",
                                                                       "Published"),
                       ctx.t("Samme vinner", "Same winner"),
                       ctx.t("Samme partnere", "Same partners"),
                       ctx.t("Samme rangering", "Same ranking")],
                      [[m.node(c).title.get(lang) if c in ids else c,
                        format_number(stability[c].get("published"), lang, 1),
                        *(format_range(stability[c].get(f"{k}low"),
                                       stability[c].get(f"{k}high"), lang)
                          for k in ("", "partners_", "ranking_"))]
                       for c in keys if isinstance(stability[c], dict)
                       and "published" in stability[c]])
    smaa = recorded.get("smaa") or {}
    if smaa.get("rank_acceptability"):
        drawn = ctx.label(word(SAMPLERS, str(smaa.get("sampler")))) if smaa.get("sampler") \
            else ""
        section.add("p", ctx.t(
            f"Simulerte vekter (SMAA-2): {smaa.get('samples')} vektsett, frø "
            f"{smaa.get('seed')}" + (f", trukket {drawn}" if drawn else "") + ". Andel trekk "
            "der tilbudet vinner, og konfidensfaktoren.",
            f"Simulated weights (SMAA-2): {smaa.get('samples')} weight vectors, seed "
            f"{smaa.get('seed')}" + (f", drawn {drawn}" if drawn else "") + ". Share of draws "
            "in which the proposal wins, and its confidence factor."))
        confidence = smaa.get("confidence") or {}
        section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Vinner", "Wins"),
                       ctx.t("Konfidens", "Confidence")],
                      [[pid, format_percent(100 * shares[0], lang, 1) if shares else "–",
                        "–" if confidence.get(pid) is None else
                        format_number(confidence[pid], lang, 2)]
                       for pid, shares in smaa["rank_acceptability"].items()])
    return section


SECTIONS: tuple[Callable[[Context], Section], ...] = (
    method_section, evaluators_section, assessment_section, prices_section,
    disagreements_section, ranking_section, sensitivity_section, seal_section,
    rejections_section, changes_section, warnings_section, files_section)


def variant_text(ctx: Context) -> str:
    """Return which variant this is and who may read it (the first thing on its first page)."""
    if ctx.public:
        return ctx.t(
            "OFFENTLIG UTGAVE. Begrunnelsene er erstattet av komiteens godkjente tekster "
            "(notice_text); der komiteen ikke har godkjent en tekst, står det. Den interne "
            "protokollen (report.html) med alle begrunnelser er unntatt offentlighet.",
            "PUBLIC VARIANT. The justifications are replaced by the committee's approved texts "
            "(notice_text); where the committee approved none, this says so. The internal "
            "protocol (report.html) with every justification is exempt from public access.")
    return ctx.t(
        "INTERN – UNNTATT OFFENTLIGHET etter offentleglova § 13, jf. forvaltningsloven § 13 "
        "første ledd nr. 2: protokollen siterer komiteens og evaluatorenes begrunnelser, som "
        "kan inneholde leverandørenes forretningshemmeligheter. Den offentlige utgaven er "
        "report-public.html.",
        "INTERNAL – EXEMPT FROM PUBLIC ACCESS under the Freedom of Information Act "
        "(offentleglova) § 13, cf. the Public Administration Act (forvaltningsloven) § 13(1) "
        "no. 2: the protocol quotes the committee's and the evaluators' justifications, which "
        "may hold the suppliers' business secrets. The public variant is report-public.html.")


def protocol_sections(ctx: Context) -> list[Section]:
    """Return the protocol's sections in order."""
    return [make(ctx) for make in SECTIONS]


def protocol_html(run: Path, tender: Tender, results: dict[str, Any],
                  manifest: dict[str, Any], language: str, *, public: bool = False) -> str:
    """Return the protocol section of ``report.html`` (or of ``report-public.html``)."""
    ctx = Context(run, tender, results, manifest, language, public)
    head = [Block("h1", ctx.t("Evalueringsprotokoll", "Evaluation protocol"),
                  anchor="protocol"),
            Block("note", variant_text(ctx)),
            Block("p", ctx.t(f"Konkurranse: {tender.title.get(language)}. Kjøring: "
                             f"{ctx.run_name}.", f"Competition: {tender.title.get(language)}. "
                             f"Run: {ctx.run_name}."))]
    blocks = head + [b for s in protocol_sections(ctx) for b in s.heading_blocks()]
    code = "en" if language == "en" else "nb"
    return (STYLE + f'<section class="evaluation-protocol" lang="{code}">' +
            render_blocks(blocks) + "</section>")
