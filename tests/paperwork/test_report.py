"""Tests for evaluation.paperwork.report: a figure's JSON stays inside its <script>."""

from __future__ import annotations

import nbformat

from evaluation.common.payload import PLOTLY_MIMETYPE
from evaluation.paperwork.report import offline_notebook

TITLE = "</script><svg onload=alert(1)><!-- \u2028"


def test_a_title_that_ends_a_script_stays_in_its_string():
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={PLOTLY_MIMETYPE: {
        "data": [{"type": "bar", "name": TITLE, "x": ["a"], "y": [1]}],
        "layout": {"title": {"text": TITLE}}}})]
    nb = offline_notebook(nbformat.v4.new_notebook(cells=[cell]))
    html = nb.cells[0].outputs[0]["data"]["text/html"]
    script = html[html.index("<script"):]
    assert 1 == script.count("</script>") and script.endswith("</script>")
    assert "<svg" not in html and "<!--" not in html and "\u2028" not in html
    assert "\\u003c/script\\u003e\\u003csvg onload=alert(1)\\u003e" in script
