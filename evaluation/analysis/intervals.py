r"""Weight stability intervals under the whole model: minimums and normalisation included.

One node's local weight moves to :math:`t \in [0, 1]`, its siblings keeping their proportions
(Triantaphyllou & Sánchez 1997); every leaf weight is then linear in :math:`t`. The scoring
pipeline (:func:`evaluation.core.batch.score_under_weights`) is not: a group's ``minimum`` is
points of the total, so a proposal falls below it, or rises above it, as the weights move
(it is then excluded, and relative price scores and normalisation are taken among the others);
and a normalised group whose inner weights move divides by, or subtracts, the best share,
whose owner can change. The interval is computed exactly, piece by piece:

1. *Minimums.* A group's points :math:`\text{points}\sum_{l \in G} g_l(t) v_l` are linear in
   :math:`t`; the weights where a proposal crosses a minimum cut :math:`[0, 1]` into pieces
   with a fixed set of included proposals.
2. *Normalisation.* In each piece, for the normalised groups that contain the moving weight
   (innermost first), the best share is the upper envelope of lines (times the denominator
   of the groups inside); where its owner changes the piece is cut again. With the owners
   fixed, proportional normalisation divides every proposal's share by the owner's, so every
   total has the form :math:`T_i(t) = N_i(t)/q(t)` with :math:`N_i` and :math:`q > 0` linear
   and :math:`q` common to all proposals; shift normalisation subtracts a common line.
3. *Order.* In each piece, :math:`T_i \ge T_j \iff N_i \ge N_j` (lines), so the weights where
   the published outcome (winner, partner set, whole ranking) holds are an interval found as
   in :func:`evaluation.analysis.stability.stable_interval`; the interval around the published
   weight is followed piece by piece until the outcome fails.

Every line is read off the pipeline itself at two points inside its piece (a piece without
normalisation takes its values from one point and the totals' algebra of
:func:`evaluation.analysis.stability.linear_totals`), so no formula of the model is written
twice. At an interval's end the totals meet (or a proposal crosses a minimum); at the end
itself the model's tie-break decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.stability import linear_totals, stable_interval
from evaluation.core.batch import WeightedScores, score_under_weights, unique_rows
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion
from evaluation.core.scoring import below_minimum, minimum_points
from evaluation.core.weights import leaf_weights, local_weights, node_positions, with_local_share

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
KINDS = ("winner", "partners", "ranking")
WIDTH = 1e-12  # pieces narrower than this (rounding at a shared end) join their neighbour


@dataclass
class Pieces:
    """One node's weights cut into pieces ``[low_p, high_p]`` on which the included set and
    the owners of the best shares are fixed, with the lines ``u + v t`` of every total
    (times the piece's common positive denominator; NaN for proposals not included)."""

    low: Array  # P
    high: Array  # P
    included: Mask  # P × m
    u: Array  # P × m
    v: Array  # P × m


class Scene:
    """The evaluation's inputs to the pipeline, and the published outcome to keep."""

    def __init__(self, evaluation: Evaluation) -> None:
        model = evaluation.model
        self.evaluation = evaluation
        self.model = model
        self.quality = evaluation.panel.aggregated
        self.rejected = ~evaluation.tender.proposals.loc[list(evaluation.proposal_ids),
                                                         "admissible"].to_numpy(dtype=bool)
        self.local = local_weights(model)
        self.position = node_positions(model)
        self.order = np.array([evaluation.index(p) for p in evaluation.order], dtype=np.intp)
        self.partners = self.order[:min(len(evaluation.partners), len(self.order))]
        self.included = evaluation.included.copy()
        self.families: dict[tuple[str, ...], tuple[tuple[Criterion, ...], float, Array,
                                                    Array]] = {}

    def score(self, local: Array, excluded: Mask | None = None) -> WeightedScores:
        """Return the pipeline's scores under the local shares ``(K, N)`` (and, if given, with
        the ``excluded`` proposals ``(K, m)`` left out instead of the minimums' verdict)."""
        ev = self.evaluation
        return score_under_weights(self.model, self.quality, ev.prices, ev.price_fields,
                                   self.rejected, local, excluded=excluded,
                                   priced=not ev.tender.quality_only)

    def move(self, node: Criterion, t: Array) -> Array:
        return with_local_share(self.model, self.local, node.id, t)

    def family(self, node: Criterion) -> tuple[tuple[Criterion, ...], float, Array, Array]:
        """Return the node's siblings (itself included), their parent's global weight, their
        local shares and every leaf's weight within each of them (``L × siblings``)."""
        parent = node.path[:-1]
        if parent not in self.families:
            model, ev = self.model, self.evaluation
            siblings = tuple(n for n in model.nodes() if n.path[:-1] == parent
                             and len(n.path) == len(node.path))
            self.families[parent] = (
                siblings, model.global_weight(parent[-1]) if parent else 1.0,
                np.array([(s.weight or 0.0) / 100.0 for s in siblings]),
                np.column_stack([leaf_weights(model, self.local, ev.leaves, below=s)
                                 for s in siblings]))
        return self.families[parent]

    def kept(self, kind: str) -> NDArray[np.intp]:
        """Return the proposals the outcome puts ahead: the winner, or the partners."""
        return self.order[:1] if kind == "winner" else self.partners

    @cached_property
    def pairs(self) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
        """Return the (ahead, behind) pairs of every kind, concatenated, and where each kind's
        start: the winner and the partners ahead of every other proposal (those included in a
        piece count there), the published ranking's consecutive pairs."""
        m = len(self.included)
        ahead, behind = [], []
        for kind in ("winner", "partners"):
            kept = self.kept(kind)
            rivals = np.setdiff1d(np.arange(m), kept)
            if rivals.size == 0:  # everyone is kept: a pair that never counts
                rivals = kept[:1]
            ahead.append(np.repeat(kept, len(rivals)))
            behind.append(np.tile(rivals, len(kept)))
        ahead.append(self.order[:-1])
        behind.append(self.order[1:])
        starts = np.cumsum([0, *(len(a) for a in ahead[:-1])])
        return np.concatenate(ahead), np.concatenate(behind), starts.astype(np.intp)


def crossings(scene: Scene, nodes: tuple[Criterion, ...]) -> list[Array]:
    """Return, per node, the weights in (0, 1) where a proposal crosses a group minimum.

    A group's points are linear in the weight, read at 0 and 1 from
    :func:`evaluation.core.scoring.minimum_points` (one call for every node); the crossing is
    where they reach the minimum less the pipeline's 1e-9 allowance.
    """
    masked = np.where(scene.rejected[:, None], np.nan, scene.quality)
    local = np.concatenate([scene.move(n, np.array([0.0, 1.0])) for n in nodes])
    ends = minimum_points(scene.model, masked, scene.model.quality_leaves, local)
    found: list[list[float]] = [[] for _ in nodes]
    for group, got in ends:
        if group.is_leaf or group.minimum is None:
            continue  # a score minimum does not move with the weights
        for k in range(len(nodes)):
            start, slope = got[2 * k], got[2 * k + 1] - got[2 * k]
            with np.errstate(divide="ignore", invalid="ignore"):
                at = (group.minimum - 1e-9 - start) / slope
            found[k].extend(at[(slope != 0) & np.isfinite(at)].tolist())
    out = []
    for values in found:
        at = np.unique(np.array(values, dtype=np.float64))
        at = at[(at > WIDTH) & (at < 1.0 - WIDTH)]
        out.append(at[np.diff(at, prepend=0.0) > WIDTH])
    return out


def normalised_levels(scene: Scene, node: Criterion) -> list[Criterion]:
    """Return the normalised groups whose inner weights move with ``node``, innermost first."""
    return [scene.model.node(node.path[depth - 1]) for depth in range(len(node.path) - 1, 0, -1)
            if scene.model.node(node.path[depth - 1]).normalisation != "none"]


def lines(t: Array, y: Array) -> tuple[Array, Array]:
    """Return ``(u, v)`` of the lines through ``(t[0], y[0])`` and ``(t[1], y[1])``."""
    v = (y[1] - y[0]) / (t[1] - t[0])
    return y[0] - v * t[0], v


def envelope(u: Array, v: Array, low: float, high: float) -> list[tuple[float, float, int]]:
    """Return the upper envelope of the lines ``u + v t`` on ``[low, high]`` as segments
    ``(from, to, owner)`` (rows of ``u`` that are NaN take no part)."""
    live = np.flatnonzero(~np.isnan(u))
    if live.size == 0:
        return [(low, high, -1)]
    start, out = low, []
    while True:
        at = u[live] + v[live] * start
        top = at.max()
        # the owner just after ``start``: the highest line there, the steepest among equals
        best = live[at >= top - 1e-12 * max(1.0, abs(top))]
        owner = int(best[np.argmax(v[best])])
        rising = live[v[live] > v[owner]]
        with np.errstate(divide="ignore", invalid="ignore"):
            meet = (u[owner] - u[rising]) / (v[rising] - v[owner])
        meet = meet[meet > start + WIDTH]
        end = float(meet.min()) if meet.size and meet.min() < high - WIDTH else high
        out.append((start, end, owner))
        if end >= high:
            return out
        start = end


def inside(low: Array, high: Array, count: int) -> Array:
    """Return ``count`` evenly spaced weights strictly inside each piece, ``(P·count,)``."""
    share = np.arange(1, count + 1) / (count + 1)
    return (low[:, None] + (high - low)[:, None] * share[None, :]).ravel()


def normalised_pieces(scene: Scene, node: Criterion, edges: Array) -> Pieces:
    """Return the pieces of a node inside normalised groups: cut again where a best share
    changes owner, with the lines of ``T·q`` (see the module docstring)."""
    low, high = edges[:-1], edges[1:]
    q = np.tile([1.0, 0.0], (len(low), 1))  # q(t) = q0 + q1 t per piece
    for group in normalised_levels(scene, node):
        t = inside(low, high, 2)
        shares = scene.score(scene.move(node, t)).shares[group.id]
        cut: list[tuple[float, float, float, float]] = []
        for k in range(len(low)):
            at = t[2 * k:2 * k + 2]
            u, v = lines(at, shares[2 * k:2 * k + 2] * (q[k, 0] + q[k, 1] * at)[:, None])
            for a, b, owner in envelope(u, v, float(low[k]), float(high[k])):
                scaled = owner >= 0 and group.normalisation == "proportional" and \
                    u[owner] + v[owner] * 0.5 * (a + b) > 0
                cut.append((a, b, *((u[owner], v[owner]) if scaled else q[k])))
        table = np.array(cut)
        low, high, q = table[:, 0], table[:, 1], table[:, 2:]
    t = inside(low, high, 2)
    scored = scene.score(scene.move(node, t))
    included = ~scored.excluded[0::2]
    at = t.reshape(-1, 2)
    denominator = q[:, :1] + q[:, 1:] * at  # P × 2
    totals = np.stack([scored.totals[0::2], scored.totals[1::2]])  # 2 × P × m
    u, v = lines(at.T[:, :, None], totals * denominator.T[:, :, None])
    return Pieces(low, high, included, np.where(included, u, np.nan), np.where(included, v, np.nan))


def node_lines(scene: Scene, node: Criterion, values: Array, included: Mask
               ) -> tuple[Array, Array]:
    r"""Return ``(u, v)``: every total over ``points`` as ``u + v t`` when the leaf ``values``
    (``(..., m, L)``) do not move with ``t`` (NaN for proposals not included).

    .. math:: T_i(t) = c_i + g\,(u_{ik} + v_{ik} t)

    ``g`` the global weight of the node's parent, ``c`` the rest of the total
    (:func:`evaluation.analysis.stability.linear_totals`; Triantaphyllou & Sánchez 1997).
    """
    siblings, g, local, matrix = scene.family(node)
    leaf = np.nan_to_num(values)
    share = leaf @ scene.evaluation.global_weights
    node_values = leaf @ matrix
    k = next(j for j, s in enumerate(siblings) if s.id == node.id)
    u_k, v_k = linear_totals(node_values, local, k)
    u = share - g * (node_values @ local) + g * u_k
    return np.where(included, u, np.nan), np.where(included, g * v_k, np.nan)


def held(pieces: Pieces, ahead: NDArray[np.intp], behind: NDArray[np.intp], counts: Mask,
         starts: NDArray[np.intp]) -> tuple[Array, Array, Mask]:
    r"""Return, per piece and kind, the ``[low, high]`` within the piece where every pair of
    that kind keeps its order, and whether that is not empty.

    The pairs of all kinds are concatenated (kind ``k``'s from ``starts[k]``); ``counts``
    ``(P, pairs)`` says which count in each piece. In a piece, :math:`d(t) = d_0 + s\,t \ge 0`
    is a half-line (or all or nothing when :math:`s = 0`).
    """
    d0 = pieces.u[:, ahead] - pieces.u[:, behind]
    slope = pieces.v[:, ahead] - pieces.v[:, behind]
    with np.errstate(divide="ignore", invalid="ignore"):
        root = -d0 / slope
    low = np.maximum.reduceat(np.where(counts & (slope > 0), root, -np.inf), starts, axis=1)
    high = np.minimum.reduceat(np.where(counts & (slope < 0), root, np.inf), starts, axis=1)
    low = np.maximum(low, pieces.low[:, None])
    high = np.minimum(high, pieces.high[:, None])
    scale = np.nanmax(np.abs(pieces.u) + np.abs(pieces.v), axis=1, initial=0.0)
    flat = counts & (slope == 0) & (d0 < -1e-12 * np.maximum(scale, 1e-300)[:, None])
    return low, high, (low <= high) & ~np.logical_or.reduceat(flat, starts, axis=1)


def intervals(scene: Scene, pieces: Pieces, t0: float) -> dict[str, tuple[float, float]]:
    """Return, per kind, the interval around ``t0`` on which the published outcome holds.

    The published weight's piece keeps the tie convention of
    :func:`evaluation.analysis.stability.stable_interval` (a pair tied at ``t0``, or put the
    other way round by the tie-break, holds there); the interval then runs on through every
    neighbouring piece held whole, and ends inside the first that is not (at its near end if
    the pair the other way round comes from a proposal coming in or going out, or the kept
    proposals are not all included there).
    """
    ahead, behind, starts = scene.pairs
    counts = pieces.included[:, behind] & pieces.included[:, ahead]
    counts[:, starts[2]:] = True  # the ranking's pairs count wherever it can hold
    possible = np.column_stack([pieces.included[:, scene.kept("winner")].all(axis=1),
                                pieces.included[:, scene.kept("partners")].all(axis=1),
                                (pieces.included == scene.included).all(axis=1)])
    low, high, some = held(pieces, ahead, behind, counts, starts)
    whole = possible & some & (low <= pieces.low[:, None] + WIDTH) & \
        (high >= pieces.high[:, None] - WIDTH)
    first = min(int(np.searchsorted(pieces.high, t0)), len(pieces.low) - 1)
    out = {}
    for kind_at, kind in enumerate(KINDS):
        take = slice(starts[kind_at], starts[kind_at + 1] if kind_at < 2 else None)
        live = counts[first, take]
        start, end = stable_interval(
            pieces.u[first], pieces.v[first], t0,
            np.column_stack((ahead[take][live], behind[take][live])))
        start, end = max(start, pieces.low[first]), min(end, pieces.high[first])
        if end >= pieces.high[first] - WIDTH:
            after = np.flatnonzero(~whole[first + 1:, kind_at])
            if after.size == 0:
                end = float(pieces.high[-1])
            else:
                k = first + 1 + int(after[0])
                opens = possible[k, kind_at] and some[k, kind_at] and \
                    low[k, kind_at] <= pieces.low[k] + WIDTH
                end = float(high[k, kind_at]) if opens else float(pieces.low[k])
        if start <= pieces.low[first] + WIDTH:
            before = np.flatnonzero(~whole[:first, kind_at][::-1])
            if before.size == 0:
                start = float(pieces.low[0])
            else:
                k = first - 1 - int(before[0])
                opens = possible[k, kind_at] and some[k, kind_at] and \
                    high[k, kind_at] >= pieces.high[k] - WIDTH
                start = float(low[k, kind_at]) if opens else float(pieces.high[k])
        out[kind] = (float(start), float(end))
    return out


def all_pieces(scene: Scene) -> dict[str, Pieces]:
    """Return every node's pieces: the linear ones of all nodes from one pipeline call."""
    nodes = tuple(scene.model.nodes())
    edges = [np.concatenate([[0.0], at, [1.0]]) for at in crossings(scene, nodes)]
    out: dict[str, Pieces] = {}
    linear = []
    for node, edge in zip(nodes, edges, strict=True):
        if normalised_levels(scene, node):
            out[node.id] = normalised_pieces(scene, node, edge)
        elif len(edge) == 2:  # nothing moves but the weight: the published values hold
            u, v = node_lines(scene, node, scene.evaluation.values, scene.included)
            out[node.id] = Pieces(edge[:1], edge[1:], scene.included[None], u[None], v[None])
        else:
            linear.append((node, edge))
    if linear:
        # Values that do not move with the weight depend on the included set alone: score each
        # distinct set once, under the published weights, with the set given.
        local = np.concatenate([scene.move(node, inside(edge[:-1], edge[1:], 1))
                                for node, edge in linear])
        masked = np.where(scene.rejected[:, None], np.nan, scene.quality)
        excluded = below_minimum(scene.model, masked, scene.model.quality_leaves, local) | \
            scene.rejected
        sets, which = unique_rows(excluded)
        scored = scene.score(np.tile(scene.local, (len(sets), 1)), excluded=sets)
        start = 0
        for node, edge in linear:
            count = len(edge) - 1
            rows = which[start:start + count]
            u, v = node_lines(scene, node, scored.values[rows], ~sets[rows])
            out[node.id] = Pieces(edge[:-1], edge[1:], ~sets[rows], u, v)
            start += count
    return out


def stability_of(evaluation: Evaluation) -> dict[str, dict[str, tuple[float, float]]]:
    """Return, per node id, the interval (shares of 1) of its local weight for each kind."""
    scene = Scene(evaluation)
    out = {}
    for node_id, pieces in all_pieces(scene).items():
        out[node_id] = intervals(scene, pieces, float(scene.local[scene.position[node_id]]))
    return out
