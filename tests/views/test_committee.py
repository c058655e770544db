"""evaluation.views.committee: what the committee notebook shows, interactive and in batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.views import committee
from evaluation.views.committee import CommitteeView
from evaluation.views.panel import WeightPanel


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> Evaluation:
    return evaluate_tender(load_tender(Path(request.config.rootpath) / "tenders" / "1000-bygg"))


def test_one_smaa_result_per_page(demo: Evaluation, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, finding 6: the panel quoted 2 000 draws while the sensitivity section showed
    10 000; now the panel quotes the view's own SMAA summary."""
    shown: list[WeightPanel] = []
    monkeypatch.setattr(WeightPanel, "show", lambda self: shown.append(self))
    monkeypatch.setattr(committee, "show_markdown", lambda text: None)
    view = CommitteeView(demo, "nb", {})
    view.panel(True)
    assert 1 == len(shown)
    assert view.analysis["smaa"] == shown[0].smaa_summary
    assert view.analysis["smaa"]["samples"] == shown[0].smaa_summary["samples"]


def test_one_at_a_time_intervals_say_the_others_rescale(demo: Evaluation,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    texts: list[str] = []
    monkeypatch.setattr(committee, "show_markdown", texts.append)
    for name in ("show_table", "show_figure"):
        monkeypatch.setattr(committee, name, lambda *a, **k: None)
    CommitteeView(demo, "en", {}).sensitivity()
    assert any("One weight at a time, the other weights rescaled proportionally" in t
               for t in texts)


def capture(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    figures: list[Any] = []
    monkeypatch.setattr(committee, "show_figure", figures.append)
    for name in ("show_table", "show_markdown"):
        monkeypatch.setattr(committee, name, lambda *a, **k: None)
    return figures


def luminance(colour: str) -> float:
    r, g, b = (int(colour[k:k + 2], 16) for k in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_heatmaps_run_light_to_dark_as_written(demo: Evaluation,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 6: the static heatmap named "Blues", which plotly.js draws dark to light (and
    it has no "Oranges"): the scales are now written out, light at 0, dark at 1."""
    figures = capture(monkeypatch)
    view = CommitteeView(demo, "nb", {})
    view.sensitivity()
    view.disagreement()
    heatmaps = [t for f in figures for t in f["data"] if t["type"] == "heatmap"]
    assert 2 == len(heatmaps)
    for trace in heatmaps:
        scale = trace["colorscale"]
        assert isinstance(scale, list)
        assert luminance(scale[0][1]) > luminance(scale[-1][1])


def test_price_chart_in_millions_with_norwegian_numbers(demo: Evaluation,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    figures = capture(monkeypatch)
    CommitteeView(demo, "nb", {}).price_quality_chart()
    layout, trace = figures[0]["layout"], figures[0]["data"][0]
    assert ",\xa0" == layout["separators"]
    assert "mill. kr" in layout["xaxis"]["title"]["text"]
    assert max(trace["x"]) < 100  # millions, not kroner
    assert "mill. kr" in trace["hovertemplate"] and "Kvalitetspoeng" in trace["hovertemplate"]
    assert "Havlysing Eiendomsforvaltning AS" in trace["customdata"]
    CommitteeView(demo, "en", {}).price_quality_chart()
    assert ".," == figures[1]["layout"]["separators"]
    assert "NOK million" in figures[1]["layout"]["xaxis"]["title"]["text"]


def test_long_criterion_names_wrap_in_charts(demo: Evaluation,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    figures = capture(monkeypatch)
    CommitteeView(demo, "nb", {}).diagnostics()
    names = figures[0]["data"][0]["x"]
    assert any("<br>" in n for n in names)
    assert "Bindende makspris per bygg per år i kjøpsfasen (livsløpskostnad, nåverdi)" in [
        n.replace("<br>", " ") for n in names]
