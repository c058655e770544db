"""Tests for evaluation.stability: one-at-a-time weight stability intervals."""

from __future__ import annotations

import numpy as np
from builders import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from evaluation.analysis.stability import (
    linear_totals,
    partner_pairs,
    ranking_pairs,
    stability_intervals,
    stable_interval,
    winner_pairs,
)

# Three proposals, two criteria, weights (0.6, 0.4): totals A 0.62, C 0.60, B 0.50.
VALUES = np.array([[0.9, 0.2], [0.3, 0.8], [0.6, 0.6]])
WEIGHTS = np.array([0.6, 0.4])
ORDER = np.array([0, 2, 1])


def test_hand_computed_three_proposals_two_criteria() -> None:
    """Weight of criterion 1 set to t, criterion 2 gets 1 - t:

    T_A = 0.2 + 0.7 t, T_B = 0.8 - 0.5 t, T_C = 0.6.
    A ahead of C iff t >= 4/7; A ahead of B iff t >= 1/2; C ahead of B iff t >= 2/5.
    Winner A: [4/7, 1]. Partners {A, C} ahead of B: [1/2, 1]. Ranking A, C, B: [4/7, 1].
    Criterion 2's weight is 1 - t, so its intervals mirror these: [0, 3/7], [0, 1/2], [0, 3/7].
    """
    u, v = linear_totals(VALUES, WEIGHTS, 0)
    np.testing.assert_allclose(u, [0.2, 0.8, 0.6])
    np.testing.assert_allclose(v, [0.7, -0.5, 0.0])
    found = stability_intervals(VALUES, WEIGHTS, ORDER, n_partners=2)
    np.testing.assert_allclose(found.winner_low, [4 / 7, 0.0])
    np.testing.assert_allclose(found.winner_high, [1.0, 3 / 7])
    np.testing.assert_allclose(found.partners_low, [1 / 2, 0.0])
    np.testing.assert_allclose(found.partners_high, [1.0, 1 / 2])
    np.testing.assert_allclose(found.ranking_low, [4 / 7, 0.0])
    np.testing.assert_allclose(found.ranking_high, [1.0, 3 / 7])


def test_linear_totals_reproduce_the_published_totals() -> None:
    values = np.array([[0.1, 0.9, 0.4], [0.7, 0.2, 0.5]])
    weights = np.array([0.5, 0.3, 0.2])
    for k in range(3):
        u, v = linear_totals(values, weights, k)
        np.testing.assert_allclose(u + v * weights[k], values @ weights)


def test_linear_totals_when_one_criterion_has_all_the_weight() -> None:
    values = np.array([[0.1, 0.9, 0.4], [0.7, 0.2, 0.5]])
    u, v = linear_totals(values, np.array([1.0, 0.0, 0.0]), 0)
    np.testing.assert_allclose(u, [0.65, 0.35])  # the freed weight is shared equally
    np.testing.assert_allclose(u + v, [0.1, 0.7])
    u, v = linear_totals(values[:, :1], np.array([1.0]), 0)
    np.testing.assert_allclose(u, [0.0, 0.0])
    np.testing.assert_allclose(v, [0.1, 0.7])


def test_stable_interval_edge_cases() -> None:
    u, v = np.array([0.5, 0.5, 0.2]), np.array([0.0, 1.0, 0.0])
    assert (0.0, 1.0) == stable_interval(u, v, 0.3, np.empty((0, 2), dtype=np.int64))
    # Tied at t0 = 0 and the rival rising: the tie holds only at t0.
    assert (0.0, 0.0) == stable_interval(u, v, 0.0, np.array([[0, 1]]))
    # 1 put ahead of 0 though 1e-15 behind at t0 (rounding): a tie held at t0, not excluding it.
    u_rounded = np.array([1.0, 0.5 - 1e-15])
    assert (0.5, 1.0) == stable_interval(u_rounded, v[:2], 0.5, np.array([[1, 0]]))
    # Parallel totals never cross.
    assert (0.0, 1.0) == stable_interval(u, v, 0.5, np.array([[0, 2]]))


def test_pair_builders() -> None:
    order = np.array([2, 0, 1, 3])
    np.testing.assert_array_equal([[2, 0], [2, 1], [2, 3]], winner_pairs(order))
    np.testing.assert_array_equal([[2, 1], [2, 3], [0, 1], [0, 3]], partner_pairs(order, 2))
    np.testing.assert_array_equal([[2, 0], [0, 1], [1, 3]], ranking_pairs(order))
    assert (0, 2) == partner_pairs(order, 4).shape


