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
from evaluation.core.scoring import (
    below_minimum,
    exclude_below_minimum,
    minimum_points,
    normalise_quality,
)

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


def _unweighted_group_model(award_model: str, normalisation: str = "none",
                            minimum: float | None = None,
                            amounts: tuple[float | None, float | None] = (None, None)) -> Model:
    """Return a model without weights: one quality group ``g`` of leaves ``a`` and ``b`` on a
    0–10 scale (monetised: announced amounts), with the group's normalisation and minimum."""
    leaves = tuple(Criterion(id=c, title=Label(c, c), weight=None, path=("g", c), scale=TEN,
                             value=amount)
                   for c, amount in zip("ab", amounts, strict=True))
    group = Criterion(id="g", title=Label("g", "g"), weight=None, path=("g",), scale=TEN,
                      normalisation=normalisation, minimum=minimum, children=leaves)
    return Model(id="m", title=Label("m", "m"), language="nb", scale=TEN, points=100.0,
                 aggregation="mean", disagreement=0.3, tie_break=(), award_model=award_model,
                 source=Path("m.yaml"), sha256="0", criteria=(group,))


def test_a_group_minimum_without_weights_counts_the_points_given() -> None:
    """Value for money (UfAB) states no weights: every criterion counts by its scale's range,
    so on two 0–10 leaves each is half of the 100 quality points
    (:func:`evaluation.core.award.quality_weights`). A scores 6 and 6: 100·(0.5·0.6 + 0.5·0.6)
    = 60 points in ``g``; B 4 and 5: 100·(0.5·0.4 + 0.5·0.5) = 45, under the minimum 50.
    Before, the missing weights read as 0, so both had 0 points and both were excluded."""
    model = _unweighted_group_model("value_for_money", minimum=50.0)
    quality = np.array([[6.0, 6.0], [4.0, 5.0]])
    [(node, got)] = minimum_points(model, quality, model.quality_leaves)
    assert node.id == "g"
    np.testing.assert_allclose(got, [60.0, 45.0], rtol=1e-12)
    reasons = exclude_below_minimum(model, quality, model.quality_leaves)
    assert reasons[0] is None
    assert reasons[1] == Label("g: 45,00 under minstekravet 50,00",
                               "g: 45.00 below the minimum 50.00")


@pytest.mark.parametrize(("normalisation", "expected"), [
    ("shift", [[10.0, 10.0], [8.0, 9.0]]),
    ("proportional", [[10.0, 10.0], [4.0 / 0.6, 5.0 / 0.6]]),
])
def test_a_normalised_group_without_weights_counts_the_points_given(
        normalisation: str, expected: list[list[float]]) -> None:
    """Value for money, scores as above: group shares 0.6 (A) and 0.45 (B), each leaf half of
    the group. ``shift`` adds 1 − 0.6 = 0.4 to every value: A 10, 10; B 8, 9.
    ``proportional`` divides by 0.6: A 10, 10; B 0.4/0.6 and 0.5/0.6 of 10. Before, the
    shares were 0/0 (NaN, with a division warning) and the group was not normalised."""
    model = _unweighted_group_model("value_for_money", normalisation)
    out, shares = normalise_quality(model, np.array([[6.0, 6.0], [4.0, 5.0]]),
                                    model.quality_leaves, np.array([True, True]))
    np.testing.assert_allclose(shares["g"], [0.6, 0.45], rtol=1e-12)
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_a_monetised_group_without_weights_counts_the_announced_amounts() -> None:
    """Monetised without weights: the amounts announced (a 3 000 NOK, b 1 000 NOK at the
    scale maximum) are the weights implied, 0.75 and 0.25. A scores 10 and 0: share
    0.75·1 + 0.25·0 = 0.75, 75 points; B 5 and 10: 0.75·0.5 + 0.25·1 = 0.625, 62.5 points.
    With equal weights B would lead (0.75 against 0.5), so the amounts decide."""
    model = _unweighted_group_model("monetised", "proportional", minimum=70.0,
                                    amounts=(3000.0, 1000.0))
    quality = np.array([[10.0, 0.0], [5.0, 10.0]])
    [(_, got)] = minimum_points(model, quality, model.quality_leaves)
    np.testing.assert_allclose(got, [75.0, 62.5], rtol=1e-12)
    _, shares = normalise_quality(model, quality, model.quality_leaves, np.array([True, True]))
    np.testing.assert_allclose(shares["g"], [0.75, 0.625], rtol=1e-12)


def test_group_minimums_without_weights_keep_an_axis_per_weight_vector() -> None:
    """``minimum_points`` and ``below_minimum`` keep a leading axis per weight vector of
    ``local`` (their contract), also for a model without weights, whose points do not move
    with it: three rows of shares give three rows of the same 60 and 45 points (as above)."""
    model = _unweighted_group_model("value_for_money", minimum=50.0)
    quality = np.array([[6.0, 6.0], [4.0, 5.0]])
    local = np.zeros((3, len(list(model.nodes()))))
    [(_, got)] = minimum_points(model, quality, model.quality_leaves, local)
    np.testing.assert_allclose(got, [[60.0, 45.0]] * 3, rtol=1e-12)
    np.testing.assert_array_equal(
        below_minimum(model, quality, model.quality_leaves, local), [[False, True]] * 3)
