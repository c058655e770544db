"""Reads the numbers and dates a committee writes, the same way in every file.

Every amount, quantity and score (``proposals.csv``, ``prices.csv``, score files,
``consensus.csv``, ``budget`` in ``tender.yaml``) and every date (``declarations.csv``,
``explanations.csv``) goes through this module. A value is read only when it can mean one
thing; anything else is refused with the reason. A silently misread amount changes an award
without anyone seeing it, so nothing is guessed.

Numbers read:

- digits with an optional sign: ``7``, ``-3``, ``0012``;
- one decimal comma or point: ``7,5``, ``7.5``, ``1234567,50``;
- thousands separated by spaces (also no-break and narrow no-break spaces): ``1 200 000``,
  ``1 200 000,50``;
- several thousands separators of one kind: ``1.200.000``, ``1,200,000``;
- thousands and decimals with both marks, the decimal one last: ``38.500,00`` (Norwegian),
  ``1,200,000.00`` (English);
- amounts only: the currency ``kr``/``kr.``/``NOK`` before or after, and ``,-`` for whole
  kroner: ``1 200 000 kr``, ``kr 1 200 000,-``, ``NOK 1,200,000.00``.

Numbers refused, with the reason:

- one point or comma followed by exactly three digits after one to three digits (``700.000``,
  ``1.250``, ``1,250``): a thousands separator in one convention and a decimal mark in the
  other (``0.250`` and ``1234.567`` are not ambiguous);
- separators that do not make groups of three digits, or marks in the wrong order
  (``7.5,0``, ``12 00``, ``1.23.456``);
- fractions (``8/10``), ranges (``7-8``), words, ``inf`` and ``nan``.

Dates read: ISO ``2026-11-02`` and Norwegian ``02.11.2026`` (also ``2.11.2026``); anything
else (two-digit years, ``11/02/2026``, a time of day) is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from evaluation.common.errors import ProblemList
from evaluation.data.tables import Table, report_rows

SPACES = " \u00a0\u202f\u2009\u2007"  # space, no-break, narrow no-break, thin, figure
_SPACE = f"[{SPACES}]"
_CURRENCY_BEFORE = re.compile(r"^(?:kr\.?|nok)(?=[\d\s\u00a0\u202f+\-\u2212]|$)\s*",
                              re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"\s*(?:kr\.?|nok)$", re.IGNORECASE)
_WHOLE_KRONER = re.compile(r"[,.][-\u2013]$")  # "1 200 000,-"
_NUMBER = r"\d+(?:[.,]\d+)?"
_FRACTION = re.compile(rf"{_NUMBER}\s*/\s*{_NUMBER}")
_RANGE = re.compile(rf"{_NUMBER}\s*[-\u2013\u2014]\s*{_NUMBER}")
_SPACED = re.compile(rf"(\d{{1,3}})((?:{_SPACE}\d{{3}})+)(?:([.,])(\d+))?")
_PLAIN = re.compile(r"(\d*)(?:([.,])(\d+))?")
_EXPONENT = re.compile(r"(\d+(?:[.,]\d+)?)[eE]([+-]?\d+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

EXPECTED_NUMBER = "a number such as 7, 7,5 or 1 200 000,50"
EXPECTED_DATE = "a date written 2026-11-02 or 02.11.2026"


@dataclass(frozen=True)
class Refusal:
    """Why a written value was not read, and what would be read."""

    message: str
    expected: str = EXPECTED_NUMBER


_AMBIGUOUS = Refusal(
    "ambiguous number: a point or comma before three digits is a thousands separator in one "
    "convention and a decimal mark in the other",
    "the digits without a separator (700000), spaces for thousands (700 000), or a decimal "
    "comma with another count of decimals (700,0)")
_GROUPS = Refusal("thousands separators must divide the digits into groups of three",
                  "e.g. 1 200 000, 1.200.000,50 or 1,200,000.50")
_MIXED = Refusal("mixes '.' and ',': the thousands separators must come first, each followed "
                 "by three digits, and one decimal mark last",
                 "e.g. 38.500,00 or 38,500.00; a score needs only one mark: 7,5")
_FRACTION_REFUSAL = Refusal("a fraction, not a number: write the number itself",
                            "e.g. 8 (on the criterion's scale), not 8/10")
_RANGE_REFUSAL = Refusal("a range, not a number: write one number",
                         "one value, e.g. 7 or 7,5, not 7-8")
_NOT_A_NUMBER = Refusal("not a number")


def _strip_currency(text: str) -> str:
    """Return ``text`` without ``kr``, ``NOK`` or ``,-`` around the amount."""
    previous = None
    while previous != text:
        previous = text
        text = _CURRENCY_BEFORE.sub("", text).strip()
        text = _CURRENCY_AFTER.sub("", text).strip()
        text = _WHOLE_KRONER.sub("", text).strip()
    return text


def _ambiguous(whole: str, mark: str | None, decimals: str | None) -> bool:
    return (mark is not None and decimals is not None and len(decimals) == 3
            and re.fullmatch(r"[1-9]\d{0,2}", whole) is not None)


def _unsigned(text: str) -> float | Refusal:
    """Return the value of an unsigned number written as the module docstring allows."""
    if _FRACTION.fullmatch(text):
        return _FRACTION_REFUSAL
    if _RANGE.fullmatch(text):
        return _RANGE_REFUSAL
    spaced = _SPACED.fullmatch(text)
    if spaced:
        whole = spaced.group(1) + re.sub(_SPACE, "", spaced.group(2))
        mark, decimals = spaced.group(3), spaced.group(4)
        if decimals is not None and len(decimals) == 3:  # "1 200.000": a third separator?
            return _AMBIGUOUS
        return float(whole + ("." + decimals if decimals else ""))
    if re.search(_SPACE, text):
        return _GROUPS if re.fullmatch(rf"[\d.,{SPACES}]+", text) else _NOT_A_NUMBER
    plain = _PLAIN.fullmatch(text)
    if plain and (plain.group(1) or plain.group(3)):
        whole, mark, decimals = plain.groups()
        if _ambiguous(whole, mark, decimals):
            return _AMBIGUOUS
        return float((whole or "0") + ("." + decimals if decimals else ""))
    exponent = _EXPONENT.fullmatch(text)
    if exponent:
        return float(exponent.group(1).replace(",", ".") + "e" + exponent.group(2))
    dots, commas = text.count("."), text.count(",")
    if not re.fullmatch(r"[\d.,]+", text) or not (dots or commas):
        return _NOT_A_NUMBER
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        head, _, decimals = text.rpartition(decimal)
        if decimal in head or not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", head) \
                or not decimals.isdigit():
            return _MIXED
        return float(head.replace(thousands, "") + "." + decimals)
    mark = "." if dots else ","
    if text.count(mark) == 1:  # "7." or "7,": no digits after the mark
        return _NOT_A_NUMBER
    if re.fullmatch(rf"\d{{1,3}}(?:\{mark}\d{{3}})+", text):  # two or more: only thousands
        return float(text.replace(mark, ""))
    return _GROUPS


def read_number(text: str, *, amount: bool = True) -> float | Refusal | None:
    """Return the number written in ``text``, a :class:`Refusal` saying why it cannot be
    read, or ``None`` for an empty cell.

    ``amount``: a currency (``kr``, ``NOK``) and ``,-`` may surround the number; scores
    (``amount=False``) are numbers only.
    """
    text = text.strip(SPACES + "\t")
    if not text:
        return None
    if amount:
        text = _strip_currency(text)
    sign = 1.0
    if text[:1] in ("-", "+", "\u2212"):
        sign = -1.0 if text[0] != "+" else 1.0
        text = text[1:].lstrip(SPACES)
    value = _unsigned(text)
    if isinstance(value, Refusal):
        return value
    return sign * value


def parse_numbers(values: pd.Series, *, amount: bool = True) -> tuple[pd.Series, pd.Series]:
    """Return ``values`` read as numbers (NaN where empty or refused) and, per value, the
    :class:`Refusal` (``None`` where read or empty).

    Each distinct text is read once: a score file of a million cells holds a few dozen.
    """
    codes, uniques = pd.factorize(values.astype(str), sort=False)
    readings = [read_number(u, amount=amount) for u in uniques]
    numbers = np.array([r if isinstance(r, float) else np.nan for r in readings] or [np.nan],
                       dtype=np.float64)
    refusals = np.array([r if isinstance(r, Refusal) else None for r in readings] or [None],
                        dtype=object)
    return (pd.Series(numbers[codes], index=values.index, dtype=np.float64),
            pd.Series(refusals[codes], index=values.index, dtype=object))


def read_numbers(problems: ProblemList, table: Table, column: str, *, amount: bool = True,
                 rows: NDArray[np.intp] | None = None, not_a_number: str | None = None
                 ) -> pd.Series:
    """Return ``table``'s ``column`` as numbers (NaN where empty or refused) after recording
    one problem per refused value, with its reason (``rows``: only these rows count;
    ``not_a_number``: the message for text that is no number at all)."""
    raw = table.frame[column]
    numbers, refusals = parse_numbers(raw, amount=amount)
    bad = refusals.notna().to_numpy()
    if rows is not None:
        keep = np.zeros(len(raw), dtype=bool)
        keep[rows] = True
        bad = bad & keep
    for refusal in dict.fromkeys(refusals[bad]):
        where = np.flatnonzero(bad & (refusals == refusal).to_numpy())
        message = not_a_number if refusal is _NOT_A_NUMBER and not_a_number else \
            refusal.message
        report_rows(problems, table, where, column, message, found=raw.iloc[where],
                    expected=refusal.expected)
    return numbers


def read_date(text: str) -> dt.date | None:
    """Return the date written ``2026-11-02`` or ``02.11.2026``; ``None`` for anything else."""
    text = text.strip()
    iso = _ISO_DATE.fullmatch(text)
    nordic = _NORWEGIAN_DATE.fullmatch(text)
    try:
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if nordic:
            return dt.date(int(nordic.group(3)), int(nordic.group(2)), int(nordic.group(1)))
    except ValueError:  # 2026-02-30
        return None
    return None


def read_dates(problems: ProblemList, table: Table, column: str) -> list[dt.date | None]:
    """Return ``table``'s ``column`` as dates after recording every value that is not one."""
    raw = table.frame[column]
    dates = [read_date(v) for v in raw]
    bad = [i for i, d in enumerate(dates) if d is None]
    report_rows(problems, table, bad, column, "not a date", found=raw.iloc[bad],
                expected=EXPECTED_DATE)
    return dates
