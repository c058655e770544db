"""The protocol's sections about each proposal: the reasons per criterion, the prices and how
they were scored, and the disagreements between the evaluators.

The internal protocol quotes the committee's justifications; the public one the approved
``notice_text`` or, where there is none, says so (:mod:`evaluation.paperwork.texts`).
"""

from __future__ import annotations

import math
from typing import Any

from evaluation.common.labels import format_number, format_percent
from evaluation.core.words import discounting_words, price_formula_words
from evaluation.paperwork.paper import Block
from evaluation.paperwork.price_table import price_rows
from evaluation.paperwork.sections import Context, Section
from evaluation.paperwork.texts import internal_text, public_text


def score_text(value: float | None, language: str) -> str:
    """Return a score with as few decimals as it needs (0, 1 or 2): ``8``, ``7,5``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = next((d for d in (0, 1, 2) if abs(value * 10**d - round(value * 10**d)) < 1e-9), 2)
    return format_number(value, language, decimals)


def standing(ctx: Context, p: dict[str, Any]) -> str:
    """Return a proposal's place in one line: rank, total and partner, or why it is not ranked."""
    if p["excluded"]:
        return ctx.t("Ikke rangert: ", "Not ranked: ") + (p["exclusion_reason"] or "–")
    total = (ctx.t(f"{ctx.number(p['total'])} poeng", f"{ctx.number(p['total'])} points")
             if p.get("total") is not None else "")
    if p.get("evaluated_price") is not None:
        total = ctx.t("evaluert pris ", "evaluated price ") + ctx.money(p["evaluated_price"])
    chosen = ctx.t(" · valgt partner", " · selected partner") if p["partner"] else ""
    return ctx.t(f"Rang {p['rank']} · {total}{chosen}", f"Rank {p['rank']} · {total}{chosen}")


def _reason(ctx: Context, pid: str, cid: str) -> str:
    if ctx.public:
        return public_text(ctx.tender, pid, cid, ctx.language)[0]
    return internal_text(ctx.tender, pid, cid)[0] or "–"


def assessment_section(ctx: Context) -> Section:
    """Per proposal: each quality criterion's agreed score, reason and points, then its prices."""
    model = ctx.tender.model
    section = Section("assessment", ctx.t("Vurdering per tilbud", "Assessment per proposal"))
    if ctx.public:
        section.add("p", ctx.t(
            "Teksten per kriterium er komiteens godkjente tekst for offentligheten "
            "(notice_text i consensus.csv). Komiteens fulle begrunnelser står i den interne "
            "protokollen, som er unntatt offentlighet.",
            "The text per criterion is the committee's wording approved for the public "
            "(notice_text in consensus.csv). The committee's full justifications are in the "
            "internal protocol, which is exempt from public access."))
    else:
        section.add("p", ctx.t(
            "Komiteens begrunnelse per kriterium (consensus.csv; evaluatorenes egne der "
            "komiteen ikke har skrevet en). Karakteren er den vedtatte; poengene er "
            "karakteren vektet etter modellen.",
            "The committee's justification per criterion (consensus.csv; the evaluators' own "
            "where the committee wrote none). The score is the agreed one; the points are the "
            "score weighted by the model."))
    prices = price_rows(ctx.results, ctx.tender)
    for p in ctx.results["proposals"]:
        section.blocks.append(Block("h3", ctx.t(f"Tilbud {p['id']} – {p['supplier']}",
                                                f"Proposal {p['id']} – {p['supplier']}"),
                                    anchor=f"proposal-{p['id']}"))
        section.add("strong", standing(ctx, p))
        rows = []
        for leaf in model.quality_leaves:
            entry = p["criteria"].get(leaf.id, {})
            rows.append([leaf.title.get(ctx.language),
                         format_percent(100 * model.global_weight(leaf.id), ctx.language, 1),
                         score_text(entry.get("score"), ctx.language),
                         _reason(ctx, p["id"], leaf.id), ctx.number(entry.get("points"))])
        if rows:
            section.table([ctx.t("Kriterium", "Criterion"), ctx.t("Vekt", "Weight"),
                           ctx.t("Karakter", "Score"),
                           ctx.t("Godkjent tekst", "Approved text") if ctx.public else
                           ctx.t("Begrunnelse", "Reason"), ctx.t("Poeng", "Points")], rows,
                          "evaluation-table evaluation-reasons")
        own = [r for r in prices if r.proposal_id == p["id"]]
        if own:
            section.table([ctx.t("Priskriterium", "Price criterion"),
                           ctx.t("Tilbudt pris", "Offered price"),
                           ctx.t("Evaluert pris", "Evaluated price"),
                           ctx.t("Karakter", "Score"), ctx.t("Poeng", "Points")],
                          [[r.leaf.title.get(ctx.language), ctx.money(r.offered),
                            ctx.money(r.evaluated) + (ctx.t(" (nåverdi)", " (present value)")
                                                      if r.discounted else ""),
                            score_text(r.score, ctx.language), ctx.number(r.points)]
                           for r in own])
    return section


