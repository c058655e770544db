"""evaluation.sensitivity and `evaluation sensitivity`: intervals, SMAA, rank reversals."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from builders import NO_ENVIRONMENT_CRITERIA, examples, tender_in_memory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.analysis.sensitivity import analyse, rank_reversals, smaa, stability
from evaluation.cli import main
from evaluation.core.model import Criterion, Model
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender


@pytest.fixture(scope="module")
def demo():
    from conftest import DEMO_TENDER

    return evaluate_tender(load_tender(DEMO_TENDER))


def with_local_weight(model: Model, node_id: str, weight: float) -> Model:
    """Return the model with ``node_id``'s weight set, its siblings rescaled proportionally."""
    def fix(siblings: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        if any(s.id == node_id for s in siblings):
            old = next(s.weight for s in siblings if s.id == node_id)
            rest = 100.0 - old
            return tuple(dataclasses.replace(s, weight=weight if s.id == node_id else
                                             s.weight * (100.0 - weight) / rest)
                         for s in siblings)
        return tuple(dataclasses.replace(s, children=fix(s.children)) if s.children else s
                     for s in siblings)
    return dataclasses.replace(model, criteria=fix(model.criteria))


def winner_at(evaluation, node_id: str, weight: float) -> str:
    model = with_local_weight(evaluation.model, node_id, weight)
    return evaluate_tender(dataclasses.replace(evaluation.tender, model=model)).winner


def test_demo_price_weight_interval_and_its_ends(demo):
    stab = stability(demo)
    pris = stab["pris"]
    assert pris["published"] == pytest.approx(20)
    assert pris["low"] == pytest.approx(0)
    assert 20 < pris["high"] < 25  # within the announced range 15–25: worth knowing
    assert winner_at(demo, "pris", pris["high"] - 0.01) == "001"
    assert winner_at(demo, "pris", pris["high"] + 0.01) == "003"


@pytest.mark.parametrize("node_id", ["nytte", "klima", "gjennomforing", "pris",
                                     "innovasjonsgrad", "energisparing", "livslopsutslipp",
                                     "pris_utvikling", "pris_kjop"])
def test_just_inside_keeps_and_just_outside_changes_the_winner(demo, node_id):
    entry = stability(demo)
    entry = entry.get(node_id) or entry["leaves"][node_id]
    for end, outward in ((entry["low"], -1), (entry["high"], +1)):
        if 0.0 < end < 100.0:
            assert winner_at(demo, node_id, end - outward * 0.01) == demo.winner
            assert winner_at(demo, node_id, end + outward * 0.01) != demo.winner


competitions = st.integers(3, 6).flatmap(lambda n: st.tuples(
    st.lists(st.floats(80, 200), min_size=n, max_size=n, unique=True),
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=n, max_size=n)))


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comp=competitions, node=st.sampled_from(["q", "p", "q1"]))
def test_interval_ends_are_exact_on_random_competitions(tmp_path, comp, node):
    import yaml

    model = {"id": "m", "title": "m", "aggregation": "mean", "tie_break": ["quality"],
             "environment_exception": NO_ENVIRONMENT_CRITERIA,
             "criteria": [{"id": "q", "title": "q", "weight": 60, "criteria": [
                 {"id": "q1", "title": "q1", "weight": 50}, {"id": "q2", "title": "q2",
                                                              "weight": 50}]},
                 {"id": "p", "title": "p", "weight": 40,
                  "price": {"model": "proportional", "field": "price"}}]}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    prices, scores = comp
    ids = [f"{i}" for i in range(len(prices))]
    tender = tender_in_memory(path, {p: {"price": x} for p, x in zip(ids, prices, strict=True)},
                              {"e": {p: {"q1": a, "q2": b}
                                     for p, (a, b) in zip(ids, scores, strict=True)}})
    ev = evaluate_tender(tender)
    top = sorted(ev.totals, reverse=True)
    if top[0] - top[1] < 1e-6:
        return  # a tie at the published weights: no strict interval to probe
    stab = stability(ev)
    entry = stab.get(node) or stab["leaves"][node]
    for end, outward in ((entry["low"], -1), (entry["high"], +1)):
        if 0.5 < end < 99.5:
            assert winner_at(ev, node, end - outward * 1e-4) == ev.winner
            assert winner_at(ev, node, end + outward * 1e-4) != ev.winner


