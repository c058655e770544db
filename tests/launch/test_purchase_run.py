"""``evaluation purchase TENDER``: the purchase check in its own run folder, which audits like
an award run; its protocol in the report; a gate's run of an earlier phase unaffected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evaluation.cli import main

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def purchase_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One purchase run of a copy of the demo: ``(run folder, manifest sha256)``."""
    root = tmp_path_factory.mktemp("purchase")
    shutil.copytree(ROOT / "tenders" / "1000-bygg", root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", root / "criteria")
    assert 0 == main(["purchase", str(root / "tenders" / "1000-bygg"), "--out",
                      str(root / "runs"), "--quiet", "--language", "en"])
    (run,) = (root / "runs" / "1000-bygg" / "purchase").iterdir()
    from evaluation.common.hashing import sha256_file

    return run, sha256_file(run / "manifest.json")


def test_a_purchase_run_holds_its_stage_and_the_check(purchase_run: tuple[Path, str]) -> None:
    run, _ = purchase_run
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert "purchase" == manifest["stage"] and "en" == manifest["language"]
    copied = {e["path"].removeprefix("inputs/tenders/1000-bygg/") for e in manifest["inputs"]}
    for name in ("partnership/followers.csv", "partnership/purchase/purchase.csv",
                 "partnership/purchase/measurements.csv", "partnership/3/gate.csv",
                 "partnership/plan.lock.json", "rounds/3-final/prices.csv"):
        assert name in copied, name
    # the award's scope: the final round's run reads who was invited
    assert {"prequalification/applicants.csv", "rounds/1-initial/proposals.csv"} <= copied
    assert ["purchase.ipynb"] == [n["path"] for n in manifest["notebooks"]]
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    (c,) = results["partners"]
    assert ("001", True, True, True) == (c["partner"], c["exercisable"], c["levels_met"],
                                         c["within_cost"])
    assert 2.59 == round(c["ratio"], 2)
    assert {"min_ratio": 1.5, "max_ratio": 10.0} == results["proportionality"]
    assert ["exercise", "exercise"] == [d["decision"] for d in c["decisions"]]
    assert c["decisions"][0]["proportionality_assessment"].startswith("Kjøpet for kommunen")
    assert ["lauvasen"] == [f["id"] for f in results["followers"] if not f["covered"]]


def test_the_report_holds_the_purchase_protocol(purchase_run: tuple[Path, str]) -> None:
    run, _ = purchase_run
    report = (run / "report.html").read_text(encoding="utf-8")
    for text in ("Record of the innovation partnership and the purchase option",
                 "Phase 3: The municipality", "The purchase option", "Performance level",
                 "Ratio value / investment", "The committee's bounds",
                 "The committee's assessment of proportionality", "Buyer and followers",
                 "Lauvåsen kommune (fiktiv)", "not named in the notice",
                 "the plan is frozen as the contract"):
        assert text in report, text
    assert 3 == report.count("Plotly.newPlot(")  # levels, volume, followers' cost


def test_a_purchase_run_audits_clean(purchase_run: tuple[Path, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    run, sha = purchase_run
    assert 0 == main(["audit", str(run), "--quiet", "--manifest-sha256", sha])
    out = capsys.readouterr().out
    assert "purchase.ipynb: re-run identical" in out
    assert "results.json equals purchase.ipynb's payload" in out


def test_the_executed_purchase_notebook_shows_no_error_and_no_warning(
        purchase_run: tuple[Path, str]) -> None:
    import nbformat

    run, _ = purchase_run
    for cell in nbformat.read(run / "purchase.ipynb", as_version=4).cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            assert output.get("name") != "stderr", output.get("text")
