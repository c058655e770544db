"""``evaluation gate TENDER --phase ID``: the gate after a development phase, as a papermill
batch (one gate notebook per partner and a summary) in its own run folder; ``evaluation
purchase TENDER``: the purchase option's check, in the purchase's run folder."""

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


def purchase_lines(obj: dict[str, Any], language: str) -> list[str]:
    """Return the purchase check as plain text: per partner the verdict, the figures and the
    recorded decisions; the municipalities the option does not cover."""
    from evaluation.common.labels import format_money, format_number

    def money(x: float | None) -> str:
        return format_money(x, language).replace("\u00a0", " ")

    words = {"met": say(language, "nådd", "met"),
             "not_met": say(language, "IKKE NÅDD", "NOT MET"),
             "not_evidenced": say(language, "IKKE DOKUMENTERT", "NOT EVIDENCED")}
    out = [say(language, "Kjøpsopsjonen", "The purchase option")]
    bounds = obj["proportionality"]
    for c in obj["partners"]:
        out.append(f"{c['partner']} {c['supplier']}: " + (
            say(language, "kan utøves", "may be exercised") if c["exercisable"] else
            say(language, "kan IKKE utøves: ", "may NOT be exercised: ") +
            "; ".join(c["reasons"])))
        for t in c["levels"]:
            out.append(f"  {t['id']:<16} {words[t['status']]}")
        out.append("  " + say(language, "pris ", "price ") + money(c["price"]) +
                   say(language, ", makskostnad ", ", maximum cost ") + money(c["maximum_cost"]))
        out.append("  " + say(language, "verdi (kjøper og ja) ", "value (buyer and yes) ") +
                   money(c["value"]["yes"]) + say(language, ", uavklart ", ", undecided ") +
                   money(c["value"]["undecided"]) + say(language, ", investering ",
                                                        ", investment ") +
                   money(c["investment"]))
        ratio = format_number(c["ratio"], language, 2)
        out.append("  " + say(language, "forhold ", "ratio ") + ratio + (
            say(language, " (komiteens grenser ", " (the committee's bounds ") +
            f"{format_number(bounds['min_ratio'], language, 2)}–"
            f"{format_number(bounds['max_ratio'], language, 2)})" if bounds else ""))
        out.append("  " + say(language, "samlet volum ", "total volume ") +
                   money(c["total_volume"]) + say(language, " mot kunngjort ",
                                                  " against the announced ") +
                   money(obj["announced_value"]) + (
                       say(language, ": OVER", ": ABOVE") if c["above_announced"] else ""))
        for d in c["decisions"]:
            decision = say(language, *{"exercise": ("utøve", "exercise"),
                                       "decline": ("ikke utøve", "decline")}[d["decision"]])
            out.append(f"  {d['buyer']}: {decision} ({d['date']}, {d['decided_by']})")
            for flag in d["flag"]:
                out.append("    " + say(language, "MERK: ", "NOTE: ") + flag)
    for f in obj["followers"]:
        if not f["covered"]:
            out.append(say(language, "ikke dekket: ", "not covered: ") + f"{f['id']} "
                       f"{f['name']}: {f['reason']}")
    return out


def _start(args: argparse.Namespace, language: str, stage: str) -> int:
    from evaluation.cli.run import print_run
    from evaluation.launch.run import start_run
    from evaluation.runs.folder import NOTEBOOKS

    result = start_run(args.tender, out=args.out, jobs=args.jobs, language=language,
                       progress=not args.quiet, notebooks=args.notebooks or NOTEBOOKS,
                       stage=stage)
    return print_run(result, language)


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``gate`` and ``purchase``."""
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
        from evaluation.data.tender import tender_language
        from evaluation.process.contract import check_plan, plan_text

        partnership = load_partnership(args.tender, through=args.phase)
        status = check_plan(partnership.plan)

        language = args.language or tender_language(args.tender) or "nb"
        obj = gate_object(partnership, args.phase, language)
        if args.no_run and args.format == "json":
            sys.stdout.write(dumps(obj))
            return 0
        print(plan_text(status, language), file=sys.stderr)
        print_warnings(partnership.warnings, language)
        print("\n".join(gate_lines(obj, partnership, language)))
        return 0 if args.no_run else _start(args, language, f"gate-{args.phase}")

    p = add_tender_command(sub, "purchase", "the purchase option: performance levels, the "
                           "price against the maximum cost, proportionality figures, the "
                           "followers, and the committee's recorded decision")
    add_run_options(p)

    @command("purchase")
    def _purchase(args: argparse.Namespace) -> int:
        from evaluation.common.payload import dumps
        from evaluation.core.purchase import purchase_object
        from evaluation.data.partnership import load_partnership
        from evaluation.data.tender import tender_language
        from evaluation.process.contract import check_plan, plan_text

        partnership = load_partnership(args.tender, purchase=True)
        status = check_plan(partnership.plan)
        language = args.language or tender_language(args.tender) or "nb"
        obj = purchase_object(partnership, language)
        if args.no_run and args.format == "json":
            sys.stdout.write(dumps(obj))
            return 0
        print(plan_text(status, language), file=sys.stderr)
        print_warnings(partnership.warnings, language)
        print("\n".join(purchase_lines(obj, language)))
        return 0 if args.no_run else _start(args, language, "purchase")
