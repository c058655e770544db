r"""SMAA-2 stochastic acceptability analysis: pure, vectorised kernels without validation.

Weights (and optionally partial values) are sampled; every draw ranks the proposals by the
weighted sum :math:`T_{ki} = \sum_j x_{kij} w_{kj}`, and the draws are summarised as rank
acceptability, central weights, confidence factors and pairwise winning indices (Lahdelma &
Salminen 2001, "SMAA-2"; Tervonen & Lahdelma 2007). Samples may be drawn here
(:func:`sample_dirichlet`, :func:`sample_intervals`, :func:`sample_ranges`) or given, as in the
R package ``smaa`` whose worked example is a regression test.

Ranking rule (:mod:`evaluation.analysis.ranks`): rank 1 is the highest total, and tied
totals share the better rank: a proposal's rank is one plus the number of proposals with a
strictly higher total (1, 1, 3), as R ``smaa`` 0.3-2 ranks (``smaa_rank`` in its C code counts
the totals greater than each one). There is no tie-break in SMAA: both of two tied proposals
win that draw, both add the draw's weights to their central weights and both count it in
their confidence factors, neither is ahead of the other in the pairwise winning indices; a
rank below a shared one stays empty in that draw (acceptabilities of a rank then sum to less
than one over the proposals). Totals tie when they are equal, as R compares them; identical
proposals get bit-identical totals (BLAS kernels may sum equal rows in different orders, so
this is arranged, not assumed). A proposal excluded in a draw (below a minimum under that
draw's weights) has no rank in it: it is behind every ranked proposal in the pairwise winning
indices and never wins. Totals must not be NaN.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.ranks import (
    Fixes,
    left_out_keys,
    low_mask,
    rank_keys,
    scatter_ranks,
    shared_ranks,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

CHUNK_ELEMENTS = 1_000_000  # totals per block: about 8 MB of float64 at a time


@dataclass(frozen=True)
class SmaaResult:
    """SMAA-2 summary of ``samples`` draws over ``m`` proposals and ``n`` criteria.

    ``rank_acceptability[i, r]`` is the share of draws in which proposal ``i`` has rank
    ``r + 1``; ``central_weights[i]`` the mean weight vector of the draws it wins (NaN if it
    wins none); ``confidence[i]`` the share of value draws it wins under its own central
    weights (NaN without them); ``pairwise_winning[i, j]`` the share of draws in which ``i``
    ranks ahead of ``j`` (0 on the diagonal); ``standard_error`` the Monte Carlo error of
    ``rank_acceptability``; ``ranking_entropy`` the Shannon entropy in bits of the
    distribution of complete rankings.
    """

    rank_acceptability: FloatArray
    central_weights: FloatArray
    confidence: FloatArray
    pairwise_winning: FloatArray
    standard_error: FloatArray
    samples: int
    ranking_entropy: float


# central weights (h, n) → per row, the values and who is included under them
ConfidenceInputs = Callable[[FloatArray], Sequence[tuple[FloatArray, BoolArray | None]]]


def run_smaa(values: FloatArray, weights: FloatArray, *, included: BoolArray | None = None,
             sets: IntArray | None = None, confidence_inputs: ConfidenceInputs | None = None,
             pairwise: bool = True) -> SmaaResult:
    r"""Return the SMAA-2 indices of the weighted sums of ``values`` under ``weights``.

    ``values`` is ``(m, n)`` fixed partial values (higher is better) or ``(K, m, n)``, one
    matrix per draw; ``weights`` is ``(K, n)`` or ``(n,)`` (fixed, used with every value draw).
    With ``sets`` ``(K,)``, ``values`` is ``(S, m, n)`` and draw ``k`` uses
    ``values[sets[k]]`` (few distinct value matrices among many draws). ``included``, the
    shape of ``values`` without its last axis, says who takes part (default: everyone).

    .. math::

        T_{ki} = \sum_j x_{kij} w_{kj}, \qquad
        \mathrm{rank}_k(i) = 1 + |\{l : T_{kl} > T_{ki}\}|, \qquad
        b_i^r = \frac{1}{K} \sum_k [\mathrm{rank}_k(i) = r]

    .. math::

        w_i^c = \frac{\sum_k [\mathrm{rank}_k(i) = 1]\, w_k}{\sum_k [\mathrm{rank}_k(i) = 1]},
        \qquad p_i^c = \frac{1}{K} \sum_k [\mathrm{rank}(i; x_k, w_i^c) = 1]

    .. math::

        c_{ij} = \frac{1}{K} \sum_k [\mathrm{rank}_k(i) < \mathrm{rank}_k(j)], \qquad
        \sigma_i^r = \sqrt{b_i^r (1 - b_i^r) / K}, \qquad
        H = -\sum_{\pi} p_\pi \log_2 p_\pi

    (:math:`p_\pi` the share of draws ranked :math:`\pi`, shared ranks included). Ties follow
    the module's ranking rule. With fixed values the confidence factor is 0 or 1. The
    confidence factor needs the values under the central weights; ``confidence_inputs(c)``
    returns them, one (values, included) pair per row of ``c`` (in the forms without
    ``sets``), when they depend on the weights (a minimum that moves with them); by default the
    draws' own values are used. With ``sets`` the draws are taken in the order of their sets
    (the indices do not depend on the order of the draws).
    ``pairwise=False`` skips the pairwise winning indices (left NaN), the costliest index for
    many proposals. Draws are processed in blocks of :data:`CHUNK_ELEMENTS` totals to bound
    memory. Sources: Lahdelma & Salminen 2001 (SMAA-2: :math:`b_i^r`, :math:`w_i^c`,
    :math:`p_i^c`); Tervonen & Lahdelma 2007 (standard error, pairwise winning indices); R
    package ``smaa`` 0.3-2 (``smaa_rank``, ``smaa.cf``, ``smaa.entropy.ranking``).
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if sets is not None:
        if confidence_inputs is None:
            raise ValueError("value sets need confidence_inputs: the values under other weights")
        by_set = np.argsort(sets, kind="stable")  # each set's draws in one run
        sets = sets[by_set]
        weights = weights[by_set] if weights.ndim == 2 else weights
    positions, hashes, weight_sums = _rank_draws(values, weights, included, sets)
    m, draws = positions.shape
    counts = np.stack([np.bincount(row, minlength=m + 1)[:m] for row in positions]
                      ).astype(np.float64)
    acceptability = counts / draws
    with np.errstate(invalid="ignore", divide="ignore"):
        central = weight_sums / counts[:, :1]
    if confidence_inputs is None:
        confidence = _confidence(values, included, central)
    else:
        confidence = np.full(m, np.nan)
        has = np.flatnonzero(~np.isnan(central[:, 0]))
        for i, (given, taking) in zip(has, confidence_inputs(central[has]), strict=True):
            confidence[i] = _confidence(np.asarray(given, dtype=np.float64), taking,
                                        _only(central, int(i)))[i]
    return SmaaResult(
        rank_acceptability=acceptability,
        central_weights=central,
        confidence=confidence,
        pairwise_winning=_pairwise(positions) / draws if pairwise else np.full((m, m), np.nan),
        standard_error=np.sqrt(acceptability * (1.0 - acceptability) / draws),
        samples=draws,
        ranking_entropy=_ranking_entropy(positions, hashes),
    )


