"""Selection for negotiation: who of the qualified applicants is invited, and why.

An innovation partnership starts with a request to participate; the qualified applicants are
ranked by the announced selection criteria (scored like award criteria, :mod:`.scoring`), and
the announced rule decides whom to invite (FOA part III, directive 2014/24/EU art. 31 and
art. 65; reference/innovation-partnership.md):

- at most ``invite.max``; at least ``invite.min`` (3) where that many qualify, and with fewer
  qualified the procedure may go on with those (art. 65(2): a warning, not a refusal);
- places reserved for a category of applicants (Bergen: "at least two and at most four places
  for less experienced and newly established firms" when more than 10 qualify), in the reading
  the announced wording gives, which the committee records and the tool never picks:

  * ``reservation``: the committee's recorded number of places ``k`` (``min <= k <= max``)
    goes first to the best ``k`` qualified applicants of the category; the other
    ``invite.max - k`` places go down the overall ranking, where applicants of the category
    compete on merit like anyone else;
  * ``quota``: the best ``min`` of the category are invited first; the remaining places go
    down the overall ranking, skipping applicants of the category once ``max`` of them are
    invited.

  Reserved places left unused (fewer of the category qualify) return to the overall ranking.

Ties: the ranking already applies the announced tie-break list (:mod:`.ranking`); applicants
still tied share a rank. A tie that straddles a cut (some of a tied group invited, some not)
can only be settled by the announced rule: if the list ends in ``lot``, by the committee's
recorded draw (``draws.csv``: the order within the tied group); otherwise the selection stops
and says so. The tool never draws lots. The check is sound because the invited set does not
depend on the order within a tied group unless the group is split (reserved places go to the
best of the category and merit places down the ranking; whether a whole group fits above a cut
does not depend on its inner order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.common.errors import EvaluationError
from evaluation.common.labels import Label

READINGS = ("reservation", "quota")


@dataclass(frozen=True)
class Reserved:
    """Places reserved for a category of applicants, as announced."""

    category: str
    min: int
    max: int
    when_qualified_more_than: int
    reading: str  # "reservation" | "quota"
    places: int | None = None  # reservation: the committee's recorded k (min <= k <= max)


@dataclass(frozen=True)
class InviteRule:
    """The announced invitation rule."""

    max: int
    min: int = 3
    reserved: Reserved | None = None


@dataclass(frozen=True)
class Candidate:
    """A qualified applicant above every minimum, with its rank (shared when tied)."""

    id: str
    rank: int
    category: str = ""


@dataclass(frozen=True)
class Draw:
    """The committee's recorded draw of lots: ``order`` within a tied group (1 first)."""

    applicant_id: str
    order: int
    witnessed_by: str
    date: str


@dataclass(frozen=True)
class Invitation:
    """One qualified applicant's outcome: invited or not, on which place, and why."""

    id: str
    invited: bool
    rank: int
    reserved_place: int | None  # j of the reserved places (1-based), or None
    reason: Label


@dataclass(frozen=True)
class Selection:
    """The invitation list in rank order, with the rule as applied."""

    invitations: tuple[Invitation, ...]
    reserved_applied: bool
    reserved_places: int  # places actually reserved (after unused ones returned)
    warnings: tuple[Label, ...] = ()
    draws_used: tuple[Draw, ...] = ()

    @property
    def invited(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.invitations if i.invited)


class TieAtCutError(EvaluationError, ValueError):
    """A tie at a cut that the announced tie-break list (and any recorded draw) cannot settle."""

    def __init__(self, ids: Sequence[str], rank: int, message: Label) -> None:
        self.ids, self.rank, self.label = tuple(ids), rank, message
        super().__init__(message.en)


def reserved_applies(rule: InviteRule, qualified: int) -> bool:
    """Return whether reserved places apply: only when more than
    ``when_qualified_more_than`` applicants qualify (and rank above every minimum)."""
    return rule.reserved is not None and qualified > rule.reserved.when_qualified_more_than


def _ordered(candidates: Sequence[Candidate], draws: Mapping[str, Draw]
             ) -> list[Candidate]:
    """Return candidates by rank, a tied group by its recorded draw where every member has
    one (else by id, a provisional order the split check then refuses to rely on)."""
    def key(c: Candidate) -> tuple[int, int, str]:
        group = [d for d in candidates if d.rank == c.rank]
        settled = len(group) > 1 and all(d.id in draws for d in group)
        return c.rank, draws[c.id].order if settled else 0, c.id
    return sorted(candidates, key=key)