def test_smaa_on_the_demo_leaves_out_excluded_and_is_seeded(demo):
    _, first = smaa(demo, 2000, 7)
    _, again = smaa(demo, 2000, 7)
    assert first == again
    assert set(first["rank_acceptability"]) == {"001", "002", "003", "004", "005"}
    for row in first["rank_acceptability"].values():
        assert sum(row) == pytest.approx(1)
    assert first["sampler"] == "ranges"  # the demo announces weight ranges
    for pid, weights in first["central_weights"].items():
        if weights is None:
            assert first["rank_acceptability"][pid][0] == 0
            assert first["confidence"][pid] is None
        else:
            assert sum(weights.values()) == pytest.approx(100)
            low, high = 15, 40  # every draw lies in the announced ranges
            assert all(low - 1e-9 <= w <= high + 1e-9 for w in weights.values())


def test_dirichlet_sampler_and_score_uncertainty(demo):
    _, fixed = smaa(demo, 3000, 1, sampler="dirichlet")
    _, noisy = smaa(demo, 3000, 1, sampler="dirichlet", score_uncertainty=True)
    assert fixed["sampler"] == "dirichlet"
    # drawing scores from the panel spreads the acceptabilities
    assert noisy["ranking_entropy"] > fixed["ranking_entropy"]


def test_rank_reversals_on_the_demo(demo):
    results = {r["price_model"]: r for r in rank_reversals(demo)}
    assert {"linear", "proportional", "two_sided", "log"} <= set(results)
    assert results["linear"]["changes"] == []
    two_sided = results["two_sided"]
    assert any(c["winner_changed"] for c in two_sided["changes"])
    assert any(c["test"] == "decoy" for c in two_sided["changes"])


