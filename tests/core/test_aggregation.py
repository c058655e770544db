"""The panel's rule (evaluation.core.aggregation): consensus, mean or median, by hand.

price-models.md, "Quality scoring conventions": the committee agrees a consensus score per
criterion, or applies a pre-declared mean or median; every individual score is kept.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import by_id, leaf, result, score_rows, write_tender

from evaluation.core.aggregation import aggregate_scores

APPROX = pytest.approx


def test_median_and_mean_of_three_evaluators() -> None:
    """Scores 2, 3 and 10: the median is the middle one, 3; the mean (2 + 3 + 10)/3 = 5. With
    a recused evaluator (NaN) the median of 2 and 10 is 6, the mean 6 too; of 2, 3 only: 2.5."""
    individual = np.array([[[2.0, 2.0, 2.0]], [[3.0, np.nan, 3.0]], [[10.0, 10.0, np.nan]]])
    np.testing.assert_allclose(aggregate_scores(individual, "median")[0], [3, 6, 2.5])
    np.testing.assert_allclose(aggregate_scores(individual, "mean")[0], [5, 6, 2.5])
    agreed = np.array([[7.0, 7.0, 7.0]])
    np.testing.assert_array_equal(aggregate_scores(individual, "consensus", agreed), agreed)
    with pytest.raises(ValueError, match="consensus scores"):
        aggregate_scores(individual, "consensus")
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate_scores(individual, "mode")
    assert np.isnan(aggregate_scores(np.zeros((0, 1, 2)), "median")).all()


@pytest.mark.parametrize(("rule", "expected"), [("median", 3.0), ("mean", 5.0)])
def test_the_declared_rule_decides_the_score(tmp_path, rule, expected) -> None:
    """The same three score files under ``aggregation: median`` and ``mean``: 3 and 5."""
    model = {"id": "a", "title": "a", "aggregation": rule, "points": 100,
             "criteria": [leaf("q", 100)]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A"}],
                          {e: score_rows({"A": {"q": s}})
                           for e, s in (("e1", 2), ("e2", 3), ("e3", 10))})
    q = by_id(result(folder))["A"]["criteria"]["q"]
    assert q["score"] == APPROX(expected)
    assert q["spread"] == APPROX(8)
