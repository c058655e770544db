"""The partnership's plan as a contract: frozen at signature, changed only with a reason.

``evaluation freeze partnership/plan.yaml`` writes ``plan.lock.json`` with the freeze
machinery of the evaluation model (:mod:`evaluation.process.freeze`): the sha256 of its bytes
and the time (the demo's is the contract's signature). A later change to targets, thresholds
or instalments is a contract change: gates and the purchase refuse the plan until it is frozen
again with ``--reason``, and the lock keeps every change with its reason, so a run's change
record shows it (what changed, and why).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from evaluation.common.errors import FrozenModelError
from evaluation.core.partnership import Plan, Target
from evaluation.process.freeze import FreezeStatus, lock_path, model_sha256, read_lock

NOT_TESTED = {"not_applicable": "a partnership plan (the contract) has no price model to test"}


def contract_changes(plan_path: Path | str) -> list[dict[str, Any]]:
    """Return the contract changes the plan's lock records (oldest first), each with its
    reason, the time and the sha256 before and after."""
    path = lock_path(plan_path)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []
    changes = data.get("contract_changes") if isinstance(data, dict) else None
    return [c for c in changes if isinstance(c, dict)] if isinstance(changes, list) else []


def freeze_plan(plan_path: Path | str, *, reason: str | None = None,
                now: dt.datetime | None = None) -> tuple[Path, bool]:
    """Write the plan's lock; return its path and whether it was (re)written.

    The same bytes keep their lock (its time stays the signature's). Other bytes are a
    contract change: refused without ``reason``; with one, the lock is written for the new
    bytes and the change is appended to its ``contract_changes``.
    """
    from evaluation.common.payload import dumps
    from evaluation.common.version import __version__

    path = Path(plan_path)
    digest = model_sha256(path)
    existing = read_lock(path)
    if existing is not None and existing.sha256 == digest:
        return existing.path, False
    reason = (reason or "").strip()
    if existing is not None and not reason:
        raise FrozenModelError(
            f"{existing.path}: the plan was frozen at {existing.frozen_at} (the contract) with "
            f"sha256 {existing.sha256}; it now has sha256 {digest}. That is a contract change: "
            f"freeze it again with --reason \"<why the contract changed>\"; the change record "
            "shows it.")
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    history = contract_changes(path)
    if existing is not None:
        history.append({"frozen_at": when, "reason": reason, "sha256": digest,
                        "previous_sha256": existing.sha256,
                        "previous_frozen_at": existing.frozen_at})
    lock = {"lock_version": 1, "model_file": path.name, "sha256": digest, "frozen_at": when,
            "evaluation": __version__, "model_test": NOT_TESTED, "contract_changes": history}
    target = lock_path(path)
    target.write_text(dumps(lock), encoding="utf-8")
    return target, True


def check_plan(plan: Plan) -> FreezeStatus:
    """Return whether the plan is the frozen contract; raise :class:`FrozenModelError` when it
    changed after freezing (refused until frozen again with a reason). A plan never frozen is
    "not frozen": reported, not refused."""
    lock = read_lock(plan.source)
    if lock is None:
        return FreezeStatus(plan.source, lock_path(plan.source), frozen=False, changed=False,
                            sha256=plan.sha256)
    if lock.sha256 != plan.sha256:
        raise FrozenModelError(
            f"{plan.source}: the plan was changed after it was frozen at {lock.frozen_at}: its "
            f"sha256 is {plan.sha256}, {lock.path.name} records {lock.sha256}. A change to "
            "targets, thresholds or instalments is a contract change: freeze it again with "
            f"`evaluation freeze {plan.source} --reason \"…\"`, or restore the frozen plan.")
    return FreezeStatus(plan.source, lock.path, frozen=True, changed=False, sha256=plan.sha256,
                        locked_sha256=lock.sha256, frozen_at=lock.frozen_at,
                        model_test=lock.model_test)


def plan_text(status: FreezeStatus, language: str) -> str:
    """Return one line saying whether the plan is the frozen contract."""
    if status.frozen:
        return (f"planen er frosset som kontrakt ({status.lock.name}, {status.frozen_at}, sha256 "
                f"{status.sha256[:12]}…)" if language == "nb" else
                f"the plan is frozen as the contract ({status.lock.name}, {status.frozen_at}, "
                f"sha256 {status.sha256[:12]}…)")
    return ("planen er ikke frosset: kjør `evaluation freeze …/partnership/plan.yaml` ved "
            "kontraktsignering" if language == "nb" else "the plan is not frozen: run "
            "`evaluation freeze …/partnership/plan.yaml` at contract signature")


def _targets(prefix: str, old: tuple[Target, ...], new: tuple[Target, ...]
             ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before = {t.id: t for t in old}
    after = {t.id: t for t in new}
    for tid in sorted(set(before) | set(after)):
        a, b = before.get(tid), after.get(tid)
        if a is None or b is None:
            out.append({"what": f"{prefix}target", "target": tid,
                        "old": None if a is None else a.threshold,
                        "new": None if b is None else b.threshold})
            continue
        for name, x, y in (("threshold", a.threshold, b.threshold),
                           ("rule", a.rule.as_json(), b.rule.as_json()),
                           ("direction", a.direction, b.direction),
                           ("partners", a.partners, b.partners)):
            if x != y:
                out.append({"what": f"{prefix}{name}", "target": tid,
                            "old": list(x) if isinstance(x, tuple) else x,
                            "new": list(y) if isinstance(y, tuple) else y})
    return out


def plan_changes(old: Plan, new: Plan) -> list[dict[str, Any]]:
    """Return what changed in the contract between two plans: targets and thresholds per
    phase, instalments, the ceiling, arenas, the purchase's levels and maximum cost."""
    out: list[dict[str, Any]] = []
    phases = {p.id: p for p in old.phases}
    for phase in new.phases:
        was = phases.pop(phase.id, None)
        if was is None:
            out.append({"what": "phase", "phase": phase.id, "old": None, "new": phase.id})
            continue
        out += [{**c, "phase": phase.id} for c in _targets("", was.targets, phase.targets)]
        for p in sorted(set(was.instalments) | set(phase.instalments)):
            if was.instalments.get(p) != phase.instalments.get(p):
                out.append({"what": "instalment", "phase": phase.id, "partner": p,
                            "old": was.instalments.get(p), "new": phase.instalments.get(p)})
        if was.end != phase.end or was.ends != phase.ends:
            out.append({"what": "end", "phase": phase.id, "old": was.end.isoformat(),
                        "new": phase.end.isoformat()})
    out += [{"what": "phase", "phase": pid, "old": pid, "new": None} for pid in phases]
    if (old.ceiling.kind, old.ceiling.amount) != (new.ceiling.kind, new.ceiling.amount):
        out.append({"what": "ceiling", "old": {old.ceiling.kind: old.ceiling.amount},
                    "new": {new.ceiling.kind: new.ceiling.amount}})
    if old.arenas != new.arenas:
        out.append({"what": "arenas", "old": {k: list(v) for k, v in old.arenas.items()},
                    "new": {k: list(v) for k, v in new.arenas.items()}})
    for name in ("announced_value", "proportionality"):
        if getattr(old, name) != getattr(new, name):
            value = (getattr(old, name), getattr(new, name))
            out.append({"what": name, "old": list(value[0]) if isinstance(value[0], tuple)
                        else value[0], "new": list(value[1]) if isinstance(value[1], tuple)
                        else value[1]})
    a, b = old.purchase, new.purchase
    if a is not None and b is not None:
        out += _targets("performance_level_", a.performance_levels, b.performance_levels)
        for name in ("field", "maximum_cost", "years", "discount_rate"):
            if getattr(a, name) != getattr(b, name):
                out.append({"what": name, "old": getattr(a, name), "new": getattr(b, name)})
    elif (a is None) != (b is None):
        out.append({"what": "purchase", "old": a is not None, "new": b is not None})
    return out
