"""``evaluation audit RUN_DIR``: does a run folder still hold, and re-run to, the same numbers?

1. Every file in the manifest is checked against its sha256 and size in the run folder.
2. Where an input's or template's original path still exists, it is checked too: a changed
   original input means the evaluation no longer matches the files on record (a failure); a
   changed original template is reported (the run's own copies are what is re-executed, and
   only when their code equals a trusted template, step 3).
3. Nothing is executed unless every check above passed and every executed notebook's code
   is a trusted template's with exactly the recorded parameters injected
   (:mod:`evaluation.runs.trust`; a run folder is untrusted input). Without a template to
   trust, the audit checks hashes only and says which anchor to give.
4. Each executed notebook is re-executed with papermill from the checked copy, with its
   recorded parameters. The only change: paths recorded under the folder the run executed in
   are mapped to where the run folder is now (it is renamed when complete, and an auditor
   may hold it elsewhere). The audit says so.
5. The result payloads are compared value by value: identical on the same machine and
   software (recorded in the manifest), within a relative 1e-9 elsewhere, reporting the
   largest difference.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from evaluation.common.errors import AuditError
from evaluation.common.hashing import sha256_file
from evaluation.runs.execute import Job, read_payload
from evaluation.runs.manifest import same_machine
from evaluation.runs.stages import (
    APPEND_ONLY,
    GATE,
    PURCHASE,
    SELECTION,
    Stage,
    stage_files,
    stage_of,
)

RELATIVE_TOLERANCE = 1e-9


@dataclass
class AuditReport:
    """The verdict lines of an audit and whether it passed."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True
    rerun: bool = True  # False: hashes only, the notebooks were not re-executed
    not_rerun_because: str = ""  # why not, for the verdict line

    def fail(self, line: str) -> None:
        self.ok = False
        self.lines.append("FAIL " + line)

    def good(self, line: str) -> None:
        self.lines.append("ok   " + line)

    def note(self, line: str) -> None:
        self.lines.append("note " + line)


@dataclass
class Comparison:
    """The outcome of comparing two payloads."""

    numbers: int = 0
    largest_abs: float = 0.0
    largest_rel: float = 0.0
    differences: list[str] = field(default_factory=list)
    largest: str = ""  # the numeric difference with the largest relative size, if any


def compare_values(old: Any, new: Any, *, exact: bool, path: str = "",
                   result: Comparison | None = None) -> Comparison:
    """Return the comparison of two JSON values, number by number."""
    result = result or Comparison()
    if isinstance(old, bool) or isinstance(new, bool) or old is None or new is None:
        if old != new:
            result.differences.append(f"{path or '/'}: {old!r} → {new!r}")
        return result
    if isinstance(old, int | float) and isinstance(new, int | float):
        result.numbers += 1
        diff = abs(float(old) - float(new))
        rel = diff / max(abs(float(old)), abs(float(new)), 1e-300) if diff else 0.0
        result.largest_abs = max(result.largest_abs, diff)
        if diff and (rel > result.largest_rel or not result.largest or math.isnan(rel)):
            result.largest = f"{path}: {old!r} → {new!r}"
        result.largest_rel = max(result.largest_rel, rel)
        if (exact and old != new) or rel > RELATIVE_TOLERANCE or math.isnan(rel):
            result.differences.append(f"{path}: {old!r} → {new!r}")
        return result
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                result.differences.append(f"{path}/{key}: present in only one payload")
                continue
            compare_values(old[key], new[key], exact=exact, path=f"{path}/{key}", result=result)
        return result
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            result.differences.append(f"{path}: {len(old)} items → {len(new)} items")
            return result
        for k, (a, b) in enumerate(zip(old, new, strict=True)):
            compare_values(a, b, exact=exact, path=f"{path}/{k}", result=result)
        return result
    if old != new:
        result.differences.append(f"{path or '/'}: {old!r} → {new!r}")
    return result


def _rebase(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str) and (value == old or value.startswith(old + "/")):
        return new + value[len(old):]
    return value


_HEX = set("0123456789abcdef")