def test_cli_json_follows_the_contract(demo_tender, capsys):
    assert main(["sensitivity", str(demo_tender), "--samples", "500", "--seed", "3",
                 "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["stability"]["pris"]) >= {"published", "low", "high"}
    assert "kompetanse" in out["stability"]["leaves"]
    smaa_out = out["smaa"]
    assert {"samples", "seed", "sampler", "rank_acceptability", "central_weights",
            "confidence"} <= set(smaa_out)
    assert smaa_out["samples"] == 500 and smaa_out["seed"] == 3
    assert "006" not in smaa_out["rank_acceptability"]


def test_cli_table(demo_tender, capsys):
    assert main(["sensitivity", str(demo_tender), "--samples", "300", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Weight stability intervals" in out and "SMAA-2" in out and "two_sided" in out


def test_analyse_is_plain_json(demo):
    text = json.dumps(analyse(demo, 200, 1), allow_nan=False)
    assert "NaN" not in text
    assert np.isfinite(json.loads(text)["smaa"]["ranking_entropy"])


def _tied_pair_tender(tmp_path):
    """A and B equal on both main criteria (quality 7 of 10 from (8, 6) and (6, 8), price
    100); the announced tie-break, sub-criterion q2, makes B the winner; C is worse on both."""
    import yaml

    model = {"id": "t", "title": "t", "aggregation": "mean",
             "environment_exception": NO_ENVIRONMENT_CRITERIA, "tie_break": ["q2"],
             "criteria": [{"id": "q", "title": "q", "weight": 60, "criteria": [
                 {"id": "q1", "title": "q1", "weight": 50},
                 {"id": "q2", "title": "q2", "weight": 50}]},
                 {"id": "p", "title": "p", "weight": 40,
                  "price": {"model": "linear", "field": "price"}}]}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(model))
    tender = tender_in_memory(path, {"A": {"price": 100}, "B": {"price": 100},
                                     "C": {"price": 150}},
                              {"e": {"A": {"q1": 8, "q2": 6}, "B": {"q1": 6, "q2": 8},
                                     "C": {"q1": 5, "q2": 5}}})
    return evaluate_tender(tender)


def test_smaa_gives_a_tie_to_both(tmp_path):
    """The published winner B (by the tie-break) and its equal A share rank 1 in every draw:
    acceptabilities A (1, 0, 0), B (1, 0, 0), C (0, 0, 1) (C is worse on both criteria);
    both have the same central weights (the mean of all draws) and confidence 1. It used to
    give every draw to A, the lower index: B showed 0 and no central weights."""
    ev = _tied_pair_tender(tmp_path)
    assert "B" == ev.winner
    _, out = smaa(ev, 2000, 5, sampler="dirichlet")
    assert [1.0, 0.0, 0.0] == out["rank_acceptability"]["A"]
    assert [1.0, 0.0, 0.0] == out["rank_acceptability"]["B"]
    assert [0.0, 0.0, 1.0] == out["rank_acceptability"]["C"]
    assert out["central_weights"]["A"] == out["central_weights"]["B"]
    assert sum(out["central_weights"]["B"].values()) == pytest.approx(100)
    assert 1.0 == out["confidence"]["A"] == out["confidence"]["B"]
    assert out["central_weights"]["C"] is None
    assert 0.0 == out["pairwise_winning"]["A"]["B"] == out["pairwise_winning"]["B"]["A"]


def _minimum_tender(tmp_path, normalisation="none", scores=(10, 6)):
    """Quality q (60 %, minimum 35 points, one leaf q1) and price (40 %, linear); A: quality
    10, price 150; B: quality 6, price 100 (the case of test_intervals)."""
    import yaml

    model = {"id": "m", "title": "m", "aggregation": "mean",
             "environment_exception": NO_ENVIRONMENT_CRITERIA, "points": 100,
             "criteria": [{"id": "q", "title": "q", "weight": 60, "minimum": 35,
                           "criteria": [{"id": "q1", "title": "q1", "weight": 100,
                                         "normalisation": normalisation}]},
                          {"id": "p", "title": "p", "weight": 40,
                           "price": {"model": "linear", "field": "price"}}]}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    return evaluate_tender(tender_in_memory(path, {"A": {"price": 150}, "B": {"price": 100}},
                                            {"e": {"A": {"q1": scores[0]},
                                                   "B": {"q1": scores[1]}}}))


def test_smaa_excludes_a_proposal_below_the_minimum_under_the_drawn_weights(tmp_path):
    """With quality weight w uniform on (0, 1): T_A = 50 + 50w, T_B = 100 − 40w. B's quality
    points 60w fall under the minimum 35 below w = 0.5833, A's (100w) below w = 0.35. So A
    ranks first whenever it takes part (w ≥ 0.35: alone below 0.5833, ahead of B above, since
    B overtakes only below 5/9): b_A = (0.65, 0); B is second for w ≥ 0.5833: b_B = (0,
    0.4167). A's central weights: the mean of w over (0.35, 1), (67.5, 32.5); under them B
    takes part (40.5 points) and A wins: confidence 1. Ignoring the minimum gave B the draws
    below w = 5/9."""
    ev = _minimum_tender(tmp_path)
    _, out = smaa(ev, 40_000, 11, sampler="dirichlet")
    assert out["rank_acceptability"]["A"] == pytest.approx([0.65, 0.0], abs=0.01)
    assert out["rank_acceptability"]["B"] == pytest.approx([0.0, 1 - 0.35 / 0.6], abs=0.01)
    assert out["central_weights"]["A"]["q"] == pytest.approx(67.5, abs=0.5)
    assert out["central_weights"]["B"] is None
    assert 1.0 == out["confidence"]["A"]


def test_smaa_draws_agree_with_rescoring_each_draw(tmp_path):
    """Every draw is ranked as re-scoring the tender under its weights ranks it (by the
    totals, tied totals sharing the better rank; excluded proposals unranked)."""
    from evaluation.analysis.draws import draw_weights

    ev = _minimum_tender(tmp_path, "proportional")
    samples, seed = 60, 4
    _, out = smaa(ev, samples, seed, sampler="dirichlet")
    weights, _, _ = draw_weights(ev, samples, np.random.default_rng(seed), "dirichlet")
    counts = {"A": [0, 0], "B": [0, 0]}
    for w in weights:
        model = with_local_weight(ev.model, "q", 100 * w[0])
        again = evaluate_tender(dataclasses.replace(ev.tender, model=model))
        for pid in ("A", "B"):
            i = again.index(pid)
            if again.included[i]:
                higher = np.sum(again.totals[again.included] > again.totals[i])
                counts[pid][int(higher)] += 1
    for pid in ("A", "B"):
        assert [c / samples for c in counts[pid]] == pytest.approx(
            out["rank_acceptability"][pid], abs=1e-12)


def test_score_uncertainty_with_one_evaluator_changes_nothing(tmp_path):
    """One evaluator: every drawn score is the agreed one, so drawing scores must give the same
    SMAA, normalisation and minimums included (it used to drop both: an acceptability moved
    from 0.713 to 0.496). Here A's 8 is normalised to 10 and B's 6 to 7.5."""
    ev = _minimum_tender(tmp_path, "proportional", (8, 6))
    _, fixed = smaa(ev, 3000, 2, sampler="dirichlet")
    _, drawn = smaa(ev, 3000, 2, sampler="dirichlet", score_uncertainty=True)
    for key in ("rank_acceptability", "confidence", "pairwise_winning"):
        assert fixed[key] == drawn[key]
    assert fixed["central_weights"]["A"] == pytest.approx(drawn["central_weights"]["A"])


def test_the_decoy_never_takes_a_real_proposal_s_id(tmp_path):
    """A real proposal called DECOY. Quality and two-sided price 50/50 (0–10): A (9, 150),
    DECOY (7, 100), C (5, 80). Pmin 80, Pmax 150: price scores A 0, DECOY 50/70·10 = 7.14,
    C 10; totals A 45, DECOY 70.7, C 75: C wins. The fictitious decoy (price 1.25 × 150 =
    187.5, quality 5 − 0.5) moves Pmax to 187.5: A 45 + 17.4 = 62.4, DECOY 35 + 40.7 = 75.7,
    C 75 — the real DECOY overtakes C. The decoy gets another id (DECOY-2); the literal id
    DECOY used to overwrite the real proposal's price and scores."""
    import yaml

    from evaluation.analysis.sensitivity import decoy_id

    model = {"id": "d", "title": "d", "aggregation": "mean",
             "environment_exception": NO_ENVIRONMENT_CRITERIA,
             "criteria": [{"id": "q", "title": "q", "weight": 50},
                          {"id": "p", "title": "p", "weight": 50,
                           "price": {"model": "two_sided", "field": "price"}}]}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(model))
    ev = evaluate_tender(tender_in_memory(
        path, {"A": {"price": 150}, "DECOY": {"price": 100}, "C": {"price": 80}},
        {"e": {"A": {"q": 9}, "DECOY": {"q": 7}, "C": {"q": 5}}}))
    assert ["C", "DECOY", "A"] == list(ev.order)
    assert "DECOY-2" == decoy_id(ev.tender)
    found = next(r for r in rank_reversals(ev) if r["price_model"] == "two_sided")
    decoy = next(c for c in found["changes"] if c["test"] == "decoy")
    assert "DECOY-2" == decoy["proposal"]
    assert ("C", "DECOY") == (decoy["winner_before"], decoy["winner_after"])
    assert ["DECOY", "C", "A"] == decoy["order_after"]
