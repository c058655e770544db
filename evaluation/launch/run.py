"""``evaluation run``: the batch run of one tender, an auditable run folder.

The folder ``runs/<tender>/<UTC time>-<short hash>/`` (the hash is over the copied inputs and
templates) is written under a temporary name (``.<UTC time>-<random>.partial``) and renamed
when complete; a run with a failed notebook is renamed
``<name>-failed``; an earlier run is never overwritten. Inside: ``inputs/`` (copies of every
input file, the notebooks read these), ``templates/``, ``proposals/<id>.ipynb``,
``committee.ipynb``, ``results.json``, ``report.html`` and ``manifest.json``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import secrets
import shutil
from collections.abc import Callable
from concurrent.futures import (
    ThreadPoolExecutor,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common.errors import (
    STORAGE_FULL,
    InputError,
    Problem,
    RunError,
    RunInterrupted,
    StorageError,
    TenderError,
)
from evaluation.common.hashing import sha256_file
from evaluation.common.ids import file_names, inside
from evaluation.common.payload import dumps
from evaluation.data.tender import load_tender
from evaluation.launch.outputs import write_evidence, write_outputs
from evaluation.runs.changes import change_record
from evaluation.runs.execute import (
    Job,
    Outcome,
    read_payload,
)
from evaluation.runs.folder import (
    NOTEBOOKS,
    check_templates,
    copy_inputs,
    input_files,
    mark_failed,
    reservation,
    reserve_name,
    run_digest,
    runs_folder,
)
from evaluation.runs.manifest import environment, file_entry
from evaluation.runs.pool import available_cores, execute_jobs
from evaluation.runs.stages import (
    AWARD,
    GATE,
    PURCHASE,
    SELECTION,
    Stage,
    award_stage,
    gate_stage,
    purchase_stage,
    round_stage,
    selection_stage,
    stage_files,
)

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RunResult:
    """Where a run went and how it ended."""

    folder: Path
    ok: bool
    outcomes: tuple[Outcome, ...]
    manifest: dict[str, Any]
    manifest_sha256: str = ""


def _in_background(fn: Callable[..., list[str]], *args: Any) -> list[str]:
    """Run ``fn`` in this thread at a lower priority, so the kernels come first."""
    import threading

    with contextlib.suppress(AttributeError, OSError):  # Linux: a nice value per thread
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    return fn(*args)


@dataclass(frozen=True)
class _Plan:
    """What one stage's run copies, executes and writes."""

    stage: Stage
    folder: Path  # the tender folder
    files: list[Path]  # inputs to copy and hash
    templates: tuple[str, ...]  # template names, from --notebooks
    # (executed notebook's path in the run folder, template name, its own parameters);
    # the first is started first (the longest)
    jobs: list[tuple[str, str, dict[str, Any]]]
    language: str
    model: dict[str, Any]  # the manifest's model record
    write: Callable[[Path, Path, dict[str, Any], str, dict[str, Any]], list[str]]
    evidence: Callable[[Path], list[str]] | None = None  # beside the pool (model test)
    changes: Callable[[Path], dict[str, Any]] | None = None  # the change record


def _award_plan(tender_path: Path | str, language: str | None, allow_unfrozen: bool,
                round: str | None = None) -> _Plan:
    from evaluation.process.readiness import run_refusals

    # validation first: bad input never creates a folder
    tender = load_tender(tender_path, round=round)
    refusals, frozen = run_refusals(tender, allow_unfrozen=allow_unfrozen)
    refusals.raise_if_any(TenderError)
    stage = award_stage() if tender.round is None or tender.round_plan is None else \
        round_stage(tender.round_plan, tender.round)
    language = language or tender.model.language
    names = file_names(tender.proposal_ids)
    jobs: list[tuple[str, str, dict[str, Any]]] = [
        ("committee.ipynb", "committee.ipynb", {"interactive": False})]
    jobs += [(f"proposals/{names[pid]}.ipynb", "proposal.ipynb", {"proposal_id": pid})
             for pid in sorted(tender.proposal_ids)]

    def evidence(work: Path) -> list[str]:
        return write_evidence(work, tender.model, frozen.as_dict(), language)

    return _Plan(stage, tender.folder, input_files(tender, stage),
                 ("proposal.ipynb", "committee.ipynb"), jobs, language,
                 {"id": tender.model.id, "sha256": tender.model.sha256,
                  "frozen": frozen.as_dict()}, write_outputs, evidence,
                 lambda parent: change_record(parent, tender))


