"""The distinct sets of excluded proposals (``core.batch.unique_rows``), by hand."""

from __future__ import annotations

import numpy as np

from evaluation.core.batch import unique_rows


def test_unique_rows_numbers_each_distinct_set_once() -> None:
    """Five rows over three proposals, of which rows 0, 2 and 4 are the same set (B
    excluded) and rows 1 and 3 the same (nobody): two distinct rows, and each row's index
    points at its own set. The same with 70 proposals (the 9 bytes a row packs to, past the
    8 that fit one 64-bit integer) and with 64 (exactly 8 bytes): rows 0 and 2 exclude
    nobody, row 1 the 57th proposal alone, so again two sets. (Packed, that row is the top
    bit of the 64-bit word: compared as a float it would be −0.0, equal to nobody's 0.0.)"""
    mask = np.array([[False, True, False], [False, False, False], [False, True, False],
                     [False, False, False], [False, True, False]])
    sets, which = unique_rows(mask)
    assert 2 == len(sets)
    assert {(False, True, False), (False, False, False)} == {tuple(row) for row in sets}
    np.testing.assert_array_equal(mask, sets[which])
    assert which[0] == which[2] == which[4] != which[1] == which[3]
    assert np.intp == which.dtype
    for m in (70, 64):
        wide = np.zeros((3, m), dtype=bool)
        wide[1, 56] = True
        sets, which = unique_rows(wide)
        assert (2, m) == sets.shape
        np.testing.assert_array_equal(wide, sets[which])
        assert which[0] == which[2] != which[1]
