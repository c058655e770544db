"""Tests for evaluation.common.cells: no spreadsheet runs a cell the package writes."""

from __future__ import annotations

import pytest

from evaluation.common.cells import csv_cell, formula_like


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")',
                                  "+47 55 55 55 55", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
                                  "\t=1+1", "\r=1+1", "-", "+", "1e3=1"[3:]])
def test_text_that_could_be_a_formula_is_prefixed(text: str) -> None:
    assert formula_like(text)
    assert "'" + text == csv_cell(text)


@pytest.mark.parametrize("value", [-3.5, 7, 0.0, None, True, "-3.5", "+2", "-1e-3", "Åse",
                                   "007", "a=b", "supplier AS"])
def test_numbers_and_harmless_text_stay_as_they_are(value: object) -> None:
    assert value == csv_cell(value)
