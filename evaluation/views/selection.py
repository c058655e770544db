"""The sections of ``notebooks/selection.ipynb``: the prequalification, read as a document.

Each public method displays one section (prose, then a table or chart) in the chosen
language; the notebook calls them one per cell and holds no logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.analysis.invitation import invitation_robustness
from evaluation.common.labels import format_number, format_range
from evaluation.common.labels import pick as _t
from evaluation.core.prequalification import (
    SelectionResult,
    evaluate_selection,
    selection_object,
)
from evaluation.core.scoring import evaluate_tender
from evaluation.data.prequalification import load_prequalification
from evaluation.views import figures
from evaluation.views.display import (
    inline,
    publish_result,
    show_figure,
    show_markdown,
    show_table,
)

SAMPLES = 10_000
SEED = 20261126


@dataclass
class SelectionView:
    """A tender's prequalification, evaluated, with a method per notebook section."""

    result: SelectionResult
    language: str
    parameters: dict[str, Any]

    @classmethod
    def open(cls, tender: str | Path, language: str = "nb", **parameters: Any
             ) -> SelectionView:
        """Return the view after loading, qualifying, scoring and selecting."""
        pq = load_prequalification(tender)
        result = evaluate_selection(pq, evaluate_tender(pq.competition))
        return cls(result, language, {"tender": str(tender), "language": language,
                                      **parameters})

    @cached_property
    def robustness(self) -> dict[str, Any]:
        """The invited set's weight intervals and invitation acceptability (computed once)."""
        return invitation_robustness(self.result, SAMPLES, SEED)

    @property
    def _title(self) -> str:
        return self.result.evaluation.model.title.get(self.language)

    def summary(self) -> None:
        """Show who applied, who qualified, who is invited and the announced rule in words."""
        r, lang, m = self.result, self.language, inline
        pq, sel = r.prequalification, r.selection
        qualified = sum(o.qualified for o in r.outcomes)
        res = pq.rule.reserved
        lines = [f"# {m(self._title)}", "",
                 _t(lang, f"**{len(r.outcomes)} søknader** om å delta, **{qualified} "
                          f"kvalifisert**, **{len(r.invited)} invitert** til å gi tilbud.",
                    f"**{len(r.outcomes)} requests** to participate, **{qualified} "
                    f"qualified**, **{len(r.invited)} invited** to tender."), "",
                 _t(lang, f"Kunngjort regel: høyst {pq.rule.max} og minst {pq.rule.min} "
                          "inviteres.",
                    f"Announced rule: at most {pq.rule.max} and at least {pq.rule.min} are "
                    "invited.")]
        if res is not None:
            how = (_t(lang, f"reservasjon: komiteen har registrert {res.places} plasser som "
                            "går først til de beste i kategorien; de andre konkurrerer "
                            "også om de øvrige plassene",
                      f"reservation: the committee recorded {res.places} places, which go "
                      "first to the best of the category; they also compete for the other "
                      "places") if res.reading == "reservation" else
                   _t(lang, f"kvote: de {res.min} beste i kategorien inviteres først, og "
                            f"høyst {res.max} av dem i alt",
                      f"quota: the best {res.min} of the category are invited first, and at "
                      f"most {res.max} of them in all"))
            lines.append(_t(
                lang,
                f"Dersom flere enn {res.when_qualified_more_than} er kvalifisert, reserveres "
                f"minst {res.min} og høyst {res.max} plasser for kategorien "
                f"**{m(res.category)}** ({how}). " +
                ("Regelen gjelder her." if sel.reserved_applied else "Regelen gjelder ikke."),
                f"If more than {res.when_qualified_more_than} qualify, at least {res.min} and "
                f"at most {res.max} places are reserved for the category "
                f"**{m(res.category)}** ({how}). " +
                ("The rule applies here." if sel.reserved_applied else
                 "The rule does not apply.")))
            if pq.category_definition is not None:
                lines += ["", f"*{m(pq.category_definition.get(lang))}*"]
        for w in sel.warnings:
            lines += ["", f"**{_t(lang, 'Advarsel', 'Warning')}:** {m(w.get(lang))}"]
        show_markdown("\n".join(lines))

    def qualification(self) -> None:
        """Show each applicant's qualification requirements met or not, with the failures'
        evidence."""
        r, lang = self.result, self.language
        pq = r.prequalification
        rows = []
        for pid, a in pq.applicants.iterrows():
            checks = pq.checks[pq.checks["applicant_id"] == pid].set_index("requirement_id")
            row = {"ID": pid, _t(lang, "Søker", "Applicant"): a["name"]}
            for q in pq.requirements:
                row[f"{q.id} {q.title.get(lang)}"] = bool(checks.loc[q.id, "met"])
            rows.append(row)
        show_table(pd.DataFrame(rows), lang)
        failed = [o for o in r.outcomes if not o.qualified]
        if failed:
            show_markdown("\n".join(f"- **{inline(o.id)} {inline(o.name)}**: "
                                    f"{inline(o.reason.get(lang))}" for o in failed))

    def ranking(self) -> None:
        """Show the invitation list: rank, points per criterion, total, invited and why."""
        r, lang = self.result, self.language
        ev = r.evaluation
        rows = []
        for o in r.outcomes:
            row: dict[str, Any] = {"#": "–" if o.rank is None else str(o.rank), "ID": o.id,
                                   _t(lang, "Søker", "Applicant"): o.name,
                                   _t(lang, "Kategori", "Category"): o.category}
            for top in ev.model.criteria:
                row[top.title.get(lang)] = (float(ev.node_points[top.id][ev.index(o.id)])
                                            if o.total is not None else None)
            row[_t(lang, "Sum", "Total")] = o.total
            row[_t(lang, "Invitert", "Invited")] = o.invited
            row[_t(lang, "Begrunnelse", "Reason")] = o.reason.get(lang)
            rows.append(row)
        show_table(pd.DataFrame(rows), lang)
        show_figure(figures.points_by_criterion(ev, lang))

    def robustness_section(self) -> None:
        """Show the weight intervals that keep the invited set, and each applicant's
        probability of being invited over the announced weight ranges."""
        lang, rob = self.language, self.robustness
        model = self.result.evaluation.model
        rows = [{_t(lang, "Kriterium", "Criterion"): model.node(cid).title.get(lang),
                 _t(lang, "Publisert vekt", "Published weight"): e["published"],
                 _t(lang, "Samme inviterte innenfor", "Same invited set within"):
                 format_range(e["low"], e["high"], lang)}
                for cid, e in rob["stability"].items()]
        show_markdown(_t(lang, "Én vekt om gangen, de andre skalert forholdsmessig:",
                         "One weight at a time, the others rescaled proportionally:"))
        show_table(pd.DataFrame(rows), lang, decimals=1)
        acc = rob["acceptability"]
        if not acc:
            return
        shares = acc["invited"]
        uncertain = {p: s for p, s in shares.items() if 0.0 < s < 1.0}
        text = (", ".join(f"{inline(p)} {format_number(100 * s, lang, 1)} %"
                          for p, s in sorted(uncertain.items(), key=lambda kv: -kv[1]))
                or _t(lang, "ingen", "none"))
        show_markdown(_t(lang, f"Over {acc['samples']} vekttrekk ({acc['sampler']}) er det "
                               f"usikkert om disse inviteres: {text}. De andre inviteres "
                               "alltid eller aldri.",
                         f"Over {acc['samples']} weight draws ({acc['sampler']}) the "
                         f"invitation is uncertain for: {text}. The others are always or "
                         "never invited."))
        ids = list(shares)
        fig = figures.invitation_chart(ids, [shares[p] for p in ids],
                                       figures.proposal_labels(self.result.evaluation, ids),
                                       lang)
        show_figure(fig)

    def publish(self) -> None:
        """Display the result payload (the selection object and its robustness)."""
        obj = selection_object(self.result, self.language)
        obj.update(self.robustness)
        publish_result("selection", self.parameters, obj)
