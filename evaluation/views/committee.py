"""The sections of ``notebooks/committee.ipynb``: ranking, partners, charts, diagnostics.

Each public method displays one section in the chosen language; the notebook calls them one
per cell and holds no logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.rounds import RoundsComparison, compare_rounds, rounds_object
from evaluation.common.labels import format_money, format_number, format_range
from evaluation.common.labels import pick as _t
from evaluation.common.markup import markdown_code
from evaluation.core.evaluation import Evaluation
from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.core.words import (
    SAMPLERS,
    price_model_name,
    proposal_status,
    tie_break_words,
    word,
)
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
class CommitteeView:
    """A whole evaluated tender, with a method per notebook section."""

    evaluation: Evaluation
    language: str
    parameters: dict[str, Any]
    _analysis: dict[str, Any] | None = None

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
        m = inline
        title, code = m(model.title.get(lang)), markdown_code(model.id)
        lines = [f"# {m(tender.title.get(lang))}", "",
                 _t(lang, f"Evalueringsmodell: **{title}** "
                          f"({code}, sha256 `{model.sha256[:12]}…`).",
                    f"Evaluation model: **{title}** "
                    f"({code}, sha256 `{model.sha256[:12]}…`)."), "",
                 _t(lang, f"{n} tilbud er mottatt; {excluded} er ikke med i rangeringen. "
                          f"Det skal velges {tender.partners} partner(e).",
                    f"{n} proposals were received; {excluded} are not ranked. "
                    f"{tender.partners} partner(s) are to be selected.")]
        if ev.winner:
            partners = m(", ".join(ev.partners))
            lines += ["", _t(lang, f"**Vinner: tilbud {m(ev.winner)}.** Valgte partnere: "
                                   f"{partners}.",
                             f"**Winner: proposal {m(ev.winner)}.** Selected partners: "
                             f"{partners}.")]
        show_markdown("\n".join(lines))

    def ranking(self) -> None:
        """Show the ranking table: points per main criterion, total, partner, exclusions."""
        ev, lang = self.evaluation, self.language
        obj = self._scores
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
            row[_t(lang, "Status", "Status")] = proposal_status(p, lang)
            rows.append(row)
        rules = inline(tie_break_words(ev.model).get(lang))
        show_markdown(_t(lang, "## Rangering og valg av partnere\n\nTilbudene i rangert "
                               "rekkefølge. Like summer avgjøres av modellens utslagsregler "
                               f"({rules}), aldri av rekkefølge eller tilfeldighet.",
                         "## Ranking and partner selection\n\nThe proposals in rank order. "
                         "Equal totals are decided by the model's tie-break rules "
                         f"({rules}), never by order or chance."))
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
        for i, q in zip(*np.nonzero(panel.flagged), strict=True):
            pid, leaf = ev.proposal_ids[i], leaves[q]
            row = ev.tender.consensus_row(pid, leaf.id)
            text = "" if row is None else str(row["justification"])
            scores = ", ".join(format_number(s, lang, 1) for s in panel.individual[:, i, q]
                               if np.isfinite(s))
            rows.append({_t(lang, "Tilbud", "Proposal"): pid,
                         _t(lang, "Kriterium", "Criterion"): leaf.title.get(lang),
                         _t(lang, "Poeng", "Scores"): scores,
                         _t(lang, "Vedtatt", "Agreed"): float(panel.aggregated[i, q]),
                         _t(lang, "Løsning", "Resolution"): text})
        if rows:
            show_table(pd.DataFrame(rows), lang, uuid="disagreement", confidential=True)

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
                          "\n".join(f"- {inline(w)}" for w in warnings))

    @cached_property
    def _scores(self) -> dict[str, Any]:
        """The score object (shown by ``ranking`` and published by ``result``): built once."""
        return score_object(self.evaluation, self.language)

    @property
    def analysis(self) -> dict[str, Any]:
        """The sensitivity analysis (computed once, seeded: the same every run)."""
        if self._analysis is None:
            from evaluation.analysis.sensitivity import analyse

            self._analysis = analyse(self.evaluation)
        return self._analysis

    def sensitivity(self) -> None:
        """Show how robust the award is to the weights: intervals, SMAA, rank reversals."""
        ev, lang = self.evaluation, self.language
        result = self.analysis
        show_markdown(_t(lang, "## Følsomhet for vektene\n\nDe publiserte vektene er "
                               "bindende. Analysen viser hvor robust valget er: innenfor "
                               "hvilket intervall hver vekt kan ligge (de andre skalert "
                               "forholdsmessig) uten at vinneren, partnerne eller hele "
                               "rangeringen endres, regnet eksakt.",
                         "## Sensitivity to the weights\n\nThe published weights are "
                         "binding. The analysis shows how robust the choice is: the interval "
                         "within which each weight can lie (the others rescaled "
                         "proportionally) without changing the winner, the partners or the "
                         "whole ranking, computed exactly."))
        stab = result["stability"]
        if stab is None:
            show_markdown(_t(lang, "_Stabilitetsintervaller gjelder bare vektet poengsum._",
                             "_Stability intervals apply to weighted points only._"))
        else:
            rows = []
            for cid, entry in [*((k, v) for k, v in stab.items() if k != "leaves"),
                               *stab["leaves"].items()]:
                node = ev.model.node(cid)
                indent = "\u2003" * (len(node.path) - 1)
                rows.append({_t(lang, "Kriterium", "Criterion"): indent + node.title.get(lang),
                             _t(lang, "Publisert vekt", "Published weight"):
                                 format_number(entry["published"], lang, 1),
                             _t(lang, "Samme vinner", "Same winner"):
                                 format_range(entry["low"], entry["high"], lang),
                             _t(lang, "Samme partnere", "Same partners"):
                                 format_range(entry["partners_low"], entry["partners_high"], lang),
                             _t(lang, "Samme rangering", "Same ranking"):
                                 format_range(entry["ranking_low"], entry["ranking_high"], lang)})
            show_markdown(_t(lang, "_Én vekt om gangen, de andre vektene skalert "
                                   "forholdsmessig: de kan da havne utenfor sine kunngjorte "
                                   "intervaller._",
                             "_One weight at a time, the other weights rescaled "
                             "proportionally: they may then leave their announced ranges._"))
            show_table(pd.DataFrame(rows), lang, uuid="stability")
        smaa = result["smaa"]
        if smaa.get("rank_acceptability"):
            drawn = word(SAMPLERS, str(smaa["sampler"]))
            show_markdown(_t(lang, f"### Simulerte vekter (SMAA-2)\n\n{smaa['samples']} "
                                   f"vektsett trukket {drawn.nb} (frø {smaa['seed']}). "
                                   "Tabellen viser andelen trekk der hvert tilbud får hver "
                                   "plass, og konfidensfaktoren (andelen det vinner med sine "
                                   "sentrale vekter).",
                             f"### Simulated weights (SMAA-2)\n\n{smaa['samples']} weight "
                             f"vectors drawn {drawn.en} (seed {smaa['seed']}). The "
                             "table shows the share of draws in which each proposal takes "
                             "each rank, and its confidence factor (the share it wins with "
                             "its central weights)."))
            rows = []
            for pid, shares in smaa["rank_acceptability"].items():
                row: dict[str, Any] = {_t(lang, "Tilbud", "Proposal"): pid}
                for r, b in enumerate(shares, start=1):
                    row[f"{_t(lang, 'Plass', 'Rank')} {r}"] = format_number(100 * b, lang, 1)
                conf = smaa["confidence"][pid]
                row[_t(lang, "Konfidens", "Confidence")] = "–" if conf is None else \
                    format_number(conf, lang, 2)
                rows.append(row)
            show_figure(figures.rank_acceptability_heatmap(smaa, lang))
            show_table(pd.DataFrame(rows), lang, uuid="smaa")
        reversals = result["rank_reversals"]
        if reversals:
            show_markdown(_t(lang, "### Rangeringsreverseringer\n\nHva skjer hvis et tilbud "
                                   "som ikke vinner fjernes, eller et dominert lokketilbud "
                                   "legges til, under modellens prismodell og alternativene?",
                             "### Rank reversals\n\nWhat happens if a non-winning proposal "
                             "is removed, or a dominated decoy added, under the model's price "
                             "model and the alternatives?"))
            show_table(pd.DataFrame([{
                _t(lang, "Prismodell", "Price model"): price_model_name(r["price_model"],
                                                                        lang),
                _t(lang, "Vinner", "Winner"): r["winner"],
                _t(lang, "Tester", "Tests"): str(r["tests"]),
                _t(lang, "Vinnerbytter", "Winner changes"):
                    str(sum(c["winner_changed"] for c in r["changes"])),
                _t(lang, "Endret rekkefølge", "Order changes"): str(len(r["changes"]))}
                for r in reversals]), lang, uuid="reversals")

    def panel(self, interactive: bool) -> None:
        """Show the interactive weight panel when run interactively (never in batch runs)."""
        if not interactive:
            return
        from evaluation.views.panel import WeightPanel

        lang = self.language
        show_markdown(_t(lang, "## Vektene: hvor robust er valget?\n\nFlytt en glidebryter "
                               "med musen eller piltastene og se rangeringen følge.",
                         "## The weights: how robust is the choice?\n\nMove a slider with "
                         "the mouse or the arrow keys and watch the ranking follow."))
        # the panel quotes the SMAA result shown under "Sensitivity": one result per page
        WeightPanel(self.evaluation, lang, smaa_summary=self.analysis["smaa"]).show()

    def negotiation(self) -> None:
        """Show the conduct and progress of the negotiation, round over round (a tender
        without rounds: one line)."""
        from evaluation.views.negotiation import show_negotiation

        show_negotiation(self.evaluation, self._rounds, self.language)

    @cached_property
    def _rounds(self) -> RoundsComparison | None:
        """The rounds evaluated side by side (``None``: no rounds): computed once."""
        return compare_rounds(self.evaluation.tender)

    def result(self) -> dict[str, Any]:
        """Return the committee's result payload: the ``score`` object and the sensitivity,
        and with negotiation rounds the rounds compared."""
        out = {**self._scores, "sensitivity": self.analysis}
        if self._rounds is not None:
            out["rounds"] = rounds_object(self._rounds)
        return out

    def publish(self) -> None:
        """Display the result payload (the notebook's last output)."""
        publish_result("committee", self.parameters, self.result())
