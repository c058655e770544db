"""Scores a tender: one proposal × criterion matrix, thresholds, normalisation, price, totals.

The order of operations follows the guidance in price-models.md: proposals below a minimum
(or rejected) are excluded first; quality is normalised and relative price scores are computed
among the remaining proposals only; then the award model turns values into totals.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from evaluation.common.labels import Label, format_number
from evaluation.core import award
from evaluation.core.aggregation import build_panel
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion, Model
from evaluation.core.normalise import best_score, normalise_scores
from evaluation.core.price_models import score_price
from evaluation.core.tender import Tender
from evaluation.core.weights import leaf_weights, local_weights

Array = NDArray[np.float64]




def leaf_values(scores: Array, leaves: tuple[Criterion, ...]) -> Array:
    """Return ``(score − scale.min)/(scale.max − scale.min)`` for each leaf column: each
    criterion on its own scale, brought to 0–1 for ``total = points × Σ global_weight × value``
    (price-models.md, "Award models" and "Quality scoring conventions")."""
    lo = np.array([leaf.scale.min for leaf in leaves])
    span = np.array([leaf.scale.range for leaf in leaves])
    return (scores - lo) / span


def weighted_sum(values: Array, weights: Array) -> Array:
    """Return :math:`\\sum_c x_{ic} w_c` per proposal: ``values`` ``(..., m, c)``, ``weights``
    ``(..., c)`` (leading axes: other weight vectors or draws), giving ``(..., m)``."""
    if weights.ndim == 1:
        return values @ weights
    if values.ndim == 2:
        return weights @ values.T
    return np.matmul(values, weights[..., None])[..., 0]


def counted_weights(model: Model, local: Array, leaves: tuple[Criterion, ...],
                    below: Criterion | None = None) -> Array:
    """Return each leaf's weight as the model counts its points, ``(..., L)``.

    In a weighted model the product of the local shares down the leaf's path
    (:func:`evaluation.core.weights.leaf_weights`; with ``below``, within that node). A model
    without weights has no shares (they read 0): its leaves count with the weights the award
    model implies (:func:`evaluation.core.award.quality_weights`: the announced amounts, or
    the scales' ranges), the same as its published points per criterion, in proportion among
    the ``leaves`` given (a group's own leaves, with ``below``), the same for every row of
    ``local``, which gives only the leading axes.
    """
    if model.weighted:
        return leaf_weights(model, local, leaves, below=below)
    return np.broadcast_to(award.quality_weights(model, leaves),
                           (*local.shape[:-1], len(leaves)))


def minimum_points(model: Model, quality: Array, leaves: tuple[Criterion, ...],
                   local: Array | None = None) -> list[tuple[Criterion, Array]]:
    """Return, for every node with a ``minimum``, what each proposal has against it.

    A leaf's ``minimum`` is a score on its scale; a group's is points of the model's total,
    before normalisation, :math:`\\text{points}\\sum_{l \\in G} g_l v_l` with :math:`g_l` the
    leaf's weight as the model counts it (:func:`counted_weights`) (design.md, "Resolved
    details"): it moves with the weights. ``local`` are the nodes' local shares
    (:func:`evaluation.core.weights.local_weights`, the published ones by default), with
    leading axes for many weight vectors.
    """
    local = local_weights(model) if local is None else local
    column = {leaf.id: j for j, leaf in enumerate(leaves)}
    values = leaf_values(quality, leaves)
    weights = counted_weights(model, local, leaves)
    out = []
    for node in model.nodes():
        if node.minimum is None:
            continue
        if node.is_leaf:
            got = quality[..., column[node.id]]
        else:
            cols = [column[n.id] for n in node.walk() if n.is_leaf]
            got = model.points * weighted_sum(values[..., cols], weights[..., cols])
        out.append((node, got))
    return out


def is_below(node: Criterion, got: Array) -> NDArray[np.bool_]:
    """Return where ``got`` falls under the node's minimum (a 1e-9 allowance for rounding:
    points exactly at the minimum pass; NaN, a proposal not scored, is not below)."""
    assert node.minimum is not None
    below: NDArray[np.bool_] = np.asarray(got < node.minimum - 1e-9)
    return below


def below_minimum(model: Model, quality: Array, leaves: tuple[Criterion, ...],
                  local: Array | None = None) -> NDArray[np.bool_]:
    """Return, per proposal (and weight vector), whether it falls below any minimum."""
    found = [is_below(node, got) for node, got in minimum_points(model, quality, leaves, local)]
    batch = np.broadcast_shapes(quality.shape[:-1], *(f.shape for f in found))
    below = np.zeros(batch, dtype=bool)
    for f in found:
        below |= f
    return below


def exclude_below_minimum(model: Model, quality: Array, leaves: tuple[Criterion, ...]
                          ) -> list[Label | None]:
    """Return, per proposal, why it falls below a minimum (``None`` if it does not).

    A leaf's ``minimum`` is a score on its scale; a group's is points of the model's total,
    before normalisation (design.md, "Resolved details"; :func:`minimum_points`).
    """
    reasons: list[list[tuple[str, str]]] = [[] for _ in range(quality.shape[0])]
    for node, got in minimum_points(model, quality, leaves):
        assert node.minimum is not None
        for i in np.flatnonzero(is_below(node, got)):
            reasons[i].append((
                f"{node.title.nb}: {format_number(got[i], 'nb', 2)} under minstekravet "
                f"{format_number(node.minimum, 'nb', 2)}",
                f"{node.title.en}: {format_number(got[i], 'en', 2)} below the minimum "
                f"{format_number(node.minimum, 'en', 2)}"))
    return [Label("; ".join(r[0] for r in rs), "; ".join(r[1] for r in rs)) if rs else None
            for rs in reasons]


def normalise_quality(model: Model, quality: Array, leaves: tuple[Criterion, ...],
                      included: NDArray[np.bool_], local: Array | None = None
                      ) -> tuple[Array, dict[str, Array]]:
    """Return normalised quality scores, leaves first, then groups from the deepest up, and
    each normalised group's share before its normalisation (NaN where not included).

    ``proportional``: ``S' = S · M / max S`` (the best gets M); ``shift``:
    ``S' = S + (M − max S)``, over the included proposals (price-models.md, "Quality scoring
    conventions"; KOFA 2021/1000, 2023/0999; :mod:`evaluation.core.normalise`). A leaf uses
    its scale maximum as M; a group applies the same to its share, the 0–1 leaf values
    weighted by their weights within the group (M = 1), scaling or shifting each leaf value.
    The weights within a group are the products of the local shares below it, so a group of
    weight 0 is normalised like any other (its points are 0 all the same). ``quality`` is
    ``(..., m, Q)``, ``included`` ``(..., m)`` and ``local`` ``(..., N)`` (the published
    shares by default), leading axes for many weight vectors or competitions at once.
    """
    local = local_weights(model) if local is None else local
    batch = np.broadcast_shapes(quality.shape[:-2], included.shape[:-1], local.shape[:-1])
    m = quality.shape[-2]
    out = np.array(np.broadcast_to(quality, (*batch, m, quality.shape[-1])))
    take = np.broadcast_to(included, (*batch, m))
    for j, leaf in enumerate(leaves):
        if leaf.normalisation != "none":
            column = np.where(take, out[..., j], np.nan)[..., None]
            done = normalise_scores(column, leaf.scale.max, leaf.normalisation)[..., 0]
            out[..., j] = np.where(take, done, out[..., j])
    groups = sorted((n for n in model.nodes() if n.children and n.normalisation != "none"),
                    key=lambda n: -len(n.path))
    column_of = {leaf.id: j for j, leaf in enumerate(leaves)}
    shares: dict[str, Array] = {}
    for group in groups:
        cols = [column_of[n.id] for n in group.walk() if n.is_leaf]
        members = tuple(leaves[c] for c in cols)
        inner = counted_weights(model, local, members, below=group)
        values = leaf_values(out[..., cols], members)
        share = np.where(take, weighted_sum(values, inner / inner.sum(axis=-1, keepdims=True)),
                         np.nan)
        best = best_score(share[..., None])  # (..., 1, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if group.normalisation == "proportional":
                values = np.where(best > 0, values / best, values)
            elif group.normalisation == "shift":
                values = values + (1.0 - best)
            else:
                raise ValueError(f"unknown normalisation {group.normalisation!r}")
        lo = np.array([leaf.scale.min for leaf in members])
        span = np.array([leaf.scale.range for leaf in members])
        out[..., cols] = np.where(take[..., None], lo + values * span, out[..., cols])
        shares[group.id] = share
    return out, shares


def score_prices(model: Model, prices: Array, fields: tuple[str, ...],
                 included: NDArray[np.bool_]) -> tuple[Array, tuple[Criterion, ...]]:
    """Return each price leaf's score (P × price leaves) among the included proposals."""
    leaves = model.price_leaves
    out = np.full((prices.shape[0], len(leaves)), np.nan)
    rows = np.flatnonzero(included)
    for j, leaf in enumerate(leaves):
        spec = leaf.price
        assert spec is not None
        if rows.size == 0 or spec.model == "none":
            continue
        column = prices[rows, fields.index(spec.field)]
        out[rows, j] = score_price(spec.model, column, maximum=leaf.scale.max,
                                   direction=spec.direction, params=spec.params)
    return out, leaves


def evaluate_tender(tender: Tender) -> Evaluation:
    """Return the complete evaluation of a validated tender."""
    from evaluation.core.diagnostics import diagnose
    from evaluation.core.ranking import rank_proposals, select_partners

    model = tender.model
    ids = tuple(sorted(tender.proposal_ids))
    proposals = tender.proposals.loc[list(ids)]
    quality_leaves = model.quality_leaves
    ranges = np.array([leaf.scale.range for leaf in quality_leaves])
    panel = build_panel(tender.scores, tender.evaluators, list(ids),
                        [leaf.id for leaf in quality_leaves], ranges, model.aggregation,
                        model.disagreement, tender.consensus)
    rejected = ~proposals["admissible"].to_numpy(dtype=bool)
    reasons: list[Label | None] = [
        Label(f"Avvist: {r}", f"Rejected: {r}") if rej else None
        for rej, r in zip(rejected, proposals["rejection_reason"], strict=True)]
    quality = panel.aggregated
    below = exclude_below_minimum(model, np.where(rejected[:, None], np.nan, quality),
                                  quality_leaves)
    excluded = rejected.copy()
    for i, reason in enumerate(below):
        if reason is not None and not rejected[i]:
            excluded[i] = True
            reasons[i] = reason
    included = ~excluded
    normalised_q, _ = normalise_quality(model, quality, quality_leaves, included)
    fields = tuple(tender.prices.columns)
    prices = tender.prices.loc[list(ids)].to_numpy(dtype=np.float64)
    # before the seal of a price_opening: after_seal tender no price exists to be scored
    priced = np.zeros_like(included) if tender.quality_only else included
    price_scores, price_leaves = score_prices(model, prices, fields, priced)

    leaves = model.leaves
    qpos = {leaf.id: j for j, leaf in enumerate(quality_leaves)}
    ppos = {leaf.id: j for j, leaf in enumerate(price_leaves)}
    raw = np.column_stack([quality[:, qpos[leaf.id]] if leaf.id in qpos else
                           price_scores[:, ppos[leaf.id]] for leaf in leaves]) \
        if leaves else np.zeros((len(ids), 0))
    normalised = np.column_stack([normalised_q[:, qpos[leaf.id]] if leaf.id in qpos else
                                  price_scores[:, ppos[leaf.id]] for leaf in leaves]) \
        if leaves else np.zeros((len(ids), 0))
    values = leaf_values(normalised, leaves)
    values[excluded] = np.nan
    weights = np.array([model.global_weight(leaf.id) for leaf in leaves])
    is_price = np.array([leaf.is_price for leaf in leaves], dtype=bool)
    quality_weights = award.quality_weights(model, leaves)

    node_points: dict[str, Array] = {}
    column = {leaf.id: j for j, leaf in enumerate(leaves)}
    node_weights = weights if model.weighted else quality_weights
    for node in model.nodes():
        cols = [column[n.id] for n in node.walk() if n.is_leaf]
        node_points[node.id] = model.points * (np.nan_to_num(values[:, cols]) @
                                               node_weights[cols])
        node_points[node.id][excluded] = np.nan

    evaluated_price: Array | None = None
    ratio: Array | None = None
    price_key = np.zeros(len(ids))  # "higher is better" for the tie-break key ``price``
    if model.award_model == "weighted_points":
        totals = model.points * (np.nan_to_num(values) @ weights)
        primary = totals
        price_key = model.points * (np.nan_to_num(values[:, is_price]) @ weights[is_price])
    elif tender.quality_only:  # no price read yet: quality alone orders the proposals
        totals = model.points * (np.nan_to_num(values[:, ~is_price]) @
                                 quality_weights[~is_price])
        primary = totals
        evaluated_price = np.full(len(ids), np.nan)  # reported as null until the seal
        if model.award_model == "value_for_money":
            ratio = np.full(len(ids), np.nan)
    else:
        spec = price_leaves[0].price
        assert spec is not None
        price = prices[:, fields.index(spec.field)]
        price_key = -price
        share = np.nan_to_num(values[:, ~is_price]) @ quality_weights[~is_price]
        totals = model.points * share
        if model.award_model == "monetised":
            amounts = np.array([leaf.value or 0.0 for leaf in leaves])[~is_price]
            evaluated_price = award.monetised_price(price, np.nan_to_num(values[:, ~is_price]),
                                                    amounts)
            primary = -evaluated_price
        elif model.award_model == "surcharge":
            w_q = float(weights[~is_price].sum())
            w_p = float(weights[is_price].sum())
            evaluated_price = award.surcharge_price(price, share, w_q, w_p)
            primary = -evaluated_price
        else:
            evaluated_price = price
            ratio = award.value_for_money(totals, price)
            primary = award.corridor_key(ratio, included, model.corridor_pct or 0.0)
    totals = np.where(excluded, np.nan, totals)
    quality_key = model.points * (np.nan_to_num(values[:, ~is_price]) @
                                  quality_weights[~is_price])
    rank, order, tie_warnings = rank_proposals(model, ids, primary, node_points, quality_key,
                                               price_key, excluded)
    partners, partner_warnings = select_partners(order, rank, ids, tender.partners)
    evaluation = Evaluation(
        tender=tender, proposal_ids=ids, leaves=leaves, panel=panel, scores=raw,
        normalised=normalised, values=values, global_weights=weights, node_points=node_points,
        excluded=excluded, exclusion_reason=tuple(reasons), totals=totals,
        evaluated_price=evaluated_price, ratio=ratio, rank=rank, order=order,
        partners=partners, prices=prices, price_fields=fields,
        warnings=(*tie_warnings, *partner_warnings),
    )
    return diagnose(evaluation)
