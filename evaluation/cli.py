"""The ``evaluation`` command line (also ``python -m evaluation``).

Exit status: 0 success, 1 a run or audit that found a failure or difference, 2 bad input
(every problem is printed as ``file[:line]: field: what is wrong (found X, expected Y)``).
"""

from __future__ import annotations

import argparse
import csv
import io
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import EvaluationError, InputError, RunError
from .labels import LANGUAGES

if TYPE_CHECKING:
    from .criteria import Model
    from .freeze import FreezeStatus

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}
# Feature modules that add their own subcommands: each defines
# ``register(sub: argparse._SubParsersAction, command: Callable) -> None``.
FEATURES: tuple[str, ...] = (
    "evaluation.cli_sensitivity",
    "evaluation.cli_integrity",
    "evaluation.cli_paperwork",
    "evaluation.cli_model",
    "evaluation.cli_dashboard",
    "evaluation.cli_lab",
)


def command(name: str) -> Callable[[Handler], Handler]:
    """Register ``name``'s handler (a function taking the parsed arguments)."""
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = handler
        return handler
    return register


def _language(args: argparse.Namespace, default: str) -> str:
    return getattr(args, "language", None) or default


def _print_warnings(warnings: Sequence[object], language: str) -> None:
    for w in warnings:
        text = w.get(language) if hasattr(w, "get") else str(w)
        print(("advarsel: " if language == "nb" else "warning: ") + text, file=sys.stderr)


@command("validate")
def _validate(args: argparse.Namespace) -> int:
    from .scoring import evaluate_tender
    from .tender import load_tender

    tender = load_tender(args.tender)
    evaluation = evaluate_tender(tender)
    language = _language(args, tender.model.language)
    _print_warnings([*tender.warnings, *evaluation.warnings], language)
    n_prop, n_eval = len(tender.proposals), len(tender.evaluators)
    n_crit = len(tender.model.quality_leaves)
    if language == "en":
        print(f"OK: {args.tender}: {n_prop} proposals, {n_eval} evaluators, {n_crit} quality "
              f"criteria, {len(tender.model.price_leaves)} price criteria")
    else:
        print(f"OK: {args.tender}: {n_prop} tilbud, {n_eval} evaluatorer, {n_crit} "
              f"kvalitetskriterier, {len(tender.model.price_leaves)} priskriterier")
    return 0


def _frozen_status(model: Model, args: argparse.Namespace) -> FreezeStatus:
    from .freeze import check_frozen

    return check_frozen(model.source, allow_unfrozen=args.allow_unfrozen, sha256=model.sha256)


def _print_frozen(status: FreezeStatus, language: str) -> None:
    """Say on stderr whether the model is the frozen one (a warning if changed)."""
    prefix = ("advarsel: " if language == "nb" else "warning: ") if status.changed else ""
    print(prefix + status.text(language), file=sys.stderr)


