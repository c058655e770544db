"""The committee notebook's account of a negotiation: its conduct and progress, round over
round (shown in JupyterLab, the dashboard and the report).

For a tender without negotiation rounds it says so in one line.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluation.analysis.rounds import RoundsComparison, rounds_object
from evaluation.common.labels import format_number
from evaluation.common.labels import pick as _t
from evaluation.core.evaluation import Evaluation
from evaluation.core.negotiation import conduct
from evaluation.views import figures
from evaluation.views.display import inline, show_figure, show_markdown, show_table


def show_negotiation(evaluation: Evaluation, comparison: RoundsComparison | None,
                     language: str) -> None:
    """Show the rounds, meetings, changes sent, reductions and departures, then the totals
    and ranks round over round with a chart."""
    tender = evaluation.tender
    lang = language
    if tender.round_plan is None or tender.negotiation is None:
        show_markdown(_t(lang, "Konkurransen har ingen forhandlingsrunder: én tildeling.",
                         "The competition has no negotiation rounds: one award."))
        return
    for section in conduct(tender.round_plan, tender.negotiation, lang):
        show_markdown(f"**{inline(section.heading)}**")
        if section.rows:
            show_table(pd.DataFrame(list(section.rows), columns=list(section.header)), lang)
        else:
            show_markdown(inline(section.empty))
    assert comparison is not None
    obj = rounds_object(comparison)
    rows = []
    for p in obj["proposals"]:
        row: dict[str, Any] = {"ID": p["id"], _t(lang, "Leverandør", "Supplier"): p["supplier"]}
        for rid in obj["rounds"]:
            cell = p["rounds"][rid]
            row[rid] = "–" if cell is None or cell["total"] is None else (
                f"{format_number(cell['total'], lang, 2)} ({_t(lang, 'nr.', 'no.')} "
                f"{cell['rank']})")
        rows.append(row)
    show_markdown(_t(lang, "**Sum og plassering per runde** (samme frosne modell i alle runder)",
                     "**Total and rank per round** (the same frozen model in every round)"))
    show_table(pd.DataFrame(rows), lang)
    show_figure(figures.rounds_chart(obj, lang))