def reserved_first(res: Reserved) -> int:
    """Return how many of the category's best are invited first, before the merit places:
    the reserved places (reservation reading) or the quota's minimum (quota reading)."""
    return (res.places or 0) if res.reading == "reservation" else res.min


def invite_in_order(is_category: NDArray[np.bool_], rule: InviteRule, *,
                    eligible: NDArray[np.bool_] | None = None,
                    qualified: NDArray[np.int64] | None = None
                    ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    r"""Return who is invited and on which reserved place, for many rankings at once.

    ``is_category`` is ``(d, m)``: row ``r`` lists ranking ``r``'s applicants best first, True
    where the applicant is of the reserved category; ``eligible`` (same shape, default all)
    is False for an applicant below a minimum in that ranking (never invited, not counted).
    Returns ``invited`` (same shape and order) and ``place`` (the reserved place j, 1-based,
    0 on a merit place or none). ``qualified`` (``(d,)``, default: the eligible in each row)
    counts the eligible applicants when the rows hold only the front of each ranking. With
    :math:`c_p` the number of eligible applicants of the category among the first ``p``
    (``cumsum``), in a row where reserved places apply (more than
    ``when_qualified_more_than`` qualified):

    - reserved: :math:`c_p \le k` (reservation: ``k = places``; quota: ``k = min``);
    - eligible on merit: not reserved, and for a quota not of the category beyond ``max``
      (:math:`c_p > \max`: once ``max`` of the category are invited the rest are skipped,
      and a category member can only be reached after all better ones were);
    - on merit: the first ``invite.max`` minus the reserved count of those eligible on merit.

    Source: the announced rule as design.md reads it (reference/innovation-partnership.md).
    """
    cat = np.asarray(is_category, dtype=bool)
    ok = None if eligible is None else np.asarray(eligible, dtype=bool)
    if ok is not None:
        cat = cat & ok
    res = rule.reserved
    if res is None:
        applies = np.zeros((cat.shape[0], 1), dtype=bool)
        first = 0
    else:
        count = (np.full(cat.shape[0], cat.shape[1]) if ok is None else ok.sum(axis=1)) \
            if qualified is None else np.asarray(qualified)
        applies = count.reshape(-1, 1) > res.when_qualified_more_than
        first = reserved_first(res)
    cat_rank = np.cumsum(cat, axis=1)
    reserved = cat & (cat_rank <= first) & applies
    merit_ok = ~reserved if ok is None else ok & ~reserved
    if res is not None and res.reading == "quota":
        merit_ok &= ~(cat & applies) | (cat_rank <= res.max)
    merit_rank = np.cumsum(merit_ok, axis=1)
    free = rule.max - reserved.sum(axis=1, keepdims=True)
    invited = reserved | (merit_ok & (merit_rank <= free))
    return invited, np.where(reserved, cat_rank, 0)


def select_invitees(candidates: Sequence[Candidate], rule: InviteRule, *,
                    lot_announced: bool = False, draws: Sequence[Draw] = ()) -> Selection:
    """Return who is invited by the announced rule (see the module docstring).

    ``candidates`` are the qualified applicants above every minimum with their ranks from the
    selection criteria (ties already broken by the announced list where it could). Raises
    :class:`TieAtCutError` when a tie straddles a cut and no announced lot with a recorded
    draw settles it.
    """
    by_id = {d.applicant_id: d for d in draws}
    ordered = _ordered(candidates, by_id)
    applies = reserved_applies(rule, len(ordered))
    res = rule.reserved
    is_category = np.array([[res is not None and c.category == res.category for c in ordered]],
                           dtype=bool).reshape(1, len(ordered))
    invited, places = invite_in_order(is_category, rule)
    chosen = {c.id: (int(p) or None) for c, ok, p in zip(ordered, invited[0], places[0],
                                                        strict=True) if ok}
    reserved_count = int((places[0] > 0).sum())
    used: list[Draw] = []
    for rank in sorted({c.rank for c in ordered}):
        group = [c.id for c in ordered if c.rank == rank]
        inside = [g for g in group if g in chosen]
        if len(group) < 2 or not inside or len(inside) == len(group):
            continue
        if lot_announced and all(g in by_id for g in group):
            used.extend(by_id[g] for g in group)
            continue
        names = ", ".join(group)
        if lot_announced:
            missing = ", ".join(g for g in group if g not in by_id)
            raise TieAtCutError(group, rank, Label(
                f"Likt ved grensen for invitasjon: {names} deler plass {rank}, og den "
                f"kunngjorte regelen ender i loddtrekning; registrer trekningen i draws.csv "
                f"(mangler for {missing}). Verktøyet trekker aldri lodd.",
                f"Tie at the invitation cut: {names} share rank {rank} and the announced rule "
                f"ends in drawing lots; record the draw in draws.csv (missing for {missing}). "
                "The tool never draws lots."))
        raise TieAtCutError(group, rank, Label(
            f"Likt ved grensen for invitasjon: {names} deler plass {rank} også etter den "
            "kunngjorte utslagsregelen, som ikke ender i loddtrekning; komiteen kan ikke "
            "velge mellom dem uten en kunngjort regel.",
            f"Tie at the invitation cut: {names} share rank {rank} even after the announced "
            "tie-break list, which does not end in drawing lots; the committee cannot choose "
            "between them without an announced rule."))
    warnings: list[Label] = []
    if len(ordered) < rule.min:
        warnings.append(Label(
            f"Bare {len(ordered)} søkere er kvalifisert, færre enn minst {rule.min} som skal "
            "inviteres; prosedyren kan fortsette med disse (direktiv 2014/24/EU art. 65).",
            f"Only {len(ordered)} applicants qualify, fewer than the at least {rule.min} to "
            "invite; the procedure may go on with those (directive 2014/24/EU art. 65)."))
    if applies and res is not None:
        wanted = res.places if res.reading == "reservation" else res.min
        if wanted is not None and reserved_count < wanted:
            warnings.append(Label(
                f"Bare {reserved_count} kvalifiserte i kategorien {res.category}: "
                f"{wanted - reserved_count} reserverte plasser går tilbake til rangeringen.",
                f"Only {reserved_count} qualified in the category {res.category}: "
                f"{wanted - reserved_count} reserved places return to the overall ranking."))
    quota_full = set()
    if applies and res is not None and res.reading == "quota":
        ahead = np.cumsum(is_category[0]) - is_category[0]  # category members ranked above
        quota_full = {c.id for c, k, cat in zip(ordered, ahead, is_category[0], strict=True)
                      if cat and k >= res.max}
    invitations = tuple(_invitation(c, chosen, reserved_count, res if applies else None,
                                    c.id in quota_full, by_id if used else {})
                        for c in ordered)
    return Selection(invitations, applies, reserved_count, tuple(warnings), tuple(used))


def _invitation(c: Candidate, chosen: Mapping[str, int | None], n_reserved: int,
                res: Reserved | None, quota_full: bool, draws: Mapping[str, Draw]
                ) -> Invitation:
    place = chosen.get(c.id)
    draw = draws.get(c.id)
    nb_lot = (f" (likt på plass {c.rank}, avgjort ved loddtrekning {draw.date}, bevitnet av "
              f"{draw.witnessed_by})" if draw else "")
    en_lot = (f" (tied at rank {c.rank}, settled by drawing lots on {draw.date}, witnessed "
              f"by {draw.witnessed_by})" if draw else "")
    if c.id in chosen and place is not None and res is not None:
        how_nb = "kvoten" if res.reading == "quota" else "reservert plass"
        how_en = "the quota" if res.reading == "quota" else "reserved place"
        reason = Label(f"invitert på {how_nb} {place} av {n_reserved} for {res.category}: "
                       f"nr. {c.rank} i rangeringen{nb_lot}",
                       f"invited on {how_en} {place} of {n_reserved} for {res.category}: "
                       f"ranked {c.rank}{en_lot}")
    elif c.id in chosen:
        reason = Label(f"invitert: nr. {c.rank} i rangeringen{nb_lot}",
                       f"invited: ranked {c.rank}{en_lot}")
    elif res is not None and quota_full:
        reason = Label(f"ikke invitert: nr. {c.rank} i rangeringen; kvoten på {res.max} for "
                       f"{res.category} er fylt{nb_lot}",
                       f"not invited: ranked {c.rank}; the quota of {res.max} for "
                       f"{res.category} is full{en_lot}")
    else:
        reason = Label(f"ikke invitert: nr. {c.rank} i rangeringen{nb_lot}",
                       f"not invited: ranked {c.rank}{en_lot}")
    return Invitation(c.id, c.id in chosen, c.rank, place, reason)
