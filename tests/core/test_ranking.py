"""The ranking rule (evaluation.core.ranking): 9 significant digits, the announced tie-break,
then a shared rank (design.md, "Ties left after the whole tie_break list share a rank")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from evaluation.common.labels import Label
from evaluation.core.model import Criterion, Model, Scale
from evaluation.core.ranking import (
    SHARED,
    first_place,
    rank_proposals,
    select_partners,
    tie_break_keys,
    tie_key,
)


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
                         [(1, ("B",), ""), (2, ("B", "A", "C"), "tie"),
                          (3, ("B", "A", "C"), ""), (5, ("B", "A", "C"), "fewer")])
def test_partners_take_a_tie_at_the_cut_together(partners: int, expected: tuple[str, ...],
                                                 warned: str) -> None:
    """Ranks B 1, A 2, C 2 (a tie): one partner is B; two partners would cut the tie, so both
    tied come along, with a warning; three places for three: everyone, no warning; more places
    than proposals: everyone, with a warning that fewer can be ranked; nothing rankable:
    nobody, with that warning (in both languages)."""
    ids = ("A", "B", "C")
    rank = np.array([2.0, 1.0, 2.0])
    chosen, warnings = select_partners(("B", "A", "C"), rank, ids, partners)
    assert expected == chosen
    assert bool(warned) == bool(warnings)
    if warned == "tie":
        assert "3" in warnings[0].en and "2" in warnings[0].en
    if warned == "fewer":
        assert ["5 partners are to be selected, but only 3 proposals can be ranked: every "
                "rankable proposal is selected."] == [w.en for w in warnings]
    nobody, why = select_partners((), rank, ids, 1)
    assert () == nobody
    assert ["1 partners are to be selected, but only 0 proposals can be ranked: none is "
            "selected."] == [w.en for w in why]
    assert ["Det skal velges 1 partnere, men bare 0 tilbud kan rangeres: ingen blir valgt."] == [
        w.nb for w in why]


def test_tie_key_under_one_and_per_row() -> None:
    """Largest magnitude 0.5: 9 significant digits are 10 decimals, so 0.5 and 0.5 + 3e-10
    differ; NaN does not count as a magnitude; each row keeps its own scale (0.5 and 0.6 stay
    apart beside a row of 10^12)."""
    assert tie_key(np.array([0.5, 0.5 + 3e-10]))[0] != tie_key(np.array([0.5, 0.5 + 3e-10]))[1]
    row = tie_key(np.array([[0.05, 0.05 + 3e-11, np.nan]]), axis=-1)[0]
    assert row[0] != row[1]
    rows = tie_key(np.array([[1e12, 2e12], [0.5, 0.6]]), axis=-1)
    np.testing.assert_array_equal([0.5, 0.6], rows[1])


def test_first_place_in_many_competitions_and_with_one_key() -> None:
    """Leading axes (scenarios × competitions) rank each row alone; with a single key and
    nobody taking part there is no first (-1)."""
    totals = np.array([[[1.0, 3.0, 2.0], [5.0, 4.0, 4.0]], [[2.0, 2.0, 1.0], [0.0, 0.0, 9.0]]])
    winner, firsts = first_place([totals], np.ones(totals.shape, dtype=bool))
    np.testing.assert_array_equal([[1, 0], [SHARED, 2]], winner)
    assert (2, 2, 3) == firsts.shape and firsts[1, 0].tolist() == [True, True, False]
    nobody, _ = first_place([np.array([[1.0, 2.0]])], np.zeros((1, 2), dtype=bool))
    assert [-1] == nobody.tolist()


def test_warnings_and_refusals_say_what_happened() -> None:
    """A tie left after every rule is reported with both proposals, the rules and the shared
    rank; a tie at the partners' cut with the numbers; a NaN key is refused."""
    model = dataclasses.replace(_plain_model(), tie_break=("quality", "price"))
    ids = ("A", "B", "C")
    primary = np.array([50.0, 50.0, 40.0])
    same = np.zeros(3)
    rank, order, warnings = rank_proposals(model, ids, primary, {}, same, same,
                                           np.zeros(3, dtype=bool))
    assert [1.0, 1.0, 3.0] == rank.tolist() and ("A", "B", "C") == order
    assert ("Proposals A and B are still tied after every tie-break rule (quality, price); "
            "they share rank 1.") == warnings[0].en
    assert ("Tilbud A og B står likt også etter alle utslagsregler (quality, price); de deler "
            "plass 1.") == warnings[0].nb
    _, cut = select_partners(order, rank, ids, 1)
    assert ("Tie at the cut: 2 proposals share the 1 partner places; the committee must "
            "decide by a pre-announced rule.") == cut[0].en
    assert ("Likt resultat ved grensen: 2 tilbud deler de 1 partnerplassene; komiteen må "
            "avgjøre etter en forhåndsbestemt regel.") == cut[0].nb
    with pytest.raises(ValueError, match=r"^a ranking key is NaN for an included proposal$"):
        rank_proposals(model, ids, np.array([1.0, np.nan, 2.0]), {}, same, same,
                       np.zeros(3, dtype=bool))
    # an excluded proposal's NaN is no concern of the ranking
    rank, order, _ = rank_proposals(model, ids, np.array([1.0, np.nan, 2.0]), {}, same, same,
                                    np.array([False, True, False]))
    assert ("C", "A") == order and np.isnan(rank[1])


