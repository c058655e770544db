"""The ``evaluation`` command line (also ``python -m evaluation``).

Exit status: 0 success, 1 a run or audit that found a failure or difference, 2 bad input
(every problem is printed as ``file[:line]: field: what is wrong (found X, expected Y)``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.common.errors import (
    EvaluationError,
    InputError,
    RunError,
    RunInterrupted,
    StorageError,
)
from evaluation.common.labels import LANGUAGES
from evaluation.common.version import __version__

if TYPE_CHECKING:
    from evaluation.core.model import Model
    from evaluation.process.freeze import FreezeStatus

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}
# Modules that add their subcommands (one per command group): each defines
# ``register(sub: argparse._SubParsersAction, command: Callable) -> None``.
FEATURES: tuple[str, ...] = (
    "evaluation.cli.evaluate",
    "evaluation.cli.run",
    "evaluation.cli.sensitivity",
    "evaluation.cli.selection",
    "evaluation.cli.rounds",
    "evaluation.cli.partnership",
    "evaluation.cli.integrity",
    "evaluation.cli.paperwork",
    "evaluation.cli.model",
    "evaluation.cli.dashboard",
    "evaluation.cli.lab",
)


def command(name: str) -> Callable[[Handler], Handler]:
    """Register ``name``'s handler (a function taking the parsed arguments)."""
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = handler
        return handler
    return register


def language_of(args: argparse.Namespace, default: str) -> str:
    """Return the language asked for with ``--language``, else ``default`` (the model's)."""
    return getattr(args, "language", None) or default


def print_warnings(warnings: Sequence[object], language: str) -> None:
    """Print each warning on stderr in ``language`` (bilingual labels or plain text)."""
    for w in warnings:
        text = w.get(language) if hasattr(w, "get") else str(w)
        print(("advarsel: " if language == "nb" else "warning: ") + text, file=sys.stderr)


def frozen_status(model: Model, args: argparse.Namespace) -> FreezeStatus:
    from evaluation.process.freeze import check_frozen

    return check_frozen(model.source, allow_unfrozen=args.allow_unfrozen, sha256=model.sha256)


def print_frozen(status: FreezeStatus, language: str) -> None:
    """Say on stderr whether the model is the frozen one (a warning if changed)."""
    prefix = ("advarsel: " if language == "nb" else "warning: ") if status.changed else ""
    print(prefix + status.text(language), file=sys.stderr)


def add_tender_command(sub: argparse._SubParsersAction, name: str, help_: str
                       ) -> argparse.ArgumentParser:
    """Add a subcommand taking a tender folder and ``--language``; return its parser."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_, description=help_)
    p.add_argument("tender", type=Path, metavar="TENDER", help="a tender folder")
    p.add_argument("--language", choices=LANGUAGES, help="language of the output "
                   "(default: the model's)")
    p.add_argument("--round", metavar="ID", default=None, help="the negotiation round "
                   "(rounds/<id>/; default: the latest present)")
    return p


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

    import importlib

    for name in FEATURES:
        importlib.import_module(name).register(sub, command)
    return parser


def output_language(args: argparse.Namespace) -> str:
    """Return the language of the command's own lines: ``--language``, else the tender's (its
    model's), the run's or the model's; bokmål when none can be read."""
    given = getattr(args, "language", None)
    if given:
        return str(given)
    from evaluation.data.tender import tender_language

    tender = getattr(args, "tender", None)
    if tender is not None:
        return tender_language(tender) or "nb"
    run_dir = getattr(args, "run_dir", None)
    if run_dir is not None:
        import json

        try:
            manifest = json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
            return str(manifest["language"]) if manifest["language"] in LANGUAGES else "nb"
        except (OSError, ValueError, KeyError, TypeError):
            return "nb"
    criteria = getattr(args, "criteria", None)
    if criteria is not None:
        from evaluation.common.errors import ProblemList
        from evaluation.data.yamlio import read_yaml

        doc = read_yaml(Path(criteria), ProblemList())
        language = None if doc is None else doc.data.get("language")
        return str(language) if language in LANGUAGES else "nb"
    return "nb"


def say(language: str, nb: str, en: str) -> str:
    """Return the bokmål or English text of a command's own line."""
    return en if language == "en" else nb


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Problems keep their technical ``file[:line]: field:`` prefix in both languages; the
    command's own lines speak the tender's language. Ctrl-C ends with one line, no traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as exc:
        language = output_language(args)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(say(language, f"{n} problem(er); ingenting ble skrevet.",
                  f"{n} problem(s); nothing was written."), file=sys.stderr)
        return 2
    except RunInterrupted as exc:
        print(say(output_language(args), f"avbrutt: den ufullstendige kjøringen er beholdt som "
                  f"{exc.folder}", f"interrupted: the partial run is kept as {exc.folder}"),
              file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(say(output_language(args), "avbrutt", "interrupted"), file=sys.stderr)
        return 130
    except StorageError as exc:
        print(say(output_language(args), "feil: disken er full: ", "error: the disk is full: ")
              + str(exc), file=sys.stderr)
        return 1
    except RunError as exc:
        print(say(output_language(args), "kjøringen feilet: ", "run failed: ") + str(exc),
              file=sys.stderr)
        return 1
    except EvaluationError as exc:
        print(say(output_language(args), "feil: ", "error: ") + str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
