"""Offered and evaluated prices per proposal and price criterion, for the protocol and the
workbook.

The offered price is what the supplier wrote: the price column of ``proposals.csv``, or the
sum of its ``prices.csv`` lines (quantity × unit price, :func:`schedule_total`). The evaluated
price is what was scored: the same, or the lines' net present value at the model's
``discount_rate`` (the run's ``results.json``). Score and points are the run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evaluation.core.model import Criterion
from evaluation.core.schedule import schedule_total
from evaluation.core.tender import Tender


@dataclass(frozen=True)
class PriceRow:
    """One proposal's price on one price criterion."""

    proposal_id: str
    supplier: str
    leaf: Criterion
    offered: float | None
    evaluated: float | None
    discounted: bool  # the evaluated price is a net present value of yearly lines
    score: float | None
    points: float | None


def offered_prices(tender: Tender) -> dict[tuple[str, str], tuple[float, bool]]:
    """Return ``(proposal_id, field) → (offered total, discounted)`` for every priced pair:
    schedule lines summed undiscounted (discounted: some line lies in a later year), else the
    column of proposals.csv."""
    out: dict[tuple[str, str], tuple[float, bool]] = {}
    for pid, row in tender.prices.iterrows():
        for name, value in row.items():
            if value == value:  # not NaN: a price was read
                out[(str(pid), str(name))] = (float(value), False)
    lines = tender.price_lines
    if lines is not None and len(lines):
        for (pid, field), group in lines.groupby(["proposal_id", "field"], sort=True):
            if (str(pid), str(field)) in out:
                later = bool((group["year"] > 0).any()) and bool(tender.model.discount_rate)
                out[(str(pid), str(field))] = (
                    schedule_total(group["quantity"].to_numpy(), group["unit_price"].to_numpy()),
                    later)
    return out


def price_rows(results: dict[str, Any], tender: Tender) -> list[PriceRow]:
    """Return every proposal's prices (in the results' order) on every price criterion."""
    offered = offered_prices(tender)
    rows = []
    for p in results["proposals"]:
        for leaf in tender.model.price_leaves:
            assert leaf.price is not None
            field = leaf.price.field
            given, discounted = offered.get((p["id"], field), (None, False))
            entry = p["criteria"].get(leaf.id, {})
            evaluated = (p.get("prices") or {}).get(field)
            rows.append(PriceRow(p["id"], p["supplier"], leaf, given,
                                 None if evaluated is None else float(evaluated), discounted,
                                 entry.get("score"), entry.get("points")))
    return rows