def _plain_model() -> Model:
    """Return a one-criterion model built in memory."""
    leaf = Criterion(id="q", title=Label("q", "q"), weight=100.0, path=("q",))
    return Model(id="m", title=Label("m", "m"), language="nb", scale=Scale(), points=100.0,
                 aggregation="mean", disagreement=0.3, tie_break=(), award_model="weighted_points",
                 criteria=(leaf,), source=Path("m.yaml"), sha256="0")


def test_first_place_rounds_each_row_on_its_own_scale() -> None:
    """One scenario, two competitions: totals of 10^12 and 10^12 + 1 are equal to 9
    significant digits, so the second key decides (B); 0.5 and 0.500001 are not (on the scale
    of 0.5 they differ in the 6th digit), so B is first without the second key, which favours
    A. Rounded on the scale of the whole array (or of a column across competitions) the
    second row would tie too and A would be first."""
    totals = np.array([[[1e12, 1e12 + 1], [0.5, 0.5 + 1e-6]]])
    second = np.array([[[1.0, 2.0], [2.0, 1.0]]])
    winner, firsts = first_place([totals, second], np.ones(totals.shape, dtype=bool))
    np.testing.assert_array_equal([[1, 1]], winner)
    assert np.int64 == winner.dtype  # an index into the proposals
    np.testing.assert_array_equal([[[False, True], [False, True]]], firsts)


def test_a_criterion_called_lot_breaks_ties_in_an_award_model() -> None:
    """Drawing lots (``lot``) is a tie-break key of selection models only (data.criteria: the
    last key there); in an award model ``lot`` can only be a criterion's id, which the loader
    accepts as a tie-break key, so its points must break the tie like any criterion's. A
    selection model's ``lot`` is left to the committee's recorded draw: no key."""
    quality, price = np.array([5.0, 6.0]), np.array([7.0, 8.0])
    points = {"lot": np.array([1.0, np.nan])}
    award = dataclasses.replace(_plain_model(), tie_break=("lot", "quality"))
    keys = tie_break_keys(award, points, quality, price)
    np.testing.assert_array_equal([[1.0, 0.0], [5.0, 6.0]], keys)
    selection = dataclasses.replace(award, tie_break=("price", "lot"), purpose="selection")
    np.testing.assert_array_equal([[7.0, 8.0]], tie_break_keys(selection, points, quality,
                                                                  price))
