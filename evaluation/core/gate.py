"""The gate after a development phase: each partner's interim targets against their thresholds,
its spending against the instalments and the ceiling, and the committee's recorded decision.

The tool recommends, the committee decides (FOA part III, directive 2014/24/EU art. 31(2):
after each phase the authority may end the partnership or reduce the number of partners "on
the basis of" the agreed targets). A decision that goes against the targets is not refused:
it is flagged with the committee's recorded reason beside it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from evaluation.common.labels import Label
from evaluation.core.partnership import Partnership, Phase, Target

MET, NOT_MET, NOT_EVIDENCED = "met", "not_met", "not_evidenced"
# Thresholds are inclusive; a mean that is the threshold in decimal may miss it in binary
# (mean(7.9, 8.1) = 8.000000000000002 or 7.999999999999999): compared within 1e-9 of it.
TOLERANCE = 1e-9


def meets(value: float, target: Target) -> bool:
    """Return whether ``value`` meets ``target``'s threshold: ``value >= threshold`` for
    ``higher``, ``value <= threshold`` for ``lower`` (inclusive, within :data:`TOLERANCE`
    relative to the threshold)."""
    slack = TOLERANCE * max(1.0, abs(target.threshold))
    if target.direction == "higher":
        return value >= target.threshold - slack
    return value <= target.threshold + slack


def margin(value: float, target: Target) -> float:
    """Return how far ``value`` lies on the good side of the threshold (negative: short of it):
    ``value − threshold`` for ``higher``, ``threshold − value`` for ``lower``."""
    return value - target.threshold if target.direction == "higher" else \
        target.threshold - value


@dataclass(frozen=True)
class TargetResult:
    """One target for one partner: its arenas' values, the rule's statistic and the verdict."""

    target: Target
    arenas: tuple[str, ...]  # the arenas the rule runs over (the partner's)
    values: dict[str, float]  # measured arena → value
    missing: tuple[str, ...]  # arenas without a measurement: "not evidenced", never "met"
    statistic: float | None  # worst arena, mean, median or the k-th best; None if unknown
    margin: float | None
    status: str  # met | not_met | not_evidenced

    def arena_met(self, arena: str) -> bool | None:
        value = self.values.get(arena)
        return None if value is None else meets(value, self.target)


def target_result(target: Target, arenas: Sequence[str], values: Mapping[str, float]
                  ) -> TargetResult:
    """Return ``target`` judged on the measured ``values`` of the partner's ``arenas``.

    Rules (design.md; thresholds inclusive):

    - ``all_arenas``: every arena meets the threshold; statistic the worst arena. One arena
      short of it: not met; none short but one missing: not evidenced.
    - ``mean`` / ``median``: the mean (median) of every arena's value meets it. A missing arena
      leaves the statistic unknown: not evidenced.
    - ``at_least: k``: at least ``k`` arenas meet it; statistic the k-th best value. Met when
      ``k`` arenas meet it; not met when even the missing arenas could not make ``k``; not
      evidenced otherwise.
    """
    arenas = tuple(arenas)
    measured = {a: float(values[a]) for a in arenas if a in values and
                not math.isnan(float(values[a]))}
    missing = tuple(a for a in arenas if a not in measured)
    good = [a for a in arenas if a in measured and meets(measured[a], target)]
    bad = [a for a in arenas if a in measured and not meets(measured[a], target)]
    ordered = sorted(measured.values(), reverse=target.direction == "higher")  # best first
    rule = target.rule
    statistic: float | None
    if rule.kind == "all_arenas":
        statistic = ordered[-1] if ordered else None
        status = NOT_MET if bad else NOT_EVIDENCED if missing else MET
    elif rule.kind in ("mean", "median"):
        statistic = None
        if not missing and measured:
            vals = [measured[a] for a in arenas]
            statistic = math.fsum(vals) / len(vals) if rule.kind == "mean" else \
                float(statistics.median(vals))
        status = NOT_EVIDENCED if statistic is None else MET if meets(statistic, target) \
            else NOT_MET
    else:  # at_least: k
        k = int(rule.k or 0)
        statistic = ordered[k - 1] if 0 < k <= len(ordered) else None
        status = MET if len(good) >= k else NOT_MET if len(good) + len(missing) < k \
            else NOT_EVIDENCED
    return TargetResult(target, arenas, measured, missing, statistic,
                        None if statistic is None else margin(statistic, target), status)


def verdict(results: Sequence[TargetResult]) -> str:
    """Return the phase verdict: met when every target is met, not met when one is not, else
    not evidenced."""
    statuses = {r.status for r in results}
    return NOT_MET if NOT_MET in statuses else NOT_EVIDENCED if NOT_EVIDENCED in statuses \
        else MET


@dataclass(frozen=True)
class Spending:
    """One phase's money for one partner: the instalment planned and what was paid."""

    phase: str
    instalment: float
    paid: float
    planned_total: float  # running totals through this phase
    paid_total: float
    ceiling: float  # the partner's (per_partner), or the partnership's (total)
    all_paid_total: float  # every partner's payments through this phase (for a total ceiling)
    ceiling_kind: str = "per_partner"

    @property
    def above_instalment(self) -> bool:
        return self.paid > self.instalment

    @property
    def above_ceiling(self) -> bool:
        return self.paid_total > self.ceiling if self.ceiling_kind == "per_partner" \
            else self.all_paid_total > self.ceiling


