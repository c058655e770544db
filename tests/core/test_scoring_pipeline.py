"""Hand-derived cases of :func:`evaluation.core.scoring.evaluate_tender`'s pipeline where the
award model leaves the plain weighted sum: value for money's corridor and unweighted points,
the quality-only evaluation before a price seal, a monetised criterion worth nothing, group
minimums in a model that lists its price first, and the edge of the minimums' allowance.

Each case is small and in process (the mutation run of ``make mutate`` runs these for every
surviving mutant of the scoring pipeline); each docstring gives its derivation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import by_id, evaluate, leaf, result, score_rows, write_tender

from evaluation.common.labels import Label
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion
from evaluation.core.results import score_object
from evaluation.core.scoring import is_below

APPROX = pytest.approx


def _after_seal(folder: Path) -> Path:
    """Mark a tender scored before its prices are opened (no seal yet: quality only)."""
    with (folder / "tender.yaml").open("a", encoding="utf-8") as fh:
        fh.write("price_opening: after_seal\n")
    return folder


def _json(ev: Evaluation) -> dict[str, Any]:
    """Return the ``score --format json`` object of an evaluation (builders.result without
    scoring the tender a second time)."""
    return json.loads(json.dumps(score_object(ev)))


VALUE_FOR_MONEY = {"id": "vfm", "title": "vfm", "aggregation": "mean", "points": 100,
                   "award_model": "value_for_money",
                   "criteria": [{"id": "q1", "title": "q1"}, {"id": "q2", "title": "q2"},
                                {"id": "p", "title": "p", "price": {"field": "price"}}]}


@pytest.mark.parametrize(("corridor", "order"), [(None, ["A", "B"]), (5, ["B", "A"])])
def test_value_for_money_points_prices_and_corridor_by_hand(tmp_path, corridor, order):
    """UfAB III's value for money (price-models.md; award.value_for_money, corridor_key).

    No weights are stated, so each criterion counts by its scale's range: two 0–10 criteria
    share the 100 points equally, 5 points per point given. A (8, 8): q1 40 + q2 40 = 80;
    B (9, 8): 45 + 40 = 85. The evaluated price is the price itself: A 1 000, B 1 065.
    Z = L / P: A 80/1 000 = 0.08, B 85/1 065 = 0.0798122 (0.23 % under A's).
    Without ``corridor_pct`` (the model's default 0 %: not even a 1 % corridor) the higher Z
    wins: A, B. With ``corridor_pct: 5`` (erweiterte Richtwertmethode) B lies within 5 % of the
    best Z (≥ 0.076), both get the key 0.08 and the tie-break (quality first) ranks B (85)
    before A (80).
    """
    model = VALUE_FOR_MONEY | ({} if corridor is None else {"corridor_pct": corridor})
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 1000},
                           {"proposal_id": "B", "supplier": "B", "price": 1065}],
                          {"ev": score_rows({"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 8}})})
    obj = _json(evaluate(folder))
    p = by_id(obj)
    assert order == [q["id"] for q in obj["proposals"]]
    assert order[0] == obj["winner"]
    assert [40, 40, 80] == APPROX([p["A"]["criteria"]["q1"]["points"],
                                   p["A"]["criteria"]["q2"]["points"], p["A"]["total"]])
    assert [45, 40, 85] == APPROX([p["B"]["criteria"]["q1"]["points"],
                                   p["B"]["criteria"]["q2"]["points"], p["B"]["total"]])
    assert [1000, 1065] == APPROX([p["A"]["evaluated_price"], p["B"]["evaluated_price"]])
    assert [0.08, 85 / 1065] == APPROX([p["A"]["quality_per_price"],
                                        p["B"]["quality_per_price"]])


def test_quality_only_value_for_money_has_price_and_ratio_unknown(tmp_path):
    """Before the seal (``price_opening: after_seal``) no price exists: value for money has an
    evaluated price and a quality per price, both unknown (NaN in the evaluation, ``null`` in
    the JSON, the keys present as for a priced evaluation). Quality alone ranks: A 80 over
    B 75 (8+8 and 9+6, 5 points a point given, as above)."""
    vfm = _after_seal(write_tender(
        tmp_path / "v", VALUE_FOR_MONEY,
        [{"proposal_id": "A", "supplier": "A", "price": 1000},
         {"proposal_id": "B", "supplier": "B", "price": 900}],
        {"ev": score_rows({"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 6}})}))
    ev = evaluate(vfm)
    for field in (ev.evaluated_price, ev.ratio):
        assert field is not None
        assert np.float64 == field.dtype and np.isnan(field).all()
    p = by_id(_json(ev))
    assert [80, 75] == APPROX([p["A"]["total"], p["B"]["total"]])
    for pid in "AB":
        assert {"evaluated_price": None, "quality_per_price": None} == {
            k: p[pid][k] for k in ("evaluated_price", "quality_per_price")}


def test_quality_only_monetised_has_price_unknown_and_no_ratio(tmp_path):
    """Before the seal a monetised model has an evaluated price, unknown (NaN, ``null``), and
    no quality per price at all (None; the key absent, as when priced). Quality alone ranks:
    B (60 of 100 × 2 500 deducted) over A (40 of 100)."""
    monetised = {"id": "mon", "title": "mon", "aggregation": "mean",
                 "award_model": "monetised",
                 "criteria": [{"id": "q", "title": "q", "value": 2500,
                               "scale": {"min": 0, "max": 100}},
                              {"id": "p", "title": "p", "price": {"field": "price"}}]}
    mon = _after_seal(write_tender(
        tmp_path / "m", monetised,
        [{"proposal_id": "A", "supplier": "A", "price": 79_500},
         {"proposal_id": "B", "supplier": "B", "price": 80_000}],
        {"ev": score_rows({"A": {"q": 40}, "B": {"q": 60}})}))
    ev = evaluate(mon)
    assert ev.ratio is None
    assert ev.evaluated_price is not None
    assert np.float64 == ev.evaluated_price.dtype and np.isnan(ev.evaluated_price).all()
    obj = _json(ev)
    assert "B" == obj["winner"]
    for item in obj["proposals"]:
        assert item["evaluated_price"] is None and "evaluated_price" in item
        assert "quality_per_price" not in item


def test_monetised_criterion_worth_nothing_deducts_nothing(tmp_path):
    """A monetised model (DFØ "prissetting av kvalitet"; award.monetised_price,
    P_eval = P − Σ V_c v_c) may announce a criterion with the amount 0: it deducts nothing at
    any score. q is worth 2 500 at 100 of 100, r 0 at 10 of 10.
    A: 79 000 − 0.4 · 2 500 − 1 · 0 = 78 000; B: 80 000 − 0.6 · 2 500 − 0 · 0 = 78 500.
    The lower evaluated price wins: A."""
    model = {"id": "mon", "title": "mon", "aggregation": "mean", "award_model": "monetised",
             "criteria": [{"id": "q", "title": "q", "value": 2500,
                           "scale": {"min": 0, "max": 100}},
                          {"id": "r", "title": "r", "value": 0},
                          {"id": "p", "title": "p", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 79_000},
                           {"proposal_id": "B", "supplier": "B", "price": 80_000}],
                          {"ev": score_rows({"A": {"q": 40, "r": 10}, "B": {"q": 60, "r": 0}})})
    obj = result(folder)
    p = by_id(obj)
    assert 78_000 == APPROX(p["A"]["evaluated_price"], abs=1e-9)
    assert 78_500 == APPROX(p["B"]["evaluated_price"], abs=1e-9)
    assert "A" == obj["winner"]


def test_group_minimum_counts_quality_weights_when_price_is_listed_first(tmp_path):
    """C14's Kommissionsmodellen (as in test_scoring) with the price criterion written first:
    the order of the criteria in the file must not change who falls below a minimum.

    Price 40 %, quality 60 % with minimum 42 of the 100 points (70 % of its 60), q1 and q2
    50 % of quality each, so each counts 0.3 of the total:
    A (8, 8): 100 · (0.3 · 0.8 + 0.3 · 0.8) = 48 ≥ 42, kept;
    B (7, 7): 100 · (0.3 · 0.7 + 0.3 · 0.7) = 42, exactly the minimum, kept;
    C (6, 7): 100 · (0.3 · 0.6 + 0.3 · 0.7) = 39 < 42, excluded, said in both languages.
    (Reading the price's 0.4 as q1's weight would give C 45 and keep it.) Price is scored among
    A and B only: proportional 10 · Pmin / P with Pmin = B's 80: A (100) 8, B 10.
    """
    model = {"id": "km", "title": "KM", "aggregation": "mean", "points": 100,
             "criteria": [leaf("price", 40, price={"model": "proportional", "field": "price"}),
                          {"id": "quality", "title": {"nb": "Kvalitet", "en": "Quality"},
                           "weight": 60, "minimum": 42,
                           "criteria": [leaf("q1", 50), leaf("q2", 50)]}]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 100},
                           {"proposal_id": "B", "supplier": "B", "price": 80},
                           {"proposal_id": "C", "supplier": "C", "price": 50}],
                          {"ev": score_rows({"A": {"q1": 8, "q2": 8}, "B": {"q1": 7, "q2": 7},
                                             "C": {"q1": 6, "q2": 7}})})
    ev = evaluate(folder)
    assert [False, False, True] == ev.excluded.tolist()
    reason = ev.exclusion_reason[2]
    assert reason is not None
    assert ("Kvalitet: 39,00 under minstekravet 42,00",
            "Quality: 39.00 below the minimum 42.00") == (reason.nb, reason.en)
    assert [48, 42] == APPROX(ev.node_points["quality"][:2].tolist())
    assert [8, 10] == APPROX(ev.scores[:2, 0].tolist())


def test_is_below_allows_exactly_one_billionth_under_the_minimum():
    """The allowance for rounding is inclusive: a proposal is below a minimum when its points
    are under ``minimum − 1e-9``, the same edge draws.Scorer.excluded (thresholds
    ``(min − 1e-9)/g``) and intervals' crossings (``minimum − 1e-9``) use, so that scoring,
    SMAA and the stability intervals agree on who is excluded. Minimum 5: 5 − 1e-9 passes, the
    next float under it does not; 5 passes, 4 does not; NaN (not scored) is not below."""
    node = Criterion(id="q", title=Label("q", "q"), weight=100.0, path=("q",), minimum=5.0)
    edge = 5.0 - 1e-9
    got = np.array([edge, np.nextafter(edge, -np.inf), 5.0, np.nan, 4.0])
    assert [False, True, False, False, True] == is_below(node, got).tolist()
