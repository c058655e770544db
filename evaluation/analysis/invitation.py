r"""How robust an invitation list is to the selection criteria's weights.

Two questions a committee (and a complaints board) asks of a prequalification:

- **Stability of the cut** (one weight at a time, exact): for each selection criterion, the
  weight interval within which the invited set stays the same, the other weights rescaled
  proportionally. Every total is linear in the moved weight :math:`t`,
  :math:`T_i(t) = u_i + v_i t` (:func:`evaluation.analysis.stability.linear_totals`,
  Triantaphyllou & Sánchez 1997), and so is every group's points against a group minimum; the
  invited set can only change where two totals cross or a group's points cross its minimum.
  Between consecutive such breakpoints it is constant, so it is evaluated once per piece (by
  the same rule as the selection itself, :func:`evaluation.core.selection.invite_in_order`)
  and the interval is the run of pieces around the published weight with the published set.
- **Invitation acceptability** (SMAA, Lahdelma & Salminen 2001): the share of weight draws
  (within the announced ranges, or the default sampler) in which each applicant is invited:
  the SMAA-2 rank acceptability summed over the ranks that lead to an invitation, with the
  reserved places applied in every draw.

Applicants with identical values and category tie in every draw; each gets their group's
mean (a tie settled by lot gives each the same chance). Values are the candidates' values at
the published weights (a normalisation over the candidates is not redone per draw).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.draws import draw_weights, main_criteria, node_values
from evaluation.analysis.sensitivity import DEFAULT_SAMPLES, DEFAULT_SEED
from evaluation.analysis.stability import linear_totals
from evaluation.core.evaluation import Evaluation
from evaluation.core.prequalification import SelectionResult
from evaluation.core.selection import InviteRule, invite_in_order, reserved_first

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
CHUNK_ELEMENTS = 1_000_000  # totals per block, as in SMAA: about 8 MB of float64
MINIMUM_TOLERANCE = 1e-9  # as the scoring's minimum check
SNAP = 1e-12  # breakpoints this close to the published weight are taken to be at it


@dataclass(frozen=True)
class GroupMinimum:
    r"""A group minimum (points of the model's total) on a main criterion's subtree.

    The group's points in a weighting :math:`w` are :math:`w_a \cdot f_i`, with ``a`` the main
    criterion above it and ``factor`` :math:`f_i` = the model's points × the group's weight
    within ``a`` × applicant ``i``'s value on the group.
    """

    main: int
    factor: FloatArray
    minimum: float


def _eligible(weights: FloatArray, minima: tuple[GroupMinimum, ...], m: int) -> BoolArray:
    ok = np.ones((weights.shape[0], m), dtype=bool)
    for g in minima:
        ok &= weights[:, g.main:g.main + 1] * g.factor[None, :] >= g.minimum - MINIMUM_TOLERANCE
    return ok


def _best(totals: FloatArray, k: int) -> NDArray[np.intp]:
    """Return ``(d, k)``: each row's ``k`` largest columns (in no particular order). For a
    few places, ``k`` passes of ``argmax`` (each a fast linear scan) beat numpy's
    ``argpartition`` (an introselect per row, 5 times slower here for 10 of 160)."""
    size = totals.shape[1]
    if k > 32:  # the k largest end each row after the partition
        return np.argpartition(totals, size - k, axis=1)[:, size - k:]
    work = np.array(totals, dtype=np.float64)  # a copy: taken columns are set to -inf
    rows = np.arange(work.shape[0])
    out = np.empty((work.shape[0], k), dtype=np.intp)
    for j in range(k):
        out[:, j] = work.argmax(axis=1)
        work[rows, out[:, j]] = -np.inf
    return out


def _front(totals: FloatArray, split: int, k: int) -> NDArray[np.int64]:
    """Return ``(d, f)``: in each row of ``totals`` (weightings × applicants, the reserved
    category's first, ``split`` of them) the columns of the applicants who can be invited when
    everyone is eligible, best first: the best ``k`` of the category and the best ``k`` of the
    others (``k``: the most the rule invites). An invited applicant has every better one of
    its own kind invited too (the rule never skips one of a kind for a worse one of the same
    kind), so no one outside the front is invited. A partition per kind is linear in the
    applicants, where the full ranking sorts them all."""
    d, m = totals.shape
    parts = []
    for lo, hi in ((0, split), (split, m)):
        size = hi - lo
        if size > k:
            parts.append(_best(totals[:, lo:hi], k) + lo)
        elif size:
            parts.append(np.broadcast_to(np.arange(lo, hi), (d, size)))
    front = np.concatenate(parts, axis=1)
    ranked = np.argsort(-np.take_along_axis(totals, front, axis=1), axis=1)
    return np.asarray(np.take_along_axis(front, ranked, axis=1), dtype=np.int64)


def _invited_in_order(values: FloatArray, weights: FloatArray, is_category: BoolArray,
                      rule: InviteRule, minima: tuple[GroupMinimum, ...]
                      ) -> tuple[NDArray[np.int64], BoolArray]:
    """Return each weighting's ranking (``(d, f)`` applicant indices, best first: the whole
    ranking, or without group minima only its front, :func:`_front`) and who in it is
    invited (same shape), by the rule (:func:`evaluation.core.selection.invite_in_order`).

    Ranked by total; only identical applicants tie in a draw, in a fixed but unspecified
    order (their acceptabilities are averaged, see the module docstring), which spares the
    stable sort's cost (2.7 times numpy's default here).
    """
    m = values.shape[0]
    res = rule.reserved
    # the most invited: the merit places, or more reserved places than those
    most = max(rule.max, 1, 0 if res is None else reserved_first(res))
    if not minima and most < m:
        # the category's columns first, so that each kind is a slice of the totals
        kinds = np.concatenate([np.flatnonzero(is_category), np.flatnonzero(~is_category)])
        totals = weights @ values[kinds].T
        front = _front(totals, int(is_category.sum()), most)
        invited, _ = invite_in_order(is_category[kinds][front], rule,
                                     qualified=np.full(totals.shape[0], m))
        return kinds[front], invited
    totals = weights @ values.T
    order = np.argsort(-totals, axis=1)
    eligible = None
    if minima:
        eligible = np.take_along_axis(_eligible(weights, minima, m), order, axis=1)
    invited, _ = invite_in_order(is_category[order], rule, eligible=eligible)
    return order, invited


def invited_sets(values: FloatArray, weights: FloatArray, is_category: BoolArray,
                 rule: InviteRule, minima: tuple[GroupMinimum, ...] = ()) -> BoolArray:
    """Return ``(d, m)``: who is invited under each of the ``d`` weightings (shares, rows)."""
    order, invited = _invited_in_order(values, weights, is_category, rule, minima)
    out = np.zeros((order.shape[0], values.shape[0]), dtype=bool)
    np.put_along_axis(out, order, invited, axis=1)
    return out


def _twins(values: FloatArray, is_category: BoolArray) -> NDArray[np.int64]:
    """Return a group label per applicant: equal for identical values and category."""
    keyed = np.column_stack([values, is_category.astype(np.float64)])
    _, labels = np.unique(keyed, axis=0, return_inverse=True)
    return np.asarray(labels, dtype=np.int64).reshape(-1)


def invitation_acceptability(values: FloatArray, weights: FloatArray, is_category: BoolArray,
                             rule: InviteRule, minima: tuple[GroupMinimum, ...] = ()
                             ) -> FloatArray:
    r"""Return each applicant's invitation acceptability: the share of weight draws in which
    it is invited.

    .. math:: a_i = \frac{1}{K} \sum_k [\, i \in I(w_k) \,]

    ``values`` is ``(m, n)`` (candidates × main criteria, 0–1), ``weights`` ``(K, n)`` draws
    summing to 1. Processed in blocks of :data:`CHUNK_ELEMENTS` totals. Source: SMAA-2 rank
    acceptability (Lahdelma & Salminen 2001) summed over the inviting outcomes.
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    m = values.shape[0]
    counts = np.zeros(m)
    step = max(1, CHUNK_ELEMENTS // max(m, 1))
    for start in range(0, weights.shape[0], step):
        order, invited = _invited_in_order(values, weights[start:start + step], is_category,
                                           rule, minima)
        counts += np.bincount(order[invited], minlength=m)
    share = counts / max(weights.shape[0], 1)
    labels = _twins(values, is_category)
    means = np.bincount(labels, weights=share) / np.bincount(labels)
    return np.asarray(means[labels], dtype=np.float64)


def invitation_intervals(values: FloatArray, weights: FloatArray, is_category: BoolArray,
                         rule: InviteRule, minima: tuple[GroupMinimum, ...] = ()
                         ) -> tuple[FloatArray, FloatArray]:
    """Return ``(low, high)`` per main criterion (shares of 1): the largest interval around
    the published weight in which the invited set stays the published one, the others
    rescaled proportionally (exact; see the module docstring)."""
    values = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    published = invited_sets(values, w[None, :], is_category, rule, minima)[0]
    low, high = np.zeros(n), np.ones(n)
    iu = np.triu_indices(values.shape[0], k=1)
    for k in range(n):
        u, v = linear_totals(values, w, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = [(u[iu[1]] - u[iu[0]]) / (v[iu[0]] - v[iu[1]])]
            for g in minima:
                # w_a(t) = t (a = k) or w_a (1 - t) / (1 - w_k): solve w_a(t) f_i = minimum
                if g.main == k:
                    cross.append(g.minimum / g.factor)
                elif w[k] < 1.0:
                    cross.append(1.0 - g.minimum * (1.0 - w[k]) / (w[g.main] * g.factor))
        points = np.concatenate(cross)
        # a breakpoint at the published weight computed with rounding is that weight
        points[np.abs(points - w[k]) <= SNAP] = w[k]
        points = np.unique(points[np.isfinite(points) & (points > 0.0) & (points < 1.0)])
        edges = np.concatenate([[0.0], points, [1.0]])
        mids = (edges[:-1] + edges[1:]) / 2.0
        draws = _rescaled(w, k, mids)
        same = (invited_sets(values, draws, is_category, rule, minima) == published).all(axis=1)
        piece = int(np.searchsorted(edges, w[k], side="right")) - 1
        piece = min(max(piece, 0), len(mids) - 1)
        if w[k] in points and not same[piece]:  # on a breakpoint: the left side may hold
            piece = max(piece - 1, 0)
        if not same[piece]:
            low[k] = high[k] = w[k]
            continue
        lo_piece = piece
        while lo_piece > 0 and same[lo_piece - 1]:
            lo_piece -= 1
        hi_piece = piece
        while hi_piece < len(mids) - 1 and same[hi_piece + 1]:
            hi_piece += 1
        low[k], high[k] = edges[lo_piece], edges[hi_piece + 1]
    return low, high


def _rescaled(w: FloatArray, k: int, t: FloatArray) -> FloatArray:
    """Return weightings with weight ``k`` set to each ``t``, the others in proportion."""
    out = np.empty((len(t), len(w)))
    rest = 1.0 - w[k]
    others = np.delete(np.arange(len(w)), k)
    if rest > 0.0:
        out[:, others] = (1.0 - t)[:, None] * (w[others] / rest)[None, :]
    else:
        out[:, others] = (1.0 - t)[:, None] / max(len(others), 1)
    out[:, k] = t
    return out


def group_minima(evaluation: Evaluation) -> tuple[GroupMinimum, ...]:
    """Return the model's group minimums over the included proposals' main-criterion values.

    A group ``g`` under main criterion ``a`` has points :math:`P\\,w_a\\,r_g\\,x_{ig}` with
    :math:`r_g` its weight within ``a`` (product of local weights below ``a``) and
    :math:`x_{ig}` the applicant's value on it (the weighted mean of its leaves).
    """
    model = evaluation.model
    tops = list(model.criteria)
    out = []
    for node in model.nodes():
        if node.minimum is None or node.is_leaf:
            continue
        top = next(k for k, t in enumerate(tops) if t.id == node.path[0])
        share = 1.0
        for step in node.path[1:]:
            share *= (model.node(step).weight or 0.0) / 100.0
        value = node_values(evaluation, (node,))[:, 0]
        out.append(GroupMinimum(top, model.points * share * value, float(node.minimum)))
    return tuple(out)


def invitation_robustness(result: SelectionResult, samples: int = DEFAULT_SAMPLES,
                          seed: int = DEFAULT_SEED, sampler: str = "default"
                          ) -> dict[str, Any]:
    """Return the invited set's weight intervals (model units, 0–100) per main criterion and
    each applicant's invitation acceptability, JSON-ready (design.md's ``sensitivity`` style).

    The draws are the award's (:func:`evaluation.analysis.draws.draw_weights`: the
    announced ranges where given); the rule in every draw is the selection's own.
    """
    evaluation = result.evaluation
    pq = result.prequalification
    rows = np.flatnonzero(evaluation.included)
    ids = [evaluation.proposal_ids[i] for i in rows]
    values, weights, crit = main_criteria(evaluation)
    res = pq.rule.reserved
    category = np.array([res is not None and pq.applicants.loc[p, "category"] == res.category
                         for p in ids], dtype=bool)
    minima = group_minima(evaluation)
    out: dict[str, Any] = {"stability": {}, "acceptability": {}}
    if not ids:
        return out
    low, high = invitation_intervals(values, weights, category, pq.rule, minima)
    out["stability"] = {c: {"published": 100.0 * float(w), "low": 100.0 * float(lo),
                            "high": 100.0 * float(hi)}
                        for c, w, lo, hi in zip(crit, weights, low, high, strict=True)}
    rng = np.random.default_rng(seed)
    draws, name, rate = draw_weights(evaluation, samples, rng, sampler)
    share = invitation_acceptability(values, draws, category, pq.rule, minima)
    out["acceptability"] = {"samples": samples, "seed": seed, "sampler": name,
                            "acceptance_rate": rate,
                            "invited": {p: float(s) for p, s in zip(ids, share, strict=True)}}
    return out