def spending(partnership: Partnership, partner: str) -> list[Spending]:
    """Return the partner's instalments and payments phase by phase, with running totals."""
    plan, pay = partnership.plan, partnership.payments
    out: list[Spending] = []
    planned = paid_total = all_total = 0.0
    for phase in partnership.phases:
        here = pay[pay["phase"] == phase.id]
        paid = math.fsum(here.loc[here["partner"] == partner, "amount"])
        planned += phase.instalments.get(partner, 0.0)
        paid_total += paid
        all_total += math.fsum(here["amount"])
        out.append(Spending(phase.id, phase.instalments.get(partner, 0.0), paid, planned,
                            paid_total, plan.ceiling.amount, all_total, plan.ceiling.kind))
    return out


@dataclass(frozen=True)
class PartnerGate:
    """One partner at one gate: targets, verdict, spending, the recorded decision and a flag
    when that decision goes against the targets."""

    partner: str
    supplier: str
    phase: Phase
    last: bool  # the last development phase
    targets: tuple[TargetResult, ...]
    verdict: str
    spending: tuple[Spending, ...]
    decision: dict[str, Any] | None  # decision, reason, date, decided_by
    flag: Label | None
    recommendation: Label

    @property
    def unmet(self) -> list[str]:
        return [r.target.id for r in self.targets if r.status != MET]


def _recommendation(verdict_: str, last: bool, unmet: list[str]) -> Label:
    ids = ", ".join(unmet)
    if verdict_ == MET:
        return Label("alle delmål er nådd: fullført" if last else "alle delmål er nådd: "
                     "fortsett", "every target met: complete" if last else "every target met: "
                     "continue")
    if verdict_ == NOT_MET:
        return Label(f"delmål ikke nådd ({ids}): kontrakten gir grunnlag for å avslutte; "
                     "komiteen avgjør", f"targets not met ({ids}): the contract allows ending "
                     "the partnership; the committee decides")
    return Label(f"ikke dokumentert ({ids}): skaff målingene før beslutningen",
                 f"not evidenced ({ids}): obtain the measurements before deciding")


def _flag(decision: str, verdict_: str, unmet: list[str], reason: str) -> Label | None:
    ids = ", ".join(unmet)
    if decision in ("continue", "complete") and verdict_ != MET:
        word = {"continue": ("fortsetter", "continue"), "complete": ("fullført", "complete")}
        nb_state = "ikke er nådd" if verdict_ == NOT_MET else "ikke er dokumentert"
        en_state = "not met" if verdict_ == NOT_MET else "not evidenced"
        return Label(f"{word[decision][0]} selv om {ids} {nb_state}: registrert begrunnelse: "
                     f"{reason}", f"{word[decision][1]} although {ids} {en_state}: reason "
                     f"recorded: {reason}")
    if decision == "end" and verdict_ == MET:
        return Label(f"avsluttet selv om alle delmål er nådd: registrert begrunnelse: {reason}",
                     f"ended although every target was met: reason recorded: {reason}")
    return None


