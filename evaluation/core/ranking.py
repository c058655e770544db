"""Ranks proposals with an explicit tie-break and selects the partners.

Never input order, never chance: totals that are equal (to 9 significant digits, so that
floating-point noise is not mistaken for a difference) go to the model's ``tie_break`` keys in
order; proposals still equal after the whole list share a rank, with a warning.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from evaluation.common.labels import Label
from evaluation.core.model import LOT, Model

Array = NDArray[np.float64]


def tie_key(values: Array) -> Array:
    """Return ``values`` rounded to 9 significant digits of their largest magnitude."""
    finite = np.abs(values[np.isfinite(values)])
    scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    decimals = 9 - int(np.floor(np.log10(scale)))
    return np.round(values, decimals)


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
        elif entry == LOT:  # only the committee's recorded draw settles what is left
            continue
        else:
            keys.append(np.nan_to_num(node_points[entry]))
    return keys


def rank_proposals(model: Model, ids: tuple[str, ...], primary: Array,
                   node_points: dict[str, Array], quality: Array, price: Array,
                   excluded: NDArray[np.bool_]) -> tuple[Array, tuple[str, ...], list[Label]]:
    """Return ranks (NaN for excluded), the included ids in rank order, and tie warnings.

    ``primary`` is "higher is better" (totals, or the negated evaluated price).
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
    cut = partners if partners <= len(order) else len(order)
    chosen = [pid for pid in order if rank[position[pid]] <= cut]
    if len(chosen) > partners:
        warnings.append(Label(
            f"Likt resultat ved grensen: {len(chosen)} tilbud deler de {partners} "
            "partnerplassene; komiteen må avgjøre etter en forhåndsbestemt regel.",
            f"Tie at the cut: {len(chosen)} proposals share the {partners} partner places; the "
            "committee must decide by a pre-announced rule."))
    return tuple(chosen), warnings
