"""The negotiation's paperwork: every tenderer gets the award notice, including those who left
in an earlier round; each departure its own letter; the conduct of the negotiation on
request (``notice --negotiations``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import delete_line, edit
from fakes import fake_run

from evaluation.cli import main
from evaluation.paperwork.notice import write_notices

DAY = dt.date(2026, 12, 15)


def without(tender: Path, round_id: str, pid: str) -> None:
    folder = tender / "rounds" / round_id
    (folder / "seal.json").unlink(missing_ok=True)
    for path in folder.rglob("*.csv"):
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        edit(path, "".join(lines), "".join(line for line in lines
                                           if not line.startswith((f"{pid},", f"{pid};"))))


@pytest.fixture
def withdrawn(make_tender: Callable[..., Path]) -> Path:
    """The demo's partnership where 005 withdrew after the initial round."""
    tender = make_tender(rounds=True, sealed=True)
    for r in ("2-revised", "3-final"):
        without(tender, r, "005")
    delete_line(tender / "negotiations.csv", "2-revised,005,")
    # the edited rounds lost their seals: prices are read without one
    edit(tender / "tender.yaml", "price_opening: after_seal", "")
    (tender / "departures.csv").write_text(
        "after_round,proposal_id,kind,reason,date\n"
        "1-initial,005,withdrawn,Kvernstøa trakk tilbudet skriftlig 20.09.2026,2026-09-20\n",
        encoding="utf-8")
    return tender


def test_the_award_notice_goes_to_a_tenderer_that_left(withdrawn: Path, tmp_path: Path
                                                       ) -> None:
    run = fake_run(tmp_path, withdrawn, language="en")
    paths = write_notices(run, language="en", date=DAY)
    names = sorted(p.name for p in paths if p.suffix == ".md" and p.parent.name == "en")
    assert "005.md" in names and 6 == len(names)  # the five in the final round and 005
    assert (run / "notices" / "checklist-en.md").is_file()  # the caseworker's, beside them
    text = (run / "notices" / "en" / "005.md").read_text(encoding="utf-8")
    assert "Kvernstøa Teknisk Drift AS" in text
    assert "it withdrew the tender after round 1-initial" in text
    assert "Byggpuls-konsortiet" in text and "Standstill period" in text
    assert not (run / "departures").exists()  # its letter went with round 2's notices


def test_a_departure_gets_its_letter_with_the_next_rounds_notices(
        withdrawn: Path, tmp_path: Path) -> None:
    shutil.rmtree(withdrawn / "rounds" / "3-final")
    run = fake_run(tmp_path, withdrawn, language="en")
    paths = write_notices(run, language="en", date=DAY)
    letters = [p for p in paths if p.parent.name == "en" and p.parent.parent.name ==
               "departures"]
    assert ["005.html", "005.md"] == sorted(p.name for p in letters)
    text = (run / "departures" / "en" / "005.md").read_text(encoding="utf-8")
    assert "Confirmation that the tender is withdrawn" in text
    assert "withdrew your tender after round 1-initial" in text
    assert "Kvernstøa trakk tilbudet skriftlig" in text  # the committee's own words
    assert not (run / "notices").exists()  # no award notice after an earlier round


def test_an_earlier_round_without_a_departure_has_nothing_to_notify(
        make_tender: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Round 2 of the demo: no award follows it (006, under a minimum there, is negotiated
    with, not rejected) and no one left before it: exit 2, nothing written."""
    tender = make_tender(rounds=True, sealed=True)
    shutil.rmtree(tender / "rounds" / "3-final")
    run = fake_run(tmp_path, tender, language="en")
    assert 2 == main(["notice", str(run), "--language", "en", "--date", "2026-12-15"])
    assert "not the final round 3-final" in capsys.readouterr().err
    assert not (run / "notices").exists() and not (run / "departures").exists()


def test_the_conduct_of_the_negotiation_only_on_request(demo_tender: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    run = fake_run(tmp_path, demo_tender, language="en")
    assert 0 == main(["notice", str(run), "--language", "en", "--date", "2026-12-15"])
    plain = (run / "notices" / "en" / "002.md").read_text(encoding="utf-8")
    assert "conduct and progress of the negotiations" not in plain
    assert 0 == main(["notice", str(run), "--language", "en", "--date", "2026-12-15",
                      "--negotiations"])
    told = (run / "notices" / "en" / "002.md").read_text(encoding="utf-8")
    assert "## The conduct and progress of the negotiations" in told
    assert "Negotiation meetings" in told and "| 2026-09-09 |" in told
    assert "Konkurransegrunnlag v2.0" in told


def test_rounds_command_on_the_demo(demo_tender: Path, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    assert 0 == main(["rounds", str(demo_tender), "--format", "json"])
    obj = json.loads(capsys.readouterr().out)
    assert ["1-initial", "2-revised", "3-final"] == obj["rounds"]
    first = next(p for p in obj["proposals"] if p["id"] == "001")
    assert 3 == first["rounds"]["1-initial"]["rank"] and 1 == first["rounds"]["3-final"]["rank"]
    change = first["rounds"]["2-revised"]["change"]
    assert change["rank"] == -2
    assert change["prices"]["price_development"] == -800_000
    assert change["total"] == pytest.approx(first["rounds"]["2-revised"]["total"] -
                                             first["rounds"]["1-initial"]["total"])
    assert 0 == main(["rounds", str(demo_tender), "--language", "en"])
    out = capsys.readouterr().out
    assert "Total (change) and rank per round" in out and "Negotiation meetings" in out
