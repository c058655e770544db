r"""Who can win anywhere inside the announced weight ranges, all applied together: linear
programmes over the weight polytope.

A model may announce a range for each main criterion's weight (``weight_range``: "Pris
15–25 %"). With the scores fixed, every total is linear in the main weights :math:`w`
(shares of 1),

.. math:: T_i(w) = P \sum_k V_{ik} w_k

(:math:`P` the model's points, :math:`V_{ik}` proposal :math:`i`'s value on main criterion
:math:`k`, :func:`evaluation.analysis.sensitivity.main_criteria`), and the weights the
announcement allows form the polytope

.. math:: W = \{w : \textstyle\sum_k w_k = 1,\ l_k \le w_k \le h_k\}

(a criterion without a range ranges over [0, 1], as the SMAA ``ranges`` sampler draws it).
Proposal :math:`r` wins at :math:`w` when :math:`(V_r - V_j)\cdot w > 0` for every other
:math:`j`, so each question below is one linear programme (solved by HiGHS through
``scipy.optimize.linprog``; Huangfu & Hall 2018):

- **can it win?** the largest lead :math:`\max_{w \in W,\,t} t` subject to
  :math:`P\,(V_r - V_j)\cdot w \ge t` for all :math:`j \ne r`; it can win when :math:`t > 0`
  (at :math:`t = 0` it can only tie, and the tie-break decides);
- **the smallest change**: the weights closest to the published :math:`p` at which :math:`r`
  at least ties, :math:`\min \tfrac12 \sum_k |w_k - p_k|` (the percentage points moved
  from some criteria to others) subject to :math:`(V_r - V_j)\cdot w \ge 0` and
  :math:`w \in W`, with :math:`|\cdot|` split into two non-negative parts;
- **what it needs**: for each criterion the lowest and highest weight at which :math:`r` at
  least ties, :math:`\min / \max\, w_k` over the same set; a published weight outside that
  interval must move past its end (then, with :math:`w_k` fixed at the end, the other
  weights closest to the published ones). On the demo: 003 needs Pris at least 22.0 %
  (nytte 25, gjennomføring 15, klima 38: 003 and 001 both 66.85) and wins just above.

This is the all-ranges-together counterpart of the one-at-a-time stability intervals
(:mod:`evaluation.analysis.stability`), where the other weights are rescaled proportionally
and may leave their own ranges (Pris over 22.9 % pushes klima below 30 %). Sources: Mareschal
1988 (weight stability intervals); Lahdelma, Hokkanen & Salminen 1998 (SMAA's feasible weight
space as a polytope); any LP text for the absolute-value split (Bertsimas & Tsitsiklis 1997,
§1.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.draws import main_criteria
from evaluation.core.evaluation import Evaluation

Array = NDArray[np.float64]
TOLERANCE = 1e-9  # in shares of 1 and in points: below this a lead or a move is nothing


@dataclass(frozen=True)
class Need:
    """A main weight that must move past ``bound`` (0–100) for a rival to win."""

    criterion: str
    direction: str  # "above" or "below"
    bound: float
    weights: dict[str, float]  # the weights (0–100) at the bound, the others closest to published
    total: float  # the rival's total there, equal to ``tied_with``'s: a tie
    tied_with: str  # the best other proposal there


@dataclass(frozen=True)
class RangeWin:
    """A proposal that can win somewhere inside the announced ranges."""

    proposal: str
    lead: float  # the largest lead over the best other proposal anywhere in the ranges (points)
    moved: float  # the smallest change: percentage points moved from the published weights
    closest: dict[str, float]  # where that change lands (0–100), the rival at least tied
    needs: tuple[Need, ...]  # published weights that lie outside the rival's winning interval


@dataclass(frozen=True)
class RangeVerdict:
    """Who can win inside the announced ranges taken together, and how far from the published
    weights; ``rivals`` excludes the published winner, largest lead first."""

    criteria: tuple[str, ...]
    published: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]
    winner: str
    winner_lead: float  # the winner's smallest lead anywhere in the ranges (≤ 0: it can lose)
    rivals: tuple[RangeWin, ...]


def _solve(c: Array, a_ub: Array, b_ub: Array, a_eq: Array, b_eq: Array,
           bounds: list[tuple[float | None, float | None]]) -> Array | None:
    """Return the minimiser of ``c·x`` (HiGHS), or ``None`` when the set is empty."""
    from scipy.optimize import linprog

    found = linprog(c, A_ub=a_ub if a_ub.size else None, b_ub=b_ub if b_ub.size else None,
                    A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return np.asarray(found.x, dtype=np.float64) if found.status == 0 else None


def largest_lead(values: Array, r: int, low: Array, high: Array, points: float) -> tuple[
        float, Array]:
    """Return proposal ``r``'s largest lead over the best other anywhere in the polytope (in
    points; negative when it cannot reach the top) and the weights (shares) where it is."""
    m, n = values.shape
    others = [j for j in range(m) if j != r]
    if not others:
        return np.inf, np.full(n, np.nan)
    # variables (w, t); t ≤ P (V_r − V_j)·w  ⇔  −P (V_r − V_j)·w + t ≤ 0
    a_ub = np.column_stack([-points * (values[r] - values[others]), np.ones(len(others))])
    x = _solve(np.r_[np.zeros(n), -1.0], a_ub, np.zeros(len(others)),
               np.r_[np.ones(n), 0.0][None, :], np.array([1.0]),
               [*zip(low.tolist(), high.tolist(), strict=True), (None, None)])
    if x is None:
        raise ValueError("the announced weight ranges admit no weights summing to 100")
    return float(x[n]), x[:n]


def _closest(values: Array, r: int, low: Array, high: Array, published: Array,
             fixed: tuple[int, float] | None = None) -> Array | None:
    """Return the weights nearest ``published`` (least ½Σ|w − p|) in the polytope where ``r``
    at least ties every other, with weight ``fixed[0]`` held at ``fixed[1]`` if given."""
    m, n = values.shape
    others = [j for j in range(m) if j != r]
    # variables (w, u, d) with w − u + d = p, u, d ≥ 0: |w − p| = u + d at the optimum
    a_ub = np.column_stack([-(values[r] - values[others]), np.zeros((len(others), 2 * n))])
    a_eq = np.vstack([np.r_[np.ones(n), np.zeros(2 * n)],
                      np.column_stack([np.eye(n), -np.eye(n), np.eye(n)])])
    b_eq = np.r_[1.0, published]
    bounds: list[tuple[float | None, float | None]] = [
        *zip(low.tolist(), high.tolist(), strict=True), *[(0.0, None)] * (2 * n)]
    if fixed is not None:
        bounds[fixed[0]] = (fixed[1], fixed[1])
    x = _solve(np.r_[np.zeros(n), 0.5 * np.ones(2 * n)], a_ub, np.zeros(len(others)), a_eq,
               b_eq, bounds)
    return None if x is None else x[:n]


def _extreme(values: Array, r: int, low: Array, high: Array, k: int, sign: float) -> float:
    """Return the least (``sign`` 1) or greatest (−1) weight ``k`` at which ``r`` at least
    ties every other, in shares."""
    m, n = values.shape
    others = [j for j in range(m) if j != r]
    x = _solve(sign * np.eye(n)[k], -(values[r] - values[others]), np.zeros(len(others)),
               np.ones((1, n)), np.array([1.0]), list(zip(low.tolist(), high.tolist(),
                                                          strict=True)))
    assert x is not None  # called only for a rival whose winning set is not empty
    return float(x[k])


def rival_needs(values: Array, ids: tuple[str, ...], r: int, low: Array, high: Array,
                published: Array, criteria: tuple[str, ...], points: float) -> tuple[Need, ...]:
    """Return the published weights outside rival ``r``'s winning interval: each must move
    past its end, given with the weights there (the others closest to published)."""
    out = []
    for k, cid in enumerate(criteria):
        for sign, direction in ((1.0, "above"), (-1.0, "below")):
            bound = _extreme(values, r, low, high, k, sign)
            if sign * (bound - published[k]) <= TOLERANCE:
                continue
            at = _closest(values, r, low, high, published, (k, bound))
            assert at is not None
            totals = points * (values @ at)
            best = max((j for j in range(len(ids)) if j != r), key=lambda j: totals[j])
            out.append(Need(cid, direction, 100.0 * bound,
                            {c: 100.0 * float(x) for c, x in zip(criteria, at, strict=True)},
                            float(totals[r]), ids[best]))
    return tuple(out)


def range_verdict(values: Array, ids: tuple[str, ...], winner: str,
                  criteria: tuple[str, ...], published: Array, low: Array, high: Array,
                  points: float) -> RangeVerdict:
    """Return who can win inside the ranges ``[low, high]`` (shares) taken together.

    ``values`` are the proposals' main-criterion values (rows ``ids``), ``published`` the
    published weights (shares); see the module docstring for the programmes.
    """
    lo = np.maximum(np.asarray(low, dtype=np.float64), 0.0)
    hi = np.minimum(np.asarray(high, dtype=np.float64), 1.0)
    w = ids.index(winner)
    rivals = []
    for r in range(len(ids)):
        if r == w:
            continue
        lead, _ = largest_lead(values, r, lo, hi, points)
        if lead <= TOLERANCE * max(points, 1.0):
            continue
        closest = _closest(values, r, lo, hi, published)
        assert closest is not None
        rivals.append(RangeWin(
            ids[r], lead, 50.0 * float(np.abs(closest - published).sum()),
            {c: 100.0 * float(x) for c, x in zip(criteria, closest, strict=True)},
            rival_needs(values, ids, r, lo, hi, published, criteria, points)))
    # the winner's worst lead: minus the largest lead any rival has over it
    worst = min((-_pair_lead(values, r, w, lo, hi, points) for r in range(len(ids)) if r != w),
                default=np.inf)
    pct = {c: 100.0 * float(x) for c, x in zip(criteria, published, strict=True)}
    return RangeVerdict(criteria, pct, {c: 100.0 * float(x) for c, x in zip(criteria, lo,
                                                                             strict=True)},
                        {c: 100.0 * float(x) for c, x in zip(criteria, hi, strict=True)},
                        winner, float(worst), tuple(sorted(rivals, key=lambda x: -x.lead)))


def _pair_lead(values: Array, r: int, w: int, low: Array, high: Array, points: float) -> float:
    """Return the largest lead of ``r`` over ``w`` alone in the polytope (points)."""
    return largest_lead(values[[r, w]], 0, low, high, points)[0]


def announced_ranges(evaluation: Evaluation) -> tuple[Array, Array] | None:
    """Return the main criteria's announced ranges (shares; [0, 1] where one has none), or
    ``None`` when the model announces none."""
    tops = evaluation.model.criteria
    if not any(t.weight_range for t in tops):
        return None
    low = np.array([t.weight_range[0] / 100.0 if t.weight_range else 0.0 for t in tops])
    high = np.array([t.weight_range[1] / 100.0 if t.weight_range else 1.0 for t in tops])
    return low, high


def verdict_of(evaluation: Evaluation) -> RangeVerdict | None:
    """Return the range verdict of a weighted-points evaluation with announced ranges and a
    winner, ``None`` otherwise."""
    ranges = announced_ranges(evaluation)
    if (ranges is None or evaluation.model.award_model != "weighted_points"
            or evaluation.winner is None):
        return None
    values, published, criteria = main_criteria(evaluation)
    ids = tuple(evaluation.proposal_ids[i] for i in np.flatnonzero(evaluation.included))
    return range_verdict(values, ids, evaluation.winner, tuple(criteria), published, *ranges,
                         float(evaluation.model.points))
