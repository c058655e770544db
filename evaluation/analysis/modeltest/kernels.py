"""Masked price kernels: price points and slopes of many competitions at once, and the
scenario masks they are taken over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from evaluation.core.price_models import price_slope, score_price

from .constants import DECOY, MAX_PROPOSALS, SCENARIOS, Array, Mask


def batch_price_scores(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return points by :func:`evaluation.core.price_models.score_price` for many price sets at
    once.

    ``prices`` and ``mask`` broadcast to ``(..., slots)``; every row is one competition whose
    relative references (Pmin, Pmax, the mean) are taken over the slots where ``mask`` is
    True. Values in masked-out slots are meaningless.
    """
    shape = np.broadcast_shapes(prices.shape, mask.shape)
    with np.errstate(all="ignore"):  # empty rows and padded slots may divide by zero
        return score_price(model_id, np.broadcast_to(prices, shape), maximum=maximum,
                           direction=direction, params=params,
                           mask=np.broadcast_to(mask, shape))


def batch_price_slopes(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return |dS/dP| by :func:`evaluation.core.price_models.price_slope` for many price sets
    at once (references over the masked slots, held fixed; 0 where the points are flat)."""
    shape = np.broadcast_shapes(prices.shape, mask.shape)
    with np.errstate(all="ignore"):
        return np.broadcast_to(price_slope(model_id, np.broadcast_to(prices, shape),
                                           maximum=maximum, direction=direction,
                                           params=params, mask=np.broadcast_to(mask, shape)),
                               shape)


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
