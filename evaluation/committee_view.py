"""The sections of ``notebooks/committee.ipynb``: ranking, partners, charts, diagnostics.

Each public method displays one section in the chosen language; the notebook calls them one
per cell and holds no logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import figures
from .display import publish_result, show_figure, show_markdown, show_table
from .labels import format_money, format_number
from .results import score_object
from .scoring import Evaluation, evaluate_tender
from .tender import load_tender


def _t(language: str, nb: str, en: str) -> str:
    return en if language == "en" else nb


@dataclass
class CommitteeView:
    """A whole evaluated tender, with a method per notebook section."""

    evaluation: Evaluation
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, language: str = "nb", **parameters: Any) -> CommitteeView:
        """Return the view after loading and scoring the tender (validation included)."""
        evaluation = evaluate_tender(load_tender(tender))
        return cls(evaluation, language, {"tender": str(tender), "language": language,
                                          **parameters})

    def summary(self) -> None:
        """Show the title, the model, the winner and the partners."""
        ev, lang = self.evaluation, self.language
        tender, model = ev.tender, ev.model
        n = len(ev.proposal_ids)
        excluded = int(np.sum(ev.excluded))
        lines = [f"# {tender.title.get(lang)}", "",
                 _t(lang, f"Evalueringsmodell: **{model.title.get(lang)}** "
                          f"(`{model.id}`, sha256 `{model.sha256[:12]}…`).",
                    f"Evaluation model: **{model.title.get(lang)}** "
                    f"(`{model.id}`, sha256 `{model.sha256[:12]}…`)."), "",
                 _t(lang, f"{n} tilbud er mottatt; {excluded} er ikke med i rangeringen. "
                          f"Det skal velges {tender.partners} partner(e).",
                    f"{n} proposals were received; {excluded} are not ranked. "
                    f"{tender.partners} partner(s) are to be selected.")]
        if ev.winner:
            lines += ["", _t(lang, f"**Vinner: tilbud {ev.winner}.** Valgte partnere: "
                                   f"{', '.join(ev.partners)}.",
                             f"**Winner: proposal {ev.winner}.** Selected partners: "
                             f"{', '.join(ev.partners)}.")]
        show_markdown("\n".join(lines))

    def ranking(self) -> None:
        """Show the ranking table: points per main criterion, total, partner, exclusions."""
        ev, lang = self.evaluation, self.language
        obj = score_object(ev, lang)
        rows = []
        for p in obj["proposals"]:
            row: dict[str, Any] = {"#": "–" if p["rank"] is None else str(p["rank"]),
                                   "ID": p["id"],
                                   _t(lang, "Leverandør", "Supplier"): p["supplier"]}
            for top in ev.model.criteria:
                row[top.title.get(lang)] = p["criteria"][top.id]["points"]
            row[_t(lang, "Sum", "Total")] = p["total"]
            if ev.evaluated_price is not None:
                row[_t(lang, "Evaluert pris", "Evaluated price")] = format_money(
                    p.get("evaluated_price"), lang, ev.tender.currency)
            row[_t(lang, "Status", "Status")] = (
                _t(lang, "partner", "partner") if p["partner"] else
                (p["exclusion_reason"] or "") if p["excluded"] else "")
            rows.append(row)
        show_markdown(_t(lang, "## Rangering og valg av partnere\n\nTilbudene i rangert "
                               "rekkefølge. Like summer avgjøres av modellens utslagsregler "
                               f"({', '.join(ev.model.tie_break)}), aldri av rekkefølge "
                               "eller tilfeldighet.",
                         "## Ranking and partner selection\n\nThe proposals in rank order. "
                         "Equal totals are decided by the model's tie-break rules "
                         f"({', '.join(ev.model.tie_break)}), never by order or chance."))
        show_table(pd.DataFrame(rows), lang, uuid="ranking")

    def points_chart(self) -> None:
        """Show the stacked bar of weighted points per main criterion."""
        lang = self.language
        show_markdown(_t(lang, "## Poeng per hovedkriterium\n\nHver søyle er ett tilbud; "
                               "fargene viser hvor poengene kommer fra.",
                         "## Points per main criterion\n\nEach bar is one proposal; the "
                         "colours show where its points come from."))
        show_figure(figures.points_by_criterion(self.evaluation, lang))

    def price_quality_chart(self) -> None:
        """Show evaluated price against quality points."""
        lang = self.language
        show_markdown(_t(lang, "## Pris mot kvalitet\n\nGrønne punkter er valgte partnere.",
                         "## Price against quality\n\nGreen points are selected partners."))
        show_figure(figures.price_against_quality(self.evaluation, lang))

    def disagreement(self) -> None:
        """Show where the evaluators disagreed and what the committee agreed."""
        ev, lang = self.evaluation, self.language
        panel = ev.panel
        leaves = ev.model.quality_leaves
        show_markdown(_t(lang, "## Uenighet mellom evaluatorene\n\nSprik på minst "
                               f"{format_number(100 * ev.model.disagreement, lang, 0)} % av "
                               "skalaen er flagget; komiteens begrunnelse viser hvordan det "
                               "ble løst.",
                         "## Disagreement between evaluators\n\nSpreads of at least "
                         f"{format_number(100 * ev.model.disagreement, lang, 0)} % of the "
                         "scale are flagged; the committee's justification shows how it was "
                         "resolved."))
        if not leaves or not panel.evaluators:
            return
        show_figure(figures.disagreement_heatmap(ev, lang))
        rows = []
        consensus = ev.tender.consensus
        for i, q in zip(*np.nonzero(panel.flagged), strict=True):
            pid, leaf = ev.proposal_ids[i], leaves[q]
            text = ""
            if consensus is not None:
                mask = (consensus["proposal_id"] == pid) & (consensus["criterion_id"] == leaf.id)
                text = str(consensus.loc[mask, "justification"].iloc[0]) if mask.any() else ""
            scores = ", ".join(format_number(s, lang, 1) for s in panel.individual[:, i, q]
                               if np.isfinite(s))
            rows.append({_t(lang, "Tilbud", "Proposal"): pid,
                         _t(lang, "Kriterium", "Criterion"): leaf.title.get(lang),
                         _t(lang, "Poeng", "Scores"): scores,
                         _t(lang, "Vedtatt", "Agreed"): float(panel.aggregated[i, q]),
                         _t(lang, "Løsning", "Resolution"): text})
        if rows:
            show_table(pd.DataFrame(rows), lang, uuid="disagreement")

    def diagnostics(self) -> None:
        """Show realised against nominal weights, NOK per quality point and the warnings."""
        ev, lang = self.evaluation, self.language
        show_markdown(_t(lang, "## Hva modellen faktisk gjør\n\nRealisert vekt er et "
                               "kriteriums andel av forskjellene som avgjør; den kan avvike "
                               "mye fra den nominelle vekten.",
                         "## What the model really does\n\nA criterion's realised weight is "
                         "its share of the differences that decide; it can differ much from "
                         "the nominal weight."))
        show_figure(figures.realised_weights(ev, lang))
        nok = ev.diagnostics.get("nok_per_point", {})
        if nok:
            rows = [{_t(lang, "Kriterium", "Criterion"): ev.model.node(c).title.get(lang),
                     **{ev.model.node(p).title.get(lang): format_money(v, lang,
                                                                       ev.tender.currency)
                        for p, v in per.items()}} for c, per in nok.items()]
            show_markdown(_t(lang, "Ett poeng mer på et kvalitetskriterium er verdt like mye "
                                   "som denne prisforskjellen (ved vinnerens pris):",
                             "One more point on a quality criterion is worth as much as this "
                             "price difference (at the winner's price):"))
            show_table(pd.DataFrame(rows), lang, uuid="nok")
        warnings = [w.get(lang) for w in ev.warnings]
        if warnings:
            show_markdown(_t(lang, "### Advarsler", "### Warnings") + "\n\n" +
                          "\n".join(f"- {w}" for w in warnings))

    def sensitivity(self) -> None:
        """Show how robust the award is to the weights (see ``evaluation.sensitivity``)."""
        show_markdown(_t(self.language, "## Følsomhet for vektene\n\n_Følsomhetsanalysen "
                                        "kommer her._",
                         "## Sensitivity to the weights\n\n_The sensitivity analysis goes "
                         "here._"))

    def panel(self, interactive: bool) -> None:
        """Show the interactive weight panel when run interactively (never in batch runs)."""
        if not interactive:
            return
        from .widgets import WeightPanel

        WeightPanel(self.evaluation, self.language).show()

    def result(self) -> dict[str, Any]:
        """Return the committee's result payload: the ``score`` object."""
        return score_object(self.evaluation, self.language)

    def publish(self) -> None:
        """Display the result payload (the notebook's last output)."""
        publish_result("committee", self.parameters, self.result())
