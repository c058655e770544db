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

from evaluation.common.errors import EvaluationError, InputError, RunError
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
