"""evaluation.display: notebook output helpers."""

from __future__ import annotations

import json

import pandas as pd

from evaluation.views.display import figure_bundle, style_table


def test_tables_escape_supplier_text():
    html = style_table(pd.DataFrame({"Supplier": ["<script>alert(1)</script> & Co"],
                                     "Total": [68.04]}), "nb").to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "68,04" in html  # Norwegian decimal comma


def test_figure_bundle_is_the_plotly_mimetype_bundle():
    bundle = figure_bundle({"data": [{"type": "bar", "x": ["a"], "y": [1.0]}],
                            "layout": {"title": {"text": "t"}}})
    spec = bundle["application/vnd.plotly.v1+json"]
    assert spec["data"][0]["type"] == "bar"
    assert spec["config"]["displaylogo"] is False


IMG = "<img src=x onerror=alert(1)>"


def test_table_headers_are_escaped_too():
    """Column headers are criterion titles and evaluator ids: data, never markup."""
    html = style_table(pd.DataFrame({IMG: [1.0], "B & C": ["x"]}), "en").to_html()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "B &amp; C" in html


def test_figure_labels_are_text_for_plotly():
    """plotly.js renders <b>, <a href> and entities in names, titles and category labels."""
    spec = figure_bundle({
        "data": [{"type": "bar", "name": IMG, "x": [IMG, "002"], "y": [1.0, 2.0],
                  "text": [["<b>a</b>"]], "hovertemplate": "%{x}<br>%{y}<extra></extra>",
                  "colorbar": {"title": {"text": IMG}}}],
        "layout": {"title": {"text": IMG}, "xaxis": {"title": {"text": "A & B"},
                                                     "ticktext": [IMG]},
                   "annotations": [{"text": IMG}]}})["application/vnd.plotly.v1+json"]
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    trace, layout = spec["data"][0], spec["layout"]
    assert [escaped, "002"] == trace["x"] and escaped == trace["name"]
    assert [["&lt;b&gt;a&lt;/b&gt;"]] == trace["text"]
    assert escaped == trace["colorbar"]["title"]["text"]
    assert "%{x}<br>%{y}<extra></extra>" == trace["hovertemplate"]  # the package's own markup
    assert [1.0, 2.0] == trace["y"]
    assert escaped == layout["title"]["text"] == layout["annotations"][0]["text"]
    assert "A &amp; B" == layout["xaxis"]["title"]["text"]
    assert [escaped] == layout["xaxis"]["ticktext"]


def test_views_put_input_text_into_markdown_as_text(tmp_path, monkeypatch):
    """Every Markdown output of the committee and proposal views of a tender whose free texts
    carry script: no tag, no Markdown link survives as markup."""
    import re

    from builders import PAYLOADS, hostile_demo

    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.tender import load_tender
    from evaluation.views import committee, proposal

    shown: list[str] = []
    for module in (committee, proposal):
        monkeypatch.setattr(module, "show_markdown", shown.append)
        monkeypatch.setattr(module, "show_figure", lambda figure: None)
        monkeypatch.setattr(module, "show_table", lambda *a, **k: None)
    ev = evaluate_tender(load_tender(hostile_demo(tmp_path)))
    view = committee.CommitteeView(ev, "en", {})
    for section in (view.summary, view.ranking, view.diagnostics):
        section()
    for pid in ev.proposal_ids:
        page = proposal.ProposalView(ev, pid, "en", {})
        for section in (page.summary, page.justifications, page.strengths):
            section()
    text = "\n".join(shown)
    assert "Competition" in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    assert not re.search(r"<[a-z/!]", text, re.IGNORECASE), re.search(r".{30}<[a-z/!].{30}", text)
    assert not re.search(r"(?<!\\)\]\(", text) and "\\[click\\](javascript" in text
    assert all(p not in text for p in PAYLOADS)


def test_wrapped_labels_keep_their_line_breaks_and_escape_the_name():
    """The report printed "<b>001</b><br>Byggpuls-konsortiet…" as text under the bars
    (issue 16): the labels' own <b> and <br> were escaped a second time."""
    from evaluation.common.markup import label_lines
    from evaluation.views.figures import wrap

    spec = figure_bundle({
        "data": [{"type": "bar", "x": [wrap(f"{IMG} Havlysing Eiendomsforvaltning AS", 16)],
                  "y": [1.0]}],
        "layout": {"xaxis": {"ticktext": [label_lines(["003", IMG], bold_first=True)]}}})[
        "application/vnd.plotly.v1+json"]
    (label,) = spec["data"][0]["x"]
    assert label.count("<br>") >= 2 and "&lt;br&gt;" not in label
    assert label.startswith("&lt;img src=x") and label.endswith("msforvaltning AS")
    assert ["<b>003</b><br>&lt;img src=x onerror=alert(1)&gt;"] == \
        spec["layout"]["xaxis"]["ticktext"]
    assert "<img" not in json.dumps(spec)
