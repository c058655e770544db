"""Tests for evaluation.widgets and evaluation.reweight: slider callbacks without a browser."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from builders import leaf, score_rows, write_tender

from evaluation.analysis import sensitivity
from evaluation.analysis.reweight import WeightTree, changes_between, keep_sum, rank_order
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.views.panel import WeightPanel


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> Evaluation:
    root = Path(request.config.rootpath)
    return evaluate_tender(load_tender(root / "tenders" / "1000-bygg"))


@pytest.fixture
def panel(demo: Evaluation) -> WeightPanel:
    return WeightPanel(demo, "nb")


def first_row(panel: WeightPanel) -> str:
    found = re.search(r'<tr data-proposal="([^"]+)"', panel.table.value)
    assert found, panel.table.value
    return found.group(1)


def table_ids(panel: WeightPanel) -> list[str]:
    return re.findall(r'<tr data-proposal="([^"]+)"', panel.table.value)


def winner_by_price(demo: Evaluation) -> str:
    rows = np.flatnonzero(demo.included)
    return demo.proposal_ids[rows[int(np.argmax(demo.node_points["pris"][rows]))]]


def test_published_state_matches_the_evaluation(demo: Evaluation, panel: WeightPanel) -> None:
    assert {t.id: t.weight for t in demo.model.criteria} == panel.weights
    assert list(demo.order) == table_ids(panel)
    assert list(demo.order) == list(panel.figure.data[0].x)
    rows = [demo.index(p) for p in demo.order]
    for trace, top in zip(panel.figure.data, demo.model.criteria, strict=True):
        np.testing.assert_allclose(trace.y, demo.node_points[top.id][rows])
    assert 'data-changed="false"' in panel.signal.value
    assert "bindende" in panel.banner.value


def test_price_slider_at_maximum_makes_the_cheapest_the_leader(demo: Evaluation,
                                                               panel: WeightPanel) -> None:
    expected = winner_by_price(demo)
    assert "002" == expected
    panel.sliders["pris"].value = 100.0
    assert 100.0 == pytest.approx(sum(panel.weights.values()))
    assert all(panel.sliders[m].value == 0.0 for m in panel.sliders if m != "pris")
    assert expected == first_row(panel)
    assert expected == panel.figure.data[0].x[0]
    price_trace = panel.figure.data[[t.id for t in demo.model.criteria].index("pris")]
    np.testing.assert_allclose(price_trace.y[0], 100.0 * demo.values[demo.index(expected)][
        [leaf.is_price for leaf in demo.leaves]] @ np.array([0.4, 0.6]))
    assert all(y == 0.0 for trace in panel.figure.data if trace is not price_trace
               for y in trace.y)
    assert 'data-changed="true"' in panel.signal.value
    assert "Med disse vektene vinner 002" in panel.signal.value
    assert "Vinneren endres fra 001 til 003 når Pris passerer 22,9" in panel.signal.value


def test_winner_changes_exactly_at_the_stability_interval(demo: Evaluation,
                                                          panel: WeightPanel) -> None:
    stability = sensitivity.stability(demo)
    assert stability is not None
    high = stability["pris"]["high"]
    panel.sliders["pris"].value = high - 0.5
    assert "001" == first_row(panel)
    assert 'data-changed="false"' in panel.signal.value
    panel.reset()
    panel.sliders["pris"].value = high + 0.5
    assert "003" == first_row(panel)
    assert "003" == panel.figure.data[0].x[0]
    at = re.search(r"passerer (\d+,\d)", panel.signal.value)
    assert at and f"{high:.1f}".replace(".", ",") == at.group(1)


def test_keep_sum_rescales_the_others_proportionally(panel: WeightPanel) -> None:
    panel.sliders["nytte"].value = 50.0
    assert {"nytte": 50.0, "klima": 50 * 3 / 7, "gjennomforing": 50 * 2 / 7,
            "pris": 50 * 2 / 7} == pytest.approx(panel.weights)
    assert [panel.weights[m] for m in panel.sliders] == pytest.approx(
        [s.value for s in panel.sliders.values()])
    panel.sliders["nytte"].value = 100.0
    panel.sliders["nytte"].value = 40.0
    assert {"nytte": 40.0, "klima": 20.0, "gjennomforing": 20.0, "pris": 20.0} == \
        pytest.approx(panel.weights)
    assert "100,0" in panel.total.value


def test_reset_restores_the_published_weights_and_ranking(demo: Evaluation,
                                                         panel: WeightPanel) -> None:
    before = (panel.table.value, list(panel.figure.data[0].x), panel.signal.value)
    panel.sliders["pris"].value = 100.0
    panel.reset()
    assert {t.id: t.weight for t in demo.model.criteria} == pytest.approx(panel.weights)
    assert [20.0, 30.0] == [panel.sliders["pris"].value, panel.sliders["klima"].value]
    assert before == (panel.table.value, list(panel.figure.data[0].x), panel.signal.value)


def test_sub_criteria_sliders_keep_their_group_at_100(demo: Evaluation,
                                                      panel: WeightPanel) -> None:
    assert "none" == panel.sub_box.layout.display
    panel.toggle.value = True
    assert "flex" == panel.sub_box.layout.display
    panel.sub_sliders["pris_utvikling"].value = 100.0
    assert 0.0 == panel.sub_sliders["pris_kjop"].value
    assert {"nytte": 30.0, "klima": 30.0, "gjennomforing": 20.0, "pris": 20.0} == panel.weights
    rows = np.flatnonzero(demo.included)
    column = [leaf.id for leaf in demo.leaves].index("pris_utvikling")
    expected = demo.totals[rows] + 20.0 * (demo.values[rows, column] - demo.values[
        rows][:, [leaf.is_price for leaf in demo.leaves]] @ np.array([0.4, 0.6]))
    best = demo.proposal_ids[rows[int(np.argmax(expected))]]
    assert best == first_row(panel)


def test_english_labels(demo: Evaluation) -> None:
    panel = WeightPanel(demo, "en")
    panel.sliders["pris"].value = 100.0
    assert "The published weights are binding" in panel.banner.value
    assert "The winner changes from 001 to 003 when Price passes 22.9" in panel.signal.value
    assert "Supplier" in panel.table.value
    assert "Price" == panel.sliders["pris"].description


def test_rank_acceptability_heatmap_is_built_once(panel: WeightPanel) -> None:
    heat = panel.heatmap.data[0]
    assert ["001", "002", "003", "004", "005"] == list(heat.y)
    np.testing.assert_allclose(np.sum(heat.z, axis=1), 1.0)


def test_batch_mode_creates_no_widget(demo: Evaluation, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipywidgets

    from evaluation.views.committee import CommitteeView

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a widget was created in batch mode")

    monkeypatch.setattr(ipywidgets.Widget, "__init__", refuse)
    CommitteeView(demo, "nb", {}).panel(False)
    with pytest.raises(AssertionError, match="batch mode"):
        CommitteeView(demo, "nb", {}).panel(True)


# --- the kernel, evaluation.reweight --------------------------------------------------------

def test_weight_tree_reproduces_the_published_evaluation(demo: Evaluation) -> None:
    tree = WeightTree.of(demo)
    rows = np.flatnonzero(demo.included)
    np.testing.assert_allclose(tree.leaf_weights(tree.main_published, tree.sub_published),
                               demo.global_weights)
    scores = tree.scores(tree.main_published, tree.sub_published)
    np.testing.assert_allclose(scores[:, 0], demo.totals[rows])
    assert list(demo.order) == [tree.ids[p] for p in rank_order(scores[:, :tree.n_keys])]


def test_keep_sum_shares_equally_when_the_others_are_zero() -> None:
    np.testing.assert_allclose([0.2, 0.4, 0.4], keep_sum(np.array([1.0, 0.0, 0.0]), 0, 0.2))
    np.testing.assert_allclose([0.1, 0.3, 0.6],
                               keep_sum(np.array([0.1, 0.45, 0.45]), 2, 0.6, np.array([1, 2])))


def test_changes_between_matches_every_stability_interval(demo: Evaluation) -> None:
    """Moving each main weight to 0 and to 100 crosses the winner's stability interval at its
    ends, whenever the interval ends inside (0, 100)."""
    stability = sensitivity.stability(demo)
    assert stability is not None
    tree = WeightTree.of(demo)
    start = (tree.main_published, tree.sub_published)
    for k, m in enumerate(tree.main_ids):
        for end, bound in ((1.0, "high"), (0.0, "low")):
            changes = changes_between(tree, start, (keep_sum(start[0], k, end), start[1]),
                                      len(demo.partners))
            winner = [c for c in changes if c.kind == "winner"]
            partners = [c for c in changes if c.kind == "partners"]
            old = start[0][k]
            for found, key in ((winner, bound), (partners, f"partners_{bound}")):
                limit = stability[m][key]
                if 0.0 < limit < 100.0:
                    assert 100 * (old + found[0].at * (end - old)) == pytest.approx(limit)
                else:
                    assert [] == found


def reweighted(evaluation: Evaluation, weights: dict[str, float]) -> Evaluation:
    """Return the evaluation re-run from scratch with some node weights replaced."""
    import dataclasses

    def swap(node: Criterion) -> Criterion:
        return dataclasses.replace(node, weight=weights.get(node.id, node.weight),
                                   children=tuple(swap(c) for c in node.children))

    model = dataclasses.replace(evaluation.model,
                                criteria=tuple(swap(c) for c in evaluation.model.criteria))
    return evaluate_tender(dataclasses.replace(evaluation.tender, model=model))


def table_totals(panel: WeightPanel) -> dict[str, float]:
    rows = re.findall(r'<tr data-proposal="([^"]+)".*?text-align:right">([^<]+)</td>',
                      panel.table.value)
    return {p: float(t.replace("\u00a0", "").replace(",", ".")) for p, t in rows}


def test_deep_tree_matches_a_fresh_evaluation_with_the_slider_weights(tmp_path: Path) -> None:
    """A leaf main criterion, a three-level group and a tie-break on a node: every slider move
    gives the ranking and totals that scoring the tender with those weights gives."""
    model = {"id": "deep", "title": "deep", "aggregation": "mean", "tie_break": ["b", "quality"],
             "criteria": [
                 leaf("a", 30),
                 {"id": "b", "title": "B", "weight": 50, "criteria": [
                     {"id": "b1", "title": "B1", "weight": 60,
                      "criteria": [leaf("b1a", 50), leaf("b1b", 50)]},
                     leaf("b2", 40)]},
                 leaf("p", 20, price={"model": "linear", "field": "price"})]}
    scores = {"A": {"a": 9, "b1a": 3, "b1b": 5, "b2": 4}, "B": {"a": 4, "b1a": 9, "b1b": 8,
                                                                "b2": 6},
              "C": {"a": 6, "b1a": 6, "b1b": 6, "b2": 9}, "D": {"a": 5, "b1a": 5, "b1b": 4,
                                                                "b2": 5}}
    prices = {"A": 120, "B": 150, "C": 100, "D": 90}
    folder = write_tender(tmp_path, model, [{"proposal_id": p, "supplier": f"S{p}",
                                             "price": prices[p]} for p in prices],
                          {"ev": score_rows(scores)}, partners=2)
    evaluation = evaluate_tender(load_tender(folder))
    panel = WeightPanel(evaluation, "en")
    assert {"b1", "b2"} == set(panel.sub_sliders)
    for kind, cid, value in (("main", "p", 70.0), ("main", "a", 5.0), ("sub", "b2", 90.0),
                             ("main", "b", 100.0), ("main", "b", 20.0), ("sub", "b1", 0.0)):
        (panel.sliders if kind == "main" else panel.sub_sliders)[cid].value = value
        truth = reweighted(evaluation, {**panel.weights, **panel.sub_weights})
        assert list(truth.order) == table_ids(panel), (kind, cid, value)
        assert {p: round(float(truth.totals[truth.index(p)]), 2) for p in truth.order} == \
            pytest.approx(table_totals(panel))
        assert truth.winner in panel.signal.value


def test_rank_acceptability_heatmap_from_the_json_summary() -> None:
    from evaluation.views.figures import rank_acceptability_heatmap

    summary = {"samples": 100, "sampler": "dirichlet",
               "rank_acceptability": {"001": [0.75, 0.25], "002": [0.25, 0.75]}}
    nb = rank_acceptability_heatmap(summary, "nb")
    assert ["Plass 1", "Plass 2"] == list(nb["data"][0]["x"])
    assert ["75\u00a0%", "25\u00a0%"] == list(nb["data"][0]["text"][0])
    assert "100 vekttrekk" in nb["layout"]["title"]["text"]
    en = rank_acceptability_heatmap(summary, "en")
    assert ["Rank 1", "Rank 2"] == list(en["data"][0]["x"])
    assert 0 == len(rank_acceptability_heatmap({"rank_acceptability": {}}, "en")["data"][0]["y"])


def test_other_award_models_get_a_note_and_no_sliders(tmp_path: Path) -> None:
    model = {"id": "m", "title": "M", "aggregation": "mean", "award_model": "monetised",
             "criteria": [{"id": "competence", "title": "competence", "value": 800,
                           "scale": {"min": 0, "max": 4}},
                          {"id": "price", "title": "price", "price": {"field": "price"}}]}
    folder = write_tender(tmp_path, model, [{"proposal_id": "X", "supplier": "X", "price": 1000},
                                            {"proposal_id": "Y", "supplier": "Y", "price": 700}],
                          {"ev": score_rows({"X": {"competence": 4}, "Y": {"competence": 1}})})
    panel = WeightPanel(evaluate_tender(load_tender(folder)), "en")
    assert {} == panel.sliders
    assert panel.tree is None
    assert "weighted-points award model" in panel.signal.value
    panel.reset()
