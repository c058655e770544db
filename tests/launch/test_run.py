"""`evaluation run`: run folders, manifests, failures, interruptions, reproducibility."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import rename_proposal

from evaluation.cli import main
from evaluation.common.hashing import sha256_file
from evaluation.launch.run import start_run

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]
FINAL = "round-3-final"  # the demo's award is its final negotiation round


def test_run_folder_is_complete_and_named(demo_run):
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{8}", demo_run.name)
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    names = {e["path"] for e in manifest["outputs"]}
    assert {"committee.ipynb", "results.json", "report.html",
            *(f"proposals/{p}.ipynb" for p in ("001", "002", "003", "004", "005", "006"))} <= names
    for group in ("inputs", "templates", "outputs"):
        for entry in manifest[group]:
            path = demo_run / entry["path"]
            assert sha256_file(path) == entry["sha256"]
            assert path.stat().st_size == entry["size"]
    inputs = {e["path"] for e in manifest["inputs"]}
    assert "inputs/criteria/1000-bygg.yaml" in inputs
    # the demo is an innovation partnership: its run is the final round's, with that round's
    # files and the earlier ones (who could tender), not a later stage's
    assert "round-3-final" == manifest["stage"] == demo_run.parent.name
    assert "inputs/tenders/1000-bygg/rounds/3-final/scores/anne.berg.csv" in inputs
    assert "inputs/tenders/1000-bygg/rounds/1-initial/proposals.csv" in inputs
    assert "inputs/tenders/1000-bygg/negotiations.csv" in inputs
    assert manifest["environment"]["packages"]["papermill"]
    assert manifest["environment"]["kernel_env"]["OPENBLAS_NUM_THREADS"] == "1"
    assert not (demo_run / "kernels.log").exists()  # kept only when a run fails
    # the notebooks executed the template copies hashed in the manifest, not the originals
    executed = nbformat.read(str(demo_run / "proposals" / "001.ipynb"), as_version=4)
    assert executed.metadata["papermill"]["input_path"] == \
        f"{manifest['executed_in']}/templates/proposal.ipynb"
    assert {n["status"] for n in manifest["notebooks"]} == {"ok"}


def test_notebooks_read_the_copies_with_absolute_json_parameters(demo_run):
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["notebooks"]:
        params = entry["parameters"]
        assert Path(params["tender"]).is_absolute()
        assert params["tender"].startswith(manifest["executed_in"] + "/inputs/")
        assert json.loads(json.dumps(params)) == params


def test_report_is_offline_with_plotly_embedded_once(demo_run):
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    for tag in tags:
        assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", tag), tag
    assert html.count("Plotly.newPlot(") >= 3
    assert len(re.findall(r"plotly\.js v\d", html)) == 1  # the library's banner, once
    assert "<pre" not in html or "jp-InputArea" not in html  # no code cells
    assert "Rangering og valg av partnere" in html


def test_two_runs_give_byte_identical_results(demo_run, demo_workspace, tmp_path):
    second = start_run(demo_workspace / "tenders" / "1000-bygg", out=tmp_path, jobs=2,
                       progress=False, notebooks=demo_workspace / "notebooks")
    assert second.ok
    assert (second.folder / "results.json").read_bytes() == \
        (demo_run / "results.json").read_bytes()
    assert (second.folder / "results.xlsx").read_bytes() == \
        (demo_run / "results.xlsx").read_bytes()


def test_failing_notebook_marks_the_run_failed_and_the_others_complete(demo_workspace, tmp_path,
                                                                        capsys):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(demo_workspace / "notebooks", notebooks)
    template = notebooks / "proposal.ipynb"
    nb = nbformat.read(template, as_version=4)
    bad = nbformat.v4.new_code_cell(
        'assert proposal_id != "002", f"injected failure in {run_dir}"')
    bad.id = "injected"
    nb.cells.insert(3, bad)
    nbformat.write(nb, template)
    code = main(["run", str(demo_workspace / "tenders" / "1000-bygg"), "--out",
                 str(tmp_path / "runs"), "--jobs", "2", "--quiet", "--notebooks", str(notebooks)])
    err = capsys.readouterr().err
    assert code == 1
    # cell 4 of the executed notebook: papermill inserts the injected-parameters cell
    parent = tmp_path / "runs" / "1000-bygg" / FINAL  # the demo's final round
    (failed,) = list(parent.iterdir())
    assert failed.name.endswith("-failed")
    # the error names the folder where it now is, not its temporary name
    assert (f"proposals/002.ipynb, cell 4: AssertionError: injected failure in {failed} in "
            "`assert proposal_id != \"002\"") in err
    manifest = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    status = {n["path"]: n["status"] for n in manifest["notebooks"]}
    assert status.pop("proposals/002.ipynb") == "failed"
    assert set(status.values()) == {"ok"}
    assert (failed / "committee.ipynb").is_file()
    assert not (failed / "results.json").exists()
    assert (failed / "kernels.log").is_file()  # the kernels' stderr, to help find the cause


def test_bad_input_creates_no_run_folder(make_tender, tmp_path, capsys):
    tender = make_tender()
    (tender / "proposals.csv").write_text("", encoding="utf-8")
    code = main(["run", str(tender), "--out", str(tmp_path / "runs"), "--quiet"])
    assert code == 2
    assert "proposals.csv" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("case", ["out is a file", "out inside the tender",
                                  "out is the tender's parent", "no templates",
                                  "template without parameters cell"])
def test_bad_run_arguments_are_refused_before_anything_is_written(make_tender, tmp_path, case,
                                                                   capsys):
    tender = make_tender()
    out, notebooks = tmp_path / "runs", tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    expected = {"out is a file": "--out: runs folder: is a file",
                "out inside the tender": "--out: runs folder: is inside the tender folder",
                "out is the tender's parent": "--out: runs folder: is inside the tender folder",
                "no templates": "proposal.ipynb: --notebooks: missing notebook template",
                "template without parameters cell":
                    "committee.ipynb: parameters: the template needs exactly one cell tagged"}
    if case == "out is a file":
        out.write_text("not a folder", encoding="utf-8")
    elif case == "out inside the tender":
        out = tender / "runs"
    elif case == "out is the tender's parent":  # its runs would go in runs/<tender>: the tender
        out = tender.parent
    elif case == "no templates":
        notebooks = tmp_path / "nowhere"
    else:
        nb = nbformat.read(notebooks / "committee.ipynb", as_version=4)
        for cell in nb.cells:
            cell.metadata.pop("tags", None)
        nbformat.write(nb, notebooks / "committee.ipynb")
    before = sorted(p for p in tmp_path.rglob("*"))
    code = main(["run", str(tender), "--out", str(out), "--notebooks", str(notebooks),
                 "--quiet"])
    assert code == 2
    assert expected[case] in capsys.readouterr().err
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing written


def test_a_linked_model_and_relative_paths_give_a_complete_self_contained_run(
        make_tender, tmp_path, monkeypatch, capsys):
    """The model reached through a link is copied where tender.yaml points and keeps its lock;
    relative --out and --notebooks are recorded as absolute paths (the audit does not depend
    on where the auditor stands)."""
    from evaluation.process.freeze import lock_path

    make_tender(sealed=True)
    link = tmp_path / "criteria" / "1000-bygg.yaml"
    (tmp_path / "models").mkdir()
    link.rename(tmp_path / "models" / "v3.yaml")
    link.symlink_to(Path("..") / "models" / "v3.yaml")
    shutil.copy2(lock_path(ROOT / "criteria" / "1000-bygg.yaml"), lock_path(link))
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.chdir(tmp_path)
    code = main(["run", "tenders/1000-bygg", "--out", "runs", "--notebooks", "notebooks",
                 "--jobs", "2", "--quiet"])
    assert code == 0
    (run,) = list((tmp_path / "runs" / "1000-bygg").iterdir())
    # one language: "modellen er frosset … run complete" mixed them before
    out, err = capsys.readouterr()
    assert err.startswith("modellen er frosset (1000-bygg.lock.json, 2026-05-15T09:00:00Z")
    lines = out.splitlines()
    assert 4 == len(lines)
    assert [f"kjøringen er fullført: {run}", f"rapport: {run / 'report.html'}"] == lines[:2]
    assert lines[2].startswith("manifestets sha256: ") and "anskaffelsesprotokollen" in lines[2]
    assert lines[3].startswith("revisjon: evaluation audit ")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert "inputs/criteria/1000-bygg.yaml" in {e["path"] for e in manifest["inputs"]}
    assert manifest["model"]["frozen"]["frozen"] is True
    assert all(Path(e["original"]).is_absolute() for e in manifest["templates"])
    assert all(Path(n["parameters"]["tender"]).is_absolute() for n in manifest["notebooks"])
    monkeypatch.chdir(tmp_path / "models")
    assert main(["audit", str(run), "--quiet", "--hashes-only"]) == 0


def test_killed_launcher_leaves_no_folder_that_looks_complete(demo_workspace, tmp_path):
    runs = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaluation", "run", str(demo_workspace / "tenders" / "1000-bygg"),
         "--out", str(runs), "--jobs", "1", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    parent = runs / "1000-bygg" / FINAL
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if parent.is_dir() and any((p / "proposals" / "001.ipynb").exists()
                                   for p in parent.iterdir()):
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    leftovers = list(parent.iterdir())
    assert leftovers, "the run should have started"
    for folder in leftovers:  # the run's work folder, and the reservation of its name
        assert folder.name.startswith(".") and folder.name.endswith((".partial", ".reserved"))
        assert not (folder / "manifest.json").exists()
    (work,) = [f for f in leftovers if f.name.endswith(".partial")]
    assert main(["audit", str(work), "--quiet"]) == 2


def test_an_earlier_run_is_never_overwritten(demo_workspace, tmp_path):
    import datetime as dt

    when = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.UTC)
    shutil_target = tmp_path / "runs"
    first = start_run(demo_workspace / "tenders" / "1000-bygg", out=shutil_target, jobs=2,
                      progress=False, now=when, notebooks=demo_workspace / "notebooks")
    before = sha256_file(first.folder / "manifest.json")
    second = start_run(demo_workspace / "tenders" / "1000-bygg", out=shutil_target, jobs=2,
                       progress=False, now=when, notebooks=demo_workspace / "notebooks")
    assert first.folder != second.folder
    assert sha256_file(first.folder / "manifest.json") == before


def test_an_absolute_model_path_is_refused_before_any_folder(make_tender, tmp_path, capsys):
    tender = make_tender()
    model = (tender / "../../criteria/1000-bygg.yaml").resolve()
    text = (tender / "tender.yaml").read_text(encoding="utf-8")
    (tender / "tender.yaml").write_text(text.replace("../../criteria/1000-bygg.yaml",
                                                     str(model)), encoding="utf-8")
    assert main(["run", str(tender), "--out", str(tmp_path / "runs"), "--quiet"]) == 2
    assert "1000-bygg/tender.yaml: criteria: a run needs the model's path relative" in \
        capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_kernels_use_one_blas_thread_whatever_the_callers_environment(tmp_path, monkeypatch):
    """Kernels side by side use one numerical thread each, so a re-run gives the same bits
    whatever the pool size or the auditor's shell settings."""
    from evaluation.runs.execute import Job
    from evaluation.runs.pool import execute_jobs

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    source = tmp_path / "env.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\n[os.environ.get(k) for k in "
        "('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')]")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, source)
    (outcome,) = execute_jobs([Job("env", str(source), str(tmp_path / "out.ipynb"), {})], 1,
                              progress=False)
    assert outcome.ok, outcome
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == "['1', '1', '1']"


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_kernel_dying_in_a_cell_is_named_and_not_retried(tmp_path):
    from evaluation.runs.execute import Job, execute_job

    source = _notebook(tmp_path / "dies.ipynb", "x = 1", "import os\nos._exit(3)", "y = 2")
    outcome = execute_job(Job("dies", str(source), str(tmp_path / "out.ipynb"), {}))
    assert not outcome.ok
    assert (outcome.cell, outcome.attempts) == (1, 1)
    assert "DeadKernelError" in (outcome.error or "")
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)  # kept, and marked
    statuses = [c.metadata["papermill"]["status"] for c in executed.cells]
    assert statuses == ["completed", "failed", "pending"]
    assert executed.cells[1].outputs[-1]["ename"] == "DeadKernelError"


