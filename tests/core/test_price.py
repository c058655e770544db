"""Tests for evaluation.price: published cases, invariants and the model catalogue."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.core.price import (
    SLOPES,
    score_bilinear_mean,
    score_fixed_endpoints,
    score_linear,
    score_log,
    score_piecewise,
    score_proportional,
    score_ratio_to_largest,
    score_two_sided,
)
from evaluation.core.price_models import MODELS, is_bounded, price_slope, score_price
from evaluation.core.schedule import net_present_value, schedule_total

C10_COST = [(50.0, 1.0), (75.0, 0.8), (90.0, 0.5), (100.0, 0.0)]
C10_BENEFIT = [(-0.15, 0.0), (0.0, 0.1), (0.25, 0.9), (0.35, 1.0)]

# Parameters that make every model usable in the generic tests below.
PARAMS: dict[str, dict[str, Any]] = {
    "linear": {},
    "proportional": {},
    "two_sided": {},
    "fixed_endpoints": {"best": 50.0, "worst": 500.0},
    "log": {"zero_at": 2.0},
    "piecewise": {"breakpoints": [(50.0, 10.0), (150.0, 7.0), (300.0, 2.0), (500.0, 0.0)]},
    "bilinear_mean": {"x": 0.85},
    "ratio_to_largest": {},
}
BENEFIT_PARAMS: dict[str, dict[str, Any]] = {
    **PARAMS,
    "fixed_endpoints": {"best": 500.0, "worst": 50.0},
    "piecewise": {"breakpoints": [(50.0, 0.0), (150.0, 3.0), (300.0, 8.0), (500.0, 10.0)]},
}

prices_st = st.lists(
    st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=8,
)
maximum_st = st.sampled_from([1.0, 10.0, 60.0, 100.0])


# Published cases ------------------------------------------------------------------------------


def test_c1_negometrix_low_bid_price_points() -> None:
    """C1. Negometrix support article 44001761046 "Low bid scoring formula": 70 · Pmin / P."""
    points = score_proportional([10_000, 8_000], maximum=70)

    assert [56, 70] == pytest.approx(points)
    assert [146, 144] == pytest.approx(np.array([40 + 30 + 20, 32 + 20 + 22]) + points)


def test_c2_uk_ccs_proportional() -> None:
    """C2. UK Crown Commercial Service guidance (proportional, price only)."""
    scores = score_proportional([15_000, 10_000, 30_000], maximum=1)

    assert [0.667, 1, 0.333] == pytest.approx(scores, abs=5e-4)


def test_c3_price_leak_from_proportional_points() -> None:
    """C3. Price leak from published proportional points (Commerce Decisions)."""
    prices = np.array([24e6, 30e6, 20e6])  # A, B, C
    points = score_proportional(prices, maximum=60)
    assert [50, 40, 60] == pytest.approx(points)
    assert [90, 65] == pytest.approx([40 + points[0], 25 + points[1]])

    # What B works out from its own price and points, then every rival's price.
    p_min = points[1] * 30e6 / 60
    assert 20e6 == pytest.approx(p_min)
    assert prices == pytest.approx(60 * p_min / points)
    assert MODELS["proportional"].leaks_prices


def test_c6_fixed_endpoints_benefit_direction() -> None:
    """C6. Interpolation between fixed endpoints (German cleaning tender)."""
    points = score_fixed_endpoints(
        [14_000], maximum=50, best=18_000, worst=10_000, direction="benefit"
    )

    assert [25] == pytest.approx(points)


def test_c8_dfo_price_schedule() -> None:
    """C8. DFØ price schedule (lowest price)."""
    total = schedule_total([1500, 50, 1200, 540], [18.00, 20.00, 25.00, 32.00])

    assert 75_280 == pytest.approx(total)


def test_c9_dfo_linear_goes_negative_beyond_twice_the_lowest() -> None:
    """C9. DFØ formulas: linear 10 − 10·(P − Pmin)/Pmin, negative when P > 2·Pmin (KOFA 2015/60)."""
    prices = [100.0, 150.0, 200.0, 250.0]

    assert [10, 5, 0, -5] == pytest.approx(score_linear(prices, maximum=10))
    assert [10, 5, 0, 0] == pytest.approx(score_linear(prices, maximum=10, floor=0))


def test_c9_dfo_proportional() -> None:
    """C9. DFØ formulas: proportional 10·Pmin/P."""
    scores = score_proportional([100.0, 150.0, 200.0, 250.0], maximum=10)

    assert [10, 100 / 15, 5, 4] == pytest.approx(scores)


@pytest.mark.parametrize("outside", ["clip", "extrapolate"])
def test_c10_smaa_pvf_cost_inside(outside: str) -> None:
    """C10. Piecewise-linear value function (R package `smaa`, tests/pvf.R): cost, inside."""
    scores = score_piecewise(
        [50, 60, 75, 90, 100], maximum=1, breakpoints=C10_COST[::-1], outside=outside
    )

    assert [1, 0.92, 0.8, 0.5, 0] == pytest.approx(scores)


def test_c10_smaa_pvf_cost_extrapolate() -> None:
    """C10. Piecewise-linear value function (R package `smaa`, tests/pvf.R): extrapolating."""
    scores = score_piecewise(
        [10, 40, 101, 120], maximum=1, breakpoints=C10_COST, outside="extrapolate"
    )

    assert [1.32, 1.08, -0.05, -1] == pytest.approx(scores)


def test_c10_smaa_pvf_cost_clip() -> None:
    """C10. Piecewise-linear value function (R package `smaa`, tests/pvf.R): clipping."""
    scores = score_piecewise([10, 40, 101, 120], maximum=1, breakpoints=C10_COST, outside="clip")

    assert [1, 1, 0, 0] == pytest.approx(scores)


@pytest.mark.parametrize("outside", ["clip", "extrapolate"])
def test_c10_smaa_pvf_benefit(outside: str) -> None:
    """C10. Piecewise-linear value function (R package `smaa`, tests/pvf.R): benefit."""
    scores = score_piecewise(
        [0.1, 0.35, -0.15],
        maximum=1,
        breakpoints=C10_BENEFIT,
        outside=outside,
        direction="benefit",
    )

    assert [0.42, 1, 0] == pytest.approx(scores)


@pytest.mark.parametrize("outside", ["clip", "extrapolate"])
def test_c10_smaa_pvf_two_points(outside: str) -> None:
    """C10. Piecewise-linear value function (R package `smaa`, tests/pvf.R): two points."""
    scores = score_piecewise([75], maximum=1, breakpoints=[(50, 1), (100, 0)], outside=outside)

    assert [0.5] == pytest.approx(scores)


# Edge rules -------------------------------------------------------------------------------------


def test_two_sided_all_equal_prices_get_maximum_and_slope_zero() -> None:
    """Catalogue: two_sided with all prices equal gives every proposal M."""
    assert [7, 7] == pytest.approx(score_two_sided([5.0, 5.0], maximum=7))
    slope = price_slope("two_sided", [5.0, 5.0], maximum=7, direction="cost", params={})
    assert [0, 0] == pytest.approx(slope)


def test_bilinear_mean_at_mean_gets_x_and_largest_gets_maximum() -> None:
    """Catalogue (Consip / Italian ANAC practice): X·M at the mean discount, M at the largest."""
    scores = score_bilinear_mean([0.1, 0.2, 0.3], maximum=10, x=0.8)

    assert [8 * 0.1 / 0.2, 8, 10] == pytest.approx(scores)


@pytest.mark.parametrize("discounts", [[0.1, 0.1, 0.1], [0.0, 0.0], [0.25]])
def test_bilinear_mean_equal_discounts_all_get_maximum(discounts: list[float]) -> None:
    """Guard for Rmax = Rmean (and Rmean = 0): a unanimous discount gets M, not X·M."""
    scores = score_bilinear_mean(discounts, maximum=10, x=0.8)

    assert [10] * len(discounts) == pytest.approx(scores)


def test_ratio_models_give_all_zero_benefit_numbers_full_points() -> None:
    """Guard for Pmax = 0: every proposal is the best, so no 0/0."""
    zeros = [0.0, 0.0]

    assert [5, 5] == pytest.approx(score_ratio_to_largest(zeros, maximum=5))
    assert [5, 5] == pytest.approx(score_proportional(zeros, maximum=5, direction="benefit"))
    assert [5, 5] == pytest.approx(score_linear(zeros, maximum=5, direction="benefit"))


def test_log_scores_zero_at_the_announced_multiple() -> None:
    """Negometrix "de log-formule": A·Pmin scores 0, beyond it negative unless floored."""
    prices = [100.0, 200.0, 400.0]

    assert [10, 0, -10] == pytest.approx(score_log(prices, maximum=10, zero_at=2))
    assert [10, 0, 0] == pytest.approx(score_log(prices, maximum=10, zero_at=2, floor=0))
    benefit = score_log([400.0, 200.0, 100.0], maximum=10, zero_at=2, direction="benefit")
    assert [10, 0, -10] == pytest.approx(benefit)


def test_linear_slope_generalises_dfo() -> None:
    """DFØ, anskaffelser.no "Regne om pris til poeng": slope k gives 0 points at (1 + 1/k)·Pmin."""
    assert [10, 0] == pytest.approx(score_linear([100.0, 150.0], maximum=10, slope=2))
    benefit = score_linear([10.0, 5.0], maximum=10, direction="benefit")
    assert [10, 5] == pytest.approx(benefit)


def test_life_cycle_cost_discounts_from_year_one() -> None:
    """Directive 2014/24 art. 68: year 0 undiscounted, later years at (1 + r)^year."""
    assert 300 == pytest.approx(net_present_value([100, 110, 121], [0, 1, 2], 0.10))
    assert 100 == pytest.approx(net_present_value([100], [0], 0.25))


@pytest.mark.parametrize(
    ("model_id", "params", "expected"),
    [
        ("linear", {}, False),
        ("linear", {"floor": 0.0}, True),
        ("linear", {"floor": -5.0}, False),
        ("log", {"zero_at": 2.0}, False),
        ("log", {"zero_at": 2.0, "floor": 0.0}, True),
        ("piecewise", {"breakpoints": C10_COST}, True),
        ("piecewise", {"breakpoints": C10_COST, "outside": "extrapolate"}, False),
        ("proportional", {}, True),
        ("two_sided", {}, True),
        ("fixed_endpoints", {"best": 1.0, "worst": 2.0}, True),
    ],
)
def test_is_bounded(model_id: str, params: dict[str, Any], expected: bool) -> None:
    """Catalogue, "Unbeatable lead": bounded are proportional, two_sided, fixed_endpoints, a
    floored linear or log (and a clipped piecewise)."""
    assert expected == is_bounded(model_id, params)


def test_unknown_model_and_direction_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown price model"):
        score_price("cheapest", [1.0], maximum=10, direction="cost", params={})
    with pytest.raises(ValueError, match="only benefit"):
        score_price("ratio_to_largest", [1.0], maximum=10, direction="cost", params={})
    with pytest.raises(ValueError, match="only benefit"):
        score_bilinear_mean([1.0], maximum=10, x=0.8, direction="cost")
    with pytest.raises(ValueError, match="direction"):
        score_linear([1.0], maximum=10, direction="costs")
    with pytest.raises(ValueError, match="outside"):
        score_piecewise([1.0], maximum=1, breakpoints=C10_COST, outside="hold")


# The catalogue ---------------------------------------------------------------------------------

SOURCES = {
    "linear": ['DFØ, anskaffelser.no "Regne om pris til poeng"', "KOFA 2015/60"],
    "proportional": ["DFØ", "Negometrix", "UK CCS guidance"],
    "two_sided": ["German practice"],
    "fixed_endpoints": ["Negometrix", "German notices"],
    "log": ['Negometrix "de log-formule"'],
    "piecewise": ["general MCDA practice", "smaa.pvf"],
    "bilinear_mean": ["Consip / Italian ANAC practice"],
    "ratio_to_largest": ["Mercell Sourcing"],
}


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_model_docstring_has_formula_and_source(model_id: str) -> None:
    doc = MODELS[model_id].function.__doc__ or ""

    assert ".. math::" in doc
    assert "Source:" in doc
    for source in SOURCES[model_id]:
        assert source in doc


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_model_info_matches_its_function(model_id: str) -> None:
    info = MODELS[model_id]
    parameters = inspect.signature(info.function).parameters

    assert model_id == info.id
    assert {"nb", "en"} == set(info.name)
    assert set(info.directions) <= {"cost", "benefit"}
    for name in info.required:
        assert inspect.Parameter.empty is parameters[name].default
    for name in info.optional:
        assert inspect.Parameter.empty is not parameters[name].default
    assert set(PARAMS[model_id]) == set(info.required)


def test_relative_and_absolute_models() -> None:
    """Catalogue: only fixed_endpoints and piecewise are absolute."""
    absolute = {m for m, info in MODELS.items() if not info.relative}

    assert {"fixed_endpoints", "piecewise"} == absolute


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_score_price_dispatches_to_the_model(model_id: str) -> None:
    info = MODELS[model_id]
    direction = info.directions[0]
    params = PARAMS if direction == "cost" else BENEFIT_PARAMS
    prices = np.array([80.0, 120.0, 200.0, 450.0])

    expected = info.function(prices, maximum=10, direction=direction, **params[model_id])
    actual = score_price(model_id, prices, maximum=10, direction=direction, params=params[model_id])
    assert expected == pytest.approx(actual)


# price_slope against a central difference ------------------------------------------------------

SLOPE_CASES = [
    ("linear", "cost", {}, 1),
    ("linear", "cost", {"slope": 0.5}, 2),
    ("linear", "cost", {"floor": 0.0}, 3),  # floored: flat
    ("linear", "benefit", {}, 1),
    ("proportional", "cost", {}, 1),
    ("proportional", "benefit", {}, 2),
    ("two_sided", "cost", {}, 1),
    ("two_sided", "benefit", {}, 2),
    ("log", "cost", {"zero_at": 2.0}, 2),
    ("log", "cost", {"zero_at": 2.0, "floor": 0.0}, 3),  # floored: flat
    ("log", "benefit", {"zero_at": 3.0}, 1),
    # floored as a benefit number (300/130 > 2), though not as a cost (130/100 < 2)
    ("log", "benefit", {"zero_at": 2.0, "floor": 0.0}, 1),
    ("fixed_endpoints", "cost", {"best": 90.0, "worst": 210.0}, 1),
    ("fixed_endpoints", "cost", {"best": 90.0, "worst": 210.0}, 3),  # clipped: flat
    ("fixed_endpoints", "benefit", {"best": 210.0, "worst": 90.0}, 2),
    ("piecewise", "cost", {"breakpoints": [(100, 10), (150, 6), (200, 2), (250, 0)]}, 1),
    ("piecewise", "cost", {"breakpoints": [(100, 10), (150, 6), (200, 2)]}, 3),  # clipped
    (
        "piecewise",
        "cost",
        {"breakpoints": [(100, 10), (150, 6), (200, 2)], "outside": "extrapolate"},
        3,
    ),
    ("ratio_to_largest", "benefit", {}, 1),
]


@pytest.mark.parametrize(("model_id", "direction", "params", "index"), SLOPE_CASES)
def test_price_slope_matches_central_difference(
    model_id: str, direction: str, params: dict[str, Any], index: int
) -> None:
    """The others stay fixed; ``index`` is never the proposal holding Pmin or Pmax."""
    prices = np.array([100.0, 130.0, 170.0, 260.0, 300.0])
    step = 1e-4 * prices[index]
    up, down = prices.copy(), prices.copy()
    up[index] += step
    down[index] -= step

    def points(p: np.ndarray) -> float:
        scores = score_price(model_id, p, maximum=10, direction=direction, params=params)
        return float(scores[index])

    numeric = abs(points(up) - points(down)) / (2 * step)
    slope = price_slope(model_id, prices, maximum=10, direction=direction, params=params)
    assert numeric == pytest.approx(slope[index], rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("index", [1, 2])
def test_bilinear_mean_slope_matches_central_difference(index: int) -> None:
    """The slope holds Rmean fixed, so the lowest discount moves the other way to keep it."""
    discounts = np.array([0.05, 0.10, 0.18, 0.30])
    step = 1e-5
    up, down = discounts.copy(), discounts.copy()
    up[index] += step
    up[0] -= step
    down[index] -= step
    down[0] += step

    def points(r: np.ndarray) -> float:
        return float(score_bilinear_mean(r, maximum=10, x=0.85)[index])

    numeric = abs(points(up) - points(down)) / (2 * step)
    slope = price_slope(
        "bilinear_mean", discounts, maximum=10, direction="benefit", params={"x": 0.85}
    )
    assert numeric == pytest.approx(slope[index], rel=1e-6)


def test_bilinear_mean_slope_by_its_cases() -> None:
    """Discounts 25, 50, 75 %, X = 0.85, M = 10: Rmean = 0.5 exactly, so 25 and 50 (the mean
    itself, the formula's case R ≤ Rmean) have the slope X·M/Rmean = 17 and 75 (the largest)
    (1 − X)·M/(Rmax − Rmean) = 6. All discounts equal: every proposal has M and the slope is
    0, as for two_sided."""
    slope = price_slope("bilinear_mean", [0.25, 0.5, 0.75], maximum=10, direction="benefit",
                        params={"x": 0.85})
    assert [17.0, 17.0, 6.0] == pytest.approx(slope, rel=1e-12)
    flat = price_slope("bilinear_mean", [0.2, 0.2], maximum=10, direction="benefit",
                       params={"x": 0.85})
    assert [0.0, 0.0] == flat.tolist()


def test_bilinear_mean_with_a_mean_discount_of_zero() -> None:
    """Discounts −10 %, 0 and +10 %: Rmean = 0, so the formula's X·R/Rmean has no value; the
    docstring's rule gives those at or below the mean X·M (8.5 of 10) instead of dividing by
    zero, and the largest M."""
    points = score_bilinear_mean([-0.1, 0.0, 0.1], maximum=10, x=0.85)
    assert [8.5, 8.5, 10.0] == pytest.approx(points, rel=1e-12)


def test_price_slope_diagnostic_formulas() -> None:
    """Catalogue, "Diagnostics": linear M·k/Pmin, proportional M·Pmin/P², two_sided M/(Pmax −
    Pmin), log M/(P·ln A), fixed endpoints M/|worst − best|."""
    prices = np.array([100.0, 150.0, 200.0])

    def slope(model_id: str, **params: Any) -> np.ndarray:
        return price_slope(model_id, prices, maximum=10, direction="cost", params=params)

    assert [0.2] * 3 == pytest.approx(slope("linear", slope=2.0))
    assert 10 * 100 / prices**2 == pytest.approx(slope("proportional"))
    assert [0.1] * 3 == pytest.approx(slope("two_sided"))
    assert 10 / (prices * np.log(2)) == pytest.approx(slope("log", zero_at=2.0))
    assert [0.05] * 3 == pytest.approx(slope("fixed_endpoints", best=100.0, worst=300.0))


# Invariants -------------------------------------------------------------------------------------

SCALE_FREE = ["linear", "proportional", "two_sided", "log"]


@pytest.mark.parametrize("model_id", SCALE_FREE)
@pytest.mark.parametrize("direction", ["cost", "benefit"])
@given(
    prices=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    maximum=maximum_st,
)
def test_scaling_all_prices_leaves_scores_unchanged(
    model_id: str, direction: str, prices: list[int], factor: float, maximum: float
) -> None:
    params = PARAMS[model_id]
    p = np.array(prices, dtype=float)
    expected = score_price(model_id, p, maximum=maximum, direction=direction, params=params)
    actual = score_price(model_id, p * factor, maximum=maximum, direction=direction, params=params)

    assert expected == pytest.approx(actual, rel=1e-9, abs=1e-7 * maximum)


BOUNDED_CASES = [
    ("proportional", "cost"),
    ("proportional", "benefit"),
    ("two_sided", "cost"),
    ("two_sided", "benefit"),
    ("fixed_endpoints", "cost"),
    ("fixed_endpoints", "benefit"),
    ("piecewise", "cost"),
    ("piecewise", "benefit"),
    ("bilinear_mean", "benefit"),
    ("ratio_to_largest", "benefit"),
]


@pytest.mark.parametrize(("model_id", "direction"), BOUNDED_CASES)
@given(prices=prices_st, maximum=maximum_st)
def test_bounded_models_stay_within_zero_and_maximum(
    model_id: str, direction: str, prices: list[float], maximum: float
) -> None:
    params = (PARAMS if direction == "cost" else BENEFIT_PARAMS)[model_id]
    scaled = {**params}
    if model_id == "piecewise":  # breakpoints are on a 0..10 scale
        scaled["breakpoints"] = [(x, s * maximum / 10) for x, s in params["breakpoints"]]
    scores = score_price(model_id, prices, maximum=maximum, direction=direction, params=scaled)

    assert is_bounded(model_id, scaled)
    assert np.all(scores >= -1e-12 * maximum)
    assert np.all(scores <= maximum * (1 + 1e-12))


@pytest.mark.parametrize("model_id", SCALE_FREE)
@given(prices=prices_st, maximum=maximum_st)
def test_lowest_cost_price_gets_maximum(model_id: str, prices: list[float], maximum: float) -> None:
    scores = score_price(
        model_id, prices, maximum=maximum, direction="cost", params=PARAMS[model_id]
    )

    assert maximum == pytest.approx(scores[int(np.argmin(prices))])


@pytest.mark.parametrize("model_id", sorted(MODELS))
@given(prices=prices_st, maximum=maximum_st)
def test_scores_never_improve_as_price_worsens(
    model_id: str, prices: list[float], maximum: float
) -> None:
    """Cost numbers: non-increasing in price. Benefit-only models: non-decreasing."""
    info = MODELS[model_id]
    direction = info.directions[0]
    params = (PARAMS if direction == "cost" else BENEFIT_PARAMS)[model_id]
    p = np.sort(np.array(prices))
    scores = score_price(model_id, p, maximum=maximum, direction=direction, params=params)
    steps = np.diff(scores) if direction == "cost" else -np.diff(scores)

    assert np.all(steps <= 1e-9 * maximum)


@pytest.mark.parametrize("model_id", sorted(MODELS))
@given(prices=prices_st)
def test_benefit_scores_never_fall_as_the_number_grows(model_id: str, prices: list[float]) -> None:
    p = np.sort(np.array(prices))
    scores = score_price(
        model_id, p, maximum=10, direction="benefit", params=BENEFIT_PARAMS[model_id]
    )

    assert np.all(np.diff(scores) >= -1e-8)


@given(
    xs=st.lists(st.floats(min_value=1, max_value=1e4), min_size=2, max_size=5, unique=True),
    scores=st.lists(st.floats(min_value=0, max_value=10), min_size=5, max_size=5),
    prices=prices_st,
    outside=st.sampled_from(["clip", "extrapolate"]),
)
def test_piecewise_with_falling_breakpoints_never_rewards_a_higher_price(
    xs: list[float], scores: list[float], prices: list[float], outside: str
) -> None:
    breakpoints = list(zip(sorted(xs), sorted(scores, reverse=True), strict=False))
    points = score_piecewise(np.sort(prices), maximum=10, breakpoints=breakpoints, outside=outside)

    assert np.all(np.diff(points) <= 1e-9 * max(1.0, float(np.max(np.abs(points)))))


@pytest.mark.parametrize("model_id", sorted(MODELS))
@given(prices=prices_st, equal=st.booleans())
def test_scores_and_slopes_are_finite(model_id: str, prices: list[float], equal: bool) -> None:
    """No NaN or infinity leaks for valid inputs, including all prices equal."""
    p = np.full(len(prices), prices[0]) if equal else np.array(prices)
    for direction in MODELS[model_id].directions:
        params = (PARAMS if direction == "cost" else BENEFIT_PARAMS)[model_id]
        kwargs: dict[str, Any] = {"maximum": 10, "direction": direction, "params": params}

        assert np.all(np.isfinite(score_price(model_id, p, **kwargs)))
        slope = price_slope(model_id, p, **kwargs)
        assert np.all(np.isfinite(slope))
        assert np.all(slope >= 0)


# Many price sets at once (mask) -------------------------------------------------------------

MASK_CASES = [
    ("linear", "cost", {}), ("linear", "benefit", {"slope": 2.0}),
    ("linear", "cost", {"slope": 0.5, "floor": 0.0}),
    ("proportional", "cost", {}), ("proportional", "benefit", {}),
    ("two_sided", "cost", {}), ("two_sided", "benefit", {}),
    ("log", "cost", {"zero_at": 2.0}), ("log", "benefit", {"zero_at": 3.0, "floor": 0.0}),
    ("bilinear_mean", "benefit", {"x": 0.85}), ("ratio_to_largest", "benefit", {}),
    ("fixed_endpoints", "cost", {"best": 50.0, "worst": 500.0}),
    ("piecewise", "cost", {"breakpoints": [(50.0, 10.0), (150.0, 7.0), (500.0, 0.0)]}),
]


@pytest.mark.parametrize(("model_id", "direction", "params"), MASK_CASES)
@given(rows=st.lists(st.lists(st.tuples(st.integers(1, 600), st.booleans()), min_size=1,
                              max_size=6), min_size=1, max_size=4))
def test_a_mask_scores_every_row_among_its_own_prices(
    model_id: str, direction: str, params: dict[str, Any],
    rows: list[list[tuple[int, bool]]],
) -> None:
    """Each row scored with ``mask`` equals scoring its masked prices alone (references Pmin,
    Pmax and the mean over the row's masked prices), points and slopes alike; the other
    prices of the row take no part."""
    width = max(len(r) for r in rows)
    prices = np.full((len(rows), width), 100.0)
    mask = np.zeros((len(rows), width), dtype=bool)
    for k, row in enumerate(rows):
        prices[k, :len(row)] = [p for p, _ in row]
        mask[k, :len(row)] = [m for _, m in row]
        mask[k, 0] = True  # somebody takes part in every row
    with np.errstate(all="ignore"):
        scored = score_price(model_id, prices, maximum=10.0, direction=direction, params=params,
                             mask=mask)
        slopes = price_slope(model_id, prices, maximum=10.0, direction=direction,
                             params=params, mask=mask)
        for k in range(len(rows)):
            alone = prices[k, mask[k]]
            expected = score_price(model_id, alone, maximum=10.0, direction=direction,
                                   params=params)
            np.testing.assert_allclose(scored[k, mask[k]], expected, rtol=1e-12, atol=1e-12)
            rate = price_slope(model_id, alone, maximum=10.0, direction=direction,
                               params=params)
            np.testing.assert_allclose(slopes[k, mask[k]], rate, rtol=1e-12, atol=1e-12)


def test_benefit_only_models_name_themselves() -> None:
    """bilinear_mean and ratio_to_largest refuse cost prices, saying which model and why."""
    for model_id, params in (("bilinear_mean", {"x": 0.85}), ("ratio_to_largest", {})):
        function = MODELS[model_id].function
        with pytest.raises(ValueError, match=f"^price model {model_id} scores only benefit"):
            function([1.0, 2.0], maximum=10.0, direction="cost", **params)
        with pytest.raises(ValueError, match=f"^price model {model_id} scores only benefit"):
            SLOPES[model_id](np.array([1.0, 2.0]), maximum=10.0, direction="cost", **params)


def test_slopes_at_the_announced_ends_and_breakpoints() -> None:
    """Fixed endpoints 100 → 300 on 0–10: slope 10/200 = 0.05 inside, also at 100 and 300
    themselves, 0 outside. Piecewise (50, 10), (150, 7), (500, 0): slopes 0.03 then 0.02; at
    the breakpoint 150 the segment on its right counts (0.02); clipped outside [50, 500] the
    slope is 0 (at 50 and 500 themselves it is the end segment's); extrapolated, below 50
    the first segment's 0.03 and above 500 the last's 0.02."""
    fixed = price_slope("fixed_endpoints", [99.0, 100.0, 200.0, 300.0, 301.0], maximum=10.0,
                        direction="cost", params={"best": 100.0, "worst": 300.0})
    np.testing.assert_allclose([0.0, 0.05, 0.05, 0.05, 0.0], fixed)
    points = [(50.0, 10.0), (150.0, 7.0), (500.0, 0.0)]
    at = [40.0, 50.0, 100.0, 150.0, 400.0, 500.0, 600.0]
    clipped = price_slope("piecewise", at, maximum=10.0, direction="cost",
                          params={"breakpoints": points})
    np.testing.assert_allclose([0.0, 0.03, 0.03, 0.02, 0.02, 0.02, 0.0], clipped)
    extended = price_slope("piecewise", at, maximum=10.0, direction="cost",
                           params={"breakpoints": points, "outside": "extrapolate"})
    np.testing.assert_allclose([0.03, 0.03, 0.03, 0.02, 0.02, 0.02, 0.02], extended)
    flat = price_slope("linear", [100.0, 175.0, 250.0], maximum=10.0, direction="cost",
                       params={"floor": 2.5})  # 10·(1 − 0.75) = 2.5 exactly at 175: not floored
    np.testing.assert_allclose([0.1, 0.1, 0.0], flat)
    flat_log = price_slope("log", [100.0, 200.0, 300.0], maximum=10.0, direction="cost",
                           params={"zero_at": 2.0, "floor": 0.0})  # 0 exactly at 200
    np.testing.assert_allclose([10 / (100 * np.log(2)), 10 / (200 * np.log(2)), 0.0],
                               flat_log)


def test_unknown_models_and_directions_are_named() -> None:
    """An unknown model id lists the catalogue; a direction a model does not take lists the
    ones it does."""
    known = " | ".join(MODELS)
    with pytest.raises(ValueError, match=rf"^unknown price model 'cheapest' \(expected {known}\)$"
                       .replace("|", r"\|")):
        score_price("cheapest", [1.0], maximum=10.0, direction="cost", params={})
    with pytest.raises(ValueError, match=r"^price model ratio_to_largest scores only benefit "
                                         r"numbers, found 'cost'$"):
        price_slope("ratio_to_largest", [1.0], maximum=10.0, direction="cost", params={})
    with pytest.raises(ValueError, match=r"^price model linear scores only cost or benefit "
                                         r"numbers, found 'down'$"):
        score_price("linear", [1.0], maximum=10.0, direction="down", params={})
    # fixed endpoints and piecewise never read the direction, so only this check can refuse it
    for model_id in ("fixed_endpoints", "piecewise"):
        with pytest.raises(ValueError, match=rf"^price model {model_id} scores only cost or "
                                             r"benefit numbers, found 'down'$"):
            price_slope(model_id, [1.0], maximum=10.0, direction="down",
                        params=PARAMS[model_id])


def test_a_floored_linear_slope_uses_the_announced_slope_and_direction() -> None:
    """Linear, k = 2, floor 0, M = 100 (the slope is 0 where the floor holds the points).
    Benefit numbers 100 and 40: the best is Pmax = 100, S(100) = 100 and S(40) = 100·(1 − 2·60/100)
    = −20, floored: slopes M·k/Pmax = 2 and 0 (with k = 1 S(40) = 40 would not be floored; read
    as costs, S(100) = 100·(1 − 2·60/40) < 0 would be). Costs 100 and 160: S(160) =
    100·(1 − 2·60/100) = −20, floored: slopes M·k/Pmin = 2 and 0."""
    params = {"slope": 2.0, "floor": 0.0}
    benefit = price_slope("linear", [100.0, 40.0], maximum=100.0, direction="benefit",
                          params=params)
    np.testing.assert_allclose([2.0, 0.0], benefit, rtol=1e-15)
    cost = price_slope("linear", [100.0, 160.0], maximum=100.0, direction="cost", params=params)
    np.testing.assert_allclose([2.0, 0.0], cost, rtol=1e-15)


def test_whole_kroner_of_billions_are_scored_as_floats() -> None:
    """Prices given as Python integers, 4 and 5 billion NOK (a large building contract):
    proportional slope M·Pmin/P² = 100·4e9/(4e9)² = 2.5e-8 and 100·4e9/(5e9)² = 1.6e-8 points
    per krone, and points 100 and 100·4/5 = 80. P² = 1.6e19 is past the 64-bit integer range
    (9.2e18): only float prices give these numbers."""
    prices = [4_000_000_000, 5_000_000_000]
    slopes = price_slope("proportional", prices, maximum=100.0, direction="cost", params={})
    np.testing.assert_allclose([2.5e-8, 1.6e-8], slopes, rtol=1e-12)
    points = score_price("proportional", prices, maximum=100.0, direction="cost", params={})
    np.testing.assert_allclose([100.0, 80.0], points, rtol=1e-15)


def test_a_mask_over_one_competition_and_rows_without_a_reference() -> None:
    """A mask may be one competition (1-D, like the prices). Linear on 100, 150 and 80 with 80
    not taking part: Pmin = 100, points 10 and 10·(1 − 50/100) = 5 (M = 10). Bilinear mean,
    X = 0.8, on discounts 0.1, 0.3 and 0.9 with 0.9 out: Rmean = 0.2, Rmax = 0.3, so 0.1 gets
    10·0.8·0.1/0.2 = 4 and 0.3 gets 10. Rows where nobody takes part (no mean) or where the
    included benefit numbers are all 0 beside a positive one left out (x/0) give the included
    their points without a floating-point warning (pyproject.toml: such warnings from the
    package are bugs): the all-zero row gets M, as the docstring of the proportional model
    says."""
    linear = score_linear([100.0, 150.0, 80.0], maximum=10.0, mask=[True, True, False])
    np.testing.assert_allclose([10.0, 5.0], linear[:2], rtol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bilinear = score_bilinear_mean([0.1, 0.3, 0.9], maximum=10.0, x=0.8,
                                       mask=[True, True, False])
        np.testing.assert_allclose([4.0, 10.0], bilinear[:2], rtol=1e-15)
        rows = score_bilinear_mean([[0.1, 0.3], [0.1, 0.3]], maximum=10.0, x=0.8,
                                   mask=[[True, True], [False, False]])
        np.testing.assert_allclose([4.0, 10.0], rows[0], rtol=1e-15)
        zero = score_proportional([0.0, 5.0], maximum=10.0, direction="benefit",
                                  mask=[True, False])
        assert 10.0 == zero[0]
