"""Bilingual labels and Norwegian number and date formats.

Everything a committee member reads exists in bokmål (``nb``) and English (``en``). In bokmål
numbers use a non-breaking space as thousands separator and a decimal comma
(``1 234 567,89 kr``), dates ``26.11.2026``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES = ("nb", "en")
NBSP = "\u00a0"


@dataclass(frozen=True)
class Label:
    """A text in bokmål and English; a plain string in a model file serves both."""

    nb: str
    en: str

    def get(self, language: str) -> str:
        """Return the text in ``language`` (``nb`` or ``en``)."""
        return self.en if language == "en" else self.nb

    def __str__(self) -> str:
        return self.nb


def format_number(value: float | None, language: str, decimals: int = 2) -> str:
    """Return ``value`` as text: ``1 234,57`` in bokmål, ``1,234.57`` in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
        text = text.replace("-", "\u2212", 1) if text.startswith("-") else text
    return text


def format_money(value: float | None, language: str, currency: str = "NOK",
                 decimals: int = 0) -> str:
    """Return an amount: ``1 234 567 kr`` in bokmål, ``NOK 1,234,567`` in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = format_number(value, language, decimals)
    if language == "nb":
        unit = "kr" if currency == "NOK" else currency
        return f"{number}{NBSP}{unit}"
    return f"{currency}{NBSP}{number}"


def format_date(value: dt.date, language: str) -> str:
    """Return a date: ``26.11.2026`` in bokmål, ``2026-11-26`` (ISO 8601) in English."""
    return value.strftime("%d.%m.%Y") if language == "nb" else value.isoformat()


def format_percent(value: float | None, language: str, decimals: int = 1) -> str:
    """Return a percentage given in percent units: ``30,0 %`` / ``30.0 %``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value, language, decimals)}{NBSP}%"


def pick(language: str, nb: str, en: str) -> str:
    """Return the English text for ``en``, the bokmål text otherwise."""
    return en if language == "en" else nb


def format_range(low: float | None, high: float | None, language: str,
                 decimals: int = 1) -> str:
    """Return ``low–high`` in the language's number format, "–" when either end is missing."""
    if low is None or high is None:
        return "–"
    return f"{format_number(low, language, decimals)}–{format_number(high, language, decimals)}"


def yes_no(flag: object, language: str) -> str:
    """Return "ja"/"nei" or "yes"/"no" for a flag."""
    return pick(language, "ja", "yes") if flag else pick(language, "nei", "no")


def text_table(rows: Sequence[Sequence[str]], *, rstrip: bool = True) -> list[str]:
    """Return the rows as plain-text lines, each column padded to its widest cell."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return [line.rstrip() for line in lines] if rstrip else lines
