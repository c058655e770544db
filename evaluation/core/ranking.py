"""Ranks proposals with an explicit tie-break and selects the partners.

The ranking rule, for every place that ranks an evaluation (scoring, the model test, the
weight panel, what it would take): never input order, never chance. Totals that are equal to
9 significant digits (:func:`tie_key`, so that floating-point noise is not mistaken for a
difference) go to the model's announced ``tie_break`` keys in order (design.md: "Ties left after
the whole tie_break list share a rank, with a warning"); proposals still equal after the whole
list share the better rank (1, 1, 3). SMAA has no tie-break (its draws are not the published
ranking): there tied totals share the better rank, as R ``smaa`` ranks
(:mod:`evaluation.analysis.ranks`). Stability intervals end where totals meet; at the end
itself this rule decides.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from evaluation.common.labels import Label
from evaluation.core.model import LOT, Model

Array = NDArray[np.float64]


SHARED = -2  # :func:`first_place`: several proposals share the first place


def tie_key(values: Array, axis: int | None = None) -> Array:
    """Return ``values`` rounded to 9 significant digits of their largest (finite) magnitude:
    of the whole array, or of each slice along ``axis`` (many competitions at once)."""
    if axis is None:
        finite = np.abs(values[np.isfinite(values)])
        scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        decimals = 9 - int(np.floor(np.log10(scale)))
        return np.round(values, decimals)
    magnitude = np.where(np.isfinite(values), np.abs(values), 0.0)
    largest = magnitude.max(axis=axis, keepdims=True)
    places = 9 - np.floor(np.log10(np.where(largest > 0, largest, 1.0)))
    # np.round's own steps (multiply, rint, divide; or divide, rint, multiply for negative
    # decimals), so a slice rounds to the bits np.round gives the whole array
    factor = 10.0 ** np.abs(places)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(places >= 0, np.rint(values * factor) / factor,
                        np.rint(values / factor) * factor)


def tie_break_keys(model: Model, node_points: dict[str, Array], quality: Array,
                   price: Array) -> list[Array]:
    """Return one "higher is better" array per ``tie_break`` entry of the model.

    ``quality`` is the quality points; ``price`` the price points (weighted points) or the
    negated price (award models that rank on an evaluated price).
    """
    keys = []
    for entry in model.tie_break:
        if entry == "quality":
            keys.append(quality)
        elif entry == "price":
            keys.append(price)
        elif entry == LOT and model.purpose == "selection":
            # only the committee's recorded draw settles what is left; in an award model
            # "lot" can only be a criterion's id (data.criteria)
            continue
        else:
            keys.append(np.nan_to_num(node_points[entry]))
    return keys


def first_place(keys: list[Array], taking: NDArray[np.bool_]
                ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Return, per row (the proposals on the last axis), who is ranked first by the module's
    rule, and which proposals share the first place: the ``keys`` ("higher is better": the
    primary key, then the tie-break keys) rounded by :func:`tie_key` along the row and compared
    in turn among the proposals ``taking`` part. The first is -1 when nobody takes part,
    :data:`SHARED` when several are still equal at the end (they share rank 1, as
    :func:`rank_proposals` ranks them)."""
    candidates = taking.copy()
    for key in keys:
        rounded = tie_key(np.where(taking, np.broadcast_to(key, taking.shape), np.nan), axis=-1)
        rounded = np.where(candidates, rounded, -np.inf)
        candidates &= rounded == rounded.max(axis=-1, keepdims=True)
    count = candidates.sum(axis=-1)
    winner = np.argmax(candidates, axis=-1).astype(np.int64)
    return np.where(count == 0, -1, np.where(count > 1, SHARED, winner)), candidates


def rank_proposals(model: Model, ids: tuple[str, ...], primary: Array,
                   node_points: dict[str, Array], quality: Array, price: Array,
                   excluded: NDArray[np.bool_]) -> tuple[Array, tuple[str, ...], list[Label]]:
    """Return ranks (NaN for excluded), the included ids in rank order, and tie warnings.

    ``primary`` is "higher is better" (totals, or the negated evaluated price); the module's
    rule: rounded by :func:`tie_key`, then the tie-break keys, then a shared rank.
    """
    keys = [tie_key(primary), *(tie_key(k) for k in tie_break_keys(model, node_points, quality,
                                                                     price))]
    if np.isnan(np.concatenate([k[~excluded] for k in keys])).any():
        raise ValueError("a ranking key is NaN for an included proposal")  # a bug, not input
    included = np.flatnonzero(~excluded)
    # lexsort sorts by the last key first; ids (sorted) make the final order deterministic
    order_idx = included[np.lexsort([-k[included] for k in reversed(keys)])]
    rank = np.full(len(ids), np.nan)
    warnings: list[Label] = []
    previous: tuple[float, ...] | None = None
    for position, i in enumerate(order_idx, start=1):
        signature = tuple(float(k[i]) for k in keys)
        if signature == previous:
            rank[i] = rank[order_idx[position - 2]]
            other = ids[order_idx[position - 2]]
            warnings.append(Label(
                f"Tilbud {other} og {ids[i]} står likt også etter alle utslagsregler "
                f"({', '.join(model.tie_break)}); de deler plass {int(rank[i])}.",
                f"Proposals {other} and {ids[i]} are still tied after every tie-break rule "
                f"({', '.join(model.tie_break)}); they share rank {int(rank[i])}."))
        else:
            rank[i] = position
        previous = signature
    return rank, tuple(ids[i] for i in order_idx), warnings


def select_partners(order: tuple[str, ...], rank: Array, ids: tuple[str, ...],
                    partners: int) -> tuple[tuple[str, ...], list[Label]]:
    """Return the ``partners`` best proposals (more if a tie straddles the cut, with a warning;
    fewer, with a warning, when fewer can be ranked: never a silent "all are partners")."""
    warnings = []
    if partners > len(order):
        warnings.append(Label(
            f"Det skal velges {partners} partnere, men bare {len(order)} tilbud kan rangeres: "
            + ("alle som kan rangeres, blir valgt." if order else "ingen blir valgt."),
            f"{partners} partners are to be selected, but only {len(order)} proposals can be "
            "ranked: " + ("every rankable proposal is selected." if order else
                          "none is selected.")))
    if not order:
        return (), warnings
    position = {pid: i for i, pid in enumerate(ids)}
    # ranks (rank_proposals') are at most len(order): more places than proposals take them all
    chosen = [pid for pid in order if rank[position[pid]] <= partners]
    if len(chosen) > partners:
        warnings.append(Label(
            f"Likt resultat ved grensen: {len(chosen)} tilbud deler de {partners} "
            "partnerplassene; komiteen må avgjøre etter en forhåndsbestemt regel.",
            f"Tie at the cut: {len(chosen)} proposals share the {partners} partner places; the "
            "committee must decide by a pre-announced rule."))
    return tuple(chosen), warnings