def _selection_plan(tender_path: Path | str, language: str | None, allow_unfrozen: bool
                    ) -> _Plan:
    from evaluation.core.prequalification import evaluate_selection
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.prequalification import load_prequalification
    from evaluation.launch.outputs import write_selection_outputs
    from evaluation.process.freeze import check_frozen

    pq = load_prequalification(tender_path)  # bad input never creates a folder
    evaluate_selection(pq, evaluate_tender(pq.competition))  # a tie at a cut stops here
    stage = selection_stage()
    model = pq.competition.model
    frozen = check_frozen(model.source, allow_unfrozen=allow_unfrozen, sha256=model.sha256)
    return _Plan(stage, pq.folder, [*stage_files(pq.folder, stage)], ("selection.ipynb",),
                 [("selection.ipynb", "selection.ipynb", {"interactive": False})],
                 language or model.language,
                 {"id": model.id, "sha256": model.sha256, "frozen": frozen.as_dict()},
                 write_selection_outputs)


def _partnership_plan(tender_path: Path | str, language: str | None, phase: str | None
                      ) -> _Plan:
    """A gate's run after ``phase`` (one gate notebook per partner still in it, and the
    summary), or the purchase's run when ``phase`` is ``None``."""
    from evaluation.data.partnership import load_partnership
    from evaluation.launch.outputs import write_gate_outputs, write_purchase_outputs
    from evaluation.process.contract import check_plan
    from evaluation.runs.changes import plan_change_record
    from evaluation.runs.partnership_jobs import (
        GATE_TEMPLATES,
        PURCHASE_TEMPLATES,
        gate_jobs,
        purchase_jobs,
    )

    # bad input never creates a folder
    partnership = load_partnership(tender_path, through=phase, purchase=phase is None)
    plan = partnership.plan
    status = check_plan(plan)  # a contract changed without a reason is refused here
    tender = load_tender(partnership.folder)  # the award's model is an input too
    phases = [p.id for p in partnership.phases]
    stage = gate_stage(phases, tender.round_plan) if phase is not None else \
        purchase_stage(phases, tender.round_plan)
    templates, jobs, write = (
        (GATE_TEMPLATES, gate_jobs(partnership.active_in(phase), phase), write_gate_outputs)
        if phase is not None else (PURCHASE_TEMPLATES, purchase_jobs(), write_purchase_outputs))
    return _Plan(stage, partnership.folder, input_files(tender, stage), templates, jobs,
                 language or tender.model.language,
                 {"id": "partnership/plan.yaml", "sha256": plan.sha256,
                  "frozen": status.as_dict(), "award_model": tender.model.id,
                  "award_model_sha256": tender.model.sha256}, write,
                 changes=lambda parent: plan_change_record(parent, plan))


def start_run(tender_path: Path | str, *, out: Path | str = "runs", jobs: int | None = None,
              language: str | None = None, progress: bool = True,
              now: dt.datetime | None = None, notebooks: Path = NOTEBOOKS,
              allow_unfrozen: bool = False, stage: str = AWARD, round: str | None = None
              ) -> RunResult:
    """Validate the tender's ``stage``, execute its notebooks and return the finished run
    folder (``award``: one notebook per proposal and the committee's, of the negotiation
    ``round`` when the tender has rounds (default the latest present); ``selection``: the
    prequalification's; ``gate-<phase>``: one gate notebook per partner and the summary;
    ``purchase``: the purchase check).

    A model changed after it was frozen is refused before any folder is created
    (:class:`~evaluation.common.errors.FrozenModelError`) unless ``allow_unfrozen``.
    """
    if stage == SELECTION:
        plan = _selection_plan(tender_path, language, allow_unfrozen)
    elif stage.startswith(GATE):
        plan = _partnership_plan(tender_path, language, stage[len(GATE):])
    elif stage == PURCHASE:
        plan = _partnership_plan(tender_path, language, None)
    elif stage == AWARD:
        plan = _award_plan(tender_path, language, allow_unfrozen, round)
    else:
        raise InputError([Problem("--stage", "stage", "unknown stage", found=stage,
                                  expected=f"{AWARD} | {SELECTION} | {GATE}<phase> | {PURCHASE}")])
    return _execute(plan, out=Path(out), jobs=jobs, progress=progress, now=now,
                    notebooks=Path(notebooks))


