r"""SMAA-2 stochastic acceptability analysis: pure, vectorised kernels without validation.

Weights (and optionally partial values) are sampled; every draw ranks the proposals by the
weighted sum :math:`T_{ki} = \sum_j x_{kij} w_{kj}`, and the draws are summarised as rank
acceptability, central weights, confidence factors and pairwise winning indices (Lahdelma &
Salminen 2001, "SMAA-2"; Tervonen & Lahdelma 2007). Samples may be drawn here
(:func:`sample_dirichlet`, :func:`sample_intervals`, :func:`sample_ranges`) or given, as in the
R package ``smaa`` whose worked example is a regression test.

Ranking rule, used everywhere here: rank 1 is the highest total; equal totals are ranked by
index, lower index first. Identical proposals get bit-identical totals (BLAS kernels may sum
equal rows in different orders, so this is arranged, not assumed). Totals are compared after
dropping the last ``b`` bits of their binary64 mantissa, ``b`` the bit length of ``m - 1``
(1 bit for two proposals, 6 for 50): that frees room for the index in one 64-bit sort key,
and makes most other 1-ulp differences tie as well. Totals must be finite (NaN ranks first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

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


def run_smaa(values: FloatArray, weights: FloatArray, *, pairwise: bool = True) -> SmaaResult:
    r"""Return the SMAA-2 indices of the weighted sums of ``values`` under ``weights``.

    ``values`` is ``(m, n)`` fixed partial values (higher is better) or ``(K, m, n)``, one
    matrix per draw; ``weights`` is ``(K, n)`` or ``(n,)`` (fixed, used with every value draw).

    .. math::

        T_{ki} = \sum_j x_{kij} w_{kj}, \qquad
        b_i^r = \frac{1}{K} \sum_k [\mathrm{rank}_k(i) = r], \qquad
        w_i^c = \frac{\sum_k [\mathrm{rank}_k(i) = 1]\, w_k}{\sum_k [\mathrm{rank}_k(i) = 1]}

    .. math::

        p_i^c = \frac{1}{K} \sum_k [\mathrm{rank}(i; x_k, w_i^c) = 1], \qquad
        c_{ij} = \frac{1}{K} \sum_k [\mathrm{rank}_k(i) < \mathrm{rank}_k(j)], \qquad
        \sigma_i^r = \sqrt{b_i^r (1 - b_i^r) / K}

    .. math::

        H = -\sum_{\pi} p_\pi \log_2 p_\pi \quad (p_\pi \text{ the share of draws ranked } \pi)

    Ties follow the module's ranking rule. With fixed values the confidence factor is 0 or 1.
    ``pairwise=False`` skips the pairwise winning indices (left NaN), the costliest index for
    many proposals, when only acceptabilities, central weights and confidence are wanted.
    Draws are processed in blocks of :data:`CHUNK_ELEMENTS` totals to bound memory. Sources:
    Lahdelma & Salminen 2001 (SMAA-2: :math:`b_i^r`, :math:`w_i^c`, :math:`p_i^c`); Tervonen &
    Lahdelma 2007 (standard error, pairwise winning indices); R package ``smaa`` 0.3-2
    (``smaa.entropy.ranking``).
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    positions, hashes, weight_sums = _rank_draws(values, weights)
    m, draws = positions.shape
    counts = np.stack([np.bincount(row, minlength=m) for row in positions]).astype(np.float64)
    acceptability = counts / draws
    with np.errstate(invalid="ignore", divide="ignore"):
        central = weight_sums / counts[:, :1]
    return SmaaResult(
        rank_acceptability=acceptability,
        central_weights=central,
        confidence=_confidence(values, central),
        pairwise_winning=_pairwise(positions) / draws if pairwise else np.full((m, m), np.nan),
        standard_error=np.sqrt(acceptability * (1.0 - acceptability) / draws),
        samples=draws,
        ranking_entropy=_ranking_entropy(positions, hashes),
    )