def partner_gate(partnership: Partnership, phase_id: str, partner: str) -> PartnerGate:
    """Return ``partner``'s gate after ``phase_id``: each target of the phase judged by its rule
    over the partner's arenas, the verdict, spending, the decision and any contradiction."""
    plan = partnership.plan
    phase = plan.phase(phase_id)
    arenas = plan.arenas[partner]
    m = partnership.measurements
    here = m[(m["phase"] == phase_id) & (m["partner"] == partner)]
    values: dict[str, dict[str, float]] = {}
    for tid, arena, value in zip(here["target_id"], here["arena"], here["value"], strict=True):
        values.setdefault(tid, {})[arena] = value
    results = [target_result(target, arenas, values.get(target.id, {}))
               for target in phase.targets_for(partner)]
    verdict_ = verdict(results)
    unmet = [r.target.id for r in results if r.status != MET]
    row = partnership.decision(phase_id, partner)
    decision = None if row is None else {
        "decision": str(row["decision"]), "reason": str(row["reason"]),
        "date": row["date"].isoformat(), "decided_by": str(row["decided_by"])}
    last = plan.is_last(phase_id)
    return PartnerGate(partner, partnership.supplier(partner), phase, last, tuple(results),
                       verdict_, tuple(spending(partnership, partner)), decision,
                       None if decision is None else _flag(decision["decision"], verdict_,
                                                           unmet, decision["reason"]),
                       _recommendation(verdict_, last, unmet))


def gate(partnership: Partnership, phase_id: str) -> list[PartnerGate]:
    """Return every partner's gate after ``phase_id`` (the partners still in it)."""
    return [partner_gate(partnership, phase_id, p) for p in partnership.active_in(phase_id)]


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def target_object(result: TargetResult) -> dict[str, Any]:
    """Return a target's result in the score contract's style (full-precision numbers)."""
    t = result.target
    return {"id": t.id, "title": t.title.nb, "metric": t.metric.nb, "unit": t.unit.nb,
            "direction": t.direction, "threshold": t.threshold, "rule": t.rule.as_json(),
            "values": {a: result.values.get(a) for a in result.arenas},
            "missing": list(result.missing), "statistic": _number(result.statistic),
            "margin": _number(result.margin), "status": result.status}


def partner_gate_object(g: PartnerGate, language: str) -> dict[str, Any]:
    """Return one partner's gate as JSON: targets, verdict, spending, decision, flag."""
    return {
        "partner": g.partner, "supplier": g.supplier, "phase": g.phase.id,
        "end": g.phase.end_for(g.partner).isoformat(), "last_phase": g.last,
        "verdict": g.verdict, "unmet": g.unmet,
        "targets": [target_object(r) for r in g.targets],
        "spending": [{"phase": s.phase, "instalment": s.instalment, "paid": s.paid,
                      "planned_total": s.planned_total, "paid_total": s.paid_total,
                      "ceiling": s.ceiling, "ceiling_kind": s.ceiling_kind,
                      "above_instalment": s.above_instalment, "above_ceiling": s.above_ceiling}
                     for s in g.spending],
        "decision": g.decision,
        "flag": None if g.flag is None else g.flag.get(language),
        "recommendation": g.recommendation.get(language),
    }


def gate_object(partnership: Partnership, phase_id: str, language: str) -> dict[str, Any]:
    """Return the gate of every partner after ``phase_id`` (``evaluation gate``'s results)."""
    plan = partnership.plan
    return {
        "stage": f"gate-{phase_id}", "phase": phase_id,
        "phase_title": plan.phase(phase_id).title.get(language),
        "plan": {"sha256": plan.sha256, "partners": list(plan.partners),
                 "ceiling": {plan.ceiling.kind: plan.ceiling.amount}},
        "ended_earlier": {p: {"phase": e[0], "date": e[1].isoformat()}
                          for p in plan.partners if (e := partnership.ended(p)) is not None
                          and p not in partnership.active_in(phase_id)},
        "partners": [partner_gate_object(g, language) for g in gate(partnership, phase_id)],
        "warnings": list(partnership.warnings),
    }


def measurement_frame(partnership: Partnership, partner: str, target_id: str) -> pd.DataFrame:
    """Return one target's measurements for ``partner`` over the phases read, with each
    phase's threshold (a target keeps its id from phase to phase)."""
    rows = []
    m = partnership.measurements
    for phase in partnership.phases:
        target = next((t for t in phase.targets_for(partner) if t.id == target_id), None)
        if target is None:
            continue
        here = m[(m["phase"] == phase.id) & (m["partner"] == partner) &
                 (m["target_id"] == target_id)]
        values = dict(zip(here["arena"], here["value"], strict=True))
        for arena in partnership.plan.arenas[partner]:
            rows.append({"phase": phase.id, "arena": arena, "value": values.get(arena),
                         "threshold": target.threshold})
    return pd.DataFrame(rows, columns=["phase", "arena", "value", "threshold"])
