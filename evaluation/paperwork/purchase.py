"""The purchase check and the committee's purchase decisions as protocol sections of the
purchase run's report, after the partnership's record of every phase.

What the procurement file needs: each remaining partner's performance levels with the
measured values and evidence, the binding price against the maximum cost, whether the option
may be exercised and why not, the proportionality figures against the committee's bounds, the
volume against the announced value, every municipality and whether the notice covers it, and
the recorded decisions with the committee's assessment, flagged where they go against the
check. Every text is escaped.
"""

from __future__ import annotations

from typing import Any

from evaluation.common.labels import format_money, format_number, yes_no
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html
from evaluation.core.partnership import Partnership
from evaluation.core.purchase import (
    PartnerPurchase,
    followers,
    option_word,
    purchase_check,
    yearly_costs,
)
from evaluation.paperwork.partnership import (
    changes_section,
    files_section,
    phase_section,
    plan_section,
    status_text,
    table_html,
)


def _partner_section(p: Partnership, c: PartnerPurchase, lang: str) -> str:
    e, cur = escape_html, p.award.currency
    terms = p.plan.purchase
    assert terms is not None

    def money(x: float | None) -> str:
        return format_money(x, lang, cur)

    parts = [f"<h4>{e(c.partner)} {e(c.supplier)}</h4>"]
    parts.append("<p>" + e(_t(lang, "Opsjonen kan utøves.", "The option may be exercised.")
                           if c.exercisable else _t(lang, "Opsjonen kan ikke utøves: ",
                                                    "The option may not be exercised: ") +
                           "; ".join(r.get(lang) for r in c.reasons) + ".") + "</p>")
    parts.append(table_html(
        [_t(lang, "Ytelsesnivå", "Performance level"), _t(lang, "Terskel", "Threshold"),
         _t(lang, "Regel", "Rule"), _t(lang, "Målt per arena", "Measured per arena"),
         _t(lang, "Etter regelen", "By the rule"), _t(lang, "Vurdering", "Verdict")],
        [[r.target.title.get(lang), r.target.threshold_text(lang), r.target.rule.text(lang),
          "; ".join(f"{a}: {r.target.show(r.values.get(a), lang)}" for a in r.arenas),
          r.target.show(r.statistic, lang), status_text(r.status, lang)] for r in c.levels]))
    assert p.levels is not None
    mine = p.levels[p.levels["partner"] == c.partner]
    parts.append(table_html(
        [_t(lang, "Ytelsesnivå", "Performance level"), "Arena", _t(lang, "Dato", "Date"),
         _t(lang, "Dokumentasjon", "Evidence")],
        [[t, a, d.isoformat() if d is not None else "", ev] for t, a, d, ev in
         zip(mine["target_id"], mine["arena"], mine["date"], mine["evidence"], strict=True)]))
    bounds = p.plan.proportionality
    rows = [
        [_t(lang, "Bindende pris", "Binding price") + f" ({terms.field})", money(c.price)],
        [_t(lang, "Makskostnad", "Maximum cost"), money(c.maximum_cost)],
        [_t(lang, "Pris per bygg per år (år 0, 1, …)", "Price per building a year (year 0, "
                  "1, …)"), "; ".join(format_number(x, lang, 2) for x in c.per_building)],
        [_t(lang, "Kjøperens kjøp (nåverdi)", "The buyer's purchase (net present value)"),
         money(c.values["buyer"])],
        [_t(lang, "Kjøper og følgere som har sagt ja", "Buyer and followers saying yes"),
         money(c.values["yes"])],
        [_t(lang, "herav ikke dekket av kunngjøringen", "of which not covered by the notice"),
         money(c.values["not_covered"])],
        [_t(lang, "Følgere som ikke har bestemt seg", "Followers undecided"),
         money(c.values["undecided"])],
        [_t(lang, "Utviklingsinvestering (alle utbetalinger)",
            "Development investment (every payment)"), money(c.investment)],
        [_t(lang, "Forhold verdi / investering", "Ratio value / investment"),
         format_number(c.ratio, lang, 3)],
        [_t(lang, "Komiteens grenser", "The committee's bounds"),
         _t(lang, "ingen", "none") if bounds is None else
         f"{format_number(bounds[0], lang, 2)}–{format_number(bounds[1], lang, 2)}"],
        [_t(lang, "Innenfor grensene", "Within the bounds"),
         "–" if c.within_bounds is None else yes_no(c.within_bounds, lang)],
        [_t(lang, "Samlet volum (utvikling og kjøp, ja)", "Total volume (development and "
                  "purchase, yes)"), money(c.total)],
        [_t(lang, "Kunngjort verdi", "Announced value"), money(p.plan.announced_value)],
        [_t(lang, "Over kunngjort verdi", "Above the announced value"),
         "–" if c.above_announced is None else yes_no(c.above_announced, lang)],
        [_t(lang, "Samlet volum med de uavklarte", "Total volume with the undecided"),
         money(c.total_with_undecided)]]
    parts.append(table_html([_t(lang, "Størrelse", "Figure"), _t(lang, "Verdi", "Value")],
                            rows))
    parts.append(table_html(
        [_t(lang, "Kjøper", "Buyer"), _t(lang, "Beslutning", "Decision"),
         _t(lang, "Dato", "Date"), _t(lang, "Vedtatt av", "Decided by"),
         _t(lang, "Komiteens vurdering av forholdsmessighet",
            "The committee's assessment of proportionality"),
         _t(lang, "Begrunnelse", "Reason"), _t(lang, "Merknad", "Flag")],
        [[d["buyer"], d["decision"], d["date"], d["decided_by"], d["proportionality_assessment"],
          d["reason"], "; ".join(d["flag_en"] if lang == "en" else d["flag"])]
         for d in c.decisions]))
    return "".join(parts)