@command("score")
def _score(args: argparse.Namespace) -> int:
    from .results import dumps, score_object, score_rows, score_table
    from .scoring import evaluate_tender
    from .tender import load_tender

    tender = load_tender(args.tender)
    frozen = _frozen_status(tender.model, args)
    evaluation = evaluate_tender(tender)
    language = _language(args, tender.model.language)
    _print_frozen(frozen, language)
    if args.format == "json":
        obj = score_object(evaluation, language)
        obj["model_frozen"] = frozen.as_dict()
        sys.stdout.write(dumps(obj))
        return 0
    _print_warnings([*tender.warnings, *evaluation.warnings], language)
    if args.format == "csv":
        rows = score_rows(score_object(evaluation, language))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["proposal_id"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        print(score_table(evaluation, language))
    return 0


@command("run")
def _run(args: argparse.Namespace) -> int:
    from .runs import NOTEBOOKS, start_run

    result = start_run(args.tender, out=args.out, jobs=args.jobs, language=args.language,
                       progress=not args.quiet, notebooks=args.notebooks or NOTEBOOKS,
                       allow_unfrozen=args.allow_unfrozen)
    from .freeze import FreezeStatus

    _print_frozen(FreezeStatus.from_dict(result.manifest["model"]["frozen"]),
                  args.language or result.manifest["language"])
    if result.ok:
        print(f"run complete: {result.folder}")
        print(f"report: {result.folder / 'report.html'}")
        print(f"manifest sha256: {result.manifest_sha256} (keep it in the procurement file, "
              "outside the run folder)")
        print(f"audit: evaluation audit {shlex.quote(str(result.folder))} --manifest-sha256 "
              f"{result.manifest_sha256}")
        return 0
    print(f"run FAILED: {result.folder}", file=sys.stderr)
    for o in result.outcomes:
        if not o.ok:
            cell = f", cell {o.cell}" if o.cell is not None else ""
            print(f"  {o.name}{cell}: {o.error}", file=sys.stderr)
    return 1


@command("audit")
def _audit(args: argparse.Namespace) -> int:
    from .audit import audit_run

    report = audit_run(args.run_dir, jobs=args.jobs, progress=not args.quiet,
                       rerun=not args.hashes_only, manifest_sha256=args.manifest_sha256)
    for line in report.lines:
        print(line)
    verdict = ("AUDIT FAILED: " if not report.ok else "AUDIT PASSED: " if report.rerun else
               "HASHES PASSED (notebooks not re-executed; run the audit without --hashes-only "
               "for the full verdict): ")
    print(verdict + str(args.run_dir))
    return 0 if report.ok else 1


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1 (``--jobs``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (found {text!r})")
    return value


def full_sha256(text: str) -> str:
    """argparse type: a whole sha256 in hexadecimal, as ``run`` prints it (a prefix or an
    empty value would make the check meaningless)."""
    value = text.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise argparse.ArgumentTypeError(
            f"must be the 64 hexadecimal digits printed by `evaluation run` (found {text!r}, "
            f"{len(value)} characters)")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="evaluation",
        description="Score, rank and audit supplier proposals against weighted award criteria.")
    parser.add_argument("--version", action="version", version=f"evaluation {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def tender_command(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("tender", type=Path, metavar="TENDER", help="a tender folder")
        p.add_argument("--language", choices=LANGUAGES, help="language of the output "
                       "(default: the model's)")
        return p

    tender_command("validate", "check every input file of a tender and report all problems")
    p = tender_command("score", "score and rank the proposals of a tender")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--allow-unfrozen", action="store_true", help="proceed with a model "
                   "changed after it was frozen (the output says so)")
    p = tender_command("run", "execute every notebook of a tender into a new, auditable run "
                       "folder")
    p.add_argument("--jobs", type=positive_int, default=None,
                   help="notebooks at once (default: the cores this process may use)")
    p.add_argument("--out", type=Path, default=Path("runs"), help="runs folder (default: runs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--notebooks", type=Path, default=None,
                   help="folder of notebook templates (default: the workbook's notebooks/)")
    p.add_argument("--allow-unfrozen", action="store_true", help="proceed with a model "
                   "changed after it was frozen (the report says so, in red)")
    p = sub.add_parser("audit", help="verify a run folder's hashes and re-execute its notebooks",
                       description="verify a run folder's hashes and re-execute its notebooks")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--jobs", type=positive_int, default=None,
                   help="notebooks at once (default: the cores this process may use)")
    p.add_argument("--hashes-only", action="store_true",
                   help="check the manifest's hashes without re-executing the notebooks")
    p.add_argument("--manifest-sha256", type=full_sha256, default=None, metavar="SHA256",
                   help="the manifest's sha256 printed by `run` and kept outside the folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    import importlib

    for name in FEATURES:
        importlib.import_module(name).register(sub, command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"run failed: {exc}", file=sys.stderr)
        return 1
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
