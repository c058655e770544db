"""Tests for evaluation.sheets: blind, protected Excel score sheets that the loader reads back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import edit
from fakes import unseal

from evaluation.data.tender import load_tender
from evaluation.paperwork.sheets import (
    INSTRUCTIONS_SHEET,
    SheetError,
    sheet_rows,
    write_score_sheets,
)

EVALUATORS = ("anne.berg", "jonas.haugen", "sara.nilsen")


def fill_from_csv(sheet_path: Path, scores: pd.DataFrame) -> None:
    """Type an evaluator's CSV scores into their generated sheet, as the evaluator would."""
    book = openpyxl.load_workbook(sheet_path)
    sheet = book["Karakterer"]
    given = scores.set_index(["proposal_id", "criterion_id"])
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[1].value)
        row[2].value = float(given.loc[key, "score"])
        row[3].value = str(given.loc[key, "justification"])
    book.save(sheet_path)


def test_sheets_round_trip_through_the_loader(make_tender, tmp_path):
    tender_dir = unseal(make_tender())  # the seal would refuse the swapped score files
    original = load_tender(tender_dir)
    paths = write_score_sheets(original, tmp_path / "sheets")
    assert [p.name for p in paths] == [f"{e}.xlsx" for e in EVALUATORS]
    for evaluator, path in zip(EVALUATORS, paths, strict=True):
        fill_from_csv(path, original.scores[original.scores["evaluator"] == evaluator])
        (tender_dir / "scores" / f"{evaluator}.csv").unlink()
        path.rename(tender_dir / "scores" / path.name)
    again = load_tender(tender_dir)
    key = ["evaluator", "proposal_id", "criterion_id"]
    expected = original.scores.sort_values(key).reset_index(drop=True)
    actual = again.scores.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(expected, actual)


def test_sheet_layout_validation_and_protection(demo_tender, tmp_path):
    tender = load_tender(demo_tender)
    path = write_score_sheets(tender, tmp_path)[0]
    book = openpyxl.load_workbook(path)
    assert [INSTRUCTIONS_SHEET, "Karakterer"] == book.sheetnames
    sheet = book["Karakterer"]
    header = [c.value for c in sheet[1]]
    assert ["proposal_id", "criterion_id", "score", "justification"] == header[:4]
    assert 6 * 7 + 1 == sheet.max_row  # six proposals × seven quality leaves, no price leaves
    first = [c.value for c in sheet[2]]
    assert ["001", "kostnadsreduksjon", None, None] == first[:4]
    assert "Redusert drifts- og vedlikeholdskostnad" in first
    assert any(str(v).startswith("Hvor stor, dokumentert") for v in first)
    assert sheet.protection.sheet
    assert not sheet["C2"].protection.locked and not sheet["D43"].protection.locked
    assert sheet["A2"].protection.locked and sheet["E2"].protection.locked
    (rule,) = sheet.data_validations.dataValidation
    assert ("decimal", "between", "0", "10") == (rule.type, rule.operator, rule.formula1,
                                                 rule.formula2)
    assert "C2:C43" == str(rule.sqref)
    instructions = " ".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows()
                            for c in row if c.value)
    assert "Skriv karakteren" in instructions and "Enter the score" in instructions


