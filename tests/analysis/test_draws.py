"""Tests for evaluation.analysis.draws: what SMAA draws (weights by each sampler, scores from
the panel) and how the model scores a draw (the main criteria's values, who takes part under
its weights), checked against the samplers themselves and against re-scoring the tender."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import NO_ENVIRONMENT_CRITERIA, tender_in_memory

from evaluation.analysis.draws import (
    Scorer,
    draw_scores,
    draw_weights,
    main_criteria,
    smaa_inputs,
)
from evaluation.analysis.sampling import sample_dirichlet, sample_intervals, sample_ranges
from evaluation.analysis.sensitivity import smaa
from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import below_minimum, evaluate_tender


def tender(tmp_path: Path, criteria: list[dict[str, Any]],
           proposals: dict[str, dict[str, float]],
           scores: dict[str, dict[str, dict[str, float]]], **keys: Any) -> Any:
    model = {"id": "d", "title": "d", "aggregation": "mean", "points": 100,
             "environment_exception": NO_ENVIRONMENT_CRITERIA, **keys,
             "criteria": criteria}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(model))
    return tender_in_memory(path, proposals, scores)


def leaf(cid: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "title": cid, "weight": weight, **extra}


PRICE = {"model": "linear", "field": "price"}


def test_the_default_sampler_without_ranges_is_dirichlet(tmp_path: Path) -> None:
    ev = evaluate_tender(tender(tmp_path, [leaf("q", 60), leaf("p", 40, price=PRICE)],
                                {"A": {"price": 100}, "B": {"price": 120}},
                                {"e": {"A": {"q": 8}, "B": {"q": 6}}}))
    weights, name, rate = draw_weights(ev, 500, np.random.default_rng(3))
    assert ("dirichlet", 1.0) == (name, rate)
    np.testing.assert_array_equal(sample_dirichlet(2, 500, np.random.default_rng(3)), weights)


def test_the_default_sampler_takes_the_announced_ranges_as_shares(tmp_path: Path) -> None:
    """a 50 % announced within 40–60, b 30 % within 20–40, the price 20 % with no range (free
    over 0–100): the ranges sampler on low (0.4, 0.2, 0), high (0.6, 0.4, 1)."""
    ev = evaluate_tender(tender(
        tmp_path, [leaf("a", 50, weight_range=[40, 60]), leaf("b", 30, weight_range=[20, 40]),
                   leaf("p", 20, price=PRICE)],
        {"A": {"price": 100}, "B": {"price": 120}},
        {"e": {"A": {"a": 8, "b": 5}, "B": {"a": 6, "b": 7}}}))
    weights, name, rate = draw_weights(ev, 2000, np.random.default_rng(5))
    expected, expected_rate = sample_ranges(np.array([0.4, 0.2, 0.0]), np.array([0.6, 0.4, 1.0]),
                                            2000, np.random.default_rng(5))
    assert "ranges" == name and expected_rate == rate
    np.testing.assert_array_equal(expected, weights)
    assert (weights[:, 0] >= 0.4 - 1e-12).all() and (weights[:, 0] <= 0.6 + 1e-12).all()
    assert (weights[:, 1] >= 0.2 - 1e-12).all() and (weights[:, 1] <= 0.4 + 1e-12).all()
    assert weights[:, 2].max() > 0.35  # the price reaches up to 1 − 0.4 − 0.2


def test_the_interval_sampler_keeps_within_the_spread_of_the_published_weights(
        tmp_path: Path) -> None:
    """Published 60 / 40 / 0 %: ± 5 percentage points by default gives a in [55, 65], b in
    [35, 45], c in [0, 5] (a weight cannot go below 0); ± 2.5 gives [57.5, 62.5]."""
    ev = evaluate_tender(tender(
        tmp_path, [leaf("a", 60), leaf("b", 40, price=PRICE), leaf("c", 0)],
        {"A": {"price": 100}, "B": {"price": 120}},
        {"e": {"A": {"a": 8, "c": 5}, "B": {"a": 6, "c": 7}}}))
    weights, name, rate = draw_weights(ev, 4000, np.random.default_rng(7), "interval")
    assert "interval ±5 pp" == name
    expected, expected_rate = sample_intervals(np.array([0.6, 0.4, 0.0]), 0.05, 4000,
                                               np.random.default_rng(7))
    np.testing.assert_array_equal(expected, weights)
    assert expected_rate == rate
    for j, (low, high) in enumerate([(0.55, 0.65), (0.35, 0.45), (0.0, 0.05)]):
        assert low - 1e-12 <= weights[:, j].min() < low + 0.01
        assert high - 0.01 < weights[:, j].max() <= high + 1e-12
    narrow, name, _ = draw_weights(ev, 1000, np.random.default_rng(7), "interval", spread=2.5)
    assert "interval ±2.5 pp" == name
    assert 0.575 - 1e-12 <= narrow[:, 0].min() and narrow[:, 0].max() <= 0.625 + 1e-12


def test_an_unknown_sampler_is_named_with_the_choices(tmp_path: Path) -> None:
    ev = evaluate_tender(tender(tmp_path, [leaf("q", 60), leaf("p", 40, price=PRICE)],
                                {"A": {"price": 100}}, {"e": {"A": {"q": 8}}}))
    message = "unknown sampler 'latin' (expected one of default, dirichlet, ranges, interval)"
    with pytest.raises(ValueError, match=re.escape(message)):
        draw_weights(ev, 10, np.random.default_rng(1), "latin")


def test_main_criteria_values_by_hand(tmp_path: Path) -> None:
    """q (60 %: q1, q2 50/50), price p (40 %, linear), z (0 %); q1 has a minimum score 3.
    A: q1 8, q2 6 → q 0.7; price 100, the lowest of those included → 1. B: q1 4, q2 4 → 0.4;
    price 200 → 1 − 100/100 = 0. C (q1 2, under the minimum, price 50) takes no part: it sets
    no reference and has no row. z 5 of 10 → 0.5 for both."""
    ev = evaluate_tender(tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60,
                    "criteria": [leaf("q1", 50, minimum=3), leaf("q2", 50)]},
                   leaf("p", 40, price=PRICE), leaf("z", 0)],
        {"A": {"price": 100}, "B": {"price": 200}, "C": {"price": 50}},
        {"e": {"A": {"q1": 8, "q2": 6, "z": 5}, "B": {"q1": 4, "q2": 4, "z": 5},
               "C": {"q1": 2, "q2": 9, "z": 5}}}))
    values, weights, ids = main_criteria(ev)
    assert ["q", "p", "z"] == ids
    np.testing.assert_array_equal([0.6, 0.4, 0.0], weights)
    np.testing.assert_allclose(values, [[0.7, 1.0, 0.5], [0.4, 0.0, 0.5]], rtol=1e-15)


def test_local_shares_under_drawn_main_weights(tmp_path: Path) -> None:
    """Scorer.local_of: every node's local share, one row per draw, the main criteria's set
    to the draw's and the shares below them as published (q1 70 %, q2 30 % within q)."""
    ev = evaluate_tender(tender(
        tmp_path, [leaf("a", 20), {"id": "q", "title": "q", "weight": 50,
                                   "criteria": [leaf("q1", 70), leaf("q2", 30)]},
                   leaf("p", 30, price=PRICE)],
        {"A": {"price": 100}, "B": {"price": 120}},
        {"e": {"A": {"a": 8, "q1": 5, "q2": 6}, "B": {"a": 6, "q1": 7, "q2": 4}}}))
    local = Scorer(ev).local_of(np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]))
    nodes = [n.id for n in ev.model.nodes()]
    expected = {"a": [0.1, 0.5], "q": [0.6, 0.25], "q1": [0.7, 0.7], "q2": [0.3, 0.3],
                "p": [0.3, 0.25]}
    assert (2, len(nodes)) == local.shape
    np.testing.assert_allclose(np.array([expected[n] for n in nodes]).T, local, rtol=1e-15)


