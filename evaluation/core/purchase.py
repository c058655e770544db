"""The purchase option (DFØ's phase 4): may it be exercised, what is it worth against what the
development cost, and which municipalities does it cover?

- **Exercisable** only if the developed solution meets every agreed performance level and its
  binding price does not exceed the agreed maximum cost (FOA part III, directive 2014/24/EU
  art. 31(2)), after a development the committee recorded as complete.
- **Proportionality**: the value of what is bought must stand in proportion to the investment
  needed to develop it (art. 31(7)). No threshold exists in law: the tool shows the ratio and
  the bounds the committee set, and the committee's recorded assessment; it never judges.
- **Followers**: a follower municipality may use the option only if the notice named it as a
  possible buyer and the volume lies within the announced value (framework-agreement case law
  C-216/17 *Coopservice*, C-23/20 *Simonsen & Weel*, KOFA 2015/65, by analogy).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.common.labels import Label, format_money
from evaluation.core.gate import MET, TargetResult, target_object, target_result
from evaluation.core.partnership import Partnership
from evaluation.core.schedule import net_present_value

CASE_LAW = "C-216/17, C-23/20, KOFA 2015/65"
OPTION_WORDS = {"yes": ("ja", "yes"), "no": ("nei", "no"), "undecided": ("uavklart", "undecided")}


def option_word(option: str, language: str) -> str:
    """Return a follower's option (yes, no, undecided) in words."""
    return OPTION_WORDS[option][1 if language == "en" else 0]


def yearly_prices(amounts: dict[int, float], buyer_buildings: float, years: int
                  ) -> list[float]:
    r"""Return the price per building for years ``0 … years`` from the schedule's yearly
    amounts for the buyer's portfolio.

    .. math::

        p_t = A_t / B \quad (t \le T), \qquad p_t = p_T \quad (T < t \le n)

    ``A_t``: the sum of quantity × unit price of the price field's lines for year ``t`` (the
    schedule prices the buyer's own ``B`` buildings); beyond the schedule's last year ``T`` the
    last year's price holds; a year without lines (0 when there is no set-up line) costs 0.
    """
    last = max((t for t in amounts if t >= 1), default=0)
    return [amounts.get(t, amounts.get(last, 0.0) if t > last >= 1 else 0.0) / buyer_buildings
            for t in range(years + 1)]


def purchase_value(buildings: float, per_building: Sequence[float], rate: float) -> float:
    r"""Return the net present value of buying for ``buildings`` buildings at the yearly
    prices per building ``per_building`` (year 0 first, undiscounted).

    .. math::

        V = \sum_{t=0}^{n} \frac{b\,p_t}{(1 + r)^t}

    Source: directive 2014/24/EU art. 68 (life-cycle costing), as the award's price schedule
    is discounted (:func:`evaluation.core.schedule.net_present_value`).
    """
    return net_present_value([buildings * p for p in per_building], range(len(per_building)),
                             rate)


@dataclass(frozen=True)
class Follower:
    """A municipality of ``followers.csv``, and whether the option covers it."""

    id: str
    name: str
    role: str  # buyer | follower
    buildings: float
    floor_area: float
    named: bool
    option: str  # yes | no | undecided
    covered: bool
    reason: Label


@dataclass(frozen=True)
class PartnerPurchase:
    """The purchase check for one remaining partner."""

    partner: str
    supplier: str
    completed: bool
    levels: tuple[TargetResult, ...]
    levels_met: bool
    price: float
    maximum_cost: float
    within_cost: bool
    exercisable: bool
    reasons: tuple[Label, ...]  # why not exercisable
    per_building: tuple[float, ...]  # years 0 … n
    values: dict[str, float]  # buyer, yes (buyer and followers saying yes), undecided,
    # not_covered (followers saying yes the notice did not name)
    investment: float  # every development payment, every partner
    own_payments: float
    ratio: float | None  # values["yes"] / investment
    within_bounds: bool | None  # None: no bounds set
    total: float  # investment + values["yes"]: the procurement's volume
    above_announced: bool | None  # None: no announced value
    total_with_undecided: float
    above_with_undecided: bool | None
    decisions: tuple[dict[str, Any], ...]  # purchase.csv rows, each with its flag


