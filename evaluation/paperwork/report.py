"""Exports an executed committee notebook to ``report.html``: no code, offline, plotly once.

nbconvert's stock templates load require.js, MathJax and Mermaid from CDNs; the package's
``report`` template extends ``lab`` without them and embeds plotly.js once in the head. Plotly
outputs (``application/vnd.plotly.v1+json``, from the ``plotly_mimetype`` renderer) become
``<div>`` + ``Plotly.newPlot`` with stable element ids, so the same notebook gives the same
bytes. Their JSON goes into the ``<script>`` through :func:`evaluation.common.markup.script_json`:
a criterion title holding ``</script>`` stays inside its string.

A report is for readers: cells tagged ``lab-only`` and Markdown cells in the other language
are left out (:mod:`evaluation.common.cell_tags`); the public variant also leaves out every
output the views marked confidential (it quotes justifications) and says where it stood. The
table of contents lists the page's headings once the page is exported.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from pathlib import Path
from typing import Any

import nbformat

from evaluation.common.cell_tags import for_reader, is_confidential, tags
from evaluation.common.labels import pick as _t
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


def _withheld(language: str) -> dict[str, Any]:
    """The output that stands where the public variant leaves a confidential one out."""
    text = _t(language, "Her står en tabell med komiteens begrunnelser i den interne "
                        "rapporten; den er unntatt offentlighet. Komiteens godkjente tekster "
                        "står i protokollen nedenfor.",
              "The internal report has a table of the committee's justifications here; it is "
              "exempt from public access. The committee's approved texts are in the protocol "
              "below.")
    return nbformat.v4.new_output("display_data", data={
        "text/html": f'<p class="evaluation-withheld">{escape_html(text)}</p>'})


def offline_notebook(notebook: nbformat.NotebookNode, *, language: str = "nb",
                     public: bool = False) -> nbformat.NotebookNode:
    """Return a copy for readers: plotly outputs as offline HTML, the result payload and
    error streams removed, cells not for a reader in ``language`` left out (and, for the
    ``public`` variant, every confidential output replaced by a note)."""
    nb = copy.deepcopy(notebook)
    nb.cells = _guides_after_headings([c for c in nb.cells if for_reader(c, language)])
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
            if public and is_confidential(output):
                kept.append(_withheld(language))
                continue
            if PLOTLY_MIMETYPE in data:
                output["data"] = {"text/html": _figure_html(data[PLOTLY_MIMETYPE],
                                                            f"figure-{c}-{o}")}
            kept.append(output)
        cell["outputs"] = kept
    return nb


def _guides_after_headings(cells: list[Any]) -> list[Any]:
    """Return the cells with each step's guide (a Markdown cell in one language, before the
    step's code) moved under the heading the step shows: a notebook reads prose, then code;
    a report reads heading, then prose. The guide of a step that shows nothing is left out."""
    out: list[Any] = []
    for k, cell in enumerate(cells):
        after = cells[k + 1] if k + 1 < len(cells) else None
        outputs = after.get("outputs", []) if after is not None else []
        first = outputs[0].get("data", {}).get("text/markdown", "") if outputs else ""
        guide = cell.cell_type == "markdown" and any(t.startswith("lang-") for t in tags(cell))
        if guide and after is not None and after.cell_type == "code" and not outputs:
            continue  # the step shows nothing here (no rounds to negotiate): nor its guide
        if guide and str(first).lstrip().startswith("#"):
            outputs.insert(1, nbformat.v4.new_output("display_data", data={
                "text/markdown": cell.source}))
            continue
        out.append(cell)
    return out


_HEADING = re.compile(r'<h([12])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def fill_contents(page: str, marker: str) -> str:
    """Return ``page`` with ``marker`` replaced by a list of links to the main headings after
    it (h1 with their h2 nested); the page without the marker is returned as it is."""
    head, found, rest = page.partition(marker)
    if not found:
        return page
    groups: list[tuple[str, list[str]]] = []  # an h1's link and its h2s' links
    for m in _HEADING.finditer(rest):
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(3))).replace("\u00b6", "").strip()
        link = f'<a href="#{escape_html(html.unescape(m.group(2)))}">{escape_html(text)}</a>'
        if m.group(1) == "1" or not groups:
            groups.append((link if m.group(1) == "1" else "", []))
        if m.group(1) == "2":
            groups[-1][1].append(link)
    out = ['<nav class="evaluation-contents"><ol>']
    for top, subs in groups:
        nested = "<ol>" + "".join(f"<li>{s}</li>" for s in subs) + "</ol>" if subs else ""
        out.append(f"<li>{top}{nested}</li>" if top else
                   "".join(f"<li>{s}</li>" for s in subs))
    out.append("</ol></nav>")
    return head + "".join(out) + rest


def export_report(notebook: Path | nbformat.NotebookNode, target: Path, *,
                  title: str | None = None, language: str = "nb",
                  appendix_html: str = "", banner_html: str = "", public: bool = False,
                  contents_marker: str | None = None) -> Path:
    """Write the notebook as a self-contained HTML report without code and return its path.

    ``appendix_html`` (already escaped HTML, e.g. the evaluation protocol) follows the notebook.
    ``banner_html`` (already escaped HTML, e.g. the first page) comes first; where it holds
    ``contents_marker``, the table of contents goes. ``public``: the public variant.
    """
    from plotly.offline import get_plotlyjs

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    nb = offline_notebook(nb, language=language, public=public)
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
    if contents_marker:
        body = fill_contents(body, contents_marker)
    target.write_text(body, encoding="utf-8")
    return target
