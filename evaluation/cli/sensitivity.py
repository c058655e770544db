"""``evaluation sensitivity TENDER``: stability intervals, SMAA-2 and rank-reversal tests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES, format_number, format_range, text_table


def _table(result: dict[str, Any], language: str) -> str:
    en = language == "en"
    out = []
    stab = result["stability"]
    if stab is not None:
        out.append("Weight stability intervals (model units; others rescaled proportionally)"
                   if en else "Stabilitetsintervaller for vektene (modellens enheter; de andre "
                   "skaleres forholdsmessig)")
        head = ("criterion" if en else "kriterium", "published" if en else "publisert",
                "winner" if en else "vinner", "partners" if en else "partnere",
                "ranking" if en else "rangering")
        rows = [head]

        for cid, e in [(k, v) for k, v in stab.items() if k != "leaves"] + \
                [(f"  {k}", v) for k, v in stab["leaves"].items()]:
            rows.append((cid, format_number(e["published"], language, 1),
                         format_range(e["low"], e["high"], language),
                         format_range(e["partners_low"], e["partners_high"], language),
                         format_range(e["ranking_low"], e["ranking_high"], language)))
        out += text_table(rows, rstrip=False)
    smaa = result["smaa"]
    if smaa.get("rank_acceptability"):
        out.append("")
        out.append(f"SMAA-2: {smaa['samples']} {'draws' if en else 'trekk'}, seed {smaa['seed']}, "
                   f"sampler {smaa['sampler']} (acceptance {smaa['acceptance_rate']:.3f})")
        out.append(("proposal  " if en else "tilbud    ") + "  ".join(
            f"b{r + 1:<5}" for r in range(len(smaa["rank_acceptability"]))) +
            ("  confidence" if en else "  konfidens"))
        for pid, b in smaa["rank_acceptability"].items():
            conf = smaa["confidence"][pid]
            out.append(f"{pid:<10}" + "  ".join(f"{x:6.3f}" for x in b) +
                       f"  {'–' if conf is None else format_number(conf, language, 3)}")
        out.append(("ranking entropy " if en else "rangeringsentropi ") +
                   format_number(smaa["ranking_entropy"], language, 3) + " bit")
    if result["rank_reversals"]:
        out.append("")
        out.append("Rank reversal tests (leave out each non-winner, add a dominated decoy)" if en
                   else "Rangeringsreverseringer (fjern hver som ikke vinner, legg til et "
                   "dominert lokketilbud)")
        for r in result["rank_reversals"]:
            changed = [c for c in r["changes"] if c["winner_changed"]]
            out.append(f"  {r['price_model']:<16} {'winner' if en else 'vinner'} {r['winner']}: "
                       f"{len(changed)} {'winner changes' if en else 'vinnerbytter'}, "
                       f"{len(r['changes'])} {'order changes' if en else 'endringer'} / "
                       f"{r['tests']} {'tests' if en else 'tester'}")
    return "\n".join(out)


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``sensitivity`` to the command line."""
    p = sub.add_parser("sensitivity", help="how robust the award is to the weights",
                       description="stability intervals, SMAA-2 and rank-reversal tests")
    p.add_argument("tender", type=Path, metavar="TENDER")
    p.add_argument("--samples", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--sampler", choices=("default", "dirichlet", "ranges", "interval"),
                   default="default", help="default: announced weight ranges if any, "
                   "else Dirichlet(1)")
    p.add_argument("--spread", type=float, default=5.0,
                   help="± percentage points for --sampler interval")
    p.add_argument("--score-uncertainty", action="store_true",
                   help="also draw each score from the evaluators' own scores")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--language", choices=LANGUAGES)
    p.add_argument("--round", metavar="ID", default=None,
                   help="the negotiation round (default: the latest present)")

    @command("sensitivity")
    def _sensitivity(args: argparse.Namespace) -> int:
        from evaluation.analysis.sensitivity import analyse
        from evaluation.common.payload import dumps
        from evaluation.core.scoring import evaluate_tender
        from evaluation.data.tender import load_tender

        if args.samples < 1:
            print(f"--samples: must be at least 1 (found {args.samples})", file=sys.stderr)
            return 2
        from evaluation.cli import print_frozen
        from evaluation.process.freeze import check_frozen

        evaluation = evaluate_tender(load_tender(args.tender, round=args.round))
        model = evaluation.model
        language = args.language or model.language
        # an analysis of another model than the frozen one is still worth seeing: said, not
        # refused
        print_frozen(check_frozen(model.source, allow_unfrozen=True, sha256=model.sha256),
                     language)
        result = analyse(evaluation, args.samples, args.seed, args.sampler, args.spread,
                         args.score_uncertainty)
        if args.format == "json":
            sys.stdout.write(dumps(result))
        else:
            print(_table(result, language))
        return 0
