"""Exports an executed committee notebook to ``report.html``: no code, offline, plotly once.

nbconvert's stock templates load require.js, MathJax and Mermaid from CDNs; the package's
``report`` template extends ``lab`` without them and embeds plotly.js once in the head. Plotly
outputs (``application/vnd.plotly.v1+json``, from the ``plotly_mimetype`` renderer) become
``<div>`` + ``Plotly.newPlot`` with stable element ids, so the same notebook gives the same
bytes. Their JSON goes into the ``<script>`` through :func:`evaluation.common.markup.script_json`:
a criterion title holding ``</script>`` stays inside its string.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import nbformat

from evaluation.common.markup import escape_html, script_json
from evaluation.common.payload import PLOTLY_MIMETYPE, RESULT_MIMETYPE

TEMPLATES = Path(__file__).resolve().parent / "templates"
# plotly.js (4.6 MB) goes in after nbconvert, which parses and re-serialises its whole output
# with BeautifulSoup: a marker keeps that parse small
_PLOTLY_MARKER = "/*evaluation:plotly.js:5b1f0c*/"


@functools.cache
def _exporter() -> Any:
    """One exporter per process: its Jinja templates compile once (a run exports twice, one
    export after the other; an exporter is not for two threads at once)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


def _figure_html(spec: dict[str, Any], div_id: str) -> str:
    data = script_json(spec.get("data", []))
    layout = script_json(spec.get("layout", {}))
    config = script_json({**spec.get("config", {}), "displaylogo": False, "responsive": True})
    height = spec.get("layout", {}).get("height", 450)
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:{int(height)}px;'
            f'width:100%;"></div>\n<script type="text/javascript">'
            f'Plotly.newPlot({script_json(div_id)},{data},{layout},{config});</script>')


def offline_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy with plotly outputs as offline HTML and the result payload removed."""
    nb = copy.deepcopy(notebook)
    for c, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        kept = []
        for o, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if RESULT_MIMETYPE in data:
                continue  # machine payload, not for readers
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            if PLOTLY_MIMETYPE in data:
                output["data"] = {"text/html": _figure_html(data[PLOTLY_MIMETYPE],
                                                            f"figure-{c}-{o}")}
            kept.append(output)
        cell["outputs"] = kept
    return nb


def export_report(notebook: Path | nbformat.NotebookNode, target: Path, *,
                  title: str | None = None, language: str = "nb",
                  appendix_html: str = "", banner_html: str = "") -> Path:
    """Write the notebook as a self-contained HTML report without code and return its path.

    ``appendix_html`` (already escaped HTML, e.g. the evaluation protocol) follows the notebook.
    ``banner_html`` (already escaped HTML, e.g. whether the model is frozen) comes first.
    """
    from plotly.offline import get_plotlyjs

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    nb = offline_notebook(nb)
    if title:
        nb.metadata["title"] = title
    resources = {"plotly_js": _PLOTLY_MARKER, "language_code": language,
                 "metadata": {"name": escape_html(title or "report")},
                 "appendix_html": appendix_html, "banner_html": banner_html}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    head, marker, rest = body.partition(_PLOTLY_MARKER)
    if not marker or _PLOTLY_MARKER in rest:  # pragma: no cover - only if a text contains it
        raise RuntimeError(f"{target.name}: the plotly.js marker {_PLOTLY_MARKER} must appear "
                           "once; a text in the notebook contains it")
    body = head + get_plotlyjs() + rest
    target.write_text(body, encoding="utf-8")
    return target
