"""The scoring pipeline under many weight vectors (or many drawn score sets) at once.

The same functions as :func:`evaluation.core.scoring.evaluate_tender`, in the same order
(scoring.py's module docstring): minimums exclude first, under the weights of each vector (a
group's minimum is points of the total, so it moves with the weights); quality is normalised and
relative price scores are computed among the proposals still included; the weighted points
award rule turns values into totals. For the sensitivity analysis, which must agree with
re-scoring the tender under other weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.core.model import Model
from evaluation.core.price_models import score_price
from evaluation.core.scoring import (
    below_minimum,
    leaf_values,
    normalise_quality,
    weighted_sum,
)
from evaluation.core.weights import leaf_weights

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class WeightedScores:
    """Every number of the weighted-points pipeline per weight vector (the first axis)."""

    excluded: Mask  # K × m: rejected, or below a minimum under these weights
    values: Array  # K × m × L: leaf values after normalisation and price scoring, NaN excluded
    totals: Array  # K × m: points, NaN for excluded
    shares: dict[str, Array]  # normalised group → K × m: its share before normalisation


def unique_rows(mask: Mask) -> tuple[Mask, NDArray[np.intp]]:
    """Return the distinct rows of a boolean ``(K, m)`` array and each row's index among them
    (rows in first-seen order is not promised; sorted by their bits)."""
    packed = np.packbits(mask, axis=-1)
    width = packed.shape[-1]
    if width <= 8:  # one 64-bit integer per row: a fast sort
        wide = np.zeros((len(mask), 8), dtype=np.uint8)
        wide[:, :width] = packed
        codes: NDArray[np.generic] = wide.view(np.uint64).ravel()
    else:
        codes = np.ascontiguousarray(packed).view(np.dtype((np.void, width))).ravel()
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return mask[first], inverse.ravel().astype(np.intp)


def score_prices_among(model: Model, prices: Array, fields: tuple[str, ...],
                       included: Mask) -> Array:
    """Return price scores ``(K, m, P)``, each row's relative prices among its own included
    proposals (NaN for the others), as :func:`evaluation.core.scoring.score_prices` scores one
    set: the references of :func:`evaluation.core.price_models.score_price` over each row."""
    leaves = model.price_leaves
    out = np.full((*included.shape, len(leaves)), np.nan)
    for j, leaf in enumerate(leaves):
        spec = leaf.price
        assert spec is not None
        if spec.model == "none":
            continue
        column = np.broadcast_to(prices[:, fields.index(spec.field)], included.shape)
        with np.errstate(all="ignore"):  # a row where nobody is included has no reference
            scored = score_price(spec.model, column, maximum=leaf.scale.max,
                                 direction=spec.direction, params=spec.params, mask=included)
        out[..., j] = np.where(included, scored, np.nan)
    return out


def score_under_weights(model: Model, quality: Array, prices: Array, fields: tuple[str, ...],
                        rejected: Mask, local: Array, *, excluded: Mask | None = None,
                        priced: bool = True) -> WeightedScores:
    """Return the weighted-points scores of the proposals under each weight vector.

    ``quality`` is the aggregated quality scores ``(m, Q)``, or ``(K, m, Q)`` one set per
    vector (drawn scores); ``prices`` ``(m, F)`` the evaluated prices of ``fields``;
    ``rejected`` ``(m,)`` the proposals rejected before scoring; ``local`` ``(K, N)`` every
    node's local share (:mod:`evaluation.core.weights`). ``excluded`` ``(K, m)``, if given,
    replaces the minimums' verdict (to score a known set of proposals); ``priced=False`` (a
    tender whose prices are not yet opened) scores no price. Then, as in
    :func:`evaluation.core.scoring.evaluate_tender`,

    .. math:: T_{ki} = \\text{points}\\sum_l g_{kl}\\, v_{kil}

    with :math:`g_k` the leaf weights of vector ``k`` and :math:`v_{ki}` the values after the
    minimums, normalisation and price scoring of that vector's included proposals.
    """
    quality_leaves = model.quality_leaves
    k = np.broadcast_shapes(quality.shape[:-2], local.shape[:-1])
    if excluded is None:
        masked = np.where(rejected[:, None], np.nan, quality)
        excluded = below_minimum(model, masked, quality_leaves, local) | rejected
    excluded = np.broadcast_to(excluded, (*k, quality.shape[-2]))
    included = ~excluded
    normalised_q, shares = normalise_quality(model, quality, quality_leaves, included, local)
    price_scores = score_prices_among(model, prices, fields,
                                      included.reshape(-1, len(rejected)) & priced)
    price_scores = price_scores.reshape((*k, *price_scores.shape[1:]))
    leaves = model.leaves
    qpos = {leaf.id: j for j, leaf in enumerate(quality_leaves)}
    ppos = {leaf.id: j for j, leaf in enumerate(model.price_leaves)}
    scores = np.stack([normalised_q[..., qpos[leaf.id]] if leaf.id in qpos else
                       price_scores[..., ppos[leaf.id]] for leaf in leaves], axis=-1)
    values = leaf_values(scores, leaves)
    values[excluded] = np.nan
    weights = leaf_weights(model, local, leaves)
    totals = model.points * weighted_sum(np.nan_to_num(values), weights)
    return WeightedScores(excluded=excluded, values=values,
                          totals=np.where(excluded, np.nan, totals), shares=shares)
