"""The sections of ``notebooks/purchase.ipynb``: the purchase option, read as a document.

Each public method displays one section (prose, then a table or chart) in the chosen language;
the notebook calls them one per cell and holds no logic. The tool shows whether the option
may be exercised, the figures of proportionality against the committee's bounds and what the
option means for each follower municipality; the committee's recorded assessment and decision
are shown beside them, never made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.common.labels import format_money, format_number, yes_no
from evaluation.common.labels import pick as _t
from evaluation.core.partnership import Partnership
from evaluation.core.purchase import (
    PartnerPurchase,
    followers,
    option_word,
    purchase_check,
    purchase_object,
    yearly_costs,
)
from evaluation.data.partnership import load_partnership
from evaluation.views import partnership_figures as figs
from evaluation.views.display import (
    inline,
    publish_result,
    show_figure,
    show_markdown,
    show_table,
)
from evaluation.views.figures import PALETTE
from evaluation.views.gate import targets_frame


@dataclass
class PurchaseView:
    """The purchase option of a tender's partnership, with a method per notebook section."""

    partnership: Partnership
    checks: list[PartnerPurchase]
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, language: str = "nb", **parameters: Any
             ) -> PurchaseView:
        """Return the view after loading every phase, the followers and the purchase."""
        p = load_partnership(tender, purchase=True)
        return cls(p, purchase_check(p), language, {"tender": str(tender),
                                                    "language": language, **parameters})

    def _money(self, amount: float | None) -> str:
        return format_money(amount, self.language, self.partnership.award.currency)

    def summary(self) -> None:
        """Show per remaining partner whether the option may be exercised and why, and the
        committee's recorded decisions, flagged where they go against the check."""
        p, lang = self.partnership, self.language
        lines = [_t(lang, "## Kjøpsopsjonen", "## The purchase option"), "",
                 f"*{inline(p.award.title.get(lang))}*"]
        for c in self.checks:
            verdict = (_t(lang, "**kan utøves**: alle ytelsesnivåer er nådd og prisen er "
                                "innenfor makskostnaden", "**may be exercised**: every "
                                "performance level is met and the price is within the maximum "
                                "cost") if c.exercisable else
                       _t(lang, "**kan ikke utøves**: ", "**may not be exercised**: ") +
                       "; ".join(inline(r.get(lang)) for r in c.reasons))
            lines += ["", f"### {inline(c.partner)} {inline(c.supplier)}", "", verdict + "."]
            for d in c.decisions:
                word = {"exercise": _t(lang, "utøve", "exercise"),
                        "decline": _t(lang, "ikke utøve", "decline")}[d["decision"]]
                lines += ["", _t(lang, f"Registrert beslutning ({inline(d['buyer'])}, "
                                       f"{inline(d['date'])}, {inline(d['decided_by'])}): "
                                       f"**{word}**. Begrunnelse: {inline(d['reason'])}",
                                 f"Recorded decision ({inline(d['buyer'])}, "
                                 f"{inline(d['date'])}, {inline(d['decided_by'])}): "
                                 f"**{word}**. Reason: {inline(d['reason'])}")]
                if d["proportionality_assessment"]:
                    lines.append(_t(lang, "Komiteens vurdering av forholdsmessighet: ",
                                    "The committee's assessment of proportionality: ") +
                                 inline(d["proportionality_assessment"]))
                for flag in d["flag_en" if lang == "en" else "flag"]:
                    lines += ["", _t(lang, "**Merk:** ", "**Note:** ") + inline(flag)]
        for w in p.warnings:
            lines += ["", f"**{_t(lang, 'Advarsel', 'Warning')}:** {inline(w)}"]
        show_markdown("\n".join(lines))

    def levels(self) -> None:
        """Show each performance level per arena, and the binding price against the maximum
        cost."""
        lang = self.language
        for c in self.checks:
            title = _t(lang, f"Ytelsesnivåer × arenaer: {c.partner}",
                       f"Performance levels × arenas: {c.partner}")
            show_figure(figs.target_heat_table(c.levels, title, lang))
            show_table(targets_frame(c.levels, lang), lang)
        terms = self.partnership.plan.purchase
        assert terms is not None
        show_table(pd.DataFrame([{
            "Partner": f"{c.partner} {c.supplier}",
            _t(lang, "Bindende pris", "Binding price") + f" ({terms.field})":
                self._money(c.price),
            _t(lang, "Makskostnad", "Maximum cost"): self._money(c.maximum_cost),
            _t(lang, "Innenfor", "Within"): yes_no(c.within_cost, lang)}
            for c in self.checks]), lang)

    def proportionality(self) -> None:
        """Show the purchase's value against the development investment and the announced
        value, with the committee's bounds; the judgement is the committee's."""
        p, lang = self.partnership, self.language
        terms = p.plan.purchase
        assert terms is not None
        bounds = p.plan.proportionality
        rate = format_number(100 * terms.discount_rate, lang, 1)
        show_markdown(_t(
            lang, f"Verdien av kjøpet er nåverdien over {terms.years} år (diskontert med "
                  f"{rate} %) av antall bygg × prisen per bygg per år for kjøperen og hver "
                  "følgekommune som har sagt ja; de som ikke har bestemt seg, vises for seg. "
                  "Investeringen er alt som er utbetalt til utviklingen.",
            f"The purchase's value is the net present value over {terms.years} years "
            f"(discounted at {rate} %) of buildings × the price per building per year for "
            "the buyer and every follower saying yes; those undecided are shown apart. The "
            "investment is everything paid for the development."))
        for c in self.checks:
            ratio = format_number(c.ratio, lang, 2)
            bound_text = _t(lang, "ingen grenser satt", "no bounds set") if bounds is None \
                else f"{format_number(bounds[0], lang, 2)}–{format_number(bounds[1], lang, 2)}"
            rows = [
                (_t(lang, "Kjøperens kjøp", "The buyer's purchase"),
                 self._money(c.values["buyer"])),
                (_t(lang, "Kjøper og følgere som har sagt ja", "Buyer and followers saying yes"),
                 self._money(c.values["yes"])),
                (_t(lang, "  herav ikke dekket av kunngjøringen", "  of which not covered by "
                          "the notice"), self._money(c.values["not_covered"])),
                (_t(lang, "Følgere som ikke har bestemt seg", "Followers undecided"),
                 self._money(c.values["undecided"])),
                (_t(lang, "Utviklingsinvestering (utbetalt)", "Development investment (paid)"),
                 self._money(c.investment)),
                (_t(lang, "Forhold verdi / investering", "Ratio value / investment"), ratio),
                (_t(lang, "Komiteens grenser", "The committee's bounds"), bound_text),
                (_t(lang, "Innenfor grensene", "Within the bounds"),
                 "–" if c.within_bounds is None else yes_no(c.within_bounds, lang)),
                (_t(lang, "Samlet volum (utvikling og kjøp, ja)",
                    "Total volume (development and purchase, yes)"), self._money(c.total)),
                (_t(lang, "Kunngjort verdi", "Announced value"),
                 self._money(p.plan.announced_value)),
                (_t(lang, "Samlet volum med de uavklarte", "Total volume with the undecided"),
                 self._money(c.total_with_undecided))]
            show_markdown(f"**{inline(c.partner)} {inline(c.supplier)}**")
            show_table(pd.DataFrame(rows, columns=[_t(lang, "Størrelse", "Figure"),
                                                   _t(lang, "Verdi", "Value")]), lang)
            notes = []
            if c.above_announced:
                notes.append(_t(lang, "Samlet volum er over den kunngjorte verdien: kjøpet er "
                                      "ikke dekket av kunngjøringen.", "The total volume "
                                      "exceeds the announced value: the purchase is not "
                                      "covered by the notice."))
            elif c.above_with_undecided:
                notes.append(_t(lang, "Blir alle de uavklarte med, er volumet over den "
                                      "kunngjorte verdien: ikke alle vil være dekket.",
                                "If every undecided follower joins, the volume exceeds the "
                                "announced value: not all would be covered."))
            if notes:
                show_markdown("\n\n".join(f"**{n}**" for n in notes))
            show_figure(figs.volume_chart([
                (_t(lang, "Utvikling (utbetalt)", "Development (paid)"), c.investment,
                 PALETTE[6]),
                (_t(lang, "Kjøper", "Buyer"), c.values["buyer"], PALETTE[0]),
                (_t(lang, "Følgere: ja", "Followers: yes"), c.values["yes"] - c.values["buyer"],
                 PALETTE[1]),
                (_t(lang, "Følgere: uavklart", "Followers: undecided"), c.values["undecided"],
                 "#9dc3e6")], p.plan.announced_value, p.award.currency, lang))

    def followers(self) -> None:
        """Show every municipality: buildings, floor area, option, whether the option covers
        it, and its yearly cost under each remaining partner's price."""
        p, lang = self.partnership, self.language
        costs = yearly_costs(p, self.checks)
        rows, chart = [], []
        for f in followers(p):
            row: dict[str, Any] = {
                _t(lang, "Kommune", "Municipality"): f.name,
                _t(lang, "Bygg", "Buildings"): f"{f.buildings:,.0f}".replace(",", "\u00a0"),
                _t(lang, "Areal m²", "Floor area m²"): format_number(f.floor_area, lang, 0),
                _t(lang, "Opsjon", "Option"): option_word(f.option, lang),
                _t(lang, "Dekket", "Covered"): f.reason.get(lang)}
            for c in self.checks:
                row[_t(lang, f"Per år med {c.partner} (år 1)", f"A year with {c.partner} "
                                                               "(year 1)")] = \
                    self._money(costs[f.id][c.partner][0])
            rows.append(row)
            chart.append({"name": f.name, "buildings": f.buildings, "option": f.option,
                          "option_text": _t(lang, "opsjon: ", "option: ") +
                          option_word(f.option, lang), "covered": f.covered,
                          "covered_text": f.reason.get(lang),
                          "yearly": {q: cost[0] for q, cost in costs[f.id].items()}})
        show_table(pd.DataFrame(rows), lang)
        show_figure(figs.followers_cost(chart, [c.partner for c in self.checks],
                                        {c.partner: f"{c.partner} {c.supplier}"
                                         for c in self.checks}, p.award.currency, lang))

    def publish(self) -> None:
        """Display the result payload: the purchase check (``results.json``)."""
        publish_result("purchase", self.parameters,
                       purchase_object(self.partnership, self.language))
