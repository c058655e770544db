"""`evaluation audit`: a fresh run audits clean; any tampering or changed original fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from evaluation.cli import main
from evaluation.common.payload import RESULT_MIMETYPE
from evaluation.runs.audit import compare_values

pytestmark = pytest.mark.notebooks


@pytest.fixture
def run_copy(demo_run, tmp_path):
    target = tmp_path / demo_run.name
    shutil.copytree(demo_run, target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return target, manifest


def test_fresh_run_audits_clean(demo_run, capsys):
    assert main(["audit", str(demo_run), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "AUDIT PASSED" in out
    assert out.count("re-run identical") == 7
    assert "FAIL" not in out


def test_audit_fails_when_an_input_copy_changes_by_one_byte(run_copy, capsys):
    run, _ = run_copy
    path = run / "inputs" / "tenders" / "1000-bygg" / "scores" / "anne.berg.csv"
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 1
    assert "anne.berg.csv: sha256 differs" in capsys.readouterr().out


def test_audit_fails_when_an_original_input_changes(demo_run, demo_workspace, capsys):
    original = demo_workspace / "tenders" / "1000-bygg" / "proposals.csv"
    saved = original.read_bytes()
    try:
        original.write_bytes(saved.replace(b"9400000", b"9400001"))
        assert main(["audit", str(demo_run), "--quiet", "--hashes-only"]) == 1
        out = capsys.readouterr().out
        assert "proposals.csv: the original" in out and "changed since the run" in out
    finally:
        original.write_bytes(saved)


def test_audit_fails_when_a_template_changed(demo_run, demo_workspace, capsys):
    template = demo_workspace / "notebooks" / "committee.ipynb"
    saved = template.read_bytes()
    try:
        template.write_bytes(saved.replace(b"view.summary()", b"view.summary() "))
        assert main(["audit", str(demo_run), "--quiet", "--hashes-only"]) == 1
        assert "templates/committee.ipynb: the original" in capsys.readouterr().out
    finally:
        template.write_bytes(saved)


def test_audit_fails_when_a_number_in_an_executed_notebook_is_edited(run_copy, capsys):
    run, _ = run_copy
    path = run / "proposals" / "003.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if RESULT_MIMETYPE in output.get("data", {}):
                output["data"][RESULT_MIMETYPE]["results"]["total"] += 0.5
    nbformat.write(nb, path)
    assert main(["audit", str(run), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "proposals/003.ipynb: sha256 differs" in out
    assert "proposals/003.ipynb: 1 of" in out and "largest /total" in out
    assert "proposals/001.ipynb: re-run identical" in out


def test_compare_values_reports_the_largest_difference():
    old = {"a": [1.0, 2.0], "b": {"c": 3.0}}
    assert compare_values(old, old, exact=True).differences == []
    near = compare_values(old, {"a": [1.0, 2.0 * (1 + 1e-12)], "b": {"c": 3.0}}, exact=False)
    assert near.differences == [] and 0 < near.largest_rel < 1e-9
    exact = compare_values(old, {"a": [1.0, 2.0 * (1 + 1e-12)], "b": {"c": 3.0}}, exact=True)
    assert exact.differences == ["/a/1: 2.0 → 2.000000000002"]
    far = compare_values(old, {"a": [1.0, 2.1], "b": {"c": 3.0}}, exact=False)
    assert far.differences and far.largest_abs == pytest.approx(0.1)


def test_audit_of_a_missing_folder_is_an_input_error(tmp_path, capsys):
    assert main(["audit", str(Path(tmp_path) / "nothing"), "--quiet"]) == 2
    assert "manifest.json: missing" in capsys.readouterr().err


def test_audit_of_the_folder_of_runs_points_to_a_run(demo_run, capsys):
    assert main(["audit", str(demo_run.parent), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "found a folder of runs" in err and demo_run.name in err


@pytest.mark.parametrize(("damage", "named"), [
    (lambda m: "{", "not valid JSON"),
    (lambda m: "[]", "top level: damaged manifest (found 'list'"),
    (lambda m: json.dumps({**m, "outputs": [{k: v for k, v in m["outputs"][0].items()
                                            if k != "sha256"}]}),
     "outputs[0].sha256: damaged manifest (found None, expected 64 hexadecimal digits)"),
    (lambda m: json.dumps({**m, "inputs": [{**m["inputs"][0], "path": "../../etc/passwd"}]}),
     "inputs[0].path: damaged manifest (found '../../etc/passwd'"),
    (lambda m: json.dumps({**m, "notebooks": "all"}), "notebooks: damaged manifest"),
    (lambda m: json.dumps({**m, "environment": "x"}), "environment: damaged manifest"),
    (lambda m: json.dumps({**m, "notebooks": [{**m["notebooks"][0], "parameters": None}]}),
     "notebooks[0].parameters: damaged manifest"),
])
def test_a_damaged_manifest_is_bad_input_naming_the_field(run_copy, damage, named, capsys):
    run, manifest = run_copy
    (run / "manifest.json").write_text(damage(manifest), encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and named in err


def test_a_run_emptied_of_its_notebooks_and_results_does_not_pass(run_copy, capsys):
    run, manifest = run_copy
    for name in ("committee.ipynb", "results.json", "proposals/004.ipynb"):
        (run / name).unlink()
    dropped = {"committee.ipynb", "results.json", "proposals/004.ipynb"}
    manifest["notebooks"] = [n for n in manifest["notebooks"] if n["path"] not in dropped]
    manifest["outputs"] = [e for e in manifest["outputs"] if e["path"] not in dropped]
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 1
    out = capsys.readouterr().out
    assert "notebooks: committee.ipynb is missing" in out
    assert "notebooks: proposals/004.ipynb is missing" in out
    assert "outputs: results.json is missing" in out


def test_hashes_only_does_not_claim_a_full_audit(demo_run, capsys):
    assert main(["audit", str(demo_run), "--quiet", "--hashes-only"]) == 0
    out = capsys.readouterr().out
    assert "AUDIT PASSED" not in out and "HASHES PASSED (notebooks not re-executed" in out


def test_a_forged_report_with_a_rewritten_manifest_fails_against_the_recorded_sha256(
        run_copy, demo_run, capsys):
    from evaluation.common.hashing import sha256_file

    run, manifest = run_copy
    recorded = sha256_file(demo_run / "manifest.json")
    report = run / "report.html"
    report.write_text(report.read_text(encoding="utf-8").replace("Tvillingverket AS",
                                                                 "FORGED AS"), encoding="utf-8")
    for entry in manifest["outputs"]:
        if entry["path"] == "report.html":
            entry["sha256"], entry["size"] = sha256_file(report), report.stat().st_size
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only",
                 "--manifest-sha256", recorded]) == 1
    assert "manifest.json: sha256" in capsys.readouterr().out
    assert main(["audit", str(demo_run), "--quiet", "--hashes-only",
                 "--manifest-sha256", recorded.upper()]) == 0


@pytest.mark.parametrize("given", ["", "f", "…", "zz" * 32])
def test_a_manifest_sha256_that_is_not_a_whole_hash_is_bad_input(demo_run, given, capsys):
    """A prefix, an empty value (an unset shell variable) or a non-hex value would make the
    anchor check meaningless: refused before anything is checked."""
    with pytest.raises(SystemExit) as exit_:
        main(["audit", str(demo_run), "--quiet", "--hashes-only", "--manifest-sha256", given])
    assert exit_.value.code == 2
    assert "--manifest-sha256: must be the 64 hexadecimal digits" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(demo_run, jobs, capsys):
    for command in (["audit", str(demo_run)], ["run", "tenders/1000-bygg"]):
        with pytest.raises(SystemExit) as exit_:
            main([*command, "--quiet", "--jobs", jobs])
        assert exit_.value.code == 2
        assert f"--jobs: must be a whole number of at least 1 (found '{jobs}')" in \
            capsys.readouterr().err


def test_a_rewritten_input_hash_breaks_the_run_name(run_copy, capsys):
    run, manifest = run_copy
    manifest["inputs"][0]["sha256"] = "0" * 64
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 1
    assert "do not give the hash in the run's name" in capsys.readouterr().out


def test_a_file_added_to_the_original_tender_fails(demo_run, demo_workspace, capsys):
    added = demo_workspace / "tenders" / "1000-bygg" / "scores" / "late.csv"
    try:
        added.write_text("proposal_id,criterion_id,score,justification\n", encoding="utf-8")
        assert main(["audit", str(demo_run), "--quiet", "--hashes-only"]) == 1
        assert "late.csv: added to the tender folder since the run" in capsys.readouterr().out
    finally:
        added.unlink()


def test_the_largest_difference_is_the_one_reported():
    cmp = compare_values({"a": [1.0, 100.0], "b": 10.0}, {"a": [1.5, 100.1], "b": 10.2},
                         exact=False)
    assert len(cmp.differences) == 3
    assert cmp.largest == "/a/0: 1.0 → 1.5"
    assert cmp.largest_rel == pytest.approx(0.5 / 1.5)


def test_files_added_to_a_run_folder_are_named_as_unchecked(run_copy, capsys):
    run, _ = run_copy
    (run / "notices").mkdir()
    (run / "notices" / "extra.html").write_text("<p>x</p>", encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 0
    assert ("in the folder but not in the manifest (written after the run, not checked): "
            "notices/extra.html") in capsys.readouterr().out


def test_a_failed_run_renamed_back_does_not_pass(run_copy, capsys):
    """A folder named -failed, or holding FAILED.txt, is not a complete run whatever its
    manifest says (a run that lost the race for its name keeps a 'complete' manifest)."""
    run, _ = run_copy
    (run / "FAILED.txt").write_text("OSError: [Errno 39] Directory not empty\n",
                                    encoding="utf-8")
    failed = run.rename(run.with_name(run.name + "-failed"))
    assert main(["audit", str(failed), "--quiet", "--hashes-only"]) == 1
    out = capsys.readouterr().out
    assert "the run is not complete" in out and "Directory not empty" in out


def test_a_run_recorded_without_the_kernels_thread_settings_is_held_to_the_tolerance(
        run_copy, capsys):
    run, manifest = run_copy
    del manifest["environment"]["kernel_env"]
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 0
    assert "another machine or software: payloads must agree within" in \
        capsys.readouterr().out


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_run_made_before_the_layered_package_still_audits(tmp_path, capsys):
    """A run of version 0.1.0 (flat package; its notebooks import ``evaluation.committee_view``
    and friends) re-executes to the same numbers with the layered package: the old module
    names are kept as re-exports (issue 2/10)."""
    import tarfile

    with tarfile.open(FIXTURES / "run-0.1.0.tar.xz") as archive:
        archive.extractall(tmp_path, filter="data")
    (run,) = tmp_path.iterdir()
    committee = (run / "committee.ipynb").read_text(encoding="utf-8")
    assert "from evaluation.committee_view import CommitteeView" in committee
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert "0.1.0" == manifest["environment"]["evaluation"]
    sha = (FIXTURES / "run-0.1.0.sha256").read_text().strip()
    assert 0 == main(["audit", str(run), "--quiet", "--manifest-sha256", sha])
    out = capsys.readouterr().out
    assert 7 == out.count("re-run identical"), out
    assert "AUDIT PASSED" in out