def _only(central: FloatArray, i: int) -> FloatArray:
    """Return central weights with every row but ``i`` NaN (only ``i``'s are evaluated)."""
    out = np.full_like(central, np.nan)
    out[i] = central[i]
    return out


def _rank_draws(
    values: FloatArray, weights: FloatArray, included: BoolArray | None,
    sets: IntArray | None,
) -> tuple[NDArray[np.unsignedinteger], NDArray[np.uint64], FloatArray]:
    """Return every proposal's 0-based shared rank per draw, ``(m, K)`` (``m`` where it takes
    no part), two hashes of each draw's ranking, and per proposal the summed weights of the
    draws it wins."""
    m, n = values.shape[-2:]
    if sets is not None:
        draws = len(sets)
    else:
        draws = len(values) if values.ndim == 3 else len(weights) if weights.ndim == 2 else 1
    step = max(1, CHUNK_ELEMENTS // m)
    index_dtype = np.min_scalar_type(max(low_mask(m), m))
    per_word = 8 // index_dtype.itemsize
    # Rows padded to whole 64-bit words, so that a ranking hashes in a few multiply-adds.
    padded = np.zeros((min(step, draws), -(-m // per_word) * per_word), dtype=index_dtype)
    words = padded.shape[1] // per_word
    mix = np.random.default_rng(2001).integers(1, 2**63, (words, 2), np.uint64) | np.uint64(1)
    positions = np.empty((m, draws), dtype=index_dtype)
    hashes = np.empty((2, draws), dtype=np.uint64)
    weight_sums = np.zeros(m * n)
    twins = None if sets is None else _first_twins(values, included)
    left_out = [] if sets is None or included is None else \
        [np.flatnonzero(~row) for row in included]
    left_keys = left_out_keys(m)
    for start in range(0, draws, step):
        block = slice(start, min(start + step, draws))
        size = block.stop - start
        w = weights[block] if weights.ndim == 2 else weights
        runs = None
        if sets is None:
            x = values[block] if values.ndim == 3 else values
            totals = _weighted_sums(x, w, size)
            taking = None if included is None else \
                included[block] if included.ndim == 2 else np.broadcast_to(included, (size, m))
        else:
            totals, runs = _set_sums(values, np.broadcast_to(w, (size, n)), sets[block], twins)
            taking = None
        keys = rank_keys(totals)
        ranked = None
        # A proposal taking no part gets the lowest key (below every total), not -inf: a
        # negative total would cost the sort keys a pass of sign flipping.
        if taking is not None:
            keys[~taking] = np.broadcast_to(left_keys, (size, m))[~taking]
            ranked = taking.sum(axis=1)
        elif runs is not None and included is not None:
            ranked = np.empty(size, dtype=np.intp)
            for a, b, set_id in runs:
                out = left_out[set_id]
                keys[a:b, out] = left_keys[out]
                ranked[a:b] = m - len(out)
        order, fixes = shared_ranks(keys, totals, ranked)
        position = padded[:size]
        scatter_ranks(position[:, :m], order, fixes)
        if taking is not None:
            position[:, :m][~taking] = m
        elif runs is not None and included is not None:
            for a, b, set_id in runs:
                position[a:b, left_out[set_id]] = m
        hashes[:, block] = (position.view(np.uint64) @ mix).T
        positions[:, block] = position[:, :m].T
        weight_sums += _winner_weights(order, fixes, position[:, :m], w, m, n)
    return positions, hashes, weight_sums.reshape(m, n)


def _winner_weights(order: NDArray[np.unsignedinteger], fixes: Fixes | None,
                    position: NDArray[np.unsignedinteger], w: FloatArray, m: int,
                    n: int) -> FloatArray:
    """Return the weights of the draws summed per winner, ``(m·n,)``: the first of each draw,
    then every other proposal sharing rank 1, in draw order (bincount adds in input order)."""
    rows = np.arange(len(order))
    winners = order[:, 0].astype(np.intp)
    won = position[rows, winners] == 0  # not so when nobody in the draw takes part
    if fixes is not None:
        shared = fixes[2] == 0
        extra_rows, extra_place = fixes[0][shared], fixes[1][shared]
        rows = np.concatenate([rows[won], extra_rows])
        winners = np.concatenate([winners[won], order[extra_rows, extra_place].astype(np.intp)])
    elif not won.all():
        rows, winners = rows[won], winners[won]
    w_rows = w[rows] if w.ndim == 2 else np.broadcast_to(w, (len(rows), n))
    summed: FloatArray = np.bincount((winners[:, None] * n + np.arange(n)).ravel(),
                                     weights=w_rows.ravel(), minlength=m * n).astype(np.float64)
    return summed


def _weighted_sums(x: FloatArray, w: FloatArray, draws: int) -> FloatArray:
    """Return a fresh ``(draws, m)`` array of totals (the ranking overwrites it)."""
    if x.ndim == 3:
        return _sum_over_criteria(x, w[:, None, :] if w.ndim == 2 else w)
    return _fixed_sums(x, w if w.ndim == 2 else np.tile(w, (draws, 1)))


def _fixed_sums(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Return ``weights @ values.T``, bit-identical for identical proposals."""
    distinct, inverse = np.unique(values, axis=0, return_inverse=True)
    if len(distinct) == len(values):
        return weights @ values.T  # one BLAS call for the whole block
    # BLAS kernels may sum equal rows in different orders, so 1-ulp noise would break ties.
    return np.take(weights @ distinct.T, inverse.ravel(), axis=1)


def _set_sums(values: FloatArray, weights: FloatArray, sets: IntArray, twins: IntArray | None
              ) -> tuple[FloatArray, list[tuple[int, int, int]]]:
    """Return ``(draws, m)`` totals, draw ``k`` weighing ``values[sets[k]]``, and the runs
    ``(start, stop, set)`` of ``sets`` (sorted): one matrix product per run, identical
    proposals of a set given the total of the first (``twins``, from :func:`_first_twins`)."""
    totals = np.empty((len(weights), values.shape[1]))
    cuts = [0, *(np.flatnonzero(sets[1:] != sets[:-1]) + 1).tolist(), len(sets)]
    runs = [(a, b, int(sets[a])) for a, b in itertools.pairwise(cuts)]
    for a, b, set_id in runs:
        np.matmul(weights[a:b], values[set_id].T, out=totals[a:b])
        if twins is not None:
            totals[a:b] = totals[a:b, twins[set_id]]
    return totals, runs


def _sum_over_criteria(x: FloatArray, w: FloatArray) -> FloatArray:
    """Return ``sum_j x[..., j] * w[..., j]`` (broadcast), one criterion at a time, so that
    identical rows of ``x`` give bit-identical sums (BLAS kernels need not)."""
    total = x[..., 0] * w[..., 0]
    product = np.empty_like(total)
    for j in range(1, x.shape[-1]):
        np.multiply(x[..., j], w[..., j], out=product)
        total += product
    return total


def _pairwise(by_proposal: NDArray[np.unsignedinteger]) -> FloatArray:
    m, _ = by_proposal.shape
    ahead = np.zeros((m, m))
    for i in range(m - 1):
        row = by_proposal[i]
        for j in range(i + 1, m):
            # a shared rank puts neither ahead, so each direction is counted
            ahead[i, j] = np.count_nonzero(row < by_proposal[j])
            ahead[j, i] = np.count_nonzero(by_proposal[j] < row)
    return ahead


def _confidence(values: FloatArray, included: BoolArray | None,
                central: FloatArray) -> FloatArray:
    """Return each proposal's share of value draws in which it has rank 1 under its own
    central weights (NaN for rows of ``central`` that are NaN)."""
    m = values.shape[-2]
    confidence = np.full(m, np.nan)
    has = np.flatnonzero(~np.isnan(central[:, 0]))
    if has.size == 0:
        return confidence
    if values.ndim == 2:
        first = _first_rank(_fixed_sums(values, central[has]), included)
        confidence[has] = first[np.arange(len(has)), has]
        return confidence
    wins = np.zeros(len(has))
    step = max(1, CHUNK_ELEMENTS // (m * len(has)))
    for start in range(0, len(values), step):
        block = values[start : start + step]
        # One BLAS call for every draw and weight vector; its rounding noise is then removed
        # from identical proposals by giving each the total of its first twin.
        totals = (block.reshape(-1, block.shape[2]) @ central[has].T).reshape(len(block), m, -1)
        twins = _first_twins(block)
        if twins is not None:
            totals = np.take_along_axis(totals, twins[:, :, None], axis=1)
        taking = None if included is None else included[start : start + step, None, :]
        first = _first_rank(totals.swapaxes(1, 2), taking)  # (draw, central weights of, prop.)
        wins += first[:, np.arange(len(has)), has].sum(axis=0)
    confidence[has] = wins / len(values)
    return confidence


def _first_rank(totals: FloatArray, included: BoolArray | None) -> BoolArray:
    """Return where a total has rank 1 in its row by the ranking rule (reuses ``totals``);
    a proposal not ``included`` never has."""
    if included is not None:
        totals = np.where(included, totals, -np.inf)
    first: BoolArray = totals == totals.max(axis=-1, keepdims=True)  # -0.0 == 0.0 as well
    return first if included is None else first & included


def _first_twins(block: FloatArray, included: BoolArray | None = None) -> IntArray | None:
    """Return, per draw, the index of the first proposal with the same values as each
    proposal (itself if none), or None if no draw of ``block`` has two equal proposals that
    are ``included``."""
    draws, m, n = block.shape
    mix = np.random.default_rng(1997).integers(1, 2**63, n, np.uint64) | np.uint64(1)
    hashes = np.ascontiguousarray(block).view(np.uint64) @ mix  # exact: integer arithmetic
    if included is not None:  # a proposal left out twins nobody (its total is dropped)
        hashes = np.where(included, hashes, ~np.arange(m, dtype=np.uint64))
    order = np.argsort(hashes, axis=1, kind="stable")  # equal hashes keep index order
    ranked = np.take_along_axis(hashes, order, axis=1)
    starts = np.ones((draws, m), dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    if starts.all():
        return None
    group_start = np.maximum.accumulate(np.where(starts, np.arange(m), 0), axis=1)
    twins = np.empty_like(order)
    np.put_along_axis(twins, order, np.take_along_axis(order, group_start, axis=1), axis=1)
    draw, proposal = np.nonzero(twins != np.arange(m))
    # Equal hashes of unequal values (a collision) must not merge two proposals.
    unequal = (block[draw, proposal] != block[draw, twins[draw, proposal]]).any(axis=1)
    twins[draw[unequal], proposal[unequal]] = proposal[unequal]
    return twins


def _ranking_entropy(positions: NDArray[np.unsignedinteger], hashes: NDArray[np.uint64]) -> float:
    """Return the entropy in bits of the distinct columns of ``positions`` (one per draw);
    ``hashes`` ``(2, draws)`` are two independent hashes of each column."""
    by_hash = np.argsort(hashes[0])
    same = hashes[0, by_hash[1:]] == hashes[0, by_hash[:-1]]
    first, second = by_hash[:-1][same], by_hash[1:][same]
    # Equal hashes mean equal rankings but for a collision; a second hash agreeing as well
    # leaves a chance below 2^-100 even for a million draws, and otherwise they are compared.
    if (hashes[1, first] == hashes[1, second]).all():
        counts = np.diff(np.flatnonzero(np.concatenate(([True], ~same, [True]))))
    else:
        counts = np.unique(positions.T, axis=0, return_counts=True)[1]
    share = counts / positions.shape[1]
    return float(-(share * np.log2(share)).sum()) + 0.0
