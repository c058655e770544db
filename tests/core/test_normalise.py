"""Quality normalisation (evaluation.core.normalise and its use in scoring), by hand.

KOFA 2023/0999 accepted both proportional ("best-gets-max", ``S' = S·M/max S``) and
constant-shift (``S' = S + (M − max S)``) normalisation; the formulas are those of
price-models.md, "Quality scoring conventions". Every expected number below is derived by hand
in the test's docstring.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import by_id, leaf, result, score_rows, write_tender

from evaluation.core.normalise import normalise_proportional, normalise_scores, normalise_shift

APPROX = pytest.approx


def test_kofa_2023_0999_proportional_and_shift_on_three_scores() -> None:
    """Scores 4, 6, 8 on 0–10 (M = 10, best 8).

    Proportional: S·10/8 → 5, 7.5, 10. Shift: S + (10 − 8) → 6, 8, 10: the best, not the
    worst (4, which would give 10, 12, 14), sets the shift.
    """
    scores = np.array([[4.0], [6.0], [8.0]])
    np.testing.assert_allclose(normalise_proportional(scores, 10.0)[:, 0], [5, 7.5, 10])
    np.testing.assert_allclose(normalise_shift(scores, 10.0)[:, 0], [6, 8, 10])
    np.testing.assert_array_equal(normalise_scores(scores, 10.0, "none"), scores)
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise_scores(scores, 10.0, "rank")


def test_excluded_proposals_do_not_set_the_best() -> None:
    """NaN marks a proposal that takes no part: with 9 excluded the best is 8, as above;
    a batch row where nobody takes part is left as it is (no best to scale by)."""
    scores = np.array([[[4.0], [6.0], [8.0], [np.nan]], [[np.nan]] * 4])
    out = normalise_shift(scores, 10.0)
    np.testing.assert_allclose(out[0, :3, 0], [6, 8, 10])
    assert np.isnan(out[1]).all()
    np.testing.assert_allclose(normalise_proportional(scores, 10.0)[0, :3, 0], [5, 7.5, 10])


def _leaf_case(tmp_path, method: str, scale: dict[str, float], scores: dict[str, float]):
    model = {"id": "n", "title": "n", "aggregation": "mean", "points": 100,
             "criteria": [leaf("q", 60, scale=scale, normalisation=method),
                          leaf("r", 40)]}
    rows = {p: {"q": s, "r": 0} for p, s in scores.items()}
    folder = write_tender(tmp_path, model, [{"proposal_id": p, "supplier": p} for p in scores],
                          {"ev": score_rows(rows)})
    return by_id(result(folder))


@pytest.mark.parametrize(("method", "expected"), [("proportional", [5, 7.5, 10]),
                                                  ("shift", [6, 8, 10]),
                                                  ("none", [4, 6, 8])])
def test_kofa_2023_0999_through_the_score_json(tmp_path, method, expected) -> None:
    """The same case scored: ``normalised`` on the leaf's scale, points 60 × value."""
    p = _leaf_case(tmp_path, method, {"min": 0, "max": 10}, {"A": 4, "B": 6, "C": 8})
    assert [p[k]["criteria"]["q"]["normalised"] for k in "ABC"] == APPROX(expected)
    assert [p[k]["criteria"]["q"]["score"] for k in "ABC"] == APPROX([4, 6, 8])
    assert [p[k]["total"] for k in "ABC"] == APPROX([6 * e for e in expected])


def test_one_to_five_scale_counts_from_its_minimum(tmp_path) -> None:
    """A 1–5 scale: value = (S − 1)/(5 − 1). Proportional on the scores: S·5/4 for the best 4
    → 2.5, 3.75, 5 → values 0.375, 0.6875, 1 → points 60 × value = 22.5, 41.25, 60.
    Without normalisation 2, 3, 4 → 0.25, 0.5, 0.75 → 15, 30, 45 (reading the scale from 0
    would give 24, 36, 48)."""
    scale = {"min": 1, "max": 5}
    p = _leaf_case(tmp_path / "a", "proportional", scale, {"A": 2, "B": 3, "C": 4})
    assert [p[k]["criteria"]["q"]["normalised"] for k in "ABC"] == APPROX([2.5, 3.75, 5])
    assert [p[k]["total"] for k in "ABC"] == APPROX([22.5, 41.25, 60])
    p = _leaf_case(tmp_path / "b", "none", scale, {"A": 2, "B": 3, "C": 4})
    assert [p[k]["total"] for k in "ABC"] == APPROX([15, 30, 45])


def _group_case(tmp_path, method: str, weight: float = 60):
    model = {"id": "g", "title": "g", "aggregation": "mean", "points": 100,
             "criteria": [{"id": "g", "title": "g", "weight": weight, "normalisation": method,
                           "criteria": [leaf("q1", 50), leaf("q2", 50)]},
                          leaf("p", 100 - weight, price={"model": "proportional",
                                                         "field": "price"})]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 100},
                           {"proposal_id": "B", "supplier": "B", "price": 100}],
                          {"ev": score_rows({"A": {"q1": 6, "q2": 8}, "B": {"q1": 4, "q2": 4}})})
    return by_id(result(folder))


@pytest.mark.parametrize(("method", "points_a", "points_b"),
                         [("proportional", 60.0, 60 * 4 / 7), ("shift", 60.0, 42.0),
                          ("none", 42.0, 24.0)])