# --- who takes part under a draw's weights ----------------------------------------------------


def _minimums_tender(tmp_path: Path, points: float, minimum: float) -> Evaluation:
    """a (20 %, a leaf with minimum score 3), q (50 %, a group with minimum ``minimum`` points
    of ``points``: q1, q2 50/50), price p (30 %). Proposals around every kind of threshold:
    one always in, one moving, two with no or few q points, one under a's minimum, one
    rejected."""
    scores = {"IN": (5, 10, 10), "MOVES": (5, 6, 2), "ZERO": (5, 0, 0), "TINY": (5, 0.2, 0),
              "LEAF": (2, 10, 10), "REJECTED": (5, 10, 10), "SMALL": (5, 1.6, 0)}
    built = tender(
        tmp_path, [leaf("a", 20, minimum=3),
                   {"id": "q", "title": "q", "weight": 50, "minimum": minimum,
                    "criteria": [leaf("q1", 50), leaf("q2", 50)]},
                   leaf("p", 30, price=PRICE)],
        {pid: {"price": 100 + 10 * k} for k, pid in enumerate(scores)},
        {"e": {pid: dict(zip(("a", "q1", "q2"), s, strict=True))
               for pid, s in scores.items()}}, points=points)
    frame = built.proposals.copy()
    frame.loc["REJECTED", ["admissible", "rejection_reason"]] = [False, "late"]
    return evaluate_tender(dataclasses.replace(built, proposals=frame))


