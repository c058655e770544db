"""Criterion weights as arrays: every node's local share and every leaf's global weight.

A node's local share is ``weight/100`` among its siblings; a leaf's global weight is the product
of the local shares down its path (design.md, "Resolved details"). The functions here take the
local shares of every node (in :meth:`Model.nodes` order) as an array whose leading axes, if
any, index other weight vectors (draws, points along a line), so that the scoring pipeline can
be run under many weights at once with the same formulas as under the published ones.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from evaluation.core.model import Criterion, Model

Array = NDArray[np.float64]


def local_weights(model: Model) -> Array:
    """Return every node's published local share ``weight/100`` (0 if unweighted), in
    :meth:`Model.nodes` order."""
    return np.array([0.0 if n.weight is None else n.weight / 100.0 for n in model.nodes()])


def node_positions(model: Model) -> dict[str, int]:
    """Return each node id's position in :meth:`Model.nodes` order."""
    return {n.id: k for k, n in enumerate(model.nodes())}


def leaf_weights(model: Model, local: Array, leaves: tuple[Criterion, ...] | None = None,
                 below: Criterion | None = None) -> Array:
    """Return each leaf's weight: the product of the local shares down its path, ``(..., L)``.

    .. math:: g_l = \\prod_{v \\in \\text{path}(l)} w_v

    With ``below``, only the shares strictly below that node count (the leaf's weight within
    it) and leaves outside it get 0; the weights within a group then never depend on the
    group's own weight (a group of weight 0 still has well-defined inner weights). Multiplied
    from the top down, like :meth:`Model.global_weight`, so the published weights are the same
    numbers to the last bit.
    """
    leaves = model.leaves if leaves is None else leaves
    position = node_positions(model)
    depth = 0 if below is None else len(below.path)
    out = np.zeros((*local.shape[:-1], len(leaves)))
    for j, leaf in enumerate(leaves):
        if below is not None and leaf.path[:depth] != below.path:
            continue
        weight = np.ones(local.shape[:-1])
        for step in leaf.path[depth:]:
            weight = weight * local[..., position[step]]
        out[..., j] = weight
    return out


def with_local_share(model: Model, local: Array, node_id: str, share: Array) -> Array:
    """Return local shares ``(K, N)`` with ``node_id``'s share set to each of ``share`` ``(K,)``
    and its siblings rescaled proportionally to fill the rest.

    .. math:: w_s(t) = w_s\\,\\frac{1 - t}{1 - w_k} \\quad (s \\ne k)

    the one-at-a-time move of Triantaphyllou & Sánchez 1997. If the node had all the weight
    (:math:`w_k = 1`), the freed weight is shared equally among its siblings.
    """
    position = node_positions(model)
    node = model.node(node_id)
    parent = node.path[:-1]
    siblings = [position[n.id] for n in model.nodes()
                if n.path[:-1] == parent and len(n.path) == len(node.path) and n.id != node_id]
    k = position[node_id]
    t = np.asarray(share, dtype=np.float64)
    out = np.tile(local, (len(t), 1))
    rest = float(local[siblings].sum())
    if siblings:
        base = local[siblings] / rest if rest > 0 else np.full(len(siblings), 1 / len(siblings))
        out[:, siblings] = base[None, :] * (1.0 - t)[:, None]
    out[:, k] = t
    return out
