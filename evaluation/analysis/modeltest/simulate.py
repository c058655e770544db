"""Simulation: one variant scored over a batch of competitions in every scenario."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.core.model import Model
from evaluation.core.price import sorted_breakpoints
from evaluation.core.ranking import first_place, tie_break_keys
from evaluation.core.scoring import leaf_values, normalise_quality

from .constants import MAX_PROPOSALS, Array, Mask
from .generate import Competitions
from .kernels import batch_price_scores, batch_price_slopes, scenario_masks
from .variants import Variant


@dataclass(frozen=True)
class Outcomes:
    """Per-competition outcomes of one variant (arrays of length C)."""

    admitted: NDArray[np.int64]
    removal_changed: Mask
    removal_order_changed: Mask
    removals: NDArray[np.int64]
    removals_changed: NDArray[np.int64]
    decoy_changed: Mask
    decoy_order_changed: Mask
    realised: Array  # C × L, NaN where undefined
    nok: Array  # NaN where undefined
    negative: Mask | None
    clipped: Mask | None
    unbeatable: Mask | None


def simulate_variant(model: Model, variant: Variant, batch: Competitions) -> Outcomes:
    """Return the outcomes of one variant (own or candidate model) over a batch."""
    masks = scenario_masks(batch.admitted)
    base = masks[0]
    values = _quality_values(model, batch.quality, masks)  # (K|1) × C × S × Q
    gw_q = np.array(variant.quality_weights)
    with np.errstate(all="ignore"):
        q_points = model.points * _weighted_sum(values, gw_q)
        price_values: list[Array] = []
        for j, leaf in enumerate(model.price_leaves):
            spec = variant.price_models[j]
            p = batch.prices[..., batch.fields.index(leaf.price.field)] \
                if leaf.price is not None else batch.prices[..., 0]
            if spec is None:
                price_values.append(np.zeros(masks.shape))
                continue
            scores = batch_price_scores(spec.model, p, masks, maximum=leaf.scale.max,
                                        direction=spec.direction, params=spec.params)
            price_values.append((scores - leaf.scale.min) / leaf.scale.range)
        total_price = _total_price(batch, variant)
        primary, price_key = _primary(model, variant, q_points, price_values, values, total_price,
                                      masks)
        keys = [primary, *_tie_keys(model, variant, q_points, price_key, price_values, values)]
        winners, firsts = first_place(keys, masks)
        order = np.sign(primary[..., :, None] - primary[..., None, :])
    c = batch.admitted.shape[0]
    won = winners[0]
    n_admitted = base.sum(axis=1)
    # a proposal sharing the first place is a winner too: removing it tests nothing
    removable = base[:, :MAX_PROPOSALS] & ~firsts[0][:, :MAX_PROPOSALS]  # C × 10
    # who is first among the real proposals (a decoy tied with the winner unseats nobody)
    moved = ((firsts[1:] != firsts[0]) & masks[1:])[..., :MAX_PROPOSALS].any(axis=-1)
    changed = moved[:MAX_PROPOSALS].T & removable
    pair_base = base[:, :, None] & base[:, None, :]
    flips = (order != order[0]) & pair_base & masks[..., :, None] & masks[..., None, :]
    flipped = flips.any(axis=(-1, -2))  # K × C
    realised = _realised(model, variant, values, price_values, total_price, base)
    nok = _nok(model, variant, batch, q_points, won, base)
    negative = clipped = unbeatable = None
    if variant.award_model == "weighted_points":
        negative = np.zeros(c, dtype=bool)
        for pv in price_values:
            negative |= ((pv[0] < 0) & base).any(axis=1)
        clipped = _clipped(model, variant, batch, base)
        unbeatable = _unbeatable(model, variant, q_points[0], base)
    return Outcomes(
        admitted=n_admitted.astype(np.int64),
        removal_changed=changed.any(axis=1),
        removal_order_changed=(flipped[1:1 + MAX_PROPOSALS].T & removable).any(axis=1),
        removals=removable.sum(axis=1).astype(np.int64),
        removals_changed=changed.sum(axis=1).astype(np.int64),
        decoy_changed=moved[-1] & (n_admitted > 0),
        decoy_order_changed=flipped[-1] & (n_admitted > 0),
        realised=realised, nok=nok, negative=negative, clipped=clipped, unbeatable=unbeatable)


def _weighted_sum(values: Array, weights: Array) -> Array:
    # An explicit loop, not a matrix product: BLAS may sum in a different order in different
    # rows, and an absolute model must give bit-identical totals in every scenario.
    total = np.zeros(values.shape[:-1])
    for j, w in enumerate(weights):
        total = total + w * values[..., j]
    return total


def _quality_values(model: Model, quality: Array, masks: Mask) -> Array:
    """Return quality leaf values, normalised per scenario among the slots taking part, by
    the scoring pipeline's own normalisation (:func:`evaluation.core.scoring.normalise_quality`;
    one scenario axis of 1 where the model normalises nothing)."""
    leaves = model.quality_leaves
    if all(n.normalisation == "none" for n in model.nodes()):
        return leaf_values(quality, leaves)[None]
    normalised, _ = normalise_quality(model, quality, leaves, masks)
    return leaf_values(normalised, leaves)


def _total_price(batch: Competitions, variant: Variant) -> Array:
    total = np.zeros(batch.prices.shape[:-1])
    for f in variant.award_fields:
        total = total + batch.prices[..., batch.fields.index(f)]
    return total


def _primary(model: Model, variant: Variant, q_points: Array, price_values: list[Array],
             values: Array, total_price: Array, masks: Mask) -> tuple[Array, Array]:
    """Return the ranking key (higher is better) and the tie-break key for ``price``."""
    if variant.award_model == "weighted_points":
        price_points = np.zeros(masks.shape)
        for pv, w in zip(price_values, variant.price_weights, strict=True):
            price_points = price_points + model.points * w * pv
        return q_points + price_points, price_points
    share = _weighted_sum(values, np.array(variant.share_weights))
    cheap = np.broadcast_to(-total_price, masks.shape)
    if variant.award_model == "monetised":
        deduction = _weighted_sum(values, np.array(variant.amounts))
        return np.broadcast_to(deduction - total_price, masks.shape), cheap
    if variant.award_model == "surcharge":
        ratio = variant.quality_over_price
        return np.broadcast_to(-total_price * (1.0 + (1.0 - share) * ratio), masks.shape), cheap
    z = np.broadcast_to(model.points * share / total_price, masks.shape)
    if variant.corridor_pct:
        best = np.where(masks, z, -np.inf).max(axis=-1, keepdims=True)
        z = np.where(z >= best * (1.0 - variant.corridor_pct / 100.0), best, z)
    return z, cheap


def _tie_keys(model: Model, variant: Variant, q_points: Array, price_key: Array,
              price_values: list[Array], values: Array) -> list[Array]:
    """Return the model's tie-break keys (:func:`evaluation.core.ranking.tie_break_keys`), a
    criterion's key its weighted values under the variant's weights."""
    column = {leaf.id: j for j, leaf in enumerate(model.quality_leaves)}
    price_column = {leaf.id: j for j, leaf in enumerate(model.price_leaves)}
    points: dict[str, Array] = {}
    for entry in model.tie_break:
        if entry in ("quality", "price"):
            continue
        total: Array = np.zeros(price_key.shape)
        for leaf in model.node(entry).walk():
            if leaf.id in column:
                total = total + variant.quality_weights[column[leaf.id]] * \
                    values[..., column[leaf.id]]
            elif leaf.id in price_column:
                j = price_column[leaf.id]
                total = total + variant.price_weights[j] * price_values[j]
        points[entry] = total
    return tie_break_keys(model, points, q_points, price_key)


def _spread(v: Array, base: Mask) -> Array:
    return np.where(base, v, -np.inf).max(axis=-1) - np.where(base, v, np.inf).min(axis=-1)


def _realised(model: Model, variant: Variant, values: Array, price_values: list[Array],
              total_price: Array, base: Mask) -> Array:
    """Return each leaf's realised weight per competition (NaN where undefined)."""
    c = base.shape[0]
    n_q, n_p = len(model.quality_leaves), len(model.price_leaves)
    parts = np.full((c, n_q + n_p), np.nan)
    enough = base.sum(axis=1) >= 2
    with np.errstate(all="ignore"):
        if variant.award_model == "weighted_points":
            for j in range(n_q):
                parts[:, j] = variant.quality_weights[j] * _spread(values[0, ..., j], base)
            for j, pv in enumerate(price_values):
                parts[:, n_q + j] = variant.price_weights[j] * _spread(pv[0], base)
        elif variant.award_model == "monetised":
            for j in range(n_q):
                parts[:, j] = variant.amounts[j] * _spread(values[0, ..., j], base)
            spread = _spread(total_price, base)
            for j, leaf in enumerate(model.price_leaves):
                if leaf.price is not None and leaf.price.field in variant.award_fields:
                    parts[:, n_q + j] = spread / max(len(variant.award_fields), 1)
        else:
            return parts
        total = np.nansum(parts, axis=1, keepdims=True)
        realised = np.where(enough[:, None] & (total > 0), parts / total, np.nan)
    return realised


