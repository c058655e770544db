"""evaluation.analysis.ranges: who can win inside the announced weight ranges taken together."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from evaluation.analysis.ranges import range_verdict, verdict_of
from evaluation.analysis.sensitivity import main_criteria, smaa
from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender


@pytest.fixture(scope="module")
def demo() -> Evaluation:
    from conftest import DEMO_TENDER

    return evaluate_tender(load_tender(DEMO_TENDER))


# A hand-made case, derived by hand. Two criteria A and B (shares a and 1 − a), 100 points:
#   X = (0.9, 0.5): T_X = 50 + 40a      Y = (0.5, 0.8): T_Y = 80 − 30a      Z = (0.6, 0.6): 60
# T_X − T_Y = 70a − 30, zero at a = 3/7 (42.857 %); published a = 0.5: X wins by 5.
# With A in [40, 60] %: Y's best is a = 0.4 (T_Y = 68, T_X = 66, T_Z = 60), a lead of 2;
# Y needs A below 3/7 and the smallest move is 50 − 300/7 = 7.143 points from A to B.
HAND = np.array([[0.9, 0.5], [0.5, 0.8], [0.6, 0.6]])


def test_hand_made_case_rival_can_win_below_three_sevenths() -> None:
    verdict = range_verdict(HAND, ("X", "Y", "Z"), "X", ("A", "B"), np.array([0.5, 0.5]),
                            np.array([0.4, 0.4]), np.array([0.6, 0.6]), 100.0)
    assert ["Y"] == [r.proposal for r in verdict.rivals]
    y = verdict.rivals[0]
    assert 2.0 == pytest.approx(y.lead)
    assert 50 - 300 / 7 == pytest.approx(y.moved)
    assert {"A": 300 / 7, "B": 100 - 300 / 7} == pytest.approx(y.closest)
    assert {("A", "below"), ("B", "above")} == {(n.criterion, n.direction) for n in y.needs}
    need = next(n for n in y.needs if n.criterion == "A")
    assert 300 / 7 == pytest.approx(need.bound)
    assert 50 + 40 * 3 / 7 == pytest.approx(need.total)  # T_X = T_Y there: a tie
    assert "X" == need.tied_with
    assert -2.0 == pytest.approx(verdict.winner_lead)


def test_hand_made_case_narrow_ranges_leave_no_rival() -> None:
    """With A in [45, 55] % the published winner X leads everywhere, at least by
    70·0.45 − 30 = 1.5 points (at a = 0.45)."""
    verdict = range_verdict(HAND, ("X", "Y", "Z"), "X", ("A", "B"), np.array([0.5, 0.5]),
                            np.array([0.45, 0.45]), np.array([0.55, 0.55]), 100.0)
    assert () == verdict.rivals
    assert 1.5 == pytest.approx(verdict.winner_lead)


def test_ranges_admitting_no_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="no weights summing to 100"):
        range_verdict(HAND, ("X", "Y", "Z"), "X", ("A", "B"), np.array([0.5, 0.5]),
                      np.array([0.6, 0.6]), np.array([0.7, 0.7]), 100.0)


def rescored(evaluation: Evaluation, weights: dict[str, float]) -> Evaluation:
    """Return the tender scored from scratch with the main weights replaced."""
    model = evaluation.model
    criteria = tuple(dataclasses.replace(c, weight=weights[c.id]) for c in model.criteria)
    return evaluate_tender(dataclasses.replace(
        evaluation.tender, model=dataclasses.replace(model, criteria=criteria)))


def test_demo_003_can_win_from_pris_22_with_all_ranges_together(demo: Evaluation) -> None:
    """Issue 15: with every announced range applied together 003 ties 001 at Pris 22.0 %,
    nytte 25 %, gjennomføring 15 %, klima 38 % (both 66.85) and wins just above; the
    one-at-a-time threshold (Pris 22.9 %, the others rescaled) pushes klima below 30 %."""
    verdict = verdict_of(demo)
    assert verdict is not None
    assert "001" == verdict.winner
    assert ["003"] == [r.proposal for r in verdict.rivals]
    rival = verdict.rivals[0]
    assert [("pris", "above")] == [(n.criterion, n.direction) for n in rival.needs]
    need = rival.needs[0]
    assert 22.0 == pytest.approx(need.bound, abs=0.05)
    assert {"nytte": 25.0, "klima": 38.0, "gjennomforing": 15.0, "pris": 22.0} == \
        pytest.approx(need.weights, abs=0.05)
    assert 66.85 == pytest.approx(need.total, abs=0.005)
    assert "001" == need.tied_with
    tie = rescored(demo, need.weights)
    assert tie.totals[tie.index("003")] == pytest.approx(tie.totals[tie.index("001")])
    above = {**need.weights, "pris": need.bound + 0.01, "klima": need.weights["klima"] - 0.01}
    assert "003" == rescored(demo, above).winner
    below = {**need.weights, "pris": need.bound - 0.01, "klima": need.weights["klima"] + 0.01}
    assert "001" == rescored(demo, below).winner
    # the smallest change moves weight from nytte to pris, and 003 wins just beyond it
    assert 0 < rival.moved < 5
    beyond = {**rival.closest, "pris": rival.closest["pris"] + 0.01,
              "nytte": rival.closest["nytte"] - 0.01}
    assert "003" == rescored(demo, beyond).winner
    # SMAA over the ranges gives 003 first place in about 9 % of the draws
    _, summary = smaa(demo)
    assert "ranges" == summary["sampler"]
    assert 0.08 < summary["rank_acceptability"]["003"][0] < 0.11


def test_demo_verdict_matches_a_grid_over_the_ranges(demo: Evaluation) -> None:
    """Every weight vector on a 0.25-point grid of the announced ranges: the lowest Pris
    weight at which 003 wins and its largest lead agree with the programmes."""
    verdict = verdict_of(demo)
    assert verdict is not None
    values, _, criteria = main_criteria(demo)
    assert ["nytte", "klima", "gjennomforing", "pris"] == criteria
    n, g, p = np.meshgrid(np.arange(25, 35.01, 0.25), np.arange(15, 25.01, 0.25),
                          np.arange(15, 25.01, 0.25), indexing="ij")
    k = 100 - n - g - p
    inside = (k >= 30 - 1e-9) & (k <= 40 + 1e-9)
    weights = np.stack([n[inside], k[inside], g[inside], p[inside]], axis=1)
    totals = weights @ values.T  # points: values 0–1 × weights in percent
    rival = 2  # 003 among the included 001…005
    others = np.delete(totals, rival, axis=1).max(axis=1)
    lead = totals[:, rival] - others
    wins = lead > 0
    assert wins.any() and not wins.all()
    found = verdict.rivals[0]
    assert found.needs[0].bound <= weights[wins, 3].min() <= found.needs[0].bound + 0.25
    assert lead.max() <= found.lead + 1e-9
    assert found.lead - lead.max() < 0.1
