"""Tests for evaluation.data.numbers: numbers and dates as a Norwegian committee writes them.

Every value either means one thing and is read, or is refused with the reason (issue 3/10,
"Numbers and dates, the same in every file").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import edit, line_of
from hypothesis import given
from hypothesis import strategies as st

from evaluation.data.numbers import Refusal, parse_numbers, read_date, read_number

Run = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("text", "value"), [
    ("7", 7.0), ("7,5", 7.5), ("7.5", 7.5), ("-3", -3.0), ("0012", 12.0), (".5", 0.5),
    ("1 234,5", 1234.5), ("1\u00a0234\u00a0567,50", 1234567.5), ("1,234.5", 1234.5),
    ("38.500,00", 38500.0),
    ("1 200 000", 1200000.0),
    ("1\u00a0200\u00a0000", 1200000.0),
    ("1\u202f200\u202f000", 1200000.0),
    ("1 200 000 kr", 1200000.0),
    ("kr 1 200 000,-", 1200000.0),
    ("NOK 1,200,000.00", 1200000.0),
    ("1.200.000", 1200000.0), ("1,200,000", 1200000.0), ("9.400.000", 9400000.0),
    ("1 200 000,50", 1200000.5), ("0.250", 0.25), ("0,125", 0.125), ("1234.567", 1234.567),
    ("12,5 kr", 12.5), ("kr. 500", 500.0), ("4900000 NOK", 4900000.0), ("1e6", 1e6),
    ("\u22121 200", -1200.0),
])
def test_numbers_read_as_written(text: str, value: float) -> None:
    assert value == read_number(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("700.000", "ambiguous number"),
    ("1.250", "ambiguous number"),
    ("1,250", "ambiguous number"),
    ("700.000 kr", "ambiguous number"),
    ("1 200.000", "ambiguous number"),
    ("7.5,0", "mixes '.' and ','"),
    ("1.234.5", "groups of three"),
    ("12 00", "groups of three"),
    ("7,5,1", "groups of three"),
    ("8/10", "a fraction"),
    ("7-8", "a range"),
    ("7–8", "a range"),
    ("sju", "not a number"), ("x", "not a number"), ("inf", "not a number"),
    ("nan", "not a number"), ("4,9 MNOK", "not a number"), ("ca 4.9 MNOK", "not a number"),
    ("7.", "not a number"),
])
def test_numbers_that_could_mean_two_things_are_refused_with_the_reason(text: str,
                                                                         reason: str) -> None:
    result = read_number(text)
    assert isinstance(result, Refusal), result
    assert reason in result.message


@pytest.mark.parametrize(("text", "reason"), [
    ("7.5,0", "mixes '.' and ','"), ("8/10", "a fraction"), ("7-8", "a range"),
    ("7 kr", "not a number"),
])
def test_scores_are_numbers_only(text: str, reason: str) -> None:
    result = read_number(text, amount=False)
    assert isinstance(result, Refusal) and reason in result.message


def test_empty_is_no_value_not_a_refusal() -> None:
    assert read_number("") is None and read_number("  ") is None


def test_parse_numbers_reads_each_distinct_text_once_and_keeps_the_index() -> None:
    values = pd.Series(["7,5", "700.000", "", "7,5"], index=[10, 11, 12, 13])
    numbers, refusals = parse_numbers(values)
    assert [10, 11, 12, 13] == list(numbers.index)
    assert 7.5 == numbers[10] == numbers[13]
    assert math.isnan(numbers[11]) and math.isnan(numbers[12])
    assert refusals[11] is not None and "ambiguous" in refusals[11].message
    assert refusals[10] is None and refusals[12] is None


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_every_norwegian_amount_reads_back(kroner: int, ore: int) -> None:
    """An amount written the Norwegian way (space thousands, decimal comma) reads back
    exactly, with and without the currency."""
    grouped = f"{kroner:,}".replace(",", "\u00a0")
    value = float(f"{kroner}.{ore:02d}")
    assert value == read_number(f"{grouped},{ore:02d}")
    assert value == read_number(f"kr {grouped},{ore:02d}")
    assert float(kroner) == read_number(f"{grouped},-")
    assert float(kroner) == read_number(f"{kroner}")


@pytest.mark.parametrize(("text", "date"), [
    ("2026-11-02", dt.date(2026, 11, 2)), ("02.11.2026", dt.date(2026, 11, 2)),
    ("2.11.2026", dt.date(2026, 11, 2)), (" 2026-11-02 ", dt.date(2026, 11, 2)),
])
def test_dates_read(text: str, date: dt.date) -> None:
    assert date == read_date(text)


@pytest.mark.parametrize("text", ["11/02/2026", "02.11.26", "2026-11-2", "2026-02-30",
                                  "2. november 2026", "2026-11-02T10:00", "", "20261102"])
def test_other_dates_are_refused(text: str) -> None:
    assert read_date(text) is None


# --- the same rules in every file ------------------------------------------------------------


def test_an_ambiguous_number_is_refused_in_every_file(make_tender: Callable[[], Path],
                                                      run: Run) -> None:
    """``700.000`` and ``1.250`` are refused wherever they are written. Before the one parser,
    prices.csv read ``3.050`` as 3.05, score files read ``7.5,0`` as 7.5, and only
    proposals.csv refused a dot before three digits."""
    t = make_tender()
    edit(t / "proposals.csv", "9400000", "700.000")
    edit(t / "prices.csv", "1,1000,3050", "1,1000,3.050")
    edit(t / "prices.csv", "2,1000,1990", "2,1.000,1990")
    edit(t / "scores/anne.berg.csv", '001,energisparing,"7,5"', '001,energisparing,"7.5,0"')
    edit(t / "consensus.csv", "\n003,plan,7,", "\n003,plan,1.250,")
    edit(t / "tender.yaml", "{price_development: 10000000}", "{price_development: '1.250'}")
    status, _, err = run("validate", t)
    assert 2 == status
    ambiguous = "ambiguous number: a point or comma before three digits is a thousands " \
        "separator in one convention and a decimal mark in the other"
    for expected in (
        f"1000-bygg/proposals.csv:{line_of(t / 'proposals.csv', '700.000')}: "
        f"price_development: {ambiguous} (found '700.000'",
        f"1000-bygg/prices.csv:{line_of(t / 'prices.csv', '3.050')}: unit_price: {ambiguous} "
        "(found '3.050'",
        f"1000-bygg/prices.csv:{line_of(t / 'prices.csv', '1.000')}: quantity: {ambiguous} "
        "(found '1.000'",
        f"1000-bygg/scores/anne.berg.csv:{line_of(t / 'scores/anne.berg.csv', '7.5,0')}: "
        "score: mixes '.' and ','",
        f"1000-bygg/consensus.csv:{line_of(t / 'consensus.csv', '1.250')}: score: {ambiguous}",
        f"1000-bygg/tender.yaml:{line_of(t / 'tender.yaml', 'budget:')}: budget: {ambiguous} "
        "(found '1.250'",
    ):
        assert expected in err, (expected, err)


def test_fractions_and_ranges_are_refused_as_scores(make_tender: Callable[[], Path],
                                                    run: Run) -> None:
    t = make_tender()
    f = t / "scores/jonas.haugen.csv"
    edit(f, "001;kostnadsreduksjon;8;", "001;kostnadsreduksjon;8/10;")
    edit(f, "001;innovasjonsgrad;6;", "001;innovasjonsgrad;6-7;")
    status, _, err = run("validate", t)
    assert 2 == status
    name = "1000-bygg/scores/jonas.haugen.csv"
    assert (f"{name}:{line_of(f, '8/10')}: score: a fraction, not a number: write the number "
            "itself (found '8/10', expected e.g. 8 (on the criterion's scale), not 8/10)") in err
    assert (f"{name}:{line_of(f, '6-7')}: score: a range, not a number: write one number "
            "(found '6-7'") in err


@pytest.mark.parametrize(("price", "lines"), [
    ("9.400.000", ("3050", "3050")),
    ("kr 9 400 000,-", ("3050", "3.050,00")),
    ("9\u00a0400\u00a0000 kr", ("3050", "kr 3 050")),
    ("NOK 9,400,000.00", ("3050", "3,050.00")),
])
def test_unambiguous_amounts_give_the_same_evaluation(make_tender: Callable[[], Path],
                                                      run: Run, price: str,
                                                      lines: tuple[str, str]) -> None:
    """Amounts written with thousands separators and currency score exactly like the plain
    digits (``3.050,00`` was read as 3.05 before the one parser)."""
    plain = make_tender()
    status, expected, _ = run("score", plain, "--format", "json")
    assert 0 == status
    edit(plain / "proposals.csv", "9400000", f'"{price}"')
    edit(plain / "prices.csv", f"1,1000,{lines[0]}", f'1,1000,"{lines[1]}"')
    status, out, err = run("score", plain, "--format", "json")
    assert 0 == status, err
    assert expected == out