def _nok(model: Model, variant: Variant, batch: Competitions, q_points: Array,
         won: NDArray[np.int64], base: Mask) -> Array:
    """Return the implied amount one quality point (of the model's total) is worth, per
    competition, at the winner's prices (see :func:`nok_per_quality_point`)."""
    c = base.shape[0]
    rows = np.arange(c)
    slot = np.maximum(won, 0)
    out = np.full(c, np.nan)
    with np.errstate(all="ignore"):
        if variant.award_model == "weighted_points":
            rate = np.zeros(c)
            total_budget = sum(variant.budget[f] for f in variant.award_fields) or 1.0
            for j, leaf in enumerate(model.price_leaves):
                spec = variant.price_models[j]
                if spec is None or leaf.price is None or spec.direction != "cost":
                    continue
                p = batch.prices[..., batch.fields.index(leaf.price.field)]
                slope = batch_price_slopes(spec.model, p, base, maximum=leaf.scale.max,
                                           direction="cost", params=spec.params)[rows, slot]
                share = variant.budget[leaf.price.field] / total_budget
                rate = rate + model.points * variant.price_weights[j] / leaf.scale.range * \
                    slope * share
            out = np.where(rate > 0, 1.0 / rate, np.nan)
        else:
            price = _total_price(batch, variant)[rows, slot]
            qp = q_points[0][rows, slot] if q_points.ndim == 3 else q_points[rows, slot]
            if variant.award_model == "monetised":
                out = np.full(c, sum(variant.amounts) / model.points
                              / max(sum(variant.quality_weights), 1e-300))
            elif variant.award_model == "surcharge":
                q = qp / (model.points * sum(variant.quality_weights))
                r = variant.quality_over_price
                out = price / (model.points * variant.price_share * (1.0 + (1.0 - q) * r))
            else:
                out = np.where(qp > 0, price / qp, np.nan)
    return np.where(won >= 0, out, np.nan)


