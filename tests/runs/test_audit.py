"""`evaluation audit`: a fresh run audits clean; any tampering or changed original input fails;
a changed original template is reported."""

from __future__ import annotations

import hashlib
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
    path = run / "inputs" / "tenders" / "1000-bygg" / "rounds" / "3-final" / "scores" / \
        "anne.berg.csv"
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 1
    assert "anne.berg.csv: sha256 differs" in capsys.readouterr().out


def test_audit_fails_when_an_original_input_changes(demo_run, demo_workspace, capsys):
    original = demo_workspace / "tenders" / "1000-bygg" / "rounds" / "3-final" / "proposals.csv"
    saved = original.read_bytes()
    try:
        original.write_bytes(saved.replace(b"9400000", b"9400001"))
        assert main(["audit", str(demo_run), "--quiet", "--hashes-only"]) == 1
        out = capsys.readouterr().out
        assert "proposals.csv: the original" in out and "changed since the run" in out
    finally:
        original.write_bytes(saved)


def test_a_changed_original_template_is_reported_and_the_audit_still_passes(
        demo_run, demo_workspace, capsys):
    """JupyterLab saved an executed notebook over the template a run had copied, and every
    earlier run failed its audit (issue 16). The audit re-executes the run's own copies (their
    code checked against a trusted template: here the checkout's, whose sha256 still equals
    the manifest's), so a changed original template is reported, not a failure; a changed
    original input still fails (above)."""
    template = demo_workspace / "notebooks" / "committee.ipynb"
    saved = template.read_bytes()
    try:
        template.write_bytes(saved.replace(b"view.summary()", b"view.summary() "))
        assert main(["audit", str(demo_run), "--quiet"]) == 0
        out = capsys.readouterr().out
        assert f"note templates/committee.ipynb: the original template {template} changed " \
            "since the run; not a failure" in out
        assert "templates/committee.ipynb: trusted (checkout)" in out
        assert out.count("re-run identical") == 7 and "AUDIT PASSED" in out
        assert "FAIL" not in out
    finally:
        template.write_bytes(saved)


