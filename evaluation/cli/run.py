"""``evaluation run TENDER`` and ``evaluation audit RUN_DIR``: a run folder and its audit."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.cli import add_tender_command, full_sha256, positive_int, print_frozen, say


def print_run(result: Any, language: str) -> int:
    """Print where a finished run went (its report, the manifest's sha256 to keep, the audit
    command) or which notebooks failed; return the exit status."""
    if result.ok:
        print(say(language, f"kjøringen er fullført: {result.folder}",
                  f"run complete: {result.folder}"))
        print(say(language, "rapport: ", "report: ") + str(result.folder / "report.html"))
        print(say(language, f"manifestets sha256: {result.manifest_sha256} (ta vare på den i "
                  "anskaffelsesprotokollen, utenfor kjøremappen)",
                  f"manifest sha256: {result.manifest_sha256} (keep it in the procurement "
                  "file, outside the run folder)"))
        print(say(language, "revisjon: ", "audit: ") + "evaluation audit "
              f"{shlex.quote(str(result.folder))} --manifest-sha256 {result.manifest_sha256}")
        return 0
    print(say(language, "kjøringen FEILET: ", "run FAILED: ") + str(result.folder),
          file=sys.stderr)
    for o in result.outcomes:
        if not o.ok:
            cell = f", cell {o.cell}" if o.cell is not None else ""
            print(f"  {o.name}{cell}: {o.error}", file=sys.stderr)
    return 1


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``run`` and ``audit`` to the command line."""
    p = add_tender_command(sub, "run", "execute every notebook of a tender into a new, "
                           "auditable run folder")
    p.add_argument("--jobs", type=positive_int, default=None,
                   help="notebooks at once (default: the cores this process may use)")
    p.add_argument("--out", type=Path, default=Path("runs"), help="runs folder (default: runs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--notebooks", type=Path, default=None,
                   help="folder of notebook templates (default: the workbook's notebooks/)")
    p.add_argument("--allow-unfrozen", action="store_true", help="proceed with a model "
                   "changed after it was frozen (the report says so, in red)")
    p.add_argument("--stage", choices=("award", "selection"), default="award",
                   help="which stage's run: the award (default) or the prequalification's "
                   "selection (runs/<tender>/selection/)")
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

    @command("run")
    def _run(args: argparse.Namespace) -> int:
        from evaluation.launch.run import start_run
        from evaluation.runs.folder import NOTEBOOKS

        result = start_run(args.tender, out=args.out, jobs=args.jobs, language=args.language,
                           progress=not args.quiet, notebooks=args.notebooks or NOTEBOOKS,
                           allow_unfrozen=args.allow_unfrozen, stage=args.stage,
                           round=args.round)
        from evaluation.process.freeze import FreezeStatus

        language = args.language or result.manifest["language"]
        print_frozen(FreezeStatus.from_dict(result.manifest["model"]["frozen"]), language)
        return print_run(result, language)

    @command("audit")
    def _audit(args: argparse.Namespace) -> int:
        from evaluation.runs.audit import audit_run

        report = audit_run(args.run_dir, jobs=args.jobs, progress=not args.quiet,
                           rerun=not args.hashes_only, manifest_sha256=args.manifest_sha256)
        for line in report.lines:
            print(line)
        verdict = ("AUDIT FAILED: " if not report.ok else "AUDIT PASSED: " if report.rerun else
                   f"HASHES PASSED (notebooks not re-executed; {report.not_rerun_because}): ")
        print(verdict + str(args.run_dir))
        return 0 if report.ok else 1
