"""Award models other than weighted points: monetised, surcharge and value for money.

Set at the model's top level (``award_model``). All three are absolute: a proposal's
evaluated figure does not depend on the other proposals (given absolute quality scores).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from evaluation.core.model import Criterion, Model

Array = NDArray[np.float64]


def monetised_price(price: Array, values: Array, amounts: Array) -> Array:
    """Return the evaluated price after deducting the monetised value of quality.

    .. math:: P^{eval}_i = P_i - \\sum_c V_c\\, v_{ic}

    ``V_c`` is the pre-announced amount deducted at the scale maximum, ``v_ic`` the leaf's
    value in [0, 1]; lowest evaluated price wins. Sources: DFØ "prissetting av kvalitet";
    Upphandlingsmyndigheten (mervärdesmodell, monetärt avdrag); PIANOo "gunnen op waarde".
    Cases C4 (1 000 − 800 = 200) and C5 (80 000 − 0.6 × 2 500 = 78 500).
    """
    return price - values @ amounts


def surcharge_price(price: Array, quality_share: Array, w_quality: float,
                    w_price: float) -> Array:
    """Return the evaluated price after the quality surcharge (påslagsmodell).

    .. math:: P^{eval} = P\\left(1 + \\frac{M - Q}{M}\\cdot\\frac{w_q}{w_p}\\right)

    with ``(M − Q)/M = 1 − quality_share``. Source: Abakus; Troms fylke guide. Case C7:
    w_q 40 %, w_p 60 %, P 1 000 000, Q 9/10 → 1 066 666.7.
    """
    return price * (1.0 + (1.0 - quality_share) * (w_quality / w_price))


def value_for_money(quality_points: Array, price: Array) -> Array:
    """Return quality points per currency unit; the highest wins.

    .. math:: Z_i = L_i / P_i

    Source: UfAB III "einfache Richtwertmethode"; PIANOo. It states no percentage weights,
    which FOA § 18-1 requires above the EEA threshold (the diagnostics warn).
    """
    return quality_points / price


def corridor_key(ratio: Array, included: NDArray[np.bool_], corridor_pct: float) -> Array:
    """Return the ranking key of the extended value-for-money method (erweiterte Richtwert).

    Proposals whose ``Z`` lies within ``corridor_pct`` % below the best ``Z`` get the best
    ``Z`` as key, so the pre-announced tie-break alone separates them (UfAB III).
    """
    if not included.any():
        return ratio
    best = float(np.nanmax(ratio[included]))
    within = included & (ratio >= best * (1.0 - corridor_pct / 100.0))
    return np.where(within, best, ratio)


def quality_weights(model: Model, leaves: tuple[Criterion, ...]) -> Array:
    """Return each leaf's weight within quality (quality leaves sum to 1, price leaves 0).

    Weighted models use the global weights renormalised over the quality leaves; monetised
    models without weights use the announced amounts, the weights they imply; models with
    neither (UfAB's value for money states no weights) count every criterion by its scale's
    range, so the quality points are the plain sum of the points given.
    """
    is_price = np.array([leaf.is_price for leaf in leaves], dtype=bool)
    if model.weighted:
        raw = np.array([model.global_weight(leaf.id) for leaf in leaves])
    elif any(leaf.value for leaf in leaves):
        raw = np.array([leaf.value or 0.0 for leaf in leaves])
    else:
        raw = np.array([leaf.scale.range for leaf in leaves])
    raw = np.where(is_price, 0.0, raw)
    total = raw.sum()
    return raw / total if total > 0 else raw
