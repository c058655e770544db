"""The change record: what changed in a tender's inputs since its previous run.

Each run's manifest lists the scores (who, proposal, criterion, old → new, with the new
justification), prices and weights that differ from the previous complete run of the same
tender, so a reader of the protocol sees how the evaluation evolved, not only where it ended.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from evaluation.process.seal import score_changes, score_snapshot
from evaluation.runs.manifest import find_tender_copy


def previous_run(parent: Path) -> tuple[Path, dict[str, Any]] | None:
    """Return the latest complete run folder under ``parent`` (runs/<tender>/) and its
    manifest, if any (the names sort by time: the newest complete one is the first found)."""
    folders = sorted((f for f in (parent.iterdir() if parent.is_dir() else [])
                      if not f.name.startswith(".") and not f.name.endswith("-failed")),
                     key=lambda f: f.name, reverse=True)
    for folder in folders:
        manifest = folder / "manifest.json"
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if isinstance(data, dict) and data.get("status") == "complete":
                return folder, data
    return None


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def compare_tenders(old: Any, new: Any) -> dict[str, Any]:
    """Return the differences between two loaded tenders (scores, prices, weights)."""
    prices = []
    for pid in sorted(set(old.prices.index) & set(new.prices.index)):
        for field in sorted(set(old.prices.columns) & set(new.prices.columns)):
            a, b = float(old.prices.loc[pid, field]), float(new.prices.loc[pid, field])
            if not _same(a, b):
                prices.append({"proposal_id": pid, "field": field,
                               "old": None if math.isnan(a) else a,
                               "new": None if math.isnan(b) else b})
    old_w = {n.id: n.weight for n in old.model.nodes()}
    new_w = {n.id: n.weight for n in new.model.nodes()}
    weights = [{"criterion_id": c, "old": old_w.get(c), "new": new_w.get(c)}
               for c in sorted(set(old_w) | set(new_w)) if old_w.get(c) != new_w.get(c)]
    return {
        "scores": score_changes(score_snapshot(old), score_snapshot(new)),
        "prices": prices,
        "weights": weights,
        "model_changed": old.model.sha256 != new.model.sha256,
        "proposals_added": sorted(set(new.proposal_ids) - set(old.proposal_ids)),
        "proposals_removed": sorted(set(old.proposal_ids) - set(new.proposal_ids)),
    }


def previous_copy(parent: Path) -> tuple[str, Path] | dict[str, Any]:
    """Return the previous complete run's name and its copy of the tender folder, or the
    change record to write when there is none or it cannot be read."""
    found = previous_run(parent)
    if found is None:
        return {"previous_run": None}
    previous, manifest = found
    copy = find_tender_copy(previous, manifest)
    if copy is None:
        return {"previous_run": previous.name,
                "error": f"FileNotFoundError: {previous}/inputs: no tender copy"}
    return previous.name, copy


def change_record(parent: Path, tender: Any) -> dict[str, Any]:
    """Return the change record of a new run against the previous complete run in ``parent``."""
    from evaluation.data.tender import load_tender

    found = previous_copy(parent)
    if isinstance(found, dict):
        return found
    name, copy = found
    try:
        old = load_tender(copy, ignore_seal=True)
    except Exception as exc:  # an unreadable earlier run must not stop a new one
        return {"previous_run": name, "error": f"{type(exc).__name__}: {exc}"}
    return {"previous_run": name, **compare_tenders(old, tender)}


def plan_change_record(parent: Path, plan: Any) -> dict[str, Any]:
    """Return the change record of a gate's or the purchase's run against the previous complete
    run of the same stage: the contract changes (targets, thresholds, instalments …) between
    the plans, with the reasons the plan's lock records for them."""
    from evaluation.common.errors import ProblemList
    from evaluation.data.partnership import awarded
    from evaluation.data.partnership_plan import read_plan
    from evaluation.process.contract import contract_changes, plan_changes

    found = previous_copy(parent)
    if isinstance(found, dict):
        return found
    name, copy = found
    try:
        old = read_plan(copy, ProblemList(), awarded(copy), "plan.yaml")
        if old is None:
            raise ValueError(f"{name}: its plan no longer reads")
    except Exception as exc:  # an unreadable earlier run must not stop a new one
        return {"previous_run": name, "error": f"{type(exc).__name__}: {exc}"}
    history = contract_changes(plan.source)
    start = next((k for k, c in enumerate(history) if c.get("previous_sha256") == old.sha256),
                 len(history))
    return {"previous_run": name, "plan_changed": old.sha256 != plan.sha256,
            "contract_changes": plan_changes(old, plan),
            "reasons": history[start:] if old.sha256 != plan.sha256 else []}