@pytest.mark.parametrize(("points", "minimum"), [(100, 20), (10, 0.05)])
def test_excluded_sets_agree_with_the_model_at_and_around_every_threshold(
        tmp_path: Path, points: float, minimum: float) -> None:
    """Scorer.excluded finds a draw's excluded proposals by a search among thresholds; every
    draw must get the set the model's own minimum check gives under its weights (rejected and
    under a leaf minimum always; no q points always under a group minimum; the others from
    their threshold ``minimum / points at w = 1`` on, a proposal exactly at the minimum
    taking part). Weights: q's share on a grid and at every threshold, the rest shared 2:3."""
    ev = _minimums_tender(tmp_path, points, minimum)
    scorer = Scorer(ev)
    q_share = ev.panel.aggregated[:, :3] @ [0.0, 0.5, 0.5] / 10  # a, q1, q2 are the leaves
    with np.errstate(divide="ignore"):
        at = minimum / (points * q_share)
    t = np.concatenate([np.linspace(0, 1, 101), at[np.isfinite(at) & (at <= 1)]])
    t = np.concatenate([t, np.nextafter(t, 0.0), np.nextafter(t, 1.0)]).clip(0, 1)
    weights = np.column_stack([0.4 * (1 - t), t, 0.6 * (1 - t)])
    sets, which = scorer.excluded(weights)
    masked = np.where(scorer.rejected[:, None], np.nan, ev.panel.aggregated)
    expected = below_minimum(ev.model, masked, ev.model.quality_leaves,
                             scorer.local_of(weights)) | scorer.rejected
    np.testing.assert_array_equal(expected, sets[which])
    ids = list(ev.proposal_ids)
    always = [ids.index(p) for p in ("ZERO", "LEAF", "REJECTED")]
    assert sets[which][:, always].all()
    assert not sets[which][:, ids.index("IN")][t >= 0.5].any()
    moving = sets[which][:, ids.index("MOVES")]
    assert moving[t < at[ids.index("MOVES")] * (1 - 1e-9)].all()
    assert not moving[t >= at[ids.index("MOVES")]].any()


