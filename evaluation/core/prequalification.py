"""A prequalification: qualification requirements, selection criteria and the invitation.

The first decision of an innovation partnership (reference/innovation-partnership.md, stage
1 and 2): each applicant meets each qualification requirement or not, with evidence (pass or
fail: failing one means not qualified); the qualified are scored on the selection criteria
exactly as tenders are on award criteria (score files, consensus, minimums, tie-break:
:func:`evaluation.core.scoring.evaluate_tender` on :attr:`Prequalification.competition`); the
announced rule then decides whom to invite (:func:`evaluation.core.selection.select_invitees`).
Every applicant gets one line saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.labels import Label, format_number, text_table, yes_no
from evaluation.common.payload import number
from evaluation.core.evaluation import Evaluation
from evaluation.core.results import SCHEMA_VERSION, score_object
from evaluation.core.selection import (
    Candidate,
    Draw,
    InviteRule,
    Selection,
    select_invitees,
)
from evaluation.core.tender import Tender


@dataclass(frozen=True)
class Requirement:
    """A qualification requirement (pass or fail), as announced."""

    id: str
    title: Label


@dataclass(frozen=True)
class Prequalification:
    """Everything the committee entered for the selection of whom to invite, validated."""

    folder: Path  # the tender folder (the files are in its prequalification/)
    competition: Tender  # the qualified applicants as proposals, scored on selection criteria
    applicants: pd.DataFrame  # index applicant_id: name, members, category, category_evidence
    requirements: tuple[Requirement, ...]
    checks: pd.DataFrame  # applicant_id, requirement_id, met (bool), evidence
    rule: InviteRule
    category_definition: Label | None = None
    lot_announced: bool = False
    draws: tuple[Draw, ...] = ()
    files: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    seal: dict[str, object] | None = None

    @property
    def applicant_ids(self) -> list[str]:
        return list(self.applicants.index)

    def failed(self, applicant_id: str) -> list[tuple[Requirement, str]]:
        """Return the requirements ``applicant_id`` does not meet, with their evidence."""
        rows = self.checks[(self.checks["applicant_id"] == applicant_id) & ~self.checks["met"]]
        by_id = {r.id: r for r in self.requirements}
        return [(by_id[rid], ev) for rid, ev in zip(rows["requirement_id"], rows["evidence"],
                                                      strict=True)]


@dataclass(frozen=True)
class Outcome:
    """One applicant's outcome, in the order of the invitation list."""

    id: str
    name: str
    category: str
    qualified: bool
    total: float | None  # selection points (None: not qualified, or below a minimum)
    rank: int | None
    invited: bool
    reserved_place: int | None
    reason: Label


@dataclass(frozen=True)
class SelectionResult:
    """The whole selection: the scored competition, the invitation and one line each."""

    prequalification: Prequalification
    evaluation: Evaluation
    selection: Selection
    outcomes: tuple[Outcome, ...]

    @property
    def invited(self) -> tuple[str, ...]:
        return self.selection.invited


