"""The first page of a report: which variant it is, the decision in one paragraph naming the
suppliers, and the table of contents (filled in by :func:`evaluation.paperwork.report.export_report`
once the page's headings are known)."""

from __future__ import annotations

from typing import Any

from evaluation.paperwork.paper import Block, render_blocks
from evaluation.paperwork.protocol import variant_text
from evaluation.paperwork.sections import Context, when

# export_report replaces this element by the list of the page's headings
CONTENTS_MARKER = '<nav class="evaluation-contents"></nav>'


def _names(items: list[str], language: str) -> str:
    """Return ``a, b og c`` (bokmål) or ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if language == "en" else " og ") + items[-1]


def _amount(ctx: Context, p: dict[str, Any]) -> str:
    if p.get("evaluated_price") is not None:
        return ctx.t("evaluert pris ", "evaluated price ") + ctx.money(p["evaluated_price"])
    return ctx.t(f"{ctx.number(p['total'])} poeng", f"{ctx.number(p['total'])} points")


def decision_summary(ctx: Context) -> str:
    """Return the decision in one paragraph: who was selected with their totals, the order of
    the others, who is not ranked and why, and when and by whom quality was sealed."""
    proposals = ctx.results["proposals"]
    ranked = [p for p in proposals if not p["excluded"]]
    chosen = [p for p in ranked if p["partner"]]
    others = [p for p in ranked if not p["partner"]]
    out = [p for p in proposals if p["excluded"]]
    lang = ctx.language
    named = _names([f"{p['supplier']} ({ctx.t('tilbud', 'proposal')} {p['id']}, "
                    f"{_amount(ctx, p)})" for p in chosen], lang)
    parts = [ctx.t(f"Komiteen har evaluert {len(proposals)} tilbud etter de kunngjorte "
                   f"tildelingskriteriene og valgt {len(chosen)}: {named}.",
                   f"The committee evaluated {len(proposals)} proposals against the published "
                   f"award criteria and selected {len(chosen)}: {named}.")
             if chosen else ctx.t(f"Komiteen har evaluert {len(proposals)} tilbud; ingen er "
                                  "valgt.", f"The committee evaluated {len(proposals)} "
                                  "proposals; none was selected.")]
    if others:
        parts.append(ctx.t("Rangert deretter: ", "Ranked next: ") + _names(
            [f"{p['supplier']} ({p['id']}, {_amount(ctx, p)})" for p in others], lang) + ".")
    for p in out:
        parts.append(ctx.t(f"Ikke rangert: {p['supplier']} ({p['id']}): ",
                           f"Not ranked: {p['supplier']} ({p['id']}): ") +
                     f"{p['exclusion_reason'] or '–'}.")
    seal = ctx.tender.seal
    if seal is not None:
        by = seal.get("sealed_by")
        parts.append(ctx.t(
            f"Kvalitetskarakterene ble forseglet {when(seal.get('sealed_at'), 'nb')}"
            + (f" av {by}," if by else "") + " før prisene ble åpnet.",
            f"The quality scores were sealed at {when(seal.get('sealed_at'), 'en')}"
            + (f" by {by}," if by else "") + " before the prices were opened."))
    return " ".join(parts)


def cover_html(ctx: Context, banner_html: str = "") -> str:
    """Return the report's first page: the variant (internal or public), the title, the run,
    ``banner_html`` (already escaped, e.g. whether the model is frozen), the decision and the
    place of the table of contents."""
    title = ctx.tender.title.get(ctx.language)
    blocks = [Block("banner" if not ctx.public else "note", variant_text(ctx),
                    css="evaluation-classification"),
              Block("h1", ctx.t(f"Evalueringsrapport: {title}", f"Evaluation report: {title}"),
                    anchor="report"),
              Block("p", ctx.t(f"Kjøring {ctx.run_name}. ", f"Run {ctx.run_name}. ") + (
                  ctx.t("Offentlig utgave.", "Public variant.") if ctx.public else
                  ctx.t("Intern utgave.", "Internal variant.")))]
    decision = [Block("h2", ctx.t("Beslutningen", "The decision"), anchor="decision"),
                Block("p", decision_summary(ctx), css="evaluation-decision"),
                Block("h2", ctx.t("Innhold", "Contents"), anchor="contents")]
    return render_blocks(blocks) + banner_html + render_blocks(decision) + CONTENTS_MARKER
