"""The purchase option: exercisable only when every performance level is met and the price is
within the maximum cost; proportionality figures by hand with discounting; followers the
notice does not name and volumes above the announced value flagged; the committee's recorded
decision required."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import append_line, delete_line, edit

from evaluation.common.errors import TenderError
from evaluation.core.purchase import (
    partner_purchase,
    purchase_object,
    purchase_value,
    yearly_prices,
)
from evaluation.data.partnership import load_partnership


def test_the_value_of_a_purchase_by_hand() -> None:
    """Schedule amounts for 100 buildings: year 1 300 000, year 2 330 000; a three-year
    purchase holds year 2's price in year 3. Prices per building 3000, 3300, 3300; at 5 %,
    one building is worth 3000/1.05 + 3300/1.05² + 3300/1.05³ = 2857.142857… + 2993.197279…
    + 2850.664075… = 8701.004211…; 40 buildings 348 040.168448…"""
    per_building = yearly_prices({1: 300_000.0, 2: 330_000.0}, 100.0, 3)
    assert [0.0, 3000.0, 3300.0, 3300.0] == per_building
    by_hand = 40 * (3000 / 1.05 + 3300 / 1.05 ** 2 + 3300 / 1.05 ** 3)
    assert purchase_value(40, per_building, 0.05) == pytest.approx(by_hand, rel=1e-13)
    assert purchase_value(40, per_building, 0.05) == pytest.approx(348_040.1684483, rel=1e-10)
    # a set-up line in year 0 is paid at once, undiscounted
    assert [5.0, 3000.0] == yearly_prices({0: 500.0, 1: 300_000.0}, 100.0, 1)


def test_the_demos_proportionality_by_hand(demo_tender: Path) -> None:
    """Partner 001's prices per building: 3050, 3100, 3150, 3200 in years 1–4 (prices.csv,
    1000 buildings), at 4 %: v = 3050/1.04 + 3100/1.04² + 3150/1.04³ + 3200/1.04⁴ per
    building. Bergen (1000) and the eight saying yes (420 + 310 + 260 + 180 + 540 + 150 + 220
    + 350 = 2430) make 3430 buildings; the development paid 9.4 + 2.7 + 2.9 = 15.0 MNOK; so
    the ratio is 3430 v / 15 000 000 ≈ 2.59. The buyer's value is the award's evaluated
    life-cycle price of 001 (the same schedule, the same discounting)."""
    v = 3050 / 1.04 + 3100 / 1.04 ** 2 + 3150 / 1.04 ** 3 + 3200 / 1.04 ** 4
    p = load_partnership(demo_tender, purchase=True)
    c = partner_purchase(p, "001")
    assert c.values["buyer"] == pytest.approx(1000 * v, rel=1e-12)
    assert c.values["buyer"] == pytest.approx(p.award.prices["001"]["lifecycle_cost"],
                                              rel=1e-12)
    assert c.values["yes"] == pytest.approx(3430 * v, rel=1e-12)
    assert c.values["not_covered"] == pytest.approx(350 * v, rel=1e-12)  # Lauvåsen
    assert c.values["undecided"] == pytest.approx(1220 * v, rel=1e-12)
    assert 15_000_000.0 == c.investment and 9_400_000.0 == c.own_payments
    assert c.ratio == pytest.approx(3430 * v / 15e6, rel=1e-12)
    assert c.ratio == pytest.approx(2.5918, abs=1e-4)
    assert c.within_bounds is True  # 1.5 <= 2.59 <= 10: the committee's bounds, not a verdict
    assert c.total == pytest.approx(15e6 + 3430 * v, rel=1e-12)
    assert c.above_announced is False and c.above_with_undecided is True


def test_met_levels_within_the_maximum_cost_make_the_option_exercisable(
        demo_tender: Path) -> None:
    p = load_partnership(demo_tender, purchase=True)
    c = partner_purchase(p, "001")
    assert c.completed and c.levels_met and c.within_cost and c.exercisable
    assert () == c.reasons
    assert ("001",) == p.remaining()  # 003 was ended after phase 2
    flags = {d["buyer"]: d["flag_en"] for d in c.decisions}
    assert {"bergen": [], "fjordvik": []} == flags


def test_an_unmet_level_refuses_the_option_and_flags_an_exercise(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    edit(tender / "partnership" / "purchase" / "measurements.csv", "001,oppetid,Oslo,\"99,5\"",
         "001,oppetid,Oslo,\"99,4\"")
    c = partner_purchase(load_partnership(tender, purchase=True), "001")
    assert not c.levels_met and not c.exercisable and c.within_cost
    assert ["performance levels not met or not evidenced: oppetid"] == [r.en for r in c.reasons]
    (flag,) = next(d["flag_en"] for d in c.decisions if d["buyer"] == "bergen")
    assert flag.startswith("exercised although the option is not exercisable: performance "
                           "levels not met")


def test_a_missing_level_measurement_is_not_evidenced_and_refuses_the_option(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    delete_line(tender / "partnership" / "purchase" / "measurements.csv", "001,energi,Oslo")
    c = partner_purchase(load_partnership(tender, purchase=True), "001")
    energy = next(r for r in c.levels if r.target.id == "energi")
    assert ("not_evidenced", ("Oslo",)) == (energy.status, energy.missing)
    assert not c.exercisable


def test_a_price_above_the_maximum_cost_refuses_the_option(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    edit(tender / "partnership" / "plan.yaml", "amount: 12000000", "amount: 11000000")
    c = partner_purchase(load_partnership(tender, purchase=True), "001")
    assert c.levels_met and not c.within_cost and not c.exercisable
    assert ["the price NOK\u00a011,334,529 exceeds the maximum cost NOK\u00a011,000,000"] == \
        [r.en for r in c.reasons]


def test_a_follower_not_named_in_the_notice_is_flagged(demo_tender: Path) -> None:
    obj = purchase_object(load_partnership(demo_tender, purchase=True), "en")
    assert 21 == len(obj["followers"])
    counts = {o: sum(f["option"] == o for f in obj["followers"] if f["role"] == "follower")
              for o in ("yes", "undecided", "no")}
    assert {"yes": 8, "undecided": 7, "no": 5} == counts
    uncovered = [f for f in obj["followers"] if not f["covered"]]
    assert ["lauvasen"] == [f["id"] for f in uncovered]
    assert uncovered[0]["reason"].startswith("not named in the notice: not covered by the "
                                             "option (C-216/17, C-23/20, KOFA 2015/65")
    assert 1_067_500.0 == uncovered[0]["yearly_cost"]["001"]  # 350 buildings × 3050


def test_a_follower_exercising_without_cover_and_a_volume_above_the_announced_value(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    append_line(tender / "partnership" / "purchase" / "purchase.csv",
                "lauvasen,001,exercise,,Vi vil bruke opsjonen,2029-06-10,Lauvåsen kommune")
    edit(tender / "partnership" / "plan.yaml", "announced_value: 60000000",
         "announced_value: 50000000")
    c = partner_purchase(load_partnership(tender, purchase=True), "001")
    assert c.above_announced is True
    flags = {d["buyer"]: d["flag_en"] for d in c.decisions}
    assert any(f.startswith("Lauvåsen kommune (fiktiv): not named in the notice") for f in
               flags["lauvasen"]), flags
    assert any(f.startswith("the total volume NOK\u00a053,877,433 exceeds the announced value "
                            "NOK\u00a050,000,000") for f in flags["bergen"]), flags


def test_a_missing_recorded_decision_is_refused(make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    path = tender / "partnership" / "purchase" / "purchase.csv"
    delete_line(path, "bergen,001")
    with pytest.raises(TenderError) as caught:
        load_partnership(tender, purchase=True)
    assert ["1000-bygg/partnership/purchase/purchase.csv: partner: no recorded purchase "
            "decision of bergen on partner 001: the committee decides, the tool only checks "
            "(found 'no row', expected a row bergen,001,exercise|decline,…)"] == \
        [str(p) for p in caught.value.problems]
    path.unlink()
    with pytest.raises(TenderError, match=r"purchase\.csv: file: missing file"):
        load_partnership(tender, purchase=True)


def test_the_committees_assessment_is_required_and_dates_are_checked(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    path = tender / "partnership" / "purchase" / "purchase.csv"
    text = path.read_text(encoding="utf-8")
    bergen = next(line for line in text.splitlines() if line.startswith("bergen,"))
    edit(path, bergen, 'bergen,001,exercise,,"Alle nivåer nådd",2029-03-01,utvalget')
    with pytest.raises(TenderError) as caught:
        load_partnership(tender, purchase=True)
    found = [str(p) for p in caught.value.problems]
    assert ("1000-bygg/partnership/purchase/purchase.csv:2: proportionality_assessment: the "
            "committee's assessment of proportionality is not recorded (the tool never makes "
            "it) (found '', expected the committee's assessment, in words)") in found
    assert ("1000-bygg/partnership/purchase/purchase.csv:2: date: a purchase decision dated "
            "before the development ended (found '2029-03-01', expected on or after "
            "2029-03-31)") in found


def test_followers_file_errors(make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    path = tender / "partnership" / "followers.csv"
    edit(path, "fjordvik,Fjordvik kommune (fiktiv),follower", "fjordvik,Fjordvik kommune "
         "(fiktiv),buyer")
    edit(path, "solvang,Solvang kommune (fiktiv),follower,310,265000,yes,yes",
         "solvang,Solvang kommune (fiktiv),follower,310.5,265000,yes,kanskje")
    with pytest.raises(TenderError) as caught:
        load_partnership(tender, purchase=True)
    found = [str(p) for p in caught.value.problems]
    assert ("1000-bygg/partnership/followers.csv:1: role: exactly one buyer (the contracting "
            "authority) (found '2 buyers', expected 1 buyer, the rest followers)") in found
    assert ("1000-bygg/partnership/followers.csv:4: buildings: not a whole number of buildings "
            "(found '310.5', expected 0, 1, 2, ...)") in found
    assert ("1000-bygg/partnership/followers.csv:4: option: unknown value (found 'kanskje', "
            "expected yes | no | undecided)") in found
