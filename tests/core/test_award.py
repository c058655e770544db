"""Award models other than weighted points (evaluation.core.award), by hand."""

from __future__ import annotations

import numpy as np

from evaluation.core.award import corridor_key, monetised_price, surcharge_price, value_for_money


def test_corridor_of_five_percent() -> None:
    """UfAB III, erweiterte Richtwertmethode: ratios Z = 10, 9.5, 9, 5 with a 5 % corridor:
    the best is 10, the corridor reaches down to 10·(1 − 0.05) = 9.5, so the first two get the
    key 10 (the tie-break then decides), the others keep theirs. A proposal not taking part
    (9.6) neither sets the best nor joins the corridor; with nobody taking part the ratios are
    returned as they are."""
    ratio = np.array([10.0, 9.5, 9.0, 5.0, 9.6])
    included = np.array([True, True, True, True, False])
    np.testing.assert_array_equal([10.0, 10.0, 9.0, 5.0, 9.6],
                                  corridor_key(ratio, included, 5.0))
    np.testing.assert_array_equal([10.0, 9.5, 9.0, 5.0, 9.6],
                                  corridor_key(ratio, included, 0.0))
    nobody = np.zeros(5, dtype=bool)
    np.testing.assert_array_equal(ratio, corridor_key(ratio, nobody, 5.0))
    ahead = np.array([True, False, False, False, True])
    np.testing.assert_array_equal([10.0, 9.5, 9.0, 5.0, 10.0], corridor_key(ratio, ahead, 5.0))


def test_c4_c5_c7_evaluated_prices() -> None:
    """C4: 1 000 − 800 = 200; C5: 80 000 − 0.6 × 2 500 = 78 500; C7: 1 000 000 × (1 + 0.1 ×
    0.4/0.6) = 1 066 666.7; value for money 9/1000 = 0.009 quality points per krone."""
    np.testing.assert_allclose([200.0], monetised_price(np.array([1000.0]), np.array([[1.0]]),
                                                        np.array([800.0])))
    np.testing.assert_allclose([78_500.0], monetised_price(
        np.array([80_000.0]), np.array([[0.6]]), np.array([2_500.0])))
    np.testing.assert_allclose([1_066_666.6666667], surcharge_price(
        np.array([1_000_000.0]), np.array([0.9]), 0.4, 0.6))
    np.testing.assert_allclose([0.009], value_for_money(np.array([9.0]), np.array([1000.0])))


def test_monetised_weights_are_the_announced_amounts() -> None:
    """A monetised model without weights weighs quality by the amounts deducted at the scale
    maximum (DFØ "prissetting av kvalitet"): 2 500 and 0 NOK give the quality leaves weights
    2500/2500 = 1 and 0/2500 = 0; the price leaf gets 0. A leaf worth nothing is weighed
    nothing."""
    from pathlib import Path

    from evaluation.common.labels import Label
    from evaluation.core.award import quality_weights
    from evaluation.core.model import Criterion, Model, PriceSpec, Scale

    leaves = (Criterion(id="q1", title=Label("q1", "q1"), weight=None, path=("q1",),
                        value=2500.0),
              Criterion(id="q2", title=Label("q2", "q2"), weight=None, path=("q2",),
                        value=0.0),
              Criterion(id="p", title=Label("p", "p"), weight=None, path=("p",),
                        price=PriceSpec(model="none", field="price")))
    model = Model(id="m", title=Label("m", "m"), language="nb", scale=Scale(), points=100.0,
                  aggregation="mean", disagreement=0.3, tie_break=(), award_model="monetised",
                  source=Path("m.yaml"), sha256="0", criteria=leaves)
    np.testing.assert_array_equal([1.0, 0.0, 0.0], quality_weights(model, model.leaves))
