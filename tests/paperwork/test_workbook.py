"""Tests for evaluation.workbook: results.xlsx and the formula-injection guard."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import edit
from fakes import unseal

from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.paperwork.workbook import safe_cell, write_results_workbook

FORMULA = '=HYPERLINK("http://x","y")'


def no_formulas(path: Path) -> bool:
    """Return whether no worksheet of the workbook at ``path`` holds a formula element."""
    with zipfile.ZipFile(path) as archive:
        return not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n)
                       for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("text", [FORMULA, "+47 55 55 55 55", "-1+1", "@SUM(A1)",
                                  "\tcmd", "\r=1+1", "=1+1"])
def test_safe_cell_writes_formula_text_as_text(tmp_path, text):
    book = openpyxl.Workbook()
    sheet = book.active
    safe_cell(sheet["A1"], text)
    safe_cell(sheet["A2"], "plain")
    book.save(tmp_path / "x.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "x.xlsx").active["A1"]
    assert text.replace("\r", "\n") == cell.value  # XML reads a stored CR back as LF
    assert "s" == cell.data_type and cell.quotePrefix
    assert not openpyxl.load_workbook(tmp_path / "x.xlsx").active["A2"].quotePrefix
    assert no_formulas(tmp_path / "x.xlsx")


def test_safe_cell_numbers_and_missing_values():
    sheet = openpyxl.Workbook().active
    assert 7.5 == safe_cell(sheet["A1"], np.float64(7.5)).value
    assert safe_cell(sheet["A2"], math.nan).value is None
    assert 3 == safe_cell(sheet["A3"], np.int64(3)).value
    assert "ok" == safe_cell(sheet["A4"], "o\x00k").value  # XML cannot hold NUL


def results_book(folder: Path, target: Path, language: str = "nb") -> dict:
    tender = load_tender(folder)
    results = score_object(evaluate_tender(tender), language)
    write_results_workbook(target, results, tender, language)
    return results


def test_results_workbook_sheets_and_numbers(demo_tender, tmp_path):
    results = results_book(demo_tender, tmp_path / "results.xlsx")
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert ["Rangering", "Poeng", "Priser", "Evaluatorer", "Diagnostikk"] == book.sheetnames
    ranking = list(book["Rangering"].iter_rows(values_only=True))
    assert "001" == ranking[1][1] and 1 == ranking[1][0]
    assert results["proposals"][0]["total"] == ranking[1][7]  # full precision, not rounded
    assert "ja" == ranking[1][9]  # partner
    assert "006" == ranking[-1][1] and ranking[-1][0] is None
    assert "minstekravet" in ranking[-1][-1]
    points = list(book["Poeng"].iter_rows(values_only=True))
    assert 6 * (4 + 9) + 1 == len(points)  # proposals × (main + leaf criteria) + header
    evaluators = list(book["Evaluatorer"].iter_rows(values_only=True))
    header = evaluators[0]
    assert ("anne.berg", "jonas.haugen", "sara.nilsen") == header[3:6]
    flagged = [r for r in evaluators[1:] if r[7] == "ja"]
    assert {("002", "energisparing"), ("004", "kostnadsreduksjon"), ("005", "livslopsutslipp"),
            ("006", "kompetanse")} == {(r[0], r[1]) for r in flagged}
    row = next(r for r in flagged if r[0] == "002")
    assert (5.0, 3.0, 6.0, 3.0) == row[3:7]
    diagnostics = " ".join(str(v) for r in book["Diagnostikk"].iter_rows(values_only=True)
                           for v in r if v is not None)
    assert "FOA § 24-9" in diagnostics and "Realisert vekt" in diagnostics


def test_results_workbook_in_english(demo_tender, tmp_path):
    results_book(demo_tender, tmp_path / "results.xlsx", "en")
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert ["Ranking", "Points", "Prices", "Evaluators", "Diagnostics"] == book.sheetnames


def test_prices_sheet_holds_offered_and_evaluated_prices(demo_tender, tmp_path):
    """The evaluated price (present value) was in no sheet (issue 16). Hand derivation for
    proposal 001's purchase phase (prices.csv: 1000 buildings × 3050, 3100, 3150, 3200 NOK in
    years 1–4, discount_rate 4 %): offered 12 500 000; present value 3 050 000/1.04 +
    3 100 000/1.04² + 3 150 000/1.04³ + 3 200 000/1.04⁴ = 2 932 692.31 + 2 866 124.26 +
    2 800 338.52 + 2 735 373.43 = 11 334 528.51."""
    results_book(demo_tender, tmp_path / "results.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "results.xlsx")["Priser"]
                .iter_rows(values_only=True))
    assert ("proposal_id", "Leverandør", "criterion_id", "Priskriterium", "Prisfelt",
            "Tilbudt pris", "Evaluert pris (nåverdi)", "Diskontert", "Karakter", "Poeng") \
        == rows[0]
    by_key = {(r[0], r[2]): r for r in rows[1:] if r[2] in ("pris_kjop", "pris_utvikling")}
    assert 12 == len(by_key)  # 6 proposals × 2 price criteria
    kjop = by_key[("001", "pris_kjop")]
    assert 12_500_000 == kjop[5] and "ja" == kjop[7]
    assert 11_334_528.51 == pytest.approx(kjop[6], abs=0.01)
    utvikling = by_key[("001", "pris_utvikling")]
    assert 9_400_000 == utvikling[5] == utvikling[6] and "nei" == utvikling[7]
    assert by_key[("006", "pris_kjop")][9] is None  # not ranked: no price points
    notes = " ".join(str(r[0]) for r in rows if r[0] and r[1] is None)
    assert "diskonteres med 4,0\u00a0% per år" in notes and "k = 1" in notes


def test_justification_formula_is_never_a_formula(make_tender, tmp_path):
    folder = unseal(make_tender())
    edit(folder / "scores" / "anne.berg.csv",
         '"Digital tvilling av hele bygningsmassen med varsling før feil oppstår er nytt for oss, '
         'men enkeltdelene finnes i markedet."', '"=HYPERLINK(""http://x"",""y"")"')
    edit(folder / "proposals.csv", "Tindrevik Driftsservice AS", "@Tindrevik")
    results_book(folder, tmp_path / "results.xlsx")
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert {FORMULA, "@Tindrevik"} == {c.value for c in cells}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert no_formulas(tmp_path / "results.xlsx")


@pytest.mark.notebooks
def test_run_folder_has_results_workbook(demo_run):
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert "results.xlsx" in {e["path"] for e in manifest["outputs"]}
    results = json.loads((demo_run / "results.json").read_text(encoding="utf-8"))
    ranking = list(openpyxl.load_workbook(demo_run / "results.xlsx")["Rangering"]
                   .iter_rows(values_only=True))
    assert [p["id"] for p in results["proposals"]] == [r[1] for r in ranking[1:]]
