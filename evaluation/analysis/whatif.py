"""What it would take for a proposal to reach the winner: the score or the price needed.

Raw material for the proposal notebook and the award notice. Quality needs are linear in
the score; price needs are solved numerically because relative price models move every
proposal's price points when the best price moves. "Reaching" is drawing level: the score or
price at which the proposal's total equals the best rival's. At equal totals the ranking rule
of :mod:`evaluation.core.ranking` decides (the model's announced tie-break, then a shared
rank), so a proposal drawing level wins only if the tie-break favours it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.core.evaluation import Evaluation
from evaluation.core.price_models import score_price

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Need:
    """What one criterion would have to give for the proposal to draw level with the leader."""

    criterion_id: str
    current: float  # score (quality) or evaluated price (price)
    needed: float | None  # None: cannot be reached on this criterion alone
    feasible: bool
    kind: str  # "score" or "price"


def points_gap(evaluation: Evaluation, proposal_id: str) -> float:
    """Return the points between the proposal and the best other proposal (> 0: behind)."""
    i = evaluation.index(proposal_id)
    rivals = [j for j in np.flatnonzero(evaluation.included) if j != i]
    if not rivals:
        return 0.0
    return float(np.max(evaluation.totals[rivals]) - evaluation.totals[i])


def totals_with_price(evaluation: Evaluation, proposal: int, field: str, price: float) -> Array:
    """Return every included proposal's total if ``proposal`` had offered ``price`` on ``field``.

    Price points are recomputed for all proposals, so relative models are handled exactly.
    """
    model = evaluation.model
    prices = evaluation.prices.copy()
    prices[proposal, evaluation.price_fields.index(field)] = price
    rows = np.flatnonzero(evaluation.included)
    values = evaluation.values.copy()
    for j, leaf in enumerate(evaluation.leaves):
        if leaf.price is None or leaf.price.field != field or leaf.price.model == "none":
            continue
        scores = score_price(leaf.price.model, prices[rows, evaluation.price_fields.index(field)],
                             maximum=leaf.scale.max, direction=leaf.price.direction,
                             params=leaf.price.params)
        values[rows, j] = (scores - leaf.scale.min) / leaf.scale.range
    totals = model.points * (np.nan_to_num(values) @ evaluation.global_weights)
    return np.where(evaluation.included, totals, np.nan)


def price_needed(evaluation: Evaluation, proposal_id: str, field: str,
                 iterations: int = 80) -> float | None:
    """Return the highest price on ``field`` at which the proposal draws level with the best rival.

    Bisection on the price: the proposal's lead over its best rival never shrinks as its own
    cost price falls (for every catalogue model). ``None`` when even a price near zero is
    not enough; the current price when it already leads.
    """
    i = evaluation.index(proposal_id)
    col = evaluation.price_fields.index(field)
    current = float(evaluation.prices[i, col])
    leaf = next(leaf for leaf in evaluation.leaves if leaf.price and leaf.price.field == field)
    assert leaf.price is not None
    benefit = leaf.price.direction == "benefit"

    def lead(price: float) -> float:
        totals = totals_with_price(evaluation, i, field, price)
        others = np.delete(totals, i)
        others = others[np.isfinite(others)]
        return float(totals[i] - (others.max() if others.size else -np.inf))

    if lead(current) >= 0:
        return current
    # larger is better for a benefit: the search goes up from the current value, else down
    good, bad = (current * 1e3, current) if benefit else (current * 1e-9, current)
    if lead(good) < 0:
        return None
    for _ in range(iterations):  # keep a level-drawing end and a losing end
        mid = 0.5 * (good + bad)
        good, bad = (mid, bad) if lead(mid) >= 0 else (good, mid)
    return good


def needs(evaluation: Evaluation, proposal_id: str) -> list[Need]:
    """Return, per leaf, the score or price that alone would close the gap to the best rival.

    Quality: ``needed = score + gap / (points · w_c / (max − min))`` (exact without
    normalisation; with best-gets-max normalisation it is a lower bound). It inverts the
    weighted-points award rule ``total = points × Σ global_weight × value`` with
    ``value = (score − min)/(max − min)`` (price-models.md, "Award models").
    """
    i = evaluation.index(proposal_id)
    gap = points_gap(evaluation, proposal_id)
    out: list[Need] = []
    for j, leaf in enumerate(evaluation.leaves):
        if leaf.price is not None:
            if leaf.price.model == "none" or evaluation.model.award_model != "weighted_points":
                continue
            current = float(evaluation.prices[i, evaluation.price_fields.index(leaf.price.field)])
            needed = price_needed(evaluation, proposal_id, leaf.price.field) if gap > 0 \
                else current
            out.append(Need(leaf.id, current, needed, needed is not None, "price"))
            continue
        current = float(evaluation.scores[i, j])
        per_point = evaluation.model.points * evaluation.global_weights[j] / leaf.scale.range
        if gap <= 0:
            out.append(Need(leaf.id, current, current, True, "score"))
            continue
        needed_score = current + gap / per_point if per_point > 0 else None
        feasible = needed_score is not None and needed_score <= leaf.scale.max + 1e-9
        out.append(Need(leaf.id, current, needed_score, feasible, "score"))
    return out


def relative_strengths(evaluation: Evaluation, proposal_id: str,
                       reference_id: str) -> list[tuple[str, float]]:
    """Return ``(leaf id, points difference)`` against ``reference_id``, strongest first."""
    i, w = evaluation.index(proposal_id), evaluation.index(reference_id)
    diffs = []
    for leaf in evaluation.leaves:
        d = evaluation.node_points[leaf.id][i] - evaluation.node_points[leaf.id][w]
        diffs.append((leaf.id, float(d)))
    return sorted(diffs, key=lambda item: (-item[1], item[0]))
