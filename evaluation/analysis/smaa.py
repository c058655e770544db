r"""SMAA-2 stochastic acceptability analysis: pure, vectorised kernels without validation.

Weights (and optionally partial values) are sampled; every draw ranks the proposals by the
weighted sum :math:`T_{ki} = \sum_j x_{kij} w_{kj}`, and the draws are summarised as rank
acceptability, central weights, confidence factors and pairwise winning indices (Lahdelma &
Salminen 2001, "SMAA-2"; Tervonen & Lahdelma 2007). Samples may be drawn here
(:func:`sample_dirichlet`, :func:`sample_intervals`, :func:`sample_ranges`) or given, as in the
R package ``smaa`` whose worked example is a regression test.

Ranking rule, used everywhere here: rank 1 is the highest total, and tied totals share the
better rank: a proposal's rank is one plus the number of proposals with a strictly higher
total (1, 1, 3), as R ``smaa`` 0.3-2 ranks (``smaa_rank`` in its C code counts the totals
greater than each one; Tervonen & Lahdelma 2007). There is no tie-break in SMAA: both of two
tied proposals win that draw, both add the draw's weights to their central weights, neither is
ahead of the other in the pairwise winning indices; a rank below a shared one stays empty in
that draw (acceptabilities of a rank then sum to less than one over the proposals). Identical
proposals get bit-identical totals (BLAS kernels may sum equal rows in different orders, so
this is arranged, not assumed). Totals are compared after dropping the last ``b`` bits of
their binary64 mantissa, ``b`` the bit length of ``m - 1`` (1 bit for two proposals, 6 for
50): that frees room for the index in one 64-bit sort key, and makes most other 1-ulp
differences tie as well. A proposal excluded in a draw (below a minimum under that draw's
weights) has no rank in it: it is behind every ranked proposal in the pairwise winning indices
and never wins. Totals must not be NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

CHUNK_ELEMENTS = 1_000_000  # totals per block: about 8 MB of float64 at a time

_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)


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


ConfidenceInputs = Callable[[FloatArray], tuple[FloatArray, BoolArray | None]]


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
    confidence factor needs the values under the central weights; ``confidence_inputs(w)``
    returns them (values and included, without ``sets``) when they depend on the weights (a
    minimum that moves with them); by default the draws' own values are used.
    ``pairwise=False`` skips the pairwise winning indices (left NaN), the costliest index for
    many proposals. Draws are processed in blocks of :data:`CHUNK_ELEMENTS` totals to bound
    memory. Sources: Lahdelma & Salminen 2001 (SMAA-2: :math:`b_i^r`, :math:`w_i^c`,
    :math:`p_i^c`); Tervonen & Lahdelma 2007 (standard error, pairwise winning indices); R
    package ``smaa`` 0.3-2 (``smaa_rank``, ``smaa.cf``, ``smaa.entropy.ranking``).
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if sets is not None and confidence_inputs is None:
        raise ValueError("value sets need confidence_inputs: the values under other weights")
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
        for i in np.flatnonzero(~np.isnan(central[:, 0])):
            given, taking = confidence_inputs(central[i])
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
    no part), a hash of each draw's ranking, and per proposal the summed weights of the draws
    it wins."""
    m, n = values.shape[-2:]
    if sets is not None:
        draws = len(sets)
    else:
        draws = len(values) if values.ndim == 3 else len(weights) if weights.ndim == 2 else 1
    step = max(1, CHUNK_ELEMENTS // m)
    index_dtype = np.min_scalar_type(max(_low_mask(m), m))
    per_word = 8 // index_dtype.itemsize
    # Rows padded to whole 64-bit words, so that a ranking hashes in a few multiply-adds.
    padded = np.zeros((min(step, draws), -(-m // per_word) * per_word), dtype=index_dtype)
    words = padded.shape[1] // per_word
    mix = np.random.default_rng(2001).integers(1, 2**63, words, np.uint64) | np.uint64(1)
    positions = np.empty((m, draws), dtype=index_dtype)
    hashes = np.empty(draws, dtype=np.uint64)
    weight_sums = np.zeros(m * n)
    for start in range(0, draws, step):
        block = slice(start, min(start + step, draws))
        size = block.stop - start
        w = weights[block] if weights.ndim == 2 else weights
        if sets is None:
            x = values[block] if values.ndim == 3 else values
            totals = _weighted_sums(x, w, size)
            taking = None if included is None else \
                included[block] if included.ndim == 2 else np.broadcast_to(included, (size, m))
        else:
            totals = _set_sums(values, np.broadcast_to(w, (size, n)), sets[block])
            taking = None if included is None else included[sets[block]]
        if taking is not None:
            totals[~taking] = -np.inf
        order, fixes = _shared_ranks(_rank_keys(totals.copy()), totals)
        position = padded[:size]
        _scatter(position[:, :m], order, fixes)
        if taking is not None:
            position[:, :m][~taking] = m
        hashes[block] = position.view(np.uint64) @ mix
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


def ranks_from_values(totals: FloatArray) -> IntArray:
    """Return the rank (1 = best) of every total along the last axis, by the ranking rule:
    tied totals share the better rank.

    >>> ranks_from_values(np.array([1.0, 2.0, 2.0])).tolist()
    [3, 1, 1]
    """
    exact = np.array(totals, dtype=np.float64).reshape(-1, np.shape(totals)[-1]) + 0.0
    order, fixes = _shared_ranks(_rank_keys(exact.copy()), exact)
    position = np.empty(order.shape, dtype=np.int64)
    _scatter(position, order, fixes)
    return (position + 1).reshape(np.shape(totals))


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


def _set_sums(values: FloatArray, weights: FloatArray, sets: IntArray) -> FloatArray:
    """Return ``(draws, m)`` totals, draw ``k`` weighing ``values[sets[k]]``."""
    totals = np.empty((len(weights), values.shape[1]))
    for s in np.unique(sets):
        rows = np.flatnonzero(sets == s)
        totals[rows] = _fixed_sums(values[s], weights[rows])
    return totals


def _sum_over_criteria(x: FloatArray, w: FloatArray) -> FloatArray:
    """Return ``sum_j x[..., j] * w[..., j]`` (broadcast), one criterion at a time, so that
    identical rows of ``x`` give bit-identical sums (BLAS kernels need not)."""
    total = x[..., 0] * w[..., 0]
    product = np.empty_like(total)
    for j in range(1, x.shape[-1]):
        np.multiply(x[..., j], w[..., j], out=product)
        total += product
    return total


def _low_mask(m: int) -> int:
    return (1 << max(1, (m - 1).bit_length())) - 1


def _rank_keys(totals: FloatArray) -> IntArray:
    """Return int64 keys, larger is better, distinct within each row; reuses ``totals``."""
    bits = totals.view(np.int64)
    if bits.size and bits.min() < 0:  # a negative total, or -0.0
        totals += 0.0  # -0.0 becomes +0.0, so it ties with +0.0
        # Negative floats order backwards as integers: flip their magnitude bits.
        flip = bits >> 63
        flip &= _MAGNITUDE
        bits ^= flip
    low = _low_mask(totals.shape[-1])
    bits &= ~low
    # Reversed index in the freed bits: among equal totals the lower index gets the larger key.
    bits |= low - np.arange(totals.shape[-1])
    return bits


# Ties: the draw (row), the place in it, and the shared rank to put there instead.
Fixes = tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]


def _shared_ranks(keys: IntArray, totals: FloatArray
                  ) -> tuple[NDArray[np.unsignedinteger], Fixes | None]:
    """Return, per row, the indices from best to worst, and the places whose rank is not the
    place itself (ties) with their 0-based shared rank; sorts ``keys``.

    ``keys`` (:func:`_rank_keys`) order the totals but for their dropped low bits, so neighbours
    whose total bits agree are checked against the exact ``totals``: equal totals share the
    first place of their run; a row where they differ (within the dropped bits) is put in
    exact order by a sort of its totals. Ties among proposals that take no part (-inf) are left
    alone: their ranks are not counted.
    """
    m = keys.shape[-1]
    low = _low_mask(m)
    keys.sort(axis=-1)  # the fast SIMD sort; keys are distinct, so stability is moot
    best_first = keys[..., ::-1]
    index = best_first.astype(np.min_scalar_type(low))  # keeps the low bits: the reversed index
    index &= low
    np.subtract(low, index, out=index)
    near = (best_first[..., 1:] ^ best_first[..., :-1]) <= low  # the total bits agree
    if not near.any():
        return index, None
    rows, at = np.nonzero(near)
    ahead = totals[rows, index[rows, at]]
    behind = totals[rows, index[rows, at + 1]]
    unequal = np.unique(rows[ahead != behind])
    keep = (ahead == behind) & (ahead > -np.inf)
    if unequal.size:  # exact order within the dropped bits: a stable sort of those rows
        keep &= ~np.isin(rows, unequal)
        exact = np.argsort(-totals[unequal], axis=-1, kind="stable")
        index[unequal] = exact
        ordered = np.take_along_axis(totals[unequal], exact, axis=-1)
        u_rows, u_at = np.nonzero((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > -np.inf))
        rows = np.concatenate([rows[keep], unequal[u_rows]])
        at = np.concatenate([at[keep], u_at])
        by_row = np.lexsort((at, rows))
        rows, at = rows[by_row], at[by_row]
    else:
        rows, at = rows[keep], at[keep]
    if rows.size == 0:
        return index, None
    # a tie continuing the previous one (same row, next place) keeps its run's first place
    continues = np.zeros(rows.size, dtype=bool)
    continues[1:] = (rows[1:] == rows[:-1]) & (at[1:] == at[:-1] + 1)
    run = np.maximum.accumulate(np.where(continues, 0, np.arange(rows.size)))
    return index, (rows, at + 1, at[run])


def _scatter(position: NDArray[np.integer], order: NDArray[np.unsignedinteger],
             fixes: Fixes | None) -> None:
    """Write into ``position[row, order[row, p]]`` the rank at place ``p``: ``p`` itself, or
    the shared rank ``fixes`` gives (the inverse permutation, as flat scatters)."""
    draws, m = order.shape
    row_step = position.strides[0] // position.itemsize
    flat = order.astype(np.intp)
    flat += (np.arange(draws, dtype=np.intp) * row_step)[:, None]
    # position may be a view into padded rows: address the rows' whole memory as one line
    line = np.lib.stride_tricks.as_strided(position, shape=(row_step * (draws - 1) + m,),
                                           strides=(position.itemsize,))
    line[flat.ravel()] = np.tile(np.arange(m, dtype=position.dtype), draws)
    if fixes is not None:
        rows, place, rank = fixes
        line[flat[rows, place]] = rank


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


def _first_twins(block: FloatArray) -> IntArray | None:
    """Return, per draw, the index of the first proposal with the same values as each
    proposal (itself if none), or None if no draw of ``block`` has two equal proposals."""
    draws, m, n = block.shape
    mix = np.random.default_rng(1997).integers(1, 2**63, n, np.uint64) | np.uint64(1)
    hashes = np.ascontiguousarray(block).view(np.uint64) @ mix  # exact: integer arithmetic
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
    """Return the entropy in bits of the distinct columns of ``positions`` (one per draw)."""
    by_hash = np.argsort(hashes)
    same = hashes[by_hash[1:]] == hashes[by_hash[:-1]]
    first, second = by_hash[:-1][same], by_hash[1:][same]
    # Equal hashes normally mean equal rankings; checking the neighbours makes it certain.
    if (positions[:, first] == positions[:, second]).all():
        counts = np.diff(np.flatnonzero(np.concatenate(([True], ~same, [True]))))
    else:
        counts = np.unique(positions.T, axis=0, return_counts=True)[1]
    share = counts / positions.shape[1]
    return float(-(share * np.log2(share)).sum()) + 0.0
