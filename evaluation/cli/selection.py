"""``evaluation select TENDER``: the prequalification's invitation list, and why."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``select`` to the command line."""
    p = sub.add_parser("select", help="qualify and rank the applicants of a prequalification "
                       "and apply the announced invitation rule",
                       description="every applicant: qualified, selection points, rank, "
                       "invited or not, and why; the weight intervals within which the invited "
                       "set stays the same, and each applicant's invitation acceptability")
    p.add_argument("tender", type=Path, metavar="TENDER")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--language", choices=LANGUAGES)
    p.add_argument("--samples", type=int, default=10_000,
                   help="weight draws for the invitation acceptability")
    p.add_argument("--seed", type=int, default=20261126)

    @command("select")
    def _select(args: argparse.Namespace) -> int:
        from evaluation.analysis.invitation import invitation_robustness
        from evaluation.cli import print_warnings
        from evaluation.common.payload import dumps
        from evaluation.core.prequalification import (
            evaluate_selection,
            selection_object,
            selection_table,
        )
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.prequalification import load_prequalification

        if args.samples < 1:
            print(f"--samples: must be at least 1 (found {args.samples})", file=sys.stderr)
            return 2
        from evaluation.cli import print_frozen
        from evaluation.process.freeze import check_frozen

        pq = load_prequalification(args.tender)
        result = evaluate_selection(pq, evaluate_tender(pq.competition))
        model = pq.competition.model
        language = args.language or model.language
        # a selection under another model than the frozen one is still worth seeing: said
        print_frozen(check_frozen(model.source, allow_unfrozen=True, sha256=model.sha256),
                     language)
        robustness = invitation_robustness(result, args.samples, args.seed)
        if args.format == "json":
            obj = selection_object(result, language)
            obj.update(robustness)
            sys.stdout.write(dumps(obj))
            return 0
        print_warnings([*pq.warnings, *(w.get(language) for w in result.selection.warnings)],
                       language)
        print(selection_table(result, language))
        print()
        print(_robustness_lines(robustness, result, language))
        return 0


def _robustness_lines(robustness: dict[str, Any], result: Any, language: str) -> str:
    from evaluation.common.labels import format_number, format_range

    en = language == "en"
    model = result.evaluation.model
    lines = ["The invited set stays the same while one weight moves within (the other weights "
             "rescaled proportionally):" if en else "De inviterte er de samme så lenge én vekt "
             "holder seg innenfor (de andre skaleres forholdsmessig):"]
    for cid, e in robustness["stability"].items():
        lines.append(f"  {model.node(cid).title.get(language)}: "
                     f"{format_number(e['published'], language, 1)} "
                     f"({format_range(e['low'], e['high'], language)})")
    acc = robustness["acceptability"]
    if acc:
        lines.append((f"Invitation acceptability ({acc['samples']} weight draws, "
                      f"{acc['sampler']}):") if en else
                     f"Sannsynlighet for invitasjon ({acc['samples']} vekttrekk, "
                     f"{acc['sampler']}):")
        for pid, p in sorted(acc["invited"].items(), key=lambda kv: -kv[1]):
            if 0.0 < p < 1.0:
                lines.append(f"  {pid}: {format_number(100 * p, language, 1)} %")
        lines.append("  (the others: always or never)" if en else
                     "  (de andre: alltid eller aldri)")
    return "\n".join(lines)
