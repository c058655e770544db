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


def protocol(run, language="nb", results_extra=None, manifest_extra=None, public=False):
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    results.update(results_extra or {})
    manifest.update(manifest_extra or {})
    return protocol_html(run, load_tender(tender_copy(run, manifest)), results, manifest,
                         language, public=public)


@pytest.fixture
def demo_fake_run(demo_tender, tmp_path):
    return fake_run(tmp_path, demo_tender)


def test_protocol_sections(demo_fake_run):
    page = protocol(demo_fake_run)
    for heading in ("Evalueringsprotokoll", "Metode, modell og vekter",
                    "Evaluatorer", "Vurdering per tilbud", "Priser og prisformel",
                    "Uenighet og hvordan den ble løst",
                    "Rangering og valg av partnere", "Følsomhet for vektene",
                    "Kvalitet før pris: forseglingen", "Avvisninger og unormalt lave priser",
                    "Endringslogg", "Advarsler",
                    "Filer kjøringen bygger på (sha256) og revisjon"):
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
    # the notebook's sections, then the protocol; its lab-only introduction is for analysts
    assert page.index('id="Rangering-og-valg-av-partnere"') \
        < page.index('class="evaluation-protocol"')
    assert "Komiteens evaluering" not in page
    assert "Filer kjøringen bygger på (sha256)" in page
    assert "proposals/001.ipynb" in page and "@page { size: A4" in page


# --- issue 16: the reasons, the prices, the method in words, the seal, two variants ---------


def consensus_rows(tender_folder):
    import pandas as pd

    # a negotiated tender's consensus is its round's (the latest present: the award)
    folder = load_tender(tender_folder, scores=False, record=False).files_folder
    return pd.read_csv(folder / "consensus.csv", dtype=str, keep_default_na=False)


def test_the_internal_protocol_holds_every_reason_in_words(demo_fake_run, demo_tender):
    """The report held 4 of the 42 reasons (the flagged disagreements) and named the method
    by its ids; a complaints board reads the reasons per criterion first."""
    page = html.unescape(protocol(demo_fake_run))
    rows = consensus_rows(demo_tender)
    assert 42 == len(rows)
    missing = [(r.proposal_id, r.criterion_id) for r in rows.itertuples()
               if r.justification not in page]
    assert [] == missing
    assert "INTERN – UNNTATT OFFENTLIGHET etter offentleglova § 13" in page
    assert page.index("INTERN") < page.index("Metode, modell og vekter")
    # the method in words, not the model file's ids
    for raw in ("weighted_points", ">consensus<", ">linear<", "quality, price", ">ranges<"):
        assert raw not in page, raw
    assert "vektet poengsum" in page and "komiteens omforente karakter" in page
    assert "flest kvalitetspoeng, deretter flest prispoeng" in page
    assert "Kompetanse hos teamet som tilbys til denne kontrakten: minst karakter 4" in page
    # per proposal: criterion, agreed score, reason, points
    assert "<h3 id=\"proposal-001\">Tilbud 001 – Byggpuls-konsortiet" in protocol(demo_fake_run)
    assert "Rang 1 · 68,04 poeng · valgt partner" in page
    assert ("<td>Redusert drifts- og vedlikeholdskostnad</td><td>15,0\u00a0%</td><td>8</td>"
            "<td>Enighet om 8. Gevinstene er godt dokumentert") in page
    assert "Ikke rangert: Kompetanse hos teamet som tilbys til denne kontrakten: 3,00 under " \
        "minstekravet 4,00" in page


def test_the_protocol_states_prices_present_values_and_the_formula(demo_fake_run):
    """Offered and evaluated prices, the discounting and the formula with its parameters.
    Hand derivation (prices.csv, 4 %): proposal 001 offers 1000 × (3050 + 3100 + 3150 + 3200)
    = 12 500 000 for the purchase phase, worth 3 050 000/1.04 + 3 100 000/1.04² +
    3 150 000/1.04³ + 3 200 000/1.04⁴ = 11 334 528.51 today."""
    page = html.unescape(protocol(demo_fake_run))
    assert "12\u00a0500\u00a0000\u00a0kr" in page and "11\u00a0334\u00a0529\u00a0kr" in page
    assert "diskonteres med 4,0\u00a0% per år" in page
    assert ("S = 10 × (1 − k × (P − Pmin) / Pmin), k = 1, der Pmin er laveste pris blant "
            "tilbudene som er med; en pris på 2 × Pmin gir 0 poeng") in page
    assert "Lineær modell (relativ: poengene avhenger av de andre tilbudene)" in page
    english = html.unescape(protocol(demo_fake_run, "en"))
    assert "NOK\u00a012,500,000" in english and "NOK\u00a011,334,529" in english
    assert "Linear (DFØ) (relative: the points depend on the other proposals)" in english
    assert "weighted points: each criterion gives points by its weight" in english


def test_the_protocol_names_who_sealed_the_seal_hash_and_the_audit_command(demo_fake_run):
    manifest = json.loads((demo_fake_run / "manifest.json").read_text(encoding="utf-8"))
    # the award's seal (the final round's), not the prequalification's or an earlier round's
    seal_entry = next(e for e in manifest["inputs"]
                      if e["path"].endswith("/rounds/3-final/seal.json"))
    sealed = json.loads((demo_fake_run / seal_entry["path"]).read_text(encoding="utf-8"))
    page = html.unescape(protocol(demo_fake_run))
    assert ("Kvalitetskarakterene ble forseglet 02.11.2026 kl. 09:30 UTC av Sara Nilsen, "
            "innkjøpsrådgiver, før prisene ble åpnet: 4 filer.") in page
    assert f"<td>seal.json sha256</td><td>{seal_entry['sha256']}</td>" in page
    for name, digest in sealed["files"].items():
        assert f"<td>{name}</td><td>{digest}</td>" in page
    assert "evaluation audit KJØREMAPPE --manifest-sha256 SHA256" in page
    assert "--manifest-sha256" in protocol(demo_fake_run, "en")


def test_the_public_protocol_quotes_approved_texts_and_never_a_justification(
        demo_fake_run, demo_tender):
    """Proposals 002, 005 and 006 have no notice_text: the public variant says so instead of
    quoting the justification (which may hold business secrets)."""
    page = html.unescape(protocol(demo_fake_run, public=True))
    rows = consensus_rows(demo_tender)
    assert page.index("OFFENTLIG UTGAVE") < page.index("Metode, modell og vekter")
    assert "UNNTATT OFFENTLIGHET etter" not in page
    leaked = [(r.proposal_id, r.criterion_id) for r in rows.itertuples()
              if r.justification in page]
    assert [] == leaked
    scores = load_tender(demo_tender).scores
    assert [] == [t for t in scores["justification"] if t and t in page]
    assert all(r.notice_text in page for r in rows.itertuples() if r.notice_text)
    unapproved = sum(1 for r in rows.itertuples() if not r.notice_text)
    assert 21 == unapproved
    assert page.count("Ingen godkjent tekst for offentligheten (notice_text er tom)") >= unapproved
    assert "Godkjent tekst" in page and "Ny begrunnelse" not in page
