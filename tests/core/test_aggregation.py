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
    with pytest.raises(ValueError, match=r"^consensus aggregation needs the committee's "
                       r"consensus scores$"):
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


def test_score_matrix_keeps_the_listed_order_and_drops_the_unknown() -> None:
    """Rows land by the evaluators, proposals and leaves as listed (not alphabetically)."""
    import pandas as pd

    from evaluation.core.aggregation import score_matrix

    rows = pd.DataFrame({"evaluator": ["zed", "amy", "amy"],
                         "proposal_id": ["P2", "P1", "P2"],
                         "criterion_id": ["q", "q", "r"],
                         "score": [1, 2, 3]})
    out = score_matrix(rows, ("zed", "amy"), ["P2", "P1"], ["r", "q"])
    assert (2, 2, 2) == out.shape
    assert 1.0 == out[0, 0, 1] and 2.0 == out[1, 1, 1] and 3.0 == out[1, 0, 0]
    assert 3 == int(np.sum(~np.isnan(out)))
    assert out.dtype == np.float64


def test_score_matrix_drops_rows_of_the_unlisted() -> None:
    """A row whose evaluator, proposal or leaf is not among those listed lands nowhere (not at
    the end of an axis, where an unknown code of -1 would put it): of five rows only zed's
    score of P0 on r (6) is kept."""
    import pandas as pd

    from evaluation.core.aggregation import score_matrix

    rows = pd.DataFrame({"evaluator": ["zed", "bob", "zed", "zed", "bob"],
                         "proposal_id": ["P0", "P0", "P9", "P0", "P9"],
                         "criterion_id": ["r", "r", "r", "price", "price"],
                         "score": [6.0, 1.0, 2.0, 3.0, 4.0]})
    out = score_matrix(rows, ("zed", "amy"), ["P0", "P1"], ["r", "q"])
    assert 6.0 == out[0, 0, 0]
    assert 1 == int(np.sum(~np.isnan(out)))


def test_disagreement_edges() -> None:
    """A single score has no spread and never flags; no evaluators or no criteria: nothing to
    disagree on; a spread just under 30 % of the range does not flag, 30 % does (6 and 9 of
    10, C14); on a 0–100 scale 30 points flag and 29.9 do not."""
    from evaluation.core.aggregation import flag_disagreement

    individual = np.array([[[6.0, 5.0, np.nan]], [[9.0, 7.9, 4.0]]])
    spread, flagged = flag_disagreement(individual, np.array([10.0, 10.0, 10.0]), 0.3)
    np.testing.assert_allclose(spread[0, :2], [3.0, 2.9])
    assert np.isnan(spread[0, 2])
    assert [True, False, False] == flagged[0].tolist()
    spread, flagged = flag_disagreement(np.zeros((0, 2, 3)), np.full(3, 10.0), 0.3)
    assert (2, 3) == spread.shape and np.isnan(spread).all() and not flagged.any()
    assert flagged.dtype == bool
    wide = np.array([[[0.0, 0.0]], [[30.0, 29.9]]])
    _, flagged = flag_disagreement(wide, np.array([100.0, 100.0]), 0.3)
    assert [True, False] == flagged[0].tolist()


def test_the_panel_keeps_its_evaluators() -> None:
    """build_panel records who scored, in the order given."""
    import pandas as pd

    from evaluation.core.aggregation import build_panel

    rows = pd.DataFrame({"evaluator": ["b", "a"], "proposal_id": ["P", "P"],
                         "criterion_id": ["q", "q"], "score": [4.0, 8.0]})
    panel = build_panel(rows, ("b", "a"), ["P"], ["q"], np.array([10.0]), "mean", 0.3, None)
    assert ("b", "a") == panel.evaluators
    assert 6.0 == panel.aggregated[0, 0] and panel.flagged[0, 0]


def test_disagreement_tolerance_grows_with_the_scale() -> None:
    """The allowance for rounding is relative to the range: on a 0–10 000 scale (the reader
    sets no upper bound) scores 4 096.4 and 1 096.4 are exactly 30 % of the range apart, but
    in binary 4096.4 − 1096.4 = 2999.9999999999995, an ulp under 3 000; the spread flags all
    the same (1e-9 × 10 000 = 1e-5 of allowance)."""
    from evaluation.core.aggregation import flag_disagreement

    individual = np.array([[[4096.4]], [[1096.4]]])
    spread, flagged = flag_disagreement(individual, np.array([10_000.0]), 0.3)
    assert spread[0, 0] < 3000.0
    assert flagged[0, 0]


def test_a_lone_score_never_flags_even_at_the_smallest_share() -> None:
    """The reader accepts any share in (0, 1]; at 1e-9 of the range the threshold less its
    rounding allowance is 1e-9·10 − 1e-9·10 = 0, and two scores 0.5 apart flag. A criterion
    only one evaluator scored has no spread and flags under no share."""
    from evaluation.core.aggregation import flag_disagreement

    individual = np.array([[[6.0, 7.0]], [[np.nan, 7.5]]])
    spread, flagged = flag_disagreement(individual, np.array([10.0, 10.0]), 1e-9)
    assert np.isnan(spread[0, 0]) and 0.5 == spread[0, 1]
    assert [False, True] == flagged[0].tolist()
