"""The variants compared: the model's own price models or award rule, and the candidates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluation.common.labels import LANGUAGES, Label
from evaluation.core.model import Model
from evaluation.core.price_models import MODELS, is_bounded

from .constants import AWARD_CANDIDATES, CANDIDATES, PRICE_CANDIDATES
from .generate import _field_is_cost, budgets, price_fields
from .settings import Settings

AWARD_NAMES = {
    "weighted_points": Label("Vektet poengsum", "Weighted points"),
    "monetised": Label("Prissetting av kvalitet (fradrag i pris)",
                       "Monetised quality (price deduction)"),
    "surcharge": Label("Påslagsmodell", "Surcharge on price"),
    "value_for_money": Label("Pris per kvalitetspoeng", "Value for money (quality per krone)"),
}
# Announced parameters of the absolute candidates, as multiples of a price field's budget.
FIXED_BEST, FIXED_WORST = 0.6, 1.6
PIECEWISE = ((0.5, 1.0), (1.0, 0.6), (1.6, 0.0))  # (× budget, share of the scale)
LOG_ZERO_AT = 2.0


@dataclass(frozen=True)
class PriceRule:
    """How one price leaf is scored in a variant."""

    model: str
    direction: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Variant:
    """The model under test with its price leaves or award rule replaced by a candidate."""

    id: str  # "own" or a candidate id from :data:`CANDIDATES`
    name: Label
    award_model: str
    price_models: tuple[PriceRule | None, ...]  # per price leaf (None: no price points)
    quality_weights: tuple[float, ...]  # global weight per quality leaf
    price_weights: tuple[float, ...]  # global weight per price leaf
    share_weights: tuple[float, ...]  # quality weights summing to 1 (award models)
    amounts: tuple[float, ...]  # monetised: amount per quality leaf at the scale maximum
    award_fields: tuple[str, ...]  # cost fields summed into the evaluated price
    budget: Mapping[str, float]
    quality_over_price: float = 0.0  # w_q / w_p (surcharge)
    price_share: float = 0.0  # w_p (surcharge)
    corridor_pct: float = 0.0
    relative: bool = False
    bounded: bool = False
    leaks_prices: bool | None = None


def _own_name(model: Model) -> Label:
    if model.award_model != "weighted_points":
        name = AWARD_NAMES[model.award_model]
    else:
        ids = list(dict.fromkeys(leaf.price.model for leaf in model.price_leaves
                                 if leaf.price is not None))
        name = Label(", ".join(MODELS[i].name["nb"] for i in ids) or "ingen pris",
                     ", ".join(MODELS[i].name["en"] for i in ids) or "no price")
    return Label(f"Modellens egen: {name.nb}", f"The model's own: {name.en}")


def build_variants(model: Model, settings: Settings) -> tuple[list[Variant], list[Label]]:
    """Return the variants to compare (the model's own first) and what each assumes.

    Candidates replace every cost price leaf's model (benefit leaves keep their own); their
    announced parameters come from the budget: ``fixed_endpoints`` best 0.6 × budget (full
    points), worst 1.6 × budget (none); ``piecewise`` full points at 0.5 × budget, 60 % at the
    budget, none at 1.6 × budget, clipped; ``log`` zero at 2 × the lowest; ``linear`` slope 1,
    no floor. Award candidates score the sum of the cost price fields with the model's
    weights: ``monetised`` deducts ``w_c / w_p × budget`` at a quality leaf's maximum (so one
    quality point is worth what linear scoring at a lowest price equal to the budget offers);
    ``surcharge`` uses ``w_q / w_p``; ``value_for_money`` has no corridor.
    """
    budget = budgets(model, settings)
    q_leaves, p_leaves = model.quality_leaves, model.price_leaves
    cost_fields = tuple(f for f in price_fields(model) if _field_is_cost(model, f))
    normalised = any(n.normalisation != "none" for n in model.nodes())
    from evaluation.core.award import quality_weights

    share = tuple(float(w) for w in quality_weights(model, q_leaves))
    gw_q = tuple(model.global_weight(leaf.id) for leaf in q_leaves) if model.weighted else share
    gw_p = tuple(model.global_weight(leaf.id) for leaf in p_leaves) if model.weighted else \
        tuple(0.0 for _ in p_leaves)
    w_q, w_p = sum(gw_q), sum(gw_p)
    own_rules = tuple(
        PriceRule(leaf.price.model, leaf.price.direction, dict(leaf.price.params))
        if leaf.price is not None and leaf.price.model != "none" else None for leaf in p_leaves)
    common = {"quality_weights": gw_q, "price_weights": gw_p, "share_weights": share,
              "budget": budget}
    own_fields = model.price_fields
    own = Variant(
        "own", _own_name(model), model.award_model, own_rules,
        amounts=tuple(leaf.value or 0.0 for leaf in q_leaves),
        award_fields=own_fields if model.award_model != "weighted_points" else cost_fields,
        quality_over_price=w_q / w_p if w_p else 0.0, price_share=w_p,
        corridor_pct=model.corridor_pct or 0.0 if model.award_model == "value_for_money"
        else 0.0,
        relative=normalised or model.relative_price or bool(
            model.award_model == "value_for_money" and model.corridor_pct),
        bounded=model.award_model == "weighted_points" and all(
            r is None or is_bounded(r.model, r.params) for r in own_rules),
        leaks_prices=any(MODELS[r.model].leaks_prices for r in own_rules if r is not None)
        if model.award_model == "weighted_points" else None,
        **common)  # type: ignore[arg-type]
    variants, notes = [own], []
    wanted = settings.models or CANDIDATES
    weighted_ok = model.weighted and bool(p_leaves) and w_p > 0
    for cid in wanted:
        if not weighted_ok or (cid in AWARD_CANDIDATES and (not cost_fields or len(
                cost_fields) != len(price_fields(model)))):
            notes.append(Label(f"{cid}: ikke sammenlignet (modellen mangler vekter eller har "
                               "priser der høyere er bedre)",
                               f"{cid}: not compared (the model has no weights, or price "
                               "numbers where larger is better)"))
            continue
        if cid in PRICE_CANDIDATES:
            rules = tuple(_candidate_rule(cid, leaf, budget) if r is not None and
                          r.direction == "cost" else r
                          for leaf, r in zip(p_leaves, own_rules, strict=True))
            variants.append(Variant(
                cid, Label(MODELS[cid].name["nb"], MODELS[cid].name["en"]), "weighted_points",
                rules, amounts=tuple(0.0 for _ in q_leaves), award_fields=cost_fields,
                relative=normalised or any(MODELS[r.model].relative for r in rules
                                           if r is not None),
                bounded=all(r is None or is_bounded(r.model, r.params) for r in rules),
                leaks_prices=any(MODELS[r.model].leaks_prices for r in rules if r is not None),
                **common))  # type: ignore[arg-type]
        else:
            total = sum(budget[f] for f in cost_fields)
            variants.append(Variant(
                cid, AWARD_NAMES[cid], cid, tuple(None for _ in p_leaves),
                amounts=tuple(w / w_p * total for w in gw_q), award_fields=cost_fields,
                quality_over_price=w_q / w_p, price_share=w_p, relative=normalised,
                **common))  # type: ignore[arg-type]
    return variants, notes


def _candidate_rule(cid: str, leaf: Any, budget: Mapping[str, float]) -> PriceRule:
    b = budget[leaf.price.field]
    lo, span = leaf.scale.min, leaf.scale.range
    params: dict[str, Any] = {}
    if cid == "fixed_endpoints":
        params = {"best": FIXED_BEST * b, "worst": FIXED_WORST * b}
    elif cid == "piecewise":
        params = {"breakpoints": tuple((x * b, lo + y * span) for x, y in PIECEWISE),
                  "outside": "clip"}
    elif cid == "log":
        params = {"zero_at": LOG_ZERO_AT}
    elif cid == "linear":
        params = {"slope": 1.0}
    return PriceRule(cid, "cost", params)


def assumptions(model: Model, settings: Settings) -> list[Label]:
    """Return, in both languages, the announced parameters the candidates assume."""
    from evaluation.common.labels import format_money

    out: list[Label] = []
    for f, b in budgets(model, settings).items():
        given = f in settings.budget
        money = {lang: format_money(b, lang) for lang in LANGUAGES}
        best = {lang: format_money(FIXED_BEST * b, lang) for lang in LANGUAGES}
        worst = {lang: format_money(FIXED_WORST * b, lang) for lang in LANGUAGES}
        half = {lang: format_money(0.5 * b, lang) for lang in LANGUAGES}
        out.append(Label(
            f"{f}: budsjett {money['nb']}" + ("" if given else " (antatt: sett model_test."
                                              "budget i modellen)")
            + f"; faste endepunkter: full score ved {best['nb']}, null ved {worst['nb']}; "
            f"stykkevis lineær: full score ved {half['nb']}, 60 % ved budsjettet, null ved "
            f"{worst['nb']}; logaritmisk: null ved 2 × laveste pris; lineær: null ved 2 × "
            "laveste pris, uten gulv.",
            f"{f}: budget {money['en']}" + ("" if given else " (assumed: set model_test.budget "
                                            "in the model)")
            + f"; fixed endpoints: full score at {best['en']}, none at {worst['en']}; "
            f"piecewise linear: full score at {half['en']}, 60 % at the budget, none at "
            f"{worst['en']}; logarithmic: zero at 2 × the lowest price; linear: zero at 2 × "
            "the lowest price, no floor."))
    out.append(Label(
        "Prissetting av kvalitet: fradraget for et kriterium ved full score er kriteriets vekt "
        "delt på prisvekten, ganget med summen av budsjettene; påslagsmodellen bruker "
        "kvalitetsvekt/prisvekt; pris per kvalitetspoeng uten korridor.",
        "Monetised quality: the deduction for a criterion at its maximum is its weight divided "
        "by the price weight, times the sum of the budgets; the surcharge uses quality "
        "weight/price weight; value for money without a corridor."))
    return out
