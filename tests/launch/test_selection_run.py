"""``evaluation run TENDER --stage selection``: the prequalification's own run folder, its
audit, its letters, and that later stages never make it fail its audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.launch.run import start_run

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def selection_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """One selection run of a copy of the demo: ``(run folder, tender copy, manifest sha)``."""
    root = tmp_path_factory.mktemp("selection")
    shutil.copytree(ROOT / "tenders" / "1000-bygg", root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", root / "criteria")
    result = start_run(root / "tenders" / "1000-bygg", out=root / "runs", jobs=1,
                       progress=False, stage="selection")
    assert result.ok, [o for o in result.outcomes if not o.ok]
    return result.folder, root / "tenders" / "1000-bygg", result.manifest_sha256


def test_a_selection_run_holds_only_its_stage(selection_run: tuple[Path, Path, str]) -> None:
    run, _, _ = selection_run
    assert "selection" == run.parent.name and "1000-bygg" == run.parent.parent.name
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert "selection" == manifest["stage"]
    copied = sorted(e["path"] for e in manifest["inputs"])
    assert "inputs/prequalification/selection.yaml" in copied
    assert "inputs/tender.yaml" in copied and "inputs/declarations.csv" in copied
    assert not any("proposals.csv" in p or p.startswith("inputs/scores/") for p in copied)
    assert ["selection.ipynb"] == [n["path"] for n in manifest["notebooks"]]
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    assert "004" in results["invited"] and "014" not in results["invited"]
    assert 0 < results["acceptability"]["invited"]["014"] < 0.1
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Protokoll for utvelgelsen" in report and "Reservert plass 2: 004" in report


def test_a_selection_run_audits_clean(selection_run: tuple[Path, Path, str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    run, _, sha = selection_run
    assert 0 == main(["audit", str(run), "--quiet", "--manifest-sha256", sha])
    out = capsys.readouterr().out
    assert "selection.ipynb: re-run identical" in out
    assert "results.json equals selection.ipynb's payload" in out


def test_later_stages_and_the_awards_files_never_fail_it(
        selection_run: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    """A later stage's folder added and the award's proposals changed: not the selection's files.
    A file added inside prequalification/ is, and fails it."""
    run, tender, _ = selection_run
    later = tender / "partnership" / "4"  # a later stage's folder
    later.mkdir()
    (later / "gate.csv").write_text("partner,decision\n", encoding="utf-8")
    proposals = tender / "rounds" / "3-final" / "proposals.csv"
    saved = proposals.read_bytes()
    added = tender / "prequalification" / "draws.csv"
    try:
        proposals.write_bytes(saved.replace(b"9400000", b"9400001"))
        assert 0 == main(["audit", str(run), "--quiet", "--hashes-only"])
        assert "added to the tender folder" not in capsys.readouterr().out
        added.write_text("applicant_id,order,witnessed_by,date\n", encoding="utf-8")
        assert 1 == main(["audit", str(run), "--quiet", "--hashes-only"])
        assert f"{added}: added to the tender folder since the run" in capsys.readouterr().out
    finally:
        proposals.write_bytes(saved)
        shutil.rmtree(later)
        added.unlink(missing_ok=True)


def test_letters_to_everyone_left_out(selection_run: tuple[Path, Path, str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    run, _, _ = selection_run
    assert 0 == main(["notice", str(run), "--date", "2026-06-29", "--language", "en"])
    letters = sorted((run / "letters" / "en").glob("*.md"))
    assert 14 == len(letters)  # 13 qualified and not invited, 1 not qualified
    ranked_9th = (run / "letters" / "en" / "014.md").read_text(encoding="utf-8")
    assert "ranked 9" in ranked_9th
    assert "the lowest invited by the ranking scored 69.00" in ranked_9th
    assert "ranked 11, 13" in ranked_9th  # the reserved places, without names
    for name in ("Strømlinje", "Datadrift", "Tvillingverket"):
        assert name not in ranked_9th
    failed = (run / "letters" / "en" / "024.md").read_text(encoding="utf-8")
    assert "You are not qualified" in failed and "K2" in failed
    assert "ordinært vaktmester" in failed
    assert not (run / "letters" / "en" / "004.md").exists()