@pytest.mark.parametrize("draws", [300, 1000])
def test_excluded_sets_under_four_group_minimums(tmp_path: Path, draws: int) -> None:
    """Four main criteria, each a group with a minimum (2, 3, 1.5, 2.5 points of 100) over
    two leaves, and seven proposals with scores from a seeded generator: every draw's
    excluded set must be the one the model's own minimum check gives under its weights.
    With 8⁴ = 4096 combinations of places the sets are numbered by a table from 768 draws
    on and by a sort below, so both ways are checked."""
    rng = np.random.default_rng(17)
    groups = [{"id": f"g{k}", "title": f"g{k}", "weight": 25, "minimum": minimum,
               "criteria": [leaf(f"g{k}a", 60), leaf(f"g{k}b", 40)]}
              for k, minimum in enumerate((2, 3, 1.5, 2.5))]
    ids = [f"P{i}" for i in range(7)]
    scores = {pid: {f"g{k}{x}": float(rng.integers(0, 11)) for k in range(4) for x in "ab"}
              for pid in ids}
    ev = evaluate_tender(tender(tmp_path, groups, {pid: {} for pid in ids}, {"e": scores}))
    scorer = Scorer(ev)
    weights = sample_dirichlet(4, draws, np.random.default_rng(draws))
    sets, which = scorer.excluded(weights)
    expected = below_minimum(ev.model, ev.panel.aggregated, ev.model.quality_leaves,
                             scorer.local_of(weights))
    np.testing.assert_array_equal(expected, sets[which])
    assert 10 < len(sets) and expected.any(axis=0).sum() >= 5  # many sets, most proposals move
    assert len({tuple(row) for row in sets}) == len(sets)  # each set numbered once


def test_a_group_minimum_of_zero_excludes_nobody(tmp_path: Path) -> None:
    """Minimum 0 points: no proposal is below it, not even one with no points in the group
    (its threshold weight is −∞, not +∞)."""
    ev = evaluate_tender(tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60, "minimum": 0,
                    "criteria": [leaf("q1", 100)]}, leaf("p", 40, price=PRICE)],
        {"A": {"price": 100}, "B": {"price": 120}}, {"e": {"A": {"q1": 8}, "B": {"q1": 0}}}))
    sets, which = Scorer(ev).excluded(np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]))
    assert not sets[which].any()


def test_scores_under_weights_leave_the_excluded_without_a_total(tmp_path: Path) -> None:
    """Scorer.score: under weights (0.4, 0.2, 0.4) (q's 20 % gives MOVES 0.4·20 = 8 points,
    under the minimum 20) the rejected, the ones under a minimum and MOVES have no total
    (NaN) and no values; IN has one."""
    ev = _minimums_tender(tmp_path, 100, 20)
    scorer = Scorer(ev)
    scored = scorer.score(ev.panel.aggregated, scorer.local_of(np.array([[0.4, 0.2, 0.4]])))
    ids = list(ev.proposal_ids)
    out = [ids.index(p) for p in ("REJECTED", "ZERO", "LEAF", "MOVES")]
    assert scored.excluded[0, out].all() and not scored.excluded[0, ids.index("IN")]
    assert np.isnan(scored.totals[0, out]).all() and np.isnan(scored.values[0, out]).all()
    assert np.isfinite(scored.totals[0, ids.index("IN")])