def followers(p: Partnership) -> list[Follower]:
    """Return every municipality with whether the option covers it (the buyer always; a
    follower only when the notice named it)."""
    assert p.followers is not None
    out = []
    for r in p.followers.to_dict(orient="records"):
        buyer = r["role"] == "buyer"
        named = bool(r["named_in_notice"])
        if buyer:
            reason = Label("kjøper (oppdragsgiver)", "buyer (the contracting authority)")
        elif named:
            reason = Label("navngitt i kunngjøringen", "named in the notice")
        else:
            reason = Label(f"ikke navngitt i kunngjøringen: omfattes ikke av opsjonen "
                           f"({CASE_LAW}, analogisk)", f"not named in the notice: not covered "
                           f"by the option ({CASE_LAW}, by analogy)")
        out.append(Follower(str(r["municipality_id"]), str(r["name"]), str(r["role"]),
                            float(r["buildings"]), float(r["floor_area_m2"]), named,
                            str(r["option"]), buyer or named, reason))
    return out


def _levels(p: Partnership, partner: str) -> tuple[TargetResult, ...]:
    assert p.plan.purchase is not None and p.levels is not None
    here = p.levels[p.levels["partner"] == partner]
    values: dict[str, dict[str, float]] = {}
    for tid, arena, value in zip(here["target_id"], here["arena"], here["value"], strict=True):
        values.setdefault(tid, {})[arena] = value
    return tuple(target_result(t, p.plan.arenas[partner], values.get(t.id, {}))
                 for t in p.plan.purchase.performance_levels)


def partner_purchase(p: Partnership, partner: str) -> PartnerPurchase:
    """Return the purchase check for ``partner``: performance levels, price against the
    maximum cost, the purchase's value against the development investment and the announced
    value, and the committee's recorded decisions with a flag where they go against the
    check."""
    plan, terms = p.plan, p.plan.purchase
    assert terms is not None and p.followers is not None and p.purchases is not None
    last = plan.phases[-1]
    row = p.decision(last.id, partner)
    completed = row is not None and row["decision"] == "complete"
    levels = _levels(p, partner)
    unmet = [r.target.id for r in levels if r.status != MET]
    price = p.award.prices[partner][terms.field]
    within = price <= terms.maximum_cost
    cur = p.award.currency
    reasons: list[Label] = []
    if not completed:
        reasons.append(Label(f"utviklingen er ikke registrert som fullført etter fase {last.id}",
                             f"the development is not recorded as complete after phase "
                             f"{last.id}"))
    if unmet:
        reasons.append(Label(f"ytelsesnivå ikke nådd eller ikke dokumentert: {', '.join(unmet)}",
                             f"performance levels not met or not evidenced: {', '.join(unmet)}"))
    if not within:
        reasons.append(Label(f"prisen {format_money(price, 'nb', cur)} er over makskostnaden "
                             f"{format_money(terms.maximum_cost, 'nb', cur)}",
                             f"the price {format_money(price, 'en', cur)} exceeds the maximum "
                             f"cost {format_money(terms.maximum_cost, 'en', cur)}"))
    towns = followers(p)
    buyer = next(f for f in towns if f.role == "buyer")
    per_building = yearly_prices(p.award.yearly[(partner, terms.field)], buyer.buildings,
                                 terms.years)

    def value(group: list[Follower]) -> float:
        return math.fsum(purchase_value(f.buildings, per_building, terms.discount_rate)
                         for f in group)

    followers_ = [f for f in towns if f.role == "follower"]
    values = {"buyer": value([buyer]),
              "yes": value([buyer, *(f for f in followers_ if f.option == "yes")]),
              "undecided": value([f for f in followers_ if f.option == "undecided"]),
              "not_covered": value([f for f in followers_ if f.option == "yes" and
                                    not f.covered])}
    investment = math.fsum(p.payments["amount"])
    own = math.fsum(p.payments.loc[p.payments["partner"] == partner, "amount"])
    ratio = values["yes"] / investment if investment > 0 else None
    bounds = plan.proportionality
    within_bounds = None if bounds is None or ratio is None else \
        (bounds[0] is None or ratio >= bounds[0]) and (bounds[1] is None or ratio <= bounds[1])
    total = investment + values["yes"]
    announced = plan.announced_value
    exercisable = completed and not unmet and within
    rows = p.purchases[p.purchases["partner"] == partner].to_dict(orient="records")
    decisions = tuple(_decision({str(k): v for k, v in r.items()}, exercisable, reasons, towns,
                                total, announced, cur) for r in rows)
    return PartnerPurchase(
        partner, p.supplier(partner), completed, levels, not unmet, price, terms.maximum_cost,
        within, exercisable, tuple(reasons), tuple(per_building), values, investment, own,
        ratio, within_bounds, total, None if announced is None else total > announced,
        total + values["undecided"],
        None if announced is None else total + values["undecided"] > announced, decisions)


