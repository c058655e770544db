"""The one-at-a-time weight move (``core.weights.with_local_share``), by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from builders import leaf, write_tender

from evaluation.common.labels import Label
from evaluation.core.model import Criterion, Model, Scale
from evaluation.core.weights import leaf_weights, local_weights, node_positions, with_local_share
from evaluation.data.criteria import load_model


def _model(tmp_path: Path, weights: dict[str, float]) -> Model:
    model = {"id": "w", "title": "w", "aggregation": "mean", "points": 100,
             "criteria": [{"id": "g", "title": "g", "weight": 60,
                           "criteria": [leaf(c, w) for c, w in weights.items()]},
                          leaf("r", 40)]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A"}])
    return load_model(folder.parent.parent / "criteria" / "case.yaml")


def _shares(model: Model, rows: np.ndarray, ids: list[str]) -> np.ndarray:
    position = node_positions(model)
    return rows[:, [position[c] for c in ids]]


def test_siblings_keep_their_proportions(tmp_path: Path) -> None:
    """Triantaphyllou & Sánchez (1997): w_s(t) = w_s (1 − t) / (1 − w_k). With shares
    0.5 / 0.3 / 0.2 and q1 moved to 0.6: q2 = 0.3 · 0.4 / 0.5 = 0.24, q3 = 0.2 · 0.4 / 0.5 = 0.16;
    moved to 0: q2 = 0.6, q3 = 0.4. Nodes outside the group keep their shares."""
    model = _model(tmp_path, {"q1": 50, "q2": 30, "q3": 20})
    local = local_weights(model)
    out = with_local_share(model, local, "q1", np.array([0.6, 0.0]))
    assert (2, len(local)) == out.shape
    np.testing.assert_allclose([[0.6, 0.24, 0.16], [0.0, 0.6, 0.4]],
                               _shares(model, out, ["q1", "q2", "q3"]), atol=1e-15)
    np.testing.assert_allclose([[0.6, 0.4]] * 2, _shares(model, out, ["g", "r"]), atol=1e-15)


def test_a_criterion_that_held_all_the_weight_frees_it_equally(tmp_path: Path) -> None:
    """When the moved criterion had the whole group (w_k = 1, its siblings at 0) there are no
    proportions to keep: the freed weight 1 − t is shared equally among the siblings. By hand,
    q1 moved from 1 to 0.4 leaves 0.3 for each of q2 and q3; moved to 1 it changes nothing."""
    model = _model(tmp_path, {"q1": 100, "q2": 0, "q3": 0})
    local = local_weights(model)
    out = with_local_share(model, local, "q1", [0.4, 1])  # a list of plain numbers will do
    assert (2, len(local)) == out.shape and np.float64 == out.dtype
    np.testing.assert_allclose([[0.4, 0.3, 0.3], [1.0, 0.0, 0.0]],
                               _shares(model, out, ["q1", "q2", "q3"]), atol=1e-15)


def test_leaf_weights_multiply_the_shares_down_each_path(tmp_path: Path) -> None:
    """Group g at 60 % holding q1 50 %, q2 30 %, q3 20 %; r at 40 %: global weights
    0.6·0.5 = 0.3, 0.6·0.3 = 0.18, 0.6·0.2 = 0.12 and 0.4 (design.md, "Resolved details"),
    for every weight vector on the leading axis; within g (``below``) 0.5, 0.3, 0.2 and 0 for
    r, whatever g's own share (here moved to 0)."""
    model = _model(tmp_path, {"q1": 50, "q2": 30, "q3": 20})
    local = local_weights(model)
    np.testing.assert_allclose([0.3, 0.18, 0.12, 0.4], leaf_weights(model, local), rtol=1e-15)
    rows = np.stack([local, local])
    rows[1, node_positions(model)["g"]] = 0.0
    np.testing.assert_allclose([[0.5, 0.3, 0.2, 0.0]] * 2,
                               leaf_weights(model, rows, below=model.node("g")), rtol=1e-15)


def test_unweighted_criteria_have_a_local_share_of_zero() -> None:
    """A monetised model announces no weights (amounts deducted instead): every node's local
    share is 0, as the docstring says, so no weighted sum counts an unweighted criterion."""
    leaves = tuple(Criterion(id=c, title=Label(c, c), weight=None, path=(c,)) for c in "ab")
    model = Model(id="m", title=Label("m", "m"), language="nb", scale=Scale(), points=100.0,
                  aggregation="mean", disagreement=0.3, tie_break=(), award_model="monetised",
                  criteria=leaves, source=Path("m.yaml"), sha256="0")
    np.testing.assert_array_equal([0.0, 0.0], local_weights(model))