def test_smaa_draws_rank_as_re_scoring_with_a_reference_that_leaves(tmp_path: Path) -> None:
    """q (60 %, minimum 35 points, q1), linear price (40 %). A (q 10, price 150), B (6, 100),
    C (8, 130). B, the lowest price, falls under the minimum below w = 35/60: the price scores
    are then taken from C's 130 (A 1 − 20/130 = 0.846, C 1), so from C's own threshold w =
    0.4375 on A stays ahead of C (T_A − T_C = 100(0.354 w − 0.154) > 0 above w = 0.435);
    priced against B's 100 (A 0.5, C 0.7) C would be ahead up to w = 0.5. A is first in every
    draw where anyone takes part, C never. Every draw must rank as re-scoring the tender under
    its weights does."""
    ev = evaluate_tender(tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60, "minimum": 35,
                    "criteria": [leaf("q1", 100)]}, leaf("p", 40, price=PRICE)],
        {"A": {"price": 150}, "B": {"price": 100}, "C": {"price": 130}},
        {"e": {"A": {"q1": 10}, "B": {"q1": 6}, "C": {"q1": 8}}}))
    samples, seed = 80, 6
    _, out = smaa(ev, samples, seed, sampler="dirichlet")
    weights, _, _ = draw_weights(ev, samples, np.random.default_rng(seed), "dirichlet")
    counts = {pid: [0, 0, 0] for pid in "ABC"}
    for w in weights:
        model = dataclasses.replace(ev.model, criteria=tuple(
            dataclasses.replace(c, weight=100 * w[k]) for k, c in enumerate(ev.model.criteria)))
        again = evaluate_tender(dataclasses.replace(ev.tender, model=model))
        for pid in "ABC":
            i = again.index(pid)
            if again.included[i]:
                counts[pid][int(np.sum(again.totals[again.included] > again.totals[i]))] += 1
    assert ((weights[:, 0] >= 0.4375) & (weights[:, 0] < 0.5)).any()  # the draws that tell
    assert 0 == counts["C"][0] and 0 < counts["C"][1]
    for pid in "ABC":
        assert [c / samples for c in counts[pid]] == pytest.approx(
            out["rank_acceptability"][pid], abs=1e-12)


@pytest.mark.parametrize("score_uncertainty", [False, True])
def test_a_proposal_out_at_the_published_weights_takes_part_where_a_draw_lets_it(
        tmp_path: Path, score_uncertainty: bool) -> None:
    """q (60 %, minimum 40 points), price 40 %. A: q 10 (in from w = 0.4); B: q 6, 36 points
    at the published 60 %, so excluded there, but in from w = 2/3; R rejected. SMAA ranks A
    and B (B in the draws above 2/3, where it is first or second), never R, and never B where
    it is out: its acceptabilities add up to about P(w ≥ 2/3) = 1/3 under Dirichlet(1, 1)."""
    built = tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60, "minimum": 40,
                    "criteria": [leaf("q1", 100)]}, leaf("p", 40, price=PRICE)],
        {"A": {"price": 150}, "B": {"price": 100}, "R": {"price": 90}},
        {"e": {"A": {"q1": 10}, "B": {"q1": 6}, "R": {"q1": 10}}})
    frame = built.proposals.copy()
    frame.loc["R", ["admissible", "rejection_reason"]] = [False, "late"]
    ev = evaluate_tender(dataclasses.replace(built, proposals=frame))
    assert ["A"] == list(ev.order)
    _, out = smaa(ev, 3000, 4, sampler="dirichlet", score_uncertainty=score_uncertainty)
    assert {"A", "B"} == set(out["rank_acceptability"])
    assert 1 / 3 == pytest.approx(sum(out["rank_acceptability"]["B"]), abs=0.03)
    assert 0.6 == pytest.approx(sum(out["rank_acceptability"]["A"]), abs=0.03)


def test_a_tender_before_its_price_opening_gives_no_price_points(tmp_path: Path) -> None:
    """price_opening: after_seal and not sealed: only quality is scored; under a draw whose
    weights exclude a proposal the price criterion's value stays 0 for everyone."""
    built = tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60, "minimum": 35,
                    "criteria": [leaf("q1", 100)]}, leaf("p", 40, price=PRICE)],
        {"A": {"price": 150}, "B": {"price": 100}},
        {"e": {"A": {"q1": 10}, "B": {"q1": 6}}})
    ev = evaluate_tender(dataclasses.replace(built, quality_only=True))
    weights = np.array([[0.5, 0.5], [0.8, 0.2], [0.3, 0.7]])  # B out, both in, both out
    inputs = smaa_inputs(ev, weights)
    assert inputs.sets is not None
    np.testing.assert_array_equal(0.0, inputs.values[..., 1])
    np.testing.assert_allclose([1.0, 0.6], inputs.values[inputs.sets[1], :, 0])


