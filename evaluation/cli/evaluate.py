"""``evaluation validate TENDER`` and ``evaluation score TENDER``: check and score a tender."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from typing import Any

from evaluation.cli import (
    add_tender_command,
    frozen_status,
    language_of,
    print_frozen,
    print_warnings,
)


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``validate`` and ``score`` to the command line."""
    add_tender_command(sub, "validate",
                       "check every input file of a tender and report all problems")
    p = add_tender_command(sub, "score", "score and rank the proposals of a tender")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--allow-unfrozen", action="store_true", help="proceed with a model "
                   "changed after it was frozen (the output says so)")

    @command("validate")
    def _validate(args: argparse.Namespace) -> int:
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.tender import load_tender

        tender = load_tender(args.tender)
        evaluation = evaluate_tender(tender)
        language = language_of(args, tender.model.language)
        print_warnings([*tender.warnings, *evaluation.warnings], language)
        n_prop, n_eval = len(tender.proposals), len(tender.evaluators)
        n_crit = len(tender.model.quality_leaves)
        if language == "en":
            print(f"OK: {args.tender}: {n_prop} proposals, {n_eval} evaluators, {n_crit} quality "
                  f"criteria, {len(tender.model.price_leaves)} price criteria")
        else:
            print(f"OK: {args.tender}: {n_prop} tilbud, {n_eval} evaluatorer, {n_crit} "
                  f"kvalitetskriterier, {len(tender.model.price_leaves)} priskriterier")
        return 0

    @command("score")
    def _score(args: argparse.Namespace) -> int:
        from evaluation.common.payload import dumps
        from evaluation.core.results import score_object, score_rows, score_table
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.tender import load_tender

        tender = load_tender(args.tender)
        frozen = frozen_status(tender.model, args)
        evaluation = evaluate_tender(tender)
        language = language_of(args, tender.model.language)
        print_frozen(frozen, language)
        if args.format == "json":
            obj = score_object(evaluation, language)
            obj["model_frozen"] = frozen.as_dict()
            sys.stdout.write(dumps(obj))
            return 0
        print_warnings([*tender.warnings, *evaluation.warnings], language)
        if args.format == "csv":
            from evaluation.common.cells import csv_cell

            rows = [{k: csv_cell(v) for k, v in row.items()}
                    for row in score_rows(score_object(evaluation, language))]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["proposal_id"],
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            sys.stdout.write(buffer.getvalue())
        else:
            print(score_table(evaluation, language))
        return 0