def evaluate_selection(pq: Prequalification, evaluation: Evaluation) -> SelectionResult:
    """Return who is invited and why, from the scored competition ``evaluation``.

    Order: invited and not invited qualified applicants by rank, then those below a minimum,
    then those not qualified. Raises :class:`evaluation.core.selection.TieAtCutError` when a
    tie at a cut cannot be settled by the announced rule.
    """
    category = pq.applicants["category"].to_dict()
    ranked = [Candidate(pid, int(evaluation.rank[evaluation.index(pid)]), category.get(pid, ""))
              for pid in evaluation.order]
    selection = select_invitees(ranked, pq.rule, lot_announced=pq.lot_announced,
                                draws=pq.draws)
    names = pq.applicants["name"].to_dict()
    outcomes: list[Outcome] = []
    for inv in selection.invitations:
        i = evaluation.index(inv.id)
        outcomes.append(Outcome(inv.id, names[inv.id], category.get(inv.id, ""), True,
                                float(evaluation.totals[i]), inv.rank, inv.invited,
                                inv.reserved_place, inv.reason))
    for k in np.flatnonzero(evaluation.excluded):
        pid = evaluation.proposal_ids[k]
        why = evaluation.exclusion_reason[k] or Label("", "")
        outcomes.append(Outcome(pid, names[pid], category.get(pid, ""), True, None, None, False,
                                None, Label(f"ikke invitert (under minstekravet): {why.nb}",
                                            f"not invited (below the minimum): {why.en}")))
    for pid in pq.applicant_ids:
        failed = pq.failed(pid)
        if not failed:
            continue
        nb = "; ".join(f"krav {r.id} ({r.title.nb}) ikke oppfylt: {ev}" for r, ev in failed)
        en = "; ".join(f"requirement {r.id} ({r.title.en}) not met: {ev}" for r, ev in failed)
        outcomes.append(Outcome(pid, names[pid], category.get(pid, ""), False, None, None,
                                False, None, Label(f"ikke kvalifisert: {nb}",
                                                   f"not qualified: {en}")))
    return SelectionResult(pq, evaluation, selection, tuple(outcomes))


def selection_object(result: SelectionResult, language: str | None = None) -> dict[str, Any]:
    """Return the ``evaluation select --format json`` object, in the ``score`` contract's
    style: ids, full-precision numbers, one reason string per decision."""
    pq, evaluation = result.prequalification, result.evaluation
    language = language or evaluation.model.language
    scored = {p["id"]: p for p in score_object(evaluation, language)["proposals"]}
    rule = pq.rule
    res = rule.reserved
    applicants = []
    for o in result.outcomes:
        checks = pq.checks[pq.checks["applicant_id"] == o.id]
        entry: dict[str, Any] = {
            "id": o.id, "name": o.name, "category": o.category, "qualified": o.qualified,
            "requirements": {r: {"met": bool(m), "evidence": e} for r, m, e in zip(
                checks["requirement_id"], checks["met"], checks["evidence"], strict=True)},
            "rank": o.rank, "total": number(o.total),
            "total_pct": None if o.total is None else
            number(100.0 * o.total / evaluation.model.points),
            "invited": o.invited, "reserved_place": o.reserved_place,
            "reason": o.reason.get(language),
            "criteria": scored[o.id]["criteria"] if o.id in scored else {},
        }
        applicants.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "tender": pq.competition.id,
        "stage": "selection",
        "model": evaluation.model.id,
        "invite": {"max": rule.max, "min": rule.min, "reserved": None if res is None else {
            "category": res.category, "min": res.min, "max": res.max,
            "when_qualified_more_than": res.when_qualified_more_than,
            "reading": res.reading, "places": res.places}},
        "qualified": sum(1 for o in result.outcomes if o.qualified),
        "reserved_applied": result.selection.reserved_applied,
        "reserved_places": result.selection.reserved_places,
        "invited": list(result.invited),
        "applicants": applicants,
        "draws": [{"applicant_id": d.applicant_id, "order": d.order,
                   "witnessed_by": d.witnessed_by, "date": d.date}
                  for d in result.selection.draws_used],
        "warnings": [w.get(language) for w in (*result.selection.warnings,
                                                *evaluation.warnings)],
    }


def selection_table(result: SelectionResult, language: str) -> str:
    """Return the invitation list as plain text, one line per applicant."""
    head = (("#", "id", "navn", "kategori", "poeng", "invitert", "begrunnelse") if language ==
            "nb" else ("#", "id", "name", "category", "points", "invited", "reason"))
    rows: list[tuple[str, ...]] = [head]
    for o in result.outcomes:
        rows.append(("–" if o.rank is None else str(o.rank), o.id, o.name[:40], o.category,
                     "–" if o.total is None else format_number(o.total, language, 2),
                     yes_no(o.invited, language), o.reason.get(language)))
    return "\n".join(text_table(rows, rstrip=True))
