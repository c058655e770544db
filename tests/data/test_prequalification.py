"""Loading a prequalification (``tenders/<t>/prequalification/``): every rule of design.md's
contract refused with ``file:line: field: … (found …, expected …)`` and exit status 2."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import append_line, delete_line, edit, line_of

from evaluation.core.prequalification import evaluate_selection
from evaluation.core.scoring import evaluate_tender
from evaluation.data.prequalification import load_prequalification

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tender(make_tender: Callable[[], Path]) -> Path:
    return make_tender()


def selection(tender: Path) -> Path:
    return tender / "prequalification" / "selection.yaml"


def refused(run: Run, tender: Path, *fragments: str) -> str:
    """Run ``select`` and return its stderr after checking exit 2 and each fragment."""
    status, _, err = run("select", tender)
    assert 2 == status, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_the_demo_invites_a_start_up_ranked_13th_and_not_an_established_firm_ranked_9th(
        demo_tender: Path) -> None:
    pq = load_prequalification(demo_tender)
    result = evaluate_selection(pq, evaluate_tender(pq.competition))
    by_id = {o.id: o for o in result.outcomes}
    assert 24 == len(pq.applicants) and 23 == sum(o.qualified for o in result.outcomes)
    assert 13 == by_id["004"].rank and by_id["004"].invited and 2 == by_id["004"].reserved_place
    assert 9 == by_id["014"].rank and not by_id["014"].invited
    assert 10 == len(result.invited)
    assert {"001", "002", "003", "004", "005", "006"} <= set(result.invited)
    assert not by_id["024"].qualified
    assert by_id["024"].reason.en.startswith("not qualified: requirement K2")
    consortia = pq.applicants["members"].str.contains(";").sum()
    assert 10 <= consortia <= 14  # about half applied as consortia
    assert 5 == (pq.applicants["category"] == "nyetablert").sum()


def test_select_json_follows_the_score_contract_style(demo_tender: Path, run: Run) -> None:
    status, out, err = run("select", demo_tender, "--format", "json", "--samples", "2000")
    assert 0 == status, err
    obj = json.loads(out)
    assert "selection" == obj["stage"] and "1000-bygg" == obj["tender"]
    first = obj["applicants"][0]
    assert {"id", "name", "category", "qualified", "requirements", "rank", "total",
            "total_pct", "invited", "reserved_place", "reason", "criteria"} <= set(first)
    assert first["total"] == pytest.approx(87.0, abs=1e-12)
    assert "invitert: nr. 1 i rangeringen" == first["reason"]
    assert obj["invited"] == [a["id"] for a in obj["applicants"] if a["invited"]]
    assert obj["stability"]["relevans"]["high"] == pytest.approx(100 * 2.5 / 5.5)
    shares = obj["acceptability"]["invited"]
    assert shares["001"] == 1.0 and 0.0 < shares["014"] < 0.1
    assert sum(shares.values()) == pytest.approx(10.0)


def test_an_applicant_scored_but_not_listed(tender: Path, run: Run) -> None:
    path = tender / "prequalification" / "scores" / "anne.berg.csv"
    line = append_line(path, "099,relevans,7,Gode referanser.")
    refused(run, tender, f"prequalification/scores/anne.berg.csv:{line}: applicant_id: score "
            "for an unknown applicant (found '099', expected an id from applicants.csv)")


def test_a_requirement_without_evidence_or_without_a_row(tender: Path, run: Run) -> None:
    path = tender / "prequalification" / "requirements.csv"
    line = line_of(path, "005,K1")
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    edit(path, text, "005,K1,ja,")
    delete_line(path, "006,K3")
    refused(run, tender,
            f"prequalification/requirements.csv:{line}: evidence: a requirement met or not "
            "needs its evidence (found '', expected the document or fact relied on)",
            "prequalification/requirements.csv: requirement_id: no assessment of requirement "
            "K3 for applicant 006")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    min: 2\n    max: 4\n", "    min: 5\n    max: 4\n",
     "selection.yaml:{line}: invite.reserved.min: reserved.min above reserved.max (found 5, "
     "expected <= 4)"),
    ("    places: 2", "    places: 5",
     "selection.yaml:{line}: invite.reserved.places: the recorded places lie outside the "
     "announced range (found 5, expected 2 to 4)"),
    ("    reading: reservation\n", "",
     "selection.yaml:{line}: invite.reserved.reading: the announced wording decides whether "
     "the places are a reservation or a quota; record which (the tool never picks one)"),
    ("  min: 3\n", "  min: 2\n",
     "selection.yaml:{line}: invite.min: at least three must be invited where that many "
     "qualify (directive 2014/24/EU art. 65(2)) (found 2, expected >= 3)"),
])
def test_invitation_rules_refused(tender: Path, run: Run, old: str, new: str,
                                  message: str) -> None:
    first = old.splitlines()[0]
    edit(selection(tender), old, new)
    target = {"    min: 2": "    min: 5", "    places: 2": "    places: 5",
              "  min: 3": "  min: 2"}.get(first)
    # a missing key is reported at its mapping, which starts with the category
    line = line_of(selection(tender), target or "    category: nyetablert")
    refused(run, tender, "prequalification/" + message.format(line=line))


def test_a_start_up_without_the_evidence_of_its_category(tender: Path, run: Run) -> None:
    path = tender / "prequalification" / "applicants.csv"
    line = line_of(path, "017,")
    row = path.read_text(encoding="utf-8").splitlines()[line - 1]
    edit(path, row, row[: row.index("nyetablert,") + len("nyetablert,")])
    refused(run, tender, f"prequalification/applicants.csv:{line}: category_evidence: an "
            "applicant of the reserved category nyetablert needs the evidence that it belongs "
            "to it")


def test_draws_without_an_announced_lot_are_refused(tender: Path, run: Run) -> None:
    edit(selection(tender), "tie_break: [relevans, omfang, lot]", "tie_break: [relevans, omfang]")
    (tender / "prequalification" / "draws.csv").write_text(
        "applicant_id,order,witnessed_by,date\n014,1,Kari Vitne,2026-06-20\n", encoding="utf-8")
    refused(run, tender, "prequalification/draws.csv: file: a draw of lots, but the announced "
            "tie-break list does not end in lot")


def test_lot_must_end_the_tie_break_list(tender: Path, run: Run) -> None:
    edit(selection(tender), "tie_break: [relevans, omfang, lot]", "tie_break: [lot, relevans]")
    refused(run, tender, "tie_break.0: drawing lots can only settle what every other rule left "
            "tied: it must be the last tie-break key")


def test_a_selection_model_has_no_price(tender: Path, run: Run) -> None:
    edit(selection(tender), "  - id: resultater\n", "  - id: pris\n    title: Pris\n"
         "    weight: 0\n    price: {model: linear, field: price}\n  - id: resultater\n")
    refused(run, tender, "criterion pris: selection criteria rank the applicants' "
            "qualifications; a request to participate has no price")


def test_a_tie_at_the_cut_stops_and_a_recorded_draw_settles_it(tender: Path, run: Run) -> None:
    """014 (9, 6, 4) scored like 020 (6, 7, 8) gives a tie at places 8-9: tied on relevance
    and scope too, so only the announced lot and a recorded draw can settle it."""
    path = tender / "prequalification" / "consensus.csv"
    for c, s in (("relevans", 6), ("omfang", 7), ("resultater", 8)):
        line = line_of(path, f"014,{c},")
        row = path.read_text(encoding="utf-8").splitlines()[line - 1]
        edit(path, row, f"014,{c},{s},{row.split(',', 3)[3]}")
    err = refused(run, tender, "Tie at the invitation cut: 014, 020 share rank 8")
    assert "record the draw in draws.csv" in err
    (tender / "prequalification" / "draws.csv").write_text(
        "applicant_id,order,witnessed_by,date\n020,2,Kari Vitne,20.06.2026\n"
        "014,1,Kari Vitne,20.06.2026\n", encoding="utf-8")
    status, out, err = run("select", tender, "--language", "en", "--samples", "500")
    assert 0 == status, err
    line = next(x for x in out.splitlines() if x.split()[1:2] == ["014"])
    assert "invited: ranked 8 (tied at rank 8, settled by drawing lots on 2026-06-20, " \
        "witnessed by Kari Vitne)" in line


def test_no_prequalification_folder(tender: Path, run: Run) -> None:
    shutil.rmtree(tender / "prequalification")
    refused(run, tender, "1000-bygg/prequalification: folder: no prequalification folder")


def test_the_demos_relevance_interval_checked_by_reselection(tender: Path) -> None:
    """select says the invited set holds for relevance up to 100·2.5/5.5 = 45.45…: re-select
    from the files with relevance just inside and just outside (the others rescaled
    proportionally, 30:30). With relevance t, 014 (9, 6, 4) minus 020 (6, 7, 8) is
    3t − (1−t)/2 − 4(1−t)/2 = 5.5t − 2.5: 014 overtakes 020 above t = 2.5/5.5."""
    end = 100 * 2.5 / 5.5

    def invited_at(t: float) -> tuple[str, ...]:
        path = selection(tender)
        text = path.read_text(encoding="utf-8")
        other = (100 - t) / 2
        for cid, w in (("relevans", t), ("omfang", other), ("resultater", other)):
            start = text.index(f"  - id: {cid}\n")
            at = text.index("    weight: ", start)
            stop = text.index("\n", at)
            text = text[:at] + f"    weight: {w!r}" + text[stop:]
            at = text.index("    weight_range: ", start)
            stop = text.index("\n", at)
            text = text[:at] + "    weight_range: [0, 100]" + text[stop:]
        path.write_text(text, encoding="utf-8")
        pq = load_prequalification(tender)
        return evaluate_selection(pq, evaluate_tender(pq.competition)).invited

    published = invited_at(40.0)
    assert published == invited_at(end - 1e-6)
    outside = invited_at(end + 1e-6)
    assert "014" in outside and "020" not in outside
