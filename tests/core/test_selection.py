"""The invitation rule of an innovation partnership's prequalification (core.selection).

Hand-made cases for the reading of Bergen's announced rule (reference/innovation-partnership.md:
"if more than 10 meet the minimum requirements, reserve at least two and at most four places
for less experienced and newly established firms"), in both readings design.md defines.
"""

from __future__ import annotations

import pytest

from evaluation.core.selection import (
    Candidate,
    Draw,
    InviteRule,
    Reserved,
    TieAtCutError,
    select_invitees,
)

NEW = "nyetablert"


def field(n: int, new_at: tuple[int, ...] = ()) -> list[Candidate]:
    """``n`` candidates ranked 1..n (ids a01…), those at the ranks ``new_at`` newly established."""
    return [Candidate(f"a{r:02d}", r, NEW if r in new_at else "etablert") for r in range(1, n + 1)]


def bergen(reading: str, places: int | None = 2) -> InviteRule:
    return InviteRule(max=10, min=3, reserved=Reserved(NEW, 2, 4, 10, reading, places))


def test_no_reservation_when_not_more_than_the_threshold_qualify() -> None:
    """10 qualify (not more than 10): the reserved places do not apply; the best 10 go."""
    selection = select_invitees(field(10, new_at=(9, 10)), bergen("reservation"))
    assert not selection.reserved_applied
    assert [f"a{r:02d}" for r in range(1, 11)] == list(selection.invited)
    selection = select_invitees(field(12, new_at=(11, 12)),
                                InviteRule(10, 3, Reserved(NEW, 2, 4, 12, "reservation", 2)))
    assert not selection.reserved_applied
    assert ("a11", "a12") == tuple(i.id for i in selection.invitations if not i.invited)


def test_three_newcomers_ranked_low_take_the_reserved_places_best_first() -> None:
    """24 qualify, newcomers ranked 15, 18 and 20; k = 2 reserved places: the best two
    newcomers (15, 18) are invited, the other eight places go to ranks 1-8; ranks 9 and 10
    are not invited."""
    selection = select_invitees(field(24, new_at=(15, 18, 20)), bergen("reservation"))
    assert selection.reserved_applied and 2 == selection.reserved_places
    invited = set(selection.invited)
    assert {f"a{r:02d}" for r in (*range(1, 9), 15, 18)} == invited
    by_id = {i.id: i for i in selection.invitations}
    assert 1 == by_id["a15"].reserved_place and 2 == by_id["a18"].reserved_place
    assert "invited on reserved place 1 of 2 for nyetablert: ranked 15" == by_id["a15"].reason.en
    assert "not invited: ranked 9" == by_id["a09"].reason.en
    assert "ikke invitert: nr. 20 i rangeringen" == by_id["a20"].reason.nb


def test_six_newcomers_in_the_top_ten_quota_four_reservation_six() -> None:
    """Newcomers at ranks 1-6 of 24. Quota (at least 2, at most 4): 4 newcomers and ranks
    7-12 minus... i.e. the newcomers at 5 and 6 are skipped and ranks 7-12 fill up. Reservation
    (k = 2): the best two newcomers take the reserved places and the others compete on merit:
    all six are invited with ranks 7-10."""
    quota = select_invitees(field(24, new_at=(1, 2, 3, 4, 5, 6)), bergen("quota"))
    assert {"a01", "a02", "a03", "a04", *(f"a{r:02d}" for r in range(7, 13))} == set(
        quota.invited)
    skipped = {i.id: i for i in quota.invitations}["a05"]
    assert not skipped.invited
    assert "not invited: ranked 5; the quota of 4 for nyetablert is full" == skipped.reason.en
    reservation = select_invitees(field(24, new_at=(1, 2, 3, 4, 5, 6)), bergen("reservation"))
    assert {f"a{r:02d}" for r in range(1, 11)} == set(reservation.invited)
    assert 6 == sum(1 for i in reservation.invitations
                    if i.invited and i.id in {f"a{r:02d}" for r in range(1, 7)})


def test_unused_reserved_places_return_to_the_ranking() -> None:
    """Reservation with k = 3 but a single newcomer (rank 20): it gets a reserved place and
    the other nine places go down the ranking (1-9), with a warning. Quota likewise."""
    selection = select_invitees(field(24, new_at=(20,)), bergen("reservation", places=3))
    assert {*(f"a{r:02d}" for r in range(1, 10)), "a20"} == set(selection.invited)
    assert 1 == selection.reserved_places
    assert any("2 reserved places return" in w.en for w in selection.warnings)
    quota = select_invitees(field(24, new_at=(20,)), bergen("quota"))
    assert {*(f"a{r:02d}" for r in range(1, 10)), "a20"} == set(quota.invited)


def test_fewer_qualified_than_the_minimum_is_a_warning_and_all_are_invited() -> None:
    selection = select_invitees(field(2), bergen("reservation"))
    assert ("a01", "a02") == selection.invited
    assert any("fewer than the at least 3" in w.en for w in selection.warnings)


def tied_at_the_cut() -> list[Candidate]:
    """Ranks 1-9, then two tied at rank 10 (one place left), then 12…"""
    cands = [Candidate(f"a{r:02d}", r, "etablert") for r in range(1, 10)]
    cands += [Candidate("b10", 10, "etablert"), Candidate("c10", 10, "etablert")]
    return cands + [Candidate(f"a{r:02d}", r, "etablert") for r in range(12, 15)]


def test_a_tie_at_the_cut_without_an_announced_lot_stops() -> None:
    with pytest.raises(TieAtCutError) as caught:
        select_invitees(tied_at_the_cut(), InviteRule(max=10))
    assert ("b10", "c10") == caught.value.ids
    assert "does not end in drawing lots" in str(caught.value)


def test_a_tie_at_the_cut_with_lot_needs_the_recorded_draw() -> None:
    with pytest.raises(TieAtCutError) as caught:
        select_invitees(tied_at_the_cut(), InviteRule(max=10), lot_announced=True)
    assert "record the draw in draws.csv (missing for b10, c10)" in str(caught.value)
    draws = [Draw("c10", 1, "Kari Vitne", "2026-09-14"), Draw("b10", 2, "Kari Vitne",
                                                              "2026-09-14")]
    selection = select_invitees(tied_at_the_cut(), InviteRule(max=10), lot_announced=True,
                                draws=draws)
    assert "c10" in selection.invited and "b10" not in selection.invited
    assert 2 == len(selection.draws_used)
    reason = {i.id: i for i in selection.invitations}["c10"].reason.en
    assert reason == ("invited: ranked 10 (tied at rank 10, settled by drawing lots on "
                      "2026-09-14, witnessed by Kari Vitne)")


def test_a_tie_inside_the_invited_set_needs_no_draw() -> None:
    cands = [Candidate("a01", 1), Candidate("a02", 2), Candidate("b02", 2), Candidate("a04", 4)]
    selection = select_invitees(cands, InviteRule(max=3))
    assert {"a01", "a02", "b02"} == set(selection.invited)


def test_a_tie_for_the_last_reserved_place_is_a_tie_at_a_cut() -> None:
    """Two newcomers tied at rank 15 compete for the second reserved place."""
    cands = field(24, new_at=(12,))
    cands = [c for c in cands if c.rank != 16]
    cands = [Candidate(c.id, c.rank, c.category) if c.rank != 15 else
             Candidate("n15", 15, NEW) for c in cands] + [Candidate("m15", 15, NEW)]
    with pytest.raises(TieAtCutError) as caught:
        select_invitees(cands, bergen("reservation"))
    assert {"m15", "n15"} == set(caught.value.ids)
