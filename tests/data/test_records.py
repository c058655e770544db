"""Tests for evaluation.data.records: declarations, declared conflicts and recusals.

Legal frame: FOA § 7-5 applies forvaltningsloven §§ 6–10 to everyone who takes part in the
evaluation; a declared tie to a tenderer either disqualifies (a recusal) or is assessed by the
committee with its reasons (forvaltningsloven § 6 annet ledd, § 8).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit, line_of

from evaluation.data.tender import load_tender

Run = Callable[..., tuple[int, str, str]]
DECLARATIONS = "1000-bygg/declarations.csv"


def _unrecuse_sara(t: Path) -> None:
    """Remove sara.nilsen's recusal from 004 and give her scores for it (anne's, copied)."""
    (t / "recusals.csv").write_text("evaluator,proposal_id,reason\n", encoding="utf-8")
    anne = (t / "scores/anne.berg.csv").read_text(encoding="utf-8").splitlines()
    with (t / "scores/sara.nilsen.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(line for line in anne if line.startswith("004,")) + "\n")


def test_the_demo_names_the_proposal_its_declared_conflict_concerns(demo_tender: Path) -> None:
    declarations = load_tender(demo_tender).declarations
    assert declarations is not None
    sara = declarations.set_index("evaluator").loc["sara.nilsen"]
    assert ("004",) == sara["proposal_ids"]
    assert "" == sara["assessment"]


def test_a_declared_conflict_scored_without_recusal_or_assessment_stops(
        make_tender: Callable[[], Path], run: Run, tmp_path: Path) -> None:
    t = make_tender()
    _unrecuse_sara(t)
    line = line_of(t / "declarations.csv", "sara.nilsen")
    expected = (f"{DECLARATIONS}:{line}: proposal_ids: sara.nilsen declared a tie to proposal "
                "004 and scored it, with neither a recusal nor an impartiality assessment "
                "(found 'scores for 004 in scores/sara.nilsen', expected a row in recusals.csv "
                "(and no scores), or the committee's reasoned assessment in the column "
                "assessment)")
    for command in (("validate",), ("score",), ("run", "--out", tmp_path / "runs")):
        status, _, err = run(command[0], t, *command[1:])
        assert 2 == status, command
        assert [expected, "1 problem(er); ingenting ble skrevet."] == err.splitlines()
    assert not (tmp_path / "runs").exists()


def test_naming_the_supplier_in_the_conflicts_counts_as_naming_the_proposal(
        make_tender: Callable[[], Path], run: Run) -> None:
    """sara.nilsen's conflicts name 'Tvillingverket AS', the supplier of 004."""
    t = make_tender()
    _unrecuse_sara(t)
    edit(t / "declarations.csv", "AS (2024–2025)\",004,", "AS (2024–2025)\",,")
    status, _, err = run("validate", t)
    assert 2 == status
    assert "sara.nilsen declared a tie to proposal 004 and scored it" in err


def test_a_recorded_assessment_lets_the_scores_stand(make_tender: Callable[[], Path],
                                                     run: Run) -> None:
    t = make_tender()
    _unrecuse_sara(t)
    edit(t / "declarations.csv", "AS (2024–2025)\",004,",
         "AS (2024–2025)\",004,\"Komiteen fant 2026-10-07 at rådgivningen var avsluttet og "
         "ikke gir grunn til å svekke tilliten (fvl. § 6 annet ledd)\"")
    status, _, err = run("validate", t)
    assert 0 == status, err


def test_proposal_ids_must_be_known(make_tender: Callable[[], Path], run: Run) -> None:
    t = make_tender()
    edit(t / "declarations.csv", "AS (2024–2025)\",004,", "AS (2024–2025)\",\"004 ; 040\",")
    status, _, err = run("validate", t)
    assert 2 == status
    line = line_of(t / "declarations.csv", "sara.nilsen")
    assert (f"{DECLARATIONS}:{line}: proposal_ids: unknown proposal (found '040', expected ids "
            "from proposals.csv)") in err


def test_a_declaration_date_must_be_a_date(make_tender: Callable[[], Path], run: Run) -> None:
    t = make_tender()
    edit(t / "declarations.csv", "anne.berg,2026-05-20", "anne.berg,10/05/2026")
    status, _, err = run("validate", t)
    assert 2 == status
    assert (f"{DECLARATIONS}:2: date: not a date (found '10/05/2026', expected a date written "
            "2026-11-02 or 02.11.2026)") in err