def prices_section(ctx: Context) -> Section:
    """The price formula of every price criterion in words, the discounting, and every
    proposal's offered and evaluated price (the present value) with its points."""
    model = ctx.tender.model
    section = Section("prices", ctx.t("Priser og prisformel", "Prices and the price formula"))
    if not model.price_leaves:
        section.add("p", ctx.t("Modellen har ingen priskriterier.",
                               "The model has no price criteria."))
        return section
    section.blocks.append(Block("list", rows=tuple(
        (f"{leaf.title.get(ctx.language)}: {ctx.label(price_formula_words(leaf))}",)
        for leaf in model.price_leaves)))
    section.add("p", ctx.label(discounting_words(model)))
    section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Priskriterium", "Price criterion"),
                   ctx.t("Tilbudt pris", "Offered price"),
                   ctx.t("Evaluert pris (nåverdi)", "Evaluated price (present value)"),
                   ctx.t("Karakter", "Score"), ctx.t("Poeng", "Points")],
                  [[r.proposal_id, r.leaf.title.get(ctx.language), ctx.money(r.offered),
                    ctx.money(r.evaluated), score_text(r.score, ctx.language),
                    ctx.number(r.points)] for r in price_rows(ctx.results, ctx.tender)])
    section.add("p", ctx.t("Tilbud som ikke er rangert, er ikke med i prisberegningen "
                           "(karakter og poeng «–»).",
                           "Proposals that are not ranked take no part in the price scoring "
                           "(score and points '–')."))
    return section


def disagreements_section(ctx: Context) -> Section:
    """Where the evaluators' scores spread at least the model's threshold, and what the
    committee agreed."""
    tender = ctx.tender
    section = Section("disagreements", ctx.t("Uenighet og hvordan den ble løst",
                                             "Disagreements and how they were resolved"))
    scores = tender.scores.set_index(["proposal_id", "criterion_id"]) if len(tender.scores) \
        else None
    rows = []
    for p in sorted(ctx.results["proposals"], key=lambda p: p["id"]):
        for leaf in tender.model.quality_leaves:
            if not p["criteria"].get(leaf.id, {}).get("disagreement"):
                continue
            given = ""
            if scores is not None and (p["id"], leaf.id) in scores.index:
                part = scores.loc[[(p["id"], leaf.id)]]
                given = ", ".join(f"{e}: {ctx.number(s, 1)}"
                                  for e, s in zip(part["evaluator"], part["score"], strict=True))
            rows.append([p["id"], leaf.title.get(ctx.language), given,
                         ctx.number(p["criteria"][leaf.id]["score"], 1),
                         _reason(ctx, p["id"], leaf.id)])
    if not rows:
        section.add("p", ctx.t("Ingen flaggede uenigheter.", "No flagged disagreements."))
        return section
    section.add("p", ctx.t(
        f"Sprik på minst {format_number(100 * tender.model.disagreement, ctx.language, 0)} % "
        "av skalaen mellom evaluatorenes karakterer er flagget.",
        f"Spreads of at least {format_number(100 * tender.model.disagreement, 'en', 0)} % of "
        "the scale between the evaluators' scores are flagged."))
    section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Kriterium", "Criterion"),
                   ctx.t("Evaluatorenes karakterer", "Evaluators' scores"),
                   ctx.t("Vedtatt", "Agreed"),
                   ctx.t("Godkjent tekst", "Approved text") if ctx.public else
                   ctx.t("Løsning", "Resolution")], rows)
    return section
