"""Loading ``partnership/``: the demo loads, and every careless or hostile record is refused
with ``file:line: field: what is wrong (found X, expected Y)``, all at once, exit status 2,
nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import append_line, edit, line_of

from evaluation.common.errors import TenderError
from evaluation.core.gate import NOT_MET, gate
from evaluation.data.partnership import load_partnership, load_plan

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tender(make_tender: Callable[..., Path]) -> Path:
    folder = make_tender()
    (folder / "partnership" / "plan.lock.json").unlink()  # these tests change the plan
    return folder


def problems(folder: Path, **kwargs: object) -> list[str]:
    with pytest.raises(TenderError) as caught:
        load_partnership(folder, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_the_demo_loads_through_each_phase(demo_tender: Path) -> None:
    p = load_partnership(demo_tender, through="2")
    assert ("001", "003") == p.plan.partners
    assert ("Bergen", "Oslo", "Askøy", "Lørenskog") == p.plan.arenas["003"]
    assert ["1", "2"] == [ph.id for ph in p.phases]
    assert ("001", "003") == p.active_in("2")
    gates = {g.partner: g for g in gate(p, "2")}
    assert NOT_MET == gates["003"].verdict and ["planlagt"] == gates["003"].unmet
    assert gates["003"].flag is None  # ended on the targets: nothing to flag
    p = load_partnership(demo_tender, through="3")
    assert ("001",) == p.active_in("3")
    assert ("2", "2028-05-22") == (p.ended("003")[0], p.ended("003")[1].isoformat())


def test_a_partner_not_awarded(tender: Path) -> None:
    plan = tender / "partnership" / "plan.yaml"
    edit(plan, 'partners: ["001", "003"]', 'partners: ["001", "002"]')
    found = problems(tender, through="1")
    assert (f"1000-bygg/partnership/plan.yaml:{line_of(plan, 'partners: [')}: partners.1: not a "
            "partner awarded in the final round (found '002', expected 001 | 003)") in found


def test_a_phase_without_targets_and_instalments_above_the_ceiling(tender: Path) -> None:
    plan = tender / "partnership" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    start = text.index('  - id: "3"')
    end = text.index("# DFØ's phase 4")
    edit(plan, text[start:end], '  - id: "3"\n    title: Test\n    end: 2029-03-31\n'
         '    instalments: {"001": 3700000, "003": 2500000}\n    targets: []\n')
    found = problems(tender, through="1")
    assert any(f"plan.yaml:{line_of(plan, 'targets: []')}: phases.2.targets: no targets: every "
               "development phase has its interim targets" in p for p in found), found
    first = line_of(plan, '- id: "1"')
    assert (f"1000-bygg/partnership/plan.yaml:{first}: phases: the instalments of partner 001 "
            "add up to more than the ceiling per partner (found 10100000, expected <= "
            "10000000)") in found


def test_unknown_target_arena_and_phase(tender: Path) -> None:
    m = tender / "partnership" / "2" / "measurements.csv"
    n = append_line(m, "001,vedlikehold,Bergen,60,2028-10-27,rapport")
    k = append_line(m, "003,energi,Trondheim,6,2028-04-28,rapport")
    (tender / "partnership" / "4").mkdir()
    found = problems(tender, through="2")
    assert (f"1000-bygg/partnership/2/measurements.csv:{n}: target_id: not a target of this "
            "phase for the partner (found 'vedlikehold', expected brukere | datadekning | "
            "energi | planlagt)") in found
    assert (f"1000-bygg/partnership/2/measurements.csv:{k}: arena: not an arena of partner 003 "
            "(found 'Trondheim', expected Bergen | Oslo | Askøy | Lørenskog)") in found
    assert ("1000-bygg/partnership/4: folder: not a phase of the plan: its measurements would "
            "belong to an unknown phase (found '4', expected 1 | 2 | 3 | purchase)") in found


def test_gate_decisions_without_a_reason_before_the_phase_end_or_for_an_ended_partner(
        tender: Path) -> None:
    g2 = tender / "partnership" / "2" / "gate.csv"
    edit(g2, "2028-11-12,", "2028-10-30,")  # 001's phase 2 ends 31.10.2028 (its delay)
    g1 = tender / "partnership" / "1" / "gate.csv"
    edit(g1, '"Alle delmål for fase 1 er nådd i alle fire arenaer (fiktivt).",2027-11-10,'
             'innovasjonsutvalget (anne.berg; jonas.haugen; sara.nilsen)\n003',
         '"",2027-11-10,innovasjonsutvalget\n003')
    g3 = tender / "partnership" / "3" / "gate.csv"
    k = append_line(g3, "003,end,Avsluttet igjen,2029-04-10,utvalget")
    found = problems(tender, through="3")
    line = line_of(g2, "001,continue")
    assert (f"1000-bygg/partnership/2/gate.csv:{line}: date: a decision dated before its phase's "
            "end (found '2028-10-30', expected on or after 2028-10-31, when phase 2 ends for "
            "001)") in found
    assert ("1000-bygg/partnership/1/gate.csv:2: reason: a gate decision needs its reason "
            "(found '', expected why the committee decided so (the targets it rests on))") \
        in found
    assert (f"1000-bygg/partnership/3/gate.csv:{k}: partner: a gate decision for a partner "
            "already ended (found '003', expected none: the partnership of 003 ended after "
            "phase 2 (2028-05-22))") in found


def test_a_payment_after_the_partnership_ended(tender: Path) -> None:
    pay = tender / "partnership" / "2" / "payments.csv"
    k = append_line(pay, "003,500 000,2028-06-01")
    later = append_line(tender / "partnership" / "3" / "payments.csv", "003,100 000,2029-04-20")
    found = problems(tender, through="3")
    assert (f"1000-bygg/partnership/2/payments.csv:{k}: date: a payment after the partnership "
            "ended (found '2028-06-01', expected on or before 2028-05-22, when 003's "
            "partnership ended (phase 2))") in found
    assert any(p.startswith(f"1000-bygg/partnership/3/payments.csv:{later}: partner: a "
                            "payment for a partner already ended") for p in found), found


def test_a_later_gate_needs_the_earlier_decisions(tender: Path) -> None:
    (tender / "partnership" / "1" / "gate.csv").unlink()
    found = problems(tender, through="2")
    assert ("1000-bygg/partnership/1/gate.csv: partner: no gate decision for partner 001 after "
            "phase 1 (each gate decides who goes on) (found 'no row', expected "
            "001,continue|end|complete,<reason>,<date>,<who>)") in found
    # the gate of phase 1 itself may come before its decision
    assert ("001", "003") == load_partnership(tender, through="1").active_in("1")


def test_measurements_values_and_evidence(tender: Path) -> None:
    m = tender / "partnership" / "1" / "measurements.csv"
    a = append_line(m, "003,planlagt,Bergen,\"1.250\",2027-10-29,rapport")
    b = append_line(m, "001,energi,Bergen,3,29/10/2027,")
    found = problems(tender, through="1")
    assert any(p.startswith(f"1000-bygg/partnership/1/measurements.csv:{a}: value: ") and
               "'1.250'" in p for p in found), found
    assert (f"1000-bygg/partnership/1/measurements.csv:{b}: date: not a date (found "
            "'29/10/2027', expected a date written 2026-11-02 or 02.11.2026)") in found
    assert (f"1000-bygg/partnership/1/measurements.csv:{b}: evidence: a measurement needs its "
            "evidence (found '', expected the report or data source the value comes from)") \
        in found
    assert any(f"measurements.csv:{a}: partner, target_id, arena: measured twice" in p or
               f"measurements.csv:{b}: partner, target_id, arena: measured twice" in p
               for p in found), found


def test_the_command_refuses_with_every_problem_and_writes_nothing(
        tender: Path, tmp_path: Path, run: Run) -> None:
    edit(tender / "partnership" / "plan.yaml", 'partners: ["001", "003"]',
         'partners: ["001", "004"]')
    append_line(tender / "partnership" / "1" / "gate.csv", "001,maybe,,2027-11-10,x")
    status, out, err = run("gate", tender, "--phase", "1", "--out", tmp_path / "runs")
    assert 2 == status and "" == out
    assert "partners.1: not a partner awarded in the final round (found '004'" in err
    assert "problem(er); ingenting ble skrevet." in err
    assert not (tmp_path / "runs").exists()


def test_the_plan_alone_and_unknown_keys(tender: Path) -> None:
    assert ["1", "2", "3"] == load_plan(tender).phase_ids
    plan = tender / "partnership" / "plan.yaml"
    edit(plan, "ceiling:", "cieling:")
    with pytest.raises(TenderError) as caught:
        load_plan(tender)
    assert ["1000-bygg/partnership/plan.yaml:14: cieling: unknown key, did you mean "
            "`ceiling`?"] == [str(p) for p in caught.value.problems]


def test_an_award_not_yet_complete_is_refused(make_tender: Callable[..., Path]) -> None:
    folder = make_tender(sealed=True)
    (folder / "seal.json").unlink()
    with pytest.raises(TenderError, match="the award is not complete"):
        load_partnership(folder, through="1")
    shutil.rmtree(folder / "partnership")
    with pytest.raises(TenderError, match="no partnership plan"):
        load_partnership(folder, through="1")


def test_the_partnership_follows_the_final_rounds_award(make_tender: Callable[..., Path]
                                                        ) -> None:
    """With negotiation rounds the partners are the final round's: while only earlier
    rounds are there, no partnership is loaded (round 2's leaders would be the wrong ones)."""
    folder = make_tender(rounds=True, sealed=True)
    assert ("001", "003") == load_partnership(folder, through="2").award.partners
    shutil.rmtree(folder / "rounds" / "3-final")
    with pytest.raises(TenderError) as caught:
        load_partnership(folder, through="1")
    assert ["1000-bygg/rounds: rounds: the award is not complete: the partnership follows the "
            "final round's award, and its folder is not there yet (found 'latest round present "
            "2-revised', expected rounds/3-final/ (the final round))"] == \
        [str(p) for p in caught.value.problems]


def test_a_decision_against_the_targets_is_flagged_with_its_reason(tender: Path) -> None:
    """The tool recommends, the committee decides: 003 kept on although planned maintenance
    was not met is shown, with the reason recorded, never refused."""
    g2 = tender / "partnership" / "2" / "gate.csv"
    edit(g2, "003,end,", "003,continue,")
    edit(g2, "Delmålet om planlagt vedlikehold", "Partneren har lagt fram en plan; delmålet "
         "om planlagt vedlikehold")
    (ended,) = [g for g in gate(load_partnership(tender, through="2"), "2") if g.partner == "003"]
    assert NOT_MET == ended.verdict and ended.flag is not None
    assert ended.flag.en.startswith("continue although planlagt not met: reason recorded: "
                                    "Partneren har lagt fram en plan")
    assert ended.flag.nb.startswith("fortsetter selv om planlagt ikke er nådd: registrert "
                                    "begrunnelse:")
    assert ended.recommendation.en.startswith("targets not met (planlagt): the contract "
                                              "allows ending")


def test_payments_above_the_instalment_are_warned_and_above_the_ceiling_flagged(
        tender: Path) -> None:
    """001 is paid 3 000 000 + 3 400 000 + 3 000 000 = 9 400 000 by the plan; 700 000 more in
    phase 3 makes 10 100 000, above its instalment of 3 000 000 (a warning, design.md) and
    above the ceiling of 10 000 000 per partner (flagged in the spending)."""
    append_line(tender / "partnership" / "3" / "payments.csv", "001,700 000,2029-04-25")
    p = load_partnership(tender, through="3")
    assert ["1000-bygg/partnership/3/payments.csv: partner 001 was paid 3,700,000 in phase 3, "
            "above its instalment 3,000,000"] == list(p.warnings)
    (g,) = gate(p, "3")
    last = g.spending[-1]
    assert (3_700_000.0, 10_100_000.0, 10_000_000.0) == (last.paid, last.paid_total,
                                                          last.ceiling)
    assert last.above_instalment and last.above_ceiling
    assert not g.spending[1].above_ceiling