def test_sheets_are_blind(demo_tender, tmp_path):
    tender = load_tender(demo_tender)
    path = write_score_sheets(tender, tmp_path)[1]
    text = " ".join(str(c.value) for sheet in openpyxl.load_workbook(path).worksheets
                    for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "pris_utvikling" not in text and "pris_kjop" not in text
    for price in ("9400000", "9 400 000", "4900000"):
        assert price not in text
    others = tender.scores[tender.scores["evaluator"] != "jonas.haugen"]
    assert not any(j in text for j in others["justification"] if len(j) > 30)


def test_codes_hide_supplier_names(demo_tender, tmp_path):
    tender = load_tender(demo_tender)
    path = write_score_sheets(tender, tmp_path, codes=True)[0]
    text = " ".join(str(c.value) for row in openpyxl.load_workbook(path)["Karakterer"]
                    .iter_rows() for c in row if c.value is not None)
    assert "Tvillingverket" not in text and "Byggpuls" not in text
    assert "Tilbud 004" in text


def test_rejected_proposals_are_left_out(make_tender):
    folder = make_tender()
    head, *lines = (folder / "proposals.csv").read_text(encoding="utf-8").splitlines()
    lines = [line + (",false,Mangler skatteattest" if line.startswith("005") else ",true,")
             for line in lines]
    (folder / "proposals.csv").write_text(
        "\n".join([head + ",admissible,rejection_reason", *lines]) + "\n", encoding="utf-8")
    rows = sheet_rows(load_tender(folder), "nb")
    assert {"001", "002", "003", "004", "006"} == {r.proposal_id for r in rows}


def test_recused_proposals_are_left_out_of_the_evaluators_sheet(make_tender, tmp_path):
    folder = unseal(make_tender())
    recusals = folder / "recusals.csv"  # the demo may already record recusals: keep them
    kept = recusals.read_text(encoding="utf-8") if recusals.exists() else \
        "evaluator,proposal_id,reason\n"
    recusals.write_text(kept.rstrip("\n") + "\njonas.haugen,002,Inhabil (fvl. § 6)\n",
                        encoding="utf-8")
    scores = folder / "scores" / "jonas.haugen.csv"
    lines = scores.read_text(encoding="utf-8").splitlines(keepends=True)
    scores.write_text("".join(line for line in lines if not line.startswith("002")),
                      encoding="utf-8")
    paths = write_score_sheets(load_tender(folder), tmp_path)
    by_name = {p.stem: openpyxl.load_workbook(p) for p in paths}
    jonas = {r[0] for r in by_name["jonas.haugen"]["Karakterer"].iter_rows(min_row=2,
                                                                           values_only=True)}
    anne = {r[0] for r in by_name["anne.berg"]["Karakterer"].iter_rows(min_row=2,
                                                                      values_only=True)}
    assert "002" not in jonas and "002" in anne
    instructions = " ".join(str(c.value) for row in by_name["jonas.haugen"][INSTRUCTIONS_SHEET]
                            .iter_rows() for c in row if c.value)
    assert "recused from proposal(s) 002" in instructions


def test_formula_in_supplier_name_is_text(make_tender, tmp_path):
    folder = make_tender()
    edit(folder / "proposals.csv", "Tindrevik Driftsservice AS", '"=HYPERLINK(""http://x"",""y"")"')
    path = write_score_sheets(load_tender(folder), tmp_path)[0]
    sheet = openpyxl.load_workbook(path)["Karakterer"]
    cells = [row[4] for row in sheet.iter_rows(min_row=2) if row[0].value == "002"]
    assert cells and all(c.value == '=HYPERLINK("http://x","y")' for c in cells)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_existing_sheets_are_not_overwritten(demo_tender, tmp_path):
    tender = load_tender(demo_tender)
    write_score_sheets(tender, tmp_path)
    with pytest.raises(SheetError, match="exists and may hold scores"):
        write_score_sheets(tender, tmp_path)
    assert 3 == len(write_score_sheets(tender, tmp_path, overwrite=True))


def test_sheets_command(run, demo_tender, tmp_path):
    status, out, _ = run("sheets", demo_tender, "--out", tmp_path / "s", "--codes")
    assert 0 == status
    assert [str(tmp_path / "s" / f"{e}.xlsx") for e in EVALUATORS] == out.split()
    status, _, err = run("sheets", demo_tender, "--out", tmp_path / "s")
    assert 2 == status and "--force" in err


def test_sheets_are_made_before_anyone_scores(make_tender, run, tmp_path):
    """The blank sheets come first: a tender without scores/ and consensus.csv was refused."""
    t = make_tender()
    for path in (t / "scores").iterdir():
        path.unlink()
    (t / "scores").rmdir()
    (t / "consensus.csv").unlink()
    status, out, err = run("sheets", t, "--out", tmp_path / "blank")
    assert 0 == status, err
    assert [f"{e}.xlsx" for e in EVALUATORS] == [Path(p).name for p in out.splitlines()]
    book = openpyxl.load_workbook(tmp_path / "blank" / "sara.nilsen.xlsx")
    ids = {row[0] for row in book["Karakterer"].iter_rows(min_row=2, values_only=True)}
    assert "004" not in ids  # recused


def test_sheets_refuse_an_out_folder_inside_the_tenders_scores(make_tender, run):
    t = make_tender()
    for out in (t / "scores", t / "scores" / "blank"):
        status, _, err = run("sheets", t, "--out", out)
        assert 2 == status
        assert f"{out}: inside the tender's scores/ folder, where a blank sheet would be read " \
            "as an evaluator's scores" in err
    assert not (t / "scores" / "blank").exists()
    assert sorted(p.name for p in (t / "scores").iterdir()) == [f"{e}.csv" for e in EVALUATORS]
