"""Normalised quality groups (evaluation.core.scoring.normalise_quality), by hand.

price-models.md, "Quality scoring conventions": ``proportional`` scales so the best gets the
maximum, :math:`S' = S\\cdot M/\\max S`; a group applies it to its share, the 0–1 leaf values
weighted by their weights within the group (M = 1). Models are built in memory (no files), so
the tests stay fast enough for ``make mutate``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evaluation.common.labels import Label
from evaluation.core.model import Criterion, Model, Scale
from evaluation.core.scoring import normalise_quality

TEN = Scale(0.0, 10.0)


def _group_model(normalisation: str, weights: tuple[float, ...]) -> Model:
    """Return a model of one quality group ``g`` (weight 100) whose leaves ``a``, ``b``, …
    carry ``weights`` on a 0–10 scale."""
    leaves = tuple(Criterion(id=c, title=Label(c, c), weight=w, path=("g", c), scale=TEN)
                   for c, w in zip("abc", weights, strict=False))
    group = Criterion(id="g", title=Label("g", "g"), weight=100.0, path=("g",), scale=TEN,
                      normalisation=normalisation, children=leaves)
    return Model(id="m", title=Label("m", "m"), language="nb", scale=TEN, points=100.0,
                 aggregation="mean", disagreement=0.3, tie_break=(),
                 award_model="weighted_points", source=Path("m.yaml"), sha256="0",
                 criteria=(group,))


def test_a_proportional_group_of_thirds_gives_the_best_the_whole_group() -> None:
    """Three leaves of a third each, written 33.3333333 (the sum 99.9999999 passes the
    reader's 1e-6 tolerance): the weights within the group are rescaled to sum to 1, so a
    group share is the plain mean of the leaf values. A scores 8, 8, 8: share 0.8; B 4, 6, 8:
    share (0.4 + 0.6 + 0.8)/3 = 0.6. Proportional: every leaf value divided by the best share
    0.8, so A gets 10, 10, 10 (its group share is exactly the maximum 1) and B 5, 7.5, 10."""
    model = _group_model("proportional", (33.3333333, 33.3333333, 33.3333333))
    quality = np.array([[8.0, 8.0, 8.0], [4.0, 6.0, 8.0]])
    out, shares = normalise_quality(model, quality, model.quality_leaves,
                                    np.array([True, True]))
    np.testing.assert_allclose(shares["g"], [0.8, 0.6], rtol=1e-12)
    np.testing.assert_allclose(out, [[10.0, 10.0, 10.0], [5.0, 7.5, 10.0]], rtol=1e-12)


def test_a_group_nobody_earned_anything_in_stays_as_given() -> None:
    """Leaf ``a`` has weight 100 within the group, ``b`` weight 0 (the reader accepts it).
    Both proposals score 0 on ``a``, so both group shares are 0 and the best share is 0:
    proportional normalisation has nothing to scale up (as for a leaf,
    :func:`evaluation.core.normalise.normalise_proportional`), and the scores stay 0, 5 and
    0, 3, without a division-by-zero warning (pytest turns those into errors)."""
    model = _group_model("proportional", (100.0, 0.0))
    quality = np.array([[0.0, 5.0], [0.0, 3.0]])
    out, shares = normalise_quality(model, quality, model.quality_leaves,
                                    np.array([True, True]))
    np.testing.assert_array_equal([0.0, 0.0], shares["g"])
    np.testing.assert_array_equal(quality, out)


def test_two_competitions_at_once_are_each_normalised_alone() -> None:
    """The leading axis of the scores is a second competition, the same proposals taking
    part in both (one ``included`` for both): each is normalised among its own proposals.
    Shares of the halves (0.5 each): competition 1 has A 8, 8 → 0.8 and B 4, 4 → 0.4, so A
    gets 10, 10 and B 5, 5; competition 2 has A 2, 4 → 0.3 and B 6, 6 → 0.6, so A's values
    0.2, 0.4 become 0.2/0.6 = 1/3 and 0.4/0.6 = 2/3 (3.33 and 6.67 points) and B gets 10, 10."""
    model = _group_model("proportional", (50.0, 50.0))
    quality = np.array([[[8.0, 8.0], [4.0, 4.0]], [[2.0, 4.0], [6.0, 6.0]]])
    out, shares = normalise_quality(model, quality, model.quality_leaves,
                                    np.array([True, True]))
    np.testing.assert_allclose(shares["g"], [[0.8, 0.4], [0.3, 0.6]], rtol=1e-12)
    np.testing.assert_allclose(out, [[[10.0, 10.0], [5.0, 5.0]],
                                     [[10 / 3, 20 / 3], [10.0, 10.0]]], rtol=1e-12)


def test_an_unknown_group_normalisation_is_named() -> None:
    """The reader admits none, proportional and shift; a model built in code with another
    name is refused with the name, not scored."""
    model = _group_model("rank", (50.0, 50.0))
    with pytest.raises(ValueError, match=r"^unknown normalisation 'rank'$"):
        normalise_quality(model, np.array([[8.0, 8.0]]), model.quality_leaves,
                          np.array([True]))
