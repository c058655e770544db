r"""Price-scoring models: pure, vectorised kernels without validation.

Every ``score_*`` function takes the evaluated prices of the *admitted* proposals (relative
models take ``Pmin``, ``Pmax`` or the mean over exactly this array, so exclude proposals before
calling) and returns points on the leaf's ``0..M`` scale, in the same order. Parameters are
checked once, where the evaluation model is loaded (:mod:`evaluation.data.criteria`); the kernels
assume what that check guarantees: cost prices are positive, benefit numbers non-negative,
``zero_at > 1``, ``best != worst``, ``0 < x < 1``, at least two breakpoints with distinct prices.

``direction`` is ``"cost"`` (lower is better: prices) or ``"benefit"`` (higher is better:
discounts, hours). :data:`MODELS` describes each model for the rest of the workbook.

Many price sets at once: with ``mask`` (broadcasting with ``prices``, True where a proposal
takes part) the references are taken along the last axis over the masked prices only, each
row a competition or a set of included proposals of its own (the model test, the sensitivity
analysis); points of prices outside the mask are computed but meaningless. The formulas are
the same lines either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DIRECTIONS = ("cost", "benefit")
OUTSIDE_MODES = ("clip", "extrapolate")


def as_prices(prices: npt.ArrayLike) -> FloatArray:
    """Return ``prices`` as a float64 array (the kernels' one input type)."""
    return np.asarray(prices, dtype=np.float64)


def _is_cost(direction: str) -> bool:
    # A misspelt direction would otherwise silently score as the opposite one.
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'cost' or 'benefit', found {direction!r}")
    return direction == "cost"


def _require_benefit(model_id: str, direction: str) -> None:
    if direction != "benefit":
        raise ValueError(f"price model {model_id} scores only benefit numbers, found {direction!r}")


def _divide(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> FloatArray:
    """Return numerator / denominator, 0 where the denominator is 0 (a flat, degenerate case)."""
    num, den = np.broadcast_arrays(
        np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
    )
    quotient: FloatArray = np.divide(num, den, out=np.zeros(num.shape), where=den != 0)
    return quotient


Mask = npt.ArrayLike | None


def reference(p: FloatArray, which: str, mask: Mask = None) -> FloatArray | np.float64:
    """Return the lowest, highest or mean price (``which``: ``min``, ``max``, ``mean``) of the
    proposals taking part: all of ``p``, or per row along the last axis over ``mask``."""
    if mask is None:
        return p.min() if which == "min" else p.max() if which == "max" else p.mean()
    take = np.broadcast_to(np.asarray(mask, dtype=bool), p.shape)
    if which == "mean":
        count = take.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean: FloatArray = np.where(take, p, 0.0).sum(axis=-1, keepdims=True) / count
        return mean
    fill = np.inf if which == "min" else -np.inf
    found: FloatArray = (np.min if which == "min" else np.max)(np.where(take, p, fill), axis=-1,
                                                               keepdims=True)
    return found


def _ratio_to_best(p: FloatArray, cost: bool, mask: Mask = None) -> FloatArray:
    """Return best/P (cost) or P/best (benefit), exactly 1 for the best proposal."""
    best = reference(p, "min" if cost else "max", mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = best / p if cost else p / best
    # Without this, benefit numbers that are all 0 would give 0/0 instead of full points.
    return np.where(p == best, 1.0, ratio)


def _floored(scores: FloatArray, floor: float | None) -> FloatArray:
    return scores if floor is None else np.maximum(scores, floor)


def score_linear(
    prices: npt.ArrayLike,
    *,
    maximum: float,
    slope: float = 1.0,
    floor: float | None = None,
    direction: str = "cost",
    mask: Mask = None,
) -> FloatArray:
    r"""Return linear points: M for the best price, falling by k·M per 100 % above it.

    .. math::

        S_i = M \left(1 - k\,\frac{P_i - P_{min}}{P_{min}}\right) \quad \text{(cost)}, \qquad
        S_i = M \left(1 - k\,\frac{P_{max} - P_i}{P_{max}}\right) \quad \text{(benefit)}

    With ``k = 1`` a price of twice the lowest scores 0 (DFØ's formula); other slopes are a
    generalisation. ``floor`` (a score, e.g. 0) gives :math:`\max(S_i, floor)`; without it
    points go negative beyond ``(1 + 1/k)·Pmin``.

    Source: DFØ, anskaffelser.no "Regne om pris til poeng"; KOFA 2015/60: negative points are
    "not in themselves unlawful".
    """
    p = as_prices(prices)
    best = reference(p, "min" if _is_cost(direction) else "max", mask)
    gap = _divide(np.abs(p - best), best)
    return _floored(maximum * (1.0 - slope * gap), floor)


def score_proportional(
    prices: npt.ArrayLike, *, maximum: float, direction: str = "cost", mask: Mask = None
) -> FloatArray:
    r"""Return proportional points: M times the ratio of the best price to this one.

    .. math::

        S_i = M\,\frac{P_{min}}{P_i} \quad \text{(cost)}, \qquad
        S_i = M\,\frac{P_i}{P_{max}} \quad \text{(benefit)}

    Non-linear: the points lost per krone shrink as the price grows. If every benefit number
    is 0, every proposal is the best and gets M.

    Source: DFØ; Negometrix; UK CCS guidance. Criticised: non-linear, decoy-prone, published
    points reveal rivals' prices.
    """
    p = as_prices(prices)
    return maximum * _ratio_to_best(p, _is_cost(direction), mask)


def score_two_sided(
    prices: npt.ArrayLike, *, maximum: float, direction: str = "cost", mask: Mask = None
) -> FloatArray:
    r"""Return two-sided interpolation points: M for the best price, 0 for the worst.

    .. math::

        S_i = M\,\frac{P_{max} - P_i}{P_{max} - P_{min}} \quad \text{(cost)}, \qquad
        S_i = M\,\frac{P_i - P_{min}}{P_{max} - P_{min}} \quad \text{(benefit)}

    When all prices are equal every proposal gets M (nobody is worse than anybody).

    Source: German practice (beidseitige Interpolation); advised against: strong decoy
    effects, manipulable by an extreme high bid.
    """
    p = as_prices(prices)
    low, high = reference(p, "min", mask), reference(p, "max", mask)
    share: FloatArray = (high - p) if _is_cost(direction) else (p - low)
    gap = high - low
    flat = gap == 0
    return np.where(flat, float(maximum), maximum * share / np.where(flat, 1.0, gap))


def score_fixed_endpoints(
    prices: npt.ArrayLike,
    *,
    maximum: float,
    best: float,
    worst: float,
    direction: str = "cost",
    mask: Mask = None,
) -> FloatArray:
    r"""Return points interpolated between two pre-announced prices, clipped to [0, M].

    .. math::

        S_i = \min\!\left(M, \max\!\left(0,\;
              M\,\frac{P_{worst} - P_i}{P_{worst} - P_{best}}\right)\right)

    Absolute: no other proposal enters. The same formula serves both directions, which the
    endpoints imply (cost: ``best < worst``; benefit: ``best > worst``); ``direction`` is
    accepted for a uniform signature and not used, so the loader must check that it agrees
    with the endpoints; so is ``mask`` (nobody else enters).

    Source: Negometrix; German notices (interpolation between pre-announced prices; NL gewogen
    factor). Endpoints must be set with care.
    """
    p = as_prices(prices)
    return np.clip(maximum * (worst - p) / (worst - best), 0.0, maximum)


def score_log(
    prices: npt.ArrayLike,
    *,
    maximum: float,
    zero_at: float,
    floor: float | None = None,
    direction: str = "cost",
    mask: Mask = None,
) -> FloatArray:
    r"""Return logarithmic points: M for the best price, 0 at ``zero_at`` times it.

    .. math::

        S_i = M \left(1 - \frac{\ln(P_i / P_{min})}{\ln A}\right) \quad \text{(cost)}, \qquad
        S_i = M \left(1 - \frac{\ln(P_{max} / P_i)}{\ln A}\right) \quad \text{(benefit)}

    ``A = zero_at > 1``. Points are negative beyond ``A·Pmin`` (cost) unless ``floor`` is given
    (:math:`\max(S_i, floor)`). Without a floor a change of ``Pmin`` shifts every score by the
    same amount, so the order of the other proposals never changes. A benefit number of 0
    scores minus infinity (or the floor).

    Source: Negometrix "de log-formule".
    """
    p = as_prices(prices)
    cost = _is_cost(direction)
    with np.errstate(divide="ignore"):
        loss = -np.log(_ratio_to_best(p, cost, mask)) / np.log(zero_at)
    return _floored(maximum * (1.0 - loss), floor)


def sorted_breakpoints(
    breakpoints: Sequence[tuple[float, float]],
) -> tuple[FloatArray, FloatArray]:
    points = np.asarray(breakpoints, dtype=np.float64).reshape(-1, 2)
    order = np.argsort(points[:, 0], kind="stable")
    return points[order, 0], points[order, 1]


def _check_outside(outside: str) -> None:
    if outside not in OUTSIDE_MODES:
        raise ValueError(f"outside must be 'clip' or 'extrapolate', found {outside!r}")


def score_piecewise(
    prices: npt.ArrayLike,
    *,
    maximum: float,
    breakpoints: Sequence[tuple[float, float]],
    outside: str = "clip",
    direction: str = "cost",
    mask: Mask = None,
) -> FloatArray:
    r"""Return points read off a piecewise-linear value function through announced breakpoints.

    .. math::

        S(P) = s_j + (s_{j+1} - s_j)\,\frac{P - x_j}{x_{j+1} - x_j}, \qquad x_j \le P \le x_{j+1}

    ``breakpoints`` are ``(x_j, s_j)`` pairs, points already on the ``0..M`` scale (so
    ``maximum`` is not used), sorted by ``x`` here. Outside ``[x_1, x_n]``: ``"clip"`` holds the
    end points, ``"extrapolate"`` extends the first or last segment. Absolute; the direction is
    implied by the breakpoints, so ``direction`` (and ``mask``) are accepted for a uniform
    signature only.

    Source: general MCDA practice (R package ``smaa``: ``smaa.pvf``).
    """
    _check_outside(outside)
    p = as_prices(prices)
    xs, ys = sorted_breakpoints(breakpoints)
    scores = np.interp(p, xs, ys)
    if outside == "extrapolate":
        first = (ys[1] - ys[0]) / (xs[1] - xs[0])
        last = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
        scores = np.where(p < xs[0], ys[0] + first * (p - xs[0]), scores)
        scores = np.where(p > xs[-1], ys[-1] + last * (p - xs[-1]), scores)
    return scores


def score_bilinear_mean(
    prices: npt.ArrayLike, *, maximum: float, x: float, direction: str = "benefit",
    mask: Mask = None,
) -> FloatArray:
    r"""Return bilinear points on discounts: X·M at the mean discount, M at the largest.

    .. math::

        V_i = \begin{cases}
            X\,\dfrac{R_i}{R_{mean}} & R_i \le R_{mean} \\[1ex]
            X + (1 - X)\,\dfrac{R_i - R_{mean}}{R_{max} - R_{mean}} & R_i > R_{mean}
        \end{cases}, \qquad S_i = M\,V_i

    ``R`` are the discounts (benefit numbers, ``R >= 0``), ``R_mean`` their mean over the
    admitted proposals, ``X`` (``x``) typically 0.80–0.90.

    Guards, stated because the formula is silent: the largest discount always gets M. When
    all discounts are equal (``Rmax = Rmean``), every proposal is both at the mean and the
    largest; it gets M, not X·M, because nobody offers less than anybody else and a unanimous
    discount should not be penalised. ``Rmean = 0`` with a larger maximum is possible only
    with negative discounts, which the model does not cover; proposals at or below the mean
    then get X·M instead of a division by zero.

    Source: Consip / Italian ANAC practice.
    """
    _require_benefit("bilinear_mean", direction)
    r = as_prices(prices)
    r_mean, r_max = reference(r, "mean", mask), reference(r, "max", mask)
    below = np.where(r_mean != 0, x * _divide(r, r_mean), x)
    above = x + (1.0 - x) * _divide(r - r_mean, r_max - r_mean)
    # Comparing with the maximum, not the computed mean, keeps ties and rounding of the mean
    # (e.g. mean(0.1, 0.1, 0.1) > 0.1) from costing the best proposal its full points.
    value = np.where(r == r_max, 1.0, np.where(r <= r_mean, below, above))
    return maximum * value


def score_ratio_to_largest(
    prices: npt.ArrayLike, *, maximum: float, direction: str = "benefit", mask: Mask = None
) -> FloatArray:
    r"""Return points proportional to the number, M for the largest (benefit numbers only).

    .. math::

        S_i = M\,\frac{P_i}{P_{max}}

    For discounts, hours and other benefit numbers ``>= 0``; if all are 0 everyone gets M.

    Source: Mercell Sourcing.
    """
    _require_benefit("ratio_to_largest", direction)
    return maximum * _ratio_to_best(as_prices(prices), cost=False, mask=mask)


# Slopes |dS/dP| hold the reference values (Pmin, Pmax, mean) fixed: that is the trade-off the
# announced formula offers one proposal, which the "implied NOK per quality point" diagnostic
# needs. They are 0 where the points are flat (floored, clipped, all prices equal).


def _slope_linear(
    p: FloatArray,
    *,
    maximum: float,
    direction: str,
    slope: float = 1.0,
    floor: float | None = None,
    mask: Mask = None,
) -> FloatArray:
    best = reference(p, "min" if _is_cost(direction) else "max", mask)
    rate = _divide(maximum * abs(slope), np.broadcast_to(best, p.shape))
    if floor is None:
        return rate
    unfloored = score_linear(p, maximum=maximum, slope=slope, direction=direction, mask=mask)
    return np.where(unfloored < floor, 0.0, rate)


def _slope_proportional(p: FloatArray, *, maximum: float, direction: str,
                        mask: Mask = None) -> FloatArray:
    if _is_cost(direction):
        return _divide(maximum * reference(p, "min", mask), p**2)
    return _divide(maximum, np.broadcast_to(reference(p, "max", mask), p.shape))


def _slope_two_sided(p: FloatArray, *, maximum: float, direction: str,
                     mask: Mask = None) -> FloatArray:
    gap = reference(p, "max", mask) - reference(p, "min", mask)
    return _divide(maximum, np.broadcast_to(gap, p.shape))


def _slope_fixed_endpoints(
    p: FloatArray, *, maximum: float, direction: str, best: float, worst: float,
    mask: Mask = None,
) -> FloatArray:
    inside = (p >= min(best, worst)) & (p <= max(best, worst))
    return np.where(inside, maximum / abs(worst - best), 0.0)


def _slope_log(
    p: FloatArray,
    *,
    maximum: float,
    direction: str,
    zero_at: float,
    floor: float | None = None,
    mask: Mask = None,
) -> FloatArray:
    rate = _divide(maximum, p * np.log(zero_at))
    if floor is None:
        return rate
    unfloored = score_log(p, maximum=maximum, zero_at=zero_at, direction=direction, mask=mask)
    return np.where(unfloored < floor, 0.0, rate)


def _slope_piecewise(
    p: FloatArray,
    *,
    maximum: float,
    direction: str,
    breakpoints: Sequence[tuple[float, float]],
    outside: str = "clip",
    mask: Mask = None,
) -> FloatArray:
    _check_outside(outside)
    xs, ys = sorted_breakpoints(breakpoints)
    segment_slopes = np.abs(np.diff(ys) / np.diff(xs))
    # At a breakpoint the segment on its right counts (the last segment at the last one).
    segment = np.clip(np.searchsorted(xs, p, side="right") - 1, 0, len(xs) - 2)
    rate = segment_slopes[segment]
    if outside == "clip":
        rate = np.where((p < xs[0]) | (p > xs[-1]), 0.0, rate)
    return rate


def _slope_bilinear_mean(p: FloatArray, *, maximum: float, direction: str, x: float,
                         mask: Mask = None) -> FloatArray:
    _require_benefit("bilinear_mean", direction)
    r_mean, r_max = reference(p, "mean", mask), reference(p, "max", mask)
    below = _divide(x * maximum, np.broadcast_to(r_mean, p.shape))
    above = _divide((1.0 - x) * maximum, np.broadcast_to(np.maximum(r_max - r_mean, 0.0),
                                                        p.shape))
    rate = np.where((p <= r_mean) & (p < r_max), below, above)
    return np.where(r_max == reference(p, "min", mask), 0.0, rate)


def _slope_ratio_to_largest(p: FloatArray, *, maximum: float, direction: str,
                            mask: Mask = None) -> FloatArray:
    _require_benefit("ratio_to_largest", direction)
    return _divide(maximum, np.broadcast_to(reference(p, "max", mask), p.shape))


SLOPES: dict[str, Callable[..., FloatArray]] = {
    "linear": _slope_linear,
    "proportional": _slope_proportional,
    "two_sided": _slope_two_sided,
    "fixed_endpoints": _slope_fixed_endpoints,
    "log": _slope_log,
    "piecewise": _slope_piecewise,
    "bilinear_mean": _slope_bilinear_mean,
    "ratio_to_largest": _slope_ratio_to_largest,
}