def test_blocks_of_drawn_scores_do_not_change_the_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn score sets are scored in blocks (memory); blocks of one or two draws give the
    same SMAA as one block."""
    ev = evaluate_tender(tender(
        tmp_path, [{"id": "q", "title": "q", "weight": 60, "minimum": 35,
                    "criteria": [leaf("q1", 100, normalisation="proportional")]},
                   leaf("p", 40, price=PRICE)],
        {"A": {"price": 150}, "B": {"price": 100}, "C": {"price": 130}},
        {"e1": {"A": {"q1": 10}, "B": {"q1": 6}, "C": {"q1": 8}},
         "e2": {"A": {"q1": 5}, "B": {"q1": 9}, "C": {"q1": 7}}}))
    _, whole = smaa(ev, 60, 2, sampler="dirichlet", score_uncertainty=True)
    for elements in (3, 6):  # 3 proposals × 1 leaf: blocks of 1 and of 2 draws
        monkeypatch.setattr("evaluation.analysis.draws.CHUNK_ELEMENTS", elements)
        _, blocked = smaa(ev, 60, 2, sampler="dirichlet", score_uncertainty=True)
        assert whole == blocked


# --- drawn scores -------------------------------------------------------------------------------


def test_drawn_scores_come_from_the_evaluators_own(tmp_path: Path) -> None:
    """A's q: e1 4, e2 8, so a draw takes 4 or 8 (each about half the time); B's q: e2 recused
    (no score), so every draw takes the panel's score, e1's 6, never a missing one."""
    ev = evaluate_tender(tender(tmp_path, [leaf("q", 60), leaf("p", 40, price=PRICE)],
                                {"A": {"price": 100}, "B": {"price": 120}},
                                {"e1": {"A": {"q": 4}, "B": {"q": 6}},
                                 "e2": {"A": {"q": 8}}}))
    drawn = draw_scores(ev, 2000, np.random.default_rng(9))
    assert (2000, 2, 1) == drawn.shape
    assert {4.0, 8.0} == set(drawn[:, 0, 0].tolist())
    assert 0.45 < np.mean(drawn[:, 0, 0] == 8.0) < 0.55
    np.testing.assert_array_equal(6.0, drawn[:, 1, 0])
    (tmp_path / "one").mkdir()  # one proposal, one quality criterion: still drawn
    one = evaluate_tender(tender(tmp_path / "one", [leaf("q", 60), leaf("p", 40, price=PRICE)],
                                 {"A": {"price": 100}},
                                 {"e1": {"A": {"q": 4}}, "e2": {"A": {"q": 8}}}))
    assert {4.0, 8.0} == set(draw_scores(one, 200, np.random.default_rng(9)).ravel().tolist())


def test_drawn_scores_under_consensus(tmp_path: Path) -> None:
    """Under consensus the draws are still the evaluators' own scores (the panel's spread),
    the agreed score only where nobody scored: e1 gave A 4 and B nothing, the committee agreed
    A 6, B 7. With no evaluator at all every draw is the agreed score."""
    built = tender(tmp_path, [leaf("q", 60), leaf("p", 40, price=PRICE)],
                   {"A": {"price": 100}, "B": {"price": 120}},
                   {"e1": {"A": {"q": 4}}})
    agreed = pd.DataFrame({"proposal_id": ["A", "B"], "criterion_id": ["q", "q"],
                           "score": [6.0, 7.0], "justification": ["x", "x"]})
    model = dataclasses.replace(built.model, aggregation="consensus")
    ev = evaluate_tender(dataclasses.replace(built, model=model, consensus=agreed))
    drawn = draw_scores(ev, 50, np.random.default_rng(2))
    np.testing.assert_array_equal(np.broadcast_to([[4.0], [7.0]], (50, 2, 1)), drawn)
    nobody = evaluate_tender(dataclasses.replace(
        built, model=model, consensus=agreed, evaluators=(), scores=built.scores.iloc[:0]))
    drawn = draw_scores(nobody, 50, np.random.default_rng(2))
    np.testing.assert_array_equal(np.broadcast_to([[6.0], [7.0]], (50, 2, 1)), drawn)
