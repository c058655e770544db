"""Tests for evaluation.views.panel and evaluation.analysis.reweight: slider callbacks without
a browser, and the browser's side of the wire imitated (snapping to the step and echoing)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

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


def set_weight(slider: Any, percent: float) -> None:
    """Move ``slider`` to ``percent`` as a member would, whatever units the slider counts in."""
    slider.value = type(slider.value)(round(percent * slider.max / 100.0, 9))


def shown(slider: Any) -> float:
    """Return the weight (0–100) a slider stands at."""
    return float(slider.value) * 100.0 / float(slider.max)


def browser_echo(panel: WeightPanel) -> int:
    """Do what the browser does with every slider value the kernel sent: noUiSlider snaps it
    to the step and ipywidgets sends the snapped value back when it differs (its
    ``handleSliderChanged``). Return how many values came back."""
    sent = 0
    for slider in [*panel.sliders.values(), *panel.sub_sliders.values()]:
        step = slider.step
        snapped = type(slider.value)(round(round(slider.min + round((slider.value - slider.min)
                                                                       / step) * step, 9), 9))
        if snapped != slider.value:
            slider.value = snapped
            sent += 1
    return sent


def drag(panel: WeightPanel, slider: Any, start: float, end: float, moves: int = 20) -> None:
    """Drag ``slider`` from ``start`` to ``end`` percent in ``moves`` steps, the browser echoing
    whatever the kernel sends after each."""
    for k in range(1, moves + 1):
        set_weight(slider, start + (end - start) * k / moves)
        for _ in range(50):
            if not browser_echo(panel):
                break


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
    assert list(demo.order) == list(panel.figure["data"][0]["x"])
    rows = [demo.index(p) for p in demo.order]
    for trace, top in zip(panel.figure["data"], demo.model.criteria, strict=True):
        np.testing.assert_allclose(trace["y"], demo.node_points[top.id][rows])
    assert 'data-changed="false"' in panel.signal.value
    assert "bindende" in panel.banner.value


def test_price_slider_at_maximum_makes_the_cheapest_the_leader(demo: Evaluation,
                                                               panel: WeightPanel) -> None:
    expected = winner_by_price(demo)
    assert "002" == expected
    set_weight(panel.sliders["pris"], 100.0)
    assert 100.0 == pytest.approx(sum(panel.weights.values()))
    assert all(shown(panel.sliders[m]) == 0.0 for m in panel.sliders if m != "pris")
    assert expected == first_row(panel)
    assert expected == panel.figure["data"][0]["x"][0]
    price_trace = panel.figure["data"][[t.id for t in demo.model.criteria].index("pris")]
    np.testing.assert_allclose(price_trace["y"][0], 100.0 * demo.values[demo.index(expected)][
        [leaf.is_price for leaf in demo.leaves]] @ np.array([0.4, 0.6]))
    assert all(y == 0.0 for trace in panel.figure["data"] if trace is not price_trace
               for y in trace["y"])
    assert 'data-changed="true"' in panel.signal.value
    assert "Med disse vektene vinner 002" in panel.signal.value
    assert re.search(r"Vinneren endres fra 001 \D+ til 003 \D+ når Pris passerer 22,9\xa0%",
                     panel.signal.value), panel.signal.value


def test_winner_changes_exactly_at_the_stability_interval(demo: Evaluation,
                                                          panel: WeightPanel) -> None:
    stability = sensitivity.stability(demo)
    assert stability is not None
    high = stability["pris"]["high"]
    set_weight(panel.sliders["pris"], round(high - 0.1, 1))
    assert "001" == first_row(panel)
    assert 'data-changed="false"' in panel.signal.value
    panel.reset()
    set_weight(panel.sliders["pris"], round(high + 0.1, 1))
    assert "003" == first_row(panel)
    assert "003" == panel.figure["data"][0]["x"][0]
    at = re.search(r"passerer (\d+,\d)", panel.signal.value)
    assert at and f"{high:.1f}".replace(".", ",") == at.group(1)


def test_the_others_rescale_proportionally_in_tenths(panel: WeightPanel) -> None:
    """nytte to 50: the others share 50 as 3:2:2, in tenths 214.29/142.86/142.86, floors
    214/142/142 and the two tenths left to the largest remainders (.86, .86): 21.4, 14.3,
    14.3. Back to 40 from the same anchor: 257.14/171.43/171.43, one tenth left, to the first
    of the two equal largest remainders (gjennomføring): 25.7, 17.2, 17.1."""
    set_weight(panel.sliders["nytte"], 50.0)
    assert {"nytte": 50.0, "klima": 21.4, "gjennomforing": 14.3, "pris": 14.3} == \
        pytest.approx(panel.weights, abs=1e-12)
    assert [panel.weights[m] for m in panel.sliders] == pytest.approx(
        [shown(s) for s in panel.sliders.values()])
    # one drag of nytte through 100 and back: the others keep the shares they had when the
    # member took the slider, not the zeros they passed through
    set_weight(panel.sliders["nytte"], 100.0)
    set_weight(panel.sliders["nytte"], 40.0)
    assert {"nytte": 40.0, "klima": 25.7, "gjennomforing": 17.2, "pris": 17.1} == \
        pytest.approx(panel.weights, abs=1e-12)
    assert "100,0" in panel.total.value


def test_reset_restores_the_published_weights_and_ranking(demo: Evaluation,
                                                         panel: WeightPanel) -> None:
    before = (panel.table.value, list(panel.figure["data"][0]["x"]), panel.signal.value)
    drag(panel, panel.sliders["pris"], 20.0, 100.0)
    panel.reset()
    assert 0 == browser_echo(panel)
    assert {t.id: t.weight for t in demo.model.criteria} == pytest.approx(panel.weights)
    assert [20.0, 30.0] == [shown(panel.sliders["pris"]), shown(panel.sliders["klima"])]
    assert before == (panel.table.value, list(panel.figure["data"][0]["x"]), panel.signal.value)


def test_sub_criteria_sliders_keep_their_group_at_100(demo: Evaluation,
                                                      panel: WeightPanel) -> None:
    assert "none" == panel.sub_box.layout.display
    panel.toggle.value = True
    assert "flex" == panel.sub_box.layout.display
    set_weight(panel.sub_sliders["pris_utvikling"], 100.0)
    assert 0.0 == shown(panel.sub_sliders["pris_kjop"])
    assert {"nytte": 30.0, "klima": 30.0, "gjennomforing": 20.0, "pris": 20.0} == panel.weights
    rows = np.flatnonzero(demo.included)
    column = [leaf.id for leaf in demo.leaves].index("pris_utvikling")
    expected = demo.totals[rows] + 20.0 * (demo.values[rows, column] - demo.values[
        rows][:, [leaf.is_price for leaf in demo.leaves]] @ np.array([0.4, 0.6]))
    best = demo.proposal_ids[rows[int(np.argmax(expected))]]
    assert best == first_row(panel)


def test_english_labels(demo: Evaluation) -> None:
    panel = WeightPanel(demo, "en")
    set_weight(panel.sliders["pris"], 100.0)
    assert "The published weights are binding" in panel.banner.value
    assert re.search(r"The winner changes from 001 \D+ to 003 \D+ when Price passes 22.9\xa0% "
                     r"\(the other weights rescaled proportionally\)", panel.signal.value)
    assert "Supplier" in panel.table.value
    assert "Sum of the weights: 100.0\xa0%" == panel.total.value
    assert "Within the announced weight ranges taken together" in panel.verdict.value


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
        set_weight((panel.sliders if kind == "main" else panel.sub_sliders)[cid], value)
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


# --- issue 15: a panel that holds still and tells the truth ----------------------------------

def test_the_browser_echo_of_rebalanced_weights_is_no_move(demo: Evaluation,
                                                          panel: WeightPanel) -> None:
    """Finding 1: the kernel sent 28.125, the browser snapped it to 28 and sent it back, and
    the panel took the echo for a move of nytte. Now every value sent is on the slider's
    step, so the browser has nothing to snap, and nothing comes back."""
    set_weight(panel.sliders["pris"], 25.0)
    state = (dict(panel.weights), panel.table.value, panel.signal.value)
    for slider in [*panel.sliders.values(), *panel.sub_sliders.values()]:
        assert (slider.value - slider.min) % slider.step == 0, slider.value
    assert 0 == browser_echo(panel)
    assert state == (dict(panel.weights), panel.table.value, panel.signal.value)


def test_a_drag_and_quick_keys_move_only_what_was_moved(demo: Evaluation,
                                                        panel: WeightPanel) -> None:
    """Finding 1: a drag of Pris (20 moves, the browser echoing after each), then ten key
    presses: the other main weights keep their published proportions 3:3:2 (within the
    rounding to tenths), the sum is exactly 100.0, and reset restores everything."""
    before = (panel.table.value, panel.signal.value, dict(panel.weights))
    drag(panel, panel.sliders["pris"], 20.0, 24.0)
    for _ in range(10):
        panel.sliders["pris"].value += panel.sliders["pris"].step
        assert 0 == browser_echo(panel)
    weights = panel.weights
    assert 25.0 == pytest.approx(weights["pris"])
    rest = 100.0 - weights["pris"]
    for cid, share in (("nytte", 3 / 8), ("klima", 3 / 8), ("gjennomforing", 2 / 8)):
        assert abs(weights[cid] - share * rest) <= 0.1 + 1e-9, (cid, weights)
    assert 1000 == sum(round(10 * v) for v in weights.values())
    panel.reset()
    assert 0 == browser_echo(panel)
    assert before == (panel.table.value, panel.signal.value, dict(panel.weights))


def readout_weights(panel: WeightPanel) -> dict[str, Decimal]:
    """Return the weights the readouts show, as exact decimals (bokmål: decimal comma)."""
    out = {}
    for cid, readout in panel.readouts.items():
        found = re.search(r">([0-9 ,.\xa0]+)</span>", readout.value)
        assert found, readout.value
        out[cid] = Decimal(found.group(1).replace("\xa0", "").replace(",", "."))
    return out


def test_readouts_are_the_weights_exactly(demo: Evaluation, panel: WeightPanel) -> None:
    """Finding 2: a readout showed 30.0 for 29.79, and four readouts summed to 100.5. Now
    the readouts are the weights the kernel scores with, to the tenth, summing to 100.0, and
    the ranking is the one the tender gets with exactly those weights."""
    for value in (27.3, 12.9, 23.7):
        drag(panel, panel.sliders["pris"], panel.weights["pris"], value, moves=7)
        shown_weights = readout_weights(panel)
        main = {c: shown_weights[c] for c in panel.sliders}
        assert Decimal("100.0") == sum(main.values())
        assert {c: float(v) for c, v in main.items()} == panel.weights
        truth = reweighted(demo, {c: float(v) for c, v in main.items()})
        assert list(truth.order) == table_ids(panel)
        assert f'data-winner="{truth.winner}"' in panel.signal.value
    for group in (("pris_utvikling", "pris_kjop"), ("energisparing", "livslopsutslipp")):
        set_weight(panel.sub_sliders[group[0]], 33.3)
        assert Decimal("100.0") == sum(readout_weights(panel)[c] for c in group)


def test_the_crossing_line_names_the_criterion_moved(demo: Evaluation,
                                                     panel: WeightPanel) -> None:
    """Finding 3: after a drag of Pris past 22.9 (the others rescaled), the line names Pris
    and the crossing, not a slider the browser echoed; back below it, the line is gone."""
    drag(panel, panel.sliders["pris"], 20.0, 25.0)
    lines = re.findall(r'class="evaluation-crossing">([^<]*)<', panel.signal.value)
    assert 1 == len(lines), panel.signal.value
    assert re.search(r"fra 001 .* til 003 .* når Pris passerer 22,9\xa0% \(de andre vektene "
                     r"skalert forholdsmessig\)", lines[0])
    drag(panel, panel.sliders["pris"], 25.0, 21.0, moves=8)
    assert "evaluation-crossing" not in panel.signal.value
    assert 'data-changed="false"' in panel.signal.value
    # a sub-criterion moved names the sub-criterion
    panel.reset()
    panel.toggle.value = True
    drag(panel, panel.sub_sliders["pris_kjop"], 60.0, 100.0)
    for line in re.findall(r'class="evaluation-crossing">([^<]*)<', panel.signal.value):
        assert "når Bindende makspris per bygg per år" in line


def test_the_panel_says_how_the_sliders_work(panel: WeightPanel) -> None:
    """Finding 4: that the other main weights rescale proportionally, that sub-criterion
    sliders are shares of their group, and that the SMAA results do not follow the sliders."""
    text = panel.notes.value
    assert "skaleres de andre hovedvektene forholdsmessig" in text
    assert "andeler av sin gruppe" in text
    assert "SMAA-resultatene" in text and "følger dem ikke" in text
    en = WeightPanel(panel.evaluation, "en").notes.value
    assert "the other main weights are rescaled proportionally" in en
    assert "shares of their group" in en
    assert "SMAA results" in en and "do not" in en


def test_published_weights_and_announced_ranges_are_marked(demo: Evaluation,
                                                            panel: WeightPanel) -> None:
    """Finding 5: beside each slider the published weight and the announced range; on its
    track a band for the range and a line at the published weight."""
    markers = re.findall(r'evaluation-marker[^>]*>([^<]*)<', "".join(
        row.children[3].value for row in panel._rows))
    assert ["publisert 30,0\xa0% · kunngjort 25–35\xa0%", "publisert 30,0\xa0% · kunngjort "
            "30–40\xa0%", "publisert 20,0\xa0% · kunngjort 15–25\xa0%",
            "publisert 20,0\xa0% · kunngjort 15–25\xa0%"] == markers
    css = panel._style.value
    assert css.count("{") == css.count("}")  # one stray brace drops every later rule
    assert ".noUi-connects {background: transparent" in css  # it would hide the band
    for cid, (low, high), published in (("pris", (15, 25), 20), ("klima", (30, 40), 30)):
        rule = re.search(rf"evaluation-slider-\w+-{cid} \.noUi-target {{([^}}]*)}}", css)
        assert rule, css
        assert f"#8fd19e {low}%, #8fd19e {high}%" in rule.group(1)
        assert f"calc({published}% - 1px)" in rule.group(1)


def test_the_verdict_over_all_ranges_names_003_with_its_smaa_share(demo: Evaluation) -> None:
    """Finding 5: one sentence under the panel: within all the announced ranges taken
    together 003 can win, from Pris 22.0 % (a tie with 001 at 66.85 with nytte 25,
    gjennomføring 15, klima 38), with the SMAA share over the ranges beside it (the summary
    the committee view passes, so one page shows one SMAA result)."""
    _, summary = sensitivity.smaa(demo)
    panel = WeightPanel(demo, "nb", smaa_summary=summary)
    text = re.sub(r"<[^>]+>", "", panel.verdict.value)
    assert 'data-rivals="true"' in panel.verdict.value
    assert text.startswith("Innenfor de kunngjorte vektintervallene, tatt samlet, kan også "
                           "003 Havlysing Eiendomsforvaltning AS vinne, ikke bare 001")
    assert ("det krever Pris over 22,0\xa0% (der står 003 og 001 likt på 66,85 poeng: "
            "Gevinstpotensial og innovasjonsgrad 25,0\xa0%, Klima og miljø 38,0\xa0%, "
            "Gjennomføringsevne 15,0\xa0%, Pris 22,0\xa0%)") in text
    share = 100 * summary["rank_acceptability"]["003"][0]
    assert 8 < share < 11
    assert (f"SMAA over intervallene gir 003 førsteplass i {share:.1f}".replace(".", ",") +
            "\xa0% av trekkene.") in text
    assert "prosentpoeng" in text


def test_the_verdict_when_no_rival_can_win(tmp_path: Path) -> None:
    """A winner ahead everywhere in its ranges: the sentence says so, with its smallest lead,
    100 × (0.4 a + 0.2 b) at a = 45 %, b = 55 %: 18 + 11 = 29 points."""
    model = {"id": "calm", "title": "calm", "aggregation": "mean",
             "criteria": [leaf("a", 50, weight_range=[45, 55]),
                          leaf("b", 50, weight_range=[45, 55])]}
    folder = write_tender(tmp_path, model, [{"proposal_id": p, "supplier": f"S{p}"}
                                            for p in ("X", "Y")],
                          {"ev": score_rows({"X": {"a": 9, "b": 8}, "Y": {"a": 5, "b": 6}})})
    panel = WeightPanel(evaluate_tender(load_tender(folder)), "en")
    assert 'data-rivals="false"' in panel.verdict.value
    assert "X SX wins whatever the weights (smallest lead 29.00 points)" in panel.verdict.value


def test_chart_names_proposals_by_supplier_in_norwegian_number_style(panel: WeightPanel) -> None:
    """Finding 6: the chart's proposals carry their supplier's name, its numbers a decimal
    comma, its hover the criterion and the unit."""
    layout = panel.figure["layout"]
    assert ",\xa0" == layout["separators"]
    labels = dict(zip(layout["xaxis"]["tickvals"], layout["xaxis"]["ticktext"], strict=True))
    assert labels["003"].startswith("<b>003</b><br>Havlysing")
    hover = panel.figure["data"][0]["hovertemplate"]
    assert "Gevinstpotensial og innovasjonsgrad" in hover and "poeng" in hover


def test_sliders_show_full_criterion_names(panel: WeightPanel) -> None:
    """Finding 6: "Gevinstpotensial og innovasjon…" was cut; the titles now wrap."""
    titles = [row.children[0].value for row in panel._rows]
    assert "Gevinstpotensial og innovasjonsgrad" in titles[0]
    assert "white-space:normal" in titles[0]