def test_a_kernel_that_does_not_start_is_retried_once(tmp_path, monkeypatch):
    import papermill

    from evaluation.runs.execute import Job, execute_job

    source = _notebook(tmp_path / "ok.ipynb", "1 + 1")
    real, calls = papermill.execute_notebook, []

    def flaky(input_path, output_path, **kwargs):
        calls.append(output_path)
        if len(calls) == 1:  # nbclient's words when a kernel does not answer in time
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return real(input_path, output_path, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    outcome = execute_job(Job("ok", str(source), str(tmp_path / "out.ipynb"), {}))
    assert (outcome.ok, outcome.attempts) == (True, 2)


def test_a_python3_kernel_installed_for_another_python_is_not_used(tmp_path, monkeypatch):
    """Outside a virtual environment (a base conda, a user install) Jupyter looks in the
    user's folders first: a 'python3' kernel there must not run the notebooks instead of this
    environment's."""
    from evaluation.runs.execute import Job
    from evaluation.runs.pool import execute_jobs

    data = tmp_path / "user-data"
    spec = data / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["/bin/false", "{connection_file}"], "display_name": "Another Python",
        "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(data))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # as for a Python that is no venv
    source = _notebook(tmp_path / "which.ipynb", "import sys\nsys.executable")
    (outcome,) = execute_jobs([Job("which", str(source), str(tmp_path / "out.ipynb"), {})], 1,
                              progress=False)
    assert outcome.ok, outcome
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == repr(sys.executable)


def test_a_run_name_is_reserved_so_two_runs_in_one_second_do_not_share_it(tmp_path):
    from evaluation.runs.folder import reserve_name

    first = reserve_name(tmp_path, "20261126T120000Z-519760a7")
    second = reserve_name(tmp_path, "20261126T120000Z-519760a7")  # before the first finished
    assert (first.name, second.name) == ("20261126T120000Z-519760a7",
                                         "20261126T120000Z-519760a7.2")
    assert not first.exists() and not second.exists()  # only hidden reservations so far


def test_manifest_records_version_and_source_commit(demo_run: Path) -> None:
    """The manifest says which version and, in a git checkout, which commit made the run."""
    from evaluation import __version__

    environment = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))[
        "environment"]
    assert __version__ == environment["evaluation"]
    if (ROOT / ".git").exists():
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
        assert head == environment["source"]["commit"]
        assert isinstance(environment["source"]["clean"], bool)
    else:
        assert environment["source"] is None


