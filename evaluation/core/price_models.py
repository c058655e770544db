"""The catalogue of price models: what each needs and offers, and dispatch by model id.

Formulas and sources are in the kernels' docstrings (:mod:`evaluation.core.price`); here
:data:`MODELS` says what the rest of the workbook needs to know about each model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy.typing as npt

from evaluation.core.price import (
    DIRECTIONS,
    SLOPES,
    FloatArray,
    as_prices,
    score_bilinear_mean,
    score_fixed_endpoints,
    score_linear,
    score_log,
    score_piecewise,
    score_proportional,
    score_ratio_to_largest,
    score_two_sided,
)


@dataclass(frozen=True)
class ModelInfo:
    """What the workbook needs to know about one price model besides its formula.

    ``bounded`` is True when the points stay within [0, M] for every admitted price set and
    every parameter value; :func:`is_bounded` answers for given parameters (a floored linear
    model, a clipped piecewise one). ``leaks_prices`` is True when published points, with the
    announced formula and a bidder's own price and points, let the bidder compute its rivals'
    prices.
    """

    id: str
    function: Callable[..., FloatArray]
    relative: bool
    required: tuple[str, ...]
    optional: tuple[str, ...]
    directions: tuple[str, ...]
    bounded: bool
    leaks_prices: bool
    name: dict[str, str]


# Leaks beyond the catalogue's three (proportional, linear, log): ratio_to_largest is
# proportional's benefit form; absolute models are inverted straight from their formula;
# bilinear_mean gives Rmean from one's own points and the rest from the sum of the discounts.
# Only two_sided, with two unknown endpoints and one equation per bidder, does not leak.
MODELS: dict[str, ModelInfo] = {
    info.id: info
    for info in (
        ModelInfo(
            "linear",
            score_linear,
            relative=True,
            required=(),
            optional=("slope", "floor"),
            directions=DIRECTIONS,
            bounded=False,
            leaks_prices=True,
            name={"nb": "Lineær modell", "en": "Linear (DFØ)"},
        ),
        ModelInfo(
            "proportional",
            score_proportional,
            relative=True,
            required=(),
            optional=(),
            directions=DIRECTIONS,
            bounded=True,
            leaks_prices=True,
            name={"nb": "Forholdsmessig modell", "en": "Proportional (DFØ, low bid scoring)"},
        ),
        ModelInfo(
            "two_sided",
            score_two_sided,
            relative=True,
            required=(),
            optional=(),
            directions=DIRECTIONS,
            bounded=True,
            leaks_prices=False,
            name={
                "nb": "Tosidig interpolasjon (lavest pris maks, høyest null)",
                "en": "Two-sided interpolation (cheapest max, dearest zero)",
            },
        ),
        ModelInfo(
            "fixed_endpoints",
            score_fixed_endpoints,
            relative=False,
            required=("best", "worst"),
            optional=(),
            directions=DIRECTIONS,
            bounded=True,
            leaks_prices=True,
            name={
                "nb": "Interpolasjon mellom faste endepunkter",
                "en": "Interpolation between fixed endpoints",
            },
        ),
        ModelInfo(
            "log",
            score_log,
            relative=True,
            required=("zero_at",),
            optional=("floor",),
            directions=DIRECTIONS,
            bounded=False,
            leaks_prices=True,
            name={"nb": "Logaritmisk modell", "en": "Logarithmic (Negometrix)"},
        ),
        ModelInfo(
            "piecewise",
            score_piecewise,
            relative=False,
            required=("breakpoints",),
            optional=("outside",),
            directions=DIRECTIONS,
            bounded=False,
            leaks_prices=True,
            name={"nb": "Stykkevis lineær verdifunksjon", "en": "Piecewise-linear value function"},
        ),
        ModelInfo(
            "bilinear_mean",
            score_bilinear_mean,
            relative=True,
            required=("x",),
            optional=(),
            directions=("benefit",),
            bounded=True,
            leaks_prices=True,
            name={
                "nb": "Bilineær rundt gjennomsnittlig rabatt",
                "en": "Bilinear around the mean discount",
            },
        ),
        ModelInfo(
            "ratio_to_largest",
            score_ratio_to_largest,
            relative=True,
            required=(),
            optional=(),
            directions=("benefit",),
            bounded=True,
            leaks_prices=True,
            name={"nb": "Forhold til største verdi", "en": "Ratio to largest (Mercell)"},
        ),
    )
}


def _model(model_id: str, direction: str | None = None) -> ModelInfo:
    try:
        info = MODELS[model_id]
    except KeyError:
        known = " | ".join(MODELS)
        raise ValueError(f"unknown price model {model_id!r} (expected {known})") from None
    if direction is not None and direction not in info.directions:
        allowed = " or ".join(info.directions)
        raise ValueError(
            f"price model {model_id} scores only {allowed} numbers, found {direction!r}"
        )
    return info


def is_bounded(model_id: str, params: Mapping[str, object]) -> bool:
    """Return True when the model's points cannot leave [0, M] with these parameters.

    Linear and log are bounded only with a floor of at least 0, piecewise only when clipped.
    Assumes validated parameters: a floor no larger than M, breakpoint points within [0, M].
    Used for the "unbeatable lead" diagnostic, which needs price points bounded to [0, M].
    """
    info = _model(model_id)
    if model_id in ("linear", "log"):
        floor = params.get("floor")
        return isinstance(floor, int | float) and floor >= 0
    if model_id == "piecewise":
        return params.get("outside", "clip") == "clip"
    return info.bounded


def score_price(
    model_id: str,
    prices: npt.ArrayLike,
    *,
    maximum: float,
    direction: str,
    params: Mapping[str, object],
    mask: npt.ArrayLike | None = None,
) -> FloatArray:
    """Return the points of ``prices`` under the price model ``model_id`` (see :data:`MODELS`).

    Dispatches to the model's ``score_*`` function, whose docstring gives formula and source.
    With ``mask``, every row (last axis) is a price set of its own and the references (Pmin,
    Pmax, the mean) are taken over its masked prices (:mod:`evaluation.core.price`).
    """
    info = _model(model_id, direction)
    return info.function(prices, maximum=maximum, direction=direction, mask=mask, **params)


def price_slope(
    model_id: str,
    prices: npt.ArrayLike,
    *,
    maximum: float,
    direction: str,
    params: Mapping[str, object],
    mask: npt.ArrayLike | None = None,
) -> FloatArray:
    r"""Return |dS/dP| at each price, holding Pmin, Pmax and the mean fixed.

    .. math::

        \left|\frac{\partial S_i}{\partial P_i}\right|: \;
        \text{linear } \frac{M k}{P_{min}}, \;
        \text{proportional } \frac{M P_{min}}{P_i^2}, \;
        \text{two\_sided } \frac{M}{P_{max} - P_{min}}, \;
        \text{log } \frac{M}{P_i \ln A}, \;
        \text{fixed\_endpoints } \frac{M}{|P_{worst} - P_{best}|}, \;
        \text{ratio\_to\_largest } \frac{M}{P_{max}}

    (benefit forms use ``Pmax`` as the reference); piecewise: the segment's slope (at a
    breakpoint, the segment on its right); bilinear_mean: the slope of the branch the
    discount lies on (the lower one at the mean). 0 where the points are flat: floored,
    clipped, or all prices equal. The implied value of one quality point on criterion c is
    ``(w_c/w_p) / slope``. ``mask`` as in :func:`score_price`.

    Source: price-models catalogue, "Diagnostics every evaluation should show".
    """
    _model(model_id, direction)
    p = as_prices(prices)
    return SLOPES[model_id](p, maximum=maximum, direction=direction, mask=mask, **params)
