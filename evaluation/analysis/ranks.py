r"""Ranks by the SMAA ranking rule: shared ranks from fast sort keys.

Rank 1 is the highest total, and tied totals share the better rank: a proposal's rank is one
plus the number of proposals with a strictly higher total (1, 1, 3), as R ``smaa`` 0.3-2 ranks
(``smaa_rank`` in its C code counts the totals greater than each one). Totals are sorted as
64-bit integer keys: the float's bits (sign-corrected, so that integer order is float order),
with the last ``b`` bits of the mantissa replaced by the reversed index of the proposal, ``b``
the bit length of ``m - 1`` (1 bit for two proposals, 6 for 50). The keys of a row are then
distinct and one fast sort gives the order; neighbours whose total bits agree are checked
against the exact totals, so equal totals (and only equal totals) share a rank, as in R.
Identical proposals must be given bit-identical totals by the caller. A proposal taking no
part in a draw gets a key below every total (:func:`left_out_keys`). Totals must not be NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_LOWEST = np.iinfo(np.int64).min  # the sort key of a proposal taking no part in a draw


def low_mask(m: int) -> int:
    return (1 << max(1, (m - 1).bit_length())) - 1


def rank_keys(totals: FloatArray) -> IntArray:
    """Return int64 keys, larger is better, distinct within each row (``totals`` is kept)."""
    low = low_mask(totals.shape[-1])
    bits = totals.view(np.int64)
    if bits.size and bits.min() < 0:  # a negative total, or -0.0
        bits = (totals + 0.0).view(np.int64)  # -0.0 becomes +0.0, so it ties with +0.0
        # Negative floats order backwards as integers: flip their magnitude bits.
        flip = bits >> 63
        flip &= _MAGNITUDE
        bits ^= flip
        bits &= ~low
    else:
        bits = bits & ~low
    # Reversed index in the freed bits: among equal totals the lower index gets the larger key.
    bits |= low - np.arange(totals.shape[-1])
    return bits


# Ties: the draw (row), the place in it, and the shared rank to put there instead.
Fixes = tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]


def shared_ranks(keys: IntArray, totals: FloatArray, ranked: IntArray | None = None
                  ) -> tuple[NDArray[np.unsignedinteger], Fixes | None]:
    """Return, per row, the indices from best to worst, and the places whose rank is not the
    place itself (ties) with their 0-based shared rank; sorts ``keys``.

    ``keys`` (:func:`rank_keys`) order the totals but for their dropped low bits, so neighbours
    whose total bits agree are checked against the exact ``totals``: equal totals share the
    first place of their run; a row where they differ (within the dropped bits) is put in
    exact order by a sort of its totals. Proposals that take no part have keys of their own
    below every total (:func:`left_out_keys`), so they never tie; ``ranked`` counts those
    that do take part, to keep the others last when a row is sorted again.
    """
    m = keys.shape[-1]
    low = low_mask(m)
    keys.sort(axis=-1)  # the fast SIMD sort; keys are distinct, so stability is moot
    # Worked on in ascending order (contiguous, fast), read best first through a reversed view.
    ascending = keys.astype(np.min_scalar_type(low))  # keeps the low bits: the reversed index
    ascending &= low
    np.subtract(low, ascending, out=ascending)
    index = ascending[..., ::-1]
    # the total bits agree (compared unsigned: keys of opposite signs differ in the top bit)
    near_ascending = (keys[..., 1:] ^ keys[..., :-1]).view(np.uint64) <= low
    if not near_ascending.any():
        return index, None
    index = index.copy()  # rows may be put in exact order below
    rows, at = np.nonzero(near_ascending[..., ::-1])
    ahead = totals[rows, index[rows, at]]
    behind = totals[rows, index[rows, at + 1]]
    unequal = np.unique(rows[ahead != behind])
    keep = ahead == behind
    if unequal.size:  # exact order within the dropped bits: a stable sort of those rows
        keep &= ~np.isin(rows, unequal)
        sort_by = -totals[unequal]
        if ranked is not None:  # those taking no part stay last
            out = np.arange(m) >= ranked[unequal][:, None]
            np.put_along_axis(sort_by, index[unequal].astype(np.intp),
                              np.where(out, np.inf, np.take_along_axis(
                                  sort_by, index[unequal].astype(np.intp), axis=-1)), axis=-1)
        exact = np.argsort(sort_by, axis=-1, kind="stable")
        index[unequal] = exact
        ordered = np.take_along_axis(totals[unequal], exact, axis=-1)
        ties = ordered[:, 1:] == ordered[:, :-1]
        if ranked is not None:
            ties &= np.arange(m - 1) < (ranked[unequal] - 1)[:, None]
        u_rows, u_at = np.nonzero(ties)
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


def scatter_ranks(position: NDArray[np.integer], order: NDArray[np.unsignedinteger],
             fixes: Fixes | None) -> None:
    """Write into ``position[row, order[row, p]]`` the rank at place ``p``: ``p`` itself, or
    the shared rank ``fixes`` gives (the inverse permutation, as flat scatters)."""
    draws, m = order.shape
    row_step = position.strides[0] // position.itemsize
    places = np.arange(m, dtype=position.dtype)
    if order.strides[-1] < 0:  # a reversed view: scatter its contiguous rows, places reversed
        order, places = order[..., ::-1], places[::-1]
    flat = order.astype(np.intp)
    flat += (np.arange(draws, dtype=np.intp) * row_step)[:, None]
    # position may be a view into padded rows: address the rows' whole memory as one line
    line = np.lib.stride_tricks.as_strided(position, shape=(row_step * (draws - 1) + m,),
                                           strides=(position.itemsize,))
    line[flat.ravel()] = np.tile(places, draws)
    if fixes is not None:
        rows, place, rank = fixes
        if places[0] != 0:
            place = m - 1 - place
        line[flat[rows, place]] = rank


def left_out_keys(m: int) -> IntArray:
    """Return the sort keys of proposals taking no part: below every total, and distinct in
    their total bits too, so that they never look tied."""
    index = np.arange(m, dtype=np.int64)
    return _LOWEST | (index << (low_mask(m).bit_length())) | (low_mask(m) - index)


def ranks_from_values(totals: FloatArray) -> IntArray:
    """Return the rank (1 = best) of every total along the last axis, by the ranking rule:
    tied totals share the better rank.

    >>> ranks_from_values(np.array([1.0, 2.0, 2.0])).tolist()
    [3, 1, 1]
    """
    exact = np.array(totals, dtype=np.float64).reshape(-1, np.shape(totals)[-1]) + 0.0
    order, fixes = shared_ranks(rank_keys(exact), exact)
    position = np.empty(order.shape, dtype=np.int64)
    scatter_ranks(position, order, fixes)
    return (position + 1).reshape(np.shape(totals))
