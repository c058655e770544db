"""Evaluation integrity (issue 6/6): impartiality, quality before price, rejections and the
change record. Legal frame: ../shared/reference/legal.md (FOA § 7-5, § 24-9, § 7-1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import delete_line, edit

from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.launch.run import start_run

ROOT = Path(__file__).resolve().parents[2]


def score(run, tender: Path) -> dict:
    status, out, err = run("score", tender, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def test_the_demo_carries_declarations_a_recusal_and_a_seal(demo_tender):
    tender = load_tender(demo_tender)
    assert set(tender.declarations["evaluator"]) == set(tender.evaluators)
    assert tender.recusals[["evaluator", "proposal_id"]].values.tolist() == [
        ["sara.nilsen", "004"]]
    assert tender.seal is not None and not tender.quality_only
    info = evaluate_tender(tender).diagnostics["integrity"]
    assert info["seal"]["sealed_at"].startswith("2026-11-02")
    assert info["recusals"][0]["reason"].startswith("Tidligere rådgiver")


def test_scores_from_an_evaluator_without_declaration_are_refused(make_tender, run):
    tender = make_tender()
    delete_line(tender / "declarations.csv", "jonas.haugen,")
    status, _, err = run("score", tender)
    assert status == 2
    assert ("1000-bygg/scores/jonas.haugen.csv: evaluator: scores from an evaluator without an "
            "impartiality declaration in declarations.csv (FOA § 7-5) (found 'jonas.haugen'"
            ) in err


def test_no_declarations_file_gives_a_warning(make_tender, run):
    tender = make_tender()
    (tender / "declarations.csv").unlink()
    warnings = score(run, tender)["warnings"]
    assert any("No impartiality declarations" in w or "Ingen habilitetserklæringer" in w
               for w in warnings)


def test_a_recused_evaluator_with_a_score_is_refused(make_tender, run):
    tender = make_tender()
    with (tender / "scores" / "sara.nilsen.csv").open("a", encoding="utf-8") as fh:
        fh.write('004,plan,5,"Skulle ikke vært her"\n')
    status, _, err = run("score", tender)
    assert status == 2
    assert "scores/sara.nilsen.csv:" in err
    assert "score from an evaluator recused from this proposal" in err
    assert "004 (recused: Tidligere rådgiver" in err


def test_a_recusal_is_aggregated_over_the_other_evaluators(make_tender, run):
    tender = make_tender()
    edit(tender.parent.parent / "criteria" / "1000-bygg.yaml", "aggregation: consensus",
         "aggregation: mean")
    loaded = load_tender(tender)
    ev = evaluate_tender(loaded)
    i = ev.index("004")
    q = [leaf.id for leaf in ev.model.quality_leaves].index("plan")
    scores = loaded.scores
    mine = scores[(scores.proposal_id == "004") & (scores.criterion_id == "plan")]
    assert set(mine.evaluator) == {"anne.berg", "jonas.haugen"}
    assert ev.panel.aggregated[i, q] == pytest.approx(mine.score.mean())


def _quality_only(tender: Path) -> None:
    """Before the seal: no price columns, no price lines, price_opening: after_seal."""
    text = (tender / "proposals.csv").read_text(encoding="utf-8").splitlines()
    (tender / "proposals.csv").write_text(
        "\n".join(",".join(line.split(",")[:2]) for line in text) + "\n", encoding="utf-8")
    (tender / "prices.csv").unlink()
    with (tender / "tender.yaml").open("a", encoding="utf-8") as fh:
        fh.write("price_opening: after_seal\n")


def test_before_sealing_no_price_is_read(make_tender, run):
    tender = make_tender()
    _quality_only(tender)
    result = score(run, tender)
    assert result["diagnostics"]["integrity"]["quality_only"] is True
    first = result["proposals"][0]
    assert first["prices"] == {"price_development": None, "lifecycle_cost": None}
    assert first["criteria"]["pris"]["points"] == 0
    assert first["id"] == "001"  # best quality
    assert any("quality only" in w or "bare kvalitet" in w for w in result["warnings"])


def test_seal_then_a_one_byte_change_is_refused_and_reopen_records_it(make_tender, run):
    tender = make_tender()
    status, out, _ = run("seal", tender)
    assert status == 0 and "forseglet 4 kvalitetsfil(er)" in out
    status, _, err = run("seal", tender)
    assert status == 2 and "already sealed" in err
    edit(tender / "scores" / "jonas.haugen.csv", "001;plan;8;", "001;plan;9;")
    status, _, err = run("score", tender)
    assert status == 2
    assert ("1000-bygg/scores/jonas.haugen.csv: sha256: quality scores changed after they "
            "were sealed") in err
    status, out, _ = run("seal", tender, "--reopen", "Feilføring rettet etter kontroll")
    assert status == 0
    assert "jonas.haugen · 001 · plan: 8.0 → 9.0" in out
    seal = json.loads((tender / "seal.json").read_text(encoding="utf-8"))
    (reopening,) = seal["reopenings"]
    assert reopening["reason"] == "Feilføring rettet etter kontroll"
    assert [(c["who"], c["proposal_id"], c["criterion_id"], c["old"], c["new"])
            for c in reopening["changes"]] == [("jonas.haugen", "001", "plan", 8.0, 9.0)]
    result = score(run, tender)
    assert any("reopened 1" in w or "åpnet 1" in w for w in result["warnings"])


def test_seal_by_records_who_sealed_and_who_reopened(make_tender, run):
    """The protocol names who sealed (issue 16); a seal without --by says it is not recorded."""
    tender = make_tender()
    status, out, _ = run("seal", tender, "--by", "Kari Nordmann")
    assert status == 0 and "av Kari Nordmann" in out and "advarsel" not in out
    seal = json.loads((tender / "seal.json").read_text(encoding="utf-8"))
    assert "Kari Nordmann" == seal["sealed_by"]
    edit(tender / "scores" / "jonas.haugen.csv", "001;plan;8;", "001;plan;9;")
    status, _, _ = run("seal", tender, "--reopen", "Feilføring", "--by", "Ola Nordmann")
    assert status == 0
    seal = json.loads((tender / "seal.json").read_text(encoding="utf-8"))
    assert "Kari Nordmann" == seal["sealed_by"]  # the seal's author stays
    assert "Ola Nordmann" == seal["reopenings"][0]["by"]
    (tender / "seal.json").unlink()
    status, out, _ = run("seal", tender)
    assert status == 0 and "forseglet uten --by NAVN" in out
    assert "sealed_by" not in json.loads((tender / "seal.json").read_text(encoding="utf-8"))


def test_the_demo_seal_names_who_sealed(demo_tender):
    assert load_tender(demo_tender).seal["sealed_by"] == "Sara Nilsen, innkjøpsrådgiver"


def test_reopening_an_unsealed_tender_is_refused(make_tender, run):
    status, _, err = run("seal", make_tender(), "--reopen", "why")
    assert status == 2 and "nothing to reopen" in err


def test_a_never_sealed_tender_says_so(make_tender, run):
    warnings = score(run, make_tender())["warnings"]
    assert any("not sealed before prices were seen" in w or "ikke forseglet før" in w
               for w in warnings)


@pytest.mark.notebooks
def test_protocol_of_the_demo_run_shows_the_records(demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    assert "recusals.csv" in page and "sara.nilsen" in page
    assert "declarations.csv" in page
    assert "forseglet 02.11.2026 kl. 09:30 UTC av Sara Nilsen" in page  # Norwegian dates
    assert "Første kjøring av konkurransen" in page


@pytest.mark.notebooks
def test_a_quality_only_tender_gets_no_run_but_its_notebooks_show_quality(make_tender,
                                                                          tmp_path):
    """A run records an award; before the seal there is none, so run refuses (issue 3/10:
    a complete, auditable run naming a winner on quality alone was produced before). The
    committee still opens the notebooks before the seal: they execute on quality alone."""
    from evaluation.common.errors import TenderError
    from evaluation.runs.execute import Job, execute_job

    tender = make_tender()
    _quality_only(tender)
    with pytest.raises(TenderError, match="price_opening: after_seal and the quality scores "
                       "are not sealed"):
        start_run(tender, out=tmp_path / "runs", jobs=2, progress=False)
    assert not (tmp_path / "runs").exists()
    base = {"tender": str(tender), "run_dir": str(tmp_path / "scratch"), "language": "nb"}
    (tmp_path / "scratch").mkdir()
    for name, parameters in (("committee", {**base, "interactive": False}),
                             ("proposal", {**base, "proposal_id": "004"})):
        outcome = execute_job(Job(f"{name}.ipynb", str(ROOT / "notebooks" / f"{name}.ipynb"),
                                  str(tmp_path / f"{name}.ipynb"), parameters))
        assert outcome.ok, outcome


@pytest.mark.notebooks
def test_change_record_of_a_second_run_lists_exactly_the_edited_scores(make_tender, tmp_path):
    tender = make_tender()
    runs = tmp_path / "runs"
    first = start_run(tender, out=runs, jobs=2, progress=False)
    assert first.ok and first.manifest["changes"] == {"previous_run": None}
    edit(tender / "scores" / "anne.berg.csv", '002,plan,"6,5"', '002,plan,"7,5"')
    edit(tender / "consensus.csv", "003,kompetanse,7,", "003,kompetanse,8,")
    second = start_run(tender, out=runs, jobs=2, progress=False)
    assert second.ok
    record = second.manifest["changes"]
    assert record["previous_run"] == first.folder.name
    assert [(c["who"], c["proposal_id"], c["criterion_id"], c["old"], c["new"])
            for c in record["scores"]] == [("anne.berg", "002", "plan", 6.5, 7.5),
                                           ("consensus", "003", "kompetanse", 7.0, 8.0)]
    assert record["prices"] == [] and record["weights"] == []
    page = (second.folder / "report.html").read_text(encoding="utf-8")
    assert f"Endringer siden kjøring {first.folder.name}" in page
    shutil.rmtree(runs)
