"""Loads a tender's ``partnership/`` folder: the plan, the award it follows, and the records
of each phase and of the purchase (design.md, "The innovation partnership's stages").

``load_partnership`` is the one validating entry point, all problems at once. The awarded
partners and their binding prices come only through the award's own loader and evaluation
(:func:`awarded`): with negotiation rounds, that is the final round's. A gate reads the phases
up to and including its own (later phases never change an earlier gate); the purchase reads
them all, ``followers.csv`` and ``purchase/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.common.errors import ProblemList, TenderError
from evaluation.common.ids import show_id
from evaluation.core.partnership import PURCHASE, Award, Partnership, Plan, Target
from evaluation.data.partnership_plan import read_plan
from evaluation.data.partnership_records import (
    MEASUREMENTS,
    Ended,
    read_followers,
    read_gate,
    read_measurements,
    read_payments,
    read_purchases,
)
from evaluation.data.tables import relative_label as _rel

FOLDER = "partnership"


def plan_file(path: Path) -> bool:
    """Return whether ``path`` is a partnership's plan (``partnership/plan.yaml``), which
    ``evaluation freeze`` freezes as the contract, without a model test."""
    return (path.name, path.parent.name) == ("plan.yaml", FOLDER)


def awarded(folder: Path | str) -> Award:
    """Return the award the partnership follows: the partners and their evaluated (binding)
    prices, through :func:`~evaluation.data.tender.load_tender` and
    :func:`~evaluation.core.scoring.evaluate_tender` only (the final round's, with rounds)."""
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.tender import load_tender

    tender = load_tender(folder)
    plan = tender.round_plan
    if plan is not None and (plan.final is None or tender.round != plan.final.id):
        raise _not_final(tender.folder, tender.round, plan.final.id if plan.final else None)
    if tender.quality_only:
        raise _not_awarded(tender.folder)
    evaluation = evaluate_tender(tender)
    table = tender.prices.to_dict(orient="index")  # proposal → price field → evaluated price
    prices = {p: {str(f): float(v) for f, v in table[p].items()} for p in evaluation.partners}
    yearly: dict[tuple[str, str], dict[int, float]] = {}
    lines = tender.price_lines
    if lines is not None and len(lines):
        mine = lines[lines["proposal_id"].isin(evaluation.partners)]
        for pid, field, year, amount in zip(mine["proposal_id"], mine["field"], mine["year"],
                                            mine["amount"], strict=True):
            per_year = yearly.setdefault((str(pid), str(field)), {})
            per_year[int(year)] = per_year.get(int(year), 0.0) + float(amount)
    return Award(tender.title, tender.currency, tuple(evaluation.partners),
                 {p: str(tender.proposals.loc[p, "supplier"]) for p in evaluation.partners},
                 prices, yearly, tuple(evaluation.price_fields))


def _not_awarded(folder: Path) -> TenderError:
    problems = ProblemList()
    problems.add(_rel(folder, folder / "tender.yaml"), "price_opening", "the award is not "
                 "complete: the prices are not opened before the seal, so no partner is "
                 "awarded yet", found="after_seal, not sealed",
                 expected="a sealed tender (evaluation seal) with its prices")
    return TenderError(problems)


def _not_final(folder: Path, present: str | None, final: str | None) -> TenderError:
    problems = ProblemList()
    problems.add(_rel(folder, folder / "rounds"), "rounds", "the award is not complete: the "
                 "partnership follows the final round's award, and its folder is not there yet",
                 found=f"latest round present {present}",
                 expected=f"rounds/{final}/ (the final round)" if final else
                 "a final round in tender.yaml's rounds")
    return TenderError(problems)


def _unknown_folders(folder: Path, plan: Plan, problems: ProblemList) -> None:
    here = folder / FOLDER
    for sub in sorted(p for p in here.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if sub.name not in plan.phase_ids and sub.name != PURCHASE:
            problems.add(_rel(folder, sub), "folder", "not a phase of the plan: its "
                         "measurements would belong to an unknown phase", found=show_id(sub.name),
                         expected=" | ".join([*plan.phase_ids, PURCHASE]))


def load_plan(folder: Path | str) -> Plan:
    """Return the validated plan of the tender in ``folder`` (checked against the award);
    raise :class:`TenderError` with every problem. No phase record is read."""
    folder = Path(folder).resolve()
    problems = ProblemList()
    path = folder / FOLDER / "plan.yaml"
    plan = read_plan(folder, problems, awarded(folder), _rel(folder, path))
    problems.raise_if_any(TenderError)
    assert plan is not None
    return plan


def load_partnership(folder: Path | str, *, through: str | None = None,
                     purchase: bool = False) -> Partnership:
    """Return the validated partnership of the tender in ``folder``; raise
    :class:`TenderError` with every problem.

    ``through``: the gate's phase (its records and every earlier phase's are read);
    ``purchase``: every phase and the purchase's files.
    """
    folder = Path(folder).resolve()
    problems = ProblemList()
    here = folder / FOLDER
    if not (here / "plan.yaml").is_file():
        problems.add(_rel(folder, here / "plan.yaml"), "file", "no partnership plan",
                     found="nothing", expected="partnership/plan.yaml (design.md)")
        problems.raise_if_any(TenderError)
    award = awarded(folder)
    plan = read_plan(folder, problems, award, _rel(folder, here / "plan.yaml"))
    problems.raise_if_any(TenderError)
    assert plan is not None
    last = plan.phase_ids[-1]
    if purchase:
        through = last
        if plan.purchase is None:
            problems.add(_rel(folder, plan.source), "purchase", "no purchase option in the "
                         "plan", found="nothing", expected="purchase: {performance_levels, "
                         "maximum_cost, years, discount_rate}")
    elif through not in plan.phase_ids:
        problems.add("--phase", "phase", "not a phase of the plan", found=through,
                     expected=" | ".join(plan.phase_ids))
    problems.raise_if_any(TenderError)
    assert through is not None
    _unknown_folders(folder, plan, problems)
    files: list[Path] = [plan.source]
    warnings: list[str] = []
    ended: dict[str, Ended] = {}
    measured: list[pd.DataFrame] = []
    paid: list[pd.DataFrame] = []
    decided: list[pd.DataFrame] = []
    phases = plan.phases[: plan.phase_ids.index(through) + 1]
    for phase in phases:
        sub = here / phase.id
        active = [p for p in plan.partners if p not in ended]
        g = read_gate(folder, sub / "gate.csv", problems, plan, ended, phase.id)
        for _, row in g[g["decision"] == "end"].iterrows():
            if row["date"] is not None and row["partner"] in active:
                ended.setdefault(str(row["partner"]), Ended(phase.id, row["date"]))
        # read after the gate: a payment dated after this phase's own end decision is refused
        m = read_measurements(folder, sub / "measurements.csv", problems, plan,
                              phase.targets_for, ended, phase.id)
        pay = read_payments(folder, sub / "payments.csv", problems, plan, ended, phase.id)
        files += [f for f in (sub / "measurements.csv", sub / "payments.csv", sub / "gate.csv")
                  if f.exists()]
        _check_spending(folder, sub, pay, phase.instalments, warnings)
        if phase.id != through or purchase:  # a gate decides who goes on: earlier ones must
            for p in active:
                if not (g["partner"] == p).any():
                    problems.add(_rel(folder, sub / "gate.csv"), "partner", f"no gate decision "
                                 f"for partner {p} after phase {phase.id} (each gate decides "
                                 "who goes on)", found="no row",
                                 expected=f"{p},continue|end|complete,<reason>,<date>,<who>")
        for records, out in ((m, measured), (pay, paid), (g, decided)):
            out.append(records.assign(phase=phase.id))
    followers = levels = purchases = None
    if purchase:
        followers = read_followers(folder, problems)
        files.append(here / "followers.csv")
        remaining = tuple(p for p in plan.partners if p not in ended)
        terms = plan.purchase
        assert terms is not None

        def levels_for(partner: str) -> tuple[Target, ...]:
            return terms.performance_levels if partner in remaining else ()

        levels = read_measurements(folder, here / PURCHASE / "measurements.csv", problems, plan,
                                   levels_for, ended, PURCHASE)
        purchases = read_purchases(folder, problems, plan, followers, ended, remaining)
        files += [here / PURCHASE / "measurements.csv", here / PURCHASE / "purchase.csv"]
        for p in remaining:
            if (p, terms.field) not in award.yearly:
                problems.add(_rel(folder, plan.source), "purchase.maximum_cost.field",
                             f"partner {p} has no prices.csv lines by year for "
                             f"{terms.field}: no yearly price per building to value "
                             "the purchase with", found="no lines",
                             expected="the award's price schedule by year")
    problems.raise_if_any(TenderError)

    def joined(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        kept = [p for p in parts if len(p)]
        return (pd.concat(kept, ignore_index=True) if kept else
                pd.DataFrame(columns=[*columns, "phase"]))

    return Partnership(
        folder, plan, award, through,
        joined(measured, MEASUREMENTS), joined(paid, ["partner", "amount", "date"]),
        joined(decided, ["partner", "decision", "reason", "date", "decided_by"]),
        tuple(files), tuple(warnings), followers, levels, purchases)


def _check_spending(folder: Path, sub: Path, payments: pd.DataFrame,
                    instalments: dict[str, float], warnings: list[str]) -> None:
    """Warn of a phase's payments above its instalment (design.md: a warning, not an error)."""
    for partner, paid in payments.groupby("partner")["amount"].sum().items():
        planned = instalments.get(str(partner), 0.0)
        if paid > planned:
            warnings.append(f"{_rel(folder, sub / 'payments.csv')}: partner {partner} was paid "
                            f"{paid:,.0f} in phase {sub.name}, above its instalment "
                            f"{planned:,.0f}")
