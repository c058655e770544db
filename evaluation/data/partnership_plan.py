"""Reads ``partnership/plan.yaml``: the contract's plan (design.md, "The innovation
partnership's stages"), every problem with its file, line and field.

Amounts (instalments, the ceiling, the announced value, the maximum cost) and dates go through
:mod:`evaluation.data.numbers`, the same way as in every other file; ids through the id
grammar. What the plan must agree with in the award (its partners were awarded; the maximum
cost's field is a price field) is checked against the award given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from evaluation.common.errors import ProblemList
from evaluation.common.hashing import sha256_file
from evaluation.common.ids import show_id
from evaluation.common.labels import Label
from evaluation.core.partnership import (
    DIRECTIONS,
    RULES,
    Award,
    Ceiling,
    Phase,
    Plan,
    PurchaseTerms,
    Rule,
    Target,
)
from evaluation.data.identifiers import check_id
from evaluation.data.model_reader import ModelReader
from evaluation.data.numbers import EXPECTED_DATE, Refusal, read_date, read_number
from evaluation.data.yamlio import Path_, read_yaml, unknown_key

PLAN_KEYS = ("partners", "arenas", "phases", "ceiling", "announced_value", "proportionality",
             "purchase", "fictional", "title", "description")
PHASE_KEYS = ("id", "title", "end", "ends", "instalments", "targets")
TARGET_KEYS = ("id", "title", "metric", "unit", "direction", "threshold", "rule", "partners")
PURCHASE_KEYS = ("performance_levels", "maximum_cost", "years", "discount_rate")


class PlanReader(ModelReader):
    """Typed access to plan.yaml that records problems with their line."""

    def keys(self, raw: dict[str, Any], path: Path_, known: tuple[str, ...]) -> None:
        for key in raw:
            if key not in known:
                message = unknown_key(key, known)
                self.add((*path, key), message,
                         expected=None if "`" in message else " | ".join(known))

    def amount(self, raw: Any, path: Path_, *, signed: bool = False, amount: bool = True
               ) -> float | None:
        """Return a number read as every file's numbers are (``1 200 000``, ``9,4``)."""
        if raw is None:
            self.add(path, "missing", found="nothing", expected="a number")
            return None
        value = read_number(str(raw), amount=amount) if isinstance(raw, str) else None
        if isinstance(value, Refusal):
            self.add(path, value.message, found=raw, expected=value.expected)
            return None
        if value is None:
            self.add(path, "not a number", found=raw, expected="a number such as 9400000")
            return None
        if not signed and value < 0:
            self.add(path, "must not be negative", found=raw, expected=">= 0")
            return None
        return value

    def date(self, raw: Any, path: Path_) -> dt.date | None:
        value = read_date(raw) if isinstance(raw, str) else None
        if value is None:
            self.add(path, "not a date", found=raw, expected=EXPECTED_DATE)
        return value

    def ident(self, raw: Any, path: Path_, what: str) -> str | None:
        if not isinstance(raw, str) or not raw:
            self.add(path, f"missing {what}", found=raw, expected="an id, e.g. 2")
            return None
        return check_id(raw, self.problems, self.doc.file, ".".join(map(str, path)),
                        self.doc.line(path))

    def id_list(self, raw: Any, path: Path_, what: str) -> list[str]:
        if not isinstance(raw, list):
            self.add(path, f"must be a list of {what}", found=raw, expected="[...]")
            return []
        out = [self.ident(v, (*path, i), what) for i, v in enumerate(raw)]
        return [v for v in out if v]

    def per_partner(self, raw: Any, path: Path_, partners: tuple[str, ...], what: str
                    ) -> dict[str, Any]:
        """Return ``{partner: value}`` after checking every key is a partner of the plan."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(path, f"must be a mapping partner → {what}", found=raw,
                     expected="{001: ..., 003: ...}")
            return {}
        for key in raw:
            if key not in partners:
                self.add((*path, key), "not a partner of the plan", found=show_id(key),
                         expected=" | ".join(partners))
        return {k: v for k, v in raw.items() if k in partners}


def _rule(r: PlanReader, raw: Any, path: Path_) -> Rule | None:
    if isinstance(raw, str) and raw in RULES and raw != "at_least":
        return Rule(raw)
    if isinstance(raw, dict) and list(raw) == ["at_least"]:
        k = r.amount(raw["at_least"], (*path, "at_least"), amount=False)
        if k is not None and (k != int(k) or k < 1):
            r.add((*path, "at_least"), "not a whole number of arenas", found=raw["at_least"],
                  expected="1, 2, 3, ...")
            return None
        return None if k is None else Rule("at_least", int(k))
    r.add(path, "unknown rule", found=raw,
          expected="all_arenas | mean | median | {at_least: k}")
    return None


def read_targets(r: PlanReader, raw: Any, path: Path_, partners: tuple[str, ...],
                 arenas: dict[str, tuple[str, ...]], what: str) -> tuple[Target, ...]:
    """Return the targets (interim targets or performance levels) listed at ``path``."""
    if not isinstance(raw, list) or not raw:
        r.add(path, f"no {what}: every development phase has its interim targets (FOA part "
              "III, directive art. 31(2))" if what == "targets" else f"no {what}",
              found=raw if raw else "nothing",
              expected="[{id, title, metric, unit, direction, threshold, rule}, ...]")
        return ()
    out: list[Target] = []
    for i, item in enumerate(raw):
        where = (*path, i)
        if not isinstance(item, dict):
            r.add(where, "a target must be a mapping", found=item,
                  expected="{id, title, metric, unit, direction, threshold, rule}")
            continue
        r.keys(item, where, TARGET_KEYS)
        tid = r.ident(item.get("id"), (*where, "id"), "target id")
        if tid in {t.id for t in out}:
            r.add((*where, "id"), "target listed twice", found=tid)
        title = r.label(item.get("title"), (*where, "title")) or Label(tid or "", tid or "")
        metric = r.label(item.get("metric"), (*where, "metric")) or title
        unit = r.label(item.get("unit"), (*where, "unit")) or Label("", "")
        direction = item.get("direction")
        if direction not in DIRECTIONS:
            r.add((*where, "direction"), "unknown direction", found=direction,
                  expected="higher | lower")
        threshold = r.amount(item.get("threshold"), (*where, "threshold"), signed=True,
                             amount=False)
        rule = _rule(r, item.get("rule"), (*where, "rule"))
        applies = None
        if item.get("partners") is not None:
            applies = tuple(r.id_list(item["partners"], (*where, "partners"), "partners"))
            for k, p in enumerate(applies):
                if p not in partners:
                    r.add((*where, "partners", k), "not a partner of the plan",
                          found=show_id(p), expected=" | ".join(partners))
        if rule is not None and rule.kind == "at_least":
            for p in applies or partners:
                have = len(arenas.get(p, ()))
                if rule.k is not None and rule.k > have and p in arenas:
                    r.add((*where, "rule", "at_least"), f"more arenas than partner {p} "
                          "pilots in", found=rule.k, expected=f"at most {have}")
        if tid and direction in DIRECTIONS and threshold is not None and rule is not None:
            out.append(Target(tid, title, metric, unit, str(direction), threshold, rule,
                              applies))
    return tuple(out)


def _arenas(r: PlanReader, raw: Any, partners: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    if isinstance(raw, list):
        shared = tuple(r.id_list(raw, ("arenas",), "arenas"))
        if not shared:
            r.add(("arenas",), "no arenas", found="[]", expected="the pilot sites")
        return {p: shared for p in partners}
    if isinstance(raw, dict):
        out = {p: tuple(r.id_list(v, ("arenas", p), "arenas"))
               for p, v in r.per_partner(raw, ("arenas",), partners, "arenas").items()}
        for p in partners:
            if not out.get(p):
                r.add(("arenas", p), f"no arenas for partner {p}", found="nothing",
                      expected="the partner's pilot sites")
        return out
    r.add(("arenas",), "missing: the pilot arenas", found=raw,
          expected="a list, or {partner: [...]} when partners pilot in different places")
    return {}


def _phase(r: PlanReader, item: Any, i: int, partners: tuple[str, ...],
           arenas: dict[str, tuple[str, ...]]) -> Phase | None:
    where: Path_ = ("phases", i)
    if not isinstance(item, dict):
        r.add(where, "a phase must be a mapping", found=item, expected="{id, title, end, "
              "instalments, targets}")
        return None
    r.keys(item, where, PHASE_KEYS)
    pid = r.ident(item.get("id"), (*where, "id"), "phase id")
    title = r.label(item.get("title"), (*where, "title")) or Label(pid or "", pid or "")
    end = r.date(item.get("end"), (*where, "end"))
    ends = {p: d for p, v in r.per_partner(item.get("ends"), (*where, "ends"), partners,
                                           "date").items()
            if (d := r.date(v, (*where, "ends", p))) is not None}
    instalments: dict[str, float] = {}
    raw = item.get("instalments")
    given = r.per_partner(raw, (*where, "instalments"), partners, "amount")
    for p in partners:
        if p not in given:
            r.add((*where, "instalments"), f"no instalment for partner {p}",
                  found="nothing", expected="an amount per partner (0 when none)")
            continue
        amount = r.amount(given[p], (*where, "instalments", p))
        if amount is not None:
            instalments[p] = amount
    targets = read_targets(r, item.get("targets"), (*where, "targets"), partners, arenas,
                           "targets")
    for p in partners:
        if targets and not any(t.applies_to(p) for t in targets):
            r.add((*where, "targets"), f"no interim target for partner {p} in this phase",
                  found="targets for other partners only",
                  expected=f"at least one target that applies to {p}")
    if pid is None or end is None:
        return None
    return Phase(pid, title, end, ends, instalments, targets)


def _ceiling(r: PlanReader, raw: Any) -> Ceiling | None:
    if isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) in ("per_partner", "total"):
        kind = next(iter(raw))
        amount = r.amount(raw[kind], ("ceiling", kind))
        return None if amount is None else Ceiling(kind, amount)
    r.add(("ceiling",), "missing: the development maximum", found=raw,
          expected="{per_partner: 10000000} or {total: 20000000}")
    return None


def _purchase(r: PlanReader, raw: Any, partners: tuple[str, ...],
              arenas: dict[str, tuple[str, ...]], award: Award) -> PurchaseTerms | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.add(("purchase",), "must be a mapping", found=raw,
              expected="{performance_levels, maximum_cost, years, discount_rate}")
        return None
    r.keys(raw, ("purchase",), PURCHASE_KEYS)
    levels = read_targets(r, raw.get("performance_levels"), ("purchase", "performance_levels"),
                          partners, arenas, "performance levels")
    cost = raw.get("maximum_cost")
    field = amount = None
    if not isinstance(cost, dict):
        r.add(("purchase", "maximum_cost"), "missing: the maximum cost", found=cost,
              expected="{field: <a price field of the award>, amount: ...}")
    else:
        r.keys(cost, ("purchase", "maximum_cost"), ("field", "amount"))
        field = cost.get("field")
        if field not in award.price_fields:
            r.add(("purchase", "maximum_cost", "field"), "not a price field of the award",
                  found=field, expected=" | ".join(award.price_fields) or "a price field")
            field = None
        amount = r.amount(cost.get("amount"), ("purchase", "maximum_cost", "amount"))
    years = r.amount(raw.get("years"), ("purchase", "years"), amount=False)
    if years is not None and (years != int(years) or years < 1):
        r.add(("purchase", "years"), "not a whole number of years", found=raw.get("years"),
              expected="1, 2, 3, ...")
        years = None
    rate = r.amount(raw.get("discount_rate", "0"), ("purchase", "discount_rate"), amount=False)
    if rate is not None and not 0 <= rate < 1:
        r.add(("purchase", "discount_rate"), "a yearly rate, as a fraction", found=rate,
              expected="0 <= rate < 1, e.g. 0.04")
        rate = None
    if field is None or amount is None or years is None or rate is None:
        return None
    return PurchaseTerms(levels, str(field), amount, int(years), rate)


def _proportionality(r: PlanReader, raw: Any) -> tuple[float | None, float | None] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        r.add(("proportionality",), "must be a mapping", found=raw,
              expected="{min_ratio: ..., max_ratio: ...} (the committee's bounds)")
        return None
    r.keys(raw, ("proportionality",), ("min_ratio", "max_ratio"))
    low = r.amount(raw["min_ratio"], ("proportionality", "min_ratio"), amount=False) \
        if "min_ratio" in raw else None
    high = r.amount(raw["max_ratio"], ("proportionality", "max_ratio"), amount=False) \
        if "max_ratio" in raw else None
    if low is not None and high is not None and low > high:
        r.add(("proportionality", "min_ratio"), "above max_ratio", found=low,
              expected=f"<= {high:g}")
    return low, high


def read_plan(folder: Path, problems: ProblemList, award: Award, label: str) -> Plan | None:
    """Return the plan in ``folder/partnership/plan.yaml``, or ``None`` after recording every
    problem (a partner not awarded, a phase without targets, instalments above the ceiling …).
    """
    path = folder / "partnership" / "plan.yaml"
    doc = read_yaml(path, problems, label=label)
    if doc is None:
        return None
    r = PlanReader(doc, problems)
    before = len(problems)
    r.keys(doc.data, (), PLAN_KEYS)
    if len(problems) > before:  # a misspelt key would make every later message point wrong
        return None
    partners = tuple(r.id_list(doc.data.get("partners"), ("partners",), "partner ids"))
    for k, p in enumerate(partners):
        if p not in award.partners:
            r.add(("partners", k), "not a partner awarded in the final round", found=show_id(p),
                  expected=" | ".join(award.partners) or "an awarded proposal id")
    if not partners:
        r.add(("partners",), "no partners", found="nothing", expected="the awarded proposal ids")
    arenas = _arenas(r, doc.data.get("arenas"), partners)
    phases_raw = doc.data.get("phases")
    if not isinstance(phases_raw, list) or not phases_raw:
        r.add(("phases",), "no development phases", found=phases_raw,
              expected="[{id, title, end, instalments, targets}, ...] (DFØ's phases 1–3)")
        phases_raw = []
    phases = [ph for i, item in enumerate(phases_raw)
              if (ph := _phase(r, item, i, partners, arenas)) is not None]
    _check_phases(r, phases)
    ceiling = _ceiling(r, doc.data.get("ceiling"))
    if ceiling is not None:
        _check_ceiling(r, phases, partners, ceiling)
    announced = r.amount(doc.data["announced_value"], ("announced_value",)) \
        if doc.data.get("announced_value") is not None else None
    proportionality = _proportionality(r, doc.data.get("proportionality"))
    purchase = _purchase(r, doc.data.get("purchase"), partners, arenas, award)
    fictional = doc.data.get("fictional")
    if len(problems) > before or ceiling is None:
        return None
    return Plan(path, sha256_file(path), partners, arenas, tuple(phases), ceiling, announced,
                proportionality, purchase, fictional if isinstance(fictional, str) else "")


def _check_phases(r: PlanReader, phases: list[Phase]) -> None:
    """Phase ids unique, ends in order, and a target keeps its metric from phase to phase."""
    seen: dict[str, Target] = {}
    for i, phase in enumerate(phases):
        if phase.id in [p.id for p in phases[:i]]:
            r.add(("phases", i, "id"), "phase listed twice", found=phase.id)
        if i and phase.end < phases[i - 1].end:
            r.add(("phases", i, "end"), f"ends before phase {phases[i - 1].id}",
                  found=phase.end.isoformat(), expected=f"after {phases[i - 1].end}")
        for k, t in enumerate(phase.targets):
            first = seen.setdefault(t.id, t)
            if (first.metric, first.unit, first.direction) != (t.metric, t.unit, t.direction):
                r.add(("phases", i, "targets", k), f"target {t.id} measures something else "
                      "than in an earlier phase (the same id is the same metric)",
                      found=f"{t.metric.nb} ({t.unit.nb}, {t.direction})",
                      expected=f"{first.metric.nb} ({first.unit.nb}, {first.direction}), or "
                      "another id")


def _check_ceiling(r: PlanReader, phases: list[Phase], partners: tuple[str, ...],
                   ceiling: Ceiling) -> None:
    """Instalments above the development ceiling are refused (the contract's maximum)."""
    totals = {p: sum(ph.instalments.get(p, 0.0) for ph in phases) for p in partners}
    if ceiling.kind == "per_partner":
        for p, total in totals.items():
            if total > ceiling.amount:
                r.add(("phases",), f"the instalments of partner {p} add up to more than the "
                      "ceiling per partner", found=total,
                      expected=f"<= {ceiling.amount:.15g}")
    elif sum(totals.values()) > ceiling.amount:
        r.add(("phases",), "the instalments add up to more than the total ceiling",
              found=sum(totals.values()), expected=f"<= {ceiling.amount:.15g}")
