"""How robust the award is to the weights: stability intervals, SMAA-2, rank reversals.

The published weights are binding; this is for designing the model before publication and
documenting the award. Kernels live in :mod:`evaluation.analysis.stability` (exact, one weight at a
time) and :mod:`evaluation.analysis.smaa` (vectorised over many weight draws); this module turns an
:class:`~evaluation.core.scoring.Evaluation` into their inputs and their outputs into the JSON of
``evaluation sensitivity`` (design.md).

Both are computed under the whole model, as re-scoring the tender with other weights would:
a group's minimum is points of the total, so a proposal can fall below it (or rise above it)
as the weights move, and is then excluded, with relative price scores and normalisation taken
among the others (:mod:`evaluation.analysis.intervals`, :mod:`evaluation.analysis.draws`).
Proposals rejected as inadmissible never take part.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.draws import draw_scores, draw_weights, main_criteria, smaa_inputs
from evaluation.analysis.intervals import stability_of
from evaluation.analysis.smaa import SmaaResult, run_smaa
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion, Model

Array = NDArray[np.float64]
DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20261126


def stability(evaluation: Evaluation) -> dict[str, Any] | None:
    """Return every node's weight stability intervals, in the model's weight units (0–100).

    For node ``k`` among siblings rescaled proportionally, the interval of its local weight
    where the winner, the partner set, or the whole ranking stays as published, under the
    whole model: a proposal crossing a group minimum, and a normalised group whose best share
    changes owner, cut the weights into pieces on which the totals are exact lines (or lines
    over one common positive line), so the ends are exact (:mod:`evaluation.analysis.intervals`;
    Triantaphyllou & Sánchez 1997). Only for the weighted-points award model; ``None``
    otherwise.
    """
    model = evaluation.model
    if model.award_model != "weighted_points" or len(evaluation.order) < 2:
        return None
    found = stability_of(evaluation)
    out: dict[str, Any] = {}
    leaves_out: dict[str, Any] = {}
    for node in model.nodes():
        kinds = found[node.id]
        entry: dict[str, Any] = {"published": 100.0 * ((node.weight or 0.0) / 100.0)}
        entry["low"], entry["high"] = (100.0 * x for x in kinds["winner"])
        entry["partners_low"], entry["partners_high"] = (100.0 * x for x in kinds["partners"])
        entry["ranking_low"], entry["ranking_high"] = (100.0 * x for x in kinds["ranking"])
        (out if len(node.path) == 1 else leaves_out)[node.id] = entry
    out["leaves"] = leaves_out
    return out


def smaa(evaluation: Evaluation, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
         sampler: str = "default", spread: float = 5.0,
         score_uncertainty: bool = False) -> tuple[SmaaResult | None, dict[str, Any]]:
    """Return the SMAA-2 result over the main criteria and its JSON summary (design.md).

    Every draw is scored by the whole model (:mod:`evaluation.analysis.draws`): under a draw's
    weights a proposal below a group minimum takes no part in it, and drawn scores
    (``score_uncertainty``: each from the evaluators' own) are normalised, checked against the
    minimums and priced like the agreed ones. Ranks follow
    :mod:`evaluation.analysis.smaa`: tied totals share the better rank, as in R ``smaa``.
    """
    summary: dict[str, Any] = {"samples": samples, "seed": seed}
    if evaluation.model.award_model != "weighted_points" or not evaluation.included.any():
        summary.update({"sampler": None, "rank_acceptability": {}, "central_weights": {},
                        "confidence": {}, "note": "weighted points only"})
        return None, summary
    rng = np.random.default_rng(seed)
    weights, name, rate = draw_weights(evaluation, samples, rng, sampler, spread)
    _, _, crit = main_criteria(evaluation)
    drawn = draw_scores(evaluation, samples, rng) if score_uncertainty else None
    inputs = smaa_inputs(evaluation, weights, drawn)
    ids = list(inputs.ids)
    result = run_smaa(inputs.values, weights, included=inputs.included, sets=inputs.sets,
                      confidence_inputs=inputs.confidence)

    def num(x: float) -> float | None:
        return None if not np.isfinite(x) else float(x)

    summary.update({
        "sampler": name,
        "acceptance_rate": rate,
        "score_uncertainty": score_uncertainty,
        "rank_acceptability": {p: [float(b) for b in result.rank_acceptability[i]]
                               for i, p in enumerate(ids)},
        "standard_error": {p: [float(s) for s in result.standard_error[i]]
                           for i, p in enumerate(ids)},
        "central_weights": {p: (None if not np.all(np.isfinite(result.central_weights[i]))
                                else {c: 100.0 * float(w) for c, w in
                                      zip(crit, result.central_weights[i], strict=True)})
                            for i, p in enumerate(ids)},
        "confidence": {p: num(result.confidence[i]) for i, p in enumerate(ids)},
        "pairwise_winning": {p: {q: float(result.pairwise_winning[i, j])
                                 for j, q in enumerate(ids) if q != p}
                             for i, p in enumerate(ids)},
        "ranking_entropy": float(result.ranking_entropy),
    })
    return result, summary


def with_price_model(model: Model, model_id: str, params: dict[str, Any]) -> Model:
    """Return ``model`` with every price leaf scored by ``model_id`` instead."""
    def swap(node: Criterion) -> Criterion:
        if node.price is not None:
            price = dataclasses.replace(node.price, model=model_id, params=dict(params))
            return dataclasses.replace(node, price=price)
        if node.children:
            return dataclasses.replace(node, children=tuple(swap(c) for c in node.children))
        return node
    return dataclasses.replace(model, criteria=tuple(swap(c) for c in model.criteria))


def _without(tender: Any, pid: str) -> Any:
    keep = [p for p in tender.proposal_ids if p != pid]
    consensus = None if tender.consensus is None else \
        tender.consensus[tender.consensus["proposal_id"] != pid]
    return dataclasses.replace(tender, proposals=tender.proposals.loc[keep],
                               prices=tender.prices.loc[keep],
                               scores=tender.scores[tender.scores["proposal_id"] != pid],
                               consensus=consensus)


def decoy_id(tender: Any) -> str:
    """Return an id for the fictitious decoy that no proposal of the tender has: ``DECOY``,
    else ``DECOY-2``, ``DECOY-3``, …"""
    taken = set(tender.proposal_ids)
    return next(pid for pid in ("DECOY", *(f"DECOY-{k}" for k in range(2, len(taken) + 3)))
                if pid not in taken)


def _with_decoy(tender: Any, evaluation: Evaluation, pid: str) -> Any:
    """Return the tender plus a strictly dominated fictitious proposal ``pid``."""
    import pandas as pd

    rows = np.flatnonzero(evaluation.included)
    prices = tender.prices.copy()
    decoy_prices = {}
    for leaf in evaluation.model.price_leaves:
        assert leaf.price is not None
        column = prices[leaf.price.field].to_numpy()[rows]
        decoy_prices[leaf.price.field] = (1.25 * np.nanmax(column) if leaf.price.direction
                                          == "cost" else 0.75 * np.nanmin(column))
    prices.loc[pid] = pd.Series(decoy_prices)
    proposals = tender.proposals.copy()
    proposals.loc[pid, ["supplier", "admissible", "rejection_reason"]] = ["decoy", True, ""]
    quality = evaluation.panel.aggregated[rows]
    minimum = np.nanmin(quality, axis=0) if quality.size else np.array([])
    leaves = evaluation.model.quality_leaves
    new = [{"proposal_id": pid, "criterion_id": leaf.id,
            "score": max(leaf.scale.min, float(minimum[q]) - 0.5 * leaf.scale.range / 10),
            "justification": "decoy"} for q, leaf in enumerate(leaves)]
    scores = pd.concat([tender.scores] + [pd.DataFrame(new).assign(evaluator=e)
                                          for e in tender.evaluators], ignore_index=True)
    consensus = None if tender.consensus is None else pd.concat(
        [tender.consensus, pd.DataFrame(new)], ignore_index=True)
    return dataclasses.replace(tender, proposals=proposals, prices=prices, scores=scores,
                               consensus=consensus)


def price_model_alternatives(evaluation: Evaluation) -> list[tuple[str, dict[str, Any]]]:
    """Return the price models to test: the model's own and catalogue alternatives.

    ``fixed_endpoints`` takes its endpoints from the admitted prices (best = 0.9 × lowest,
    worst = 1.5 × highest), as a committee would announce them from its budget.
    """
    own = [(leaf.price.model, dict(leaf.price.params)) for leaf in evaluation.model.price_leaves
           if leaf.price is not None][:1]
    rows = np.flatnonzero(evaluation.included)
    prices = evaluation.prices[rows]
    options: list[tuple[str, dict[str, Any]]] = list(own)
    if prices.size:
        for model_id, params in (("linear", {}), ("proportional", {}), ("two_sided", {}),
                                 ("log", {"zero_at": 2.0})):
            if all(model_id != m for m, _ in options):
                options.append((model_id, params))
        if len(evaluation.price_fields) == 1 and all(m != "fixed_endpoints" for m, _ in options):
            options.append(("fixed_endpoints", {"best": 0.9 * float(np.nanmin(prices)),
                                                "worst": 1.5 * float(np.nanmax(prices))}))
    return options


def rank_reversals(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Return, per price model, every change of winner or of the order of the others when a
    non-winning proposal is left out or a dominated decoy is added (price-models.md)."""
    from evaluation.core.scoring import evaluate_tender

    tender = evaluation.tender
    if evaluation.model.award_model != "weighted_points" or evaluation.winner is None:
        return []
    out = []
    for model_id, params in price_model_alternatives(evaluation):
        model = with_price_model(evaluation.model, model_id, params)
        base_tender = dataclasses.replace(tender, model=model)
        base = evaluate_tender(base_tender)
        tests = [("removed", p, _without(base_tender, p)) for p in base.order[1:]]
        decoy = decoy_id(base_tender)
        tests.append(("decoy", decoy, _with_decoy(base_tender, base, decoy)))
        changes = []
        for kind, pid, changed in tests:
            after = evaluate_tender(changed)
            expected = [p for p in base.order if p != pid]
            order = [p for p in after.order if p != pid]
            if after.winner != base.winner or order != expected:
                changes.append({"test": kind, "proposal": pid, "winner_before": base.winner,
                                "winner_after": after.winner,
                                "winner_changed": after.winner != base.winner,
                                "order_before": expected, "order_after": order})
        out.append({"price_model": model_id, "params": params,
                    "relative": model.relative_price, "winner": base.winner,
                    "tests": len(tests), "changes": changes})
    return out


def analyse(evaluation: Evaluation, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
            sampler: str = "default", spread: float = 5.0,
            score_uncertainty: bool = False) -> dict[str, Any]:
    """Return the ``evaluation sensitivity --format json`` object (design.md)."""
    _, smaa_summary = smaa(evaluation, samples, seed, sampler, spread, score_uncertainty)
    return {"tender": evaluation.tender.id, "winner": evaluation.winner,
            "partners": list(evaluation.partners),
            "stability": stability(evaluation), "smaa": smaa_summary,
            "rank_reversals": rank_reversals(evaluation)}
