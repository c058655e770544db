"""Reads the committee's tables (CSV or Excel) as text, keeping where every row came from.

CSV files may use ``,`` or ``;`` as separator and be UTF-8 with or without a byte-order mark;
numbers may use a decimal comma. Everything is read as text so that ``007`` stays ``007``;
columns are typed by the code that knows them (numbers and dates by
:mod:`evaluation.data.numbers`, the same way in every file).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.ids import nfc

MAX_PROBLEMS_PER_KIND = 20  # beyond this a file gets one summary line per kind of problem


@dataclass
class Table:
    """A table read as text, with the physical location of every row for messages."""

    file: str
    frame: pd.DataFrame
    text: str | None = None  # CSV source, to map rows to physical lines only when needed
    sheet_rows: list[str] | None = None  # Excel: "[sheet]:row" for each row
    _lines: list[int] | None = field(default=None, repr=False)

    def where(self, row: int) -> int | str:
        """Return the line (CSV) or ``[sheet]:row`` (Excel) of data row ``row`` (0-based)."""
        if self.sheet_rows is not None:
            return self.sheet_rows[row]
        if self._lines is None:
            self._lines = _record_lines(self.text or "", self.separator)
        return self._lines[row] if row < len(self._lines) else row + 2

    @property
    def separator(self) -> str:
        return self.frame.attrs.get("separator", ",")


def relative_label(folder: Path, path: Path) -> str:
    """Name a file for messages as the user would: relative to the tender's parent folder.

    ``folder`` is the tender folder or a folder inside it (a round's ``rounds/<id>/``): the
    tender is the nearest of them holding ``tender.yaml``.
    """
    tender = next((p for p in (folder, *folder.parents) if (p / "tender.yaml").is_file()
                   and p in (folder, folder.parent, folder.parent.parent)), folder)
    try:
        return str(path.relative_to(tender.parent))
    except ValueError:
        return str(path)


def _record_lines(text: str, separator: str) -> list[int]:
    """Return the first physical line of each data record (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    starts: list[int] = []
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if record:  # pandas skips blank lines too
            starts.append(start)
    return starts[1:]  # drop the header


def _long_records(text: str, separator: str) -> list[tuple[int, int, int]]:
    """Return ``(line, values, columns)`` of each record with more values than the header."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    out: list[tuple[int, int, int]] = []
    width, previous_end = None, 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not record:
            continue
        if width is None:
            width = len(record)
        elif len(record) > width:
            out.append((start, len(record), width))
    return out


def _detect_separator(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def refuse_old_excel(problems: ProblemList, label: str, path: Path) -> None:
    """Record that ``path`` is in the old Excel format (``.xls``), which is not read."""
    problems.add(label, "file", "old Excel format: save as .xlsx (Excel: File > Save As > "
                 "Excel Workbook)", found=path.name, expected=f"{path.stem}.xlsx")


def read_table(path: Path, problems: ProblemList, *, label: str, required: tuple[str, ...],
               optional: tuple[str, ...] = (), allow_empty_rows: bool = True) -> Table | None:
    """Return the table in ``path`` (``.csv`` or ``.xlsx``), or ``None`` after recording why not.

    Missing required columns are reported; unknown extra columns are kept (sheets generated
    by ``evaluation sheets`` carry criterion titles beside the scores).
    """
    if not path.is_file():
        problems.add(label, "file", "missing file", found="nothing",
                     expected=f"a table with columns {', '.join(required)}")
        return None
    if path.stat().st_size == 0:
        problems.add(label, "file", "empty file", found="0 bytes",
                     expected=f"at least a header line: {','.join(required)}")
        return None
    if path.suffix.lower() == ".xls":
        refuse_old_excel(problems, label, path)
        return None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_excel(path, problems, label, required)
    else:
        table = _read_csv(path, problems, label)
    if table is None:
        return None
    missing = [c for c in required if c not in table.frame.columns]
    if missing:
        problems.add(label, ", ".join(missing), "missing column",
                     line=1 if table.sheet_rows is None else None,
                     found=", ".join(map(str, table.frame.columns)) or "no columns",
                     expected=", ".join((*required, *optional)))
        return None
    return table


def _read_csv(path: Path, problems: ProblemList, label: str) -> Table | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(label, "encoding", "not UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)",
                     found=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}", expected="UTF-8")
        return None
    if not text.strip():
        problems.add(label, "file", "empty file", found=f"{len(raw)} bytes of white space",
                     expected="at least a header line")
        return None
    separator = _detect_separator(text.splitlines()[0])
    # Checked before pandas, which fails on a long row, or, when every data row is one value
    # longer than the header, silently takes the first column as the index (shifting all).
    long_rows = _long_records(text, separator)
    if long_rows:
        for line, count, width in long_rows[:MAX_PROBLEMS_PER_KIND]:
            example = ', e.g. "7,5"' if separator == "," else ""
            problems.add(label, "row", "more values than columns (a value containing "
                         f"{separator!r} must be in quotes{example})", line=line,
                         found=f"{count} values", expected=f"{width}, as in the header")
        if len(long_rows) > MAX_PROBLEMS_PER_KIND:
            problems.add(label, "row", f"{len(long_rows) - MAX_PROBLEMS_PER_KIND} more rows "
                         "with more values than columns")
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        problems.add(label, "format", f"not a readable CSV table: {str(exc).strip()}")
        return None
    frame.columns = [nfc(str(c).strip()) for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    frame.attrs["separator"] = separator
    return Table(label, frame, text=text)


def _read_excel(path: Path, problems: ProblemList, label: str,
                required: tuple[str, ...]) -> Table | None:
    """Return the first sheet with the required header, after refusing what would be read
    wrongly: a formula (its cached result may be stale or absent) and merged cells (the
    value belongs to one row only)."""
    import openpyxl  # deferred: only Excel inputs pay for it

    try:  # not read-only: merged cells and formulas are only seen in a full load
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problems.add(label, "file", f"not a readable Excel workbook: {exc}")
        return None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows()
            header = next(rows, None)
            if header is None:
                continue
            names = [nfc(str(h.value).strip()) if h.value is not None else "" for h in header]
            if not set(required) <= set(names):
                continue
            if not _check_cells(sheet, names, problems, label):
                return None
            records: list[list[str]] = []
            where: list[str] = []
            for number, row in enumerate(rows, start=2):
                values = [c.value for c in row]
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                records.append([_cell_text(v) for v in values[: len(names)]] +
                               [""] * max(0, len(names) - len(values)))
                where.append(f"[{sheet.title}]:{number}")
            frame = pd.DataFrame(records, columns=names, dtype=str)
            frame = frame.loc[:, [n for n in names if n]]
            return Table(label, frame, sheet_rows=where)
    finally:
        book.close()
    problems.add(label, "sheet", "no worksheet has the required header row",
                 found=", ".join(s.title for s in book.worksheets),
                 expected=f"a sheet with columns {', '.join(required)}")
    return None


def _check_cells(sheet: Any, names: list[str], problems: ProblemList, label: str) -> bool:
    """Record every merged range and formula in the sheet's named columns; return whether
    there were none."""
    from openpyxl.utils import get_column_letter

    named = {i + 1: n for i, n in enumerate(names) if n}
    found = False
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        columns = [named[c] for c in range(merged.min_col, merged.max_col + 1) if c in named]
        if columns and merged.max_row >= 2:
            found = True
            problems.add(label, columns[0], f"{merged.coord} merged; give each row its own "
                         f"{columns[0]}", line=f"[{sheet.title}]:{max(merged.min_row, 2)}")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f" and cell.column in named:
                found = True
                problems.add(label, named[cell.column], f"formula {cell.value}, not a value: "
                             "type the number", line=f"[{sheet.title}]:{cell.row}",
                             found=f"{get_column_letter(cell.column)}{cell.row}")
    return not found


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        # a typed 1.125 is a number, not text: "1.125" would read as an ambiguous thousands
        # separator, "1.1250" reads as what Excel holds
        return text + "0" if re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", text) else text
    return str(value).strip()


def report_rows(problems: ProblemList, table: Table, rows: np.ndarray | list[int], field_: str,
                message: str, *, found: pd.Series | list[object] | None = None,
                expected: object = None) -> None:
    """Record one problem per bad row (at most :data:`MAX_PROBLEMS_PER_KIND`, then a summary)."""
    rows = list(rows)
    found_list = list(found) if found is not None else [None] * len(rows)
    for row, value in zip(rows[:MAX_PROBLEMS_PER_KIND], found_list, strict=False):
        problems.add(table.file, field_, message, line=table.where(int(row)), found=value,
                     expected=expected)
    if len(rows) > MAX_PROBLEMS_PER_KIND:
        problems.add(table.file, field_, f"{len(rows) - MAX_PROBLEMS_PER_KIND} more rows with "
                     f"the same problem: {message}")
