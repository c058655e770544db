"""The ranking rule (evaluation.core.ranking): 9 significant digits, the announced tie-break,
then a shared rank (design.md, "Ties left after the whole tie_break list share a rank")."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.core.ranking import SHARED, first_place, select_partners, tie_key


def test_tie_key_rounds_to_nine_significant_digits_of_the_largest() -> None:
    """Largest magnitude 80 (2 digits before the point): rounded to 7 decimals, so 1e-9 of
    noise ties and 1e-6 does not; a slice along an axis is rounded by its own largest, to the
    same bits as the whole array; non-finite values neither set the scale nor change."""
    values = np.array([80.0, 80.0 + 1e-9, 80.0 + 1e-6, -3.0])
    rounded = tie_key(values)
    assert rounded[0] == rounded[1] != rounded[2]
    np.testing.assert_array_equal(rounded, tie_key(values[None, :], axis=-1)[0])
    big = np.array([[1e12, 1e12 + 100.0, np.nan], [0.5, 0.5 + 1e-11, np.inf]])
    by_row = tie_key(big, axis=-1)
    np.testing.assert_array_equal(by_row[0, :2], tie_key(big[0, :2]))
    assert by_row[1, 0] == by_row[1, 1]
    assert np.isnan(by_row[0, 2]) and np.isinf(by_row[1, 2])
    np.testing.assert_array_equal([[0.0, 0.0]], tie_key(np.zeros((1, 2)), axis=-1))
    np.testing.assert_array_equal([0.0, 1.0], tie_key(np.array([0.0, 1.0])))


def test_first_place_follows_keys_then_shares() -> None:
    """Rows of three proposals: totals decide (row 0: the second); equal totals go to the next
    key (row 1: the third, more quality); equal on every key share the first place (row 2);
    nobody taking part: -1 (row 3); a proposal not taking part never wins (row 4)."""
    totals = np.array([[50.0, 60.0, 55.0], [60.0, 50.0, 60.0], [70.0, 70.0, 10.0],
                       [1.0, 2.0, 3.0], [10.0, 99.0, 20.0]])
    quality = np.array([[9.0, 1.0, 1.0], [1.0, 9.0, 5.0], [4.0, 4.0, 9.0],
                        [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    taking = np.ones((5, 3), dtype=bool)
    taking[3] = False
    taking[4, 1] = False
    winner, firsts = first_place([totals, quality], taking)
    np.testing.assert_array_equal([1, 2, SHARED, -1, 2], winner)
    np.testing.assert_array_equal([[False, False, True]], firsts[4:5])
    np.testing.assert_array_equal([True, True, False], firsts[2])
    # 9 significant digits: 70 and 70 + 1e-9 are the same total
    near, _ = first_place([np.array([[70.0, 70.0 + 1e-9]]), np.array([[1.0, 2.0]])],
                          np.ones((1, 2), dtype=bool))
    assert [1] == near.tolist()


@pytest.mark.parametrize(("partners", "expected", "warned"),
                         [(1, ("B",), False), (2, ("B", "A", "C"), True), (5, ("B", "A", "C"),
                                                                          False)])
def test_partners_take_a_tie_at_the_cut_together(partners: int, expected: tuple[str, ...],
                                                 warned: bool) -> None:
    """Ranks B 1, A 2, C 2 (a tie): one partner is B; two partners would cut the tie, so both
    tied come along, with a warning; more places than proposals: everyone, no warning."""
    ids = ("A", "B", "C")
    rank = np.array([2.0, 1.0, 2.0])
    chosen, warnings = select_partners(("B", "A", "C"), rank, ids, partners)
    assert expected == chosen
    assert warned == bool(warnings)
    if warned:
        assert "3" in warnings[0].en and "2" in warnings[0].en
    assert ((), []) == select_partners((), rank, ids, 1)
