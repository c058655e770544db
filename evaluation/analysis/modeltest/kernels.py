"""Masked price kernels: price points and slopes of many competitions at once, and the
scenario masks they are taken over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from evaluation.core.price_models import MODELS, price_slope, score_price

from .constants import DECOY, MAX_PROPOSALS, SCENARIOS, Array, Mask

# models whose points do not depend on the other proposals' prices: scored by evaluation.price
ABSOLUTE = ("fixed_endpoints", "piecewise")


def _ref(p: Array, mask: Mask, lowest: bool) -> Array:
    if lowest:
        return np.where(mask, p, np.inf).min(axis=-1, keepdims=True)
    return np.where(mask, p, -np.inf).max(axis=-1, keepdims=True)


def _ratio(p: Array, best: Array, cost: bool) -> Array:
    ratio = best / p if cost else p / best
    return np.where(p == best, 1.0, ratio)


def batch_price_scores(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return points like :func:`evaluation.core.price_models.score_price`, for many price sets
    at once.

    ``prices`` and ``mask`` broadcast to ``(..., slots)``; every row is one competition whose
    relative references (Pmin, Pmax, the mean) are taken over the slots where ``mask`` is
    True. Values in masked-out slots are meaningless. Same formulas, same sources as
    :mod:`evaluation.core.price`; ``tests/test_modeltest.py`` checks that they agree.
    """
    p = np.broadcast_to(prices, np.broadcast_shapes(prices.shape, mask.shape))
    if model_id in ABSOLUTE:  # no reference among the proposals: the catalogue's own function
        return score_price(model_id, p, maximum=maximum, direction=direction, params=params)
    cost = direction == "cost"
    m = float(maximum)
    with np.errstate(all="ignore"):
        if model_id == "linear":
            ref = _ref(p, mask, cost)
            gap = np.where(ref != 0, np.abs(p - ref) / ref, 0.0)
            out = m * (1.0 - float(params.get("slope", 1.0)) * gap)
            return _floor(out, params.get("floor"))
        if model_id in ("proportional", "ratio_to_largest"):
            return m * _ratio(p, _ref(p, mask, cost), cost)
        if model_id == "two_sided":
            low, high = _ref(p, mask, True), _ref(p, mask, False)
            share = (high - p) if cost else (p - low)
            return np.where(high == low, m, m * share / (high - low))
        if model_id == "log":
            loss = -np.log(_ratio(p, _ref(p, mask, cost), cost)) / np.log(
                float(params["zero_at"]))
            return _floor(m * (1.0 - loss), params.get("floor"))
        if model_id == "bilinear_mean":
            x = float(params["x"])
            count = mask.sum(axis=-1, keepdims=True)
            r_mean = np.where(mask, p, 0.0).sum(axis=-1, keepdims=True) / count
            r_max = _ref(p, mask, False)
            below = np.where(r_mean != 0, x * (p / r_mean), x)
            above = x + (1.0 - x) * np.where(r_max != r_mean, (p - r_mean) / (r_max - r_mean),
                                             0.0)
            value = np.where(p == r_max, 1.0, np.where(p <= r_mean, below, above))
            return m * value
    raise ValueError(f"unknown price model {model_id!r} (expected {' | '.join(MODELS)})")


def _floor(scores: Array, floor: Any) -> Array:
    return scores if floor is None else np.maximum(scores, float(floor))


def batch_price_slopes(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return |dS/dP| like :func:`evaluation.core.price_models.price_slope`, for many price
    sets at once.

    References (Pmin, Pmax, the mean) are held fixed, as in the catalogue's "implied NOK per
    quality point"; 0 where the points are flat (floored, clipped, all prices equal).
    """
    p = np.broadcast_to(prices, np.broadcast_shapes(prices.shape, mask.shape))
    if model_id in ABSOLUTE:
        return price_slope(model_id, p, maximum=maximum, direction=direction, params=params)
    with np.errstate(all="ignore"):
        rate = _slopes(model_id, p, mask, float(maximum), direction, params)
    return np.broadcast_to(rate, p.shape)


def _slopes(model_id: str, p: Array, mask: Mask, m: float, direction: str,
            params: Mapping[str, Any]) -> Array:
    cost = direction == "cost"
    if model_id == "linear":
        ref = _ref(p, mask, cost)
        rate = np.where(ref != 0, m * abs(float(params.get("slope", 1.0))) / ref, 0.0)
        return _flat_below_floor(model_id, rate, p, mask, m, direction, params)
    if model_id == "proportional":
        if cost:
            return np.where(p != 0, m * _ref(p, mask, True) / p**2, 0.0)
        high = _ref(p, mask, False)
        return np.where(high != 0, m / high, 0.0)
    if model_id == "ratio_to_largest":
        high = _ref(p, mask, False)
        return np.where(high != 0, m / high, 0.0)
    if model_id == "two_sided":
        gap = _ref(p, mask, False) - _ref(p, mask, True)
        return np.where(gap != 0, m / gap, 0.0)
    if model_id == "log":
        rate = np.where(p != 0, m / (p * np.log(float(params["zero_at"]))), 0.0)
        return _flat_below_floor(model_id, rate, p, mask, m, direction, params)
    if model_id == "bilinear_mean":
        x = float(params["x"])
        count = mask.sum(axis=-1, keepdims=True)
        r_mean = np.where(mask, p, 0.0).sum(axis=-1, keepdims=True) / count
        r_max, r_min = _ref(p, mask, False), _ref(p, mask, True)
        below = np.where(r_mean != 0, x * m / r_mean, 0.0)
        gap = np.maximum(r_max - r_mean, 0.0)
        above = np.where(gap != 0, (1.0 - x) * m / gap, 0.0)
        rate = np.where((p <= r_mean) & (p < r_max), below, above)
        return np.where(r_max == r_min, 0.0, rate)
    raise ValueError(f"unknown price model {model_id!r} (expected {' | '.join(MODELS)})")


def _flat_below_floor(model_id: str, rate: Array, p: Array, mask: Mask, m: float,
                      direction: str, params: Mapping[str, Any]) -> Array:
    floor = params.get("floor")
    if floor is None:
        return rate
    unfloored = batch_price_scores(model_id, p, mask, maximum=m, direction=direction,
                                   params={k: v for k, v in params.items() if k != "floor"})
    return np.where(unfloored < float(floor), 0.0, rate)


def scenario_masks(admitted: Mask) -> Mask:
    """Return the 12 scenario masks (scenario × competition × slot) of a batch.

    0: as drawn; 1–10: without slot k−1; 11: with the dominated decoy (when anybody is
    admitted).
    """
    base = admitted.copy()
    base[:, DECOY] = False
    masks = np.repeat(base[None], SCENARIOS, axis=0)
    for k in range(MAX_PROPOSALS):
        masks[1 + k, :, k] = False
    masks[-1, :, DECOY] = base.any(axis=1)
    return masks
