"""The result of evaluating a tender: every number of one evaluation, in one frozen object.

Built by :func:`evaluation.core.scoring.evaluate_tender` and read by everything above the
model: analysis, views, paperwork and the score object of design.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evaluation.common.labels import Label
from evaluation.core.aggregation import Panel
from evaluation.core.model import Criterion, Model
from evaluation.core.tender import Tender

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Evaluation:
    """Every number of one evaluation, proposals in canonical (sorted id) order."""

    tender: Tender
    proposal_ids: tuple[str, ...]
    leaves: tuple[Criterion, ...]  # every leaf, quality and price, in tree order
    panel: Panel  # quality leaves only, in the order of ``model.quality_leaves``
    scores: Array  # P × L: aggregated quality score / price-model score, before normalisation
    normalised: Array  # P × L: after normalisation, on the leaf's scale
    values: Array  # P × L: (normalised − min)/(max − min)
    global_weights: Array  # L: product of weight/100 down the path
    node_points: dict[str, Array]  # node id → P points (NaN for excluded proposals)
    excluded: NDArray[np.bool_]
    exclusion_reason: tuple[Label | None, ...]
    totals: Array  # P points (NaN for excluded)
    evaluated_price: Array | None  # monetised, surcharge, value_for_money
    ratio: Array | None  # value_for_money: quality points per currency unit
    rank: Array  # P, 1-based, NaN for excluded
    order: tuple[str, ...]  # included proposals in rank order
    partners: tuple[str, ...]
    prices: Array  # P × price fields, the evaluated prices
    price_fields: tuple[str, ...]
    warnings: tuple[Label, ...] = ()
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> Model:
        return self.tender.model

    @property
    def winner(self) -> str | None:
        """The first proposal, or ``None`` when none is ranked or several share rank 1
        after every tie-break rule (the committee must then decide)."""
        if not self.order:
            return None
        if len(self.order) > 1 and self.rank[self.index(self.order[1])] == 1:
            return None
        return self.order[0]

    @property
    def included(self) -> NDArray[np.bool_]:
        return ~self.excluded

    def index(self, proposal_id: str) -> int:
        """Return the row of ``proposal_id`` (a table, not a search: called per proposal)."""
        return self._rows[proposal_id]

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.proposal_ids)}
