"""The sections of ``notebooks/proposal.ipynb``: one proposal, read as a document.

Each public method displays one section (prose, then a table or chart) in the chosen
language; the notebook calls them one per cell and holds no logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.whatif import Need, needs, points_gap, relative_strengths
from evaluation.common.labels import format_money, format_number
from evaluation.common.labels import pick as _t
from evaluation.core.evaluation import Evaluation
from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.views import figures
from evaluation.views.display import (
    inline,
    publish_result,
    show_figure,
    show_markdown,
    show_table,
)


@dataclass
class ProposalView:
    """One proposal of an evaluated tender, with a method per notebook section."""

    evaluation: Evaluation
    proposal_id: str
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, proposal_id: str, language: str = "nb",
             **parameters: Any) -> ProposalView:
        """Return the view after loading and scoring the tender (validation included)."""
        evaluation = evaluate_tender(load_tender(tender))
        if proposal_id not in evaluation.proposal_ids:
            raise KeyError(f"proposal_id: unknown proposal (found {proposal_id!r}, expected "
                           f"one of {', '.join(evaluation.proposal_ids)})")
        params = {"tender": str(tender), "proposal_id": proposal_id, "language": language,
                  **parameters}
        return cls(evaluation, proposal_id, language, params)

    @property
    def _i(self) -> int:
        return self.evaluation.index(self.proposal_id)

    @cached_property
    def _entry(self) -> dict[str, Any]:
        """The proposal's entry of the score object (read by ``summary`` and ``result``)."""
        obj = score_object(self.evaluation, self.language)
        return next(p for p in obj["proposals"] if p["id"] == self.proposal_id)

    @cached_property
    def _gap(self) -> float:
        return points_gap(self.evaluation, self.proposal_id)

    @cached_property
    def _needs(self) -> list[Need]:
        """What one criterion alone would take (a bisection per price leaf): solved once."""
        return needs(self.evaluation, self.proposal_id)

    def summary(self) -> None:
        """Show the title and the key facts: supplier, prices, total, rank, exclusion."""
        ev, lang, p = self.evaluation, self.language, self._entry
        currency = ev.tender.currency
        m = inline  # every text from the tender folder, shown as typed
        lines = [f"# {_t(lang, 'Tilbud', 'Proposal')} {m(p['id'])}: {m(p['supplier'])}", "",
                 f"*{m(ev.tender.title.get(lang))}*", ""]
        n = int(np.sum(ev.included))
        if p["excluded"]:
            reason = m(p["exclusion_reason"])
            lines.append(_t(lang, f"**Tilbudet er ikke med i rangeringen.** Grunn: {reason}",
                            f"**The proposal is not ranked.** Reason: {reason}"))
        else:
            lines.append(_t(
                lang,
                f"Tilbudet får **{format_number(p['total'], lang)} av "
                f"{format_number(ev.model.points, lang, 0)} poeng** og er rangert som "
                f"**nr. {p['rank']} av {n}**." +
                (" Det er valgt som partner." if p["partner"] else ""),
                f"The proposal scores **{format_number(p['total'], lang)} of "
                f"{format_number(ev.model.points, lang, 0)} points** and ranks "
                f"**{p['rank']} of {n}**." + (" It is selected as a partner."
                                              if p["partner"] else "")))
        lines.append("")
        for leaf in ev.model.price_leaves:
            assert leaf.price is not None
            value = p["prices"].get(leaf.price.field)
            lines.append(f"- {m(leaf.title.get(lang))}: {m(format_money(value, lang, currency))}")
        titles = {leaf.price.field: leaf.title.get(lang) for leaf in ev.model.price_leaves
                  if leaf.price is not None}
        for field_ in p["abnormally_low"]:
            field_ = m(titles.get(field_, field_))
            lines.append("- " + _t(lang, f"**Unormalt lav pris** ({field_}): leverandøren må "
                                         "bes forklare prisen før tilbudet eventuelt avvises "
                                         "(FOA § 24-9).",
                                   f"**Abnormally low price** ({field_}): the supplier must be "
                                   "asked to explain before any rejection (FOA § 24-9)."))
        explanations = ev.tender.explanations
        if p["abnormally_low"]:
            answer = None if explanations is None else \
                explanations[explanations["proposal_id"] == self.proposal_id]
            if answer is None or answer.empty:
                lines.append("  " + _t(lang, "Svar og beslutning er ikke registrert ennå "
                                             "(explanations.csv: proposal_id, asked, answer, "
                                             "decision).",
                                       "Answer and decision are not recorded yet "
                                       "(explanations.csv: proposal_id, asked, answer, "
                                       "decision)."))
            else:
                first = {k: m(str(v).rstrip(". ")) for k, v in answer.iloc[0].items()}
                lines.append("  " + _t(lang, f"Forespurt {first['asked']}. Svar: "
                                             f"{first['answer']}. Beslutning: "
                                             f"{first['decision']}.",
                                       f"Asked {first['asked']}. Answer: {first['answer']}. "
                                       f"Decision: {first['decision']}."))
        recusals = ev.tender.recusals
        if recusals is not None:
            for r in recusals[recusals["proposal_id"] == self.proposal_id].itertuples():
                who, why = m(r.evaluator), m(r.reason)
                lines.append("- " + _t(lang, f"**Inhabilitet:** {who} har fratrådt "
                                             f"behandlingen av dette tilbudet ({why}); "
                                             "poengene bygger på de andre evaluatorene.",
                                       f"**Recusal:** {who} took no part in "
                                       f"evaluating this proposal ({why}); the scores "
                                       "rest on the other evaluators."))
        show_markdown("\n".join(lines))

    def scores_table(self) -> None:
        """Show every evaluator's score, the spread and its flag, the agreed score, points."""
        ev, lang, i = self.evaluation, self.language, self._i
        panel = ev.panel
        rows = []
        for q, leaf in enumerate(ev.model.quality_leaves):
            j = [x.id for x in ev.leaves].index(leaf.id)
            row: dict[str, Any] = {_t(lang, "Kriterium", "Criterion"): leaf.title.get(lang)}
            for e, name in enumerate(panel.evaluators):
                row[name] = float(panel.individual[e, i, q])
            row[_t(lang, "Sprik", "Spread")] = float(panel.spread[i, q])
            row[_t(lang, "Uenighet", "Disagreement")] = "⚑" if panel.flagged[i, q] else ""
            row[_t(lang, "Poeng (vedtatt)", "Score (agreed)")] = float(ev.scores[i, j])
            row[_t(lang, "Vektede poeng", "Weighted points")] = float(
                ev.node_points[leaf.id][i])
            rows.append(row)
        show_markdown(_t(lang, "## Poeng per kriterium\n\nHver evaluators poeng, spriket "
                               f"mellom dem (⚑ når det er minst "
                               f"{format_number(100 * ev.model.disagreement, lang, 0)} % av "
                               "skalaen), komiteens vedtatte poeng og de vektede poengene.",
                         "## Scores per criterion\n\nEvery evaluator's score, the spread "
                         f"between them (⚑ when it is at least "
                         f"{format_number(100 * ev.model.disagreement, lang, 0)} % of the "
                         "scale), the committee's agreed score and the weighted points."))
        if rows:
            show_table(pd.DataFrame(rows), lang, uuid="scores")

    def justifications(self) -> None:
        """Show the agreed justification and every evaluator's, per criterion."""
        ev, lang = self.evaluation, self.language
        tender = ev.tender
        show_markdown(_t(lang, "## Begrunnelser", "## Justifications"))
        rows = []
        for leaf in ev.model.quality_leaves:
            texts = {}
            agreed = tender.consensus_row(self.proposal_id, leaf.id)
            if agreed is not None:
                texts[_t(lang, "Komiteen", "Committee")] = str(agreed["justification"])
            mask = ((tender.scores["proposal_id"] == self.proposal_id) &
                    (tender.scores["criterion_id"] == leaf.id))
            for _, r in tender.scores[mask].iterrows():
                texts[str(r["evaluator"])] = str(r["justification"])
            for who, text in texts.items():
                rows.append({_t(lang, "Kriterium", "Criterion"): leaf.title.get(lang),
                             _t(lang, "Fra", "By"): who,
                             _t(lang, "Begrunnelse", "Justification"): text})
        if rows:
            show_table(pd.DataFrame(rows), lang, uuid="justifications")

    def points_chart(self) -> None:
        """Show the proposal's weighted points against the winner's and the field's mean."""
        lang = self.language
        show_markdown(_t(lang, "## Sammenligning med vinneren og feltet",
                         "## Compared with the winner and the field"))
        show_figure(figures.proposal_against_field(self.evaluation, self.proposal_id, lang))

    def what_it_would_take(self) -> None:
        """Show the score or price on each criterion that alone would reach the leader."""
        ev, lang = self.evaluation, self.language
        if ev.excluded[self._i]:
            return
        gap = self._gap
        if gap <= 0:
            show_markdown(_t(lang, f"## Forsprang\n\nTilbudet leder med "
                                   f"{format_number(-gap, lang)} poeng til nestemann.",
                             f"## Lead\n\nThe proposal leads the next by "
                             f"{format_number(-gap, lang)} points."))
            return
        show_markdown(_t(lang, f"## Hva som skulle til\n\nTilbudet mangler "
                               f"{format_number(gap, lang)} poeng på det beste tilbudet. "
                               "Tabellen viser hva ett kriterium alene måtte gitt (prisen er "
                               "regnet ut numerisk, fordi relative prismodeller endrer alles "
                               "prispoeng).",
                         f"## What it would take\n\nThe proposal is {format_number(gap, lang)} "
                         "points behind the best proposal. The table shows what one criterion "
                         "alone would have to give (prices are solved numerically, because "
                         "relative price models move every proposal's price points)."))
        rows = []
        for need in self._needs:
            leaf = ev.model.node(need.criterion_id)
            money = need.kind == "price"
            fmt = (lambda v: format_money(v, lang, ev.tender.currency)) if money else \
                (lambda v: format_number(v, lang))
            rows.append({_t(lang, "Kriterium", "Criterion"): leaf.title.get(lang),
                         _t(lang, "Nå", "Now"): fmt(need.current),
                         _t(lang, "Må bli", "Would need"): fmt(need.needed)
                         if need.needed is not None else "–",
                         _t(lang, "Mulig", "Possible"): need.feasible})
        show_table(pd.DataFrame(rows), lang, uuid="whatif")

    def strengths(self) -> None:
        """Show the strongest and weakest criteria relative to the winner (notice material)."""
        ev, lang = self.evaluation, self.language
        reference = ev.winner if ev.winner != self.proposal_id else \
            (ev.order[1] if len(ev.order) > 1 else None)
        if reference is None or ev.excluded[self._i]:
            return
        diffs = relative_strengths(ev, self.proposal_id, reference)
        ref = inline(reference)
        show_markdown(_t(lang, f"## Sterke og svake sider mot tilbud {ref}\n\n"
                               "Forskjell i vektede poeng per kriterium (positivt: bedre enn "
                               f"{ref}). Dette er råstoffet til tildelingsmeddelelsen.",
                         f"## Strengths and weaknesses against proposal {ref}\n\n"
                         "Difference in weighted points per criterion (positive: better than "
                         f"{ref}). This is the raw material of the award notice."))
        show_table(pd.DataFrame([{_t(lang, "Kriterium", "Criterion"):
                                  ev.model.node(c).title.get(lang),
                                  _t(lang, "Forskjell (poeng)", "Difference (points)"): d}
                                 for c, d in diffs]), lang, uuid="strengths")

    def result(self) -> dict[str, Any]:
        """Return the proposal's result payload (its score entry, needs and strengths)."""
        entry = dict(self._entry)
        entry["needs"] = [{"criterion_id": n.criterion_id, "kind": n.kind,
                           "current": n.current, "needed": n.needed, "feasible": n.feasible}
                          for n in self._needs] if not entry["excluded"] else []
        entry["gap"] = None if entry["excluded"] else self._gap
        entry["winner"] = self.evaluation.winner
        return entry

    def publish(self) -> None:
        """Display the result payload (the notebook's last output)."""
        publish_result("proposal", self.parameters, self.result())