def _decision(row: dict[str, Any], exercisable: bool, reasons: list[Label],
              towns: list[Follower], total: float, announced: float | None, currency: str
              ) -> dict[str, Any]:
    """Return a recorded purchase decision with its flag (nb, en) where it goes against the
    check: exercising an option that is not exercisable, or for a municipality it does not
    cover, or beyond the announced value."""
    town = next((f for f in towns if f.id == row["buyer"]), None)
    flags: list[Label] = []
    if row["decision"] == "exercise":
        if not exercisable:
            flags.append(Label("opsjonen utøves selv om den ikke kan utøves: " +
                               "; ".join(r.nb for r in reasons),
                               "exercised although the option is not exercisable: " +
                               "; ".join(r.en for r in reasons)))
        if town is not None and not town.covered:
            flags.append(Label(f"{town.name}: {town.reason.nb}", f"{town.name}: {town.reason.en}"))
        if announced is not None and total > announced:
            flags.append(Label(
                f"samlet volum {format_money(total, 'nb', currency)} er over den kunngjorte "
                f"verdien {format_money(announced, 'nb', currency)}",
                f"the total volume {format_money(total, 'en', currency)} exceeds the announced "
                f"value {format_money(announced, 'en', currency)}"))
    day = row["date"]
    return {**row, "date": day.isoformat() if day is not None else None,
            "flag": [f.nb for f in flags], "flag_en": [f.en for f in flags]}


def purchase_check(p: Partnership) -> list[PartnerPurchase]:
    """Return the purchase check of every remaining partner."""
    return [partner_purchase(p, q) for q in p.remaining()]


def yearly_costs(p: Partnership, checks: Sequence[PartnerPurchase]
                 ) -> dict[str, dict[str, tuple[float, float]]]:
    """Return, per municipality and remaining partner, the cost in year 1 (buildings × the
    first year's price per building) and the net present value over the years."""
    terms = p.plan.purchase
    assert terms is not None
    return {f.id: {c.partner: (f.buildings * (c.per_building[1] if len(c.per_building) > 1
                                               else 0.0),
                               purchase_value(f.buildings, c.per_building,
                                              terms.discount_rate))
                   for c in checks} for f in followers(p)}


def purchase_object(p: Partnership, language: str) -> dict[str, Any]:
    """Return the purchase check as JSON (``evaluation purchase``'s results), in the score
    contract's style: ids, full-precision numbers, a reason per verdict."""
    terms = p.plan.purchase
    assert terms is not None
    checks = purchase_check(p)
    costs = yearly_costs(p, checks)
    bounds = p.plan.proportionality
    en = language == "en"
    return {
        "stage": "purchase", "plan": {"sha256": p.plan.sha256},
        "maximum_cost": {"field": terms.field, "amount": terms.maximum_cost},
        "years": terms.years, "discount_rate": terms.discount_rate,
        "announced_value": p.plan.announced_value,
        "proportionality": None if bounds is None else {"min_ratio": bounds[0],
                                                        "max_ratio": bounds[1]},
        "development": {"payments": {q: math.fsum(p.payments.loc[p.payments["partner"] == q,
                                                                  "amount"])
                                     for q in p.plan.partners},
                        "total": math.fsum(p.payments["amount"])},
        "partners": [{
            "partner": c.partner, "supplier": c.supplier, "completed": c.completed,
            "levels": [target_object(r) for r in c.levels], "levels_met": c.levels_met,
            "price": c.price, "maximum_cost": c.maximum_cost, "within_cost": c.within_cost,
            "exercisable": c.exercisable,
            "reasons": [r.get(language) for r in c.reasons],
            "price_per_building": list(c.per_building), "value": c.values,
            "investment": c.investment, "own_payments": c.own_payments, "ratio": c.ratio,
            "within_bounds": c.within_bounds, "total_volume": c.total,
            "above_announced": c.above_announced,
            "total_with_undecided": c.total_with_undecided,
            "above_announced_with_undecided": c.above_with_undecided,
            "decisions": [{k: v for k, v in d.items() if k not in ("flag", "flag_en")} |
                          {"flag": d["flag_en"] if en else d["flag"]} for d in c.decisions],
        } for c in checks],
        "followers": [{
            "id": f.id, "name": f.name, "role": f.role, "buildings": f.buildings,
            "floor_area_m2": f.floor_area, "named_in_notice": f.named, "option": f.option,
            "covered": f.covered, "reason": f.reason.get(language),
            "yearly_cost": {q: cost[0] for q, cost in costs[f.id].items()},
            "value": {q: cost[1] for q, cost in costs[f.id].items()},
        } for f in followers(p)],
        "warnings": list(p.warnings),
    }