def read_manifest(run: Path) -> dict[str, Any]:
    """Return a run folder's manifest after checking its shape; raise :class:`AuditError`
    naming the field and the value otherwise (a damaged manifest is bad input, exit 2)."""
    path = run / "manifest.json"
    if not path.is_file():
        held = sorted(p.parent.name for p in run.glob("*/manifest.json")) if run.is_dir() \
            else []
        expected = (f"a run folder, e.g. {run / held[-1]}" if held else
                    "a complete run folder, runs/<tender>/<UTC time>-<hash>")
        raise AuditError(f"{path}: missing (found {'a folder of runs' if held else 'no file'}, "
                         f"expected {expected})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditError(f"{path}: not valid JSON ({exc})") from None

    def bad(field_: str, found: Any, expected: str) -> AuditError:
        return AuditError(f"{path}: {field_}: damaged manifest (found {found!r}, expected "
                          f"{expected})")

    if not isinstance(manifest, dict):
        raise bad("top level", type(manifest).__name__, "an object")
    for key in ("status", "run", "executed_in"):
        if key in manifest and not isinstance(manifest[key], str):
            raise bad(key, manifest[key], "text")
    if not isinstance(manifest.get("environment", {}), dict):
        raise bad("environment", manifest["environment"], "an object")

    def relative(field_: str, value: Any) -> None:
        if not isinstance(value, str) or not value or Path(value).is_absolute() or \
                ".." in Path(value).parts:
            raise bad(field_, value, "a path inside the run folder")

    for group in ("inputs", "templates", "outputs", "notebooks"):
        entries = manifest.get(group, [])
        if not isinstance(entries, list):
            raise bad(group, type(entries).__name__, "a list")
        for k, entry in enumerate(entries):
            where = f"{group}[{k}]"
            if not isinstance(entry, dict):
                raise bad(where, entry, "an object")
            relative(f"{where}.path", entry.get("path", "(missing)"))
            if group == "notebooks":
                if not isinstance(entry.get("status"), str):
                    raise bad(f"{where}.status", entry.get("status"), "ok or failed")
                if not isinstance(entry.get("parameters", {}), dict):
                    raise bad(f"{where}.parameters", entry.get("parameters"), "an object")
                continue
            sha = entry.get("sha256")
            if not isinstance(sha, str) or len(sha) != 64 or not set(sha) <= _HEX:
                raise bad(f"{where}.sha256", sha, "64 hexadecimal digits")
            size = entry.get("size")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise bad(f"{where}.size", size, "a number of bytes")
            if not isinstance(entry.get("original", ""), str):
                raise bad(f"{where}.original", entry.get("original"), "a path")
    return manifest


def _expected_notebooks(copy: Path, stage: Stage) -> list[str]:
    """Return the notebooks a complete run of ``stage`` executed, from its own copy of the
    tender (raises :class:`InputError` when the copy no longer loads)."""
    if stage.name == SELECTION:
        from evaluation.data.prequalification import load_prequalification

        load_prequalification(copy)
        return ["selection.ipynb"]
    if stage.name.startswith(GATE) or stage.name == PURCHASE:
        from evaluation.runs.partnership_jobs import expected_notebooks

        return expected_notebooks(copy, stage)
    from evaluation.common.ids import file_names
    from evaluation.data.tender import load_tender

    ids = load_tender(copy).proposal_ids
    names = file_names(ids)
    return ["committee.ipynb", *(f"proposals/{names[p]}.ipynb" for p in sorted(ids))]


def _check_complete(run: Path, manifest: dict[str, Any], report: AuditReport) -> None:
    """Fail a complete run that lacks a notebook its stage executes (the committee's and one
    per proposal of its tender copy, for an award) or the results: an audit must not pass on
    a folder emptied of them."""
    from evaluation.common.errors import InputError
    from evaluation.runs.manifest import find_tender_copy

    copy = find_tender_copy(run, manifest)
    if copy is None:
        report.fail("inputs: no copy of the tender (tender.yaml) in the run folder")
        return
    try:
        notebooks = _expected_notebooks(copy, stage_of(manifest))
    except InputError as exc:
        report.fail(f"{copy.relative_to(run)}: the tender copy no longer loads: "
                    f"{exc.problems[0]}")
        return
    executed = {n["path"] for n in manifest.get("notebooks", [])}
    hashed = {e["path"] for e in manifest.get("outputs", [])}
    for name in notebooks:
        if name not in executed:
            report.fail(f"manifest.json: notebooks: {name} is missing (a run of this stage "
                        "executes it)")
    for name in [*notebooks, "results.json", "report.html"]:
        if name not in hashed:
            report.fail(f"manifest.json: outputs: {name} is missing (a complete run has it)")


def _check_files(run: Path, manifest: dict[str, Any], report: AuditReport) -> None:
    for group in ("inputs", "templates", "outputs"):
        bad = 0
        for entry in manifest.get(group, []):
            path = run / entry["path"]
            if not path.is_file():
                report.fail(f"{entry['path']}: missing from the run folder")
                bad += 1
            elif path.stat().st_size != entry["size"] or sha256_file(path) != entry["sha256"]:
                report.fail(f"{entry['path']}: sha256 differs from the manifest (the file was "
                            "changed after the run)")
                bad += 1
        if not bad:
            report.good(f"{group}: {len(manifest.get(group, []))} files match the manifest")
    listed = {e["path"] for g in ("inputs", "templates", "outputs") for e in manifest.get(g, [])}
    extra = sorted(str(p.relative_to(run)) for p in run.rglob("*") if p.is_file()
                   and str(p.relative_to(run)) not in {*listed, "manifest.json"})
    if extra:  # notices and report.pdf are written after the run by their own commands
        shown = ", ".join(extra[:8]) + (f" and {len(extra) - 8} more" if len(extra) > 8 else "")
        report.note(f"in the folder but not in the manifest (written after the run, not "
                    f"checked): {shown}")
    for group in ("inputs", "templates"):
        for entry in manifest.get(group, []):
            original = Path(entry.get("original", ""))
            if not entry.get("original"):
                continue
            if not original.is_file():
                report.note(f"{entry['path']}: original {original} no longer exists (not "
                            "checked)")
            elif sha256_file(original) != entry["sha256"]:
                if _appended(original, run / entry["path"]):
                    report.note(f"{entry['path']}: rows were added to the original {original} "
                                "since the run (a later round's record); the rows the run "
                                "read are unchanged")
                elif group == "templates":  # an analyst's edit, or JupyterLab saving it
                    report.note(f"{entry['path']}: the original template {original} changed "
                                "since the run; not a failure: the audit re-executes the "
                                "run's own copy, once its code equals a trusted template")
                else:
                    report.fail(f"{entry['path']}: the original {original} changed since the "
                                "run; the evaluation no longer matches the files on record")


def _appended(original: Path, copy: Path) -> bool:
    """Return whether ``original`` is an append-only record at a tender's root (the process
    and negotiation records, :data:`evaluation.runs.stages.APPEND_ONLY`) that still begins
    with the run's copy, whole lines only: later rounds add rows, they never change one."""
    if original.name not in APPEND_ONLY or not (original.parent / "tender.yaml").is_file() \
            or not copy.is_file():
        return False
    before, now = copy.read_bytes(), original.read_bytes()
    return len(now) > len(before) and now.startswith(before) and (
        before.endswith(b"\n") or now[len(before):len(before) + 1] in (b"\n", b"\r"))


def _check_anchor(run: Path, manifest: dict[str, Any], report: AuditReport,
                  expected_sha256: str | None) -> bool:
    """Check what anchors the manifest itself: the hash in the folder's name and, when the
    committee recorded it, the manifest's own sha256; return whether that sha256 matched."""
    from evaluation.runs.folder import run_digest

    entries = [*manifest.get("inputs", []), *manifest.get("templates", [])]
    digest = run_digest(entries)
    name = manifest.get("run", run.name)
    parts = name.split("-")  # <UTC time>-<short hash>[.n][-failed]
    if (parts[1][:8] if len(parts) > 1 else "") != digest:
        report.fail(f"manifest.json: the input hashes do not give the hash in the run's name "
                    f"(found {digest}, expected the one in {name})")
    else:
        report.good(f"the run's name {name} matches the manifest's input hashes")
    actual = sha256_file(run / "manifest.json")
    if expected_sha256 is not None:
        if actual != expected_sha256.strip().lower():
            report.fail(f"manifest.json: sha256 {actual} differs from the recorded "
                        f"{expected_sha256}")
            return False
        report.good("manifest.json matches the sha256 recorded outside the folder")
        return True
    report.note(f"manifest.json sha256 {actual} (compare it with the one recorded at the "
                "run, or give --manifest-sha256)")
    return False


def _check_added_originals(manifest: dict[str, Any], report: AuditReport) -> None:
    """Fail when the original tender folder holds input files of the run's stage that the
    run never saw (a later stage's files are not the run's: they never fail it)."""
    originals = {Path(e["original"]) for e in manifest.get("inputs", []) if e.get("original")}
    tender_yaml = next((p for p in originals if p.name == "tender.yaml"), None)
    if tender_yaml is None or not tender_yaml.parent.is_dir():
        return
    folder = tender_yaml.parent
    for path in stage_files(folder, stage_of(manifest)):
        if path not in originals:
            report.fail(f"{path}: added to the tender folder since the run; the evaluation no "
                        "longer matches the files on record")


def _not_rerun(report: AuditReport, line: str, because: str) -> None:
    report.note(line)
    report.rerun, report.not_rerun_because = False, because


def _checked_notebooks(run: Path, manifest: dict[str, Any], entries: list[dict[str, Any]],
                       anchored: bool, report: AuditReport) -> dict[str, Any]:
    """Return every executed notebook whose code is a trusted template's with the recorded
    parameters injected; record a failure for any other (then nothing is executed), or, with
    no template to trust, that the notebooks are not re-executed and which anchor to give."""
    from evaluation.runs.trust import check_code, template_of, trusted_templates

    trusted, missing = trusted_templates(run, manifest, anchored)
    if missing:
        for line in missing:
            report.note(line)
        _not_rerun(report, "no template to trust: notebooks not re-executed. Give "
                   "--manifest-sha256 with the sha256 `evaluation run` printed (kept in the "
                   "procurement file), or audit with the workbook version that made the run",
                   "no trusted template; give --manifest-sha256")
        return {}
    for t in sorted(trusted.values(), key=lambda t: t.name):
        report.good(f"templates/{t.name}: trusted ({t.anchor})")
    checked: dict[str, Any] = {}
    for entry in entries:
        path = entry["path"]
        # runs since stages record each notebook's template; older ones follow the rule
        template = trusted.get(str(entry.get("template") or template_of(path)))
        try:
            executed = nbformat.reads((run / path).read_text(encoding="utf-8"), as_version=4)
        except (OSError, ValueError) as exc:
            report.fail(f"{path}: not a readable notebook ({exc}); nothing was executed")
            continue
        problem = "no template recorded for it" if template is None else check_code(
            executed, nbformat.reads(template.source.decode("utf-8"), as_version=4),
            dict(entry.get("parameters", {})))
        if problem:
            report.fail(f"{path}: {problem}; nothing was executed")
        else:
            checked[path] = executed
    if report.ok:
        report.good(f"{len(checked)} notebooks: code equals the trusted templates, parameters "
                    "the recorded ones")
    return checked


def audit_run(run_dir: Path | str, *, jobs: int | None = None, progress: bool = True,
              rerun: bool = True, manifest_sha256: str | None = None) -> AuditReport:
    """Return the audit of a run folder (hashes, originals, re-execution, payloads).

    ``rerun=False`` checks hashes only (``--hashes-only``): quick, but no re-execution.
    """
    from evaluation.runs.pool import available_cores, execute_jobs

    run = Path(run_dir).resolve()
    manifest = read_manifest(run)
    report = AuditReport()
    failed = run / "FAILED.txt"
    if manifest.get("status") != "complete" or run.name.startswith(".") or \
            run.name.endswith("-failed") or failed.is_file():
        why = failed.read_text(encoding="utf-8", errors="replace").strip()[:200] \
            if failed.is_file() else ""
        report.fail(f"{run.name}: the run is not complete (status {manifest.get('status')!r}"
                    + (f"; FAILED.txt: {why}" if why else "") + ")")
    else:
        _check_complete(run, manifest, report)
    anchored = _check_anchor(run, manifest, report, manifest_sha256)
    _check_files(run, manifest, report)
    _check_added_originals(manifest, report)
    exact = same_machine(manifest.get("environment", {}))
    report.note("same machine and software as the run: payloads must be identical" if exact
                else "another machine or software: payloads must agree within a relative "
                     f"{RELATIVE_TOLERANCE:g}")
    executed_in = manifest.get("executed_in", str(run))
    if executed_in != str(run):
        report.note(f"paths recorded under {executed_in} are mapped to {run}")
    entries = [n for n in manifest.get("notebooks", []) if n.get("status") == "ok"]
    if not rerun:
        _not_rerun(report, "hashes only: notebooks were not re-executed",
                   "run the audit without --hashes-only for the full verdict")
        entries = []
    elif not report.ok:
        _not_rerun(report, "notebooks not re-executed: nothing from a run folder that fails "
                   "a check is executed", "a check failed")
        entries = []
    checked = _checked_notebooks(run, manifest, entries, anchored, report) if entries else {}
    with tempfile.TemporaryDirectory(prefix="evaluation-audit-") as tmp:
        job_list = []
        for entry in entries if report.ok and report.rerun else []:
            # the checked copy is executed, not the file in the run folder, which may change
            source = Path(tmp) / "checked" / entry["path"]
            source.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(checked[entry["path"]], str(source))
            params = dict(entry.get("parameters", {}))
            rebased = {k: _rebase(v, executed_in, str(run)) for k, v in params.items()}
            out = Path(tmp) / "rerun" / entry["path"]
            out.parent.mkdir(parents=True, exist_ok=True)
            job_list.append(Job(entry["path"], str(source), str(out),
                                None if rebased == params else rebased))
        outcomes = (execute_jobs(job_list, jobs or available_cores(), progress,
                                 log=Path(tmp) / "kernels.log") if job_list else [])
        for job, outcome in zip(job_list, outcomes, strict=True):
            if not outcome.ok:
                report.fail(f"{job.name}: re-execution failed at cell {outcome.cell}: "
                            f"{outcome.error}")
                continue
            old, new = read_payload(Path(job.source)), read_payload(Path(job.output))
            if old is None or new is None:
                report.fail(f"{job.name}: no result payload to compare")
                continue
            cmp = compare_values(old.get("results"), new.get("results"), exact=exact)
            if cmp.differences:
                worst = (f"largest {cmp.largest} (relative {cmp.largest_rel:.3g})"
                         if cmp.largest else f"e.g. {cmp.differences[0]}")
                report.fail(f"{job.name}: {len(cmp.differences)} of {cmp.numbers} values "
                            f"differ; {worst}")
            elif cmp.largest_abs == 0:
                report.good(f"{job.name}: re-run identical ({cmp.numbers} numbers)")
            else:
                report.good(f"{job.name}: re-run agrees within {RELATIVE_TOLERANCE:g} "
                            f"(largest relative difference {cmp.largest_rel:.3g})")
    source = run / stage_of(manifest).results_from
    results = run / "results.json"
    if source.is_file() and results.is_file():
        payload = read_payload(source)
        stored = json.loads(results.read_text(encoding="utf-8"))
        cmp = compare_values(payload.get("results") if payload else None, stored, exact=True)
        if cmp.differences:
            report.fail(f"results.json differs from {source.name}'s payload: "
                        f"{cmp.differences[0]}")
        else:
            report.good(f"results.json equals {source.name}'s payload")
    return report
