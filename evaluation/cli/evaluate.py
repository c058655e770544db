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
    say,
)
from evaluation.common.labels import Label


def _record_warnings(tender: Any, frozen: Any, language: str) -> None:
    """Print the warnings about the order of the recorded dates (declarations, seal, freeze)."""
    from evaluation.process.chronology import chronology_warnings

    print_warnings(chronology_warnings(tender, frozen.frozen_at), language)


QUALITY_ONLY = Label(
    "BARE KVALITET: prisene er ikke åpnet (price_opening: after_seal, kvaliteten er ikke "
    "forseglet); rangeringen er etter kvalitet alene og er ingen tildeling.",
    "QUALITY ONLY: the prices are not opened (price_opening: after_seal, quality not sealed); "
    "the ranking is by quality alone and is no award.")


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``validate`` and ``score`` to the command line."""
    p = add_tender_command(sub, "validate",
                           "check every input file of a tender and report all problems, and "
                           "what `run` would refuse")
    p.add_argument("--allow-unfrozen", action="store_true", help="accept a model changed after "
                   "it was frozen (as run --allow-unfrozen would)")
    p = add_tender_command(sub, "score", "score and rank the proposals of a tender")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--allow-unfrozen", action="store_true", help="proceed with a model "
                   "changed after it was frozen (the output says so)")

    @command("validate")
    def _validate(args: argparse.Namespace) -> int:
        from evaluation.common.errors import TenderError
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.tender import load_tender
        from evaluation.process.readiness import run_refusals

        tender = load_tender(args.tender, round=args.round)
        language = language_of(args, tender.model.language)
        refusals, frozen = run_refusals(tender, allow_unfrozen=args.allow_unfrozen)
        # before the seal a tender is valid and scored on quality: run refuses it, but every
        # file may be right, so it is said, not refused
        blocking = [p for p in refusals if p.field != "price_opening"]
        if blocking:
            raise TenderError(blocking)
        evaluation = evaluate_tender(tender)
        print_frozen(frozen, language)
        print_warnings([*tender.warnings, *evaluation.warnings], language)
        _record_warnings(tender, frozen, language)
        if tender.quality_only:
            print_warnings([Label(
                "evaluation run og evaluation notice avviser konkurransen til kvaliteten er "
                "forseglet (evaluation seal).",
                "evaluation run and evaluation notice refuse the tender until quality is "
                "sealed (evaluation seal).")], language)
        n_prop, n_eval = len(tender.proposals), len(tender.evaluators)
        n_crit = len(tender.model.quality_leaves)
        print(say(language, f"OK: {args.tender}: {n_prop} tilbud, {n_eval} evaluatorer, "
                  f"{n_crit} kvalitetskriterier, {len(tender.model.price_leaves)} priskriterier",
                  f"OK: {args.tender}: {n_prop} proposals, {n_eval} evaluators, {n_crit} "
                  f"quality criteria, {len(tender.model.price_leaves)} price criteria"))
        return 0

    @command("score")
    def _score(args: argparse.Namespace) -> int:
        from evaluation.common.payload import dumps
        from evaluation.core.results import score_object, score_rows, score_table
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.tender import load_tender

        tender = load_tender(args.tender, round=args.round)
        frozen = frozen_status(tender.model, args)
        evaluation = evaluate_tender(tender)
        language = language_of(args, tender.model.language)
        print_frozen(frozen, language)
        _record_warnings(tender, frozen, language)
        if args.format == "json":
            obj = score_object(evaluation, language)
            obj["model_frozen"] = frozen.as_dict()
            if tender.quality_only:
                obj["quality_only"] = QUALITY_ONLY.get(language)
            sys.stdout.write(dumps(obj))
            return 0
        print_warnings([*tender.warnings, *evaluation.warnings], language)
        if args.format == "csv":
            from evaluation.common.cells import csv_cell

            if tender.quality_only:
                print_warnings([QUALITY_ONLY], language)
            rows = [{k: csv_cell(v) for k, v in row.items()}
                    for row in score_rows(score_object(evaluation, language))]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["proposal_id"],
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            sys.stdout.write(buffer.getvalue())
        else:
            if tender.quality_only:
                print(QUALITY_ONLY.get(language))
            print(score_table(evaluation, language))
        return 0
