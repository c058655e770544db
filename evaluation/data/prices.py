"""Reads the prices of a tender: price columns of ``proposals.csv`` and the schedule lines of
``prices.csv`` (quantity × unit price, discounted by year to a net present value).
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
from evaluation.data.tables import Table, parse_numbers, read_table, report_rows
from evaluation.data.tables import relative_label as _rel


def evaluated_prices(folder: Path, problems: ProblemList, model: Model, proposals: Table,
                      admissible: pd.Series, files: list[Path]) -> tuple[pd.DataFrame,
                                                                          pd.DataFrame | None]:
    """Return the evaluated price per proposal and price field, and the schedule lines."""
    ids = proposals.frame["proposal_id"]
    fields = list(model.price_fields)
    prices = pd.DataFrame(index=pd.Index(ids, name="proposal_id"), columns=fields,
                          dtype=np.float64)
    lines_path = folder / "prices.csv"
    schedule: pd.DataFrame | None = None
    scheduled: set[tuple[str, str]] = set()
    if lines_path.exists():
        files.append(lines_path)
        table = read_table(lines_path, problems, label=_rel(folder, lines_path),
                           required=("proposal_id", "item", "quantity", "unit_price"),
                           optional=("field", "year"))
        if table is not None:
            normalise_ids(table, "proposal_id", "field")
            schedule = schedule_totals(table, problems, model, fields, ids, prices, scheduled)
    name = proposals.file
    for leaf in model.price_leaves:
        assert leaf.price is not None
        f = leaf.price.field
        in_column = f in proposals.frame.columns
        raw = proposals.frame[f] if in_column else pd.Series([""] * len(ids))
        numbers = parse_numbers(raw).to_numpy()
        given = raw.to_numpy() != ""
        column = prices[f].to_numpy(copy=True)
        for row, pid in enumerate(ids):
            if (pid, f) in scheduled:
                if in_column and given[row]:
                    problems.add(name, f, "price given both here and as prices.csv lines",
                                 line=proposals.where(row), found=raw.iloc[row],
                                 expected="one of the two")
                continue
            if not admissible.iloc[row] and not given[row]:
                continue  # a rejected proposal takes no part in price scoring
            if not in_column:
                problems.add(name, f, f"missing price for criterion {leaf.id}", line=1,
                             found="no such column or prices.csv lines",
                             expected=f"a column {f} or prices.csv lines with field {f}")
                break
            if not given[row] or not np.isfinite(numbers[row]):
                problems.add(name, f, "missing price" if not given[row] else
                             "price is not a number", line=proposals.where(row),
                             found=raw.iloc[row], expected="a number, e.g. 1234567,50")
                continue
            column[row] = numbers[row]
        prices[f] = column
        # costs must be positive; benefit numbers (discounts, hours) at least 0, and above 0
        # for the log model, whose formula takes their logarithm
        cost = leaf.price.direction == "cost"
        strict = cost or leaf.price.model == "log"
        col = prices[f].to_numpy()
        bad = np.isfinite(col) & ((col <= 0) if strict else (col < 0))
        for row in map(int, np.flatnonzero(bad)):
            pid = ids.iloc[row]
            from_lines = (pid, f) in scheduled
            problems.add(_rel(folder, folder / "prices.csv") if from_lines else name, f,
                         "a cost must be positive (the evaluated total)" if cost else
                         f"a benefit number for price model {leaf.price.model} must be "
                         + ("positive" if strict else "zero or more"),
                         line=None if from_lines else proposals.where(row),
                         found=f"{col[row]:.15g} for proposal {pid}",
                         expected="> 0" if strict else ">= 0")
        if in_column:
            ambiguous = np.flatnonzero(raw.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+").to_numpy(
                dtype=bool))
            report_rows(problems, proposals, ambiguous, f, "ambiguous number: a dot before "
                        "three digits may be a thousands separator", found=raw.iloc[ambiguous],
                        expected="digits without separators, e.g. 12500, or a decimal comma")
    return prices, schedule


def schedule_totals(table: Table, problems: ProblemList, model: Model, fields: list[str],
                     ids: pd.Series, prices: pd.DataFrame, scheduled: set[tuple[str, str]]
                     ) -> pd.DataFrame:
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
    frame["quantity"] = parse_numbers(frame["quantity"])
    frame["unit_price"] = parse_numbers(frame["unit_price"])
    for col in ("quantity", "unit_price"):
        bad = np.flatnonzero(~np.isfinite(frame[col].to_numpy()))
        report_rows(problems, table, bad, col, "not a number", found=table.frame[col].iloc[bad])
        negative = np.flatnonzero(frame[col].to_numpy() < 0)
        report_rows(problems, table, negative, col, "must not be negative",
                    found=table.frame[col].iloc[negative], expected=">= 0")
    if "year" in frame.columns:
        frame["year"] = parse_numbers(frame["year"].replace("", "0"))
        bad = np.flatnonzero(~np.isfinite(frame["year"].to_numpy()))
        report_rows(problems, table, bad, "year", "not a year number",
                    found=table.frame["year"].iloc[bad], expected="0, 1, 2, ...")
    else:
        frame["year"] = 0.0
    frame["amount"] = frame["quantity"] * frame["unit_price"]
    rate = model.discount_rate or 0.0
    ok = frame["proposal_id"].isin(known) & frame["field"].isin(fields)
    # A fixed summation order makes the total bit-identical whatever the order of the lines.
    lines = frame[ok].sort_values(["proposal_id", "field", "year", "item", "quantity",
                                   "unit_price"], kind="stable")
    for (pid, f), group in lines.groupby(["proposal_id", "field"], sort=True):
        prices.loc[pid, f] = net_present_value(group["amount"].to_numpy(),
                                               group["year"].to_numpy(), rate)
        scheduled.add((str(pid), str(f)))
    return frame
