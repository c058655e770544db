"""Tests for evaluation.protocol: the evaluation protocol appended to report.html."""

from __future__ import annotations

import html
import json

import nbformat
import pytest
from conftest import edit
from fakes import fake_run

from evaluation.data.tender import load_tender
from evaluation.paperwork.notice import tender_copy
from evaluation.paperwork.protocol import protocol_html
from evaluation.paperwork.report import export_report


def protocol(run, language="nb", results_extra=None, manifest_extra=None):
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    results.update(results_extra or {})
    manifest.update(manifest_extra or {})
    return protocol_html(run, load_tender(tender_copy(run, manifest)), results, manifest,
                         language)


@pytest.fixture
def demo_fake_run(demo_tender, tmp_path):
    return fake_run(tmp_path, demo_tender)


def test_protocol_sections(demo_fake_run):
    page = protocol(demo_fake_run)
    for heading in ("Evalueringsprotokoll", "Evalueringsmodell, vekter og skalaer",
                    "Evaluatorer", "Uenighet og hvordan den ble løst",
                    "Rangering og valg av partnere", "Følsomhet for vektene", "Advarsler",
                    "Filer kjøringen bygger på (sha256)"):
        assert f">{heading}<" in page
    model = load_tender(tender_copy(demo_fake_run, json.loads(
        (demo_fake_run / "manifest.json").read_text(encoding="utf-8")))).model
    assert model.sha256 in page
    assert "ikke registrert" in page  # no freeze record in this run
    assert "<td>pris_kjop</td>" in page and "<td>25–35</td>" in page
    assert "anne.berg: 5,0, jonas.haugen: 3,0, sara.nilsen: 6,0" in page
    assert "Komiteen landet på 5 (medianen)." in page
    assert "Vinner: 001. Valgte partnere: 001, 003." in page
    assert "Følsomhetsanalysen er ikke registrert" in page  # a fake run has no sensitivity
    assert "inputs/tenders/1000-bygg/rounds/3-final/consensus.csv" in page
    if (demo_fake_run / "inputs" / "tenders" / "1000-bygg" / "declarations.csv").exists():
        assert "<p>declarations.csv:</p>" in page
    else:
        assert "Habilitetserklæringer er ikke registrert" in page


def test_protocol_in_english_with_recorded_sensitivity_and_freeze(demo_fake_run):
    sensitivity = {"stability": {"klima": {"published": 30.0, "low": 14.4, "high": 100.0,
                                           "partners_low": 5.3, "partners_high": 100.0,
                                           "ranking_low": 0.0, "ranking_high": 41.7},
                                 "gjennomforing": {"published": 20.0, "low": 10.7,
                                                   "high": 100.0},
                                 "leaves": {}},
                   "smaa": {"samples": 10000, "seed": 7, "rank_acceptability": {
                       "001": [0.62, 0.38], "003": [0.38, 0.62]},
                       "confidence": {"001": 1.0, "003": None}}}
    page = protocol(demo_fake_run, "en", {"sensitivity": sensitivity},
                    {"model": {"frozen": {"frozen": True, "changed": False,
                                          "frozen_at": "2026-09-01T10:00:00Z",
                                          "lock_file": "1000-bygg.lock.json"}}})
    assert ">Evaluation protocol<" in page
    assert "yes (2026-09-01T10:00:00Z, 1000-bygg.lock.json)" in page
    assert ("<td>Climate and environment</td><td>30.0</td><td>14.4–100.0</td>"
            "<td>5.3–100.0</td><td>0.0–41.7</td>") in page
    assert page.index("<td>Climate and environment</td>") \
        < page.index("<td>Ability to deliver</td><td>20.0</td><td>10.7–100.0</td><td>–</td>")
    assert "10000 weight vectors, seed 7" in page
    assert "<td>001</td><td>62.0\u00a0%</td><td>1.00</td>" in page
    assert "<td>003</td><td>38.0\u00a0%</td><td>–</td>" in page
    changed = protocol(demo_fake_run, "en", None, {"model": {"frozen": {
        "frozen": False, "changed": True, "frozen_at": "2026-09-01T10:00:00Z"}}})
    assert "CHANGED AFTER FREEZING" in changed


def test_protocol_without_recorded_sensitivity_says_so(demo_fake_run):
    page = protocol(demo_fake_run, "en")
    assert "The sensitivity analysis is not recorded in the run's results" \
        in html.unescape(page)


def test_protocol_escapes_supplier_text_and_shows_declarations(make_tender, tmp_path):
    folder = make_tender()
    edit(folder / "proposals.csv", "Tvillingverket AS", "<script>alert(1)</script>")
    (folder / "declarations.csv").write_text(
        "evaluator,date,statement,conflicts\nanne.berg,2026-10-01,<b>ingen</b>,\n"
        "jonas.haugen,2026-10-01,Ingen,\nsara.nilsen,2026-10-02,Ingen,\n",
        encoding="utf-8")
    page = protocol(fake_run(tmp_path, folder))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "declarations.csv" in page and "&lt;b&gt;ingen&lt;/b&gt;" in page
    assert "Habilitetserklæringer er ikke registrert" not in page


def test_export_report_appends_the_protocol(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Notebook part")])
    target = export_report(nb, tmp_path / "report.html", title="T",
                           appendix_html='<section id="protocol-x">P</section>')
    page = target.read_text(encoding="utf-8")
    assert page.index("Notebook part") < page.index('<section id="protocol-x">') \
        < page.index("</main>")
    plain = export_report(nb, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "protocol-x" not in plain and "Notebook part" in plain


@pytest.mark.notebooks
def test_demo_report_holds_the_protocol(demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    assert page.index("Komiteens evaluering") < page.index('class="evaluation-protocol"')
    assert "Filer kjøringen bygger på (sha256)" in page
    assert "proposals/001.ipynb" in page and "@page { size: A4" in page