def _rank_draws(
    values: FloatArray, weights: FloatArray
) -> tuple[NDArray[np.unsignedinteger], NDArray[np.uint64], FloatArray]:
    """Return every proposal's 0-based position per draw, ``(m, K)``, a hash of each draw's
    ranking, and per proposal the sum of the weights of the draws it wins."""
    m, n = values.shape[-2:]
    draws = len(values) if values.ndim == 3 else len(weights) if weights.ndim == 2 else 1
    step = max(1, CHUNK_ELEMENTS // m)
    index_dtype = np.min_scalar_type(_low_mask(m))
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
        x = values[block] if values.ndim == 3 else values
        w = weights[block] if weights.ndim == 2 else weights
        order = _order_best_first(_rank_keys(_weighted_sums(x, w, block.stop - start)))
        position = padded[: block.stop - start]
        np.copyto(position[:, :m], _invert(order), casting="unsafe")
        hashes[block] = position.view(np.uint64) @ mix
        positions[:, block] = position[:, :m].T
        winners = order[:, 0].astype(np.intp)
        w_rows = np.broadcast_to(w, (len(winners), n))
        weight_sums += np.bincount(
            (winners[:, None] * n + np.arange(n)).ravel(), weights=w_rows.ravel(), minlength=m * n
        )
    return positions, hashes, weight_sums.reshape(m, n)


def ranks_from_values(totals: FloatArray) -> IntArray:
    """Return the rank (1 = best) of every total along the last axis, by the ranking rule.

    >>> ranks_from_values(np.array([1.0, 2.0, 2.0])).tolist()
    [3, 1, 2]
    """
    order = _order_best_first(_rank_keys(np.array(totals, dtype=np.float64)))
    return _invert(order).astype(np.int64) + 1


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


def _order_best_first(keys: IntArray) -> NDArray[np.unsignedinteger]:
    """Return, per row, the indices from best to worst; sorts ``keys`` in place."""
    low = _low_mask(keys.shape[-1])
    keys.sort(axis=-1)  # the fast SIMD sort; keys are distinct, so stability is moot
    index = keys.astype(np.min_scalar_type(low))  # keeps the low bits: the reversed index
    index &= low
    np.subtract(low, index, out=index)
    return index[..., ::-1]


def _invert(order: NDArray[np.unsignedinteger]) -> NDArray[np.unsignedinteger]:
    """Return the 0-based position of every index in each row of the permutation ``order``."""
    size = order.dtype.itemsize
    # Sorting (index, position) pairs packed in one wider integer is a fast scatter.
    packed = order.astype(np.dtype(f"u{2 * size}")) << (8 * size)
    packed |= np.arange(order.shape[-1], dtype=packed.dtype)
    packed.sort(axis=-1)
    return packed.astype(order.dtype)


def _pairwise(by_proposal: NDArray[np.unsignedinteger]) -> FloatArray:
    m, draws = by_proposal.shape
    ahead = np.zeros((m, m))
    for i in range(m - 1):
        row = by_proposal[i]
        for j in range(i + 1, m):
            ahead[i, j] = np.count_nonzero(row < by_proposal[j])
            ahead[j, i] = draws - ahead[i, j]  # positions are distinct: one of the two is ahead
    return ahead


def _confidence(values: FloatArray, central: FloatArray) -> FloatArray:
    m = values.shape[-2]
    confidence = np.full(m, np.nan)
    has = np.flatnonzero(~np.isnan(central[:, 0]))
    if has.size == 0:
        return confidence
    if values.ndim == 2:
        winners = np.argmax(_rank_keys(_fixed_sums(values, central[has])), axis=1)
        confidence[has] = winners == has
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
        keys = _rank_keys(totals.swapaxes(1, 2))  # (draw, central weights of, proposal)
        wins += (np.argmax(keys, axis=2) == has).sum(axis=0)
    confidence[has] = wins / len(values)
    return confidence


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
