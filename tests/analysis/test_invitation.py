"""Robustness of an invitation list: exact weight intervals and invitation acceptability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.analysis.invitation import (
    GroupMinimum,
    invitation_acceptability,
    invitation_intervals,
    invited_sets,
)
from evaluation.core.selection import InviteRule, Reserved, invite_in_order


def naive_invite(order: list[int], category: list[bool], eligible: list[bool],
                 rule: InviteRule) -> set[int]:
    """The rule read literally, one applicant at a time (design.md, prequalification)."""
    ranked = [i for i in order if eligible[i]]
    res = rule.reserved
    invited: set[int] = set()
    if res is not None and len(ranked) > res.when_qualified_more_than:
        of_cat = [i for i in ranked if category[i]]
        first = res.places if res.reading == "reservation" else res.min
        invited |= set(of_cat[: first or 0])
        for i in ranked:
            if len(invited) >= rule.max:
                break
            if i in invited:
                continue
            if res.reading == "quota" and category[i] and \
                    sum(category[j] for j in invited) >= res.max:
                continue
            invited.add(i)
        return invited
    return set(ranked[: rule.max])


rules = st.builds(
    lambda mx, reading, lo, span, when, k: InviteRule(
        max=mx, min=3, reserved=None if reading is None else Reserved(
            "new", lo, lo + span, when, reading, min(lo + k, lo + span))),
    st.integers(1, 8), st.sampled_from([None, "reservation", "quota"]), st.integers(0, 3),
    st.integers(0, 3), st.integers(0, 8), st.integers(0, 3))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 14), rules, st.randoms(use_true_random=False))
def test_the_batched_rule_equals_the_rule_read_literally(m: int, rule: InviteRule,
                                                         rnd: object) -> None:
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))  # type: ignore[attr-defined]
    category = rng.random(m) < 0.4
    eligible = rng.random(m) < 0.85
    order = list(rng.permutation(m))
    invited, _ = invite_in_order(category[order][None, :], rule,
                                 eligible=eligible[order][None, :])
    got = {order[p] for p in np.flatnonzero(invited[0])}
    assert naive_invite(order, list(category), list(eligible), rule) == got


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(1, 5), rules, st.randoms(use_true_random=False))
def test_the_front_of_each_ranking_invites_as_the_whole_ranking(m: int, n: int,
                                                                rule: InviteRule,
                                                                rnd: object) -> None:
    """Without group minima only each draw's front is ranked (the best of each kind); the
    invited sets equal those of the whole ranking read by the rule, draw by draw."""
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))  # type: ignore[attr-defined]
    values = rng.random((m, n))
    category = rng.random(m) < 0.3
    weights = rng.dirichlet(np.ones(n), 50)
    order = np.argsort(-(weights @ values.T), axis=1)
    invited, _ = invite_in_order(category[order], rule)
    whole = np.zeros((50, m), dtype=bool)
    np.put_along_axis(whole, order, invited, axis=1)
    np.testing.assert_array_equal(whole, invited_sets(values, weights, category, rule))
    np.testing.assert_allclose(whole.mean(axis=0),
                               invitation_acceptability(values, weights, category, rule))


@pytest.mark.parametrize("places", [10, 40])  # argmax passes; argpartition beyond 32
def test_the_front_with_many_places(places: int) -> None:
    rng = np.random.default_rng(places)
    values, category = rng.random((120, 4)), rng.random(120) < 0.4
    weights = rng.dirichlet(np.ones(4), 200)
    rule = InviteRule(max=places, min=3, reserved=Reserved("new", 2, 4, 10, "reservation", 3))
    order = np.argsort(-(weights @ values.T), axis=1)
    invited, _ = invite_in_order(category[order], rule)
    whole = np.zeros((200, 120), dtype=bool)
    np.put_along_axis(whole, order, invited, axis=1)
    np.testing.assert_array_equal(whole, invited_sets(values, weights, category, rule))


def test_acceptability_on_a_hand_derived_case() -> None:
    """A = (1, 0), B = (0, 1), C = (0.4, 0.4); w = (x, 1 - x), x uniform on [0, 1] (a fine
    grid, so the shares are exact). One place: A wins for x > 0.5, B below, C never (it
    totals 0.4 < max(x, 1 - x)): (0.5, 0.5, 0). Two places: C is out only for x in
    [0.4, 0.6] where min(x, 1 - x) >= 0.4; A is out for x < 0.4: (0.6, 0.6, 0.8)."""
    values = np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]])
    x = (np.arange(100_000) + 0.5) / 100_000
    weights = np.column_stack([x, 1.0 - x])
    none = np.zeros(3, dtype=bool)
    one = invitation_acceptability(values, weights, none, InviteRule(max=1))
    np.testing.assert_allclose([0.5, 0.5, 0.0], one, atol=1e-4)
    two = invitation_acceptability(values, weights, none, InviteRule(max=2))
    np.testing.assert_allclose([0.6, 0.6, 0.8], two, atol=1e-4)


def test_identical_applicants_share_their_chance() -> None:
    """1 and 2 are identical (0.5 each draw) behind 0 (0.6) and ahead of 3 (0.15): one place
    is left for the two, so each has half of it. (0 once totalled 0.5 too, a tie of different
    applicants whose order is unspecified.)"""
    values = np.array([[0.9, 0.3], [0.5, 0.5], [0.5, 0.5], [0.1, 0.2]])
    weights = np.array([[0.5, 0.5]] * 4)
    got = invitation_acceptability(values, weights, np.zeros(4, dtype=bool), InviteRule(max=2))
    np.testing.assert_allclose([1.0, 0.5, 0.5, 0.0], got)


def check_interval_ends(values: np.ndarray, weights: np.ndarray, category: np.ndarray,
                        rule: InviteRule, minima: tuple[GroupMinimum, ...] = ()) -> None:
    """Just inside each end the published set holds; just outside (within [0, 1]) it does not."""
    published = invited_sets(values, weights[None, :], category, rule, minima)[0]
    low, high = invitation_intervals(values, weights, category, rule, minima)
    for k, (lo, hi) in enumerate(zip(low, high, strict=True)):
        assert lo <= weights[k] + 1e-12 and weights[k] <= hi + 1e-12

        def at(t: float, k: int = k) -> np.ndarray:
            w = weights.copy()
            rest = 1.0 - w[k]
            others = np.arange(len(w)) != k
            w[others] = (1.0 - t) * w[others] / rest
            w[k] = t
            return invited_sets(values, w[None, :], category, rule, minima)[0]

        if hi - lo > 4e-6:
            assert (at(lo + 1e-6) == published).all()
            assert (at(hi - 1e-6) == published).all()
        if lo > 1e-6:
            assert not (at(lo - 1e-6) == published).all()
        if hi < 1 - 1e-6:
            assert not (at(hi + 1e-6) == published).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 12), st.integers(2, 4), rules, st.randoms(use_true_random=False),
       st.booleans())
def test_interval_ends_hold_inside_and_break_outside(m: int, n: int, rule: InviteRule,
                                                     rnd: object, with_minimum: bool) -> None:
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))  # type: ignore[attr-defined]
    values = rng.random((m, n))
    weights = rng.dirichlet(np.ones(n))
    weights = np.maximum(weights, 0.05)
    weights /= weights.sum()
    category = rng.random(m) < 0.4
    minima: tuple[GroupMinimum, ...] = ()
    if with_minimum:  # a minimum on main criterion 0 at its median published points
        factor = 100.0 * values[:, 0]
        minima = (GroupMinimum(0, factor, float(np.median(weights[0] * factor))),)
    check_interval_ends(values, weights, category, rule, minima)
