"""The innovation partnership after the award: the contract's plan and what was recorded under it.

The plan (``partnership/plan.yaml``, design.md) fixes, at contract signature, the development
phases with their interim targets per partner and pilot arena, the instalments and the
development ceiling, and the purchase option's performance levels and maximum cost. The
records (one folder per phase, and ``purchase/``) are the measurements, payments and the
committee's decisions, which the workbook checks and shows and never makes. Built by
:func:`evaluation.data.partnership.load_partnership`; evaluated by :mod:`evaluation.core.gate`
and :mod:`evaluation.core.purchase`.

Legal frame: FOA part III (directive 2014/24/EU art. 31): the partnership is structured in
phases with interim targets; after each phase the authority may end it or, with several
partners, reduce their number on the basis of those targets; the option may be exercised only
if the agreed performance levels are met and the maximum cost is not exceeded.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.common.labels import NBSP, Label, format_number

RULES = ("all_arenas", "mean", "median", "at_least")
DIRECTIONS = ("higher", "lower")
DECISIONS = ("continue", "end", "complete")
PURCHASE_DECISIONS = ("exercise", "decline")
OPTIONS = ("yes", "no", "undecided")
PURCHASE = "purchase"  # the purchase's folder under partnership/ (DFØ's phase 4)


@dataclass(frozen=True)
class Rule:
    """How a target's arena values decide it: every arena, their mean or median, or at least
    ``k`` arenas."""

    kind: str  # one of RULES
    k: int | None = None  # at_least only

    def text(self, language: str) -> str:
        """Return the rule in words."""
        if self.kind == "at_least":
            return (f"minst {self.k} arenaer" if language == "nb" else f"at least {self.k} "
                    "arenas")
        words = {"all_arenas": ("hver arena", "every arena"), "mean": ("gjennomsnitt",
                                                                      "mean"),
                 "median": ("median", "median")}[self.kind]
        return words[1] if language == "en" else words[0]

    def as_json(self) -> str | dict[str, int]:
        return {"at_least": int(self.k or 0)} if self.kind == "at_least" else self.kind


@dataclass(frozen=True)
class Target:
    """An interim target (or a performance level): a threshold on a metric, per arena."""

    id: str
    title: Label
    metric: Label
    unit: Label  # "%", or {nb: "av 5", en: "of 5"}
    direction: str  # higher: the value must be >= threshold; lower: <= threshold
    threshold: float
    rule: Rule
    partners: tuple[str, ...] | None = None  # None: every partner

    def applies_to(self, partner: str) -> bool:
        return self.partners is None or partner in self.partners

    def sign(self) -> str:
        """Return ``≥`` or ``≤``: thresholds are inclusive (design.md)."""
        return "≥" if self.direction == "higher" else "≤"

    def show(self, value: float | None, language: str) -> str:
        """Return a value of this target's metric with its unit: ``86 %``, ``4,15 av 5``
        (at most two decimals, none when whole)."""
        if value is None or math.isnan(value):
            return "–"
        text = format_number(value, language, 2)
        mark = "," if language == "nb" else "."
        if mark in text:
            text = text.rstrip("0").rstrip(mark)
        unit = self.unit.get(language)
        return f"{text}{NBSP}{unit}" if unit else text

    def threshold_text(self, language: str) -> str:
        """Return the threshold as a condition: ``≥ 85 %``."""
        return f"{self.sign()} {self.show(self.threshold, language)}"


@dataclass(frozen=True)
class Phase:
    """A development phase: its end, its instalments and its interim targets."""

    id: str
    title: Label
    end: dt.date
    ends: dict[str, dt.date]  # a partner's own end, when it differs (a delay agreed)
    instalments: dict[str, float]
    targets: tuple[Target, ...]

    def end_for(self, partner: str) -> dt.date:
        return self.ends.get(partner, self.end)

    def targets_for(self, partner: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.applies_to(partner))


@dataclass(frozen=True)
class Ceiling:
    """The development maximum: per partner, or for all partners together."""

    kind: str  # per_partner | total
    amount: float


@dataclass(frozen=True)
class PurchaseTerms:
    """The purchase option (DFØ's phase 4): performance levels, maximum cost, horizon."""

    performance_levels: tuple[Target, ...]
    field: str  # the award's price field that binds the price (e.g. lifecycle_cost)
    maximum_cost: float
    years: int
    discount_rate: float


@dataclass(frozen=True)
class Plan:
    """The contract's plan, as frozen at signature."""

    source: Path
    sha256: str
    partners: tuple[str, ...]
    arenas: dict[str, tuple[str, ...]]  # partner → its pilot arenas
    phases: tuple[Phase, ...]
    ceiling: Ceiling
    announced_value: float | None = None
    proportionality: tuple[float | None, float | None] | None = None  # (min_ratio, max_ratio)
    purchase: PurchaseTerms | None = None
    fictional: str = ""

    @property
    def phase_ids(self) -> list[str]:
        return [p.id for p in self.phases]

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def is_last(self, phase_id: str) -> bool:
        return phase_id == self.phases[-1].id


@dataclass(frozen=True)
class Award:
    """What the partnership takes from the award (the final tenders' evaluation)."""

    title: Label
    currency: str
    partners: tuple[str, ...]  # awarded
    suppliers: dict[str, str]
    prices: dict[str, dict[str, float]]  # partner → price field → evaluated (binding) price
    # (partner, field) → year → the schedule's amount for that year (prices.csv lines)
    yearly: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)
    price_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partnership:
    """The plan, the award it follows and every record read, validated.

    Frames (dates as :class:`datetime.date`): ``measurements`` (phase, partner, target_id,
    arena, value, date, evidence), ``payments`` (phase, partner, amount, date), ``decisions``
    (phase, partner, decision, reason, date, decided_by); the purchase's ``levels`` (partner,
    target_id, arena, value, date, evidence), ``followers`` and ``purchases`` (buyer, partner,
    decision, proportionality_assessment, reason, date, decided_by).
    """

    folder: Path
    plan: Plan
    award: Award
    through: str  # the last phase read
    measurements: pd.DataFrame
    payments: pd.DataFrame
    decisions: pd.DataFrame
    files: tuple[Path, ...]
    warnings: tuple[str, ...] = ()
    followers: pd.DataFrame | None = None
    levels: pd.DataFrame | None = None
    purchases: pd.DataFrame | None = None

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The phases read: the plan's up to and including ``through``."""
        ids = self.plan.phase_ids
        return self.plan.phases[: ids.index(self.through) + 1]

    def decision(self, phase_id: str, partner: str) -> pd.Series | None:
        """Return the committee's recorded gate decision, if any."""
        hit = self.decisions[(self.decisions["phase"] == phase_id) &
                             (self.decisions["partner"] == partner)]
        return hit.iloc[0] if len(hit) else None

    def ended(self, partner: str) -> tuple[str, dt.date] | None:
        """Return the phase and date of the decision that ended ``partner``, if one did."""
        hit = self.decisions[(self.decisions["partner"] == partner) &
                             (self.decisions["decision"] == "end")]
        return (str(hit.iloc[0]["phase"]), hit.iloc[0]["date"]) if len(hit) else None

    def active_in(self, phase_id: str) -> tuple[str, ...]:
        """Return the partners still in the partnership during ``phase_id`` (not ended at an
        earlier gate)."""
        ids = self.plan.phase_ids
        here = ids.index(phase_id)
        return tuple(p for p in self.plan.partners
                     if (end := self.ended(p)) is None or ids.index(end[0]) >= here)

    def remaining(self) -> tuple[str, ...]:
        """Return the partners never ended (those the purchase may concern)."""
        return tuple(p for p in self.plan.partners if self.ended(p) is None)

    def supplier(self, partner: str) -> str:
        return self.award.suppliers.get(partner, "")