def moved(weights: NDArray[np.float64], k: int, t: float) -> NDArray[np.float64]:
    """Return the weights with weight k set to t and the others rescaled proportionally."""
    result = weights * (1 - t) / (1 - weights[k])
    result[k] = t
    return result


# Grid values and integer weights keep every slope either 0 or well away from it.
cases = st.integers(2, 6).flatmap(
    lambda m: st.integers(2, 5).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 20), min_size=n, max_size=n), min_size=m, max_size=m),
            st.lists(st.integers(1, 10), min_size=n, max_size=n),
            st.integers(1, m),
        )
    )
)


@settings(max_examples=examples(150), deadline=None)
@given(cases)
def test_winner_interval_is_exact(case: tuple[list[list[int]], list[int], int]) -> None:
    values = np.array(case[0]) / 20
    weights = np.array(case[1]) / sum(case[1])
    totals = values @ weights
    order = np.argsort(-totals, kind="stable")
    assume(totals[order[0]] - totals[order[1]] > 1e-9)  # a clear winner
    winner = order[0]
    found = stability_intervals(values, weights, order, case[2])
    for k in range(len(weights)):
        low, high = found.winner_low[k], found.winner_high[k]
        assert low <= weights[k] <= high
        for t in (low, high, (low + high) / 2, low + (high - low) / 1e3, high - (high - low) / 1e3):
            moved_totals = values @ moved(weights, k, t)
            assert moved_totals[winner] >= moved_totals.max() - 1e-12
        for t, beyond in ((high + 1e-4, high < 1 - 1e-4), (low - 1e-4, low > 1e-4)):
            if beyond:
                moved_totals = values @ moved(weights, k, t)
                assert moved_totals.max() > moved_totals[winner] + 1e-9


@settings(max_examples=examples(100), deadline=None)
@given(cases)
def test_intervals_contain_the_weight_and_nest(
    case: tuple[list[list[int]], list[int], int],
) -> None:
    values = np.array(case[0]) / 20
    weights = np.array(case[1]) / sum(case[1])
    order = np.argsort(-(values @ weights), kind="stable")
    found = stability_intervals(values, weights, order, case[2])
    for low, high in (
        (found.winner_low, found.winner_high),
        (found.partners_low, found.partners_high),
        (found.ranking_low, found.ranking_high),
    ):
        assert (0 <= low).all() and (high <= 1).all()
        assert (low <= weights + 1e-12).all() and (weights <= high + 1e-12).all()
    # Keeping the whole ranking keeps the winner and the selected partners.
    assert (found.ranking_low >= found.winner_low - 1e-12).all()
    assert (found.ranking_high <= found.winner_high + 1e-12).all()
    assert (found.ranking_low >= found.partners_low - 1e-12).all()
    assert (found.ranking_high <= found.partners_high + 1e-12).all()
    selected, rest = order[: case[2]], order[case[2] :]
    for k in range(len(weights)):
        t = (found.partners_low[k] + found.partners_high[k]) / 2
        moved_totals = values @ moved(weights, k, t)
        if rest.size:
            assert moved_totals[selected].min() >= moved_totals[rest].max() - 1e-12


def test_fifty_proposals_twenty_criteria() -> None:
    rng = np.random.default_rng(0)
    values, weights = rng.random((50, 20)), rng.dirichlet(np.ones(20))
    order = np.argsort(-(values @ weights), kind="stable")
    found = stability_intervals(values, weights, order, 5)
    for field in ("winner", "partners", "ranking"):
        low, high = getattr(found, f"{field}_low"), getattr(found, f"{field}_high")
        assert (20,) == low.shape == high.shape
        assert (low <= weights).all() and (weights <= high).all()


def test_defaults_and_many_value_sets() -> None:
    """Without ``n_partners`` one partner is selected (the winner); ``linear_totals`` takes
    leading axes for many value sets alike, also when the other weights are all 0 (then the
    freed weight is shared equally: u is the mean of the others)."""
    found = stability_intervals(VALUES, WEIGHTS, ORDER)
    np.testing.assert_allclose(found.partners_low, found.winner_low)
    np.testing.assert_allclose(found.partners_high, found.winner_high)
    stacked = np.stack([VALUES, VALUES[::-1]])
    for weights in (WEIGHTS, np.array([1.0, 0.0])):
        u, v = linear_totals(stacked, weights, 0)
        for k in range(2):
            u_k, v_k = linear_totals(stacked[k], weights, 0)
            np.testing.assert_allclose(u[k], u_k)
            np.testing.assert_allclose(v[k], v_k)
    three = np.array([[[0.2, 0.4, 0.9]]])
    u, _ = linear_totals(three, np.array([1.0, 0.0, 0.0]), 0)
    np.testing.assert_allclose([[0.65]], u)
