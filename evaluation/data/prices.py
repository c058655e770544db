"""Reads the prices of a tender: price columns of ``proposals.csv`` and the schedule lines of
``prices.csv`` (quantity × unit price, discounted by year to a net present value).

``year`` counts whole years from today, as :func:`evaluation.core.schedule.net_present_value`
discounts them: 0 is today (not discounted), 1 the end of the first year, and so on. A
calendar year (2027), a negative or a fractional year is refused with that hint.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.ids import show_id
from evaluation.core.model import Model
from evaluation.core.schedule import net_present_value
from evaluation.data.identifiers import normalise_ids
from evaluation.data.numbers import EXPECTED_NUMBER, read_numbers
from evaluation.data.tables import MAX_PROBLEMS_PER_KIND, Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel

MAX_YEAR = 100  # years ahead; more is a calendar year or a typing error
YEAR_HINT = "whole years from today: 0 = today, 1 = the end of the first year, 2, 3, …"


def evaluated_prices(folder: Path, problems: ProblemList, model: Model, proposals: Table,
                      admissible: pd.Series, files: list[Path], warnings: list[str]
                      ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return the evaluated price per proposal and price field, and the schedule lines."""
    ids = proposals.frame["proposal_id"]
    fields = list(model.price_fields)
    prices = pd.DataFrame(index=pd.Index(ids, name="proposal_id"), columns=fields,
                          dtype=np.float64)
    lines_path = folder / "prices.csv"
    lines_label = _rel(folder, lines_path)
    schedule: pd.DataFrame | None = None
    scheduled: set[tuple[str, str]] = set()
    if lines_path.exists():
        files.append(lines_path)
        table = read_table(lines_path, problems, label=lines_label,
                           required=("proposal_id", "item", "quantity", "unit_price"),
                           optional=("field", "year"))
        if table is not None:
            normalise_ids(table, "proposal_id", "field")
            schedule = schedule_totals(table, problems, model, fields, ids, prices, scheduled,
                                       warnings, _rel(folder, model.source))
    with_lines = {f for _, f in scheduled}
    name = proposals.file
    given_admissible = admissible.to_numpy(dtype=bool)
    for leaf in model.price_leaves:
        assert leaf.price is not None
        f = leaf.price.field
        in_column = f in proposals.frame.columns
        raw = proposals.frame[f] if in_column else pd.Series([""] * len(ids), index=ids.index)
        given = (raw != "").to_numpy()
        from_lines = np.array([(pid, f) in scheduled for pid in ids], dtype=bool)
        both = np.flatnonzero(from_lines & given)
        report_rows(problems, proposals, both, f, "price given both here and as prices.csv "
                    "lines", found=raw.iloc[both], expected="one of the two")
        # a rejected proposal without a price takes no part in price scoring
        needed = ~from_lines & (given_admissible | given)
        if not in_column and needed.any():
            if f in with_lines:  # the others' prices are lines: this proposal has none
                lacking = ids.iloc[np.flatnonzero(needed)]
                for pid in lacking.iloc[:MAX_PROBLEMS_PER_KIND]:
                    problems.add(lines_label, "proposal_id", f"no lines for proposal {pid} "
                                 f"(price field {f}), which other proposals have",
                                 found="no lines", expected=f"the lines of proposal {pid}, or "
                                 f"a column {f} in {name}")
            else:
                problems.add(name, f, f"missing price for criterion {leaf.id}", line=1,
                             found="no such column or prices.csv lines",
                             expected=f"a column {f} or prices.csv lines with field {f}")
            continue
        numbers = read_numbers(problems, proposals, f, rows=np.flatnonzero(needed),
                               not_a_number="price is not a number") if in_column else \
            pd.Series(np.nan, index=ids.index)
        missing = np.flatnonzero(needed & ~given)
        report_rows(problems, proposals, missing, f, "missing price", found=raw.iloc[missing],
                    expected=EXPECTED_NUMBER)
        column = prices[f].to_numpy(copy=True)
        take = needed & given
        column[take] = numbers.to_numpy()[take]
        prices[f] = column
        # costs must be positive; benefit numbers (discounts, hours) at least 0, and above 0
        # for the log model, whose formula takes their logarithm
        cost = leaf.price.direction == "cost"
        strict = cost or leaf.price.model == "log"
        col = prices[f].to_numpy()
        bad = np.isfinite(col) & ((col <= 0) if strict else (col < 0))
        for row in map(int, np.flatnonzero(bad)):
            pid = ids.iloc[row]
            problems.add(lines_label if from_lines[row] else name, f,
                         "a cost must be positive (the evaluated total)" if cost else
                         f"a benefit number for price model {leaf.price.model} must be "
                         + ("positive" if strict else "zero or more"),
                         line=None if from_lines[row] else proposals.where(row),
                         found=f"{col[row]:.15g} for proposal {pid}",
                         expected="> 0" if strict else ">= 0")
    return prices, schedule