def test_group_normalisation_by_hand(tmp_path, method, points_a, points_b) -> None:
    """Group g (weight 60) of q1 and q2 (50/50), scores A (6, 8), B (4, 4) on 0–10: shares
    A 0.7, B 0.4 (best A). Proportional: values / 0.7 → A 1, B 4/7 → points 60, 34.29.
    Shift: values + 0.3 → A 1, B 0.7 → 60, 42. None: 42, 24. Both pay 40 for the same price.
    """
    p = _group_case(tmp_path, method)
    assert p["A"]["criteria"]["g"]["points"] == APPROX(points_a)
    assert p["B"]["criteria"]["g"]["points"] == APPROX(points_b)
    assert p["A"]["total"] == APPROX(points_a + 40)
    if method == "shift":  # each leaf moved by 0.3 of its range
        assert p["B"]["criteria"]["q1"]["normalised"] == APPROX(7)
        assert p["A"]["criteria"]["q2"]["normalised"] == APPROX(11)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("method", ["proportional", "shift"])
def test_a_normalised_group_of_weight_zero(tmp_path, method) -> None:
    """A normalised group of weight 0 scores 0 points and is still normalised within itself
    (its inner weights are 50/50 whatever its own weight): B's share 0.4/0.7 (proportional) or
    0.4 + 0.3 (shift) of q1 = 4 → normalised 4/0.7 = 5.714 or 7. It used to divide 0 by 0."""
    p = _group_case(tmp_path, method, weight=0)
    expected = 4 / 0.7 if method == "proportional" else 7.0
    assert p["B"]["criteria"]["q1"]["normalised"] == APPROX(expected)
    assert p["B"]["criteria"]["g"]["points"] == APPROX(0)
    assert p["A"]["total"] == APPROX(100) and p["B"]["total"] == APPROX(100)


def test_edge_cases_nobody_one_proposal_and_a_best_of_zero() -> None:
    """No proposal: no best (NaN, one row per column and batch); one proposal: it is the
    best and gets M; a column whose best is 0 stays 0 (nothing to scale up, no 0/0)."""
    from evaluation.core.normalise import best_score

    assert (1, 3) == best_score(np.zeros((0, 3))).shape
    assert np.isnan(best_score(np.zeros((2, 0, 3)))).all()
    assert (2, 1, 3) == best_score(np.zeros((2, 0, 3))).shape
    np.testing.assert_array_equal([[5.0, 2.0]], best_score(np.array([[5.0, 2.0]])))
    one = np.array([[5.0]])
    np.testing.assert_array_equal([[10.0]], normalise_scores(one, 10.0, "proportional"))
    np.testing.assert_array_equal([[10.0]], normalise_scores(one, 10.0, "shift"))
    empty = np.zeros((0, 2))
    assert (0, 2) == normalise_scores(empty, 10.0, "proportional").shape
    zeros = np.array([[0.0, 4.0], [0.0, 8.0]])
    np.testing.assert_array_equal([[0.0, 5.0], [0.0, 10.0]],
                                  normalise_proportional(zeros, 10.0))


def test_normalise_quality_under_many_weight_vectors_and_sets(tmp_path) -> None:
    """The pipeline's normalisation with leading axes (weight vectors × included sets) gives,
    row by row, what it gives one set under one weight vector; proposals left out keep their
    scores; a group whose best share is 0 is left as it is (nothing to scale, no 0/0)."""
    from builders import write_tender

    from evaluation.core.scoring import normalise_quality
    from evaluation.core.weights import local_weights, with_local_share
    from evaluation.data.criteria import load_model

    model = {"id": "b", "title": "b", "aggregation": "mean", "points": 100,
             "criteria": [{"id": "g", "title": "g", "weight": 70, "normalisation": "proportional",
                           "criteria": [leaf("q1", 60, normalisation="shift"), leaf("q2", 40)]},
                          leaf("r", 30)]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A"}])
    loaded = load_model(folder.parent.parent / "criteria" / "case.yaml")
    leaves = loaded.quality_leaves
    quality = np.array([[4.0, 6.0, 1.0], [8.0, 2.0, 9.0], [5.0, 5.0, 5.0]])
    local = with_local_share(loaded, local_weights(loaded), "q1", np.array([0.2, 0.9]))
    included = np.array([[True, True, True], [True, False, True]])
    out, shares = normalise_quality(loaded, quality, leaves, included[None, :, :],
                                    local[:, None, :])
    assert (2, 2, 3, 3) == out.shape and (2, 2, 3) == shares["g"].shape
    for k in range(2):
        for s in range(2):
            one, one_shares = normalise_quality(loaded, quality, leaves, included[s], local[k])
            np.testing.assert_allclose(out[k, s], one)
            np.testing.assert_allclose(shares["g"][k, s], one_shares["g"])
    np.testing.assert_array_equal(quality[1], out[0, 1, 1])  # B left out: as scored
    assert np.isnan(shares["g"][0, 1, 1])
    flat = dict(model, criteria=[dict(model["criteria"][0], criteria=[leaf("q1", 60),
                                                                      leaf("q2", 40)]),
                                 leaf("r", 30)])
    folder = write_tender(tmp_path / "z", flat, [{"proposal_id": "A", "supplier": "A"}])
    plain = load_model(folder.parent.parent / "criteria" / "case.yaml")
    zero = np.zeros((2, 3))
    kept, zero_shares = normalise_quality(plain, zero, plain.quality_leaves,
                                          np.ones(2, dtype=bool))
    np.testing.assert_array_equal(zero, kept)  # the best share is 0: no 0/0
    np.testing.assert_array_equal([0.0, 0.0], zero_shares["g"])
