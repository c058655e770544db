r"""Weight stability intervals: exact one-at-a-time sensitivity of a weighted sum.

One criterion's weight moves to :math:`t \in [0, 1]` while the others keep their proportions
(Triantaphyllou & Sánchez 1997). Every total is then linear in :math:`t`,

.. math::

    T_i(t) = t\,a_{ik} + \frac{1 - t}{1 - w_k} \sum_{j \ne k} w_j a_{ij} = u_i + v_i t,

so the set of :math:`t` on which proposal :math:`i` stays ahead of :math:`j` is one closed
half-line, and the stability interval of an outcome (winner, the selected partners, the
whole ranking) is the intersection of those half-lines: exact, no simulation. Intervals are
shares of 1, like the weights. Pure, vectorised kernels without validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def linear_totals(
    contributions: FloatArray, weights: FloatArray, k: int
) -> tuple[FloatArray, FloatArray]:
    r"""Return ``(u, v)`` with :math:`T_i(t) = u_i + v_i t` when weight ``k`` is set to ``t``.

    .. math::

        u_i = \frac{\sum_{j \ne k} w_j a_{ij}}{\sum_{j \ne k} w_j}, \qquad v_i = a_{ik} - u_i

    ``contributions`` is ``(m, n)``: :math:`a_{ij}`, the value of proposal ``i`` on criterion
    ``j`` (any real numbers; leading axes for other value sets); ``weights`` is ``(n,)`` and
    sums to 1, so :math:`\sum_{j \ne k} w_j = 1 - w_k` and :math:`T_i(w_k)` is the published
    total. If :math:`w_k = 1` the other weights have no proportions to keep; the freed weight
    is then shared equally among them (the limit of equal tiny weights), and with a single
    criterion :math:`u = 0`. Source: Triantaphyllou & Sánchez 1997, weighted sum model.
    """
    a = np.asarray(contributions, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    others = np.delete(np.arange(a.shape[-1]), k)
    rest = w[others].sum()
    if others.size == 0:
        u = np.zeros(a.shape[:-1])
    elif rest > 0.0:
        # Summing the others directly avoids the cancellation in 1 - w_k when w_k is near 1.
        u = a[..., others] @ w[others] / rest
    else:
        u = a[..., others].mean(axis=-1)
    return u, a[..., k] - u


def stable_interval(
    u: FloatArray, v: FloatArray, t0: float, order_pairs: IntArray
) -> tuple[float, float]:
    r"""Return the largest ``[low, high]`` within [0, 1] around ``t0`` on which every pair
    ``(i, j)`` of ``order_pairs`` keeps :math:`T_i(t) \ge T_j(t)`.

    .. math::

        d(t) = d_0 + \delta (t - t_0), \quad d_0 = \max(0, T_i(t_0) - T_j(t_0)),
        \quad \delta = v_i - v_j

    .. math::

        \text{low} = \max\Big(0, \max_{\delta > 0} t_0 - \tfrac{d_0}{\delta}\Big), \qquad
        \text{high} = \min\Big(1, \min_{\delta < 0} t_0 - \tfrac{d_0}{\delta}\Big)

    A pair tied at ``t0`` is taken as held there (``i`` got the tie-break), and so is a pair
    the order puts the wrong way round (:math:`d_0` is clamped at 0: rounding, or an order
    fixed by a rule other than the total): the interval then starts or ends at ``t0``.
    Without pairs the interval is [0, 1]. Source: Triantaphyllou & Sánchez 1997.
    """
    if len(order_pairs) == 0:
        return 0.0, 1.0
    ahead, behind = order_pairs[:, 0], order_pairs[:, 1]
    slope = v[ahead] - v[behind]
    margin = np.maximum(u[ahead] - u[behind] + slope * t0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = t0 - margin / slope
    low = crossing[slope > 0.0].max(initial=0.0)
    high = crossing[slope < 0.0].min(initial=1.0)
    return float(max(low, 0.0)), float(min(high, 1.0))


def winner_pairs(order: IntArray) -> IntArray:
    """Return ``(m - 1, 2)`` pairs: the winner ``order[0]`` ahead of every other proposal."""
    order = np.asarray(order)
    return np.column_stack((np.full(len(order) - 1, order[0]), order[1:]))


def partner_pairs(order: IntArray, n_partners: int) -> IntArray:
    """Return every selected proposal (the first ``n_partners`` of ``order``) ahead of every
    proposal not selected: ``(n_partners·(m - n_partners), 2)`` pairs.

    The order among the selected partners is free; only who is selected must hold.
    """
    order = np.asarray(order)
    chosen, rest = order[:n_partners], order[n_partners:]
    return np.column_stack((np.repeat(chosen, len(rest)), np.tile(rest, len(chosen))))


def ranking_pairs(order: IntArray) -> IntArray:
    """Return ``(m - 1, 2)`` consecutive pairs of ``order``: all of them hold iff the whole
    ranking does (ahead-of is transitive)."""
    order = np.asarray(order)
    return np.column_stack((order[:-1], order[1:]))


@dataclass(frozen=True)
class StabilityIntervals:
    """Per criterion (``(n,)`` arrays), the weight range, as a share of 1, over which the
    winner, the set of selected partners, or the whole ranking stays as published."""

    winner_low: FloatArray
    winner_high: FloatArray
    partners_low: FloatArray
    partners_high: FloatArray
    ranking_low: FloatArray
    ranking_high: FloatArray


def stability_intervals(
    values: FloatArray, weights: FloatArray, order: IntArray, n_partners: int = 1, *,
    offset: FloatArray | float = 0.0, scale: float = 1.0,
) -> StabilityIntervals:
    r"""Return the stability interval of every criterion's weight for the winner, the
    ``n_partners`` selected and the full ``order`` (best first).

    .. math::

        [\text{low}_k, \text{high}_k] = \{t : T_i(t) \ge T_j(t)\ \forall (i, j)\},
        \qquad T_i(t) = c_i + g\,(u_{ik} + v_{ik} t) \ \text{(see linear\_totals)}

    ``values`` is ``(m, n)`` partial values, ``weights`` ``(n,)`` summing to 1. Each interval
    contains the published weight; multiply by 100 for percentage points. Ties and pairs out of
    order are treated as in :func:`stable_interval`. For sibling criteria inside a tree,
    ``offset`` ``c`` is each proposal's total from outside the group and ``scale`` ``g`` the
    group's global weight (a flat model: 0 and 1). Source: Triantaphyllou & Sánchez 1997.
    """
    a = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    kinds = (winner_pairs(order), partner_pairs(order, n_partners), ranking_pairs(order))
    bounds = np.empty((len(kinds), 2, len(w)))
    for k in range(len(w)):
        u, v = linear_totals(a, w, k)
        for kind, pairs in enumerate(kinds):
            bounds[kind, :, k] = stable_interval(offset + scale * u, scale * v, float(w[k]),
                                                 pairs)
    return StabilityIntervals(*bounds.reshape(-1, len(w)))
