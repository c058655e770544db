"""Negotiation rounds (``rounds/``, ``tender.yaml``'s ``procedure``, ``rounds`` and ``reduce``,
the root's negotiation record): every rule of design.md refused with ``file:line: field: …``
and exit 2, and the demo's three rounds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import append_line, delete_line, edit, model_of, rename_proposal

from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tender(make_tender: Callable[..., Path]) -> Path:
    """The demo as an innovation partnership, its seals kept (they record the model)."""
    return make_tender(rounds=True, sealed=True)


def refused(run: Run, tender: Path, *fragments: str, command: str = "score") -> str:
    status, _, err = run(command, tender, "--language", "en")
    assert 2 == status, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def drop(tender: Path, round_id: str, pid: str) -> None:
    """Remove proposal ``pid``'s rows from a round's files (it did not tender there)."""
    folder = tender / "rounds" / round_id
    (folder / "seal.json").unlink(missing_ok=True)
    for path in folder.rglob("*.csv"):
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        keep = [line for line in lines if not line.startswith((f"{pid},", f"{pid};"))]
        edit(path, "".join(lines), "".join(keep))


def test_the_demo_rounds_prices_fall_scores_rise_and_the_final_is_the_award(
        demo_tender: Path) -> None:
    rounds = [evaluate_tender(load_tender(demo_tender, round=r))
              for r in ("1-initial", "2-revised", "3-final")]
    assert ("003", "004") == rounds[0].partners  # the initial round: 003 led
    assert ("001", "003") == rounds[1].partners == rounds[2].partners
    dev = [r.prices[r.index("001"), r.price_fields.index("price_development")] for r in rounds]
    assert dev[0] > dev[1] > dev[2] == 9_400_000
    totals = [r.totals[r.index("001")] for r in rounds]
    assert totals[0] < totals[1] < totals[2]
    final = evaluate_tender(load_tender(demo_tender))  # the latest round is the default
    assert "3-final" == final.tender.round
    assert pytest.approx(68.04, abs=0.005) == final.totals[final.index("001")]


def test_a_model_changed_between_rounds_is_refused(tender: Path, run: Run) -> None:
    """Round 1 and 2 were sealed under the model's digest; an edited model is another one:
    the award criteria and weights are not negotiable."""
    edit(model_of(tender), "weight: 30\n    weight_range: [25, 35]",
         "weight: 31\n    weight_range: [25, 35]")
    edit(model_of(tender), "weight: 20\n    weight_range: [15, 25]\n    criteria:",
         "weight: 19\n    weight_range: [15, 25]\n    criteria:")
    refused(run, tender, "1000-bygg/rounds/1-initial/seal.json: model_sha256: round 1-initial "
            "was evaluated with another model: the award criteria and weights are not "
            "negotiable")


def test_an_innovation_partnership_without_rounds_is_refused(tender: Path, run: Run) -> None:
    text = (tender / "tender.yaml").read_text(encoding="utf-8")
    start = text.index("rounds:\n")
    edit(tender / "tender.yaml", text[start:], "")
    shutil.rmtree(tender / "rounds")
    refused(run, tender, "tender.yaml:", "rounds: an innovation partnership negotiates: it "
            "needs at least an initial and a final round", command="validate")


def test_an_uninvited_tender_is_refused(tender: Path, run: Run) -> None:
    """014 ranked 9th in the prequalification and was not invited."""
    rename_proposal(tender / "rounds" / "1-initial", "005", "014")
    (tender / "rounds" / "1-initial" / "seal.json").unlink()
    refused(run, tender, "1000-bygg/rounds/1-initial/proposals.csv: proposal_id: a tender "
            "from an applicant that was not invited (prequalification) (found '014'")


def test_an_unexplained_absence_is_refused_and_an_explained_one_accepted(
        tender: Path, run: Run) -> None:
    for r in ("2-revised", "3-final"):
        drop(tender, r, "005")
    delete_line(tender / "negotiations.csv", "2-revised,005,")  # no meeting after it left
    refused(run, tender, "1000-bygg/departures.csv: proposal_id: tender 005 of round 1-initial "
            "is absent from round 2-revised without an explanation (the tool never assumes a "
            "withdrawal)")
    (tender / "departures.csv").write_text(
        "after_round,proposal_id,kind,reason,date\n"
        "1-initial,005,withdrawn,Leverandøren trakk tilbudet skriftlig 20.09.2026,"
        "2026-09-20\n", encoding="utf-8")
    status, _, err = run("score", tender)
    assert 0 == status, err
    loaded = load_tender(tender)
    assert ["005"] == list(loaded.negotiation.departures["proposal_id"])


def test_a_tender_that_departed_may_not_return(tender: Path, run: Run) -> None:
    drop(tender, "2-revised", "005")
    (tender / "departures.csv").write_text(
        "after_round,proposal_id,kind,reason,date\n"
        "1-initial,005,withdrawn,Trakk seg,2026-09-20\n", encoding="utf-8")
    refused(run, tender, "1000-bygg/rounds/3-final/proposals.csv: proposal_id: a tender not "
            "allowed into round 3-final: it did not tender in round 2-revised (found '005'")


def test_a_reduction_eliminates_by_the_award_criteria(tender: Path, run: Run) -> None:
    """Announced: after the revised round keep 4. Round 2 ranks 001, 003, 004, 002, 005 (006
    below a minimum): 005 is eliminated, and must be recorded as such."""
    edit(tender / "tender.yaml", "rounds:\n", "reduce:\n  - {after: 2-revised, keep: 4}\n"
         "rounds:\n")
    drop(tender, "3-final", "005")
    refused(run, tender, "1000-bygg/departures.csv: proposal_id: eliminated by the announced "
            "reduction after round 2-revised (ranked 5, 4 go on) but not recorded")
    (tender / "departures.csv").write_text(
        "after_round,proposal_id,kind,reason,date\n"
        "2-revised,005,eliminated,Rangert som nr. 5 etter revidert tilbud; 4 går videre,"
        "2026-10-08\n", encoding="utf-8")
    status, _, err = run("score", tender)
    assert 0 == status, err
    assert {"005": 5} == load_tender(tender).negotiation.eliminated["2-revised"]


def test_a_meeting_on_the_final_tender_is_refused(tender: Path, run: Run) -> None:
    line = append_line(tender / "negotiations.csv",
                       '3-final,001,2026-10-28,"Anne Berg, Byggpuls",Prisen')
    refused(run, tender, f"1000-bygg/negotiations.csv:{line}: date: a negotiation meeting at "
            "or after the final round: the final tender is not negotiated")


def test_a_change_not_sent_to_every_remaining_tenderer_is_refused(tender: Path,
                                                                   run: Run) -> None:
    edit(tender / "changes_sent.csv", "2026-10-01,001 002 003 004 005 006",
         "2026-10-01,001 002 003 005 006")
    refused(run, tender, "1000-bygg/changes_sent.csv:2: sent_to: a change to the documents not "
            "sent to every remaining tenderer of round 1-initial (FOA § 23-10 (1), equal "
            "treatment): missing 004")


def test_one_deadline_for_all(tender: Path, run: Run) -> None:
    append_line(tender / "changes_sent.csv", '1-initial,2026-09-22,"Kravspesifikasjon v1.1: '
                'krav til åpne grensesnitt presisert",2026-10-02,001 002 003 004 005 006')
    refused(run, tender, "was given more than one deadline in round 1-initial: one deadline "
            "for all")


def test_an_earlier_round_is_evaluated_on_its_own(tender: Path, run: Run) -> None:
    status, out, err = run("score", tender, "--round", "1-initial", "--format", "json")
    assert 0 == status, err
    assert '"winner": "003"' in out
    status, _, err = run("score", tender, "--round", "9-extra")
    assert 2 == status and "--round: round: no such round folder (found '9-extra'" in err
