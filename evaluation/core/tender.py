"""The tender: everything the committee entered for one competition, validated.

:func:`evaluation.data.tender.load_tender` builds it from a tender folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.common.labels import Label
from evaluation.core.model import Model
from evaluation.core.negotiation import NegotiationRecord, RoundPlan


@dataclass(frozen=True)
class Tender:
    """Everything the committee entered for one competition, validated."""

    folder: Path
    title: Label
    model: Model
    currency: str
    partners: int
    evaluators: tuple[str, ...]
    proposals: pd.DataFrame  # index proposal_id (str): supplier, admissible, rejection_reason
    prices: pd.DataFrame  # index proposal_id, one float column per price field (evaluated)
    scores: pd.DataFrame  # evaluator, proposal_id, criterion_id, score, justification
    consensus: pd.DataFrame | None  # proposal_id, criterion_id, score, justification, notice_text
    files: tuple[Path, ...]  # every input file read, for manifests and seals
    budget: float | None = None  # tender.yaml's budget: an amount for one price field
    budget_field: str | None = None  # the price field the budget limits
    standstill_days: int | None = None
    settings: dict[str, Any] | None = None
    price_lines: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()
    declarations: pd.DataFrame | None = None  # None: no declarations.csv (a warning)
    recusals: pd.DataFrame | None = None  # evaluator, proposal_id, reason
    explanations: pd.DataFrame | None = None  # answers to FOA § 24-9 requests
    seal: dict[str, Any] | None = None  # seal.json; None: never sealed
    quality_only: bool = False  # price_opening: after_seal and not yet sealed
    round: str | None = None  # the negotiation round evaluated (None: a single award)
    award_folder: Path | None = None  # where the award files are: rounds/<id>/ or the folder
    round_plan: RoundPlan | None = None  # the announced rounds and reductions
    negotiation: NegotiationRecord | None = None  # meetings, changes sent, departures

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def files_folder(self) -> Path:
        """The folder of the award's own files (proposals, prices, scores, consensus, seal)."""
        return self.award_folder or self.folder

    @property
    def proposal_ids(self) -> list[str]:
        return list(self.proposals.index)

    def consensus_row(self, proposal_id: str, criterion_id: str) -> pd.Series | None:
        """Return the committee's agreed row for a proposal and criterion, if recorded."""
        if self.consensus is None:
            return None
        hit = self.consensus[(self.consensus["proposal_id"] == proposal_id) &
                             (self.consensus["criterion_id"] == criterion_id)]
        return hit.iloc[0] if len(hit) else None
