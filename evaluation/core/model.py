"""The evaluation model: criteria tree, weights, scales, price models and rules, as frozen
dataclasses. :func:`evaluation.data.criteria.load_model` builds them from a criteria file after
checking every rule of the data contract; nothing downstream validates again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.common.labels import Label
from evaluation.core.price_models import MODELS

AGGREGATIONS = ("consensus", "mean", "median")


NORMALISATIONS = ("none", "proportional", "shift")


AWARD_MODELS = ("weighted_points", "monetised", "surcharge", "value_for_money")


TIE_BREAK_KEYWORDS = ("quality", "price")
# A selection model's tie-break list may end in drawing lots, settled by the committee's
# recorded draw (never by the tool).
LOT = "lot"


WEIGHT_TOLERANCE = 1e-6


ENVIRONMENT_MINIMUM = 0.30  # FOA § 7-9: climate and environment weighted at least 30 %
# 75 % × (5 % + 35 %) computes as 0.29999999999999993: a share this close to 30 % is 30 %
ENVIRONMENT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Scale:
    """The range of scores a criterion accepts."""

    min: float = 0.0
    max: float = 10.0

    @property
    def range(self) -> float:
        return self.max - self.min

    def contains(self, score: float) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class PriceSpec:
    """How a price leaf turns the evaluated price of ``field`` into a score."""

    model: str
    field: str
    direction: str = "cost"
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def relative(self) -> bool:
        return self.model in MODELS and MODELS[self.model].relative


@dataclass(frozen=True)
class Criterion:
    """A node of the criteria tree: a group (with children) or a leaf."""

    id: str
    title: Label
    weight: float | None
    path: tuple[str, ...]
    children: tuple[Criterion, ...] = ()
    scale: Scale = Scale()
    weight_range: tuple[float, float] | None = None
    guidance: Label | None = None
    tags: tuple[str, ...] = ()
    normalisation: str = "none"
    minimum: float | None = None
    price: PriceSpec | None = None
    value: float | None = None  # monetised: amount deducted at the scale maximum

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_price(self) -> bool:
        return self.price is not None

    def walk(self) -> Iterator[Criterion]:
        """Yield this node and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Model:
    """A whole evaluation model as published to suppliers."""

    id: str
    title: Label
    language: str
    scale: Scale
    points: float
    aggregation: str
    disagreement: float
    tie_break: tuple[str, ...]
    award_model: str
    criteria: tuple[Criterion, ...]
    source: Path
    sha256: str
    corridor_pct: float | None = None
    discount_rate: float | None = None
    justifications_required: bool = True
    environment_exception: str | None = None
    abnormally_low_share: float = 0.7
    model_test: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    purpose: str = "award"  # "selection": prequalification criteria (no FOA § 7-9 share)

    def nodes(self) -> Iterator[Criterion]:
        """Yield every node of the tree, depth first."""
        for top in self.criteria:
            yield from top.walk()

    @property
    def leaves(self) -> tuple[Criterion, ...]:
        return tuple(n for n in self.nodes() if n.is_leaf)

    @property
    def quality_leaves(self) -> tuple[Criterion, ...]:
        return tuple(n for n in self.leaves if not n.is_price)

    @property
    def price_leaves(self) -> tuple[Criterion, ...]:
        return tuple(n for n in self.leaves if n.is_price)

    @property
    def price_fields(self) -> tuple[str, ...]:
        """The price fields the price leaves read, in tree order, each once."""
        return tuple(dict.fromkeys(n.price.field for n in self.price_leaves
                                   if n.price is not None))

    def node(self, criterion_id: str) -> Criterion:
        for n in self.nodes():
            if n.id == criterion_id:
                return n
        raise KeyError(criterion_id)

    def global_weight(self, criterion_id: str) -> float:
        """Return the product of ``weight/100`` down the path to the node (0 if unweighted)."""
        weight = 1.0
        for step in self.node(criterion_id).path:
            w = self.node(step).weight
            weight *= 0.0 if w is None else w / 100.0
        return weight

    @property
    def weighted(self) -> bool:
        return all(n.weight is not None for n in self.nodes())

    @property
    def relative_price(self) -> bool:
        return any(leaf.price is not None and leaf.price.relative for leaf in self.price_leaves)

    def environment_weight(self) -> float:
        """Return the summed global weight of nodes tagged ``environment`` (FOA § 7-9)."""
        return environment_share(self.criteria)

    @property
    def environment_rule_applies(self) -> bool:
        """Whether FOA § 7-9's 30 % applies: to the weights of award criteria, not to the
        selection criteria of a prequalification (legal.md)."""
        return self.purpose == "award" and self.weighted


def environment_share(criteria: tuple[Criterion, ...], *, lowest: bool = False) -> float:
    """Return the summed global weight of the nodes tagged ``environment``: the product of
    ``weight/100`` down each path, a tagged node under a tagged ancestor counted once, through
    the ancestor (FOA § 7-9). ``lowest``: every weight on the way at its announced range's
    lower end, where a range is announced, since the committee may set it anywhere in it.
    """
    def shares(nodes: tuple[Criterion, ...], factor: float) -> Iterator[float]:
        for n in nodes:
            weight = n.weight_range[0] if lowest and n.weight_range else n.weight
            share = factor * (0.0 if weight is None else weight / 100.0)
            if "environment" in n.tags:
                yield share
            else:
                yield from shares(n.children, share)

    total = 0.0
    for share in shares(criteria, 1.0):  # added in tree order, as the weights are listed
        total += share
    return total
