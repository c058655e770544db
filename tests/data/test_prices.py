"""Tests for evaluation.data.prices: price columns and price schedules (prices.csv).

``year`` counts whole years from today as the discounting does (0 = today, 1 = the end of the
first year): net_present_value divides year y's amount by (1 + r)^y (Directive 2014/24
art. 68, life-cycle costing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import delete_line, edit, line_of, model_of

Run = Callable[..., tuple[int, str, str]]
PRICES = "1000-bygg/prices.csv"
YEAR_HINT = "expected whole years from today: 0 = today, 1 = the end of the first year, 2, 3, …"


@pytest.mark.parametrize(("year", "message"), [
    ("2027", "a calendar year: year counts years from today"),
    ("-1", "a negative year: year counts years from today"),
    ("1,5", "a fractional year: year counts whole years"),
    ("250", "more than 100 years ahead"),
    ("1.000", "ambiguous number"),
])
def test_a_year_that_is_not_years_from_today_is_refused_with_a_hint(
        make_tender: Callable[[], Path], run: Run, year: str, message: str) -> None:
    """Before, 2027 was discounted over 2027 years and the price all but vanished."""
    t = make_tender()
    edit(t / "prices.csv", "år 2\",2,1000,1990", f"år 2\",\"{year}\",1000,1990")
    status, _, err = run("validate", t)
    assert 2 == status
    line = line_of(t / "prices.csv", f'"{year}"')
    assert f"{PRICES}:{line}: year: {message}" in err
    if "ambiguous" not in message:
        assert f"(found '{year}', {YEAR_HINT})" in err


def test_year_lines_need_the_models_discount_rate(make_tender: Callable[[], Path],
                                                  run: Run) -> None:
    t = make_tender()
    edit(model_of(t), "discount_rate: 0.04\n", "")
    status, _, err = run("validate", t)
    assert 2 == status
    assert (f"{PRICES}:2: year: lines for later years are discounted, but the model has no "
            "discount_rate (") in err
    assert "expected discount_rate: 0.04 (for example) in " in err
    assert "criteria/1000-bygg.yaml)" in err


def test_a_missing_line_others_have_is_a_warning_naming_proposal_item_and_year(
        make_tender: Callable[[], Path], run: Run) -> None:
    t = make_tender()
    delete_line(t / "prices.csv", "002,lifecycle_cost,\"Drift og vedlikehold per bygg, år 3\"")
    status, _, err = run("validate", t, "--language", "en")
    assert 0 == status, err
    assert (f"warning: {PRICES}: proposal 002 has no line for item 'Drift og vedlikehold per "
            "bygg, år 3', year 3 (price field lifecycle_cost), which other proposals have") \
        in err.splitlines()


def test_a_proposal_without_any_lines_is_named(make_tender: Callable[[], Path],
                                               run: Run) -> None:
    """Before, the message named proposals.csv's header: 'missing price for criterion …'."""
    t = make_tender()
    for year in range(1, 5):
        delete_line(t / "prices.csv", f"003,lifecycle_cost,\"Drift og vedlikehold per bygg, "
                    f"år {year}\"")
    status, _, err = run("validate", t)
    assert 2 == status
    assert [f"{PRICES}: proposal_id: no lines for proposal 003 (price field lifecycle_cost), "
            "which other proposals have (found 'no lines', expected the lines of proposal 003, "
            "or a column lifecycle_cost in 1000-bygg/proposals.csv)",
            "1 problem(er); ingenting ble skrevet."] == err.splitlines()


def test_year_zero_and_an_empty_year_are_today(make_tender: Callable[[], Path],
                                               run: Run) -> None:
    t = make_tender()
    status, before, _ = run("score", t, "--format", "json")
    text = (t / "prices.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    # one more line per proposal, at year 0 and with an empty year: both undiscounted
    extra = [f"{p},lifecycle_cost,Oppstart,0,1,0" for p in ("001", "002", "003", "004", "005",
                                                            "006")]
    (t / "prices.csv").write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    status, after, err = run("score", t, "--format", "json")
    assert 0 == status, err
    assert before == after
    extra = [line.replace(",0,1,0", ",,1,0") for line in extra]
    (t / "prices.csv").write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    assert (0, before) == run("score", t, "--format", "json")[:2]
