"""The one guard against spreadsheet formula injection, for every table the package writes.

OWASP, "CSV Injection": a spreadsheet runs a cell beginning with ``=``, ``+``, ``-``, ``@``,
tab or carriage return as a formula (``=cmd|' /C calc'!A0``). A supplier's name or an id
written into a CSV file or a workbook must be shown as typed, never run.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number: a spreadsheet reads it as the number it is, never as a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Return whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """Return ``value`` for a CSV cell: numbers as they are (``-3.5`` stays a number), text
    beginning with a formula character prefixed with ``'`` (shown as typed, never run)."""
    if isinstance(value, str) and formula_like(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