def read_years(table: Table, problems: ProblemList) -> pd.Series:
    """Return the ``year`` column (0 where empty), recording every value that is not a whole
    number of years from today, with a hint for a calendar year."""
    raw = table.frame["year"]
    years = read_numbers(problems, table, "year", amount=False).where(raw != "", 0.0)
    values = years.to_numpy()
    finite = np.isfinite(values)
    checks = (
        (finite & (values >= 1900), "a calendar year: year counts years from today"),
        (finite & (values < 0), "a negative year: year counts years from today"),
        (finite & (values >= 0) & (values != np.round(values)),
         "a fractional year: year counts whole years"),
        (finite & (values > MAX_YEAR) & (values < 1900),
         f"more than {MAX_YEAR} years ahead"),
    )
    for mask, message in checks:
        rows = np.flatnonzero(mask)
        report_rows(problems, table, rows, "year", message, found=raw.iloc[rows],
                    expected=YEAR_HINT)
    return years


def schedule_totals(table: Table, problems: ProblemList, model: Model, fields: list[str],
                    ids: pd.Series, prices: pd.DataFrame, scheduled: set[tuple[str, str]],
                    warnings: list[str], model_label: str) -> pd.DataFrame:
    """Return the schedule lines typed, after writing each proposal's evaluated price (the net
    present value of its lines) into ``prices`` and recording which it has in ``scheduled``."""
    frame = table.frame.copy()
    if "field" not in frame.columns or (frame["field"] == "").all():
        if len(fields) != 1:
            problems.add(table.file, "field", "with several price criteria every line must "
                         "name its price field", line=1, found="no field column",
                         expected=" | ".join(fields))
            return frame
        frame["field"] = fields[0]
    known = set(ids)
    bad = np.flatnonzero(~frame["proposal_id"].isin(known))
    report_rows(problems, table, bad, "proposal_id", "unknown proposal",
                found=[show_id(p) for p in frame["proposal_id"].iloc[bad]],
                expected="an id from proposals.csv")
    bad = np.flatnonzero(~frame["field"].isin(fields))
    report_rows(problems, table, bad, "field", "unknown price field",
                found=frame["field"].iloc[bad], expected=" | ".join(fields))
    for col in ("quantity", "unit_price"):
        frame[col] = read_numbers(problems, table, col)
        empty = np.flatnonzero((table.frame[col] == "").to_numpy())
        report_rows(problems, table, empty, col, "not a number",
                    found=table.frame[col].iloc[empty], expected=EXPECTED_NUMBER)
        negative = np.flatnonzero(frame[col].to_numpy() < 0)
        report_rows(problems, table, negative, col, "must not be negative",
                    found=table.frame[col].iloc[negative], expected=">= 0")
    if "year" in frame.columns:
        frame["year"] = read_years(table, problems)
        later = np.flatnonzero(frame["year"].to_numpy() > 0)
        if later.size and model.discount_rate is None:
            problems.add(table.file, "year", "lines for later years are discounted, but the "
                         f"model has no discount_rate ({model_label})", line=table.where(
                             int(later[0])), found=f"year {table.frame['year'].iloc[later[0]]}",
                         expected=f"discount_rate: 0.04 (for example) in {model_label}")
    else:
        frame["year"] = 0.0
    frame["amount"] = frame["quantity"] * frame["unit_price"]
    rate = model.discount_rate or 0.0
    ok = frame["proposal_id"].isin(known) & frame["field"].isin(fields)
    _warn_missing_lines(frame[ok], table.file, warnings)
    # A fixed summation order makes the total bit-identical whatever the order of the lines.
    lines = frame[ok].sort_values(["proposal_id", "field", "year", "item", "quantity",
                                   "unit_price"], kind="stable")
    for (pid, f), group in lines.groupby(["proposal_id", "field"], sort=True):
        prices.loc[pid, f] = net_present_value(group["amount"].to_numpy(),
                                               group["year"].to_numpy(), rate)
        scheduled.add((str(pid), str(f)))
    return frame


def _warn_missing_lines(frame: pd.DataFrame, label: str, warnings: list[str]) -> None:
    """Warn of every (item × year) line of a price field that other proposals have and a
    proposal lacks: a missing line prices that item at nothing."""
    missing: list[str] = []
    for f, lines in frame.groupby("field", sort=True):
        have = set(zip(lines["proposal_id"], lines["item"], lines["year"], strict=True))
        items = sorted(set(zip(lines["item"], lines["year"], strict=True)))
        for pid in sorted(set(lines["proposal_id"])):
            missing += [f"{label}: proposal {pid} has no line for item {item!r}, year "
                        f"{year:g} (price field {f}), which other proposals have"
                        for item, year in items if (pid, item, year) not in have]
    warnings += missing[:MAX_PROBLEMS_PER_KIND]
    if len(missing) > MAX_PROBLEMS_PER_KIND:
        warnings.append(f"{label}: {len(missing) - MAX_PROBLEMS_PER_KIND} more missing lines")
