"""``evaluation model-test CRITERIA`` and ``evaluation freeze CRITERIA``.

A feature module of the command line (see ``FEATURES`` in :mod:`evaluation.cli`): the model
test compares the model's price model with the catalogue's alternatives on fictitious
competitions; freezing records the model's sha256 and the model test before the competition
is announced.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES

Handler = Callable[[argparse.Namespace], int]

_SHORT = {
    "nb": ("Modell", "Rel.", "Vinner∆ fjernet", "Vinner∆ lokke", "Rekkef.∆", "Aldri snudd",
           "Kr/poeng median", "Kvartiler", "Neg.", "Utenfor", "Uinnhentbar", "Lekker"),
    "en": ("Model", "Rel.", "Winner∆ removed", "Winner∆ decoy", "Order∆", "Never reversed",
           "NOK/point median", "Quartiles", "Neg.", "Outside", "Unbeatable", "Leaks"),
}


def _text_table(rows: list[dict[str, str]], head: tuple[str, ...]) -> str:
    from evaluation.common.labels import text_table

    return "\n".join(text_table([list(head), *([v.replace("\u00a0", " ") for v in r.values()]
                                                for r in rows)]))


def format_model_test(result: Any, language: str) -> str:
    """Return the model test as plain text: settings, the comparison table, realised weights."""
    from evaluation.common.labels import format_number, format_percent
    from evaluation.views.modeltest import comparison_rows, realised_rows

    s = result.settings
    en = language == "en"
    spread = format_percent(100 * s.spread, language, 0).replace("\u00a0", " ")
    rho = format_number(s.correlation, language, 2)
    out = [("Model test: " if en else "Test av modellen: ") + f"{result.model.id} "
           f"({result.model.source.name}, sha256 {result.model.sha256[:12]}…)",
           (f"{s.competitions} fictitious competitions, {s.proposals[0]}–{s.proposals[1]} "
            f"proposals, price spread {spread}, price–quality correlation {rho}, seed {s.seed}"
            if en else
            f"{s.competitions} fiktive konkurranser, {s.proposals[0]}–{s.proposals[1]} tilbud, "
            f"prisspredning {spread}, korrelasjon pris–kvalitet {rho}, frø {s.seed}"), ""]
    out.append(_text_table(comparison_rows(result, language), _SHORT[language]))
    out += ["", result.conclusion(language), ""]
    out.append("Realised weights of the model's own price model (%):" if en else
                "Realiserte vekter med modellens egen prismodell (%):")
    out.append(_text_table(realised_rows(result, result.own, language),
                           ("Criterion", "Nominal", "Realised mean", "5–95") if en else
                           ("Kriterium", "Nominell", "Realisert snitt", "5–95")))
    out += ["", ("Assumptions:" if en else "Forutsetninger:")]
    out += [f"- {a.get(language)}".replace("\u00a0", " ")
            for a in (*result.assumptions, *result.notes)]
    return "\n".join(out)


def _settings(model: Any, args: argparse.Namespace) -> Any:
    from evaluation.analysis.modeltest import read_settings

    return read_settings(model, {"competitions": args.competitions, "seed": args.seed})


def _model_test(args: argparse.Namespace) -> int:
    from evaluation.analysis.modeltest import run_model_test
    from evaluation.common.payload import dumps
    from evaluation.data.criteria import load_model

    model = load_model(args.criteria)
    language = args.language or model.language
    result = run_model_test(model, _settings(model, args))
    if args.format == "json":
        sys.stdout.write(dumps(result.as_dict(language)))
    else:
        print(format_model_test(result, language))
    return 0


def _freeze(args: argparse.Namespace) -> int:
    from evaluation.analysis.modeltest import run_model_test
    from evaluation.cli import say
    from evaluation.data.criteria import load_model, model_purpose
    from evaluation.data.partnership import plan_file
    from evaluation.process.freeze import write_lock

    if plan_file(Path(args.criteria)):  # the contract: no model test, a change needs a reason
        return _freeze_plan(args)
    purpose = model_purpose(Path(args.criteria))
    model = load_model(args.criteria, purpose=purpose)  # an invalid model is never frozen
    language = args.language or model.language
    if purpose == "selection":  # no price to test: the lock fixes the criteria and weights
        path, written = write_lock(args.criteria, {"not_applicable": "selection criteria "
                                                   "have no price model to test"},
                                   force=args.force)
        print(say(language, "frosset: " if written else "allerede frosset, låsen er beholdt: ",
                  "frozen: " if written else "already frozen, lock kept: ") + str(path))
        print(f"sha256 {model.sha256}")
        return 0
    result = run_model_test(model, _settings(model, args))
    record = {"seed": result.settings.seed, "settings": result.settings.as_dict(),
              "summary": result.summary()}
    path, written = write_lock(args.criteria, record, force=args.force)
    if language == "en":
        print(("frozen: " if written else "already frozen, lock kept: ") + str(path))
        print(f"sha256 {model.sha256}; model test: seed {result.settings.seed}, "
              f"{result.settings.competitions} competitions")
    else:
        print(("frosset: " if written else "allerede frosset, låsen er beholdt: ") + str(path))
        print(f"sha256 {model.sha256}; modelltest: frø {result.settings.seed}, "
              f"{result.settings.competitions} konkurranser")
    print(result.conclusion(language))
    return 0


def _freeze_plan(args: argparse.Namespace) -> int:
    from evaluation.cli import output_language, say
    from evaluation.data.partnership import load_plan
    from evaluation.process.contract import freeze_plan

    tender = Path(args.criteria).resolve().parent.parent
    plan = load_plan(tender)  # an invalid plan is never frozen (no phase records needed)
    language = args.language or output_language(argparse.Namespace(tender=tender))
    path, written = freeze_plan(args.criteria, reason=args.reason)
    print(say(language, "frosset som kontrakt: " if written else "allerede frosset, låsen er "
              "beholdt: ", "frozen as the contract: " if written else "already frozen, lock "
              "kept: ") + str(path))
    print(f"sha256 {plan.sha256}")
    if written and args.reason:
        print(say(language, "kontraktsendring registrert: ", "contract change recorded: ")
              + args.reason)
    return 0


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Add ``model-test`` and ``freeze`` to the command line."""
    for name, help_ in (
            ("model-test", "simulate the model on fictitious competitions and compare price "
                           "models (rank reversals, realised weights, NOK per quality point)"),
            ("freeze", "fix the model before proposals are opened: write <model>.lock.json "
                       "with its sha256 and the model test")):
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("criteria", type=Path, metavar="CRITERIA", help="an evaluation model "
                       "(criteria/<model>.yaml)")
        p.add_argument("--competitions", type=int, default=None,
                       help="fictitious competitions (default: the model's model_test "
                       "setting, else 2000)")
        p.add_argument("--seed", type=int, default=None, help="random seed (default: the "
                       "model's model_test setting, else 20261126)")
        p.add_argument("--language", choices=LANGUAGES, help="language of the output "
                       "(default: the model's)")
        if name == "model-test":
            p.add_argument("--format", choices=("table", "json"), default="table")
        else:
            p.add_argument("--force", action="store_true", help="replace a lock written for "
                           "other bytes (only before the competition is announced)")
            p.add_argument("--reason", default=None, help="a partnership plan only: why the "
                           "contract changed (needed to freeze a changed plan again; recorded "
                           "in its lock and shown in the change record)")
    command("model-test")(_model_test)
    command("freeze")(_freeze)
