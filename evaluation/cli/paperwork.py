"""The committee's paperwork commands: ``sheets``, ``notice`` and ``report``.

``sheets TENDER`` writes blind Excel score sheets; ``notice RUN_DIR`` writes draft award
notices into the run folder; ``report RUN_DIR --pdf`` prints the report and protocol to PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES

Handler = Callable[[argparse.Namespace], int]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from exc


def _sheets(args: argparse.Namespace) -> int:
    from evaluation.cli import print_frozen, say
    from evaluation.data.tender import load_tender
    from evaluation.paperwork.sheets import write_score_sheets
    from evaluation.process.freeze import check_frozen

    id_column, scores = "proposal_id", None
    if getattr(args, "stage", "award") == "selection":
        from evaluation.data.prequalification import load_prequalification

        tender = load_prequalification(args.tender, scores=False).competition
        id_column, scores = "applicant_id", tender.folder / "prequalification" / "scores"
    else:
        tender = load_tender(args.tender, scores=False)  # sheets are made before anyone scores
    model = tender.model
    language = args.language or model.language
    print_frozen(check_frozen(model.source, allow_unfrozen=True, sha256=model.sha256), language)
    out = args.out if args.out is not None else Path("sheets") / tender.id / (
        "selection" if id_column == "applicant_id" else "")
    paths = write_score_sheets(tender, out, codes=args.codes, language=args.language,
                               overwrite=args.force, id_column=id_column, scores=scores)
    for path in paths:
        print(path)
    if not paths:
        print(say(language, "ingen evaluatorer i tender.yaml: ingen skjemaer er skrevet",
                  "no evaluators in tender.yaml: no sheets written"))
    return 0


def _notice(args: argparse.Namespace) -> int:
    import json

    from evaluation.paperwork.notice import write_notices

    manifest = Path(args.run_dir) / "manifest.json"
    stage = json.loads(manifest.read_text(encoding="utf-8")).get("stage") \
        if manifest.is_file() else None
    if stage == "selection":  # letters to every applicant not invited or not qualified
        from evaluation.paperwork.selection import write_selection_letters

        for path in write_selection_letters(args.run_dir, language=args.language,
                                            date=args.date):
            print(path)
        return 0
    if stage == "purchase":
        from evaluation.common.errors import EvaluationError

        raise EvaluationError(f"{args.run_dir}: a purchase run has no notices: its decisions "
                              "are the committee's, recorded in purchase.csv and in the report")
    if stage is not None and str(stage).startswith("gate-"):  # partners whose partnership ends
        from evaluation.paperwork.partnership import write_gate_letters

        for path in write_gate_letters(args.run_dir, language=args.language, date=args.date):
            print(path)
        return 0
    paths = write_notices(args.run_dir, language=args.language, date=args.date,
                          price_points=args.price_points, rule=args.standstill_rule,
                          negotiations=args.negotiations)
    for path in paths:
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    from evaluation.paperwork.pdf import print_report

    run = Path(args.run_dir).resolve()
    report = run / "report.html"
    if not report.is_file():
        from evaluation.common.errors import EvaluationError

        raise EvaluationError(f"{report}: no report (is {run} a complete run folder?)")
    from evaluation.cli import output_language, say

    language = output_language(args)
    print(say(language, "rapport (intern, unntatt offentlighet): ",
              "report (internal, exempt from public access): ") + str(report))
    if (run / "report-public.html").is_file():
        print(say(language, "offentlig utgave: ", "public variant: ") +
              str(run / "report-public.html"))
    if args.pdf:
        for pdf in print_report(run):
            print(f"pdf: {pdf}")
    return 0


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Add ``sheets``, ``notice`` and ``report`` to the command line."""
    command("sheets")(_sheets)
    command("notice")(_notice)
    command("report")(_report)
    p = sub.add_parser("sheets", help="write one blind Excel score sheet per evaluator",
                       description="write one blind Excel score sheet per evaluator: "
                       "proposal × criterion lines, only score and justification editable")
    p.add_argument("tender", type=Path, metavar="TENDER", help="a tender folder")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for the sheets (default: sheets/<tender>)")
    p.add_argument("--codes", action="store_true",
                   help="show proposal codes instead of supplier names")
    p.add_argument("--language", choices=LANGUAGES,
                   help="language of titles and guidance (default: the model's)")
    p.add_argument("--force", action="store_true", help="overwrite existing sheets")
    p.add_argument("--stage", choices=("award", "selection"), default="award",
                   help="selection: sheets of the prequalification's evaluators (selection.yaml) "
                   "for the qualified applicants, with applicant_id")
    p = sub.add_parser("notice", help="write a draft award notice for every proposal",
                       description="write a draft award notice (HTML and Markdown) for every "
                       "proposal of a run into RUN_DIR/notices/<language>/")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--language", choices=LANGUAGES,
                   help="language of the notices (default: the run's)")
    p.add_argument("--date", type=_date, default=None,
                   help="the date the notice is sent, YYYY-MM-DD (default: today); the "
                   "standstill period is counted from it")
    p.add_argument("--price-points", choices=("auto", "show", "omit"), default="auto",
                   help="show price points and totals, omit them, or omit them when they "
                   "would reveal rivals' prices (auto, the default)")
    p.add_argument("--standstill-rule", choices=("next-working-day", "calendar-days"),
                   default="next-working-day",
                   help="move a standstill period ending on a weekend or Norwegian public "
                   "holiday to the next working day (default), or count calendar days only")
    p.add_argument("--negotiations", action="store_true",
                   help="add the conduct and progress of the negotiations to every notice "
                   "(told on request, directive 2014/24/EU art. 55(2)(d))")
    p = sub.add_parser("report", help="show a run's report; --pdf prints it to report.pdf",
                       description="show where a run's report (with the evaluation protocol) "
                       "is; --pdf prints it (and its public variant) to RUN_DIR/report.pdf "
                       "and report-public.pdf with headless chromium, A4, every page with "
                       "the run, the manifest's sha256 and its number")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--pdf", action="store_true", help="print report.html to report.pdf and "
                   "report-public.html to report-public.pdf")
