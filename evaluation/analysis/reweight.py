r"""Totals, ranking and changes of winner under other weights: the kernel of the weight panel.

The weight panel (:mod:`evaluation.views.panel`) lets a committee move the weight of a main
criterion (or of a sub-criterion within its group) and see the ranking follow. Everything it
computes lives here, pure and vectorised: the included proposals' leaf values are fixed and
every leaf's global weight is the product

.. math:: g_l = w_{m(l)} \, s_{c(l)} \, r_l

of its main criterion's weight :math:`w`, its sub-criterion's share :math:`s` within the main
criterion and the fixed product :math:`r` of the published weights below that level, so every
total and every tie-break key is one matrix product, ``points × values @ (g · masks)``.

Moving one weight to :math:`t` rescales its siblings proportionally to fill the rest
(:func:`keep_sum`, Triantaphyllou & Sánchez 1997), so between two weight vectors every key is
linear along the straight line joining them: where the winner or the set of partners changes is
found exactly from the pairwise crossings of the totals (:func:`changes_between`).

Price scores and normalisation are taken as evaluated: relative price models depend on the set
of proposals, not on the weights. A group ``normalisation`` or a group ``minimum`` (points of
the total) is kept as published when sub-criterion weights move.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from evaluation.core.evaluation import Evaluation
from evaluation.core.ranking import tie_key

Array = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class WeightTree:
    """The included proposals' leaf values and how main and sub weights make leaf weights."""

    ids: tuple[str, ...]  # included proposals, canonical (sorted id) order
    values: Array  # m × L leaf values, 0 where missing
    points: float
    main_ids: tuple[str, ...]
    main_published: Array  # shares of 1
    sub_ids: tuple[str, ...]  # direct children of each main group; a leaf main is its own
    sub_main: IntArray  # S: the main criterion of each sub-criterion
    sub_published: Array  # S: share within its main criterion (1 for a leaf main)
    leaf_sub: IntArray  # L: the sub-criterion of each leaf
    leaf_rest: Array  # L: fixed product of weight/100 below the sub-criterion
    masks: Array  # L × (K + n_main): ranking keys (total, tie-breaks), then main criteria
    n_keys: int

    @classmethod
    def of(cls, evaluation: Evaluation) -> WeightTree:
        """Return the tree of a weighted-points evaluation (main criteria as published)."""
        model = evaluation.model
        rows = np.flatnonzero(evaluation.included)
        leaves = evaluation.leaves
        main_ids = tuple(t.id for t in model.criteria)
        subs = [(k, c) for k, t in enumerate(model.criteria) for c in (t.children or (t,))]
        sub_ids = tuple(c.id for _, c in subs)
        sub_pos = {cid: s for s, cid in enumerate(sub_ids)}

        def share(node_id: str) -> float:
            weight = model.node(node_id).weight
            return 0.0 if weight is None else weight / 100.0

        leaf_sub = np.array([sub_pos[leaf.path[1] if len(leaf.path) > 1 else leaf.path[0]]
                             for leaf in leaves], dtype=np.intp)
        leaf_rest = np.array([float(np.prod([share(p) for p in leaf.path[2:]]))
                              for leaf in leaves])
        is_price = np.array([leaf.is_price for leaf in leaves], dtype=bool)
        keys = [np.ones(len(leaves), dtype=bool)]
        for entry in model.tie_break:
            if entry == "quality":
                keys.append(~is_price)
            elif entry == "price":
                keys.append(is_price)
            else:
                keys.append(np.array([entry in leaf.path for leaf in leaves], dtype=bool))
        mains = [np.array([leaf.path[0] == m for leaf in leaves], dtype=bool) for m in main_ids]
        masks = np.column_stack([*keys, *mains]).astype(np.float64) if leaves else \
            np.zeros((0, len(keys) + len(mains)))
        return cls(
            ids=tuple(evaluation.proposal_ids[i] for i in rows),
            values=np.nan_to_num(evaluation.values[rows]), points=float(model.points),
            main_ids=main_ids,
            main_published=np.array([share(m) for m in main_ids]),
            sub_ids=sub_ids, sub_main=np.array([k for k, _ in subs], dtype=np.intp),
            sub_published=np.array([1.0 if c.is_leaf and len(c.path) == 1 else share(c.id)
                                    for _, c in subs]),
            leaf_sub=leaf_sub, leaf_rest=leaf_rest, masks=masks, n_keys=len(keys))

    def leaf_weights(self, main: Array, sub: Array) -> Array:
        """Return every leaf's global weight: :math:`w_{m(l)} s_{c(l)} r_l`."""
        return main[self.sub_main[self.leaf_sub]] * sub[self.leaf_sub] * self.leaf_rest

    def scores(self, main: Array, sub: Array) -> Array:
        """Return m × (K + n_main) points: the ranking keys, then the points per main criterion."""
        weights = self.leaf_weights(main, sub)
        return self.points * (self.values @ (weights[:, None] * self.masks))


