"""Golden tests of `evaluation score` against published cases (../shared/reference/cases.md).

Each test names its source. Numbers are asserted through the JSON contract of design.md.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import by_id, leaf, result, score_rows, write_tender

APPROX = pytest.approx


def test_c1_negometrix_low_bid_scoring(tmp_path):
    """C1. Negometrix support article 44001761046 "Low bid scoring formula".

    Per-criterion maximum points 60/40/30/70 of 200 with weights 30/20/15/35 %; price points
    = 70 · Pmin / P. A: 146 (73 %), B: 144 (72 %); A wins.
    """
    model = {"id": "c1", "title": "C1", "points": 200, "aggregation": "mean",
             "criteria": [
                 leaf("experience", 30, scale={"min": 0, "max": 60}),
                 leaf("qa", 20, scale={"min": 0, "max": 40}),
                 leaf("time", 15, scale={"min": 0, "max": 30}),
                 leaf("price", 35, scale={"min": 0, "max": 70},
                      price={"model": "proportional", "field": "price"})]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 10000},
                           {"proposal_id": "B", "supplier": "B", "price": 8000}],
                          {"ev": score_rows({"A": {"experience": 40, "qa": 30, "time": 20},
                                             "B": {"experience": 32, "qa": 20, "time": 22}})})
    obj = result(folder)
    p = by_id(obj)
    assert obj["winner"] == "A"
    assert p["A"]["criteria"]["price"]["score"] == APPROX(56)
    assert p["B"]["criteria"]["price"]["score"] == APPROX(70)
    assert p["A"]["total"] == APPROX(146)
    assert p["B"]["total"] == APPROX(144)
    assert p["A"]["total_pct"] == APPROX(73)
    assert p["B"]["total_pct"] == APPROX(72)
    assert p["A"]["criteria"]["experience"]["points"] == APPROX(40)


def _price_only(tmp_path, model_id, prices, scale_max=1.0, direction="cost", **params):
    model = {"id": model_id, "title": model_id, "aggregation": "mean", "points": 100,
             "criteria": [leaf("price", 100, scale={"min": 0, "max": scale_max},
                               price={"model": model_id, "field": "price",
                                      "direction": direction, **params})]}
    proposals = [{"proposal_id": k, "supplier": k, "price": v} for k, v in prices.items()]
    return by_id(result(write_tender(tmp_path, model, proposals)))


def test_c2_uk_ccs_proportional(tmp_path):
    """C2. UK Crown Commercial Service guidance: A 15 000, B 10 000, C 30 000 → 0.667, 1, 0.333."""
    p = _price_only(tmp_path, "proportional", {"A": 15000, "B": 10000, "C": 30000})
    assert [p[k]["criteria"]["price"]["score"] for k in "ABC"] == APPROX([2 / 3, 1, 1 / 3])
    assert [p[k]["rank"] for k in "BAC"] == [1, 2, 3]


def test_c3_price_leak_commerce_decisions(tmp_path):
    """C3. Commerce Decisions: price points 60 · Pmin / P, technical out of 40.

    A technical 40, price points 50 (24 000 000); B technical 25, price points 40 (30 000 000);
    C the cheapest (20 000 000). Totals A 90, B 65; the model is flagged as leaking prices.
    """
    model = {"id": "c3", "title": "C3", "aggregation": "mean", "points": 100,
             "criteria": [leaf("technical", 40, scale={"min": 0, "max": 40}),
                          leaf("price", 60, scale={"min": 0, "max": 60},
                               price={"model": "proportional", "field": "price"})]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 24_000_000},
                           {"proposal_id": "B", "supplier": "B", "price": 30_000_000},
                           {"proposal_id": "C", "supplier": "C", "price": 20_000_000}],
                          {"ev": score_rows({"A": {"technical": 40}, "B": {"technical": 25},
                                             "C": {"technical": 0}})})
    obj = result(folder)
    p = by_id(obj)
    assert p["A"]["criteria"]["price"]["points"] == APPROX(50)
    assert p["B"]["criteria"]["price"]["points"] == APPROX(40)
    assert p["A"]["total"] == APPROX(90)
    assert p["B"]["total"] == APPROX(65)
    assert obj["diagnostics"]["price_leak"] == ["price"]
    # B's debrief: 40/60 = Pmin/30M gives Pmin, then A's price from its points
    pmin = 40 / 60 * 30_000_000
    assert pmin == APPROX(20_000_000)
    assert 60 * pmin / p["A"]["criteria"]["price"]["points"] == APPROX(24_000_000)


def test_c4_monetary_deduction_lindback(tmp_path):
    """C4. Swedish mervärde (Lindbäck): hourly price 1 000, level 4 deducts 800 → 200."""
    model = {"id": "c4", "title": "C4", "aggregation": "mean", "award_model": "monetised",
             "criteria": [{"id": "competence", "title": "competence", "value": 800,
                           "scale": {"min": 0, "max": 4}},
                          {"id": "price", "title": "price", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "X", "supplier": "X", "price": 1000},
                           {"proposal_id": "Y", "supplier": "Y", "price": 700}],
                          {"ev": score_rows({"X": {"competence": 4}, "Y": {"competence": 1}})})
    obj = result(folder)
    p = by_id(obj)
    assert p["X"]["evaluated_price"] == APPROX(200)
    assert p["Y"]["evaluated_price"] == APPROX(700 - 200)
    assert obj["winner"] == "X"


def test_c5_negometrix_award_on_value(tmp_path):
    """C5. Negometrix "gunnen op waarde": bid 80 000, worth 2 500, "partly" = 60 % → 78 500."""
    model = {"id": "c5", "title": "C5", "aggregation": "mean", "award_model": "monetised",
             "criteria": [{"id": "sub", "title": "sub", "value": 2500,
                           "scale": {"min": 0, "max": 100}},
                          {"id": "price", "title": "price", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A",
                                             "price": 80000}],
                          {"ev": score_rows({"A": {"sub": 60}})})
    assert by_id(result(folder))["A"]["evaluated_price"] == APPROX(78500)


def test_c6_fixed_endpoints_benefit_german_cleaning(tmp_path):
    """C6. German cleaning tender: 50 · (AS − 10 000)/(18 000 − 10 000), AS 14 000 → 25."""
    p = _price_only(tmp_path, "fixed_endpoints", {"A": 14000, "B": 18000, "C": 9000},
                    scale_max=50, direction="benefit", best=18000, worst=10000)
    assert p["A"]["criteria"]["price"]["score"] == APPROX(25)
    assert p["B"]["criteria"]["price"]["score"] == APPROX(50)
    assert p["C"]["criteria"]["price"]["score"] == APPROX(0)  # clipped


def test_c7_surcharge_model(tmp_path):
    """C7. Påslagsmodell: w_q 40 %, w_p 60 %; X 1 000 000 at 9/10 → 1 066 666.7;
    Y 900 000 at 6/10 → 1 140 000. X wins."""
    model = {"id": "c7", "title": "C7", "aggregation": "mean", "award_model": "surcharge",
             "criteria": [leaf("quality", 40),
                          leaf("price", 60, price={"model": "linear", "field": "price"})]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "X", "supplier": "X", "price": 1_000_000},
                           {"proposal_id": "Y", "supplier": "Y", "price": 900_000}],
                          {"ev": score_rows({"X": {"quality": 9}, "Y": {"quality": 6}})})
    obj = result(folder)
    p = by_id(obj)
    assert p["X"]["evaluated_price"] == APPROX(1_066_666.6667)
    assert p["Y"]["evaluated_price"] == APPROX(1_140_000)
    assert obj["winner"] == "X"


def test_c8_dfo_price_schedule(tmp_path):
    """C8. DFØ price schedule: 1500×18 + 50×20 + 1200×25 + 540×32 = 75 280."""
    model = {"id": "c8", "title": "C8", "aggregation": "mean",
             "criteria": [leaf("price", 100, price={"model": "linear", "field": "price"})]}
    lines = [{"proposal_id": "A", "item": f"item {q}", "quantity": q, "unit_price": u}
             for q, u in ((1500, "18,00"), (50, "20.00"), (1200, 25), (540, 32))]
    lines.append({"proposal_id": "B", "item": "all", "quantity": 1, "unit_price": 80000})
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A"},
                                            {"proposal_id": "B", "supplier": "B"}],
                          prices=lines)
    p = by_id(result(folder))
    assert p["A"]["prices"]["price"] == APPROX(75280)
    assert p["A"]["rank"] == 1


def test_c9_dfo_linear_goes_negative(tmp_path):
    """C9. DFØ linear 10 − 10·(P − Pmin)/Pmin is negative above 2·Pmin (KOFA 2015/60);
    proportional 10·Pmin/P."""
    p = _price_only(tmp_path, "linear", {"A": 100, "B": 150, "C": 250}, scale_max=10)
    assert [p[k]["criteria"]["price"]["score"] for k in "ABC"] == APPROX([10, 5, -5])
    assert p["C"]["total"] == APPROX(-50)  # negative points are kept, not floored
    q = _price_only(tmp_path / "p", "proportional", {"A": 100, "B": 250}, scale_max=10)
    assert q["B"]["criteria"]["price"]["score"] == APPROX(4)


@pytest.mark.parametrize(("outside", "expected"), [
    ("extrapolate", {"a": 1.32, "b": 1.08, "c": -0.05, "d": -1.0}),
    ("clip", {"a": 1.0, "b": 1.0, "c": 0.0, "d": 0.0}),
])
def test_c10_piecewise_value_function(tmp_path, outside, expected):
    """C10. R package smaa, tests/pvf.R: breakpoints (50, 75, 90, 100) → (1, 0.8, 0.5, 0);
    f(10, 40, 101, 120) = (1.32, 1.08, −0.05, −1) extrapolated, (1, 1, 0, 0) clipped."""
    prices = {"a": 10, "b": 40, "c": 101, "d": 120, "e": 60, "f": 90}
    p = _price_only(tmp_path, "piecewise", prices, scale_max=1, outside=outside,
                    breakpoints=[[50, 1], [75, 0.8], [90, 0.5], [100, 0]])
    for key, value in expected.items():
        assert p[key]["criteria"]["price"]["score"] == APPROX(value)
    assert p["e"]["criteria"]["price"]["score"] == APPROX(0.92)
    assert p["f"]["criteria"]["price"]["score"] == APPROX(0.5)


def test_c13_max_normalised_weighted_sum_rizan_2020(tmp_path):
    """C13. pyrepo-mcda test (Rizan et al. 2020): x/max per column, weighted sum →
    (0.35, 0.375, 0.825, 0.641667)."""
    matrix = [[0.75, 0.50, 0.75, 0, 0, 0, 1], [0.75, 1, 0.75, 0, 0, 0, 0.75],
              [0.75, 0.75, 0.75, 0, 0.50, 0.25, 1], [0.50, 0.50, 0.75, 1, 0.50, 0, 0.75]]
    weights = [10, 10, 10, 15, 20, 25, 10]
    model = {"id": "c13", "title": "C13", "aggregation": "mean", "points": 1,
             "scale": {"min": 0, "max": 1},
             "criteria": [leaf(f"c{j}", w, normalisation="proportional")
                          for j, w in enumerate(weights)]}
    rows = {f"A{i}": {f"c{j}": v for j, v in enumerate(r)} for i, r in enumerate(matrix)}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": k, "supplier": k} for k in rows],
                          {"ev": score_rows(rows)})
    p = by_id(result(folder))
    assert [p[f"A{i}"]["total"] for i in range(4)] == APPROX([0.35, 0.375, 0.825, 0.641667],
                                                             abs=1e-6)
    assert p["A2"]["rank"] == 1


def test_c14_disagreement_flag_at_thirty_percent(tmp_path):
    """C14. Scores 6 and 9 on a 0–10 criterion → spread 3/10 = 30 % → flagged (Bonfire)."""
    model = {"id": "c14", "title": "C14", "aggregation": "mean",
             "criteria": [leaf("q1", 50), leaf("q2", 50)]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "A", "supplier": "A"}],
                          {"e1": score_rows({"A": {"q1": 6, "q2": 6}}),
                           "e2": score_rows({"A": {"q1": 9, "q2": 8.5}})})
    crit = by_id(result(folder))["A"]["criteria"]
    assert crit["q1"]["spread"] == APPROX(3)
    assert crit["q1"]["disagreement"] is True
    assert crit["q2"]["disagreement"] is False
    assert crit["q1"]["score"] == APPROX(7.5)  # mean of the two


def test_c14_kommissionsmodellen_excludes_before_price(tmp_path):
    """C14. Tilbudsvælgeren's "Kommissionsmodellen": exclude < 70/100 quality in total or
    < 50 % on any one criterion; price is scored only among the remaining proposals."""
    model = {"id": "km", "title": "KM", "aggregation": "mean", "points": 100,
             "criteria": [
                 {"id": "quality", "title": "quality", "weight": 100, "minimum": 70,
                  "criteria": [leaf("q1", 50, minimum=5), leaf("q2", 50, minimum=5)]}]}
    priced = {"id": "km", "title": "KM", "aggregation": "mean", "points": 100,
              "criteria": [model["criteria"][0] | {"weight": 60},
                           leaf("price", 40, price={"model": "proportional", "field": "price"})]}
    # quality minimum is of the model's 100 points; with price at 40 the group carries 60
    priced["criteria"][0] = priced["criteria"][0] | {"minimum": 42}
    scores = {"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 4},  # B: q2 under 50 %
              "C": {"q1": 6, "q2": 7},  # C: 6.5/10 = 39 of 60, under 42 (70 %)
              "D": {"q1": 7, "q2": 7}}
    folder = write_tender(tmp_path, priced,
                          [{"proposal_id": "A", "supplier": "A", "price": 100},
                           {"proposal_id": "B", "supplier": "B", "price": 50},
                           {"proposal_id": "C", "supplier": "C", "price": 60},
                           {"proposal_id": "D", "supplier": "D", "price": 80}],
                          {"ev": score_rows(scores)})
    obj = result(folder)
    p = by_id(obj)
    assert p["B"]["excluded"] and p["C"]["excluded"]
    assert "q2" in p["B"]["exclusion_reason"] or "minimum" in p["B"]["exclusion_reason"]
    assert p["B"]["rank"] is None and p["B"]["total"] is None
    # Pmin is D's 80, not the excluded B's 50 or C's 60
    assert p["D"]["criteria"]["price"]["score"] == APPROX(10)
    assert p["A"]["criteria"]["price"]["score"] == APPROX(8)
    assert [q["id"] for q in obj["proposals"]][-2:] == ["B", "C"]


def test_demo_ranking_and_partners(demo_tender):
    """The bundled demo: 006 falls below the competence minimum, 001 and 003 are partners."""
    obj = result(demo_tender)
    p = by_id(obj)
    assert obj["winner"] == "001"
    assert obj["partners"] == ["001", "003"]
    assert p["006"]["excluded"] and p["006"]["rank"] is None
    assert "004" in obj["diagnostics"]["abnormally_low"]
    assert p["004"]["rank"] is not None
    total = sum(p["001"]["criteria"][c]["points"] for c in ("nytte", "klima", "gjennomforing",
                                                              "pris"))
    assert total == APPROX(p["001"]["total"])


def test_value_for_money_without_weights_sums_the_points_and_uses_the_corridor(tmp_path):
    """UfAB III "einfache Richtwertmethode" states no weights: quality points are the plain
    sum of the points given; within corridor_pct of the best Z the tie-break decides."""
    model = {"id": "vfm", "title": "vfm", "aggregation": "mean", "points": 100,
             "award_model": "value_for_money", "corridor_pct": 5,
             "criteria": [{"id": "q1", "title": "q1"}, {"id": "q2", "title": "q2"},
                          {"id": "p", "title": "p", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 1000},
                           {"proposal_id": "B", "supplier": "B", "price": 1030},
                           {"proposal_id": "C", "supplier": "C", "price": 900}],
                          {"ev": score_rows({"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 8},
                                             "C": {"q1": 5, "q2": 5}})})
    obj = result(folder)
    p = by_id(obj)
    assert p["A"]["total"] == APPROX(80) and p["B"]["total"] == APPROX(85)
    assert p["A"]["quality_per_price"] == APPROX(0.08)
    # A is within 5 % of B's best Z (0.0825): the tie-break (quality first) puts B ahead
    assert [q["id"] for q in obj["proposals"]] == ["B", "A", "C"]
    assert obj["winner"] == "B"


def _monetised_pair(tmp_path, a_price, b_price, tie_break=("quality", "price")):
    model = {"id": "mon", "title": "mon", "aggregation": "mean", "award_model": "monetised",
             "tie_break": list(tie_break),
             "criteria": [{"id": "q", "title": "q", "value": 2500,
                           "scale": {"min": 0, "max": 100}},
                          {"id": "p", "title": "p", "price": {"field": "price"}}]}
    return write_tender(tmp_path, model,
                        [{"proposal_id": "A", "supplier": "A", "price": a_price},
                         {"proposal_id": "B", "supplier": "B", "price": b_price}],
                        {"ev": score_rows({"A": {"q": 40}, "B": {"q": 60}})})


def test_monetised_tie_break_uses_quality_then_price(tmp_path):
    """Equal evaluated prices (79 500 − 1 000 = 80 000 − 1 500 = 78 500): quality decides."""
    obj = result(_monetised_pair(tmp_path, 79_500, 80_000))
    assert [p["rank"] for p in obj["proposals"]] == [1, 2]
    assert obj["winner"] == "B"
    cheap_first = result(_monetised_pair(tmp_path / "b", 79_500, 80_000, ("price",)))
    assert cheap_first["winner"] == "A"


def test_a_tie_left_after_every_rule_names_no_winner(tmp_path):
    obj = result(_monetised_pair(tmp_path, 79_500, 80_000, ("p",)))
    assert [p["rank"] for p in obj["proposals"]] == [1, 1]
    assert obj["winner"] is None
    assert obj["partners"] == ["A", "B"]
    assert any("share rank 1" in w or "deler plass 1" in w for w in obj["warnings"])


def test_quality_only_monetised_ranks_on_quality(tmp_path):
    folder = _monetised_pair(tmp_path, 79_500, 80_000)
    with (folder / "tender.yaml").open("a", encoding="utf-8") as fh:
        fh.write("price_opening: after_seal\n")
    obj = result(folder)
    assert obj["winner"] == "B"
    assert by_id(obj)["A"]["evaluated_price"] is None


def test_exclusion_reasons_say_what_fell_short_in_both_languages(tmp_path):
    """C14 as above, read through the evaluation: B's q2 (4 of 10) is under its minimum 5 and
    its quality group (6.5/10 of 60 points = 39) under 42, both said; C's group (also 39) under
    42; a rejected proposal says why, in bokmål and English, with Norwegian and English number
    formats."""
    from builders import evaluate

    model = {"id": "km", "title": "KM", "aggregation": "mean", "points": 100,
             "criteria": [{"id": "quality", "title": {"nb": "Kvalitet", "en": "Quality"},
                           "weight": 60, "minimum": 42,
                           "criteria": [leaf("q1", 50, minimum=5), leaf("q2", 50, minimum=5)]},
                          leaf("price", 40, price={"model": "proportional", "field": "price"})]}
    scores = {"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 4}, "C": {"q1": 6, "q2": 7},
              "D": {"q1": 9, "q2": 9}}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": "A", "supplier": "A", "price": 100,
                            "admissible": "true", "rejection_reason": ""},
                           {"proposal_id": "B", "supplier": "B", "price": 50,
                            "admissible": "true", "rejection_reason": ""},
                           {"proposal_id": "C", "supplier": "C", "price": 60,
                            "admissible": "true", "rejection_reason": ""},
                           {"proposal_id": "D", "supplier": "D", "price": 80,
                            "admissible": "false", "rejection_reason": "late"}],
                          {"ev": score_rows(scores)})
    ev = evaluate(folder)
    reason = dict(zip(ev.proposal_ids, ev.exclusion_reason, strict=True))
    assert reason["A"] is None
    assert ("Kvalitet: 39,00 under minstekravet 42,00; q2: 4,00 under minstekravet 5,00"
            == reason["B"].nb)
    assert ("Quality: 39.00 below the minimum 42.00; q2: 4.00 below the minimum 5.00"
            == reason["B"].en)
    assert "Kvalitet: 39,00 under minstekravet 42,00" == reason["C"].nb
    assert "Quality: 39.00 below the minimum 42.00" == reason["C"].en
    assert ("Avvist: late", "Rejected: late") == (reason["D"].nb, reason["D"].en)
    assert [True, True, True] == ev.excluded[1:].tolist()
    assert np.isnan(ev.totals[1:]).all() and np.isnan(ev.values[1:]).all()
    assert np.isnan(ev.node_points["quality"][1:]).all()
    # only A is left to be priced: the best (and only) price gets the maximum
    assert 10.0 == APPROX(ev.scores[0, -1])


def test_quality_only_value_for_money(tmp_path):
    """Before the seal (price_opening: after_seal) value for money has no price: ratio and
    evaluated price are null and quality alone ranks (A 8+8 = 16 points over B's 9+6 = 15)."""
    model = {"id": "vfm", "title": "vfm", "aggregation": "mean", "points": 100,
             "award_model": "value_for_money",
             "criteria": [{"id": "q1", "title": "q1"}, {"id": "q2", "title": "q2"},
                          {"id": "p", "title": "p", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path / "v", model,
                          [{"proposal_id": "A", "supplier": "A", "price": 1000},
                           {"proposal_id": "B", "supplier": "B", "price": 900}],
                          {"ev": score_rows({"A": {"q1": 8, "q2": 8}, "B": {"q1": 9, "q2": 6}})})
    with (folder / "tender.yaml").open("a", encoding="utf-8") as fh:
        fh.write("price_opening: after_seal\n")
    obj = result(folder)
    p = by_id(obj)
    assert obj["winner"] == "A"
    assert p["A"]["total"] == APPROX(80) and p["B"]["total"] == APPROX(75)
    assert p["A"]["evaluated_price"] is None and p["A"].get("quality_per_price") is None


def _three_priced(tmp_path, partners, budget=None):
    """Three proposals A, B, C priced 400, 500 and 900 (quality: C, B, A)."""
    model = {"id": "b", "title": "b", "aggregation": "mean",
             "criteria": [leaf("q", 60), leaf("p", 40, price={"model": "proportional",
                                                              "field": "price"})]}
    folder = write_tender(tmp_path, model,
                          [{"proposal_id": i, "supplier": i, "price": price}
                           for i, price in (("A", 400), ("B", 500), ("C", 900))],
                          {"ev": score_rows({"A": {"q": 4}, "B": {"q": 7}, "C": {"q": 10}})},
                          partners=partners)
    if budget is not None:
        with (folder / "tender.yaml").open("a", encoding="utf-8") as fh:
            fh.write(f"budget: {budget}\n")
    return folder


def test_more_partners_than_rankable_proposals_is_a_warning(tmp_path):
    """Before, 5 partners of 3 proposals made all three partners without a word."""
    obj = result(_three_priced(tmp_path, partners=5))
    assert ["A", "B", "C"] == sorted(obj["partners"])
    assert ("Det skal velges 5 partnere, men bare 3 tilbud kan rangeres: alle som kan "
            "rangeres, blir valgt.") in obj["warnings"]


def test_every_proposal_above_the_budget_and_the_partners_together_are_warned(tmp_path):
    obj = result(_three_priced(tmp_path, partners=2, budget="'800'"))
    assert ["B", "C"] == sorted(obj["partners"])
    nbsp = "\u00a0"
    assert f"Tilbud C (price 900{nbsp}kr) er over budsjettet på 800{nbsp}kr." in obj["warnings"]
    assert not any(w.startswith(("Tilbud A", "Tilbud B")) for w in obj["warnings"])
    assert (f"Partnerne (C, B) har til sammen price 1{nbsp}400{nbsp}kr, over budsjettet på "
            f"800{nbsp}kr.") in obj["warnings"]
    assert {"amount": 800.0, "field": "price", "above": ["C"], "partners_total": 1400.0} == \
        obj["diagnostics"]["budget"]


def test_a_budget_the_partners_keep_to_gives_no_warning(tmp_path):
    obj = result(_three_priced(tmp_path, partners=2, budget="'1 500 kr'"))
    assert not any("budsjett" in w for w in obj["warnings"])


def test_below_minimum_without_minimums_is_false_per_proposal() -> None:
    """A model without any minimum: nobody is below one, one False per proposal (and per
    weight vector), in the shape of the scores' leading axes."""
    from pathlib import Path

    from evaluation.common.labels import Label
    from evaluation.core.model import Criterion, Model, Scale
    from evaluation.core.scoring import below_minimum

    model = Model(id="m", title=Label("m", "m"), language="nb", scale=Scale(), points=100.0,
                  aggregation="mean", disagreement=0.3, tie_break=(),
                  award_model="weighted_points", source=Path("m.yaml"), sha256="0",
                  criteria=(Criterion(id="q", title=Label("q", "q"), weight=100.0,
                                      path=("q",)),))
    quality = np.array([[[7.0], [3.0], [5.0]], [[1.0], [2.0], [3.0]]])  # 2 vectors × 3 × 1
    below = below_minimum(model, quality, model.quality_leaves)
    assert (2, 3) == below.shape and not below.any()