@pytest.mark.parametrize(("written", "expected"), [
    ("../../../../x", "proposal_id: an id cannot hold '/' or '\\'"),
    ("2026/002", "(found '2026/002', expected e.g. 2026-002)"),
])
def test_an_id_that_is_a_path_is_refused_by_validate_and_run_with_nothing_written(
        make_tender, tmp_path, capsys, written, expected):
    """The id is changed in every file of the tender, so only the grammar can refuse it;
    ``../../../../x`` from ``<out>/1000-bygg/<run>/proposals`` would land in ``deep/er/``."""
    tender = make_tender()
    rename_proposal(tender, "002", written)
    out = tmp_path / "deep" / "er" / "runs"
    out.parent.mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    assert 2 == main(["validate", str(tender)])
    assert expected in capsys.readouterr().err
    code = main(["run", str(tender), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert 2 == code and expected in err and "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written anywhere


def test_ids_that_differ_only_in_case_get_a_notebook_each(make_tender, tmp_path, capsys):
    """On Windows and macOS proposals/A1.ipynb and proposals/a1.ipynb are one file: the run
    names them apart, and the audit expects the same names."""
    tender = make_tender()
    rename_proposal(tender, "001", "A1")
    rename_proposal(tender, "002", "a1")
    result = start_run(tender, out=tmp_path / "runs", jobs=2, progress=False)
    assert result.ok, [o for o in result.outcomes if not o.ok]
    names = sorted(n["path"] for n in result.manifest["notebooks"])
    assert 7 == len({n.casefold() for n in names}), names
    assert any(n.startswith("proposals/A1-") for n in names)
    assert any(n.startswith("proposals/a1-") for n in names)
    for entry in result.manifest["notebooks"]:
        if entry["path"].startswith("proposals/"):
            nb = nbformat.read(result.folder / entry["path"], as_version=4)
            assert entry["parameters"]["proposal_id"] == \
                nb.metadata["papermill"]["parameters"]["proposal_id"]
    assert 0 == main(["audit", str(result.folder), "--quiet", "--hashes-only"])
    assert "is missing" not in capsys.readouterr().out


def test_a_tender_whose_prices_may_not_be_opened_yet_gets_no_run(make_tender, tmp_path, capsys):
    """price_opening: after_seal without a seal: before, a complete, auditable run and notices
    naming a winner on quality alone were produced."""
    tender = make_tender(sealed=True)
    (tender / "seal.json").unlink()
    assert main(["run", str(tender), "--out", str(tmp_path / "runs"), "--quiet"]) == 2
    assert ("1000-bygg/tender.yaml: price_opening: after_seal and the quality scores are not "
            "sealed: only quality can be scored, and a run records an award; seal them first "
            "(evaluation seal)") in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def _processes() -> dict[int, tuple[int, str]]:
    """Return every live process: pid → (parent pid, state)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        out[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return out


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _) in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _kernels(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in command:
            out.add(pid)
    return out


def test_ctrl_c_during_a_run_is_one_line_keeps_the_partial_run_and_leaves_no_kernel(
        demo_workspace, tmp_path):
    """A real SIGINT to the launcher's process group, as a terminal sends on Ctrl-C."""
    runs = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaluation", "run", str(demo_workspace / "tenders" / "1000-bygg"),
         "--out", str(runs), "--jobs", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True)
    deadline, kernels = time.monotonic() + 90, set()
    while time.monotonic() < deadline and not kernels:
        kernels = _kernels(_descendants(proc.pid))
        time.sleep(0.2)
    assert kernels, "the run should have started its kernels"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert 130 == proc.returncode
    (kept,) = list((runs / "1000-bygg" / FINAL).iterdir())
    assert kept.name.endswith("-interrupted") and not kept.name.startswith(".")
    assert [f"avbrutt: den ufullstendige kjøringen er beholdt som {kept}"] == err.splitlines()
    assert "" == out
    assert not (kept / "manifest.json").exists()
    assert (kept / "FAILED.txt").read_text(encoding="utf-8").startswith("KeyboardInterrupt")
    deadline = time.monotonic() + 15  # a kernel whose worker is gone exits within a second
    while time.monotonic() < deadline and _kernels(kernels):
        time.sleep(0.2)
    assert set() == _kernels(kernels)


def test_a_full_disk_is_one_line_naming_the_folder_and_nothing_looks_complete(
        make_tender, tmp_path, monkeypatch, capsys):
    import errno

    import evaluation.runs.folder as folder

    real_copy, calls = folder.shutil.copy2, []

    def full_disk(src, dst, **kwargs):  # the third input file no longer fits
        calls.append(src)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_copy(src, dst, **kwargs)

    monkeypatch.setattr(folder.shutil, "copy2", full_disk)
    tender = make_tender()
    runs = tmp_path / "runs"
    assert 1 == main(["run", str(tender), "--out", str(runs), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    (kept,) = [p for p in (runs / "1000-bygg").iterdir()]
    assert kept.name.endswith("-failed")
    assert [f"feil: disken er full: {runs / '1000-bygg'}: No space left on device; the partial "
            f"run is kept as {kept} (not complete)"] == err
    assert not any(line.startswith("Traceback") for line in err)
    assert not (kept / "manifest.json").exists()
