"""Tests for evaluation.paperwork.report: a figure's JSON stays inside its <script>."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from evaluation.common.payload import PLOTLY_MIMETYPE
from evaluation.data.tender import load_tender
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


# --- issue 16: two variants, a first page that says which, contents, tables within A4 --------

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"  # for a person to look at (git-ignored)
A4_CSS_PX = 703  # 210 mm less 2 × 12 mm margins, at 96 px per inch


def texts_of(folder: Path) -> tuple[list[str], list[str]]:
    """Return the consensus justifications and the evaluators' justifications of a tender."""
    import pandas as pd

    tender = load_tender(folder)  # a negotiated tender's files are its round's
    consensus = pd.read_csv(tender.files_folder / "consensus.csv", dtype=str,
                            keep_default_na=False)
    own = tender.scores
    return ([t for t in consensus["justification"] if t],
            [t for t in own["justification"] if t])


def test_the_public_report_leaves_out_confidential_outputs_and_lab_cells():
    """The disagreement table of the committee notebook quotes justifications: the public
    variant leaves it out and says so; lab-only cells and cells in the other language go."""
    from evaluation.common.cell_tags import CONFIDENTIAL

    secret = nbformat.v4.new_code_cell("")
    secret.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>SECRET</p>"},
                                             metadata=CONFIDENTIAL)]
    cells = [nbformat.v4.new_markdown_cell("Developer intro", metadata={"tags": ["lab-only"]}),
             nbformat.v4.new_markdown_cell("Norsk forklaring", metadata={"tags": ["lang-nb"]}),
             nbformat.v4.new_markdown_cell("English guide", metadata={"tags": ["lang-en"]}),
             secret]
    notebook = nbformat.v4.new_notebook(cells=cells)
    internal = offline_notebook(notebook, language="nb")
    assert ["Norsk forklaring", ""] == [c.source for c in internal.cells]
    assert "SECRET" in internal.cells[1].outputs[0]["data"]["text/html"]
    public = offline_notebook(notebook, language="en", public=True)
    assert ["English guide", ""] == [c.source for c in public.cells]
    shown = public.cells[1].outputs[0]["data"]["text/html"]
    assert "SECRET" not in shown and "exempt from public access" in shown


def test_the_guide_of_a_step_that_shows_nothing_is_left_out():
    """The negotiation step shows nothing in a competition without rounds: its guide ("The
    negotiations ...") stood alone in such a report, explaining nothing. A step that shows
    something keeps its guide under its heading."""
    quiet = nbformat.v4.new_code_cell("view.negotiation()")
    shown = nbformat.v4.new_code_cell("view.ranking()")
    shown.outputs = [nbformat.v4.new_output("display_data",
                                            data={"text/markdown": "## Rangering"})]
    cells = [nbformat.v4.new_markdown_cell("Forhandlingene", metadata={"tags": ["lang-nb"]}),
             quiet,
             nbformat.v4.new_markdown_cell("Rangeringen", metadata={"tags": ["lang-nb"]}),
             shown]
    nb = offline_notebook(nbformat.v4.new_notebook(cells=cells), language="nb")
    text = [c.source for c in nb.cells if c.cell_type == "markdown"] + [
        str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells
        for o in c.get("outputs", [])]
    assert "Forhandlingene" not in text
    assert ["## Rangering", "Rangeringen"] == [t for t in text if t]