def purchase_protocol_html(p: Partnership, manifest: dict[str, Any], lang: str) -> str:
    """Return the partnership's record of every phase and the purchase check with its
    decisions, as the purchase run's protocol."""
    e = escape_html
    checks = purchase_check(p)
    heading = _t(lang, "Protokoll for innovasjonspartnerskapet og kjøpsopsjonen",
                 "Record of the innovation partnership and the purchase option")
    parts = [f'<section class="evaluation-protocol"><h2>{e(heading)}</h2>',
             plan_section(p, manifest.get("model", {}).get("frozen"), lang)]
    parts += [phase_section(p, ph, lang) for ph in p.phases]
    parts.append(f"<h3>{e(_t(lang, 'Kjøpsopsjonen', 'The purchase option'))}</h3>")
    parts += [_partner_section(p, c, lang) for c in checks]
    costs = yearly_costs(p, checks)
    parts.append(f"<h4>{e(_t(lang, 'Kjøper og følgekommuner', 'Buyer and followers'))}</h4>")
    parts.append(table_html(
        ["ID", _t(lang, "Kommune", "Municipality"), _t(lang, "Rolle", "Role"),
         _t(lang, "Bygg", "Buildings"), _t(lang, "Areal m²", "Floor area m²"),
         _t(lang, "Navngitt i kunngjøringen", "Named in the notice"),
         _t(lang, "Opsjon", "Option"), _t(lang, "Dekket", "Covered"),
         *(_t(lang, f"Per år med {c.partner} (år 1)", f"A year with {c.partner} (year 1)")
           for c in checks)],
        [[f.id, f.name, f.role, format_number(f.buildings, lang, 0),
          format_number(f.floor_area, lang, 0), yes_no(f.named, lang),
          option_word(f.option, lang), f.reason.get(lang),
          *(format_money(costs[f.id][c.partner][0], lang, p.award.currency) for c in checks)]
         for f in followers(p)]))
    parts += [changes_section(manifest, lang), files_section(manifest, lang), "</section>"]
    return "".join(parts)
