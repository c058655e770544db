"""How robust the award is to the weights: stability intervals, SMAA-2, rank reversals.

The published weights are binding; this is for designing the model before publication and
documenting the award. Kernels live in :mod:`evaluation.analysis.stability` (exact, one weight at a
time) and :mod:`evaluation.analysis.smaa` (vectorised over many weight draws); this module turns an
:class:`~evaluation.core.scoring.Evaluation` into their inputs and their outputs into the JSON of
``evaluation sensitivity`` (design.md).

Relative price models make price scores depend on the set of proposals, not on the weights:
with the proposals fixed every total is still linear in the weights, so the exact algebra of
the stability intervals holds for them too. Excluded proposals take no part.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.intervals import stability_of
from evaluation.analysis.sampling import sample_dirichlet, sample_intervals, sample_ranges
from evaluation.analysis.smaa import SmaaResult, run_smaa
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion, Model

Array = NDArray[np.float64]
DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20261126
SAMPLERS = ("default", "dirichlet", "ranges", "interval")


def relative_weights(model: Model, node: Criterion, leaves: tuple[Criterion, ...]) -> Array:
    """Return each leaf's weight within ``node`` (product of weight/100 below it; 0 outside)."""
    out = np.zeros(len(leaves))
    depth = len(node.path)
    for j, leaf in enumerate(leaves):
        if leaf.path[:depth] != node.path:
            continue
        w = 1.0
        for step in leaf.path[depth:]:
            weight = model.node(step).weight
            w *= 0.0 if weight is None else weight / 100.0
        out[j] = w
    return out


def node_values(evaluation: Evaluation, nodes: tuple[Criterion, ...]) -> Array:
    """Return the included proposals' value (0–1) on each node: the weighted mean of its leaves."""
    rows = np.flatnonzero(evaluation.included)
    leaf_values = np.nan_to_num(evaluation.values[rows])
    matrix = np.column_stack([relative_weights(evaluation.model, n, evaluation.leaves)
                              for n in nodes]) if nodes else np.zeros((len(evaluation.leaves), 0))
    return leaf_values @ matrix


def main_criteria(evaluation: Evaluation) -> tuple[Array, Array, list[str]]:
    """Return the main criteria's values (included × main), their weights (shares) and ids."""
    tops = evaluation.model.criteria
    weights = np.array([(t.weight or 0.0) / 100.0 for t in tops])
    return node_values(evaluation, tops), weights, [t.id for t in tops]


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


def draw_weights(evaluation: Evaluation, samples: int, rng: np.random.Generator,
                 sampler: str = "default", spread: float = 5.0) -> tuple[Array, str, float]:
    """Return weight draws over the main criteria (shares), the sampler used and its
    acceptance rate.

    ``default``: the announced ``weight_range`` s where the model has them (criteria without
    one range freely over [0, 100]), otherwise Dirichlet(1) over the main criteria; ``interval``
    is ± ``spread`` percentage points around the published weights.
    """
    tops = evaluation.model.criteria
    published = np.array([(t.weight or 0.0) / 100.0 for t in tops])
    has_ranges = any(t.weight_range for t in tops)
    if sampler == "default":
        sampler = "ranges" if has_ranges else "dirichlet"
    if sampler == "dirichlet":
        return sample_dirichlet(len(tops), samples, rng), "dirichlet", 1.0
    if sampler == "interval":
        weights, rate = sample_intervals(published, spread / 100.0, samples, rng)
        return weights, f"interval ±{spread:g} pp", rate
    if sampler == "ranges":
        low = np.array([t.weight_range[0] / 100.0 if t.weight_range else 0.0 for t in tops])
        high = np.array([t.weight_range[1] / 100.0 if t.weight_range else 1.0 for t in tops])
        weights, rate = sample_ranges(low, high, samples, rng)
        return weights, "ranges", rate
    raise ValueError(f"unknown sampler {sampler!r} (expected one of {', '.join(SAMPLERS)})")


def score_draws(evaluation: Evaluation, samples: int, rng: np.random.Generator) -> Array:
    """Return (samples × included × main) values with each quality score drawn from the
    evaluators' own scores for that proposal and criterion (a bootstrap of the panel).

    Price leaves keep their values; recused or missing scores fall back to the agreed score.
    Normalisation is not re-applied per draw. SMAA with uncertain criterion values
    (Lahdelma & Salminen 2001; Tervonen & Lahdelma 2007; price-models.md, "Sensitivity
    methods": "optionally sample scores (evaluators' spread)").
    """
    model = evaluation.model
    rows = np.flatnonzero(evaluation.included)
    individual = evaluation.panel.individual[:, rows, :]  # E × m × Q
    n_eval = individual.shape[0]
    values = np.nan_to_num(evaluation.values[rows])  # m × L
    qcols = [j for j, leaf in enumerate(evaluation.leaves) if not leaf.is_price]
    lo = np.array([evaluation.leaves[j].scale.min for j in qcols])
    span = np.array([evaluation.leaves[j].scale.range for j in qcols])
    matrix = np.column_stack([relative_weights(model, t, evaluation.leaves)
                              for t in model.criteria])
    out = np.empty((samples, len(rows), len(model.criteria)))
    if n_eval == 0 or not qcols:
        out[:] = values @ matrix
        return out
    pick = rng.integers(0, n_eval, size=(samples, len(rows), len(qcols)))
    by_cell = individual.transpose(1, 2, 0)  # m × Q × E
    drawn = by_cell[np.arange(len(rows))[None, :, None], np.arange(len(qcols))[None, None, :],
                    pick]
    agreed = evaluation.scores[rows][:, qcols]
    drawn = np.where(np.isnan(drawn), agreed[None], drawn)
    base = np.broadcast_to(values, (samples, *values.shape)).copy()
    base[:, :, qcols] = (drawn - lo) / span
    return base @ matrix


def smaa(evaluation: Evaluation, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
         sampler: str = "default", spread: float = 5.0,
         score_uncertainty: bool = False) -> tuple[SmaaResult | None, dict[str, Any]]:
    """Return the SMAA-2 result over the main criteria and its JSON summary (design.md)."""
    ids = [evaluation.proposal_ids[i] for i in np.flatnonzero(evaluation.included)]
    summary: dict[str, Any] = {"samples": samples, "seed": seed}
    if evaluation.model.award_model != "weighted_points" or not ids:
        summary.update({"sampler": None, "rank_acceptability": {}, "central_weights": {},
                        "confidence": {}, "note": "weighted points only"})
        return None, summary
    rng = np.random.default_rng(seed)
    weights, name, rate = draw_weights(evaluation, samples, rng, sampler, spread)
    values, _, crit = main_criteria(evaluation)
    data = score_draws(evaluation, samples, rng) if score_uncertainty else values
    result = run_smaa(data, weights)

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


def _with_decoy(tender: Any, evaluation: Evaluation) -> Any:
    """Return the tender plus a strictly dominated fictitious proposal ``DECOY``."""
    import pandas as pd

    pid = "DECOY"
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
        tests.append(("decoy", "DECOY", _with_decoy(base_tender, base)))
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
