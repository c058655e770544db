"""Summary: what every variant did over every competition, and the model test as a whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from evaluation.common.labels import Label
from evaluation.core.model import Model

from .constants import CHUNK, MAX_PROPOSALS, Array, Mask
from .generate import budgets, generate_competitions
from .settings import Settings, read_settings
from .simulate import Outcomes, simulate_variant
from .variants import Variant, assumptions, build_variants


def _share(flags: Mask | None, eligible: Mask) -> float | None:
    if flags is None:
        return None
    n = int(eligible.sum())
    return float(flags[eligible].sum()) / n if n else None


def _quantiles(values: Array) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return {k: None for k in ("mean", "median", "q1", "q3", "p5", "p95")}
    p5, q1, median, q3, p95 = np.quantile(finite, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"mean": float(finite.mean()), "median": float(median), "q1": float(q1),
            "q3": float(q3), "p5": float(p5), "p95": float(p95)}


@dataclass(frozen=True)
class VariantSummary:
    """What one variant did over every fictitious competition."""

    variant: Variant
    removal_tested: int  # competitions with a non-winner to remove
    removal_changed: int  # … in which removing one changed the winner
    removal_order_changed: int  # … in which removing one changed the order of the rest
    removals: int
    removals_changed: int
    decoy_tested: int
    decoy_changed: int
    decoy_order_changed: int
    order_changed: int  # competitions in which either changed the order of the rest
    reversed: int  # competitions with any change of winner or order
    realised: dict[str, dict[str, float | None]]
    nok: dict[str, float | None]
    negative: float | None
    clipped: float | None
    unbeatable: float | None

    @property
    def removal_rate(self) -> float | None:
        return self.removal_changed / self.removal_tested if self.removal_tested else None

    @property
    def decoy_rate(self) -> float | None:
        return self.decoy_changed / self.decoy_tested if self.decoy_tested else None

    @property
    def order_rate(self) -> float | None:
        return self.order_changed / self.decoy_tested if self.decoy_tested else None

    @property
    def never_reversed(self) -> bool:
        return self.reversed == 0

    def as_dict(self, language: str) -> dict[str, Any]:
        v = self.variant
        return {
            "id": v.id, "name": v.name.get(language), "award_model": v.award_model,
            "price_models": [None if r is None else {"model": r.model, "direction": r.direction,
                                                     "params": _plain(r.params)}
                             for r in v.price_models],
            "relative": v.relative, "bounded": v.bounded, "leaks_prices": v.leaks_prices,
            "removal": {"competitions": self.removal_tested, "winner_changed": self.removal_changed,
                        "winner_changed_share": self.removal_rate,
                        "order_changed": self.removal_order_changed,
                        "removals": self.removals, "removals_changed": self.removals_changed},
            "decoy": {"competitions": self.decoy_tested, "winner_changed": self.decoy_changed,
                      "winner_changed_share": self.decoy_rate,
                      "order_changed": self.decoy_order_changed},
            "order_changed": self.order_changed, "order_changed_share": self.order_rate,
            "reversed": self.reversed, "never_reversed": self.never_reversed,
            "realised_weights": self.realised,
            "nok_per_quality_point": self.nok,
            "negative_price_points": self.negative,
            "clipped_prices": self.clipped,
            "unbeatable_quality_lead": self.unbeatable,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ModelTestResult:
    """The model test of one evaluation model: settings, assumptions and every variant."""

    model: Model
    settings: Settings
    variants: tuple[VariantSummary, ...]
    generated: dict[str, float]
    assumptions: tuple[Label, ...]
    notes: tuple[Label, ...]

    @property
    def own(self) -> VariantSummary:
        return self.variants[0]

    @property
    def never_reversed(self) -> list[str]:
        return [s.variant.id for s in self.variants if s.never_reversed]

    def conclusion(self, language: str) -> str:
        """Return one paragraph saying what the committee should know."""
        from evaluation.common.labels import format_percent

        own = self.own
        pct = {k: format_percent(None if r is None else 100 * r, language)
               for k, r in (("removal", own.removal_rate), ("decoy", own.decoy_rate))}
        names = [s.variant.name.get(language) for s in self.variants[1:] if s.never_reversed]
        if own.never_reversed:
            first = ("Modellens egen prismodell snudde aldri en rangering i "
                     f"{self.settings.competitions} fiktive konkurranser."
                     if language == "nb" else
                     "The model's own price model never reversed a ranking in "
                     f"{self.settings.competitions} fictitious competitions.")
        else:
            first = (f"Med modellens egen prismodell skiftet vinneren i {pct['removal']} av "
                     "konkurransene når ett tilbud som ikke vant ble fjernet, og i "
                     f"{pct['decoy']} når et dårligere lokketilbud ble lagt til."
                     if language == "nb" else
                     f"With the model's own price model the winner changed in "
                     f"{pct['removal']} of the competitions when one non-winning proposal "
                     f"was removed, and in {pct['decoy']} when a dominated decoy was added.")
        second = (("Ingen rangering ble snudd med: " if language == "nb" else
                   "Never reversed a ranking: ") + ", ".join(names) + ".") if names else ""
        return f"{first} {second}".strip()

    def summary(self) -> dict[str, Any]:
        """Return the compact summary recorded in a lock file."""
        return {"competitions": self.settings.competitions, "seed": self.settings.seed,
                "never_reversed": self.never_reversed,
                "own": {"removal_winner_changed_share": self.own.removal_rate,
                        "decoy_winner_changed_share": self.own.decoy_rate,
                        "never_reversed": self.own.never_reversed}}

    def as_dict(self, language: str) -> dict[str, Any]:
        """Return the JSON object of ``evaluation model-test --format json``."""
        return {
            "schema_version": 1,
            "model": self.model.id, "model_sha256": self.model.sha256,
            "model_file": self.model.source.name,
            "language": language,
            "settings": self.settings.as_dict(),
            "budget": budgets(self.model, self.settings),
            "assumptions": [a.get(language) for a in self.assumptions],
            "notes": [n.get(language) for n in self.notes],
            "generated": self.generated,
            "models": [s.as_dict(language) for s in self.variants],
            "never_reversed": self.never_reversed,
            "conclusion": self.conclusion(language),
        }


def _summarise(model: Model, variant: Variant, parts: list[Outcomes]) -> VariantSummary:
    def cat(name: str) -> Any:
        items = [getattr(p, name) for p in parts]
        return None if items[0] is None else np.concatenate(items)

    admitted = cat("admitted")
    removals = cat("removals")
    can_remove = removals > 0
    has_any = admitted > 0
    leaves = [*model.quality_leaves, *model.price_leaves]
    realised_all = cat("realised")
    nominal = [*variant.quality_weights, *variant.price_weights]
    realised: dict[str, dict[str, float | None]] = {}
    for j, leaf in enumerate(leaves):
        q = _quantiles(realised_all[:, j])
        weights_defined = variant.award_model == "weighted_points"
        realised[leaf.id] = {"nominal": float(nominal[j]) if weights_defined else None,
                             "mean": q["mean"], "p5": q["p5"], "p95": q["p95"]}
    nok = _quantiles(cat("nok"))
    nok.pop("mean")
    order = cat("removal_order_changed") | cat("decoy_order_changed")
    winner = cat("removal_changed") | cat("decoy_changed")
    return VariantSummary(
        variant=variant,
        removal_tested=int(can_remove.sum()),
        removal_changed=int(cat("removal_changed").sum()),
        removal_order_changed=int(cat("removal_order_changed").sum()),
        removals=int(removals.sum()), removals_changed=int(cat("removals_changed").sum()),
        decoy_tested=int(has_any.sum()), decoy_changed=int(cat("decoy_changed").sum()),
        decoy_order_changed=int(cat("decoy_order_changed").sum()),
        order_changed=int(order.sum()), reversed=int((order | winner).sum()),
        realised=realised, nok=nok,
        negative=_share(cat("negative"), has_any), clipped=_share(cat("clipped"), has_any),
        unbeatable=_share(cat("unbeatable"), admitted >= 2))


def run_model_test(model: Model, settings: Settings | None = None) -> ModelTestResult:
    """Return the model test of ``model``: every variant over the same fictitious competitions.

    Deterministic: the same model and settings (seed included) give the same result, whatever
    the machine's number of cores.
    """
    settings = settings or read_settings(model)
    batch = generate_competitions(model, settings)
    variants, notes = build_variants(model, settings)
    parts: list[list[Outcomes]] = [[] for _ in variants]
    for start in range(0, len(batch), CHUNK):
        chunk = batch.slice(start, start + CHUNK)
        for k, variant in enumerate(variants):
            parts[k].append(simulate_variant(model, variant, chunk))
    drawn = batch.drawn[:, :MAX_PROPOSALS].sum(axis=1)
    admitted = batch.admitted[:, :MAX_PROPOSALS].sum(axis=1)
    generated = {"proposals_mean": float(drawn.mean()),
                 "excluded_share": float(1.0 - admitted.sum() / max(drawn.sum(), 1)),
                 "competitions_under_two_admitted": float((admitted < 2).mean())}
    return ModelTestResult(model, settings,
                           tuple(_summarise(model, v, p) for v, p in zip(variants, parts,
                                                                          strict=True)),
                           generated, tuple(assumptions(model, settings)), tuple(notes))