@pytest.mark.notebooks
def test_the_demo_run_writes_an_internal_and_a_public_report(demo_run):
    import html
    import json

    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert {"report.html", "report-public.html"} <= {e["path"] for e in manifest["outputs"]}
    tender = next(demo_run.glob("inputs/tenders/*"))
    agreed, own = texts_of(tender)
    internal = html.unescape((demo_run / "report.html").read_text(encoding="utf-8"))
    public = html.unescape((demo_run / "report-public.html").read_text(encoding="utf-8"))
    assert 42 == len(agreed) and all(t in internal for t in agreed)
    assert [] == [t for t in agreed + own if t in public]
    assert "Her står en tabell med komiteens begrunnelser i den interne" in public
    body = internal[internal.index("<body"):]
    assert body.index("INTERN – UNNTATT OFFENTLIGHET") < body.index("Beslutningen") \
        < body.index("Innhold") < body.index("Rangering og valg av partnere")
    assert public[public.index("<body"):].index("OFFENTLIG UTGAVE") < public.index("Beslutningen")
    decision = body[body.index("Beslutningen"):body.index("Innhold")]
    for name in ("Byggpuls-konsortiet (Fjellvang Teknikk AS og Sensorlia AS) (tilbud 001, "
                 "68,04 poeng)", "Havlysing Eiendomsforvaltning AS (tilbud 003, 66,95 poeng)",
                 "Lyngtopp Byggtjenester AS (006)", "av Sara Nilsen, innkjøpsrådgiver, før"):
        assert name in decision
    for raw in ("Kjøres av", "(quality, price)", "weighted_points", "result payload",
                "The ranking", "CommitteeView"):
        assert raw not in internal, raw
    # each step's guide (bokmål) under the heading it explains, before its table
    assert body.index('id="Rangering-og-valg-av-partnere"') < body.index("Rangeringen</strong>") \
        < body.index('id="T_ranking"')
    links = re.findall(r'<nav class="evaluation-contents">(.*?)</nav>', internal, re.S)[0]
    anchors = re.findall(r'href="#([^"]+)"', links)
    assert len(anchors) >= 15
    raw = (demo_run / "report.html").read_text(encoding="utf-8")
    assert all(f'id="{a}"' in raw or f'id="{html.escape(a)}"' in raw for a in anchors)


def page_tables(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("""() => [...document.querySelectorAll('table')].map(t => {
        const r = t.getBoundingClientRect();
        return {id: t.id || t.className, right: r.right, width: t.scrollWidth,
                text: t.innerText.slice(0, 60)}; })""")


@pytest.mark.notebooks
@pytest.mark.browser
def test_no_table_is_wider_than_an_a4_page_and_the_first_screens_are_saved(demo_run):
    """At the printed width of an A4 page, print media: every table of both reports fits (the
    ranking table was cut: its totals read 68,0 and its Status column was missing), and every
    chart's title lies within its chart (the SMAA title was clipped). The first two screens
    of the report are saved in tests/artifacts for a person to look at."""
    from test_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser

    _require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            screen = browser.new_page(viewport={"width": 1280, "height": 900})
            screen.goto((demo_run / "report.html").as_uri())
            screen.wait_for_load_state("load")
            screen.screenshot(path=str(ARTIFACTS / "report-screen-1.png"))
            screen.mouse.wheel(0, 900)
            screen.wait_for_timeout(300)
            screen.screenshot(path=str(ARTIFACTS / "report-screen-2.png"))
            for name in ("report.html", "report-public.html"):
                page = browser.new_page(viewport={"width": A4_CSS_PX, "height": 1000})
                page.emulate_media(media="print")
                page.goto((demo_run / name).as_uri())
                page.wait_for_load_state("load")
                tables = page_tables(page)
                assert len(tables) >= 15, name
                wide = [t for t in tables if t["right"] > A4_CSS_PX + 0.5
                        or t["width"] > A4_CSS_PX]
                assert [] == wide, name
                # every chart's title lies within its chart (the SMAA title was clipped)
                charts = page.locator(".plotly-graph-div")
                assert 6 == charts.count()  # the five sections' and the rounds'
                for k in range(charts.count()):
                    charts.nth(k).locator(".gtitle").first.wait_for(state="attached")
                clipped = page.evaluate("""() => [...document.querySelectorAll(
                    '.plotly-graph-div')].flatMap(div => {
                      const box = div.getBoundingClientRect();
                      return [...div.querySelectorAll('.gtitle')].map(t => {
                        const r = t.getBoundingClientRect();
                        return r.left < box.left - 0.5 || r.right > box.right + 0.5
                          ? t.textContent : null; }).filter(Boolean); })""")
                assert [] == clipped, name
        finally:
            browser.close()
    assert (ARTIFACTS / "report-screen-1.png").stat().st_size > 20_000
