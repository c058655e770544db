"""evaluation.display: notebook output helpers."""

from __future__ import annotations

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
