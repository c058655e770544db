"""``evaluation rounds TENDER``: the negotiation round over round."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``rounds`` to the command line."""
    p = sub.add_parser("rounds", help="each tender round over round: scores, points, prices, "
                       "total, rank and their change",
                       description="evaluate every negotiation round up to --round (default the "
                       "latest present) with the one frozen model and set them side by side, "
                       "with the conduct of the negotiation")
    p.add_argument("tender", type=Path, metavar="TENDER")
    p.add_argument("--round", metavar="ID", default=None)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--language", choices=LANGUAGES)

    @command("rounds")
    def _rounds(args: argparse.Namespace) -> int:
        from evaluation.analysis.rounds import compare_rounds, rounds_object
        from evaluation.common.errors import EvaluationError
        from evaluation.common.payload import dumps
        from evaluation.data.tender import load_tender

        tender = load_tender(args.tender, round=args.round)
        comparison = compare_rounds(tender)
        if comparison is None:
            raise EvaluationError(f"{args.tender}: no negotiation rounds (rounds in "
                                  "tender.yaml): one award, nothing to compare")
        language = args.language or tender.model.language
        obj = rounds_object(comparison)
        if args.format == "json":
            sys.stdout.write(dumps(obj))
            return 0
        print(_table(obj, tender, language))
        return 0


def _table(obj: dict[str, Any], tender: Any, language: str) -> str:
    from evaluation.common.labels import format_money, format_number, text_table
    from evaluation.core.negotiation import conduct

    en = language == "en"
    head = ("id", "supplier" if en else "leverandør", *obj["rounds"])
    rows: list[tuple[str, ...]] = [head]
    for p in obj["proposals"]:
        cells = []
        for rid in obj["rounds"]:
            c = p["rounds"][rid]
            if c is None:
                cells.append("–")
                continue
            if c["total"] is None:
                cells.append("excluded" if en else "utelatt")
                continue
            total = format_number(c["total"], language, 2)
            change = (c.get("change") or {}).get("total")
            delta = "" if change is None else f" ({'+' if change >= 0 else ''}" \
                f"{format_number(change, language, 2)})"
            cells.append(f"{total}{delta} #{c['rank']}")
        rows.append((p["id"], p["supplier"][:30], *cells))
    out = ["Total (change) and rank per round" if en else "Sum (endring) og plass per runde"]
    out += text_table(rows, rstrip=True)
    field = next(iter(obj["proposals"][0]["rounds"][obj["rounds"][-1]]["prices"]), None) \
        if obj["proposals"] else None
    if field:
        out.append("")
        out.append(f"{field} " + ("per round" if en else "per runde"))
        prices = [("id", *obj["rounds"])]
        for p in obj["proposals"]:
            prices.append((p["id"], *("–" if p["rounds"][r] is None else
                                      format_money(p["rounds"][r]["prices"][field], language,
                                                   tender.currency)
                                      for r in obj["rounds"])))
        out += text_table(prices, rstrip=True)
    assert tender.round_plan is not None and tender.negotiation is not None
    for section in conduct(tender.round_plan, tender.negotiation, language):
        out.append("")
        out.append(section.heading)
        out += text_table([section.header, *section.rows], rstrip=True) if section.rows \
            else [section.empty]
    return "\n".join(out)