def _execute(plan: _Plan, *, out: Path, jobs: int | None, progress: bool,
             now: dt.datetime | None, notebooks: Path) -> RunResult:
    templates = check_templates(notebooks.resolve(), plan.templates)
    parent = runs_folder(out, plan.folder, plan.stage.subfolder())
    language = plan.language
    now = now or dt.datetime.now(dt.UTC)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = parent / f".{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(4)}.partial"
        work.mkdir()  # the final name comes from the copies' hashes
    except OSError as exc:
        raise InputError([Problem("--out", "runs folder", "cannot be written",
                                  found=f"{parent} ({exc.strerror or exc})",
                                  expected="a folder this user may write to")]) from None
    name = work.name[1:-len(".partial")]
    try:
        # the notebooks execute the copies, and the run is named after the copies' hashes:
        # an original saved during the run changes neither
        root, pairs = copy_inputs(plan.files, work / "inputs")
        (work / "templates").mkdir()
        for t in templates:
            shutil.copy2(t, work / "templates" / t.name)
        templates_run = {t.name: work / "templates" / t.name for t in templates}
        recorded = {"inputs": [file_entry(dest, work, original=src) for src, dest in pairs],
                    "templates": [file_entry(templates_run[t.name], work, original=t)
                                  for t in templates]}
        short = run_digest([*recorded["inputs"], *recorded["templates"]])
        final = reserve_name(parent, f"{now.strftime('%Y%m%dT%H%M%SZ')}-{short}")
        name = final.name
        tender_copy = work / "inputs" / plan.folder.relative_to(root)
        base = {"tender": str(tender_copy), "run_dir": str(work), "language": language}
        # every path built from an id stays inside the run folder
        job_list = [Job(path, str(templates_run[template]), str(inside(work, path)),
                        {**base, **params}) for path, template, params in plan.jobs]
        for job in job_list:
            Path(job.output).parent.mkdir(parents=True, exist_ok=True)
        started = dt.datetime.now(dt.UTC)
        with ThreadPoolExecutor(max_workers=1) as side:  # the main process only waits otherwise
            evidence = side.submit(_in_background, plan.evidence, work) if plan.evidence \
                else None
            log = work / "kernels.log"  # the kernels' stderr: kept only in a failed run
            done = {o.name: o for o in execute_jobs(job_list, jobs or available_cores(),
                                                    progress, log=log)}
            evidence_files = evidence.result() if evidence else []
        ok = all(o.ok for o in done.values())
        target = final if ok else parent / f"{final.name}-failed"
        # an error that names a file names it where the run folder will be
        outcomes = [dataclasses.replace(o, error=o.error.replace(str(work), str(target)))
                    if o.error else o for o in (done[j.name] for j in job_list)]
        if ok:
            log.unlink(missing_ok=True)
        manifest: dict[str, Any] = {
            "manifest_version": MANIFEST_VERSION,
            "tender": plan.folder.name,
            "stage": plan.stage.name,
            "scope": list(plan.stage.scope),
            "run": target.name,
            "status": "complete" if ok else "failed",
            "executed_in": str(work),
            "language": language,
            "started": started.isoformat(timespec="seconds"),
            "environment": environment(),
            "model": plan.model,
            "changes": plan.changes(parent) if plan.changes else None,
            **recorded,
            "notebooks": [{"path": o.name, "template": template,
                           "status": "ok" if o.ok else "failed",
                           "parameters": j.parameters, "seconds": round(o.seconds, 3),
                           "cell": o.cell, "error": o.error, "attempts": o.attempts}
                          for j, o, (_, template, _) in zip(job_list, outcomes, plan.jobs,
                                                            strict=True)],
        }
        derived: list[str] = []
        if ok:
            payload = read_payload(work / plan.stage.results_from)
            if payload is None:
                raise RunError(f"{plan.stage.results_from}: no result payload in the executed "
                               "notebook")
            derived = plan.write(work, tender_copy, payload, language, manifest)
        derived += evidence_files
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest["outputs"] = [file_entry(work / name, work) for name in
                               [*(j.name for j in job_list if (work / j.name).exists()), *derived]]
        (work / "manifest.json").write_text(dumps(manifest), encoding="utf-8")
        work.rename(target)
        reservation(final).rmdir()
        return RunResult(target, ok, tuple(outcomes), manifest,
                         sha256_file(target / "manifest.json"))
    except BaseException as exc:  # an interrupted or broken run must not look complete
        interrupted = isinstance(exc, KeyboardInterrupt)
        kept = mark_failed(work, parent / f"{name}-{'interrupted' if interrupted else 'failed'}",
                           exc)
        if name != work.name[1:-len(".partial")]:  # the final name was reserved
            with contextlib.suppress(OSError):
                reservation(parent / name).rmdir()
        if interrupted:
            raise RunInterrupted(kept) from None
        if isinstance(exc, OSError) and exc.errno in STORAGE_FULL:
            raise StorageError(parent, kept, exc) from None
        raise
