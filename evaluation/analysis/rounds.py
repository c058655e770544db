"""Round over round: how each tender moved between the negotiation rounds.

Every round is evaluated with the tender's one frozen model (its own award files, the same
criteria and weights), and the rounds are set side by side per proposal and criterion:
score, points, price, total and rank, with the change from the round before. For the
committee's view of the negotiation and for the protocol (directive 2014/24/EU art. 55(2)(d):
the conduct and progress of the negotiations, told on request).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common.payload import number
from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import evaluate_tender
from evaluation.core.tender import Tender


@dataclass(frozen=True)
class RoundsComparison:
    """The evaluations of the rounds present, oldest first."""

    rounds: tuple[str, ...]
    evaluations: tuple[Evaluation, ...]

    @property
    def proposals(self) -> list[str]:
        """Every proposal that tendered in any round, in order of first appearance."""
        seen: dict[str, None] = {}
        for ev in self.evaluations:
            seen.update(dict.fromkeys(ev.proposal_ids))
        return list(seen)


def compare_rounds(tender: Tender) -> RoundsComparison | None:
    """Return the rounds of ``tender`` up to its own, each evaluated; ``None`` without
    rounds. Earlier rounds are loaded without checking the record again (the tender's own
    round checked it up to here)."""
    from evaluation.data.tender import load_tender

    plan = tender.round_plan
    if plan is None or tender.round is None:
        return None
    ids = [r.id for r in plan.rounds[:plan.index(tender.round) + 1]]
    evaluations = [evaluate_tender(load_tender(Path(tender.folder), round=r, record=False))
                   if r != tender.round else evaluate_tender(tender) for r in ids]
    return RoundsComparison(tuple(ids), tuple(evaluations))


def _cell(ev: Evaluation, pid: str) -> dict[str, Any] | None:
    if pid not in ev.proposal_ids:
        return None
    i = ev.index(pid)
    excluded = bool(ev.excluded[i])
    criteria = {}
    for top in ev.model.criteria:
        criteria[top.id] = {"points": None if excluded else number(ev.node_points[top.id][i])}
    for j, leaf in enumerate(ev.leaves):
        if not leaf.is_price:
            criteria[leaf.id] = {"score": number(ev.scores[i, j]),
                                 "points": None if excluded else
                                 number(ev.node_points[leaf.id][i])}
    return {"total": None if excluded else number(ev.totals[i]),
            "rank": None if excluded else int(ev.rank[i]),
            "prices": {f: number(ev.prices[i, k]) for k, f in enumerate(ev.price_fields)},
            "evaluated_price": None if ev.evaluated_price is None or excluded else
            number(ev.evaluated_price[i]),
            "excluded": excluded, "criteria": criteria}


def _change(new: Any, old: Any) -> Any:
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _change(new[k], old.get(k)) for k in new if k != "excluded"}
    if isinstance(new, int | float) and isinstance(old, int | float) and \
            not isinstance(new, bool):
        return new - old
    return None


def rounds_object(comparison: RoundsComparison) -> dict[str, Any]:
    """Return the round-over-round object (``evaluation rounds --format json``): per proposal,
    each round's total, rank, prices and per-criterion scores and points, and the change from
    the previous round it tendered in (``null`` where it did not tender)."""
    out: dict[str, Any] = {"rounds": list(comparison.rounds), "proposals": []}
    for pid in comparison.proposals:
        entries: dict[str, Any] = {}
        previous = None
        for rid, ev in zip(comparison.rounds, comparison.evaluations, strict=True):
            cell = _cell(ev, pid)
            if cell is not None and previous is not None:
                cell["change"] = _change({k: cell[k] for k in ("total", "rank", "prices",
                                                               "criteria")}, previous)
            entries[rid] = cell
            previous = cell if cell is not None else previous
        supplier = next(str(ev.tender.proposals.loc[pid, "supplier"])
                        for ev in comparison.evaluations if pid in ev.proposal_ids)
        out["proposals"].append({"id": pid, "supplier": supplier, "rounds": entries})
    return out