def keep_sum(weights: Array, k: int, t: float, members: IntArray | None = None) -> Array:
    """Return ``weights`` with entry ``k`` set to ``t`` and the other ``members`` rescaled
    proportionally to fill their old sum plus the change (equal shares if they were all 0).

    ``members`` are the siblings sharing one total (default: every entry); weights are shares
    of that total, so setting one to ``t`` leaves ``total − t`` for the others.
    """
    out = weights.copy()
    group = np.arange(len(weights)) if members is None else members
    others = group[group != k]
    total = float(weights[group].sum())
    t = min(max(t, 0.0), total)
    rest = float(weights[others].sum())
    if others.size:
        out[others] = (weights[others] / rest if rest > 0 else 1.0 / others.size) * (total - t)
    out[k] = t
    return out


UNITS = 1000  # a group's weights in tenths of a percent: what the panel's sliders hold


def round_shares(shares: Array, units: int = UNITS) -> IntArray:
    """Return whole units summing to exactly ``units``, proportional to ``shares``.

    Largest-remainder (Hamilton) rounding: every share gets the floor of its quota and the
    units left go to the largest remainders, ties to the first (Balinski & Young 1982). Equal
    quotas when the shares sum to 0.
    """
    shares = np.asarray(shares, dtype=np.float64)
    if shares.size == 0:
        return np.zeros(0, dtype=np.intp)
    total = float(shares.sum())
    quota = (shares / total if total > 0 else np.full(shares.size, 1.0 / shares.size)) * units
    out = np.floor(quota + 1e-9).astype(np.intp)  # 1e-9: a quota of 280.9999999 is 281
    left = units - int(out.sum())
    order = np.argsort(-(quota - out), kind="stable")
    out[order[:left]] += 1
    return out


def rebalance(shares: Array, k: int, units: int, total: int = UNITS) -> IntArray:
    """Return a group's weights in whole units (summing to ``total``) after entry ``k`` is set
    to ``units``: the others rescaled proportionally from ``shares`` (:func:`keep_sum`), then
    rounded by :func:`round_shares`, so the weights shown are the weights used."""
    units = min(max(int(units), 0), total)
    rest = keep_sum(np.asarray(shares, dtype=np.float64) / float(np.sum(shares) or 1.0),
                    k, units / total)
    out = np.zeros(len(shares), dtype=np.intp)
    others = np.arange(len(shares)) != k
    out[others] = round_shares(rest[others], total - units)
    out[k] = units
    return out


def rank_order(keys: Array) -> IntArray:
    """Return row positions in rank order: keys (m × K, higher is better) compared in turn,
    each rounded to 9 significant digits as :func:`evaluation.core.ranking.rank_proposals` does,
    then canonical order."""
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    rounded = [-tie_key(keys[:, k]) for k in range(keys.shape[1])]
    return np.lexsort(rounded[::-1]).astype(np.intp)


@dataclass(frozen=True)
class Change:
    """The winner or the partner set changing at ``at`` (0–1 of the way from start to end)."""

    kind: str  # "winner" or "partners"
    at: float
    before: tuple[str, ...]
    after: tuple[str, ...]


def changes_between(tree: WeightTree, start: tuple[Array, Array], end: tuple[Array, Array],
                    n_partners: int) -> list[Change]:
    r"""Return every change of winner or partner set along the straight line from the weights
    ``start`` = (main, sub) to ``end``, in order.

    Keys are linear along the line, :math:`T_i(s) = T_i^0 + s\,(T_i^1 - T_i^0)`; proposals
    ``i`` and ``j`` swap at :math:`s = d^0/(d^0 - d^1)` with :math:`d = T_i - T_j`. Only a
    crossing at the top (nobody above the pair) can change the winner, and only one with
    ``n_partners − 1`` above it the partner set; the ranking (tie-breaks included) is evaluated
    between those crossings. Source: Triantaphyllou & Sánchez 1997 (one-at-a-time stability).
    """
    k0, k1 = tree.scores(*start)[:, :tree.n_keys], tree.scores(*end)[:, :tree.n_keys]
    t0, t1 = k0[:, 0], k1[:, 0]
    i, j = np.triu_indices(len(t0), 1)
    d0, d1 = t0[i] - t0[j], t1[i] - t1[j]
    cross = d0 * d1 < 0
    s = d0[cross] / (d0[cross] - d1[cross])
    first = i[cross]
    at = t0[None, :] + s[:, None] * (t1 - t0)[None, :]
    tol = 1e-9 * max(float(np.abs(at).max(initial=0.0)), 1.0)
    above = (at > at[np.arange(len(s)), first][:, None] + tol).sum(axis=1)
    watch = {0, n_partners - 1} if n_partners > 1 else {0}
    bounds = np.unique(s[np.isin(above, list(watch))])
    edges = np.concatenate([[0.0], bounds, [1.0]])
    samples = [(0.0, 0.0), *((0.5 * (a + b), a) for a, b in pairwise(edges)), (1.0, 1.0)]
    out: list[Change] = []
    previous: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    for point, crossed in samples:
        order = rank_order(k0 + point * (k1 - k0))
        winner = (tree.ids[order[0]],) if order.size else ()
        partners = tuple(sorted(tree.ids[p] for p in order[:n_partners]))
        if previous is not None:
            if winner != previous[0]:
                out.append(Change("winner", float(crossed), previous[0], winner))
            if n_partners > 1 and partners != previous[1]:
                out.append(Change("partners", float(crossed), previous[1], partners))
        previous = (winner, partners)
    return out
