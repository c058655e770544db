"""``evaluation gate TENDER --phase ID``: the gate after a development phase, as a papermill
batch (one gate notebook per partner and a summary) in its own run folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.cli import add_tender_command, positive_int, print_warnings, say


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Add the options of a stage's run: jobs, out, notebooks, quiet, and printing only."""
    p.add_argument("--jobs", type=positive_int, default=None,
                   help="notebooks at once (default: the cores this process may use)")
    p.add_argument("--out", type=Path, default=Path("runs"), help="runs folder (default: runs)")
    p.add_argument("--notebooks", type=Path, default=None,
                   help="folder of notebook templates (default: the workbook's notebooks/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-run", action="store_true", help="print the check only; no run folder")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="with --no-run: a table, or the results as JSON")


def gate_lines(obj: dict[str, Any], partnership: Any, language: str) -> list[str]:
    """Return the gate as plain text: per partner its verdict, targets, decision and flag."""
    from evaluation.common.labels import format_money
    from evaluation.core.gate import MET, NOT_MET

    phase = partnership.plan.phase(obj["phase"])
    words = {MET: say(language, "nådd", "met"), NOT_MET: say(language, "IKKE NÅDD", "NOT MET"),
             "not_evidenced": say(language, "IKKE DOKUMENTERT", "NOT EVIDENCED")}
    out = [say(language, f"Port etter fase {phase.id} ({phase.title.nb})",
               f"Gate after phase {phase.id} ({phase.title.en})")]
    for g in obj["partners"]:
        out.append(f"{g['partner']} {g['supplier']}: {words[g['verdict']]} – "
                   f"{g['recommendation']}")
        targets = {t.id: t for t in phase.targets}
        for t in g["targets"]:
            target = targets[t["id"]]
            shown = target.show(t["statistic"], language).replace("\u00a0", " ")
            out.append(f"  {t['id']:<16} {target.threshold_text(language):<12} "
                       f"{target.rule.text(language):<18} {shown:<10} {words[t['status']]}"
                       .replace("\u00a0", " ").rstrip())
        spent = g["spending"][-1]
        out.append("  " + say(language, "utbetalt i alt ", "paid in all ") +
                   format_money(spent["paid_total"], language).replace("\u00a0", " ") +
                   say(language, " av taket ", " of the ceiling ") +
                   format_money(spent["ceiling"], language).replace("\u00a0", " "))
        d = g["decision"]
        word = {"continue": ("fortsette", "continue"), "end": ("avslutte", "end"),
                "complete": ("fullført", "complete")}[d["decision"]] if d else ("", "")
        out.append("  " + (say(language, "beslutning: ", "decision: ") +
                           f"{say(language, *word)} ({d['date']}, {d['decided_by']}): {d['reason']}"
                           if d else say(language, "ingen beslutning registrert",
                                         "no decision recorded")))
        if g["flag"]:
            out.append("  " + say(language, "MERK: ", "NOTE: ") + g["flag"])
    return out


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``gate`` (and, from :mod:`evaluation.cli.purchase`, ``purchase``)."""
    p = add_tender_command(sub, "gate", "the gate after a development phase: each partner's "
                           "interim targets per arena, spending, and the committee's decision")
    p.add_argument("--phase", required=True, metavar="ID", help="the phase (an id of "
                   "partnership/plan.yaml)")
    add_run_options(p)

    @command("gate")
    def _gate(args: argparse.Namespace) -> int:
        from evaluation.common.payload import dumps
        from evaluation.core.gate import gate_object
        from evaluation.data.partnership import load_partnership
        from evaluation.process.contract import check_plan, plan_text

        partnership = load_partnership(args.tender, through=args.phase)
        status = check_plan(partnership.plan)
        from evaluation.data.tender import tender_language

        language = args.language or tender_language(args.tender) or "nb"
        obj = gate_object(partnership, args.phase, language)
        if args.no_run and args.format == "json":
            sys.stdout.write(dumps(obj))
            return 0
        print(plan_text(status, language), file=sys.stderr)
        print_warnings(partnership.warnings, language)
        print("\n".join(gate_lines(obj, partnership, language)))
        if args.no_run:
            return 0
        from evaluation.cli.run import print_run
        from evaluation.launch.run import start_run
        from evaluation.runs.folder import NOTEBOOKS

        result = start_run(args.tender, out=args.out, jobs=args.jobs, language=language,
                           progress=not args.quiet, notebooks=args.notebooks or NOTEBOOKS,
                           stage=f"gate-{args.phase}")
        return print_run(result, language)
