"""evaluation.sensitivity and `evaluation sensitivity`: intervals, SMAA, rank reversals."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from builders import NO_ENVIRONMENT_CRITERIA, tender_in_memory
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


@settings(max_examples=25, deadline=None,
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
