"""Quality normalisation: ``none`` (fixed yardstick), ``proportional`` and ``shift``.

Chosen before proposals are opened. KOFA 2021/1000 (full board): no general duty to normalise;
KOFA 2023/0999 accepted both proportional and constant-shift normalisation. In the user
interface say "best-gets-max" and "fixed yardstick" (DFØ's "relative/absolute" is read both
ways round by commentators).

Every function works on the proposal axis, the second last: ``(proposals, criteria)``, or
``(..., proposals, criteria)`` with leading axes for many competitions or weight vectors at once
(the sensitivity analysis and the model test), the same formula either way. NaN marks a
proposal that takes no part (excluded): it is ignored when the best is found.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def best_score(scores: Array) -> Array:
    """Return the best (largest) score of each column over the proposals that take part,
    keeping the proposal axis (NaN where none takes part)."""
    if scores.shape[-2] == 0:
        return np.full((*scores.shape[:-2], 1, scores.shape[-1]), np.nan)
    with warnings.catch_warnings():  # a batch row where nobody takes part has no best
        warnings.simplefilter("ignore", RuntimeWarning)
        best: Array = np.nanmax(scores, axis=-2, keepdims=True)
    return best


def normalise_proportional(scores: Array, maximum: float) -> Array:
    """Return scores scaled so the best gets the maximum ("best-gets-max").

    .. math:: S' = S \\cdot M / \\max_i S_i

    Source: price-models.md "Quality scoring conventions"; KOFA 2023/0999. Works column-wise
    on a proposal × criterion array; a column whose best score is 0 stays 0 (nobody earned
    anything to scale up).
    """
    best = best_score(scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = scores * maximum / best
    return np.where(best > 0, scaled, scores)


def normalise_shift(scores: Array, maximum: float) -> Array:
    """Return scores shifted so the best gets the maximum.

    .. math:: S' = S + (M - \\max_i S_i)

    Source: price-models.md "Quality scoring conventions"; KOFA 2023/0999 (constant shift).
    """
    return scores + (maximum - best_score(scores))


def normalise_scores(scores: Array, maximum: float, method: str) -> Array:
    """Return ``scores`` normalised by ``method`` (``none``, ``proportional`` or ``shift``)."""
    if method == "none" or scores.shape[-2] == 0:
        return scores
    if method == "proportional":
        return normalise_proportional(scores, maximum)
    if method == "shift":
        return normalise_shift(scores, maximum)
    raise ValueError(f"unknown normalisation {method!r}")