def _clipped(model: Model, variant: Variant, batch: Competitions, base: Mask) -> Mask | None:
    """Return per competition whether an admitted price fell outside an announced range."""
    out: Mask | None = None
    for j, leaf in enumerate(model.price_leaves):
        spec = variant.price_models[j]
        if spec is None or leaf.price is None:
            continue
        p = batch.prices[..., batch.fields.index(leaf.price.field)]
        if spec.model == "fixed_endpoints":
            lo, hi = sorted((float(spec.params["best"]), float(spec.params["worst"])))
        elif spec.model == "piecewise" and spec.params.get("outside", "clip") == "clip":
            xs, _ = sorted_breakpoints(spec.params["breakpoints"])
            lo, hi = float(xs[0]), float(xs[-1])
        elif spec.model in ("linear", "log") and spec.params.get("floor") is not None:
            raw = batch_price_scores(spec.model, p, base, maximum=leaf.scale.max,
                                     direction=spec.direction,
                                     params={k: v for k, v in spec.params.items()
                                             if k != "floor"})
            hit: Mask = np.asarray(((raw < float(spec.params["floor"])) & base).any(axis=1))
            out = hit if out is None else out | hit
            continue
        else:
            continue
        hit = np.asarray((((p < lo) | (p > hi)) & base).any(axis=1))
        out = hit if out is None else out | hit
    return out


def _unbeatable(model: Model, variant: Variant, q_points: Array, base: Mask) -> Mask | None:
    """Return per competition whether the quality leader's lead exceeds any price swing.

    Only where every price leaf's points are bounded to [0, M]: price then moves a total by at
    most ``points × w_p`` (price-models.md, "Unbeatable lead"); ``None`` otherwise.
    """
    if not variant.bounded:
        return None
    swing = model.points * sum(variant.price_weights)
    q = np.where(base, q_points, -np.inf)
    top2 = -np.sort(-q, axis=1)[:, :2]
    with np.errstate(invalid="ignore"):  # −inf − −inf where fewer than two are admitted
        lead = top2[:, 0] - top2[:, 1]
    return np.asarray((base.sum(axis=1) >= 2) & (lead > swing + 1e-9))
