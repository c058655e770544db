"""Seals the quality scores before prices are opened, and records every reopening.

Quality should be evaluated without knowing the price and be shown not to have moved afterwards
(legal.md). ``evaluation seal`` hashes every score file and ``consensus.csv`` into ``seal.json``;
a later change is refused until reopened with a reason, and the changed scores are recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from evaluation.common.errors import InputError, Problem
from evaluation.common.hashing import sha256_file
from evaluation.data.records import SEAL_FILE, SEAL_VERSION, quality_files, read_seal


def score_snapshot(tender: Any) -> list[dict[str, Any]]:
    """Return every individual and agreed score with its justification, in a fixed order."""
    rows = [{"who": str(r.evaluator), "proposal_id": str(r.proposal_id),
             "criterion_id": str(r.criterion_id), "score": float(r.score),
             "justification": str(r.justification)} for r in tender.scores.itertuples()]
    if tender.consensus is not None:
        rows += [{"who": "consensus", "proposal_id": str(r.proposal_id),
                  "criterion_id": str(r.criterion_id), "score": float(r.score),
                  "justification": str(r.justification)} for r in tender.consensus.itertuples()]
    return sorted(rows, key=lambda r: (r["who"], r["proposal_id"], r["criterion_id"]))


def score_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the scores that differ: ``who, proposal_id, criterion_id, old, new,
    justification`` (the new one)."""
    def key(r: dict[str, Any]) -> tuple[str, str, str]:
        return r["who"], r["proposal_id"], r["criterion_id"]
    before, after = {key(r): r for r in old}, {key(r): r for r in new}
    out = []
    for k in sorted(set(before) | set(after)):
        a, b = before.get(k), after.get(k)
        if a is None or b is None or a["score"] != b["score"]:
            out.append({"who": k[0], "proposal_id": k[1], "criterion_id": k[2],
                        "old": None if a is None else a["score"],
                        "new": None if b is None else b["score"],
                        "justification": "" if b is None else b["justification"]})
    return out


def check_reopen(label: str, sealed: dict[str, Any] | None, reopen: str | None) -> None:
    """Raise :class:`InputError` when sealing is refused: a sealed tender without a reason to
    reopen it, or a reason to reopen a tender that is not sealed (``label``: the seal file
    as the user named it)."""
    if sealed is not None and not (reopen or "").strip():
        raise InputError([Problem(label, "sealed_at", "already sealed",
                                  found=sealed.get("sealed_at"),
                                  expected='--reopen "reason" to reopen')])
    if sealed is None and reopen:
        raise InputError([Problem(label, "file", "nothing to reopen", found="no seal",
                                  expected="a sealed tender")])


def write_seal(folder: Path, tender: Any, *, reopen: str | None = None,
               by: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Seal the quality scores (or reseal them after a reopening) and return ``seal.json``.

    The seal keeps the sha256 of every score file and of consensus.csv and a snapshot of the
    scores, so a reopening can record exactly which scores changed, old → new. ``by`` (who
    sealed, or who reopened) is recorded as ``sealed_by`` on the seal, as ``by`` on a
    reopening: the protocol names the person, so a reader knows whom to ask.
    """
    now = now or dt.datetime.now(dt.UTC)
    previous = read_seal(folder)
    snapshot = score_snapshot(tender)
    seal: dict[str, Any] = {
        "seal_version": SEAL_VERSION,
        "sealed_at": (previous or {}).get("sealed_at", now.isoformat(timespec="seconds")),
        "sealed_by": (previous or {}).get("sealed_by") if previous is not None else by,
        "files": {p.relative_to(folder).as_posix(): sha256_file(p) for p in quality_files(folder)},
        "scores": snapshot,
        "reopenings": list((previous or {}).get("reopenings", [])),
        # every round of a negotiation is evaluated with the one frozen model
        "model_sha256": tender.model.sha256,
    }
    check_reopen(str(folder / SEAL_FILE), previous, reopen)
    if previous is not None:
        seal["reopenings"].append({"at": now.isoformat(timespec="seconds"), "reason": reopen,
                                   "by": by, "changes": score_changes(
                                       previous.get("scores", []), snapshot)})
    if seal["sealed_by"] is None:  # a seal made before --by existed: nothing to record
        del seal["sealed_by"]
    (folder / SEAL_FILE).write_text(json.dumps(seal, ensure_ascii=False, indent=1,
                                               sort_keys=True) + "\n", encoding="utf-8")
    return seal
