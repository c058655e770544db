"""Negotiation rounds of an innovation partnership: the announced plan and the committee's
record (who met whom, which changes were sent, who left and why), as read and checked by
:mod:`evaluation.data.rounds`.

The award criteria and weights are the same frozen model in every round; the award is the
final round's evaluation; the final tender is not negotiated (FOA part III, directive
2014/24/EU art. 31; reference/innovation-partnership.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

PROCEDURE = "innovation_partnership"
KINDS = ("initial", "revised", "final")
DEPARTURES = ("withdrawn", "rejected", "eliminated")


@dataclass(frozen=True)
class Round:
    """A negotiation round as announced: its folder id, kind and the deadline for tenders."""

    id: str
    kind: str
    date: dt.date


@dataclass(frozen=True)
class Reduction:
    """An announced reduction: after round ``after``, keep the best ``keep`` by the award
    criteria (a tie at the cut keeps all tied)."""

    after: str
    keep: int


@dataclass(frozen=True)
class RoundPlan:
    """The procedure, its rounds in order and the announced reductions."""

    procedure: str | None
    rounds: tuple[Round, ...]
    reductions: tuple[Reduction, ...]

    def index(self, round_id: str) -> int:
        return [r.id for r in self.rounds].index(round_id)

    @property
    def final(self) -> Round | None:
        return next((r for r in self.rounds if r.kind == "final"), None)


@dataclass(frozen=True)
class NegotiationRecord:
    """The committee's record of the negotiation, checked (rows as read)."""

    meetings: pd.DataFrame  # round, proposal_id, date, participants, topics
    changes: pd.DataFrame  # round, date, document, deadline, sent_to
    departures: pd.DataFrame  # after_round, proposal_id, kind, reason, date
    tenderers: dict[str, list[str]]  # round id -> proposal ids, for the rounds present
    # after round id -> {proposal: its rank}: eliminated by an announced reduction
    eliminated: dict[str, dict[str, int]] = field(default_factory=dict)