def rehash(run: Path, manifest: dict, *paths: str) -> None:
    """Record the current sha256 and size of ``paths`` in the manifest, as a forger would."""
    from evaluation.common.hashing import sha256_file

    for group in ("outputs", "templates"):
        for entry in manifest[group]:
            if entry["path"] in paths:
                entry["sha256"] = sha256_file(run / entry["path"])
                entry["size"] = (run / entry["path"]).stat().st_size
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_audit_fails_when_a_number_in_an_executed_notebook_is_edited(run_copy, capsys):
    """With the manifest's hash rewritten the folder passes every hash check; the edited
    payload is found when the notebook is re-executed and the payloads compared."""
    run, manifest = run_copy
    path = run / "proposals" / "003.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if RESULT_MIMETYPE in output.get("data", {}):
                output["data"][RESULT_MIMETYPE]["results"]["total"] += 0.5
    nbformat.write(nb, path)
    rehash(run, manifest, "proposals/003.ipynb")
    assert main(["audit", str(run), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "proposals/003.ipynb: sha256 differs" not in out
    assert "proposals/003.ipynb: 1 of" in out and "largest /total" in out
    assert "proposals/001.ipynb: re-run identical" in out


def tamper(run: Path, notebook: str, marker: Path, *, where: str) -> None:
    """Make a code cell of ``notebook`` (or its injected parameters cell) write ``marker``."""
    path = run / notebook
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    cell = next(c for c in code if "injected-parameters" in c.metadata.get("tags", [])) \
        if where == "parameters" else code[-1]
    cell.source += f"\nopen({str(marker)!r}, 'w').write('tampered code ran')\n"
    nbformat.write(nb, path)


def test_nothing_is_executed_when_a_hash_check_fails(run_copy, tmp_path, capsys):
    run, _ = run_copy
    marker = tmp_path / "marker"
    tamper(run, "proposals/003.ipynb", marker, where="code")
    assert main(["audit", str(run), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "proposals/003.ipynb: sha256 differs" in out and "AUDIT FAILED" in out
    assert "notebooks not re-executed: nothing from a run folder that fails a check" in out
    assert not marker.exists()


@pytest.mark.parametrize(("where", "named"), [
    ("code", "proposals/003.ipynb: code cell 10 differs from the trusted template"),
    ("parameters", "proposals/003.ipynb: the injected parameters cell holds more than "
                   "parameters (line 7: not a 'name = value' assignment)"),
])
def test_tampered_code_with_consistent_hashes_is_refused_without_executing(
        run_copy, tmp_path, capsys, where, named):
    """Every hash rewritten: only the comparison with the trusted templates (here the
    checkout's notebooks/, which the demo run used) finds the forged cell."""
    run, manifest = run_copy
    marker = tmp_path / "marker"
    tamper(run, "proposals/003.ipynb", marker, where=where)
    rehash(run, manifest, "proposals/003.ipynb")
    assert main(["audit", str(run), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "sha256 differs" not in out
    assert "templates/proposal.ipynb: trusted (checkout)" in out
    assert named in out and "; nothing was executed" in out and "AUDIT FAILED" in out
    assert "re-run" not in out
    assert not marker.exists()


def test_injected_parameters_other_than_the_recorded_ones_are_refused(run_copy, capsys):
    run, manifest = run_copy
    path = run / "proposals" / "003.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('proposal_id = "003"', 'proposal_id = "001"')
    nbformat.write(nb, path)
    rehash(run, manifest, "proposals/003.ipynb")
    assert main(["audit", str(run), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "proposals/003.ipynb: the injected parameters" in out and "'001'" in out
    assert "nothing was executed" in out


def test_forged_templates_leave_no_trust_anchor_and_nothing_is_executed(
        run_copy, demo_run, tmp_path, capsys):
    """The forger rewrites the template copy too, and every hash and the run's name: no
    trusted source has that template. Without --manifest-sha256 the audit checks hashes only
    and says which anchor to give; with it, the forged manifest fails."""
    from evaluation.common.hashing import sha256_file
    from evaluation.runs.folder import run_digest

    run, manifest = run_copy
    recorded = sha256_file(demo_run / "manifest.json")
    marker = tmp_path / "marker"
    template = run / "templates" / "proposal.ipynb"
    nb = nbformat.read(template, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[-1].source += f"\nopen({str(marker)!r}, 'w').write('tampered code ran')\n"
    nbformat.write(nb, template)
    for entry in manifest["templates"]:  # an original elsewhere would betray the forgery
        entry.pop("original")
    for entry in manifest["notebooks"]:
        if entry["path"].startswith("proposals/"):
            tamper(run, entry["path"], marker, where="code")
    rehash(run, manifest, "templates/proposal.ipynb",
           *(e["path"] for e in manifest["notebooks"]))
    stamp = manifest["run"].split("-")[0]
    manifest["run"] = f"{stamp}-{run_digest([*manifest['inputs'], *manifest['templates']])}"
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = run.rename(run.with_name(manifest["run"]))
    assert main(["audit", str(run), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "no template to trust: notebooks not re-executed. Give --manifest-sha256" in out
    assert "HASHES PASSED (notebooks not re-executed; no trusted template; give " \
           "--manifest-sha256)" in out
    assert main(["audit", str(run), "--quiet", "--manifest-sha256", recorded]) == 1
    out = capsys.readouterr().out
    assert "manifest.json: sha256" in out and "AUDIT FAILED" in out
    assert not marker.exists()


def test_templates_are_trusted_from_the_recorded_commit(run_copy, tmp_path, monkeypatch,
                                                        capsys):
    """A checkout whose notebooks/ changed since the run still trusts the templates of the
    commit the manifest records (from its own git history)."""
    import subprocess

    from evaluation.runs import trust

    run, manifest = run_copy
    source = manifest["environment"].get("source") or {}
    shown = subprocess.run(["git", "-C", str(trust.SOURCE), "show",
                            f"{source.get('commit')}:notebooks/proposal.ipynb"],
                           capture_output=True, check=False)
    recorded = next(e["sha256"] for e in manifest["templates"]
                    if e["path"] == "templates/proposal.ipynb")
    if shown.returncode or hashlib.sha256(shown.stdout).hexdigest() != recorded:
        pytest.skip("the run's templates are not those of a commit of this checkout")
    changed = tmp_path / "notebooks"
    shutil.copytree(trust.NOTEBOOKS, changed)
    (changed / "proposal.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(trust, "NOTEBOOKS", changed)  # SOURCE, the git history, stays
    assert main(["audit", str(run), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"templates/proposal.ipynb: trusted (commit {source['commit'][:12]})" in out
    assert "templates/committee.ipynb: trusted (checkout)" in out
    assert "AUDIT PASSED" in out


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
    added = demo_workspace / "tenders" / "1000-bygg" / "rounds" / "3-final" / "scores" / \
        "late.csv"
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
